/**
 * The GitHub Action's script (action/main.mjs), run as the runner runs it: a process with the
 * runner's environment, wfplan against the emulator, and a local HTTP server standing in for the
 * GitHub REST API.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { COMMENT_LIMIT, commentBody, escapeData, marker, splitArgs } from "../../action/main.mjs";
import { oidcConfig, spec, workteam, yaml } from "../builders.ts";
import { emulator, sdk, seedWorkforce } from "../helpers/emulator.ts";

const SECRET = "action-s3cret-value";
const TOKEN = "ghs_test-token";

interface Comment {
  id: number;
  body: string;
  html_url: string;
  user: { login: string; type: "Bot" | "User" };
}

const BOT = { login: "github-actions[bot]", type: "Bot" as const };

/** The part of the GitHub REST API the action uses: a pull request's comments. */
async function fakeGitHub({ failWith }: { failWith?: number } = {}) {
  const comments: Comment[] = [];
  const requests: { method: string; path: string; authorization: string | undefined }[] = [];
  const read = (req: IncomingMessage) =>
    new Promise<string>((done) => {
      let body = "";
      req.on("data", (d) => (body += d));
      req.on("end", () => done(body));
    });
  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    requests.push({
      method: req.method ?? "",
      path: url.pathname + url.search,
      authorization: req.headers.authorization,
    });
    const body = await read(req);
    const reply = (status: number, value: unknown) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(value));
    };
    if (failWith) return reply(failWith, { message: "Resource not accessible by integration" });
    if (req.method === "GET" && url.pathname === "/repos/acme/labeling/issues/7/comments") {
      const page = Number(url.searchParams.get("page") ?? 1);
      const size = Number(url.searchParams.get("per_page") ?? 30);
      return reply(200, comments.slice((page - 1) * size, page * size));
    }
    if (req.method === "POST" && url.pathname === "/repos/acme/labeling/issues/7/comments") {
      const id = 1000 + comments.length;
      const made = {
        id,
        body: JSON.parse(body).body,
        html_url: `https://github.test/c/${id}`,
        user: BOT,
      };
      comments.push(made);
      return reply(201, made);
    }
    const patch = /^\/repos\/acme\/labeling\/issues\/comments\/(\d+)$/.exec(url.pathname);
    const target = comments.find((c) => c.id === Number(patch?.[1]));
    if (req.method === "PATCH" && target) {
      target.body = JSON.parse(body).body;
      return reply(200, target);
    }
    reply(404, { message: "Not Found" });
  });
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  afterEach(() => new Promise<void>((done) => server.close(() => done())));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, comments, requests };
}

/** A runner's workspace: the spec, the event, and the files the runner reads back. */
function workspace(specText: string, event: unknown = { pull_request: { number: 7 } }) {
  const dir = mkdtempSync(join(tmpdir(), "wfplan-action-"));
  writeFileSync(join(dir, "workforce.yaml"), specText);
  writeFileSync(join(dir, "event.json"), JSON.stringify(event));
  for (const f of ["output", "summary"]) writeFileSync(join(dir, f), "");
  return dir;
}

async function runAction(
  dir: string,
  github: { url: string },
  endpoint: string,
  inputs: Record<string, string> = {},
  extraEnv: Record<string, string> = {},
) {
  const env = {
    PATH: process.env.PATH,
    HOME: dir,
    CI: "true",
    GITHUB_ACTIONS: "true",
    GITHUB_API_URL: github.url,
    GITHUB_SERVER_URL: "https://github.test",
    GITHUB_REPOSITORY: "acme/labeling",
    GITHUB_RUN_ID: "42",
    GITHUB_EVENT_NAME: "pull_request",
    GITHUB_EVENT_PATH: join(dir, "event.json"),
    GITHUB_OUTPUT: join(dir, "output"),
    GITHUB_STEP_SUMMARY: join(dir, "summary"),
    RUNNER_TEMP: dir,
    WFPLAN_ACTION_CLI: resolve("bin/wfplan.js"),
    AWS_ACCESS_KEY_ID: "test",
    AWS_SECRET_ACCESS_KEY: "test",
    AWS_REGION: "us-east-1",
    WFPLAN_OIDC_CLIENT_SECRET: SECRET,
    "INPUT_GITHUB-TOKEN": TOKEN,
    INPUT_ARGS: `--endpoint-url ${endpoint}`,
    ...Object.fromEntries(Object.entries(inputs).map(([k, v]) => [`INPUT_${k.toUpperCase()}`, v])),
    ...extraEnv,
  };
  const { code, stdout, stderr } = await new Promise<{
    code: number;
    stdout: string;
    stderr: string;
  }>((done) => {
    execFile(
      process.execPath,
      [resolve("action/main.mjs")],
      { cwd: dir, env },
      (error, stdout, stderr) => done({ code: error ? Number(error.code) : 0, stdout, stderr }),
    );
  });
  const outputs = Object.fromEntries(
    readFileSync(join(dir, "output"), "utf8")
      .trim()
      .split("\n")
      .filter(Boolean)
      .map((line) => line.split(/=(.*)/s).slice(0, 2)),
  );
  return { code, stdout, stderr, outputs, summary: readFileSync(join(dir, "summary"), "utf8") };
}

