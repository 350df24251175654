/** The fleet plan's documents: text, JSON and markdown, from plans the planner makes. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Plan } from "../../src/core/types.ts";
import {
  type FleetPlanEntry,
  fleetDocument,
  fleetOutcome,
  renderFleetMarkdown,
  renderFleetText,
} from "../../src/render/fleet.ts";
import { planDocument } from "../../src/render/json.ts";
import { MARKDOWN_LIMIT, renderPlanMarkdown } from "../../src/render/markdown.ts";
import { renderPlanText } from "../../src/render/text.ts";
import { liveState, liveWorkforce, oidcConfig, planOf, workteam } from "../builders.ts";

const A = "111111111111";
const live = { fingerprint: "f1", workforceExists: true, workforceStatus: "Active" };

/** No changes: the spec is the live workforce. */
const same = (): Plan => planOf({}, liveState());
/** One change: a new IP range. */
const changed = (): Plan =>
  planOf({ workforce: { sourceIpConfig: { cidrs: ["10.0.0.0/16"] } } }, liveState());
/** Blocked: an OIDC update that needs a workteam deleted, without permission to. */
const blocked = (): Plan =>
  planOf(
    {
      workforce: { oidcConfig: oidcConfig({ issuer: "https://new.example.com" }) },
      workteams: [workteam()],
    },
    liveState({ workteams: [{ ...teamLive() }] }),
  );
const teamLive = () => ({
  name: "annotators",
  arn: "arn:aws:sagemaker:us-east-1:111111111111:workteam/private-crowd/annotators",
  workforceArn: liveWorkforce().arn,
  description: "Image annotators",
  memberDefinitions: [{ oidcMemberDefinition: { groups: ["annotators"] } }],
});

const entry = (region: string, plan: Plan): FleetPlanEntry => ({
  target: { id: `${A}/${region}`, account: A, region },
  plan,
  live,
});
const failed = (region: string): FleetPlanEntry => ({
  target: { id: `222222222222/${region}`, region },
  error: { message: "AssumeRole arn:aws:iam::222222222222:role/x: AccessDenied", hint: "trust it" },
});

describe("fleetOutcome (--detailed-exitcode)", () => {
  it.each([
    ["no target changes", [entry("us-east-1", same())], "ok"],
    ["a target changes", [entry("us-east-1", same()), entry("eu-west-1", changed())], "changes"],
    [
      "a target is blocked",
      [entry("us-east-1", changed()), entry("eu-west-1", blocked())],
      "error",
    ],
    ["a target failed", [entry("us-east-1", changed()), failed("us-west-2")], "error"],
  ] as const)("%s", (_, entries, outcome) => {
    expect(blocked().blockers.length).toBeGreaterThan(0);
    expect(fleetOutcome(entries)).toBe(outcome);
  });
});

describe("fleet JSON", () => {
  it("is today's plan document per target, with target.account, and a summary", () => {
    const entries = [
      entry("us-east-1", changed()),
      entry("eu-west-1", blocked()),
      failed("us-west-2"),
    ];
    const doc = fleetDocument(entries);
    expect(doc.formatVersion).toBe(1);
    const [first, second, third] = doc.targets as Record<string, unknown>[];
    const single = planDocument(changed(), live);
    expect(first).toEqual({
      ...single,
      target: { id: `${A}/us-east-1`, account: A, region: "us-east-1", workforceName: "labelers" },
    });
    expect((second as { summary: { blocked: boolean } }).summary.blocked).toBe(true);
    expect(third).toEqual({
      target: { id: "222222222222/us-west-2", account: null, region: "us-west-2" },
      error: { message: expect.stringMatching(/AccessDenied/), hint: "trust it" },
    });
    expect(doc.summary).toEqual({ targets: 3, withChanges: 2, blocked: 1, failed: 1 });
  });
});

