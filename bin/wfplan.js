#!/usr/bin/env node
import { existsSync } from "node:fs";
import module from "node:module";

const bundle = new URL("../dist/wfplan.js", import.meta.url);
if (!existsSync(bundle)) {
  process.stderr.write("wfplan is not built yet: run `npm run build` (npm ci does it for you).\n");
  process.exit(1);
}
// Node 22.1+ caches compiled code between runs (start-up is most of a plan's time); Node 20 has no such cache.
module.enableCompileCache?.();
// The AWS SDK warns on every run under Node 20 about its future Node 22 requirement; wfplan
// supports Node 20, so that warning is noise to its users. This is the SDK's documented switch.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
await import(bundle.href);
