/**
 * The planner: a pure function of (spec, live state, options) that returns what would change, the
 * ordered steps that make it so, what blocks it, and warnings. No I/O, no clock, no SDK.
 */

import type { Spec, WorkteamSpec } from "../spec/schema.ts";
import { formatSecretRef, parseSecretRef } from "../spec/secret-ref.ts";
import {
  desiredWorkforce,
  desiredWorkteam,
  fieldChanges,
  liveWorkforce,
  liveWorkteam,
} from "./normalize.ts";
import type {
  Blocker,
  Change,
  LiveState,
  Notice,
  Plan,
  PlanOptions,
  ResourcePlan,
  Step,
} from "./types.ts";

export const MAX_WORKTEAMS = 25;
export const SENSITIVE = "(sensitive)";

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

export function plan(spec: Spec, live: LiveState, options: PlanOptions): Plan {
  const notes: Notes = { blockers: [], warnings: [], unmanaged: [] };
  for (const key of ["sourceIpConfig", "workforceVpcConfig", "ipAddressType"] as const) {
    if (!(key in spec.workforce)) notes.unmanaged.push(`workforce.${key}`);
  }
  if (!spec.workteams) notes.unmanaged.push("workteams");

  const workforce = planWorkforce(spec, live, options, notes);
  const teams = planWorkteams(spec, live, options, workforce.oidcChanges, notes);

  // The steps, in their safe order: back up, delete what blocks the OIDC update, change the
  // workforce and wait for it, then the workteams, then prune, then verify.
  const steps: Step[] = [];
  if (teams.toDelete.length > 0) {
    steps.push({ kind: "backup", workteams: teams.toDelete });
    for (const t of teams.deleteForOidc)
      steps.push({ kind: "delete-workteam", name: t, reason: "oidc" });
  }
  if (workforce.step) steps.push(workforce.step, { kind: "wait-active" });
  steps.push(...teams.steps);
  // A pruned workteam that blocks the OIDC update is already deleted before it.
  for (const t of teams.prune.filter((n) => !teams.deleteForOidc.includes(n))) {
    steps.push({ kind: "delete-workteam", name: t, reason: "prune" });
  }
  if (steps.length > 0) steps.push({ kind: "verify" });

  const resources = [...(workforce.resource ? [workforce.resource] : []), ...teams.resources];
  const count = (action: ResourcePlan["action"]) =>
    resources.filter((r) => r.action === action).length;
  return {
    region: live.region,
    workforceName: spec.workforce.name,
    resources,
    steps: notes.blockers.length > 0 ? [] : steps,
    ...notes,
    sendsSecret: workforce.step?.sendsSecret === true,
    summary: {
      add: count("create"),
      change: count("update"),
      delete: count("delete"),
      recreate: count("recreate"),
    },
  };
}

type WorkforceStep = Extract<Step, { kind: "create-workforce" | "update-workforce" }>;

/** The workforce's changes and its one step (create or update), and whether the OIDC config changes. */
function planWorkforce(spec: Spec, live: LiveState, options: PlanOptions, notes: Notes) {
  const name = spec.workforce.name;
  const desired = desiredWorkforce(spec.workforce);
  const wf = live.workforce;
  const secretRef = spec.workforce.oidcConfig?.clientSecret;
  if (!wf) {
    if (live.otherWorkforce) {
      notes.blockers.push({
        code: "workforce-renamed",
        message: `Region ${live.region} already has the private workforce "${live.otherWorkforce}"; a region has one, and a workforce cannot be renamed.`,
        hint: `set workforce.name to "${live.otherWorkforce}", or delete that workforce by hand first`,
      });
    }
    const changes = fieldChanges({}, withTags(desired, spec.workforce.tags), "workforce");
    if (secretRef) insertSecret(changes, secretChange("create", secretRef));
    const step: WorkforceStep = { kind: "create-workforce", sendsSecret: true };
    return {
      resource: { type: "workforce", name, action: "create", changes } as ResourcePlan,
      step,
      oidcChanges: false,
    };
  }
  if (wf.status === "Failed") {
    notes.warnings.push({
      message: `The workforce's last update failed: ${wf.failureReason ?? "no reason given"}.`,
      hint: "apply sends the spec's configuration again",
    });
  }
  identityBlockers(spec, wf, notes.blockers);
  const blocked = notes.blockers.length > 0;
  const changes = blocked ? [] : fieldChanges(liveWorkforce(wf, desired), desired, "workforce");
  const rotate = options.rotateClientSecret && Boolean(spec.workforce.oidcConfig) && !blocked;
  const oidcChanges = rotate || changes.some((c) => c.path.startsWith("workforce.oidcConfig"));
  if (secretRef && oidcChanges) insertSecret(changes, secretChange("update", secretRef));
  if (changes.length === 0) return { oidcChanges: false };
  const onlySecret = changes.every((c) => c.sensitive);
  const resource: ResourcePlan = {
    type: "workforce",
    name,
    action: "update",
    reason: onlySecret ? "rotate the OIDC client secret" : undefined,
    changes,
  };
  const fields = [...new Set(changes.map((c) => c.path.split(".")[1]!))];
  const step: WorkforceStep = { kind: "update-workforce", fields, sendsSecret: oidcChanges };
  return { resource, step, oidcChanges };
}

