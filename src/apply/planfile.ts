/**
 * Saved plans (`plan --out FILE`): JSON, mode 0600, no secret (the spec holds only the secret's
 * reference). They record the live snapshot and fingerprint the plan was made from.
 */
import { resolve } from "node:path";
import pkg from "../../package.json" with { type: "json" };
import { canonicalJson, type LiveSnapshot } from "../core/fingerprint.ts";
import type { Plan, PlanOptions, Step } from "../core/types.ts";
import { UserError } from "../errors.ts";
import { type Spec, specSchema } from "../spec/schema.ts";
import { readJsonFile, writePrivateJson } from "./files.ts";

export interface PlanFile {
  kind: "wfplan-plan";
  formatVersion: 1;
  wfplanVersion: string;
  createdAt: string;
  specFile: string;
  spec: Spec;
  options: PlanOptions;
  region: string;
  fingerprint: string;
  snapshot: LiveSnapshot;
  plan: Plan;
}

export function savePlanFile(
  file: string,
  content: Omit<PlanFile, "kind" | "formatVersion" | "wfplanVersion">,
): void {
  const doc: PlanFile = {
    kind: "wfplan-plan",
    formatVersion: 1,
    wfplanVersion: pkg.version,
    ...content,
    specFile: resolve(content.specFile),
  };
  writePrivateJson(file, doc);
}

export function readPlanFile(file: string): PlanFile {
  const doc = readJsonFile<PlanFile>(file, "plan file");
  if (doc?.kind !== "wfplan-plan" || doc.formatVersion !== 1) {
    const fleet = (doc as { kind?: unknown } | undefined)?.kind === FLEET_KIND;
    throw new UserError(
      `${file}: not a wfplan plan file (format version 1)${fleet ? ": it is a fleet's" : ""}`,
      { hint: PLAN_HINT },
    );
  }
  const spec = savedSpec(file, doc.spec, "spec");
  savedOptions(file, doc.options, "its options");
  if (typeof doc.specFile !== "string" || typeof doc.region !== "string") {
    throw new UserError(`${file}: not a wfplan plan file (no spec file or region)`, {
      hint: PLAN_HINT,
    });
  }
  return { ...(doc as PlanFile), spec };
}

const PLAN_HINT = "make one with wfplan plan --out FILE";

/** What a plan is made again from must be what wfplan itself would have written. */
function savedSpec(file: string, value: unknown, where: string): Spec {
  const spec = specSchema.safeParse(value);
  if (!spec.success) {
    const issue = spec.error.issues[0]!;
    throw new UserError(
      `${file}: its ${where} is not a valid workforce spec (${where}.${issue.path.join(".")}: ${issue.message}); nothing was changed`,
      { hint: PLAN_HINT },
    );
  }
  return spec.data;
}

function savedOptions(file: string, value: unknown, what: string): void {
  const options = value as Partial<Record<keyof PlanOptions, unknown>> | undefined;
  const keys = [
    "allowWorkteamDeletion",
    "restoreWorkteams",
    "pruneWorkteams",
    "rotateClientSecret",
  ];
  if (!options || keys.some((k) => typeof options[k as keyof PlanOptions] !== "boolean")) {
    throw new UserError(`${file}: ${what} are not wfplan's; nothing was changed`, {
      hint: PLAN_HINT,
    });
  }
}

// ---------------------------------------------------------------- fleets

const FLEET_KIND = "wfplan-fleet-plan";

/**
 * A fleet's saved plan (`plan --out FILE` with `targets`): one file, and per target what a single
 * plan file holds (its merged spec, options, snapshot, fingerprint and plan) with its id. The
 * fleet's own spec is kept too: apply assumes each target's role again from it. No secret.
 */
export interface FleetPlanFile {
  kind: typeof FLEET_KIND;
  formatVersion: 1;
  wfplanVersion: string;
  createdAt: string;
  specFile: string;
  /** The fleet's spec, with its targets and policy.rollout. */
  spec: Spec;
  /** In the spec's order, after --target filtering. */
  targets: FleetPlanFileTarget[];
}

