/**
 * The promise: nothing lost, nothing changed wrongly (issue 12). Each case drives the built CLI
 * against the emulator through the real SDK, and checks the exit code, the order of the calls that
 * change something, and the live state afterwards: every field of every workteam, tags included.
 */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Emulator, EmulatorOptions } from "../../src/emulator/server.ts";
import { oidcConfig, type Raw, spec, workteam, yaml } from "../builders.ts";
import { type RunResult, STACK_LINE, wfplanAsync } from "../helpers/cli.ts";
import {
  emulator,
  manualClock,
  mutations,
  seededTeamSpec,
  seedRich,
  TOPIC,
  teamsOf,
} from "../helpers/emulator.ts";
import { startWfplan } from "../helpers/process.ts";

const NEW_ISSUER = "https://login.example.com";
const SECRET = "promise-secret-J4";

async function seeded(
  teams: string[],
  opts: EmulatorOptions & { vpc?: boolean } = {},
): Promise<Emulator> {
  const emu = await emulator({ updateDelayMs: 200, ...opts });
  seedRich(emu, teams, { vpc: opts.vpc });
  return emu;
}

function project(value: Raw): string {
  const dir = mkdtempSync(join(tmpdir(), "wfplan-promise-"));
  writeFileSync(join(dir, "workforce.yaml"), yaml({ region: "us-east-1", ...value }));
  return dir;
}

const run = (emu: Emulator, dir: string, ...args: string[]) =>
  wfplanAsync([...args, "--endpoint-url", emu.url], { WFPLAN_OIDC_CLIENT_SECRET: SECRET }, dir);
const apply = (emu: Emulator, dir: string, ...args: string[]) =>
  run(emu, dir, "apply", "--auto-approve", ...args);

const ops = (emu: Emulator, from: number) => mutations(emu, from).map((c) => c.operation);
const all = (r: RunResult) => r.stdout + r.stderr;
const newIssuer = { oidcConfig: oidcConfig({ issuer: NEW_ISSUER }) };

