import type { SageMakerClient } from "@aws-sdk/client-sagemaker";
import { BACKUP_DIR, type OpenBackups } from "../../apply/backup.ts";
import { checkDestination } from "../../apply/files.ts";
import { savePlanFile } from "../../apply/planfile.ts";
import { planSession } from "../../apply/session.ts";
import { type AwsOptions, connect } from "../../aws/client.ts";
import type { LiveSnapshot } from "../../core/fingerprint.ts";
import { planOptions } from "../../core/plan.ts";
import type { LiveState, Plan, PlanOptions } from "../../core/types.ts";
import { renderDiagnostics } from "../../render/diagnostics.ts";
import { renderPlanJson } from "../../render/json.ts";
import { renderPlanMarkdown } from "../../render/markdown.ts";
import { renderPlanText } from "../../render/text.ts";
import { hasErrors } from "../../spec/diagnostics.ts";
import { loadSpecFile } from "../../spec/load.ts";
import type { Spec } from "../../spec/schema.ts";
import { loadTui } from "../../tui/load.ts";
import { ExitCode, ReportedError } from "../errors.ts";
import { colorsFor, inkColor, isInteractive } from "../style.ts";

export interface PlanFlags extends AwsOptions {
  file: string;
  /** Where backups live (.wfplan/backups); an open one there means workteams wait to be restored. */
  backupDir?: string;
  allowWorkteamDeletion?: boolean;
  rotateClientSecret?: boolean;
  color?: boolean;
}

export interface Prepared {
  spec: Spec;
  specFile: string;
  client: SageMakerClient;
  live: LiveState;
  options: PlanOptions;
  plan: Plan;
  snapshot: LiveSnapshot;
  fingerprint: string;
  openBackups?: OpenBackups;
}

/** Load and validate the spec, read the live state (read-only calls), and plan. */
export async function preparePlan(flags: PlanFlags): Promise<Prepared> {
  const loaded = loadSpecFile(flags.file);
  if (!loaded.spec || hasErrors(loaded.diagnostics)) {
    const c = colorsFor(flags, process.stderr);
    process.stderr.write(renderDiagnostics(loaded.diagnostics, loaded.text, c));
    process.stderr.write(
      `${c.red("✗")} ${flags.file} is not valid; nothing was read or changed.\n`,
    );
    throw new ReportedError();
  }
  const spec = loaded.spec;
  const { client, region } = await connect(flags, spec.region);
  const options = planOptions(spec, flags);
  const locate = loaded.locate;
  const session = await planSession({
    client,
    region,
    spec,
    options,
    backupDir: flags.backupDir ?? BACKUP_DIR,
    specFile: flags.file,
    env: process.env,
    locate: locate
      ? (path) => {
          const { line, column } = locate(path);
          return `${flags.file}:${line}:${column}`;
        }
      : undefined,
  });
  const p = session.plan;
  for (const d of loaded.diagnostics) {
    p.warnings.unshift({
      message: `${d.path ? `${d.path}: ` : ""}${d.message}`,
      hint: d.hint,
      location: `${d.file}:${d.line}:${d.column}`,
    });
  }
  return { spec, specFile: flags.file, client, options, ...session };
}

export interface PlanCommandOptions extends PlanFlags {
  out?: string;
  detailedExitcode?: boolean;
  format: "text" | "json" | "markdown";
}

/** `wfplan plan`: read-only; exit 0 (no changes or changes), 2 with --detailed-exitcode and changes, 1 when blocked. */
export async function planCommand(opts: PlanCommandOptions): Promise<number> {
  if (opts.out) checkDestination(opts.out);
  const prepared = await preparePlan(opts);
  const p = prepared.plan;
  const out = process.stdout;
  if (opts.format === "json") {
    out.write(
      renderPlanJson(p, {
        fingerprint: prepared.fingerprint,
        workforceExists: prepared.live.workforce !== null,
        workforceStatus: prepared.live.workforce?.status,
      }),
    );
  } else if (opts.format === "markdown") {
    out.write(renderPlanMarkdown(p));
  } else if (isInteractive() && !opts.out && p.resources.length > 0) {
    const tui = await loadTui();
    await tui.reviewPlan(p, { confirm: false, color: inkColor(opts) });
  } else {
    out.write(renderPlanText(p, colorsFor(opts, out)));
  }
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
    if (opts.format === "text")
      out.write(
        `\nSaved the plan to ${opts.out}; apply exactly it with: wfplan apply ${opts.out}\n`,
      );
  }
  const changes = p.resources.length > 0;
  return opts.detailedExitcode && changes ? ExitCode.changes : ExitCode.ok;
}
