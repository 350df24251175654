import { render } from "ink-testing-library";
import { act } from "react";
import stringWidth from "string-width";
import { describe, expect, it, vi } from "vitest";
import type { Plan } from "../../src/core/types.ts";
import { cutToFit, wrapToFit } from "../../src/tui/layout.ts";
import { Progress, type StepState } from "../../src/tui/Progress.tsx";
import { Review } from "../../src/tui/Review.tsx";
import { buildRows, windowOf } from "../../src/tui/rows.ts";
import { liveState, liveTeam, oidcChangePlan, oidcConfig, planOf, workteam } from "../builders.ts";
import { actEnvironment } from "../helpers/ink.ts";

/** An OIDC change that deletes and recreates a workteam, with a warning from the spec. */
const plan = oidcChangePlan;

/**
 * The review through React's act(): every render and effect a key causes has run when it returns,
 * so a test reads the frame the key produced without waiting on time.
 */
async function review(confirm = true, p: Plan = plan()) {
  const onDone = vi.fn();
  let ui!: ReturnType<typeof render>;
  await act(async () => {
    ui = render(<Review plan={p} confirm={confirm} color={false} onDone={onDone} height={20} />);
  });
  const type = async (...keys: string[]) => {
    for (const k of keys) await act(async () => ui.stdin.write(k));
  };
  return { ...ui, onDone, type };
}

