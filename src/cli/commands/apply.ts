import { createInterface } from "node:readline/promises";
import type { SageMakerClient } from "@aws-sdk/client-sagemaker";
import { BACKUP_DIR, closeBackups, type OpenBackups } from "../../apply/backup.ts";
import { type ApplyEvent, executePlan } from "../../apply/execute.ts";
import { planMismatch, readPlanFile } from "../../apply/planfile.ts";
import { planSession } from "../../apply/session.ts";
import { connect } from "../../aws/client.ts";
import { snapshotDifferences } from "../../core/fingerprint.ts";
import type { LiveState, Plan, PlanOptions, Step } from "../../core/types.ts";
import { appliedLine, hasChanges, stepLine } from "../../render/describe.ts";
import { renderPlanText } from "../../render/text.ts";
import { formatDuration, parseDuration } from "../../spec/duration.ts";
import type { Spec } from "../../spec/schema.ts";
import { resolveSecret } from "../../spec/secrets.ts";
import type { ProgressView } from "../../tui/index.tsx";
import { loadTui } from "../../tui/load.ts";
import { DeclinedError, ExitCode, InterruptedError, UserError } from "../errors.ts";
import { colorsFor, inkColor, isInteractive } from "../style.ts";
import { type PlanFlags, preparePlan } from "./plan.ts";

export interface ApplyOptions extends PlanFlags {
  planFile?: string;
  autoApprove?: boolean;
  timeout?: string;
  format: "text" | "json";
}

const DEFAULT_WAIT = "15m";
const HEARTBEAT_MS = 5000;

