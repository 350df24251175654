/**
 * A fleet's plan (README, "Fleets") as text, one JSON document, or markdown: each target as the
 * single-target renderers show it, and a summary table. Pure functions of the targets' plans; the
 * secret is never in them (a plan carries only "(sensitive)").
 */
import pc from "picocolors";
import type { Colors } from "picocolors/types.js";
import { hasChanges, isBlocked } from "../core/questions.ts";
import type { Plan } from "../core/types.ts";
import { type PlanMeta, planDocument } from "./json.ts";
import { MARKDOWN_LIMIT, renderPlanMarkdown } from "./markdown.ts";
import { renderPlanText } from "./text.ts";

/** What the renderers need of one target (session/fleet.ts `PlannedTarget`). */
export interface FleetPlanEntry {
  /** `account` is absent when it could not be learnt (the target's role could not be assumed). */
  target: { id: string; account?: string; region: string };
  /** Its plan and what the JSON document says of its live workforce; absent when it failed. */
  plan?: Plan;
  live?: PlanMeta;
  /** Why it could not be planned. */
  error?: { message: string; hint?: string };
}

export function fleetSummary(entries: readonly FleetPlanEntry[]) {
  return {
    targets: entries.length,
    withChanges: entries.filter((e) => e.plan && hasChanges(e.plan)).length,
    blocked: entries.filter((e) => e.plan && isBlocked(e.plan)).length,
    failed: entries.filter((e) => !e.plan).length,
  };
}

/** `--detailed-exitcode`'s question: 2 when any target changes, 1 when any is blocked or failed (1 wins). */
export function fleetOutcome(entries: readonly FleetPlanEntry[]): "changes" | "error" | "ok" {
  const s = fleetSummary(entries);
  if (s.blocked > 0 || s.failed > 0) return "error";
  return s.withChanges > 0 ? "changes" : "ok";
}

/** "1 to add, 2 to change, 0 to delete", or "no changes". */
function changesCell(p: Plan): string {
  if (!hasChanges(p)) return "no changes";
  const { add, change, delete: del, recreate } = p.summary;
  return `${add} to add, ${change} to change, ${del} to delete${recreate ? `, ${recreate} to recreate` : ""}`;
}

/** The workforce's status, "not created", or the target's error (its first line). */
function statusCell(e: FleetPlanEntry): string {
  if (!e.plan) return `error: ${(e.error?.message ?? "not planned").split("\n")[0]}`;
  return e.live?.workforceExists === false
    ? "not created"
    : (e.live?.workforceStatus ?? e.plan.workforceStatus ?? "not created");
}

/** A target's row of the summary table: its id, its changes, blocked or not, its status. */
export const targetCells = (e: FleetPlanEntry): [string, string, string, string] => [
  e.target.id,
  e.plan ? changesCell(e.plan) : "-",
  e.plan ? (isBlocked(e.plan) ? "yes" : "no") : "-",
  statusCell(e),
];

const TABLE_HEAD = ["target", "changes", "blocked", "status"];

export function fleetCountsLine(entries: readonly FleetPlanEntry[]): string {
  const s = fleetSummary(entries);
  return `${s.targets} target${s.targets === 1 ? "" : "s"}: ${s.withChanges} with changes, ${s.blocked} blocked, ${s.failed} failed.`;
}

/** Every target's text plan under its id, then the summary table. */
export function renderFleetText(
  entries: readonly FleetPlanEntry[],
  c: Colors = pc.createColors(false),
): string {
  const out: string[] = [];
  for (const e of entries) {
    out.push(c.bold(`━━ ${e.target.id} ━━`), "");
    if (e.plan) out.push(renderPlanText(e.plan, c));
    else {
      out.push(`${c.red("✗")} could not be planned: ${e.error?.message ?? "unknown error"}`);
      if (e.error?.hint) out.push(`  ${c.dim("hint:")} ${e.error.hint}`);
      out.push("");
    }
  }
  const rows = entries.map(targetCells);
  const widths = TABLE_HEAD.map((h, i) =>
    Math.max(h.length, ...rows.map((r) => r[i]?.length ?? 0)),
  );
  const line = (row: readonly string[]) =>
    row
      .map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
      .join("  ")
      .trimEnd();
  out.push(c.bold("Fleet summary"), c.bold(line(TABLE_HEAD)));
  entries.forEach((e, i) => {
    const row = line(rows[i] as string[]);
    out.push(!e.plan || isBlocked(e.plan) ? c.red(row) : row);
  });
  out.push("", fleetCountsLine(entries));
  return `${out.join("\n")}\n`;
}

/** `{formatVersion: 1, targets: [...], summary}` (docs/plan-json.md, "Fleets"). */
export function fleetDocument(entries: readonly FleetPlanEntry[]) {
  return {
    formatVersion: 1,
    targets: entries.map((e) => {
      const target = {
        id: e.target.id,
        account: e.target.account ?? null,
        region: e.target.region,
      };
      if (!e.plan || !e.live) {
        return { target, error: e.error ?? { message: "not planned" } };
      }
      const doc = planDocument(e.plan, e.live);
      return { ...doc, target: { ...target, ...doc.target } };
    }),
    summary: fleetSummary(entries),
  };
}