describe("the review screen", () => {
  actEnvironment();

  it("shows warnings, the security-relevant section, the tree, the summary and the prompt", async () => {
    const { lastFrame } = await review();
    const frame = lastFrame()!;
    expect(frame).toContain('wfplan · workforce "labelers" · us-east-1');
    expect(frame).toContain("! a warning");
    expect(frame).toContain("Security-relevant changes (deleted workteams are backed up first)");
    expect(frame).toContain("- [destructive] annotators (recreated after the OIDC update)");
    // At 24 rows the rest of the list is counted; the tree keeps its room.
    expect(frame).toContain("… and 2 more (each is in the plan below)");
    expect(frame).toContain('▾ ~ update workforce "labelers"  (2 changes)');
    expect(frame).toContain('~ oidcConfig.issuer: "https://old" → "https://new"');
    expect(frame).toContain("Plan: 0 to add, 1 to change, 0 to delete, 1 to recreate.");
    expect(frame).toContain("Type yes and press Enter to apply");
    expect(frame.indexOf("a warning")).toBeLessThan(frame.indexOf("update workforce"));
  });

  it("lists every security-relevant change by class, most serious first, when there is room", async () => {
    let ui!: ReturnType<typeof render>;
    await act(async () => {
      ui = render(
        <Review
          plan={plan()}
          confirm={true}
          color={false}
          onDone={vi.fn()}
          size={{ columns: 100, rows: 40 }}
        />,
      );
    });
    const lines = ui.lastFrame()!.split("\n");
    const at = lines.findIndex((l) => l.includes("Security-relevant changes"));
    expect(lines.slice(at, at + 4).map((l) => l.replace(/^│ | *│$/g, ""))).toEqual([
      "Security-relevant changes (deleted workteams are backed up first)",
      "- [destructive] annotators (recreated after the OIDC update)",
      '- [lockout-risk] workforce.oidcConfig.issuer: "https://old" → "https://new"',
      // Cut at the box's edge; the plan below has it whole.
      "- [lockout-risk] workforce.oidcConfig.clientSecret: (sensitive) → (sensitive) from ${env:WFPLAN…",
    ]);
  });

  it("has no security-relevant section when every change is neutral", async () => {
    const neutral = planOf(
      { workteams: [workteam({ description: "new words" })] },
      liveState({
        workteams: [
          liveTeam("annotators", {
            memberDefinitions: [{ oidcMemberDefinition: { groups: ["annotators"] } }],
          }),
        ],
      }),
    );
    const { lastFrame } = await review(true, neutral);
    expect(lastFrame()).toContain('description: "Image annotators" → "new words"');
    expect(lastFrame()).not.toContain("Security-relevant");
  });

  it("shows the preflight line", async () => {
    const p = {
      ...plan(),
      preflight: [{ check: "all", subject: "all checks", status: "skipped", message: "m" }],
    };
    const { lastFrame } = await review(true, p as Plan);
    expect(lastFrame()).toContain("Preflight: skipped (--no-preflight).");
  });

  it("collapses and expands with space, moving with j/k and the arrows", async () => {
    const { lastFrame, type } = await review();
    await type(" ");
    expect(lastFrame()).toContain('▸ ~ update workforce "labelers"');
    expect(lastFrame()).not.toContain("oidcConfig.issuer");
    await type(" ");
    expect(lastFrame()).toContain("oidcConfig.issuer");
    // Down three rows (two changes, then the workteam): space folds the workteam, not the workforce.
    await type("j", "\u001B[B", "j", " ");
    expect(lastFrame()).toContain('▸ -/+ recreate workteam "annotators"');
    expect(lastFrame()).toContain('▾ ~ update workforce "labelers"');
    // And back up three: space folds the workforce.
    await type("k", "\u001B[A", "k", " ");
    expect(lastFrame()).toContain('▸ ~ update workforce "labelers"');
    expect(lastFrame()).toContain('▸ -/+ recreate workteam "annotators"');
  });

  it("ends the tree with the steps apply runs, in order", async () => {
    const { lastFrame, type } = await review();
    expect(lastFrame()).toContain("▾ # steps apply runs, in order (6)");
    expect(lastFrame()).toContain("1. back up workteam annotators");
    expect(lastFrame()).toContain("4. wait until the workforce is Active");
    // Down to the steps' row, and fold it.
    const open = new Set([...plan().resources.map((r) => `${r.type}:${r.name}`), "steps"]);
    const steps = buildRows(plan(), open).findIndex((r) => r.key === "steps");
    await type(...Array.from({ length: steps }, () => "j"), " ");
    expect(lastFrame()).toContain("▸ # steps apply runs, in order (6)");
    expect(lastFrame()).not.toContain("1. back up workteam annotators");
  });

  it("shows a change whole with d: before and after on their own lines, and the API call", async () => {
    const { lastFrame, type } = await review();
    await type("j", "d");
    expect(lastFrame()).toBe(
      [
        "~ oidcConfig.issuer (update)",
        'before: "https://old"',
        'after:  "https://new"',
        "API: UpdateWorkforce with the whole OidcConfig, ClientSecret included",
        "impact: lockout-risk",
        "d/Esc back",
      ].join("\n"),
    );
    // Back to the plan, the selection where it was; the keys are the plan's again.
    await type("d");
    expect(lastFrame()).toContain("Type yes and press Enter to apply");
    await type("j", "d");
    expect(lastFrame()).toContain("~ oidcConfig.clientSecret (update)");
    await type("\r");
    expect(lastFrame()).toContain("Type yes and press Enter to apply");
  });

  it("keys that come in one chunk are keys, not an answer", async () => {
    const { lastFrame, type, onDone } = await review();
    await type("jd");
    expect(lastFrame()).toContain('before: "https://old"');
    await type("\u001B");
    // Back at the plan, nothing was typed at the prompt.
    expect(lastFrame()).toContain("Type yes and press Enter");
    expect(lastFrame()).not.toMatch(/cancels\): [jd]/);
    await type("yes\r");
    expect(onDone).toHaveBeenCalledExactlyOnceWith("approved");
  });

  it("without confirmation, Enter in a chunk opens or folds the row, as alone", async () => {
    const { lastFrame, type } = await review(false);
    expect(lastFrame()).toContain('▾ ~ update workforce "labelers"');
    await type("k\r");
    expect(lastFrame()).toContain('▸ ~ update workforce "labelers"');
  });

  it("a value longer than the window scrolls in the whole-row view, to its last character", async () => {
    const long = `https://new.example.com/${"x".repeat(400)}/end`;
    const p = planOf({ workforce: { oidcConfig: oidcConfig({ issuer: long }) } }, liveState(), {});
    const onDone = vi.fn();
    let ui!: ReturnType<typeof render>;
    await act(async () => {
      ui = render(
        <Review
          plan={p}
          confirm={true}
          color={false}
          onDone={onDone}
          size={{ columns: 40, rows: 15 }}
        />,
      );
    });
    for (const k of ["j", "d"]) await act(async () => ui.stdin.write(k));
    expect(ui.lastFrame()).toContain('after:  "https://new.example.com/');
    expect(ui.lastFrame()).toMatch(/^d\/Esc back · ↑↓ scroll · lines 1–13\/\d+$/m);
    for (let i = 0; i < 30; i++) await act(async () => ui.stdin.write("j"));
    const end = ui.lastFrame()!;
    expect(end).toContain('xxx/end"\nAPI: UpdateWorkforce');
    const [, , last, total] = /lines (\d+)–(\d+)\/(\d+)/.exec(end) ?? [];
    expect(last).toBe(total);
    expect(onDone).not.toHaveBeenCalled();
  });

  it("approves only on yes + Enter, and once", async () => {
    const { onDone, type, lastFrame } = await review();
    await type("y", "e", "s");
    expect(lastFrame()).toContain("(anything else cancels): yes");
    expect(onDone).not.toHaveBeenCalled();
    await type("\r", "\r", "y");
    expect(onDone).toHaveBeenCalledTimes(1);
    expect(onDone).toHaveBeenCalledWith("approved");
  });

  it("approves typed-ahead input: yes and Enter in one chunk, or faster than a render", async () => {
    const chunk = await review();
    await chunk.type("yes\r");
    expect(chunk.onDone).toHaveBeenCalledWith("approved");
    const fast = await review();
    await act(async () => {
      fast.stdin.write("yes");
      fast.stdin.write("\r");
    });
    expect(fast.onDone).toHaveBeenCalledWith("approved");
  });

  it.each([
    ["Enter alone", ["\r"]],
    ["another answer", ["n", "o", "\r"]],
    ["yes with more", ["y", "e", "s", "s", "\r"]],
    ["Esc", ["\u001B"]],
    ["q", ["q"]],
  ])("declines on %s", async (_name, keys) => {
    const { onDone, type } = await review();
    await type(...keys);
    expect(onDone).toHaveBeenCalledWith("declined");
    expect(onDone).toHaveBeenCalledTimes(1);
  });

  it("reports Ctrl-C as an interrupt", async () => {
    const { onDone, type } = await review();
    await type("\u0003");
    expect(onDone).toHaveBeenCalledWith("interrupted");
  });

  it("without confirmation, q closes the view", async () => {
    const { onDone, type, lastFrame } = await review(false);
    expect(lastFrame()).not.toContain("Type yes");
    await type("q");
    expect(onDone).toHaveBeenCalledWith("closed");
  });

  it("scrolls a long plan inside its window", async () => {
    const long: Plan = {
      ...plan(),
      resources: Array.from({ length: 40 }, (_, i) => ({
        type: "workteam" as const,
        name: `team${i}`,
        action: "create" as const,
        changes: [],
      })),
    };
    const { lastFrame, type } = await review(true, long);
    expect(lastFrame()).toContain('create workteam "team0"');
    expect(lastFrame()).not.toContain('create workteam "team30"');
    expect(lastFrame()).toMatch(/↓ \d+ more/);
    await type(...Array.from({ length: 30 }, () => "j"));
    expect(lastFrame()).toContain('create workteam "team30"');
    expect(lastFrame()).toMatch(/↑ \d+ more/);
  });
});

