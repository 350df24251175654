/** The review screen's tree as rows: pure, so navigation is testable without a terminal. */
import type { Change, Plan, ResourcePlan } from "../core/types.ts";
import { changeLine, resourceNotes, resourceTitle, SYMBOL, stepLine } from "../render/describe.ts";

/** The key of the tree's last node: the steps apply runs, in order. */
export const STEPS_KEY = "steps";

export interface Row {
  key: string;
  depth: number;
  symbol: string;
  action: string;
  text: string;
  /** Rows that expand (resources) or show details (changes). */
  expandable: boolean;
  kind: "resource" | "change" | "detail";
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
      symbol: SYMBOL[r.action],
      action: r.action,
      text: `${resourceTitle(r)}${n ? `  (${n} change${n > 1 ? "s" : ""})` : ""}`,
      expandable: true,
      kind: "resource",
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
      });
    }
    for (const c of r.changes) {
      const ckey = `${key}/${c.path}`;
      rows.push({
        key: ckey,
        depth: 1,
        symbol: SYMBOL[c.action],
        action: c.action,
        text: changeLine(c),
        expandable: true,
        kind: "change",
      });
      if (details.has(ckey)) {
        rows.push({
          key: `${ckey}#api`,
          depth: 2,
          symbol: " ",
          action: "no-op",
          text: `${c.sensitive ? "sensitive: shown and saved only as (sensitive) · " : ""}API: ${apiCall(r, c)}`,
          expandable: false,
          kind: "detail",
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
  return plan.resources
    .filter((r) => r.type === "workteam" && (r.action === "delete" || r.action === "recreate"))
    .map(
      (r) =>
        `${r.name}${r.action === "recreate" ? " (recreated after the OIDC update)" : " (not recreated)"}`,
    );
}
