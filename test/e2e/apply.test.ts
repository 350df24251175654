import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  CreateWorkteamCommand,
  DescribeWorkforceCommand,
  ListWorkteamsCommand,
  type SageMakerClient,
} from "@aws-sdk/client-sagemaker";
import { describe, expect, it } from "vitest";
import type { Emulator, EmulatorOptions } from "../../src/emulator/server.ts";
import { oidcConfig, type Raw, spec, workteam, yaml } from "../builders.ts";
import { type RunResult, STACK_LINE, tempFile, wfplanAsync } from "../helpers/cli.ts";
import { emulator, labelingJob, mutations, sdk, seedWorkforce } from "../helpers/emulator.ts";

const SECRET = "apply-secret-Kx7";

async function seeded(teams: string[], opts: EmulatorOptions = {}) {
  const emu = await emulator({ updateDelayMs: 200, ...opts });
  const client = sdk(emu);
  await seedWorkforce(client, teams);
  return { emu, client };
}

/** A project folder with the spec; apply runs there (its backups go to .wfplan/backups). */
function project(value: Raw) {
  const dir = mkdtempSync(join(tmpdir(), "wfplan-apply-"));
  const file = join(dir, "workforce.yaml");
  writeFileSync(file, yaml({ region: "us-east-1", ...value }));
  return { dir, file };
}

const apply = (emu: Emulator, dir: string, ...args: string[]) =>
  wfplanAsync(
    ["apply", "--endpoint-url", emu.url, ...args],
    { WFPLAN_OIDC_CLIENT_SECRET: SECRET },
    dir,
  );

async function teams(client: SageMakerClient) {
  const { Workteams } = await client.send(new ListWorkteamsCommand({ SortBy: "Name" }));
  return (Workteams ?? []).map((t) => ({
    name: t.WorkteamName,
    members: t.MemberDefinitions,
    description: t.Description,
  }));
}

const allOutput = (r: RunResult) => r.stdout + r.stderr;
const newIssuer = { oidcConfig: oidcConfig({ issuer: "https://login.example.com" }) };

