import { Box } from "ink";
import { render } from "ink-testing-library";
import { act } from "react";
import stringWidth from "string-width";
import { describe, expect, it, vi } from "vitest";
import type { Plan, Step } from "../../src/core/types.ts";
import type { FleetPlanEntry } from "../../src/render/fleet.ts";
import type { FleetApplyEvent } from "../../src/session/fleet-apply.ts";
import {
  detailLines,
  FleetProgress,
  type FleetProgressState,
  fleetProgress,
  initialFleetProgress,
  type TargetProgress,
  targetLine,
} from "../../src/tui/FleetProgress.tsx";
import { FleetReview } from "../../src/tui/FleetReview.tsx";
import type { StepState } from "../../src/tui/Progress.tsx";
import { buildFleetRows, buildRows, type Row, targetKey } from "../../src/tui/rows.ts";
import {
  liveState,
  liveTeam,
  liveWorkforce,
  oidcChangePlan,
  oidcConfig,
  planOf,
  workteam,
} from "../builders.ts";
import { actEnvironment } from "../helpers/ink.ts";

/**
 * Plans built when a test runs, not while the file is collected (docs/testing.md).
 * `changing`: an OIDC change that deletes and recreates a workteam (6 steps), with a warning.
 */
const changing = oidcChangePlan;

/** The live state matches the spec. */
const unchanged = (): Plan =>
  planOf(
    { workteams: [workteam()] },
    liveState({ workteams: [liveTeam("annotators", { tags: {} })] }),
  );

/** The same OIDC change without allowWorkteamDeletion: blocked. */
const blocked = (): Plan =>
  planOf(
    { workforce: { oidcConfig: oidcConfig({ issuer: "https://new" }) }, workteams: [workteam()] },
    liveState({
      workforce: liveWorkforce({
        oidcConfig: { ...liveWorkforce().oidcConfig!, issuer: "https://old" },
      }),
      workteams: [liveTeam("annotators", { tags: {} })],
    }),
  );

const target = (id: string) => ({ id, region: id.split("/")[1] ?? "us-east-1" });
const entry = (id: string, plan: Plan): FleetPlanEntry => ({ target: target(id), plan });
const failedEntry = (id: string): FleetPlanEntry => ({
  target: target(id),
  error: { message: "could not assume the role", hint: "check the role's trust policy" },
});

/** Three targets: one that changes, one up to date, one blocked. */
const fleet = (): FleetPlanEntry[] => [
  entry("111111111111/us-east-1", changing()),
  entry("111111111111/eu-central-1", unchanged()),
  entry("222222222222/us-west-2", blocked()),
];

const CHANGES = "0 to add, 1 to change, 0 to delete, 1 to recreate";
const ROLLOUT = { maxConcurrency: 4, canary: 1, failureTolerance: 0 };
const line = (r: Row) => [r.key, r.depth, r.symbol, r.text];

