/** Words for a plan's parts, shared by every renderer (text, markdown, the Ink UI). Pure. */
import { IMPACTS, securityRelevant } from "../core/impact.ts";
import { SENSITIVE } from "../core/plan.ts";
import type { Change, Impact, Notice, Plan, ResourcePlan, Step } from "../core/types.ts";

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

/** What a plan with nothing to change says, in every format. */
export const NO_CHANGES = "No changes. The live workforce matches the spec.";
/** What a blocked plan with nothing to change says: not that the workforce matches the spec. */
export const BLOCKED_NO_CHANGES = "Nothing to apply until the blockers above are resolved.";
/** What a plan that only waits for an update in progress says. */
export const ONLY_WAITS = "No changes to make; apply only waits and verifies.";

/** A sensitive value is shown by what it is, never by what it holds. */
export function shownValue(c: Change, side: "before" | "after"): string {
  const v = c[side];
  if (c.sensitive) return typeof v === "string" ? v : SENSITIVE;
  return formatValue(v);
}

export type Action = ResourcePlan["action"] | Change["action"];
export type ActionTone = "green" | "yellow" | "red" | "magenta";

/**
 * How each action shows, in every renderer: its symbol (text and the Ink UI, Terraform's), its
 * verb, its colour, and its mark in a markdown `diff` block (which colours only + - and !).
 */
export const ACTIONS: Record<
  Action,
  { symbol: string; verb: string; tone: ActionTone | undefined; diff: string }
> = {
  create: { symbol: "+", verb: "create", tone: "green", diff: "+" },
  update: { symbol: "~", verb: "update", tone: "yellow", diff: "!" },
  delete: { symbol: "-", verb: "delete", tone: "red", diff: "-" },
  recreate: { symbol: "-/+", verb: "recreate", tone: "magenta", diff: "!" },
  "no-op": { symbol: " ", verb: "keep", tone: undefined, diff: " " },
};

export function resourceTitle(r: ResourcePlan): string {
  return `${ACTIONS[r.action].verb} ${r.type} "${r.name}"`;
}

/** The field path without its resource prefix: `sourceIpConfig.cidrs`. */
export function fieldName(c: Change): string {
  const parts = c.path.split(".");
  return parts.slice(parts[0] === "workteams" ? 2 : 1).join(".");
}

export function changeLine(c: Change): string {
  return `${fieldName(c)}: ${changeValues(c)}`;
}

/** What a change does to its value: the value created, or before → after. */
function changeValues(c: Change): string {
  switch (c.action) {
    case "create":
      return shownValue(c, "after");
    case "delete":
      return `${shownValue(c, "before")} → (none)`;
    case "update":
      return `${shownValue(c, "before")} → ${shownValue(c, "after")}`;
  }
}

/** A change's or a resource's impact as a mark that reads without colour: `[broadening]`. */
export const impactMark = (i: Impact): string => `[${i}]`;

/** The colour of each impact, where there is colour; neutral has none. */
export const IMPACT_TONE: Record<Impact, ActionTone | undefined> = {
  destructive: "red",
  "lockout-risk": "magenta",
  broadening: "yellow",
  narrowing: "yellow",
  neutral: undefined,
};

/** The title of the security-relevant section, in every format. */
export const SECURITY_TITLE = "Security-relevant changes";

/** A line of the security-relevant section, and its class. */
export interface SecurityItem {
  impact: Impact;
  text: string;
}

/**
 * The security-relevant changes, most serious first, one line each with its whole path
 * (`workforce.sourceIpConfig.cidrs: ["10.0.0.0/16"] → []`). A workteam deleted or recreated is one
 * line, by its title and why, whatever its fields: it is the deletion that matters.
 */
export function securityItems(p: Plan): SecurityItem[] {
  const items: SecurityItem[] = [];
  const said = new Set<ResourcePlan>();
  for (const e of securityRelevant(p)) {
    if (e.change && e.impact !== "destructive") {
      items.push({ impact: e.impact, text: `${e.change.path}: ${changeValues(e.change)}` });
    } else if (!said.has(e.resource)) {
      said.add(e.resource);
      const why = resourceNotes(e.resource)[0];
      items.push({
        impact: e.impact,
        text: `${resourceTitle(e.resource)}${why ? ` (${why})` : ""}`,
      });
    }
  }
  return items;
}

/** The security-relevant items grouped by class, most serious first; empty classes left out. */
export function impactGroups(p: Plan): { impact: Impact; items: SecurityItem[] }[] {
  const all = securityItems(p);
  return IMPACTS.map((impact) => ({
    impact,
    items: all.filter((e) => e.impact === impact),
  })).filter((g) => g.items.length > 0);
}

