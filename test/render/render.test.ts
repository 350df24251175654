import pc from "picocolors";
import { describe, expect, it } from "vitest";
import { plan } from "../../src/core/plan.ts";
import type { LiveState, Plan, Step, WorkforceLive, WorkteamLive } from "../../src/core/types.ts";
import { formatValue, stepLine, summaryLine } from "../../src/render/describe.ts";
import { planDocument, renderPlanJson } from "../../src/render/json.ts";
import { MARKDOWN_LIMIT, renderPlanMarkdown } from "../../src/render/markdown.ts";
import { renderPlanText } from "../../src/render/text.ts";
import {
  liveState,
  liveTeam,
  liveWorkforce,
  oidcConfig,
  validSpec,
  workteam,
} from "../builders.ts";

const plain = pc.createColors(false);

const spec = validSpec;
const { clientSecret, ...oidc } = oidcConfig({ issuer: "https://old.example.com" });
/** The teams of these plans: all annotators, their tags read. */
const team = (name: string, o: Partial<WorkteamLive> = {}): WorkteamLive =>
  liveTeam(name, {
    memberDefinitions: [{ oidcMemberDefinition: { groups: ["annotators"] } }],
    tags: {},
    ...o,
  });
const live = (teams: WorkteamLive[]): LiveState =>
  liveState({
    workforce: liveWorkforce({
      oidcConfig: oidc as unknown as WorkforceLive["oidcConfig"],
      sourceIpConfig: { cidrs: ["10.0.0.0/16"] },
    }),
    workteams: teams,
  });
const options = {
  allowWorkteamDeletion: true,
  restoreWorkteams: true,
  pruneWorkteams: true,
  rotateClientSecret: false,
};

/**
 * Real plans, made by the planner. The rich one: an OIDC change with new IP ranges and workteams
 * to recreate (one keeping its topic from the backup), create and prune.
 */
const richSpec = spec({
  workforce: {
    oidcConfig: oidcConfig({ issuer: "https://new.example.com" }),
    sourceIpConfig: { cidrs: ["10.0.0.0/16", "2001:db8::/32"] },
  },
  workteams: [
    workteam({ description: "Annotators of images" }),
    workteam({ name: "new", description: "A new team" }),
  ],
  policy: { pruneWorkteams: true },
});
const richLive = live([
  team("annotators", {
    notificationConfiguration: { notificationTopicArn: "arn:aws:sns:us-east-1:123456789012:t" },
    tags: { team: "ml" },
  }),
  team("old"),
]);
const rich = plan(richSpec, richLive, options);
// Where the session found the warning's field in the spec file.
rich.warnings[0]!.location = "w.yaml:9:7";
/** Workteams only: one updated (description and tags), while the workforce stays. */
const teams = plan(
  spec({
    workforce: { oidcConfig: oidcConfig({ issuer: "https://old.example.com" }) },
    workteams: [workteam({ description: "New", tags: { team: "ml" } })],
  }),
  live([team("annotators", { description: "Old", tags: { team: "old", env: "dev" } })]),
  options,
);
const empty = plan(
  spec({ workforce: { oidcConfig: oidcConfig({ issuer: "https://old.example.com" }) } }),
  live([]),
  options,
);
/** The rich plan without permission to delete: blocked, its changes still shown, no steps. */
const blocked = plan(richSpec, richLive, { ...options, allowWorkteamDeletion: false });

const meta = { fingerprint: "sha256:abc", workforceExists: true, workforceStatus: "Active" };

