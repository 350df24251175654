/** Runs the built CLI (bin/wfplan.js → dist/) as a user would, without a terminal. */
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const BIN = resolve("bin/wfplan.js");

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * The preflight checks read the identity provider and AWS, which a test must not reach: tests of
 * everything else run plan and apply with --no-preflight. A test of the checks passes
 * --preflight, which this takes out (wfplan has no such flag).
 */
export function offline(args: string[]): string[] {
  if (args.includes("--preflight")) return args.filter((a) => a !== "--preflight");
  return args[0] === "plan" || args[0] === "apply" ? [...args, "--no-preflight"] : args;
}

export function wfplan(args: string[], env: NodeJS.ProcessEnv = {}, cwd?: string): RunResult {
  const r = spawnSync(process.execPath, [BIN, ...offline(args)], {
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

/**
 * The same, asynchronously: needed when the test process itself serves the emulator the CLI
 * talks to (a synchronous spawn would block the server's event loop).
 */
export function wfplanAsync(
  args: string[],
  env: NodeJS.ProcessEnv = {},
  cwd?: string,
): Promise<RunResult> {
  return new Promise((resolvePromise) => {
    const child = spawn(process.execPath, [BIN, ...offline(args)], {
      cwd,
      env: {
        ...process.env,
        NO_COLOR: "",
        FORCE_COLOR: "0",
        CI: "true",
        AWS_ACCESS_KEY_ID: "test",
        AWS_SECRET_ACCESS_KEY: "test",
        ...env,
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => {
      stdout += d;
    });
    child.stderr.on("data", (d) => {
      stderr += d;
    });
    child.on("close", (code) => resolvePromise({ code, stdout, stderr }));
  });
}
