/**
 * A fleet apply (README, "Fleets"): each target's plan applied by its own apply session, in the
 * order and with the limits of the rollout policy (apply/rollout.ts). No printing, no process
 * state, as applySession: the caller sees every target's steps through `onEvent`, tagged with the
 * target's id, and stops the rollout with `signal`.
 *
 * A target counts as failed without running when it could not be planned or its plan is blocked
 * (so it stops a canary phase and counts toward the failure tolerance), and as succeeded without
 * running when its plan has no steps. A target that ran succeeds only when verify passed.
 */
import type { ApplyEvent } from "../apply/execute.ts";
import { type HaltReason, type Outcome, rollout } from "../apply/rollout.ts";
import { isBlocked } from "../core/questions.ts";
import { InterruptedError } from "../errors.ts";
import type { FleetApplyRow } from "../render/fleet-apply.ts";
import { DEFAULT_WAIT, parseDuration } from "../values/duration.ts";
import { type ApplyControls, type ApplySessionResult, applySession } from "./apply.ts";
import type { FleetPrepared, PlannedTarget } from "./fleet.ts";
import type { Prepared } from "./plan.ts";

export type FleetApplyEvent =
  | { type: "target-start"; target: string; canary: boolean }
  | { type: "target-end"; target: string; outcome: Exclude<Outcome, "not-started">; error?: string }
  /** One of a target's own apply events. */
  | { type: "step"; target: string; event: ApplyEvent }
  /** The rollout stops starting targets; `notStarted` of them will not run. */
  | { type: "halted"; reason: HaltReason; notStarted: number };

export interface FleetApplyControls extends Omit<ApplyControls, "onEvent" | "waitTimeoutMs"> {
  /** --timeout, for every target; else each target's `policy.waitTimeout`, else 15m. */
  waitTimeoutMs?: number;
  onEvent?: (e: FleetApplyEvent) => void;
}

export interface FleetTargetResult {
  target: PlannedTarget["target"];
  /** Undefined when the target could not be planned. */
  prepared?: Prepared;
  outcome: Outcome;
  /**
   * What happened to its plan: `applied` (ran and verified), `no-changes`, `blocked`, `failed`,
   * `interrupted`, `not-planned` (its plan has an error), or `not-started`.
   */
  applyOutcome:
    | "applied"
    | "no-changes"
    | "blocked"
    | "failed"
    | "interrupted"
    | "not-planned"
    | "not-started";
  /** Every event of its apply, in order. */
  events: ApplyEvent[];
  /** When it ran to its end: the backup file and what verify found different. */
  result?: ApplySessionResult;
  /** The backup it wrote, also when it failed or stopped after writing it (restored on re-run). */
  backupFile?: string;
  /** Why it failed or stopped, for a person. */
  error?: string;
}

export interface FleetApplyResult {
  targets: FleetTargetResult[];
  /** Set when the rollout stopped starting targets before the last. */
  halted?: HaltReason;
}

export async function applyFleet(
  fleet: FleetPrepared,
  controls: FleetApplyControls,
): Promise<FleetApplyResult> {
  const emit = controls.onEvent ?? (() => {});
  const results: FleetTargetResult[] = fleet.targets.map((t) => ({
    target: t.target,
    ...(t.prepared && { prepared: t.prepared }),
    outcome: "not-started",
    applyOutcome: "not-started",
    events: [],
  }));
  let halted: HaltReason | undefined;

  const runTarget = async (i: number, signal: AbortSignal) => {
    const planned = fleet.targets[i] as PlannedTarget;
    const r = results[i] as FleetTargetResult;
    if (planned.error) {
      r.applyOutcome = "not-planned";
      r.error = planned.error.message;
      return "failed" as const;
    }
    const { prepared } = planned;
    if (isBlocked(prepared.plan)) {
      r.applyOutcome = "blocked";
      r.error = `the plan is blocked: ${prepared.plan.blockers.map((b) => b.message).join("; ")}`;
      return "failed" as const;
    }
    try {
      r.result = await applySession(prepared, {
        ...controls,
        waitTimeoutMs: controls.waitTimeoutMs ?? waitTimeout(prepared),
        signal,
        onEvent: (event) => {
          r.events.push(event);
          // The backup step's note is its file (apply/execute.ts backUp).
          if (event.type === "step-done" && event.step.kind === "backup" && event.note)
            r.backupFile = event.note;
          emit({ type: "step", target: r.target.id, event });
        },
      });
    } catch (e) {
      const interrupted = e instanceof InterruptedError;
      r.applyOutcome = interrupted ? "interrupted" : "failed";
      r.error = (e as Error).message;
      return interrupted ? ("interrupted" as const) : ("failed" as const);
    }
    r.applyOutcome = "applied";
    if (!r.result.verified) {
      r.error = `verify found the live state different from what it should be now: ${r.result.remaining.join("; ")}`;
      return "failed" as const;
    }
    return "succeeded" as const;
  };

  // A target with nothing to do succeeds at once and is no canary: the canaries are the first
  // targets that would change something, so a fleet whose first target is up to date still has its
  // first change applied alone.
  const idle = (t: PlannedTarget) =>
    t.prepared !== undefined && !isBlocked(t.prepared.plan) && t.prepared.plan.steps.length === 0;
  const order = fleet.targets.flatMap((t, i) => (idle(t) ? [] : [i]));
  fleet.targets.forEach((t, i) => {
    if (!idle(t)) return;
    const r = results[i] as FleetTargetResult;
    r.applyOutcome = "no-changes";
    r.outcome = "succeeded";
  });
  const outcomes = await rollout(order, fleet.rollout, runTarget, {
    ...(controls.signal && { signal: controls.signal }),
    onEvent: (e) => {
      if (e.type === "halted") {
        halted = e.reason;
        return emit(e);
      }
      const r = results[order[e.index] as number] as FleetTargetResult;
      if (e.type === "start") emit({ type: "target-start", target: r.target.id, canary: e.canary });
      else
        emit({
          type: "target-end",
          target: r.target.id,
          outcome: e.outcome,
          ...(r.error !== undefined && { error: r.error }),
        });
    },
  });
  outcomes.forEach((o, i) => {
    (results[order[i] as number] as FleetTargetResult).outcome = o;
  });
  return { targets: results, ...(halted && { halted }) };
}

/** A target's own wait limit: its spec's `policy.waitTimeout` (validated by the schema), else 15m. */
function waitTimeout(prepared: Prepared): number {
  return (
    parseDuration(prepared.spec.policy?.waitTimeout ?? DEFAULT_WAIT) ??
    (parseDuration(DEFAULT_WAIT) as number)
  );
}

/** A target's result as the end report shows it. */
export function fleetApplyRow(r: FleetTargetResult): FleetApplyRow {
  return {
    target: r.target,
    outcome: r.outcome,
    applyOutcome: r.applyOutcome,
    ...(r.prepared && { plan: r.prepared.plan }),
    events: r.events,
    ...(r.backupFile !== undefined && { backupFile: r.backupFile }),
    remaining: r.result?.remaining ?? null,
    ...(r.error !== undefined && { error: r.error }),
  };
}

/** A target the apply did not start (held back, or stale), as the end report shows it. */
export function notStartedRow(t: PlannedTarget, error?: string): FleetApplyRow {
  return {
    target: t.target,
    outcome: "not-started",
    applyOutcome: "not-started",
    ...(t.prepared && { plan: t.prepared.plan }),
    events: [],
    remaining: null,
    ...(error !== undefined && { error }),
  };
}