describe("the fleet's rows", () => {
  it("has one row per target, in order, folded, with its changes, blocked or not, and status", () => {
    const rows = buildFleetRows([...fleet(), failedEntry("333333333333/ap-south-1")], new Set());
    expect(rows.map(line)).toEqual([
      ["target:111111111111/us-east-1", 0, "~", `111111111111/us-east-1 · ${CHANGES} · Active`],
      [
        "target:111111111111/eu-central-1",
        0,
        "✓",
        "111111111111/eu-central-1 · no changes · Active",
      ],
      [
        "target:222222222222/us-west-2",
        0,
        "✗",
        `222222222222/us-west-2 · ${CHANGES} · blocked · Active`,
      ],
      [
        "target:333333333333/ap-south-1",
        0,
        "✗",
        "333333333333/ap-south-1 · could not be planned: could not assume the role",
      ],
    ]);
    expect(rows.every((r) => r.kind === "resource" && r.expandable)).toBe(true);
    expect(rows.map((r) => r.action)).toEqual(["update", "create", "delete", "delete"]);
  });

  it("keys a target by its id", () => {
    expect(targetKey("111111111111/us-east-1")).toBe("target:111111111111/us-east-1");
  });

  it("opens a target on its warnings, security-relevant changes, plan rows and summary", () => {
    const p = {
      ...changing(),
      preflight: [{ check: "all", subject: "all checks", status: "skipped", message: "m" }],
    } as Plan;
    const key = targetKey("111111111111/us-east-1");
    const rows = buildFleetRows([entry("111111111111/us-east-1", p)], new Set([key]));
    expect(rows.map(line)).toEqual([
      [key, 0, "~", `111111111111/us-east-1 · ${CHANGES} · Active`],
      [`${key}#0`, 1, "!", "a warning"],
      [`${key}#1`, 1, "!", "Security-relevant: 1 destructive, 2 lockout-risk."],
      [`${key}#2`, 1, "!", "[destructive] annotators (recreated after the OIDC update)"],
      [`${key}>workforce:labelers`, 1, "~", 'update workforce "labelers"  (2 changes)'],
      [`${key}>workteam:annotators`, 1, "-/+", 'recreate workteam "annotators"'],
      [`${key}>steps`, 1, "#", "steps apply runs, in order (6)"],
      [`${key}#3`, 1, " ", `Plan: ${CHANGES}.`],
      [`${key}#4`, 1, " ", "Preflight: skipped (--no-preflight)."],
    ]);
    expect(rows.slice(1, 4).map((r) => r.kind)).toEqual(["detail", "detail", "detail"]);
    expect(rows[3]!.action).toBe("delete");
  });

  it("opens a blocked target on its blockers and their hints first", () => {
    const key = targetKey("222222222222/us-west-2");
    const rows = buildFleetRows([entry("222222222222/us-west-2", blocked())], new Set([key]));
    expect(rows.slice(1, 5).map(line)).toEqual([
      [
        `${key}#0`,
        1,
        "✗",
        "Blocked: The OIDC configuration can be updated only when no workteams exist, and 1 do: annotators.",
      ],
      [
        `${key}#1`,
        1,
        " ",
        "hint: allow wfplan to back them up, delete them and recreate them after the update: --allow-workteam-deletion or policy.allowWorkteamDeletion: true",
      ],
      [`${key}#2`, 1, "!", "Security-relevant: 1 destructive, 2 lockout-risk."],
      [`${key}#3`, 1, "!", "[destructive] annotators (recreated after the OIDC update)"],
    ]);
    expect(rows.at(-1)!.text).toBe(`Plan: ${CHANGES}.`);
  });

  it("opens a target without changes on the no-changes line, with no plan summary", () => {
    const key = targetKey("111111111111/eu-central-1");
    const rows = buildFleetRows([entry("111111111111/eu-central-1", unchanged())], new Set([key]));
    expect(rows.map(line)).toEqual([
      [key, 0, "✓", "111111111111/eu-central-1 · no changes · Active"],
      [`${key}#0`, 1, " ", "No changes. The live workforce matches the spec."],
    ]);
  });

  it("opens a target that could not be planned on its error and hint", () => {
    const key = targetKey("333333333333/ap-south-1");
    const rows = buildFleetRows([failedEntry("333333333333/ap-south-1")], new Set([key]));
    expect(rows.map(line)).toEqual([
      [key, 0, "✗", "333333333333/ap-south-1 · could not be planned: could not assume the role"],
      [`${key}#0`, 1, " ", "could not be planned: could not assume the role"],
      [`${key}#1`, 1, " ", "hint: check the role's trust policy"],
    ]);
    expect(rows[0]!.whole).toEqual([
      "333333333333/ap-south-1",
      "could not be planned: could not assume the role",
      "hint: check the role's trust policy",
    ]);
  });

  it("keeps a multi-line error to one line per row, and whole in the row's d view", () => {
    const key = targetKey("333333333333/ap-south-1");
    const e: FleetPlanEntry = {
      target: target("333333333333/ap-south-1"),
      error: { message: "could not assume the role\nAccessDenied: not authorized" },
    };
    const rows = buildFleetRows([e], new Set([key]));
    expect(rows[0]!.whole).toEqual([
      "333333333333/ap-south-1",
      "could not be planned: could not assume the role",
      "AccessDenied: not authorized",
    ]);
    expect(rows.map((r) => r.text)).toEqual([
      "333333333333/ap-south-1 · could not be planned: could not assume the role",
      "could not be planned: could not assume the role",
      "AccessDenied: not authorized",
    ]);
  });

  it("opens a target's resource by its prefixed key, its changes one deeper", () => {
    const key = targetKey("111111111111/us-east-1");
    const workforce = `${key}>workforce:labelers`;
    const rows = buildFleetRows(
      [entry("111111111111/us-east-1", changing())],
      new Set([key, workforce]),
    );
    const at = rows.findIndex((r) => r.key === workforce);
    expect(rows.slice(at + 1, at + 3).map(line)).toEqual([
      [
        `${workforce}/workforce.oidcConfig.issuer`,
        2,
        "~",
        'oidcConfig.issuer: "https://old" → "https://new"',
      ],
      [
        `${workforce}/workforce.oidcConfig.clientSecret`,
        2,
        "~",
        expect.stringMatching(/^oidcConfig\.clientSecret: \(sensitive\) → /),
      ],
    ]);
    // The unprefixed key opens nothing in a fleet's tree.
    const plain = buildFleetRows(
      [entry("111111111111/us-east-1", changing())],
      new Set([key, "workforce:labelers"]),
    );
    expect(plain.some((r) => r.depth === 2)).toBe(false);
  });

  it("keeps keys unique across targets with the same resources", () => {
    const entries = [entry("a/us-east-1", changing()), entry("b/us-east-1", changing())];
    const open = new Set([
      ...entries.map((e) => targetKey(e.target.id)),
      ...entries.flatMap((e) => [
        `${targetKey(e.target.id)}>workforce:labelers`,
        `${targetKey(e.target.id)}>steps`,
      ]),
    ]);
    const rows = buildFleetRows(entries, open);
    expect(rows.length).toBeGreaterThan(30);
    expect(new Set(rows.map((r) => r.key)).size).toBe(rows.length);
    expect(
      rows.filter(
        (r) => r.text === "1. back up workteam annotators (every field, and tags) to a backup file",
      ),
    ).toHaveLength(2);
  });

  it("buildRows under a prefix prefixes every key and sits one deeper", () => {
    const p = changing();
    const under = { key: "target:x>", depth: 1 };
    const flat = buildRows(p, new Set(["workforce:labelers", "steps"]));
    const nested = buildRows(p, new Set(["target:x>workforce:labelers", "target:x>steps"]), under);
    expect(nested.map((r) => r.key)).toEqual(flat.map((r) => `target:x>${r.key}`));
    expect(nested.map((r) => r.owner)).toEqual(flat.map((r) => `target:x>${r.owner}`));
    expect(nested.map((r) => r.depth)).toEqual(flat.map((r) => r.depth + 1));
    expect(nested.map((r) => r.text)).toEqual(flat.map((r) => r.text));
    expect(nested.at(-1)!.key).toBe("target:x>steps/5");
  });
});

