import { BACKUP_DIR } from "../../apply/backup.ts";
import { checkDestination, writePrivateFile } from "../../apply/files.ts";
import { saveFleetPlanFile, savePlanFile } from "../../apply/planfile.ts";
import { type AwsOptions, connect } from "../../aws/client.ts";
import { planOptions } from "../../core/plan.ts";
import { ReportedError, UserError } from "../../errors.ts";
import { renderDiagnostics, renderValidationJson } from "../../render/diagnostics.ts";
import { fleetOutcome, renderFleetJson, renderFleetMarkdown } from "../../render/fleet.ts";
import { renderPlanJson } from "../../render/json.ts";
import { renderPlanMarkdown } from "../../render/markdown.ts";
import { type FleetPrepared, fleetPlanEntries, planFleet } from "../../session/fleet.ts";
import { type Prepared, planSession } from "../../session/plan.ts";
import { hasErrors } from "../../spec/diagnostics.ts";
import { type LoadResult, loadSpecFile } from "../../spec/load.ts";
import type { Spec } from "../../spec/schema.ts";
import { showFleetPlan } from "../../views/fleet.ts";
import { liveMeta, type PlanFormat, planView } from "../../views/plan.ts";
import { colorsFor } from "../../views/style.ts";
import { ExitCode } from "../errors.ts";

export interface PlanFlags extends AwsOptions {
  file: string;
  /** Where backups live (.wfplan/backups); an open one there means workteams wait to be restored. */
  backupDir?: string;
  allowWorkteamDeletion?: boolean;
  rotateClientSecret?: boolean;
  /** false with --no-preflight. */
  preflight?: boolean;
  color?: boolean;
  /** With json, an invalid spec is also reported as validate's JSON document on stdout. */
  format?: string;
  /** `--target ACCOUNT/REGION`, repeatable: only these targets of a fleet. */
  target?: string[];
}

/** A spec loaded and valid: its problems, if any, were warnings. */
export type LoadedSpec = LoadResult & { spec: Spec };

/** Load and validate the spec; its problems are reported on stderr, and an invalid one ends here. */
export function loadPlanSpec(flags: PlanFlags): LoadedSpec {
  const loaded = loadSpecFile(flags.file);
  if (!loaded.spec || hasErrors(loaded.diagnostics)) {
    // A tool that asked for JSON gets JSON, never empty input.
    if (flags.format === "json") {
      process.stdout.write(renderValidationJson(flags.file, loaded.diagnostics));
    }
    const c = colorsFor(flags, process.stderr);
    process.stderr.write(renderDiagnostics(loaded.diagnostics, loaded.text, c));
    process.stderr.write(
      `${c.red("✗")} ${flags.file} is not valid; nothing was read or changed.\n`,
    );
    throw new ReportedError();
  }
  return loaded as LoadedSpec;
}

/** Load and validate the spec (unless given loaded), connect, and plan. */
export async function preparePlan(
  flags: PlanFlags,
  loaded: LoadedSpec = loadPlanSpec(flags),
): Promise<Prepared> {
  const { spec, locate } = loaded;
  const { client, region } = await connect(flags, spec.region);
  return planSession({
    client,
    region,
    spec,
    specFile: flags.file,
    options: planOptions(spec, flags),
    backupDir: flags.backupDir ?? BACKUP_DIR,
    env: process.env,
    preflight: flags.preflight,
    specWarnings: loaded.diagnostics.map((d) => ({
      message: `${d.path ? `${d.path}: ` : ""}${d.message}`,
      hint: d.hint,
      location: `${d.file}:${d.line}:${d.column}`,
    })),
    locate:
      locate &&
      ((path) => {
        const { line, column } = locate(path);
        return `${flags.file}:${line}:${column}`;
      }),
  });
}

export interface PlanCommandOptions extends PlanFlags {
  out?: string;
  /** Also write the plan's JSON document, or its markdown, to these files (blocked or not). */
  jsonFile?: string;
  markdownFile?: string;
  detailedExitcode?: boolean;
  format: PlanFormat;
}

