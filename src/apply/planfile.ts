/**
 * Saved plans (`plan --out FILE`): JSON, mode 0600, no secret (the spec holds only the secret's
 * reference). They record the live snapshot and fingerprint the plan was made from.
 */
import { resolve } from "node:path";
import pkg from "../../package.json" with { type: "json" };
import { UserError } from "../cli/errors.ts";
import { canonicalJson, type LiveSnapshot } from "../core/fingerprint.ts";
import type { Plan, PlanOptions } from "../core/types.ts";
import type { Spec } from "../spec/schema.ts";
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
    throw new UserError(`${file}: not a wfplan plan file (format version 1)`, {
      hint: "make one with wfplan plan --out FILE",
    });
  }
  return doc as PlanFile;
}

/**
 * How a saved plan differs from the plan its own spec, options and live state give now (the same
 * live state: the fingerprints matched), or undefined when they are the same. Steps are compared
 * first, as they are what apply runs; then the changes shown for review.
 */
export function planMismatch(saved: Partial<Plan>, fresh: Plan): string | undefined {
  const savedSteps = Array.isArray(saved.steps) ? saved.steps : [];
  for (let i = 0; i < Math.max(savedSteps.length, fresh.steps.length); i++) {
    const a = savedSteps[i];
    const b = fresh.steps[i];
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
