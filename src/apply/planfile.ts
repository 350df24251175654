/**
 * Saved plans (`plan --out FILE`): JSON, mode 0600, no secret (the spec holds only the secret's
 * reference). They record the live snapshot and fingerprint the plan was made from.
 */
import { resolve } from "node:path";
import pkg from "../../package.json" with { type: "json" };
import { UserError } from "../cli/errors.ts";
import type { LiveSnapshot } from "../core/fingerprint.ts";
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