describe("fleet text", () => {
  it("shows each target's plan under its id, then the summary table", () => {
    const entries = [
      entry("us-east-1", changed()),
      entry("eu-west-1", same()),
      failed("us-west-2"),
    ];
    const text = renderFleetText(entries);
    expect(text).toContain(`━━ ${A}/us-east-1 ━━\n\n${renderPlanText(changed())}`);
    expect(text).toContain(`━━ ${A}/eu-west-1 ━━\n\n${renderPlanText(same())}`);
    expect(text).toContain("✗ could not be planned: AssumeRole arn:aws:iam::222222222222:role/x");
    const table = text.slice(text.indexOf("Fleet summary"));
    expect(table.split("\n").slice(1, 5)).toEqual([
      "target                  changes                             blocked  status",
      `${A}/us-east-1  0 to add, 1 to change, 0 to delete  no       Active`,
      `${A}/eu-west-1  no changes                          no       Active`,
      "222222222222/us-west-2  -                                   -        error: AssumeRole arn:aws:iam::222222222222:role/x: AccessDenied",
    ]);
    expect(text).toMatch(/3 targets: 1 with changes, 0 blocked, 1 failed\.\n$/);
  });
});

/** A plan that creates 25 workteams with long tags: each target's diff is far over the limit alone. */
function huge(): Plan {
  const tags = Object.fromEntries(
    Array.from({ length: 50 }, (_, j) => [`key${j}`, "x".repeat(200)]),
  );
  return planOf(
    { workteams: Array.from({ length: 25 }, (_, i) => workteam({ name: `t${i}`, tags })) },
    liveState(),
  );
}

describe("fleet markdown", () => {
  it("puts the summary table first, then each target in its own <details>", () => {
    const entries = [
      entry("us-east-1", changed()),
      entry("eu-west-1", same()),
      failed("us-west-2"),
    ];
    const md = renderFleetMarkdown(entries);
    expect(
      md.startsWith("### wfplan fleet: ⛔ 3 targets: 1 with changes, 0 blocked, 1 failed."),
    ).toBe(true);
    expect(md).toContain(`| ${A}/us-east-1 | 0 to add, 1 to change, 0 to delete | no | Active |`);
    expect(md).toContain(
      `<details><summary><code>${A}/us-east-1</code>: 0 to add, 1 to change, 0 to delete</summary>\n\n${renderPlanMarkdown(changed())}\n</details>`,
    );
    expect(md).toContain("- `222222222222/us-west-2`: ⛔ could not be planned:");
    expect(md).not.toMatch(/shortened/);
  });

  it("stays under 60,000 characters with 50 targets of 25 workteams, keeping the summary table", () => {
    const plans = huge();
    const entries = Array.from({ length: 50 }, (_, i) =>
      entry(`us-east-${i + 1}`, i % 5 === 0 ? same() : plans),
    );
    const md = renderFleetMarkdown(entries);
    expect(md.length).toBeLessThan(MARKDOWN_LIMIT);
    for (const e of entries) expect(md).toContain(`| ${e.target.id} |`);
    expect(md).toMatch(/Some targets are shortened to keep this under 60000 characters/);
    // The targets without changes went to one line first.
    expect(md).toContain(`- \`${A}/us-east-1\`: no changes`);
  });

  it("collapses the targets without changes first, and keeps the others whole when that is enough", () => {
    const big = planOf(
      { workteams: Array.from({ length: 3 }, (_, i) => workteam({ name: `t${i}` })) },
      liveState(),
    );
    const entries = [
      entry("us-east-1", big),
      ...Array.from({ length: 10 }, (_, i) => entry(`eu-west-${i + 1}`, same())),
    ];
    const full = renderFleetMarkdown(entries);
    const limit = full.length - 100;
    const md = renderFleetMarkdown(entries, limit);
    expect(md.length).toBeLessThanOrEqual(limit);
    expect(md).toContain(renderPlanMarkdown(big));
    expect(md).toContain(`- \`${A}/eu-west-1\`: no changes`);
  });

  it("is under any limit from 20,000 for any mix of targets", () => {
    const kinds = [same(), changed(), blocked(), huge()];
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 1, maxLength: 60 }),
        fc.integer({ min: 20_000, max: MARKDOWN_LIMIT }),
        (picks, limit) => {
          const entries = picks.map((k, i) =>
            k === 4 ? failed(`us-west-${i + 1}`) : entry(`us-east-${i + 1}`, kinds[k] as Plan),
          );
          const md = renderFleetMarkdown(entries, limit);
          expect(md.length).toBeLessThanOrEqual(limit);
          for (const e of entries) expect(md).toContain(`| ${e.target.id} |`);
        },
      ),
      { numRuns: 30 },
    );
  });
});
