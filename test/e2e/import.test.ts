/**
 * `wfplan import` through the built CLI against the emulator: the spec it writes holds every
 * workteam's fields and tags, reads back the same in a YAML 1.1 reader as in wfplan, plans to no
 * changes, and its header speaks of the OIDC secret only when the workforce has one.
 */
import { existsSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import type { Emulator } from "../../src/emulator/server.ts";
import { tempFile, wfplanAsync } from "../helpers/cli.ts";
import { emulator, OIDC, seedRich, TOPIC } from "../helpers/emulator.ts";

async function importAndPlan(emu: Emulator) {
  const out = `${tempFile("x", "")}-imported.yaml`;
  const e = ["--endpoint-url", emu.url, "--region", "us-east-1"];
  const imported = await wfplanAsync(["import", "--name", "labelers", "--out", out, ...e]);
  expect(imported.stderr).toMatch(/^Wrote .*imported\.yaml: workforce labelers and \d+ workteam/);
  expect(imported.code).toBe(0);
  const planned = await wfplanAsync(["plan", "-f", out, "--detailed-exitcode", ...e], {
    WFPLAN_OIDC_CLIENT_SECRET: "import-secret",
  });
  return { text: readFileSync(out, "utf8"), planned };
}

describe("wfplan import", () => {
  it("writes each workteam's topic, worker access rules and tags, and plans to no changes", async () => {
    const emu = await emulator();
    seedRich(emu, ["annotators", "reviewers"]);
    const { text, planned } = await importAndPlan(emu);
    const teams = (parse(text) as { workteams: Record<string, unknown>[] }).workteams;
    expect(teams).toEqual(
      ["annotators", "reviewers"].map((name) => ({
        name,
        description: `${name} team`,
        memberDefinitions: [{ oidcMemberDefinition: { groups: [name, "leads"] } }],
        notificationConfiguration: { notificationTopicArn: TOPIC },
        workerAccessConfiguration: {
          s3Presign: { iamPolicyConstraints: { sourceIp: "Enabled", vpcSourceIp: "Disabled" } },
        },
        tags: { team: name, "cost-center": "42" },
      })),
    );
    expect(planned.stdout).toContain("No changes.");
    expect(planned.code).toBe(0);
  });

  it("quotes what a YAML 1.1 reader would take for a boolean or a number", async () => {
    const emu = await emulator();
    emu.invoke("CreateWorkforce", { WorkforceName: "labelers", OidcConfig: OIDC });
    emu.invoke("CreateWorkteam", {
      WorkteamName: "annotators",
      Description: "yes",
      MemberDefinitions: [{ OidcMemberDefinition: { Groups: ["on", "0x1F", "1e3", "no"] } }],
      Tags: [{ Key: "off", Value: "012" }],
    });
    const { text, planned } = await importAndPlan(emu);
    for (const version of ["1.1", "1.2"] as const) {
      const team = (parse(text, { version }) as { workteams: Record<string, unknown>[] })
        .workteams[0];
      expect(team, `YAML ${version}`).toEqual({
        name: "annotators",
        description: "yes",
        memberDefinitions: [{ oidcMemberDefinition: { groups: ["on", "0x1F", "1e3", "no"] } }],
        tags: { off: "012" },
      });
    }
    expect(planned.stdout).toContain("No changes.");
    expect(planned.code).toBe(0);
  });

  it("says how to give the OIDC secret only when the workforce has one", async () => {
    const oidc = await emulator();
    oidc.invoke("CreateWorkforce", { WorkforceName: "labelers", OidcConfig: OIDC });
    const withSecret = (await importAndPlan(oidc)).text;
    expect(withSecret).toMatch(/^# Imported by wfplan from workforce labelers in us-east-1 on /);
    expect(withSecret).toContain("export WFPLAN_OIDC_CLIENT_SECRET");

    const cognito = await emulator();
    cognito.invoke("CreateWorkforce", {
      WorkforceName: "labelers",
      CognitoConfig: { UserPool: "us-east-1_AbC123", ClientId: "client1" },
    });
    const { text, planned } = await importAndPlan(cognito);
    const header = text.split("\n").filter((l) => l.startsWith("#"));
    expect(header).toEqual([
      expect.stringMatching(/^# Imported by wfplan from workforce labelers in us-east-1 on /),
    ]);
    expect(text).not.toMatch(/secret/i);
    expect(planned.stdout).toContain("No changes.");
    expect(planned.code).toBe(0);
  });

  it("refuses a --name the service would refuse, before any call and any file", async () => {
    const emu = await emulator();
    emu.invoke("CreateWorkforce", { WorkforceName: "labelers", OidcConfig: OIDC });
    const before = emu.calls.length;
    const out = `${tempFile("x", "")}-imported.yaml`;
    for (const name of ["bad name!", "", "-labelers", "labelers_1", "a".repeat(64)]) {
      const r = await wfplanAsync([
        ...["import", "--name", name, "--out", out],
        ...["--endpoint-url", emu.url, "--region", "us-east-1"],
      ]);
      expect(r.stderr).toBe(
        `Error: --name ${JSON.stringify(name)} is not a workforce name: expected 1-63 letters, digits and hyphens, starting with a letter or digit\n`,
      );
      expect(r.stdout).toBe("");
      expect(r.code).toBe(1);
    }
    expect(emu.calls.slice(before)).toEqual([]);
    expect(existsSync(out)).toBe(false);
    // The longest name allowed passes the check (and then is not found).
    const longest = await wfplanAsync([
      ...["import", "--name", "a".repeat(63)],
      ...["--endpoint-url", emu.url, "--region", "us-east-1"],
    ]);
    expect(longest.stderr).toContain(`no workforce named ${"a".repeat(63)} in us-east-1`);
    expect(longest.code).toBe(1);
  });
});
