/**
 * Spec and live state in one comparable form: lowerCamel keys, sets sorted, CIDRs canonical,
 * optional parts present only when set, and only the fields the spec manages. Pure.
 */
import deepDiff from "deep-diff";
import type { Spec, WorkteamSpec } from "../spec/schema.ts";
import { canonicalCidr } from "../values/cidr.ts";
import type {
  Change,
  MemberDefinition,
  OidcConfigLive,
  Tags,
  VpcConfig,
  WorkforceLive,
  WorkteamConfig,
} from "./types.ts";

export type Comparable = Record<string, unknown>;

const sortedSet = (xs: readonly string[]) => [...new Set(xs)].sort();

export function normalizeCidrs(cidrs: readonly string[]): string[] {
  return sortedSet(cidrs.map(canonicalCidr));
}

/** A VPC as compared; one the service reports by its endpoint alone is shown by that endpoint. */
export function normalizeVpc(vpc: VpcConfig | null): Comparable | null {
  if (!vpc) return null;
  if (!vpc.vpcId && vpc.vpcEndpointId) return { vpcEndpointId: vpc.vpcEndpointId };
  return {
    vpcId: vpc.vpcId,
    securityGroupIds: sortedSet(vpc.securityGroupIds),
    subnets: sortedSet(vpc.subnets),
  };
}

export function normalizeMembers(defs: readonly MemberDefinition[]): MemberDefinition[] {
  const normalized = defs.map(
    (d): MemberDefinition =>
      "oidcMemberDefinition" in d
        ? { oidcMemberDefinition: { groups: sortedSet(d.oidcMemberDefinition.groups) } }
        : { cognitoMemberDefinition: { ...d.cognitoMemberDefinition } },
  );
  return normalized
    .map((d) => [JSON.stringify(d), d] as const)
    .sort(([a], [b]) => byCodeUnit(a, b))
    .map(([, d]) => d);
}

/** The OIDC config as compared: everything but the secret; optional parts only when set. */
export function visibleOidc(cfg: OidcConfigLive): OidcConfigLive {
  const out: OidcConfigLive = {
    clientId: cfg.clientId,
    issuer: cfg.issuer,
    authorizationEndpoint: cfg.authorizationEndpoint,
    tokenEndpoint: cfg.tokenEndpoint,
    userInfoEndpoint: cfg.userInfoEndpoint,
    logoutEndpoint: cfg.logoutEndpoint,
    jwksUri: cfg.jwksUri,
  };
  if (cfg.scope) out.scope = cfg.scope;
  if (
    cfg.authenticationRequestExtraParams &&
    Object.keys(cfg.authenticationRequestExtraParams).length > 0
  ) {
    out.authenticationRequestExtraParams = { ...cfg.authenticationRequestExtraParams };
  }
  return out;
}

/** A spec's OIDC config as the service keeps it: no secret, and no scope where `null` clears it. */
export function oidcOfSpec(cfg: NonNullable<Spec["workforce"]["oidcConfig"]>): OidcConfigLive {
  const { clientSecret, scope, ...rest } = cfg;
  return { ...rest, ...(scope != null && { scope }) };
}

/** The workforce fields the spec manages, as it wants them. */
export function desiredWorkforce(wf: Spec["workforce"]): Comparable {
  const out: Comparable = {};
  if (wf.oidcConfig) out.oidcConfig = visibleOidc(oidcOfSpec(wf.oidcConfig));
  if (wf.cognitoConfig) out.cognitoConfig = { ...wf.cognitoConfig };
  if (wf.sourceIpConfig) out.sourceIpConfig = { cidrs: normalizeCidrs(wf.sourceIpConfig.cidrs) };
  if (wf.workforceVpcConfig !== undefined)
    out.workforceVpcConfig = normalizeVpc(wf.workforceVpcConfig);
  if (wf.ipAddressType) out.ipAddressType = wf.ipAddressType;
  return out;
}

/** The live workforce in the same form, restricted to the keys of `managed`. */
export function liveWorkforce(wf: WorkforceLive, managed: Comparable): Comparable {
  const all: Comparable = {
    oidcConfig: wf.oidcConfig && visibleOidc(wf.oidcConfig),
    cognitoConfig: wf.cognitoConfig && { ...wf.cognitoConfig },
    sourceIpConfig: { cidrs: normalizeCidrs(wf.sourceIpConfig.cidrs) },
    workforceVpcConfig: normalizeVpc(wf.workforceVpcConfig),
    ipAddressType: wf.ipAddressType,
  };
  return pick(all, Object.keys(managed));
}

