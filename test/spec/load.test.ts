import { describe, expect, it } from "vitest";
import { loadSpecText } from "../../src/spec/load.ts";
import { oidcConfig, type Raw, spec, workteam, yaml } from "../builders.ts";

const load = (value: Raw) => loadSpecText(yaml(value), "workforce.yaml");
const errors = (value: Raw) => load(value).diagnostics.filter((d) => d.severity === "error");
const warnings = (value: Raw) => load(value).diagnostics.filter((d) => d.severity === "warning");

const cognito = { userPool: "us-east-1_AbC123", clientId: "client1" };
const vpc = { vpcId: "vpc-0abc", securityGroupIds: ["sg-1"], subnets: ["subnet-1"] };
const str = (n: number, c = "a") => c.repeat(n);

/** Each rule with a value the API accepts and one it rejects, located by spec path. */
const rules: { rule: string; valid: Raw; invalid: Raw; path: string; message?: RegExp }[] = [
  { rule: "version is 1", valid: spec(), invalid: spec({ version: 2 }), path: "version" },
  {
    rule: "version is required",
    valid: spec(),
    invalid: (({ version, ...r }) => r)(spec()),
    path: "version",
    message: /missing required key "version"/,
  },
  {
    rule: "region format",
    valid: spec({ region: "us-gov-west-1" }),
    invalid: spec({ region: "US East" }),
    path: "region",
  },
  {
    rule: "workforce is required",
    valid: spec(),
    invalid: { version: 1 },
    path: "workforce",
    message: /missing required/,
  },
  {
    rule: "workforce name pattern",
    valid: spec({ workforce: { name: "a-1" } }),
    invalid: spec({ workforce: { name: "-a" } }),
    path: "workforce.name",
  },
  {
    rule: "workforce name length",
    valid: spec({ workforce: { name: str(63) } }),
    invalid: spec({ workforce: { name: str(64) } }),
    path: "workforce.name",
    message: /64 characters; at most 63/,
  },
  {
    rule: "oidc or cognito required",
    valid: spec({ workforce: { oidcConfig: undefined, cognitoConfig: cognito } }),
    invalid: { version: 1, workforce: { name: "x" } },
    path: "workforce",
    message: /oidcConfig or cognitoConfig/,
  },
  {
    rule: "not both oidc and cognito",
    valid: spec(),
    invalid: spec({ workforce: { cognitoConfig: cognito } }),
    path: "workforce.cognitoConfig",
    message: /not both/,
  },
  {
    rule: "cognito user pool pattern",
    valid: spec({ workforce: { oidcConfig: undefined, cognitoConfig: cognito } }),
    invalid: spec({
      workforce: { oidcConfig: undefined, cognitoConfig: { ...cognito, userPool: "nounderscore" } },
    }),
    path: "workforce.cognitoConfig.userPool",
  },
  {
    rule: "client id printable",
    valid: spec({ workforce: { oidcConfig: oidcConfig({ clientId: "a b~" }) } }),
    invalid: spec({ workforce: { oidcConfig: oidcConfig({ clientId: "tab\there" }) } }),
    path: "workforce.oidcConfig.clientId",
  },
  {
    rule: "client id length",
    valid: spec({ workforce: { oidcConfig: oidcConfig({ clientId: str(1024) }) } }),
    invalid: spec({ workforce: { oidcConfig: oidcConfig({ clientId: "" }) } }),
    path: "workforce.oidcConfig.clientId",
  },
  {
    rule: "oidc endpoints are https",
    valid: spec(),
    invalid: spec({ workforce: { oidcConfig: oidcConfig({ tokenEndpoint: "http://idp/token" }) } }),
    path: "workforce.oidcConfig.tokenEndpoint",
  },
  {
    rule: "oidc endpoints at most 500",
    valid: spec({ workforce: { oidcConfig: oidcConfig({ jwksUri: `https://${str(492)}` }) } }),
    invalid: spec({ workforce: { oidcConfig: oidcConfig({ jwksUri: `https://${str(493)}` }) } }),
    path: "workforce.oidcConfig.jwksUri",
  },
  {
    rule: "oidc endpoint has no spaces",
    valid: spec(),
    invalid: spec({ workforce: { oidcConfig: oidcConfig({ issuer: "https://idp example" }) } }),
    path: "workforce.oidcConfig.issuer",
  },
  {
    rule: "oidc fields required",
    valid: spec(),
    invalid: spec({ workforce: { oidcConfig: oidcConfig({ logoutEndpoint: undefined }) } }),
    path: "workforce.oidcConfig.logoutEndpoint",
    message: /missing required/,
  },
  {
    rule: "scope pattern",
    valid: spec({ workforce: { oidcConfig: oidcConfig({ scope: "openid profile" }) } }),
    invalid: spec({ workforce: { oidcConfig: oidcConfig({ scope: 'openid "x"' }) } }),
    path: "workforce.oidcConfig.scope",
  },
  {
    rule: "scope single spaces",
    valid: spec(),
    invalid: spec({ workforce: { oidcConfig: oidcConfig({ scope: "openid  profile" }) } }),
    path: "workforce.oidcConfig.scope",
  },
  {
    rule: "at most 10 extra params",
    valid: spec({
      workforce: {
        oidcConfig: oidcConfig({
          authenticationRequestExtraParams: Object.fromEntries(
            Array.from({ length: 10 }, (_, i) => [`k${i}`, "v"]),
          ),
        }),
      },
    }),
    invalid: spec({
      workforce: {
        oidcConfig: oidcConfig({
          authenticationRequestExtraParams: Object.fromEntries(
            Array.from({ length: 11 }, (_, i) => [`k${i}`, "v"]),
          ),
        }),
      },
    }),
    path: "workforce.oidcConfig.authenticationRequestExtraParams",
    message: /at most 10/,
  },
  {
    rule: "extra param value length",
    valid: spec(),
    invalid: spec({
      workforce: {
        oidcConfig: oidcConfig({ authenticationRequestExtraParams: { prompt: str(513) } }),
      },
    }),
    path: "workforce.oidcConfig.authenticationRequestExtraParams.prompt",
  },
  {
    rule: "secret is a reference",
    valid: spec({ workforce: { oidcConfig: oidcConfig({ clientSecret: "${file:secret.txt}" }) } }),
    invalid: spec({ workforce: { oidcConfig: oidcConfig({ clientSecret: "s3cr3t-value" }) } }),
    path: "workforce.oidcConfig.clientSecret",
    message: /must be a reference/,
  },
  {
    rule: "env reference names a variable",
    valid: spec(),
    invalid: spec({ workforce: { oidcConfig: oidcConfig({ clientSecret: "${env:1BAD}" }) } }),
    path: "workforce.oidcConfig.clientSecret",
  },
  {
    rule: "cidr syntax",
    valid: spec({
      workforce: { sourceIpConfig: { cidrs: ["10.0.0.0/8", "2001:db8::/32", "::/128"] } },
    }),
    invalid: spec({ workforce: { sourceIpConfig: { cidrs: ["10.0.0.0/8", "10.0.0.256/8"] } } }),
    path: "workforce.sourceIpConfig.cidrs[1]",
  },
  {
    rule: "cidr needs a prefix",
    valid: spec(),
    invalid: spec({ workforce: { sourceIpConfig: { cidrs: ["10.0.0.0"] } } }),
    path: "workforce.sourceIpConfig.cidrs[0]",
  },
  {
    rule: "ipv4 prefix at most 32",
    valid: spec(),
    invalid: spec({ workforce: { sourceIpConfig: { cidrs: ["10.0.0.0/33"] } } }),
    path: "workforce.sourceIpConfig.cidrs[0]",
  },
  {
    rule: "ipv6 prefix at most 128",
    valid: spec(),
    invalid: spec({ workforce: { sourceIpConfig: { cidrs: ["2001:db8::/129"] } } }),
    path: "workforce.sourceIpConfig.cidrs[0]",
  },
  {
    rule: "at most 10 cidrs",
    valid: spec({
      workforce: {
        sourceIpConfig: { cidrs: Array.from({ length: 10 }, (_, i) => `10.${i}.0.0/16`) },
      },
    }),
    invalid: spec({
      workforce: {
        sourceIpConfig: { cidrs: Array.from({ length: 11 }, (_, i) => `10.${i}.0.0/16`) },
      },
    }),
    path: "workforce.sourceIpConfig.cidrs",
    message: /11 items; at most 10/,
  },
  {
    rule: "cidrs required in sourceIpConfig",
    valid: spec({ workforce: { sourceIpConfig: { cidrs: [] } } }),
    invalid: spec({ workforce: { sourceIpConfig: {} } }),
    path: "workforce.sourceIpConfig.cidrs",
  },
  {
    rule: "vpc id pattern",
    valid: spec({ workforce: { workforceVpcConfig: vpc } }),
    invalid: spec({ workforce: { workforceVpcConfig: { ...vpc, vpcId: "vp-1" } } }),
    path: "workforce.workforceVpcConfig.vpcId",
  },
  {
    rule: "vpc may be null",
    valid: spec({ workforce: { workforceVpcConfig: null } }),
    invalid: spec({ workforce: { workforceVpcConfig: "none" } }),
    path: "workforce.workforceVpcConfig",
  },
  {
    rule: "security group pattern",
    valid: spec(),
    invalid: spec({ workforce: { workforceVpcConfig: { ...vpc, securityGroupIds: ["sg_1"] } } }),
    path: "workforce.workforceVpcConfig.securityGroupIds[0]",
  },
  {
    rule: "1-5 security groups",
    valid: spec({
      workforce: {
        workforceVpcConfig: { ...vpc, securityGroupIds: ["sg-1", "sg-2", "sg-3", "sg-4", "sg-5"] },
      },
    }),
    invalid: spec({
      workforce: {
        workforceVpcConfig: {
          ...vpc,
          securityGroupIds: ["sg-1", "sg-2", "sg-3", "sg-4", "sg-5", "sg-6"],
        },
      },
    }),
    path: "workforce.workforceVpcConfig.securityGroupIds",
  },
  {
    rule: "subnet pattern",
    valid: spec(),
    invalid: spec({ workforce: { workforceVpcConfig: { ...vpc, subnets: ["sn-1"] } } }),
    path: "workforce.workforceVpcConfig.subnets[0]",
  },
  {
    rule: "1-16 subnets",
    valid: spec({
      workforce: {
        workforceVpcConfig: {
          ...vpc,
          subnets: Array.from({ length: 16 }, (_, i) => `subnet-${i}`),
        },
      },
    }),
    invalid: spec({ workforce: { workforceVpcConfig: { ...vpc, subnets: [] } } }),
    path: "workforce.workforceVpcConfig.subnets",
    message: /needs at least 1 item/,
  },
  {
    rule: "ipAddressType enum",
    valid: spec({ workforce: { ipAddressType: "dualstack" } }),
    invalid: spec({ workforce: { ipAddressType: "ipv6" } }),
    path: "workforce.ipAddressType",
    message: /"ipv6" is not allowed/,
  },
  {
    rule: "tag key pattern",
    valid: spec({ workforce: { tags: { "team name": "ml" } } }),
    invalid: spec({ workforce: { tags: { "team!": "ml" } } }),
    path: 'workforce.tags["team!"]',
  },
  {
    rule: "tag keys not aws:",
    valid: spec(),
    invalid: spec({ workforce: { tags: { "aws:team": "ml" } } }),
    path: 'workforce.tags["aws:team"]',
    message: /reserved/,
  },
  {
    rule: "tag value length",
    valid: spec({ workforce: { tags: { t: str(256) } } }),
    invalid: spec({ workforce: { tags: { t: str(257) } } }),
    path: "workforce.tags.t",
  },
  {
    rule: "at most 50 tags",
    valid: spec(),
    invalid: spec({
      workforce: { tags: Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, "v"])) },
    }),
    path: "workforce.tags",
    message: /at most 50/,
  },
  {
    rule: "workteam name pattern",
    valid: spec({ workteams: [workteam({ name: "a--b" })] }),
    invalid: spec({ workteams: [workteam({ name: "a-" })] }),
    path: "workteams[0].name",
  },
  {
    rule: "workteam description 1-200",
    valid: spec({ workteams: [workteam({ description: str(200) })] }),
    invalid: spec({ workteams: [workteam({ description: str(201) })] }),
    path: "workteams[0].description",
  },
  {
    rule: "workteam description required",
    valid: spec({ workteams: [workteam()] }),
    invalid: spec({ workteams: [workteam({ description: undefined })] }),
    path: "workteams[0].description",
  },
  {
    rule: "1-10 member definitions",
    valid: spec({ workteams: [workteam()] }),
    invalid: spec({ workteams: [workteam({ memberDefinitions: [] })] }),
    path: "workteams[0].memberDefinitions",
  },
  {
    rule: "member definition not empty",
    valid: spec({ workteams: [workteam()] }),
    invalid: spec({ workteams: [workteam({ memberDefinitions: [{}] })] }),
    path: "workteams[0].memberDefinitions[0]",
    message: /empty/,
  },
  {
    rule: "member definitions not mixed",
    valid: spec({ workteams: [workteam()] }),
    invalid: spec({
      workteams: [
        workteam({
          memberDefinitions: [
            { oidcMemberDefinition: { groups: ["a"] } },
            { cognitoMemberDefinition: { ...cognito, userGroup: "g" } },
          ],
        }),
      ],
    }),
    path: "workteams[0].memberDefinitions[1]",
    message: /not a mix/,
  },
  {
    rule: "member definitions match the workforce",
    valid: spec({ workteams: [workteam()] }),
    invalid: spec({
      workteams: [
        workteam({
          memberDefinitions: [{ cognitoMemberDefinition: { ...cognito, userGroup: "g" } }],
        }),
      ],
    }),
    path: "workteams[0].memberDefinitions[0]",
    message: /uses OIDC/,
  },
  {
    rule: "1-10 groups",
    valid: spec({ workteams: [workteam()] }),
    invalid: spec({
      workteams: [workteam({ memberDefinitions: [{ oidcMemberDefinition: { groups: [] } }] })],
    }),
    path: "workteams[0].memberDefinitions[0].oidcMemberDefinition.groups",
  },
  {
    rule: "group pattern",
    valid: spec({ workteams: [workteam()] }),
    invalid: spec({
      workteams: [
        workteam({ memberDefinitions: [{ oidcMemberDefinition: { groups: ["two words"] } }] }),
      ],
    }),
    path: "workteams[0].memberDefinitions[0].oidcMemberDefinition.groups[0]",
  },
  {
    rule: "group length",
    valid: spec({
      workteams: [
        workteam({ memberDefinitions: [{ oidcMemberDefinition: { groups: [str(63)] } }] }),
      ],
    }),
    invalid: spec({
      workteams: [
        workteam({ memberDefinitions: [{ oidcMemberDefinition: { groups: [str(64)] } }] }),
      ],
    }),
    path: "workteams[0].memberDefinitions[0].oidcMemberDefinition.groups[0]",
  },
  {
    rule: "SNS topic ARN",
    valid: spec({
      workteams: [
        workteam({
          notificationConfiguration: {
            notificationTopicArn: "arn:aws:sns:us-east-1:123456789012:t",
          },
        }),
      ],
    }),
    invalid: spec({
      workteams: [
        workteam({
          notificationConfiguration: {
            notificationTopicArn: "arn:aws:sqs:us-east-1:123456789012:t",
          },
        }),
      ],
    }),
    path: "workteams[0].notificationConfiguration.notificationTopicArn",
  },
  {
    rule: "workteam names unique",
    valid: spec({ workteams: [workteam(), workteam({ name: "b" })] }),
    invalid: spec({ workteams: [workteam(), workteam()] }),
    path: "workteams[1].name",
    message: /declared twice/,
  },
  {
    rule: "at most 25 workteams",
    valid: spec({ workteams: Array.from({ length: 25 }, (_, i) => workteam({ name: `t${i}` })) }),
    invalid: spec({ workteams: Array.from({ length: 26 }, (_, i) => workteam({ name: `t${i}` })) }),
    path: "workteams",
    message: /at most 25/,
  },
  {
    rule: "policy booleans",
    valid: spec({ policy: { allowWorkteamDeletion: true } }),
    invalid: spec({ policy: { allowWorkteamDeletion: "yes" } }),
    path: "policy.allowWorkteamDeletion",
    message: /expected true or false/,
  },
  {
    rule: "waitTimeout syntax",
    valid: spec({ policy: { waitTimeout: "1h30m" } }),
    invalid: spec({ policy: { waitTimeout: "15 minutes" } }),
    path: "policy.waitTimeout",
  },
  {
    rule: "waitTimeout range",
    valid: spec({ policy: { waitTimeout: "24h" } }),
    invalid: spec({ policy: { waitTimeout: "25h" } }),
    path: "policy.waitTimeout",
    message: /out of range/,
  },
  {
    rule: "no source IP restriction with a VPC (the service refuses it)",
    valid: spec({ workforce: { sourceIpConfig: { cidrs: [] }, workforceVpcConfig: vpc } }),
    invalid: spec({
      workforce: { sourceIpConfig: { cidrs: ["10.0.0.0/16"] }, workforceVpcConfig: vpc },
    }),
    path: "workforce.sourceIpConfig",
    message: /does not support source IP restriction for a worker portal in a VPC/,
  },
  {
    rule: "Cognito members of the workforce's own user pool and client",
    valid: spec({
      workforce: { oidcConfig: undefined, cognitoConfig: cognito },
      workteams: [
        workteam({
          memberDefinitions: [{ cognitoMemberDefinition: { ...cognito, userGroup: "g" } }],
        }),
      ],
    }),
    invalid: spec({
      workforce: { oidcConfig: undefined, cognitoConfig: cognito },
      workteams: [
        workteam({
          memberDefinitions: [
            {
              cognitoMemberDefinition: { ...cognito, userPool: "us-east-1_Other", userGroup: "g" },
            },
          ],
        }),
      ],
    }),
    path: "workteams[0].memberDefinitions[0].cognitoMemberDefinition.userPool",
    message: /is not the workforce's \("us-east-1_AbC123"\)/,
  },
  {
    rule: "notificationConfiguration: null clears, {} is missing the topic",
    valid: spec({ workteams: [workteam({ notificationConfiguration: null })] }),
    invalid: spec({ workteams: [workteam({ notificationConfiguration: {} })] }),
    path: "workteams[0].notificationConfiguration.notificationTopicArn",
    message: /missing required key/,
  },
  {
    rule: "unknown top-level key",
    valid: spec(),
    invalid: spec({ workteam: [] }),
    path: "workteam",
    message: /unknown key "workteam"/,
  },
  {
    rule: "string expected",
    valid: spec(),
    invalid: spec({ workforce: { oidcConfig: oidcConfig({ clientId: 12345 }) } }),
    path: "workforce.oidcConfig.clientId",
    message: /expected a string, got number 12345/,
  },
];

