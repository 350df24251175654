/**
 * What each change does to who can reach the workforce (docs/plan-json.md, "Impact"): a workteam
 * deleted or recreated, a change to the identity provider, access widened, access narrowed, or
 * nothing of the kind. Pure: a function of the change and its resource.
 */
import { network, parseCidr } from "../values/cidr.ts";
import type { Change, Impact, Plan, ResourcePlan } from "./types.ts";

/** The classes, most serious first: a change that is two things is the more serious one. */
export const IMPACTS: readonly Impact[] = [
  "destructive",
  "lockout-risk",
  "broadening",
  "narrowing",
  "neutral",
];

const rank = (i: Impact) => IMPACTS.indexOf(i);

/** The more serious of the classes given; neutral for none. */
export function mostSerious(...impacts: Impact[]): Impact {
  return impacts.reduce<Impact>((a, b) => (rank(b) < rank(a) ? b : a), "neutral");
}

/** A change as the planner finds it, before it is classified. */
export type UnclassifiedChange = Omit<Change, "impact">;

/** A resource as the planner builds it, before its changes are classified. */
export type UnclassifiedResource = Omit<ResourcePlan, "changes" | "impact"> & {
  changes: UnclassifiedChange[];
};

type ResourceKind = Pick<ResourcePlan, "type" | "action">;

/** The class of one change of a resource. */
export function impactOf(change: UnclassifiedChange, resource: ResourceKind): Impact {
  if (resource.action === "delete" || resource.action === "recreate") return "destructive";
  // The field's path inside its resource: `sourceIpConfig.cidrs`, `memberDefinitions`.
  const parts = change.path.split(".");
  const field = parts.slice(parts[0] === "workteams" ? 2 : 1);
  const top = field[0];
  if (resource.type === "workforce") {
    const access = ["oidcConfig", "cognitoConfig", "sourceIpConfig", "workforceVpcConfig"];
    // A new workforce opens access where there was none; its identity provider locks nobody out.
    if (resource.action === "create") return access.includes(top!) ? "broadening" : "neutral";
    if (top === "oidcConfig" || top === "cognitoConfig") return "lockout-risk";
    if (field.join(".") === "sourceIpConfig.cidrs") {
      return cidrImpact(strings(change.before), strings(change.after));
    }
    if (top === "workforceVpcConfig")
      return change.action === "delete" ? "broadening" : "narrowing";
    return "neutral";
  }
  if (top === "memberDefinitions") {
    const before = resource.action === "create" ? new Set<string>() : members(change.before);
    return setImpact(before, members(change.after));
  }
  if (top === "workerAccessConfiguration" && resource.action !== "create") {
    return constraintImpact(field.join("."), change.before, change.after);
  }
  return "neutral";
}

/**
 * A resource's own class: the most serious of its changes', and at least destructive for a
 * workteam deleted or recreated, broadening for one created (it has members) or a new workforce.
 */
export function resourceImpact(r: ResourceKind & { changes: readonly Change[] }): Impact {
  const floor: Impact =
    r.action === "delete" || r.action === "recreate"
      ? "destructive"
      : r.action === "create"
        ? "broadening"
        : "neutral";
  return mostSerious(floor, ...r.changes.map((c) => c.impact));
}

/** The resource with each change classified, and its own class. */
export function classify(r: UnclassifiedResource): ResourcePlan {
  const changes = r.changes.map((c) => ({ ...c, impact: impactOf(c, r) }));
  return { ...r, changes, impact: resourceImpact({ ...r, changes }) };
}

/**
 * What a reviewer weighs, one entry each: every change, and a resource whose own class no change
 * of it carries (a workteam deleted with no field changes, one restored from its backup), once.
 */
export interface ImpactEntry {
  impact: Impact;
  /** The change's path, or the resource's (`workteams.annotators`, `workforce`). */
  path: string;
  resource: ResourcePlan;
  change?: Change;
}

export function impactEntries(resources: readonly ResourcePlan[]): ImpactEntry[] {
  return resources.flatMap((r) => {
    const own = ownImpact(r);
    const itself: ImpactEntry[] = own ? [{ impact: own, path: resourcePath(r), resource: r }] : [];
    return [
      ...itself,
      ...r.changes.map((c) => ({ impact: c.impact, path: c.path, resource: r, change: c })),
    ];
  });
}

/** A resource's impact when no change of it carries it (a deleted workteam); else undefined. */
export function ownImpact(r: ResourcePlan): Impact | undefined {
  const own = r.impact ?? resourceImpact(r);
  return own !== "neutral" && !r.changes.some((c) => c.impact === own) ? own : undefined;
}

export const resourcePath = (r: Pick<ResourcePlan, "type" | "name">) =>
  r.type === "workforce" ? "workforce" : `workteams.${r.name}`;

/** How many entries of each class; every class is a key. */
export function countImpact(resources: readonly ResourcePlan[]): Record<Impact, number> {
  const counts = Object.fromEntries(IMPACTS.map((i) => [i, 0])) as Record<Impact, number>;
  for (const e of impactEntries(resources)) counts[e.impact]++;
  return counts;
}

