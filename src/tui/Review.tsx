/**
 * The plan review screen: blockers and warnings first, destructive steps highlighted, the plan as a
 * tree (arrows or j/k to move, space to expand (Enter too when not confirming), d to see a row whole),
 * the summary, and the confirmation: type yes + Enter; Enter alone, another answer, Esc or q
 * declines; Ctrl-C interrupts.
 * Presentational: props in, callbacks out.
 */
import { Box, Text, useInput, useStdout } from "ink";
import { useEffect, useRef, useState } from "react";
import { hasChanges } from "../core/questions.ts";
import type { Plan } from "../core/types.ts";
import {
  ACTIONS,
  IMPACT_TONE,
  impactCountLine,
  impactMark,
  NO_CHANGES,
  noteText,
  preflightLine,
  SECURITY_TITLE,
  statusLine,
  summaryLine,
  unmanagedLine,
} from "../render/describe.ts";
import {
  cutToFit,
  heightOf,
  linesThatFit,
  type Size,
  useTerminalSize,
  wrapToFit,
} from "./layout.ts";
import { buildRows, type Row, STEPS_KEY, securityLines, windowOf } from "./rows.ts";
import { tone } from "./tone.ts";

export type ReviewOutcome = "approved" | "declined" | "interrupted" | "closed";

export interface ReviewProps {
  plan: Plan;
  /** Ask for confirmation (apply); without it the screen only shows the plan (plan). */
  confirm: boolean;
  color: boolean;
  onDone: (outcome: ReviewOutcome) => void;
  /** Rows the tree may use; by default what the window leaves it. */
  height?: number;
  /** The window's size; by default the terminal's, kept current as it is resized. */
  size?: Size;
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
  // The help line is cut to the window's width: what a row hides comes first.
  { action: "details", letter: "d", help: () => "d whole row" },
  { action: "up", letter: "k", key: "upArrow", help: () => "↑↓/jk move" },
  { action: "down", letter: "j", key: "downArrow" },
  { action: "expand", letter: " ", help: (c) => `${c ? "space" : "Enter/space"} open` },
  { action: "quit", letter: "q", key: "escape", help: (c) => (c ? "Esc/q cancel" : "q quit") },
];
const helpLine = (confirm: boolean) => BINDINGS.flatMap((b) => b.help?.(confirm) ?? []).join(" · ");