describe("validation rules", () => {
  it.each(rules)("$rule", ({ valid, invalid, path, message }) => {
    expect(errors(valid)).toEqual([]);
    expect(load(valid).spec).toBeDefined();
    const found = errors(invalid);
    expect(found.map((d) => d.path)).toContain(path);
    const d = found.find((x) => x.path === path)!;
    if (message) expect(d.message).toMatch(message);
    expect(d.line).toBeGreaterThan(0);
    expect(load(invalid).spec).toBeUndefined();
  });
});

describe("unknown keys", () => {
  it.each([
    ["clientID", "clientId"],
    ["ClientId", "clientId"],
    ["jwks_uri", "jwksUri"],
    ["isuer", "issuer"],
  ])("suggests %s → %s, the required key it stands for, in one error", (typo, key) => {
    const cfg = oidcConfig();
    const value = cfg[key];
    delete cfg[key];
    cfg[typo] = value;
    const ds = errors(spec({ workforce: { oidcConfig: cfg } }));
    expect(ds.map((d) => [d.path, d.message])).toEqual([
      [
        `workforce.oidcConfig.${typo}`,
        `unknown key "${typo}": did you mean "${key}"? (${key} is required)`,
      ],
    ]);
  });

  it("lists the allowed keys when nothing is close", () => {
    const d = errors(spec({ zzz: 1 }))[0]!;
    expect(d.hint).toMatch(/allowed keys here: version, region, workforce, workteams, policy/);
  });
});

