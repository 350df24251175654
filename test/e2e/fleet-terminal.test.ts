import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { FLEET_ACCOUNT, FLEET_OTHER_ACCOUNT } from "../../src/emulator/fleet.ts";
import type { Emulator } from "../../src/emulator/server.ts";
import { fleetSpec } from "../builders.ts";
import { STACK_LINE, wfplanAsync } from "../helpers/cli.ts";
import { mutations } from "../helpers/emulator.ts";
import { type FleetProject, fleetProject } from "../helpers/fleet.ts";
import { hasScript, type Session, startTerminal } from "../helpers/process.ts";

const SECRET = "fleet-tty-secret-Q3";
const KEY = "AKIAFLEETTTY";
const US = `${FLEET_ACCOUNT}/us-east-1`;
const EU = `${FLEET_ACCOUNT}/eu-central-1`;
const WEST = `${FLEET_OTHER_ACCOUNT}/us-west-2`;
const POLICY = { allowWorkteamDeletion: true, rollout: { canary: 1, maxConcurrency: 2 } };

let emu: Emulator;
let dir: string;
let env: FleetProject["env"];
beforeEach(async () => {
  ({ emu, dir, env } = await fleetProject({
    key: KEY,
    secret: SECRET,
    spec: fleetSpec({ policy: POLICY }),
    updateDelayMs: 300,
  }));
});
afterEach(() => emu.stop());
const terminal = (args: string[]): Session =>
  startTerminal(args, { cwd: dir, columns: 110, rows: 40, env: env() });

const teams = (region: string) =>
  emu
    .state()
    .workteams.filter((t) => t.region === region)
    .map((t) => t.WorkteamName)
    .sort();

describe.skipIf(!hasScript)("a fleet in a terminal", () => {
  it("apply: the review groups the targets and asks once; the progress has a line per target", async () => {
    const s = terminal(["apply"]);
    await s.waitFor(/Type yes and press Enter to apply/);
    const review = s.output();
    expect(review).toContain("wfplan · fleet of 3 targets");
    expect(review).toContain("3 targets: 2 with changes, 0 blocked, 0 failed.");
    // A fleet of three opens on each target: its group line, then what it does.
    expect(review).toMatch(new RegExp(`▾ ~ ${US} · 0 to add, 1 to change, 0 to delete · Active`));
    expect(review).toMatch(new RegExp(`▾ ✓ ${EU} · no changes · Active`));
    expect(review).toMatch(/\[destructive\] annotators \(recreated after the OIDC update\)/);
    expect(review).toContain(
      "Rollout: 1 canary target alone first, then up to 2 at once; no new target starts after 1 failure.",
    );
    expect(mutations(emu)).toEqual([]);

    s.type("yes");
    await s.waitFor(/apply \(anything else cancels\): yes/);
    s.type("\r");
    // The canary runs alone: its line shows its running step while the others wait.
    await s.waitFor(new RegExp(`${US} \\(canary\\) · \\d/3 `));
    expect(await s.exited, s.output()).toBe(0);
    const screen = s.output();
    expect(screen).toContain("Approved.");
    expect(screen).toMatch(/applying a fleet of 3 targets/);
    expect(screen).toMatch(new RegExp(`${WEST} · succeeded · 8/8 steps`));
    expect(screen).toContain("Every target applied and verified.");
    expect(screen).toMatch(new RegExp(`^${EU} +succeeded +no-changes +0/0 +-`, "m"));
    expect(screen).toMatch(/Fleet apply complete\. 3 targets: 3 succeeded/);
    expect(screen).not.toContain(SECRET);
    expect(screen).not.toMatch(STACK_LINE);
    expect(teams("us-west-2")).toEqual(["annotators", "reviewers"]);
    const settled = await wfplanAsync(["plan", "--detailed-exitcode"], env(), dir);
    expect(settled.code, settled.stdout + settled.stderr).toBe(0);
    // Nothing to review: plan in a terminal prints the text and ends, as for one workforce.
    const quiet = terminal(["plan"]);
    expect(await quiet.exited).toBe(0);
    expect(quiet.output()).toMatch(/^Fleet summary$/m);
    expect(quiet.output()).not.toContain("q quit");
  });

  it("plan: the same review without a question; space folds a target, q closes it", async () => {
    const s = terminal(["plan"]);
    await s.waitFor(/q quit/);
    s.type(" ");
    // The first target folds: its plan's rows go, its group line stays.
    await s.waitFor(new RegExp(`▸ ~ ${US} · 0 to add, 1 to change`));
    s.type("q");
    expect(await s.exited).toBe(0);
    // What stays in the scrollback is the plain-text record: each target, then the table.
    const out = s.output();
    expect(out).toMatch(new RegExp(`━━ ${WEST} ━━`));
    expect(out).toMatch(/^Fleet summary$/m);
    expect(out).not.toMatch(/Type yes/);
    expect(mutations(emu)).toEqual([]);
  });

  it("Ctrl-C in the progress stops starting targets (exit 130); a re-run converges", async () => {
    const s = terminal(["apply", "--auto-approve"]);
    // Ctrl-C when the canary's update is in: the others have not started.
    await s.waitFor(new RegExp(`${US} \\(canary\\) · 2/3 wait until the workforce is Active`));
    s.type("\u0003");
    expect(await s.exited, s.output()).toBe(130);
    const out = s.output();
    expect(out).toMatch(/Interrupt received: no new target starts/);
    expect(out).toMatch(new RegExp(`^${WEST} +not-started`, "m"));
    expect(out).not.toMatch(STACK_LINE);
    expect(
      mutations(emu)
        .filter((c) => c.operation === "UpdateWorkforce")
        .map((c) => c.region),
    ).toEqual(["us-east-1"]);

    const again = await wfplanAsync(["apply", "--auto-approve", "--format", "json"], env(), dir);
    expect(again.code, again.stderr).toBe(0);
    expect(teams("us-west-2")).toEqual(["annotators", "reviewers"]);
    const settled = await wfplanAsync(["plan", "--detailed-exitcode"], env(), dir);
    expect(settled.code).toBe(0);
    expect(out + again.stdout + again.stderr).not.toContain(SECRET);
  });
});
