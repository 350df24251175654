import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type ApprovalLevel,
  cidrImpact,
  countImpact,
  IMPACTS,
  impactOf,
  mostSerious,
  needsApproval,
  securityRelevant,
  type UnclassifiedChange,
} from "../../src/core/impact.ts";
import type { Impact, PlanOptions, ResourcePlan } from "../../src/core/types.ts";
import { liveState, liveTeam, liveWorkforce, planOf, workteam } from "../builders.ts";

const change = (
  path: string,
  action: UnclassifiedChange["action"],
  before?: unknown,
  after?: unknown,
): UnclassifiedChange => ({ path, action, before, after, sensitive: false });

const workforce = (action: ResourcePlan["action"] = "update") =>
  ({ type: "workforce", action }) as const;
const team = (action: ResourcePlan["action"] = "update") => ({ type: "workteam", action }) as const;

const CONSTRAINT = "workteams.t.workerAccessConfiguration.s3Presign.iamPolicyConstraints";

describe("the impact of one change", () => {
  it.each<[string, UnclassifiedChange, ReturnType<typeof workforce | typeof team>, Impact]>([
    // destructive: every change of a workteam deleted or recreated
    [
      "a recreated team's description",
      change("workteams.t.description", "update", "a", "b"),
      team("recreate"),
      "destructive",
    ],
    [
      "a recreated team's groups added",
      change(
        "workteams.t.memberDefinitions",
        "update",
        [],
        [{ oidcMemberDefinition: { groups: ["x"] } }],
      ),
      team("recreate"),
      "destructive",
    ],
    [
      "a deleted team's field",
      change("workteams.t.description", "delete", "a"),
      team("delete"),
      "destructive",
    ],
    // lockout-risk: the identity provider
    [
      "the OIDC issuer",
      change("workforce.oidcConfig.issuer", "update", "https://a", "https://b"),
      workforce(),
      "lockout-risk",
    ],
    [
      "the secret, rotated",
      {
        ...change("workforce.oidcConfig.clientSecret", "update", "(sensitive)", "(sensitive)"),
        sensitive: true,
      },
      workforce(),
      "lockout-risk",
    ],
    [
      "an extra parameter added",
      change(
        "workforce.oidcConfig.authenticationRequestExtraParams.prompt",
        "create",
        undefined,
        "login",
      ),
      workforce(),
      "lockout-risk",
    ],
    [
      "the Cognito config",
      change("workforce.cognitoConfig.clientId", "update", "a", "b"),
      workforce(),
      "lockout-risk",
    ],
    // CIDRs
    [
      "a CIDR added",
      change(
        "workforce.sourceIpConfig.cidrs",
        "update",
        ["10.0.0.0/16"],
        ["10.0.0.0/16", "10.1.0.0/16"],
      ),
      workforce(),
      "broadening",
    ],
    [
      "a CIDR widened",
      change("workforce.sourceIpConfig.cidrs", "update", ["10.0.0.0/16"], ["10.0.0.0/8"]),
      workforce(),
      "broadening",
    ],
    [
      "the restriction removed",
      change("workforce.sourceIpConfig.cidrs", "update", ["10.0.0.0/16"], []),
      workforce(),
      "broadening",
    ],
    [
      "a CIDR removed",
      change(
        "workforce.sourceIpConfig.cidrs",
        "update",
        ["10.0.0.0/16", "10.1.0.0/16"],
        ["10.0.0.0/16"],
      ),
      workforce(),
      "narrowing",
    ],
    [
      "a CIDR narrowed",
      change("workforce.sourceIpConfig.cidrs", "update", ["10.0.0.0/8"], ["10.0.0.0/16"]),
      workforce(),
      "narrowing",
    ],
    [
      "a restriction added",
      change("workforce.sourceIpConfig.cidrs", "update", [], ["10.0.0.0/16"]),
      workforce(),
      "narrowing",
    ],
    [
      "a CIDR swapped for another",
      change("workforce.sourceIpConfig.cidrs", "update", ["10.0.0.0/16"], ["10.1.0.0/16"]),
      workforce(),
      "broadening",
    ],
    [
      "one CIDR split in two halves",
      change(
        "workforce.sourceIpConfig.cidrs",
        "update",
        ["10.0.0.0/16"],
        ["10.0.0.0/17", "10.0.128.0/17"],
      ),
      workforce(),
      "neutral",
    ],
    [
      "an IPv6 block added",
      change(
        "workforce.sourceIpConfig.cidrs",
        "update",
        ["10.0.0.0/16"],
        ["10.0.0.0/16", "2001:db8::/32"],
      ),
      workforce(),
      "broadening",
    ],
    [
      "the IPv6 block of a list removed",
      change(
        "workforce.sourceIpConfig.cidrs",
        "update",
        ["10.0.0.0/16", "2001:db8::/32"],
        ["10.0.0.0/16"],
      ),
      workforce(),
      "narrowing",
    ],
    [
      "0.0.0.0/0 added to an IPv4 list",
      change("workforce.sourceIpConfig.cidrs", "update", ["10.0.0.0/16"], ["0.0.0.0/0"]),
      workforce(),
      "broadening",
    ],
    [
      "an IPv4-only 0.0.0.0/0 for no restriction",
      change("workforce.sourceIpConfig.cidrs", "update", [], ["0.0.0.0/0"]),
      workforce(),
      "narrowing",
    ],
    [
      "blocks that do not parse, one added",
      change("workforce.sourceIpConfig.cidrs", "update", ["x"], ["x", "y"]),
      workforce(),
      "broadening",
    ],
    // the VPC
    [
      "the VPC detached",
      change("workforce.workforceVpcConfig.vpcId", "delete", "vpc-1"),
      workforce(),
      "broadening",
    ],
    [
      "a VPC attached",
      change("workforce.workforceVpcConfig.vpcId", "create", undefined, "vpc-1"),
      workforce(),
      "narrowing",
    ],
    [
      "the VPC's subnets changed",
      change("workforce.workforceVpcConfig.subnets", "update", ["subnet-1"], ["subnet-2"]),
      workforce(),
      "narrowing",
    ],
    // a worker-access constraint
    [
      "sourceIp turned off",
      change(`${CONSTRAINT}.sourceIp`, "update", "Enabled", "Disabled"),
      team(),
      "broadening",
    ],
    [
      "vpcSourceIp removed",
      change(`${CONSTRAINT}.vpcSourceIp`, "delete", "Enabled"),
      team(),
      "broadening",
    ],
    [
      "sourceIp turned on",
      change(`${CONSTRAINT}.sourceIp`, "update", "Disabled", "Enabled"),
      team(),
      "narrowing",
    ],
    [
      "sourceIp added, enabled",
      change(`${CONSTRAINT}.sourceIp`, "create", undefined, "Enabled"),
      team(),
      "narrowing",
    ],
    [
      "a disabled constraint removed",
      change(`${CONSTRAINT}.sourceIp`, "delete", "Disabled"),
      team(),
      "neutral",
    ],
    [
      "the whole section going, one constraint on",
      change("workteams.t.workerAccessConfiguration", "delete", {
        s3Presign: { iamPolicyConstraints: { sourceIp: "Enabled" } },
      }),
      team(),
      "broadening",
    ],
    // groups
    [
      "an OIDC group added",
      change(
        "workteams.t.memberDefinitions",
        "update",
        [{ oidcMemberDefinition: { groups: ["a"] } }],
        [{ oidcMemberDefinition: { groups: ["a", "b"] } }],
      ),
      team(),
      "broadening",
    ],
    [
      "an OIDC group removed",
      change(
        "workteams.t.memberDefinitions",
        "update",
        [{ oidcMemberDefinition: { groups: ["a", "b"] } }],
        [{ oidcMemberDefinition: { groups: ["a"] } }],
      ),
      team(),
      "narrowing",
    ],
    [
      "an OIDC group swapped",
      change(
        "workteams.t.memberDefinitions",
        "update",
        [{ oidcMemberDefinition: { groups: ["a"] } }],
        [{ oidcMemberDefinition: { groups: ["b"] } }],
      ),
      team(),
      "broadening",
    ],
    [
      "a Cognito user group added",
      change(
        "workteams.t.memberDefinitions",
        "update",
        [{ cognitoMemberDefinition: { userPool: "p", clientId: "c", userGroup: "g1" } }],
        [
          { cognitoMemberDefinition: { userPool: "p", clientId: "c", userGroup: "g1" } },
          { cognitoMemberDefinition: { userPool: "p", clientId: "c", userGroup: "g2" } },
        ],
      ),
      team(),
      "broadening",
    ],
    [
      "a Cognito user group removed",
      change(
        "workteams.t.memberDefinitions",
        "update",
        [
          { cognitoMemberDefinition: { userPool: "p", clientId: "c", userGroup: "g1" } },
          { cognitoMemberDefinition: { userPool: "p", clientId: "c", userGroup: "g2" } },
        ],
        [{ cognitoMemberDefinition: { userPool: "p", clientId: "c", userGroup: "g1" } }],
      ),
      team(),
      "narrowing",
    ],
    // new resources
    [
      "a new team's members",
      change("workteams.t.memberDefinitions", "create", undefined, [
        { oidcMemberDefinition: { groups: ["a"] } },
      ]),
      team("create"),
      "broadening",
    ],
    [
      "a new team's description",
      change("workteams.t.description", "create", undefined, "d"),
      team("create"),
      "neutral",
    ],
    [
      "a new team's constraint",
      change(`${CONSTRAINT}.sourceIp`, "create", undefined, "Enabled"),
      team("create"),
      "neutral",
    ],
    [
      "a new workforce's issuer",
      change("workforce.oidcConfig.issuer", "create", undefined, "https://a"),
      workforce("create"),
      "broadening",
    ],
    [
      "a new workforce's CIDRs",
      change("workforce.sourceIpConfig.cidrs", "create", undefined, ["10.0.0.0/16"]),
      workforce("create"),
      "broadening",
    ],
    [
      "a new workforce's tags",
      change("workforce.tags.team", "create", undefined, "ml"),
      workforce("create"),
      "neutral",
    ],
    // neutral
    ["a description", change("workteams.t.description", "update", "a", "b"), team(), "neutral"],
    ["a tag", change("workteams.t.tags.team", "update", "a", "b"), team(), "neutral"],
    [
      "a notification topic",
      change(
        "workteams.t.notificationConfiguration.notificationTopicArn",
        "update",
        "arn:a",
        "arn:b",
      ),
      team(),
      "neutral",
    ],
    [
      "ipAddressType",
      change("workforce.ipAddressType", "update", "ipv4", "dualstack"),
      workforce(),
      "neutral",
    ],
  ])("%s", (_name, c, resource, expected) => {
    expect(impactOf(c, resource)).toBe(expected);
  });
});