describe("1. a recreated workteam keeps what the spec does not manage", () => {
  it("takes the spec's fields and the backup's others (topic, access, tags), and says which", async () => {
    const emu = await seeded(["annotators", "reviewers"]);
    const before = teamsOf(emu);
    // annotators is declared with description and members only; reviewers is not declared.
    const dir = project(
      spec({
        workforce: newIssuer,
        workteams: [
          workteam({
            description: "Image annotators",
            memberDefinitions: [{ oidcMemberDefinition: { groups: ["annotators"] } }],
          }),
        ],
      }),
    );
    const mark = emu.calls.length;
    const r = await apply(emu, dir, "--allow-workteam-deletion");
    expect(r.code, all(r)).toBe(0);
    expect(r.stdout).toContain(
      "description, memberDefinitions from the spec; notificationConfiguration, workerAccessConfiguration, tags from the backup",
    );
    expect(ops(emu, mark)).toEqual([
      "DeleteWorkteam",
      "DeleteWorkteam",
      "UpdateWorkforce",
      "CreateWorkteam",
      "CreateWorkteam",
    ]);
    expect(teamsOf(emu)).toEqual({
      annotators: {
        ...before.annotators,
        Description: "Image annotators",
        MemberDefinitions: [{ OidcMemberDefinition: { Groups: ["annotators"] } }],
      },
      reviewers: before.reviewers,
    });
    expect(r.stdout).toContain("Verified");
  });

  it("a team with more tags than one ListTags page (AWS's own aws: tags among them) keeps them all", async () => {
    const emu = await seeded(["annotators"]);
    const arn = emu.state().workteams[0]!.WorkteamArn;
    // AWS's tags (set by CloudFormation, say) do not count towards the 50: 53 in all.
    emu.state().tags[arn] = {
      "aws:cloudformation:stack-name": "s",
      "aws:cloudformation:logical-id": "l",
      "aws:cloudformation:stack-id": "i",
      ...Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`k${i}`, `v${i}`])),
    };
    const before = teamsOf(emu);
    const dir = project(spec({ workforce: newIssuer }));
    const r = await apply(emu, dir, "--allow-workteam-deletion");
    expect(r.code, all(r)).toBe(0);
    const { Tags, ...rest } = teamsOf(emu).annotators!;
    const { Tags: tagsBefore, ...restBefore } = before.annotators!;
    expect(rest).toEqual(restBefore);
    // Every user tag is back; only AWS can set aws: tags again.
    expect(Tags).toEqual(
      Object.fromEntries(Object.entries(tagsBefore).filter(([k]) => !k.startsWith("aws:"))),
    );
  });

  it("wfplan restore recreates a backup's teams whole, and verifies them before closing it", async () => {
    const emu = await seeded(["annotators", "reviewers"], {
      faults: { failUpdates: { reason: "broken", count: 1 } },
    });
    const before = teamsOf(emu);
    const dir = project(spec({ workforce: newIssuer }));
    expect((await apply(emu, dir, "--allow-workteam-deletion")).code).toBe(1);
    expect(teamsOf(emu)).toEqual({});
    const [file] = readdirSync(join(dir, ".wfplan/backups"));
    const path = join(dir, ".wfplan/backups", file!);
    const r = await wfplanAsync(["restore", path, "--endpoint-url", emu.url]);
    expect(r.code, all(r)).toBe(0);
    expect(r.stdout).toContain("Restored 2 workteam(s): annotators, reviewers. Verified");
    expect(teamsOf(emu)).toEqual(before);
    expect(JSON.parse(readFileSync(path, "utf8")).completedAt).toBeTruthy();
  });

  it("a re-run after a failed update recreates a declared team from the spec and its backup", async () => {
    const emu = await seeded(["annotators"], {
      faults: { failUpdates: { reason: "broken", count: 1 } },
    });
    const before = teamsOf(emu);
    const dir = project(spec({ workforce: newIssuer, workteams: [workteam()] }));
    expect((await apply(emu, dir, "--allow-workteam-deletion")).code).toBe(1);
    expect(teamsOf(emu)).toEqual({});
    // The open backup's team is declared: it comes back with the spec's fields and the rest.
    const again = await apply(emu, dir, "--allow-workteam-deletion");
    expect(again.code, all(again)).toBe(0);
    expect(teamsOf(emu)).toEqual({
      annotators: {
        ...before.annotators,
        Description: "Image annotators",
        MemberDefinitions: [{ OidcMemberDefinition: { Groups: ["annotators"] } }],
      },
    });
  });
});

describe("2. a re-run after an interrupted or timed-out wait waits first", () => {
  it("Ctrl-C during the wait, then apply again: the wait comes before the restores, and verify sees Active", async () => {
    const emu = await seeded(["annotators", "reviewers"], { updateDelayMs: 1500 });
    const before = teamsOf(emu);
    const dir = project(spec({ workforce: newIssuer }));
    const first = startWfplan(
      ["apply", "--endpoint-url", emu.url, "--auto-approve", "--allow-workteam-deletion"],
      { WFPLAN_OIDC_CLIENT_SECRET: SECRET },
      dir,
    );
    await first.waitFor(/wait until the workforce is Active …/);
    first.child.kill("SIGINT");
    expect(await first.exited).toBe(130);
    expect(first.output()).toContain(
      [
        "Done:",
        "  ✓ back up workteams annotators, reviewers (every field, and tags) to a backup file",
        "  ✓ delete workteam annotators (it blocks the OIDC update)",
        "  ✓ delete workteam reviewers (it blocks the OIDC update)",
        "  ✓ update the workforce: oidcConfig (UpdateWorkforce, sends the client secret)",
        "Not done:",
        "  · wait until the workforce is Active",
        "  · restore workteam annotators from the backup (CreateWorkteam)",
        "  · restore workteam reviewers from the backup (CreateWorkteam)",
        "  · verify: read everything again and compare it, field by field",
        "Run wfplan apply again to finish; deleted workteams are restored from the backup.",
      ].join("\n"),
    );
    expect(emu.state().workforces[0]!.Status).toBe("Updating");
    const mark = emu.calls.length;
    const again = await apply(emu, dir, "--allow-workteam-deletion");
    expect(again.code, all(again)).toBe(0);
    expect(again.stdout).toContain("The workforce is Updating: apply waits until it is Active");
    expect(again.stdout).toMatch(/\[1\/4\] wait until the workforce is Active …/);
    expect(ops(emu, mark)).toEqual(["CreateWorkteam", "CreateWorkteam"]);
    expect(emu.calls.slice(mark).some((c) => c.errorType === "ConflictException")).toBe(false);
    expect(emu.state().workforces[0]!.Status).toBe("Active");
    expect(teamsOf(emu)).toEqual(before);
  });

  it("a wait that timed out: the promise of the message is kept", async () => {
    const emu = await seeded(["annotators"], { updateDelayMs: 2500 });
    const before = teamsOf(emu);
    const dir = project(spec({ workforce: newIssuer }));
    const first = await apply(emu, dir, "--allow-workteam-deletion", "--timeout", "1s");
    expect(first.code).toBe(1);
    expect(first.stderr).toContain("it waits again and finishes the remaining steps");
    expect(ops(emu, 0)).toEqual(["DeleteWorkteam", "UpdateWorkforce"]);
    const mark = emu.calls.length;
    const again = await apply(emu, dir, "--allow-workteam-deletion");
    expect(again.code, all(again)).toBe(0);
    expect(again.stdout).toMatch(/\[1\/3\] wait until the workforce is Active …/);
    // Nothing sent again; the team restored only once the workforce was Active.
    expect(ops(emu, mark)).toEqual(["CreateWorkteam"]);
    expect(emu.calls.slice(mark).some((c) => c.errorType === "ConflictException")).toBe(false);
    expect(emu.state().workforces[0]!.Status).toBe("Active");
    expect(teamsOf(emu)).toEqual(before);
  });
});

