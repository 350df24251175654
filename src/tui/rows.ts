/** The review screen's tree as rows: pure, so navigation is testable without a terminal. */
import { SENSITIVE } from "../core/plan.ts";
import { destructive as deletedTeams, hasChanges } from "../core/questions.ts";
import type { Change, Impact, Plan, ResourcePlan } from "../core/types.ts";
import {
  ACTIONS,
  type Action,
  changeLine,
  fieldName,
  impactCountLine,
  impactMark,
  NO_CHANGES,
  noteText,
  preflightLine,
  resourceNotes,
  resourceTitle,
  securityItems,
  shownValue,
  statusLine,
  stepLine,
  summaryLine,
} from "../render/describe.ts";
import { type FleetPlanEntry, targetCells } from "../render/fleet.ts";
import { renderPlanText } from "../render/text.ts";

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

/**
 * The plan's rows: each resource (its notes and changes under it when open), then the steps. In a
 * fleet's tree, `under` is the target: its key prefixes every row's key, and rows sit one deeper.
 */
export function buildRows(
  plan: Plan,
  expanded: ReadonlySet<string>,
  under: { key: string; depth: number } = { key: "", depth: 0 },
): Row[] {
  const rows: Row[] = [];
  const top = under.depth;
  const stepsKey = `${under.key}${STEPS_KEY}`;
  for (const r of plan.resources) {
    const key = `${under.key}${r.type}:${r.name}`;
    const n = r.changes.length;
    const notes = resourceNotes(r);
    rows.push({
      key,
      depth: top,
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
        depth: top + 1,
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
        depth: top + 1,
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
      key: stepsKey,
      depth: top,
      symbol: "#",
      action: "no-op",
      text,
      expandable: true,
      kind: "resource",
      owner: stepsKey,
      whole: [text, ...plan.steps.map((step, i) => `${i + 1}. ${stepLine(step)}`)],
    });
    if (expanded.has(stepsKey)) {
      const width = String(plan.steps.length).length;
      plan.steps.forEach((step, i) => {
        const line = `${String(i + 1).padStart(width)}. ${stepLine(step)}`;
        rows.push({
          key: `${stepsKey}/${i}`,
          depth: top + 1,
          symbol: " ",
          action: "no-op",
          text: line,
          expandable: false,
          kind: "detail",
          owner: `${stepsKey}/${i}`,
          whole: [line],
        });
      });
    }
  }
  return rows;
}

/** The slice of rows that fits `height` lines and keeps `selected` in view, centred where it can be. */
export function windowOf<T>(
  rows: readonly T[],
  selected: number,
  height: number,
): { start: number; rows: T[] } {
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

/** A fleet target's group: its key, and the prefix of the keys of the rows under it. */
export const targetKey = (id: string) => `target:${id}`;

/**
 * A fleet's review as one tree: a group per target (its id, changes, blocked or not, and status),
 * which opens on its blockers, warnings, security-relevant changes and its plan's own rows.
 */
export function buildFleetRows(
  entries: readonly FleetPlanEntry[],
  expanded: ReadonlySet<string>,
): Row[] {
  const rows: Row[] = [];
  for (const e of entries) {
    const key = targetKey(e.target.id);
    const detail = (text: string, i: number, symbol = " ", action: Action = "no-op"): Row => ({
      key: `${key}#${i}`,
      depth: 1,
      symbol,
      action,
      text,
      expandable: false,
      kind: "detail",
      owner: `${key}#${i}`,
      whole: [text],
    });
    const [id, changes, blocked, status] = targetCells(e);
    const plan = e.plan;
    if (!plan) {
      // A row is one line: a message of several is as many rows.
      const lines = [
        ...`could not be planned: ${e.error?.message ?? "unknown error"}`.split("\n"),
        ...(e.error?.hint ? `hint: ${e.error.hint}`.split("\n") : []),
      ];
      rows.push({
        key,
        depth: 0,
        symbol: "✗",
        action: "delete",
        text: `${id} · ${lines[0]}`,
        expandable: true,
        kind: "resource",
        owner: key,
        whole: [id, ...lines],
      });
      if (expanded.has(key)) rows.push(...lines.map((line, i) => detail(line, i)));
      continue;
    }
    const isBlocked = blocked === "yes";
    rows.push({
      key,
      depth: 0,
      symbol: isBlocked ? "✗" : hasChanges(plan) ? "~" : "✓",
      action: isBlocked ? "delete" : hasChanges(plan) ? "update" : "create",
      text: `${id} · ${changes}${isBlocked ? " · blocked" : ""} · ${status}`,
      expandable: true,
      kind: "resource",
      owner: key,
      whole: [`━━ ${id} ━━`, "", ...renderPlanText(plan).trimEnd().split("\n")],
    });
    if (!expanded.has(key)) continue;
    const note = (text: string, symbol = " ", action: Action = "no-op") => ({
      text,
      symbol,
      action,
    });
    const notes = [
      ...[statusLine(plan)].flatMap((s) => (s ? [note(s, "!", "update")] : [])),
      ...plan.blockers.flatMap((b) => [
        note(`Blocked: ${noteText(b)}`, "✗", "delete"),
        ...(b.hint ? [note(`hint: ${b.hint}`)] : []),
      ]),
      ...plan.warnings.map((w) => note(noteText(w), "!", "update")),
      // The classes counted, and each workteam deleted: a change's own class is in its whole view.
      ...[impactCountLine(plan)].flatMap((s) => (s ? [note(s, "!", "update")] : [])),
      ...destructive(plan).map((t) => note(`${impactMark("destructive")} ${t}`, "!", "delete")),
      ...(hasChanges(plan) ? [] : [note(NO_CHANGES)]),
    ];
    const tail = [hasChanges(plan) ? summaryLine(plan) : undefined, preflightLine(plan)].flatMap(
      (s) => (s ? [note(s)] : []),
    );
    notes.forEach((n, i) => {
      rows.push(detail(n.text, i, n.symbol, n.action));
    });
    rows.push(...buildRows(plan, expanded, { key: `${key}>`, depth: 1 }));
    tail.forEach((n, i) => {
      rows.push(detail(n.text, notes.length + i));
    });
  }
  return rows;
}