export function desiredWorkteam(team: WorkteamSpec): Comparable {
  const out: Comparable = {
    description: team.description,
    memberDefinitions: normalizeMembers(team.memberDefinitions as MemberDefinition[]),
  };
  // null clears the notification topic, so it is compared as "none".
  if (team.notificationConfiguration !== undefined)
    out.notificationConfiguration = team.notificationConfiguration && {
      ...team.notificationConfiguration,
    };
  if (team.workerAccessConfiguration)
    out.workerAccessConfiguration = structuredClone(team.workerAccessConfiguration);
  return out;
}

export function liveWorkteam(team: WorkteamConfig, managed: Comparable): Comparable {
  const all: Comparable = {
    description: team.description,
    memberDefinitions: normalizeMembers(team.memberDefinitions),
    notificationConfiguration: team.notificationConfiguration ?? null,
    workerAccessConfiguration: team.workerAccessConfiguration,
  };
  return pick(all, Object.keys(managed));
}

/** Tags wfplan can manage: keys with the reserved `aws:` prefix belong to AWS. */
export function visibleTags(tags: Tags): Tags {
  return Object.fromEntries(Object.entries(tags).filter(([k]) => !isReservedTag(k)));
}

export const isReservedTag = (key: string) => key.toLowerCase().startsWith("aws:");

function pick(obj: Comparable, keys: string[]): Comparable {
  const out: Comparable = {};
  for (const k of keys) if (obj[k] !== undefined) out[k] = obj[k];
  return out;
}

/**
 * Field-level changes from `before` to `after`, found with deep-diff. Lists are reported whole
 * (a set of CIDRs, the member definitions), not element by element; `prefix` starts each path.
 * Changes are told apart by their path's segments, not by the dotted path shown: a key may hold a
 * dot (`m.x` and `m: {x}` are two fields).
 */
export function fieldChanges(
  before: Comparable,
  after: Comparable,
  prefix: string,
): Omit<Change, "impact">[] {
  // Classified by the planner (core/impact.ts), which knows the resource.
  const byPath = new Map<string, Omit<Change, "impact">>();
  // deep-diff skips a key that is the empty string when only the right side has it (it tests the
  // key for truth), and the API allows such a key in some maps: every key is diffed with a prefix.
  for (const d of deepDiff(keyed(before), keyed(after)) ?? []) {
    const path = ((d.path ?? []) as (string | number)[]).map((seg) =>
      typeof seg === "string" ? seg.slice(KEY.length) : seg,
    );
    // Stop at the first list: the whole list is the field.
    const inList = (i: number) =>
      Array.isArray(get(before, path.slice(0, i))) || Array.isArray(get(after, path.slice(0, i)));
    const cut = path.findIndex((_, i) => inList(i));
    const fieldPath = cut > 0 ? path.slice(0, cut) : path;
    const segments = [prefix, ...fieldPath];
    const key = JSON.stringify(segments);
    if (byPath.has(key)) continue;
    const b = get(before, fieldPath);
    const a = get(after, fieldPath);
    // null is "none" (a detached VPC), like an absent value.
    const action = b == null ? "create" : a == null ? "delete" : "update";
    if (action === "update") {
      byPath.set(key, { path: segments.join("."), action, before: b, after: a, sensitive: false });
      continue;
    }
    // A section that appears or goes as a whole is shown field by field.
    for (const [leaf, value] of leaves(action === "create" ? a : b, segments)) {
      byPath.set(JSON.stringify(leaf), {
        path: leaf.join("."),
        action,
        before: action === "create" ? undefined : value,
        after: action === "create" ? value : undefined,
        sensitive: false,
      });
    }
  }
  return [...byPath.values()];
}

const KEY = "k:";

/** The value with every mapping key prefixed, so that no key is falsy to deep-diff. */
function keyed(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(keyed);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [KEY + k, keyed(v)]));
  }
  return value;
}

/** The leaf fields of a value (a list is one leaf), with their paths' segments. */
function leaves(value: unknown, path: (string | number)[]): [(string | number)[], unknown][] {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return [[path, value]];
  // An empty mapping is a value too: it appearing or going is a change.
  if (Object.keys(value).length === 0) return [[path, value]];
  return Object.entries(value as Record<string, unknown>).flatMap(([k, v]) =>
    leaves(v, [...path, k]),
  );
}

function get(obj: unknown, path: readonly (string | number)[]): unknown {
  let node = obj;
  for (const seg of path) {
    if (node === null || typeof node !== "object") return undefined;
    node = (node as Record<string | number, unknown>)[seg];
  }
  return node;
}

/**
 * Orders strings by UTF-16 code unit: the same on every machine. (localeCompare follows the
 * process's locale, so a plan saved under one LANG would look stale under another.)
 */
export const byCodeUnit = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
