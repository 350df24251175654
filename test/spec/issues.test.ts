/**
 * Every kind of schema problem in words, as `wfplan validate` and `plan` show it: the message, the
 * hint (what is allowed, or how to fix it), and where. The hints are half of the message's worth.
 */
import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { loadSpecText } from "../../src/spec/load.ts";
import { oidcConfig, type Raw, spec, workteam } from "../builders.ts";

const URL_HINT = "an https:// URL without spaces, at most 500 characters";
const NAME_HINT = "1-63 letters, digits and hyphens, starting with a letter or digit";
const WORKFORCE_KEYS =
  "name, oidcConfig, cognitoConfig, sourceIpConfig, workforceVpcConfig, ipAddressType, tags";
const OIDC_KEYS =
  "clientId, clientSecret, issuer, authorizationEndpoint, tokenEndpoint, userInfoEndpoint, logoutEndpoint, jwksUri, scope, authenticationRequestExtraParams";
const TAG_KEY_HINT = "1-128 letters, digits, spaces and _ . : / = + - @; not starting with aws:";
const CIDRS_HINT = "0-10 IPv4 or IPv6 CIDR blocks that may reach the worker portal; [] = anyone";

/** The diagnostics of a spec, as path, message and hint. */
function problems(text: string) {
  return loadSpecText(text, "w.yaml").diagnostics.map(({ path, message, hint }) => ({
    path,
    message,
    hint,
  }));
}
const yaml = (raw: Raw) => stringify(raw);

