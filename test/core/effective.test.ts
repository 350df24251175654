import { describe, expect, it } from "vitest";
import {
  type ExpectedState,
  effectiveTeam,
  effectiveWorkforce,
  expectedState,
  stateDifferences,
  type TeamField,
  type TeamState,
  teamDifferences,
  teamFieldPresent,
} from "../../src/core/effective.ts";
import { plan } from "../../src/core/plan.ts";
import type {
  LiveState,
  OidcConfigLive,
  WorkforceLive,
  WorkteamLive,
} from "../../src/core/types.ts";
import { loadSpecText } from "../../src/spec/load.ts";
import type { Spec, WorkforceSpec, WorkteamSpec } from "../../src/spec/schema.ts";
import { oidcConfig, spec as rawSpec, workteam, yaml } from "../builders.ts";

const spec = (o: Parameters<typeof rawSpec>[0] = {}): Spec =>
  loadSpecText(yaml(rawSpec(o)), "t.yaml").spec!;
const { clientSecret, ...oidc } = oidcConfig() as Record<string, string>;
const TOPIC = "arn:aws:sns:us-east-1:123456789012:t";

const workforce = (o: Partial<WorkforceLive> = {}): WorkforceLive => ({
  name: "labelers",
  arn: "arn:aws:sagemaker:us-east-1:123456789012:workforce/labelers",
  status: "Active",
  oidcConfig: oidc as unknown as WorkforceLive["oidcConfig"],
  sourceIpConfig: { cidrs: ["10.0.0.0/16"] },
  workforceVpcConfig: null,
  ipAddressType: "ipv4",
  ...o,
});
const team = (name: string, o: Partial<WorkteamLive> = {}): WorkteamLive => ({
  name,
  arn: `arn:aws:sagemaker:us-east-1:123456789012:workteam/private-crowd/${name}`,
  description: "Image annotators",
  memberDefinitions: [{ oidcMemberDefinition: { groups: [name] } }],
  ...o,
});
const live = (o: Partial<LiveState> = {}): LiveState => ({
  region: "us-east-1",
  workforce: workforce(),
  workteams: [],
  jobs: {},
  ...o,
});
const options = {
  allowWorkteamDeletion: true,
  restoreWorkteams: true,
  pruneWorkteams: false,
  rotateClientSecret: false,
};

/** What verify expects after an OIDC change that deletes and recreates both teams ("legacy" from its backup). */
function recreated() {
  const s = spec({
    workforce: { oidcConfig: oidcConfig({ issuer: "https://new.example.com" }) },
    workteams: [workteam()],
  });
  const before = live({
    workteams: [
      team("annotators", {
        notificationConfiguration: { notificationTopicArn: TOPIC },
        tags: { team: "a" },
      }),
      team("legacy", { tags: {} }),
    ],
  });
  return expectedState(s, before, plan(s, before, options));
}

