#!/usr/bin/env node
import { existsSync } from "node:fs";

const bundle = new URL("../dist/wfplan.js", import.meta.url);
if (!existsSync(bundle)) {
  process.stderr.write("wfplan is not built yet: run `npm run build` (npm ci does it for you).\n");
  process.exit(1);
}
await import(bundle.href);
