/**
 * Apply progress: each finished step with a tick or cross and its time, the running one with a
 * spinner (and the workforce status while waiting), a count of the steps to come, and the verify
 * result. Finished steps go to <Static>, so the scrollback keeps a record and the live region
 * stays a few lines high whatever the number of steps. Presentational.
 */
import { Box, Static, Text, useInput } from "ink";
import { useEffect, useState } from "react";
import type { ApplyEvent } from "../apply/execute.ts";
import type { Step } from "../core/types.ts";
import { stepLine } from "../render/describe.ts";
import { formatDuration } from "../values/duration.ts";
import { tone } from "./tone.ts";

export interface StepState {
  step: Step;
  status: "pending" | "running" | "done" | "failed" | "stopped";
  ms?: number;
  note?: string;
  error?: string;
}

/** An event of one step (not a wait's status or a retry). */
export type StepEvent = Extract<ApplyEvent, { index: number }>;

/** A step's state after one of its events. */
export function stepState(e: StepEvent): StepState {
  switch (e.type) {
    case "step-start":
      return { step: e.step, status: "running" };
    case "step-done":
      return { step: e.step, status: "done", ms: e.ms, ...(e.note && { note: e.note }) };
    case "step-failed":
      return { step: e.step, status: "failed", ms: e.ms, error: e.error };
    case "step-stopped":
      return { step: e.step, status: "stopped", ms: e.ms };
  }
}

export interface ProgressProps {
  steps: StepState[];
  /** The workforce status while waiting, and for how long. */
  waiting?: { status: string; elapsedMs: number };
  startedAt: number;
  color: boolean;
  /** A message for the person at the terminal, such as "stopping after this step". */
  notice?: string;
  /** The final line, once the apply ended. */
  outcome?: { ok: boolean; message: string };
  /** Read keys from a terminal (not in tests that render without one). */
  interactive?: boolean;
}

const FRAMES = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

function Spinner({ color }: { color: boolean }) {
  const [frame, setFrame] = useState(0);
  useEffect(() => {
    const t = setInterval(() => setFrame((f) => (f + 1) % FRAMES.length), 80);
    return () => clearInterval(t);
  }, []);
  return <Text color={tone(color)("cyan")}>{FRAMES[frame]}</Text>;
}

function Elapsed({ since }: { since: number }) {
  const [, tick] = useState(0);
  useEffect(() => {
    const t = setInterval(() => tick((n) => n + 1), 1000);
    return () => clearInterval(t);
  }, []);
  return <Text dimColor>{formatDuration(Date.now() - since)}</Text>;
}

export function Progress({
  steps,
  waiting,
  startedAt,
  color,
  notice,
  outcome,
  interactive = false,
}: ProgressProps) {
  const paint = tone(color);
  const finished = steps
    .map((s, i) => ({ ...s, index: i + 1 }))
    .filter((s) => s.status === "done" || s.status === "failed" || s.status === "stopped");
  const running = steps.findIndex((s) => s.status === "running");
  const toCome = steps.filter((s) => s.status === "pending").length;
  // Keys are read (the terminal in raw mode), so a key pressed during the apply is not echoed
  // into the live region; Ctrl-C, which raw mode turns into a key, is sent on as the signal.
  useInput(
    (input, key) => {
      if (key.ctrl && input === "c") process.kill(process.pid, "SIGINT");
    },
    { isActive: !outcome && interactive },
  );
  const current = running >= 0 ? steps[running] : undefined;
  return (
    <Box flexDirection="column">
      <Static items={finished}>
        {(s) => (
          <Text key={s.index}>
            {s.status === "done" ? (
              <Text color={paint("green")}>✓</Text>
            ) : s.status === "stopped" ? (
              <Text color={paint("yellow")}>■</Text>
            ) : (
              <Text color={paint("red")}>✗</Text>
            )}{" "}
            {s.index}/{steps.length} {stepLine(s.step)}{" "}
            <Text dimColor>
              {((s.ms ?? 0) / 1000).toFixed(1)}s{s.note ? ` · ${s.note}` : ""}
            </Text>
            {s.error ? <Text color={paint("red")}> {s.error}</Text> : null}
          </Text>
        )}
      </Static>
      {!outcome && current ? (
        // One row, whatever the step's words: a live region as tall as the window would make Ink
        // clear the screen and its scrollback. The step is written whole once it is done.
        <Text wrap="truncate-end">
          <Spinner color={color} /> {running + 1}/{steps.length} {stepLine(current.step)}
        </Text>
      ) : null}
      {!outcome && current?.step.kind === "wait-active" && waiting ? (
        <Text color={paint("yellow")} wrap="truncate-end">
          {"  "}workforce {waiting.status} ({formatDuration(waiting.elapsedMs)})
        </Text>
      ) : null}
      {!outcome && toCome > 0 ? (
        <Text dimColor>
          · {toCome} more step{toCome === 1 ? "" : "s"} to come
        </Text>
      ) : null}
      {notice ? <Text color={paint("yellow")}>{notice}</Text> : null}
      {!outcome ? (
        <Text dimColor wrap="truncate-end">
          applying · <Elapsed since={startedAt} /> · Ctrl-C stops after the current step (a wait at
          once)
        </Text>
      ) : (
        <Text bold color={paint(outcome.ok ? "green" : "red")}>
          {outcome.message}
        </Text>
      )}
    </Box>
  );
}