describe("warnings", () => {
  const cidrs = (list: string[], more: Raw = {}) =>
    spec({ workforce: { sourceIpConfig: { cidrs: list }, ...more } });
  it.each([
    [
      "IPv6 with ipAddressType ipv4",
      cidrs(["2001:db8::/32"], { ipAddressType: "ipv4" }),
      /is IPv6 but ipAddressType is ipv4/,
    ],
    ["0.0.0.0/0", cidrs(["0.0.0.0/0"]), /allows every IPv4 address/],
    ["::/0", cidrs(["::/0"]), /allows every IPv6 address/],
    ["host bits", cidrs(["10.0.0.1/16"]), /host bits set; the block is 10.0.0.0\/16/],
    ["IPv6 host bits", cidrs(["2001:db8::1/32"]), /the block is 2001:db8::\/32/],
    ["a repeated block", cidrs(["2001:DB8::/32", "2001:db8:0::/32"]), /repeats cidrs\[0\]/],
  ])("%s", (_name, value, message) => {
    expect(errors(value)).toEqual([]);
    expect(warnings(value).map((d) => d.message)).toEqual([expect.stringMatching(message)]);
    expect(load(value).spec).toBeDefined();
  });

  it("none for a plain spec", () => {
    expect(
      warnings(cidrs(["10.0.0.0/16", "2001:db8::/32"], { ipAddressType: "dualstack" })),
    ).toEqual([]);
  });
});

