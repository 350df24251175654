/**
 * The planner: a pure function of (spec, live state, options) that returns what would change, the
 * ordered steps that make it so, what blocks it, and warnings. No I/O, no clock, no SDK.
 */

import type { Spec, WorkteamSpec } from "../spec/schema.ts";
import { formatSecretRef, parseSecretRef } from "../spec/secret-ref.ts";
import {
  effectiveWorkforce,
  OIDC_OPTIONAL,
  TEAM_FIELDS,
  teamFieldPresent,
  withUnmanagedOidc,
} from "./effective.ts";
import {
  classify,
  countImpact,
  type UnclassifiedChange,
  type UnclassifiedResource,
} from "./impact.ts";
import {
  desiredWorkforce,
  desiredWorkteam,
  fieldChanges,
  liveWorkforce,
  liveWorkteam,
  visibleTags,
} from "./normalize.ts";
import { judgePreflight } from "./preflight.ts";
import type {
  Blocker,
  LiveState,
  Notice,
  Plan,
  PlanContext,
  PlanOptions,
  ResourcePlan,
  Step,
  Tags,
  TeamSource,
  WorkforceLive,
  WorkteamConfig,
} from "./types.ts";

export const MAX_WORKTEAMS = 25;
export const SENSITIVE = "(sensitive)";

/** Workforce states in which an update is still running: apply waits for them to end first. */
export const IN_PROGRESS = new Set(["Initializing", "Updating"]);

/** The workforce fields UpdateWorkforce can send. */
const UPDATABLE = ["oidcConfig", "sourceIpConfig", "workforceVpcConfig", "ipAddressType"] as const;

/** Options from the spec's policy, overridden by explicit flags. */
export function planOptions(
  spec: Spec,
  flags: { allowWorkteamDeletion?: boolean; rotateClientSecret?: boolean } = {},
): PlanOptions {
  const policy = spec.policy ?? {};
  return {
    allowWorkteamDeletion:
      flags.allowWorkteamDeletion === true || policy.allowWorkteamDeletion === true,
    restoreWorkteams: policy.restoreWorkteams ?? true,
    pruneWorkteams: policy.pruneWorkteams ?? false,
    rotateClientSecret: flags.rotateClientSecret === true,
  };
}

interface Notes {
  blockers: Blocker[];
  warnings: Notice[];
  unmanaged: string[];
}

