/**
 * A plan session: read what a plan needs (read-only calls, the open backups), plan, and say what
 * the plan was made from. `wfplan plan`, `wfplan apply` and `wfplan apply PLANFILE` (which runs it
 * again to check the saved plan) all plan through here, so they read and plan the same way.
 */
import type { SageMakerClient } from "@aws-sdk/client-sagemaker";
import { readJobs, readLive, readTags, workteamFromWire } from "../aws/live.ts";
import { fingerprint, type LiveSnapshot, snapshot } from "../core/fingerprint.ts";
import { plan, workteamsToDelete } from "../core/plan.ts";
import type { BackedUpTeam, LiveState, Plan, PlanOptions } from "../core/types.ts";
import type { Spec } from "../spec/schema.ts";
import { resolveSecret } from "../spec/secrets.ts";
import { type BackedUpWorkteam, type OpenBackups, openBackups } from "./backup.ts";

export interface SessionInput {
  client: SageMakerClient;
  region: string;
  spec: Spec;
  options: PlanOptions;
  /** Where backups live; an open one there holds workteams still to restore. */
  backupDir: string;
  /** The spec's file: `${file:PATH}` secret references are relative to it. */
  specFile: string;
  env: NodeJS.ProcessEnv;
  /** `file:line:column` of a spec field, when the spec came from a file. */
  locate?: (path: string) => string | undefined;
}

export interface Session {
  live: LiveState;
  plan: Plan;
  snapshot: LiveSnapshot;
  fingerprint: string;
  openBackups?: OpenBackups;
}

export async function planSession(input: SessionInput): Promise<Session> {
  const { client, spec, options } = input;
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
  let p = plan(spec, live, options);
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
    p = plan(spec, live, options);
  }
  const ref = spec.workforce.oidcConfig?.clientSecret;
  if (p.sendsSecret && ref) {
    try {
      resolveSecret(ref, { env: input.env, specFile: input.specFile });
    } catch (e) {
      p.blockers.push({
        code: "secret-unavailable",
        message: (e as Error).message,
        hint: (e as { hint?: string }).hint,
        path: "workforce.oidcConfig.clientSecret",
      });
      p.steps = [];
    }
  }
  if (input.locate) {
    for (const note of [...p.blockers, ...p.warnings]) {
      const at = note.path && input.locate(note.path);
      if (at) note.location = at;
    }
  }
  const snap = snapshot(live);
  return { live, plan: p, snapshot: snap, fingerprint: fingerprint(snap), openBackups: open };
}

/** A workteam of an open backup, for the planner. */
export function backedUpTeam(entry: BackedUpWorkteam): BackedUpTeam {
  const { arn, workforceArn, ...config } = workteamFromWire(entry.workteam);
  return { ...config, tags: Object.fromEntries(entry.tags.map((t) => [t.Key, t.Value])) };
}