describe("the file itself", () => {
  const text = (t: string | Uint8Array) => loadSpecText(t, "w.yaml").diagnostics;

  it.each([
    ["empty", "", /empty/],
    ["only comments", "# nothing\n", /empty/],
    ["null document", "~\n", /no content/],
    ["a list", "- a\n- b\n", /top level is a list; a spec is a mapping/],
    ["a scalar", "hello\n", /top level is the string "hello"/],
    ["two documents", "version: 1\n---\nversion: 1\n", /2 YAML documents/],
    ["duplicate keys", "version: 1\nversion: 1\n", /duplicate key/],
    ["syntax error", "version: 1\nworkforce: [\n", /YAML syntax error/],
    ["tab indentation", "workforce:\n\tname: x\n", /tab|YAML syntax error/],
    ["unknown tag", "version: !weird 1\n", /Unresolved tag/],
  ])("%s", (_name, input, message) => {
    const ds = text(input);
    expect(ds.length).toBeGreaterThan(0);
    expect(ds[0]!.severity).toBe("error");
    expect(ds[0]!.message).toMatch(message);
  });

  it("locates a duplicate key at the repeat", () => {
    const [d] = text("version: 1\nworkforce:\n  name: a\n  name: b\n");
    expect(d).toMatchObject({
      line: 4,
      column: 3,
      message: expect.stringMatching(/duplicate key/),
    });
  });

  it("refuses an alias bomb", () => {
    const bomb = [
      "a: &a [x, x, x, x, x, x, x, x, x]",
      "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]",
      "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]",
      "d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]",
      "e: [*d, *d, *d, *d, *d, *d, *d, *d, *d]",
    ].join("\n");
    expect(text(bomb)[0]!.message).toMatch(/alias bomb/);
  });

  it("refuses non-UTF-8 bytes and says where", () => {
    const bytes = Buffer.concat([
      Buffer.from("version: 1\nworkforce:\n  name: caf"),
      Buffer.from([0xe9]),
      Buffer.from("\n"),
    ]);
    expect(text(bytes)[0]).toMatchObject({
      line: 3,
      column: 12,
      message: "the file is not valid UTF-8",
    });
  });

  it("refuses UTF-16 and binary data", () => {
    expect(text(Buffer.from("\ufeffversion: 1\n", "utf16le"))[0]!.message).toMatch(/UTF-16/);
    expect(text(Buffer.from([0x76, 0x00, 0x01, 0x02]))[0]!.message).toMatch(/binary/);
  });

  it("accepts a UTF-8 byte order mark", () => {
    expect(text(Buffer.from(`\ufeff${yaml(spec())}`))).toEqual([]);
  });

  it("lists the first 100 problems and counts the rest", () => {
    const keys = Array.from({ length: 150 }, (_, i) => `  k${i}: 1`).join("\n");
    const ds = text(`version: 1\nworkforce:\n  name: a\n  oidcConfig: {}\n${keys}\n`);
    expect(ds).toHaveLength(101);
    expect(ds.at(-1)!.message).toMatch(/^\d+ more problems not listed \(the first 100 are\)$/);
  });

  it("refuses YAML nested deeper than a spec needs, before parsing it", () => {
    const [d] = text(`version: 1\nworkforce: ${"[".repeat(40)}${"]".repeat(40)}\n`);
    expect(d).toMatchObject({
      line: 2,
      message: expect.stringMatching(/nests more than 32 levels/),
    });
  });

  it("refuses a huge file without parsing it", () => {
    const huge = `version: 1\n# ${"x".repeat(2 * 1024 * 1024)}\n`;
    expect(text(Buffer.from(huge))[0]!.message).toMatch(
      /the file is 2\.0 MiB; at most 256 KiB is allowed/,
    );
  });
});

