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
} from "@aws-sdk/client-sagemaker";
import { describe, expect, it } from "vitest";
import type { Emulator, EmulatorOptions } from "../../src/emulator/server.ts";
import { oidcConfig, type Raw, spec, yaml } from "../builders.ts";
import { type RunResult, STACK_LINE, wfplanAsync } from "../helpers/cli.ts";
import {
  emulator,
  sdk,
  seededTeamSpec,
  seedRich,
  seedWorkforce,
  teamsOf,
} from "../helpers/emulator.ts";
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

function project(workteams?: Raw[]): string {
  const dir = mkdtempSync(join(tmpdir(), "wfplan-faults-"));
  writeFileSync(
    join(dir, "workforce.yaml"),
    yaml({
      region: "us-east-1",
      ...spec({
        workforce: { oidcConfig: oidcConfig({ issuer: NEW_ISSUER }) },
        ...(workteams ? { workteams } : {}),
      }),
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

/**
 * The kill points of an OIDC change with two workteams: each is a call of its step, and the CLI is
 * killed (SIGKILL) by the emulator the moment that call arrives, so the kill lands inside the step
 * whatever the machine's speed: once the call took effect (before it is answered), or with the
 * call lost (the emulator drops it).
 */
const KILL_POINTS: [
  string,
  (op: string, input: Record<string, unknown>, seen: string[]) => boolean,
][] = [
  ["back up workteams (DescribeWorkteam)", (op) => op === "DescribeWorkteam"],
  [
    "delete workteam annotators",
    (op, i) => op === "DeleteWorkteam" && i.WorkteamName === "annotators",
  ],
  [
    "delete workteam reviewers",
    (op, i) => op === "DeleteWorkteam" && i.WorkteamName === "reviewers",
  ],
  ["update the workforce", (op) => op === "UpdateWorkforce"],
  [
    "wait until the workforce is Active",
    (op, _i, seen) => op === "DescribeWorkforce" && seen.includes("UpdateWorkforce"),
  ],
  [
    "restore workteam annotators",
    (op, i) => op === "CreateWorkteam" && i.WorkteamName === "annotators",
  ],
  [
    "restore workteam reviewers",
    (op, i) => op === "CreateWorkteam" && i.WorkteamName === "reviewers",
  ],
  [
    "verify",
    (op, _i, seen) =>
      op === "ListWorkteams" && seen.filter((o) => o === "CreateWorkteam").length === 2,
  ],
];

describe.each([
  ["a workforce with IP ranges", false, "taken effect"],
  ["a workforce with a VPC, and workteams that use every field", true, "taken effect"],
  // The call is lost with the client: each step's state before its call (the backup written and
  // nothing deleted; one team deleted; the teams deleted and the update not sent; …).
  ["a workforce with a VPC, and workteams that use every field", true, "been lost"],
] as const)(
  "killed at every step of an OIDC change (%s), its call having %s, then applied again",
  (_name, rich, timing) => {
    it.each(KILL_POINTS.map(([name, at], i) => [i + 1, name, at] as const))(
      "killed at step %i (%s): nothing is lost",
      async (_index, _step, at) => {
        const emu = await emulator({ updateDelayMs: 300 });
        const client = sdk(emu);
        if (rich) seedRich(emu, TEAMS, { vpc: true });
        else await seedWorkforce(client, TEAMS);
        const before = teamsOf(emu);
        const beforeWorkforce = structuredClone(emu.state().workforces[0]!);
        // annotators is declared with what it has; reviewers is not in the spec.
        const dir = project(rich ? [seededTeamSpec("annotators")] : undefined);
        const run = startWfplan(
          ["apply", "--endpoint-url", emu.url, "--auto-approve", "--allow-workteam-deletion"],
          { WFPLAN_OIDC_CLIENT_SECRET: SECRET },
          dir,
        );
        const seen: string[] = [];
        let killed = false;
        const stop =
          timing === "taken effect"
            ? emu.onCall((call, input) => {
                if (!killed && at(call.operation, input, seen)) {
                  killed = true;
                  stop();
                  run.child.kill("SIGKILL");
                }
                seen.push(call.operation);
              })
            : emu.onArrival((call, input) => {
                if (killed || !at(call.operation, input, seen)) {
                  seen.push(call.operation);
                  return undefined;
                }
                killed = true;
                stop();
                run.child.kill("SIGKILL");
                return "drop";
              });
        await run.exited;
        expect(killed, run.output()).toBe(true);
        const again = await apply(emu, dir);
        clean(again);
        expect(again.code, again.stdout + again.stderr).toBe(0);
        await expectConverged(client);
        expect(teamsOf(emu)).toEqual(before);
        // And once more: nothing left to do.
        const third = await apply(emu, dir);
        expect(third.code).toBe(0);
        expect(third.stdout).toContain("No changes.");
        // The workforce kept what the spec does not manage: its VPC (or its IP ranges).
        const workforce = emu.state().workforces[0]!;
        expect(workforce.WorkforceVpcConfig).toEqual(beforeWorkforce.WorkforceVpcConfig);
        if (rich) expect(beforeWorkforce.WorkforceVpcConfig?.VpcId).toMatch(/^vpc-/);
        expect(workforce.SourceIpConfig).toEqual(beforeWorkforce.SourceIpConfig);
      },
    );
  },
);

describe("other faults", () => {
  it("a concurrent update (ConflictException): apply waits for it and goes on", async () => {
    const { emu, client } = await seeded({ updateDelayMs: 1000 });
    const dir = project();
    // Someone else's update (of the IP ranges, to what they are) starts between apply's last
    // delete and its UpdateWorkforce.
    const stop = emu.onCall((call, input) => {
      if (call.operation === "DeleteWorkteam" && input.WorkteamName === "reviewers") {
        stop();
        emu.invoke("UpdateWorkforce", {
          WorkforceName: "labelers",
          SourceIpConfig: { Cidrs: ["10.0.0.0/16"] },
        });
      }
    });
    const r = await apply(emu, dir);
    clean(r);
    expect(r.code, r.stdout + r.stderr).toBe(0);
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