describe("wfplan apply against the emulator", () => {
  it("moves the portal into a VPC (lifting the IP restriction in the same update) and out again, verifying each", async () => {
    const { emu, client } = await seeded([]);
    const describe = async () =>
      (await client.send(new DescribeWorkforceCommand({ WorkforceName: "labelers" }))).Workforce;
    const vpc = { vpcId: "vpc-0abc", securityGroupIds: ["sg-1"], subnets: ["subnet-1"] };
    const into = project(
      spec({
        workforce: {
          sourceIpConfig: { cidrs: [] },
          workforceVpcConfig: vpc,
          ipAddressType: "dualstack",
        },
      }),
    );
    const r = await apply(emu, into.dir, "--auto-approve");
    expect(r.code, allOutput(r)).toBe(0);
    expect(r.stdout).toContain("Apply complete. 0 added, 1 changed, 0 deleted. Verified");
    expect(await describe()).toMatchObject({
      Status: "Active",
      IpAddressType: "dualstack",
      SourceIpConfig: { Cidrs: [] },
      WorkforceVpcConfig: { VpcId: "vpc-0abc", SecurityGroupIds: ["sg-1"], Subnets: ["subnet-1"] },
    });
    expect(mutations(emu, 1).map((c) => c.operation)).toEqual(["UpdateWorkforce"]);
    expect(emu.state().workforces[0]!.secretUpdates).toBe(1);

    const out = project(
      spec({
        workforce: {
          sourceIpConfig: { cidrs: ["10.0.0.0/16", "2001:db8::/32"] },
          workforceVpcConfig: null,
        },
      }),
    );
    const back = await apply(emu, out.dir, "--auto-approve");
    expect(back.code, allOutput(back)).toBe(0);
    const wf = await describe();
    expect(wf).toMatchObject({
      Status: "Active",
      IpAddressType: "dualstack",
      SourceIpConfig: { Cidrs: ["10.0.0.0/16", "2001:db8::/32"] },
    });
    expect(wf!.WorkforceVpcConfig).toBeUndefined();
  });

  it("an OIDC change with two workteams: backup, delete, update, recreate with the same members, verify", async () => {
    const { emu, client } = await seeded(["annotators", "reviewers"]);
    const before = await teams(client);
    const { dir } = project(spec({ workforce: newIssuer }));
    const r = await apply(emu, dir, "--auto-approve", "--allow-workteam-deletion");
    expect(allOutput(r)).not.toMatch(STACK_LINE);
    expect(r.code).toBe(0);
    expect(mutations(emu, 3).map((c) => c.operation)).toEqual([
      "DeleteWorkteam",
      "DeleteWorkteam",
      "UpdateWorkforce",
      "CreateWorkteam",
      "CreateWorkteam",
    ]);
    expect(await teams(client)).toEqual(before);
    const wf = emu.state().workforces[0]!;
    expect(wf.OidcConfig?.Issuer).toBe("https://login.example.com");
    expect(wf.secretUpdates).toBe(2);
    expect(Object.values(emu.state().tags)).toContainEqual({ team: "annotators" });
    const [backup] = readdirSync(join(dir, ".wfplan/backups"));
    expect(backup).toMatch(/^labelers-\d{8}T\d{6}Z\.json$/);
    const file = join(dir, ".wfplan/backups", backup!);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const doc = JSON.parse(readFileSync(file, "utf8"));
    expect(
      doc.workteams.map((t: { workteam: { WorkteamName: string } }) => t.workteam.WorkteamName),
    ).toEqual(["annotators", "reviewers"]);
    expect(doc.completedAt).toBeTruthy();
    expect(readFileSync(file, "utf8")).not.toContain(SECRET);
    expect(allOutput(r)).not.toContain(SECRET);
    expect(
      (
        await wfplanAsync(
          ["plan", "--endpoint-url", emu.url, "--detailed-exitcode"],
          { WFPLAN_OIDC_CLIENT_SECRET: SECRET },
          dir,
        )
      ).code,
    ).toBe(0);
  });

  it("an update that ends Failed after the deletes: exit 1 with the reason; re-running restores every workteam", async () => {
    const { emu, client } = await seeded(["annotators", "reviewers"], {
      faults: { failUpdates: { reason: "Issuer discovery failed", count: 1 } },
    });
    const before = await teams(client);
    const { dir } = project(spec({ workforce: newIssuer }));
    const first = await apply(emu, dir, "--auto-approve", "--allow-workteam-deletion");
    expect(first.code).toBe(1);
    expect(first.stderr).toContain("the workforce update failed: Issuer discovery failed");
    expect(await teams(client)).toEqual([]);
    const again = await apply(emu, dir, "--auto-approve", "--allow-workteam-deletion");
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain("restore workteam annotators from the backup");
    expect(await teams(client)).toEqual(before);
    expect(emu.state().workforces[0]!.OidcConfig?.Issuer).toBe("https://login.example.com");
  });

  it("throttling every 3rd call and 5xx every 4th still converge", async () => {
    const { emu, client } = await seeded(["annotators", "reviewers"]);
    emu.setFaults({ throttleEvery: 3, errorEvery: 4 });
    const { dir } = project(
      spec({ workforce: { ...newIssuer, sourceIpConfig: { cidrs: ["10.1.0.0/16"] } } }),
    );
    const r = await apply(emu, dir, "--auto-approve", "--allow-workteam-deletion");
    expect(allOutput(r)).toContain("Apply complete.");
    expect(r.code).toBe(0);
    expect(emu.calls.some((c) => c.errorType === "ThrottlingException")).toBe(true);
    expect(emu.calls.some((c) => c.status === 500)).toBe(true);
    emu.setFaults({});
    expect((await teams(client)).map((t) => t.name)).toEqual(["annotators", "reviewers"]);
  }, 120_000); // the SDK backs off on every throttle: slow by design, bounded

  it("refuses a stale plan file, says what changed, and changes nothing", async () => {
    const { emu, client } = await seeded(["annotators"]);
    const { dir } = project(spec({ workforce: { sourceIpConfig: { cidrs: ["10.9.0.0/16"] } } }));
    const out = join(dir, "plan.json");
    expect(
      (await wfplanAsync(["plan", "--endpoint-url", emu.url, "--out", out], {}, dir)).code,
    ).toBe(0);
    await client.send(
      new CreateWorkteamCommand({
        WorkteamName: "sneaky",
        Description: "d",
        MemberDefinitions: [{ OidcMemberDefinition: { Groups: ["g"] } }],
      }),
    );
    const mark = emu.calls.length;
    const r = await apply(emu, dir, out);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("is stale: the live state changed since it was made");
    expect(r.stderr).toContain("workteam sneaky was created");
    expect(mutations(emu, mark)).toEqual([]);
  });

  it("a labeling job started since the plan stops the apply before any delete", async () => {
    const { emu, client } = await seeded(["annotators"]);
    const { dir } = project(spec({ workforce: newIssuer }));
    const out = join(dir, "plan.json");
    const planned = await wfplanAsync(
      ["plan", "--endpoint-url", emu.url, "--allow-workteam-deletion", "--out", out],
      { WFPLAN_OIDC_CLIENT_SECRET: SECRET },
      dir,
    );
    expect(planned.code).toBe(0);
    const lateJob = {
      workteamName: "annotators",
      LabelingJobName: "late-job",
      LabelCounters: { HumanLabeled: 0, PendingHuman: 5, Total: 5 },
    };
    await fetch(`${emu.url}/_emulator/labeling-jobs`, {
      method: "POST",
      body: JSON.stringify(lateJob),
    });
    const mark = emu.calls.length;
    // Applying the plan file plans again first: the job blocks it.
    const r = await apply(emu, dir, out);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("annotators is used by in-progress labeling jobs (late-job)");
    expect(mutations(emu, mark)).toEqual([]);
    expect((await teams(client)).map((t) => t.name)).toEqual(["annotators"]);
  });

  it("checks the labeling jobs again right before deleting: a job started after planning stops the apply", async () => {
    const { emu, client } = await seeded(["annotators"]);
    const { dir } = project(spec({ workforce: newIssuer }));
    // The job starts when the backup step reads the team, after apply has planned.
    const stop = emu.onCall((call) => {
      if (call.operation !== "DescribeWorkteam") return;
      stop();
      emu.state().labelingJobs.push(labelingJob("annotators", "late-job", 5));
    });
    const mark = emu.calls.length;
    const r = await apply(emu, dir, "--auto-approve", "--allow-workteam-deletion");
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      "workteam annotators now has in-progress labeling jobs; nothing was deleted",
    );
    expect(mutations(emu, mark)).toEqual([]);
    expect((await teams(client)).map((t) => t.name)).toEqual(["annotators"]);
  });

  it("applies a fresh plan file exactly, without asking", async () => {
    const { emu, client } = await seeded([]);
    const { dir } = project(spec({ workforce: { sourceIpConfig: { cidrs: ["10.9.0.0/16"] } } }));
    const out = join(dir, "plan.json");
    await wfplanAsync(["plan", "--endpoint-url", emu.url, "--out", out], {}, dir);
    const r = await apply(emu, dir, out);
    expect(r.code).toBe(0);
    const { Workforce } = await client.send(
      new DescribeWorkforceCommand({ WorkforceName: "labelers" }),
    );
    expect(Workforce!.SourceIpConfig!.Cidrs).toEqual(["10.9.0.0/16"]);
  });

  it("with no terminal and no --auto-approve, fails at once and changes nothing", async () => {
    const { emu } = await seeded([]);
    const { dir } = project(spec({ workforce: { sourceIpConfig: { cidrs: ["10.9.0.0/16"] } } }));
    const mark = emu.calls.length;
    const r = await apply(emu, dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("apply needs a confirmation, and there is no terminal to ask in");
    expect(r.stderr).toContain("--auto-approve");
    expect(mutations(emu, mark)).toEqual([]);
  });

  it("JSON output for tools", async () => {
    const { emu } = await seeded([]);
    const { dir } = project(spec({ workforce: { sourceIpConfig: { cidrs: ["10.9.0.0/16"] } } }));
    const r = await apply(emu, dir, "--auto-approve", "--format", "json");
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc).toMatchObject({ formatVersion: 1, outcome: "applied", remaining: [] });
    expect(
      doc.events
        .filter((e: { type: string }) => e.type === "step-done")
        .map((e: { step: { kind: string } }) => e.step.kind),
    ).toEqual(["update-workforce", "wait-active", "verify"]);
    const again = await apply(emu, dir, "--auto-approve", "--format", "json");
    expect(JSON.parse(again.stdout)).toMatchObject({ formatVersion: 1, outcome: "no-changes" });
    // A blocked plan (an OIDC change, workteams, no permission) is a document too.
    const blockedDir = project(spec({ workforce: newIssuer, workteams: [workteam()] })).dir;
    expect((await apply(emu, blockedDir, "--auto-approve")).code).toBe(0);
    const changed = project(
      spec({ workforce: { oidcConfig: oidcConfig({ issuer: "https://third.example.com" }) } }),
    ).dir;
    const blocked = await apply(emu, changed, "--auto-approve", "--format", "json");
    expect(blocked.code).toBe(1);
    expect(JSON.parse(blocked.stdout)).toMatchObject({
      outcome: "blocked",
      blockers: [{ code: "oidc-change-needs-workteam-deletion" }],
    });
  });
});