describe("every problem at once", () => {
  const source = [
    "version: 1", //  1
    "workforce:", //  2
    "  name: -bad", //  3
    "  oidcConfig:", //  4
    "    clientId: abc", //  5
    "    clientSecret: literal-secret-value", //  6
    "    issuer: http://idp", //  7
    "    authorizationEndpoint: https://idp/a", //  8
    "    tokenEndpoint: https://idp/t", //  9
    "    userInfoEndpoint: https://idp/u", // 10
    "    logoutEndpoint: https://idp/l", // 11
    "    jwksUri: https://idp/k", // 12
    "  sourceIpConfig:", // 13
    "    cidrs: [10.0.0.0/16, 300.0.0.0/8]", // 14
    "  ipAdressType: ipv4", // 15
  ].join("\n");

  it("reports each with line, column, path and hint, in file order", () => {
    const ds = loadSpecText(source, "w.yaml").diagnostics;
    expect(ds.map((d) => [d.line, d.column, d.path])).toEqual([
      [3, 9, "workforce.name"],
      [6, 19, "workforce.oidcConfig.clientSecret"],
      [7, 13, "workforce.oidcConfig.issuer"],
      [14, 26, "workforce.sourceIpConfig.cidrs[1]"],
      [15, 3, "workforce.ipAdressType"],
    ]);
    expect(ds.find((d) => d.path === "workforce.ipAdressType")!.hint).toMatch(
      /did you mean "ipAddressType"/,
    );
    expect(ds.every((d) => d.hint || d.path.endsWith("clientSecret"))).toBe(true);
  });

  it("never quotes a literal secret", () => {
    const ds = loadSpecText(source, "w.yaml").diagnostics;
    expect(JSON.stringify(ds)).not.toContain("literal-secret-value");
  });
});

