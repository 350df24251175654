import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { plan, planOptions } from "../../src/core/plan.ts";
import {
  canApply,
  destructive,
  hasChanges,
  isBlocked,
  workteamsToDelete,
} from "../../src/core/questions.ts";
import type {
  Impact,
  LiveState,
  OidcConfigLive,
  Plan,
  PlanOptions,
  Step,
  WorkforceLive,
  WorkteamLive,
} from "../../src/core/types.ts";
import type { Spec } from "../../src/spec/schema.ts";
import {
  liveState,
  liveTeam,
  liveWorkforce,
  oidcConfig,
  type Raw,
  validSpec,
  workteam,
} from "../builders.ts";
import { runs } from "../helpers/runs.ts";

const spec = validSpec;
const NO_IMPACT = { destructive: 0, "lockout-risk": 0, broadening: 0, narrowing: 0, neutral: 0 };
const live = liveState;

const opts = (o: Partial<PlanOptions> = {}): PlanOptions => ({
  allowWorkteamDeletion: false,
  restoreWorkteams: true,
  pruneWorkteams: false,
  rotateClientSecret: false,
  ...o,
});

const kinds = (p: Plan) => p.steps.map((s) => ("name" in s ? `${s.kind}:${s.name}` : s.kind));
const paths = (p: Plan) =>
  p.resources.flatMap((r) => r.changes.map((c) => `${c.action} ${c.path}`));
const codes = (p: Plan) => p.blockers.map((b) => b.code);

describe("no changes", () => {
  it.each<[string, Spec, LiveState]>([
    ["a matching workforce", spec(), live()],
    [
      "CIDRs in another order, case and zero form",
      spec({ workforce: { sourceIpConfig: { cidrs: ["2001:DB8:0::/32", "10.0.0.0/16"] } } }),
      live({
        workforce: liveWorkforce({ sourceIpConfig: { cidrs: ["10.0.0.0/16", "2001:db8::/32"] } }),
      }),
    ],
    [
      "security groups and subnets in another order",
      spec({
        workforce: {
          workforceVpcConfig: {
            vpcId: "vpc-1",
            securityGroupIds: ["sg-2", "sg-1"],
            subnets: ["subnet-b", "subnet-a"],
          },
        },
      }),
      live({
        workforce: liveWorkforce({
          workforceVpcConfig: {
            vpcId: "vpc-1",
            securityGroupIds: ["sg-1", "sg-2"],
            subnets: ["subnet-a", "subnet-b"],
          },
        }),
      }),
    ],
    [
      "groups in another order",
      spec({
        workteams: [
          workteam({ memberDefinitions: [{ oidcMemberDefinition: { groups: ["b", "a"] } }] }),
        ],
      }),
      live({
        workteams: [
          liveTeam("annotators", {
            memberDefinitions: [{ oidcMemberDefinition: { groups: ["a", "b"] } }],
          }),
        ],
      }),
    ],
    [
      "unmanaged sections that differ live",
      spec(),
      live({
        workforce: liveWorkforce({
          sourceIpConfig: { cidrs: ["1.2.3.0/24"] },
          ipAddressType: "dualstack",
          workforceVpcConfig: { vpcId: "vpc-1", securityGroupIds: ["sg-1"], subnets: ["subnet-1"] },
        }),
        workteams: [liveTeam("x")],
      }),
    ],
    [
      "a workteam field the spec leaves out",
      spec({ workteams: [workteam()] }),
      live({
        workteams: [
          liveTeam("annotators", {
            notificationConfiguration: {
              notificationTopicArn: "arn:aws:sns:us-east-1:123456789012:t",
            },
          }),
        ],
      }),
    ],
    ["tags, which are sent at creation only", spec({ workforce: { tags: { a: "b" } } }), live()],
  ])("%s", (_name, s, l) => {
    const p = plan(s, l, opts());
    expect(p.resources).toEqual([]);
    expect(p.steps).toEqual([]);
    expect(p.blockers).toEqual([]);
    expect(p.sendsSecret).toBe(false);
  });

  it("says once what the spec leaves unmanaged", () => {
    const p = plan(spec(), live(), opts());
    expect(p.unmanaged).toEqual([
      "workforce.sourceIpConfig",
      "workforce.workforceVpcConfig",
      "workforce.ipAddressType",
      "workteams",
    ]);
  });
});

describe("workforce fields", () => {
  it.each<[string, Raw, Partial<WorkforceLive>, string[], Impact]>([
    [
      // From no restriction to one range.
      "add a CIDR",
      { sourceIpConfig: { cidrs: ["10.0.0.0/16"] } },
      {},
      ["update workforce.sourceIpConfig.cidrs"],
      "narrowing",
    ],
    [
      "clear the CIDRs with []",
      { sourceIpConfig: { cidrs: [] } },
      { sourceIpConfig: { cidrs: ["10.0.0.0/16"] } },
      ["update workforce.sourceIpConfig.cidrs"],
      "broadening",
    ],
    [
      "attach a VPC",
      { workforceVpcConfig: { vpcId: "vpc-1", securityGroupIds: ["sg-1"], subnets: ["subnet-1"] } },
      {},
      [
        "create workforce.workforceVpcConfig.vpcId",
        "create workforce.workforceVpcConfig.securityGroupIds",
        "create workforce.workforceVpcConfig.subnets",
      ],
      "narrowing",
    ],
    [
      "detach the VPC with null",
      { workforceVpcConfig: null },
      { workforceVpcConfig: { vpcId: "vpc-1", securityGroupIds: ["sg-1"], subnets: ["subnet-1"] } },
      [
        "delete workforce.workforceVpcConfig.vpcId",
        "delete workforce.workforceVpcConfig.securityGroupIds",
        "delete workforce.workforceVpcConfig.subnets",
      ],
      "broadening",
    ],
    [
      "change a subnet",
      { workforceVpcConfig: { vpcId: "vpc-1", securityGroupIds: ["sg-1"], subnets: ["subnet-2"] } },
      { workforceVpcConfig: { vpcId: "vpc-1", securityGroupIds: ["sg-1"], subnets: ["subnet-1"] } },
      ["update workforce.workforceVpcConfig.subnets"],
      "narrowing",
    ],
    [
      "go dualstack",
      { ipAddressType: "dualstack" },
      {},
      ["update workforce.ipAddressType"],
      "neutral",
    ],
  ])("%s", (_name, workforce, liveOverrides, expected, impact) => {
    const p = plan(spec({ workforce }), live({ workforce: liveWorkforce(liveOverrides) }), opts());
    expect(paths(p)).toEqual(expected);
    expect(kinds(p)).toEqual(["update-workforce", "wait-active", "verify"]);
    expect(p.sendsSecret).toBe(false);
    expect(p.resources[0]!.changes.map((c) => c.impact)).toEqual(expected.map(() => impact));
    expect(p.resources[0]!.impact).toBe(impact);
    expect(p.summary).toEqual({
      add: 0,
      change: 1,
      delete: 0,
      recreate: 0,
      impact: { ...NO_IMPACT, [impact]: expected.length },
    });
  });

  it("shows before and after of a changed field", () => {
    const p = plan(
      spec({ workforce: { sourceIpConfig: { cidrs: ["10.0.0.0/16", "10.1.0.0/16"] } } }),
      live({ workforce: liveWorkforce({ sourceIpConfig: { cidrs: ["10.0.0.0/16"] } }) }),
      opts(),
    );
    expect(p.resources[0]!.changes[0]).toEqual({
      path: "workforce.sourceIpConfig.cidrs",
      action: "update",
      before: ["10.0.0.0/16"],
      after: ["10.0.0.0/16", "10.1.0.0/16"],
      sensitive: false,
      impact: "broadening",
    });
    expect(p.steps[0]).toEqual({
      kind: "update-workforce",
      fields: ["sourceIpConfig"],
      sendsSecret: false,
    });
  });
});

