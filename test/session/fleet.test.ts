/**
 * The fleet planner in this process, against the emulator through the real SDK (SageMaker and
 * STS): three targets in two accounts, one through an assumed role (the emulator's fleet seed).
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { planOptions } from "../../src/core/plan.ts";
import {
  FLEET_ACCOUNT,
  FLEET_CIDRS,
  FLEET_OTHER_ACCOUNT,
  FLEET_ROLE,
  seedFleet,
} from "../../src/emulator/fleet.ts";
import type { Emulator } from "../../src/emulator/server.ts";
import { fleetPlanEntries, mapLimit, planFleet } from "../../src/session/fleet.ts";
import { planSession } from "../../src/session/plan.ts";
import type { Spec } from "../../src/spec/schema.ts";
import { oidcConfig, type Raw, validSpec } from "../builders.ts";
import { emulator, key } from "../helpers/emulator.ts";

const KEY = "key-fleet";
const SECRET = "fleet-plan-secret";
const US = `${FLEET_ACCOUNT}/us-east-1`;
const EU = `${FLEET_ACCOUNT}/eu-central-1`;
const WEST = `${FLEET_OTHER_ACCOUNT}/us-west-2`;
const OTHER_ROLE = `arn:aws:iam::${FLEET_OTHER_ACCOUNT}:role/not-trusted`;

const fleetSpec = (targets: Raw[], more: Raw = {}): Spec =>
  validSpec({
    workforce: {
      oidcConfig: oidcConfig({ scope: "openid profile email" }),
      sourceIpConfig: { cidrs: FLEET_CIDRS },
    },
    workteams: [
      {
        name: "annotators",
        description: "Image annotators",
        memberDefinitions: [{ oidcMemberDefinition: { groups: ["annotators"] } }],
      },
    ],
    targets,
    policy: { allowWorkteamDeletion: true },
    ...more,
  });

const THREE = [
  { region: "us-east-1" },
  { region: "eu-central-1" },
  { region: "us-west-2", roleArn: FLEET_ROLE },
];

let emu: Emulator;
let root: string;
const savedSts = process.env.AWS_ENDPOINT_URL_STS;
beforeEach(async () => {
  emu = await emulator();
  seedFleet(emu, { baseKey: KEY });
  root = mkdtempSync(join(tmpdir(), "wfplan-fleet-plan-"));
  // STS is reached as the SDK reaches it: here, the emulator.
  process.env.AWS_ENDPOINT_URL_STS = emu.url;
});
afterEach(() => {
  if (savedSts === undefined) delete process.env.AWS_ENDPOINT_URL_STS;
  else process.env.AWS_ENDPOINT_URL_STS = savedSts;
});

/** An env whose reads of the secret's variable are counted. */
function countingEnv() {
  const counter = { reads: 0 };
  const env = new Proxy({ WFPLAN_OIDC_CLIENT_SECRET: SECRET } as NodeJS.ProcessEnv, {
    get(target, name) {
      if (name === "WFPLAN_OIDC_CLIENT_SECRET") counter.reads++;
      return target[name as string];
    },
  });
  return { env, counter };
}

function plan(spec: Spec, more: Partial<Parameters<typeof planFleet>[0]> = {}) {
  return planFleet({
    aws: { endpointUrl: emu.url, credentials: key(KEY) },
    spec,
    specFile: join(root, "workforce.yaml"),
    options: planOptions(spec),
    backupDir: join(root, "backups"),
    env: { WFPLAN_OIDC_CLIENT_SECRET: SECRET },
    preflight: false,
    ...more,
  });
}

const stsCalls = () =>
  emu.calls.filter((c) => c.service === "sts").map((c) => `${c.operation} ${c.account}`);