/** The entries that are not neutral, grouped by class, most serious first (stable within a class). */
export function securityRelevant(p: Pick<Plan, "resources">): ImpactEntry[] {
  return impactEntries(p.resources)
    .filter((e) => e.impact !== "neutral")
    .sort((a, b) => rank(a.impact) - rank(b.impact));
}

// ---------------------------------------------------------------- --require-approval

/** `--require-approval` (CDK's names): which changes an auto-approved apply must not pass. */
export const APPROVAL_LEVELS = ["never", "broadening", "any"] as const;
export type ApprovalLevel = (typeof APPROVAL_LEVELS)[number];

/**
 * The entries that need a person's approval at `level`: none for never, the broadening ones for
 * broadening, every security-relevant one for any.
 */
export function needsApproval(p: Pick<Plan, "resources">, level: ApprovalLevel): ImpactEntry[] {
  if (level === "never") return [];
  const all = securityRelevant(p);
  return level === "any" ? all : all.filter((e) => e.impact === "broadening");
}

// ---------------------------------------------------------------- the rules

const strings = (v: unknown): string[] | undefined =>
  Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : undefined;

/** Added and removed together is broadening: the more serious for a reviewer. */
function setImpact(before: ReadonlySet<string>, after: ReadonlySet<string>): Impact {
  if ([...after].some((x) => !before.has(x))) return "broadening";
  if ([...before].some((x) => !after.has(x))) return "narrowing";
  return "neutral";
}

/** The groups that member definitions admit: OIDC groups, Cognito user groups. */
function members(v: unknown): Set<string> {
  const out = new Set<string>();
  for (const d of Array.isArray(v) ? v : []) {
    const oidc = d?.oidcMemberDefinition?.groups;
    if (Array.isArray(oidc)) for (const g of oidc) out.add(`oidc:${g}`);
    const cognito = d?.cognitoMemberDefinition;
    if (cognito) out.add(`cognito:${cognito.userPool}/${cognito.clientId}/${cognito.userGroup}`);
  }
  return out;
}

interface Range {
  version: 4 | 6;
  lo: bigint;
  hi: bigint;
}

/** The addresses a list of CIDRs allows: every address when the list is empty (no restriction). */
function allowed(cidrs: readonly string[]): Range[] | undefined {
  if (cidrs.length === 0) {
    return [
      { version: 4, lo: 0n, hi: (1n << 32n) - 1n },
      { version: 6, lo: 0n, hi: (1n << 128n) - 1n },
    ];
  }
  const ranges: Range[] = [];
  for (const text of cidrs) {
    const c = parseCidr(text);
    if (!c) return undefined;
    const lo = network(c).address;
    const size = 1n << BigInt((c.version === 4 ? 32 : 128) - c.prefix);
    ranges.push({ version: c.version, lo, hi: lo + size - 1n });
  }
  return ranges;
}

/** Whether every address of `inner` is in `outer`. */
function covers(outer: readonly Range[], inner: readonly Range[]): boolean {
  // Merged, the ranges of a version are apart: a range inside their union is inside one of them.
  const merged: Range[] = [];
  for (const r of [...outer].sort((a, b) => a.version - b.version || (a.lo < b.lo ? -1 : 1))) {
    const last = merged.at(-1);
    if (last && last.version === r.version && r.lo <= last.hi + 1n) {
      if (r.hi > last.hi) last.hi = r.hi;
    } else merged.push({ ...r });
  }
  return inner.every((r) =>
    merged.some((m) => m.version === r.version && m.lo <= r.lo && r.hi <= m.hi),
  );
}

/**
 * A list of allowed CIDRs before and after: broadening when an address is allowed after that was
 * not before, narrowing when one allowed before is not after, neutral when they allow the same.
 */
export function cidrImpact(before: readonly string[] = [], after: readonly string[] = []): Impact {
  const b = allowed(before);
  const a = allowed(after);
  // Blocks the service would not accept: compared as text.
  if (!a || !b) return setImpact(new Set(before), new Set(after));
  if (!covers(b, a)) return "broadening";
  if (!covers(a, b)) return "narrowing";
  return "neutral";
}

const CONSTRAINTS = ["sourceIp", "vpcSourceIp"].map(
  (k) => `workerAccessConfiguration.s3Presign.iamPolicyConstraints.${k}`,
);

/**
 * A worker-access constraint (S3 presigned URLs limited to the workers' source IP or VPC) turned
 * off is broadening; turned on, narrowing. `field` may be the constraint or a section holding it.
 */
function constraintImpact(field: string, before: unknown, after: unknown): Impact {
  const impacts = CONSTRAINTS.filter((c) => c === field || c.startsWith(`${field}.`)).map((c) => {
    const rest = c === field ? [] : c.slice(field.length + 1).split(".");
    const was = dig(before, rest) === "Enabled";
    const is = dig(after, rest) === "Enabled";
    return was && !is ? "broadening" : !was && is ? "narrowing" : "neutral";
  });
  return mostSerious(...impacts);
}

function dig(v: unknown, path: readonly string[]): unknown {
  let node = v;
  for (const k of path) {
    if (node === null || typeof node !== "object") return undefined;
    node = (node as Record<string, unknown>)[k];
  }
  return node;
}
