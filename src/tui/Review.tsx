/**
 * The plan review screen: blockers and warnings first, destructive steps highlighted, the plan as a
 * tree (arrows or j/k to move, space to expand (Enter too when not confirming), d for details),
 * the summary, and the confirmation: type yes + Enter; Enter alone, another answer, Esc or q
 * declines; Ctrl-C interrupts.
 * Presentational: props in, callbacks out.
 */
import { Box, Text, useInput, useStdout } from "ink";
import { useEffect, useMemo, useRef, useState } from "react";
import { hasChanges } from "../core/questions.ts";
import type { Plan } from "../core/types.ts";
import {
  ACTIONS,
  NO_CHANGES,
  noteText,
  statusLine,
  summaryLine,
  unmanagedLine,
} from "../render/describe.ts";
import { buildRows, destructive, STEPS_KEY, windowOf } from "./rows.ts";
import { tone } from "./tone.ts";

export type ReviewOutcome = "approved" | "declined" | "interrupted" | "closed";

export interface ReviewProps {
  plan: Plan;
  /** Ask for confirmation (apply); without it the screen only shows the plan (plan). */
  confirm: boolean;
  color: boolean;
  onDone: (outcome: ReviewOutcome) => void;
  /** Lines the tree may use; defaults to what fits the terminal. */
  height?: number;
}

/**
 * The review's keys, one list for the input handler and the help line. A letter works while
 * nothing is typed at the prompt; an Ink key (arrows, Esc) always does.
 */
const BINDINGS: readonly {
  action: "up" | "down" | "expand" | "details" | "quit";
  letter: string;
  key?: "upArrow" | "downArrow" | "escape";
  help?: (confirm: boolean) => string;
}[] = [
  { action: "up", letter: "k", key: "upArrow", help: () => "↑/↓ or j/k move" },
  { action: "down", letter: "j", key: "downArrow" },
  { action: "expand", letter: " ", help: (c) => `${c ? "space" : "Enter/space"} expand` },
  { action: "details", letter: "d", help: () => "d details" },
  { action: "quit", letter: "q", key: "escape", help: (c) => (c ? "Esc or q cancel" : "q quit") },
];
const NAV_KEYS = new Set(BINDINGS.map((b) => b.letter));
const helpLine = (confirm: boolean) => BINDINGS.flatMap((b) => b.help?.(confirm) ?? []).join(" · ");