describe("planFleet", () => {
  it("plans three targets in two accounts, one through an assumed role", async () => {
    const fleet = await plan(fleetSpec(THREE));
    expect(fleet.rollout).toEqual({ maxConcurrency: 4, canary: 1, failureTolerance: 0 });
    expect(fleet.targets.map((t) => [t.target.id, t.target.account, t.error])).toEqual([
      [US, FLEET_ACCOUNT, undefined],
      [EU, FLEET_ACCOUNT, undefined],
      [WEST, FLEET_OTHER_ACCOUNT, undefined],
    ]);
    const [us, eu, west] = fleet.targets.map((t) => t.prepared!);
    // us-east-1: a drifted IP range; eu-central-1: as the spec says; us-west-2: an older
    // identity provider, its workteams deleted and recreated around the update.
    expect(us!.plan.resources.map((r) => `${r.type} ${r.action}`)).toEqual(["workforce update"]);
    expect(eu!.plan.resources).toEqual([]);
    expect(west!.plan.resources.map((r) => `${r.name} ${r.action}`)).toEqual([
      "labelers update",
      "annotators recreate",
      "reviewers recreate",
    ]);
    // Each target read its own account and region.
    expect(us!.region).toBe("us-east-1");
    expect(west!.live.workforce?.arn).toContain(`:${FLEET_OTHER_ACCOUNT}:`);
    // The role is assumed once, and each distinct credentials' account asked once.
    expect(stsCalls().sort()).toEqual([
      `AssumeRole ${FLEET_ACCOUNT}`,
      `GetCallerIdentity ${FLEET_ACCOUNT}`,
      `GetCallerIdentity ${FLEET_OTHER_ACCOUNT}`,
    ]);
  });

  it("keeps each target's backups in <backupDir>/<ACCOUNT>/<REGION>", async () => {
    const fleet = await plan(fleetSpec(THREE));
    expect(fleet.targets.map((t) => t.prepared?.backupDir)).toEqual([
      join(root, "backups", FLEET_ACCOUNT, "us-east-1"),
      join(root, "backups", FLEET_ACCOUNT, "eu-central-1"),
      join(root, "backups", FLEET_OTHER_ACCOUNT, "us-west-2"),
    ]);
  });

  it("refuses two targets that are the same account and region, naming both, before any read", async () => {
    const spec = fleetSpec([
      { region: "us-east-1" },
      { region: "eu-central-1" },
      // The role of the base account itself: the same target as targets[0].
      { region: "us-east-1", roleArn: `arn:aws:iam::${FLEET_ACCOUNT}:role/self` },
    ]);
    emu.seedRoles([`arn:aws:iam::${FLEET_ACCOUNT}:role/self`]);
    await expect(plan(spec)).rejects.toThrow(
      /targets\[0\] \(us-east-1\) and targets\[2\] \(us-east-1 as arn:aws:iam::111111111111:role\/self\) are the same target, 111111111111\/us-east-1/,
    );
    expect(emu.calls.filter((c) => !c.service)).toEqual([]);
  });

  it("plans only the targets --target names, in the spec's order", async () => {
    const fleet = await plan(fleetSpec(THREE), { only: [WEST, US] });
    expect(fleet.targets.map((t) => t.target.id)).toEqual([US, WEST]);
    const read = new Set(emu.calls.filter((c) => !c.service).map((c) => c.region));
    expect([...read].sort()).toEqual(["us-east-1", "us-west-2"]);
  });

  it("refuses a --target that names no target, listing those there are", async () => {
    await expect(plan(fleetSpec(THREE), { only: ["999999999999/us-east-1"] })).rejects.toThrow(
      `--target 999999999999/us-east-1: no such target; the spec's targets are ${US}, ${EU}, ${WEST}`,
    );
  });

  it("fails a target whose role cannot be assumed alone: the others still plan", async () => {
    const spec = fleetSpec([
      { region: "us-east-1" },
      { region: "us-west-2", roleArn: OTHER_ROLE },
      { region: "eu-central-1" },
    ]);
    const fleet = await plan(spec);
    const [us, bad, eu] = fleet.targets;
    expect(us!.prepared?.plan.resources).toHaveLength(1);
    expect(eu!.prepared?.plan.resources).toEqual([]);
    expect(bad!.prepared).toBeUndefined();
    // Its id comes from the role's ARN; its account is not known.
    expect(bad!.target).toMatchObject({ id: WEST, region: "us-west-2" });
    expect(bad!.target.account).toBeUndefined();
    expect(bad!.error?.message).toMatch(/AssumeRole arn:aws:iam::222222222222:role\/not-trusted/);
    expect(bad!.error?.hint).toBeTruthy();
    expect(fleetPlanEntries(fleet)[1]).toEqual({
      target: { id: WEST, region: "us-west-2" },
      error: bad!.error,
    });
  });

  it("resolves the secret once for every target that sends it", async () => {
    const spec = fleetSpec(THREE);
    const { env, counter } = countingEnv();
    const fleet = await plan(spec, {
      env,
      options: planOptions(spec, { rotateClientSecret: true }),
    });
    expect(fleet.targets.every((t) => t.prepared?.plan.sendsSecret)).toBe(true);
    expect(counter.reads).toBe(1);
    // Without the shared memo, each plan session resolves it on its own.
    const alone = countingEnv();
    for (const t of fleet.targets) {
      await planSession({ ...t.prepared!, env: alone.env, resolveSecret: undefined });
    }
    expect(alone.counter.reads).toBe(3);
  });

  it("blocks every target that sends the secret when it cannot be resolved, saying so once each", async () => {
    const spec = fleetSpec(THREE);
    const fleet = await plan(spec, { env: {} });
    const west = fleet.targets[2]!.prepared!;
    expect(west.plan.blockers.map((b) => b.message).join()).toMatch(
      /WFPLAN_OIDC_CLIENT_SECRET is not set/,
    );
    expect(fleet.targets[0]!.prepared!.plan.blockers).toEqual([]);
  });

  it("refuses --region with targets: each target names its own", async () => {
    await expect(
      planFleet({
        aws: { region: "us-east-1", endpointUrl: emu.url, credentials: key(KEY) },
        spec: fleetSpec(THREE),
        specFile: "w.yaml",
        options: planOptions(fleetSpec(THREE)),
        backupDir: root,
        env: {},
      }),
    ).rejects.toThrow(/--region us-east-1 does not apply to a spec with targets/);
  });

  it("reads at most maxConcurrency targets at once", async () => {
    let running = 0;
    let most = 0;
    const targets = ["us-east-1", "eu-central-1", "us-west-1", "eu-west-1", "ap-south-1"];
    const spec = fleetSpec(
      targets.map((region) => ({ region })),
      { policy: { rollout: { maxConcurrency: 2 } } },
    );
    await plan(spec, {
      planTarget: async (input) => {
        running++;
        most = Math.max(most, running);
        try {
          return await planSession(input);
        } finally {
          running--;
        }
      },
    });
    expect(most).toBe(2);
  });
});

describe("mapLimit", () => {
  it.each([
    [[], 3, []],
    [[1], 3, [2]],
    [[1, 2, 3, 4, 5], 2, [2, 4, 6, 8, 10]],
    [[1, 2, 3], 10, [2, 4, 6]],
  ])("maps %j at most %i at once, in order", async (items, limit, expected) => {
    expect(await mapLimit(items, limit, async (n) => n * 2)).toEqual(expected);
  });
});