describe("expected state and its differences (what verify checks)", () => {
  it("keeps every unmanaged field of a recreated team and every field of the workforce", () => {
    const expected = recreated();
    expect(expected.workteams.get("annotators")).toEqual({
      description: "Image annotators",
      memberDefinitions: [{ oidcMemberDefinition: { groups: ["annotators"] } }],
      notificationConfiguration: { notificationTopicArn: TOPIC },
      tags: { team: "a" },
    });
    expect(expected.workforce.sourceIpConfig.cidrs).toEqual(["10.0.0.0/16"]);
    expect(expected.workforce.oidcConfig?.issuer).toBe("https://new.example.com");
  });

  it("finds nothing when the live state is as expected", () => {
    const expected = recreated();
    const after = [
      team("annotators", {
        notificationConfiguration: { notificationTopicArn: TOPIC },
        tags: { team: "a" },
      }),
      team("legacy", { tags: {} }),
    ];
    const wf = workforce({
      oidcConfig: { ...oidc, issuer: "https://new.example.com" } as WorkforceLive["oidcConfig"],
    });
    expect(stateDifferences(expected, wf, after)).toEqual([]);
  });

  it("names each field that is missing, different or extra, the status, and a missing team", () => {
    const expected = recreated();
    const lines = stateDifferences(
      expected,
      workforce({
        status: "Updating",
        workforceVpcConfig: { vpcId: "", securityGroupIds: [], subnets: [] },
      }),
      [team("annotators", { tags: { team: "b" } })],
    );
    expect(lines).toEqual([
      "the workforce is Updating, not Active",
      'workforce.oidcConfig.issuer: expected "https://new.example.com", found "https://idp.example.com"',
      'workforce.workforceVpcConfig.vpcId: expected (none), found ""',
      "workforce.workforceVpcConfig.securityGroupIds: expected (none), found []",
      "workforce.workforceVpcConfig.subnets: expected (none), found []",
      `workteams.annotators.notificationConfiguration: expected "${TOPIC}", found (none)`,
      'workteams.annotators.tags.team: expected "a", found "b"',
      "workteam legacy does not exist",
    ]);
  });

  it("says when a workteam the plan deletes is still there", () => {
    const pruning = spec({ workteams: [] });
    const l = live({ workteams: [team("old")] });
    const p = plan(pruning, l, { ...options, pruneWorkteams: true });
    expect(stateDifferences(expectedState(pruning, l, p), workforce(), [team("old")])).toEqual([
      "workteam old still exists, though the plan deletes it",
    ]);
  });

  it("says when the workforce is gone, or Failed", () => {
    const expected = recreated();
    expect(stateDifferences(expected, null, [])).toEqual(["the workforce does not exist"]);
    expect(
      stateDifferences(expected, workforce({ status: "Failed", failureReason: "bad" }), [])[0],
    ).toBe("the workforce is Failed (bad), not Active");
  });
});

const ACCESS = { s3Presign: { iamPolicyConstraints: { sourceIp: "Enabled" as const } } };
const COGNITO = { userPool: "us-east-1_abc123", clientId: "client1" };
const visibleOidc = (o: Partial<OidcConfigLive> = {}): OidcConfigLive => ({
  ...(oidc as unknown as OidcConfigLive),
  ...o,
});

describe("teamFieldPresent (what a backup supplies to a recreated team)", () => {
  it.each<[string, Partial<TeamState>, TeamField, boolean]>([
    ["always", {}, "description", true],
    ["always", {}, "memberDefinitions", true],
    [
      "a topic",
      { notificationConfiguration: { notificationTopicArn: TOPIC } },
      "notificationConfiguration",
      true,
    ],
    ["no topic", { notificationConfiguration: {} }, "notificationConfiguration", false],
    ["none", {}, "notificationConfiguration", false],
    ["one", { workerAccessConfiguration: ACCESS }, "workerAccessConfiguration", true],
    ["none", {}, "workerAccessConfiguration", false],
    ["a tag", { tags: { team: "a" } }, "tags", true],
    ["no tags", { tags: {} }, "tags", false],
    ["tags not read", {}, "tags", false],
  ])("%s: %s is present = %s", (_, fields, field, present) => {
    const t: TeamState = {
      description: "Image annotators",
      memberDefinitions: [{ oidcMemberDefinition: { groups: ["a"] } }],
      ...fields,
    };
    expect(teamFieldPresent(t, field)).toBe(present);
  });
});

