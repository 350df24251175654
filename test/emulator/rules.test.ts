/**
 * Every rule of src/emulator/rules.ts, broken once: the emulator refuses the request with the
 * service's error type, and changes nothing.
 */
import { describe, expect, it } from "vitest";
import { ApiError } from "../../src/emulator/errors.ts";
import { COMMON_ERRORS, DEVIATIONS, RULES, type RuleName } from "../../src/emulator/rules.ts";
import model from "../../src/emulator/sagemaker-model.json" with { type: "json" };
import type { Emulator } from "../../src/emulator/server.ts";
import { emulator, labelingJob, OIDC, seedRich, VPC } from "../helpers/emulator.ts";

type Input = Record<string, unknown>;
const ARN = "arn:aws:sagemaker:us-east-1:123456789012:workforce/labelers";
const team = (name: string, members: unknown = [{ OidcMemberDefinition: { Groups: ["g"] } }]) => ({
  WorkteamName: name,
  Description: "d",
  MemberDefinitions: members,
});
const cognito = { UserPool: "us-east-1_Pool1", ClientId: "client1" };

/** For each rule: how to set the emulator up, and the request that breaks the rule. */
const cases: Record<RuleName, { setup?: (emu: Emulator) => void; op: string; input: Input }> = {
  oidcNeedsNoWorkteams: {
    setup: (emu) => seedRich(emu, ["a"]),
    op: "UpdateWorkforce",
    input: { WorkforceName: "labelers", OidcConfig: OIDC },
  },
  noSourceIpInVpc: {
    setup: (emu) => seedRich(emu, [], { vpc: true }),
    op: "UpdateWorkforce",
    input: { WorkforceName: "labelers", SourceIpConfig: { Cidrs: ["10.0.0.0/16"] } },
  },
  oidcOnlyForOidcWorkforces: {
    setup: (emu) =>
      emu.invoke("CreateWorkforce", { WorkforceName: "labelers", CognitoConfig: cognito }),
    op: "UpdateWorkforce",
    input: { WorkforceName: "labelers", OidcConfig: OIDC },
  },
  busyWhileUpdating: {
    setup: (emu) => {
      seedRich(emu, []);
      emu.invoke("UpdateWorkforce", { WorkforceName: "labelers", SourceIpConfig: { Cidrs: [] } });
    },
    op: "CreateWorkteam",
    input: team("late"),
  },
  vpcConfigWhole: {
    setup: (emu) => seedRich(emu, []),
    op: "UpdateWorkforce",
    input: { WorkforceName: "labelers", WorkforceVpcConfig: { VpcId: "vpc-1" } },
  },
  oneIdentityProvider: {
    op: "CreateWorkforce",
    input: { WorkforceName: "labelers", OidcConfig: OIDC, CognitoConfig: cognito },
  },
  oneWorkforcePerRegion: {
    setup: (emu) => seedRich(emu, []),
    op: "CreateWorkforce",
    input: { WorkforceName: "other", OidcConfig: OIDC },
  },
  workforceDeleteNeedsNoWorkteams: {
    setup: (emu) => seedRich(emu, ["a"]),
    op: "DeleteWorkforce",
    input: { WorkforceName: "labelers" },
  },
  maxWorkteams: {
    setup: (emu) =>
      seedRich(
        emu,
        Array.from({ length: 25 }, (_, i) => `t${i}`),
      ),
    op: "CreateWorkteam",
    input: team("one-more"),
  },
  workteamNameTaken: {
    setup: (emu) => seedRich(emu, ["a"]),
    op: "CreateWorkteam",
    input: team("a"),
  },
  oneMemberKind: {
    setup: (emu) => seedRich(emu, []),
    op: "CreateWorkteam",
    input: team("a", [
      {
        OidcMemberDefinition: { Groups: ["g"] },
        CognitoMemberDefinition: { ...cognito, UserGroup: "u" },
      },
    ]),
  },
  membersMatchIdentityProvider: {
    setup: (emu) => seedRich(emu, []),
    op: "CreateWorkteam",
    input: team("a", [{ CognitoMemberDefinition: { ...cognito, UserGroup: "u" } }]),
  },
  oidcMembersNeedGroups: {
    setup: (emu) => seedRich(emu, []),
    op: "CreateWorkteam",
    input: team("a", [{ OidcMemberDefinition: {} }]),
  },
  cognitoMembersOfTheWorkforcePool: {
    setup: (emu) =>
      emu.invoke("CreateWorkforce", { WorkforceName: "labelers", CognitoConfig: cognito }),
    op: "CreateWorkteam",
    input: team("a", [
      {
        CognitoMemberDefinition: {
          UserPool: "us-east-1_Other",
          ClientId: "client1",
          UserGroup: "u",
        },
      },
    ]),
  },
  workteamInUse: {
    setup: (emu) => {
      seedRich(emu, ["a"]);
      emu.state().labelingJobs.push(labelingJob("a", "job"));
    },
    op: "DeleteWorkteam",
    input: { WorkteamName: "a" },
  },
  workforceTagsAtCreationOnly: {
    setup: (emu) => seedRich(emu, []),
    op: "ListTags",
    input: { ResourceArn: ARN },
  },
  reservedTagPrefix: {
    setup: (emu) => seedRich(emu, []),
    op: "CreateWorkteam",
    input: { ...team("a"), Tags: [{ Key: "aws:owner", Value: "me" }] },
  },
  uniqueTagKeys: {
    setup: (emu) => seedRich(emu, []),
    op: "CreateWorkteam",
    input: {
      ...team("a"),
      Tags: [
        { Key: "team", Value: "x" },
        { Key: "team", Value: "y" },
      ],
    },
  },
  maxTags: {
    setup: (emu) => seedRich(emu, ["a"]),
    op: "AddTags",
    input: {
      ResourceArn: "arn:aws:sagemaker:us-east-1:123456789012:workteam/private-crowd/a",
      Tags: Array.from({ length: 49 }, (_, i) => ({ Key: `k${i}`, Value: "v" })),
    },
  },
};

