#!/usr/bin/env node
/**
 * The wfplan GitHub Action (action.yml runs this with the runner's Node; no dependencies).
 *
 *   plan:  wfplan plan, saved to a plan file; the markdown plan goes to the job summary and, on a
 *          pull request, into one comment that every later run updates (found by a hidden marker).
 *   apply: wfplan apply --auto-approve, of the spec or of a saved plan file.
 *
 * The step fails only when the plan is blocked or wfplan fails; a plan with changes succeeds
 * (`has-changes` says so). Comments go through the GitHub REST API with the job's token, at
 * GITHUB_API_URL (GitHub Enterprise too); a comment that cannot be posted is a warning.
 */
import { execFileSync, spawn } from "node:child_process";
import { appendFileSync, existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** GitHub refuses comments longer than 65,536 characters. */
export const COMMENT_LIMIT = 65_536;

/**
 * Splits the `args` input into words as a POSIX shell does, without running anything: spaces
 * separate words; '…' keeps everything literally; "…" keeps all but \" and \\; a backslash
 * outside quotes keeps the next character; quoted and bare pieces next to each other are one word
 * (`--region="eu west"`). `$(…)`, `;` and the like are plain characters: nothing is expanded.
 */
export function splitArgs(text) {
  const words = [];
  let word;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (/\s/.test(ch)) {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else if (ch === "'") {
      const end = text.indexOf("'", i + 1);
      if (end < 0) throw new Error(`input args: a ' is not closed: ${text}`);
      word = (word ?? "") + text.slice(i + 1, end);
      i = end;
    } else if (ch === '"') {
      let piece = "";
      for (i++; i < text.length && text[i] !== '"'; i++) {
        if (text[i] === "\\" && (text[i + 1] === '"' || text[i + 1] === "\\")) i++;
        piece += text[i];
      }
      if (i >= text.length) throw new Error(`input args: a " is not closed: ${text}`);
      word = (word ?? "") + piece;
    } else if (ch === "\\" && i + 1 < text.length) {
      word = (word ?? "") + text[++i];
    } else {
      word = (word ?? "") + ch;
    }
  }
  if (word !== undefined) words.push(word);
  return words;
}

/** A workflow command's text, escaped as the runner reads it (`%`, CR and LF). */
export const escapeData = (text) =>
  String(text).replaceAll("%", "%25").replaceAll("\r", "%0D").replaceAll("\n", "%0A");

/** The hidden line that finds this spec's comment again on the next run. */
export const marker = (command, file) => `<!-- wfplan ${command}: ${file} -->`;

/** The comment: marker, the body, a footer; cut to GitHub's limit with a note if it is longer. */
export function commentBody(mark, body, footer) {
  const note = `\n\n_… cut to fit GitHub's limit of ${COMMENT_LIMIT} characters; the whole plan is in the job summary._`;
  const tail = `\n\n${footer}`;
  const room = COMMENT_LIMIT - mark.length - 1 - tail.length;
  const text = body.length > room ? `${body.slice(0, room - note.length)}${note}` : body;
  return `${mark}\n${text}${tail}`;
}

function inputs(env) {
  const input = (name, fallback = "") =>
    (env[`INPUT_${name.toUpperCase()}`] ?? "").trim() || fallback;
  const command = input("command", "plan");
  if (command !== "plan" && command !== "apply") {
    throw new Error(`input command: expected plan or apply, got ${JSON.stringify(command)}`);
  }
  const event = env.GITHUB_EVENT_PATH
    ? JSON.parse(readFileSync(env.GITHUB_EVENT_PATH, "utf8"))
    : {};
  const pullRequest = event.pull_request?.number;
  const comment = input("comment", "auto");
  return {
    command,
    file: input("file", "workforce.yaml"),
    planFile: input("plan-file"),
    args: splitArgs(input("args")),
    version: input("version"),
    token: input("github-token", env.GITHUB_TOKEN ?? ""),
    pullRequest,
    comment: comment === "auto" ? pullRequest !== undefined : comment === "true",
  };
}

/** How to run wfplan: this checkout's build, else the action's version installed from npm. */
function wfplanCommand(env, version) {
  if (env.WFPLAN_ACTION_CLI) return [process.execPath, env.WFPLAN_ACTION_CLI];
  const root = dirname(dirname(fileURLToPath(import.meta.url)));
  // A checkout of wfplan with its build (its own CI) runs that build, unless a version is asked for.
  if (!version && existsSync(join(root, "dist", "wfplan.cjs")))
    return [process.execPath, join(root, "bin", "wfplan.js")];
  const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
  const wanted = version || pkg.version;
  const prefix = join(env.RUNNER_TEMP ?? tmpdir(), `wfplan-${wanted}`);
  const bin = join(prefix, "bin", "wfplan");
  if (!existsSync(bin)) {
    execFileSync(
      "npm",
      ["install", "--global", "--prefix", prefix, "--no-audit", "--no-fund", `wfplan@${wanted}`],
      { stdio: ["ignore", "inherit", "inherit"] },
    );
  }
  return [bin];
}

/** Runs wfplan with its output in the job log, and keeps stderr for a failure's comment. */
function run([command, ...pre], args, env) {
  return new Promise((done) => {
    const child = spawn(command, [...pre, ...args], { env, stdio: ["ignore", "inherit", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (d) => {
      process.stderr.write(d);
      stderr += d;
    });
    child.on("close", (code) => done({ code: code ?? 1, stderr }));
  });
}

async function github(env, token, method, path, body) {
  const api = (env.GITHUB_API_URL || "https://api.github.com").replace(/\/$/, "");
  const response = await fetch(`${api}${path}`, {
    method,
    headers: {
      accept: "application/vnd.github+json",
      authorization: `Bearer ${token}`,
      "content-type": "application/json",
      "user-agent": "wfplan-action",
      "x-github-api-version": "2022-11-28",
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) {
    throw new Error(
      `${method} ${path}: ${response.status} ${(await response.text()).slice(0, 300)}`,
    );
  }
  return response.json();
}

/** Creates this spec's comment on the pull request, or updates the one an earlier run made. */
async function upsertComment(env, { token, pullRequest }, mark, body) {
  const repo = env.GITHUB_REPOSITORY;
  let existing;
  for (let page = 1; !existing; page++) {
    const comments = await github(
      env,
      token,
      "GET",
      `/repos/${repo}/issues/${pullRequest}/comments?per_page=100&page=${page}`,
    );
    // Only a comment a bot wrote (the job's token comments as github-actions[bot]): anyone may
    // post a comment that starts with the marker, and it must not become the plan's comment.
    existing = comments.find(
      (c) => typeof c.body === "string" && c.body.startsWith(mark) && c.user?.type === "Bot",
    );
    if (comments.length < 100) break;
  }
  if (existing) {
    await github(env, token, "PATCH", `/repos/${repo}/issues/comments/${existing.id}`, { body });
    return `updated ${existing.html_url ?? `comment ${existing.id}`}`;
  }
  const made = await github(env, token, "POST", `/repos/${repo}/issues/${pullRequest}/comments`, {
    body,
  });
  return `posted ${made.html_url ?? `comment ${made.id}`}`;
}

export async function main(env = process.env) {
  const input = inputs(env);
  const cli = wfplanCommand(env, input.version);
  const work = mkdtempSync(join(env.RUNNER_TEMP ?? tmpdir(), "wfplan-action-"));
  const outputs = { "has-changes": "", blocked: "", "exit-code": "", "plan-file": "" };
  // wfplan gets the job's environment (AWS credentials, the secret's variable) but not the
  // action's inputs: the GitHub token is not its business.
  const wfplanEnv = Object.fromEntries(
    Object.entries(env).filter(([k]) => !k.startsWith("INPUT_") && k !== "GITHUB_TOKEN"),
  );
  let summary;
  let failed;

  if (input.command === "plan") {
    const planFile = join(work, "workforce.tfplan");
    const jsonFile = join(work, "plan.json");
    const markdownFile = join(work, "plan.md");
    const args = ["plan", "-f", input.file, "--detailed-exitcode", "--out", planFile];
    args.push("--json-file", jsonFile, "--markdown-file", markdownFile, ...input.args);
    const { code, stderr } = await run(cli, args, wfplanEnv);
    const doc = existsSync(jsonFile) ? JSON.parse(readFileSync(jsonFile, "utf8")) : undefined;
    const blocked = (doc?.blockers?.length ?? 0) > 0;
    Object.assign(outputs, {
      "has-changes": String(code === 2),
      blocked: String(blocked),
      "exit-code": String(code),
      "plan-file": existsSync(planFile) ? planFile : "",
    });
    if (doc && existsSync(markdownFile)) summary = readFileSync(markdownFile, "utf8");
    else summary = failure("plan", input.file, code, stderr);
    if (blocked) failed = `the plan is blocked: ${doc.blockers.map((b) => b.message).join("; ")}`;
    else if (code !== 0 && code !== 2) failed = `wfplan plan exited ${code}`;
  } else {
    const target = input.planFile ? [input.planFile] : ["-f", input.file];
    const { code, stderr } = await run(
      cli,
      ["apply", ...target, "--auto-approve", ...input.args],
      wfplanEnv,
    );
    outputs["exit-code"] = String(code);
    summary =
      code === 0
        ? `### wfplan: ✅ applied \`${input.planFile || input.file}\`\n`
        : failure("apply", input.planFile || input.file, code, stderr);
    if (code !== 0) failed = `wfplan apply exited ${code}`;
  }

  if (env.GITHUB_OUTPUT) {
    appendFileSync(
      env.GITHUB_OUTPUT,
      Object.entries(outputs)
        .map(([k, v]) => `${k}=${v}\n`)
        .join(""),
    );
  }
  if (env.GITHUB_STEP_SUMMARY) appendFileSync(env.GITHUB_STEP_SUMMARY, `${summary}\n`);
  if (input.comment && input.pullRequest === undefined) {
    console.log("::warning title=wfplan::comment is true, but this run is not for a pull request");
  }
  if (input.comment && input.pullRequest !== undefined) {
    const run = env.GITHUB_RUN_ID
      ? ` · [run ${env.GITHUB_RUN_ID}](${env.GITHUB_SERVER_URL ?? "https://github.com"}/${env.GITHUB_REPOSITORY}/actions/runs/${env.GITHUB_RUN_ID})`
      : "";
    const footer = `<sub>wfplan ${input.command} of \`${input.file}\`${run}</sub>`;
    const mark = marker(input.command, input.file);
    try {
      console.log(
        `wfplan: ${await upsertComment(env, input, mark, commentBody(mark, summary, footer))}`,
      );
    } catch (error) {
      console.log(
        `::warning title=wfplan::could not comment on the pull request: ${escapeData(error.message)}`,
      );
    }
  }
  if (failed) {
    console.log(`::error title=wfplan::${escapeData(failed)}`);
    return 1;
  }
  return 0;
}

/** What a failed run says in the summary and the comment: the exit code and wfplan's own words. */
function failure(command, file, code, stderr) {
  const words = stderr.trim().slice(-5000).replaceAll("```", "'''");
  return `### wfplan: ❌ ${command} of \`${file}\` failed (exit ${code})\n\n\`\`\`text\n${words}\n\`\`\`\n`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main().then(
    (code) => {
      process.exitCode = code;
    },
    (error) => {
      console.log(`::error title=wfplan::${escapeData(error.message)}`);
      // The step's outputs say it failed even when it could not start.
      if (process.env.GITHUB_OUTPUT) appendFileSync(process.env.GITHUB_OUTPUT, "exit-code=1\n");
      process.exitCode = 1;
    },
  );
}