describe("effectiveWorkforce", () => {
  const oidcSpec = (o: Partial<OidcConfigLive> = {}) => ({
    ...visibleOidc(o),
    clientSecret: "${env:WFPLAN_OIDC_CLIENT_SECRET}",
  });

  it("of a workforce to create: the spec's fields, the service's defaults, no secret", () => {
    const wf: WorkforceSpec = { name: "labelers", oidcConfig: oidcSpec() };
    expect(effectiveWorkforce(wf, null)).toStrictEqual({
      sourceIpConfig: { cidrs: [] },
      workforceVpcConfig: null,
      ipAddressType: "ipv4",
      oidcConfig: visibleOidc(),
    });
  });

  it("of a Cognito workforce to create: its user pool, no OIDC config", () => {
    const wf: WorkforceSpec = { name: "labelers", cognitoConfig: COGNITO };
    expect(effectiveWorkforce(wf, null)).toStrictEqual({
      sourceIpConfig: { cidrs: [] },
      workforceVpcConfig: null,
      ipAddressType: "ipv4",
      cognitoConfig: COGNITO,
    });
  });

  it.each<[string, Pick<WorkforceLive, "oidcConfig" | "cognitoConfig">]>([
    ["an OIDC workforce", { oidcConfig: visibleOidc() }],
    ["a Cognito workforce", { cognitoConfig: COGNITO }],
  ])("keeps every field the spec leaves out as it is live: %s", (_, identity) => {
    const { oidcConfig, ...others } = workforce();
    const fields = {
      sourceIpConfig: { cidrs: ["10.0.0.0/16"] },
      workforceVpcConfig: { vpcId: "vpc-1", securityGroupIds: ["sg-1"], subnets: ["subnet-1"] },
      ipAddressType: "dualstack" as const,
      ...identity,
    };
    expect(effectiveWorkforce({ name: "labelers" }, { ...others, ...fields })).toStrictEqual(
      fields,
    );
  });

  it("takes the spec's fields over the live ones, an explicit empty value included", () => {
    const wf: WorkforceSpec = {
      name: "labelers",
      oidcConfig: oidcSpec({ issuer: "https://new.example.com" }),
      sourceIpConfig: { cidrs: [] },
      workforceVpcConfig: null,
      ipAddressType: "ipv4",
    };
    const now = workforce({
      sourceIpConfig: { cidrs: ["10.0.0.0/16"] },
      workforceVpcConfig: { vpcId: "vpc-1", securityGroupIds: ["sg-1"], subnets: ["subnet-1"] },
      ipAddressType: "dualstack",
    });
    expect(effectiveWorkforce(wf, now)).toStrictEqual({
      sourceIpConfig: { cidrs: [] },
      workforceVpcConfig: null,
      ipAddressType: "ipv4",
      oidcConfig: visibleOidc({ issuer: "https://new.example.com" }),
    });
  });
});

describe("effectiveTeam", () => {
  const declared = (o: Partial<WorkteamSpec> = {}): WorkteamSpec => ({
    name: "annotators",
    description: "Image annotators",
    memberDefinitions: [{ oidcMemberDefinition: { groups: ["annotators"] } }],
    ...o,
  });
  const backup = (o: Partial<TeamState> = {}): TeamState => ({
    description: "Old description",
    memberDefinitions: [{ oidcMemberDefinition: { groups: ["old"] } }],
    ...o,
  });

  it("needs a spec or a backup", () => {
    expect(() => effectiveTeam(undefined, undefined)).toThrow(
      "a workteam needs a spec or a backup",
    );
  });

  it("of an undeclared team is its backup, as it is", () => {
    const b = backup({ notificationConfiguration: { notificationTopicArn: TOPIC }, tags: {} });
    expect(effectiveTeam(undefined, b)).toStrictEqual(b);
  });

  it("of a new team is what the spec declares, with no tags", () => {
    expect(effectiveTeam(declared(), undefined)).toStrictEqual({
      description: "Image annotators",
      memberDefinitions: [{ oidcMemberDefinition: { groups: ["annotators"] } }],
      tags: {},
    });
  });

  it("keeps every field the spec leaves out as it was", () => {
    const b = backup({
      notificationConfiguration: { notificationTopicArn: TOPIC },
      workerAccessConfiguration: ACCESS,
      tags: { team: "a" },
    });
    expect(effectiveTeam(declared(), b)).toStrictEqual({
      description: "Image annotators",
      memberDefinitions: [{ oidcMemberDefinition: { groups: ["annotators"] } }],
      notificationConfiguration: { notificationTopicArn: TOPIC },
      workerAccessConfiguration: ACCESS,
      tags: { team: "a" },
    });
  });

  it("leaves the tags unknown when the spec declares none and they were not read", () => {
    expect(effectiveTeam(declared(), backup())).toStrictEqual({
      description: "Image annotators",
      memberDefinitions: [{ oidcMemberDefinition: { groups: ["annotators"] } }],
    });
  });

  it.each<[string, WorkteamSpec["notificationConfiguration"], string | undefined]>([
    ["absent keeps the topic", undefined, TOPIC],
    ["null removes it", null, undefined],
    ["a topic replaces it", { notificationTopicArn: `${TOPIC}2` }, `${TOPIC}2`],
  ])("notificationConfiguration: %s", (_, notificationConfiguration, topic) => {
    const b = backup({ notificationConfiguration: { notificationTopicArn: TOPIC } });
    const out = effectiveTeam(declared({ notificationConfiguration }), b);
    expect(out.notificationConfiguration).toStrictEqual(
      topic ? { notificationTopicArn: topic } : undefined,
    );
  });

  it("takes the spec's worker access configuration over the backup's", () => {
    const b = backup({ workerAccessConfiguration: ACCESS });
    const access = { s3Presign: { iamPolicyConstraints: { vpcSourceIp: "Enabled" as const } } };
    expect(
      effectiveTeam(declared({ workerAccessConfiguration: access }), b).workerAccessConfiguration,
    ).toStrictEqual(access);
  });

  it.each<[string, TeamState | undefined, Record<string, string>]>([
    ["a new team", undefined, { team: "b" }],
    [
      "a team with tags of its own, reserved aws: ones kept",
      backup({ tags: { team: "a", owner: "x", "aws:cloudformation:stack-name": "s" } }),
      { "aws:cloudformation:stack-name": "s", team: "b" },
    ],
  ])("gives the spec's tags to %s", (_, before, tags) => {
    expect(effectiveTeam(declared({ tags: { team: "b" } }), before).tags).toStrictEqual(tags);
  });
});