describe("the fleet's review screen", () => {
  actEnvironment();

  async function review(
    entries: FleetPlanEntry[] = fleet(),
    confirm = true,
    size = { columns: 100, rows: 60 },
  ) {
    const onDone = vi.fn();
    let ui!: ReturnType<typeof render>;
    await act(async () => {
      ui = render(
        <FleetReview
          entries={entries}
          rollout={ROLLOUT}
          confirm={confirm}
          color={false}
          onDone={onDone}
          size={size}
        />,
      );
    });
    const type = async (...keys: string[]) => {
      for (const k of keys) await act(async () => ui.stdin.write(k));
    };
    return { ...ui, onDone, type };
  }

  it("shows the header, the counts, the security-relevant line, the targets and the rollout", async () => {
    const { lastFrame } = await review();
    const lines = lastFrame()!.split("\n");
    expect(lines.slice(0, 3)).toEqual([
      "wfplan · fleet of 3 targets",
      "3 targets: 2 with changes, 1 blocked, 0 failed.",
      "Security-relevant in 2 targets: 2 destructive, 4 lockout-risk.",
    ]);
    expect(lines[4]).toBe(`▾ ~ 111111111111/us-east-1 · ${CHANGES} · Active`);
    expect(lines[5]).toBe("    ! a warning");
    expect(lastFrame()).toContain("▾ ✓ 111111111111/eu-central-1 · no changes · Active");
    expect(lastFrame()).toContain(`▾ ✗ 222222222222/us-west-2 · ${CHANGES} · blocked · Active`);
    expect(lastFrame()).toContain("    ✗ Blocked: The OIDC configuration can be updated only");
    expect(lastFrame()).toContain(
      "Rollout: 1 canary target alone first, then up to 4 at once; no new target starts after 1 failure.",
    );
    expect(lines.at(-1)).toMatch(/^Type yes and press Enter to apply \(anything else cancels\):/);
  });

  it("says a single target and no security line when nothing is security-relevant", async () => {
    const { lastFrame } = await review([entry("111111111111/eu-central-1", unchanged())]);
    expect(lastFrame()!.split("\n").slice(0, 3)).toEqual([
      "wfplan · fleet of 1 target",
      "1 target: 0 with changes, 0 blocked, 0 failed.",
      "",
    ]);
    expect(lastFrame()).not.toContain("Security-relevant");
  });

  it("without confirmation shows no rollout and no prompt", async () => {
    const { lastFrame } = await review(fleet(), false);
    expect(lastFrame()).not.toContain("Rollout:");
    expect(lastFrame()).not.toContain("Type yes");
    expect(lastFrame()!.split("\n").at(-1)).toBe(
      "d whole row · ↑↓/jk move · Enter/space open · q quit",
    );
  });

  it("folds the targets of a fleet of 4 or more, one line each", async () => {
    const entries = [...fleet(), failedEntry("333333333333/ap-south-1")];
    const { lastFrame } = await review(entries);
    const lines = lastFrame()!.split("\n");
    expect(lines[0]).toBe("wfplan · fleet of 4 targets");
    expect(lines[1]).toBe("4 targets: 2 with changes, 1 blocked, 1 failed.");
    expect(lines.slice(4, 8)).toEqual([
      `▸ ~ 111111111111/us-east-1 · ${CHANGES} · Active`,
      "▸ ✓ 111111111111/eu-central-1 · no changes · Active",
      `▸ ✗ 222222222222/us-west-2 · ${CHANGES} · blocked · Active`,
      "▸ ✗ 333333333333/ap-south-1 · could not be planned: could not assume the role",
    ]);
    expect(lastFrame()).not.toContain("a warning");
  });

  it("folds the selected target with space, and moves with j", async () => {
    const { lastFrame, type } = await review();
    await type(" ");
    expect(lastFrame()).toContain(`▸ ~ 111111111111/us-east-1 · ${CHANGES} · Active`);
    expect(lastFrame()).not.toContain("a warning");
    expect(lastFrame()).toContain("No changes. The live workforce matches the spec.");
    await type("j", " ");
    expect(lastFrame()).toContain("▸ ✓ 111111111111/eu-central-1 · no changes · Active");
    expect(lastFrame()).not.toContain("No changes. The live workforce matches the spec.");
    expect(lastFrame()).toContain("Blocked: The OIDC configuration");
    // Up again, and open the first target: its rows are back.
    await type("k", " ");
    expect(lastFrame()).toContain(`▾ ~ 111111111111/us-east-1 · ${CHANGES} · Active`);
    expect(lastFrame()).toContain("    ! a warning");
  });

  it("opens a target's resource with space, its changes under it", async () => {
    const { lastFrame, type } = await review();
    // Down past the warning and the two security lines to the workforce.
    await type("j", "j", "j", "j");
    expect(lastFrame()).toContain('  ▸ ~ update workforce "labelers"  (2 changes)');
    await type(" ");
    expect(lastFrame()).toContain('  ▾ ~ update workforce "labelers"  (2 changes)');
    expect(lastFrame()).toContain('      ~ oidcConfig.issuer: "https://old" → "https://new"');
  });

  it("shows the target's whole text plan with d, and d or Esc goes back", async () => {
    const { lastFrame, type, onDone } = await review();
    await type("d");
    const lines = lastFrame()!.split("\n");
    expect(lines[0]).toBe("━━ 111111111111/us-east-1 ━━");
    expect(lines).toContain('wfplan plan for workforce "labelers" in us-east-1');
    expect(lines).toContain("Plan: 0 to add, 1 to change, 0 to delete, 1 to recreate.");
    expect(lines.at(-1)).toMatch(/^d\/Esc back/);
    expect(lastFrame()).not.toContain("wfplan · fleet of 3 targets");
    await type("d");
    expect(lastFrame()!.split("\n")[0]).toBe("wfplan · fleet of 3 targets");
    await type("d", "\u001B");
    expect(lastFrame()!.split("\n")[0]).toBe("wfplan · fleet of 3 targets");
    expect(onDone).not.toHaveBeenCalled();
  });

  it("keeps the blank lines of the target's text plan in the whole view", async () => {
    const { lastFrame, type } = await review();
    await type("d");
    expect(lastFrame()!.split("\n").slice(0, 3)).toEqual([
      "━━ 111111111111/us-east-1 ━━",
      "",
      'wfplan plan for workforce "labelers" in us-east-1',
    ]);
  });

  it("approves on yes + Enter, once", async () => {
    const { onDone, type, lastFrame } = await review();
    await type("y", "e", "s");
    expect(lastFrame()).toContain("(anything else cancels): yes");
    await type("\r", "\r");
    expect(onDone).toHaveBeenCalledExactlyOnceWith("approved");
    expect(lastFrame()).toContain("Approved.");
  });

  it("declines on Enter alone", async () => {
    const { onDone, type, lastFrame } = await review();
    await type("\r");
    expect(onDone).toHaveBeenCalledExactlyOnceWith("declined");
    expect(lastFrame()).toContain("Cancelled; nothing changed.");
  });

  it("closes on q without confirmation", async () => {
    const { onDone, type } = await review(fleet(), false);
    await type("q");
    expect(onDone).toHaveBeenCalledExactlyOnceWith("closed");
  });

  it("reports Ctrl-C as an interrupt", async () => {
    const { onDone, type } = await review();
    await type("\u0003");
    expect(onDone).toHaveBeenCalledExactlyOnceWith("interrupted");
  });

  it.each([
    [30, 8],
    [60, 7],
  ])(
    "stays shorter than a %i×%i window, without the security and rollout lines",
    async (columns, rows) => {
      let ui!: ReturnType<typeof render>;
      await act(async () => {
        ui = render(
          <Box width={columns} flexDirection="column">
            <FleetReview
              entries={fleet().slice(0, 2)}
              rollout={ROLLOUT}
              confirm={true}
              color={false}
              onDone={vi.fn()}
              size={{ columns, rows }}
            />
          </Box>,
        );
      });
      const lines = ui.lastFrame()!.split("\n");
      expect(lines.length, ui.lastFrame()).toBeLessThan(rows);
      expect(lines[0]).toBe("wfplan · fleet of 2 targets");
      expect(ui.lastFrame()).toContain("111111111111/us-east-1");
      expect(ui.lastFrame()).not.toContain("Rollout:");
      await act(async () => ui.unmount());
    },
  );

  it("fits a 40×15 window: no line wider, the frame shorter", async () => {
    const entries = [...fleet(), failedEntry("333333333333/ap-south-1")];
    for (const list of [fleet(), entries]) {
      let ui!: ReturnType<typeof render>;
      await act(async () => {
        ui = render(
          <Box width={40} flexDirection="column">
            <FleetReview
              entries={list}
              rollout={ROLLOUT}
              confirm={true}
              color={false}
              onDone={vi.fn()}
              size={{ columns: 40, rows: 15 }}
            />
          </Box>,
        );
      });
      const lines = ui.lastFrame()!.split("\n");
      expect(lines.length).toBeLessThan(15);
      for (const l of lines) expect(stringWidth(l), l).toBeLessThanOrEqual(40);
      expect(lines[0]).toBe(`wfplan · fleet of ${list.length} targets`);
      // Every target is on screen, or counted below the last one shown.
      const shown = list.filter((e) => ui.lastFrame()!.includes(e.target.id)).length;
      const below = Number(/↓ (\d+) more/.exec(ui.lastFrame()!)?.[1] ?? 0);
      expect(shown).toBeGreaterThan(0);
      if (shown < list.length) expect(below).toBeGreaterThan(0);
      expect(ui.lastFrame()).toContain("Type yes and press Enter");
      await act(async () => ui.unmount());
    }
  });

  it("stays shorter than the window with the selection in the middle of 30 folded targets", async () => {
    const entries = Array.from({ length: 30 }, (_, i) =>
      entry(`${111111111100 + i}/us-east-1`, changing()),
    );
    const { lastFrame, type } = await review(entries, true, { columns: 100, rows: 20 });
    expect(lastFrame()!.split("\n").length).toBeLessThan(20);
    await type(...Array.from({ length: 15 }, () => "j"));
    expect(lastFrame()).toMatch(/^ ↑ \d+ more$/m);
    expect(lastFrame()).toMatch(/^ ↓ \d+ more$/m);
    expect(lastFrame()!.split("\n").length).toBeLessThan(20);
  });
});