describe("on a pull request", () => {
  it("the first run posts the plan as a comment, the next run updates that same comment", async () => {
    const emu = await emulator();
    await seedWorkforce(sdk(emu), ["annotators"]);
    const github = await fakeGitHub();
    const dir = workspace(
      yaml(
        spec({
          workforce: { sourceIpConfig: { cidrs: ["10.1.0.0/16"] } },
          workteams: [workteam()],
        }),
      ),
    );

    const first = await runAction(dir, github, emu.url);
    expect(first.code).toBe(0);
    expect(first.outputs).toEqual({
      "has-changes": "true",
      blocked: "false",
      "exit-code": "2",
      "plan-file": join(
        dir,
        readFileSync(join(dir, "output"), "utf8").match(/wfplan-action-\w+\/workforce\.tfplan/)![0],
      ),
    });
    expect(github.comments).toHaveLength(1);
    const [comment] = github.comments;
    expect(comment!.body.split("\n")[0]).toBe("<!-- wfplan plan: workforce.yaml -->");
    expect(comment!.body).toContain("### wfplan: Plan: 0 to add, 2 to change, 0 to delete.");
    expect(comment!.body).toContain('+     sourceIpConfig.cidrs: ["10.1.0.0/16"]');
    expect(comment!.body).toMatch(
      /<sub>wfplan plan of `workforce\.yaml` · \[run 42\]\(https:\/\/github\.test\/acme\/labeling\/actions\/runs\/42\)<\/sub>$/,
    );
    expect(first.summary).toContain("### wfplan: Plan: 0 to add, 2 to change, 0 to delete.");
    expect(first.stdout).toContain("wfplan: posted https://github.test/c/1000");
    expect(github.requests.every((r) => r.authorization === `Bearer ${TOKEN}`)).toBe(true);

    // Someone applies; the next push plans again and says so in the same comment.
    writeFileSync(join(dir, "output"), "");
    const apply = await runAction(dir, github, emu.url, { command: "apply", comment: "false" });
    expect(apply.code).toBe(0);
    expect(apply.outputs["exit-code"]).toBe("0");
    const second = await runAction(dir, github, emu.url);
    expect(second.code).toBe(0);
    expect(second.outputs["has-changes"]).toBe("false");
    expect(github.comments).toHaveLength(1);
    expect(github.comments[0]!.body).toContain("### wfplan: ✅ No changes.");
    expect(second.stdout).toContain("wfplan: updated https://github.test/c/1000");
    expect(github.requests.map((r) => r.method)).toEqual(["GET", "POST", "GET", "PATCH"]);
  });

  it("a comment someone else wrote with the marker is left alone: the plan gets its own", async () => {
    const emu = await emulator();
    const github = await fakeGitHub();
    github.comments.push({
      id: 1,
      body: `${marker("plan", "workforce.yaml")}\n### wfplan: ✅ No changes. (a fake)`,
      html_url: "https://github.test/c/1",
      user: { login: "mallory", type: "User" },
    });
    const dir = workspace(yaml(spec()));
    const r = await runAction(dir, github, emu.url);
    expect(r.code).toBe(0);
    expect(github.comments.map((c) => [c.id, c.user.login])).toEqual([
      [1, "mallory"],
      [1001, "github-actions[bot]"],
    ]);
    expect(github.comments[0]!.body).toContain("(a fake)");
  });

  it("wfplan runs without the action's inputs, the GitHub token among them", async () => {
    const github = await fakeGitHub();
    const dir = workspace(yaml(spec()));
    // A stand-in for wfplan that writes down the environment it was given.
    const fake = join(dir, "fake-wfplan.mjs");
    writeFileSync(
      fake,
      `import { writeFileSync } from "node:fs";\nwriteFileSync(${JSON.stringify(join(dir, "env.json"))}, JSON.stringify(process.env));\nprocess.exit(0);\n`,
    );
    await runAction(
      dir,
      github,
      "http://127.0.0.1:9",
      { comment: "false" },
      { WFPLAN_ACTION_CLI: fake },
    );
    const seen = JSON.parse(readFileSync(join(dir, "env.json"), "utf8"));
    expect(Object.keys(seen).filter((k) => k.startsWith("INPUT_"))).toEqual([]);
    expect(JSON.stringify(seen)).not.toContain(TOKEN);
    expect(seen.WFPLAN_OIDC_CLIENT_SECRET).toBe(SECRET);
  });

  it("a blocked plan fails the step, says why, and is still posted", async () => {
    const emu = await emulator();
    await seedWorkforce(sdk(emu), ["annotators"]);
    const github = await fakeGitHub();
    const dir = workspace(
      yaml(spec({ workforce: { oidcConfig: oidcConfig({ issuer: "https://new.example.com" }) } })),
    );
    const r = await runAction(dir, github, emu.url);
    expect(r.code).toBe(1);
    expect(r.outputs).toEqual({
      "has-changes": "false",
      blocked: "true",
      "exit-code": "1",
      "plan-file": "",
    });
    expect(r.stdout).toContain(
      "::error title=wfplan::the plan is blocked: The OIDC configuration can be updated only when no workteams exist, and 1 do: annotators.",
    );
    expect(github.comments[0]!.body).toContain("### wfplan: ⛔ blocked");
  });

  it("an invalid spec fails the step, and the comment carries wfplan's own words", async () => {
    const emu = await emulator();
    const github = await fakeGitHub();
    const dir = workspace("version: 1\nworkforce: { name: labelers }\n");
    const r = await runAction(dir, github, emu.url);
    expect(r.code).toBe(1);
    expect(r.outputs).toEqual({
      "has-changes": "false",
      blocked: "false",
      "exit-code": "1",
      "plan-file": "",
    });
    expect(r.stdout).toContain("::error title=wfplan::wfplan plan exited 1");
    expect(github.comments[0]!.body).toContain(
      "### wfplan: ❌ plan of `workforce.yaml` failed (exit 1)",
    );
    expect(github.comments[0]!.body).toContain(
      "workforce.yaml is not valid; nothing was read or changed.",
    );
  });

  it("a failure's comment and summary quote wfplan's words, never a literal secret", async () => {
    const emu = await emulator();
    const github = await fakeGitHub();
    // A misspelt key holding a literal secret: the very line a diagnostic quotes.
    const dir = workspace(
      `version: 1\nworkforce:\n  name: labelers\n  oidcConfig:\n    ClientSecret: ${SECRET}\n`,
    );
    const r = await runAction(dir, github, emu.url);
    expect(r.code).toBe(1);
    expect(github.comments[0]!.body).toContain("ClientSecret: <redacted>");
    expect([r.stdout, r.stderr, r.summary, github.comments[0]!.body].join("\n")).not.toContain(
      SECRET,
    );
  });

  it("a huge plan stays under GitHub's comment limit, cut where the markdown says", async () => {
    const emu = await emulator();
    const github = await fakeGitHub();
    // 25 workteams (the most a workforce has), each with 50 long tags: about 500,000 characters.
    const tags = Object.fromEntries(
      Array.from({ length: 50 }, (_, i) => [`key-${i}-${"k".repeat(100)}`, "v".repeat(250)]),
    );
    const teams = Array.from({ length: 25 }, (_, i) => workteam({ name: `team-${i}`, tags }));
    const dir = workspace(yaml(spec({ workteams: teams })));
    const r = await runAction(dir, github, emu.url);
    expect(r.code).toBe(0);
    const body = github.comments[0]!.body;
    expect(body.length).toBeLessThan(60_000);
    expect(body).toMatch(
      /# … \d+ more lines cut to stay under 60000 characters; run wfplan plan to see them all/,
    );
  });

  it("no output of a run holds the OIDC client secret", async () => {
    const emu = await emulator();
    await seedWorkforce(sdk(emu), ["annotators"]);
    const github = await fakeGitHub();
    const dir = workspace(
      yaml(spec({ workforce: { oidcConfig: oidcConfig({ issuer: "https://new.example.com" }) } })),
    );
    const runs = [
      await runAction(dir, github, emu.url, {
        args: `--endpoint-url ${emu.url} --allow-workteam-deletion`,
      }),
      await runAction(dir, github, emu.url, {
        command: "apply",
        args: `--endpoint-url ${emu.url} --allow-workteam-deletion`,
      }),
    ];
    expect(runs.map((r) => r.code)).toEqual([0, 0]);
    // The secret was sent: the emulator keeps its digest.
    expect(emu.state().workforces[0]?.secretUpdates).toBe(2);
    const everything = [
      ...runs.flatMap((r) => [r.stdout, r.stderr, r.summary, JSON.stringify(r.outputs)]),
      ...github.comments.map((c) => c.body),
      readFileSync(runs[0]!.outputs["plan-file"]!, "utf8"),
    ].join("\n");
    expect(everything).not.toContain(SECRET);
  });

  it("a comment GitHub refuses is a warning; the plan's own outcome decides the step", async () => {
    const emu = await emulator();
    const github = await fakeGitHub({ failWith: 403 });
    const dir = workspace(yaml(spec()));
    const r = await runAction(dir, github, emu.url);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(
      "::warning title=wfplan::could not comment on the pull request: GET /repos/acme/labeling/issues/7/comments?per_page=100&page=1: 403",
    );
    expect(r.summary).toContain("### wfplan: Plan: 1 to add, 0 to change, 0 to delete.");
  });
});

