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
  noteText,
  resourceNotes,
  resourceTitle,
  shownValue,
  statusLine,
  stepLine,
  summaryLine,
  unmanagedLine,
} from "./describe.ts";

export const MARKDOWN_LIMIT = 60_000;

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
  if (hasChanges(p) && p.blockers.length && !p.steps.length) head.push(`${summaryLine(p)}`, "");
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
