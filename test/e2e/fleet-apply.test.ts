/**
 * A fleet apply through the built CLI and the real SDK against the emulator: three targets in two
 * accounts, one of them through an assumed role (the emulator's fleet seed, emulator/fleet.ts),
 * rolled out with a canary; a canary that fails; a saved fleet plan with a stale target, refused
 * and then applied with --only-fresh. The OIDC client secret is in no output and no backup.
 */
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { FLEET_ACCOUNT, FLEET_OTHER_ACCOUNT } from "../../src/emulator/fleet.ts";
import type { Emulator } from "../../src/emulator/server.ts";
import { fleetSpec, yaml } from "../builders.ts";
import { type RunResult, STACK_LINE, wfplanAsync } from "../helpers/cli.ts";
import { mutations } from "../helpers/emulator.ts";
import { type FleetProject, fleetProject } from "../helpers/fleet.ts";
import { startWfplan } from "../helpers/process.ts";

const SECRET = "fleet-e2e-secret-K7";
const KEY = "AKIAFLEETE2E";
const US = `${FLEET_ACCOUNT}/us-east-1`;
const EU = `${FLEET_ACCOUNT}/eu-central-1`;
const WEST = `${FLEET_OTHER_ACCOUNT}/us-west-2`;

/** The fleet seed's shared state, with the canary first and two targets at a time after it. */
const POLICY = { allowWorkteamDeletion: true, rollout: { canary: 1, maxConcurrency: 2 } };
const FLEET_SPEC = fleetSpec({ policy: POLICY });

let emu: Emulator;
let dir: string;
let env: FleetProject["env"];
beforeEach(async () => {
  ({ emu, dir, env } = await fleetProject({
    key: KEY,
    secret: SECRET,
    spec: FLEET_SPEC,
    updateDelayMs: 50,
  }));
});
afterEach(() => emu.stop());
const run = (...args: string[]) => wfplanAsync(args, env(), dir);

/** Every file in the project (the spec, backups, plan files), as text. */
function written(from = dir): string {
  let text = "";
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else text += readFileSync(p, "utf8");
    }
  };
  try {
    walk(from);
  } catch {
    // nothing written
  }
  return text;
}

function noSecret(...results: RunResult[]) {
  for (const r of results) {
    expect(r.stdout).not.toContain(SECRET);
    expect(r.stderr).not.toContain(SECRET);
    expect(r.stderr).not.toMatch(STACK_LINE);
  }
  expect(written()).not.toContain(SECRET);
  // The emulator keeps only a digest of what it was sent.
  expect(JSON.stringify(emu.state())).not.toContain(SECRET);
}

const updates = (from = 0) =>
  mutations(emu, from)
    .filter((c) => c.operation === "UpdateWorkforce")
    .map((c) => `${c.account}/${c.region}`);

