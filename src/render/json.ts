/**
 * The plan as one versioned JSON document: a public contract (docs/plan-json.md). Secrets appear
 * only as "(sensitive)". Bump formatVersion for any change that is not a pure addition.
 */

import { SENSITIVE } from "../core/plan.ts";
import { hasChanges } from "../core/questions.ts";
import type { Impact, Plan } from "../core/types.ts";
import { stepLine, summaryLine } from "./describe.ts";

export interface PlanMeta {
  fingerprint: string;
  workforceExists: boolean;
  workforceStatus?: string;
}

export function planDocument(p: Plan, meta: PlanMeta) {
  return {
    formatVersion: 1,
    target: { region: p.region, workforceName: p.workforceName },
    live: meta,
    changes: p.resources.flatMap((r) =>
      r.changes.map((c) => ({
        resource: { type: r.type, name: r.name, action: r.action },
        path: c.path,
        action: c.action,
        before: c.sensitive ? (c.before === undefined ? undefined : SENSITIVE) : c.before,
        after: c.sensitive ? SENSITIVE : c.after,
        sensitive: c.sensitive,
        impact: c.impact,
      })),
    ),
    resources: p.resources.map(({ changes, ...r }) => r),
    steps: p.steps.map((s, i) => ({ index: i + 1, ...s, description: stepLine(s) })),
    blockers: p.blockers,
    warnings: p.warnings,
    preflight: p.preflight,
    unmanaged: p.unmanaged,
    summary: {
      ...p.summary,
      hasChanges: hasChanges(p),
      blocked: p.blockers.length > 0,
      text: hasChanges(p) ? summaryLine(p) : "No changes.",
    },
  };
}

export function renderPlanJson(p: Plan, meta: PlanMeta): string {
  return `${JSON.stringify(planDocument(p, meta), null, 2)}\n`;
}

/** What an apply did, as one versioned JSON document (docs/plan-json.md). */
export interface ApplyDocumentInput {
  outcome: "applied" | "failed" | "interrupted" | "blocked" | "no-changes" | "needs-approval";
  plan: Plan;
  /** needs-approval: the changes --require-approval held back, each with its impact. */
  needsApproval?: readonly { path: string; impact: Impact }[];
  events: readonly unknown[];
  backupFile?: string;
  /** How the live state still differs; null when the apply ended before verify. */
  remaining: readonly string[] | null;
}

export function applyDocument(a: ApplyDocumentInput) {
  const ran = a.outcome !== "blocked" && a.outcome !== "no-changes";
  if (a.outcome === "needs-approval") {
    return {
      formatVersion: 1,
      outcome: a.outcome,
      summary: a.plan.summary,
      needsApproval: a.needsApproval ?? [],
      events: [],
      remaining: [],
    };
  }
  return ran
    ? {
        formatVersion: 1,
        outcome: a.outcome,
        summary: a.plan.summary,
        events: a.events,
        backupFile: a.backupFile,
        remaining: a.remaining,
      }
    : {
        formatVersion: 1,
        outcome: a.outcome,
        summary: a.plan.summary,
        blockers: a.plan.blockers,
        events: [],
        remaining: [],
      };
}

export function renderApplyJson(a: ApplyDocumentInput): string {
  return `${JSON.stringify(applyDocument(a), null, 2)}\n`;
}
