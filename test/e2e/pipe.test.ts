/**
 * A reader that stops early (`wfplan validate | head -1`) closes the pipe wfplan writes to: wfplan
 * drops the rest of that output quietly — no EPIPE, no stack trace — and ends with the command's
 * own exit code.
 */
import { spawn, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { STACK_LINE, tempFile } from "../helpers/cli.ts";
import { emulator, OIDC } from "../helpers/emulator.ts";

const BIN = resolve("bin/wfplan.js");
const ENV = { ...process.env, NO_COLOR: "", FORCE_COLOR: "0", CI: "true" };

/** A spec with 100 problems: validate prints each, with its code frame, in many writes. */
function noisySpec(): string {
  const groups = `[${Array(3).fill('""').join(", ")}]`;
  const teams = Array.from(
    { length: 25 },
    (_, i) =>
      `  - {name: "bad name ${i}!", description: x, unknownKey${i}: 1, memberDefinitions: [{oidcMemberDefinition: {groups: ${groups}}}], tags: {"a${i}!": ${"x".repeat(300)}}}`,
  );
  return tempFile(
    "workforce.yaml",
    [
      "version: 1",
      "region: us-east-1",
      "workforce:",
      "  name: labelers",
      "  cognitoConfig: {userPool: us-east-1_abc, clientId: abc}",
      "workteams:",
      ...teams,
      "",
    ].join("\n"),
  );
}

/**
 * Runs wfplan with one of its output streams read by a reader that closes it: at once (before
 * wfplan has written anything), or after the first chunk, as `head -1` does.
 */
function closedEarly(
  args: string[],
  stream: "stdout" | "stderr",
  when: "at once" | "after the first chunk",
  env: NodeJS.ProcessEnv = {},
): Promise<{ code: number | null; signal: string | null; other: string; first: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      env: { ...ENV, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const closing = child[stream];
    const other = stream === "stdout" ? child.stderr : child.stdout;
    let otherText = "";
    let first = "";
    other.on("data", (d) => {
      otherText += d;
    });
    if (when === "at once") closing.destroy();
    else
      closing.once("data", (d) => {
        first = String(d);
        closing.destroy();
      });
    child.on("close", (code, signal) => done({ code, signal, other: otherText, first }));
  });
}

describe("a closed output pipe", () => {
  it("validate | head -1: the first line, then nothing on stderr, and validate's exit code", async () => {
    const file = noisySpec();
    for (let run = 0; run < 3; run++) {
      const r = await closedEarly(["validate", "-f", file], "stdout", "after the first chunk");
      expect(r.first).toMatch(/workforce\.yaml:7:12: error: /);
      expect(r.other).toBe("");
      expect(r.signal).toBeNull();
      expect(r.code).toBe(1);
    }
  });

  it("a pipe closed before wfplan writes: no EPIPE, no stack trace, the command's exit code", async () => {
    const r = await closedEarly(["validate", "-f", noisySpec()], "stdout", "at once");
    expect(r.other).not.toMatch(/EPIPE/);
    expect(r.other).not.toMatch(STACK_LINE);
    expect(r.other).toBe("");
    expect(r.code).toBe(1);

    const ok = await closedEarly(["--help"], "stdout", "at once");
    expect(ok.other).toBe("");
    expect(ok.code).toBe(0);
  });

  it("a closed stderr is quiet too: import still writes its file and exits 0", async () => {
    const emu = await emulator();
    emu.invoke("CreateWorkforce", { WorkforceName: "labelers", OidcConfig: OIDC });
    const out = `${tempFile("x", "")}-imported.yaml`;
    const args = ["import", "--name", "labelers", "--out", out, "--endpoint-url", emu.url];
    const r = await closedEarly(args, "stderr", "at once", {
      AWS_REGION: "us-east-1",
      AWS_ACCESS_KEY_ID: "test",
      AWS_SECRET_ACCESS_KEY: "test",
    });
    expect(r.other).toBe("");
    expect(r.code).toBe(0);
    expect(readFileSync(out, "utf8")).toContain("name: labelers");
  });

  it("through a shell: wfplan validate -f F | head -1", () => {
    const file = noisySpec();
    const err = tempFile("stderr", "");
    const r = spawnSync(
      "sh",
      [
        "-c",
        `"${process.execPath}" "${BIN}" validate -f "${file}" 2>"${err}" | head -1; cat "${err}" >&2`,
      ],
      { encoding: "utf8", env: ENV },
    );
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^\S*workforce\.yaml:7:12: error: workteams\[0\]\.name: .*\n$/);
    expect(r.stderr).not.toMatch(/EPIPE/);
    expect(r.stderr).not.toMatch(STACK_LINE);
    expect(r.stderr).toBe("");
  });
});