export function plan(
  given: Spec,
  live: LiveState,
  options: PlanOptions,
  context: PlanContext = {},
): Plan {
  const notes: Notes = { blockers: [], warnings: [...(context.specWarnings ?? [])], unmanaged: [] };
  for (const key of ["sourceIpConfig", "workforceVpcConfig", "ipAddressType"] as const) {
    if (!(key in given.workforce)) notes.unmanaged.push(`workforce.${key}`);
  }
  // The OIDC configuration's optional parts the spec omits stay as they are live. Sent to another
  // identity provider, they are said, values and all: its users may not log in with them.
  const spec = withUnmanagedOidc(given, live.workforce);
  const wanted = spec.workforce.oidcConfig;
  const had = live.workforce?.oidcConfig;
  for (const key of OIDC_OPTIONAL) {
    if (wanted?.[key] === given.workforce.oidcConfig?.[key]) continue;
    notes.unmanaged.push(`workforce.oidcConfig.${key}`);
    if (had && wanted && had.issuer !== wanted.issuer) {
      notes.warnings.push({
        message: `The identity provider changes (issuer ${had.issuer} → ${wanted.issuer}), and the spec does not set oidcConfig.${key}: the live ${JSON.stringify(had[key])} is sent to the new provider as it is.`,
        hint: `set oidcConfig.${key} in the spec to what the new provider expects (${key === "scope" ? "null clears it" : "{} clears them"})`,
        path: "workforce.oidcConfig",
      });
    }
  }
  if (!spec.workteams) notes.unmanaged.push("workteams");

  const workforce = planWorkforce(spec, live, options, notes);
  const teams = planWorkteams(spec, live, options, workforce.sendsOidc, notes);

  // The steps, in their safe order. An update still running is waited for first. Nothing is
  // deleted before a change that could still be refused: when an OIDC update needs the workteams
  // gone, the other workforce fields are sent (and waited for) before the backup and the deletes.
  const steps: Step[] = [];
  const wait: Step = { kind: "wait-active" };
  if (workforce.inProgress) steps.push(wait);
  const oidcFirstNeedsDeletes = workforce.sendsOidc && teams.deleteForOidc.length > 0;
  const others = workforce.fields.filter((f) => f !== "oidcConfig");
  const split = oidcFirstNeedsDeletes && others.length > 0;
  if (split) steps.push({ kind: "update-workforce", fields: others, sendsSecret: false }, wait);
  if (teams.toDelete.length > 0) {
    steps.push({ kind: "backup", workteams: teams.toDelete });
    for (const t of teams.deleteForOidc)
      steps.push({ kind: "delete-workteam", name: t, reason: "oidc" });
  }
  // An OIDC workforce is created with its secret; a Cognito one has none.
  const sendsSecret = workforce.create ? Boolean(spec.workforce.oidcConfig) : workforce.sendsOidc;
  if (sendsSecret && context.secretProblem) {
    notes.blockers.push({
      code: "secret-unavailable",
      ...context.secretProblem,
      path: "workforce.oidcConfig.clientSecret",
    });
  }
  if (workforce.create) {
    steps.push({ kind: "create-workforce", sendsSecret }, wait);
  } else if (workforce.fields.length > 0) {
    const fields = split ? ["oidcConfig"] : workforce.fields;
    steps.push({ kind: "update-workforce", fields, sendsSecret: workforce.sendsOidc }, wait);
  }
  // Pruned workteams go before new ones are created, so the 25-workteam limit holds at every
  // step; one that blocks the OIDC update is already deleted before it.
  for (const t of teams.prune.filter((n) => !teams.deleteForOidc.includes(n))) {
    steps.push({ kind: "delete-workteam", name: t, reason: "prune" });
  }
  steps.push(...teams.steps);
  if (steps.length > 0) steps.push({ kind: "verify" });
  // Judged on the steps the plan would run: a wrong reference it sends blocks it.
  const preflight = judgePreflight(context.preflight, steps);
  notes.blockers.push(...preflight.blockers);
  notes.warnings.push(...preflight.warnings);
  if (context.locate) {
    for (const note of [...notes.blockers, ...notes.warnings]) {
      const at = note.path && context.locate(note.path);
      if (at) note.location = at;
    }
  }

  // Each change gets its impact here, where its resource's action is known.
  const resources = [...(workforce.resource ? [workforce.resource] : []), ...teams.resources].map(
    classify,
  );
  const count = (action: ResourcePlan["action"]) =>
    resources.filter((r) => r.action === action).length;
  return {
    region: live.region,
    workforceName: spec.workforce.name,
    ...(live.workforce ? { workforceStatus: live.workforce.status } : {}),
    resources,
    steps: notes.blockers.length > 0 ? [] : steps,
    ...notes,
    sendsSecret,
    preflight: preflight.results,
    summary: {
      add: count("create"),
      change: count("update"),
      delete: count("delete"),
      recreate: count("recreate"),
      impact: countImpact(resources),
    },
  };
}

interface WorkforcePart {
  resource?: UnclassifiedResource;
  create: boolean;
  /** The workforce fields UpdateWorkforce sends (top-level names). */
  fields: string[];
  /** Whether the OIDC config (and so the secret) is sent: the workteams must be gone first. */
  sendsOidc: boolean;
  /** An update is still running: wait for it before anything else. */
  inProgress: boolean;
}