describe("3. a Failed workforce is a change", () => {
  it("plan shows it (exit 2); apply sends the configuration again, secret included, and restores", async () => {
    const emu = await seeded(["annotators", "reviewers"], {
      faults: { failUpdates: { reason: "Invalid issuer discovery", count: 1 } },
    });
    const before = teamsOf(emu);
    const dir = project(spec({ workforce: newIssuer }));
    const first = await apply(emu, dir, "--allow-workteam-deletion");
    expect(first.code).toBe(1);
    expect(first.stderr).toContain("the workforce update failed: Invalid issuer discovery");
    // The service reports the configuration it was sent, and Failed: no visible difference.
    expect(emu.state().workforces[0]).toMatchObject({
      Status: "Failed",
      OidcConfig: { Issuer: NEW_ISSUER },
    });
    const planned = await run(emu, dir, "plan", "--detailed-exitcode");
    expect(planned.code, all(planned)).toBe(2);
    expect(planned.stdout).toContain("its last update failed (Invalid issuer discovery)");
    const mark = emu.calls.length;
    const again = await apply(emu, dir, "--allow-workteam-deletion");
    expect(again.code, all(again)).toBe(0);
    expect(ops(emu, mark)).toEqual(["UpdateWorkforce", "CreateWorkteam", "CreateWorkteam"]);
    expect(emu.state().workforces[0]).toMatchObject({ Status: "Active", secretUpdates: 3 });
    expect(teamsOf(emu)).toEqual(before);
    expect((await run(emu, dir, "plan", "--detailed-exitcode")).code).toBe(0);
  });

  it("with workteams and only an unchanged oidcConfig to send: blocked, saying how to go on", async () => {
    const emu = await seeded(["annotators"]);
    const wf = emu.state().workforces[0]!;
    wf.Status = "Failed";
    wf.FailureReason = "Invalid issuer discovery";
    const before = teamsOf(emu);
    // The spec manages the OIDC config as it is: sending it again means deleting the team.
    const dir = project(spec());
    const planned = await run(emu, dir, "plan", "--detailed-exitcode");
    expect(planned.code, all(planned)).toBe(1);
    expect(planned.stdout).toContain(
      "the spec manages nothing an update could send again without deleting the workteams",
    );
    expect(planned.stdout).toContain("--rotate-client-secret");
    expect(ops(emu, 0)).toEqual([]);
    // As the hint says: the OIDC config sent again, around the team's backup and recreation.
    const mark = emu.calls.length;
    const again = await apply(emu, dir, "--rotate-client-secret", "--allow-workteam-deletion");
    expect(again.code, all(again)).toBe(0);
    expect(ops(emu, mark)).toEqual(["DeleteWorkteam", "UpdateWorkforce", "CreateWorkteam"]);
    expect(emu.state().workforces[0]!.Status).toBe("Active");
    expect(teamsOf(emu)).toEqual(before);
    expect(all(planned) + all(again)).not.toContain(SECRET);
  });
});

