/**
 * The live snapshot a plan is made from, its fingerprint, and how two snapshots differ: what
 * `apply PLANFILE` relies on to refuse a stale plan and to say what changed since.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  canonicalJson,
  fingerprint,
  type LiveSnapshot,
  snapshot,
  snapshotDifferences,
} from "../../src/core/fingerprint.ts";
import type {
  BackedUpTeam,
  LiveState,
  OidcConfigLive,
  WorkforceLive,
  WorkteamLive,
} from "../../src/core/types.ts";
import { liveWorkforce } from "../builders.ts";

const TOPIC = "arn:aws:sns:us-east-1:123456789012:labeling";

/** The OIDC config of the builders' workforce, a fresh copy each time. */
const oidc = (): OidcConfigLive => liveWorkforce().oidcConfig!;

function workforce(o: Partial<WorkforceLive> = {}): WorkforceLive {
  return {
    name: "labelers",
    arn: "arn:aws:sagemaker:us-east-1:123456789012:workforce/labelers",
    status: "Active",
    oidcConfig: oidc(),
    sourceIpConfig: { cidrs: ["10.0.0.0/16"] },
    workforceVpcConfig: null,
    ipAddressType: "ipv4",
    ...o,
  };
}

function team(name: string, o: Partial<WorkteamLive> = {}): WorkteamLive {
  return {
    name,
    arn: `arn:aws:sagemaker:us-east-1:123456789012:workteam/private-crowd/${name}`,
    description: `The ${name} team`,
    memberDefinitions: [{ oidcMemberDefinition: { groups: [name] } }],
    ...o,
  };
}

function backedUp(name: string): BackedUpTeam {
  const { arn, ...config } = team(name);
  return { ...config, tags: {} };
}

function live(o: Partial<LiveState> = {}): LiveState {
  return { region: "us-east-1", workforce: workforce(), workteams: [], jobs: {}, ...o };
}

describe("snapshot", () => {
  it("records the workforce's name and every field, in comparable form", () => {
    const s = snapshot(
      live({
        workforce: workforce({
          oidcConfig: { ...oidc(), scope: "openid email" },
          sourceIpConfig: { cidrs: ["2001:DB8::/32", "10.0.0.0/16"] },
          workforceVpcConfig: {
            vpcId: "vpc-1",
            securityGroupIds: ["sg-2", "sg-1"],
            subnets: ["subnet-2", "subnet-1"],
          },
          ipAddressType: "dualstack",
          subDomain: "abc.labeling.us-east-1.sagemaker.aws",
        }),
      }),
    );
    expect(s.workforce).toStrictEqual({
      name: "labelers",
      oidcConfig: { ...oidc(), scope: "openid email" },
      sourceIpConfig: { cidrs: ["10.0.0.0/16", "2001:db8::/32"] },
      workforceVpcConfig: {
        vpcId: "vpc-1",
        securityGroupIds: ["sg-1", "sg-2"],
        subnets: ["subnet-1", "subnet-2"],
      },
      ipAddressType: "dualstack",
    });
  });

  it("records a Cognito workforce's user pool, and no OIDC config", () => {
    const cognitoConfig = { userPool: "us-east-1_abc", clientId: "client1" };
    const s = snapshot(live({ workforce: workforce({ oidcConfig: undefined, cognitoConfig }) }));
    expect(s.workforce).toStrictEqual({
      name: "labelers",
      cognitoConfig,
      sourceIpConfig: { cidrs: ["10.0.0.0/16"] },
      workforceVpcConfig: null,
      ipAddressType: "ipv4",
    });
  });

  it("records a missing workforce as null", () => {
    expect(snapshot(live({ workforce: null })).workforce).toBeNull();
  });

  it.each([
    ["Active", false],
    ["Updating", false],
    ["Failed", true],
  ])("of a workforce that is %s, records failed: %s (not the status)", (status, failed) => {
    const wf = snapshot(live({ workforce: workforce({ status, failureReason: "bad" }) })).workforce;
    const active = snapshot(live()).workforce;
    expect(wf).toStrictEqual(failed ? { ...active, failed: true } : active);
  });

  it("records each workteam by name, in name order, with every field and its tags where read", () => {
    const access = { s3Presign: { iamPolicyConstraints: { sourceIp: "Enabled" } } };
    const s = snapshot(
      live({
        workteams: [
          team("zeta", { tags: { team: "z", "aws:cloudformation:stack-name": "s" } }),
          team("alpha", {
            memberDefinitions: [
              { oidcMemberDefinition: { groups: ["y", "x"] } },
              { oidcMemberDefinition: { groups: ["a"] } },
            ],
            notificationConfiguration: { notificationTopicArn: TOPIC },
            workerAccessConfiguration: access,
          }),
          team("mid", { tags: {} }),
        ],
      }),
    );
    expect(Object.keys(s.workteams)).toEqual(["alpha", "mid", "zeta"]);
    expect(s.workteams).toStrictEqual({
      alpha: {
        description: "The alpha team",
        memberDefinitions: [
          { oidcMemberDefinition: { groups: ["a"] } },
          { oidcMemberDefinition: { groups: ["x", "y"] } },
        ],
        notificationConfiguration: { notificationTopicArn: TOPIC },
        workerAccessConfiguration: access,
      },
      mid: {
        description: "The mid team",
        memberDefinitions: [{ oidcMemberDefinition: { groups: ["mid"] } }],
        notificationConfiguration: null,
        tags: {},
      },
      zeta: {
        description: "The zeta team",
        memberDefinitions: [{ oidcMemberDefinition: { groups: ["zeta"] } }],
        notificationConfiguration: null,
        tags: { team: "z", "aws:cloudformation:stack-name": "s" },
      },
    });
  });

  it.each<[string, BackedUpTeam[] | undefined, string[]]>([
    ["none read", undefined, []],
    ["none open", [], []],
    ["in name order", [backedUp("b"), backedUp("c"), backedUp("a")], ["a", "b", "c"]],
  ])("records the names of the workteams open backups hold: %s", (_, restorable, names) => {
    expect(snapshot(live({ restorable })).restorable).toEqual(names);
  });
});