describe("each kind of problem, in words", () => {
  it.each<[string, () => string, { path: string; message: string; hint?: string }[]]>([
    [
      "a missing key, with what it should hold",
      () => "version: 1\nworkforce:\n  cognitoConfig: { userPool: us-east-1_abc, clientId: c }\n",
      [
        {
          path: "workforce.name",
          message: 'missing required key "name"',
          hint: `name: ${NAME_HINT}`,
        },
      ],
    ],
    [
      "an unknown key that differs only in case: the key it means",
      () => yaml(spec({ workforce: { sourceIPConfig: { cidrs: [] } } })),
      [
        {
          path: "workforce.sourceIPConfig",
          message: 'unknown key "sourceIPConfig"',
          hint: `did you mean "sourceIpConfig"? (allowed keys here: ${WORKFORCE_KEYS})`,
        },
      ],
    ],
    [
      "an unknown key two letters off a short one",
      () => yaml(spec({ workforce: { nmae: "x" } })),
      [
        {
          path: "workforce.nmae",
          message: 'unknown key "nmae"',
          hint: `did you mean "name"? (allowed keys here: ${WORKFORCE_KEYS})`,
        },
      ],
    ],
    [
      "an unknown key like none: the keys allowed",
      () => yaml(spec({ workforce: { xyzzy: 1 } })),
      [
        {
          path: "workforce.xyzzy",
          message: 'unknown key "xyzzy"',
          hint: `allowed keys here: ${WORKFORCE_KEYS}`,
        },
      ],
    ],
    [
      "an unknown key in capitals with underscores: the key it means",
      () => yaml(spec({ workforce: { SOURCE_IP_CONFIG: { cidrs: [] } } })),
      [
        {
          path: "workforce.SOURCE_IP_CONFIG",
          message: 'unknown key "SOURCE_IP_CONFIG"',
          hint: `did you mean "sourceIpConfig"? (allowed keys here: ${WORKFORCE_KEYS})`,
        },
      ],
    ],
    [
      "an unknown key close to two: the closer one, though listed later",
      () =>
        yaml(
          spec({
            workforce: { oidcConfig: oidcConfig({ logonEndpoint: "https://idp.example.com/x" }) },
          }),
        ),
      [
        {
          path: "workforce.oidcConfig.logonEndpoint",
          message: 'unknown key "logonEndpoint"',
          hint: `did you mean "logoutEndpoint"? (allowed keys here: ${OIDC_KEYS})`,
        },
      ],
    ],
    [
      "a number where a string belongs: quote it as written",
      () => yaml(spec()).replace("clientId: 0oa1example", "clientId: 0x1F"),
      [
        {
          path: "workforce.oidcConfig.clientId",
          message: "expected a string, got number 31",
          hint: 'quote the value ("0x1F") to make it a string',
        },
      ],
    ],
    [
      "a boolean where a string belongs",
      () => yaml(spec({ workforce: { oidcConfig: oidcConfig({ clientId: true }) } })),
      [
        {
          path: "workforce.oidcConfig.clientId",
          message: "expected a string, got boolean true",
          hint: 'quote the value ("true") to make it a string',
        },
      ],
    ],
    [
      "yes where a boolean belongs",
      () => yaml(spec({ policy: { allowWorkteamDeletion: "yes" } })),
      [
        {
          path: "policy.allowWorkteamDeletion",
          message: 'expected true or false, got the string "yes"',
          hint: "write true or false (in YAML 1.2, yes and no are strings)",
        },
      ],
    ],
    [
      "one value where a list belongs: said once, not also measured as a list",
      () => yaml(spec({ workforce: { sourceIpConfig: { cidrs: "10.0.0.0/16" } } })),
      [
        {
          path: "workforce.sourceIpConfig.cidrs",
          message: 'expected a list, got the string "10.0.0.0/16"',
          hint: "write a list, such as [a, b] or one item per line starting with -",
        },
      ],
    ],
    [
      "an empty text where a list belongs: said once, not also counted short",
      () => yaml(spec({ workteams: [workteam({ memberDefinitions: "" })] })),
      [
        {
          path: "workteams[0].memberDefinitions",
          message: 'expected a list, got the string ""',
          hint: "write a list, such as [a, b] or one item per line starting with -",
        },
      ],
    ],
    [
      "null where a list belongs: what the list holds",
      () => yaml(spec({ workforce: { sourceIpConfig: { cidrs: null } } })),
      [
        {
          path: "workforce.sourceIpConfig.cidrs",
          message: "expected a list, got null",
          hint: CIDRS_HINT,
        },
      ],
    ],
    [
      "a mapping where a list belongs: what the list holds",
      () => yaml(spec({ workforce: { sourceIpConfig: { cidrs: { a: "10.0.0.0/16" } } } })),
      [
        {
          path: "workforce.sourceIpConfig.cidrs",
          message: "expected a list, got a mapping",
          hint: CIDRS_HINT,
        },
      ],
    ],
    [
      "a number where a mapping belongs",
      () => "version: 1\nworkforce: 5\n",
      [
        {
          path: "workforce",
          message: "expected a mapping, got number 5",
          hint: "The private workforce of this region",
        },
      ],
    ],
    [
      "a list and a mapping where a string belongs",
      () =>
        yaml(spec({ workforce: { oidcConfig: oidcConfig({ clientId: ["a"] }) } })) +
        yaml({ policy: { waitTimeout: { m: 1 } } }),
      [
        {
          path: "workforce.oidcConfig.clientId",
          message: "expected a string, got a list",
          hint: "1-1024 printable ASCII characters",
        },
        {
          path: "policy.waitTimeout",
          message: "expected a string, got a mapping",
          hint: expect.any(String),
        },
      ],
    ],
    [
      "a value not among those allowed",
      () => yaml(spec({ workforce: { ipAddressType: "ipv5" } })),
      [
        {
          path: "workforce.ipAddressType",
          message: '"ipv5" is not allowed',
          hint: 'allowed: "ipv4", "dualstack"',
        },
      ],
    ],
    [
      "a list or a mapping where one of some values belongs",
      () =>
        yaml(spec({ workforce: { ipAddressType: ["ipv4"] } })) +
        yaml({
          workteams: [
            workteam({
              workerAccessConfiguration: {
                s3Presign: { iamPolicyConstraints: { sourceIp: { on: true } } },
              },
            }),
          ],
        }),
      [
        {
          path: "workforce.ipAddressType",
          message: "a list is not allowed",
          hint: 'allowed: "ipv4", "dualstack"',
        },
        {
          path: "workteams[0].workerAccessConfiguration.s3Presign.iamPolicyConstraints.sourceIp",
          message: "a mapping is not allowed",
          hint: 'allowed: "Enabled", "Disabled"',
        },
      ],
    ],
    [
      "a value of the wrong form, with the form allowed",
      () => yaml(spec({ workforce: { oidcConfig: oidcConfig({ issuer: "http://x" }) } })),
      [
        {
          path: "workforce.oidcConfig.issuer",
          message: '"http://x" is not valid',
          hint: `allowed: ${URL_HINT}`,
        },
      ],
    ],
    [
      "a too long value, quoted only in part",
      () => yaml(spec({ workforce: { name: "n".repeat(100) } })),
      [
        {
          path: "workforce.name",
          message: "has 100 characters; at most 63 characters allowed",
          hint: NAME_HINT,
        },
        {
          path: "workforce.name",
          message: `"${"n".repeat(77)}..." is not valid`,
          hint: `allowed: ${NAME_HINT}`,
        },
      ],
    ],
    [
      "a value of 80 characters, quoted whole",
      () => yaml(spec({ workforce: { name: "n".repeat(80) } })),
      [
        {
          path: "workforce.name",
          message: "has 80 characters; at most 63 characters allowed",
          hint: NAME_HINT,
        },
        {
          path: "workforce.name",
          message: `"${"n".repeat(80)}" is not valid`,
          hint: `allowed: ${NAME_HINT}`,
        },
      ],
    ],
    [
      "an empty text, and one too long",
      () =>
        yaml(
          spec({
            workteams: [
              workteam({ description: "" }),
              workteam({ name: "b", description: "d".repeat(201) }),
            ],
          }),
        ),
      [
        {
          path: "workteams[0].description",
          message: "has 0 characters; needs at least 1 character",
          hint: "1-200 characters",
        },
        {
          path: "workteams[1].description",
          message: "has 201 characters; at most 200 characters allowed",
          hint: "1-200 characters",
        },
      ],
    ],
    [
      "a list too short, and one too long, counted in items",
      () =>
        yaml(
          spec({
            workforce: {
              sourceIpConfig: { cidrs: Array.from({ length: 11 }, (_, i) => `10.${i}.0.0/16`) },
            },
            workteams: [workteam({ memberDefinitions: [] })],
          }),
        ),
      [
        {
          path: "workforce.sourceIpConfig.cidrs",
          message: "has 11 items; at most 10 items allowed",
          hint: CIDRS_HINT,
        },
        {
          path: "workteams[0].memberDefinitions",
          message: "has 0 items; needs at least 1 item",
          hint: "1-10 member definitions, all OIDC or all Cognito",
        },
      ],
    ],
    [
      "more tags, and more extra parameters, than allowed",
      () => {
        const entries = (n: number) =>
          Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, "v"]));
        const oidc = oidcConfig({ authenticationRequestExtraParams: entries(11) });
        return yaml(spec({ workforce: { oidcConfig: oidc, tags: entries(51) } }));
      },
      [
        {
          path: "workforce.oidcConfig.authenticationRequestExtraParams",
          message: "at most 10 extra parameters allowed",
          hint: "Extra query parameters for the authorization request, at most 10",
        },
        {
          path: "workforce.tags",
          message: "at most 50 tags allowed",
          hint: "Tags as a key: value mapping, at most 50; sent when the resource is created",
        },
      ],
    ],
    [
      "a mapping key that is not allowed: said of the key",
      () => yaml(spec({ workteams: [workteam({ tags: { "aws:x": "1" } })] })),
      [
        {
          path: 'workteams[0].tags["aws:x"]',
          message: 'key "aws:x": tag keys starting with "aws:" are reserved for AWS',
          hint: TAG_KEY_HINT,
        },
      ],
    ],
    [
      "a version other than 1",
      () => yaml(spec({ version: 2 })),
      [{ path: "version", message: "2 is not allowed", hint: "allowed: 1" }],
    ],
  ])("%s", (_, text, expected) => {
    expect(problems(text())).toEqual(expected);
  });

  it("never quotes the secret, whatever is wrong with it", () => {
    const secret = "${oops-literal-secret";
    const found = problems(
      yaml(spec({ workforce: { oidcConfig: oidcConfig({ clientSecret: secret }) } })),
    );
    expect(found).toEqual([
      {
        path: "workforce.oidcConfig.clientSecret",
        message:
          "must be a reference, ${env:NAME} or ${file:PATH}: a literal secret would be committed with the file",
        hint: undefined,
      },
    ]);
    const wrongType = problems(
      yaml(spec({ workforce: { oidcConfig: oidcConfig({ clientSecret: "" }) } })),
    );
    expect(JSON.stringify(wrongType)).not.toContain("oops");
  });

  it.each([
    [
      "a key missing two levels down: at its mapping's key",
      () => "version: 1\nworkforce:\n  name: w\n  cognitoConfig:\n    userPool: us-east-1_abc\n",
      "workforce.cognitoConfig.clientId",
      { line: 4, column: 3 },
    ],
    [
      "a tag key that is not allowed: at the key, not its value",
      () =>
        "version: 1\nworkforce:\n  name: w\n  cognitoConfig: {userPool: us-east-1_abc, clientId: c}\n" +
        '  tags: {"aws:team": labelers}\n',
      'workforce.tags["aws:team"]',
      { line: 5, column: 10 },
    ],
  ])("points at %s", (_, text, path, at) => {
    const ds = loadSpecText(text(), "w.yaml").diagnostics;
    expect(ds.map((d) => [d.path, d.line, d.column])).toEqual([[path, at.line, at.column]]);
  });

  it("points at the mapping's key for a missing key, and at an unknown key itself", () => {
    const text = "version: 1\nworkforce:\n  name: labelers\n  bogus: 1\n";
    const ds = loadSpecText(text, "w.yaml").diagnostics;
    expect(ds.find((d) => d.path === "workforce.bogus")).toMatchObject({ line: 4, column: 3 });
    const missing = loadSpecText("version: 1\n", "w.yaml").diagnostics;
    expect(missing).toEqual([
      expect.objectContaining({ path: "workforce", message: 'missing required key "workforce"' }),
    ]);
  });
});

