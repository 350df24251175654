#!/usr/bin/env node
// wfplan's launcher. The CLI is one CommonJS bundle, dist/wfplan.cjs (scripts/build.mjs), compiled
// here through node:vm with the V8 code cache the build recorded beside it: compiling is most of
// a plan's start-up, and Node 20 caches no compiled code of its own. The cache is used only for the
// exact bundle it was recorded from (a SHA-256 heads it) and only by the V8 that wrote it (V8
// checks); otherwise the bundle compiles as usual.
import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import module from "node:module";
import { dirname } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { Script } from "node:vm";

const bundle = fileURLToPath(new URL("../dist/wfplan.cjs", import.meta.url));
let source;
try {
  source = readFileSync(bundle, "utf8");
} catch {
  process.stderr.write("wfplan is not built yet: run `npm run build` (npm ci does it for you).\n");
  process.exit(1);
}
// The AWS SDK warns on every run under Node 20 about its future Node 22 requirement; wfplan
// supports Node 20, so that warning is noise to its users. This is the SDK's documented switch.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
// Node 22.1+ caches compiled ES modules between runs: the interactive UI, dist/tui.js, is one.
module.enableCompileCache?.();

const cacheFile = `${bundle}.cache`;
const digest = createHash("sha256").update(source).digest();
let cachedData;
let cacheState = "missing";
try {
  const cache = readFileSync(cacheFile);
  if (cache.subarray(0, digest.length).equals(digest)) cachedData = cache.subarray(digest.length);
  else cacheState = "stale (recorded for another build of the bundle)";
} catch {
  // no cache: compile as usual
}
// The function wrapper goes on a line of its own, so stack traces keep the bundle's positions.
const script = new Script(
  `(function (exports, require, module, __filename, __dirname, __wfplanImport) {\n${source}\n})`,
  { filename: bundle, lineOffset: -1, cachedData },
);
if (cachedData) cacheState = script.cachedDataRejected ? "rejected by V8 (another Node?)" : "used";
if (process.env.WFPLAN_DEBUG) process.stderr.write(`wfplan: code cache ${cacheState}\n`);
// The build records the cache from a real run (the functions it compiled, not only the top level).
if (process.env.WFPLAN_RECORD_CODE_CACHE)
  process.once("exit", () =>
    writeFileSync(cacheFile, Buffer.concat([digest, script.createCachedData()])),
  );
const exports = {};
script.runInThisContext()(
  exports,
  module.createRequire(bundle),
  { exports },
  bundle,
  dirname(bundle),
  (specifier) => import(new URL(specifier, pathToFileURL(bundle)).href),
);
