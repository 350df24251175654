import { BACKUP_DIR } from "../../apply/backup.ts";
import type { ApplyEvent } from "../../apply/execute.ts";
import { isFleetPlanFile, readPlanFile } from "../../apply/planfile.ts";
import { connect } from "../../aws/client.ts";
import { type ApprovalLevel, type ImpactEntry, needsApproval } from "../../core/impact.ts";
import { hasChanges, isBlocked } from "../../core/questions.ts";
import { InterruptedError, UserError } from "../../errors.ts";
import type { ApplyDocumentInput } from "../../render/json.ts";
import { type ApplySessionResult, applySession } from "../../session/apply.ts";
import { planSavedSession } from "../../session/plan.ts";
import { DEFAULT_WAIT, parseDuration } from "../../values/duration.ts";
import { applyView } from "../../views/apply.ts";
import { isInteractive } from "../../views/style.ts";
import { ExitCode } from "../errors.ts";
import { onInterrupt } from "../interrupt.ts";
import { applyFleetCommand, planSavedFleet, planSpecFleet } from "./apply-fleet.ts";
import { loadPlanSpec, noTargets, type PlanFlags, preparePlan } from "./plan.ts";

export interface ApplyOptions extends PlanFlags {
  planFile?: string;
  autoApprove?: boolean;
  timeout?: string;
  format: "text" | "json";
  /** Changes of this class are not auto-approved (--auto-approve, a plan file): never by default. */
  requireApproval?: ApprovalLevel;
  /** --only-fresh: with a fleet's plan file, apply the fresh targets and not the stale ones. */
  onlyFresh?: boolean;
}

/** `wfplan apply [PLANFILE]`: plan (or check a saved plan), confirm, and run the steps in order. */
export async function applyCommand(opts: ApplyOptions): Promise<number> {
  const backupDir = opts.backupDir ?? BACKUP_DIR;
  // A spec with `targets`, or a fleet's plan file, is a fleet: rolled out target by target.
  const loaded = opts.planFile ? undefined : loadPlanSpec(opts);
  const fleet = opts.planFile
    ? isFleetPlanFile(opts.planFile)
      ? await planSavedFleet(opts.planFile, { ...opts, backupDir })
      : undefined
    : loaded?.spec.targets
      ? await planSpecFleet({ ...opts, backupDir }, loaded)
      : undefined;
  if (fleet) return applyFleetCommand(fleet, { ...opts, backupDir });
  if (!opts.planFile) noTargets(opts);
  const prepared = opts.planFile
    ? await prepareSaved(opts.planFile, { ...opts, backupDir })
    : await preparePlan({ ...opts, backupDir }, loaded);
  const { plan } = prepared;
  const view = await applyView(opts.format, opts);
  // A saved plan was reviewed when it was made; waiting for an update in progress changes nothing.
  const preApproved = Boolean(opts.autoApprove || opts.planFile);
  // --require-approval: a pre-approved plan with changes of that class still needs a person's yes.
  const level = opts.requireApproval ?? "never";
  const held = preApproved && !isBlocked(plan) ? needsApproval(plan, level) : [];
  const canAsk = opts.format === "text" && isInteractive();
  await view.review(plan, {
    ask: hasChanges(plan) && (!preApproved || (held.length > 0 && canAsk)),
  });
  const ended = (a: Omit<ApplyDocumentInput, "plan">) => view.end({ ...a, plan });
  if (isBlocked(plan)) {
    await ended({ outcome: "blocked", events: [], remaining: [] });
    throw new UserError("the plan is blocked; nothing was changed", {
      hint: "resolve the blockers above, then apply again",
    });
  }
  if (held.length > 0 && !canAsk) {
    const needs = held.map(({ path, impact }) => ({ path, impact }));
    await ended({ outcome: "needs-approval", needsApproval: needs, events: [], remaining: [] });
    throw approvalRefused(level, held, opts.format === "json");
  }
  if (plan.steps.length === 0) {
    await ended({ outcome: "no-changes", events: [], remaining: [] });
    return ExitCode.ok;
  }
  const wait = opts.timeout ?? prepared.spec.policy?.waitTimeout ?? DEFAULT_WAIT;
  const waitTimeoutMs = parseDuration(wait);
  if (waitTimeoutMs === undefined)
    throw new UserError(`--timeout ${wait}: not a duration`, { hint: "such as 90s, 15m or 1h30m" });

  const events: ApplyEvent[] = [];
  const stop = onInterrupt((notice) => view.notify(notice), backupDir);
  view.start(plan);
  let result: ApplySessionResult | undefined;
  try {
    result = await applySession(prepared, {
      waitTimeoutMs,
      signal: stop.signal,
      onEvent: (e) => {
        events.push(e);
        stop.track(e);
        view.onEvent(e);
      },
    });
  } catch (e) {
    const outcome = e instanceof InterruptedError ? "interrupted" : "failed";
    await ended({ outcome, events, remaining: null });
    throw e;
  } finally {
    stop.dispose();
  }
  await ended({
    outcome: "applied",
    events,
    backupFile: result.backupFile,
    remaining: result.remaining,
  });
  if (!result.verified) {
    throw new UserError(
      `applied, but verify found the live state different from what it should be now:\n  ${result.remaining.join("\n  ")}`,
      {
        hint: "run wfplan plan to see what differs from the spec; something else may be changing the workforce, or the service did not do what it accepted",
      },
    );
  }
  return ExitCode.ok;
}

/** A saved plan, checked by planning again against the live state (it is not trusted blindly). */
async function prepareSaved(planFile: string, opts: ApplyOptions & { backupDir: string }) {
  const saved = readPlanFile(planFile);
  const { client, region } = await connect({ ...opts, region: undefined }, saved.region);
  return planSavedSession(saved, {
    client,
    region,
    backupDir: opts.backupDir,
    env: process.env,
    preflight: opts.preflight,
    planFile,
  });
}

/** Why an auto-approved apply stops: the changes --require-approval holds, and no one to ask. */
function approvalRefused(level: ApprovalLevel, held: ImpactEntry[], json: boolean): UserError {
  const n = held.length;
  const why = json ? "--format json cannot ask for it" : "there is no terminal to ask in";
  return new UserError(
    `--require-approval ${level}: the plan has ${n} change${n > 1 ? "s" : ""} that need${n > 1 ? "" : "s"} a person's approval, and ${why}; nothing was changed:\n  ${held.map((e) => `${e.path} (${e.impact})`).join("\n  ")}`,
    {
      hint: `review the plan with wfplan plan, then apply it in a terminal, which asks; or pass --require-approval ${level === "any" ? "broadening or never" : "never"} to approve such changes without asking`,
    },
  );
}
