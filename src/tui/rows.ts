/** The review screen's tree as rows: pure, so navigation is testable without a terminal. */
import { SENSITIVE } from "../core/plan.ts";
import { destructive as deletedTeams } from "../core/questions.ts";
import type { Change, Plan, ResourcePlan } from "../core/types.ts";
import {
  ACTIONS,
  type Action,
  changeLine,
  resourceNotes,
  resourceTitle,
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

export function buildRows(
  plan: Plan,
  expanded: ReadonlySet<string>,
  details: ReadonlySet<string>,
): Row[] {
  const rows: Row[] = [];
  for (const r of plan.resources) {
    const key = `${r.type}:${r.name}`;
    const n = r.changes.length;
    rows.push({
      key,
      depth: 0,
      symbol: ACTIONS[r.action].symbol,
      action: r.action,
      text: `${resourceTitle(r)}${n ? `  (${n} change${n > 1 ? "s" : ""})` : ""}`,
      expandable: true,
      kind: "resource",
      owner: key,
    });
    if (!expanded.has(key)) continue;
    resourceNotes(r).forEach((text, i) => {
      rows.push({
        key: `${key}#note${i}`,
        depth: 1,
        symbol: " ",
        action: "no-op",
        text,
        expandable: false,
        kind: "detail",
        owner: key,
      });
    });
    if (details.has(key)) {
      rows.push({
        key: `${key}#api`,
        depth: 1,
        symbol: " ",
        action: "no-op",
        text: `API: ${apiCall(r)}`,
        expandable: false,
        kind: "detail",
        owner: key,
      });
    }
    for (const c of r.changes) {
      const ckey = `${key}/${c.path}`;
      rows.push({
        key: ckey,
        depth: 1,
        symbol: ACTIONS[c.action].symbol,
        action: c.action,
        text: changeLine(c),
        expandable: true,
        kind: "change",
        owner: ckey,
      });
      if (details.has(ckey)) {
        rows.push({
          key: `${ckey}#api`,
          depth: 2,
          symbol: " ",
          action: "no-op",
          text: `${c.sensitive ? `sensitive: shown and saved only as ${SENSITIVE} · ` : ""}API: ${apiCall(r, c)}`,
          expandable: false,
          kind: "detail",
          owner: ckey,
        });
      }
    }
  }
  if (plan.steps.length > 0) {
    rows.push({
      key: STEPS_KEY,
      depth: 0,
      symbol: "#",
      action: "no-op",
      text: `steps apply runs, in order (${plan.steps.length})`,
      expandable: true,
      kind: "resource",
      owner: STEPS_KEY,
    });
    if (expanded.has(STEPS_KEY)) {
      plan.steps.forEach((step, i) => {
        rows.push({
          key: `${STEPS_KEY}/${i}`,
          depth: 1,
          symbol: " ",
          action: "no-op",
          text: `${i + 1}. ${stepLine(step)}`,
          expandable: false,
          kind: "detail",
          owner: `${STEPS_KEY}/${i}`,
        });
      });
    }
  }
  return rows;
}

/** The slice of rows that fits `height` lines and keeps `selected` in view. */
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