/** `wfplan apply [PLANFILE]`: plan (or read a saved plan), confirm, and run the steps in order. */
export async function applyCommand(opts: ApplyOptions): Promise<number> {
  const out = process.stdout;
  const c = colorsFor(opts, out);
  const text = opts.format === "text";
  const say = (line: string) => {
    if (text) out.write(`${line}\n`);
  };
  const backupDir = opts.backupDir ?? BACKUP_DIR;

  let spec: Spec;
  let plan: Plan;
  let live: LiveState;
  let options: PlanOptions;
  let specFile: string;
  let client: SageMakerClient;
  let region: string;
  /** Workteams earlier unfinished applies still have to restore. */
  let open: OpenBackups | undefined;
  if (opts.planFile) {
    const saved = readPlanFile(opts.planFile);
    ({ spec, options, specFile } = saved);
    ({ client, region } = await connect({ ...opts, region: undefined }, saved.region));
    // Plan again from the saved spec and options: the live state must be the one the plan was
    // made from, and the plan must be the one they give (a plan file is not trusted blindly).
    const session = await planSession({
      client,
      region,
      spec,
      options,
      backupDir,
      specFile,
      env: process.env,
    });
    if (session.fingerprint !== saved.fingerprint) {
      const changes = snapshotDifferences(saved.snapshot, session.snapshot);
      throw new UserError(
        `the plan in ${opts.planFile} is stale: the live state changed since it was made (${saved.createdAt}); nothing was changed.\n  ${changes.join("\n  ")}`,
        { hint: "make a new plan with wfplan plan --out FILE, review it, and apply that" },
      );
    }
    const mismatch = session.plan.blockers.length === 0 && planMismatch(saved.plan, session.plan);
    if (mismatch) {
      throw new UserError(
        `the plan in ${opts.planFile} is not the plan its own spec, options and live state give (${mismatch}): it was edited, or made by another version of wfplan; nothing was changed`,
        { hint: "make a new plan with wfplan plan --out FILE, review it, and apply that" },
      );
    }
    ({ plan, live, openBackups: open } = session);
  } else {
    const prepared = await preparePlan({ ...opts, backupDir });
    ({ spec, plan, live, options, specFile, client, openBackups: open } = prepared);
    region = plan.region;
  }
  const tui = text && isInteractive() ? await loadTui() : undefined;
  const color = inkColor(opts);
  const ask = !opts.autoApprove && !opts.planFile;
  if (tui && ask && hasChanges(plan) && plan.blockers.length === 0) {
    const outcome = await tui.reviewPlan(plan, { confirm: true, color });
    if (outcome === "interrupted")
      throw new InterruptedError("Interrupted at the review; nothing was changed.");
    if (outcome !== "approved") throw new DeclinedError({ shown: true });
  } else {
    say(renderPlanText(plan, c));
    const blocked = plan.blockers.length > 0;
    const nothingToDo = plan.steps.length === 0;
    if (!text && (blocked || nothingToDo)) {
      // JSON readers get a document whatever the outcome.
      const outcome = blocked ? "blocked" : "no-changes";
      out.write(
        `${JSON.stringify({ formatVersion: 1, outcome, summary: plan.summary, blockers: plan.blockers, events: [], remaining: [] }, null, 2)}\n`,
      );
    }
    if (blocked) {
      throw new UserError("the plan is blocked; nothing was changed", {
        hint: "resolve the blockers above, then apply again",
      });
    }
    if (nothingToDo) return ExitCode.ok;
    // Waiting for an update in progress changes nothing: no need to ask.
    if (ask && hasChanges(plan)) await confirm();
  }

  const ref = spec.workforce.oidcConfig?.clientSecret;
  const wait = opts.timeout ?? spec.policy?.waitTimeout ?? DEFAULT_WAIT;
  const waitTimeoutMs = parseDuration(wait);
  if (waitTimeoutMs === undefined)
    throw new UserError(`--timeout ${wait}: not a duration`, { hint: "such as 90s, 15m or 1h30m" });

  let interrupts = 0;
  const interrupt = new AbortController();
  let progress: ProgressView | undefined;
  /** The step running now, so that an interrupt can say what it does to it. */
  let running: Step | undefined;
  const onSignal = () => {
    interrupts += 1;
    if (interrupts === 1) {
      interrupt.abort();
      const notice =
        running?.kind === "wait-active"
          ? "Interrupt received: the wait stops now. The workforce update goes on in AWS; run wfplan apply again to finish (it waits for it, then does the remaining steps)."
          : `Interrupt received: finishing the current step${running ? ` (${stepLine(running)})` : ""}, then stopping. Press Ctrl-C again to exit now.`;
      if (progress) progress.notify(notice);
      else process.stderr.write(`\n${notice}\n`);
    } else {
      process.stderr.write(
        `\nExiting now. Run wfplan apply again to finish; deleted workteams are backed up in ${backupDir}.\n`,
      );
      process.exit(ExitCode.interrupted);
    }
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);

  const events: ApplyEvent[] = [];
  progress = tui?.startProgress(plan.steps, color);
  let lastBeat = 0;
  const onEvent = (e: ApplyEvent) => {
    events.push(e);
    running = e.type === "step-start" ? e.step : e.type.startsWith("step-") ? undefined : running;
    if (progress) return progress.onEvent(e);
    if (!text) return;
    const at = (i: number, n: number) => c.dim(`[${i}/${n}]`);
    switch (e.type) {
      case "step-start":
        lastBeat = Date.now();
        out.write(`${at(e.index, e.total)} ${stepLine(e.step)} …\n`);
        break;
      case "step-done":
        out.write(
          `${at(e.index, e.total)} ${c.green("✓")} done in ${formatSeconds(e.ms)}${e.note ? `: ${e.note}` : ""}\n`,
        );
        break;
      case "step-failed":
        out.write(`${at(e.index, e.total)} ${c.red("✗")} failed after ${formatSeconds(e.ms)}\n`);
        break;
      case "step-stopped":
        out.write(
          `${at(e.index, e.total)} ${c.yellow("■")} stopped after ${formatSeconds(e.ms)}\n`,
        );
        break;
      case "waiting":
        if (Date.now() - lastBeat >= HEARTBEAT_MS) {
          lastBeat = Date.now();
          out.write(
            `      still waiting: the workforce is ${e.status} (${formatDuration(e.elapsedMs)} so far)\n`,
          );
        }
        break;
      case "retry":
        out.write(`      ${c.yellow("retrying")}: ${e.message}\n`);
        break;
    }
  };

  let outcome: "applied" | "failed" | "interrupted" = "failed";
  let result: Awaited<ReturnType<typeof executePlan>> | undefined;
  try {
    result = await executePlan({
      client,
      spec,
      plan,
      live,
      options,
      region,
      secret: () => (ref ? resolveSecret(ref, { env: process.env, specFile }) : undefined),
      waitTimeoutMs,
      backupDir,
      restoreFrom: open,
      interrupted: () => interrupts > 0,
      signal: interrupt.signal,
      onEvent,
    });
    outcome = "applied";
  } catch (e) {
    outcome = e instanceof InterruptedError ? "interrupted" : "failed";
    await progress?.finish({
      ok: false,
      message: outcome === "interrupted" ? "Interrupted." : "Apply failed.",
    });
    throw e;
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    if (!text) {
      out.write(
        `${JSON.stringify({ formatVersion: 1, outcome, summary: plan.summary, events, backupFile: result?.backupFile, remaining: result?.remaining ?? null }, null, 2)}\n`,
      );
    }
  }

  if (result.remaining.length > 0) {
    throw new UserError(
      `applied, but verify found the live state different from what it should be now:\n  ${result.remaining.join("\n  ")}`,
      {
        hint: "run wfplan plan to see what differs from the spec; something else may be changing the workforce, or the service did not do what it accepted",
      },
    );
  }
  await progress?.finish({
    ok: result.remaining.length === 0,
    message: result.remaining.length === 0 ? "All steps done." : "Applied, but differences remain.",
  });
  // Verified: the backups this apply read and wrote are done with.
  closeBackups(
    [...(open?.files ?? []), ...(result.backupFile ? [result.backupFile] : [])],
    new Date(),
  );
  say(
    `\n${c.green(c.bold("Apply complete."))} ${appliedLine(plan)} Verified: the live workforce matches the spec.`,
  );
  return ExitCode.ok;
}

async function confirm(): Promise<void> {
  if (!process.stdin.isTTY || !process.stdout.isTTY) {
    throw new UserError(
      "apply needs a confirmation, and there is no terminal to ask in; nothing was changed",
      {
        hint: "review with wfplan plan, then run wfplan apply --auto-approve, or save a plan with --out and apply that file",
      },
    );
  }
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  const answer = await new Promise<string | null>((resolve) => {
    rl.on("SIGINT", () => resolve(null));
    rl.question(
      "Do you want to perform these actions? Only 'yes' will be accepted to approve.\n  Enter a value: ",
    ).then(resolve, () => resolve(null));
  });
  rl.close();
  if (answer === null)
    throw new InterruptedError("Interrupted at the confirmation prompt; nothing was changed.");
  if (answer.trim() !== "yes") throw new DeclinedError();
}

const formatSeconds = (ms: number) => `${(ms / 1000).toFixed(1)}s`;