describe("OIDC changes", () => {
  const newIssuer = spec({
    workforce: { oidcConfig: oidcConfig({ issuer: "https://new.example.com" }) },
  });

  it("sends the whole OIDC config with the secret, which shows only as sensitive", () => {
    const p = plan(newIssuer, live(), opts());
    expect(paths(p)).toEqual([
      "update workforce.oidcConfig.issuer",
      "update workforce.oidcConfig.clientSecret",
    ]);
    const secret = p.resources[0]!.changes[1]!;
    expect(secret).toMatchObject({ sensitive: true, before: "(sensitive)" });
    expect(secret.after).toBe("(sensitive) from ${env:WFPLAN_OIDC_CLIENT_SECRET}");
    expect(p.sendsSecret).toBe(true);
    expect(p.steps[0]).toEqual({
      kind: "update-workforce",
      fields: ["oidcConfig"],
      sendsSecret: true,
    });
  });

  /** A live workforce whose OIDC config has these optional parts. */
  const withOptionalOidc = (parts: Partial<OidcConfigLive>) =>
    live({
      workforce: liveWorkforce({ oidcConfig: { ...liveWorkforce().oidcConfig!, ...parts } }),
    });

  it("leaves the OIDC config's optional parts the spec omits as they are live (unmanaged)", () => {
    const l = withOptionalOidc({
      scope: "openid",
      authenticationRequestExtraParams: { prompt: "login" },
    });
    const p = plan(spec(), l, opts());
    expect(p.resources).toEqual([]);
    expect(p.unmanaged).toContain("workforce.oidcConfig.scope");
    expect(p.unmanaged).toContain("workforce.oidcConfig.authenticationRequestExtraParams");
    // An OIDC update sends them again as they are: the change is the issuer's alone.
    const moved = plan(
      spec({ workforce: { oidcConfig: oidcConfig({ issuer: "https://new.example.com" }) } }),
      l,
      opts(),
    );
    expect(paths(moved)).toEqual([
      "update workforce.oidcConfig.issuer",
      "update workforce.oidcConfig.clientSecret",
    ]);
  });

  it("clears an optional part the spec sets empty, and changes one it sets", () => {
    const l = withOptionalOidc({
      scope: "openid",
      authenticationRequestExtraParams: { prompt: "login" },
    });
    const p = plan(
      spec({
        workforce: {
          oidcConfig: oidcConfig({ scope: "openid email", authenticationRequestExtraParams: {} }),
        },
      }),
      l,
      opts(),
    );
    expect(paths(p)).toEqual([
      "update workforce.oidcConfig.scope",
      "delete workforce.oidcConfig.authenticationRequestExtraParams.prompt",
      "update workforce.oidcConfig.clientSecret",
    ]);
    expect(p.unmanaged.filter((u) => u.startsWith("workforce.oidcConfig"))).toEqual([]);
  });

  it("clears the scope when the spec sets it null", () => {
    const l = withOptionalOidc({ scope: "openid" });
    const p = plan(spec({ workforce: { oidcConfig: oidcConfig({ scope: null }) } }), l, opts());
    expect(paths(p)).toEqual([
      "delete workforce.oidcConfig.scope",
      "update workforce.oidcConfig.clientSecret",
    ]);
  });

  it("warns, with the values, when the live optional parts go to another identity provider", () => {
    const l = withOptionalOidc({
      scope: "openid",
      authenticationRequestExtraParams: { kc_idp_hint: "old" },
    });
    const issuer = liveWorkforce().oidcConfig!.issuer;
    const moved = plan(
      spec({ workforce: { oidcConfig: oidcConfig({ issuer: "https://new.example.com" }) } }),
      l,
      opts(),
    );
    expect(moved.warnings.map((w) => [w.message, w.hint, w.path])).toEqual([
      [
        `The identity provider changes (issuer ${issuer} → https://new.example.com), and the spec does not set oidcConfig.scope: the live "openid" is sent to the new provider as it is.`,
        "set oidcConfig.scope in the spec to what the new provider expects (null clears it)",
        "workforce.oidcConfig",
      ],
      [
        `The identity provider changes (issuer ${issuer} → https://new.example.com), and the spec does not set oidcConfig.authenticationRequestExtraParams: the live {"kc_idp_hint":"old"} is sent to the new provider as it is.`,
        "set oidcConfig.authenticationRequestExtraParams in the spec to what the new provider expects ({} clears them)",
        "workforce.oidcConfig",
      ],
    ]);
    // The same provider: nothing to say.
    expect(plan(spec(), l, opts()).warnings).toEqual([]);
  });

  it("rotates the secret when asked, even with nothing else to change", () => {
    const p = plan(spec(), live(), opts({ rotateClientSecret: true }));
    expect(paths(p)).toEqual(["update workforce.oidcConfig.clientSecret"]);
    expect(p.resources[0]!.reason).toBe("rotate the OIDC client secret");
    expect(p.sendsSecret).toBe(true);
  });

  it("is blocked by workteams unless deletion is allowed, and names them", () => {
    const l = live({ workteams: [liveTeam("annotators"), liveTeam("reviewers")] });
    const p = plan(newIssuer, l, opts());
    expect(codes(p)).toEqual(["oidc-change-needs-workteam-deletion"]);
    expect(p.blockers[0]!.workteams).toEqual(["annotators", "reviewers"]);
    expect(p.blockers[0]!.message).toContain("annotators, reviewers");
    expect(p.blockers[0]!.hint).toContain("--allow-workteam-deletion");
    expect(p.steps).toEqual([]);
  });

  it("backs up, deletes, updates, waits, restores and verifies, in that order, when allowed", () => {
    const l = live({ workteams: [liveTeam("annotators"), liveTeam("reviewers")] });
    const p = plan(newIssuer, l, opts({ allowWorkteamDeletion: true }));
    expect(p.blockers).toEqual([]);
    expect(p.steps[0]).toEqual({ kind: "backup", workteams: ["annotators", "reviewers"] });
    expect(kinds(p)).toEqual([
      "backup",
      "delete-workteam:annotators",
      "delete-workteam:reviewers",
      "update-workforce",
      "wait-active",
      "create-workteam:annotators",
      "create-workteam:reviewers",
      "verify",
    ]);
    expect(p.resources.filter((r) => r.type === "workteam").map((r) => [r.name, r.action])).toEqual(
      [
        ["annotators", "recreate"],
        ["reviewers", "recreate"],
      ],
    );
    // The issuer and the secret may lock workers out; each workteam counts once, recreated.
    expect(p.summary).toEqual({
      add: 0,
      change: 1,
      delete: 0,
      recreate: 2,
      impact: { ...NO_IMPACT, "lockout-risk": 2, destructive: 2 },
    });
  });

  it("recreates declared teams from the spec (with their changes) and others from the backup", () => {
    const s = spec({
      workforce: { oidcConfig: oidcConfig({ issuer: "https://new.example.com" }) },
      workteams: [workteam({ description: "new text" })],
    });
    const p = plan(
      s,
      live({ workteams: [liveTeam("annotators"), liveTeam("legacy")] }),
      opts({ allowWorkteamDeletion: true }),
    );
    expect(p.steps.filter((x) => x.kind === "create-workteam")).toEqual([
      { kind: "create-workteam", name: "annotators", source: "spec+backup" },
      { kind: "create-workteam", name: "legacy", source: "backup" },
    ]);
    expect(paths(p)).toContain("update workteams.annotators.description");
  });

  it("does not restore undeclared teams when restoreWorkteams is off", () => {
    const p = plan(
      newIssuer,
      live({ workteams: [liveTeam("legacy")] }),
      opts({ allowWorkteamDeletion: true, restoreWorkteams: false }),
    );
    expect(p.resources[1]).toMatchObject({ name: "legacy", action: "delete" });
    expect(kinds(p)).not.toContain("create-workteam:legacy");
    expect(p.summary.delete).toBe(1);
  });

  it("is blocked by a workteam with an in-progress labeling job, even when deletion is allowed", () => {
    const l = live({
      workteams: [liveTeam("annotators")],
      jobs: { annotators: [{ name: "job-1", pendingHuman: 4 }] },
    });
    const p = plan(newIssuer, l, opts({ allowWorkteamDeletion: true }));
    expect(codes(p)).toEqual(["workteam-in-use"]);
    expect(p.blockers[0]!.message).toContain("job-1");
    expect(p.steps).toEqual([]);
  });
});

