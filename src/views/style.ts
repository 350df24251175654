/** Colours for plain-text output: off with --no-color, NO_COLOR, or when the stream is not a terminal. */
import pc from "picocolors";
import type { Colors } from "picocolors/types.js";

const { createColors } = pc;

export type { Colors };

export interface ColorOptions {
  /** commander's --no-color sets this to false. */
  color?: boolean;
}

export function colorsFor(
  opts: ColorOptions,
  stream: { isTTY?: boolean } = process.stdout,
  env: NodeJS.ProcessEnv = process.env,
): Colors {
  return createColors(colorEnabled(opts, stream, env));
}

export function colorEnabled(
  opts: ColorOptions,
  stream: { isTTY?: boolean },
  env: NodeJS.ProcessEnv,
): boolean {
  if (opts.color === false || (env.NO_COLOR ?? "") !== "") return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== "0") return true;
  return stream.isTTY === true && env.TERM !== "dumb";
}

/**
 * The interactive UI runs only with a person at a terminal that can move its cursor: stdin and
 * stdout TTYs, not in CI, and not TERM=dumb (which gets the plain text and prompt).
 */
export function isInteractive(env: NodeJS.ProcessEnv = process.env): boolean {
  const ci = env.CI !== undefined && env.CI !== "" && env.CI !== "false" && env.CI !== "0";
  return (
    process.stdin.isTTY === true && process.stdout.isTTY === true && !ci && env.TERM !== "dumb"
  );
}

/** Colour for the Ink UI (a terminal already): off with --no-color or NO_COLOR. */
export function inkColor(opts: ColorOptions, env: NodeJS.ProcessEnv = process.env): boolean {
  return opts.color !== false && (env.NO_COLOR ?? "") === "";
}