describe("teamDifferences", () => {
  const have = (o: Partial<WorkteamLive> = {}) => team("a", o);
  const want = (o: Partial<TeamState> = {}): Map<string, TeamState> => {
    const { name, arn, ...config } = team("a");
    return new Map([["a", { ...config, ...o }]]);
  };

  it("compares tags only where they are known", () => {
    expect(teamDifferences(want(), [have({ tags: { team: "x" } })])).toEqual([]);
    expect(teamDifferences(want({ tags: {} }), [have({ tags: { team: "x" } })])).toEqual([
      'workteams.a.tags.team: expected (none), found "x"',
    ]);
  });

  it("leaves the reserved aws: tags out", () => {
    const tags = { team: "x", "aws:cloudformation:stack-name": "s" };
    expect(teamDifferences(want({ tags: { team: "x" } }), [have({ tags })])).toEqual([]);
  });

  it.each<
    [
      string,
      TeamState["workerAccessConfiguration"],
      WorkteamLive["workerAccessConfiguration"],
      string[],
    ]
  >([
    [
      "missing",
      ACCESS,
      undefined,
      [
        'workteams.a.workerAccessConfiguration.s3Presign.iamPolicyConstraints.sourceIp: expected "Enabled", found (none)',
      ],
    ],
    [
      "different",
      ACCESS,
      { s3Presign: { iamPolicyConstraints: { sourceIp: "Disabled" } } },
      [
        'workteams.a.workerAccessConfiguration.s3Presign.iamPolicyConstraints.sourceIp: expected "Enabled", found "Disabled"',
      ],
    ],
    [
      "extra",
      undefined,
      ACCESS,
      [
        'workteams.a.workerAccessConfiguration.s3Presign.iamPolicyConstraints.sourceIp: expected (none), found "Enabled"',
      ],
    ],
    ["the same", ACCESS, ACCESS, []],
  ])("names a worker access configuration that is %s", (_, expected, found, lines) => {
    expect(
      teamDifferences(want({ workerAccessConfiguration: expected }), [
        have({ workerAccessConfiguration: found }),
      ]),
    ).toEqual(lines);
  });
});

describe("stateDifferences of a Cognito workforce", () => {
  it.each([
    ["the same user pool client", "client1", []],
    [
      "another client",
      "client2",
      ['workforce.cognitoConfig.clientId: expected "client1", found "client2"'],
    ],
  ])("finds %s", (_, clientId, lines) => {
    const expected: ExpectedState = {
      workforce: {
        cognitoConfig: COGNITO,
        sourceIpConfig: { cidrs: [] },
        workforceVpcConfig: null,
        ipAddressType: "ipv4",
      },
      workteams: new Map(),
      deleted: new Set(),
    };
    const now = workforce({
      oidcConfig: undefined,
      cognitoConfig: { ...COGNITO, clientId },
      sourceIpConfig: { cidrs: [] },
    });
    expect(stateDifferences(expected, now, [])).toEqual(lines);
  });
});