describe("impossible changes are blockers that explain why", () => {
  const cognito = { userPool: "us-east-1_AbC", clientId: "c1" };
  it.each<[string, Spec, LiveState, string]>([
    [
      "Cognito → OIDC",
      spec(),
      live({ workforce: liveWorkforce({ oidcConfig: undefined, cognitoConfig: cognito }) }),
      "identity-provider-change",
    ],
    [
      "OIDC → Cognito",
      spec({ workforce: { oidcConfig: undefined, cognitoConfig: cognito } }),
      live(),
      "identity-provider-change",
    ],
    [
      "a changed cognitoConfig",
      spec({ workforce: { oidcConfig: undefined, cognitoConfig: { ...cognito, clientId: "c2" } } }),
      live({ workforce: liveWorkforce({ oidcConfig: undefined, cognitoConfig: cognito }) }),
      "cognito-config-change",
    ],
    [
      "a renamed workforce",
      spec(),
      live({ workforce: null, otherWorkforce: "old-name" }),
      "workforce-renamed",
    ],
    [
      "more than 25 workteams",
      spec({ workteams: Array.from({ length: 5 }, (_, i) => workteam({ name: `new${i}` })) }),
      live({ workteams: Array.from({ length: 21 }, (_, i) => liveTeam(`t${i}`)) }),
      "too-many-workteams",
    ],
  ])("%s", (_name, s, l, code) => {
    const p = plan(s, l, opts());
    expect(codes(p)).toEqual([code]);
    expect(p.blockers[0]!.hint).toBeTruthy();
    expect(p.steps).toEqual([]);
  });
});

describe("a missing workforce", () => {
  it("is created with everything the spec says, then its workteams", () => {
    const p = plan(
      spec({ workforce: { tags: { team: "ml" } }, workteams: [workteam()] }),
      live({ workforce: null }),
      opts(),
    );
    expect(kinds(p)).toEqual([
      "create-workforce",
      "wait-active",
      "create-workteam:annotators",
      "verify",
    ]);
    expect(paths(p)).toContain("create workforce.tags.team");
    expect(paths(p)).toContain("create workforce.oidcConfig.clientSecret");
    expect(p.sendsSecret).toBe(true);
    // A new workforce opens access: its 7 OIDC fields and the secret, and the team's members.
    expect(p.summary).toEqual({
      add: 2,
      change: 0,
      delete: 0,
      recreate: 0,
      impact: { ...NO_IMPACT, broadening: 9, neutral: 2 },
    });
  });
});

describe("workteams", () => {
  it("creates declared teams that are missing and updates those that differ", () => {
    const s = spec({ workteams: [workteam(), workteam({ name: "new", description: "New" })] });
    const p = plan(
      s,
      live({ workteams: [liveTeam("annotators", { description: "Old" })] }),
      opts(),
    );
    expect(kinds(p)).toEqual(["update-workteam:annotators", "create-workteam:new", "verify"]);
    expect(p.steps[0]).toEqual({
      kind: "update-workteam",
      name: "annotators",
      fields: ["description"],
    });
  });

  it("leaves undeclared teams alone (said once) unless pruning, which backs them up first", () => {
    const s = spec({ workteams: [workteam()] });
    const l = live({ workteams: [liveTeam("annotators"), liveTeam("old")] });
    expect(plan(s, l, opts()).steps).toEqual([]);
    expect(plan(s, l, opts()).unmanaged.at(-1)).toContain("old");
    const pruned = plan(s, l, opts({ pruneWorkteams: true }));
    expect(kinds(pruned)).toEqual(["backup", "delete-workteam:old", "verify"]);
    expect(pruned.steps[0]).toEqual({ kind: "backup", workteams: ["old"] });
    expect(pruned.summary.delete).toBe(1);
  });

  it("deletes a pruned team that blocks an OIDC update once, before the update, and does not restore it", () => {
    const s = spec({
      workforce: { oidcConfig: oidcConfig({ issuer: "https://new.example.com" }) },
      workteams: [],
      policy: { pruneWorkteams: true },
    });
    const p = plan(
      s,
      live({ workteams: [liveTeam("old")] }),
      opts({ allowWorkteamDeletion: true, pruneWorkteams: true }),
    );
    expect(kinds(p)).toEqual([
      "backup",
      "delete-workteam:old",
      "update-workforce",
      "wait-active",
      "verify",
    ]);
  });

  it("never prunes when the spec does not manage workteams", () => {
    const p = plan(spec(), live({ workteams: [liveTeam("old")] }), opts({ pruneWorkteams: true }));
    expect(p.steps).toEqual([]);
  });
});

describe("options", () => {
  it("come from the policy, and flags can only add permission", () => {
    const s = spec({
      policy: { allowWorkteamDeletion: false, restoreWorkteams: false, pruneWorkteams: true },
    });
    expect(planOptions(s)).toEqual({
      allowWorkteamDeletion: false,
      restoreWorkteams: false,
      pruneWorkteams: true,
      rotateClientSecret: false,
    });
    expect(planOptions(s, { allowWorkteamDeletion: true, rotateClientSecret: true })).toMatchObject(
      { allowWorkteamDeletion: true, rotateClientSecret: true },
    );
    expect(
      planOptions(spec({ policy: { allowWorkteamDeletion: true } })).allowWorkteamDeletion,
    ).toBe(true);
    expect(planOptions(spec())).toEqual({
      allowWorkteamDeletion: false,
      restoreWorkteams: true,
      pruneWorkteams: false,
      rotateClientSecret: false,
    });
  });
});

describe("the planner (property)", () => {
  const cidr = fc.constantFrom("10.0.0.0/16", "10.1.0.0/16", "2001:db8::/32", "192.168.0.0/24");
  const teamName = fc.constantFrom("a", "b", "c", "d");
  const tags = fc.dictionary(fc.constantFrom("team", "env"), fc.constantFrom("x", "y"), {
    maxKeys: 2,
  });
  const vpc = { vpcId: "vpc-1", securityGroupIds: ["sg-1"], subnets: ["subnet-1"] };
  const arbitraryLive = fc.record({
    exists: fc.boolean(),
    status: fc.constantFrom("Active", "Updating", "Failed"),
    cidrs: fc.uniqueArray(cidr, { maxLength: 4 }),
    vpc: fc.boolean(),
    issuer: fc.constantFrom("https://idp.example.com", "https://other.example.com"),
    teams: fc.uniqueArray(fc.record({ name: teamName, topic: fc.boolean(), tags }), {
      maxLength: 4,
      selector: (t) => t.name,
    }),
    restorable: fc.uniqueArray(teamName, { maxLength: 2 }),
    busy: fc.uniqueArray(teamName, { maxLength: 2 }),
  });
  const arbitrarySpec = fc.record({
    cidrs: fc.option(fc.uniqueArray(cidr, { maxLength: 4 }), { nil: undefined }),
    vpc: fc.option(fc.boolean(), { nil: undefined }),
    issuer: fc.constantFrom("https://idp.example.com", "https://other.example.com"),
    teams: fc.option(
      fc.uniqueArray(fc.record({ name: teamName, tags: fc.option(tags, { nil: undefined }) }), {
        maxLength: 4,
        selector: (t) => t.name,
      }),
      { nil: undefined },
    ),
  });
  const arbitraryOptions = fc.record({
    allowWorkteamDeletion: fc.boolean(),
    restoreWorkteams: fc.boolean(),
    pruneWorkteams: fc.boolean(),
    rotateClientSecret: fc.boolean(),
  });

  it("never throws, and every plan is either blocked or ordered safely", () => {
    fc.assert(
      fc.property(arbitrarySpec, arbitraryLive, arbitraryOptions, (s, l, o) => {
        // IP ranges and a VPC together fail validation: such a spec never reaches the planner.
        const cidrs = s.vpc ? [] : s.cidrs;
        const theSpec = spec({
          workforce: {
            oidcConfig: oidcConfig({ issuer: s.issuer }),
            ...(cidrs ? { sourceIpConfig: { cidrs } } : {}),
            ...(s.vpc !== undefined ? { workforceVpcConfig: s.vpc ? vpc : null } : {}),
          },
          ...(s.teams
            ? {
                workteams: s.teams.map((t) =>
                  workteam({ name: t.name, ...(t.tags ? { tags: t.tags } : {}) }),
                ),
              }
            : {}),
        });
        const liveTeams = l.exists
          ? l.teams.map((t) =>
              liveTeam(t.name, {
                tags: t.tags,
                ...(t.topic
                  ? { notificationConfiguration: { notificationTopicArn: "arn:aws:sns:::t" } }
                  : {}),
              }),
            )
          : [];
        const theLive = live({
          workforce: l.exists
            ? liveWorkforce({
                status: l.status,
                sourceIpConfig: { cidrs: l.vpc ? [] : l.cidrs },
                workforceVpcConfig: l.vpc ? vpc : null,
                oidcConfig: { ...liveWorkforce().oidcConfig!, issuer: l.issuer },
              })
            : null,
          workteams: liveTeams,
          restorable: l.restorable
            .filter((n) => !liveTeams.some((t) => t.name === n))
            .map((name) => ({ ...liveTeam(name), tags: {} })),
          jobs: Object.fromEntries(l.busy.map((t) => [t, [{ name: `job-${t}`, pendingHuman: 1 }]])),
        });
        const p = plan(theSpec, theLive, o);
        if (p.blockers.length > 0) {
          expect(p.steps).toEqual([]);
          return;
        }
        const steps = p.steps;
        const index = (x: Step) => steps.indexOf(x);
        const deletes = steps.filter((x) => x.kind === "delete-workteam");
        const creates = steps.filter((x) => x.kind === "create-workteam");
        const backup = steps.find((x) => x.kind === "backup");
        // Nothing is deleted without a backup step before it that names it.
        for (const d of deletes) {
          expect(backup).toBeDefined();
          expect(index(backup!)).toBeLessThan(index(d));
          expect(backup!.workteams).toContain(d.name);
        }
        // No workteam is deleted or created twice.
        const names = (xs: { name: string }[]) => xs.map((x) => x.name);
        expect(new Set(names(deletes)).size).toBe(deletes.length);
        expect(new Set(names(creates)).size).toBe(creates.length);
        // No team with an in-progress job is ever deleted.
        for (const d of deletes) expect(l.busy).not.toContain(d.name);
        // The OIDC config is sent only after the teams blocking it are gone; every update is
        // waited for; and nothing is deleted before a workforce update that could still be refused.
        const updates = steps.filter((x) => x.kind === "update-workforce");
        const oidcUpdate = updates.find((x) => x.fields.includes("oidcConfig"));
        for (const d of deletes.filter((x) => x.reason === "oidc")) {
          expect(index(d)).toBeLessThan(index(oidcUpdate!));
        }
        for (const u of updates) {
          expect(steps[index(u) + 1]!.kind).toBe("wait-active");
          if (u !== oidcUpdate) for (const d of deletes) expect(index(d)).toBeGreaterThan(index(u));
        }
        // An update still running is waited for before anything else.
        if (l.exists && l.status === "Updating")
          expect(steps[0]?.kind ?? "wait-active").toBe("wait-active");
        // Teams come back only after the last wait, and every team deleted for the OIDC update
        // that the spec declares (or, with restoreWorkteams, any) is recreated.
        const lastWait = steps.findLastIndex((x) => x.kind === "wait-active");
        for (const c of creates) expect(index(c)).toBeGreaterThan(lastWait);
        const declared = new Set<string>(s.teams?.map((t) => t.name));
        for (const d of deletes.filter((x) => x.reason === "oidc")) {
          const pruned = o.pruneWorkteams && s.teams !== undefined && !declared.has(d.name);
          if (declared.has(d.name) || (o.restoreWorkteams && !pruned)) {
            expect(names(creates)).toContain(d.name);
          }
        }
        // The 25-team limit holds after every step.
        let count = theLive.workteams.length;
        for (const x of steps) {
          if (x.kind === "delete-workteam") count -= 1;
          if (x.kind === "create-workteam") count += 1;
          expect(count).toBeLessThanOrEqual(25);
        }
        if (steps.length > 0) expect(steps.at(-1)!.kind).toBe("verify");
        // The secret shows only as what it is, with where it comes from.
        for (const c of p.resources.flatMap((r) => r.changes)) {
          if (c.path.endsWith("clientSecret")) {
            expect(c.sensitive).toBe(true);
            expect(String(c.after)).toMatch(/^\(sensitive\)/);
          }
        }
      }),
      { numRuns: runs(500) },
    );
  });
});