export function Review({ plan, confirm, color, onDone, height, size: fixedSize }: ReviewProps) {
  const { stdout } = useStdout();
  const paint = tone(color);
  // Keys can arrive faster than React renders and re-registers the input handler (type-ahead,
  // "jd" or "yes⏎" in one chunk): the handler reads and writes refs, which change at once, and
  // sets the state that renders from them. It never reads a possibly stale render's state.
  const expandedRef = useRef<ReadonlySet<string>>(
    // A short plan opens whole; a long one starts folded, one line per resource.
    new Set(
      plan.resources.length <= 3
        ? [...plan.resources.map((r) => `${r.type}:${r.name}`), STEPS_KEY]
        : [],
    ),
  );
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
  const rowsNow = () => buildRows(plan, expandedRef.current);
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

  const expanded = expandedRef.current;
  const rows = rowsNow();
  const at = Math.min(selectedRef.current, rows.length - 1);
  const answer = answerRef.current;
  const scroll = scrollRef.current;
  if (wholeRef.current) {
    const wholeLines = wholeLinesNow();
    const wholeHeight = wholeHeightNow();
    const shown = wholeLines.slice(scroll, scroll + wholeHeight);
    const more = wholeLines.length > wholeHeight;
    // Where the view is, said last: at 40 columns the line is cut, and "back" must stay.
    return (
      <Box flexDirection="column">
        {shown.map((line, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: lines are positions in a fixed text
          <Text key={scroll + i}>{line}</Text>
        ))}
        <Text dimColor wrap="truncate-end">
          d/Esc back
          {more
            ? ` · ↑↓ scroll · lines ${scroll + 1}–${scroll + shown.length}/${wholeLines.length}`
            : ""}
        </Text>
      </Box>
    );
  }

  const layout = layoutOf(plan, size, answer, confirm);
  const view = windowOf(rows, at, height ?? layout.tree);
  const shownSecurity = layout.security;
  const gap = layout.compact ? 0 : 1;

  return (
    <Box flexDirection="column">
      <Text bold wrap="truncate-end">
        wfplan · workforce "{plan.workforceName}" · {plan.region}
      </Text>
      {statusLine(plan) ? <Text color={paint("yellow")}>{statusLine(plan)}</Text> : null}
      {plan.blockers.map((b) => (
        <Box key={b.code + b.message} flexDirection="column" marginTop={gap}>
          <Text color={paint("red")}>✗ Blocked: {noteText(b)}</Text>
          {b.hint ? <Text dimColor> hint: {b.hint}</Text> : null}
        </Box>
      ))}
      {plan.warnings.map((w) => (
        <Text key={w.message} color={paint("yellow")}>
          ! {noteText(w)}
        </Text>
      ))}
      {layout.compact && layout.securityTotal > 0 ? (
        <Text bold color={paint(layout.securityTone)} wrap="truncate-end">
          {impactCountLine(plan)}
        </Text>
      ) : null}
      {!layout.compact && layout.securityTotal > 0 ? (
        <Box
          flexDirection="column"
          borderStyle="round"
          borderColor={paint(layout.securityTone)}
          paddingX={1}
          marginTop={1}
        >
          <Text bold color={paint(layout.securityTone)} wrap="truncate-end">
            {securityTitle(plan)}
          </Text>
          {shownSecurity.map((line, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: lines are positions in a fixed list
            <Text key={i} wrap="truncate-end">
              - <Text color={paint(IMPACT_TONE[line.impact])}>{impactMark(line.impact)}</Text>{" "}
              {cutToFit(line.text, size.columns - 7 - impactMark(line.impact).length)}
            </Text>
          ))}
          {shownSecurity.length < layout.securityTotal ? (
            <Text wrap="truncate-end">
              … and {layout.securityTotal - shownSecurity.length} more (each is in the plan below)
            </Text>
          ) : null}
        </Box>
      ) : null}
      <Box flexDirection="column" marginTop={gap}>
        {!hasChanges(plan) ? <Text color={paint("green")}>{NO_CHANGES}</Text> : null}
        {view.start > 0 ? <Text dimColor> ↑ {view.start} more</Text> : null}
        {view.rows.map((row, i) => {
          const isSelected = view.start + i === at;
          return (
            // Rows are cut at the window's edge; d shows the selected one whole.
            <Text key={row.key} inverse={isSelected} wrap="truncate-end">
              {indentOf(row, expanded)}
              <Text color={paint(ACTIONS[row.action].tone)}>{row.symbol}</Text>{" "}
              {cutToFit(
                row.text,
                size.columns - indentOf(row, expanded).length - row.symbol.length - 1,
              )}
            </Text>
          );
        })}
        {view.start + view.rows.length < rows.length ? (
          <Text dimColor> ↓ {rows.length - view.start - view.rows.length} more</Text>
        ) : null}
      </Box>
      {hasChanges(plan) ? (
        <Box marginTop={gap}>
          <Text bold>{summaryLine(plan)}</Text>
        </Box>
      ) : null}
      {preflightLine(plan) ? <Text dimColor>{preflightLine(plan)}</Text> : null}
      {unmanagedLine(plan) && !layout.compact ? <Text dimColor>{unmanagedLine(plan)}</Text> : null}
      <Text dimColor wrap="truncate-end">
        {helpLine(confirm)}
      </Text>
      {confirm && !done && listening ? (
        <Text>
          <Text bold>{PROMPT}</Text> {answer}
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

/** The security section's title; when it deletes workteams, that each is backed up first. */
const securityTitle = (plan: Plan) =>
  plan.summary.impact.destructive > 0
    ? `${SECURITY_TITLE} (deleted workteams are backed up first)`
    : SECURITY_TITLE;
const PROMPT = "Type yes and press Enter to apply (anything else cancels):";

/** A row's indent and its fold marker. */
function indentOf(row: Row, expanded: ReadonlySet<string>): string {
  const marker = row.kind === "resource" ? (expanded.has(row.key) ? "▾" : "▸") : " ";
  return `${"  ".repeat(row.depth)}${marker} `;
}

/**
 * The frame's budget: everything but the tree takes the rows it needs (wrapped at the window's
 * width) and the tree takes the rest, so the frame is always shorter than the window. The list of
 * security-relevant changes takes at most half of what the tree can spare. In a window too small
 * for that, the frame is compact: no blank lines, the security-relevant changes counted in one
 * line, and the unmanaged fields left to the record printed after the review.
 */
function layoutOf(plan: Plan, size: Size, answer: string, confirm: boolean) {
  const columns = Math.max(20, size.columns);
  const h = (text: string) => heightOf(text, columns);
  const all = securityLines(plan);
  const securityTone = all[0] ? IMPACT_TONE[all[0].impact] : undefined;
  const unmanaged = unmanagedLine(plan);
  const preflight = preflightLine(plan);
  const needs = (compact: boolean) => {
    const gap = compact ? 0 : 1;
    let rows = 1; // the header
    const status = statusLine(plan);
    if (status) rows += h(status);
    for (const b of plan.blockers) {
      rows += gap + h(`✗ Blocked: ${noteText(b)}`) + (b.hint ? h(` hint: ${b.hint}`) : 0);
    }
    for (const w of plan.warnings) rows += h(`! ${noteText(w)}`);
    if (all.length > 0) rows += compact ? h(impactCountLine(plan) ?? "") : gap + 2 + 1; // margin, border, title
    rows += gap + 2; // the tree's margin, and the arrows that say it goes on
    rows += hasChanges(plan) ? gap + h(summaryLine(plan)) : 1;
    if (preflight) rows += h(preflight);
    if (unmanaged && !compact) rows += h(unmanaged);
    rows += 1; // the help line
    if (confirm) rows += h(`${PROMPT} ${answer} `);
    // One row stays free: a frame as tall as the window makes Ink clear the screen.
    return size.rows - 1 - rows;
  };
  const free = needs(false);
  const compact = free - (all.length > 0 ? 1 : 0) < MIN_TREE;
  if (compact) {
    return {
      columns,
      compact,
      securityTotal: all.length,
      securityTone,
      security: [],
      tree: Math.max(1, needs(true)),
    };
  }
  const room = Math.floor((free - MIN_TREE) / 2);
  const shown = all.length === 0 ? 0 : Math.max(1, linesThatFit(all.length, room));
  return {
    columns,
    compact,
    securityTotal: all.length,
    securityTone,
    security: all.slice(0, shown),
    tree: Math.max(MIN_TREE, free - shown - (shown < all.length ? 1 : 0)),
  };
}

const MIN_TREE = 3;