describe("workteams", () => {
  it("creates, updates and prunes to match the spec", async () => {
    const { emu, client } = await seeded(["annotators", "old"]);
    const { dir } = project(
      spec({
        workteams: [workteam({ description: "Renamed" }), workteam({ name: "fresh" })],
        policy: { pruneWorkteams: true },
      }),
    );
    const r = await apply(emu, dir, "--auto-approve");
    expect(r.code).toBe(0);
    expect((await teams(client)).map((t) => [t.name, t.description])).toEqual([
      ["annotators", "Renamed"],
      ["fresh", "Image annotators"],
    ]);
    expect(readdirSync(join(dir, ".wfplan/backups"))).toHaveLength(1);
  });
});

describe("wfplan restore", () => {
  it("recreates the workteams of a backup that do not exist", async () => {
    const { emu, client } = await seeded(["annotators", "reviewers"], {
      faults: { failUpdates: { reason: "broken", count: 1 } },
    });
    const before = await teams(client);
    const { dir } = project(spec({ workforce: newIssuer }));
    expect((await apply(emu, dir, "--auto-approve", "--allow-workteam-deletion")).code).toBe(1);
    expect(await teams(client)).toEqual([]);
    const [file] = readdirSync(join(dir, ".wfplan/backups"));
    const r = await wfplanAsync([
      "restore",
      join(dir, ".wfplan/backups", file!),
      "--endpoint-url",
      emu.url,
    ]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("Restored 2 workteam(s): annotators, reviewers.");
    expect(await teams(client)).toEqual(before);
    const again = await wfplanAsync([
      "restore",
      join(dir, ".wfplan/backups", file!),
      "--endpoint-url",
      emu.url,
    ]);
    expect(again.stdout).toContain("Nothing to restore");
  });

  it("refuses a backup that lacks what a workteam needs, before any call", async () => {
    const { emu } = await seeded([]);
    const backup = tempFile(
      "labelers-20261130T000000Z.json",
      JSON.stringify({
        kind: "wfplan-backup",
        formatVersion: 1,
        region: "us-east-1",
        workforceName: "labelers",
        createdAt: "2026-11-30T00:00:00.000Z",
        workteams: [{ workteam: { WorkteamName: "annotators", MemberDefinitions: [] }, tags: [] }],
      }),
    );
    const before = emu.calls.length;
    const r = await wfplanAsync(["restore", backup, "--endpoint-url", emu.url]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      `Error: ${backup}: not a complete wfplan backup: workteams[0].workteam.Description: Invalid input: expected string, received undefined; nothing was changed\n  hint: a backup is restored as wfplan wrote it; restore a copy of the original file, or recreate the workteam by hand\n`,
    );
    expect(emu.calls.length).toBe(before);
  });
});
