/**
 * Apply progress: each step with a spinner while it runs, a tick or cross when done, its time,
 * the workforce status while waiting, and the verify result. Finished steps go to <Static>, so
 * the scrollback keeps a record and the live region stays small. Presentational.
 */
import { Box, Static, Text } from "ink";
import { useEffect, useState } from "react";
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

export function Progress({ steps, waiting, startedAt, color, notice, outcome }: ProgressProps) {
  const paint = tone(color);
  const finished = steps
    .map((s, i) => ({ ...s, index: i + 1 }))
    .filter((s) => s.status === "done" || s.status === "failed" || s.status === "stopped");
  const running = steps.findIndex((s) => s.status === "running");
  const pending = steps
    .map((s, i) => ({ ...s, index: i + 1 }))
    .filter((s) => s.status === "pending" || s.status === "running");
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
      {!outcome
        ? pending.map((s) => (
            <Text key={s.index}>
              {s.index - 1 === running ? <Spinner color={color} /> : <Text dimColor>·</Text>}{" "}
              {s.index}/{steps.length} {stepLine(s.step)}
              {s.index - 1 === running && s.step.kind === "wait-active" && waiting ? (
                <Text color={paint("yellow")}>
                  {" "}
                  — workforce {waiting.status} ({formatDuration(waiting.elapsedMs)})
                </Text>
              ) : null}
            </Text>
          ))
        : null}
      {notice ? <Text color={paint("yellow")}>{notice}</Text> : null}
      {!outcome ? (
        <Text dimColor>
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
