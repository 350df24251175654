/**
 * The end of a fleet apply: a table of the targets (text) or one versioned JSON document
 * (docs/plan-json.md, "Fleets"). Pure functions of what the apply did; the secret is never in it
 * (the events and plans carry only "(sensitive)").
 */
import pc from "picocolors";
import type { Colors } from "picocolors/types.js";
import type { Plan } from "../core/types.ts";
import { applyDocument } from "./json.ts";

/** A target's outcome in the rollout (apply/rollout.ts `Outcome`). */
export type TargetOutcome = "succeeded" | "failed" | "interrupted" | "not-started";

/** What the report needs of one target (session/fleet-apply.ts `FleetTargetResult`). */
export interface FleetApplyRow {
  target: { id: string; account?: string; region?: string };
  outcome: TargetOutcome;
  /** What happened to its plan: applied, no-changes, blocked, failed, interrupted, not-planned, not-started. */
  applyOutcome: string;
  /** Undefined when the target could not be planned. */
  plan?: Plan;
  events: readonly { type: string }[];
  backupFile?: string;
  /** How the live state still differs; null when its apply did not reach verify. */
  remaining: readonly string[] | null;
  error?: string;
}

export interface FleetApplyReport {
  rows: readonly FleetApplyRow[];
  /** Why the rollout stopped starting targets, when it did. */
  halted?: "canary-failed" | "failure-tolerance" | "interrupted";
  /** --require-approval held the apply back: these changes need a person (nothing ran). */
  needsApproval?: readonly { target: string; path: string; impact: string }[];
}

export function fleetApplySummary(rows: readonly FleetApplyRow[]) {
  const count = (o: TargetOutcome) => rows.filter((r) => r.outcome === o).length;
  return {
    targets: rows.length,
    succeeded: count("succeeded"),
    failed: count("failed"),
    notStarted: count("not-started"),
    interrupted: count("interrupted"),
  };
}

/** Steps that ended done, and how many the target's plan has. */
function steps(r: FleetApplyRow): string {
  const done = r.events.filter((e) => e.type === "step-done").length;
  return r.plan ? `${done}/${r.plan.steps.length}` : "-";
}

/** Why the rollout stops starting targets, said when it does (the live views). */
export const HALTING: Record<NonNullable<FleetApplyReport["halted"]>, string> = {
  "canary-failed": "The canary failed: no other target starts.",
  "failure-tolerance":
    "More targets failed than policy.rollout.failureTolerance allows: no new target starts.",
  interrupted: "Interrupted: no new target starts; the running ones stop at a safe point.",
};

/** The same, said in the end report. */
const HALTED: Record<NonNullable<FleetApplyReport["halted"]>, string> = {
  "canary-failed": "The canary failed, so no other target was started.",
  "failure-tolerance":
    "More targets failed than policy.rollout.failureTolerance allows, so no new target was started.",
  interrupted: "Interrupted: no new target was started; the running ones stopped at a safe point.",
};

export function renderFleetApplyText(
  report: FleetApplyReport,
  c: Colors = pc.createColors(false),
): string {
  const tone: Record<TargetOutcome, (s: string) => string> = {
    succeeded: c.green,
    failed: c.red,
    interrupted: c.yellow,
    "not-started": c.dim,
  };
  const head = ["target", "outcome", "result", "steps", "backup file"];
  const cells = report.rows.map((r) => [
    r.target.id,
    r.outcome,
    r.applyOutcome,
    steps(r),
    r.backupFile ?? "-",
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((row) => row[i]?.length ?? 0)));
  const line = (row: string[], color = (_: number, s: string) => s) =>
    row
      .map((cell, i) => color(i, i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
      .join("  ")
      .trimEnd();
  const out = [c.bold(line(head))];
  report.rows.forEach((r, j) => {
    out.push(line(cells[j] as string[], (i, s) => (i === 1 ? tone[r.outcome](s) : s)));
  });
  const errors = report.rows.filter((r) => r.error);
  if (errors.length > 0) {
    out.push("");
    for (const r of errors) out.push(`${c.bold(r.target.id)}: ${firstLines(r.error as string)}`);
  }
  const s = fleetApplySummary(report.rows);
  out.push("");
  if (report.halted) out.push(HALTED[report.halted]);
  const ok = s.succeeded === s.targets;
  const counts = `${s.targets} target${s.targets === 1 ? "" : "s"}: ${s.succeeded} succeeded, ${s.failed} failed, ${s.interrupted} interrupted, ${s.notStarted} not started.`;
  out.push(ok ? `${c.green(c.bold("Fleet apply complete."))} ${counts}` : `Fleet apply: ${counts}`);
  if (!ok)
    out.push(
      "Run wfplan apply again to finish: each target starts from its live state and restores the workteams of its open backups, so a re-run converges.",
    );
  return `${out.join("\n")}\n`;
}

/** An error's first lines, indented under its target (interrupt messages list the steps). */
function firstLines(message: string): string {
  return message.split("\n").join("\n  ");
}

/** `{formatVersion: 1, targets: [...], summary}`: each target with today's apply document fields. */
export function fleetApplyDocument(report: FleetApplyReport) {
  return {
    formatVersion: 1,
    targets: report.rows.map((r) => {
      const {
        formatVersion: _,
        outcome: __,
        ...doc
      } = r.plan && r.applyOutcome !== "not-started"
        ? applyDocument({
            outcome: r.applyOutcome as SingleOutcome,
            plan: r.plan,
            events: r.events,
            ...(r.backupFile !== undefined && { backupFile: r.backupFile }),
            remaining: r.remaining,
          })
        : // Not planned, or not started: nothing ran, and nothing is known to remain.
          {
            formatVersion: 1,
            outcome: "",
            summary: r.plan?.summary ?? null,
            events: [],
            remaining: null,
          };
      return {
        target: { id: r.target.id, account: r.target.account ?? null, region: r.target.region },
        outcome: r.outcome,
        applyOutcome: r.applyOutcome,
        ...(r.error !== undefined && { error: r.error }),
        ...doc,
      };
    }),
    ...(report.halted && { halted: report.halted }),
    ...(report.needsApproval && { outcome: "needs-approval", needsApproval: report.needsApproval }),
    summary: fleetApplySummary(report.rows),
  };
}

/** A planned target's `applyOutcome` is one of the single-target document's outcomes. */
type SingleOutcome = Parameters<typeof applyDocument>[0]["outcome"];

export function renderFleetApplyJson(report: FleetApplyReport): string {
  return `${JSON.stringify(fleetApplyDocument(report), null, 2)}\n`;
}
