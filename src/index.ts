/**
 * wfplan as a library: plan and apply a workforce spec from a script, without the CLI. The CLI is
 * a thin shell over exactly these functions (docs/architecture.md).
 *
 *   const loaded = loadSpecFile("workforce.yaml");
 *   const { client, region } = await connect({}, loaded.spec!.region);
 *   const prepared = await planSession({ client, region, spec, specFile, options, backupDir, env });
 *   if (canApply(prepared.plan)) await applySession(prepared, { waitTimeoutMs });
 */
export type { ApplyEvent } from "./apply/execute.ts";
export { type AwsOptions, connect } from "./aws/client.ts";
export { planOptions } from "./core/plan.ts";
export {
  canApply,
  destructive,
  hasChanges,
  isBlocked,
  workteamsToDelete,
} from "./core/questions.ts";
export type { Plan, PlanOptions, ResourcePlan, Step } from "./core/types.ts";
export { DeclinedError, InterruptedError, ReportedError, UserError } from "./errors.ts";
export {
  type FleetPlanEntry,
  fleetDocument,
  renderFleetJson,
  renderFleetMarkdown,
  renderFleetText,
} from "./render/fleet.ts";
export { planDocument, renderApplyJson, renderPlanJson } from "./render/json.ts";
export { renderPlanMarkdown } from "./render/markdown.ts";
export { renderPlanText } from "./render/text.ts";
export {
  type ApplyControls,
  type ApplySessionResult,
  applySession,
} from "./session/apply.ts";
export {
  type FleetPlanInput,
  type FleetPrepared,
  type FleetTarget,
  fleetPlanEntries,
  fleetTargets,
  type PlannedTarget,
  planFleet,
} from "./session/fleet.ts";
export { type PlanInput, type Prepared, planSavedSession, planSession } from "./session/plan.ts";
export type { Diagnostic } from "./spec/diagnostics.ts";
export { loadSpecFile, loadSpecText } from "./spec/load.ts";
export type { Spec } from "./spec/schema.ts";
