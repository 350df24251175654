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
import { Progress, type StepState, stepState } from "./Progress.tsx";
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
  finish(outcome: Outcome): Promise<void>;
}

type Outcome = { ok: boolean; message: string };

/**
 * A live view in the terminal, drawn again on each event: with the notice of an interrupt (writing
 * beside Ink would garble it), and at the end the outcome, left on screen as it unmounts.
 */
function liveView(draw: (notice: string | undefined, outcome?: Outcome) => React.ReactElement) {
  let notice: string | undefined;
  const app = render(draw(notice), { exitOnCtrlC: false, patchConsole: false });
  return {
    redraw: () => app.rerender(draw(notice)),
    notify(message: string) {
      notice = message;
      app.rerender(draw(notice));
    },
    async finish(outcome: Outcome) {
      app.rerender(draw(notice, outcome));
      await new Promise((r) => setTimeout(r, 20));
      app.unmount();
    },
  };
}

/** Live apply progress, fed by the executor's events. */
export function startProgress(steps: Step[], color: boolean): ProgressView {
  const states: StepState[] = steps.map((step) => ({ step, status: "pending" }));
  const startedAt = Date.now();
  let waiting: { status: string; elapsedMs: number } | undefined;
  const live = liveView((notice, outcome) => (
    <Progress
      steps={[...states]}
      waiting={waiting}
      startedAt={startedAt}
      color={color}
      notice={notice}
      outcome={outcome}
      interactive={process.stdin.isTTY === true}
    />
  ));
  return {
    onEvent(e) {
      if (e.type === "waiting") waiting = { status: e.status, elapsedMs: e.elapsedMs };
      else if (e.type !== "retry") states[e.index - 1] = stepState(e);
      live.redraw();
    },
    notify: live.notify,
    finish: live.finish,
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
  finish(outcome: Outcome): Promise<void>;
}

/** A fleet apply's live progress (FleetProgress.tsx), fed by the rollout's events. */
export function startFleetProgress(
  targets: readonly { id: string; steps?: readonly Step[] }[],
  color: boolean,
): FleetProgressView {
  let state = initialFleetProgress(targets);
  const startedAt = Date.now();
  const live = liveView((notice, outcome) => (
    <FleetProgress
      state={state}
      startedAt={startedAt}
      color={color}
      notice={notice}
      outcome={outcome}
      interactive={process.stdin.isTTY === true}
    />
  ));
  return {
    onEvent(e) {
      state = fleetProgress(state, e);
      live.redraw();
    },
    notify: live.notify,
    finish: live.finish,
  };
}
