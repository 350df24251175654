#!/usr/bin/env node
import { existsSync } from "node:fs";

const bundle = new URL("../dist/wfplan.js", import.meta.url);
if (!existsSync(bundle)) {
  process.stderr.write("wfplan is not built yet: run `npm run build` (npm ci does it for you).\n");
  process.exit(1);
}
// The AWS SDK warns on every run under Node 20 about its future Node 22 requirement; wfplan
// supports Node 20, so that warning is noise to its users. This is the SDK's documented switch.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
await import(bundle.href);