describe("nothing lost, nothing changed wrongly", () => {
  const topic = "arn:aws:sns:us-east-1:123456789012:labeling";
  const access = { s3Presign: { iamPolicyConstraints: { sourceIp: "Enabled" as const } } };
  const newIssuer = { oidcConfig: oidcConfig({ issuer: "https://new.example.com" }) };
  const vpc = { vpcId: "vpc-1", securityGroupIds: ["sg-1"], subnets: ["subnet-1"] };
  const allow = opts({ allowWorkteamDeletion: true });
  const richTeam = (name: string) =>
    liveTeam(name, {
      notificationConfiguration: { notificationTopicArn: topic },
      workerAccessConfiguration: access,
      tags: { team: name, "aws:cloudformation:stack-name": "s" },
    });

  it("recreates a declared team with the spec's fields and its backup's others, and says which", () => {
    const p = plan(
      spec({ workforce: newIssuer, workteams: [workteam({ description: "new" })] }),
      live({ workteams: [richTeam("annotators")] }),
      allow,
    );
    const team = p.resources.find((r) => r.name === "annotators")!;
    expect(team.action).toBe("recreate");
    expect(team.fields).toEqual({
      source: "spec+backup",
      fromSpec: ["description", "memberDefinitions"],
      fromBackup: ["notificationConfiguration", "workerAccessConfiguration", "tags"],
    });
    expect(p.steps).toContainEqual({
      kind: "create-workteam",
      name: "annotators",
      source: "spec+backup",
    });
  });

  it("takes from the spec what it declares, null and tags included", () => {
    const p = plan(
      spec({
        workforce: newIssuer,
        workteams: [workteam({ notificationConfiguration: null, tags: { team: "x" } })],
      }),
      live({ workteams: [richTeam("annotators")] }),
      allow,
    );
    expect(p.resources.find((r) => r.name === "annotators")!.fields).toEqual({
      source: "spec+backup",
      fromSpec: ["description", "memberDefinitions", "notificationConfiguration", "tags"],
      fromBackup: ["workerAccessConfiguration"],
    });
    expect(paths(p)).toEqual(
      expect.arrayContaining([
        "delete workteams.annotators.notificationConfiguration.notificationTopicArn",
        "update workteams.annotators.tags.team",
      ]),
    );
  });

  it("restores teams of an open backup: declared ones merged with the spec, others whole", () => {
    const saved = (name: string) => ({
      name,
      description: "from backup",
      memberDefinitions: [{ oidcMemberDefinition: { groups: [name] } }],
      notificationConfiguration: { notificationTopicArn: topic },
      tags: { team: name },
    });
    const l = live({ restorable: [saved("annotators"), saved("legacy")] });
    const p = plan(spec({ workteams: [workteam()] }), l, opts());
    expect(p.steps).toEqual([
      { kind: "create-workteam", name: "annotators", source: "spec+backup" },
      { kind: "create-workteam", name: "legacy", source: "backup" },
      { kind: "verify" },
    ]);
    expect(p.resources.map((r) => [r.name, r.action, r.fields?.fromBackup])).toEqual([
      ["annotators", "create", ["notificationConfiguration", "tags"]],
      [
        "legacy",
        "create",
        ["description", "memberDefinitions", "notificationConfiguration", "tags"],
      ],
    ]);
    expect(paths(p)).toEqual(["update workteams.annotators.description"]);
  });

  it.each([
    [
      "restoreWorkteams is off",
      opts({ restoreWorkteams: false }),
      /policy.restoreWorkteams is off/,
    ],
    ["pruning undeclared teams", opts({ pruneWorkteams: true }), /policy.pruneWorkteams is on/],
  ])("says so when an open backup's team is not restored (%s)", (_name, o, why) => {
    const l = live({
      restorable: [
        {
          name: "legacy",
          description: "d",
          memberDefinitions: [{ oidcMemberDefinition: { groups: ["g"] } }],
          tags: {},
        },
      ],
    });
    const p = plan(spec({ workteams: [] }), l, o);
    expect(p.resources).toEqual([
      expect.objectContaining({
        name: "legacy",
        action: "delete",
        reason: expect.stringMatching(why),
      }),
    ]);
    expect(p.steps).toEqual([]);
  });

  it.each<[string, string, string[]]>([
    ["Updating", "nothing else", ["wait-active", "verify"]],
    ["Initializing", "nothing else", ["wait-active", "verify"]],
    ["Updating", "a CIDR", ["wait-active", "update-workforce", "wait-active", "verify"]],
  ])("waits first while the workforce is %s (%s to change)", (status, what, expected) => {
    const s =
      what === "a CIDR"
        ? spec({ workforce: { sourceIpConfig: { cidrs: ["10.9.0.0/16"] } } })
        : spec();
    const p = plan(s, live({ workforce: liveWorkforce({ status }) }), opts());
    expect(kinds(p)).toEqual(expected);
    expect(p.workforceStatus).toBe(status);
  });

  it("sends the spec's configuration again when the last update failed, the secret included", () => {
    const p = plan(
      spec({ workforce: { sourceIpConfig: { cidrs: [] } } }),
      live({ workforce: liveWorkforce({ status: "Failed", failureReason: "bad issuer" }) }),
      opts(),
    );
    expect(p.resources[0]).toMatchObject({
      type: "workforce",
      action: "update",
      reason: expect.stringContaining("its last update failed (bad issuer)"),
    });
    expect(p.summary.change).toBe(1);
    expect(p.sendsSecret).toBe(true);
    expect(paths(p)).toEqual(["update workforce.oidcConfig.clientSecret"]);
    expect(kinds(p)).toEqual(["update-workforce", "wait-active", "verify"]);
    expect(p.steps[0]).toEqual({
      kind: "update-workforce",
      fields: ["oidcConfig", "sourceIpConfig"],
      sendsSecret: true,
    });
  });

  it("after a failed update, does not delete workteams to send an OIDC config that did not change", () => {
    const failed = live({
      workforce: liveWorkforce({ status: "Failed", failureReason: "bad range" }),
      workteams: [liveTeam("annotators")],
    });
    const p = plan(spec({ workforce: { sourceIpConfig: { cidrs: [] } } }), failed, allow);
    expect(kinds(p)).toEqual(["update-workforce", "wait-active", "verify"]);
    expect(p.steps[0]).toEqual({
      kind: "update-workforce",
      fields: ["sourceIpConfig"],
      sendsSecret: false,
    });
    // Only the OIDC config to send: blocked, with how to send it anyway.
    const only = plan(spec(), failed, allow);
    expect(codes(only)).toEqual(["failed-workforce-nothing-to-send"]);
    expect(only.blockers[0]!.hint).toContain("--rotate-client-secret");
    // A changed OIDC config, or a rotation, is sent the usual way: the other fields first.
    const rotated = plan(
      spec({ workforce: { sourceIpConfig: { cidrs: [] } } }),
      failed,
      opts({ allowWorkteamDeletion: true, rotateClientSecret: true }),
    );
    expect(kinds(rotated)).toEqual([
      "update-workforce",
      "wait-active",
      "backup",
      "delete-workteam:annotators",
      "update-workforce",
      "wait-active",
      "create-workteam:annotators",
      "verify",
    ]);
  });

  it("deletes pruned workteams before it creates new ones, so 25 holds at every step", () => {
    const p = plan(
      spec({
        workteams: [
          ...Array.from({ length: 24 }, (_, i) => workteam({ name: `t${i + 1}` })),
          workteam({ name: "fresh" }),
        ],
      }),
      live({
        workteams: Array.from({ length: 25 }, (_, i) =>
          liveTeam(`t${i}`, {
            memberDefinitions: [{ oidcMemberDefinition: { groups: ["annotators"] } }],
          }),
        ),
      }),
      opts({ pruneWorkteams: true }),
    );
    expect(p.blockers).toEqual([]);
    expect(kinds(p)).toEqual(["backup", "delete-workteam:t0", "create-workteam:fresh", "verify"]);
  });

  it("is blocked when the last update failed and the spec manages nothing an update could send", () => {
    const cognito = { userPool: "us-east-1_AbC", clientId: "c1" };
    const p = plan(
      spec({ workforce: { oidcConfig: undefined, cognitoConfig: cognito } }),
      live({
        workforce: liveWorkforce({
          oidcConfig: undefined,
          cognitoConfig: cognito,
          status: "Failed",
        }),
      }),
      opts(),
    );
    expect(codes(p)).toEqual(["failed-workforce-nothing-to-send"]);
  });

  it("sends the other fields, and waits, before deleting teams for the OIDC update", () => {
    const p = plan(
      spec({ workforce: { ...newIssuer, sourceIpConfig: { cidrs: ["10.9.0.0/16"] } } }),
      live({ workteams: [liveTeam("annotators")] }),
      allow,
    );
    expect(kinds(p)).toEqual([
      "update-workforce",
      "wait-active",
      "backup",
      "delete-workteam:annotators",
      "update-workforce",
      "wait-active",
      "create-workteam:annotators",
      "verify",
    ]);
    // Without teams to delete, one update carries everything.
    const alone = plan(
      spec({ workforce: { ...newIssuer, sourceIpConfig: { cidrs: ["10.9.0.0/16"] } } }),
      live(),
      allow,
    );
    expect(alone.steps[0]).toEqual({
      kind: "update-workforce",
      fields: ["oidcConfig", "sourceIpConfig"],
      sendsSecret: true,
    });
  });

  it.each<[string, Raw, Partial<WorkforceLive>, string]>([
    [
      "IP ranges while the live workforce has a VPC the spec leaves alone",
      { sourceIpConfig: { cidrs: ["10.0.0.0/16"] } },
      { workforceVpcConfig: vpc },
      "workforce.sourceIpConfig.cidrs",
    ],
    [
      "a VPC while the live workforce has IP ranges the spec leaves alone",
      { workforceVpcConfig: vpc },
      { sourceIpConfig: { cidrs: ["10.0.0.0/16"] } },
      "workforce.workforceVpcConfig",
    ],
  ])(
    "blocks what the service would refuse on the effective configuration: %s",
    (_n, wf, l, path) => {
      const p = plan(
        spec({ workforce: { ...newIssuer, ...wf } }),
        live({ workforce: liveWorkforce(l), workteams: [liveTeam("annotators")] }),
        allow,
      );
      expect(p.blockers).toEqual([
        expect.objectContaining({
          code: "service-rule",
          path,
          message: expect.stringContaining("does not support source IP restriction"),
        }),
      ]);
      expect(p.steps).toEqual([]);
    },
  );

  it("allows a VPC together with lifting the IP restriction, and detaching it together with setting one", () => {
    const into = plan(
      spec({ workforce: { sourceIpConfig: { cidrs: [] }, workforceVpcConfig: vpc } }),
      live({ workforce: liveWorkforce({ sourceIpConfig: { cidrs: ["10.0.0.0/16"] } }) }),
      opts(),
    );
    expect(into.blockers).toEqual([]);
    const out = plan(
      spec({ workforce: { sourceIpConfig: { cidrs: ["10.0.0.0/16"] }, workforceVpcConfig: null } }),
      live({ workforce: liveWorkforce({ workforceVpcConfig: vpc }) }),
      opts(),
    );
    expect(out.blockers).toEqual([]);
    expect(out.steps[0]).toEqual({
      kind: "update-workforce",
      fields: ["sourceIpConfig", "workforceVpcConfig"],
      sendsSecret: false,
    });
  });

  it("plans tag changes of a workteam (AddTags, DeleteTags), leaving reserved aws: tags alone", () => {
    const p = plan(
      spec({ workteams: [workteam({ tags: { team: "ml", cost: "1" } })] }),
      live({
        workteams: [
          liveTeam("annotators", {
            description: "Image annotators",
            memberDefinitions: [{ oidcMemberDefinition: { groups: ["annotators"] } }],
            tags: { team: "old", env: "dev", "aws:cloudformation:stack-name": "s" },
          }),
        ],
      }),
      opts(),
    );
    expect(paths(p)).toEqual([
      "update workteams.annotators.tags.team",
      "delete workteams.annotators.tags.env",
      "create workteams.annotators.tags.cost",
    ]);
    expect(p.steps).toEqual([
      { kind: "tag-workteam", name: "annotators", add: { team: "ml", cost: "1" }, remove: ["env"] },
      { kind: "verify" },
    ]);
  });

  it("refuses to plan declared tags it was not given the live tags of", () => {
    expect(() =>
      plan(
        spec({ workteams: [workteam({ tags: {} })] }),
        live({ workteams: [liveTeam("annotators")] }),
        opts(),
      ),
    ).toThrow(/needs its live tags/);
  });

  it("warns that workforce tags cannot be compared once the workforce exists", () => {
    const p = plan(spec({ workforce: { tags: { team: "ml" } } }), live(), opts());
    expect(p.warnings).toEqual([
      expect.objectContaining({
        path: "workforce.tags",
        message: expect.stringContaining("sent only when the workforce is created"),
      }),
    ]);
  });

  it("clears a workteam's notification topic with null", () => {
    const p = plan(
      spec({ workteams: [workteam({ notificationConfiguration: null })] }),
      live({
        workteams: [
          liveTeam("annotators", { notificationConfiguration: { notificationTopicArn: topic } }),
        ],
      }),
      opts(),
    );
    expect(paths(p)).toEqual([
      "delete workteams.annotators.notificationConfiguration.notificationTopicArn",
    ]);
    expect(p.steps[0]).toEqual({
      kind: "update-workteam",
      name: "annotators",
      fields: ["notificationConfiguration"],
    });
    // null where there is none is no change.
    expect(
      plan(
        spec({ workteams: [workteam({ notificationConfiguration: null })] }),
        live({ workteams: [liveTeam("annotators")] }),
        opts(),
      ).resources,
    ).toEqual([]);
  });
});

