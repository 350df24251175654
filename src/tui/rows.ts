/** The review screen's tree as rows: pure, so navigation is testable without a terminal. */
import { SENSITIVE } from "../core/plan.ts";
import { destructive as deletedTeams } from "../core/questions.ts";
import type { Change, Impact, Plan, ResourcePlan } from "../core/types.ts";
import {
  ACTIONS,
  type Action,
  changeLine,
  fieldName,
  resourceNotes,
  resourceTitle,
  securityItems,
  shownValue,
  stepLine,
} from "../render/describe.ts";

/** The key of the tree's last node: the steps apply runs, in order. */
export const STEPS_KEY = "steps";

export interface Row {
  key: string;
  depth: number;
  symbol: string;
  action: Action;
  text: string;
  /** Rows that expand (resources) or show details (changes). */
  expandable: boolean;
  kind: "resource" | "change" | "detail";
  /** The row whose details this row's `d` key shows: the resource or change a detail belongs to. */
  owner: string;
  /** Everything the row stands for, line by line, for the whole-row view (`d`): nothing cut. */
  whole: string[];
}

/** The API call a change becomes, in words, for the details view. */
export function apiCall(r: ResourcePlan, c?: Change): string {
  if (r.type === "workforce") {
    if (r.action === "create") return "CreateWorkforce (with the client secret)";
    const field = c?.path.split(".")[1];
    if (field === "oidcConfig")
      return "UpdateWorkforce with the whole OidcConfig, ClientSecret included";
    const wire: Record<string, string> = {
      sourceIpConfig: "SourceIpConfig",
      workforceVpcConfig: "WorkforceVpcConfig",
      ipAddressType: "IpAddressType",
    };
    return `UpdateWorkforce with ${field ? (wire[field] ?? field) : "the changed fields"}`;
  }
  switch (r.action) {
    case "create":
      return r.fields?.source === "backup"
        ? "CreateWorkteam from the backup"
        : r.fields?.source === "spec+backup"
          ? "CreateWorkteam from the spec and the backup"
          : "CreateWorkteam";
    case "update":
      return "UpdateWorkteam";
    case "delete":
      return "DeleteWorkteam, after the backup";
    case "recreate":
      return "DeleteWorkteam (after the backup) before UpdateWorkforce, then CreateWorkteam after it";
    default:
      return "none";
  }
}

/** A change, whole: its field, the value before and after (each on its own), and its API call. */
function wholeChange(r: ResourcePlan, c: Change): string[] {
  return [
    `${ACTIONS[c.action].symbol} ${fieldName(c)} (${ACTIONS[c.action].verb})`,
    ...(c.action !== "create" ? [`before: ${shownValue(c, "before")}`] : []),
    ...(c.action !== "delete" ? [`after:  ${shownValue(c, "after")}`] : []),
    ...(c.sensitive ? [`sensitive: shown and saved only as ${SENSITIVE}`] : []),
    `API: ${apiCall(r, c)}`,
    ...(c.impact !== "neutral" ? [`impact: ${c.impact}`] : []),
  ];
}

export function buildRows(plan: Plan, expanded: ReadonlySet<string>): Row[] {
  const rows: Row[] = [];
  for (const r of plan.resources) {
    const key = `${r.type}:${r.name}`;
    const n = r.changes.length;
    const notes = resourceNotes(r);
    rows.push({
      key,
      depth: 0,
      symbol: ACTIONS[r.action].symbol,
      action: r.action,
      text: `${resourceTitle(r)}${n ? `  (${n} change${n > 1 ? "s" : ""})` : ""}`,
      expandable: true,
      kind: "resource",
      owner: key,
      whole: [`${ACTIONS[r.action].symbol} ${resourceTitle(r)}`, ...notes, `API: ${apiCall(r)}`],
    });
    if (!expanded.has(key)) continue;
    notes.forEach((text, i) => {
      rows.push({
        key: `${key}#note${i}`,
        depth: 1,
        symbol: " ",
        action: "no-op",
        text,
        expandable: false,
        kind: "detail",
        owner: key,
        whole: [text],
      });
    });
    for (const c of r.changes) {
      const ckey = `${key}/${c.path}`;
      rows.push({
        key: ckey,
        depth: 1,
        symbol: ACTIONS[c.action].symbol,
        action: c.action,
        // Its impact is in the security-relevant box and its whole view (d): at 40 columns a
        // mark here would cut the field's name.
        text: changeLine(c),
        expandable: true,
        kind: "change",
        owner: ckey,
        whole: wholeChange(r, c),
      });
    }
  }
  if (plan.steps.length > 0) {
    const text = `steps apply runs, in order (${plan.steps.length})`;
    rows.push({
      key: STEPS_KEY,
      depth: 0,
      symbol: "#",
      action: "no-op",
      text,
      expandable: true,
      kind: "resource",
      owner: STEPS_KEY,
      whole: [text, ...plan.steps.map((step, i) => `${i + 1}. ${stepLine(step)}`)],
    });
    if (expanded.has(STEPS_KEY)) {
      const width = String(plan.steps.length).length;
      plan.steps.forEach((step, i) => {
        const line = `${String(i + 1).padStart(width)}. ${stepLine(step)}`;
        rows.push({
          key: `${STEPS_KEY}/${i}`,
          depth: 1,
          symbol: " ",
          action: "no-op",
          text: line,
          expandable: false,
          kind: "detail",
          owner: `${STEPS_KEY}/${i}`,
          whole: [line],
        });
      });
    }
  }
  return rows;
}

/** The slice of rows that fits `height` lines and keeps `selected` in view, centred where it can be. */
export function windowOf(
  rows: readonly Row[],
  selected: number,
  height: number,
): { start: number; rows: Row[] } {
  if (rows.length <= height) return { start: 0, rows: [...rows] };
  const start = Math.max(0, Math.min(selected - Math.floor(height / 2), rows.length - height));
  return { start, rows: rows.slice(start, start + height) };
}

/** Workteams the plan deletes (with what happens to them after), for the destructive section. */
export function destructive(plan: Plan): string[] {
  return deletedTeams(plan).map(
    (t) => `${t.name}${t.recreated ? " (recreated after the OIDC update)" : " (not recreated)"}`,
  );
}

/**
 * The security-relevant section's lines, most serious first: each workteam the plan deletes (and
 * what happens to it after), then every other change that is not neutral.
 */
export function securityLines(plan: Plan): { impact: Impact; text: string }[] {
  return [
    ...destructive(plan).map((text) => ({ impact: "destructive" as const, text })),
    ...securityItems(plan).filter((i) => i.impact !== "destructive"),
  ];
}
