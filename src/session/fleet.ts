/**
 * Fleets (README, "Fleets"): one spec with `targets:`, each target an account and region with its
 * own workforce. A fleet plan is one ordinary plan session per target, read concurrently (bounded
 * by policy.rollout.maxConcurrency); a fleet apply runs those sessions in the rollout's order
 * (src/session/fleet-apply.ts). Every promise of the single case holds per target: its own backups,
 * restore on re-run, verify.
 *
 * The types here are the contract between the fleet planner, the fleet applier and the views.
 */
import { join } from "node:path";
import { type CredentialsProvider, identities, roleAccount } from "../aws/accounts.ts";
import { type AwsOptions, connect } from "../aws/client.ts";
import { type ResolvedTarget, resolveTargets, rolloutPolicy } from "../core/targets.ts";
import { UserError } from "../errors.ts";
import type { FleetPlanEntry } from "../render/fleet.ts";
import { ownedBy } from "../spec/fleet.ts";
import type { Spec } from "../spec/schema.ts";
import { resolveSecret } from "../spec/secrets.ts";
import { type PlanInput, type Prepared, planSession } from "./plan.ts";

/** A target once its account is known (sts:GetCallerIdentity, with the assumed role when it has one). */
export interface FleetTarget extends ResolvedTarget {
  /** `ACCOUNT/REGION`: what --target names and what every report shows. */
  id: string;
  account: string;
  region: string;
}

/** One target of a fleet plan: its plan, or why it could not be planned. */
export type PlannedTarget =
  | { target: FleetTarget; prepared: Prepared; error?: undefined }
  | {
      /** The target as far as it is known (no account when its role could not be assumed). */
      target: Omit<FleetTarget, "id" | "account"> & { id: string; account?: string };
      prepared?: undefined;
      /** A user-facing error: message and hint, never a stack. */
      error: { message: string; hint?: string };
    };

export interface FleetPrepared {
  /** In the spec's order (the rollout's order), after --target filtering. */
  targets: PlannedTarget[];
  /** The rollout policy with its defaults applied. */
  rollout: { maxConcurrency: number; canary: number; failureTolerance: number };
}

export interface FleetPlanInput
  extends Omit<PlanInput, "client" | "region" | "resolveSecret" | "specWarnings"> {
  /** The credentials in use, the profile, the SageMaker endpoint; each target adds its region. */
  aws: AwsOptions;
  /** The spec's warnings from loading it, each with its `path` (a target's go to it alone). */
  specWarnings?: PlanInput["specWarnings"];
  /** `--target ID`s: plan only these targets (an id no target has is an error). */
  only?: readonly string[];
  /**
   * How a target is planned once it is connected: planSession unless given (apply PLANFILE plans
   * again from the saved plan through here).
   */
  planTarget?: (input: PlanInput, target: FleetTarget) => Promise<Prepared>;
}

/**
 * A fleet's plan: the accounts of its targets (once per distinct credentials), then one plan
 * session per target, at most `policy.rollout.maxConcurrency` at once, each with its own client,
 * region and backups (`<backupDir>/<ACCOUNT>/<REGION>`). A target that cannot be planned is one
 * with an `error`; the others still plan. Two targets in the same account and region, or a
 * --target that names none, are errors before anything is read.
 */
export async function planFleet(input: FleetPlanInput): Promise<FleetPrepared> {
  const { spec, aws, only } = input;
  if (!spec.targets) throw new UserError("the spec has no targets: plan it with planSession");
  if (aws.region) {
    throw new UserError(`--region ${aws.region} does not apply to a spec with targets`, {
      hint: "each target names its region: drop --region, or use --target ACCOUNT/REGION",
    });
  }
  const rollout = rolloutPolicy(spec);
  const chosen = await fleetTargets(spec, aws, only);
  // The secret is resolved at most once per run, whichever targets send it.
  const secrets = new Map<string, { value?: string; error?: unknown }>();
  const resolveOnce = (ref: string) => {
    let r = secrets.get(ref);
    if (!r) {
      try {
        r = { value: resolveSecret(ref, { env: input.env, specFile: input.specFile }) };
      } catch (error) {
        r = { error };
      }
      secrets.set(ref, r);
    }
    if (r.error !== undefined) throw r.error;
    return r.value as string;
  };
  const plan = input.planTarget ?? planSession;
  const targets = await mapLimit(
    chosen,
    rollout.maxConcurrency,
    async (k): Promise<PlannedTarget> => {
      if (k.error) return { target: k.target, error: k.error };
      const { target } = k;
      try {
        const { client, region } = await connect(
          { ...aws, ...(k.credentials && { credentials: k.credentials }) },
          target.region,
        );
        const prepared = await plan(
          {
            client,
            region,
            spec: target.spec,
            specFile: input.specFile,
            options: input.options,
            backupDir: join(input.backupDir, target.account, target.region),
            env: input.env,
            resolveSecret: resolveOnce,
            ...(input.preflight !== undefined && { preflight: input.preflight }),
            ...(input.specWarnings && {
              specWarnings: warningsOf(input.specWarnings, target.index),
            }),
            ...(input.locate && { locate: locateIn(spec, target.index, input.locate) }),
          },
          target,
        );
        return { target, prepared };
      } catch (e) {
        return { target, error: userError(e) };
      }
    },
  );
  return { targets, rollout };
}