describe("fingerprint", () => {
  it("is sha256: and 64 hexadecimal digits", () => {
    expect(fingerprint(snapshot(live()))).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  it("is stable: the fingerprint of an empty region is the hash of its canonical JSON", () => {
    // printf '%s' '{"restorable":[],"workforce":null,"workteams":{}}' | sha256sum
    expect(fingerprint({ workforce: null, workteams: {}, restorable: [] })).toBe(
      "sha256:60ff6b40bf100a918956eac21844d2a304a8680100f32635b1f70abba7a29b02",
    );
  });

  it("is the same for the same live state read in another order", () => {
    const a = live({
      workforce: workforce({ sourceIpConfig: { cidrs: ["10.0.0.0/16", "2001:db8::/32"] } }),
      workteams: [team("a"), team("b", { tags: { x: "1", y: "2" } })],
      restorable: [backedUp("c"), backedUp("d")],
    });
    const b = live({
      workforce: workforce({ sourceIpConfig: { cidrs: ["2001:DB8::/32", "10.0.0.0/16"] } }),
      workteams: [team("b", { tags: { y: "2", x: "1" } }), team("a")],
      restorable: [backedUp("d"), backedUp("c")],
    });
    expect(fingerprint(snapshot(b))).toBe(fingerprint(snapshot(a)));
  });

  it("ignores what the snapshot does not record: the ARNs, a status other than Failed", () => {
    const a = live({ workteams: [team("a")] });
    const b = live({
      workforce: workforce({ status: "Updating", arn: "arn:other" }),
      workteams: [team("a", { arn: "arn:other" })],
    });
    expect(fingerprint(snapshot(b))).toBe(fingerprint(snapshot(a)));
  });

  it.each<[string, Partial<LiveState>]>([
    ["a CIDR added", { workforce: workforce({ sourceIpConfig: { cidrs: ["10.0.0.0/8"] } }) }],
    ["the workforce failed", { workforce: workforce({ status: "Failed" }) }],
    ["the workforce is gone", { workforce: null }],
    ["a team's description", { workteams: [team("a", { description: "new" })] }],
    ["a team's tags", { workteams: [team("a", { tags: { team: "b" } })] }],
    ["a team added", { workteams: [team("a"), team("b")] }],
    ["a team in an open backup", { workteams: [team("a")], restorable: [backedUp("b")] }],
  ])("changes when anything recorded changes: %s", (_, change) => {
    const base = live({ workteams: [team("a")] });
    expect(fingerprint(snapshot({ ...base, ...change }))).not.toBe(fingerprint(snapshot(base)));
  });
});

describe("snapshotDifferences", () => {
  it("finds nothing between snapshots of the same live state", () => {
    const l = live({ workteams: [team("a", { tags: { t: "1" } })], restorable: [backedUp("b")] });
    expect(snapshotDifferences(snapshot(l), snapshot(live(l)))).toEqual([]);
  });

  it("finds nothing when there was and is no workforce", () => {
    const none = snapshot(live({ workforce: null }));
    expect(snapshotDifferences(none, snapshot(live({ workforce: null })))).toEqual([]);
  });

  it.each<[string, WorkforceLive | null, WorkforceLive | null]>([
    ["the workforce was created", null, workforce()],
    ["the workforce was deleted", workforce(), null],
  ])("says %s", (line, before, after) => {
    expect(
      snapshotDifferences(
        snapshot(live({ workforce: before })),
        snapshot(live({ workforce: after })),
      ),
    ).toEqual([line]);
  });

  it("names each workforce field that changed", () => {
    const before = snapshot(live());
    const after = snapshot(
      live({
        workforce: workforce({
          status: "Failed",
          sourceIpConfig: { cidrs: ["10.0.0.0/16", "10.1.0.0/16"] },
          ipAddressType: "dualstack",
        }),
      }),
    );
    expect(snapshotDifferences(before, after)).toEqual([
      "workforce.sourceIpConfig.cidrs changed",
      "workforce.ipAddressType changed",
      "workforce.failed changed",
    ]);
  });

  it.each<[string, string[] | undefined, string[] | undefined, string[]]>([
    ["one leaves the backups", ["a", "b"], ["b"], ["workteam a is no longer in an open backup"]],
    ["one enters the backups", ["b"], ["a", "b"], ["workteam a is now in an open backup"]],
    [
      "both",
      ["a"],
      ["b"],
      ["workteam a is no longer in an open backup", "workteam b is now in an open backup"],
    ],
    ["the same ones", ["a"], ["a"], []],
    ["a snapshot without the list (none)", undefined, [], []],
    [
      "a snapshot without the list, then one",
      undefined,
      ["a"],
      ["workteam a is now in an open backup"],
    ],
  ])("says which workteams came into or left open backups: %s", (_, before, after, lines) => {
    const snap = (restorable: string[] | undefined): LiveSnapshot => ({
      workforce: null,
      workteams: {},
      ...(restorable ? { restorable } : {}),
    });
    expect(snapshotDifferences(snap(before), snap(after))).toEqual(lines);
  });

  it("says which workteams were created, deleted or changed, in name order", () => {
    const before = snapshot(live({ workteams: [team("c"), team("b", { tags: { team: "1" } })] }));
    const after = snapshot(
      live({
        workteams: [
          team("c", { description: "new", tags: { team: "2" } }),
          team("a"),
          team("b", { tags: { team: "2" } }),
        ],
      }),
    );
    expect(snapshotDifferences(before, after)).toEqual([
      "workteam a was created",
      "workteams.b.tags.team changed",
      "workteams.c.description changed",
      "workteams.c.tags.team changed",
    ]);
    expect(snapshotDifferences(after, before)).toEqual([
      "workteam a was deleted",
      "workteams.b.tags.team changed",
      "workteams.c.description changed",
      "workteams.c.tags.team changed",
    ]);
  });

  it("lists the workforce first, then the backups, then the workteams", () => {
    const before = snapshot(live({ workteams: [team("b")] }));
    const after = snapshot(
      live({
        workforce: workforce({ ipAddressType: "dualstack" }),
        workteams: [],
        restorable: [backedUp("b")],
      }),
    );
    expect(snapshotDifferences(before, after)).toEqual([
      "workforce.ipAddressType changed",
      "workteam b is now in an open backup",
      "workteam b was deleted",
    ]);
  });
});

describe("canonicalJson", () => {
  it.each<[string, unknown, string]>([
    ["a string", 'say "hi"', '"say \\"hi\\""'],
    ["a number", 1.5, "1.5"],
    ["a boolean", true, "true"],
    ["null", null, "null"],
    ["undefined, as null", undefined, "null"],
    ["a list, in its order", [3, 1, 2], "[3,1,2]"],
    ["an undefined list item, as null", [undefined, 1], "[null,1]"],
    ["empty containers", [[], {}], "[[],{}]"],
    ["a mapping, keys sorted", { b: 1, a: 2, c: 3 }, '{"a":2,"b":1,"c":3}'],
    ["keys sorted by code unit", { b: 1, B: 2, a: 3, "": 4 }, '{"":4,"B":2,"a":3,"b":1}'],
    ["keys in reverse order", { d: 1, c: 2, b: 3, a: 4 }, '{"a":4,"b":3,"c":2,"d":1}'],
    ["an undefined field, as absent", { a: undefined, b: 1 }, '{"b":1}'],
    ["a key that needs escaping", { 'q"': "x" }, '{"q\\"":"x"}'],
    [
      "nested values, sorted at every level",
      { z: { y: [{ b: 1, a: 2 }], x: null }, a: "s" },
      '{"a":"s","z":{"x":null,"y":[{"a":2,"b":1}]}}',
    ],
  ])("writes %s", (_, value, json) => {
    expect(canonicalJson(value)).toBe(json);
  });

  it("is JSON for the same value (property)", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        expect(JSON.parse(canonicalJson(v))).toEqual(JSON.parse(JSON.stringify(v)));
      }),
    );
  });

  it("is the same text whatever the order of the keys (property)", () => {
    const shuffled = fc
      .dictionary(fc.string(), fc.jsonValue({ maxDepth: 2 }), { minKeys: 2 })
      .chain((d) =>
        fc
          .shuffledSubarray(Object.keys(d), { minLength: Object.keys(d).length })
          .map((keys) => [d, Object.fromEntries(keys.map((k) => [k, d[k]]))] as const),
      );
    fc.assert(
      fc.property(shuffled, ([a, b]) => {
        expect(canonicalJson(b)).toBe(canonicalJson(a));
      }),
    );
  });
});
