/**
 * A fleet apply's progress (README, "Fleets"): one line per target with where it is (waiting to
 * start, its current step, its outcome), and under them the selected target's steps, as the
 * single-target progress shows them. ↑↓ (or j/k) choose the target; until then the view follows
 * the running one. The state is a pure function of the rollout's events (`fleetProgress`), so
 * it is tested without a terminal; the component only draws it.
 */
import { Box, Text, useInput, useStdout } from "ink";
import { useEffect, useRef, useState } from "react";
import type { Step } from "../core/types.ts";
import { stepLine } from "../render/describe.ts";
import { HALTING } from "../render/fleet-apply.ts";
import type { FleetApplyEvent } from "../session/fleet-apply.ts";
import { formatDuration } from "../values/duration.ts";
import { cutToFit, heightOf, type Size, useTerminalSize } from "./layout.ts";
import { type StepState, stepState } from "./Progress.tsx";
import { windowOf } from "./rows.ts";
import { tone } from "./tone.ts";

export type TargetStatus =
  | "waiting"
  | "running"
  | "succeeded"
  | "no-changes"
  | "failed"
  | "interrupted"
  | "not-started";

export interface TargetProgress {
  id: string;
  canary: boolean;
  status: TargetStatus;
  steps: StepState[];
  /** The workforce status while the running step waits, and for how long. */
  waiting?: { status: string; elapsedMs: number };
  /** The last retry's message, while the step it concerns runs. */
  retry?: string;
  error?: string;
  startedAt?: number;
  ms?: number;
}

export interface FleetProgressState {
  targets: TargetProgress[];
  halted?: "canary-failed" | "failure-tolerance" | "interrupted";
}

/** The state before the first event: every target waiting, with the steps its plan has. */
export function initialFleetProgress(
  targets: readonly { id: string; steps?: readonly Step[] }[],
): FleetProgressState {
  return {
    targets: targets.map((t) => ({
      id: t.id,
      canary: false,
      // A target whose plan has no step is done before the rollout starts (session/fleet-apply.ts).
      status: t.steps && t.steps.length === 0 ? "no-changes" : "waiting",
      steps: (t.steps ?? []).map((step) => ({ step, status: "pending" })),
    })),
  };
}

/** The state after one event of the rollout. Pure: returns a new state. */
export function fleetProgress(
  state: FleetProgressState,
  e: FleetApplyEvent,
  now = Date.now(),
): FleetProgressState {
  if (e.type === "halted") {
    return {
      halted: e.reason,
      targets: state.targets.map((t) =>
        t.status === "waiting" ? { ...t, status: "not-started" } : t,
      ),
    };
  }
  const targets = state.targets.map((t): TargetProgress => {
    if (t.id !== e.target) return t;
    switch (e.type) {
      case "target-start":
        return { ...t, status: "running", canary: e.canary, startedAt: now };
      case "target-end": {
        const { waiting: _, retry: __, ...rest } = t;
        return {
          ...rest,
          status: e.outcome,
          ...(e.error !== undefined && { error: e.error }),
          ms: now - (t.startedAt ?? now),
        };
      }
      case "step":
        return stepEvent(t, e.event);
      default:
        return t;
    }
  });
  return { ...state, targets };
}

function stepEvent(t: TargetProgress, e: Extract<FleetApplyEvent, { type: "step" }>["event"]) {
  if (e.type === "waiting") return { ...t, waiting: { status: e.status, elapsedMs: e.elapsedMs } };
  if (e.type === "retry") return { ...t, retry: e.message };
  // The apply session runs exactly its plan's steps (apply/execute.ts): the index is the plan's.
  const steps = [...t.steps];
  steps[e.index - 1] = stepState(e);
  const { waiting: _, retry: __, ...rest } = t;
  return { ...rest, steps };
}

