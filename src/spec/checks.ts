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
import { formatPath } from "./diagnostics.ts";
import { mergeOverride, ownedBy, targetLabel } from "./fleet.ts";
import { descriptionAt, workforceSchema } from "./schema.ts";

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
  const targets = list(raw.targets);
  // A fleet's checks are each target's; with no target to check, the shared spec's.
  const out = targets.some(isObj) ? fleetChecks(raw, targets) : checksOf(raw);
  if (raw.targets !== undefined) targetChecks(raw, targets, out);
  rolloutChecks(raw, out);
  return out;
}

/** The checks of one target's spec: the whole spec without `targets`, or one target's merged spec. */
function checksOf(raw: Obj): Check[] {
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

/**
 * A fleet (issue #15): every check above holds for each target's merged spec (the shared spec with
 * the target's overrides, fleet.ts), and what a merge alone can break is checked there too
 * (`mergedChecks`). A problem of a merged spec is said once, at one of two places:
 * - at the shared field (`workforce.sourceIpConfig`), when the shared spec alone has it too and
 *   the target did not write the value itself: the shared spec is to fix (and when only some
 *   targets have it, the message names them);
 * - else at the target's path (`targets[1].workforce.sourceIpConfig`): the override wrote the
 *   value, or merged, made the problem. It points at the override's own line where the target
 *   wrote that field, else at the nearest part of the target that there is.
 */
function fleetChecks(raw: Obj, targets: unknown[]): Check[] {
  const { targets: _, ...shared } = raw;
  const sharedChecks = new Set(checksOf(shared).map(checkId));
  const sharedMerged = new Set(mergedChecks(shared.workforce).map(checkId));
  const sizes = (wf: unknown) =>
    mergedChecks(wf)
      .filter((c) => !c.requires)
      .map((c) => formatPath(c.path));
  const out: Check[] = [];
  const atShared = new Map<string, { check: Check; targets: number[] }>();
  const seen = new Set<string>();
  const count = targets.filter(isObj).length;
  for (const [i, target] of targets.entries()) {
    if (!isObj(target)) continue;
    const override: Obj = {};
    if ("workforce" in target) override.workforce = target.workforce;
    if ("workteams" in target) override.workteams = target.workteams;
    const merged = mergeOverride(shared, override) as Obj;
    const place = (c: Check, sharedHas: boolean) => {
      if (sharedHas && !ownedBy(shared, override, c.path)) return undefined;
      return { ...c, path: ["targets", i, ...c.path] };
    };
    for (const c of checksOf(merged)) {
      const placed = place(c, sharedChecks.has(checkId(c)));
      if (placed) add(placed);
      else {
        const s = atShared.get(checkId(c)) ?? { check: c, targets: [] };
        atShared.set(checkId(c), { ...s, targets: [...s.targets, i] });
      }
    }
    // What the shared workforce alone lacks, or a part alone has too many of, the schema has
    // said already.
    const tooBig = new Set([...sizes(shared.workforce), ...sizes(override.workforce)]);
    for (const c of mergedChecks(merged.workforce)) {
      if (c.requires) {
        const placed = place(c, sharedMerged.has(checkId(c)));
        if (placed) add(placed);
      } else if (!tooBig.has(formatPath(c.path))) {
        add({ ...place(c, false)!, message: `${c.message} (the shared ones and this target's)` });
      }
    }
  }
  for (const { check, targets: some } of atShared.values()) {
    const which = some.map((i) => `targets[${i}]`).join(", ");
    add(some.length < count ? { ...check, message: `${check.message} (for ${which})` } : check);
  }
  return out;

  function add(c: Check): void {
    const id = checkId(c);
    if (!seen.has(id)) out.push(c);
    seen.add(id);
  }
}

const checkId = (c: Check) => JSON.stringify([c.severity, formatPath(c.path), c.key, c.message]);

/**
 * What only a merge can break, found by the workforce's own schema on the merged workforce: a
 * required key (an override's section with no shared one under it: `workforceVpcConfig: {vpcId}`
 * over `null`), and a mapping's size (the shared tags and the target's together). The other rules
 * hold for each part, and the schema checks each part.
 */
function mergedChecks(wf: unknown): Check[] {
  if (!isObj(wf)) return [];
  const parsed = workforceSchema.safeParse(wf, { reportInput: true });
  if (parsed.success) return [];
  return parsed.error.issues.flatMap((issue): Check[] => {
    const path = ["workforce", ...issue.path];
    if (issue.code === "invalid_type" && issue.input === undefined) {
      const key = String(path.at(-1));
      const hint = descriptionAt(path);
      return [
        {
          severity: "error",
          path: path.slice(0, -1),
          key: true,
          message: `missing required key ${JSON.stringify(key)}`,
          hint: hint && `${key}: ${hint}`,
          requires: [key],
        },
      ];
    }
    if (issue.code !== "custom") return [];
    return [
      {
        severity: "error",
        path,
        message: issue.message,
        hint: descriptionAt(path),
      },
    ];
  });
}

/** `targets` against a top-level region, and a target declared twice. */
function targetChecks(raw: Obj, targets: unknown[], out: Check[]): void {
  if (raw.region !== undefined) {
    out.push({
      severity: "error",
      path: ["targets"],
      key: true,
      message:
        "targets and a top-level region are mutually exclusive: each target names its own region",
      hint: `move region into the targets (- region: ${typeof raw.region === "string" ? raw.region : "us-east-1"}), or drop targets for one region`,
    });
  }
  const seen = new Map<string, number>();
  for (const [i, target] of targets.entries()) {
    if (!isObj(target) || typeof target.region !== "string") continue;
    const role = target.roleArn;
    if (role !== undefined && typeof role !== "string") continue;
    const id = JSON.stringify([target.region, role ?? null]);
    const first = seen.get(id);
    if (first === undefined) {
      seen.set(id, i);
      continue;
    }
    out.push({
      severity: "error",
      path: ["targets", i],
      message: `the target ${targetLabel(target.region, role)} is declared twice (also targets[${first}])`,
      hint:
        role === undefined
          ? "a target is a region and the role assumed there: remove this one, or give one of them a roleArn"
          : "a target is a region and the role assumed there: remove this one",
    });
  }
}

/** `policy.rollout` only means something for a fleet, and its canary is some of the targets. */
function rolloutChecks(raw: Obj, out: Check[]): void {
  const rollout = isObj(raw.policy) ? raw.policy.rollout : undefined;
  if (rollout === undefined) return;
  if (raw.targets === undefined) {
    out.push({
      severity: "warning",
      path: ["policy", "rollout"],
      key: true,
      message: "policy.rollout has no effect without targets: there is one target",
      hint: "add targets, or remove policy.rollout",
    });
    return;
  }
  const canary = isObj(rollout) ? rollout.canary : undefined;
  const n = list(raw.targets).length;
  // A canary past the schema's 100 is said once, by the schema.
  if (Array.isArray(raw.targets) && typeof canary === "number" && canary > n && canary <= 100) {
    out.push({
      severity: "error",
      path: ["policy", "rollout", "canary"],
      message: `canary ${canary} is more than the ${n} target${n === 1 ? "" : "s"}`,
      hint: `the first N targets are the canary: at most ${n}`,
    });
  }
}