/** The changing plan's six steps. */
const steps = (): Step[] => changing().steps;
const at = (state: FleetProgressState, id: string) =>
  state.targets.find((t) => t.id === id) as TargetProgress;
const stepEvent = (
  type: "step-start" | "step-done" | "step-failed" | "step-stopped",
  index: number,
  step: Step,
  total = 6,
): FleetApplyEvent => {
  switch (type) {
    case "step-start":
      return { type: "step", target: "a", event: { type, index, total, step } };
    case "step-done":
      return {
        type: "step",
        target: "a",
        event: { type, index, total, step, ms: 1500, note: "n" },
      };
    case "step-failed":
      return {
        type: "step",
        target: "a",
        event: { type, index, total, step, ms: 2000, error: "boom" },
      };
    case "step-stopped":
      return { type: "step", target: "a", event: { type, index, total, step, ms: 300 } };
  }
};

describe("the fleet's progress, event by event", () => {
  const start = () =>
    initialFleetProgress([{ id: "a", steps: steps() }, { id: "b", steps: [] }, { id: "c" }]);

  it("starts with every target waiting, a target without steps done", () => {
    const s = start();
    expect(s.halted).toBeUndefined();
    expect(s.targets.map((t) => [t.id, t.status, t.canary, t.steps.length])).toEqual([
      ["a", "waiting", false, 6],
      ["b", "no-changes", false, 0],
      ["c", "waiting", false, 0],
    ]);
    expect(at(s, "a").steps.every((x) => x.status === "pending")).toBe(true);
    expect(at(s, "a").steps[3]!.step).toEqual(steps()[3]);
  });

  it("marks a target running, and canary, at its start", () => {
    const s0 = start();
    const s = fleetProgress(s0, { type: "target-start", target: "a", canary: true }, 1000);
    expect(at(s, "a")).toMatchObject({ status: "running", canary: true, startedAt: 1000 });
    expect(at(s, "c").status).toBe("waiting");
    // Pure: the state before is unchanged.
    expect(at(s0, "a").status).toBe("waiting");
    const t = fleetProgress(s, { type: "target-start", target: "c", canary: false }, 2000);
    expect(at(t, "c")).toMatchObject({ status: "running", canary: false, startedAt: 2000 });
  });

  it("updates a step by its index: started, done, failed, stopped", () => {
    const st = steps();
    let s = fleetProgress(start(), { type: "target-start", target: "a", canary: false }, 0);
    s = fleetProgress(s, stepEvent("step-start", 1, st[0]!));
    expect(at(s, "a").steps.map((x) => x.status)).toEqual([
      "running",
      "pending",
      "pending",
      "pending",
      "pending",
      "pending",
    ]);
    s = fleetProgress(s, stepEvent("step-done", 1, st[0]!));
    expect(at(s, "a").steps[0]).toEqual({ step: st[0], status: "done", ms: 1500, note: "n" });
    s = fleetProgress(s, stepEvent("step-failed", 2, st[1]!));
    expect(at(s, "a").steps[1]).toEqual({ step: st[1], status: "failed", ms: 2000, error: "boom" });
    s = fleetProgress(s, stepEvent("step-stopped", 3, st[2]!));
    expect(at(s, "a").steps[2]).toEqual({ step: st[2], status: "stopped", ms: 300 });
    expect(at(s, "a").steps.map((x) => x.status)).toEqual([
      "done",
      "failed",
      "stopped",
      "pending",
      "pending",
      "pending",
    ]);
    // Another target's steps are not touched.
    expect(at(s, "c").steps).toEqual([]);
  });

  it("sets and clears the waiting status and the retry message", () => {
    const st = steps();
    let s = fleetProgress(start(), stepEvent("step-start", 4, st[3]!));
    s = fleetProgress(s, {
      type: "step",
      target: "a",
      event: { type: "waiting", status: "Updating", elapsedMs: 4000 },
    });
    expect(at(s, "a").waiting).toEqual({ status: "Updating", elapsedMs: 4000 });
    s = fleetProgress(s, {
      type: "step",
      target: "a",
      event: { type: "retry", message: "throttled; again in 1s" },
    });
    expect(at(s, "a").retry).toBe("throttled; again in 1s");
    expect(at(s, "a").waiting).toEqual({ status: "Updating", elapsedMs: 4000 });
    s = fleetProgress(s, stepEvent("step-done", 4, st[3]!));
    expect(at(s, "a")).not.toHaveProperty("waiting");
    expect(at(s, "a")).not.toHaveProperty("retry");
  });

  it("sets the outcome, the error and the time at the target's end", () => {
    let s = fleetProgress(start(), { type: "target-start", target: "a", canary: true }, 10_000);
    s = fleetProgress(s, {
      type: "step",
      target: "a",
      event: { type: "waiting", status: "Updating", elapsedMs: 1 },
    });
    s = fleetProgress(
      s,
      { type: "target-end", target: "a", outcome: "failed", error: "it broke" },
      75_000,
    );
    expect(at(s, "a")).toMatchObject({
      status: "failed",
      error: "it broke",
      ms: 65_000,
      canary: true,
    });
    expect(at(s, "a")).not.toHaveProperty("waiting");
    const ok = fleetProgress(
      fleetProgress(start(), { type: "target-start", target: "c", canary: false }, 500),
      { type: "target-end", target: "c", outcome: "succeeded" },
      2500,
    );
    expect(at(ok, "c")).toMatchObject({ status: "succeeded", ms: 2000 });
    expect(at(ok, "c")).not.toHaveProperty("error");
  });

  it("halts: waiting targets become not started, the others stay", () => {
    let s = fleetProgress(start(), { type: "target-start", target: "a", canary: true }, 0);
    s = fleetProgress(s, { type: "halted", reason: "canary-failed", notStarted: 1 });
    expect(s.halted).toBe("canary-failed");
    expect(s.targets.map((t) => t.status)).toEqual(["running", "no-changes", "not-started"]);
  });

  it("ignores events for a target it does not know", () => {
    const s = start();
    const next = fleetProgress(s, { type: "target-start", target: "zzz", canary: true }, 0);
    expect(next.targets).toEqual(s.targets);
  });
});