/** The workforce's changes, the fields its update sends, and whether the OIDC config is among them. */
function planWorkforce(
  spec: Spec,
  live: LiveState,
  options: PlanOptions,
  notes: Notes,
): WorkforcePart {
  const name = spec.workforce.name;
  const desired = desiredWorkforce(spec.workforce);
  const wf = live.workforce;
  const secretRef = spec.workforce.oidcConfig?.clientSecret;
  const none: WorkforcePart = { create: false, fields: [], sendsOidc: false, inProgress: false };
  if (!wf) {
    if (live.otherWorkforce) {
      notes.blockers.push({
        code: "workforce-renamed",
        message: `Region ${live.region} already has the private workforce "${live.otherWorkforce}"; a region has one, and a workforce cannot be renamed.`,
        hint: `set workforce.name to "${live.otherWorkforce}", or delete that workforce by hand first`,
        path: "workforce.name",
      });
    }
    const changes = fieldChanges({}, withTags(desired, spec.workforce.tags), "workforce");
    if (secretRef) insertSecret(changes, secretChange("create", secretRef));
    return {
      ...none,
      resource: { type: "workforce", name, action: "create", changes },
      create: true,
    };
  }
  const inProgress = IN_PROGRESS.has(wf.status);
  if (spec.workforce.tags && Object.keys(spec.workforce.tags).length > 0) {
    notes.warnings.push({
      message:
        "workforce.tags are sent only when the workforce is created: SageMaker neither lists nor changes a workforce's tags afterwards, so wfplan cannot compare or apply them.",
      hint: "tag the workforce when it is created, or manage its tags outside wfplan",
      path: "workforce.tags",
    });
  }
  identityBlockers(spec, wf, notes.blockers);
  if (notes.blockers.length > 0) return { ...none, inProgress };

  const changes = fieldChanges(liveWorkforce(wf, desired), desired, "workforce");
  const failed = wf.status === "Failed";
  if (failed) {
    notes.warnings.push({
      message: `The workforce's last update failed: ${wf.failureReason ?? "no reason given"}.`,
      hint: "apply sends the spec's configuration again",
    });
  }
  const rotate = options.rotateClientSecret && Boolean(spec.workforce.oidcConfig);
  const changed = new Set([
    ...changes.map((c) => c.path.split(".")[1]!),
    ...(rotate ? ["oidcConfig"] : []),
  ]);
  // A Failed workforce gets the spec's configuration again: what it reports cannot be trusted.
  // The OIDC config too, unless sending it would mean deleting workteams for no visible change.
  if (failed) {
    for (const f of UPDATABLE) {
      const resend = f !== "oidcConfig" || live.workteams.length === 0;
      if (spec.workforce[f] !== undefined && resend) changed.add(f);
    }
  }
  const fields = UPDATABLE.filter((f) => changed.has(f));
  if (failed && fields.length === 0) {
    notes.blockers.push({
      code: "failed-workforce-nothing-to-send",
      message: `The workforce's last update failed (${wf.failureReason ?? "no reason given"}), and the spec manages nothing an update could send again without deleting the workteams.`,
      hint: "declare the field the update was about (sourceIpConfig, workforceVpcConfig, ipAddressType), or send the OIDC config again with --rotate-client-secret (which deletes and recreates the workteams, so it needs --allow-workteam-deletion)",
      path: "workforce",
    });
  }
  serviceRuleBlockers(spec, wf, notes);
  const sendsOidc = fields.includes("oidcConfig");
  if (secretRef && sendsOidc) insertSecret(changes, secretChange("update", secretRef));
  if (fields.length === 0) return { ...none, inProgress };
  const onlySecret = changes.every((c) => c.sensitive);
  const reason = failed
    ? `its last update failed (${wf.failureReason ?? "no reason given"}): apply sends the spec's ${fields.join(", ")} again`
    : onlySecret
      ? "rotate the OIDC client secret"
      : undefined;
  return {
    resource: {
      type: "workforce",
      name,
      action: "update",
      ...(reason ? { reason } : {}),
      changes,
    },
    create: false,
    fields,
    sendsOidc,
    inProgress,
  };
}

/**
 * Rules of the service across fields, checked on the effective configuration (the live values
 * with the spec's managed ones over them), so that an update the service would refuse is a
 * blocker before anything is deleted. A spec that breaks a rule on its own fails validation.
 */