describe("4. no workteam is deleted before an update that could still be refused", () => {
  it("IP ranges on a workforce with a VPC (not in the spec) are a located blocker: exit 1, nothing changed", async () => {
    const emu = await seeded(["annotators"], { vpc: true });
    const before = teamsOf(emu);
    const dir = project(
      spec({ workforce: { ...newIssuer, sourceIpConfig: { cidrs: ["10.9.0.0/16"] } } }),
    );
    const mark = emu.calls.length;
    const r = await apply(emu, dir, "--allow-workteam-deletion");
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(
      /workforce\.yaml:\d+:\d+: SageMaker does not support source IP restriction for a worker portal in a VPC, and the live workforce uses VPC vpc-0abc/,
    );
    expect(all(r)).not.toMatch(STACK_LINE);
    expect(ops(emu, mark)).toEqual([]);
    expect(teamsOf(emu)).toEqual(before);
  });

  it("the other fields go first: when that update fails, no team has been touched", async () => {
    const emu = await seeded(["annotators", "reviewers"], {
      faults: { failUpdates: { reason: "IP ranges refused", count: 1 } },
    });
    const before = teamsOf(emu);
    const dir = project(
      spec({ workforce: { ...newIssuer, sourceIpConfig: { cidrs: ["10.9.0.0/16"] } } }),
    );
    const mark = emu.calls.length;
    const first = await apply(emu, dir, "--allow-workteam-deletion");
    expect(first.code).toBe(1);
    expect(first.stderr).toContain("the workforce update failed: IP ranges refused");
    expect(ops(emu, mark)).toEqual(["UpdateWorkforce"]);
    expect(teamsOf(emu)).toEqual(before);
    const next = emu.calls.length;
    const again = await apply(emu, dir, "--allow-workteam-deletion");
    expect(again.code, all(again)).toBe(0);
    expect(ops(emu, next)).toEqual([
      "UpdateWorkforce",
      "DeleteWorkteam",
      "DeleteWorkteam",
      "UpdateWorkforce",
      "CreateWorkteam",
      "CreateWorkteam",
    ]);
    expect(teamsOf(emu)).toEqual(before);
    expect(emu.state().workforces[0]).toMatchObject({
      Status: "Active",
      SourceIpConfig: { Cidrs: ["10.9.0.0/16"] },
      OidcConfig: { Issuer: NEW_ISSUER },
    });
  });
});

describe("5. detaching a VPC is verified", () => {
  it("a VPC endpoint still reported after the update fails verify; a real detach passes", async () => {
    const emu = await seeded([], { vpc: true, faults: { vpcEndpointLeftOnDetach: true } });
    const dir = project(spec({ workforce: { workforceVpcConfig: null } }));
    const r = await apply(emu, dir);
    expect(r.code).toBe(1);
    expect(ops(emu, 0)).toEqual(["UpdateWorkforce"]);
    // The service left the endpoint behind: that is what verify found.
    expect(emu.state().workforces[0]!.WorkforceVpcConfig?.VpcEndpointId).toMatch(/^vpce-/);
    expect(r.stderr).toContain("verify found the live state different from what it should be");
    expect(r.stderr).toMatch(
      /workforce\.workforceVpcConfig\.vpcEndpointId: expected \(none\), found "vpce-\w+"/,
    );
    expect(r.stdout).not.toContain("Apply complete");
    emu.setFaults({});
    const mark = emu.calls.length;
    const again = await apply(emu, dir);
    expect(again.code, all(again)).toBe(0);
    expect(ops(emu, mark)).toEqual(["UpdateWorkforce"]);
    const update = emu.calls.slice(mark).find((c) => c.operation === "UpdateWorkforce");
    expect(update).toBeDefined();
    expect(emu.state().workforces[0]!.WorkforceVpcConfig).toBeUndefined();
  });
});