describe("wfplan apply with targets", () => {
  it("rolls out the canary first, then the rest; one JSON outcome per target", async () => {
    const r = await run("apply", "--auto-approve", "--format", "json");
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.formatVersion).toBe(1);
    expect(
      doc.targets.map((t: Record<string, unknown>) => [t.target, t.outcome, t.applyOutcome]),
    ).toEqual([
      [{ id: US, account: FLEET_ACCOUNT, region: "us-east-1" }, "succeeded", "applied"],
      [{ id: EU, account: FLEET_ACCOUNT, region: "eu-central-1" }, "succeeded", "no-changes"],
      [{ id: WEST, account: FLEET_OTHER_ACCOUNT, region: "us-west-2" }, "succeeded", "applied"],
    ]);
    expect(doc.summary).toEqual({
      targets: 3,
      succeeded: 3,
      failed: 0,
      notStarted: 0,
      interrupted: 0,
    });
    // The canary (us-east-1) was updated before the assumed-role target was.
    expect(updates()).toEqual([US, WEST]);
    // The OIDC update in us-west-2 deleted its workteams after backing them up, in its own folder.
    const west = doc.targets[2];
    expect(west.backupFile).toContain(join(FLEET_OTHER_ACCOUNT, "us-west-2"));
    expect(west.remaining).toEqual([]);
    noSecret(r);

    // A second apply has nothing to do in any target.
    const again = await run("apply", "--auto-approve", "--format", "json");
    expect(again.code).toBe(0);
    expect(
      JSON.parse(again.stdout).targets.map((t: { applyOutcome: string }) => t.applyOutcome),
    ).toEqual(["no-changes", "no-changes", "no-changes"]);
  });

  it("shows each target's steps on lines of their own, and a table at the end", async () => {
    const r = await run("apply", "--auto-approve");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^\\[${US}\\] canary: applying alone first$`, "m"));
    expect(r.stdout).toMatch(new RegExp(`^\\[${US}\\] \\[1/3\\] update the workforce`, "m"));
    expect(r.stdout).toMatch(new RegExp(`^\\[${WEST}\\] \\[\\d+/\\d+\\] back up`, "m"));
    expect(r.stdout).toMatch(new RegExp(`^\\[${WEST}\\] ✓ succeeded$`, "m"));
    expect(r.stdout).toMatch(/^target +outcome +result +steps +backup file$/m);
    expect(r.stdout).toMatch(new RegExp(`^${EU} +succeeded +no-changes +0/0 +-$`, "m"));
    expect(r.stdout).toMatch(/Fleet apply complete\. 3 targets: 3 succeeded/);
    noSecret(r);
  });

  it("stops the rollout when the canary fails (exit 1): no other target is touched", async () => {
    emu.setFaults({ failUpdates: { reason: "canary says no", count: 1 } });
    const r = await run("apply", "--auto-approve", "--format", "json");
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.stdout);
    // eu-central-1 has nothing to do: it is as the spec says whatever the rollout does.
    expect(doc.targets.map((t: { outcome: string }) => t.outcome)).toEqual([
      "failed",
      "succeeded",
      "not-started",
    ]);
    expect(doc.targets[1].applyOutcome).toBe("no-changes");
    expect(doc.halted).toBe("canary-failed");
    expect(doc.targets[0].error).toMatch(/canary says no/);
    expect(updates()).toEqual([US]);
    noSecret(r);
  });

  it("refuses a saved plan with a stale target, naming it; --only-fresh applies the others", async () => {
    const planned = await run("plan", "--out", "fleet.plan.json");
    expect(planned.code).toBe(0);
    // Someone changes eu-central-1 after the plan was made.
    emu.invoke(
      "UpdateWorkforce",
      { WorkforceName: "labelers", SourceIpConfig: { Cidrs: ["10.7.0.0/16"] } },
      { region: "eu-central-1", account: FLEET_ACCOUNT },
    );
    const mark = emu.calls.length;
    // A --target the file does not hold is an error, not a quiet filter.
    const typo = await run(
      "apply",
      "fleet.plan.json",
      "--target",
      US,
      "--target",
      "111111111111/us-east-9",
    );
    expect(typo.code).toBe(1);
    expect(typo.stderr).toContain("111111111111/us-east-9: not a target of");
    const refused = await run("apply", "fleet.plan.json");
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(EU);
    expect(refused.stderr).not.toContain(`${US}:`);
    expect(refused.stderr).toMatch(/nothing was applied/);
    expect(mutations(emu, mark)).toEqual([]);

    const fresh = await run("apply", "fleet.plan.json", "--only-fresh", "--format", "json");
    expect(fresh.code).toBe(1); // a target was not started
    const doc = JSON.parse(fresh.stdout);
    expect(doc.targets.map((t: { outcome: string }) => t.outcome)).toEqual([
      "succeeded",
      "not-started",
      "succeeded",
    ]);
    expect(doc.targets[1].error).toMatch(/^stale/);
    expect(updates(mark)).toEqual([US, WEST]);
    noSecret(planned, typo, refused, fresh);
  });

  it("Ctrl-C mid-rollout lets the running target reach a safe point (exit 130); a re-run converges", async () => {
    const one = { ...FLEET_SPEC, policy: { ...POLICY, rollout: { maxConcurrency: 1 } } };
    writeFileSync(join(dir, "workforce.yaml"), yaml(one));
    const apply = startWfplan(["apply", "--auto-approve"], env(), dir);
    // Interrupt when the last target's OIDC update arrives: its workteams are deleted by then.
    const stop = emu.onCall((call) => {
      if (call.operation === "UpdateWorkforce" && call.region === "us-west-2") {
        stop();
        apply.child.kill("SIGINT");
      }
    });
    expect(await apply.exited).toBe(130);
    const out = apply.output();
    // It names what the running step does: the update finishes, or a wait stops at once.
    expect(out).toMatch(
      /Interrupt received: no new target starts; (finishing the current step \(update the workforce: oidcConfig|the wait stops now)/,
    );
    expect(out).toMatch(
      new RegExp(`^${WEST} +interrupted +interrupted +4/8 +\\.wfplan/backups/`, "m"),
    );
    expect(out).toMatch(/re-run converges/);
    expect(out).not.toMatch(STACK_LINE);
    const teams = () =>
      emu
        .state()
        .workteams.filter((t) => t.region === "us-west-2")
        .map((t) => t.WorkteamName)
        .sort();
    expect(teams()).toEqual([]);

    const again = await run("apply", "--auto-approve", "--format", "json");
    expect(again.code).toBe(0);
    expect(
      JSON.parse(again.stdout).targets.map((t: { applyOutcome: string }) => t.applyOutcome),
    ).toEqual(["no-changes", "no-changes", "applied"]);
    expect(teams()).toEqual(["annotators", "reviewers"]);
    const settled = await run("plan", "--detailed-exitcode");
    expect(settled.code).toBe(0);
    noSecret(again, settled);
    expect(out).not.toContain(SECRET);
  });

  it("--require-approval holds back any target's change of that class, naming its target", async () => {
    const mark = emu.calls.length;
    const r = await run("apply", "--auto-approve", "--require-approval", "broadening");
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${US}: workforce.sourceIpConfig.cidrs (broadening)`);
    expect(r.stderr).toMatch(/nothing was changed/);
    // With --format json the held changes are a document too.
    const j = await run("apply", "--auto-approve", "--require-approval", "any", "--format", "json");
    expect(j.code).toBe(1);
    const doc = JSON.parse(j.stdout);
    expect(doc.outcome).toBe("needs-approval");
    expect(doc.needsApproval).toContainEqual({
      target: WEST,
      path: "workforce.oidcConfig.issuer",
      impact: "lockout-risk",
    });
    expect(doc.targets.every((t: { outcome: string }) => t.outcome === "not-started")).toBe(true);
    expect(mutations(emu, mark)).toEqual([]);
    noSecret(r, j);
  });

  it("--target applies only the targets it names", async () => {
    const r = await run("apply", "--auto-approve", "--format", "json", "--target", WEST);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.targets.map((t: { target: { id: string } }) => t.target.id)).toEqual([WEST]);
    expect(updates()).toEqual([WEST]);
  });
});
