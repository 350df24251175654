import { BACKUP_DIR } from "../../apply/backup.ts";
import type { ApplyEvent } from "../../apply/execute.ts";
import { readPlanFile } from "../../apply/planfile.ts";
import { connect } from "../../aws/client.ts";
import { hasChanges, isBlocked } from "../../core/questions.ts";
import { InterruptedError, UserError } from "../../errors.ts";
import type { ApplyDocumentInput } from "../../render/json.ts";
import { type ApplySessionResult, applySession } from "../../session/apply.ts";
import { planSavedSession } from "../../session/plan.ts";
import { DEFAULT_WAIT, parseDuration } from "../../values/duration.ts";
import { applyView } from "../../views/apply.ts";
import { ExitCode } from "../errors.ts";
import { onInterrupt } from "../interrupt.ts";
import { type PlanFlags, preparePlan } from "./plan.ts";

export interface ApplyOptions extends PlanFlags {
  planFile?: string;
  autoApprove?: boolean;
  timeout?: string;
  format: "text" | "json";
}

/** `wfplan apply [PLANFILE]`: plan (or check a saved plan), confirm, and run the steps in order. */
export async function applyCommand(opts: ApplyOptions): Promise<number> {
  const backupDir = opts.backupDir ?? BACKUP_DIR;
  const prepared = opts.planFile
    ? await prepareSaved(opts.planFile, { ...opts, backupDir })
    : await preparePlan({ ...opts, backupDir });
  const { plan } = prepared;
  const view = await applyView(opts.format, opts);
  // A saved plan was reviewed when it was made; waiting for an update in progress changes nothing.
  await view.review(plan, { ask: !opts.autoApprove && !opts.planFile && hasChanges(plan) });
  const ended = (a: Omit<ApplyDocumentInput, "plan">) => view.end({ ...a, plan });
  if (isBlocked(plan)) {
    await ended({ outcome: "blocked", events: [], remaining: [] });
    throw new UserError("the plan is blocked; nothing was changed", {
      hint: "resolve the blockers above, then apply again",
    });
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
    planFile,
  });
}