describe("what mutation testing found unchecked in the planner", () => {
  const newIssuer = { oidcConfig: oidcConfig({ issuer: "https://new.example.com" }) };

  it("names the workteams a plan deletes, blocked or not, for reading their jobs and tags", () => {
    const l = live({ workteams: [liveTeam("annotators"), liveTeam("old")] });
    const blocked = plan(spec({ workforce: newIssuer }), l, opts());
    expect(codes(blocked)).toEqual(["oidc-change-needs-workteam-deletion"]);
    expect(workteamsToDelete(blocked)).toEqual(["annotators", "old"]);
    const pruning = plan(
      spec({ workteams: [workteam({ description: "Changed" }), workteam({ name: "new" })] }),
      l,
      opts({ pruneWorkteams: true }),
    );
    expect(pruning.resources.map((r) => `${r.action}:${r.name}`)).toEqual([
      "update:annotators",
      "delete:old",
      "create:new",
    ]);
    expect(workteamsToDelete(pruning)).toEqual(["old"]);
    expect(pruning.steps).toContainEqual({ kind: "delete-workteam", name: "old", reason: "prune" });
    expect(workteamsToDelete(plan(spec(), l, opts()))).toEqual([]);
  });

  it("creates a workforce sending the secret, which is new (no before)", () => {
    const p = plan(spec(), live({ workforce: null }), opts());
    expect(p.steps[0]).toEqual({ kind: "create-workforce", sendsSecret: true });
    const secret = p.resources[0]!.changes.find((c) => c.sensitive)!;
    expect(secret).toEqual({
      path: "workforce.oidcConfig.clientSecret",
      action: "create",
      before: undefined,
      after: "(sensitive) from ${env:WFPLAN_OIDC_CLIENT_SECRET}",
      sensitive: true,
      impact: "broadening",
    });
  });

  it("shows no workforce change when an identity blocker stops the plan", () => {
    const cognito = { userPool: "us-east-1_AbC", clientId: "c1" };
    const p = plan(
      spec({ workforce: { oidcConfig: undefined, cognitoConfig: { ...cognito, clientId: "c2" } } }),
      live({ workforce: liveWorkforce({ oidcConfig: undefined, cognitoConfig: cognito }) }),
      opts(),
    );
    expect(codes(p)).toEqual(["cognito-config-change"]);
    expect(p.resources).toEqual([]);
    // The same pool and client: nothing to block.
    const same = plan(
      spec({ workforce: { oidcConfig: undefined, cognitoConfig: cognito } }),
      live({ workforce: liveWorkforce({ oidcConfig: undefined, cognitoConfig: cognito }) }),
      opts(),
    );
    expect(same.blockers).toEqual([]);
  });

  it("warns about a Failed workforce, with its reason", () => {
    const p = plan(
      spec({ workforce: { sourceIpConfig: { cidrs: [] } } }),
      live({ workforce: liveWorkforce({ status: "Failed", failureReason: "bad range" }) }),
      opts(),
    );
    expect(p.warnings).toEqual([
      {
        message: "The workforce's last update failed: bad range.",
        hint: "apply sends the spec's configuration again",
      },
    ]);
  });

  it.each<[string, Raw, Partial<WorkforceLive>, string | undefined]>([
    [
      "IPv6 ranges in the spec while the live workforce is ipv4",
      { sourceIpConfig: { cidrs: ["2001:db8::/32", "10.0.0.0/16"] } },
      {},
      "workforce.sourceIpConfig.cidrs",
    ],
    [
      "ipv4 in the spec while the live ranges hold IPv6",
      { ipAddressType: "ipv4" },
      { sourceIpConfig: { cidrs: ["2001:db8::/32"] }, ipAddressType: "dualstack" },
      "workforce.ipAddressType",
    ],
    [
      "dualstack in the spec",
      { ipAddressType: "dualstack" },
      { sourceIpConfig: { cidrs: ["2001:db8::/32"] } },
      undefined,
    ],
    ["IPv4 ranges only", { sourceIpConfig: { cidrs: ["10.0.0.0/16"] } }, {}, undefined],
    [
      "both in the spec, where validation has warned already",
      { sourceIpConfig: { cidrs: ["2001:db8::/32"] }, ipAddressType: "ipv4" },
      {},
      undefined,
    ],
    ["neither in the spec", {}, { sourceIpConfig: { cidrs: ["2001:db8::/32"] } }, undefined],
  ])(
    "warns about IPv6 ranges on an ipv4 workforce on the effective configuration: %s",
    (_n, wf, l, path) => {
      const p = plan(spec({ workforce: wf }), live({ workforce: liveWorkforce(l) }), opts());
      const warning = p.warnings.find((w) => w.message.includes("IPv6"));
      if (!path) return expect(warning).toBeUndefined();
      expect(warning).toMatchObject({
        path,
        message:
          "2001:db8::/32 is IPv6 but the workforce's ipAddressType is ipv4, so IPv6 clients never reach the portal.",
      });
    },
  );

  it("names several IPv6 ranges in the plural", () => {
    const p = plan(
      spec({ workforce: { ipAddressType: "ipv4" } }),
      live({
        workforce: liveWorkforce({
          ipAddressType: "dualstack",
          sourceIpConfig: { cidrs: ["2001:db8::/32", "2001:db9::/32"] },
        }),
      }),
      opts(),
    );
    expect(p.warnings.map((w) => w.message)).toEqual([
      "2001:db8::/32, 2001:db9::/32 are IPv6 but the workforce's ipAddressType is ipv4, so IPv6 clients never reach the portal.",
    ]);
  });

  it("lists every live IP range that stops a VPC", () => {
    const p = plan(
      spec({
        workforce: {
          workforceVpcConfig: { vpcId: "vpc-1", securityGroupIds: ["sg-1"], subnets: ["subnet-1"] },
        },
      }),
      live({
        workforce: liveWorkforce({ sourceIpConfig: { cidrs: ["10.0.0.0/16", "10.1.0.0/16"] } }),
      }),
      opts(),
    );
    expect(p.blockers[0]!.message).toContain("restricts source IPs to 10.0.0.0/16, 10.1.0.0/16 (");
  });

  it("says so when a Failed workforce gave no reason", () => {
    const p = plan(
      spec({ workforce: { sourceIpConfig: { cidrs: [] } } }),
      live({ workforce: liveWorkforce({ status: "Failed" }) }),
      opts(),
    );
    expect(p.resources[0]!.reason).toBe(
      "its last update failed (no reason given): apply sends the spec's oidcConfig, sourceIpConfig again",
    );
  });

  it("creates a Cognito workforce without a secret, and empty tags with no tag lines", () => {
    const p = plan(
      spec({
        workforce: {
          oidcConfig: undefined,
          cognitoConfig: { userPool: "us-east-1_AbC", clientId: "c1" },
          tags: {},
        },
      }),
      live({ workforce: null }),
      opts(),
    );
    expect(paths(p)).toEqual([
      "create workforce.cognitoConfig.userPool",
      "create workforce.cognitoConfig.clientId",
    ]);
    expect(p.steps[0]).toEqual({ kind: "create-workforce", sendsSecret: false });
    expect(p.sendsSecret).toBe(false);
    // Empty workforce tags on a live workforce: nothing to warn about.
    expect(plan(spec({ workforce: { tags: {} } }), live(), opts()).warnings).toEqual([]);
  });

  it("creates a workteam with its tags, and without any when they are empty", () => {
    const p = plan(
      spec({
        workteams: [
          workteam({ name: "tagged", tags: { team: "ml" } }),
          workteam({ name: "bare", tags: {} }),
        ],
      }),
      live(),
      opts(),
    );
    const tagLines = p.resources.flatMap((r) =>
      r.changes.filter((c) => c.path.includes(".tags")).map((c) => [c.path, c.after]),
    );
    expect(tagLines).toEqual([["workteams.tagged.tags.team", "ml"]]);
  });

  it("leaves a backup alone while its workteam is live", () => {
    const p = plan(
      spec(),
      live({
        workteams: [liveTeam("annotators")],
        restorable: [
          {
            name: "annotators",
            description: "old",
            memberDefinitions: [{ oidcMemberDefinition: { groups: ["g"] } }],
            tags: {},
          },
        ],
      }),
      opts(),
    );
    expect(p.resources).toEqual([]);
    expect(p.steps).toEqual([]);
  });

  it("names a busy team and its jobs in the words of one or many", () => {
    const teams = [liveTeam("a"), liveTeam("b")];
    const one = plan(
      spec({ workforce: newIssuer }),
      live({ workteams: teams, jobs: { a: [{ name: "job-a", pendingHuman: 1 }] } }),
      opts({ allowWorkteamDeletion: true }),
    );
    expect(one.blockers[0]!.message).toBe(
      "Workteam a is used by in-progress labeling jobs (job-a), so it cannot be deleted.",
    );
    const two = plan(
      spec({ workforce: newIssuer }),
      live({
        workteams: teams,
        jobs: { a: [{ name: "job-a", pendingHuman: 1 }], b: [{ name: "job-b", pendingHuman: 2 }] },
      }),
      opts({ allowWorkteamDeletion: true }),
    );
    expect(two.blockers[0]!.message).toBe(
      "Workteams a, b are used by in-progress labeling jobs (job-a, job-b), so they cannot be deleted.",
    );
  });

  it("sets only the tags that change, and makes no tag step when none do", () => {
    const l = live({
      workteams: [liveTeam("annotators", { tags: { team: "ml", env: "dev" }, description: "Old" })],
    });
    const p = plan(
      spec({ workteams: [workteam({ tags: { team: "ml", env: "prod" } })] }),
      l,
      opts(),
    );
    expect(p.steps).toContainEqual({
      kind: "tag-workteam",
      name: "annotators",
      add: { env: "prod" },
      remove: [],
    });
    const same = plan(
      spec({ workteams: [workteam({ tags: { team: "ml", env: "dev" } })] }),
      l,
      opts(),
    );
    expect(same.steps.map((s) => s.kind)).toEqual(["update-workteam", "verify"]);
  });

  it("says a team restored whole takes nothing from the spec, and no empty tags from the backup", () => {
    const saved = {
      name: "legacy",
      description: "d",
      memberDefinitions: [{ oidcMemberDefinition: { groups: ["g"] } }],
      tags: {},
    };
    const p = plan(spec(), live({ restorable: [saved] }), opts());
    expect(p.resources[0]!.fields).toEqual({
      source: "backup",
      fromSpec: [],
      fromBackup: ["description", "memberDefinitions"],
    });
    // Before the backup is read, its tags are not known: they are said to come from it.
    const q = plan(
      spec({ workforce: newIssuer }),
      live({ workteams: [liveTeam("legacy")] }),
      opts({ allowWorkteamDeletion: true }),
    );
    expect(q.resources.find((r) => r.name === "legacy")!.fields!.fromBackup).toContain("tags");
  });

  it("counts only the workteams a plan creates against the limit of 25", () => {
    const p = plan(
      spec({
        workteams: Array.from({ length: 25 }, (_, i) =>
          workteam({ name: `t${i}`, description: "New" }),
        ),
      }),
      live({ workteams: Array.from({ length: 24 }, (_, i) => liveTeam(`t${i}`)) }),
      opts(),
    );
    // 24 updates and 1 create: 25 at the end.
    expect(p.blockers).toEqual([]);
    expect(p.steps.filter((s) => s.kind === "create-workteam")).toHaveLength(1);
  });
});

