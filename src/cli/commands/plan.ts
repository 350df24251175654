import { BACKUP_DIR } from "../../apply/backup.ts";
import { checkDestination, writePrivateFile } from "../../apply/files.ts";
import { savePlanFile } from "../../apply/planfile.ts";
import { type AwsOptions, connect } from "../../aws/client.ts";
import { planOptions } from "../../core/plan.ts";
import { ReportedError } from "../../errors.ts";
import { renderDiagnostics, renderValidationJson } from "../../render/diagnostics.ts";
import { renderPlanJson } from "../../render/json.ts";
import { renderPlanMarkdown } from "../../render/markdown.ts";
import { type Prepared, planSession } from "../../session/plan.ts";
import { hasErrors } from "../../spec/diagnostics.ts";
import { loadSpecFile } from "../../spec/load.ts";
import { liveMeta, type PlanFormat, planView } from "../../views/plan.ts";
import { colorsFor } from "../../views/style.ts";
import { ExitCode } from "../errors.ts";

export interface PlanFlags extends AwsOptions {
  file: string;
  /** Where backups live (.wfplan/backups); an open one there means workteams wait to be restored. */
  backupDir?: string;
  allowWorkteamDeletion?: boolean;
  rotateClientSecret?: boolean;
  color?: boolean;
  /** With json, an invalid spec is also reported as validate's JSON document on stdout. */
  format?: string;
}

/** Load and validate the spec (its problems reported on stderr), connect, and plan. */
export async function preparePlan(flags: PlanFlags): Promise<Prepared> {
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
  const prepared = await preparePlan(opts);
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