describe("the most serious class", () => {
  it.each<[Impact[], Impact]>([
    [[], "neutral"],
    [["narrowing", "broadening"], "broadening"],
    [["neutral", "lockout-risk", "broadening"], "lockout-risk"],
    [["broadening", "destructive"], "destructive"],
  ])("%j → %s", (impacts, expected) => {
    expect(mostSerious(...impacts)).toBe(expected);
  });
});

const opts: Partial<PlanOptions> = {};

describe("impact in the plan", () => {
  it("counts a workteam deleted without field changes once, as destructive", () => {
    const p = planOf(
      { workteams: [workteam()] },
      liveState({ workteams: [liveTeam("annotators"), liveTeam("old")] }),
      { pruneWorkteams: true },
    );
    expect(p.resources.map((r) => [r.name, r.action, r.impact])).toEqual([
      ["old", "delete", "destructive"],
    ]);
    expect(p.summary.impact).toEqual({
      destructive: 1,
      "lockout-risk": 0,
      broadening: 0,
      narrowing: 0,
      neutral: 0,
    });
    expect(securityRelevant(p).map((e) => [e.path, e.impact])).toEqual([
      ["workteams.old", "destructive"],
    ]);
  });

  it("counts a workteam restored from its backup once, as broadening", () => {
    const p = planOf(
      {},
      liveState({
        restorable: [
          {
            name: "gone",
            description: "d",
            memberDefinitions: [{ oidcMemberDefinition: { groups: ["g"] } }],
            tags: {},
          },
        ],
      }),
      opts,
    );
    expect(p.resources.map((r) => [r.name, r.action, r.impact])).toEqual([
      ["gone", "create", "broadening"],
    ]);
    expect(p.summary.impact.broadening).toBe(1);
  });

  it("classifies a workteam's groups and worker access from the spec against the live team", () => {
    const p = planOf(
      {
        workteams: [
          workteam({
            memberDefinitions: [{ oidcMemberDefinition: { groups: ["annotators", "more"] } }],
            description: "changed",
            workerAccessConfiguration: {
              s3Presign: { iamPolicyConstraints: { sourceIp: "Disabled" } },
            },
          }),
        ],
      },
      liveState({
        workteams: [
          liveTeam("annotators", {
            workerAccessConfiguration: {
              s3Presign: { iamPolicyConstraints: { sourceIp: "Enabled" } },
            },
          }),
        ],
      }),
    );
    const changes = p.resources[0]!.changes.map((c) => [c.path, c.impact]);
    expect(changes).toEqual(
      expect.arrayContaining([
        ["workteams.annotators.description", "neutral"],
        ["workteams.annotators.memberDefinitions", "broadening"],
        [`${CONSTRAINT.replace(".t.", ".annotators.")}.sourceIp`, "broadening"],
      ]),
    );
    expect(p.resources[0]!.impact).toBe("broadening");
    expect(p.summary.impact).toMatchObject({ broadening: 2, neutral: 1 });
  });

  it("has every class as a key of the counts, also for no changes", () => {
    expect(Object.keys(countImpact([]))).toEqual([...IMPACTS]);
    const p = planOf({}, liveState());
    expect(p.summary.impact).toEqual({
      destructive: 0,
      "lockout-risk": 0,
      broadening: 0,
      narrowing: 0,
      neutral: 0,
    });
  });

  it("lists the security-relevant changes most serious first", () => {
    const p = planOf(
      {
        workforce: {
          sourceIpConfig: { cidrs: ["10.0.0.0/8"] },
          ipAddressType: "dualstack",
        },
      },
      liveState({
        workforce: liveWorkforce({ sourceIpConfig: { cidrs: ["10.0.0.0/16"] } }),
      }),
    );
    expect(securityRelevant(p).map((e) => [e.path, e.impact])).toEqual([
      ["workforce.sourceIpConfig.cidrs", "broadening"],
    ]);
  });
});