describe("the review's fit to the window", () => {
  actEnvironment();

  /** An OIDC change that recreates 25 workteams. */
  const big = () =>
    planOf(
      { workforce: { oidcConfig: oidcConfig({ issuer: "https://new" }) } },
      liveState({
        workteams: Array.from({ length: 25 }, (_, i) => liveTeam(`team-${i}`)),
      }),
      { allowWorkteamDeletion: true },
    );

  it("is laid out again at once when the window is resized", async () => {
    let ui!: ReturnType<typeof render>;
    await act(async () => {
      ui = render(<Review plan={big()} confirm={true} color={false} onDone={vi.fn()} />);
    });
    // ink-testing-library's terminal is 100 columns wide and says no height: 24 rows, then 12.
    const stdout = ui.stdout as unknown as { rows?: number; emit(event: string): void };
    const height = () => ui.lastFrame()!.split("\n").length;
    expect(height()).toBeLessThanOrEqual(23);
    expect(ui.lastFrame()).toContain(
      "Security-relevant changes (deleted workteams are backed up first)",
    );
    await act(async () => {
      stdout.rows = 12;
      stdout.emit("resize");
    });
    expect(height()).toBeLessThanOrEqual(11);
    expect(ui.lastFrame()).toContain("Security-relevant: 25 destructive, 2 lockout-risk.");
    expect(ui.lastFrame()!.split("\n")[0]).toBe('wfplan · workforce "labelers" · us-east-1');
    expect(ui.lastFrame()).toContain("Type yes and press Enter to apply");
  });

  it.each([40, 24, 16, 12, 9])(
    "at 100 columns and %i rows the frame is shorter than the window, header to prompt",
    async (rows) => {
      let ui!: ReturnType<typeof render>;
      await act(async () => {
        ui = render(<Review plan={big()} confirm={true} color={false} onDone={vi.fn()} />);
      });
      const stdout = ui.stdout as unknown as { rows?: number; emit(event: string): void };
      await act(async () => {
        stdout.rows = rows;
        stdout.emit("resize");
      });
      const lines = ui.lastFrame()!.split("\n");
      expect(lines.length).toBeLessThanOrEqual(rows - 1);
      expect(lines[0]).toBe('wfplan · workforce "labelers" · us-east-1');
      expect(lines.at(-1)).toMatch(/^Type yes and press Enter to apply/);
    },
  );
});