/** Where a target is, in a few words: its running step, or its outcome. */
export function targetLine(t: TargetProgress): string {
  const n = t.steps.length;
  const done = t.steps.filter((s) => s.status === "done").length;
  const secs = t.ms !== undefined ? ` in ${formatDuration(t.ms)}` : "";
  switch (t.status) {
    case "waiting":
      return "waiting to start";
    case "running": {
      const at = t.steps.findIndex((s) => s.status === "running");
      const step = t.steps[at];
      if (!step) return "starting";
      const wait = t.waiting
        ? ` · workforce ${t.waiting.status} ${formatDuration(t.waiting.elapsedMs)}`
        : "";
      return `${at + 1}/${n} ${stepLine(step.step)}${wait}`;
    }
    case "succeeded":
      return `succeeded · ${done}/${n} steps${secs}`;
    case "no-changes":
      return "no changes";
    case "failed": {
      const at = t.steps.findIndex((s) => s.status === "failed");
      const where = at >= 0 ? ` at step ${at + 1}/${n}` : "";
      return `failed${where}${t.error ? `: ${t.error.split("\n")[0]}` : ""}`;
    }
    case "interrupted":
      return `interrupted after ${done}/${n} steps`;
    case "not-started":
      return "not started";
  }
}

const FRAMES = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

export interface FleetProgressProps {
  state: FleetProgressState;
  startedAt: number;
  color: boolean;
  notice?: string;
  /** Once the rollout ended: the last line. */
  outcome?: { ok: boolean; message: string };
  /** Read keys from a terminal (not in tests that render without one). */
  interactive?: boolean;
  size?: Size;
}

