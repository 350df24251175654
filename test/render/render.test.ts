import pc from "picocolors";
import { describe, expect, it } from "vitest";
import { plan } from "../../src/core/plan.ts";
import type { LiveState, Plan, Step, WorkforceLive, WorkteamLive } from "../../src/core/types.ts";
import {
  appliedLine,
  formatValue,
  preflightLine,
  stepLine,
  summaryLine,
} from "../../src/render/describe.ts";
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
const richSpec = () =>
  spec({
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
const richLive = () =>
  live([
    team("annotators", {
      notificationConfiguration: { notificationTopicArn: "arn:aws:sns:us-east-1:123456789012:t" },
      tags: { team: "ml" },
    }),
    team("old"),
  ]);
/** Where the session found the fields in the spec file. */
const locate = (path: string) =>
  path === "workforce.sourceIpConfig.cidrs" ? "w.yaml:9:7" : undefined;
const rich = () => plan(richSpec(), richLive(), options, { locate });
/** Workteams only: one updated (description and tags), while the workforce stays. */
const teams = () =>
  plan(
    spec({
      workforce: { oidcConfig: oidcConfig({ issuer: "https://old.example.com" }) },
      workteams: [workteam({ description: "New", tags: { team: "ml" } })],
    }),
    live([team("annotators", { description: "Old", tags: { team: "old", env: "dev" } })]),
    options,
  );
const empty = () =>
  plan(
    spec({ workforce: { oidcConfig: oidcConfig({ issuer: "https://old.example.com" }) } }),
    live([]),
    options,
  );
/** The rich plan without permission to delete: blocked, its changes still shown, no steps. */
const blocked = () => plan(richSpec(), richLive(), { ...options, allowWorkteamDeletion: false });

const meta = { fingerprint: "sha256:abc", workforceExists: true, workforceStatus: "Active" };

describe("text", () => {
  it("renders a rich plan", () => expect(renderPlanText(rich(), plain)).toMatchSnapshot());
  it("renders no changes", () => expect(renderPlanText(empty(), plain)).toMatchSnapshot());
  it("puts blockers first", () => {
    const text = renderPlanText(blocked(), plain);
    expect(text.indexOf("Blocked")).toBeLessThan(text.indexOf("Warnings"));
    expect(text.indexOf("Warnings")).toBeLessThan(text.indexOf("wfplan will"));
    expect(text).toMatchSnapshot();
  });
  it("carries meaning in symbols and words, not colour", () => {
    const text = renderPlanText(rich(), plain) + renderPlanText(teams(), plain);
    for (const s of [
      '~ update workforce "labelers"',
      '-/+ recreate workteam "annotators"',
      "description, memberDefinitions from the spec",
      "notificationConfiguration, tags from the backup",
      '+ create workteam "new"',
      '- [destructive] delete workteam "old"',
      "~ [lockout-risk] oidcConfig.issuer",
      "~ [broadening] sourceIpConfig.cidrs",
      "Security-relevant: 2 destructive, 2 lockout-risk, 2 broadening.",
      '~ update workteam "annotators"',
      '~ tags.team: "old" → "ml"',
      '- tags.env: "dev" → (none)',
    ]) {
      expect(text).toContain(s);
    }
    expect(text).not.toContain("\u001b[");
  });
  it("renders a plan of workteam changes", () => {
    expect(renderPlanText(teams(), plain)).toMatchSnapshot();
  });
});

describe("markdown", () => {
  it("renders a rich plan: summary first, the diff in <details>", () => {
    const md = renderPlanMarkdown(rich());
    expect(
      md.startsWith("### wfplan: Plan: 1 to add, 1 to change, 1 to delete, 1 to recreate."),
    ).toBe(true);
    expect(md).toContain("<details><summary>Show the plan</summary>\n\n```diff");
    expect(md).toMatchSnapshot();
  });
  it("stays under 60,000 characters however large the plan", () => {
    // 25 new workteams with 50 long tags each: some 270,000 characters of diff.
    const tags = Object.fromEntries(
      Array.from({ length: 50 }, (_, j) => [`key${j}`, "x".repeat(200)]),
    );
    const huge = plan(
      spec({
        workforce: { oidcConfig: oidcConfig({ issuer: "https://old.example.com" }) },
        workteams: Array.from({ length: 25 }, (_, i) => workteam({ name: `t${i}`, tags })),
      }),
      live([]),
      options,
    );
    const md = renderPlanMarkdown(huge);
    expect(md.length).toBeLessThan(MARKDOWN_LIMIT);
    expect(md).toMatch(/more lines cut to stay under 60000 characters/);
    expect(md.trimEnd().endsWith("</details>")).toBe(true);
  });
  it("says when there is nothing to do", () => {
    expect(renderPlanMarkdown(empty())).toMatch(/^### wfplan: ✅ No changes\./);
  });
});

describe("json (the public contract)", () => {
  it("is one versioned document", () => {
    const doc = JSON.parse(renderPlanJson(rich(), meta));
    expect(Object.keys(doc)).toEqual([
      "formatVersion",
      "target",
      "live",
      "changes",
      "resources",
      "steps",
      "blockers",
      "warnings",
      "preflight",
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
      impact: { destructive: 2, "lockout-risk": 2, broadening: 2, narrowing: 0, neutral: 1 },
      hasChanges: true,
      blocked: false,
      text: "Plan: 1 to add, 1 to change, 1 to delete, 1 to recreate.",
    });
    expect(doc.preflight).toEqual([]);
    expect(doc.resources.map((r: { impact: string }) => r.impact)).toEqual([
      "lockout-risk",
      "destructive",
      "destructive",
      "broadening",
    ]);
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
      impact: "lockout-risk",
    });
    expect(planDocument(rich(), meta)).toMatchSnapshot();
  });
  it("shows secrets only as (sensitive)", () => {
    const doc = planDocument(rich(), meta);
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
    const text = renderPlanText(rich(), tagged);
    expect(text).toContain('<yellow>~</yellow> <bold>update workforce "labelers"</bold>');
    expect(text).toContain('<magenta>-/+</magenta> <bold>recreate workteam "annotators"</bold>');
    expect(text).toContain('<green>+</green> <bold>create workteam "new"</bold>');
    expect(text).toContain(
      '<red>-</red> <red>[destructive]</red> <bold>delete workteam "old"</bold>',
    );
    expect(text).toContain(
      "<yellow>~</yellow> <magenta>[lockout-risk]</magenta> oidcConfig.issuer",
    );
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
    const text = renderPlanText(empty(), plain);
    expect(text).not.toContain("The workforce is");
    expect(text).toContain("No changes. The live workforce matches the spec.");
    expect(renderPlanMarkdown(empty())).not.toContain("⏳");
  });

  it("counts blockers in words, one or more, each with its hint", () => {
    const text = renderPlanText(blocked(), plain);
    expect(blocked().blockers).toHaveLength(1);
    expect(text).toContain("Blocked: this plan cannot be applied (1 blocker).");
    // Without the secret it would send, the same plan has two.
    const two = plan(
      richSpec(),
      richLive(),
      { ...options, allowWorkteamDeletion: false },
      { secretProblem: { message: "WFPLAN_OIDC_CLIENT_SECRET is not set" } },
    );
    expect(renderPlanText(two, plain)).toContain(
      "Blocked: this plan cannot be applied (2 blockers).",
    );
    // The one blocker of a plan that sends a secret it cannot read has no hint.
    const one = plan(
      spec({ workforce: { oidcConfig: oidcConfig({ issuer: "https://new.example.com" }) } }),
      live([]),
      options,
      { secretProblem: { message: "WFPLAN_OIDC_CLIENT_SECRET is not set" } },
    );
    expect(renderPlanMarkdown(one).split("\n").slice(4, 8)).toEqual([
      "**Blockers** (this plan cannot be applied):",
      "",
      "- ⛔ WFPLAN_OIDC_CLIENT_SECRET is not set",
      "",
    ]);
    const oneText = renderPlanText(one, plain);
    expect(oneText).toContain("Blocked: this plan cannot be applied (1 blocker).");
    const lines = oneText.split("\n");
    expect(lines[lines.findIndex((l) => l.startsWith("  ✗")) + 1]).toBe("");
    const withHint = renderPlanText(blocked(), plain).split("\n");
    expect(withHint[withHint.findIndex((l) => l.startsWith("  ✗")) + 1]).toMatch(/^ {4}hint: /);
  });
});

describe("json, for a new workforce and for no change", () => {
  it("shows a created secret as (sensitive), with no value before it", () => {
    const created = plan(
      spec({ workforce: { oidcConfig: oldOidc() } }),
      liveState({ workforce: null }),
      options,
    );
    const secret = planDocument(created, {
      fingerprint: "sha256:abc",
      workforceExists: false,
    }).changes.find((c) => c.sensitive)!;
    expect(JSON.parse(JSON.stringify(secret))).toEqual({
      resource: { type: "workforce", name: "labelers", action: "create" },
      path: "workforce.oidcConfig.clientSecret",
      action: "create",
      after: "(sensitive)",
      sensitive: true,
      impact: "broadening",
    });
  });

  it("says there is no change in words", () => {
    expect(planDocument(managed(), meta).summary).toEqual({
      add: 0,
      change: 0,
      delete: 0,
      recreate: 0,
      impact: { destructive: 0, "lockout-risk": 0, broadening: 0, narrowing: 0, neutral: 0 },
      hasChanges: false,
      blocked: false,
      text: "No changes.",
    });
  });
});

describe("the apply document", () => {
  it("holds the events and what remains when the apply ran", async () => {
    const { applyDocument } = await import("../../src/render/json.ts");
    const events = [{ type: "retry", message: "busy" }];
    expect(
      applyDocument({
        outcome: "applied",
        plan: rich(),
        events,
        backupFile: "b.json",
        remaining: [],
      }),
    ).toEqual({
      formatVersion: 1,
      outcome: "applied",
      summary: rich().summary,
      events,
      backupFile: "b.json",
      remaining: [],
    });
    expect(
      applyDocument({ outcome: "failed", plan: rich(), events, remaining: null }),
    ).toMatchObject({ outcome: "failed", remaining: null });
  });

  it.each(["blocked", "no-changes"] as const)(
    "holds the blockers and no events when %s",
    async (outcome) => {
      const { applyDocument, renderApplyJson } = await import("../../src/render/json.ts");
      const doc = { outcome, plan: blocked(), events: [{}], remaining: null };
      expect(applyDocument(doc)).toEqual({
        formatVersion: 1,
        outcome,
        summary: blocked().summary,
        blockers: blocked().blockers,
        events: [],
        remaining: [],
      });
      expect(renderApplyJson(doc)).toBe(`${JSON.stringify(applyDocument(doc), null, 2)}\n`);
    },
  );

  it("says a plan is blocked, or not", () => {
    expect(planDocument(blocked(), meta).summary.blocked).toBe(true);
    expect(planDocument(rich(), meta).summary.blocked).toBe(false);
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
    const md = renderPlanMarkdown(blocked());
    expect(md.startsWith("### wfplan: ⛔ blocked")).toBe(true);
    expect(md).toContain("**Blockers** (this plan cannot be applied):\n\n- ⛔ ");
    const withHint = blocked().blockers.find((b) => b.hint)!;
    expect(md).toContain(`_Fix: ${withHint.hint}._`);
    expect(md).toContain(`\n\n${summaryLine(blocked())}\n\n`);
    expect(md).not.toContain("# steps, in order");
    expect(md).toContain(`**Warnings:**\n\n- ⚠️ ${blocked().warnings[0]!.message}`);
  });

  it("says nothing of blockers or warnings a plan does not have", () => {
    const md = renderPlanMarkdown(teams());
    expect(md).not.toContain("**Blockers**");
    expect(md).not.toContain("**Warnings:**");
    expect(md).toContain("# steps, in order");
  });
});

/** The live state of `live`, its workforce in another status. */
const liveIn = (status: string, failureReason?: string): LiveState => {
  const state = live([team("annotators")]);
  state.workforce = { ...state.workforce!, status, ...(failureReason ? { failureReason } : {}) };
  return state;
};
const oldOidc = () => oidcConfig({ issuer: "https://old.example.com" });
/** A spec that manages every workforce field and declares its workteams: nothing unmanaged. */
const managed = () =>
  plan(
    spec({
      workforce: {
        oidcConfig: oldOidc(),
        sourceIpConfig: { cidrs: ["10.0.0.0/16"] },
        workforceVpcConfig: null,
        ipAddressType: "ipv4",
      },
      workteams: [],
    }),
    live([]),
    options,
  );
/** No changes, but the workforce is still Updating: apply waits. */
const waiting = () =>
  plan(spec({ workforce: { oidcConfig: oldOidc() } }), liveIn("Updating"), options);
/** A new IP range, and a spec warning with no hint (as the secret file's is). */
const warned = () =>
  plan(
    spec({
      workforce: { oidcConfig: oldOidc(), sourceIpConfig: { cidrs: ["10.0.0.0/24"] } },
      workteams: [workteam()],
    }),
    live([team("annotators")]),
    options,
    {
      specWarnings: [
        {
          message: "secret file /s/secret is readable by group or others",
          location: "w.yaml:4:19",
        },
      ],
    },
  );
/** A Failed workforce the spec gives nothing to send again: blocked, with no change. */
const failed = () =>
  plan(
    spec({ workforce: { oidcConfig: oldOidc() }, workteams: [workteam()] }),
    liveIn("Failed", "boom"),
    options,
  );

describe("whole outputs", () => {
  it.each([
    {
      name: "a fully managed workforce that matches",
      plan: managed,
      text: [
        'wfplan plan for workforce "labelers" in us-east-1',
        "",
        "No changes. The live workforce matches the spec.",
        "",
      ],
      markdown: ["### wfplan: ✅ No changes.", "", "Workforce `labelers` in `us-east-1`.", ""],
    },
    {
      name: "a workforce still updating",
      plan: waiting,
      text: [
        'wfplan plan for workforce "labelers" in us-east-1',
        "",
        "The workforce is Updating: apply waits until it is Active before anything else.",
        "",
        "No changes to make; apply only waits and verifies.",
        "",
        "Not managed by this spec, left as they are: workforce.sourceIpConfig; workforce.workforceVpcConfig; workforce.ipAddressType; workteams.",
        "",
      ],
      markdown: [
        "### wfplan: ✅ No changes.",
        "",
        "Workforce `labelers` in `us-east-1`.",
        "",
        "⏳ The workforce is Updating: apply waits until it is Active before anything else.",
        "",
        "_Not managed by this spec, left as they are: workforce.sourceIpConfig; workforce.workforceVpcConfig; workforce.ipAddressType; workteams._",
        "",
      ],
    },
    {
      name: "a warning without a hint",
      plan: warned,
      text: [
        'wfplan plan for workforce "labelers" in us-east-1',
        "",
        "Warnings:",
        "  ! w.yaml:4:19: secret file /s/secret is readable by group or others",
        "",
        "wfplan will:",
        "",
        '  ~ update workforce "labelers"',
        '      ~ [narrowing] sourceIpConfig.cidrs: ["10.0.0.0/16"] → ["10.0.0.0/24"]',
        "",
        "Steps, in order:",
        "   1. update the workforce: sourceIpConfig (UpdateWorkforce)",
        "   2. wait until the workforce is Active",
        "   3. verify: read everything again and compare it, field by field",
        "",
        "Plan: 0 to add, 1 to change, 0 to delete.",
        "Security-relevant: 1 narrowing.",
        "",
        "Not managed by this spec, left as they are: workforce.workforceVpcConfig; workforce.ipAddressType.",
        "",
      ],
      markdown: [
        "### wfplan: Plan: 0 to add, 1 to change, 0 to delete.",
        "",
        "Workforce `labelers` in `us-east-1`.",
        "",
        "**Warnings:**",
        "",
        "- ⚠️ w.yaml:4:19: secret file /s/secret is readable by group or others",
        "",
        "**Security-relevant changes** (review these first):",
        "",
        "- **narrowing**",
        '  - `workforce.sourceIpConfig.cidrs: ["10.0.0.0/16"] → ["10.0.0.0/24"]`',
        "",
        "_Not managed by this spec, left as they are: workforce.workforceVpcConfig; workforce.ipAddressType._",
        "",
        "<details><summary>Show the plan</summary>",
        "",
        "```diff",
        '! update workforce "labelers"',
        '-     sourceIpConfig.cidrs: ["10.0.0.0/16"]',
        '+     sourceIpConfig.cidrs: ["10.0.0.0/24"]',
        "",
        "# steps, in order",
        "# 1. update the workforce: sourceIpConfig (UpdateWorkforce)",
        "# 2. wait until the workforce is Active",
        "# 3. verify: read everything again and compare it, field by field",
        "```",
        "</details>",
        "",
      ],
    },
    {
      name: "a blocked plan with no change",
      plan: failed,
      text: [
        'wfplan plan for workforce "labelers" in us-east-1',
        "",
        "Blocked: this plan cannot be applied (1 blocker).",
        "  ✗ The workforce's last update failed (boom), and the spec manages nothing an update could send again without deleting the workteams.",
        "    hint: declare the field the update was about (sourceIpConfig, workforceVpcConfig, ipAddressType), or send the OIDC config again with --rotate-client-secret (which deletes and recreates the workteams, so it needs --allow-workteam-deletion)",
        "",
        "Warnings:",
        "  ! The workforce's last update failed: boom.",
        "    hint: apply sends the spec's configuration again",
        "",
        "Nothing to apply until the blockers above are resolved.",
        "",
        "Not managed by this spec, left as they are: workforce.sourceIpConfig; workforce.workforceVpcConfig; workforce.ipAddressType.",
        "",
      ],
      markdown: [
        "### wfplan: ⛔ blocked",
        "",
        "Workforce `labelers` in `us-east-1`.",
        "",
        "**Blockers** (this plan cannot be applied):",
        "",
        "- ⛔ The workforce's last update failed (boom), and the spec manages nothing an update could send again without deleting the workteams. _Fix: declare the field the update was about (sourceIpConfig, workforceVpcConfig, ipAddressType), or send the OIDC config again with --rotate-client-secret (which deletes and recreates the workteams, so it needs --allow-workteam-deletion)._",
        "",
        "**Warnings:**",
        "",
        "- ⚠️ The workforce's last update failed: boom.",
        "",
        "_Not managed by this spec, left as they are: workforce.sourceIpConfig; workforce.workforceVpcConfig; workforce.ipAddressType._",
        "",
      ],
    },
  ])("$name, as text (without colours unless given them) and markdown", (c) => {
    const p = c.plan();
    expect(renderPlanText(p)).toBe(c.text.join("\n"));
    expect(renderPlanMarkdown(p)).toBe(c.markdown.join("\n"));
  });
});

describe("markdown, cut to its limit", () => {
  /** The lines of the diff block, between its fences. */
  const diffLines = (md: string) => {
    const lines = md.split("\n");
    return lines.slice(lines.indexOf("```diff") + 1, lines.lastIndexOf("```"));
  };

  it("shows the whole plan while it stays 198 characters under the limit, room for the cut note", () => {
    const p = rich();
    const whole = renderPlanMarkdown(p);
    expect(renderPlanMarkdown(p, whole.length + 198)).toBe(whole);
    const cut = renderPlanMarkdown(p, whole.length + 197);
    const all = diffLines(whole);
    expect(diffLines(cut)).toEqual([
      ...all.slice(0, -1),
      `# … 1 more lines cut to stay under ${whole.length + 197} characters; run wfplan plan to see them all`,
    ]);
  });

  it("keeps whole lines, says how many it cut, and stays under the limit", () => {
    const p = rich();
    const whole = renderPlanMarkdown(p);
    const all = diffLines(whole);
    for (let limit = whole.length + 198; limit > whole.length - 400; limit -= 7) {
      const md = renderPlanMarkdown(p, limit);
      expect(md.length).toBeLessThanOrEqual(limit);
      const kept = diffLines(md);
      if (md === whole) continue;
      const note = kept.pop()!;
      expect(kept).toEqual(all.slice(0, kept.length));
      expect(note).toBe(
        `# … ${all.length - kept.length} more lines cut to stay under ${limit} characters; run wfplan plan to see them all`,
      );
    }
  });

  it("shows a value with backticks exactly, in a fence longer than any run of them", () => {
    const p = plan(
      spec({
        workforce: { oidcConfig: oldOidc() },
        workteams: [workteam({ description: "Run ```wfplan plan``` or ````x```` first" })],
      }),
      live([team("annotators")]),
      options,
    );
    const lines = renderPlanMarkdown(p).split("\n");
    const open = lines.indexOf("`````diff");
    expect(open).toBeGreaterThan(0);
    expect(lines.slice(open + 1, lines.lastIndexOf("`````"))[2]).toBe(
      '+     description: "Run ```wfplan plan``` or ````x```` first"',
    );
    // A plan without backticks keeps the usual fence.
    expect(renderPlanMarkdown(rich())).toContain("\n```diff\n");
  });
});

describe("workteams restored from a backup", () => {
  /** Two workteams an unfinished apply deleted: one the spec declares, one it does not. */
  const restoring = () => {
    const state = live([]);
    state.restorable = [
      {
        name: "kept",
        description: "Kept",
        memberDefinitions: [{ oidcMemberDefinition: { groups: ["kept"] } }],
        tags: { team: "ml" },
      },
      {
        name: "annotators",
        description: "Image annotators",
        memberDefinitions: [{ oidcMemberDefinition: { groups: ["annotators"] } }],
        tags: {},
      },
    ];
    return plan(spec({ workforce: { oidcConfig: oldOidc() }, workteams: [workteam()] }), state, {
      ...options,
      pruneWorkteams: false,
    });
  };

  it("says where each one's fields come from", () => {
    const text = renderPlanText(restoring()).split("\n");
    const at = text.indexOf("wfplan will:");
    expect(text.slice(at, at + 10)).toEqual([
      "wfplan will:",
      "",
      '  + [broadening] create workteam "kept"',
      "      deleted by an earlier apply that did not finish; restored from its backup",
      "      description, memberDefinitions, tags from the backup",
      "",
      '  + [broadening] create workteam "annotators"',
      "      deleted by an earlier apply that did not finish; recreated with its backup",
      "      description, memberDefinitions from the spec",
      "",
    ]);
  });
});

describe("what an apply did", () => {
  it.each([
    { name: "the rich plan", plan: rich, line: "1 added, 1 changed, 1 deleted, 1 recreated." },
    { name: "a plan of workteam changes", plan: teams, line: "0 added, 1 changed, 0 deleted." },
  ])("$name: $line", ({ plan, line }) => {
    expect(appliedLine(plan())).toBe(line);
  });
});

describe("tags only removed", () => {
  it("names the removal alone", () => {
    const p = plan(
      spec({
        workforce: { oidcConfig: oldOidc() },
        workteams: [workteam({ tags: { team: "ml" } })],
      }),
      live([team("annotators", { tags: { team: "ml", env: "dev" } })]),
      options,
    );
    expect(p.steps.map(stepLine)).toEqual([
      "tag workteam annotators: remove env (DeleteTags)",
      "verify: read everything again and compare it, field by field",
    ]);
    expect(renderPlanText(p)).toContain("   1. tag workteam annotators: remove env (DeleteTags)\n");
  });
});

describe("the preflight line", () => {
  const result = (check: string, status: string) => ({ check, subject: "s", status, message: "m" });
  it.each([
    { results: [], line: undefined },
    {
      results: [{ check: "all", subject: "all checks", status: "skipped", message: "m" }],
      line: "Preflight: skipped (--no-preflight).",
    },
    {
      results: [
        result("oidc-discovery", "pass"),
        result("oidc-jwks", "pass"),
        result("vpc", "pass"),
      ],
      line: "Preflight: 3 checks passed (oidc-discovery, oidc-jwks, vpc).",
    },
    {
      results: [result("sns-topic", "pass"), result("sns-topic", "pass"), result("vpc", "warn")],
      line: "Preflight: 2 checks passed (sns-topic); 1 check in the blockers and warnings above.",
    },
    {
      results: [result("vpc", "fail"), result("vpc-dns", "warn")],
      line: "Preflight: no check passed; 2 checks in the blockers and warnings above.",
    },
  ])("$line", ({ results, line }) => {
    const p = { ...rich(), preflight: results } as Plan;
    expect(preflightLine(p)).toBe(line);
    if (line) {
      expect(renderPlanText(p)).toContain(`\n${line}\n`);
      expect(renderPlanMarkdown(p)).toContain(`\n_${line}_\n`);
    } else {
      expect(renderPlanText(p)).not.toContain("Preflight");
      expect(renderPlanMarkdown(p)).not.toContain("Preflight");
    }
  });
});

describe("security-relevant changes in markdown", () => {
  it("has no section when every change is neutral", () => {
    expect(renderPlanMarkdown(teams())).not.toContain("Security-relevant");
    expect(renderPlanText(teams())).not.toContain("Security-relevant");
    expect(renderPlanText(teams())).not.toMatch(
      /\[(destructive|lockout-risk|broadening|narrowing)\]/,
    );
  });

  it("lists at most 40 lines, each cut to 300 characters, and the cap on the whole still holds", () => {
    // 25 new workteams, each with 10 long groups: 25 broadening lines of some 700 characters.
    const groups = Array.from({ length: 10 }, (_, j) => `${"g".repeat(60)}${j}`);
    const many = plan(
      spec({
        workforce: {
          oidcConfig: oldOidc(),
          sourceIpConfig: { cidrs: Array.from({ length: 10 }, (_, i) => `10.${i}.0.0/16`) },
        },
        workteams: Array.from({ length: 25 }, (_, i) =>
          workteam({ name: `t${i}`, memberDefinitions: [{ oidcMemberDefinition: { groups } }] }),
        ),
      }),
      live(Array.from({ length: 20 }, (_, i) => team(`old${i}`))),
      options,
    );
    const md = renderPlanMarkdown(many);
    const lines = md.split("\n");
    const at = lines.indexOf("**Security-relevant changes** (review these first):");
    const end = lines.indexOf("", at + 2);
    const section = lines.slice(at + 2, end);
    // 20 pruned workteams, then the IP ranges and 25 teams' members: 46 in all.
    expect(section.filter((l) => l.startsWith("  - "))).toHaveLength(40);
    expect(section.at(-1)).toBe("- … and 6 more, in the plan below");
    expect(section.filter((l) => l.startsWith("- **")).map((l) => l.slice(4, -2))).toEqual([
      "destructive",
      "broadening",
    ]);
    for (const l of section) expect(l.length).toBeLessThanOrEqual(300 + 6);
    expect(md.length).toBeLessThan(MARKDOWN_LIMIT);
    expect(renderPlanMarkdown(many, 20_000).length).toBeLessThanOrEqual(20_000);
  });

  it("shows a value with backticks exactly, in inline code longer than any run of them", () => {
    const p = plan(
      spec({
        workforce: { oidcConfig: oldOidc() },
        workteams: [
          workteam({ memberDefinitions: [{ oidcMemberDefinition: { groups: ["a``b"] } }] }),
        ],
      }),
      live([team("annotators")]),
      options,
    );
    expect(renderPlanMarkdown(p)).toContain(
      '  - ```workteams.annotators.memberDefinitions: [{oidcMemberDefinition: {groups: ["annotators"]}}] → [{oidcMemberDefinition: {groups: ["a``b"]}}]```',
    );
  });
});