/** A target with its account and credentials, or why they could not be learnt. */
export type KnownTarget =
  | { target: FleetTarget; credentials?: CredentialsProvider; error?: undefined }
  | {
      target: Omit<FleetTarget, "id" | "account"> & { id: string; account?: string };
      error: { message: string; hint?: string };
    };

/**
 * The targets of a fleet spec with their ids (`ACCOUNT/REGION`): each role assumed, and each
 * distinct credentials' account asked, once. Two targets with the same id, or a --target id that
 * names none, are errors. A target whose credentials fail has an `error` (its id then from its
 * role's ARN when it has one, else its label); the others are unaffected.
 */
export async function fleetTargets(
  spec: Spec,
  aws: AwsOptions,
  only?: readonly string[],
): Promise<KnownTarget[]> {
  const identityOf = identities(aws);
  const known = await mapLimit(
    resolveTargets(spec),
    rolloutPolicy(spec).maxConcurrency,
    async (t): Promise<KnownTarget> => {
      const region = t.region as string;
      try {
        const who = await identityOf(t.roleArn, region);
        return {
          target: withId(t, who.account),
          ...(who.credentials && { credentials: who.credentials }),
        };
      } catch (e) {
        const account = t.roleArn && roleAccount(t.roleArn);
        return {
          target: { ...t, region, id: account ? `${account}/${region}` : t.label },
          error: userError(e),
        };
      }
    },
  );
  checkClashes(known.flatMap((k) => (k.error ? [] : [k.target])));
  return only?.length ? pick(known, only) : known;
}

const withId = (t: ResolvedTarget, account: string): FleetTarget => {
  const region = t.region as string;
  return { ...t, region, account, id: `${account}/${region}` };
};

/** Two targets that are the same account and region would plan, and apply, one workforce twice. */
function checkClashes(targets: readonly FleetTarget[]): void {
  const seen = new Map<string, FleetTarget>();
  for (const t of targets) {
    const first = seen.get(t.id);
    if (first) {
      throw new UserError(
        `targets[${first.index}] (${first.label}) and targets[${t.index}] (${t.label}) are the same target, ${t.id}; nothing was read`,
        {
          hint: "each account and region may appear once in targets: remove one, or give it the role of another account",
        },
      );
    }
    seen.set(t.id, t);
  }
}

/** The targets --target names, in the spec's order; an id that names none is an error. */
function pick<T extends { target: { id: string } }>(known: T[], only: readonly string[]): T[] {
  const ids = new Set(known.map((k) => k.target.id));
  const unknown = only.filter((id) => !ids.has(id));
  if (unknown.length > 0) {
    throw new UserError(
      `--target ${unknown.join(", ")}: no such target; the spec's targets are ${[...ids].join(", ")}`,
      { hint: "give a target as ACCOUNT/REGION, as wfplan targets prints them" },
    );
  }
  const wanted = new Set(only);
  return known.filter((k) => wanted.has(k.target.id));
}

/** The spec's warnings that concern a target: the shared spec's, and its own (not another's). */
function warningsOf(warnings: NonNullable<PlanInput["specWarnings"]>, index: number) {
  return warnings
    .filter((w) => {
      const at = /^targets\[(\d+)\]/.exec(w.path ?? "");
      return !at || Number(at[1]) === index;
    })
    .map(({ path: _, ...w }) => w);
}

/**
 * Where a field of a target's spec is written: in the target's override when the override wrote
 * it, a field above it, or part of it (a mapping merged over the shared one), else in the shared
 * spec.
 */
function locateIn(spec: Spec, index: number, locate: (path: string) => string | undefined) {
  const override = spec.targets?.[index];
  return (path: string) => {
    const [head, ...rest] = path.split(".");
    const overridden =
      (head === "workteams" && override?.workteams !== undefined) ||
      // Against nothing shared, "owned" is "written in the override", merged or not.
      (head === "workforce" &&
        override?.workforce !== undefined &&
        ownedBy(undefined, override.workforce, rest));
    return locate(overridden ? `targets.${index}.${path}` : path);
  };
}

function userError(e: unknown): { message: string; hint?: string } {
  if (e instanceof UserError) return { message: e.message, ...(e.hint && { hint: e.hint }) };
  // Not a stack: the target's section says what failed, in its words.
  return { message: (e as Error)?.message ?? String(e) };
}

/** `fn` over `items`, at most `limit` at once; the results in the items' order. */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i] as T, i);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}

/** What the fleet renderers (render/fleet.ts) show of each target. */
export function fleetPlanEntries(fleet: FleetPrepared): FleetPlanEntry[] {
  return fleet.targets.map(({ target, prepared, error }) => {
    const where = {
      id: target.id,
      region: target.region,
      ...(target.account !== undefined && { account: target.account }),
    };
    if (!prepared) return { target: where, error };
    return {
      target: where,
      plan: prepared.plan,
      live: {
        fingerprint: prepared.fingerprint,
        workforceExists: prepared.live.workforce !== null,
        workforceStatus: prepared.live.workforce?.status,
      },
    };
  });
}
