/**
 * Hard edges (issue 13): an endpoint that never answers, files that are not files, bad flag
 * values, a not-found in other words, Ctrl-C during the wait, a missing profile, a bad URL. Each
 * ends with a clear message, the contract's exit code, no stack trace, nothing changed, and in a
 * time far below any hang (the bounds are generous, for a busy CI machine).
 */
import { execFileSync } from "node:child_process";
import {
  closeSync,
  ftruncateSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { createServer, type Server, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { oidcConfig, spec, yaml } from "../builders.ts";
import { type RunResult, STACK_LINE, wfplanAsync } from "../helpers/cli.ts";
import { emulator, mutations, seededTeamSpec, seedRich } from "../helpers/emulator.ts";
import { startWfplan } from "../helpers/process.ts";

const SECRET = "edges-secret-P9";

function project(value = spec(), extra: Record<string, string | Uint8Array> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), "wfplan-edges-"));
  writeFileSync(join(dir, "workforce.yaml"), yaml({ region: "us-east-1", ...value }));
  for (const [name, content] of Object.entries(extra)) writeFileSync(join(dir, name), content);
  return dir;
}

/** Runs wfplan and measures how long it took. */
async function timed(args: string[], env: NodeJS.ProcessEnv = {}, cwd?: string) {
  const start = Date.now();
  const r = await wfplanAsync(args, { WFPLAN_OIDC_CLIENT_SECRET: SECRET, ...env }, cwd);
  return { ...r, ms: Date.now() - start };
}

/** No stack trace, no internal error, and (when timed) far below any hang. */
const clean = (r: RunResult & { ms?: number }) => {
  expect(r.stdout + r.stderr).not.toMatch(STACK_LINE);
  expect(r.stdout + r.stderr).not.toMatch(/internal error/);
  if (r.ms !== undefined) expect(r.ms).toBeLessThan(30_000);
};

const servers: Server[] = [];
afterEach(() => {
  for (const s of servers.splice(0)) s.close();
});

/** A local server that handles each connection with `onConnection`; resolves with its URL. */
async function listen(onConnection: (socket: Socket) => void): Promise<string> {
  const server = createServer(onConnection);
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  return `http://127.0.0.1:${(server.address() as { port: number }).port}`;
}

describe("1. an endpoint that accepts and never answers", () => {
  it("plan ends with a message naming the endpoint, the call and the timeout", async () => {
    const url = await listen(() => {});
    const r = await timed(
      ["plan", "--endpoint-url", url],
      { WFPLAN_REQUEST_TIMEOUT: "1s" },
      project(),
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      new RegExp(
        `(DescribeWorkforce|ListWorkteams): no answer from ${url.replace(/\./g, "\\.")} in 6 attempts of 1s each`,
      ),
    );
    expect(r.stderr).toContain("WFPLAN_REQUEST_TIMEOUT");
    clean(r);
  }, 40_000);

  it("a poll that times out during the wait is one poll: apply waits on and finishes", async () => {
    const emu = await emulator({ updateDelayMs: 200 });
    seedRich(emu, []);
    let polls = 0;
    emu.onCall((call) => {
      if (call.operation === "UpdateWorkforce") emu.setFaults({ latencyMs: 1500 });
      else if (
        call.operation === "DescribeWorkforce" &&
        emu.calls.some((c) => c.operation === "UpdateWorkforce")
      ) {
        polls += 1;
        if (polls === 6) emu.setFaults({}); // one whole poll (6 attempts) timed out
      }
    });
    const dir = project(spec({ workforce: { sourceIpConfig: { cidrs: ["10.9.0.0/16"] } } }));
    const r = await timed(
      ["apply", "--auto-approve", "--endpoint-url", emu.url],
      { WFPLAN_REQUEST_TIMEOUT: "1s" },
      dir,
    );
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/retrying: DescribeWorkforce: no answer from .* still waiting/);
    expect(r.stdout).toContain("Verified");
    // Its own bound: the timed-out poll alone takes 6 attempts of 1 s.
    expect(r.stdout + r.stderr).not.toMatch(STACK_LINE);
    expect(r.ms).toBeLessThan(50_000);
  }, 60_000);
});