describe("6. a saved plan file is not trusted blindly", () => {
  it("a step injected into the plan file is refused: exit 1, nothing changed", async () => {
    const emu = await seeded(["annotators", "reviewers"]);
    const before = teamsOf(emu);
    const dir = project(spec({ workforce: { sourceIpConfig: { cidrs: ["10.9.0.0/16"] } } }));
    const out = join(dir, "plan.json");
    expect((await run(emu, dir, "plan", "--out", out)).code).toBe(0);
    const doc = JSON.parse(readFileSync(out, "utf8"));
    doc.plan.steps.splice(0, 0, { kind: "delete-workteam", name: "reviewers", reason: "prune" });
    writeFileSync(out, JSON.stringify(doc));
    const mark = emu.calls.length;
    const r = await run(emu, dir, "apply", out);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      'is not the plan its own spec, options and live state give (its step 1 is "delete-workteam reviewers", not "update-workforce")',
    );
    expect(ops(emu, mark)).toEqual([]);
    expect(teamsOf(emu)).toEqual(before);
  });

  it("a plan file saved while the workforce was Updating applies once it is Active", async () => {
    const clock = manualClock({ running: true });
    const emu = await seeded(["annotators"], { updateDelayMs: 600, clock: clock.now });
    emu.invoke("UpdateWorkforce", { WorkforceName: "labelers", SourceIpConfig: { Cidrs: [] } });
    const dir = project(spec({ workforce: { sourceIpConfig: { cidrs: ["10.9.0.0/16"] } } }));
    const out = join(dir, "plan.json");
    const planned = await run(emu, dir, "plan", "--out", out);
    expect(planned.stdout).toContain("The workforce is Updating");
    // The update ends: the emulator's clock moves past it.
    clock.advance(600);
    emu.invoke("ListWorkforces", {});
    expect(emu.state().workforces[0]!.Status).toBe("Active");
    const r = await run(emu, dir, "apply", out);
    expect(r.code, all(r)).toBe(0);
    expect(emu.state().workforces[0]!.SourceIpConfig.Cidrs).toEqual(["10.9.0.0/16"]);
  });

  it("a plan file whose spec was edited into an invalid one is refused", async () => {
    const emu = await seeded([]);
    const dir = project(spec({ workforce: { sourceIpConfig: { cidrs: ["10.9.0.0/16"] } } }));
    const out = join(dir, "plan.json");
    expect((await run(emu, dir, "plan", "--out", out)).code).toBe(0);
    const doc = JSON.parse(readFileSync(out, "utf8"));
    doc.spec.workforce.sourceIpConfig.cidrs = ["10.9.0.0/33"];
    writeFileSync(out, JSON.stringify(doc));
    const mark = emu.calls.length;
    const r = await run(emu, dir, "apply", out);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("its spec is not a valid workforce spec");
    expect(emu.calls.length).toBe(mark);
  });
});

