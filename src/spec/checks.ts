/**
 * Rules across fields, which a per-field schema cannot say, and the warnings of PRODUCT.md. They
 * read the raw YAML value defensively, so they report alongside the schema's errors (every
 * problem at once) even when other parts of the file are wrong.
 */
import {
  canonicalCidr,
  formatCidr,
  hasHostBits,
  isEverything,
  network,
  parseCidr,
} from "../values/cidr.ts";
import { formatDuration, parseDuration, WAIT_RANGE } from "../values/duration.ts";

export interface Check {
  severity: "error" | "warning";
  path: PropertyKey[];
  /** Point at the key rather than the value. */
  key?: boolean;
  message: string;
  hint?: string;
  /** The keys at `path` of which one is required and none is written (for a typo to stand for). */
  requires?: string[];
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

export function specChecks(raw: unknown): Check[] {
  if (!isObj(raw)) return [];
  const out: Check[] = [];
  const wf = isObj(raw.workforce) ? raw.workforce : undefined;
  const kind = wf ? identityKind(wf, out) : undefined;
  if (wf) cidrWarnings(wf, out);
  workteamChecks(raw.workteams, kind, out);
  if (wf && kind === "cognito") cognitoMemberChecks(raw.workteams, wf.cognitoConfig, out);
  const wait = isObj(raw.policy) ? raw.policy.waitTimeout : undefined;
  const ms = typeof wait === "string" ? parseDuration(wait) : undefined;
  if (ms !== undefined && (ms < WAIT_RANGE.min || ms > WAIT_RANGE.max)) {
    out.push({
      severity: "error",
      path: ["policy", "waitTimeout"],
      message: `${wait} is out of range`,
      hint: `allowed: ${formatDuration(WAIT_RANGE.min)} to ${formatDuration(WAIT_RANGE.max)}`,
    });
  }
  return out;
}

function identityKind(wf: Obj, out: Check[]): "oidc" | "cognito" | undefined {
  const oidc = "oidcConfig" in wf;
  const cognito = "cognitoConfig" in wf;
  if (oidc && cognito) {
    out.push({
      severity: "error",
      path: ["workforce", "cognitoConfig"],
      key: true,
      message: "a workforce has either oidcConfig or cognitoConfig, not both",
      hint: "keep the one the workforce was created with",
    });
    return undefined;
  }
  if (!oidc && !cognito) {
    out.push({
      severity: "error",
      path: ["workforce"],
      message: "the workforce needs oidcConfig or cognitoConfig",
      hint: "add oidcConfig (your identity provider) or cognitoConfig (an Amazon Cognito user pool)",
      requires: ["oidcConfig", "cognitoConfig"],
    });
    return undefined;
  }
  return oidc ? "oidc" : "cognito";
}

function cidrWarnings(wf: Obj, out: Check[]): void {
  const cidrs = list(isObj(wf.sourceIpConfig) ? wf.sourceIpConfig.cidrs : undefined);
  const seen = new Map<string, number>();
  for (const [i, text] of cidrs.entries()) {
    const c = typeof text === "string" ? parseCidr(text) : undefined;
    if (!c) continue;
    const path = ["workforce", "sourceIpConfig", "cidrs", i];
    const canonical = canonicalCidr(String(text));
    const first = seen.get(canonical);
    if (first !== undefined) {
      out.push({
        severity: "warning",
        path,
        message: `${text} repeats cidrs[${first}]`,
        hint: "remove the duplicate",
      });
    }
    seen.set(canonical, first ?? i);
    if (isEverything(c)) {
      out.push({
        severity: "warning",
        path,
        message: `${text} allows every ${c.version === 4 ? "IPv4" : "IPv6"} address`,
        hint: "to lift the restriction say so plainly with cidrs: []",
      });
    } else if (hasHostBits(c)) {
      out.push({
        severity: "warning",
        path,
        message: `${text} has host bits set; the block is ${formatCidr(network(c))}`,
        hint: `write ${formatCidr(network(c))}`,
      });
    }
    if (c.version === 6 && wf.ipAddressType === "ipv4") {
      out.push({
        severity: "warning",
        path,
        message: `${text} is IPv6 but ipAddressType is ipv4, so IPv6 clients never reach the portal`,
        hint: "set ipAddressType: dualstack, or remove the IPv6 block",
      });
    }
  }
  // "Amazon SageMaker does not support Source Ip restriction for worker portals in VPC."
  if (cidrs.length > 0 && isObj(wf.workforceVpcConfig)) {
    out.push({
      severity: "error",
      path: ["workforce", "sourceIpConfig"],
      key: true,
      message:
        "SageMaker does not support source IP restriction for a worker portal in a VPC: it refuses sourceIpConfig with cidrs together with workforceVpcConfig",
      hint: "restrict access through the VPC with its security groups and set cidrs: [], or drop workforceVpcConfig",
    });
  }
}

function workteamChecks(
  workteams: unknown,
  kind: "oidc" | "cognito" | undefined,
  out: Check[],
): void {
  const names = new Map<string, number>();
  for (const [t, team] of list(workteams).entries()) {
    if (!isObj(team)) continue;
    if (typeof team.name === "string") {
      const first = names.get(team.name);
      if (first !== undefined) {
        out.push({
          severity: "error",
          path: ["workteams", t, "name"],
          message: `workteam ${JSON.stringify(team.name)} is declared twice (also workteams[${first}])`,
          hint: "workteam names are unique in an account and region",
        });
      } else names.set(team.name, t);
    }
    let teamKind: string | undefined;
    for (const [m, def] of list(team.memberDefinitions).entries()) {
      if (!isObj(def)) continue;
      const path = ["workteams", t, "memberDefinitions", m];
      const has = (["oidcMemberDefinition", "cognitoMemberDefinition"] as const).filter(
        (k) => k in def,
      );
      if (has.length !== 1) {
        out.push({
          severity: "error",
          path,
          message: has.length
            ? "a member definition has one of oidcMemberDefinition or cognitoMemberDefinition, not both"
            : "the member definition is empty",
          hint: "write oidcMemberDefinition: {groups: [...]} or cognitoMemberDefinition: {userPool, userGroup, clientId}",
        });
        continue;
      }
      const defKind = has[0] === "oidcMemberDefinition" ? "oidc" : "cognito";
      if (teamKind && defKind !== teamKind) {
        out.push({
          severity: "error",
          path,
          message: "a workteam's member definitions are all OIDC or all Cognito, not a mix",
        });
      } else if (kind && defKind !== kind) {
        out.push({
          severity: "error",
          path,
          message: `${has[0]} in a workforce that uses ${kind === "oidc" ? "OIDC" : "Cognito"}`,
          hint:
            kind === "oidc"
              ? "use oidcMemberDefinition: {groups: [...]}"
              : "use cognitoMemberDefinition: {userPool, userGroup, clientId}",
        });
      }
      teamKind ??= defKind;
    }
  }
}

/** Cognito member definitions name the workforce's own user pool and app client. */
function cognitoMemberChecks(workteams: unknown, cognito: unknown, out: Check[]): void {
  if (!isObj(cognito)) return;
  for (const [t, team] of list(workteams).entries()) {
    if (!isObj(team)) continue;
    for (const [m, def] of list(team.memberDefinitions).entries()) {
      const member = isObj(def) ? def.cognitoMemberDefinition : undefined;
      if (!isObj(member)) continue;
      for (const key of ["userPool", "clientId"] as const) {
        if (typeof member[key] === "string" && member[key] !== cognito[key]) {
          out.push({
            severity: "error",
            path: ["workteams", t, "memberDefinitions", m, "cognitoMemberDefinition", key],
            message: `${key} ${JSON.stringify(member[key])} is not the workforce's (${JSON.stringify(cognito[key])})`,
            hint: `a workteam's Cognito members come from the workforce's user pool and app client: use ${JSON.stringify(cognito[key])}`,
          });
        }
      }
    }
  }
}
