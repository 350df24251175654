/**
 * A fleet plan through the built CLI and the real SDK (SageMaker and STS) against the emulator:
 * three targets in two accounts, one of them through an assumed role (emulator/fleet.ts). Every
 * output of a fleet plan, the exit codes, --target, `wfplan targets`, and the OIDC client secret
 * in none of them.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { FLEET_ACCOUNT, FLEET_OTHER_ACCOUNT, FLEET_ROLE } from "../../src/emulator/fleet.ts";
import type { Emulator } from "../../src/emulator/server.ts";
import { MARKDOWN_LIMIT } from "../../src/render/markdown.ts";
import { fleetSpec, workteam, yaml } from "../builders.ts";
import { type RunResult, STACK_LINE, wfplanAsync } from "../helpers/cli.ts";
import { mutations } from "../helpers/emulator.ts";
import { type FleetProject, fleetProject } from "../helpers/fleet.ts";

const SECRET = "fleet-plan-e2e-secret-P3";
const KEY = "AKIAFLEETPLAN";
const US = `${FLEET_ACCOUNT}/us-east-1`;
const EU = `${FLEET_ACCOUNT}/eu-central-1`;
const WEST = `${FLEET_OTHER_ACCOUNT}/us-west-2`;

const ANNOTATORS = workteam();

let emu: Emulator;
let dir: string;
let env: FleetProject["env"];
const outputs: RunResult[] = [];
beforeEach(async () => {
  ({ emu, dir, env } = await fleetProject({
    key: KEY,
    secret: SECRET,
    spec: fleetSpec(),
    updateDelayMs: 0,
  }));
});
afterEach(async () => {
  // No run printed the secret or a stack, and no run changed anything.
  for (const r of outputs.splice(0)) {
    expect(r.stdout).not.toContain(SECRET);
    expect(r.stderr).not.toContain(SECRET);
    expect(r.stderr).not.toMatch(STACK_LINE);
  }
  expect(mutations(emu)).toEqual([]);
  await emu.stop();
});

async function run(...args: string[]): Promise<RunResult> {
  const r = await wfplanAsync(args, env(), dir);
  outputs.push(r);
  return r;
}

describe("wfplan plan with targets", () => {
  it("locates a target's warning at its override when the override wrote the field", async () => {
    const fleet = fleetSpec();
    fleet.workforce = { ...(fleet.workforce as object), tags: { owner: "labeling" } };
    fleet.targets[1] = { region: "eu-central-1", workforce: { tags: { owner: "eu-labeling" } } };
    const text = yaml(fleet);
    writeFileSync(join(dir, "workforce.yaml"), text);
    const lines = text.split("\n");
    // Where each `tags` mapping starts: the shared one's first, then the override's.
    const tagLines = lines.flatMap((l, i) => (/^\s*owner:/.test(l) ? [i + 1] : []));
    expect(tagLines).toHaveLength(2);
    const r = await run("plan", "--format", "json");
    const doc = JSON.parse(r.stdout);
    const where = (i: number) =>
      doc.targets[i].warnings
        .filter((w: { message: string }) => w.message.startsWith("workforce.tags are sent only"))
        .map((w: { location?: string }) => w.location?.replace(/:\d+$/, ""));
    expect(where(0)).toEqual([`workforce.yaml:${tagLines[0]}`]);
    expect(where(1)).toEqual([`workforce.yaml:${tagLines[1]}`]);
    expect(where(2)).toEqual([`workforce.yaml:${tagLines[0]}`]);
  });

  it("--format json: today's document per target with its account, and a summary", async () => {
    const r = await run("plan", "--format", "json", "--detailed-exitcode");
    expect(r.stderr).toBe("");
    expect(r.code).toBe(2);
    const doc = JSON.parse(r.stdout);
    expect(doc.formatVersion).toBe(1);
    expect(doc.targets.map((t: { target: unknown }) => t.target)).toEqual([
      { id: US, account: FLEET_ACCOUNT, region: "us-east-1", workforceName: "labelers" },
      { id: EU, account: FLEET_ACCOUNT, region: "eu-central-1", workforceName: "labelers" },
      { id: WEST, account: FLEET_OTHER_ACCOUNT, region: "us-west-2", workforceName: "labelers" },
    ]);
    const [us, eu, west] = doc.targets;
    expect(us.formatVersion).toBe(1);
    expect(us.changes.map((c: { path: string }) => c.path)).toEqual([
      "workforce.sourceIpConfig.cidrs",
    ]);
    expect(eu.summary.hasChanges).toBe(false);
    expect(west.resources.map((r: { name: string; action: string }) => r.action)).toEqual([
      "update",
      "recreate",
      "recreate",
    ]);
    expect(west.live.workforceExists).toBe(true);
    expect(doc.summary).toEqual({ targets: 3, withChanges: 2, blocked: 0, failed: 0 });
  });

  it("text: one section per target, then the summary table; exit 0 without --detailed-exitcode", async () => {
    const r = await run("plan");
    expect(r.code).toBe(0);
    const sections = [US, EU, WEST].map((id) => r.stdout.indexOf(`━━ ${id} ━━`));
    expect(
      sections.every((at, i) => at >= 0 && (i === 0 || at > (sections[i - 1] as number))),
    ).toBe(true);
    expect(r.stdout).toContain('wfplan plan for workforce "labelers" in us-west-2');
    expect(r.stdout).toMatch(/^target +changes +blocked +status$/m);
    expect(r.stdout).toMatch(
      new RegExp(`^${US} +0 to add, 1 to change, 0 to delete +no +Active$`, "m"),
    );
    expect(r.stdout).toMatch(new RegExp(`^${EU} +no changes +no +Active$`, "m"));
    expect(r.stdout).toContain("3 targets: 2 with changes, 0 blocked, 0 failed.");
  });

  it("--target plans only the targets it names; an unknown one is an error listing the ids", async () => {
    const r = await run("plan", "--format", "json", "--target", WEST, "--target", EU);
    expect(r.code).toBe(0);
    expect(
      JSON.parse(r.stdout).targets.map((t: { target: { id: string } }) => t.target.id),
    ).toEqual([EU, WEST]);
    const reads = new Set(emu.calls.filter((c) => !c.service).map((c) => c.region));
    expect([...reads].sort()).toEqual(["eu-central-1", "us-west-2"]);
    // Only the target without changes: exit 0 even with --detailed-exitcode.
    expect((await run("plan", "--target", EU, "--detailed-exitcode")).code).toBe(0);

    const unknown = await run("plan", "--target", "999999999999/us-east-1");
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain(
      `--target 999999999999/us-east-1: no such target; the spec's targets are ${US}, ${EU}, ${WEST}`,
    );
    const malformed = await run("plan", "--target", "us-east-1");
    expect(malformed.code).toBe(1);
    expect(malformed.stderr).toMatch(/expected ACCOUNT\/REGION/);
  });

  it("a target whose role cannot be assumed fails alone: exit 1, the others planned", async () => {
    const spec = fleetSpec();
    spec.targets[2] = {
      region: "us-west-2",
      roleArn: `arn:aws:iam::${FLEET_OTHER_ACCOUNT}:role/nope`,
    };
    writeFileSync(join(dir, "workforce.yaml"), yaml(spec));
    const r = await run("plan", "--format", "json", "--detailed-exitcode");
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.stdout);
    expect(doc.targets[2].target).toEqual({ id: WEST, account: null, region: "us-west-2" });
    expect(doc.targets[2].error.message).toMatch(/AssumeRole/);
    expect(doc.targets[0].changes).toHaveLength(1);
    expect(doc.summary).toEqual({ targets: 3, withChanges: 1, blocked: 0, failed: 1 });
    const text = await run("plan");
    expect(text.code).toBe(1);
    expect(text.stdout).toMatch(new RegExp(`^${WEST} +- +- +error: AssumeRole`, "m"));
  });

  it("a blocked target makes it exit 1 even with changes elsewhere", async () => {
    writeFileSync(join(dir, "workforce.yaml"), yaml(fleetSpec({ policy: {} })));
    const r = await run("plan", "--format", "json", "--detailed-exitcode");
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).summary).toEqual({
      targets: 3,
      withChanges: 2,
      blocked: 1,
      failed: 0,
    });
  });

  it("--format markdown: the table first, each target in <details>, under 60,000 characters", async () => {
    // 20 workteams with long tags in each target: far over the limit when shown whole.
    const tags = Object.fromEntries(
      Array.from({ length: 50 }, (_, j) => [`k${j}`, "v".repeat(250)]),
    );
    const workteams = Array.from({ length: 20 }, (_, i) => ({
      ...ANNOTATORS,
      name: `t${i}`,
      tags,
    }));
    writeFileSync(join(dir, "workforce.yaml"), yaml(fleetSpec({ workteams })));
    const r = await run("plan", "--format", "markdown", "--markdown-file", "plan.md");
    expect(r.code).toBe(0);
    expect(r.stdout.length).toBeLessThan(MARKDOWN_LIMIT);
    expect(r.stdout.startsWith("### wfplan fleet:")).toBe(true);
    expect(r.stdout.indexOf("| target | changes | blocked | status |")).toBeLessThan(
      r.stdout.indexOf("<details>") >>> 0,
    );
    for (const id of [US, EU, WEST]) expect(r.stdout).toContain(`| ${id} |`);
    expect(r.stdout).toMatch(/Some targets are shortened to keep this under 60000 characters/);
    expect(readFileSync(join(dir, "plan.md"), "utf8")).toBe(r.stdout);
  });

  it("--out saves one plan file with every target's fingerprint and plan, and no secret", async () => {
    const r = await run(
      "plan",
      "--out",
      "fleet.plan.json",
      "--json-file",
      "plan.json",
      "--rotate-client-secret",
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("Saved the fleet's plan to fleet.plan.json");
    const text = readFileSync(join(dir, "fleet.plan.json"), "utf8");
    expect(text).not.toContain(SECRET);
    const saved = JSON.parse(text);
    expect(saved.kind).toBe("wfplan-fleet-plan");
    expect(
      saved.targets.map((t: Record<string, unknown>) => [t.id, typeof t.fingerprint, t.roleArn]),
    ).toEqual([
      [US, "string", undefined],
      [EU, "string", undefined],
      [WEST, "string", FLEET_ROLE],
    ]);
    expect(saved.targets[2].plan.sendsSecret).toBe(true);
    expect(saved.targets[2].spec.targets).toBeUndefined();
    const json = readFileSync(join(dir, "plan.json"), "utf8");
    expect(json).not.toContain(SECRET);
    expect(JSON.parse(json).summary.targets).toBe(3);
  });

  it("a spec without targets rejects --target", async () => {
    const single = { ...fleetSpec(), targets: undefined, region: "us-east-1" };
    writeFileSync(join(dir, "workforce.yaml"), yaml(single));
    const r = await run("plan", "--target", US);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/--target 111111111111\/us-east-1: workforce.yaml has no targets/);
  });
});

describe("wfplan targets", () => {
  it("prints the ids one per line, or the GitHub Actions matrix", async () => {
    const lines = await run("targets");
    expect(lines.code).toBe(0);
    expect(lines.stdout).toBe(`${US}\n${EU}\n${WEST}\n`);

    const matrix = await run("targets", "--github-matrix");
    expect(matrix.code).toBe(0);
    expect(JSON.parse(matrix.stdout)).toEqual({
      include: [{ target: US }, { target: EU }, { target: WEST }],
    });

    const only = await run("targets", "--github-matrix", "--target", WEST);
    expect(JSON.parse(only.stdout)).toEqual({ include: [{ target: WEST }] });
  });

  it("--chunk N: an array of matrices of at most N targets", async () => {
    const r = await run("targets", "--github-matrix", "--chunk", "2", "-f", "workforce.yaml");
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual([
      { include: [{ target: US }, { target: EU }] },
      { include: [{ target: WEST }] },
    ]);
    for (const bad of ["0", "257", "x"]) {
      const refused = await run("targets", "--github-matrix", "--chunk", bad);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toMatch(/expected a whole number from 1 to 256/);
    }
  });

  it("fails, naming the target, when a role cannot be assumed", async () => {
    const spec = fleetSpec();
    spec.targets[2] = {
      region: "us-west-2",
      roleArn: `arn:aws:iam::${FLEET_OTHER_ACCOUNT}:role/nope`,
    };
    writeFileSync(join(dir, "workforce.yaml"), yaml(spec));
    const r = await run("targets", "--github-matrix");
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(
      /targets\[2\] \(us-west-2 as arn:aws:iam::222222222222:role\/nope\): AssumeRole/,
    );
  });
});
