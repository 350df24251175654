/**
 * The impact of each change, through the built CLI against one emulator: `plan` classifies every
 * change (JSON and text), and `apply --require-approval` holds back what it names. Each test that
 * changes something has a region of its own, so one emulator serves the whole file.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Emulator, startEmulator } from "../../src/emulator/server.ts";
import { type Raw, spec, yaml } from "../builders.ts";
import { type RunResult, STACK_LINE, wfplanAsync } from "../helpers/cli.ts";
import { mutations, OIDC, seededTeamSpec } from "../helpers/emulator.ts";
import { hasScript, startTerminal } from "../helpers/process.ts";

let emu: Emulator;
beforeAll(async () => {
  emu = await startEmulator({ createDelayMs: 0, updateDelayMs: 50 });
  // The plans are read-only: one region holds the workforce they are made against.
  seed("us-east-1");
});
afterAll(() => emu.stop());

/** Workforce "labelers" (10.0.0.0/16) and workteams annotators and old, in `region`. */
function seed(region: string): void {
  emu.invoke(
    "CreateWorkforce",
    { WorkforceName: "labelers", OidcConfig: OIDC, SourceIpConfig: { Cidrs: ["10.0.0.0/16"] } },
    region,
  );
  for (const name of ["annotators", "old"]) {
    emu.invoke(
      "CreateWorkteam",
      {
        WorkteamName: name,
        Description: `${name} team`,
        MemberDefinitions: [{ OidcMemberDefinition: { Groups: [name, "leads"] } }],
      },
      region,
    );
  }
}

const SECRET = "impact-secret-Q2";
/** The seeded workteams as the spec declares them, unchanged. */
const TEAMS = [seededTeamSpec("annotators"), seededTeamSpec("old")];

function project(value: Raw, region = "us-east-1") {
  const dir = mkdtempSync(join(tmpdir(), "wfplan-impact-"));
  writeFileSync(join(dir, "workforce.yaml"), yaml({ region, ...value }));
  return dir;
}

const run = (dir: string, ...args: string[]) =>
  wfplanAsync([...args, "--endpoint-url", emu.url], { WFPLAN_OIDC_CLIENT_SECRET: SECRET }, dir);

/** The calls that changed something in `region`, from the call index `from` on. */
const changed = (region: string, from: number) =>
  mutations(emu, from).filter((c) => c.region === region);

const cidrs = (...list: string[]) => ({ workforce: { sourceIpConfig: { cidrs: list } } });

/** Specs whose plans hold changes of one class. */
const SPECS: Record<string, Raw> = {
  broadening: spec({ ...cidrs("10.0.0.0/16", "10.1.0.0/16"), workteams: TEAMS }),
  narrowing: spec({ ...cidrs("10.0.0.0/24"), workteams: TEAMS }),
  destructive: spec({ workteams: [TEAMS[0]], policy: { pruneWorkteams: true } }),
  neutral: spec({
    workteams: [seededTeamSpec("annotators", { description: "new words" }), TEAMS[1]],
  }),
};

/** The builders' OIDC config with `overrides`. */
function oidcOf(overrides: Raw): Raw {
  return { ...(spec().workforce as { oidcConfig: Raw }).oidcConfig, ...overrides };
}

interface PlanDoc {
  changes: { path: string; impact: string }[];
  resources: { name: string; action: string; impact: string }[];
  summary: { impact: Record<string, number> };
  preflight: unknown[];
}

const json = (r: RunResult): PlanDoc => JSON.parse(r.stdout);
const output = (r: RunResult) => r.stdout + r.stderr;

describe("plan: the impact of each change", () => {
  it.each<[string, Raw, { path: string; impact: string }[], Record<string, number>]>([
    [
      "broadening",
      SPECS.broadening!,
      [{ path: "workforce.sourceIpConfig.cidrs", impact: "broadening" }],
      { broadening: 1 },
    ],
    [
      "narrowing",
      SPECS.narrowing!,
      [{ path: "workforce.sourceIpConfig.cidrs", impact: "narrowing" }],
      { narrowing: 1 },
    ],
    [
      "lockout-risk",
      spec({ workforce: { oidcConfig: oidcOf({ scope: "openid email" }) } }),
      [
        { path: "workforce.oidcConfig.scope", impact: "lockout-risk" },
        { path: "workforce.oidcConfig.clientSecret", impact: "lockout-risk" },
      ],
      { "lockout-risk": 2, destructive: 2 },
    ],
    ["destructive", SPECS.destructive!, [], { destructive: 1 }],
    [
      "neutral",
      SPECS.neutral!,
      [{ path: "workteams.annotators.description", impact: "neutral" }],
      { neutral: 1 },
    ],
  ])("%s", async (_name, value, changes, counts) => {
    const r = await run(project(value), "plan", "--format", "json", "--allow-workteam-deletion");
    expect(r.code, output(r)).toBe(0);
    const doc = json(r);
    expect(doc.changes.map(({ path, impact }) => ({ path, impact }))).toEqual(changes);
    expect(doc.summary.impact).toEqual({
      destructive: 0,
      "lockout-risk": 0,
      broadening: 0,
      narrowing: 0,
      neutral: 0,
      ...counts,
    });
    expect(Array.isArray(doc.preflight)).toBe(true);
  });

  it("says which resources are destructive: a workteam pruned with no field changes", async () => {
    const r = await run(project(SPECS.destructive!), "plan", "--format", "json");
    expect(json(r).resources).toEqual([
      expect.objectContaining({ name: "old", action: "delete", impact: "destructive" }),
    ]);
  });

  it("marks each change in text, and counts them after the summary", async () => {
    const value = spec({
      ...cidrs("10.0.0.0/16", "10.1.0.0/16"),
      workteams: [TEAMS[0]],
      policy: { pruneWorkteams: true },
    });
    const r = await run(project(value), "plan");
    expect(r.code, output(r)).toBe(0);
    expect(r.stdout).toContain(
      '~ [broadening] sourceIpConfig.cidrs: ["10.0.0.0/16"] → ["10.0.0.0/16", "10.1.0.0/16"]',
    );
    expect(r.stdout).toContain('- [destructive] delete workteam "old"');
    expect(r.stdout).toContain("Security-relevant: 1 destructive, 1 broadening.");
  });

  it("puts them first in markdown", async () => {
    const r = await run(project(SPECS.broadening!), "plan", "--format", "markdown");
    const md = r.stdout;
    expect(md).toContain("**Security-relevant changes** (review these first):");
    expect(md).toContain('- **broadening**\n  - `workforce.sourceIpConfig.cidrs: ["10.0.0.0/16"]');
    expect(md.indexOf("Security-relevant")).toBeLessThan(md.indexOf("<details>"));
  });
});