describe("2. reads are bounded: only regular files, only up to a limit", () => {
  const dir = mkdtempSync(join(tmpdir(), "wfplan-edges-files-"));
  const fifo = join(dir, "fifo");
  execFileSync("mkfifo", [fifo]);
  const sparse = join(dir, "sparse.yaml");
  const fd = openSync(sparse, "w");
  ftruncateSync(fd, 2 * 1024 * 1024 * 1024); // 2 GiB that take no disk
  closeSync(fd);
  const cases: [string, string, RegExp][] = [
    ["/dev/zero", "/dev/zero", /is a character device, not a regular file/],
    ["a FIFO", fifo, /is a named pipe \(FIFO\), not a regular file/],
    ["a 2 GiB sparse file", sparse, /the file is 2048\.0 MiB; at most [\d.]+ [KM]iB is allowed/],
  ];

  it.each(cases)("%s as the spec: exit 1, located, at once", async (_n, file, message) => {
    const r = await timed(["validate", "-f", file]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(message);
    expect(r.stdout).toContain(`${file}: error:`);
    clean(r);
  });

  it.each(cases)(
    "%s as a ${file:} secret: exit 1 when it must be read, nothing changed",
    async (_n, file, message) => {
      const emu = await emulator();
      seedRich(emu, []);
      const d = project(
        spec({
          workforce: {
            oidcConfig: oidcConfig({
              clientSecret: `\${file:${file}}`,
              issuer: "https://new.example.com",
            }),
          },
        }),
      );
      const mark = emu.calls.length;
      const r = await timed(["apply", "--auto-approve", "--endpoint-url", emu.url], {}, d);
      expect(r.code).toBe(1);
      expect(r.stdout + r.stderr).toMatch(message);
      clean(r);
      expect(mutations(emu, mark)).toEqual([]);
      expect(r.ms).toBeLessThan(10_000);
    },
  );

  it.each(cases)("%s as a plan file: refused", async (_n, file, message) => {
    const r = await timed(["apply", file]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(message);
    clean(r);
  });
});

describe("3. flag values are checked before the first API call", () => {
  it.each([
    [
      ["apply", "--auto-approve", "--timeout", "abc"],
      /'--timeout <DURATION>' argument 'abc' is invalid\. expected a duration from 1s to 24h/,
    ],
    [["apply", "--auto-approve", "--timeout", "0"], /argument '0' is invalid/],
    [["apply", "--auto-approve", "--timeout", "0s"], /argument '0s' is invalid/],
    [["apply", "--auto-approve", "--timeout", "-5s"], /argument '-5s' is invalid/],
    [["apply", "--auto-approve", "--timeout", "25h"], /argument '25h' is invalid/],
    [
      ["plan", "--region", "US East"],
      /'--region <REGION>' argument 'US East' is invalid\. expected an AWS region/,
    ],
  ])("wfplan %j: exit 1, the allowed forms, no call", async (args, message) => {
    const emu = await emulator();
    seedRich(emu, []);
    const mark = emu.calls.length;
    const r = await timed([...args, "--endpoint-url", emu.url], {}, project());
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(message);
    clean(r);
    expect(emu.calls.length).toBe(mark);
  });

  it("an unusable WFPLAN_REQUEST_TIMEOUT is refused before any call", async () => {
    const emu = await emulator();
    const r = await timed(
      ["plan", "--endpoint-url", emu.url],
      { WFPLAN_REQUEST_TIMEOUT: "forever" },
      project(),
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("WFPLAN_REQUEST_TIMEOUT=forever is not a duration from 1s to 5m");
    expect(emu.calls).toEqual([]);
    clean(r);
  });
});

describe("4. a missing workforce, whatever the service's words", () => {
  it("plans its creation when DescribeWorkforce words it differently, confirmed by ListWorkforces", async () => {
    const emu = await emulator({
      faults: { workforceNotFoundMessage: "Workforce labelers could not be located." },
    });
    const r = await timed(
      ["plan", "--detailed-exitcode", "--endpoint-url", emu.url],
      {},
      project(),
    );
    expect(r.code, r.stdout + r.stderr).toBe(2);
    expect(r.stdout).toContain('create workforce "labelers"');
    expect(emu.calls.map((c) => c.operation)).toContain("ListWorkforces");
    clean(r);
  });
});

describe("5. Ctrl-C during the wait says what really happens", () => {
  it("the wait stops now, the update goes on in AWS; the step is stopped, not failed; exit 130", async () => {
    const emu = await emulator({ updateDelayMs: 5000 });
    seedRich(emu, []);
    const dir = project(spec({ workforce: { sourceIpConfig: { cidrs: ["10.9.0.0/16"] } } }));
    const run = startWfplan(["apply", "--auto-approve", "--endpoint-url", emu.url], {}, dir);
    await run.waitFor(/wait until the workforce is Active …/);
    const start = Date.now();
    run.child.kill("SIGINT");
    expect(await run.exited).toBe(130);
    const out = run.output();
    clean({ code: 130, stdout: out, stderr: "", ms: Date.now() - start });
    expect(out).toContain(
      "Interrupt received: the wait stops now. The workforce update goes on in AWS",
    );
    expect(out).toMatch(/\[2\/3\] ■ stopped after/);
    expect(out).not.toMatch(/✗ failed/);
    expect(out).not.toContain("finishing the current step");
  });
});

describe("6. a profile that does not exist", () => {
  it.each([
    ["--profile", ["--profile", "nosuch"], {}, "profile nosuch does not exist in"],
    [
      "AWS_PROFILE",
      [],
      { AWS_PROFILE: "nosuch" },
      "profile nosuch (from AWS_PROFILE) does not exist in",
    ],
  ])(
    "(%s) is named, with where profiles are read from, and no SDK warning text",
    async (_n, args, env, message) => {
      const emu = await emulator();
      const dir = project();
      const config = join(dir, "config");
      writeFileSync(config, "[profile other]\nregion = us-east-1\n");
      const r = await timed(
        ["plan", ...args, "--endpoint-url", emu.url],
        {
          ...env,
          AWS_CONFIG_FILE: config,
          AWS_SHARED_CREDENTIALS_FILE: join(dir, "credentials"),
        },
        dir,
      );
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(message);
      expect(r.stderr).toContain(config);
      expect(r.stderr).not.toMatch(/Multiple credential sources|@aws-sdk/);
      clean(r);
      expect(emu.calls).toEqual([]);
    },
  );
});

describe("7. an endpoint URL that is not one", () => {
  it.each([
    [
      ["--endpoint-url", "notaurl"],
      {},
      /--endpoint-url <URL>' argument 'notaurl' is invalid\. expected an http\(s\) URL/,
    ],
    [["--endpoint-url", "ftp://example.com"], {}, /argument 'ftp:\/\/example.com' is invalid/],
    [
      [],
      { AWS_ENDPOINT_URL_SAGEMAKER: "notaurl" },
      /AWS_ENDPOINT_URL_SAGEMAKER=notaurl is not a URL/,
    ],
  ])("%j %j: exit 1, said plainly", async (args, env, message) => {
    const r = await timed(["plan", ...args], env, project());
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toContain("TypeError");
    clean(r);
  });
});

describe("the review of these edges", () => {
  it("an endpoint that trickles its answer byte by byte ends within the deadline of a call", async () => {
    const url = await listen((socket) => {
      socket.write(
        "HTTP/1.1 200 OK\r\ncontent-type: application/x-amz-json-1.1\r\ncontent-length: 100000\r\n\r\n",
      );
      const timer = setInterval(() => socket.write("{"), 300);
      socket.on("close", () => clearInterval(timer));
      socket.on("error", () => clearInterval(timer));
    });
    const r = await timed(
      ["plan", "--endpoint-url", url],
      { WFPLAN_REQUEST_TIMEOUT: "1s" },
      project(),
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/no whole answer from .* within 11s/);
    clean(r);
  }, 40_000);

  it("a create whose answer was lost (the SDK tried again: 'already exists') is counted as done", async () => {
    const emu = await emulator({ updateDelayMs: 100 });
    seedRich(emu, []);
    emu.setFaults({ delayAnswer: { operation: "CreateWorkteam", ms: 2500, count: 1 } });
    const dir = project(spec({ workteams: [seededTeamSpec("annotators")] }));
    const r = await timed(
      ["apply", "--auto-approve", "--endpoint-url", emu.url],
      { WFPLAN_REQUEST_TIMEOUT: "1s" },
      dir,
    );
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain(
      "done already: an earlier attempt whose answer was lost had done it",
    );
    expect(r.stdout).toContain("Verified");
    expect(
      emu.calls.filter((c) => c.operation === "CreateWorkteam").map((c) => c.errorType),
    ).toEqual([undefined, "ResourceInUse"]);
  }, 30_000);

  it("Ctrl-C while a poll hangs: the wait stops at once, exit 130, the step stopped", async () => {
    const emu = await emulator({ updateDelayMs: 60_000 });
    seedRich(emu, []);
    emu.onCall((call) => {
      if (call.operation === "UpdateWorkforce") emu.setFaults({ latencyMs: 60_000 });
    });
    const dir = project(spec({ workforce: { sourceIpConfig: { cidrs: ["10.9.0.0/16"] } } }));
    const run = startWfplan(["apply", "--auto-approve", "--endpoint-url", emu.url], {}, dir);
    await run.waitFor(/wait until the workforce is Active …/);
    const start = Date.now();
    run.child.kill("SIGINT");
    expect(await run.exited).toBe(130);
    expect(Date.now() - start).toBeLessThan(10_000);
    expect(run.output()).toMatch(/■ stopped after/);
    emu.setFaults({});
  }, 30_000);

  it("--out that is a directory or a link is refused before any call", async () => {
    const emu = await emulator();
    const dir = project();
    mkdirSync(join(dir, "a-directory"));
    symlinkSync("/dev/null", join(dir, "a-link"));
    for (const [out, what] of [
      ["a-directory", "a directory"],
      ["a-link", "a symbolic link"],
    ]) {
      const r = await timed(["plan", "--out", out!, "--endpoint-url", emu.url], {}, dir);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`cannot write ${out}: it is ${what}`);
      clean(r);
    }
    expect(emu.calls).toEqual([]);
  });

  it("a key that is itself a mapping is refused before it is turned into text", async () => {
    const file = join(project(), "keys.yaml");
    writeFileSync(file, `version: 1\nworkforce: ${"{".repeat(30)}x: 1${"}: 1".repeat(30)}\n`);
    const r = await timed(["validate", "-f", file]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("a key here is a mapping or a list; spec keys are plain names");
    clean(r);
  });

  it("a profile named like an object's own property does not pass for one that exists", async () => {
    const dir = project();
    writeFileSync(join(dir, "config"), "[profile other]\n");
    const r = await timed(
      ["plan", "--profile", "constructor", "--endpoint-url", "http://127.0.0.1:1"],
      {
        AWS_CONFIG_FILE: join(dir, "config"),
        AWS_SHARED_CREDENTIALS_FILE: join(dir, "credentials"),
      },
      dir,
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("profile constructor does not exist");
  });
});

describe("the emulator's own files", () => {
  const HINT = "  hint: an emulator state file is a regular JSON file of at most 16.0 MiB\n";

  /** `wfplan emulator` with these flags, which must end at once (it serves until killed). */
  async function refused(args: string[]) {
    const start = Date.now();
    const run = startWfplan(["emulator", "--port", "0", "--quiet", ...args]);
    const code = await Promise.race([
      run.exited,
      new Promise<"still running">((r) => setTimeout(() => r("still running"), 10_000)),
    ]);
    return { code, output: run.output(), ms: Date.now() - start };
  }

  function sparse(size: number): string {
    const file = join(mkdtempSync(join(tmpdir(), "wfplan-edges-")), "huge.json");
    const fd = openSync(file, "w");
    ftruncateSync(fd, size);
    closeSync(fd);
    return file;
  }

  it("--seed /dev/zero is refused at once: not a regular file, the limit in the hint", async () => {
    const r = await refused(["--seed", "/dev/zero"]);
    expect(r.code).toBe(1);
    expect(r.output).toBe(
      `Error: --seed /dev/zero: not a readable emulator state file (is a character device, not a regular file)\n${HINT}`,
    );
    expect(r.output).not.toMatch(STACK_LINE);
    expect(r.ms).toBeLessThan(10_000);
  }, 20_000);

  it("a --seed FIFO is refused without waiting for a writer", async () => {
    const fifo = join(mkdtempSync(join(tmpdir(), "wfplan-edges-")), "seed.fifo");
    execFileSync("mkfifo", [fifo]);
    const r = await refused(["--seed", fifo]);
    expect(r.code).toBe(1);
    expect(r.output).toBe(
      `Error: --seed ${fifo}: not a readable emulator state file (is a named pipe (FIFO), not a regular file)\n${HINT}`,
    );
    expect(r.output).not.toMatch(STACK_LINE);
  }, 20_000);

  it("a 2 GiB sparse --seed is refused by its size, before a byte is read", async () => {
    const file = sparse(2 * 1024 ** 3);
    const r = await refused(["--seed", file]);
    expect(r.code).toBe(1);
    expect(r.output).toBe(
      `Error: --seed ${file}: not a readable emulator state file (the file is 2048.0 MiB; at most 16.0 MiB is allowed)\n${HINT}`,
    );
    expect(r.output).not.toMatch(STACK_LINE);
    expect(r.ms).toBeLessThan(10_000);
  }, 20_000);

  it("--state: a device, a FIFO or a huge file is refused, and left as it was", async () => {
    const fifo = join(mkdtempSync(join(tmpdir(), "wfplan-edges-")), "state.fifo");
    execFileSync("mkfifo", [fifo]);
    const huge = sparse(17 * 1024 ** 2);
    for (const [file, problem] of [
      ["/dev/zero", "is a character device, not a regular file"],
      [fifo, "is a named pipe (FIFO), not a regular file"],
      [huge, "the file is 17.0 MiB; at most 16.0 MiB is allowed"],
    ] as const) {
      const r = await refused(["--state", file]);
      expect(r.code, file).toBe(1);
      expect(r.output).toBe(
        `Error: ${file}: not a readable emulator state file (${problem})\n${HINT}`,
      );
      expect(r.output).not.toMatch(STACK_LINE);
    }
    expect(statSync(huge).size).toBe(17 * 1024 ** 2);
    expect(statSync(fifo).isFIFO()).toBe(true);
  }, 40_000);

  it("a --seed or --state that is not a state file says so, without the parser's stack", async () => {
    const dir = mkdtempSync(join(tmpdir(), "wfplan-edges-"));
    writeFileSync(join(dir, "list.json"), "[]");
    for (const flag of ["--seed", "--state"]) {
      const r = await refused([flag, join(dir, "list.json")]);
      expect(r.code).toBe(1);
      expect(r.output).toBe(
        `Error: ${flag === "--seed" ? "--seed " : ""}${join(dir, "list.json")}: not a readable emulator state file (an emulator state file holds a JSON object)\n`,
      );
    }
    expect(readFileSync(join(dir, "list.json"), "utf8")).toBe("[]");
  }, 20_000);
});
