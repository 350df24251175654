/** The plan as plain text, Terraform-style: symbols plus words, so it reads without colour. Pure. */
import pc from "picocolors";
import type { Colors } from "picocolors/types.js";
import { ownImpact } from "../core/impact.ts";
import { hasChanges } from "../core/questions.ts";
import type { Impact, Plan, ResourcePlan } from "../core/types.ts";
import {
  ACTIONS,
  type Action,
  BLOCKED_NO_CHANGES,
  changeLine,
  IMPACT_TONE,
  impactCountLine,
  impactMark,
  NO_CHANGES,
  noteText,
  ONLY_WAITS,
  preflightLine,
  resourceNotes,
  resourceTitle,
  statusLine,
  stepLine,
  summaryLine,
  unmanagedLine,
} from "./describe.ts";

/** Without colours unless given them (the CLI gives them for a terminal). */
export function renderPlanText(p: Plan, c: Colors = pc.createColors(false)): string {
  const out: string[] = [`wfplan plan for workforce "${p.workforceName}" in ${p.region}`, ""];
  const status = statusLine(p);
  if (status) out.push(c.yellow(status), "");
  if (p.blockers.length > 0) {
    out.push(
      c.bold(
        c.red(
          `Blocked: this plan cannot be applied (${p.blockers.length} blocker${p.blockers.length > 1 ? "s" : ""}).`,
        ),
      ),
    );
    for (const b of p.blockers) {
      out.push(`  ${c.red("✗")} ${noteText(b)}`);
      if (b.hint) out.push(`    ${c.dim("hint:")} ${b.hint}`);
    }
    out.push("");
  }
  if (p.warnings.length > 0) {
    out.push(c.bold(c.yellow("Warnings:")));
    for (const w of p.warnings) {
      out.push(`  ${c.yellow("!")} ${noteText(w)}`);
      if (w.hint) out.push(`    ${c.dim("hint:")} ${w.hint}`);
    }
    out.push("");
  }
  if (!hasChanges(p) && p.blockers.length > 0) {
    out.push(BLOCKED_NO_CHANGES);
  } else if (!hasChanges(p) && p.steps.length > 0) {
    out.push(c.green(ONLY_WAITS));
  } else if (!hasChanges(p)) {
    out.push(c.green(NO_CHANGES));
  } else {
    out.push("wfplan will:", "");
    for (const r of p.resources) out.push(...resourceLines(r, c), "");
    if (p.steps.length > 0) {
      out.push(c.bold("Steps, in order:"));
      p.steps.forEach((s, i) => {
        out.push(`  ${String(i + 1).padStart(2)}. ${stepLine(s)}`);
      });
      out.push("");
    }
    out.push(c.bold(summaryLine(p)));
    const impact = impactCountLine(p);
    if (impact) out.push(impact);
  }
  const preflight = preflightLine(p);
  if (preflight) out.push("", c.dim(preflight));
  const unmanaged = unmanagedLine(p);
  if (unmanaged) out.push("", c.dim(unmanaged));
  return `${out.join("\n")}\n`;
}

const paint = (action: Action, c: Colors): ((s: string) => string) => {
  const tone = ACTIONS[action].tone;
  return tone ? c[tone] : String;
};

/** A change's impact, first on its line, when it has one that matters: `[broadening] `. */
const mark = (impact: Impact | undefined, c: Colors): string => {
  if (!impact || impact === "neutral") return "";
  const tone = IMPACT_TONE[impact];
  return `${tone ? c[tone](impactMark(impact)) : impactMark(impact)} `;
};

function resourceLines(r: ResourcePlan, c: Colors): string[] {
  const color = paint(r.action, c);
  const lines = [
    `  ${color(ACTIONS[r.action].symbol)} ${mark(ownImpact(r), c)}${c.bold(resourceTitle(r))}`,
  ];
  for (const note of resourceNotes(r)) lines.push(`      ${c.dim(note)}`);
  for (const ch of r.changes) {
    const symbol = paint(ch.action, c)(ACTIONS[ch.action].symbol);
    lines.push(`      ${symbol} ${mark(ch.impact, c)}${changeLine(ch)}`);
  }
  return lines;
}
