/**
 * The interactive UI's entry points, loaded with import() only when stdin and stdout are terminals
 * (Ink and React stay off the start-up path of every other run).
 */
import { render } from "ink";
import pc from "picocolors";
import type { Colors } from "picocolors/types.js";
import type { ApplyEvent } from "../apply/execute.ts";
import type { RolloutPolicy } from "../apply/rollout.ts";
import type { Plan, Step } from "../core/types.ts";
import { type FleetPlanEntry, renderFleetText } from "../render/fleet.ts";
import { renderPlanText } from "../render/text.ts";
import type { FleetApplyEvent } from "../session/fleet-apply.ts";
import { FleetProgress, fleetProgress, initialFleetProgress } from "./FleetProgress.tsx";
import { FleetReview } from "./FleetReview.tsx";
import { Progress, type StepState } from "./Progress.tsx";
import { Review, type ReviewOutcome } from "./Review.tsx";

export type { ReviewOutcome };

/**
 * Shows a review screen until it is answered or closed. Then its screen gives way to a record that
 * stays in the scrollback, as Terraform leaves one: `record` (the plan as plain text) and the
 * answer.
 */
function review(
  screen: (onDone: (outcome: ReviewOutcome) => void) => React.ReactElement,
  record: (c: Colors) => string,
  color: boolean,
  out: NodeJS.WriteStream,
): Promise<ReviewOutcome> {
  return new Promise((resolve) => {
    const app = render(
      screen((outcome) => {
        // After the render that called onDone, so Ink clears its last frame.
        setImmediate(() => {
          app.clear();
          app.unmount();
          const c = pc.createColors(color);
          out.write(record(c));
          if (outcome === "approved") out.write(`${c.green("Approved.")}\n\n`);
          if (outcome === "declined") out.write(`${c.yellow("Cancelled; nothing changed.")}\n`);
          resolve(outcome);
        });
      }),
      { exitOnCtrlC: false, patchConsole: false, stdout: out },
    );
  });
}

/** The plan's review (Review.tsx); with `confirm`, resolves with the user's answer. */
export function reviewPlan(
  plan: Plan,
  opts: { confirm: boolean; color: boolean },
  out: NodeJS.WriteStream = process.stdout,
): Promise<ReviewOutcome> {
  return review(
    (onDone) => <Review plan={plan} confirm={opts.confirm} color={opts.color} onDone={onDone} />,
    (c) => `${renderPlanText(plan, c)}\n`,
    opts.color,
    out,
  );
}

export interface ProgressView {
  onEvent(e: ApplyEvent): void;
  /** Shows a message in the live region (writing to the terminal beside Ink would garble it). */
  notify(message: string): void;
  finish(outcome: { ok: boolean; message: string }): Promise<void>;
}

/** Live apply progress, fed by the executor's events. */
export function startProgress(steps: Step[], color: boolean): ProgressView {
  const states: StepState[] = steps.map((step) => ({ step, status: "pending" }));
  const startedAt = Date.now();
  let waiting: { status: string; elapsedMs: number } | undefined;
  let notice: string | undefined;
  const view = (outcome?: { ok: boolean; message: string }) => (
    <Progress
      steps={[...states]}
      waiting={waiting}
      startedAt={startedAt}
      color={color}
      notice={notice}
      outcome={outcome}
      interactive={process.stdin.isTTY === true}
    />
  );
  const app = render(view(), { exitOnCtrlC: false, patchConsole: false });
  return {
    onEvent(e) {
      if (e.type === "step-start") states[e.index - 1] = { step: e.step, status: "running" };
      else if (e.type === "step-done")
        states[e.index - 1] = { step: e.step, status: "done", ms: e.ms, note: e.note };
      else if (e.type === "step-failed")
        states[e.index - 1] = { step: e.step, status: "failed", ms: e.ms, error: e.error };
      else if (e.type === "step-stopped")
        states[e.index - 1] = { step: e.step, status: "stopped", ms: e.ms };
      else if (e.type === "waiting") waiting = { status: e.status, elapsedMs: e.elapsedMs };
      app.rerender(view());
    },
    notify(message) {
      notice = message;
      app.rerender(view());
    },
    async finish(outcome) {
      app.rerender(view(outcome));
      await new Promise((r) => setTimeout(r, 20));
      app.unmount();
    },
  };
}

/**
 * A fleet's review (FleetReview.tsx); with `confirm`, resolves with the user's answer. Its record:
 * every target's plan and the summary table.
 */
export function reviewFleet(
  fleet: { entries: readonly FleetPlanEntry[]; rollout: RolloutPolicy },
  opts: { confirm: boolean; color: boolean },
  out: NodeJS.WriteStream = process.stdout,
): Promise<ReviewOutcome> {
  return review(
    (onDone) => (
      <FleetReview
        entries={fleet.entries}
        rollout={fleet.rollout}
        confirm={opts.confirm}
        color={opts.color}
        onDone={onDone}
      />
    ),
    (c) => renderFleetText(fleet.entries, c),
    opts.color,
    out,
  );
}

export interface FleetProgressView {
  onEvent(e: FleetApplyEvent): void;
  notify(message: string): void;
  /** Ends the live view; the end report is written after it. */
  finish(outcome: { ok: boolean; message: string }): Promise<void>;
}

/** A fleet apply's live progress (FleetProgress.tsx), fed by the rollout's events. */
export function startFleetProgress(
  targets: readonly { id: string; steps?: readonly Step[] }[],
  color: boolean,
): FleetProgressView {
  let state = initialFleetProgress(targets);
  const startedAt = Date.now();
  let notice: string | undefined;
  const view = (outcome?: { ok: boolean; message: string }) => (
    <FleetProgress
      state={state}
      startedAt={startedAt}
      color={color}
      notice={notice}
      outcome={outcome}
      interactive={process.stdin.isTTY === true}
    />
  );
  const app = render(view(), { exitOnCtrlC: false, patchConsole: false });
  return {
    onEvent(e) {
      state = fleetProgress(state, e);
      app.rerender(view());
    },
    notify(message) {
      notice = message;
      app.rerender(view());
    },
    async finish(outcome) {
      app.rerender(view(outcome));
      await new Promise((r) => setTimeout(r, 20));
      app.unmount();
    },
  };
}
