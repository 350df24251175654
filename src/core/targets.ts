/**
 * A fleet's targets (issue #15): one spec with `targets` becomes one single-target spec per target,
 * the shared desired state with the target's overrides merged in (spec/fleet.ts); and the rollout
 * policy with its defaults. Pure: the spec is validated (spec/load.ts), so each merged spec is one
 * (spec/checks.ts checks every rule on it), and it is never mutated.
 */
import { mergeOverride, targetLabel } from "../spec/fleet.ts";
import {
  type PolicySpec,
  ROLLOUT_DEFAULTS,
  type RolloutSpec,
  type Spec,
  type WorkforceSpec,
} from "../spec/schema.ts";

export interface ResolvedTarget {
  /** The target's position in `targets` (0 without targets). */
  index: number;
  /** Undefined only without `targets` and without a top-level region: --region, else the SDK's. */
  region: string | undefined;
  /** The role to assume for this target; absent = the credentials in use. */
  roleArn?: string;
  /** For messages until the account is known: "us-east-1", or "us-east-1 as arn:…:role/x". */
  label: string;
  /** A single-target spec: the target's region, no `targets`, the overrides applied. */
  spec: Spec;
}

/** What a spec without targets, and no region, is called in messages. */
export const DEFAULT_TARGET_LABEL = "the default region";

/** The targets of a spec, in order; without `targets`, the spec itself as the one target. */
export function resolveTargets(spec: Spec): ResolvedTarget[] {
  const { targets, ...shared } = spec;
  if (!targets) {
    return [{ index: 0, region: spec.region, label: spec.region ?? DEFAULT_TARGET_LABEL, spec }];
  }
  // The rollout is the fleet's: a target's own spec has one target.
  const { rollout: _, ...policy } = shared.policy ?? {};
  return targets.map((target, index) => ({
    index,
    region: target.region,
    ...(target.roleArn !== undefined && { roleArn: target.roleArn }),
    label: targetLabel(target.region, target.roleArn),
    spec: {
      ...shared,
      region: target.region,
      workforce: mergeOverride(shared.workforce, target.workforce) as WorkforceSpec,
      ...(target.workteams !== undefined && { workteams: target.workteams }),
      ...(shared.policy !== undefined && { policy: policy as PolicySpec }),
    },
  }));
}

/** How apply goes through the targets: `policy.rollout`, with ROLLOUT_DEFAULTS (schema.ts). */
export function rolloutPolicy(spec: Spec): Required<RolloutSpec> {
  const rollout = spec.policy?.rollout ?? {};
  return {
    maxConcurrency: rollout.maxConcurrency ?? ROLLOUT_DEFAULTS.maxConcurrency,
    canary: rollout.canary ?? ROLLOUT_DEFAULTS.canary,
    failureTolerance: rollout.failureTolerance ?? ROLLOUT_DEFAULTS.failureTolerance,
  };
}
