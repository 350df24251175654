/**
 * The comparable form of spec and live state (sets sorted, CIDRs canonical, optional parts present
 * only when set), and the field-level changes between two such values.
 */
import { describe, expect, it } from "vitest";
import {
  fieldChanges,
  liveWorkforce,
  liveWorkteam,
  normalizeCidrs,
  normalizeMembers,
  normalizeVpc,
  visibleOidc,
} from "../../src/core/normalize.ts";
import type {
  MemberDefinition,
  OidcConfigLive,
  VpcConfig,
  WorkforceLive,
  WorkteamConfig,
} from "../../src/core/types.ts";
import { liveWorkforce as builtWorkforce } from "../builders.ts";

const OIDC: OidcConfigLive = builtWorkforce().oidcConfig!;
const COGNITO_MEMBER = {
  cognitoMemberDefinition: { userPool: "us-east-1_abc123", userGroup: "g", clientId: "c" },
};

function workforce(o: Partial<WorkforceLive> = {}): WorkforceLive {
  return {
    name: "labelers",
    arn: "arn:aws:sagemaker:us-east-1:123456789012:workforce/labelers",
    status: "Active",
    oidcConfig: { ...OIDC },
    sourceIpConfig: { cidrs: ["2001:DB8::/32", "10.0.0.0/16"] },
    workforceVpcConfig: null,
    ipAddressType: "ipv4",
    ...o,
  };
}

describe("normalizeCidrs", () => {
  it("compares CIDRs as a set of canonical blocks", () => {
    expect(normalizeCidrs(["2001:DB8::/32", "10.0.0.0/16", "2001:db8:0::/32"])).toEqual([
      "10.0.0.0/16",
      "2001:db8::/32",
    ]);
  });
});

describe("normalizeVpc", () => {
  it.each<[string, VpcConfig | null, Record<string, unknown> | null]>([
    ["no VPC", null, null],
    [
      "a VPC, its groups and subnets as sets",
      {
        vpcId: "vpc-1",
        securityGroupIds: ["sg-2", "sg-1", "sg-2"],
        subnets: ["subnet-b", "subnet-a"],
      },
      { vpcId: "vpc-1", securityGroupIds: ["sg-1", "sg-2"], subnets: ["subnet-a", "subnet-b"] },
    ],
    [
      "a VPC the service reports by its endpoint alone, by that endpoint",
      { vpcId: "", securityGroupIds: [], subnets: [], vpcEndpointId: "vpce-1" },
      { vpcEndpointId: "vpce-1" },
    ],
    [
      "a VPC with an id, by its id whatever its endpoint",
      {
        vpcId: "vpc-1",
        securityGroupIds: ["sg-1"],
        subnets: ["subnet-a"],
        vpcEndpointId: "vpce-1",
      },
      { vpcId: "vpc-1", securityGroupIds: ["sg-1"], subnets: ["subnet-a"] },
    ],
    [
      "a VPC with neither id nor endpoint, by its (empty) fields",
      { vpcId: "", securityGroupIds: [], subnets: [] },
      { vpcId: "", securityGroupIds: [], subnets: [] },
    ],
  ])("shows %s", (_, vpc, comparable) => {
    expect(normalizeVpc(vpc)).toStrictEqual(comparable);
  });
});

describe("normalizeMembers", () => {
  it("sorts the definitions and the groups of each, so order does not matter", () => {
    const defs: MemberDefinition[] = [
      { oidcMemberDefinition: { groups: ["x"] } },
      { oidcMemberDefinition: { groups: ["c", "a", "c"] } },
    ];
    const sorted = [
      { oidcMemberDefinition: { groups: ["a", "c"] } },
      { oidcMemberDefinition: { groups: ["x"] } },
    ];
    expect(normalizeMembers(defs)).toEqual(sorted);
    expect(normalizeMembers([...defs].reverse())).toEqual(sorted);
  });

  it("keeps a Cognito definition's user pool, group and client, as a copy", () => {
    const defs: MemberDefinition[] = [structuredClone(COGNITO_MEMBER)];
    const out = normalizeMembers(defs);
    expect(out).toStrictEqual([COGNITO_MEMBER]);
    expect(out[0]).not.toBe(defs[0]);
  });

  it("orders the definitions by code unit, not by the machine's locale", () => {
    // Under most locales "ä" sorts before "z" and "a" before "B"; by code unit, neither does.
    // A saved plan's fingerprint must not depend on the LANG of the machine that checks it.
    const defs: MemberDefinition[] = ["ä", "z", "a", "B"].map((g) => ({
      oidcMemberDefinition: { groups: [g] },
    }));
    expect(normalizeMembers(defs).map((d) => JSON.stringify(d))).toEqual(
      ["B", "a", "z", "ä"].map((g) => JSON.stringify({ oidcMemberDefinition: { groups: [g] } })),
    );
  });
});

