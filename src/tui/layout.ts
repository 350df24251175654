/**
 * How the review fits its window: every line's height as the terminal will show it, so the whole
 * frame stays shorter than the window. (A frame as tall as the window makes Ink clear the screen
 * and the terminal's scrollback on every key, and scrolls the header away.) Pure.
 */
import { useEffect, useState } from "react";
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
