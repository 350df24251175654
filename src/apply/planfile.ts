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
  const hint = "make one with wfplan plan --out FILE";
  if (doc?.kind !== "wfplan-plan" || doc.formatVersion !== 1) {
    throw new UserError(`${file}: not a wfplan plan file (format version 1)`, { hint });
  }
  // What the plan is made again from must be what wfplan itself would have written.
  const spec = specSchema.safeParse(doc.spec);
  if (!spec.success) {
    const issue = spec.error.issues[0]!;
    throw new UserError(
      `${file}: its spec is not a valid workforce spec (spec.${issue.path.join(".")}: ${issue.message}); nothing was changed`,
      { hint },
    );
  }
  const options = doc.options as Partial<Record<keyof PlanOptions, unknown>> | undefined;
  const keys = [
    "allowWorkteamDeletion",
    "restoreWorkteams",
    "pruneWorkteams",
    "rotateClientSecret",
  ];
  if (!options || keys.some((k) => typeof options[k as keyof PlanOptions] !== "boolean")) {
    throw new UserError(`${file}: its options are not wfplan's; nothing was changed`, { hint });
  }
  if (typeof doc.specFile !== "string" || typeof doc.region !== "string") {
    throw new UserError(`${file}: not a wfplan plan file (no spec file or region)`, { hint });
  }
  return { ...(doc as PlanFile), spec: spec.data };
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
