/** Runs the built CLI (bin/wfplan.js → dist/) as a user would, without a terminal. */
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const BIN = resolve("bin/wfplan.js");

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function wfplan(args: string[], env: NodeJS.ProcessEnv = {}, cwd?: string): RunResult {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    encoding: "utf8",
    cwd,
    env: { ...process.env, NO_COLOR: "", FORCE_COLOR: "0", CI: "true", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

export function tempFile(name: string, content: string | Uint8Array): string {
  const dir = mkdtempSync(join(tmpdir(), "wfplan-test-"));
  const file = join(dir, name);
  writeFileSync(file, content);
  return file;
}

/** A stack trace line, which a user error must never print. */
export const STACK_LINE = /^\s+at .+:\d+:\d+\)?$/m;