describe("a target's line and its steps", () => {
  const base = (over: Partial<TargetProgress> = {}): TargetProgress => ({
    id: "a",
    canary: false,
    status: "running",
    steps: steps().map((step) => ({ step, status: "pending" })),
    ...over,
  });
  const withStatuses = (statuses: StepState["status"][]): StepState[] =>
    steps().map((step, i) => ({ step, status: statuses[i] ?? "pending", ms: 1500 }));

  it.each<[string, Partial<TargetProgress>, string]>([
    ["waiting", { status: "waiting" }, "waiting to start"],
    ["running, before its first step", { status: "running" }, "starting"],
    [
      "running a step",
      { status: "running", steps: withStatuses(["done", "running"]) },
      "2/6 delete workteam annotators (it blocks the OIDC update)",
    ],
    [
      "running a wait",
      {
        status: "running",
        steps: withStatuses(["done", "done", "done", "running"]),
        waiting: { status: "Updating", elapsedMs: 65_000 },
      },
      "4/6 wait until the workforce is Active · workforce Updating 1m5s",
    ],
    [
      "succeeded",
      { status: "succeeded", steps: withStatuses(Array(6).fill("done")), ms: 65_000 },
      "succeeded · 6/6 steps in 1m5s",
    ],
    ["no changes", { status: "no-changes", steps: [] }, "no changes"],
    [
      "failed at a step",
      {
        status: "failed",
        steps: withStatuses(["done", "done", "done", "failed"]),
        error: "the wait timed out\nafter 15m",
      },
      "failed at step 4/6: the wait timed out",
    ],
    [
      "failed before any step",
      { status: "failed", error: "the plan is blocked: x" },
      "failed: the plan is blocked: x",
    ],
    [
      "interrupted",
      { status: "interrupted", steps: withStatuses(["done", "done", "stopped"]) },
      "interrupted after 2/6 steps",
    ],
    ["not started", { status: "not-started" }, "not started"],
  ])("%s", (_name, over, text) => {
    expect(targetLine(base(over))).toBe(text);
  });

  it("lists every step with its mark and time when there is room", () => {
    const t = base({
      steps: withStatuses(["done", "done", "done", "running"]),
      waiting: { status: "Updating", elapsedMs: 4000 },
    });
    expect(detailLines(t, 20).map((l) => [l.symbol, l.text])).toEqual([
      ["✓", "1/6 back up workteam annotators (every field, and tags) to a backup file 1.5s"],
      ["✓", "2/6 delete workteam annotators (it blocks the OIDC update) 1.5s"],
      ["✓", "3/6 update the workforce: oidcConfig (UpdateWorkforce, sends the client secret) 1.5s"],
      ["⠋", "4/6 wait until the workforce is Active"],
      [" ", "workforce Updating (4s)"],
      ["·", "5/6 recreate workteam annotators from the spec and the backup (CreateWorkteam)"],
      ["·", "6/6 verify: read everything again and compare it, field by field"],
    ]);
    expect(detailLines(t, 20)[3]!.status).toBe("running");
  });

  it("keeps the running step in view when there is little room", () => {
    const t = base({
      steps: withStatuses(["done", "done", "done", "running"]),
      waiting: { status: "Updating", elapsedMs: 4000 },
    });
    // The running wait and the workforce's status under it stay together.
    expect(detailLines(t, 4).map((l) => l.text)).toEqual([
      "… 3 earlier lines",
      "4/6 wait until the workforce is Active",
      "workforce Updating (4s)",
      "… 2 more lines",
    ]);
    expect(detailLines(t, 3).map((l) => l.text)).toEqual([
      "… 3 earlier lines",
      "4/6 wait until the workforce is Active",
      "workforce Updating (4s)",
    ]);
    expect(detailLines(t, 3)[1]!.status).toBe("running");
    expect(detailLines(t, 5).map((l) => l.text)).toEqual([
      "… 3 earlier lines",
      "4/6 wait until the workforce is Active",
      "workforce Updating (4s)",
      "5/6 recreate workteam annotators from the spec and the backup (CreateWorkteam)",
      "… 1 more line",
    ]);
    // With room for it, the step before the running one is in view too.
    expect(detailLines(t, 6).map((l) => l.text)).toEqual([
      "… 2 earlier lines",
      "3/6 update the workforce: oidcConfig (UpdateWorkforce, sends the client secret) 1.5s",
      "4/6 wait until the workforce is Active",
      "workforce Updating (4s)",
      "5/6 recreate workteam annotators from the spec and the backup (CreateWorkteam)",
      "6/6 verify: read everything again and compare it, field by field",
    ]);
    const early = base({ steps: withStatuses(["running"]), retry: "throttled" });
    expect(detailLines(early, 3).map((l) => l.text)).toEqual([
      "1/6 back up workteam annotators (every field, and tags) to a backup file",
      "retrying: throttled",
      "… 5 more lines",
    ]);
    const late = base({ steps: withStatuses(["done", "done", "done", "done", "done", "running"]) });
    expect(detailLines(late, 3).map((l) => l.text)).toEqual([
      "… 4 earlier lines",
      "5/6 recreate workteam annotators from the spec and the backup (CreateWorkteam) 1.5s",
      "6/6 verify: read everything again and compare it, field by field",
    ]);
  });

  it("centres a failed step when there is little room", () => {
    const t = base({
      status: "failed",
      steps: withStatuses(["done", "done", "failed"]),
    });
    expect(detailLines(t, 3).map((l) => l.text)).toEqual([
      "… 2 earlier lines",
      "3/6 update the workforce: oidcConfig (UpdateWorkforce, sends the client secret) 1.5s: ",
      "… 3 more lines",
    ]);
  });

  it.each([1, 2])("never gives more than the room: %i line(s)", (room) => {
    const t = base({
      steps: withStatuses(["done", "done", "done", "running"]),
      waiting: { status: "Updating", elapsedMs: 4000 },
    });
    const lines = detailLines(t, room);
    expect(lines.length).toBeLessThanOrEqual(room);
    expect(lines.some((l) => l.status === "running")).toBe(true);
  });

  it("shows a failed step's error, and a target's own error when no step failed", () => {
    const failedStep = base({
      status: "failed",
      steps: withStatuses(["done", "failed"]).map((s) =>
        s.status === "failed" ? { ...s, error: "AccessDenied" } : s,
      ),
    });
    expect(detailLines(failedStep, 20)[1]).toEqual({
      symbol: "✗",
      tone: "red",
      text: "2/6 delete workteam annotators (it blocks the OIDC update) 1.5s: AccessDenied",
    });
    const notRun = base({ status: "failed", steps: [], error: "could not be planned\nmore" });
    expect(detailLines(notRun, 20)).toEqual([
      { symbol: "✗", tone: "red", text: "could not be planned" },
    ]);
    expect(detailLines(base({ status: "waiting", steps: [] }), 5)).toEqual([
      { symbol: " ", tone: "gray", text: "waiting to start" },
    ]);
  });
});