describe("what each blocker, warning and reason says", () => {
  const cognito = { userPool: "us-east-1_AbC", clientId: "c1" };
  const cognitoLive = liveWorkforce({ oidcConfig: undefined, cognitoConfig: cognito });
  const vpc = { vpcId: "vpc-1", securityGroupIds: ["sg-1"], subnets: ["subnet-1"] };
  const saved = (name: string) => ({
    name,
    description: "d",
    memberDefinitions: [{ oidcMemberDefinition: { groups: ["g"] } }],
    tags: {},
  });
  // Built inside each test, so that mutation testing can tell which test covers what.
  const cases: [string, () => Plan][] = [
    ["Cognito → OIDC", () => plan(spec(), live({ workforce: cognitoLive }), opts())],
    [
      "OIDC → Cognito",
      () =>
        plan(
          spec({ workforce: { oidcConfig: undefined, cognitoConfig: cognito } }),
          live(),
          opts(),
        ),
    ],
    [
      "another user pool",
      () =>
        plan(
          spec({
            workforce: {
              oidcConfig: undefined,
              cognitoConfig: { ...cognito, userPool: "us-east-1_Other" },
            },
          }),
          live({ workforce: cognitoLive }),
          opts(),
        ),
    ],
    [
      "a renamed workforce",
      () => plan(spec(), live({ workforce: null, otherWorkforce: "old-name" }), opts()),
    ],
    [
      "a Failed workforce with nothing to send",
      () =>
        plan(
          spec({ workforce: { oidcConfig: undefined, cognitoConfig: cognito } }),
          live({ workforce: { ...cognitoLive, status: "Failed" } }),
          opts(),
        ),
    ],
    [
      "a Failed workforce with a reason",
      () =>
        plan(
          spec({ workforce: { sourceIpConfig: { cidrs: [] } } }),
          live({ workforce: liveWorkforce({ status: "Failed", failureReason: "bad range" }) }),
          opts(),
        ),
    ],
    [
      "IP ranges with a live VPC",
      () =>
        plan(
          spec({ workforce: { sourceIpConfig: { cidrs: ["10.0.0.0/16"] } } }),
          live({ workforce: liveWorkforce({ workforceVpcConfig: vpc }) }),
          opts(),
        ),
    ],
    [
      "a VPC with live IP ranges",
      () =>
        plan(
          spec({ workforce: { workforceVpcConfig: vpc } }),
          live({ workforce: liveWorkforce({ sourceIpConfig: { cidrs: ["10.0.0.0/16"] } }) }),
          opts(),
        ),
    ],
    [
      "too many workteams",
      () =>
        plan(
          spec({ workteams: Array.from({ length: 5 }, (_, i) => workteam({ name: `new${i}` })) }),
          live({ workteams: Array.from({ length: 21 }, (_, i) => liveTeam(`t${i}`)) }),
          opts(),
        ),
    ],
    [
      "busy teams",
      () =>
        plan(
          spec({ workforce: { oidcConfig: oidcConfig({ issuer: "https://new.example.com" }) } }),
          live({ workteams: [liveTeam("a")], jobs: { a: [{ name: "job-a", pendingHuman: 1 }] } }),
          opts({ allowWorkteamDeletion: true }),
        ),
    ],
    ["workforce tags", () => plan(spec({ workforce: { tags: { team: "ml" } } }), live(), opts())],
    [
      "reasons: restore off, undeclared, open backups",
      () =>
        plan(
          spec({
            workforce: { oidcConfig: oidcConfig({ issuer: "https://new.example.com" }) },
            workteams: [workteam({ name: "kept" })],
          }),
          live({ workteams: [liveTeam("gone")], restorable: [saved("kept"), saved("legacy")] }),
          opts({ allowWorkteamDeletion: true, restoreWorkteams: false }),
        ),
    ],
    [
      "reasons: restored from a backup",
      () => plan(spec(), live({ restorable: [saved("legacy")] }), opts()),
    ],
    [
      "unmanaged teams",
      () => plan(spec({ workteams: [] }), live({ workteams: [liveTeam("old")] }), opts()),
    ],
  ];

  it.each(cases)("%s", (_name, make) => {
    const p = make();
    expect({
      blockers: p.blockers,
      warnings: p.warnings,
      unmanaged: p.unmanaged,
      resources: p.resources.map(({ type, name, action, reason }) => ({
        type,
        name,
        action,
        reason,
      })),
    }).toMatchSnapshot();
  });
});

