// Preloaded into a measured process (node --import): records its peak memory when it exits.
import { writeFileSync } from "node:fs";

process.on("exit", () => {
  if (process.env.WFPLAN_BENCH_RSS_FILE) {
    writeFileSync(process.env.WFPLAN_BENCH_RSS_FILE, String(process.resourceUsage().maxRSS));
  }
});