describe("--require-approval", () => {
  // Plans built by hand: one workteam per change, of the class given.
  const resource = (name: string, impact: Impact): ResourcePlan => ({
    type: "workteam",
    name,
    action: "update",
    changes: [{ path: `workteams.${name}.x`, action: "update", sensitive: false, impact }],
    impact,
  });
  const planWith = (...impacts: Impact[]) => ({
    resources: impacts.map((i, n) => resource(`t${n}`, i)),
  });

  it.each<[ApprovalLevel, Impact[], string[]]>([
    ["never", ["destructive", "broadening"], []],
    ["broadening", ["neutral", "narrowing"], []],
    ["broadening", ["narrowing", "broadening"], ["workteams.t1.x"]],
    ["broadening", ["lockout-risk", "destructive"], []],
    ["any", ["neutral"], []],
    ["any", ["neutral", "narrowing"], ["workteams.t1.x"]],
    [
      "any",
      ["narrowing", "lockout-risk", "neutral", "destructive"],
      ["workteams.t3.x", "workteams.t1.x", "workteams.t0.x"],
    ],
  ])("%s, with changes %j → %j", (level, impacts, expected) => {
    expect(needsApproval(planWith(...impacts), level).map((e) => e.path)).toEqual(expected);
  });

  it("holds a deleted workteam at any", () => {
    const p = {
      resources: [
        { type: "workteam", name: "old", action: "delete", changes: [], impact: "destructive" },
      ] satisfies ResourcePlan[],
    };
    expect(needsApproval(p, "any").map((e) => [e.path, e.impact])).toEqual([
      ["workteams.old", "destructive"],
    ]);
    expect(needsApproval(p, "broadening")).toEqual([]);
  });
});

