/**
 * The fleet apply in this process, against the emulator through the real SDK: three targets in two
 * accounts, each planned by its own plan session (as the fleet planner does), then rolled out:
 * the canary, the failure tolerance, an interrupt mid-rollout and the re-run that converges.
 */
import { existsSync, mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { UpdateWorkforceCommand } from "@aws-sdk/client-sagemaker";
import { describe, expect, it } from "vitest";
import { readBackup } from "../../src/apply/backup.ts";
import { planOptions } from "../../src/core/plan.ts";
import type { Emulator } from "../../src/emulator/server.ts";
import { fleetApplyDocument, renderFleetApplyText } from "../../src/render/fleet-apply.ts";
import type { FleetPrepared, PlannedTarget } from "../../src/session/fleet.ts";
import { applyFleet, type FleetApplyEvent, fleetApplyRow } from "../../src/session/fleet-apply.ts";
import { planSession } from "../../src/session/plan.ts";
import { oidcConfig, type Raw, validSpec } from "../builders.ts";
import { emulator, key, mutations, sdkAs, seedWorkforce } from "../helpers/emulator.ts";

const A = "111111111111";
const B = "210987654321";
const TARGETS = [
  { account: A, region: "us-east-1", key: "key-a" },
  { account: A, region: "eu-central-1", key: "key-a" },
  { account: B, region: "us-east-1", key: "key-b" },
] as const;
const SECRET = "fleet-session-secret";

/** An emulator with each target's workforce (and an "annotators" workteam) as the seed made it. */
async function fleetEmulator() {
  const emu = await emulator({ updateDelayMs: 0 });
  emu.seedAccessKeys({ "key-a": A, "key-b": B });
  for (const t of TARGETS) await seedWorkforce(sdkAs(emu, key(t.key), t.region), ["annotators"]);
  return { emu, root: mkdtempSync(join(tmpdir(), "wfplan-fleet-")) };
}

/** Each target planned against the live state, with its backups in `root/ACCOUNT/REGION`. */
async function planFleet(
  emu: Emulator,
  root: string,
  workforce: Raw,
  rollout: FleetPrepared["rollout"],
): Promise<FleetPrepared> {
  const targets = await Promise.all(
    TARGETS.map(async (t, index): Promise<PlannedTarget> => {
      const spec = validSpec({ region: t.region, workforce });
      const id = `${t.account}/${t.region}`;
      const prepared = await planSession({
        client: sdkAs(emu, key(t.key), t.region),
        region: t.region,
        spec,
        specFile: "fleet.yaml",
        options: planOptions(spec, { allowWorkteamDeletion: true }),
        backupDir: join(root, t.account, t.region),
        env: { WFPLAN_OIDC_CLIENT_SECRET: SECRET },
        preflight: false,
      });
      return {
        target: { index, id, account: t.account, region: t.region, label: t.region, spec },
        prepared,
      };
    }),
  );
  return { targets, rollout };
}

const NEW_RANGES = { sourceIpConfig: { cidrs: ["10.9.0.0/16"] } };
const NEW_IDP = { oidcConfig: oidcConfig({ issuer: "https://new.example.com" }) };
const policy = (p: Partial<FleetPrepared["rollout"]> = {}) => ({
  maxConcurrency: 2,
  canary: 1,
  failureTolerance: 0,
  ...p,
});

/** Which targets' workforces were updated, by `account/region`. */
const updated = (emu: Emulator, from = 0) =>
  mutations(emu, from)
    .filter((c) => c.operation === "UpdateWorkforce")
    .map((c) => `${c.account ?? "default"}/${c.region}`);

describe("applyFleet", () => {
  it("applies every target, the canary first, with events tagged by target", async () => {
    const { emu, root } = await fleetEmulator();
    const fleet = await planFleet(emu, root, NEW_RANGES, policy());
    const events: FleetApplyEvent[] = [];
    const result = await applyFleet(fleet, {
      waitTimeoutMs: 60_000,
      onEvent: (e) => events.push(e),
    });
    expect(result.targets.map((t) => [t.target.id, t.outcome, t.applyOutcome])).toEqual([
      [`${A}/us-east-1`, "succeeded", "applied"],
      [`${A}/eu-central-1`, "succeeded", "applied"],
      [`${B}/us-east-1`, "succeeded", "applied"],
    ]);
    expect(result.halted).toBeUndefined();
    expect(updated(emu).sort()).toEqual(
      [`${A}/us-east-1`, `${A}/eu-central-1`, `${B}/us-east-1`].sort(),
    );
    // The canary ended before anything else started.
    const firstEnd = events.findIndex((e) => e.type === "target-end");
    const starts = events.flatMap((e, i) => (e.type === "target-start" ? [[e.target, i]] : []));
    expect(starts[0]).toEqual([`${A}/us-east-1`, 0]);
    expect(starts.slice(1).every(([, i]) => (i as number) > firstEnd)).toBe(true);
    // Every step event names its target, and each target's own events are its apply's.
    for (const t of result.targets) {
      const own = events.filter((e) => e.type === "step" && e.target === t.target.id);
      expect(own.map((e) => (e.type === "step" ? e.event : undefined))).toEqual(t.events);
      expect(t.result?.verified).toBe(true);
    }
  });

  it("a first target with nothing to do is no canary: the first that changes something is", async () => {
    const { emu, root } = await fleetEmulator();
    // The first target already has the new ranges: its plan is empty.
    await sdkAs(emu, key("key-a"), "us-east-1").send(
      new UpdateWorkforceCommand({
        WorkforceName: "labelers",
        SourceIpConfig: { Cidrs: ["10.9.0.0/16"] },
      }),
    );
    const fleet = await planFleet(emu, root, NEW_RANGES, policy());
    expect(fleet.targets[0]?.prepared?.plan.steps).toEqual([]);
    const events: FleetApplyEvent[] = [];
    const result = await applyFleet(fleet, {
      waitTimeoutMs: 60_000,
      onEvent: (e) => events.push(e),
    });
    expect(result.targets.map((t) => [t.outcome, t.applyOutcome])).toEqual([
      ["succeeded", "no-changes"],
      ["succeeded", "applied"],
      ["succeeded", "applied"],
    ]);
    const starts = events.filter((e) => e.type === "target-start");
    expect(starts[0]).toEqual({ type: "target-start", target: `${A}/eu-central-1`, canary: true });
    const canaryEnd = events.findIndex((e) => e.type === "target-end");
    expect(events.indexOf(starts[1] as FleetApplyEvent)).toBeGreaterThan(canaryEnd);
  });

  it("stops the rollout when the canary fails: nothing else is touched", async () => {
    const { emu, root } = await fleetEmulator();
    const fleet = await planFleet(emu, root, NEW_RANGES, policy({ failureTolerance: 5 }));
    emu.setFaults({ failUpdates: { reason: "the canary broke", count: 1 } });
    const mark = emu.calls.length;
    const result = await applyFleet(fleet, { waitTimeoutMs: 60_000 });
    expect(result.targets.map((t) => t.outcome)).toEqual(["failed", "not-started", "not-started"]);
    expect(result.halted).toBe("canary-failed");
    expect(result.targets[0]?.error).toMatch(/the canary broke/);
    expect(updated(emu, mark)).toEqual([`${A}/us-east-1`]);

    // The end report: a row per target, and the JSON document with each target's outcome.
    const report = { rows: result.targets.map(fleetApplyRow), halted: result.halted };
    const doc = fleetApplyDocument(report);
    expect(doc.summary).toEqual({
      targets: 3,
      succeeded: 0,
      failed: 1,
      notStarted: 2,
      interrupted: 0,
    });
    expect(doc.halted).toBe("canary-failed");
    expect(
      doc.targets.map((t) => [t.target, t.outcome, t.applyOutcome, t.remaining, t.events.length]),
    ).toEqual([
      [{ id: `${A}/us-east-1`, account: A, region: "us-east-1" }, "failed", "failed", null, 4],
      [
        { id: `${A}/eu-central-1`, account: A, region: "eu-central-1" },
        "not-started",
        "not-started",
        null,
        0,
      ],
      [
        { id: `${B}/us-east-1`, account: B, region: "us-east-1" },
        "not-started",
        "not-started",
        null,
        0,
      ],
    ]);
    const text = renderFleetApplyText(report);
    expect(text.split("\n").slice(0, 4)).toEqual([
      "target                     outcome      result       steps  backup file",
      `${A}/us-east-1     failed       failed       1/3    -`,
      `${A}/eu-central-1  not-started  not-started  0/3    -`,
      `${B}/us-east-1     not-started  not-started  0/3    -`,
    ]);
    expect(text).toMatch(/The canary failed, so no other target was started\./);
    expect(text).toMatch(/0 succeeded, 1 failed, 0 interrupted, 2 not started\./);
    expect(text).toMatch(/Run wfplan apply again to finish/);
  });

  it.each([
    [0, ["succeeded", "failed", "not-started"]],
    [1, ["succeeded", "failed", "succeeded"]],
  ] as const)("with failureTolerance %i ends %o", async (failureTolerance, outcomes) => {
    const { emu, root } = await fleetEmulator();
    const fleet = await planFleet(
      emu,
      root,
      NEW_RANGES,
      policy({ maxConcurrency: 1, failureTolerance }),
    );
    // The second update (the first after the canary) ends Failed.
    const stop = emu.onCall((call) => {
      if (call.operation === "UpdateWorkforce") {
        stop();
        emu.setFaults({ failUpdates: { reason: "quota", count: 1 } });
      }
    });
    const result = await applyFleet(fleet, { waitTimeoutMs: 60_000 });
    expect(result.targets.map((t) => t.outcome)).toEqual(outcomes);
    expect(result.halted).toBe(failureTolerance === 0 ? "failure-tolerance" : undefined);
  });

  it("an interrupt mid-rollout stops at a safe point; a re-run converges every target", async () => {
    const { emu, root } = await fleetEmulator();
    const rollout = policy({ maxConcurrency: 1 });
    const fleet = await planFleet(emu, root, NEW_IDP, rollout);
    const interrupt = new AbortController();
    // Abort when the second target's UpdateWorkforce arrives: its update step finishes, then it stops.
    const stop = emu.onCall((call) => {
      if (call.operation === "UpdateWorkforce" && call.region === "eu-central-1") {
        stop();
        interrupt.abort();
      }
    });
    const first = await applyFleet(fleet, { waitTimeoutMs: 60_000, signal: interrupt.signal });
    expect(first.targets.map((t) => t.outcome)).toEqual([
      "succeeded",
      "interrupted",
      "not-started",
    ]);
    expect(first.halted).toBe("interrupted");
    expect(first.targets[1]?.error).toMatch(/Interrupted/);
    // The interrupted target's workteams were deleted and are backed up, in its own folder.
    expect(readdirSync(join(root, A, "eu-central-1"))).toHaveLength(1);
    expect(first.targets[1]?.backupFile).toMatch(new RegExp(`^${join(root, A, "eu-central-1")}/`));
    expect(first.targets[1]?.result).toBeUndefined();

    const again = await planFleet(emu, root, NEW_IDP, rollout);
    const second = await applyFleet(again, { waitTimeoutMs: 60_000 });
    expect(second.targets.map((t) => [t.outcome, t.applyOutcome])).toEqual([
      ["succeeded", "no-changes"],
      ["succeeded", "applied"],
      ["succeeded", "applied"],
    ]);
    const settled = await planFleet(emu, root, NEW_IDP, rollout);
    expect(settled.targets.map((t) => t.prepared?.plan.steps)).toEqual([[], [], []]);
    // The restored workteam is back in the interrupted target.
    const restored = second.targets[1]?.prepared?.plan.steps.map((s) => s.kind);
    expect(restored).toContain("create-workteam");
  });

  it("keeps each target's backups in its own account/region folder, never with the secret", async () => {
    const { emu, root } = await fleetEmulator();
    const fleet = await planFleet(emu, root, NEW_IDP, policy({ maxConcurrency: 3 }));
    const result = await applyFleet(fleet, { waitTimeoutMs: 60_000 });
    expect(result.targets.every((t) => t.outcome === "succeeded")).toBe(true);
    for (const t of result.targets) {
      const file = t.result?.backupFile as string;
      expect(
        file.startsWith(join(root, t.target.account as string, t.target.region as string)),
      ).toBe(true);
      const backup = readBackup(file);
      expect(backup.workteams.map((w) => w.workteam.WorkteamName)).toEqual(["annotators"]);
      expect(JSON.stringify(backup)).not.toContain(SECRET);
    }
    expect(JSON.stringify(result.targets.map((t) => t.events))).not.toContain(SECRET);
    expect(existsSync(join(root, B, "eu-central-1"))).toBe(false);
    expect(emu.state()).toBeDefined();
  });

  it("counts a target that could not be planned, or is blocked, as failed without running it", async () => {
    const { emu, root } = await fleetEmulator();
    const fleet = await planFleet(
      emu,
      root,
      NEW_RANGES,
      policy({ canary: 0, failureTolerance: 2 }),
    );
    const unplanned: PlannedTarget = {
      target: {
        index: 1,
        id: "eu-west-1 as arn:aws:iam::1:role/x",
        region: "eu-west-1",
        label: "x",
        spec: fleet.targets[1]!.target.spec,
      },
      error: { message: "could not assume arn:aws:iam::1:role/x" },
    };
    // A plan that changes the identity provider without --allow-workteam-deletion is blocked.
    const blocked = await planFleet(emu, root, NEW_IDP, fleet.rollout);
    const b = blocked.targets[2]!;
    const blockedPlan = await planSession({
      ...b.prepared!,
      options: planOptions(b.prepared!.spec, {}),
    });
    const mark = emu.calls.length;
    const result = await applyFleet(
      {
        targets: [fleet.targets[0]!, unplanned, { ...b, prepared: blockedPlan } as PlannedTarget],
        rollout: fleet.rollout,
      },
      { waitTimeoutMs: 60_000 },
    );
    expect(result.targets.map((t) => [t.outcome, t.applyOutcome])).toEqual([
      ["succeeded", "applied"],
      ["failed", "not-planned"],
      ["failed", "blocked"],
    ]);
    expect(result.targets[1]?.error).toBe("could not assume arn:aws:iam::1:role/x");
    expect(result.targets[2]?.error).toMatch(/blocked/);
    expect(updated(emu, mark)).toEqual([`${A}/us-east-1`]);
  });
});