describe("cutting to a width terminals agree on", () => {
  const family = "👨\u200d👩\u200d👧";
  it.each([
    ["plain text that fits", "abcdef", 6, "abcdef"],
    ["plain text that does not", "abcdefgh", 6, "abcde…"],
    // 2 columns to string-width, 3 in some terminals: room is kept for the wider count.
    ["an emoji sequence that fits either way", `ab${family}`, 5, `ab${family}`],
    ["one that fits only as string-width counts it", `ab${family}`, 4, "ab…"],
    ["several", `${family}${family}${family}x`, 8, `${family}${family}…`],
  ])("%s", (_, text, columns, cut) => {
    expect(cutToFit(text, columns)).toBe(cut);
  });

  it("wraps so that no line is wider than the window in such a terminal", () => {
    const lines = wrapToFit(`${family} `.repeat(8), 12);
    expect(lines.length).toBeGreaterThan(2);
    for (const line of lines) {
      const count = [...new Intl.Segmenter().segment(line)].filter(
        (g) => g.segment.length > 2,
      ).length;
      expect(stringWidth(line) + count).toBeLessThanOrEqual(12);
    }
  });
});

describe("rows", () => {
  it("keeps the selection in the window", () => {
    const rows = buildRows(
      {
        ...plan(),
        resources: Array.from({ length: 10 }, (_, i) => ({
          type: "workteam" as const,
          name: `t${i}`,
          action: "create" as const,
          changes: [],
        })),
      },
      new Set(),
    );
    expect(windowOf(rows, 0, 4).rows.map((r) => r.key)).toEqual([
      "workteam:t0",
      "workteam:t1",
      "workteam:t2",
      "workteam:t3",
    ]);
    expect(rows.at(-1)!.key).toBe("steps");
    expect(windowOf(rows, 10, 4).start).toBe(7);
    expect(windowOf(rows, 5, 4).rows.map((r) => r.key)).toContain("workteam:t5");
  });
});

describe("apply progress", () => {
  const state = (statuses: StepState["status"][]): StepState[] =>
    plan().steps.map((step, i) => ({ step, status: statuses[i] ?? "pending", ms: 100 }));

  it("shows a spinner on the running step and the workforce status while waiting", () => {
    const { lastFrame } = render(
      <Progress
        steps={state(["done", "done", "done", "running"])}
        waiting={{ status: "Updating", elapsedMs: 4000 }}
        startedAt={Date.now()}
        color={false}
      />,
    );
    const frame = lastFrame()!;
    expect(frame).toContain("✓ 1/6 back up workteam annotators");
    expect(frame).toMatch(
      /[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] 4\/6 wait until the workforce is Active\n {2}workforce Updating \(4s\)/,
    );
    // The steps to come are counted, not listed: the live region stays small with many steps.
    expect(frame).toContain("· 2 more steps to come");
    expect(frame).not.toContain("5/6");
    expect(frame).toContain("Ctrl-C stops after the current step");
  });

  it("shows a notice (the interrupt) inside the live region", () => {
    const { lastFrame } = render(
      <Progress
        steps={state(["done", "running"])}
        startedAt={Date.now()}
        color={false}
        notice="Interrupt received: finishing the current step"
      />,
    );
    expect(lastFrame()).toContain("Interrupt received: finishing the current step");
  });

  it("marks a failed step with a cross and its error, and ends with the outcome", () => {
    const failed = state(["done", "done", "done", "failed"]);
    failed[3]!.error = "the workforce update failed: bad issuer";
    const { lastFrame } = render(
      <Progress
        steps={failed}
        startedAt={Date.now()}
        color={false}
        outcome={{ ok: false, message: "Apply failed." }}
      />,
    );
    expect(lastFrame()).toContain("✗ 4/6 wait until the workforce is Active");
    expect(lastFrame()).toContain("the workforce update failed: bad issuer");
    expect(lastFrame()).toContain("Apply failed.");
  });

  it("shows the verify result", () => {
    const all = state(["done", "done", "done", "done", "done", "done"]);
    all[5]!.note = "all as expected";
    const { lastFrame } = render(
      <Progress
        steps={all}
        startedAt={Date.now()}
        color={false}
        outcome={{ ok: true, message: "All steps done." }}
      />,
    );
    expect(lastFrame()).toContain("verify: read everything again and compare it");
    expect(lastFrame()).toContain("all as expected");
  });
});