export interface FleetPlanFileTarget {
  /** `ACCOUNT/REGION`. */
  id: string;
  account: string;
  region: string;
  /** Its position in the fleet spec's `targets`. */
  index: number;
  roleArn?: string;
  /** The target's own single-target spec (the overrides merged). */
  spec: Spec;
  options: PlanOptions;
  fingerprint: string;
  snapshot: LiveSnapshot;
  plan: Plan;
}

export function saveFleetPlanFile(
  file: string,
  content: Omit<FleetPlanFile, "kind" | "formatVersion" | "wfplanVersion">,
): void {
  const doc: FleetPlanFile = {
    kind: FLEET_KIND,
    formatVersion: 1,
    wfplanVersion: pkg.version,
    ...content,
    specFile: resolve(content.specFile),
  };
  writePrivateJson(file, doc);
}

/** Whether a plan file is a fleet's, to choose its reader (the file is read again by it). */
export function isFleetPlanFile(file: string): boolean {
  return readJsonFile<{ kind?: unknown }>(file, "plan file")?.kind === FLEET_KIND;
}

/** A fleet plan file, checked as readPlanFile checks a single one, per target. */
export function readFleetPlanFile(file: string): FleetPlanFile {
  const doc = readJsonFile<FleetPlanFile>(file, "plan file");
  if (doc?.kind !== FLEET_KIND || doc.formatVersion !== 1) {
    throw new UserError(`${file}: not a wfplan fleet plan file (format version 1)`, {
      hint: PLAN_HINT,
    });
  }
  const spec = savedSpec(file, doc.spec, "spec");
  if (typeof doc.specFile !== "string" || !Array.isArray(doc.targets) || !spec.targets) {
    throw new UserError(`${file}: not a wfplan fleet plan file (no spec file or targets)`, {
      hint: PLAN_HINT,
    });
  }
  const targets = doc.targets.map((t, i) => {
    const where = `targets[${i}]`;
    if (
      typeof t?.id !== "string" ||
      typeof t.account !== "string" ||
      typeof t.region !== "string" ||
      typeof t.index !== "number" ||
      typeof t.fingerprint !== "string"
    ) {
      throw new UserError(`${file}: ${where} is not a planned target; nothing was changed`, {
        hint: PLAN_HINT,
      });
    }
    savedOptions(file, t.options, `the options of ${where}`);
    return { ...t, spec: savedSpec(file, t.spec, `${where}.spec`) };
  });
  return { ...(doc as FleetPlanFile), spec, targets };
}

/**
 * How a saved plan differs from the plan its own spec, options and live state give now (the same
 * live state: the fingerprints matched), or undefined when they are the same. Steps are compared
 * first, as they are what apply runs; then the changes shown for review.
 */
export function planMismatch(saved: Partial<Plan>, fresh: Plan): string | undefined {
  // A wait for an update in progress comes and goes with the workforce's status; it changes
  // nothing, so the steps are compared after it.
  const afterWait = (steps: readonly unknown[]) =>
    (steps[0] as Step | undefined)?.kind === "wait-active" ? steps.slice(1) : steps;
  const savedSteps = afterWait(Array.isArray(saved.steps) ? saved.steps : []);
  const freshSteps = afterWait(fresh.steps);
  for (let i = 0; i < Math.max(savedSteps.length, freshSteps.length); i++) {
    const a = savedSteps[i];
    const b = freshSteps[i];
    if (canonicalJson(a) !== canonicalJson(b)) {
      return a === undefined
        ? `it lacks step ${i + 1}, ${describeStep(b)}`
        : b === undefined
          ? `it has an extra step ${i + 1}, ${describeStep(a)}`
          : `its step ${i + 1} is ${describeStep(a)}, not ${describeStep(b)}`;
    }
  }
  if (canonicalJson(saved.resources) !== canonicalJson(fresh.resources)) {
    return "the changes it shows differ";
  }
  if (saved.sendsSecret !== fresh.sendsSecret) return "it differs in whether the secret is sent";
  return undefined;
}

const describeStep = (s: unknown) => {
  const step = s as { kind?: unknown; name?: unknown };
  return `"${String(step?.kind)}${typeof step?.name === "string" ? ` ${step.name}` : ""}"`;
};
