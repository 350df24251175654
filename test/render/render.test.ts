import pc from "picocolors";
import { describe, expect, it } from "vitest";
import type { Plan } from "../../src/core/types.ts";
import { planDocument, renderPlanJson } from "../../src/render/json.ts";
import { MARKDOWN_LIMIT, renderPlanMarkdown } from "../../src/render/markdown.ts";
import { renderPlanText } from "../../src/render/text.ts";

const plain = pc.createColors(false);

/** An OIDC change with two workteams, a new team, an updated one and a pruned one. */
const rich: Plan = {
  region: "us-east-1",
  workforceName: "labelers",
  resources: [
    {
      type: "workforce",
      name: "labelers",
      action: "update",
      changes: [
        {
          path: "workforce.oidcConfig.issuer",
          action: "update",
          before: "https://old.example.com",
          after: "https://new.example.com",
          sensitive: false,
        },
        {
          path: "workforce.oidcConfig.clientSecret",
          action: "update",
          before: "(sensitive)",
          after: "(sensitive) from ${env:WFPLAN_OIDC_CLIENT_SECRET}",
          sensitive: true,
        },
        {
          path: "workforce.sourceIpConfig.cidrs",
          action: "update",
          before: ["10.0.0.0/16"],
          after: ["10.0.0.0/16", "2001:db8::/32"],
          sensitive: false,
        },
      ],
    },
    {
      type: "workteam",
      name: "annotators",
      action: "recreate",
      reason: "deleted before the OIDC update and recreated after it, from the backup",
      changes: [],
    },
    {
      type: "workteam",
      name: "reviewers",
      action: "update",
      changes: [
        {
          path: "workteams.reviewers.description",
          action: "update",
          before: "Old",
          after: "New",
          sensitive: false,
        },
      ],
    },
    {
      type: "workteam",
      name: "new",
      action: "create",
      changes: [
        {
          path: "workteams.new.description",
          action: "create",
          after: "A new team",
          sensitive: false,
        },
      ],
    },
    {
      type: "workteam",
      name: "old",
      action: "delete",
      reason: "not in the spec, and policy.pruneWorkteams is on",
      changes: [],
    },
  ],
  steps: [
    { kind: "backup", workteams: ["annotators", "old"] },
    { kind: "delete-workteam", name: "annotators", reason: "oidc" },
    { kind: "update-workforce", fields: ["oidcConfig", "sourceIpConfig"], sendsSecret: true },
    { kind: "wait-active" },
    { kind: "create-workteam", name: "annotators", source: "backup" },
    { kind: "update-workteam", name: "reviewers", fields: ["description"] },
    { kind: "create-workteam", name: "new", source: "spec" },
    { kind: "delete-workteam", name: "old", reason: "prune" },
    { kind: "verify" },
  ],
  blockers: [],
  warnings: [
    {
      message:
        "w.yaml:9:7: workforce.sourceIpConfig.cidrs[1]: 2001:db8::/32 is IPv6 but ipAddressType is ipv4",
      hint: "set ipAddressType: dualstack",
    },
  ],
  unmanaged: ["workforce.workforceVpcConfig"],
  sendsSecret: true,
  summary: { add: 1, change: 2, delete: 1, recreate: 1 },
};

const empty: Plan = {
  ...rich,
  resources: [],
  steps: [],
  warnings: [],
  sendsSecret: false,
  summary: { add: 0, change: 0, delete: 0, recreate: 0 },
};
const blocked: Plan = {
  ...rich,
  steps: [],
  blockers: [
    {
      code: "oidc-change-needs-workteam-deletion",
      message:
        "The OIDC configuration can be updated only when no workteams exist, and 1 do: annotators.",
      hint: "--allow-workteam-deletion",
      workteams: ["annotators"],
    },
  ],
};
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
    const text = renderPlanText(rich, plain);
    for (const s of [
      '~ update workforce "labelers"',
      '-/+ recreate workteam "annotators"',
      '+ create workteam "new"',
      '- delete workteam "old"',
    ]) {
      expect(text).toContain(s);
    }
    expect(text).not.toContain("\u001b[");
  });
});

describe("markdown", () => {
  it("renders a rich plan: summary first, the diff in <details>", () => {
    const md = renderPlanMarkdown(rich);
    expect(
      md.startsWith("### wfplan: Plan: 1 to add, 2 to change, 1 to delete, 1 to recreate."),
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
      change: 2,
      delete: 1,
      recreate: 1,
      hasChanges: true,
      blocked: false,
      text: "Plan: 1 to add, 2 to change, 1 to delete, 1 to recreate.",
    });
    expect(doc.steps[0]).toMatchObject({
      index: 1,
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
