import { readFileSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Emulator } from "../../src/emulator/server.ts";
import { oidcConfig, type Raw, spec, workteam, yaml } from "../builders.ts";
import { STACK_LINE, tempFile, wfplanAsync } from "../helpers/cli.ts";
import { emulator, mutations, sdk, seedWorkforce } from "../helpers/emulator.ts";

const SECRET = "e2e-secret-Zq9";

async function setup(teams: string[] = []) {
  const emu = await emulator();
  await seedWorkforce(sdk(emu), teams);
  return emu;
}

function plan(emu: Emulator, value: Raw, ...flags: string[]) {
  const file = tempFile("workforce.yaml", yaml({ region: "us-east-1", ...value }));
  return wfplanAsync(["plan", "-f", file, "--endpoint-url", emu.url, ...flags], {
    WFPLAN_OIDC_CLIENT_SECRET: SECRET,
  });
}

describe("wfplan plan against the emulator", () => {
  it("no changes: exit 0 with --detailed-exitcode", async () => {
    const emu = await setup();
    const before = emu.calls.length;
    const r = await plan(
      emu,
      spec({ workforce: { sourceIpConfig: { cidrs: ["10.0.0.0/16"] } } }),
      "--detailed-exitcode",
    );
    expect(r.stderr).toBe("");
    expect(r.stdout).toContain("No changes. The live workforce matches the spec.");
    expect(r.code).toBe(0);
    expect(
      emu.calls
        .slice(before)
        .map((c) => c.operation)
        .sort(),
    ).toEqual(["DescribeWorkforce", "ListWorkteams"]);
  });

  it("a CIDR change: exit 2 with --detailed-exitcode, 0 without", async () => {
    const emu = await setup();
    const s = spec({
      workforce: {
        sourceIpConfig: { cidrs: ["10.0.0.0/16", "2001:db8::/32"] },
        ipAddressType: "dualstack",
      },
    });
    const r = await plan(emu, s, "--detailed-exitcode");
    expect(r.code).toBe(2);
    expect(r.stdout).toContain(
      '~ [broadening] sourceIpConfig.cidrs: ["10.0.0.0/16"] → ["10.0.0.0/16", "2001:db8::/32"]',
    );
    expect(r.stdout).toContain("Plan: 0 to add, 1 to change, 0 to delete.");
    expect((await plan(emu, s)).code).toBe(0);
  });

  it("an OIDC change blocked by workteams: exit 1, names them, says how to allow it", async () => {
    const emu = await setup(["annotators", "reviewers"]);
    const r = await plan(
      emu,
      spec({ workforce: { oidcConfig: oidcConfig({ issuer: "https://new.example.com" }) } }),
    );
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(
      "The OIDC configuration can be updated only when no workteams exist, and 2 do: annotators, reviewers.",
    );
    expect(r.stdout).toContain("--allow-workteam-deletion");
    expect(r.stdout + r.stderr).not.toMatch(STACK_LINE);
  });

  it("--format json on an invalid spec prints validate's JSON document, never nothing", async () => {
    const emu = await setup();
    const before = emu.calls.length;
    const r = await plan(
      emu,
      spec({ workforce: { sourceIpConfig: { cidrs: ["10.0.0.0/33"] } } }),
      "--format",
      "json",
    );
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.stdout);
    expect(doc).toMatchObject({ formatVersion: 1, valid: false });
    expect(doc.diagnostics).toEqual([
      expect.objectContaining({
        severity: "error",
        path: "workforce.sourceIpConfig.cidrs[0]",
        line: expect.any(Number),
        column: expect.any(Number),
      }),
    ]);
    expect(r.stderr).toContain("is not valid; nothing was read or changed.");
    expect(emu.calls.length).toBe(before);
  });

  it("--json-file and --markdown-file write the plan, blocked or not, and only after checking where", async () => {
    const emu = await setup(["annotators"]);
    const dir = dirname(tempFile("x", ""));
    const blocked = spec({
      workforce: { oidcConfig: oidcConfig({ issuer: "https://new.example.com" }) },
    });
    const files = ["--json-file", join(dir, "plan.json"), "--markdown-file", join(dir, "plan.md")];
    const r = await plan(emu, blocked, "--format", "text", ...files);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("Blocked: this plan cannot be applied (1 blocker).");
    const doc = JSON.parse(readFileSync(join(dir, "plan.json"), "utf8"));
    expect(doc.formatVersion).toBe(1);
    expect(doc.blockers.map((b: { message: string }) => b.message)).toEqual([
      "The OIDC configuration can be updated only when no workteams exist, and 1 do: annotators.",
    ]);
    expect(readFileSync(join(dir, "plan.md"), "utf8")).toMatch(/^### wfplan: ⛔ blocked\n/);
    // A destination that cannot be written is refused before anything is read.
    const before = emu.calls.length;
    const refused = await plan(emu, blocked, "--markdown-file", dir);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toBe(
      `Error: cannot write ${dir}: it is a directory\n  hint: give the path of a new or regular file\n`,
    );
    expect(emu.calls.length).toBe(before);
  });

  it("the same change allowed: steps in their safe order (JSON), labeling jobs read for the teams to delete", async () => {
    const emu = await setup(["annotators", "reviewers"]);
    const r = await plan(
      emu,
      spec({ workforce: { oidcConfig: oidcConfig({ issuer: "https://new.example.com" }) } }),
      "--allow-workteam-deletion",
      "--format",
      "json",
    );
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(
      doc.steps.map((s: { kind: string; name?: string }) =>
        s.name ? `${s.kind}:${s.name}` : s.kind,
      ),
    ).toEqual([
      "backup",
      "delete-workteam:annotators",
      "delete-workteam:reviewers",
      "update-workforce",
      "wait-active",
      "create-workteam:annotators",
      "create-workteam:reviewers",
      "verify",
    ]);
    expect(emu.calls.filter((c) => c.operation === "ListLabelingJobsForWorkteam")).toHaveLength(2);
    expect(r.stdout).not.toContain(SECRET);
  });

  it("a workteam with an in-progress labeling job blocks even when deletion is allowed", async () => {
    const emu = await setup(["annotators"]);
    await fetch(`${emu.url}/_emulator/labeling-jobs`, {
      method: "POST",
      body: JSON.stringify({
        workteamName: "annotators",
        LabelingJobName: "cats-1",
        LabelCounters: { HumanLabeled: 1, PendingHuman: 9, Total: 10 },
      }),
    });
    const r = await plan(
      emu,
      spec({ workforce: { oidcConfig: oidcConfig({ issuer: "https://new.example.com" }) } }),
      "--allow-workteam-deletion",
    );
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("Workteam annotators is used by in-progress labeling jobs (cats-1)");
  });

  it("a missing workforce: planned for creation with its workteams", async () => {
    const emu = await emulator();
    const r = await plan(emu, spec({ workteams: [workteam()] }), "--detailed-exitcode");
    expect(r.code).toBe(2);
    expect(r.stdout).toContain('+ create workforce "labelers"');
    expect(r.stdout).toContain('+ create workteam "annotators"');
    expect(r.stdout).toContain("Plan: 2 to add, 0 to change, 0 to delete.");
    expect(r.stdout).toContain(
      "oidcConfig.clientSecret: (sensitive) from ${env:WFPLAN_OIDC_CLIENT_SECRET}",
    );
  });

  it("an unset secret reference blocks only a plan that must send it", async () => {
    const emu = await setup();
    const file = tempFile(
      "w.yaml",
      yaml({
        region: "us-east-1",
        ...spec({ workforce: { oidcConfig: oidcConfig({ issuer: "https://new.example.com" }) } }),
      }),
    );
    const r = await wfplanAsync(["plan", "-f", file, "--endpoint-url", emu.url], {
      WFPLAN_OIDC_CLIENT_SECRET: "",
    });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("environment variable WFPLAN_OIDC_CLIENT_SECRET is not set");
    const same = tempFile("w.yaml", yaml({ region: "us-east-1", ...spec() }));
    expect(
      (
        await wfplanAsync(["plan", "-f", same, "--endpoint-url", emu.url], {
          WFPLAN_OIDC_CLIENT_SECRET: "",
        })
      ).code,
    ).toBe(0);
  });

  it("markdown for a pull request", async () => {
    const emu = await setup();
    const r = await plan(
      emu,
      spec({ workforce: { sourceIpConfig: { cidrs: [] } } }),
      "--format",
      "markdown",
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^### wfplan: Plan: 0 to add, 1 to change, 0 to delete\./);
    expect(r.stdout).toContain(
      '```diff\n! update workforce "labelers"\n-     sourceIpConfig.cidrs: ["10.0.0.0/16"]\n+     sourceIpConfig.cidrs: []',
    );
  });

  it("--out saves the plan: mode 0600, the live fingerprint, no secret", async () => {
    const emu = await setup();
    const out = tempFile("plan.json", "");
    const r = await plan(
      emu,
      spec({ workforce: { oidcConfig: oidcConfig({ issuer: "https://new.example.com" }) } }),
      "--out",
      out,
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`Saved the plan to ${out}`);
    expect(statSync(out).mode & 0o777).toBe(0o600);
    const text = readFileSync(out, "utf8");
    expect(text).not.toContain(SECRET);
    const doc = JSON.parse(text);
    expect(doc).toMatchObject({ kind: "wfplan-plan", formatVersion: 1, region: "us-east-1" });
    expect(doc.fingerprint).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  it("makes read-only calls only, whatever it plans", async () => {
    const emu = await setup(["annotators"]);
    const seeded = emu.calls.length;
    await plan(
      emu,
      spec({
        workforce: {
          oidcConfig: oidcConfig({ issuer: "https://new.example.com" }),
          sourceIpConfig: { cidrs: [] },
        },
        workteams: [workteam({ name: "x" })],
        policy: { pruneWorkteams: true },
      }),
      "--allow-workteam-deletion",
    );
    await plan(emu, spec({ workforce: { name: "renamed" } }));
    const calls = emu.calls.slice(seeded);
    expect(calls.length).toBeGreaterThan(4);
    expect(mutations(emu, seeded)).toEqual([]);
  });

  it("a renamed workforce is a blocker, not an API error", async () => {
    const emu = await setup();
    const r = await plan(emu, spec({ workforce: { name: "renamed" } }));
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('Region us-east-1 already has the private workforce "labelers"');
  });

  it("an invalid spec reads nothing", async () => {
    const emu = await emulator();
    const file = tempFile("w.yaml", "version: 1\nworkforce: {name: -x}\n");
    const r = await wfplanAsync(["plan", "-f", file, "--endpoint-url", emu.url]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("nothing was read or changed");
    expect(emu.calls).toEqual([]);
  });

  it("an unreachable endpoint is a clear error", async () => {
    const file = tempFile("w.yaml", yaml({ region: "us-east-1", ...spec() }));
    const r = await wfplanAsync(["plan", "-f", file, "--endpoint-url", "http://127.0.0.1:9"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/cannot reach http:\/\/127\.0\.0\.1:9 \(ECONNREFUSED\)/);
    expect(r.stderr).not.toMatch(STACK_LINE);
  });
});

describe("wfplan import", () => {
  it("writes a valid spec that plans to no changes", async () => {
    const emu = await setup(["annotators", "reviewers"]);
    const out = `${tempFile("x", "")}-imported.yaml`;
    const r = await wfplanAsync([
      "import",
      "--name",
      "labelers",
      "--out",
      out,
      "--endpoint-url",
      emu.url,
      "--region",
      "us-east-1",
    ]);
    expect(r.code).toBe(0);
    const text = readFileSync(out, "utf8");
    expect(text).toContain("clientSecret: ${env:WFPLAN_OIDC_CLIENT_SECRET}");
    expect(text).toContain("name: annotators");
    const p = await wfplanAsync([
      "plan",
      "-f",
      out,
      "--endpoint-url",
      emu.url,
      "--detailed-exitcode",
    ]);
    expect(p.stdout).toContain("No changes.");
    expect(p.code).toBe(0);
  });

  it("says when the workforce does not exist", async () => {
    const emu = await emulator();
    const r = await wfplanAsync([
      "import",
      "--name",
      "nope",
      "--endpoint-url",
      emu.url,
      "--region",
      "us-east-1",
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("no workforce named nope in us-east-1");
  });
});
