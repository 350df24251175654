/** Words for a plan's parts, shared by every renderer (text, markdown, the Ink UI). Pure. */
import type { Change, Plan, ResourcePlan, Step } from "../core/types.ts";

/** A value as a reader wants it: strings quoted, lists and mappings in flow style. */
export function formatValue(v: unknown): string {
  if (v === undefined) return "(none)";
  if (v === null) return "null";
  if (typeof v === "string") return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(formatValue).join(", ")}]`;
  if (typeof v === "object") {
    return `{${Object.entries(v as Record<string, unknown>)
      .map(([k, x]) => `${k}: ${formatValue(x)}`)
      .join(", ")}}`;
  }
  return String(v);
}

/** A sensitive value is shown by what it is, never by what it holds. */
export function shownValue(c: Change, side: "before" | "after"): string {
  const v = c[side];
  if (c.sensitive) return typeof v === "string" ? v : "(sensitive)";
  return formatValue(v);
}

export const SYMBOL: Record<ResourcePlan["action"] | Change["action"], string> = {
  create: "+",
  update: "~",
  delete: "-",
  recreate: "-/+",
  "no-op": " ",
};

export const VERB: Record<ResourcePlan["action"], string> = {
  create: "create",
  update: "update",
  delete: "delete",
  recreate: "recreate",
  "no-op": "keep",
};

export function resourceTitle(r: ResourcePlan): string {
  return `${VERB[r.action]} ${r.type} "${r.name}"`;
}

/** The field path without its resource prefix: `sourceIpConfig.cidrs`. */
export function fieldName(c: Change): string {
  const parts = c.path.split(".");
  return parts.slice(parts[0] === "workteams" ? 2 : 1).join(".");
}

export function changeLine(c: Change): string {
  const name = fieldName(c);
  switch (c.action) {
    case "create":
      return `${name}: ${shownValue(c, "after")}`;
    case "delete":
      return `${name}: ${shownValue(c, "before")} → (none)`;
    case "update":
      return `${name}: ${shownValue(c, "before")} → ${shownValue(c, "after")}`;
  }
}

export function stepLine(s: Step): string {
  switch (s.kind) {
    case "backup":
      return `back up workteam${s.workteams.length > 1 ? "s" : ""} ${s.workteams.join(", ")} (description, members, tags) to a backup file`;
    case "delete-workteam":
      return `delete workteam ${s.name}${s.reason === "oidc" ? " (it blocks the OIDC update)" : " (not in the spec; pruned)"}`;
    case "create-workforce":
      return "create the workforce (CreateWorkforce, sends the client secret)";
    case "update-workforce":
      return `update the workforce: ${s.fields.join(", ")} (UpdateWorkforce${s.sendsSecret ? ", sends the client secret" : ""})`;
    case "wait-active":
      return "wait until the workforce is Active";
    case "create-workteam":
      return `${s.source === "backup" ? "restore" : "create"} workteam ${s.name}${s.source === "backup" ? " from the backup" : ""} (CreateWorkteam)`;
    case "update-workteam":
      return `update workteam ${s.name}: ${s.fields.join(", ")} (UpdateWorkteam)`;
    case "verify":
      return "verify: read the live state again and expect no changes";
  }
}

export function summaryLine(p: Plan): string {
  const { add, change, delete: del, recreate } = p.summary;
  return `Plan: ${add} to add, ${change} to change, ${del} to delete${recreate ? `, ${recreate} to recreate` : ""}.`;
}

export function appliedLine(p: Plan): string {
  const { add, change, delete: del, recreate } = p.summary;
  return `${add} added, ${change} changed, ${del} deleted${recreate ? `, ${recreate} recreated` : ""}.`;
}

export const hasChanges = (p: Plan) => p.resources.length > 0;

export function unmanagedLine(p: Plan): string | undefined {
  return p.unmanaged.length
    ? `Not managed by this spec, left as they are: ${p.unmanaged.join("; ")}.`
    : undefined;
}
