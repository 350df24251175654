// Builds dist/ for bin/wfplan.js. Start-up is most of a plan's time, so the build is shaped by it:
//
//   1. src/cli/main.ts → ES modules with code splitting, in a scratch folder. Splitting lets esbuild
//      drop every part of the SDK wfplan does not call (the SageMaker client's shapes alone are 600 KB)
//      and keeps each command's code behind its own import().
//   2. Those modules → one CommonJS file, dist/wfplan.cjs. The launcher compiles it through node:vm
//      with a V8 code cache; Node 20 has no compile cache for ES modules, and compiling is most of
//      start-up. The commands stay lazy: each chunk still runs only when its import() does.
//   3. src/tui/index.tsx → dist/tui.js, an ES module (Ink and yoga use top-level await), imported
//      by the launcher only when a terminal shows the interactive UI.
//   4. src/index.ts → dist/lib/index.js, the library (`import { planSession } from "wfplan"`), with its
//      type declarations in dist/types. Like the CLI it bundles what it uses, so the package has no
//      runtime dependencies: installing it downloads nothing else.
//   5. The code cache, dist/wfplan.cjs.cache: recorded from a real apply against the emulator, so it
//      holds the functions a plan and an apply run, not only the top level.
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { build } from "esbuild";
import { LAUNCHER, startEmulatorProcess } from "./emulator.mjs";

const common = {
  bundle: true,
  platform: "node",
  target: "node20",
  minify: true,
  legalComments: "none",
  logLevel: "warning",
  define: { "process.env.NODE_ENV": '"production"' },
};
// Prefer the ES module builds of dependencies: esbuild can only drop unused code from those.
const esmFirst = { mainFields: ["module", "main"] };
// CommonJS dependencies call require(); give the ES module output one.
const esmRequire = {
  js: "import { createRequire as __wfplanRequire } from 'node:module'; const require = __wfplanRequire(import.meta.url);",
};

/** src/tui/load.ts, built: the launcher's import() loads dist/tui.js (see bin/wfplan.js). */
const tuiThroughLauncher = {
  name: "tui-through-launcher",
  setup(b) {
    b.onLoad({ filter: /[\\/]src[\\/]tui[\\/]load\.ts$/ }, () => ({
      contents: 'export const loadTui = () => __wfplanImport("./tui.js");',
      loader: "js",
    }));
  },
};

/**
 * Code compiled by node:vm cannot import() without an experimental flag, so the AWS SDK's lazy
 * `import("node:http")` and the like become require() calls.
 */
const builtinsByRequire = {
  name: "builtins-by-require",
  setup(b) {
    b.onResolve({ filter: /^node:/ }, (args) =>
      args.kind === "dynamic-import" ? { path: args.path, namespace: "builtin" } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: "builtin" }, (args) => ({
      contents: `module.exports = require(${JSON.stringify(args.path)});`,
      loader: "js",
    }));
  },
};

/**
 * The SDK clients' schema modules name each member's traits by constants (`{ [_xN]: "vpcId" }`),
 * and esbuild keeps any object with a computed key, so the EC2 client's 8,000 shapes (500 KB) all
 * stayed in. With the constants written in, it keeps only the shapes wfplan's calls use.
 */
