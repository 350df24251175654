// wfplan as a library: plan, and apply when nothing blocks, from a script (README, "As a library").
// Usage: node examples/library.mjs workforce.yaml [--endpoint-url URL]
import {
  applySession,
  canApply,
  connect,
  loadSpecFile,
  planOptions,
  planSession,
  renderPlanText,
} from "wfplan";

const [file, , endpointUrl] = process.argv.slice(2);
const { spec, diagnostics } = loadSpecFile(file);
if (!spec) throw new Error(diagnostics.map((d) => d.message).join("\n"));
const { client, region } = await connect({ endpointUrl }, spec.region);
const prepared = await planSession({
  client,
  region,
  spec,
  specFile: file,
  options: planOptions(spec),
  backupDir: ".wfplan/backups",
  env: process.env,
});
process.stdout.write(renderPlanText(prepared.plan));
if (canApply(prepared.plan)) {
  const result = await applySession(prepared, { waitTimeoutMs: 15 * 60_000 });
  console.log(result.verified ? "applied and verified" : `differences remain: ${result.remaining}`);
}