function serviceRuleBlockers(spec: Spec, wf: WorkforceLive, notes: Notes): void {
  const s = spec.workforce;
  const eff = effectiveWorkforce(s, wf);
  const cidrs = eff.sourceIpConfig.cidrs;
  const vpc = eff.workforceVpcConfig;
  if (cidrs.length > 0 && vpc && (s.sourceIpConfig || s.workforceVpcConfig)) {
    const bySpec = s.sourceIpConfig !== undefined;
    notes.blockers.push({
      code: "service-rule",
      message: bySpec
        ? `SageMaker does not support source IP restriction for a worker portal in a VPC, and the live workforce uses VPC ${vpc.vpcId} (workforceVpcConfig is not in the spec): the update would be refused.`
        : `SageMaker does not support source IP restriction for a worker portal in a VPC, and the live workforce restricts source IPs to ${cidrs.join(", ")} (sourceIpConfig is not in the spec): the update would be refused.`,
      hint: bySpec
        ? "set sourceIpConfig: {cidrs: []}, or detach the VPC with workforceVpcConfig: null"
        : "add sourceIpConfig: {cidrs: []} to the spec to lift the restriction with the same update",
      path: bySpec ? "workforce.sourceIpConfig.cidrs" : "workforce.workforceVpcConfig",
    });
  }
  if (eff.ipAddressType === "ipv4" && (s.sourceIpConfig || s.ipAddressType)) {
    const v6 = cidrs.filter((c) => c.includes(":"));
    // Both in the spec: validation has said it already.
    if (v6.length > 0 && !(s.sourceIpConfig && s.ipAddressType)) {
      notes.warnings.push({
        message: `${v6.join(", ")} ${v6.length > 1 ? "are" : "is"} IPv6 but the workforce's ipAddressType is ipv4, so IPv6 clients never reach the portal.`,
        hint: "set ipAddressType: dualstack, or remove the IPv6 blocks",
        path: s.sourceIpConfig ? "workforce.sourceIpConfig.cidrs" : "workforce.ipAddressType",
      });
    }
  }
}

interface TeamsPart {
  resources: UnclassifiedResource[];
  steps: Step[];
  deleteForOidc: string[];
  prune: string[];
  toDelete: string[];
}