/** The diagnostics of a spec text, each with where it points. */
function located(text: string) {
  return loadSpecText(text, "w.yaml").diagnostics.map(({ path, line, column, message, hint }) => ({
    path,
    line,
    column,
    message,
    hint,
  }));
}

const COGNITO = "  cognitoConfig: {userPool: us-east-1_abc, clientId: c}\n";
const OIDC_BODY = [
  "    clientSecret: ${env:WFPLAN_OIDC_CLIENT_SECRET}",
  "    issuer: https://idp.example.com",
  "    authorizationEndpoint: https://idp.example.com/oauth2/authorize",
  "    tokenEndpoint: https://idp.example.com/oauth2/token",
  "    userInfoEndpoint: https://idp.example.com/oauth2/userinfo",
  "    logoutEndpoint: https://idp.example.com/logout",
  "    jwksUri: https://idp.example.com/oauth2/keys",
].join("\n");

describe("common mistakes, each said once", () => {
  it.each<
    [
      string,
      string,
      { path: string; line: number; column: number; message: string; hint?: string }[],
    ]
  >([
    [
      "a required key written in the wrong case: one error, at the key written",
      `version: 1\nworkforce:\n  name: w\n  oidcConfig:\n    ClientId: 0oa1example\n${OIDC_BODY}\n`,
      [
        {
          path: "workforce.oidcConfig.ClientId",
          line: 5,
          column: 5,
          message: 'unknown key "ClientId": did you mean "clientId"? (clientId is required)',
          hint: "clientId: 1-1024 printable ASCII characters",
        },
      ],
    ],
    [
      "a required key misspelt, in a list item: one error, at the key written",
      "version: 1\nworkforce:\n  name: w\n" +
        COGNITO +
        "workteams:\n  - nmae: team\n    description: d\n" +
        "    memberDefinitions:\n      - cognitoMemberDefinition: {userPool: us-east-1_abc, userGroup: g, clientId: c}\n",
      [
        {
          path: "workteams[0].nmae",
          line: 6,
          column: 5,
          message: 'unknown key "nmae": did you mean "name"? (name is required)',
          hint: "name: 1-63 letters, digits and hyphens, starting and ending with a letter or digit",
        },
      ],
    ],
    [
      "the version key in capitals: one error, at the key written",
      `Version: 1\nworkforce:\n  name: w\n${COGNITO}`,
      [
        {
          path: "Version",
          line: 1,
          column: 1,
          message: 'unknown key "Version": did you mean "version"? (version is required)',
          hint: "version: The spec format version: 1",
        },
      ],
    ],
    [
      "the identity provider's key in the API's case: one error, with the rule it leaves unmet",
      `version: 1\nworkforce:\n  name: w\n  OidcConfig:\n    clientId: 0oa1example\n${OIDC_BODY}\n`,
      [
        {
          path: "workforce.OidcConfig",
          line: 4,
          column: 3,
          message:
            'unknown key "OidcConfig": did you mean "oidcConfig"? (the workforce needs oidcConfig or cognitoConfig)',
          hint: "oidcConfig: The OIDC identity provider of the workforce",
        },
      ],
    ],
    [
      "an unknown key close to a key already there: the missing key is said apart",
      "version: 1\nworkforce:\n  name: w\n  cognitoConfig:\n    userPool: us-east-1_abc\n    userPools: x\n",
      [
        {
          path: "workforce.cognitoConfig.clientId",
          line: 4,
          column: 3,
          message: 'missing required key "clientId"',
          hint: "clientId: 1-1024 printable ASCII characters",
        },
        {
          path: "workforce.cognitoConfig.userPools",
          line: 6,
          column: 5,
          message: 'unknown key "userPools"',
          hint: 'did you mean "userPool"? (allowed keys here: userPool, clientId)',
        },
      ],
    ],
    [
      "the keys of a section at its own indentation: one error, at the first of them",
      "version: 1\nworkforce:\nname: labelers\ncognitoConfig: {userPool: us-east-1_abc, clientId: c}\n",
      [
        {
          path: "workforce",
          line: 3,
          column: 1,
          message:
            'is empty, and the keys after it look mis-indented: "name" and "cognitoConfig" are not allowed at the top level',
          hint: "indent the keys under workforce: by two more spaces",
        },
      ],
    ],
    [
      "the one key of a section at its own indentation",
      "version: 1\nworkforce:\nname: labelers\n",
      [
        {
          path: "workforce",
          line: 3,
          column: 1,
          message:
            'is empty, and the keys after it look mis-indented: "name" is not allowed at the top level',
          hint: "indent the keys under workforce: by two more spaces",
        },
      ],
    ],
    [
      "the keys of a member definition at its own indentation, in a list item",
      `version: 1\nworkforce:\n  name: w\n  oidcConfig:\n    clientId: 0oa1example\n${OIDC_BODY}\n` +
        "workteams:\n  - name: t\n    description: d\n    memberDefinitions:\n" +
        "      - oidcMemberDefinition:\n        groups: [annotators]\n",
      [
        {
          path: "workteams[0].memberDefinitions[0].oidcMemberDefinition",
          line: 18,
          column: 9,
          message:
            'is empty, and the keys after it look mis-indented: "groups" is not allowed in workteams[0].memberDefinitions[0]',
          hint: "indent the keys under oidcMemberDefinition: by two more spaces",
        },
      ],
    ],
    [
      "the keys of a nested section at its own indentation, before a key of its parent",
      "version: 1\nworkforce:\n  name: w\n  cognitoConfig:\n  userPool: us-east-1_abc\n  clientId: c\n  ipAddressType: ipv4\n",
      [
        {
          path: "workforce.cognitoConfig",
          line: 5,
          column: 3,
          message:
            'is empty, and the keys after it look mis-indented: "userPool" and "clientId" are not allowed in workforce',
          hint: "indent the keys under cognitoConfig: by two more spaces",
        },
      ],
    ],
    [
      "the keys of a section that may be null, at its own indentation",
      "version: 1\nworkforce:\n  name: w\n" +
        COGNITO +
        "  workforceVpcConfig:\n  vpcId: vpc-1\n  securityGroupIds: [sg-1]\n  subnets: [subnet-1]\n  bogus: 1\n",
      [
        {
          path: "workforce.workforceVpcConfig",
          line: 6,
          column: 3,
          message:
            'is empty, and the keys after it look mis-indented: "vpcId", "securityGroupIds", "subnets" and 1 more are not allowed in workforce',
          hint: "indent the keys under workforceVpcConfig: by two more spaces",
        },
      ],
    ],
    [
      "a section that may be null, left empty before an unknown key of its parent: not taken for mis-indented",
      `version: 1\nworkforce:\n  name: w\n${COGNITO}  workforceVpcConfig:\n  bogus: 1\n`,
      [
        {
          path: "workforce.bogus",
          line: 6,
          column: 3,
          message: 'unknown key "bogus"',
          hint: `allowed keys here: ${WORKFORCE_KEYS}`,
        },
      ],
    ],
    [
      "a tag key with a character not allowed: the rule for keys",
      `version: 1\nworkforce:\n  name: w\n${COGNITO}  tags: {"team!": ml}\n`,
      [
        {
          path: 'workforce.tags["team!"]',
          line: 5,
          column: 10,
          message: 'key "team!": "team!" is not valid',
          hint: `allowed: ${TAG_KEY_HINT}`,
        },
      ],
    ],
    [
      "a tag key starting with aws: the rule for keys",
      `version: 1\nworkforce:\n  name: w\n${COGNITO}  tags: {aws:team: ml}\n`,
      [
        {
          path: 'workforce.tags["aws:team"]',
          line: 5,
          column: 10,
          message: 'key "aws:team": tag keys starting with "aws:" are reserved for AWS',
          hint: TAG_KEY_HINT,
        },
      ],
    ],
    [
      "a tag key too long: the rule for keys; a tag value not allowed: the rule for values",
      `version: 1\nworkforce:\n  name: w\n${COGNITO}  tags:\n    ${"k".repeat(129)}: v\n    team: "a!"\n`,
      [
        {
          path: `workforce.tags.${"k".repeat(129)}`,
          line: 6,
          column: 5,
          message: `key "${"k".repeat(77)}...": has 129 characters; at most 128 characters allowed`,
          hint: TAG_KEY_HINT,
        },
        {
          path: "workforce.tags.team",
          line: 7,
          column: 11,
          message: '"a!" is not valid',
          hint: "allowed: 0-256 letters, digits, spaces and _ . : / = + - @",
        },
      ],
    ],
  ])("%s", (_, text, expected) => {
    expect(located(text)).toEqual(expected);
  });
});

describe("did you mean, across case", () => {
  it("folds case as Unicode does: a key written with a lookalike capital still finds its field", () => {
    // U+212A KELVIN SIGN, which looks like K and folds to k (its upper case is itself).
    const { tokenEndpoint, ...rest } = oidcConfig();
    const text = stringify(
      spec({ workforce: { oidcConfig: { ...rest, "TO\u212AENENDPOINT": tokenEndpoint } } }),
    );
    const { diagnostics } = loadSpecText(text, "k.yaml");
    expect(diagnostics.map((d) => d.message)).toEqual([
      'unknown key "TO\u212AENENDPOINT": did you mean "tokenEndpoint"? (tokenEndpoint is required)',
    ]);
  });
});