/** `wfplan plan`: read-only; exit 0 (no changes or changes), 2 with --detailed-exitcode and changes, 1 when blocked. */
export async function planCommand(opts: PlanCommandOptions): Promise<number> {
  for (const file of [opts.out, opts.jsonFile, opts.markdownFile]) if (file) checkDestination(file);
  const loaded = loadPlanSpec(opts);
  if (loaded.spec.targets) return planFleetCommand(opts, loaded);
  noTargets(opts);
  const prepared = await preparePlan(opts, loaded);
  const view = planView(opts.format, opts);
  await view.show(prepared);
  const p = prepared.plan;
  if (opts.jsonFile) writePrivateFile(opts.jsonFile, renderPlanJson(p, liveMeta(prepared)));
  if (opts.markdownFile) writePrivateFile(opts.markdownFile, renderPlanMarkdown(p));
  if (p.blockers.length > 0) return ExitCode.error;
  if (opts.out) {
    savePlanFile(opts.out, {
      createdAt: new Date().toISOString(),
      specFile: prepared.specFile,
      spec: prepared.spec,
      options: prepared.options,
      region: p.region,
      fingerprint: prepared.fingerprint,
      snapshot: prepared.snapshot,
      plan: p,
    });
    view.saved(opts.out);
  }
  return opts.detailedExitcode && p.resources.length > 0 ? ExitCode.changes : ExitCode.ok;
}

/** --target names targets: a spec without `targets` has none to name. */
export function noTargets(flags: PlanFlags): void {
  if (flags.target?.length) {
    throw new UserError(`--target ${flags.target.join(", ")}: ${flags.file} has no targets`, {
      hint: "--target chooses among the targets of a fleet spec; drop it for a single workforce",
    });
  }
}

/** A fleet's spec (loaded, with `targets`), planned: every target, or those --target names. */
export function prepareFleet(flags: PlanFlags, loaded: LoadedSpec): Promise<FleetPrepared> {
  const { spec, locate } = loaded;
  const { file, profile, endpointUrl, credentials, region } = flags;
  return planFleet({
    aws: {
      ...(region !== undefined && { region }),
      ...(profile !== undefined && { profile }),
      ...(endpointUrl !== undefined && { endpointUrl }),
      ...(credentials !== undefined && { credentials }),
    },
    spec,
    specFile: file,
    options: planOptions(spec, flags),
    backupDir: flags.backupDir ?? BACKUP_DIR,
    env: process.env,
    preflight: flags.preflight,
    ...(flags.target?.length && { only: flags.target }),
    specWarnings: loaded.diagnostics.map((d) => ({
      message: `${d.path ? `${d.path}: ` : ""}${d.message}`,
      hint: d.hint,
      path: d.path,
      location: `${d.file}:${d.line}:${d.column}`,
    })),
    locate:
      locate &&
      ((path) => {
        const { line, column } = locate(path);
        return `${file}:${line}:${column}`;
      }),
  });
}

/**
 * `wfplan plan` of a fleet: every target's plan and the summary table, or one document; exit 1
 * when a target is blocked or failed, else 2 with --detailed-exitcode and changes, else 0.
 */
async function planFleetCommand(opts: PlanCommandOptions, loaded: LoadedSpec): Promise<number> {
  const fleet = await prepareFleet(opts, loaded);
  const entries = fleetPlanEntries(fleet);
  const out = process.stdout;
  await showFleetPlan(opts.format, { entries, rollout: fleet.rollout }, opts);
  if (opts.jsonFile) writePrivateFile(opts.jsonFile, renderFleetJson(entries));
  if (opts.markdownFile) writePrivateFile(opts.markdownFile, renderFleetMarkdown(entries));
  const outcome = fleetOutcome(entries);
  if (outcome === "error") {
    if (opts.out) {
      process.stderr.write(
        `The plan was not saved to ${opts.out}: a target is blocked or could not be planned.\n`,
      );
    }
    return ExitCode.error;
  }
  if (opts.out) {
    saveFleetPlanFile(opts.out, {
      createdAt: new Date().toISOString(),
      specFile: opts.file,
      spec: loaded.spec,
      targets: fleet.targets.flatMap(({ target, prepared }) =>
        prepared
          ? [
              {
                id: target.id,
                account: target.account as string,
                region: target.region,
                index: target.index,
                ...(target.roleArn !== undefined && { roleArn: target.roleArn }),
                spec: prepared.spec,
                options: prepared.options,
                fingerprint: prepared.fingerprint,
                snapshot: prepared.snapshot,
                plan: prepared.plan,
              },
            ]
          : [],
      ),
    });
    if (opts.format === "text") {
      out.write(
        `\nSaved the fleet's plan to ${opts.out}; apply exactly it with: wfplan apply ${opts.out}\n`,
      );
    }
  }
  return opts.detailedExitcode && outcome === "changes" ? ExitCode.changes : ExitCode.ok;
}