export function Review({ plan, confirm, color, onDone, height }: ReviewProps) {
  const { stdout } = useStdout();
  const paint = tone(color);
  // A short plan opens whole; a long one starts folded, one line per resource.
  const [expanded, setExpanded] = useState<Set<string>>(
    () =>
      new Set(
        plan.resources.length <= 3
          ? [...plan.resources.map((r) => `${r.type}:${r.name}`), STEPS_KEY]
          : [],
      ),
  );
  const [details, setDetails] = useState<Set<string>>(() => new Set());
  const [selected, setSelected] = useState(0);
  const [answer, setAnswer] = useState("");
  const [done, setDone] = useState<ReviewOutcome | undefined>();
  // Keys can arrive faster than React re-registers the input handler (type-ahead, "yes⏎" in one
  // chunk): the handler reads and writes these refs, never a possibly stale render's state.
  const answerRef = useRef("");
  const doneRef = useRef(false);
  const rows = useMemo(() => buildRows(plan, expanded, details), [plan, expanded, details]);
  const current = rows[Math.min(selected, rows.length - 1)];

  const finish = (outcome: ReviewOutcome) => {
    if (doneRef.current) return;
    doneRef.current = true;
    setDone(outcome);
    onDone(outcome);
  };
  const type = (text: string) => {
    answerRef.current = text.slice(0, 20);
    setAnswer(answerRef.current);
  };
  const toggle = (set: Set<string>, key: string) => {
    const next = new Set(set);
    if (next.has(key)) next.delete(key);
    else next.add(key);
    return next;
  };
  const enter = () => {
    // At the prompt Enter answers (alone, it declines); elsewhere it expands like space.
    if (confirm) return finish(answerRef.current.trim() === "yes" ? "approved" : "declined");
    if (current?.kind === "resource") setExpanded((e) => toggle(e, current.key));
  };

  useInput((input, key) => {
    if (doneRef.current) return;
    const typing = answerRef.current.length > 0;
    if (key.ctrl && input === "c") return finish("interrupted");
    if (key.return) return enter();
    const bound = BINDINGS.find((b) => (b.key && key[b.key]) || (input === b.letter && !typing));
    switch (bound?.action) {
      case "quit":
        return finish(confirm ? "declined" : "closed");
      case "up":
        return setSelected((s) => Math.max(0, s - 1));
      case "down":
        return setSelected((s) => Math.min(rows.length - 1, s + 1));
      case "expand":
        if (current?.kind === "resource") setExpanded((e) => toggle(e, current.key));
        return;
      case "details":
        if (current) setDetails((d) => toggle(d, current.owner));
        return;
    }
    if (!confirm) return;
    if (key.backspace || key.delete) return type(answerRef.current.slice(0, -1));
    if (!input || key.ctrl || key.meta || (NAV_KEYS.has(input) && !typing)) return;
    // Text may come as one chunk, Enter included ("yes\r"): take it character by character.
    for (const ch of input) {
      if (ch === "\r" || ch === "\n") return enter();
      type(answerRef.current + ch);
    }
  });
  // Keys are read once the terminal is in raw mode, which useInput's effect (declared above, so
  // run first) switches on: the prompt shows from then on, so what is typed at it is never lost.
  const [listening, setListening] = useState(false);
  useEffect(() => setListening(true), []);

  const destroyed = destructive(plan);
  const treeHeight =
    height ??
    Math.max(
      5,
      (stdout?.rows ?? 24) -
        12 -
        plan.blockers.length * 2 -
        plan.warnings.length -
        destroyed.length,
    );
  const view = windowOf(rows, selected, treeHeight);

  return (
    <Box flexDirection="column">
      <Text bold>
        wfplan · workforce "{plan.workforceName}" · {plan.region}
      </Text>
      {statusLine(plan) ? <Text color={paint("yellow")}>{statusLine(plan)}</Text> : null}
      {plan.blockers.map((b) => (
        <Box key={b.code + b.message} flexDirection="column" marginTop={1}>
          <Text color={paint("red")}>✗ Blocked: {noteText(b)}</Text>
          {b.hint ? <Text dimColor> hint: {b.hint}</Text> : null}
        </Box>
      ))}
      {plan.warnings.map((w) => (
        <Text key={w.message} color={paint("yellow")}>
          ! {noteText(w)}
        </Text>
      ))}
      {destroyed.length > 0 ? (
        <Box
          flexDirection="column"
          borderStyle="round"
          borderColor={paint("red")}
          paddingX={1}
          marginTop={1}
        >
          <Text bold color={paint("red")}>
            Destructive: these workteams will be deleted (each backed up first)
          </Text>
          {destroyed.map((d) => (
            <Text key={d}>- {d}</Text>
          ))}
        </Box>
      ) : null}
      <Box flexDirection="column" marginTop={1}>
        {!hasChanges(plan) ? <Text color={paint("green")}>{NO_CHANGES}</Text> : null}
        {view.start > 0 ? <Text dimColor> ↑ {view.start} more</Text> : null}
        {view.rows.map((row, i) => {
          const isSelected = view.start + i === selected;
          const marker = row.kind === "resource" ? (expanded.has(row.key) ? "▾" : "▸") : " ";
          return (
            <Text key={row.key} inverse={isSelected} wrap="truncate-end">
              {"  ".repeat(row.depth)}
              {marker} <Text color={paint(ACTIONS[row.action].tone)}>{row.symbol}</Text> {row.text}
            </Text>
          );
        })}
        {view.start + view.rows.length < rows.length ? (
          <Text dimColor> ↓ {rows.length - view.start - view.rows.length} more</Text>
        ) : null}
      </Box>
      {hasChanges(plan) ? (
        <Box marginTop={1}>
          <Text bold>{summaryLine(plan)}</Text>
        </Box>
      ) : null}
      {unmanagedLine(plan) ? <Text dimColor>{unmanagedLine(plan)}</Text> : null}
      <Text dimColor>{helpLine(confirm)}</Text>
      {confirm && !done && listening ? (
        <Text>
          <Text bold>Type yes and press Enter to apply</Text> (anything else cancels): {answer}
          <Text inverse> </Text>
        </Text>
      ) : null}
      {done === "approved" ? <Text color={paint("green")}>Approved.</Text> : null}
      {done === "declined" ? (
        <Text color={paint("yellow")}>Cancelled; nothing changed.</Text>
      ) : null}
    </Box>
  );
}
