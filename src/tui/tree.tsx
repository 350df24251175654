/**
 * What every review screen shares (the plan's, Review.tsx, and the fleet's, FleetReview.tsx): a
 * tree of rows to move through and fold, the whole-row view (d), and the prompt. The keys: arrows
 * or j/k move, space (Enter too when not confirming) opens or folds, d shows a row whole, Esc or q
 * declines or closes; type yes + Enter to approve (Enter alone or another answer declines);
 * Ctrl-C interrupts.
 */
import { Box, Text, useInput, useStdout } from "ink";
import { useEffect, useRef, useState } from "react";
import { ACTIONS } from "../render/describe.ts";
import { cutToFit, heightOf, type Size, useTerminalSize, wrapToFit } from "./layout.ts";
import { type Row, windowOf } from "./rows.ts";
import { tone } from "./tone.ts";

export type ReviewOutcome = "approved" | "declined" | "interrupted" | "closed";

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
  // The help line is cut to the window's width: what a row hides comes first.
  { action: "details", letter: "d", help: () => "d whole row" },
  { action: "up", letter: "k", key: "upArrow", help: () => "↑↓/jk move" },
  { action: "down", letter: "j", key: "downArrow" },
  { action: "expand", letter: " ", help: (c) => `${c ? "space" : "Enter/space"} open` },
  { action: "quit", letter: "q", key: "escape", help: (c) => (c ? "Esc/q cancel" : "q quit") },
];
const helpLine = (confirm: boolean) => BINDINGS.flatMap((b) => b.help?.(confirm) ?? []).join(" · ");

export const PROMPT = "Type yes and press Enter to apply (anything else cancels):";

export interface TreeOptions {
  /** The rows, given which groups are open. */
  rowsOf: (expanded: ReadonlySet<string>) => Row[];
  /** The groups open at first. */
  initiallyExpanded: Iterable<string>;
  confirm: boolean;
  onDone: (outcome: ReviewOutcome) => void;
  /** The window's size; by default the terminal's, kept current as it is resized. */
  size?: Size;
}

export interface TreeState {
  rows: Row[];
  /** The selected row's index. */
  at: number;
  expanded: ReadonlySet<string>;
  answer: string;
  done?: ReviewOutcome;
  /** The prompt shows once keys are read (the terminal in raw mode), so nothing typed is lost. */
  listening: boolean;
  size: Size;
  /** The whole-row view, when open: its lines (wrapped), the first shown, and how many fit. */
  whole?: { lines: string[]; scroll: number; height: number };
}

/** A review's state and its keys. */
export function useTree({
  rowsOf,
  initiallyExpanded,
  confirm,
  onDone,
  size: fixedSize,
}: TreeOptions): TreeState {
  const { stdout } = useStdout();
  // Keys can arrive faster than React renders and re-registers the input handler (type-ahead,
  // "jd" or "yes⏎" in one chunk): the handler reads and writes refs, which change at once, and
  // sets the state that renders from them. It never reads a possibly stale render's state.
  const expandedRef = useRef<ReadonlySet<string>>(new Set(initiallyExpanded));
  const selectedRef = useRef(0);
  // The whole-row view (d): the row shown line by line, nothing cut, scrolled from `scroll`.
  const wholeRef = useRef<Row | undefined>(undefined);
  const scrollRef = useRef(0);
  const answerRef = useRef("");
  const doneRef = useRef(false);
  const [, render] = useState(0);
  const [done, setDone] = useState<ReviewOutcome | undefined>();
  const rerender = () => render((n) => n + 1);

  const terminalSize = useTerminalSize(stdout);
  const size = fixedSize ?? terminalSize;
  const sizeRef = useRef(size);
  sizeRef.current = size;
  const rowsNow = () => rowsOf(expandedRef.current);
  const wholeLinesNow = () =>
    wholeRef.current
      ? wholeRef.current.whole.flatMap((line) => wrapToFit(line, sizeRef.current.columns))
      : [];
  const wholeHeightNow = () => Math.max(1, sizeRef.current.rows - 2);

  const finish = (outcome: ReviewOutcome) => {
    if (doneRef.current) return;
    doneRef.current = true;
    setDone(outcome);
    onDone(outcome);
  };
  const type = (text: string) => {
    answerRef.current = text.slice(0, 20);
    rerender();
  };
  const toggleExpanded = () => {
    const rows = rowsNow();
    const row = rows[Math.min(selectedRef.current, rows.length - 1)];
    if (row?.kind !== "resource") return;
    const next = new Set(expandedRef.current);
    if (next.has(row.key)) next.delete(row.key);
    else next.add(row.key);
    expandedRef.current = next;
    rerender();
  };
  const enter = () => {
    // At the prompt Enter answers (alone, it declines); elsewhere it expands like space.
    if (confirm) return finish(answerRef.current.trim() === "yes" ? "approved" : "declined");
    toggleExpanded();
  };

  const act = (action: (typeof BINDINGS)[number]["action"]) => {
    if (wholeRef.current) {
      const last = Math.max(0, wholeLinesNow().length - wholeHeightNow());
      if (action === "up") scrollRef.current = Math.max(0, scrollRef.current - 1);
      if (action === "down") scrollRef.current = Math.min(last, scrollRef.current + 1);
      if (action === "details" || action === "quit") wholeRef.current = undefined;
      return rerender();
    }
    const rows = rowsNow();
    const at = Math.min(selectedRef.current, rows.length - 1);
    switch (action) {
      case "quit":
        return finish(confirm ? "declined" : "closed");
      case "up":
        selectedRef.current = Math.max(0, at - 1);
        return rerender();
      case "down":
        selectedRef.current = Math.min(rows.length - 1, at + 1);
        return rerender();
      case "expand":
        return toggleExpanded();
      case "details":
        wholeRef.current = rows[at];
        scrollRef.current = 0;
        return rerender();
    }
  };

  useInput((input, key) => {
    if (doneRef.current) return;
    if (key.ctrl && input === "c") return finish("interrupted");
    if (wholeRef.current && key.return) {
      wholeRef.current = undefined;
      return rerender();
    }
    if (key.return) return enter();
    const arrow = BINDINGS.find((b) => b.key && key[b.key]);
    if (arrow) return act(arrow.action);
    if (confirm && !wholeRef.current && (key.backspace || key.delete)) {
      return type(answerRef.current.slice(0, -1));
    }
    if (!input || key.ctrl || key.meta) return;
    // Keys may come in one chunk ("jd", or "yes\r"): take them one by one. A letter is a key
    // while nothing is typed at the prompt, and always in the whole-row view.
    for (const ch of input) {
      const letter = BINDINGS.find((b) => b.letter === ch);
      if (letter && (wholeRef.current || answerRef.current.length === 0)) act(letter.action);
      else if (ch === "\r" || ch === "\n") {
        if (wholeRef.current) {
          wholeRef.current = undefined;
          rerender();
        } else if (confirm) return enter();
        else enter();
      } else if (confirm && !wholeRef.current) type(answerRef.current + ch);
    }
  });
  // Keys are read once the terminal is in raw mode, which useInput's effect (declared above, so
  // run first) switches on: the prompt shows from then on, so what is typed at it is never lost.
  const [listening, setListening] = useState(false);
  useEffect(() => setListening(true), []);

  const rows = rowsNow();
  return {
    rows,
    at: Math.min(selectedRef.current, rows.length - 1),
    expanded: expandedRef.current,
    answer: answerRef.current,
    ...(done && { done }),
    listening,
    size,
    ...(wholeRef.current && {
      whole: { lines: wholeLinesNow(), scroll: scrollRef.current, height: wholeHeightNow() },
    }),
  };
}