describe("apply --require-approval", () => {
  it("with --auto-approve and no terminal, refuses a broadening plan: exit 1, the change named, nothing changed", async () => {
    const from = emu.calls.length;
    const r = await run(
      project(SPECS.broadening!),
      "apply",
      "--auto-approve",
      "--require-approval",
      "broadening",
    );
    expect(r.code, output(r)).toBe(1);
    expect(r.stderr).toContain("--require-approval broadening");
    expect(r.stderr).toContain("workforce.sourceIpConfig.cidrs (broadening)");
    expect(r.stderr).toContain("nothing was changed");
    expect(r.stderr).not.toMatch(STACK_LINE);
    expect(changed("us-east-1", from)).toEqual([]);
  });

  it("refuses a narrowing plan at any", async () => {
    const from = emu.calls.length;
    const r = await run(
      project(SPECS.narrowing!),
      "apply",
      "--auto-approve",
      "--require-approval",
      "any",
    );
    expect(r.code, output(r)).toBe(1);
    expect(r.stderr).toContain("workforce.sourceIpConfig.cidrs (narrowing)");
    expect(changed("us-east-1", from)).toEqual([]);
  });

  it("applies a narrowing plan at broadening", async () => {
    seed("us-west-2");
    const dir = project(SPECS.narrowing!, "us-west-2");
    const r = await run(dir, "apply", "--auto-approve", "--require-approval", "broadening");
    expect(r.code, output(r)).toBe(0);
    expect(r.stdout).toContain("Apply complete.");
  });

  it("applies a plan of neutral changes", async () => {
    seed("us-east-2");
    const dir = project(SPECS.neutral!, "us-east-2");
    const r = await run(dir, "apply", "--auto-approve", "--require-approval", "any");
    expect(r.code, output(r)).toBe(0);
    expect(r.stdout).toContain("Apply complete.");
    const team = emu
      .state()
      .workteams.find(
        (t) => t.WorkteamName === "annotators" && t.WorkteamArn.includes("us-east-2"),
      );
    expect(team?.Description).toBe("new words");
  });

  it("with --format json, says why on stderr and prints the held changes", async () => {
    const from = emu.calls.length;
    const r = await run(
      project(SPECS.destructive!),
      "apply",
      "--auto-approve",
      "--require-approval",
      "any",
      "--format",
      "json",
    );
    expect(r.code, output(r)).toBe(1);
    expect(r.stderr).toContain("--format json cannot ask for it");
    expect(JSON.parse(r.stdout)).toMatchObject({
      outcome: "needs-approval",
      needsApproval: [{ path: "workteams.old", impact: "destructive" }],
    });
    expect(changed("us-east-1", from)).toEqual([]);
  });

  it("holds a saved plan file to the same rule", async () => {
    const dir = project(SPECS.broadening!);
    const saved = await run(dir, "plan", "--out", "plan.json");
    expect(saved.code, output(saved)).toBe(0);
    const from = emu.calls.length;
    const r = await run(dir, "apply", "plan.json", "--require-approval", "broadening");
    expect(r.code, output(r)).toBe(1);
    expect(r.stderr).toContain("workforce.sourceIpConfig.cidrs (broadening)");
    expect(changed("us-east-1", from)).toEqual([]);
  });

  it("refuses a level it does not know before any API call, naming the allowed ones", async () => {
    const from = emu.calls.length;
    const r = await run(project(SPECS.broadening!), "apply", "--require-approval", "bogus");
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/bogus/);
    expect(r.stderr).toMatch(/never, broadening, any/);
    expect(r.stderr).not.toMatch(STACK_LINE);
    expect(emu.calls.slice(from)).toEqual([]);
  });

  it.skipIf(!hasScript)(
    "in a terminal, shows the review and asks; no changes nothing",
    async () => {
      seed("us-west-1");
      const dir = project(SPECS.broadening!, "us-west-1");
      const from = emu.calls.length;
      const s = startTerminal(
        ["apply", "--endpoint-url", emu.url, "--auto-approve", "--require-approval", "broadening"],
        { cwd: dir, columns: 120, rows: 40, env: { WFPLAN_OIDC_CLIENT_SECRET: SECRET } },
      );
      await s.waitFor(/Type yes and press Enter to apply/);
      expect(s.output()).toContain("Security-relevant changes");
      expect(s.output()).toContain("[broadening] workforce.sourceIpConfig.cidrs");
      s.type("no\r");
      expect(await s.exited, s.output()).toBe(3);
      expect(s.output()).toContain("Cancelled; nothing changed.");
      expect(changed("us-west-1", from)).toEqual([]);
    },
  );
});