export function FleetProgress({
  state,
  startedAt,
  color,
  notice,
  outcome,
  interactive = false,
  size: fixedSize,
}: FleetProgressProps) {
  const paint = tone(color);
  const { stdout } = useStdout();
  const terminalSize = useTerminalSize(stdout);
  const size = fixedSize ?? terminalSize;
  const [frame, setFrame] = useState(0);
  useEffect(() => {
    if (outcome) return;
    const t = setInterval(() => setFrame((f) => f + 1), 80);
    return () => clearInterval(t);
  }, [outcome]);
  // The target chosen with the keys; until one is, the first running target (else the last that
  // ran). A ref, so keys faster than a render move from where the last one left.
  const chosenRef = useRef<number | undefined>(undefined);
  const [, rerender] = useState(0);
  const { targets } = state;
  const followed = () => {
    const running = targets.findIndex((t) => t.status === "running");
    if (running >= 0) return running;
    const ran = targets.map((t) => t.startedAt !== undefined).lastIndexOf(true);
    return Math.max(0, ran);
  };
  const move = (by: number) => {
    const from = chosenRef.current ?? followed();
    chosenRef.current = Math.max(0, Math.min(targets.length - 1, from + by));
    rerender((n) => n + 1);
  };
  useInput(
    (input, key) => {
      // Raw mode turns Ctrl-C into a key: it is sent on as the signal the apply listens to.
      if (key.ctrl && input === "c") return void process.kill(process.pid, "SIGINT");
      if (key.upArrow || input === "k") move(-1);
      if (key.downArrow || input === "j") move(1);
    },
    { isActive: !outcome && interactive },
  );
  const selected = chosenRef.current ?? followed();
  const chosen = targets[selected];

  // The frame stays shorter than the window (one as tall makes Ink clear the screen and its
  // scrollback): the lines below the targets take the rows they wrap to, the targets at most half
  // of what is left, and the selected one's steps the rest — or nothing, in a window too small.
  const columns = Math.max(20, size.columns);
  const below = (cut: boolean) => {
    const h = (text: string | undefined) => (!text ? 0 : cut ? 1 : heightOf(text, columns));
    return (
      h(state.halted && HALTING[state.halted]) + h(notice) + (outcome ? h(outcome.message) : 1)
    );
  };
  // In a window too small for them whole, the lines below are cut to one row each.
  const cut = size.rows - 2 - below(false) < 1;
  const wrap = cut ? "truncate-end" : "wrap";
  const avail = size.rows - 1 - 1 - below(cut); // one row free, and the header
  const arrows = (height: number) => (targets.length > height ? 2 : 0);
  let listHeight = Math.min(targets.length, Math.max(1, Math.floor((avail - 2) / 2)));
  // Under the targets: a blank line, the selected one's name, and its steps.
  const stepRoom = avail - listHeight - arrows(listHeight) - 2;
  const details = stepRoom >= 1;
  if (!details) {
    listHeight = Math.max(1, Math.min(targets.length, avail - arrows(avail)));
  }
  const list = windowOf(targets, selected, listHeight);
  // The counts of the targets out of view, where there is a row for them (the header counts all).
  const room = listHeight + arrows(listHeight) <= avail;
  const hidden = {
    before: room ? list.start : 0,
    after: room ? targets.length - list.start - list.rows.length : 0,
  };
  const spinner = FRAMES[frame % FRAMES.length] as string;
  const count = (s: TargetStatus) => targets.filter((t) => t.status === s).length;
  const counts = [
    `${count("running")} running`,
    `${count("succeeded") + count("no-changes")} succeeded`,
    `${count("failed")} failed`,
    `${count("waiting")} to start`,
  ].join(", ");

  return (
    <Box flexDirection="column">
      <Text bold wrap="truncate-end">
        wfplan · applying a fleet of {targets.length} target{targets.length === 1 ? "" : "s"} ·{" "}
        {counts}
      </Text>
      {hidden.before ? <Text dimColor> ↑ {hidden.before} more</Text> : null}
      {list.rows.map((t, i) => {
        const mark = MARKS[t.status];
        const head = `${t.id}${t.canary ? " (canary)" : ""}`;
        return (
          <Text key={t.id} inverse={list.start + i === selected} wrap="truncate-end">
            <Text color={paint(mark.tone)}>{t.status === "running" ? spinner : mark.symbol}</Text>{" "}
            {cutToFit(`${head} · ${targetLine(t)}`, columns - 2)}
          </Text>
        );
      })}
      {hidden.after ? <Text dimColor> ↓ {hidden.after} more</Text> : null}
      {chosen && details ? (
        <Box flexDirection="column" marginTop={1}>
          <Text bold wrap="truncate-end">
            {chosen.id}
            {chosen.canary ? " (canary)" : ""}: {chosen.status}
          </Text>
          {detailLines(chosen, stepRoom).map((line, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: lines are positions in a fixed list
            <Text key={i} wrap="truncate-end">
              {"  "}
              <Text color={paint(line.tone)}>
                {line.status === "running" ? spinner : line.symbol}
              </Text>{" "}
              {cutToFit(line.text, columns - 4)}
            </Text>
          ))}
        </Box>
      ) : null}
      {state.halted ? (
        <Text color={paint("yellow")} wrap={wrap}>
          {HALTING[state.halted]}
        </Text>
      ) : null}
      {notice ? (
        <Text color={paint("yellow")} wrap={wrap}>
          {notice}
        </Text>
      ) : null}
      {!outcome ? (
        <Text dimColor wrap="truncate-end">
          applying · {formatDuration(Date.now() - startedAt)} · ↑↓ target · Ctrl-C stops starting
          targets
        </Text>
      ) : (
        <Text bold color={paint(outcome.ok ? "green" : "red")} wrap={wrap}>
          {outcome.message}
        </Text>
      )}
    </Box>
  );
}

type ToneName = Parameters<ReturnType<typeof tone>>[0];

const MARKS: Record<TargetStatus, { symbol: string; tone: ToneName }> = {
  waiting: { symbol: "·", tone: "gray" },
  running: { symbol: "⠋", tone: "cyan" },
  succeeded: { symbol: "✓", tone: "green" },
  "no-changes": { symbol: "✓", tone: "gray" },
  failed: { symbol: "✗", tone: "red" },
  interrupted: { symbol: "■", tone: "yellow" },
  "not-started": { symbol: "–", tone: "gray" },
};