/** The whole-row view: the row line by line, nothing cut, scrolled when it is taller than the window. */
export function WholeRow({ lines, scroll, height }: NonNullable<TreeState["whole"]>) {
  const shown = lines.slice(scroll, scroll + height);
  const more = lines.length > height;
  // Where the view is, said last: at 40 columns the line is cut, and "back" must stay.
  return (
    <Box flexDirection="column">
      {shown.map((line, i) => (
        // A blank line is a space: Ink gives an empty text no height.
        // biome-ignore lint/suspicious/noArrayIndexKey: lines are positions in a fixed text
        <Text key={scroll + i}>{line || " "}</Text>
      ))}
      <Text dimColor wrap="truncate-end">
        d/Esc back
        {more ? ` · ↑↓ scroll · lines ${scroll + 1}–${scroll + shown.length}/${lines.length}` : ""}
      </Text>
    </Box>
  );
}

/** The rows that fit `height` lines around the selected one, each cut at the window's edge. */
export function RowList({
  tree,
  height,
  color,
}: {
  tree: TreeState;
  height: number;
  color: boolean;
}) {
  const paint = tone(color);
  const { rows, at, expanded, size } = tree;
  const view = windowOf(rows, at, height);
  return (
    <>
      {view.start > 0 ? <Text dimColor> ↑ {view.start} more</Text> : null}
      {view.rows.map((row, i) => {
        const indent = indentOf(row, expanded);
        return (
          // Rows are cut at the window's edge; d shows the selected one whole.
          <Text key={row.key} inverse={view.start + i === at} wrap="truncate-end">
            {indent}
            <Text color={paint(ACTIONS[row.action].tone)}>{row.symbol}</Text>{" "}
            {cutToFit(row.text, size.columns - indent.length - row.symbol.length - 1)}
          </Text>
        );
      })}
      {view.start + view.rows.length < rows.length ? (
        <Text dimColor> ↓ {rows.length - view.start - view.rows.length} more</Text>
      ) : null}
    </>
  );
}

/** The keys, then the prompt (until answered) and the answer. */
export function Footer({
  tree,
  confirm,
  color,
}: {
  tree: TreeState;
  confirm: boolean;
  color: boolean;
}) {
  const paint = tone(color);
  return (
    <>
      <Text dimColor wrap="truncate-end">
        {helpLine(confirm)}
      </Text>
      {confirm && !tree.done && tree.listening ? (
        <Text>
          <Text bold>{PROMPT}</Text> {tree.answer}
          <Text inverse> </Text>
        </Text>
      ) : null}
      {tree.done === "approved" ? <Text color={paint("green")}>Approved.</Text> : null}
      {tree.done === "declined" ? (
        <Text color={paint("yellow")}>Cancelled; nothing changed.</Text>
      ) : null}
    </>
  );
}

/** The rows the footer takes: the help line and, when confirming, the prompt as typed so far. */
export const footerHeight = (confirm: boolean, answer: string, columns: number): number =>
  1 + (confirm ? heightOf(`${PROMPT} ${answer} `, columns) : 0);

/** A row's indent and its fold marker. */
function indentOf(row: Row, expanded: ReadonlySet<string>): string {
  const marker = row.kind === "resource" ? (expanded.has(row.key) ? "▾" : "▸") : " ";
  return `${"  ".repeat(row.depth)}${marker} `;
}
