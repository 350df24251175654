// Bundles the CLI into dist/ (one file for the common paths; code splitting keeps the Ink UI,
// loaded with import(), out of the start-up path).
import { rmSync } from "node:fs";
import { build } from "esbuild";

rmSync("dist", { recursive: true, force: true });

await build({
  entryPoints: { wfplan: "src/cli/main.ts" },
  outdir: "dist",
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  // Prefer the ES module builds: esbuild can then drop the SDK's hundreds of unused commands.
  mainFields: ["module", "main"],
  target: "node20",
  sourcemap: false,
  minify: true,
  keepNames: true,
  legalComments: "none",
  logLevel: "warning",
  // Ink loads React DevTools only with DEV=true; wfplan does not ship them.
  external: ["react-devtools-core"],
  define: { "process.env.NODE_ENV": '"production"' },
  // CommonJS dependencies call require(); give the ESM bundle one.
  banner: {
    js: "import { createRequire as __wfplanRequire } from 'node:module'; const require = __wfplanRequire(import.meta.url);",
  },
});