describe("what a plan says about itself", () => {
  it.each([
    {
      name: "no changes",
      make: () => plan(spec(), live(), opts()),
      has: false,
      blocked: false,
      apply: false,
      gone: [],
    },
    {
      name: "a wait for an update in progress, and nothing else",
      make: () => plan(spec(), live({ workforce: liveWorkforce({ status: "Updating" }) }), opts()),
      has: false,
      blocked: false,
      apply: true,
      gone: [],
    },
    {
      name: "an OIDC change that recreates a workteam and prunes another",
      make: () =>
        plan(
          spec({
            workforce: { oidcConfig: oidcConfig({ issuer: "https://new.example.com" }) },
            workteams: [workteam({ name: "a", description: "Image annotators" })],
            policy: { pruneWorkteams: true },
          }),
          live({ workteams: [liveTeam("a"), liveTeam("b")] }),
          opts({ allowWorkteamDeletion: true, pruneWorkteams: true }),
        ),
      has: true,
      blocked: false,
      apply: true,
      gone: [
        { name: "a", recreated: true },
        { name: "b", recreated: false },
      ],
    },
    {
      name: "the same change, without permission to delete",
      make: () =>
        plan(
          spec({
            workforce: { oidcConfig: oidcConfig({ issuer: "https://new.example.com" }) },
            workteams: [workteam({ name: "a", description: "Image annotators" })],
          }),
          live({ workteams: [liveTeam("a")] }),
          opts(),
        ),
      has: true,
      blocked: true,
      apply: false,
      gone: [{ name: "a", recreated: true }],
    },
  ])("$name", ({ make, has, blocked, apply, gone }) => {
    const p = make();
    expect(hasChanges(p)).toBe(has);
    expect(isBlocked(p)).toBe(blocked);
    expect(canApply(p)).toBe(apply);
    expect(destructive(p)).toEqual(gone);
    expect(workteamsToDelete(p)).toEqual(gone.map((t) => t.name));
  });
});

