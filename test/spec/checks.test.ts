/**
 * The rules across fields (src/spec/checks.ts), each with its severity, where it points, its
 * message and its hint. They read the raw YAML value, so a malformed part never stops the others.
 */
import { describe, expect, it } from "vitest";
import { type Check, specChecks } from "../../src/spec/checks.ts";

const OIDC = { clientId: "c" };
const COGNITO = { userPool: "us-east-1_abc", clientId: "app" };
const MEMBER_HINT =
  "write oidcMemberDefinition: {groups: [...]} or cognitoMemberDefinition: {userPool, userGroup, clientId}";
const ipv4Only = (cidr: string): Check => ({
  severity: "warning",
  path: ["workforce", "sourceIpConfig", "cidrs", 0],
  message: `${cidr} is IPv6 but ipAddressType is ipv4, so IPv6 clients never reach the portal`,
  hint: "set ipAddressType: dualstack, or remove the IPv6 block",
});

describe("the rules across fields", () => {
  it.each<[string, () => unknown, Check[]]>([
    ["nothing for a document that is not a mapping", () => [1], []],
    ["nothing for a null document", () => null, []],
    [
      "a wait below 1s",
      () => ({ workforce: { oidcConfig: OIDC }, policy: { waitTimeout: "0s" } }),
      [
        {
          severity: "error",
          path: ["policy", "waitTimeout"],
          message: "0s is out of range",
          hint: "allowed: 1s to 24h",
        },
      ],
    ],
    [
      "a wait of 1s",
      () => ({ workforce: { oidcConfig: OIDC }, policy: { waitTimeout: "1s" } }),
      [],
    ],
    [
      "a wait of 24h",
      () => ({ workforce: { oidcConfig: OIDC }, policy: { waitTimeout: "24h" } }),
      [],
    ],
    [
      "a wait past 24h",
      () => ({ workforce: { oidcConfig: OIDC }, policy: { waitTimeout: "24h0m1s" } }),
      [
        {
          severity: "error",
          path: ["policy", "waitTimeout"],
          message: "24h0m1s is out of range",
          hint: "allowed: 1s to 24h",
        },
      ],
    ],
    [
      "both identity providers",
      () => ({ workforce: { oidcConfig: OIDC, cognitoConfig: COGNITO } }),
      [
        {
          severity: "error",
          path: ["workforce", "cognitoConfig"],
          key: true,
          message: "a workforce has either oidcConfig or cognitoConfig, not both",
          hint: "keep the one the workforce was created with",
        },
      ],
    ],
    [
      "no identity provider",
      () => ({ workforce: {} }),
      [
        {
          severity: "error",
          path: ["workforce"],
          message: "the workforce needs oidcConfig or cognitoConfig",
          hint: "add oidcConfig (your identity provider) or cognitoConfig (an Amazon Cognito user pool)",
          requires: ["oidcConfig", "cognitoConfig"],
        },
      ],
    ],
    [
      "repeated, open, IPv6-on-ipv4 and host-bit ranges (a non-text item is the schema's)",
      () => ({
        workforce: {
          oidcConfig: OIDC,
          ipAddressType: "ipv4",
          sourceIpConfig: {
            cidrs: [5, "10.0.0.0/16", "10.0.0.0/16", "0.0.0.0/0", "::/0", "10.0.0.1/16"],
          },
        },
      }),
      [
        {
          severity: "warning",
          path: ["workforce", "sourceIpConfig", "cidrs", 2],
          message: "10.0.0.0/16 repeats cidrs[1]",
          hint: "remove the duplicate",
        },
        {
          severity: "warning",
          path: ["workforce", "sourceIpConfig", "cidrs", 3],
          message: "0.0.0.0/0 allows every IPv4 address",
          hint: "to lift the restriction say so plainly with cidrs: []",
        },
        {
          severity: "warning",
          path: ["workforce", "sourceIpConfig", "cidrs", 4],
          message: "::/0 allows every IPv6 address",
          hint: "to lift the restriction say so plainly with cidrs: []",
        },
        { ...ipv4Only("::/0"), path: ["workforce", "sourceIpConfig", "cidrs", 4] },
        {
          severity: "warning",
          path: ["workforce", "sourceIpConfig", "cidrs", 5],
          message: "10.0.0.1/16 has host bits set; the block is 10.0.0.0/16",
          hint: "write 10.0.0.0/16",
        },
      ],
    ],
    [
      "an IPv6 range on an IPv4 portal",
      () => ({
        workforce: {
          oidcConfig: OIDC,
          ipAddressType: "ipv4",
          sourceIpConfig: { cidrs: ["2001:db8::/32"] },
        },
      }),
      [ipv4Only("2001:db8::/32")],
    ],
    [
      "an IPv6 range on a dual-stack portal, and OIDC members in an OIDC workforce",
      () => ({
        workforce: {
          oidcConfig: OIDC,
          ipAddressType: "dualstack",
          sourceIpConfig: { cidrs: ["2001:db8::/32"] },
        },
        workteams: [{ name: "x", memberDefinitions: [{ oidcMemberDefinition: {} }] }],
      }),
      [],
    ],
    [
      "IP ranges with a VPC",
      () => ({
        workforce: {
          oidcConfig: OIDC,
          sourceIpConfig: { cidrs: ["10.0.0.0/16"] },
          workforceVpcConfig: {},
        },
      }),
      [
        {
          severity: "error",
          path: ["workforce", "sourceIpConfig"],
          key: true,
          message:
            "SageMaker does not support source IP restriction for a worker portal in a VPC: it refuses sourceIpConfig with cidrs together with workforceVpcConfig",
          hint: "restrict access through the VPC with its security groups and set cidrs: [], or drop workforceVpcConfig",
        },
      ],
    ],
    [
      "a workteam declared twice (malformed entries are the schema's)",
      () => ({
        workforce: { oidcConfig: OIDC },
        workteams: [5, { name: 3 }, { name: "a" }, { name: "a" }],
      }),
      [
        {
          severity: "error",
          path: ["workteams", 3, "name"],
          message: 'workteam "a" is declared twice (also workteams[2])',
          hint: "workteam names are unique in an account and region",
        },
      ],
    ],
    [
      "a member definition with both kinds, and an empty one",
      () => ({
        workforce: { oidcConfig: OIDC },
        workteams: [
          {
            name: "a",
            memberDefinitions: [7, { oidcMemberDefinition: {}, cognitoMemberDefinition: {} }, {}],
          },
        ],
      }),
      [
        {
          severity: "error",
          path: ["workteams", 0, "memberDefinitions", 1],
          message:
            "a member definition has one of oidcMemberDefinition or cognitoMemberDefinition, not both",
          hint: MEMBER_HINT,
        },
        {
          severity: "error",
          path: ["workteams", 0, "memberDefinitions", 2],
          message: "the member definition is empty",
          hint: MEMBER_HINT,
        },
      ],
    ],
    [
      "Cognito members in an OIDC workforce",
      () => ({
        workforce: { oidcConfig: OIDC },
        workteams: [{ name: "a", memberDefinitions: [{ cognitoMemberDefinition: {} }] }],
      }),
      [
        {
          severity: "error",
          path: ["workteams", 0, "memberDefinitions", 0],
          message: "cognitoMemberDefinition in a workforce that uses OIDC",
          hint: "use oidcMemberDefinition: {groups: [...]}",
        },
      ],
    ],
    [
      "OIDC members in a Cognito workforce",
      () => ({
        workforce: { cognitoConfig: COGNITO },
        workteams: [{ name: "a", memberDefinitions: [{ oidcMemberDefinition: {} }] }],
      }),
      [
        {
          severity: "error",
          path: ["workteams", 0, "memberDefinitions", 0],
          message: "oidcMemberDefinition in a workforce that uses Cognito",
          hint: "use cognitoMemberDefinition: {userPool, userGroup, clientId}",
        },
      ],
    ],
    [
      "Cognito members from another user pool (the same app client is fine)",
      () => ({
        workforce: { cognitoConfig: COGNITO },
        workteams: [
          5,
          {
            name: "a",
            memberDefinitions: [
              7,
              {
                cognitoMemberDefinition: {
                  userPool: "us-east-1_zzz",
                  clientId: "app",
                  userGroup: "g",
                },
              },
            ],
          },
        ],
      }),
      [
        {
          severity: "error",
          path: ["workteams", 1, "memberDefinitions", 1, "cognitoMemberDefinition", "userPool"],
          message: 'userPool "us-east-1_zzz" is not the workforce\'s ("us-east-1_abc")',
          hint: "a workteam's Cognito members come from the workforce's user pool and app client: use \"us-east-1_abc\"",
        },
      ],
    ],
    [
      "Cognito members when the workforce's config is malformed (the schema says so)",
      () => ({
        workforce: { cognitoConfig: 5 },
        workteams: [
          { name: "a", memberDefinitions: [{ cognitoMemberDefinition: { userPool: "x" } }] },
        ],
      }),
      [],
    ],
    [
      "both identity providers: the Cognito members are not measured against either",
      () => ({
        workforce: { oidcConfig: OIDC, cognitoConfig: COGNITO },
        workteams: [
          {
            name: "a",
            memberDefinitions: [
              { cognitoMemberDefinition: { userPool: "us-east-1_zzz", clientId: "other" } },
            ],
          },
        ],
      }),
      [
        {
          severity: "error",
          path: ["workforce", "cognitoConfig"],
          key: true,
          message: "a workforce has either oidcConfig or cognitoConfig, not both",
          hint: "keep the one the workforce was created with",
        },
      ],
    ],
    [
      "Cognito members whose pool or client is not text, or missing (the schema says so)",
      () => ({
        workforce: { cognitoConfig: COGNITO },
        workteams: [
          null,
          "a",
          { name: "b", memberDefinitions: [{ cognitoMemberDefinition: { userPool: 5 } }] },
        ],
      }),
      [],
    ],
    [
      "a wait out of range but not text (the schema says so)",
      () => ({ workforce: { oidcConfig: OIDC }, policy: { waitTimeout: ["48h"] } }),
      [],
    ],
    [
      "a range inside a list (the schema says so)",
      () => ({ workforce: { oidcConfig: OIDC, sourceIpConfig: { cidrs: [["0.0.0.0/0"]] } } }),
      [],
    ],
    [
      "workteams without a name, or with one that is not text (the schema says so)",
      () => ({
        workforce: { oidcConfig: OIDC },
        workteams: [
          { memberDefinitions: [] },
          { memberDefinitions: [] },
          { name: 7, memberDefinitions: [] },
          { name: 7, memberDefinitions: [] },
        ],
      }),
      [],
    ],
  ])("%s", (_, raw, expected) => {
    expect(specChecks(raw())).toEqual(expected);
  });
});