/** The message each rule answers with: the right rule refused the request, not another one. */
const MESSAGES: Record<RuleName, RegExp> = {
  oidcNeedsNoWorkteams: /can be updated only when no work teams are associated/,
  noSourceIpInVpc: /does not support Source Ip restriction for worker portals in VPC/,
  oidcOnlyForOidcWorkforces: /uses Amazon Cognito; OidcConfig cannot be set/,
  busyWhileUpdating: /is Updating; create work teams when it is Active/,
  vpcConfigWhole: /needs VpcId, SecurityGroupIds and Subnets together/,
  oneIdentityProvider: /cannot both be specified/,
  oneWorkforcePerRegion: /already exists in us-east-1/,
  workforceDeleteNeedsNoWorkteams: /has work teams \(a\); delete them first/,
  maxWorkteams: /already has 25 work teams/,
  workteamNameTaken: /Workteam a already exists/,
  oneMemberKind: /exactly one of CognitoMemberDefinition or OidcMemberDefinition/,
  membersMatchIdentityProvider: /uses OIDC; use OidcMemberDefinition/,
  oidcMembersNeedGroups: /needs Groups/,
  cognitoMembersOfTheWorkforcePool: /must use the workforce's UserPool us-east-1_Pool1/,
  workteamInUse: /used by in-progress labeling jobs: job/,
  workforceTagsAtCreationOnly: /set when it is created/,
  reservedTagPrefix: /aws:owner uses the reserved prefix/,
  uniqueTagKeys: /team is given more than once/,
  maxTags: /at most 50 tags/,
};