it("off a pull request it writes the job summary and no comment, and says so if one was asked for", async () => {
  const emu = await emulator();
  const github = await fakeGitHub();
  const dir = workspace(yaml(spec()), { ref: "refs/heads/main" });
  const r = await runAction(dir, github, emu.url);
  expect(r.code).toBe(0);
  expect(github.requests).toEqual([]);
  expect(r.summary).toContain("### wfplan: Plan: 1 to add, 0 to change, 0 to delete.");
  expect(r.stdout).not.toContain("::warning");
  const asked = await runAction(dir, github, emu.url, { comment: "true" });
  expect(asked.stdout).toContain(
    "::warning title=wfplan::comment is true, but this run is not for a pull request",
  );
  expect(github.requests).toEqual([]);
});

describe("pieces", () => {
  it.each([
    ["", []],
    ["--allow-workteam-deletion", ["--allow-workteam-deletion"]],
    ["  --region  eu-west-1 ", ["--region", "eu-west-1"]],
    [`--profile "my profile" --timeout '30m'`, ["--profile", "my profile", "--timeout", "30m"]],
    ['--region="eu west"', ["--region=eu west"]],
    ["'a b'c d\\ e", ["a bc", "d e"]],
    ['"say \\"hi\\""', ['say "hi"']],
    ["$(id) ; rm -rf / `x`", ["$(id)", ";", "rm", "-rf", "/", "`x`"]],
  ])("args %j → %j", (text, words) => {
    expect(splitArgs(text)).toEqual(words);
  });

  it("an unclosed quote in args is an error, not a guess", () => {
    expect(() => splitArgs("--profile 'dev")).toThrow("input args: a ' is not closed");
  });

  it("escapes a workflow command's text as the runner reads it", () => {
    expect(escapeData("50% done\r\nnext")).toBe("50%25 done%0D%0Anext");
  });

  it("a comment longer than GitHub allows is cut with a note, marker and footer kept", () => {
    const mark = marker("plan", "workforce.yaml");
    const body = commentBody(mark, "x".repeat(70_000), "<sub>footer</sub>");
    expect(body.length).toBe(COMMENT_LIMIT);
    expect(body.startsWith(`${mark}\nxxx`)).toBe(true);
    expect(body).toMatch(
      /x\n\n_… cut to fit GitHub's limit of 65536 characters; the whole plan is in the job summary._\n\n<sub>footer<\/sub>$/,
    );
    expect(commentBody(mark, "short", "f")).toBe(`${mark}\nshort\n\nf`);
  });
});
