/**
 * How a fleet apply shows its work: the fleet's plan and one question, then one line per event
 * prefixed with its target's id (`[111111111111/us-east-1] [2/6] wait until …`), and the end
 * report (a table, or one JSON document). In a terminal too: an Ink progress view for fleets is
 * not written yet, so the lines are the same.
 */
import type { ApplyEvent } from "../apply/execute.ts";
import { stepLine } from "../render/describe.ts";
import {
  type FleetApplyReport,
  renderFleetApplyJson,
  renderFleetApplyText,
} from "../render/fleet-apply.ts";
import type { FleetApplyEvent } from "../session/fleet-apply.ts";
import { formatDuration } from "../values/duration.ts";
import { confirm } from "./apply.ts";
import { type ColorOptions, colorsFor } from "./style.ts";

export interface FleetApplyView {
  /** Shows the fleet's plan (rendered by the caller) and, with `ask`, asks once for approval. */
  review(planText: string, opts: { ask: boolean }): Promise<void>;
  onEvent(e: FleetApplyEvent): void;
  /** A message about an interrupt, shown where the person is looking. */
  notify(message: string): void;
  end(report: FleetApplyReport): void;
}

const HEARTBEAT_MS = 5000;

export function fleetApplyView(
  format: "text" | "json",
  opts: ColorOptions,
  out: NodeJS.WriteStream = process.stdout,
): FleetApplyView {
  const notify = (message: string) => process.stderr.write(`\n${message}\n`);
  if (format === "json") {
    return {
      review: async () => {},
      onEvent: () => {},
      notify,
      end: (report) => out.write(renderFleetApplyJson(report)),
    };
  }
  const c = colorsFor(opts, out);
  const lastBeat = new Map<string, number>();
  const write = (target: string, text: string) => out.write(`${c.dim(`[${target}]`)} ${text}\n`);
  return {
    async review(planText, { ask }) {
      out.write(planText.endsWith("\n") ? planText : `${planText}\n`);
      if (ask) await confirm();
    },
    onEvent(e) {
      switch (e.type) {
        case "target-start":
          lastBeat.set(e.target, Date.now());
          return write(e.target, e.canary ? "canary: applying alone first" : "applying");
        case "target-end":
          return write(e.target, outcomeLine(e.outcome, c));
        case "halted":
          return void out.write(`${HALTED[e.reason]} (${e.notStarted} not started)\n`);
        case "step": {
          if (e.event.type === "waiting") {
            const last = lastBeat.get(e.target) ?? 0;
            if (Date.now() - last < HEARTBEAT_MS) return;
          }
          lastBeat.set(e.target, Date.now());
          const line = stepEventLine(e.event, c);
          if (line) write(e.target, line);
          return;
        }
      }
    },
    notify,
    end: (report) => out.write(`\n${renderFleetApplyText(report, c)}`),
  };
}

const HALTED = {
  "canary-failed": "The canary failed: no other target starts.",
  "failure-tolerance":
    "More targets failed than policy.rollout.failureTolerance allows: no new target starts.",
  interrupted: "Interrupted: no new target starts; the running ones stop at a safe point.",
} as const;

type Colors = ReturnType<typeof colorsFor>;

function outcomeLine(outcome: string, c: Colors): string {
  if (outcome === "succeeded") return c.green("✓ succeeded");
  if (outcome === "interrupted") return c.yellow("■ interrupted");
  return c.red(`✗ ${outcome}`);
}

/** One apply event as the single-target view words it (views/apply.ts), for a prefixed line. */
export function stepEventLine(e: ApplyEvent, c: Colors): string | undefined {
  const at = "index" in e ? c.dim(`[${e.index}/${e.total}]`) : "";
  const secs = (ms: number) => `${(ms / 1000).toFixed(1)}s`;
  switch (e.type) {
    case "step-start":
      return `${at} ${stepLine(e.step)} …`;
    case "step-done":
      return `${at} ${c.green("✓")} done in ${secs(e.ms)}${e.note ? `: ${e.note}` : ""}`;
    case "step-failed":
      return `${at} ${c.red("✗")} failed after ${secs(e.ms)}: ${e.error.split("\n")[0]}`;
    case "step-stopped":
      return `${at} ${c.yellow("■")} stopped after ${secs(e.ms)}`;
    case "waiting":
      return `      still waiting: the workforce is ${e.status} (${formatDuration(e.elapsedMs)} so far)`;
    case "retry":
      return `      ${c.yellow("retrying")}: ${e.message}`;
  }
}