describe("text", () => {
  it("renders a rich plan", () => expect(renderPlanText(rich, plain)).toMatchSnapshot());
  it("renders no changes", () => expect(renderPlanText(empty, plain)).toMatchSnapshot());
  it("puts blockers first", () => {
    const text = renderPlanText(blocked, plain);
    expect(text.indexOf("Blocked")).toBeLessThan(text.indexOf("Warnings"));
    expect(text.indexOf("Warnings")).toBeLessThan(text.indexOf("wfplan will"));
    expect(text).toMatchSnapshot();
  });
  it("carries meaning in symbols and words, not colour", () => {
    const text = renderPlanText(rich, plain) + renderPlanText(teams, plain);
    for (const s of [
      '~ update workforce "labelers"',
      '-/+ recreate workteam "annotators"',
      "description, memberDefinitions from the spec",
      "notificationConfiguration, tags from the backup",
      '+ create workteam "new"',
      '- delete workteam "old"',
      '~ update workteam "annotators"',
      '~ tags.team: "old" → "ml"',
      '- tags.env: "dev" → (none)',
    ]) {
      expect(text).toContain(s);
    }
    expect(text).not.toContain("\u001b[");
  });
  it("renders a plan of workteam changes", () => {
    expect(renderPlanText(teams, plain)).toMatchSnapshot();
  });
});