describe("the typed spec", () => {
  it("keeps explicit empties and nulls apart from absent sections", () => {
    const s = load(spec({ workforce: { sourceIpConfig: { cidrs: [] }, workforceVpcConfig: null } }))
      .spec!;
    expect(s.workforce.sourceIpConfig).toEqual({ cidrs: [] });
    expect(s.workforce.workforceVpcConfig).toBeNull();
    expect("workteams" in s).toBe(false);
    expect("ipAddressType" in s.workforce).toBe(false);
  });
});

describe("the largest spec the API allows", () => {
  it("is within the limits of the loader (size, nesting, structure)", () => {
    const tags = Object.fromEntries(
      Array.from({ length: 50 }, (_, i) => [`tag-key-${i}`, `value-${i}`]),
    );
    const value = spec({
      workforce: {
        oidcConfig: oidcConfig({
          authenticationRequestExtraParams: Object.fromEntries(
            Array.from({ length: 10 }, (_, i) => [`param${i}`, `value${i}`]),
          ),
        }),
        sourceIpConfig: { cidrs: Array.from({ length: 10 }, (_, i) => `10.${i}.0.0/16`) },
        tags,
      },
      workteams: Array.from({ length: 25 }, (_, t) =>
        workteam({
          name: `team-${t}`,
          description: "d".repeat(200),
          memberDefinitions: Array.from({ length: 10 }, (_, m) => ({
            oidcMemberDefinition: {
              groups: Array.from({ length: 10 }, (_, g) => `group-${m}-${g}`),
            },
          })),
          notificationConfiguration: {
            notificationTopicArn: "arn:aws:sns:us-east-1:123456789012:t",
          },
          tags,
        }),
      ),
    });
    const r = load(value);
    expect(r.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    expect(r.spec?.workteams).toHaveLength(25);
  });
});