/** The workteams' changes and steps: recreate around an OIDC update, create, update, tag, restore, prune. */
function planWorkteams(
  spec: Spec,
  live: LiveState,
  options: PlanOptions,
  sendsOidc: boolean,
  notes: Notes,
): TeamsPart {
  const declared = new Map<string, WorkteamSpec>((spec.workteams ?? []).map((t) => [t.name, t]));
  const liveTeams = new Map(live.workteams.map((t) => [t.name, t]));
  const deleteForOidc = sendsOidc ? live.workteams.map((t) => t.name) : [];
  const prune =
    spec.workteams && options.pruneWorkteams
      ? live.workteams.filter((t) => !declared.has(t.name)).map((t) => t.name)
      : [];
  const toDelete = [...new Set([...deleteForOidc, ...prune])];

  if (deleteForOidc.length > 0 && !options.allowWorkteamDeletion) {
    notes.blockers.push({
      code: "oidc-change-needs-workteam-deletion",
      message: `The OIDC configuration can be updated only when no workteams exist, and ${deleteForOidc.length} do: ${deleteForOidc.join(", ")}.`,
      hint: "allow wfplan to back them up, delete them and recreate them after the update: --allow-workteam-deletion or policy.allowWorkteamDeletion: true",
      workteams: deleteForOidc,
    });
  }
  const busy = toDelete.filter((t) => (live.jobs[t] ?? []).length > 0);
  if (busy.length > 0) {
    const many = busy.length > 1;
    notes.blockers.push({
      code: "workteam-in-use",
      message: `Workteam${many ? "s" : ""} ${busy.join(", ")} ${many ? "are" : "is"} used by in-progress labeling jobs (${busy.flatMap((t) => live.jobs[t]!.map((j) => j.name)).join(", ")}), so ${many ? "they" : "it"} cannot be deleted.`,
      hint: "wait for the labeling jobs to finish (or stop them), then plan again",
      workteams: busy,
    });
  }

  const steps: Step[] = [];
  const resources: UnclassifiedResource[] = [];
  const create = (name: string, source: TeamSource) =>
    steps.push({ kind: "create-workteam", name, source });
  const prefix = (name: string) => `workteams.${name}`;

  for (const team of live.workteams) {
    const teamSpec = declared.get(team.name);
    const changes = teamSpec ? teamChanges(teamSpec, team, team.tags, prefix(team.name)) : [];
    const pruned = prune.includes(team.name);
    if (toDelete.includes(team.name) && !pruned && (teamSpec || options.restoreWorkteams)) {
      const fields = teamFields(teamSpec, team, team.tags);
      resources.push({
        type: "workteam",
        name: team.name,
        action: "recreate",
        reason: "deleted before the OIDC update and recreated after it",
        fields,
        changes,
      });
      create(team.name, fields.source);
    } else if (toDelete.includes(team.name)) {
      resources.push({
        type: "workteam",
        name: team.name,
        action: "delete",
        reason: pruned
          ? "not in the spec, and policy.pruneWorkteams is on"
          : "deleted before the OIDC update; policy.restoreWorkteams is off",
        changes: [],
      });
    } else if (changes.length > 0) {
      resources.push({ type: "workteam", name: team.name, action: "update", changes });
      const fields = [
        ...new Set(changes.map((c) => c.path.split(".")[2]!).filter((f) => f !== "tags")),
      ];
      if (fields.length > 0) steps.push({ kind: "update-workteam", name: team.name, fields });
      const tags = tagStep(team.name, visibleTags(team.tags ?? {}), teamSpec!.tags);
      if (tags) steps.push(tags);
    }
  }

  const restored = new Set<string>();
  for (const saved of live.restorable ?? []) {
    if (liveTeams.has(saved.name)) continue;
    const teamSpec = declared.get(saved.name);
    const why = "deleted by an earlier apply that did not finish";
    if (teamSpec) {
      const fields = teamFields(teamSpec, saved, saved.tags);
      resources.push({
        type: "workteam",
        name: saved.name,
        action: "create",
        reason: `${why}; recreated with its backup`,
        fields,
        changes: teamChanges(teamSpec, saved, saved.tags, prefix(saved.name)),
      });
      create(saved.name, fields.source);
      restored.add(saved.name);
    } else if (options.restoreWorkteams && !(spec.workteams && options.pruneWorkteams)) {
      resources.push({
        type: "workteam",
        name: saved.name,
        action: "create",
        reason: `${why}; restored from its backup`,
        fields: teamFields(undefined, saved, saved.tags),
        changes: [],
      });
      create(saved.name, "backup");
    } else {
      // Said, not dropped: the plan shows that it stays deleted, and why.
      resources.push({
        type: "workteam",
        name: saved.name,
        action: "delete",
        reason: `${why}; not restored: ${options.restoreWorkteams ? "not in the spec, and policy.pruneWorkteams is on" : "policy.restoreWorkteams is off"} (its backup file keeps it)`,
        changes: [],
      });
    }
  }
  for (const [teamName, teamSpec] of declared) {
    if (liveTeams.has(teamName) || restored.has(teamName)) continue;
    const changes = fieldChanges(
      {},
      withTags(desiredWorkteam(teamSpec), teamSpec.tags ?? undefined),
      prefix(teamName),
    );
    resources.push({
      type: "workteam",
      name: teamName,
      action: "create",
      fields: teamFields(teamSpec, undefined, undefined),
      changes,
    });
    create(teamName, "spec");
  }

  const undeclared = spec.workteams
    ? live.workteams.filter((t) => !declared.has(t.name) && !toDelete.includes(t.name))
    : [];
  if (undeclared.length > 0) {
    notes.unmanaged.push(
      `workteams not in the spec (${undeclared.map((t) => t.name).join(", ")}); policy.pruneWorkteams would delete them`,
    );
  }
  const finalCount =
    live.workteams.length -
    toDelete.length +
    steps.filter((s) => s.kind === "create-workteam").length;
  if (finalCount > MAX_WORKTEAMS) {
    notes.blockers.push({
      code: "too-many-workteams",
      message: `The plan ends with ${finalCount} workteams; a region has at most ${MAX_WORKTEAMS}.`,
      hint: "remove workteams from the spec, or turn on policy.pruneWorkteams to delete undeclared ones",
      path: "workteams",
    });
  }
  return { resources, steps, deleteForOidc, prune, toDelete };
}

/** A declared team's changes against what it is now (live, or in its backup), tags included. */
function teamChanges(
  teamSpec: WorkteamSpec,
  now: WorkteamConfig,
  tags: Tags | undefined,
  prefix: string,
): UnclassifiedChange[] {
  const want = desiredWorkteam(teamSpec);
  const changes = fieldChanges(liveWorkteam(now, want), want, prefix);
  if (teamSpec.tags) {
    if (!tags) throw new Error(`planning ${prefix}.tags needs its live tags, which were not read`);
    changes.push(...fieldChanges({ tags: visibleTags(tags) }, { tags: teamSpec.tags }, prefix));
  }
  return changes;
}