/** "Security-relevant: 1 destructive, 2 broadening." — undefined when every change is neutral. */
export function impactCountLine(p: {
  summary: Pick<Plan["summary"], "impact">;
}): string | undefined {
  const counts = p.summary.impact;
  const parts = IMPACTS.filter((i) => i !== "neutral" && counts[i] > 0).map(
    (i) => `${counts[i]} ${i}`,
  );
  return parts.length ? `Security-relevant: ${parts.join(", ")}.` : undefined;
}

/**
 * The preflight checks in one line: failures are blockers and warnings are warnings already, so
 * this says what passed (or that the checks were skipped). Undefined when none ran.
 */
export function preflightLine(p: Plan): string | undefined {
  const results = p.preflight ?? [];
  if (results.length === 0) return undefined;
  if (results.some((r) => r.check === "all" && r.status === "skipped")) {
    return "Preflight: skipped (--no-preflight).";
  }
  const passed = results.filter((r) => r.status === "pass");
  const names = [...new Set(passed.map((r) => r.check))].join(", ");
  const others = results.length - passed.length;
  const checks = (n: number) => `${n} check${n === 1 ? "" : "s"}`;
  const rest = `${checks(others)} in the blockers and warnings above`;
  if (passed.length === 0) return `Preflight: no check passed; ${rest}.`;
  return `Preflight: ${checks(passed.length)} passed (${names})${others ? `; ${rest}` : ""}.`;
}

export function stepLine(s: Step): string {
  switch (s.kind) {
    case "backup":
      return `back up workteam${s.workteams.length > 1 ? "s" : ""} ${s.workteams.join(", ")} (every field, and tags) to a backup file`;
    case "delete-workteam":
      return `delete workteam ${s.name}${s.reason === "oidc" ? " (it blocks the OIDC update)" : " (not in the spec; pruned)"}`;
    case "create-workforce":
      return `create the workforce (CreateWorkforce${s.sendsSecret ? ", sends the client secret" : ""})`;
    case "update-workforce":
      return `update the workforce: ${s.fields.join(", ")} (UpdateWorkforce${s.sendsSecret ? ", sends the client secret" : ""})`;
    case "wait-active":
      return "wait until the workforce is Active";
    case "create-workteam":
      return s.source === "spec"
        ? `create workteam ${s.name} (CreateWorkteam)`
        : s.source === "backup"
          ? `restore workteam ${s.name} from the backup (CreateWorkteam)`
          : `recreate workteam ${s.name} from the spec and the backup (CreateWorkteam)`;
    case "update-workteam":
      return `update workteam ${s.name}: ${s.fields.join(", ")} (UpdateWorkteam)`;
    case "tag-workteam": {
      const add = Object.keys(s.add);
      // In the order they run: removing first leaves room under the 50-tag limit.
      const parts = [
        ...(s.remove.length ? [`remove ${s.remove.join(", ")} (DeleteTags)`] : []),
        ...(add.length ? [`set ${add.join(", ")} (AddTags)`] : []),
      ];
      return `tag workteam ${s.name}: ${parts.join("; ")}`;
    }
    case "verify":
      return "verify: read everything again and compare it, field by field";
  }
}

/** Where a created workteam's fields come from, when a backup is involved. */
export function fieldsLine(r: ResourcePlan): string | undefined {
  const f = r.fields;
  if (!f || f.source === "spec") return undefined;
  const parts = [
    ...(f.fromSpec.length ? [`${f.fromSpec.join(", ")} from the spec`] : []),
    ...(f.fromBackup.length ? [`${f.fromBackup.join(", ")} from the backup`] : []),
  ];
  return parts.length ? parts.join("; ") : undefined;
}

/** What a resource's row says under its title: why, and where its fields come from. */
export function resourceNotes(r: ResourcePlan): string[] {
  return [r.reason, fieldsLine(r)].filter((x): x is string => Boolean(x));
}

/** A blocker's or warning's text, located in the spec when it concerns a field. */
export function noteText(n: Notice): string {
  return n.location ? `${n.location}: ${n.message}` : n.message;
}

/** Said before the plan when the workforce is not Active. */
export function statusLine(p: Plan): string | undefined {
  if (p.workforceStatus === "Initializing" || p.workforceStatus === "Updating") {
    return `The workforce is ${p.workforceStatus}: apply waits until it is Active before anything else.`;
  }
  return undefined;
}

export function summaryLine(p: Plan): string {
  const { add, change, delete: del, recreate } = p.summary;
  return `Plan: ${add} to add, ${change} to change, ${del} to delete${recreate ? `, ${recreate} to recreate` : ""}.`;
}

export function appliedLine(p: Plan): string {
  const { add, change, delete: del, recreate } = p.summary;
  return `${add} added, ${change} changed, ${del} deleted${recreate ? `, ${recreate} recreated` : ""}.`;
}

export function unmanagedLine(p: Plan): string | undefined {
  return p.unmanaged.length
    ? `Not managed by this spec, left as they are: ${p.unmanaged.join("; ")}.`
    : undefined;
}
