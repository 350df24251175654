/**
 * The plan for a pull-request comment or $GITHUB_STEP_SUMMARY: the summary first, blockers and
 * warnings, then the diff in a ```diff block inside <details>, kept under 60,000 characters. Pure.
 */

import { hasChanges } from "../core/questions.ts";
import type { Plan } from "../core/types.ts";
import {
  ACTIONS,
  changeLine,
  fieldName,
  impactGroups,
  noteText,
  preflightLine,
  resourceNotes,
  resourceTitle,
  SECURITY_TITLE,
  shownValue,
  statusLine,
  stepLine,
  summaryLine,
  unmanagedLine,
} from "./describe.ts";

export const MARKDOWN_LIMIT = 60_000;
/** The security-relevant section lists this many changes at most, each cut to this length. */
const SECURITY_ENTRIES = 40;
const SECURITY_LINE = 300;

export function renderPlanMarkdown(p: Plan, limit = MARKDOWN_LIMIT): string {
  const head: string[] = [];
  const status = p.blockers.length
    ? "⛔ blocked"
    : hasChanges(p)
      ? summaryLine(p)
      : "✅ No changes.";
  head.push(
    `### wfplan: ${status}`,
    "",
    `Workforce \`${p.workforceName}\` in \`${p.region}\`.`,
    "",
  );
  const statusNote = statusLine(p);
  if (statusNote) head.push(`⏳ ${statusNote}`, "");
  if (p.blockers.length) {
    head.push("**Blockers** (this plan cannot be applied):", "");
    for (const b of p.blockers)
      head.push(`- ⛔ ${noteText(b)}${b.hint ? ` _Fix: ${b.hint}._` : ""}`);
    head.push("");
  }
  if (p.warnings.length) {
    head.push("**Warnings:**", "");
    for (const w of p.warnings) head.push(`- ⚠️ ${noteText(w)}`);
    head.push("");
  }
  head.push(...securitySection(p));
  if (hasChanges(p) && p.blockers.length && !p.steps.length) head.push(`${summaryLine(p)}`, "");
  const preflight = preflightLine(p);
  if (preflight) head.push(`_${preflight}_`, "");
  const unmanaged = unmanagedLine(p);
  if (unmanaged) head.push(`_${unmanaged}_`, "");
  if (!hasChanges(p)) return `${head.join("\n")}`;

  const diff: string[] = [];
  for (const r of p.resources) {
    diff.push(
      `${ACTIONS[r.action].diff} ${resourceTitle(r)}${resourceNotes(r).length ? ` (${resourceNotes(r).join("; ")})` : ""}`,
    );
    for (const c of r.changes) {
      if (c.action === "update") {
        diff.push(
          `-     ${fieldName(c)}: ${shownValue(c, "before")}`,
          `+     ${fieldName(c)}: ${shownValue(c, "after")}`,
        );
      } else {
        diff.push(`${ACTIONS[c.action].diff}     ${changeLine(c)}`);
      }
    }
  }
  if (p.steps.length) {
    diff.push("", "# steps, in order");
    p.steps.forEach((s, i) => {
      diff.push(`# ${i + 1}. ${stepLine(s)}`);
    });
  }
  // A fence longer than any run of backticks in the diff (CommonMark's rule), so every value
  // shows exactly as it will be applied: no backtick in a value can close the block.
  const runs = diff.flatMap((l) => (l.match(/`+/g) ?? []).map((r) => r.length));
  const fence = "`".repeat(Math.max(3, ...runs.map((n) => n + 1)));
  const open = `<details><summary>Show the plan</summary>\n\n${fence}diff`;
  const close = `${fence}\n</details>\n`;
  const budget = limit - head.join("\n").length - open.length - close.length - 200;
  const body: string[] = [];
  let used = 0;
  for (const [i, line] of diff.entries()) {
    if (used + line.length + 1 > budget) {
      body.push(
        `# … ${diff.length - i} more lines cut to stay under ${limit} characters; run wfplan plan to see them all`,
      );
      break;
    }
    body.push(line);
    used += line.length + 1;
  }
  return [...head, open, ...body, close].join("\n");
}

/**
 * The changes a reviewer weighs first, grouped by class, most serious first; nothing when every
 * change is neutral. Bounded (at most SECURITY_ENTRIES lines of SECURITY_LINE characters), so the
 * diff below keeps its room under the limit.
 */
function securitySection(p: Plan): string[] {
  const groups = impactGroups(p);
  if (groups.length === 0) return [];
  const out = [`**${SECURITY_TITLE}** (review these first):`, ""];
  let shown = 0;
  const total = groups.reduce((n, g) => n + g.items.length, 0);
  for (const g of groups) {
    if (shown >= SECURITY_ENTRIES) break;
    out.push(`- **${g.impact}**`);
    for (const { text } of g.items.slice(0, SECURITY_ENTRIES - shown)) {
      const cut = text.length > SECURITY_LINE ? `${text.slice(0, SECURITY_LINE - 1)}…` : text;
      out.push(`  - ${code(cut)}`);
      shown++;
    }
  }
  if (shown < total) out.push(`- … and ${total - shown} more, in the plan below`);
  out.push("");
  return out;
}

/** Inline code that shows `text` exactly: delimited by more backticks than any run in it. */
function code(text: string): string {
  const runs = (text.match(/`+/g) ?? []).map((r) => r.length);
  const ticks = "`".repeat(Math.max(0, ...runs) + 1);
  const pad = text.startsWith("`") || text.endsWith("`") ? " " : "";
  return `${ticks}${pad}${text}${pad}${ticks}`;
}
