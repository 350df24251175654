/**
 * The configuration as it will be: the spec's managed values over what is there now (the live
 * workforce and workteams, or a workteam's backup). Pure. Two uses:
 * - the service's rules across fields are checked on the effective workforce before anything
 *   changes (a rule broken by a live value the spec does not manage is still broken);
 * - verify compares every field of the live state after an apply — managed or not, tags included
 *   — with the state this module expects, so "verified" never means "no error was seen".
 */
import type { Spec, WorkforceSpec, WorkteamSpec } from "../spec/schema.ts";
import {
  fieldChanges,
  isReservedTag,
  normalizeCidrs,
  normalizeMembers,
  normalizeVpc,
  oidcOfSpec,
  visibleOidc,
  visibleTags,
} from "./normalize.ts";
import type {
  LiveState,
  MemberDefinition,
  OidcConfigLive,
  Plan,
  Tags,
  VpcConfig,
  WorkforceLive,
  WorkteamConfig,
  WorkteamLive,
} from "./types.ts";

/** The optional parts of an OIDC configuration: a spec that omits one leaves it as it is. */
export const OIDC_OPTIONAL = ["scope", "authenticationRequestExtraParams"] as const;

/**
 * The spec as it applies to a live workforce: absent means unmanaged inside `oidcConfig` too. The
 * service takes an OidcConfig whole, so the optional parts the spec omits (`scope`,
 * `authenticationRequestExtraParams`) are the live ones, sent again as they are; an explicit value
 * (`authenticationRequestExtraParams: {}` clears) is the spec's. Pure; the spec itself when there
 * is nothing to carry.
 */
export function withUnmanagedOidc(spec: Spec, live: WorkforceLive | null | undefined): Spec {
  const wanted = spec.workforce.oidcConfig;
  const had = live?.oidcConfig;
  if (!wanted || !had) return spec;
  const carried = OIDC_OPTIONAL.filter((k) => wanted[k] === undefined && had[k] !== undefined);
  if (carried.length === 0) return spec;
  const oidcConfig = { ...wanted };
  for (const k of carried) Object.assign(oidcConfig, { [k]: structuredClone(had[k]) });
  return { ...spec, workforce: { ...spec.workforce, oidcConfig } };
}

/** The fields of a workteam that a spec may declare, in the order they are reported. */
export const TEAM_FIELDS = [
  "description",
  "memberDefinitions",
  "notificationConfiguration",
  "workerAccessConfiguration",
  "tags",
] as const;
export type TeamField = (typeof TEAM_FIELDS)[number];

/** A workteam's settable state: its configuration and, where known, its tags. */
export interface TeamState extends WorkteamConfig {
  /** undefined = not known (not read), so not compared. */
  tags?: Tags;
}

export function teamFieldPresent(t: TeamState, f: TeamField): boolean {
  switch (f) {
    case "description":
    case "memberDefinitions":
      return true;
    case "notificationConfiguration":
      return Boolean(t.notificationConfiguration?.notificationTopicArn);
    case "workerAccessConfiguration":
      return t.workerAccessConfiguration !== undefined;
    case "tags":
      return t.tags !== undefined && Object.keys(t.tags).length > 0;
  }
}

export interface WorkforceConfig {
  oidcConfig?: OidcConfigLive;
  cognitoConfig?: { userPool: string; clientId: string };
  sourceIpConfig: { cidrs: string[] };
  workforceVpcConfig: VpcConfig | null;
  ipAddressType: "ipv4" | "dualstack";
}

/** The workforce after an apply: the spec's fields over the live ones (or the service's defaults). */
export function effectiveWorkforce(
  spec: WorkforceSpec,
  live: WorkforceLive | null,
): WorkforceConfig {
  const out: WorkforceConfig = {
    sourceIpConfig: spec.sourceIpConfig ?? live?.sourceIpConfig ?? { cidrs: [] },
    workforceVpcConfig:
      spec.workforceVpcConfig !== undefined
        ? spec.workforceVpcConfig
        : (live?.workforceVpcConfig ?? null),
    ipAddressType: spec.ipAddressType ?? live?.ipAddressType ?? "ipv4",
  };
  if (spec.oidcConfig) out.oidcConfig = oidcOfSpec(spec.oidcConfig);
  else if (live?.oidcConfig) out.oidcConfig = live.oidcConfig;
  const cognito = spec.cognitoConfig ?? live?.cognitoConfig;
  if (cognito) out.cognitoConfig = cognito;
  return out;
}

/**
 * A workteam after an apply: the fields the spec declares, the rest as they were (`before`, live
 * or from its backup). Tags the spec declares replace the team's own, but for the reserved `aws:`
 * ones, which only AWS sets.
 */