/** The emulator, set up, refuses the request with the rule's error and message, and changes nothing. */
async function refused(
  name: RuleName,
  { setup, op, input }: { setup?: (emu: Emulator) => void; op: string; input: Input },
) {
  // Updates stay Updating for the test's length.
  const emu = await emulator({ updateDelayMs: 60_000 });
  setup?.(emu);
  emu.invoke("ListWorkforces", {}); // settles what is due, so only the refused call could change state
  const before = JSON.stringify(emu.state());
  let error: unknown;
  try {
    emu.invoke(op, input);
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(ApiError);
  expect((error as ApiError).type).toBe(RULES[name].error);
  expect((error as ApiError).message).toMatch(MESSAGES[name]);
  expect(JSON.stringify(emu.state())).toBe(before);
}

describe("the service's rules, each broken once", () => {
  it("has a case for every rule", () => {
    expect(Object.keys(cases).sort()).toEqual(Object.keys(RULES).sort());
  });

  it.each(Object.entries(cases))("%s", (name, c) => refused(name as RuleName, c));

  /** Each rule that more than one request can break, broken by the others too. */
  const others: [
    string,
    RuleName,
    { setup?: (emu: Emulator) => void; op: string; input: Input },
  ][] = [
    [
      "a VPC added to a workforce with IP ranges (the VPC second)",
      "noSourceIpInVpc",
      {
        setup: (emu) => seedRich(emu, []),
        op: "UpdateWorkforce",
        input: { WorkforceName: "labelers", WorkforceVpcConfig: VPC },
      },
    ],
    [
      "Cognito members with another app client",
      "cognitoMembersOfTheWorkforcePool",
      {
        setup: (emu) =>
          emu.invoke("CreateWorkforce", { WorkforceName: "labelers", CognitoConfig: cognito }),
        op: "CreateWorkteam",
        input: team("a", [
          { CognitoMemberDefinition: { ...cognito, ClientId: "client2", UserGroup: "u" } },
        ]),
      },
    ],
    [
      "UpdateWorkteam with Cognito members of another pool",
      "cognitoMembersOfTheWorkforcePool",
      {
        setup: (emu) => {
          emu.invoke("CreateWorkforce", { WorkforceName: "labelers", CognitoConfig: cognito });
          emu.state().workforces[0]!.Status = "Active";
          emu.state().workforces[0]!.pending = undefined;
          emu.invoke(
            "CreateWorkteam",
            team("a", [{ CognitoMemberDefinition: { ...cognito, UserGroup: "u" } }]),
          );
        },
        op: "UpdateWorkteam",
        input: {
          WorkteamName: "a",
          MemberDefinitions: [
            {
              CognitoMemberDefinition: { ...cognito, UserPool: "us-east-1_Other", UserGroup: "u" },
            },
          ],
        },
      },
    ],
    [
      "UpdateWorkteam with Cognito members on an OIDC workforce",
      "membersMatchIdentityProvider",
      {
        setup: (emu) => seedRich(emu, ["a"]),
        op: "UpdateWorkteam",
        input: {
          WorkteamName: "a",
          MemberDefinitions: [{ CognitoMemberDefinition: { ...cognito, UserGroup: "u" } }],
        },
      },
    ],
    [
      "UpdateWorkteam with OIDC members without groups",
      "oidcMembersNeedGroups",
      {
        setup: (emu) => seedRich(emu, ["a"]),
        op: "UpdateWorkteam",
        input: { WorkteamName: "a", MemberDefinitions: [{ OidcMemberDefinition: {} }] },
      },
    ],
  ];

  it.each(others)("%s", (_, name, c) => refused(name, c));

  it("refuses IP ranges with a VPC on creation too, and allows the VPC with no IP ranges", async () => {
    const emu = await emulator();
    expect(() =>
      emu.invoke("CreateWorkforce", {
        WorkforceName: "labelers",
        OidcConfig: OIDC,
        SourceIpConfig: { Cidrs: ["10.0.0.0/16"] },
        WorkforceVpcConfig: VPC,
      }),
    ).toThrow(/does not support Source Ip restriction/);
    emu.invoke("CreateWorkforce", {
      WorkforceName: "labelers",
      OidcConfig: OIDC,
      SourceIpConfig: { Cidrs: [] },
      WorkforceVpcConfig: VPC,
    });
    // Detaching the VPC and restricting IPs in one update is fine.
    emu.state().workforces[0]!.Status = "Active";
    emu.state().workforces[0]!.pending = undefined;
    emu.invoke("UpdateWorkforce", {
      WorkforceName: "labelers",
      WorkforceVpcConfig: {},
      SourceIpConfig: { Cidrs: ["10.0.0.0/16"] },
    });
    expect(emu.state().workforces[0]!.WorkforceVpcConfig).toBeUndefined();
  });

  it("checks the input before the state: both identity providers is a ValidationException even when a workforce exists", async () => {
    const emu = await emulator();
    seedRich(emu, []);
    expect(() =>
      emu.invoke("CreateWorkforce", {
        WorkforceName: "x",
        OidcConfig: OIDC,
        CognitoConfig: cognito,
      }),
    ).toThrow(expect.objectContaining({ type: "ValidationException" }));
  });
});

describe("the errors the emulator answers with", () => {
  it("are the model's for each operation, the common ones, or a listed deviation", () => {
    const found: { operation: string; error: string }[] = [];
    for (const rule of Object.values(RULES)) {
      for (const operation of rule.operations) {
        const listed = (model.operations as Record<string, { errors: string[] }>)[
          operation
        ]!.errors.includes(rule.error);
        if (!listed && !COMMON_ERRORS.has(rule.error)) found.push({ operation, error: rule.error });
      }
    }
    const key = (d: { operation: string; error: string }) => `${d.operation} ${d.error}`;
    expect(found.map(key).sort()).toEqual(DEVIATIONS.map(key).sort());
  });
});
