/**
 * How a fleet apply shows its work. In a terminal: the fleet's review (targets as groups that open
 * on their plans) and one question, then the progress (a line per target and the selected one's
 * steps), both in Ink. Otherwise: the fleet's plan as text and one question, then one line per
 * event prefixed with its target's id (`[111111111111/us-east-1] [2/6] wait until …`). Either
 * way, the end report: a table, or one JSON document.
 */
import type { ApplyEvent } from "../apply/execute.ts";
import type { RolloutPolicy } from "../apply/rollout.ts";
import type { Step } from "../core/types.ts";
import { DeclinedError, InterruptedError } from "../errors.ts";
import { stepLine } from "../render/describe.ts";
import {
  type FleetPlanEntry,
  renderFleetJson,
  renderFleetMarkdown,
  renderFleetText,
} from "../render/fleet.ts";
import {
  type FleetApplyReport,
  fleetApplySummary,
  HALTING,
  renderFleetApplyJson,
  renderFleetApplyText,
} from "../render/fleet-apply.ts";
import type { FleetApplyEvent } from "../session/fleet-apply.ts";
import type { FleetProgressView } from "../tui/index.tsx";
import { loadTui } from "../tui/load.ts";
import { formatDuration } from "../values/duration.ts";
import { confirm } from "./apply.ts";
import { type ColorOptions, colorsFor, inkColor, isInteractive } from "./style.ts";

/** What the review shows of a fleet: every target's plan, and how apply will roll it out. */
export interface FleetToReview {
  entries: readonly FleetPlanEntry[];
  rollout: RolloutPolicy;
}

export interface FleetApplyView {
  /**
   * Shows the fleet's plan and, with `ask`, asks once for approval: throws when declined or
   * interrupted.
   */
  review(fleet: FleetToReview, opts: { ask: boolean }): Promise<void>;
  /** The rollout is about to start: these targets, with the steps of each one's plan. */
  start(targets: readonly { id: string; steps?: readonly Step[] }[]): void;
  onEvent(e: FleetApplyEvent): void;
  /** A message about an interrupt, shown where the person is looking. */
  notify(message: string): void;
  end(report: FleetApplyReport): Promise<void>;
}

const HEARTBEAT_MS = 5000;

/**
 * `wfplan plan` of a fleet: one JSON document, markdown, the Ink review in a terminal (when a
 * target changes something, and not for a plan being saved), or every target's plan as text with
 * the summary table.
 */
export async function showFleetPlan(
  format: "text" | "json" | "markdown",
  fleet: FleetToReview,
  opts: ColorOptions & { out?: string },
  out: NodeJS.WriteStream = process.stdout,
): Promise<void> {
  if (format === "json") out.write(renderFleetJson(fleet.entries));
  else if (format === "markdown") out.write(renderFleetMarkdown(fleet.entries));
  // As for one workforce: the review is for reading plans that change something.
  else if (isInteractive() && !opts.out && fleet.entries.some((e) => e.plan?.resources.length)) {
    const tui = await loadTui();
    await tui.reviewFleet(fleet, { confirm: false, color: inkColor(opts) });
  } else out.write(renderFleetText(fleet.entries, colorsFor(opts, out)));
}

export async function fleetApplyView(
  format: "text" | "json",
  opts: ColorOptions,
  out: NodeJS.WriteStream = process.stdout,
): Promise<FleetApplyView> {
  const notify = (message: string) => process.stderr.write(`\n${message}\n`);
  if (format === "json") {
    return {
      review: async () => {},
      start: () => {},
      onEvent: () => {},
      notify,
      end: async (report) => {
        out.write(renderFleetApplyJson(report));
      },
    };
  }
  const c = colorsFor(opts, out);
  const tui = isInteractive() ? await loadTui() : undefined;
  const color = inkColor(opts);
  let progress: FleetProgressView | undefined;
  const lastBeat = new Map<string, number>();
  const write = (target: string, text: string) => out.write(`${c.dim(`[${target}]`)} ${text}\n`);
  return {
    async review(fleet, { ask }) {
      if (tui && ask) {
        const outcome = await tui.reviewFleet(fleet, { confirm: true, color });
        if (outcome === "interrupted")
          throw new InterruptedError("Interrupted at the review; nothing was changed.");
        if (outcome !== "approved") throw new DeclinedError({ shown: true });
        return;
      }
      out.write(renderFleetText(fleet.entries, c));
      if (ask) await confirm();
    },
    start(targets) {
      progress = tui?.startFleetProgress(targets, color);
    },
    onEvent(e) {
      if (progress) return progress.onEvent(e);
      switch (e.type) {
        case "target-start":
          lastBeat.set(e.target, Date.now());
          return write(e.target, e.canary ? "canary: applying alone first" : "applying");
        case "target-end":
          return write(e.target, outcomeLine(e.outcome, c));
        case "halted":
          return void out.write(`${HALTING[e.reason]} (${e.notStarted} not started)\n`);
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
    notify(message) {
      if (progress) progress.notify(message);
      else notify(message);
    },
    async end(report) {
      if (progress) {
        const s = fleetApplySummary(report.rows);
        const ok = s.succeeded === s.targets;
        await progress.finish({
          ok,
          message: ok ? "Every target applied and verified." : "The fleet apply did not finish.",
        });
      }
      out.write(`\n${renderFleetApplyText(report, c)}`);
    },
  };
}

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
