/**
 * Faults: wfplan must never lose a workteam, and running apply again must always converge. Each
 * test drives the built CLI against the emulator through the real SDK over HTTP.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  DescribeWorkforceCommand,
  ListWorkteamsCommand,
  type SageMakerClient,
  UpdateWorkforceCommand,
} from "@aws-sdk/client-sagemaker";
import { describe, expect, it } from "vitest";
import type { Emulator, EmulatorOptions } from "../../src/emulator/server.ts";
import { oidcConfig, spec, yaml } from "../builders.ts";
import { type RunResult, STACK_LINE, wfplanAsync } from "../helpers/cli.ts";
import { emulator, sdk, seedWorkforce } from "../helpers/emulator.ts";
import { startWfplan } from "../helpers/process.ts";

const SECRET = "faults-secret-Q2";
const NEW_ISSUER = "https://login.example.com";
const TEAMS = ["annotators", "reviewers"];

async function seeded(opts: EmulatorOptions = {}) {
  const emu = await emulator({ updateDelayMs: 300, ...opts });
  const client = sdk(emu);
  await seedWorkforce(client, TEAMS);
  return { emu, client };
}

function project(): string {
  const dir = mkdtempSync(join(tmpdir(), "wfplan-faults-"));
  writeFileSync(
    join(dir, "workforce.yaml"),
    yaml({
      region: "us-east-1",
      ...spec({ workforce: { oidcConfig: oidcConfig({ issuer: NEW_ISSUER }) } }),
    }),
  );
  return dir;
}

const apply = (emu: Emulator, dir: string, ...args: string[]) =>
  wfplanAsync(
    ["apply", "--endpoint-url", emu.url, "--auto-approve", "--allow-workteam-deletion", ...args],
    { WFPLAN_OIDC_CLIENT_SECRET: SECRET },
    dir,
  );

/** Every workteam is there with its members, and the workforce has the new OIDC config. */
async function expectConverged(client: SageMakerClient) {
  const { Workteams } = await client.send(new ListWorkteamsCommand({ SortBy: "Name" }));
  expect(Workteams!.map((t) => [t.WorkteamName, t.MemberDefinitions])).toEqual(
    TEAMS.map((name) => [name, [{ OidcMemberDefinition: { Groups: [name, "leads"] } }]]),
  );
  const { Workforce } = await client.send(
    new DescribeWorkforceCommand({ WorkforceName: "labelers" }),
  );
  expect(Workforce!.OidcConfig!.Issuer).toBe(NEW_ISSUER);
}

const clean = (r: RunResult) => expect(r.stdout + r.stderr).not.toMatch(STACK_LINE);

describe("killed at every step of an OIDC change with workteams (SIGKILL), then applied again", () => {
  const steps = [
    "back up workteams",
    "delete workteam annotators",
    "delete workteam reviewers",
    "update the workforce",
    "wait until the workforce is Active",
    "restore workteam annotators",
    "restore workteam reviewers",
    "verify",
  ];
  it.each(steps.map((s, i) => [i + 1, s] as const))(
    "killed at step %i (%s): nothing is lost",
    async (index) => {
      // Latency keeps each call in flight long enough for the kill to land inside the step.
      const { emu, client } = await seeded({ faults: { latencyMs: 120 } });
      const dir = project();
      const run = startWfplan(
        ["apply", "--endpoint-url", emu.url, "--auto-approve", "--allow-workteam-deletion"],
        { WFPLAN_OIDC_CLIENT_SECRET: SECRET },
        dir,
      );
      await run.waitFor(new RegExp(`\\[${index}/8\\] .* …`));
      run.child.kill("SIGKILL");
      await run.exited;
      emu.setFaults({});
      const again = await apply(emu, dir);
      clean(again);
      expect(again.code).toBe(0);
      await expectConverged(client);
      // And once more: nothing left to do.
      const third = await apply(emu, dir);
      expect(third.stdout).toContain("No changes.");
    },
  );
});

describe("other faults", () => {
  it("a concurrent update (ConflictException): apply waits for it and goes on", async () => {
    const { emu, client } = await seeded({ updateDelayMs: 1500 });
    const dir = project();
    // Someone else's update is in flight when apply reaches UpdateWorkforce.
    const run = apply(emu, dir);
    await new Promise((r) => setTimeout(r, 50));
    await client.send(
      new UpdateWorkforceCommand({
        WorkforceName: "labelers",
        SourceIpConfig: { Cidrs: ["10.9.0.0/16"] },
      }),
    );
    const r = await run;
    clean(r);
    expect(r.code).toBe(0);
    expect(emu.calls.some((c) => c.errorType === "ConflictException")).toBe(true);
    await expectConverged(client);
  });

  it("throttling on every 3rd call and 5xx on every 4th: plan still answers, apply still converges", async () => {
    const { emu, client } = await seeded();
    emu.setFaults({ throttleEvery: 3, errorEvery: 4 });
    const dir = project();
    const plan = await wfplanAsync(
      ["plan", "--endpoint-url", emu.url, "--allow-workteam-deletion", "--detailed-exitcode"],
      { WFPLAN_OIDC_CLIENT_SECRET: SECRET },
      dir,
    );
    expect(plan.code).toBe(2);
    const r = await apply(emu, dir);
    clean(r);
    expect(r.code).toBe(0);
    emu.setFaults({});
    await expectConverged(client);
  }, 120_000); // the SDK backs off on every throttle: slow by design, bounded

  it("two applies at once: one wins, the other fails clearly or converges, nothing is lost", async () => {
    const { emu, client } = await seeded();
    const dir = project();
    const [a, b] = await Promise.all([apply(emu, dir), apply(emu, dir)]);
    for (const r of [a, b]) {
      clean(r);
      expect([0, 1]).toContain(r.code);
      if (r.code === 1) expect(r.stderr).toMatch(/^Error: /m);
    }
    expect([a.code, b.code]).toContain(0);
    const again = await apply(emu, dir);
    expect(again.code).toBe(0);
    await expectConverged(client);
  });
});