describe("markdown", () => {
  it("renders a rich plan: summary first, the diff in <details>", () => {
    const md = renderPlanMarkdown(rich);
    expect(
      md.startsWith("### wfplan: Plan: 1 to add, 1 to change, 1 to delete, 1 to recreate."),
    ).toBe(true);
    expect(md).toContain("<details><summary>Show the plan</summary>\n\n```diff");
    expect(md).toMatchSnapshot();
  });
  it("stays under 60,000 characters however large the plan", () => {
    const huge: Plan = {
      ...rich,
      resources: Array.from({ length: 25 }, (_, i) => ({
        type: "workteam" as const,
        name: `t${i}`,
        action: "create" as const,
        changes: Array.from({ length: 200 }, (_, j) => ({
          path: `workteams.t${i}.f${j}`,
          action: "create" as const,
          after: "x".repeat(100),
          sensitive: false,
        })),
      })),
    };
    const md = renderPlanMarkdown(huge);
    expect(md.length).toBeLessThan(MARKDOWN_LIMIT);
    expect(md).toMatch(/more lines cut to stay under 60000 characters/);
    expect(md.trimEnd().endsWith("</details>")).toBe(true);
  });
  it("says when there is nothing to do", () => {
    expect(renderPlanMarkdown(empty)).toMatch(/^### wfplan: ✅ No changes\./);
  });
});

describe("json (the public contract)", () => {
  it("is one versioned document", () => {
    const doc = JSON.parse(renderPlanJson(rich, meta));
    expect(Object.keys(doc)).toEqual([
      "formatVersion",
      "target",
      "live",
      "changes",
      "resources",
      "steps",
      "blockers",
      "warnings",
      "unmanaged",
      "summary",
    ]);
    expect(doc.formatVersion).toBe(1);
    expect(doc.target).toEqual({ region: "us-east-1", workforceName: "labelers" });
    expect(doc.summary).toEqual({
      add: 1,
      change: 1,
      delete: 1,
      recreate: 1,
      hasChanges: true,
      blocked: false,
      text: "Plan: 1 to add, 1 to change, 1 to delete, 1 to recreate.",
    });
    // The IP ranges go first, then the backup and the deletes the OIDC update needs.
    expect(doc.steps[0]).toMatchObject({
      index: 1,
      kind: "update-workforce",
      fields: ["sourceIpConfig"],
      sendsSecret: false,
    });
    expect(doc.steps[2]).toMatchObject({
      index: 3,
      kind: "backup",
      workteams: ["annotators", "old"],
    });
    expect(doc.changes[0]).toEqual({
      resource: { type: "workforce", name: "labelers", action: "update" },
      path: "workforce.oidcConfig.issuer",
      action: "update",
      before: "https://old.example.com",
      after: "https://new.example.com",
      sensitive: false,
    });
    expect(planDocument(rich, meta)).toMatchSnapshot();
  });
  it("shows secrets only as (sensitive)", () => {
    const doc = planDocument(rich, meta);
    const secret = doc.changes.find((c) => c.sensitive)!;
    expect(secret.before).toBe("(sensitive)");
    expect(secret.after).toBe("(sensitive)");
  });
});

describe("text, in colour and in every state", () => {
  /** Colours that show as tags, so a test can see which part got which. */
  const tagged = new Proxy({} as typeof plain, {
    get: (_, name) => (s: string) => `<${String(name)}>${s}</${String(name)}>`,
  });

  it("paints each action in its own colour", () => {
    const text = renderPlanText(rich, tagged);
    expect(text).toContain('<yellow>~</yellow> <bold>update workforce "labelers"</bold>');
    expect(text).toContain('<magenta>-/+</magenta> <bold>recreate workteam "annotators"</bold>');
    expect(text).toContain('<green>+</green> <bold>create workteam "new"</bold>');
    expect(text).toContain('<red>-</red> <bold>delete workteam "old"</bold>');
  });

  it.each(["Updating", "Initializing"])("says a workforce %s is waited for first", (status) => {
    const waiting = live([]);
    waiting.workforce!.status = status;
    const p = plan(
      spec({ workforce: { oidcConfig: oidcConfig({ issuer: "https://old.example.com" }) } }),
      waiting,
      options,
    );
    const text = renderPlanText(p, tagged);
    expect(text).toContain(
      `<yellow>The workforce is ${status}: apply waits until it is Active before anything else.</yellow>`,
    );
    expect(text).toContain("No changes to make; apply only waits and verifies.");
    expect(renderPlanMarkdown(p)).toContain(`⏳ The workforce is ${status}`);
  });

  it("says nothing of the status of an Active workforce", () => {
    const text = renderPlanText(empty, plain);
    expect(text).not.toContain("The workforce is");
    expect(text).toContain("No changes. The live workforce matches the spec.");
    expect(renderPlanMarkdown(empty)).not.toContain("⏳");
  });

  it("counts blockers in words, one or more, each with its hint", () => {
    const text = renderPlanText(blocked, plain);
    const n = blocked.blockers.length;
    expect(text).toContain(
      `Blocked: this plan cannot be applied (${n} blocker${n > 1 ? "s" : ""}).`,
    );
    const one = { ...blocked, blockers: [{ ...blocked.blockers[0]!, hint: undefined }] };
    const oneText = renderPlanText(one, plain);
    expect(oneText).toContain("Blocked: this plan cannot be applied (1 blocker).");
    const lines = oneText.split("\n");
    expect(lines[lines.findIndex((l) => l.startsWith("  ✗")) + 1]).not.toMatch(/^\s+hint:/);
    const withHint = renderPlanText(blocked, plain).split("\n");
    expect(withHint[withHint.findIndex((l) => l.startsWith("  ✗")) + 1]).toMatch(/^ {4}hint: /);
  });
});

describe("the apply document", () => {
  it("holds the events and what remains when the apply ran", async () => {
    const { applyDocument } = await import("../../src/render/json.ts");
    const events = [{ type: "retry", message: "busy" }];
    expect(
      applyDocument({
        outcome: "applied",
        plan: rich,
        events,
        backupFile: "b.json",
        remaining: [],
      }),
    ).toEqual({
      formatVersion: 1,
      outcome: "applied",
      summary: rich.summary,
      events,
      backupFile: "b.json",
      remaining: [],
    });
    expect(applyDocument({ outcome: "failed", plan: rich, events, remaining: null })).toMatchObject(
      { outcome: "failed", remaining: null },
    );
  });

  it.each(["blocked", "no-changes"] as const)(
    "holds the blockers and no events when %s",
    async (outcome) => {
      const { applyDocument, renderApplyJson } = await import("../../src/render/json.ts");
      const doc = { outcome, plan: blocked, events: [{}], remaining: null };
      expect(applyDocument(doc)).toEqual({
        formatVersion: 1,
        outcome,
        summary: blocked.summary,
        blockers: blocked.blockers,
        events: [],
        remaining: [],
      });
      expect(renderApplyJson(doc)).toBe(`${JSON.stringify(applyDocument(doc), null, 2)}\n`);
    },
  );

  it("says a plan is blocked, or not", () => {
    expect(planDocument(blocked, meta).summary.blocked).toBe(true);
    expect(planDocument(rich, meta).summary.blocked).toBe(false);
  });
});

describe("the words for each step and value", () => {
  it.each<[Step, string]>([
    [
      { kind: "backup", workteams: ["a"] },
      "back up workteam a (every field, and tags) to a backup file",
    ],
    [
      { kind: "backup", workteams: ["a", "b"] },
      "back up workteams a, b (every field, and tags) to a backup file",
    ],
    [
      { kind: "delete-workteam", name: "a", reason: "oidc" },
      "delete workteam a (it blocks the OIDC update)",
    ],
    [
      { kind: "delete-workteam", name: "a", reason: "prune" },
      "delete workteam a (not in the spec; pruned)",
    ],
    [
      { kind: "create-workforce", sendsSecret: true },
      "create the workforce (CreateWorkforce, sends the client secret)",
    ],
    [{ kind: "create-workforce", sendsSecret: false }, "create the workforce (CreateWorkforce)"],
    [
      { kind: "update-workforce", fields: ["sourceIpConfig", "ipAddressType"], sendsSecret: false },
      "update the workforce: sourceIpConfig, ipAddressType (UpdateWorkforce)",
    ],
    [
      { kind: "update-workforce", fields: ["oidcConfig"], sendsSecret: true },
      "update the workforce: oidcConfig (UpdateWorkforce, sends the client secret)",
    ],
    [{ kind: "wait-active" }, "wait until the workforce is Active"],
    [{ kind: "create-workteam", name: "a", source: "spec" }, "create workteam a (CreateWorkteam)"],
    [
      { kind: "create-workteam", name: "a", source: "backup" },
      "restore workteam a from the backup (CreateWorkteam)",
    ],
    [
      { kind: "create-workteam", name: "a", source: "spec+backup" },
      "recreate workteam a from the spec and the backup (CreateWorkteam)",
    ],
    [
      { kind: "update-workteam", name: "a", fields: ["description", "memberDefinitions"] },
      "update workteam a: description, memberDefinitions (UpdateWorkteam)",
    ],
    [
      { kind: "tag-workteam", name: "a", add: { x: "1", y: "2" }, remove: ["p", "q"] },
      "tag workteam a: remove p, q (DeleteTags); set x, y (AddTags)",
    ],
    [
      { kind: "tag-workteam", name: "a", add: { x: "1" }, remove: [] },
      "tag workteam a: set x (AddTags)",
    ],
    [{ kind: "verify" }, "verify: read everything again and compare it, field by field"],
  ])("%j", (step, line) => {
    expect(stepLine(step)).toBe(line);
  });

  it.each<[unknown, string]>([
    [undefined, "(none)"],
    [null, "null"],
    ["a", '"a"'],
    [3, "3"],
    [true, "true"],
    [["a", 1], '["a", 1]'],
    [{ a: 1, b: ["x"] }, '{a: 1, b: ["x"]}'],
  ])("the value %j reads %s", (value, text) => {
    expect(formatValue(value)).toBe(text);
  });
});

describe("markdown, blocked and waiting", () => {
  it("lists the blockers with their fixes, the summary, and no steps", () => {
    const md = renderPlanMarkdown(blocked);
    expect(md.startsWith("### wfplan: ⛔ blocked")).toBe(true);
    expect(md).toContain("**Blockers** (this plan cannot be applied):\n\n- ⛔ ");
    const withHint = blocked.blockers.find((b) => b.hint)!;
    expect(md).toContain(`_Fix: ${withHint.hint}._`);
    expect(md).toContain(`\n${summaryLine(blocked)}\n`);
    expect(md).not.toContain("# steps, in order");
    expect(md).toContain(`**Warnings:**\n\n- ⚠️ ${blocked.warnings[0]!.message}`);
  });

  it("says nothing of blockers or warnings a plan does not have", () => {
    const md = renderPlanMarkdown(teams);
    expect(md).not.toContain("**Blockers**");
    expect(md).not.toContain("**Warnings:**");
    expect(md).toContain("# steps, in order");
  });
});