export interface DetailLine {
  symbol: string;
  tone: ToneName;
  /** Set on the running step's line, which shows a spinner. */
  status?: "running";
  text: string;
}

/**
 * The selected target's steps, at most `room` lines: each step with its mark and time, the
 * workforce's status under a running wait, and its error. When they do not fit, the lines around
 * the running (or failed) step are shown, with a count of those above and below.
 */
export function detailLines(t: TargetProgress, room: number): DetailLine[] {
  const n = t.steps.length;
  const lines = t.steps.flatMap((s, i): DetailLine[] => {
    const at = `${i + 1}/${n} ${stepLine(s.step)}`;
    const time = s.ms !== undefined ? ` ${(s.ms / 1000).toFixed(1)}s` : "";
    const note = s.note ? ` · ${s.note}` : "";
    const line = ((): DetailLine => {
      switch (s.status) {
        case "pending":
          return { symbol: "·", tone: "gray", text: at };
        case "running":
          return { symbol: "⠋", tone: "cyan", status: "running", text: at };
        case "done":
          return { symbol: "✓", tone: "green", text: `${at}${time}${note}` };
        case "stopped":
          return { symbol: "■", tone: "yellow", text: `${at} stopped${time}` };
        case "failed":
          return { symbol: "✗", tone: "red", text: `${at}${time}: ${s.error ?? ""}` };
      }
    })();
    const extra: DetailLine[] =
      s.status === "running" && t.waiting
        ? [
            {
              symbol: " ",
              tone: "yellow",
              text: `workforce ${t.waiting.status} (${formatDuration(t.waiting.elapsedMs)})`,
            },
          ]
        : s.status === "running" && t.retry
          ? [{ symbol: " ", tone: "yellow", text: `retrying: ${t.retry}` }]
          : [];
    return [line, ...extra];
  });
  if (t.status === "failed" && t.error && !t.steps.some((s) => s.status === "failed")) {
    lines.push({ symbol: "✗", tone: "red", text: t.error.split("\n")[0] ?? "" });
  }
  if (lines.length === 0) lines.push({ symbol: " ", tone: "gray", text: targetLine(t) });
  if (lines.length <= room) return lines;
  const current = Math.max(
    0,
    lines.findIndex((l) => l.status === "running" || l.tone === "red"),
  );
  // The current step's own lines (a running wait's status under it) stay together.
  const span = lines[current + 1]?.symbol === " " && lines[current + 1]?.tone === "yellow" ? 2 : 1;
  if (room <= span) return lines.slice(current, current + Math.max(1, room));
  // `height` lines from one before the current step (when there is room for that), so what is
  // done is in view as well as what comes.
  const around = (height: number) => {
    const lead = height - span >= 2 ? 1 : 0;
    const start = Math.max(0, Math.min(current - lead, lines.length - height));
    return { start, rows: lines.slice(start, start + height) };
  };
  // The rest of the room goes to a count of the lines hidden above, below, or (when it takes
  // two rows and they are there) both.
  let view = around(room - 1);
  const both = (v: typeof view) => v.start > 0 && v.start + v.rows.length < lines.length;
  if (both(view) && room - 2 >= span) view = around(room - 2);
  const before = view.start;
  const after = lines.length - view.start - view.rows.length;
  const more = (text: string): DetailLine => ({ symbol: " ", tone: "gray", text });
  const counts = [
    ...(before > 0 ? [more(`… ${before} earlier line${before === 1 ? "" : "s"}`)] : []),
    ...(after > 0 ? [more(`… ${after} more line${after === 1 ? "" : "s"}`)] : []),
  ];
  if (counts.length === 2 && view.rows.length + 2 > room) {
    return [counts[0] as DetailLine, ...view.rows];
  }
  return [
    ...(before > 0 ? [counts[0] as DetailLine] : []),
    ...view.rows,
    ...(after > 0 ? [counts.at(-1) as DetailLine] : []),
  ];
}