describe("visibleOidc", () => {
  it("keeps every field, the optional ones when set", () => {
    const cfg: OidcConfigLive = {
      ...OIDC,
      scope: "openid email",
      authenticationRequestExtraParams: { prompt: "login" },
    };
    expect(visibleOidc(cfg)).toStrictEqual(cfg);
  });

  it.each<[string, Partial<OidcConfigLive>]>([
    ["absent", {}],
    ["empty", { scope: "", authenticationRequestExtraParams: {} }],
  ])("leaves out a scope and extra parameters that are %s", (_, optional) => {
    expect(visibleOidc({ ...OIDC, ...optional })).toStrictEqual(OIDC);
  });
});

describe("liveWorkforce", () => {
  it("gives only the fields asked for, in comparable form", () => {
    expect(liveWorkforce(workforce(), { sourceIpConfig: 1, workforceVpcConfig: 1 })).toStrictEqual({
      sourceIpConfig: { cidrs: ["10.0.0.0/16", "2001:db8::/32"] },
      workforceVpcConfig: null,
    });
  });

  it("leaves out what is not set: an OIDC workforce has no cognitoConfig", () => {
    expect(liveWorkforce(workforce(), { cognitoConfig: 1, ipAddressType: 1 })).toStrictEqual({
      ipAddressType: "ipv4",
    });
  });

  it("gives a Cognito workforce's user pool, as a copy", () => {
    const cognitoConfig = { userPool: "us-east-1_abc123", clientId: "c" };
    const { oidcConfig, ...others } = workforce();
    const wf: WorkforceLive = { ...others, cognitoConfig };
    const out = liveWorkforce(wf, { oidcConfig: 1, cognitoConfig: 1 });
    expect(out).toStrictEqual({ cognitoConfig });
    expect(out.cognitoConfig).not.toBe(cognitoConfig);
  });
});

describe("liveWorkteam", () => {
  it("shows no notification topic as null and leaves out an unset worker access configuration", () => {
    const team: WorkteamConfig = {
      description: "d",
      memberDefinitions: [{ oidcMemberDefinition: { groups: ["b", "a"] } }],
    };
    expect(
      liveWorkteam(team, {
        memberDefinitions: 1,
        notificationConfiguration: 1,
        workerAccessConfiguration: 1,
      }),
    ).toStrictEqual({
      memberDefinitions: [{ oidcMemberDefinition: { groups: ["a", "b"] } }],
      notificationConfiguration: null,
    });
  });
});

describe("fieldChanges", () => {
  it("reports a change inside a list of lists as the whole outer list", () => {
    const team = (groups: string[]) => ({
      memberDefinitions: [{ oidcMemberDefinition: { groups } }],
    });
    expect(fieldChanges(team(["a"]), team(["a", "b"]), "workteams.t")).toEqual([
      {
        path: "workteams.t.memberDefinitions",
        action: "update",
        before: team(["a"]).memberDefinitions,
        after: team(["a", "b"]).memberDefinitions,
        sensitive: false,
      },
    ]);
  });

  it.each<[string, () => [Record<string, unknown>, Record<string, unknown>], unknown[]]>([
    [
      "changed",
      () => [
        { m: { x: 1 }, "m.x": 2 },
        { m: { x: 3 }, "m.x": 4 },
      ],
      [
        { path: "p.m.x", action: "update", before: 1, after: 3, sensitive: false },
        { path: "p.m.x", action: "update", before: 2, after: 4, sensitive: false },
      ],
    ],
    [
      "added",
      () => [{}, { m: { x: 1 }, "m.x": 2 }],
      [
        { path: "p.m.x", action: "create", before: undefined, after: 1, sensitive: false },
        { path: "p.m.x", action: "create", before: undefined, after: 2, sensitive: false },
      ],
    ],
    [
      "removed",
      () => [{ "m.x": 2, m: { x: 1 } }, {}],
      [
        { path: "p.m.x", action: "delete", before: 2, after: undefined, sensitive: false },
        { path: "p.m.x", action: "delete", before: 1, after: undefined, sensitive: false },
      ],
    ],
  ])("keeps two fields whose paths read the same with dots apart when %s", (_, values, changes) => {
    const [before, after] = values();
    expect(fieldChanges(before, after, "p")).toStrictEqual(changes);
  });

  it.each<[string, () => [Record<string, unknown>, Record<string, unknown>], unknown[]]>([
    [
      "appearing",
      () => [{}, { m: {} }],
      [{ path: "p.m", action: "create", before: undefined, after: {}, sensitive: false }],
    ],
    [
      "going",
      () => [{ m: { n: {} } }, {}],
      [{ path: "p.m.n", action: "delete", before: {}, after: undefined, sensitive: false }],
    ],
  ])("reports an empty mapping %s as a change", (_, values, changes) => {
    const [before, after] = values();
    expect(fieldChanges(before, after, "p")).toStrictEqual(changes);
  });

  it("tells an empty list from an empty mapping", () => {
    expect(fieldChanges({ m: [] }, { m: {} }, "p")).toEqual([
      { path: "p.m", action: "update", before: [], after: {}, sensitive: false },
    ]);
  });
});