describe("CIDR lists (properties)", () => {
  const v4 = fc
    .tuple(
      fc.integer({ min: 0, max: 255 }),
      fc.integer({ min: 0, max: 255 }),
      fc.integer({ min: 8, max: 32 }),
    )
    .map(([a, b, prefix]) => `${a}.${b}.0.0/${prefix}`);
  const list = fc.array(v4, { minLength: 1, maxLength: 5 });

  it("adding a block that is not covered is broadening; its reverse is narrowing", () => {
    fc.assert(
      fc.property(list, (before) => {
        // A block outside all of them.
        const extra = "192.0.2.0/24";
        fc.pre(!before.some((c) => c.startsWith("192.")));
        const after = [...before, extra];
        expect(cidrImpact(before, after)).toBe("broadening");
        expect(cidrImpact(after, before)).toBe("narrowing");
      }),
    );
  });

  it("a list against itself, reordered, is neutral", () => {
    fc.assert(
      fc.property(list, (cidrs) => {
        expect(cidrImpact(cidrs, [...cidrs].reverse())).toBe("neutral");
      }),
    );
  });

  it("is broadening exactly when the swap is narrowing, for lists that only grow", () => {
    fc.assert(
      fc.property(list, list, (a, b) => {
        const union = [...a, ...b];
        const grown = cidrImpact(a, union);
        expect(["broadening", "neutral"]).toContain(grown);
        expect(cidrImpact(union, a)).toBe(grown === "broadening" ? "narrowing" : "neutral");
      }),
    );
  });

  it("lifting the restriction is broadening from any list, and adding one is narrowing", () => {
    fc.assert(
      fc.property(list, (cidrs) => {
        expect(cidrImpact(cidrs, [])).toBe("broadening");
        expect(cidrImpact([], cidrs)).toBe("narrowing");
      }),
    );
  });
});
