/**
 * How `wfplan apply` shows its work, chosen once from the flags: plain text (with a heartbeat
 * while it waits), one JSON document for tools, or the Ink review and progress in a terminal.
 */
import { createInterface } from "node:readline/promises";
import type { ApplyEvent } from "../apply/execute.ts";
import { canApply, isBlocked } from "../core/questions.ts";
import type { Plan } from "../core/types.ts";
import { DeclinedError, InterruptedError, UserError } from "../errors.ts";
import { appliedLine, stepLine } from "../render/describe.ts";
import { type ApplyDocumentInput, renderApplyJson } from "../render/json.ts";
import { renderPlanText } from "../render/text.ts";
import type { ProgressView } from "../tui/index.tsx";
import { loadTui } from "../tui/load.ts";
import { formatDuration } from "../values/duration.ts";
import { type ColorOptions, colorsFor, inkColor, isInteractive } from "./style.ts";

export interface ApplyView {
  /** Shows the plan and, with `ask`, asks for approval: throws when declined or interrupted. */
  review(plan: Plan, opts: { ask: boolean }): Promise<void>;
  /** The steps are about to run. */
  start(plan: Plan): void;
  onEvent(e: ApplyEvent): void;
  /** A message about an interrupt, shown where the person is looking. */
  notify(message: string): void;
  /** How it ended; `events` are every event of the apply. */
  end(outcome: ApplyDocumentInput): Promise<void>;
}

const HEARTBEAT_MS = 5000;

export async function applyView(
  format: "text" | "json",
  opts: ColorOptions,
  out: NodeJS.WriteStream = process.stdout,
): Promise<ApplyView> {
  if (format === "json") {
    return {
      review: async () => {},
      start: () => {},
      onEvent: () => {},
      notify: (message) => process.stderr.write(`\n${message}\n`),
      end: async (a) => {
        out.write(renderApplyJson(a));
      },
    };
  }
  const c = colorsFor(opts, out);
  const tui = isInteractive() ? await loadTui() : undefined;
  const color = inkColor(opts);
  let progress: ProgressView | undefined;
  let lastBeat = 0;
  const at = (i: number, n: number) => c.dim(`[${i}/${n}]`);
  const line = (text: string) => out.write(`${text}\n`);
  return {
    async review(plan, { ask }) {
      if (tui && ask && !isBlocked(plan)) {
        const outcome = await tui.reviewPlan(plan, { confirm: true, color });
        if (outcome === "interrupted")
          throw new InterruptedError("Interrupted at the review; nothing was changed.");
        if (outcome !== "approved") throw new DeclinedError({ shown: true });
      } else {
        line(renderPlanText(plan, c));
        if (ask && canApply(plan)) await confirm();
      }
    },
    start(plan) {
      progress = tui?.startProgress(plan.steps, color);
    },
    onEvent(e) {
      if (progress) return progress.onEvent(e);
      switch (e.type) {
        case "step-start":
          lastBeat = Date.now();
          line(`${at(e.index, e.total)} ${stepLine(e.step)} …`);
          break;
        case "step-done":
          line(
            `${at(e.index, e.total)} ${c.green("✓")} done in ${seconds(e.ms)}${e.note ? `: ${e.note}` : ""}`,
          );
          break;
        case "step-failed":
          line(`${at(e.index, e.total)} ${c.red("✗")} failed after ${seconds(e.ms)}`);
          break;
        case "step-stopped":
          line(`${at(e.index, e.total)} ${c.yellow("■")} stopped after ${seconds(e.ms)}`);
          break;
        case "waiting":
          if (Date.now() - lastBeat >= HEARTBEAT_MS) {
            lastBeat = Date.now();
            line(
              `      still waiting: the workforce is ${e.status} (${formatDuration(e.elapsedMs)} so far)`,
            );
          }
          break;
        case "retry":
          line(`      ${c.yellow("retrying")}: ${e.message}`);
          break;
      }
    },
    notify(message) {
      if (progress) progress.notify(message);
      else process.stderr.write(`\n${message}\n`);
    },
    async end(a) {
      const ok = a.outcome === "applied" && a.remaining?.length === 0;
      await progress?.finish({ ok, message: progressMessage(a) });
      if (ok)
        line(
          `\n${c.green(c.bold("Apply complete."))} ${appliedLine(a.plan)} Verified: the live workforce matches the spec.`,
        );
    },
  };
}

function progressMessage(a: ApplyDocumentInput): string {
  if (a.outcome === "interrupted") return "Interrupted.";
  if (a.outcome === "failed") return "Apply failed.";
  return a.remaining?.length === 0 ? "All steps done." : "Applied, but differences remain.";
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)}s`;

/** The plain-text approval: only "yes" approves, as in Terraform. */
export async function confirm(): Promise<void> {
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