describe("the fleet's progress screen", () => {
  actEnvironment();
  const SPIN = "[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏]";

  async function show(
    props: Partial<Parameters<typeof FleetProgress>[0]> & { state: FleetProgressState },
  ) {
    let ui!: ReturnType<typeof render>;
    await act(async () => {
      ui = render(
        <FleetProgress
          startedAt={Date.now()}
          color={false}
          size={{ columns: 100, rows: 40 }}
          {...props}
        />,
      );
    });
    const frame = ui.lastFrame()!;
    await act(async () => ui.unmount());
    return frame;
  }

  /** a: canary, succeeded; b: running its wait; c: waiting. */
  const rolling = (): FleetProgressState => {
    const st = steps();
    let s = initialFleetProgress([
      { id: "111111111111/us-east-1", steps: st },
      { id: "111111111111/eu-central-1", steps: st },
      { id: "222222222222/us-west-2", steps: st },
    ]);
    const ev = (e: FleetApplyEvent, now = 0) => {
      s = fleetProgress(s, e, now);
    };
    ev({ type: "target-start", target: "111111111111/us-east-1", canary: true }, 0);
    st.forEach((step, i) => {
      const target = "111111111111/us-east-1";
      ev({ type: "step", target, event: { type: "step-start", index: i + 1, total: 6, step } });
      ev({
        type: "step",
        target,
        event: { type: "step-done", index: i + 1, total: 6, step, ms: 1000 },
      });
    });
    ev({ type: "target-end", target: "111111111111/us-east-1", outcome: "succeeded" }, 12_000);
    const target = "111111111111/eu-central-1";
    ev({ type: "target-start", target, canary: false }, 12_000);
    st.slice(0, 3).forEach((step, i) => {
      ev({ type: "step", target, event: { type: "step-start", index: i + 1, total: 6, step } });
      ev({
        type: "step",
        target,
        event: { type: "step-done", index: i + 1, total: 6, step, ms: 1000 },
      });
    });
    ev({ type: "step", target, event: { type: "step-start", index: 4, total: 6, step: st[3]! } });
    ev({ type: "step", target, event: { type: "waiting", status: "Updating", elapsedMs: 4000 } });
    return s;
  };

  it.each([
    [50, 12],
    [40, 9],
    [100, 6],
  ])(
    "stays shorter than a %i×%i window with the halted line, a long notice and the outcome",
    async (columns, rows) => {
      let ui!: ReturnType<typeof render>;
      const notice =
        "Interrupt received: no new target starts; the wait stops now. The workforce update goes on in AWS; run wfplan apply again to finish.";
      for (const outcome of [
        undefined,
        { ok: false, message: "The fleet apply did not finish." },
      ]) {
        await act(async () => {
          ui = render(
            <Box width={columns} flexDirection="column">
              <FleetProgress
                state={{ ...rolling(), halted: "interrupted" }}
                startedAt={Date.now()}
                color={false}
                notice={notice}
                {...(outcome && { outcome })}
                size={{ columns, rows }}
              />
            </Box>,
          );
        });
        const lines = ui.lastFrame()!.split("\n");
        expect(lines.length, ui.lastFrame()).toBeLessThan(rows);
        for (const l of lines) expect(stringWidth(l), l).toBeLessThanOrEqual(columns);
        // The notice is whole where it fits, its start where it does not; the running target in view.
        const text = lines.join(" ").replace(/\s+/g, " ");
        if (rows >= 12) expect(text).toContain("run wfplan apply again to finish.");
        else expect(text).toContain("Interrupt received");
        expect(ui.lastFrame()).toContain("111111111111/eu-central-1");
        await act(async () => ui.unmount());
      }
    },
  );

  it("shows one line per target, the canary marked, and the running target's steps", async () => {
    const frame = await show({ state: rolling() });
    const lines = frame.split("\n");
    expect(lines[0]).toBe(
      "wfplan · applying a fleet of 3 targets · 1 running, 1 succeeded, 0 failed, 1 to start",
    );
    expect(lines[1]).toBe("✓ 111111111111/us-east-1 (canary) · succeeded · 6/6 steps in 12s");
    expect(lines[2]).toMatch(
      new RegExp(
        `^${SPIN} 111111111111/eu-central-1 · 4/6 wait until the workforce is Active · workforce Updating 4s$`,
      ),
    );
    expect(lines[3]).toBe("· 222222222222/us-west-2 · waiting to start");
    // The followed target is the running one: its steps under the list.
    expect(lines[4]).toBe("");
    expect(lines[5]).toBe("111111111111/eu-central-1: running");
    expect(lines[6]).toBe(
      "  ✓ 1/6 back up workteam annotators (every field, and tags) to a backup file 1.0s",
    );
    expect(lines[9]).toMatch(new RegExp(`^  ${SPIN} 4/6 wait until the workforce is Active$`));
    expect(lines[10]).toBe("    workforce Updating (4s)");
    expect(lines[11]).toBe(
      "  · 5/6 recreate workteam annotators from the spec and the backup (CreateWorkteam)",
    );
    expect(lines.at(-1)).toMatch(/^applying · 0s · ↑↓ target · Ctrl-C stops starting targets$/);
  });

  it("says why the rollout halted, the notice, and the outcome", async () => {
    let s = rolling();
    s = fleetProgress(
      s,
      { type: "target-end", target: "111111111111/eu-central-1", outcome: "failed", error: "boom" },
      20_000,
    );
    s = fleetProgress(s, { type: "halted", reason: "failure-tolerance", notStarted: 1 });
    const frame = await show({
      state: s,
      notice: "Interrupt received: no new target starts",
      outcome: { ok: false, message: "1 of 3 targets failed." },
    });
    const lines = frame.split("\n");
    expect(lines[0]).toBe(
      "wfplan · applying a fleet of 3 targets · 0 running, 1 succeeded, 1 failed, 0 to start",
    );
    expect(lines[2]).toBe("✗ 111111111111/eu-central-1 · failed: boom");
    expect(lines[3]).toBe("– 222222222222/us-west-2 · not started");
    // No target runs: the view follows the last that ran.
    expect(lines[5]).toBe("111111111111/eu-central-1: failed");
    expect(lines.slice(-3)).toEqual([
      "More targets failed than policy.rollout.failureTolerance allows: no new target starts.",
      "Interrupt received: no new target starts",
      "1 of 3 targets failed.",
    ]);
    expect(frame).not.toContain("Ctrl-C stops starting targets");
  });

  it.each([
    ["canary-failed", "The canary failed: no other target starts."],
    ["interrupted", "Interrupted: no new target starts; the running ones stop at a safe point."],
  ] as const)("says the rollout halted: %s", async (reason, text) => {
    const s = fleetProgress(rolling(), { type: "halted", reason, notStarted: 1 });
    const frame = await show({ state: s });
    expect(frame).toContain(`\n${text}\n`);
  });

  it("fits 30 targets in a 100×20 window, counting those below", async () => {
    const st = steps();
    let s = initialFleetProgress(
      Array.from({ length: 30 }, (_, i) => ({ id: `${100000000000 + i}/us-east-1`, steps: st })),
    );
    s = fleetProgress(
      s,
      { type: "target-start", target: "100000000000/us-east-1", canary: true },
      0,
    );
    s = fleetProgress(s, {
      type: "step",
      target: "100000000000/us-east-1",
      event: { type: "step-start", index: 1, total: 6, step: st[0]! },
    });
    const frame = await show({ state: s, size: { columns: 100, rows: 20 } });
    const lines = frame.split("\n");
    expect(lines.length).toBeLessThan(20);
    expect(lines[1]).toMatch(
      new RegExp(`^${SPIN} 100000000000/us-east-1 \\(canary\\) · 1/6 back up`),
    );
    expect(frame).toMatch(/^ ↓ 23 more$/m);
    expect(frame).toContain("100000000000/us-east-1 (canary): running");
    expect(frame).not.toContain("100000000029/us-east-1");
    for (const l of lines) expect(stringWidth(l)).toBeLessThanOrEqual(100);
  });

  it("fits 30 targets in a 100×12 window, the running one in the middle", async () => {
    const st = steps();
    const id = (i: number) => `${100000000000 + i}/us-east-1`;
    let s = initialFleetProgress(Array.from({ length: 30 }, (_, i) => ({ id: id(i), steps: st })));
    s = fleetProgress(s, { type: "target-start", target: id(15), canary: false }, 0);
    st.slice(0, 4).forEach((step, i) => {
      const done = { type: "step-done" as const, index: i + 1, total: 6, step, ms: 1000 };
      s = fleetProgress(s, {
        type: "step",
        target: id(15),
        event: { type: "step-start", index: i + 1, total: 6, step },
      });
      if (i < 3) s = fleetProgress(s, { type: "step", target: id(15), event: done });
    });
    const frame = await show({ state: s, size: { columns: 100, rows: 12 } });
    expect(frame).toContain(`${id(15)}: running`);
    expect(frame).toMatch(new RegExp(`^  ${SPIN} 4/6 wait until the workforce is Active$`, "m"));
    expect(frame.split("\n").length).toBeLessThan(12);
  });
});
