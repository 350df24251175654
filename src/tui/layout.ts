/**
 * How the review fits its window: every line's height as the terminal will show it, so the whole
 * frame stays shorter than the window. (A frame as tall as the window makes Ink clear the screen
 * and the terminal's scrollback on every key, and scrolls the header away.) Pure.
 */
import cliTruncate from "cli-truncate";
import { useEffect, useState } from "react";
import stringWidth from "string-width";
import wrapAnsi from "wrap-ansi";

export interface Size {
  columns: number;
  rows: number;
}

/** The rows `text` takes at `columns` when Ink wraps it (`<Text wrap="wrap">`). */
export function heightOf(text: string, columns: number): number {
  if (text === "") return 1;
  return wrapAnsi(text, Math.max(1, columns), { hard: true, trim: false }).split("\n").length;
}

/**
 * How many of `total` lines fit, when each line is one row and `room` rows are free: all of them,
 * or as many as fit with one row left for "… and N more".
 */
export function linesThatFit(total: number, room: number): number {
  if (total <= room) return total;
  return Math.max(0, room - 1);
}

/** The terminal's size, kept current as the window is resized. */
export function useTerminalSize(stdout: NodeJS.WriteStream | undefined): Size {
  const [size, setSize] = useState(() => sizeOf(stdout));
  useEffect(() => {
    if (!stdout) return;
    const onResize = () => setSize(sizeOf(stdout));
    stdout.on("resize", onResize);
    return () => {
      stdout.off("resize", onResize);
    };
  }, [stdout]);
  return size;
}

const sizeOf = (stdout: NodeJS.WriteStream | undefined): Size => ({
  columns: stdout?.columns || 80,
  rows: stdout?.rows || 24,
});

const graphemes = new Intl.Segmenter();

/**
 * Graphemes whose width terminals disagree on: emoji sequences of several code points (👨‍👩‍👧 is
 * 2 columns to string-width, which Ink measures with, and 3 to xterm.js).
 */
function uncertain(text: string): number {
  let n = 0;
  for (const { segment } of graphemes.segment(text)) {
    if (segment.length > 2 && /\p{Extended_Pictographic}/u.test(segment)) n++;
  }
  return n;
}

/**
 * `text` cut with "…" to fit `columns` even in a terminal that draws each uncertain grapheme one
 * column wider than Ink counts it: a row that overflowed would wrap, grow the frame by a line,
 * and leave a copy of its top behind at every redraw.
 */
export function cutToFit(text: string, columns: number): string {
  if (stringWidth(text) + uncertain(text) <= columns) return text;
  for (let width = columns; width > 1; width--) {
    const cut = cliTruncate(text, width);
    if (stringWidth(cut) + uncertain(cut) <= columns) return cut;
  }
  return "…";
}

/** Lines wrapped at `columns` so that none overflows in such a terminal either. */
export function wrapToFit(line: string, columns: number): string[] {
  const width = Math.max(10, columns);
  return wrapAnsi(line, width, { hard: true, trim: false })
    .split("\n")
    .flatMap((l) =>
      stringWidth(l) + uncertain(l) <= width
        ? [l]
        : wrapAnsi(l, width - uncertain(l), { hard: true, trim: false }).split("\n"),
    );
}