/** The workteams' changes and steps: recreate around an OIDC update, create, update, restore, prune. */
function planWorkteams(
  spec: Spec,
  live: LiveState,
  options: PlanOptions,
  oidcChanges: boolean,
  notes: Notes,
) {
  const declared = new Map<string, WorkteamSpec>((spec.workteams ?? []).map((t) => [t.name, t]));
  const liveTeams = new Map(live.workteams.map((t) => [t.name, t]));
  const deleteForOidc = oidcChanges ? live.workteams.map((t) => t.name) : [];
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
  const resources: ResourcePlan[] = [];
  const create = (teamName: string, source: "spec" | "backup") =>
    steps.push({ kind: "create-workteam", name: teamName, source });
  for (const team of live.workteams) {
    const teamSpec = declared.get(team.name);
    const want = teamSpec && desiredWorkteam(teamSpec);
    const changes = want
      ? fieldChanges(liveWorkteam(team, want), want, `workteams.${team.name}`)
      : [];
    const pruned = prune.includes(team.name);
    if (toDelete.includes(team.name) && !pruned && (teamSpec || options.restoreWorkteams)) {
      resources.push({
        type: "workteam",
        name: team.name,
        action: "recreate",
        reason: `deleted before the OIDC update and recreated after it, ${teamSpec ? "from the spec" : "from the backup"}`,
        changes,
      });
      create(team.name, teamSpec ? "spec" : "backup");
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
      steps.push({
        kind: "update-workteam",
        name: team.name,
        fields: [...new Set(changes.map((c) => c.path.split(".")[2]!))],
      });
    }
  }
  for (const teamName of live.restorable ?? []) {
    if (liveTeams.has(teamName) || declared.has(teamName) || !options.restoreWorkteams) continue;
    if (spec.workteams && options.pruneWorkteams) continue; // it would be pruned again
    resources.push({
      type: "workteam",
      name: teamName,
      action: "create",
      reason: "restore from the backup of an earlier apply that did not finish",
      changes: [],
    });
    create(teamName, "backup");
  }
  for (const [teamName, teamSpec] of declared) {
    if (liveTeams.has(teamName)) continue;
    const changes = fieldChanges(
      {},
      withTags(desiredWorkteam(teamSpec), teamSpec.tags),
      `workteams.${teamName}`,
    );
    resources.push({ type: "workteam", name: teamName, action: "create", changes });
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
    });
  }
  return { resources, steps, deleteForOidc, prune, toDelete };
}

/** Tags are sent when a resource is created (and only then), so they show in its creation. */
function withTags(fields: Record<string, unknown>, tags: Record<string, string> | undefined) {
  return tags && Object.keys(tags).length > 0 ? { ...fields, tags } : fields;
}

/** The secret's line goes with the other OIDC fields. */
function insertSecret(changes: Change[], secret: Change): void {
  const lastOidc = changes.findLastIndex((c) => c.path.startsWith("workforce.oidcConfig."));
  changes.splice(lastOidc + 1, 0, secret);
}

function secretChange(action: "create" | "update", ref: string): Change {
  const parsed = parseSecretRef(ref);
  return {
    path: "workforce.oidcConfig.clientSecret",
    action,
    before: action === "update" ? SENSITIVE : undefined,
    after: parsed ? `${SENSITIVE} from ${formatSecretRef(parsed)}` : SENSITIVE,
    sensitive: true,
  };
}

function identityBlockers(
  spec: Spec,
  wf: NonNullable<LiveState["workforce"]>,
  blockers: Blocker[],
): void {
  const wantsOidc = Boolean(spec.workforce.oidcConfig);
  const hasOidc = Boolean(wf.oidcConfig);
  if (wf.cognitoConfig && wantsOidc) {
    blockers.push({
      code: "identity-provider-change",
      message: `Workforce ${wf.name} uses Amazon Cognito; the spec asks for OIDC. The identity provider is fixed when a workforce is created.`,
      hint: "keep cognitoConfig in the spec, or replace the workforce by hand (delete its workteams and the workforce, then apply)",
    });
  } else if (hasOidc && spec.workforce.cognitoConfig) {
    blockers.push({
      code: "identity-provider-change",
      message: `Workforce ${wf.name} uses OIDC; the spec asks for Amazon Cognito. The identity provider is fixed when a workforce is created.`,
      hint: "keep oidcConfig in the spec, or replace the workforce by hand",
    });
  } else if (wf.cognitoConfig && spec.workforce.cognitoConfig) {
    const a = wf.cognitoConfig;
    const b = spec.workforce.cognitoConfig;
    if (a.userPool !== b.userPool || a.clientId !== b.clientId) {
      blockers.push({
        code: "cognito-config-change",
        message: `cognitoConfig is fixed when a workforce is created (live: ${a.userPool} / ${a.clientId}; spec: ${b.userPool} / ${b.clientId}).`,
        hint: "put the live values back in the spec, or replace the workforce by hand",
      });
    }
  }
}

/** The workteams the plan deletes (its backup step), for reading their labeling jobs. */
export function workteamsToDelete(p: Plan): string[] {
  return p.resources
    .filter((r) => r.type === "workteam" && (r.action === "delete" || r.action === "recreate"))
    .map((r) => r.name);
}
