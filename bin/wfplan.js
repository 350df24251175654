#!/usr/bin/env node
// wfplan's launcher. The CLI is one CommonJS bundle, dist/wfplan.cjs (scripts/build.mjs), compiled
// here through node:vm with a V8 code cache: compiling is most of a plan's start-up, and Node 20
// caches no compiled code of its own.
//
// A cache serves only the exact bundle and the exact Node it was recorded with (its key heads the
// file, and V8 checks again). The build records one beside the bundle; it serves a checkout, and an
// installed package run by the Node that packed it. Any other Node records its own on first use, in
// the user's cache folder ($XDG_CACHE_HOME/wfplan, else ~/.cache/wfplan) — never in the install
// folder, atomically, and after the command's own work is done. Failing to record changes nothing.
// Caches of other bundles or Nodes that no run has read for 30 days are removed as one is recorded.
import { createHash } from "node:crypto";
import {
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import module from "node:module";
import { homedir } from "node:os";
import { dirname, isAbsolute, join } from "node:path";
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

const debug = (message) => process.env.WFPLAN_DEBUG && process.stderr.write(`wfplan: ${message}\n`);
const bundleHash = createHash("sha256").update(source).digest("hex");
const node = `${process.version}-${process.arch}`;
const key = Buffer.from(`wfplan code cache\0${bundleHash}\0${node}\0`);
const shipped = `${bundle}.cache`;
const personal = personalCache();

/**
 * The user's cache file for this bundle and Node, or undefined when there is no folder for it
 * (no home folder, say): then wfplan runs without one. XDG_CACHE_HOME counts only when absolute.
 */
function personalCache() {
  try {
    const xdg = process.env.XDG_CACHE_HOME;
    const root = xdg && isAbsolute(xdg) ? xdg : join(homedir(), ".cache");
    return join(root, "wfplan", `${bundleHash.slice(0, 16)}-node${node}.cache`);
  } catch {
    return undefined;
  }
}

// A cache recorded by a plan or an apply holds most of what any run compiles; one recorded by, say,
// `wfplan --version` holds little, so the next plan or apply records again.
const command = process.argv.slice(2).find((arg) => !arg.startsWith("-"));
const thorough = ["plan", "apply", "demo", "import"].includes(command);

/** The cache in `file` if it was recorded for this bundle on this Node, else undefined. */
function cacheIn(file) {
  try {
    const cache = readFileSync(file);
    if (cache.subarray(0, key.length).equals(key)) {
      return { data: cache.subarray(key.length + 1), thorough: cache[key.length] === 1 };
    }
  } catch {
    // none there
  }
  return undefined;
}

// The user's cache comes first: it exists only because the build's did not serve this Node (it
// was recorded for another one, or V8 refused it, as it does under other V8 flags).
const building = Boolean(process.env.WFPLAN_RECORD_CODE_CACHE);
let from = personal;
let cache = building || !personal ? undefined : cacheIn(personal);
if (!cache && !building) {
  from = shipped;
  cache = cacheIn(shipped);
}
// The function wrapper goes on a line of its own, so stack traces keep the bundle's positions.
const script = new Script(
  `(function (exports, require, module, __filename, __dirname, __wfplanImport) {\n${source}\n})`,
  { filename: bundle, lineOffset: -1, cachedData: cache?.data },
);
const used = cache && !script.cachedDataRejected;
debug(`code cache ${used ? `used (${from})` : cache ? "rejected by V8" : "missing"}`);
// The cache is recorded as the process exits, so it holds what the run compiled (the functions a
// plan or an apply calls, not only the top level); the build records from a real apply.
if (building) process.once("exit", () => save(shipped, true));
else if (personal && (!used || (from === personal && !cache.thorough && thorough))) {
  process.once("exit", () => save(personal, thorough));
}

function save(file, isThorough) {
  const partial = `${file}.${process.pid}.partial`;
  try {
    const data = Buffer.concat([key, Buffer.of(isThorough ? 1 : 0), script.createCachedData()]);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(partial, data);
    renameSync(partial, file);
    debug(`code cache recorded (${file})`);
    if (file === personal) forgetOldCaches(dirname(file));
  } catch (error) {
    debug(`code cache not recorded: ${error.message}`);
    try {
      rmSync(partial, { force: true });
    } catch {
      // there was no folder to write it in
    }
  }
}

/** Caches of other bundles or Nodes not used for 30 days go (each is up to about 1 MB). */
function forgetOldCaches(folder) {
  const before = Date.now() - 30 * 24 * 3600 * 1000;
  try {
    for (const name of readdirSync(folder)) {
      const file = join(folder, name);
      if (file !== personal && name.endsWith(".cache") && statSync(file).atimeMs < before) {
        rmSync(file, { force: true });
      }
    }
  } catch {
    // another process may be tidying too: nothing here matters
  }
}

const exports = {};
script.runInThisContext()(
  exports,
  module.createRequire(bundle),
  { exports },
  bundle,
  dirname(bundle),
  (specifier) => import(new URL(specifier, pathToFileURL(bundle)).href),
);