/** AddTags for new and changed values, DeleteTags for keys the spec no longer has. */
function tagStep(name: string, now: Tags, want: Tags | undefined): Step | undefined {
  if (!want) return undefined;
  const add = Object.fromEntries(Object.entries(want).filter(([k, v]) => now[k] !== v));
  const remove = Object.keys(now).filter((k) => !(k in want));
  if (Object.keys(add).length === 0 && remove.length === 0) return undefined;
  return { kind: "tag-workteam", name, add, remove };
}

/**
 * Which fields of a created team come from the spec and which from its backup. Absent means
 * unmanaged here too: what the spec does not declare is taken from the backup, tags included.
 */
function teamFields(
  teamSpec: WorkteamSpec | undefined,
  before: WorkteamConfig | undefined,
  tags: Tags | undefined,
): NonNullable<ResourcePlan["fields"]> {
  const fromSpec = teamSpec ? TEAM_FIELDS.filter((f) => f in teamSpec) : [];
  // The backup always holds the tags (read with the team); before the backup, say so when unknown.
  const fromBackup = before
    ? TEAM_FIELDS.filter(
        (f) =>
          !fromSpec.includes(f) &&
          (f === "tags"
            ? tags === undefined || Object.keys(tags).length > 0
            : teamFieldPresent(before, f)),
      )
    : [];
  const source: TeamSource = !before ? "spec" : teamSpec ? "spec+backup" : "backup";
  return { source, fromSpec, fromBackup };
}

/** Tags are sent when a resource is created (and only then), so they show in its creation. */
function withTags(fields: Record<string, unknown>, tags: Record<string, string> | undefined) {
  return tags && Object.keys(tags).length > 0 ? { ...fields, tags } : fields;
}

/** The secret's line goes with the other OIDC fields. */
function insertSecret(changes: UnclassifiedChange[], secret: UnclassifiedChange): void {
  const lastOidc = changes.findLastIndex((c) => c.path.startsWith("workforce.oidcConfig."));
  changes.splice(lastOidc + 1, 0, secret);
}

function secretChange(action: "create" | "update", ref: string): UnclassifiedChange {
  const parsed = parseSecretRef(ref);
  return {
    path: "workforce.oidcConfig.clientSecret",
    action,
    before: action === "update" ? SENSITIVE : undefined,
    after: parsed ? `${SENSITIVE} from ${formatSecretRef(parsed)}` : SENSITIVE,
    sensitive: true,
  };
}

function identityBlockers(spec: Spec, wf: WorkforceLive, blockers: Blocker[]): void {
  const wantsOidc = Boolean(spec.workforce.oidcConfig);
  const hasOidc = Boolean(wf.oidcConfig);
  if (wf.cognitoConfig && wantsOidc) {
    blockers.push({
      code: "identity-provider-change",
      message: `Workforce ${wf.name} uses Amazon Cognito; the spec asks for OIDC. The identity provider is fixed when a workforce is created.`,
      hint: "keep cognitoConfig in the spec, or replace the workforce by hand (delete its workteams and the workforce, then apply)",
      path: "workforce.oidcConfig",
    });
  } else if (hasOidc && spec.workforce.cognitoConfig) {
    blockers.push({
      code: "identity-provider-change",
      message: `Workforce ${wf.name} uses OIDC; the spec asks for Amazon Cognito. The identity provider is fixed when a workforce is created.`,
      hint: "keep oidcConfig in the spec, or replace the workforce by hand",
      path: "workforce.cognitoConfig",
    });
  } else if (wf.cognitoConfig && spec.workforce.cognitoConfig) {
    const a = wf.cognitoConfig;
    const b = spec.workforce.cognitoConfig;
    if (a.userPool !== b.userPool || a.clientId !== b.clientId) {
      blockers.push({
        code: "cognito-config-change",
        message: `cognitoConfig is fixed when a workforce is created (live: ${a.userPool} / ${a.clientId}; spec: ${b.userPool} / ${b.clientId}).`,
        hint: "put the live values back in the spec, or replace the workforce by hand",
        path: "workforce.cognitoConfig",
      });
    }
  }
}
