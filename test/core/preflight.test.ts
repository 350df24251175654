/** The preflight findings judged against a plan: a wrong reference the plan sends blocks it. */
import { describe, expect, it } from "vitest";
import { judgePreflight, SKIPPED } from "../../src/core/preflight.ts";
import type { PreflightFinding, Step } from "../../src/core/types.ts";
import { liveState, liveTeam, liveWorkforce, oidcConfig, planOf, workteam } from "../builders.ts";

const finding = (over: Partial<PreflightFinding> = {}): PreflightFinding => ({
  check: "oidc-discovery",
  subject: "https://idp.example.com",
  outcome: "problem",
  message: "tokenEndpoint: the spec says A, the provider says B",
  hint: "correct the spec's oidcConfig",
  paths: ["workforce.oidcConfig"],
  ...over,
});

const updateOidc: Step = { kind: "update-workforce", fields: ["oidcConfig"], sendsSecret: true };
const updateIps: Step = {
  kind: "update-workforce",
  fields: ["sourceIpConfig"],
  sendsSecret: false,
};
const topicPath = "workteams.annotators.notificationConfiguration";

describe("judgePreflight", () => {
  it.each<[string, PreflightFinding, Step[], "pass" | "warn" | "fail"]>([
    ["ok passes whatever the plan does", finding({ outcome: "ok" }), [updateOidc], "pass"],
    ["a problem the plan sends fails", finding(), [updateOidc], "fail"],
    [
      "a created workforce sends all of it",
      finding(),
      [{ kind: "create-workforce", sendsSecret: true }],
      "fail",
    ],
    ["a problem with another field sent warns", finding(), [updateIps], "warn"],
    ["a problem and no steps warns", finding(), [], "warn"],
    ["unchecked warns even when sent", finding({ outcome: "unchecked" }), [updateOidc], "warn"],
    [
      "a created workteam sends its topic",
      finding({ check: "sns-topic", paths: [topicPath] }),
      [{ kind: "create-workteam", name: "annotators", source: "spec" }],
      "fail",
    ],
    [
      "an updated topic is sent",
      finding({ check: "sns-topic", paths: [topicPath] }),
      [{ kind: "update-workteam", name: "annotators", fields: ["notificationConfiguration"] }],
      "fail",
    ],
    [
      "another field of the team is not the topic",
      finding({ check: "sns-topic", paths: [topicPath] }),
      [{ kind: "update-workteam", name: "annotators", fields: ["description"] }],
      "warn",
    ],
    [
      "another team with the same prefix is not this one",
      finding({ check: "sns-topic", paths: ["workteams.ann.notificationConfiguration"] }),
      [{ kind: "create-workteam", name: "annotators", source: "spec" }],
      "warn",
    ],
    [
      "any of its paths counts",
      finding({ check: "sns-topic", paths: ["workteams.a.notificationConfiguration", topicPath] }),
      [{ kind: "create-workteam", name: "annotators", source: "backup" }],
      "fail",
    ],
  ])("%s", (_name, f, steps, status) => {
    const judged = judgePreflight([f], steps);
    expect(judged.results).toEqual([
      { check: f.check, subject: f.subject, status, message: f.message, hint: f.hint },
    ]);
    expect(judged.blockers.length).toBe(status === "fail" ? 1 : 0);
    expect(judged.warnings.length).toBe(status === "warn" ? 1 : 0);
  });

  it("a blocker names the check, the subject and the first path; a warning says the plan leaves it", () => {
    const fail = judgePreflight([finding()], [updateOidc]);
    expect(fail.blockers[0]).toEqual({
      code: "preflight",
      message: "preflight oidc-discovery: tokenEndpoint: the spec says A, the provider says B",
      hint: "correct the spec's oidcConfig",
      path: "workforce.oidcConfig",
    });
    const warn = judgePreflight([finding()], []);
    expect(warn.warnings[0]?.message).toMatch(/\(the plan does not change it\)$/);
    const unchecked = judgePreflight(
      [finding({ outcome: "unchecked", message: "could not check: x" })],
      [],
    );
    expect(unchecked.warnings[0]?.message).toBe("preflight oidc-discovery: could not check: x");
  });

  it("no findings: nothing; skipped: one result that says so", () => {
    expect(judgePreflight(undefined, [updateOidc])).toEqual({
      results: [],
      blockers: [],
      warnings: [],
    });
    expect(judgePreflight([], [updateOidc]).results).toEqual([]);
    expect(judgePreflight("skipped", [updateOidc])).toEqual({
      results: [SKIPPED],
      blockers: [],
      warnings: [],
    });
  });
});

describe("the planner with preflight findings", () => {
  it("blocks a plan that sends a wrong identity provider, with no steps, located at the spec's line", () => {
    const p = planOf(
      { workforce: { oidcConfig: oidcConfig({ issuer: "https://new.example.com" }) } },
      liveState({ workforce: liveWorkforce() }),
      {},
      { preflight: [finding()], locate: (path) => `workforce.yaml:${path.length}:3` },
    );
    expect(p.blockers.map((b) => b.code)).toContain("preflight");
    expect(p.steps).toEqual([]);
    expect(p.preflight[0]?.status).toBe("fail");
    expect(p.blockers.find((b) => b.code === "preflight")?.location).toBe(
      `workforce.yaml:${"workforce.oidcConfig".length}:3`,
    );
  });

  it("warns, and plans as before, when the plan leaves the reference alone", () => {
    const s = { workteams: [workteam({ description: "new words" })] };
    const live = liveState({ workforce: liveWorkforce(), workteams: [liveTeam("annotators")] });
    const without = planOf(s, live);
    const p = planOf(s, live, {}, { preflight: [finding()] });
    expect(p.blockers).toEqual([]);
    expect(p.steps).toEqual(without.steps);
    expect(p.preflight.map((r) => r.status)).toEqual(["warn"]);
    expect(p.warnings.at(-1)?.message).toContain("(the plan does not change it)");
  });
});
