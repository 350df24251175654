/** A running process whose output tests can wait for: the CLI, the emulator, or a pseudo-terminal. */
import {
  type ChildProcessWithoutNullStreams,
  type SpawnOptionsWithoutStdio,
  spawn,
  spawnSync,
} from "node:child_process";
import { resolve } from "node:path";
import { stripVTControlCharacters } from "node:util";
import { afterEach } from "vitest";
import { offline } from "./cli.ts";

const running = new Set<ChildProcessWithoutNullStreams>();

// A test that fails half way must not leave its process behind (waiting at a prompt, say).
afterEach(() => {
  for (const child of running) child.kill("SIGKILL");
  running.clear();
});

export interface Session {
  child: ChildProcessWithoutNullStreams;
  /** stdout and stderr so far, as text (without terminal colour and cursor codes). */
  output(): string;
  /** stdout and stderr so far, as written (with the terminal's codes), for a terminal emulator. */
  raw(): string;
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpExecArray>;
  type(text: string): void;
  exited: Promise<number | null>;
}

export function startProcess(
  command: string,
  args: string[],
  options: SpawnOptionsWithoutStdio = {},
): Session {
  const child = spawn(command, args, options);
  running.add(child);
  child.on("close", () => running.delete(child));
  let out = "";
  let raw = "";
  const waiters: { pattern: RegExp; done: (m: RegExpExecArray) => void }[] = [];
  const onData = (d: string) => {
    raw += d;
    out += stripVTControlCharacters(d);
    for (const w of [...waiters]) {
      const m = w.pattern.exec(out);
      if (m) {
        waiters.splice(waiters.indexOf(w), 1);
        w.done(m);
      }
    }
  };
  // Decoded as a stream: a character split between two reads is not two broken ones.
  child.stdout.setEncoding("utf8");
  child.stderr.setEncoding("utf8");
  child.stdout.on("data", onData);
  child.stderr.on("data", onData);
  const exited = new Promise<number | null>((r) => child.on("close", (code) => r(code)));
  return {
    child,
    output: () => out,
    raw: () => raw,
    type: (text) => child.stdin.write(text),
    exited,
    waitFor: (pattern, timeoutMs = 20_000) =>
      new Promise((done, fail) => {
        const m = pattern.exec(out);
        if (m) return done(m);
        const timer = setTimeout(
          () => fail(new Error(`timed out waiting for ${pattern}; output so far:\n${out}`)),
          timeoutMs,
        );
        waiters.push({
          pattern,
          done: (found) => {
            clearTimeout(timer);
            done(found);
          },
        });
      }),
  };
}

/** `wfplan ARGS` with no terminal, as CI runs it, with test credentials. */
export function startWfplan(args: string[], env: NodeJS.ProcessEnv = {}, cwd?: string): Session {
  return startProcess(process.execPath, [resolve("bin/wfplan.js"), ...offline(args)], {
    cwd,
    env: {
      ...process.env,
      CI: "true",
      AWS_ACCESS_KEY_ID: "test",
      AWS_SECRET_ACCESS_KEY: "test",
      ...env,
    },
  });
}

/** Whether util-linux `script`, which the pseudo-terminal tests run wfplan in, is installed. */
export const hasScript = spawnSync("script", ["--version"]).status === 0;

/**
 * The built CLI in a real pseudo-terminal of `columns` × `rows` (util-linux `script` allocates it),
 * as a person runs it: a colour-free xterm, not in CI, with test credentials.
 */
export function startTerminal(
  args: string[],
  {
    cwd,
    columns,
    rows,
    env = {},
  }: { cwd: string; columns: number; rows: number; env?: NodeJS.ProcessEnv },
): Session {
  const command = [
    `stty cols ${columns} rows ${rows};`,
    process.execPath,
    resolve("bin/wfplan.js"),
    ...offline(args),
  ].join(" ");
  const { CI, ...rest } = process.env;
  return startProcess("script", ["-qfec", command, "/dev/null"], {
    cwd,
    env: {
      ...rest,
      TERM: "xterm-256color",
      NO_COLOR: "1",
      AWS_ACCESS_KEY_ID: "test",
      AWS_SECRET_ACCESS_KEY: "test",
      ...env,
    },
  });
}

/** `wfplan emulator` as a process; resolves with its URL once it listens. */
export async function startEmulatorProcess(args: string[], env: NodeJS.ProcessEnv = {}) {
  const session = startWfplan(["emulator", "--port", "0", ...args], env);
  const [, url] = await session.waitFor(/listening on (http:\/\/127\.0\.0\.1:\d+)/);
  const stop = async () => {
    session.child.kill("SIGTERM");
    return session.exited;
  };
  return { ...session, url: url!, stop };
}