describe("7. tag changes", () => {
  it("a workteam's tags are desired state: planned, applied with AddTags and DeleteTags, verified", async () => {
    const emu = await seeded(["annotators"]);
    const before = teamsOf(emu);
    const dir = project(
      spec({
        workteams: [seededTeamSpec("annotators", { tags: { team: "ml", env: "prod" } })],
      }),
    );
    const planned = await run(emu, dir, "plan", "--detailed-exitcode");
    expect(planned.code).toBe(2);
    expect(planned.stdout).toContain('tags.team: "annotators" → "ml"');
    expect(planned.stdout).toContain('tags.cost-center: "42" → (none)');
    expect(planned.stdout).toContain('tags.env: "prod"');
    const mark = emu.calls.length;
    const r = await apply(emu, dir);
    expect(r.code, all(r)).toBe(0);
    expect(ops(emu, mark)).toEqual(["DeleteTags", "AddTags"]);
    expect(teamsOf(emu)).toEqual({
      annotators: { ...before.annotators, Tags: { team: "ml", env: "prod" } },
    });
    expect((await run(emu, dir, "plan", "--detailed-exitcode")).code).toBe(0);
  });

  it("a team at its 50-tag limit takes a new tag in place of one it drops", async () => {
    const emu = await seeded(["annotators"]);
    const arn = emu.state().workteams[0]!.WorkteamArn;
    const fifty = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`k${i}`, "v"]));
    emu.state().tags[arn] = fifty;
    const { k0, ...kept } = fifty;
    const want = { ...kept, fresh: "v" };
    const dir = project(spec({ workteams: [seededTeamSpec("annotators", { tags: want })] }));
    const r = await apply(emu, dir);
    expect(r.code, all(r)).toBe(0);
    expect(teamsOf(emu).annotators!.Tags).toEqual(want);
  });

  it("workforce tags cannot be compared after creation: a warning that says so", async () => {
    const emu = await seeded([]);
    const dir = project(spec({ workforce: { tags: { team: "ml" } } }));
    const r = await run(emu, dir, "plan");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      /workforce\.yaml:\d+:\d+: workforce\.tags are sent only when the workforce is created/,
    );
    expect(emu.calls.some((c) => c.operation === "ListTags")).toBe(false);
    // apply: the same warning, and no tag call is made (nor any other: nothing else changes).
    const applied = await apply(emu, dir);
    expect(applied.code, all(applied)).toBe(0);
    expect(applied.stdout).toContain("workforce.tags are sent only when the workforce is created");
    expect(ops(emu, 0)).toEqual([]);
    expect(emu.calls.some((c) => /Tags$/.test(c.operation))).toBe(false);
  });
});

describe("8. a workteam's notification topic can be cleared", () => {
  it("notificationConfiguration: null removes the topic", async () => {
    const emu = await seeded(["annotators"]);
    const before = teamsOf(emu);
    const dir = project(
      spec({
        workteams: [seededTeamSpec("annotators", { notificationConfiguration: null })],
      }),
    );
    const mark = emu.calls.length;
    const r = await apply(emu, dir);
    expect(r.code, all(r)).toBe(0);
    expect(r.stdout).toContain(
      `notificationConfiguration.notificationTopicArn: "${TOPIC}" → (none)`,
    );
    expect(ops(emu, mark)).toEqual(["UpdateWorkteam"]);
    const { NotificationConfiguration, ...rest } = before.annotators!;
    expect(teamsOf(emu)).toEqual({ annotators: { ...rest, NotificationConfiguration: undefined } });
    expect((await run(emu, dir, "plan", "--detailed-exitcode")).code).toBe(0);
  });
});

describe("absent means unmanaged inside oidcConfig too", () => {
  it("an OIDC update keeps the live scope and extra parameters the spec omits", async () => {
    const emu = await seeded([]);
    const wf = emu.state().workforces[0]!;
    wf.OidcConfig = {
      ...wf.OidcConfig!,
      Scope: "openid profile",
      AuthenticationRequestExtraParams: { prompt: "login" },
    };
    const dir = project(spec({ workforce: newIssuer }));
    const planned = await run(emu, dir, "plan");
    expect(planned.stdout).toMatch(
      /Not managed by this spec, left as they are: .*workforce\.oidcConfig\.scope/,
    );
    expect(planned.stdout).not.toMatch(/scope: "openid profile" →/);
    // The new provider gets the old one's values: said, with them, where the spec is edited.
    expect(planned.stdout).toMatch(
      /workforce\.yaml:\d+:\d+: The identity provider changes .* does not set oidcConfig\.scope: the live "openid profile" is sent to the new provider as it is\./,
    );
    const r = await apply(emu, dir);
    expect(r.code, all(r)).toBe(0);
    expect(ops(emu, 0)).toEqual(["UpdateWorkforce"]);
    const after = emu.state().workforces[0]!.OidcConfig!;
    expect(after.Issuer).toBe(NEW_ISSUER);
    expect(after.Scope).toBe("openid profile");
    expect(after.AuthenticationRequestExtraParams).toEqual({ prompt: "login" });
    expect(all(r)).not.toContain(SECRET);
  });
});