const inlineSchemaKeys = {
  name: "inline-schema-keys",
  setup(b) {
    b.onLoad(
      { filter: /[\\/]@aws-sdk[\\/]client-[^\\/]+[\\/]dist-es[\\/]schemas[\\/]schemas_\d+\.js$/ },
      (args) => {
        const text = readFileSync(args.path, "utf8");
        const names = new Map(
          [...text.matchAll(/^const (_\w+) = ("[^"\\\n]*");$/gm)].map((m) => [m[1], m[2]]),
        );
        const contents = text.replace(/\[(_\w+)\]:/g, (key, name) =>
          names.has(name) ? `${names.get(name)}:` : key,
        );
        return { contents, loader: "js" };
      },
    );
  },
};

rmSync("dist", { recursive: true, force: true });
const scratch = mkdtempSync(join(tmpdir(), "wfplan-build-"));
try {
  await build({
    ...common,
    ...esmFirst,
    entryPoints: { wfplan: "src/cli/main.ts" },
    outdir: scratch,
    format: "esm",
    splitting: true,
    keepNames: true,
    banner: esmRequire,
    plugins: [tuiThroughLauncher, inlineSchemaKeys],
  });
  const { metafile } = await build({
    ...common,
    entryPoints: [join(scratch, "wfplan.js")],
    outfile: "dist/wfplan.cjs",
    format: "cjs",
    metafile: true,
    define: { ...common.define, "import.meta.url": "__wfplanUrl" },
    banner: { js: 'var __wfplanUrl=require("node:url").pathToFileURL(__filename).href;' },
    plugins: [builtinsByRequire],
  });
  noDynamicImports(metafile);
} finally {
  rmSync(scratch, { recursive: true, force: true });
}

await build({
  ...common,
  ...esmFirst,
  entryPoints: { tui: "src/tui/index.tsx" },
  outdir: "dist",
  format: "esm",
  // Splitting keeps Ink's devtools module, and its import of the missing package, behind import().
  splitting: true,
  chunkNames: "tui-[name]-[hash]",
  keepNames: true,
  banner: esmRequire,
  // Ink loads React DevTools only with DEV=true; wfplan does not ship them.
  external: ["react-devtools-core"],
});

await build({
  ...common,
  ...esmFirst,
  entryPoints: { index: "src/index.ts" },
  outdir: "dist/lib",
  format: "esm",
  keepNames: true,
  banner: esmRequire,
  // The SDK loads its credential providers with import(): they stay separate chunks.
  splitting: true,
  plugins: [inlineSchemaKeys],
});
await run(process.execPath, ["node_modules/typescript/bin/tsc", "-p", "tsconfig.lib.json"]);

await recordCodeCache();

function run(command, args) {
  return new Promise((done, fail) => {
    const child = spawn(command, args, { stdio: "inherit" });
    child.on("close", (code) =>
      code === 0 ? done() : fail(new Error(`${args.join(" ")} exited ${code}`)),
    );
  });
}

function noDynamicImports(metafile) {
  const left = Object.values(metafile.outputs)
    .flatMap((o) => o.imports)
    .filter((i) => i.kind === "dynamic-import");
  if (left.length > 0)
    throw new Error(
      `dist/wfplan.cjs would import() ${left.map((i) => i.path).join(", ")}; node:vm cannot`,
    );
}

/**
 * Runs the built CLI the way a user does — an apply that creates a workforce, then one that updates
 * it — against the emulator, and keeps the second run's V8 code cache. Only an optimisation: if it
 * fails, wfplan works the same and starts slower.
 */
async function recordCodeCache() {
  const work = mkdtempSync(join(tmpdir(), "wfplan-cache-"));
  const env = {
    ...process.env,
    AWS_ACCESS_KEY_ID: "build",
    AWS_SECRET_ACCESS_KEY: "build",
    WFPLAN_TRAINING_SECRET: "build-secret",
    CI: "true",
    NO_COLOR: "1",
  };
  let emulator;
  try {
    emulator = await startEmulatorProcess({ env });
    const { url } = emulator;
    const apply = async (cidr, record) => {
      const spec = join(work, `${cidr.replace(/\W/g, "_")}.yaml`);
      writeFileSync(spec, trainingSpec(cidr));
      const args = [LAUNCHER, "apply", "-f", spec, "--endpoint-url", url, "--auto-approve"];
      const runEnv = record ? { ...env, WFPLAN_RECORD_CODE_CACHE: "1" } : env;
      // In the scratch folder: whatever apply writes there (backups) goes with it.
      const child = spawn(process.execPath, args, { env: runEnv, cwd: work });
      let output = "";
      child.stdout.on("data", (d) => (output += d));
      child.stderr.on("data", (d) => (output += d));
      const code = await new Promise((done) => child.on("close", done));
      if (code !== 0) throw new Error(`wfplan apply exited ${code}:\n${output}`);
    };
    await apply("10.0.0.0/16", false);
    await apply("10.1.0.0/16", true);
  } catch (error) {
    rmSync("dist/wfplan.cjs.cache", { force: true });
    console.warn(`warning: no code cache recorded (wfplan will start slower): ${error.message}`);
  } finally {
    emulator?.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

function trainingSpec(cidr) {
  return `version: 1
region: us-east-1
workforce:
  name: training
  oidcConfig:
    clientId: training
    clientSecret: \${env:WFPLAN_TRAINING_SECRET}
    issuer: https://idp.example.com
    authorizationEndpoint: https://idp.example.com/authorize
    tokenEndpoint: https://idp.example.com/token
    userInfoEndpoint: https://idp.example.com/userinfo
    logoutEndpoint: https://idp.example.com/logout
    jwksUri: https://idp.example.com/keys
  sourceIpConfig:
    cidrs: [${cidr}]
workteams:
  - name: annotators
    description: annotators for ${cidr}
    memberDefinitions:
      - oidcMemberDefinition:
          groups: [annotators]
`;
}