export function renderFleetJson(entries: readonly FleetPlanEntry[]): string {
  return `${JSON.stringify(fleetDocument(entries), null, 2)}\n`;
}

/** A cell of a markdown table: no pipe or line break can break the row. */
const mdCell = (s: string) => s.replace(/\|/g, "\\|").replace(/\r?\n/g, " ");

/**
 * The summary table first, then each target in its own `<details>` (the single-target markdown),
 * the whole under `limit` characters. When it would be longer, the least important goes first:
 * the targets without changes become one line each, then the longest targets' plans are cut
 * (their diffs first, by renderPlanMarkdown's own limit), then become one line; and it says so.
 */
export function renderFleetMarkdown(
  entries: readonly FleetPlanEntry[],
  limit = MARKDOWN_LIMIT,
): string {
  const s = fleetSummary(entries);
  const status = s.failed || s.blocked ? "⛔" : s.withChanges ? "📝" : "✅";
  const head = [
    `### wfplan fleet: ${status} ${fleetCountsLine(entries)}`,
    "",
    `| ${TABLE_HEAD.join(" | ")} |`,
    `|${TABLE_HEAD.map(() => "---").join("|")}|`,
    ...entries.map((e) => `| ${targetCells(e).map(mdCell).join(" | ")} |`),
    "",
  ].join("\n");
  const details = (e: FleetPlanEntry, md: string) =>
    `<details><summary><code>${e.target.id}</code>: ${mdCell(targetCells(e)[1])}</summary>\n\n${md}\n</details>\n`;
  const oneLine = (e: FleetPlanEntry) =>
    e.plan
      ? `- \`${e.target.id}\`: ${hasChanges(e.plan) ? `${changesCell(e.plan)} (shortened: run \`wfplan plan --target ${e.target.id}\` to see it)` : "no changes"}${isBlocked(e.plan) ? ", ⛔ blocked" : ""}\n`
      : `- \`${e.target.id}\`: ⛔ could not be planned: ${mdCell(e.error?.message ?? "")}${e.error?.hint ? ` _Fix: ${mdCell(e.error.hint)}._` : ""}\n`;
  const parts = entries.map((e) => (e.plan ? details(e, renderPlanMarkdown(e.plan)) : oneLine(e)));
  const NOTE = `_Some targets are shortened to keep this under ${limit} characters; \`wfplan plan --target ACCOUNT/REGION\` shows one in full._\n\n`;
  const total = () => head.length + NOTE.length + parts.reduce((n, p) => n + p.length + 1, 0);
  const full = total() - NOTE.length;
  if (full <= limit) return [head, ...parts].join("\n");
  // 1. The targets without changes: their row in the table says it all.
  entries.forEach((e, i) => {
    if (e.plan && !hasChanges(e.plan)) parts[i] = oneLine(e);
  });
  const collapsed = new Set(entries.flatMap((e, i) => (e.plan && hasChanges(e.plan) ? [] : [i])));
  const cutTo = (i: number, size: number): boolean => {
    const e = entries[i] as FleetPlanEntry;
    const cut = size >= 2000 ? details(e, renderPlanMarkdown(e.plan as Plan, size - 300)) : "";
    if (cut && cut.length <= size) {
      parts[i] = cut;
      return true;
    }
    parts[i] = oneLine(e);
    collapsed.add(i);
    return false;
  };
  // 2. Each target with changes gets an equal share of the room left; a longer one is cut to it
  // (its diff first), or becomes one line when even its summary does not fit.
  const open = parts.flatMap((_, i) => (collapsed.has(i) ? [] : [i]));
  if (total() > limit && open.length > 0) {
    const taken =
      head.length +
      NOTE.length +
      parts.reduce((n, p, i) => n + (open.includes(i) ? 0 : p.length + 1), 0);
    const share = Math.floor((limit - taken) / open.length) - 1;
    for (const i of open) if ((parts[i] as string).length > share) cutTo(i, share);
  }
  // 3. Should it still be over: the longest plan first, cut to what is over, then to one line.
  while (total() > limit && collapsed.size < entries.length) {
    let longest = -1;
    for (const [i, p] of parts.entries()) {
      if (!collapsed.has(i) && (longest < 0 || p.length > (parts[longest] as string).length)) {
        longest = i;
      }
    }
    cutTo(longest, (parts[longest] as string).length - (total() - limit));
  }
  return [head, NOTE, ...parts].join("\n");
}

/** How apply rolls the fleet out (policy.rollout), in one sentence. */
export function rolloutLine(p: {
  maxConcurrency: number;
  canary: number;
  failureTolerance: number;
}) {
  const canary =
    p.canary > 0 ? `${p.canary} canary target${p.canary === 1 ? "" : "s"} alone first, then ` : "";
  const failures = p.failureTolerance + 1;
  return `Rollout: ${canary}up to ${p.maxConcurrency} at once; no new target starts after ${failures} failure${failures === 1 ? "" : "s"}.`;
}
