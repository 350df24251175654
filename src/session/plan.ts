/**
 * A plan session: read what a plan needs (read-only calls, the open backups, whether the secret
 * can be read), plan, and say what the plan was made from. `wfplan plan`, `wfplan apply` and
 * `wfplan apply PLANFILE` (which plans again to check the saved plan) all plan through here, so
 * they read and plan the same way. No printing, no process state: inputs in, data out.
 */
import type { SageMakerClient } from "@aws-sdk/client-sagemaker";
import { type BackedUpWorkteam, type OpenBackups, openBackups } from "../apply/backup.ts";
import { type PlanFile, planMismatch } from "../apply/planfile.ts";
import { readJobs, readLive, readTags, workteamFromWire } from "../aws/live.ts";
import {
  fingerprint,
  type LiveSnapshot,
  snapshot,
  snapshotDifferences,
} from "../core/fingerprint.ts";
import { plan } from "../core/plan.ts";
import { workteamsToDelete } from "../core/questions.ts";
import type {
  BackedUpTeam,
  LiveState,
  Notice,
  Plan,
  PlanContext,
  PlanOptions,
} from "../core/types.ts";
import { UserError } from "../errors.ts";
import { runPreflight } from "../preflight/index.ts";
import type { Spec } from "../spec/schema.ts";
import { resolveSecret } from "../spec/secrets.ts";

export interface PlanInput {
  client: SageMakerClient;
  region: string;
  spec: Spec;
  /** The spec's file: `${file:PATH}` secret references are relative to it. */
  specFile: string;
  options: PlanOptions;
  /** Where backups live; an open one there holds workteams still to restore. */
  backupDir: string;
  /** Where `${env:NAME}` secret references are read. */
  env: NodeJS.ProcessEnv;
  /** The spec's own warnings (from loading it), first among the plan's. */
  specWarnings?: Notice[];
  /** `file:line:column` of a spec field, when the spec came from a file. */
  locate?: (path: string) => string | undefined;
  /** Run the preflight checks (README, "Preflight"); on unless false (`--no-preflight`). */
  preflight?: boolean;
  /**
   * Resolves a secret reference (spec/secrets.ts's resolveSecret unless given): a fleet shares
   * one memo, so the secret is resolved at most once per run for all its targets.
   */
  resolveSecret?: (reference: string) => string;
}

/** A plan, final, with everything it was made from: what `applySession` runs. */
export interface Prepared extends PlanInput {
  live: LiveState;
  plan: Plan;
  snapshot: LiveSnapshot;
  fingerprint: string;
  /** Backups of earlier unfinished applies: their workteams are restored by this plan. */
  openBackups?: OpenBackups;
}

export async function planSession(input: PlanInput): Promise<Prepared> {
  const { client, spec, options } = input;
  // The checks read other services and the identity provider: they run while the live state is read.
  const checks =
    input.preflight === false
      ? Promise.resolve("skipped" as const)
      : runPreflight({
          spec,
          region: input.region,
          credentials: client.config.credentials,
          env: input.env,
        });
  // The checks report failures as findings; were one to throw anyway while the live read fails,
  // its rejection must not go unhandled.
  checks.catch(() => {});
  const live = await readLive(client, input.region, spec.workforce.name);
  const open = openBackups(input.backupDir, spec.workforce.name, input.region);
  if (open) {
    const liveNames = new Set(live.workteams.map((t) => t.name));
    live.restorable = open.workteams.map(backedUpTeam).filter((t) => !liveNames.has(t.name));
  }
  // Tags are compared only where the spec declares them.
  const tagged = new Set((spec.workteams ?? []).filter((t) => t.tags).map((t) => t.name));
  await readTags(
    client,
    live.workteams.filter((t) => tagged.has(t.name)),
  );
  const context: PlanContext = {
    specWarnings: input.specWarnings,
    locate: input.locate,
    preflight: await checks,
  };
  let p = plan(spec, live, options, context);
  // The teams it would delete: their labeling jobs may block it, and their tags are recreated.
  const deleting = new Set(workteamsToDelete(p));
  const teams = live.workteams.filter((t) => deleting.has(t.name));
  if (teams.length > 0) {
    const [jobs] = await Promise.all([
      readJobs(client, teams),
      readTags(
        client,
        teams.filter((t) => !t.tags),
      ),
    ]);
    live.jobs = jobs;
    p = plan(spec, live, options, context);
  }
  // The secret is resolved only when the plan sends it (as the spec format promises); when it
  // cannot be, the plan is made again with that blocker.
  const problem = p.sendsSecret ? secretProblem(input) : undefined;
  if (problem) p = plan(spec, live, options, { ...context, secretProblem: problem });
  const snap = snapshot(live);
  return {
    ...input,
    live,
    plan: p,
    snapshot: snap,
    fingerprint: fingerprint(snap),
    openBackups: open,
  };
}

/**
 * Plans again from a saved plan's spec and options: the live state must be the one the plan was
 * made from, and the plan the one they give (a plan file is not trusted blindly).
 */
export async function planSavedSession(
  saved: PlanFile,
  input: Pick<PlanInput, "client" | "region" | "backupDir" | "env" | "preflight"> & {
    planFile: string;
  },
): Promise<Prepared> {
  const prepared = await planSession({
    ...input,
    spec: saved.spec,
    specFile: saved.specFile,
    options: saved.options,
  });
  const remake = "make a new plan with wfplan plan --out FILE, review it, and apply that";
  if (prepared.fingerprint !== saved.fingerprint) {
    const changes = snapshotDifferences(saved.snapshot, prepared.snapshot);
    throw new UserError(
      `the plan in ${input.planFile} is stale: the live state changed since it was made (${saved.createdAt}); nothing was changed.\n  ${changes.join("\n  ")}`,
      { hint: remake },
    );
  }
  const mismatch = prepared.plan.blockers.length === 0 && planMismatch(saved.plan, prepared.plan);
  if (mismatch) {
    throw new UserError(
      `the plan in ${input.planFile} is not the plan its own spec, options and live state give (${mismatch}): it was edited, or made by another version of wfplan; nothing was changed`,
      { hint: remake },
    );
  }
  return prepared;
}

/** Resolves the spec's secret reference, to tell the planner whether it can be sent. */
function secretProblem(input: PlanInput): PlanContext["secretProblem"] {
  const ref = input.spec.workforce.oidcConfig?.clientSecret;
  if (!ref) return undefined;
  try {
    if (input.resolveSecret) input.resolveSecret(ref);
    else resolveSecret(ref, { env: input.env, specFile: input.specFile });
    return undefined;
  } catch (e) {
    return { message: (e as Error).message, hint: (e as { hint?: string }).hint };
  }
}

/** A workteam of an open backup, for the planner. */
export function backedUpTeam(entry: BackedUpWorkteam): BackedUpTeam {
  const { arn, workforceArn, ...config } = workteamFromWire(entry.workteam);
  return { ...config, tags: Object.fromEntries(entry.tags.map((t) => [t.Key, t.Value])) };
}
