import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { SECRET_VARIABLE, specFromLive, specYaml } from "../../src/core/import.ts";
import { plan, planOptions } from "../../src/core/plan.ts";
import type { LiveState } from "../../src/core/types.ts";
import { loadSpecText } from "../../src/spec/load.ts";
import { liveState, liveTeam, liveWorkforce } from "../builders.ts";

const TOPIC = "arn:aws:sns:us-east-1:123456789012:labeling";

describe("the spec of a live workforce", () => {
  it.each<[string, () => LiveState]>([
    ["a bare OIDC workforce", () => liveState()],
    [
      "an OIDC workforce with a scope, extra parameters, IP ranges and dual stack",
      () =>
        liveState({
          workforce: liveWorkforce({
            oidcConfig: {
              ...liveWorkforce().oidcConfig!,
              scope: "openid email",
              authenticationRequestExtraParams: { prompt: "login" },
            },
            sourceIpConfig: { cidrs: ["10.0.0.0/16", "2001:db8::/32"] },
            ipAddressType: "dualstack",
          }),
        }),
    ],
    [
      "a workforce in a VPC, with workteams that have topics, access rules and tags",
      () =>
        liveState({
          workforce: liveWorkforce({
            workforceVpcConfig: {
              vpcId: "vpc-0abc",
              securityGroupIds: ["sg-1"],
              subnets: ["subnet-1"],
            },
          }),
          workteams: [
            liveTeam("annotators", {
              notificationConfiguration: { notificationTopicArn: TOPIC },
              workerAccessConfiguration: {
                s3Presign: { iamPolicyConstraints: { sourceIp: "Enabled" } },
              },
              tags: { team: "ml", "aws:cloudformation:stack-name": "s" },
            }),
            liveTeam("reviewers", { tags: {} }),
          ],
        }),
    ],
  ])("%s: a valid spec that plans no changes", (_, make) => {
    const live = make();
    const text = specYaml(specFromLive(live));
    const loaded = loadSpecText(text, "imported.yaml");
    expect(loaded.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    const p = plan(loaded.spec!, live, planOptions(loaded.spec!));
    expect(p.resources).toEqual([]);
    expect(p.steps).toEqual([]);
  });

  it("reads the secret from the environment, keeps AWS's own tags out, and changes nothing by default", () => {
    const raw = specFromLive(
      liveState({
        workteams: [
          liveTeam("a", { tags: { "aws:x": "1", team: "a" } }),
          liveTeam("b", { tags: {} }),
        ],
      }),
    ) as {
      workforce: { oidcConfig: { clientSecret: string } };
      workteams: Record<string, unknown>[];
      policy: Record<string, unknown>;
      region: string;
    };
    expect(raw.workforce.oidcConfig.clientSecret).toBe(`\${env:${SECRET_VARIABLE}}`);
    expect(SECRET_VARIABLE).toBe("WFPLAN_OIDC_CLIENT_SECRET");
    expect(raw.workteams[0]!.tags).toEqual({ team: "a" });
    expect(raw.workteams[1]).not.toHaveProperty("tags");
    expect(raw.region).toBe("us-east-1");
    expect(raw.policy).toEqual({
      allowWorkteamDeletion: false,
      restoreWorkteams: true,
      pruneWorkteams: false,
      waitTimeout: "15m",
    });
  });

  it("writes a Cognito workforce's user pool, and no OIDC config", () => {
    const raw = specFromLive(
      liveState({
        workforce: liveWorkforce({
          oidcConfig: undefined,
          cognitoConfig: { userPool: "us-east-1_abc", clientId: "client" },
        }),
      }),
    ) as { workforce: Record<string, unknown> };
    expect(raw.workforce.cognitoConfig).toEqual({ userPool: "us-east-1_abc", clientId: "client" });
    expect(raw.workforce).not.toHaveProperty("oidcConfig");
  });
});

describe("the spec of a live workforce, field by field", () => {
  const endpoints = {
    issuer: "https://idp.example.com",
    authorizationEndpoint: "https://idp.example.com/oauth2/authorize",
    tokenEndpoint: "https://idp.example.com/oauth2/token",
    userInfoEndpoint: "https://idp.example.com/oauth2/userinfo",
    logoutEndpoint: "https://idp.example.com/logout",
    jwksUri: "https://idp.example.com/oauth2/keys",
  };
  const policy = {
    allowWorkteamDeletion: false,
    restoreWorkteams: true,
    pruneWorkteams: false,
    waitTimeout: "15m",
  };
  const access = { s3Presign: { iamPolicyConstraints: { sourceIp: "Enabled" as const } } };

  it.each<[string, () => LiveState, Record<string, unknown>]>([
    [
      "an OIDC workforce whose extra parameters are empty, and a bare workteam",
      () =>
        liveState({
          workforce: liveWorkforce({
            oidcConfig: { ...liveWorkforce().oidcConfig!, authenticationRequestExtraParams: {} },
          }),
          workteams: [liveTeam("bare", { tags: {} })],
        }),
      {
        version: 1,
        region: "us-east-1",
        workforce: {
          name: "labelers",
          oidcConfig: {
            clientId: "0oa1example",
            clientSecret: "${env:WFPLAN_OIDC_CLIENT_SECRET}",
            ...endpoints,
          },
          sourceIpConfig: { cidrs: [] },
          workforceVpcConfig: null,
          ipAddressType: "ipv4",
        },
        workteams: [
          {
            name: "bare",
            description: "Image annotators",
            memberDefinitions: [{ oidcMemberDefinition: { groups: ["bare"] } }],
          },
        ],
        policy,
      },
    ],
    [
      "a Cognito workforce, and a workteam with a topic, worker access rules and tags",
      () =>
        liveState({
          workforce: liveWorkforce({
            oidcConfig: undefined,
            cognitoConfig: { userPool: "us-east-1_abc", clientId: "client" },
          }),
          workteams: [
            liveTeam("rich", {
              memberDefinitions: [
                {
                  cognitoMemberDefinition: {
                    userPool: "us-east-1_abc",
                    userGroup: "g",
                    clientId: "client",
                  },
                },
              ],
              notificationConfiguration: { notificationTopicArn: TOPIC },
              workerAccessConfiguration: access,
              tags: { team: "ml" },
            }),
          ],
        }),
      {
        version: 1,
        region: "us-east-1",
        workforce: {
          name: "labelers",
          cognitoConfig: { userPool: "us-east-1_abc", clientId: "client" },
          sourceIpConfig: { cidrs: [] },
          workforceVpcConfig: null,
          ipAddressType: "ipv4",
        },
        workteams: [
          {
            name: "rich",
            description: "Image annotators",
            memberDefinitions: [
              {
                cognitoMemberDefinition: {
                  userPool: "us-east-1_abc",
                  userGroup: "g",
                  clientId: "client",
                },
              },
            ],
            notificationConfiguration: { notificationTopicArn: TOPIC },
            workerAccessConfiguration: access,
            tags: { team: "ml" },
          },
        ],
        policy,
      },
    ],
  ])("%s", (_n, make, expected) => {
    expect(specFromLive(make())).toStrictEqual(expected);
  });
});

describe("the spec's YAML, as any reader reads it", () => {
  // YAML 1.1 readers (PyYAML, Ruby's Psych, yq v3) take these for booleans, numbers, nulls or
  // dates; YAML 1.2 some of them too (0o17, 1e3, .5, ~, null).
  const TRICKY = [
    "yes",
    "no",
    "on",
    "off",
    "y",
    "n",
    "Y",
    "N",
    "Yes",
    "NO",
    "On",
    "OFF",
    "true",
    "False",
    "0x1F",
    "1e3",
    "012",
    ".5",
    "0o17",
    "0b101",
    "1_000",
    "1:20",
    "+12",
    "-.5e3",
    ".inf",
    ".NaN",
    "~",
    "null",
    "Null",
    "2026-01-31",
    "=",
    "<<",
  ];

  it("writes a workteam whose description and groups look like booleans and numbers so that they load back as strings, and plan no changes", () => {
    const live = liveState({
      workteams: [
        liveTeam("annotators", {
          description: "yes",
          memberDefinitions: [{ oidcMemberDefinition: { groups: ["yes", "on", "0x1F", "1e3"] } }],
          tags: { on: "off", team: "012" },
        }),
      ],
    });
    const text = specYaml(specFromLive(live));
    const loaded = loadSpecText(text, "imported.yaml");
    expect(loaded.diagnostics).toEqual([]);
    const team = loaded.spec!.workteams![0]!;
    expect(team.description).toBe("yes");
    expect(team.memberDefinitions).toEqual([
      { oidcMemberDefinition: { groups: ["yes", "on", "0x1F", "1e3"] } },
    ]);
    expect(team.tags).toEqual({ on: "off", team: "012" });
    const p = plan(loaded.spec!, live, planOptions(loaded.spec!));
    expect(p.resources).toEqual([]);
    expect(p.steps).toEqual([]);
    expect(text).toContain('description: "yes"\n');
    expect(text).toContain(
      'groups:\n            - "yes"\n            - "on"\n            - "0x1F"\n            - "1e3"\n',
    );
  });

  it.each(["1.1", "1.2"] as const)(
    "quotes every string, key or value, that YAML %s would read as something else",
    (version) => {
      const value = { d: Object.fromEntries(TRICKY.map((w) => [w, w])), list: TRICKY };
      const text = specYaml(value);
      expect(parse(text, { version })).toStrictEqual(value);
      for (const w of TRICKY) expect(text).toContain(`  - "${w}"\n`);
    },
  );

  it("leaves plain what every reader reads as a string, and writes numbers and booleans as such", () => {
    const text = specYaml({
      version: 1,
      name: "labelers",
      b: false,
      words: ["yesterday", "on-call", "0x1G", "1e", "10.0.0.0/16", "a b", "nope"],
      multi: "two\nlines",
      long: "word ".repeat(30).trim(),
      quoted: ["", "[a, b]", "x: y", "'single'"],
    });
    expect(text).toBe(
      [
        "version: 1",
        "name: labelers",
        "b: false",
        "words:",
        "  - yesterday",
        "  - on-call",
        "  - 0x1G",
        "  - 1e",
        "  - 10.0.0.0/16",
        "  - a b",
        "  - nope",
        "multi: |-",
        "  two",
        "  lines",
        `long: ${"word ".repeat(30).trim()}`,
        "quoted:",
        '  - ""',
        '  - "[a, b]"',
        '  - "x: y"',
        `  - "'single'"`,
        "",
      ].join("\n"),
    );
  });

  it("refuses to write a workteam whose tags were not read, rather than leave them out", () => {
    expect(() => specFromLive(liveState({ workteams: [liveTeam("a")] }))).toThrow(
      "importing workteam a needs its tags, which were not read",
    );
  });
});