export function effectiveTeam(
  teamSpec: WorkteamSpec | undefined,
  before: TeamState | undefined,
): TeamState {
  if (!teamSpec) {
    if (!before) throw new Error("a workteam needs a spec or a backup");
    return before;
  }
  const out: TeamState = {
    description: teamSpec.description,
    memberDefinitions: teamSpec.memberDefinitions as MemberDefinition[],
  };
  const notification =
    teamSpec.notificationConfiguration !== undefined
      ? teamSpec.notificationConfiguration
      : before?.notificationConfiguration;
  if (notification?.notificationTopicArn) out.notificationConfiguration = { ...notification };
  const access =
    teamSpec.workerAccessConfiguration !== undefined
      ? teamSpec.workerAccessConfiguration
      : before?.workerAccessConfiguration;
  if (access) out.workerAccessConfiguration = structuredClone(access);
  if (teamSpec.tags) {
    const reserved = Object.entries(before?.tags ?? {}).filter(([k]) => isReservedTag(k));
    out.tags = { ...Object.fromEntries(reserved), ...teamSpec.tags };
  } else if (before) {
    if (before.tags) out.tags = { ...before.tags };
  } else out.tags = {};
  return out;
}

export interface ExpectedState {
  workforce: WorkforceConfig;
  workteams: Map<string, TeamState>;
  /** Workteams the plan deletes and does not recreate: they must be gone. */
  deleted: Set<string>;
}

/** What the live state must be after `plan` was applied to `live` (from which it was made). */
export function expectedState(given: Spec, live: LiveState, plan: Plan): ExpectedState {
  const spec = withUnmanagedOidc(given, live.workforce);
  const before = new Map<string, TeamState>();
  for (const t of live.restorable ?? []) before.set(t.name, t);
  for (const t of live.workteams) before.set(t.name, t);
  const declared = new Map((spec.workteams ?? []).map((t) => [t.name, t]));
  const workteams = new Map<string, TeamState>(live.workteams.map((t) => [t.name, t]));
  const deleted = new Set<string>();
  for (const r of plan.resources) {
    if (r.type !== "workteam") continue;
    if (r.action === "delete") {
      workteams.delete(r.name);
      deleted.add(r.name);
    } else workteams.set(r.name, effectiveTeam(declared.get(r.name), before.get(r.name)));
  }
  return { workforce: effectiveWorkforce(spec.workforce, live.workforce), workteams, deleted };
}

/**
 * Every way the live state differs from the expected one: the workforce's status and each of its
 * fields, each expected workteam and each of its fields, and its tags where they are known. One
 * line per difference; [] when everything matches.
 */
export function stateDifferences(
  expected: ExpectedState,
  workforce: WorkforceLive | null,
  workteams: readonly WorkteamLive[],
): string[] {
  if (!workforce) return ["the workforce does not exist"];
  const lines: string[] = [];
  if (workforce.status !== "Active") {
    lines.push(
      `the workforce is ${workforce.status}${workforce.failureReason ? ` (${workforce.failureReason})` : ""}, not Active`,
    );
  }
  lines.push(
    ...differences(
      comparableWorkforce(workforce),
      comparableWorkforce(expected.workforce),
      "workforce",
    ),
  );
  const live = new Map(workteams.map((t) => [t.name, t]));
  for (const name of expected.deleted) {
    if (live.has(name)) lines.push(`workteam ${name} still exists, though the plan deletes it`);
  }
  lines.push(...teamDifferences(expected.workteams, workteams));
  return lines;
}

/** How the live workteams differ from the expected ones: a missing team, or each field that differs. */
export function teamDifferences(
  expected: ReadonlyMap<string, TeamState>,
  workteams: readonly WorkteamLive[],
): string[] {
  const lines: string[] = [];
  const live = new Map(workteams.map((t) => [t.name, t]));
  for (const [name, want] of expected) {
    const have = live.get(name);
    if (!have) {
      lines.push(`workteam ${name} does not exist`);
      continue;
    }
    const tagsKnown = want.tags !== undefined;
    lines.push(
      ...differences(
        comparableTeam(have, tagsKnown),
        comparableTeam(want, tagsKnown),
        `workteams.${name}`,
      ),
    );
  }
  return lines;
}

function comparableWorkforce(w: WorkforceConfig): Record<string, unknown> {
  return {
    oidcConfig: w.oidcConfig && visibleOidc(w.oidcConfig),
    cognitoConfig: w.cognitoConfig && { ...w.cognitoConfig },
    sourceIpConfig: { cidrs: normalizeCidrs(w.sourceIpConfig.cidrs) },
    workforceVpcConfig: normalizeVpc(w.workforceVpcConfig),
    ipAddressType: w.ipAddressType,
  };
}

function comparableTeam(t: TeamState, withTags: boolean): Record<string, unknown> {
  return {
    description: t.description,
    memberDefinitions: normalizeMembers(t.memberDefinitions),
    notificationConfiguration: t.notificationConfiguration?.notificationTopicArn ?? null,
    workerAccessConfiguration: t.workerAccessConfiguration ?? null,
    ...(withTags ? { tags: visibleTags(t.tags ?? {}) } : {}),
  };
}

function differences(
  actual: Record<string, unknown>,
  expected: Record<string, unknown>,
  prefix: string,
): string[] {
  return fieldChanges(actual, expected, prefix).map(
    (c) => `${c.path}: expected ${shown(c.after)}, found ${shown(c.before)}`,
  );
}

const shown = (v: unknown) => (v === undefined || v === null ? "(none)" : JSON.stringify(v));