describe("what the session tells the planner", () => {
  const rotating = () =>
    spec({ workforce: { oidcConfig: oidcConfig({ issuer: "https://new.example.com" }) } });

  it("blocks a plan that sends a secret it cannot read, at the secret's field", () => {
    const p = plan(rotating(), live(), opts(), {
      secretProblem: { message: "WFPLAN_OIDC_CLIENT_SECRET is not set", hint: "export it" },
      locate: (path) => (path === "workforce.oidcConfig.clientSecret" ? "w.yaml:5:19" : undefined),
    });
    expect(p.blockers).toEqual([
      {
        code: "secret-unavailable",
        message: "WFPLAN_OIDC_CLIENT_SECRET is not set",
        hint: "export it",
        path: "workforce.oidcConfig.clientSecret",
        location: "w.yaml:5:19",
      },
    ]);
    expect(p.steps).toEqual([]);
  });

  it("does not block a plan that sends no secret", () => {
    const p = plan(spec(), live(), opts(), { secretProblem: { message: "not set" } });
    expect(p.blockers).toEqual([]);
  });

  it("puts the spec's own warnings first, and locates each note that names a field", () => {
    const p = plan(
      spec({ workforce: { sourceIpConfig: { cidrs: ["10.0.0.0/16", "2001:db8::/32"] } } }),
      live(),
      opts(),
      {
        specWarnings: [{ message: "from the spec", location: "w.yaml:1:1" }],
        locate: (path) => `at ${path}`,
      },
    );
    expect(p.warnings[0]).toEqual({ message: "from the spec", location: "w.yaml:1:1" });
    for (const note of [...p.blockers, ...p.warnings.slice(1)])
      expect(note.location).toBe(note.path ? `at ${note.path}` : undefined);
    expect([...p.blockers, ...p.warnings].filter((n) => n.path).length).toBeGreaterThan(0);
  });

  it("removes a tag the spec dropped, adding none", () => {
    const p = plan(
      spec({ workteams: [workteam({ name: "a", tags: { team: "ml" } })] }),
      live({ workteams: [liveTeam("a", { tags: { team: "ml", old: "x" } })] }),
      opts(),
    );
    expect(p.steps).toContainEqual({ kind: "tag-workteam", name: "a", add: {}, remove: ["old"] });
  });

  it("adds tags that a team lacks, removing none", () => {
    const p = plan(
      spec({ workteams: [workteam({ name: "a", tags: { team: "ml" } })] }),
      live({ workteams: [liveTeam("a", { tags: {} })] }),
      opts(),
    );
    expect(p.steps).toContainEqual({
      kind: "tag-workteam",
      name: "a",
      add: { team: "ml" },
      remove: [],
    });
  });
});

describe("what mutation testing found unchecked in the planner, second pass", () => {
  const oidcAndRange = () =>
    spec({
      workforce: {
        oidcConfig: oidcConfig({ issuer: "https://new.example.com" }),
        sourceIpConfig: { cidrs: ["10.9.0.0/16"] },
      },
    });

  it("sends no secret with the first half of a split update, and deletes for the OIDC update", () => {
    const p = plan(
      oidcAndRange(),
      live({ workteams: [liveTeam("annotators")] }),
      opts({ allowWorkteamDeletion: true }),
    );
    expect(p.steps).toEqual([
      { kind: "update-workforce", fields: ["sourceIpConfig"], sendsSecret: false },
      { kind: "wait-active" },
      { kind: "backup", workteams: ["annotators"] },
      { kind: "delete-workteam", name: "annotators", reason: "oidc" },
      { kind: "update-workforce", fields: ["oidcConfig"], sendsSecret: true },
      { kind: "wait-active" },
      { kind: "create-workteam", name: "annotators", source: "backup" },
      { kind: "verify" },
    ]);
  });

  it.each<[string, () => Plan]>([
    ["an update", () => plan(oidcAndRange(), live(), opts())],
    ["a creation", () => plan(oidcAndRange(), live({ workforce: null }), opts())],
  ])(
    "puts the secret's line after the other OIDC fields, before the next section: %s",
    (_n, make) => {
      const lines = paths(make());
      const secret = lines.findIndex((l) => l.endsWith("workforce.oidcConfig.clientSecret"));
      expect(lines[secret - 1]).toMatch(/ workforce\.oidcConfig\.\w+$/);
      expect(lines[secret + 1]).toMatch(/ workforce\.sourceIpConfig\.cidrs$/);
      expect(lines.at(-1)).toMatch(/ workforce\.sourceIpConfig\.cidrs$/);
    },
  );

  it("says why a pruned workteam is deleted", () => {
    const p = plan(
      spec({ workteams: [workteam()] }),
      live({ workteams: [liveTeam("annotators"), liveTeam("old")] }),
      opts({ pruneWorkteams: true }),
    );
    expect(p.resources).toEqual([
      {
        type: "workteam",
        name: "old",
        action: "delete",
        reason: "not in the spec, and policy.pruneWorkteams is on",
        changes: [],
        impact: "destructive",
      },
    ]);
  });

  it("says how to reach the portal over IPv6 when the workforce is ipv4", () => {
    const p = plan(
      spec({ workforce: { sourceIpConfig: { cidrs: ["2001:db8::/32"] } } }),
      live(),
      opts(),
    );
    expect(p.warnings).toEqual([
      {
        message:
          "2001:db8::/32 is IPv6 but the workforce's ipAddressType is ipv4, so IPv6 clients never reach the portal.",
        hint: "set ipAddressType: dualstack, or remove the IPv6 blocks",
        path: "workforce.sourceIpConfig.cidrs",
      },
    ]);
  });

  it("says a new workteam takes everything from the spec and nothing from a backup", () => {
    const p = plan(spec({ workteams: [workteam({ name: "new" })] }), live(), opts());
    expect(p.resources.map((r) => r.fields)).toEqual([
      { source: "spec", fromSpec: ["description", "memberDefinitions"], fromBackup: [] },
    ]);
    expect(p.steps).toEqual([
      { kind: "create-workteam", name: "new", source: "spec" },
      { kind: "verify" },
    ]);
  });

  it.each<[string, Partial<WorkteamLive>, string]>([
    ["turned on", {}, "create"],
    [
      "changed",
      {
        workerAccessConfiguration: {
          s3Presign: { iamPolicyConstraints: { sourceIp: "Disabled" } },
        },
      },
      "update",
    ],
  ])(
    "plans a workteam's worker access configuration the spec has %s",
    (_n, liveTeamOverrides, action) => {
      const p = plan(
        spec({
          workteams: [
            workteam({
              workerAccessConfiguration: {
                s3Presign: { iamPolicyConstraints: { sourceIp: "Enabled" } },
              },
            }),
          ],
        }),
        live({ workteams: [liveTeam("annotators", liveTeamOverrides)] }),
        opts(),
      );
      expect(paths(p)).toEqual([
        `${action} workteams.annotators.workerAccessConfiguration.s3Presign.iamPolicyConstraints.sourceIp`,
      ]);
      expect(p.steps).toEqual([
        { kind: "update-workteam", name: "annotators", fields: ["workerAccessConfiguration"] },
        { kind: "verify" },
      ]);
    },
  );
});
