/**
 * Fleets in the spec (issue #15): `targets` and `policy.rollout`, their own rules, and every rule
 * of a single spec held for each target's merged spec, each problem located where it is to fix.
 * The specs are YAML text, so each position is the one a user sees.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type Check, specChecks } from "../../src/spec/checks.ts";
import { type Diagnostic, formatPath } from "../../src/spec/diagnostics.ts";
import { loadSpecFile, loadSpecText } from "../../src/spec/load.ts";
import { runs } from "../helpers/runs.ts";

/** The shared part, lines 1-19; what a test adds starts at line 20. */
const SHARED = [
  "version: 1",
  "workforce:",
  "  name: labelers",
  "  oidcConfig:",
  "    clientId: 0oa1example",
  "    clientSecret: ${env:WFPLAN_OIDC_CLIENT_SECRET}",
  "    issuer: https://idp.example.com",
  "    authorizationEndpoint: https://idp.example.com/oauth2/authorize",
  "    tokenEndpoint: https://idp.example.com/oauth2/token",
  "    userInfoEndpoint: https://idp.example.com/oauth2/userinfo",
  "    logoutEndpoint: https://idp.example.com/logout",
  "    jwksUri: https://idp.example.com/oauth2/keys",
  "  sourceIpConfig:",
  "    cidrs: [10.0.0.0/16]",
  "workteams:",
  "  - name: annotators",
  "    description: Image annotators",
  "    memberDefinitions:",
  "      - oidcMemberDefinition: {groups: [annotators]}",
];
const VPC = "{vpcId: vpc-0eu, securityGroupIds: [sg-0eu], subnets: [subnet-0eu]}";
const ROLE = "arn:aws:iam::210987654321:role/wfplan";

const load = (lines: string[], shared = SHARED) =>
  loadSpecText([...shared, ...lines].join("\n"), "fleet.yaml");
/** Each diagnostic in one line: where, what, at which path. */
const said = (d: Diagnostic) => `${d.line}:${d.column} ${d.severity} ${d.path}: ${d.message}`;
const problems = (lines: string[], shared = SHARED) => load(lines, shared).diagnostics.map(said);

describe("a valid fleet", () => {
  it("loads with its targets, overrides and rollout", () => {
    const r = load([
      "targets:",
      "  - region: us-east-1",
      "  - region: eu-central-1",
      `    roleArn: ${ROLE}`,
      "    workforce:",
      "      sourceIpConfig: {cidrs: []}",
      `      workforceVpcConfig: ${VPC}`,
      "policy:",
      "  rollout: {maxConcurrency: 2, canary: 2, failureTolerance: 1}",
    ]);
    expect(r.diagnostics).toEqual([]);
    expect(r.spec?.targets).toEqual([
      { region: "us-east-1" },
      {
        region: "eu-central-1",
        roleArn: ROLE,
        workforce: {
          sourceIpConfig: { cidrs: [] },
          workforceVpcConfig: {
            vpcId: "vpc-0eu",
            securityGroupIds: ["sg-0eu"],
            subnets: ["subnet-0eu"],
          },
        },
      },
    ]);
    expect(r.spec?.policy?.rollout).toEqual({ maxConcurrency: 2, canary: 2, failureTolerance: 1 });
  });

  it.each([
    ["a partial oidcConfig (a client of its own)", ["      oidcConfig: {clientId: eu-client}"]],
    ["an explicit null VPC", ["      workforceVpcConfig: null"]],
    [
      "a partial VPC over none, with cidrs: []",
      ["      sourceIpConfig: {cidrs: []}", `      workforceVpcConfig: ${VPC}`],
    ],
    ["tags of its own", ["      tags: {team: eu}"]],
    ["another name", ["      name: labelers-eu"]],
  ])("accepts %s", (_, override) => {
    expect(
      problems([
        "targets:",
        "  - region: us-east-1",
        "  - region: eu-central-1",
        "    workforce:",
        ...override,
      ]),
    ).toEqual([]);
  });

  it("accepts a role ARN with a path, in another partition", () => {
    expect(
      problems([
        "targets:",
        "  - region: us-gov-west-1",
        "    roleArn: arn:aws-us-gov:iam::123456789012:role/ci/deploy/wfplan+x=y,z.a@b-c_d",
      ]),
    ).toEqual([]);
  });

  it("accepts the same region twice in different accounts, or once with and once without a role", () => {
    expect(
      problems([
        "targets:",
        "  - region: us-east-1",
        "  - region: us-east-1",
        `    roleArn: ${ROLE}`,
        "  - region: us-east-1",
        "    roleArn: arn:aws:iam::123456789012:role/wfplan",
      ]),
    ).toEqual([]);
  });

  it("accepts a canary of every target, and of none", () => {
    const targets = ["targets:", "  - region: us-east-1", "  - region: eu-west-1"];
    expect(problems([...targets, "policy:", "  rollout: {canary: 2}"])).toEqual([]);
    expect(problems([...targets, "policy:", "  rollout: {canary: 0}"])).toEqual([]);
  });

  it("examples/fleet.yaml is valid", () => {
    const r = loadSpecFile("examples/fleet.yaml");
    expect(r.diagnostics).toEqual([]);
    expect(r.spec?.targets).toHaveLength(3);
  });
});

describe("the fleet's own rules", () => {
  it("refuses targets with a top-level region, at targets, saying how to fix it", () => {
    const r = load(["region: us-east-1", "targets:", "  - region: eu-west-1"]);
    expect(r.diagnostics).toEqual([
      {
        severity: "error",
        file: "fleet.yaml",
        line: 21,
        column: 1,
        path: "targets",
        message:
          "targets and a top-level region are mutually exclusive: each target names its own region",
        hint: "move region into the targets (- region: us-east-1), or drop targets for one region",
      },
    ]);
  });

  it("refuses a target declared twice, at the second, naming the first", () => {
    const r = load([
      "targets:",
      "  - region: us-east-1",
      "  - region: eu-west-1",
      `    roleArn: ${ROLE}`,
      "  - region: us-east-1",
      "  - region: eu-west-1",
      `    roleArn: ${ROLE}`,
    ]);
    expect(r.diagnostics.map(said)).toEqual([
      "24:5 error targets[2]: the target us-east-1 is declared twice (also targets[0])",
      `25:5 error targets[3]: the target eu-west-1 as ${ROLE} is declared twice (also targets[1])`,
    ]);
    expect(r.diagnostics[0]?.hint).toBe(
      "a target is a region and the role assumed there: remove this one, or give one of them a roleArn",
    );
  });

  it("warns that policy.rollout has no effect without targets, at its key", () => {
    const r = load(["policy:", "  rollout:", "    canary: 1"]);
    expect(r.spec).toBeDefined();
    expect(r.diagnostics).toEqual([
      {
        severity: "warning",
        file: "fleet.yaml",
        line: 21,
        column: 3,
        path: "policy.rollout",
        message: "policy.rollout has no effect without targets: there is one target",
        hint: "add targets, or remove policy.rollout",
      },
    ]);
  });

  it("refuses a canary of more targets than there are, at canary", () => {
    const r = load([
      "targets:",
      "  - region: us-east-1",
      "  - region: eu-west-1",
      "policy:",
      "  rollout:",
      "    canary: 3",
    ]);
    expect(r.diagnostics.map(said)).toEqual([
      "25:13 error policy.rollout.canary: canary 3 is more than the 2 targets",
    ]);
    expect(r.diagnostics[0]?.hint).toBe("the first N targets are the canary: at most 2");
  });

  it.each([
    ["maxConcurrency: 0", "maxConcurrency", "needs at least 1"],
    ["maxConcurrency: 51", "maxConcurrency", "at most 50 allowed"],
    ["canary: -1", "canary", "needs at least 0"],
    ["canary: 101", "canary", "at most 100 allowed"],
    ["failureTolerance: -1", "failureTolerance", "needs at least 0"],
    ["failureTolerance: 1.5", "failureTolerance", "expected a whole number, got number 1.5"],
    ["maxConcurrency: four", "maxConcurrency", 'expected a number, got the string "four"'],
    ["canery: 1", "canery", 'unknown key "canery"'],
  ])("refuses rollout %s", (line, key, message) => {
    const r = load(["targets:", "  - region: us-east-1", "policy:", "  rollout:", `    ${line}`]);
    const errors = r.diagnostics.filter((d) => d.severity === "error");
    expect(errors.map(said)).toEqual([
      `24:${key === "canery" ? 5 : key.length + 7} error policy.rollout.${key}: ${message}`,
    ]);
  });

  it("says what each rollout field allows, with its default", () => {
    const r = load([
      "targets:",
      "  - region: us-east-1",
      "policy:",
      "  rollout: {maxConcurrency: 0}",
    ]);
    expect(r.diagnostics[0]?.hint).toBe(
      "How many targets apply works on at once: 1-50 (default 4)",
    );
  });

  it.each([
    ["no target", ["targets: []"], "20:10 error targets: has 0 items; needs at least 1 item"],
    [
      "more than 100",
      [
        "targets:",
        ...Array.from(
          { length: 101 },
          (_, i) =>
            `  - {region: us-east-1, roleArn: "arn:aws:iam::${String(i).padStart(12, "0")}:role/w"}`,
        ),
      ],
      "21:3 error targets: has 101 items; at most 100 items allowed",
    ],
    [
      "a mapping",
      ["targets: {region: us-east-1}"],
      "20:10 error targets: expected a list, got a mapping",
    ],
    [
      "a target without a region",
      ["targets:", `  - roleArn: ${ROLE}`],
      '21:5 error targets[0].region: missing required key "region"',
    ],
    [
      "a region of the wrong form",
      ["targets:", "  - region: Frankfurt"],
      '21:13 error targets[0].region: "Frankfurt" is not valid',
    ],
    [
      "a role ARN of a user",
      ["targets:", "  - region: us-east-1", "    roleArn: arn:aws:iam::123456789012:user/x"],
      '22:14 error targets[0].roleArn: "arn:aws:iam::123456789012:user/x" is not valid',
    ],
    [
      "a role ARN without its account",
      ["targets:", "  - region: us-east-1", "    roleArn: arn:aws:iam::role/x"],
      '22:14 error targets[0].roleArn: "arn:aws:iam::role/x" is not valid',
    ],
    [
      "26 workteams in a target",
      [
        "targets:",
        "  - region: us-east-1",
        "    workteams:",
        ...Array.from(
          { length: 26 },
          (_, i) =>
            `      - {name: t${i}, description: d, memberDefinitions: [{oidcMemberDefinition: {groups: [g]}}]}`,
        ),
      ],
      "23:7 error targets[0].workteams: has 26 items; at most 25 items allowed",
    ],
  ])("refuses %s", (_, lines, problem) => {
    expect(problems(lines).filter((p) => p.includes("error"))).toEqual([problem]);
  });

  it("says what a role ARN is", () => {
    const r = load(["targets:", "  - region: us-east-1", "    roleArn: wfplan"]);
    expect(r.diagnostics[0]?.hint).toBe(
      "allowed: an IAM role ARN such as arn:aws:iam::123456789012:role/wfplan (a path allowed: role/ci/wfplan; the name is 1-64 letters, digits and _+=,.@-)",
    );
  });
});

describe("typos in a target", () => {
  it.each([
    [
      "regon: us-east-1",
      "targets[0].regon",
      'unknown key "regon": did you mean "region"? (region is required)',
    ],
    ["region: us-east-1\n    rolearn: x", "targets[0].rolearn", 'unknown key "rolearn"'],
    ["region: us-east-1\n    workteam: []", "targets[0].workteam", 'unknown key "workteam"'],
    [
      "region: us-east-1\n    workforce: {ipAdressType: ipv4}",
      "targets[0].workforce.ipAdressType",
      'unknown key "ipAdressType"',
    ],
  ])("%s", (target, path, message) => {
    const r = load(["targets:", `  - ${target}`]);
    const [d, ...rest] = r.diagnostics;
    expect(rest).toEqual([]);
    expect(`${d?.path}: ${d?.message}`).toBe(`${path}: ${message}`);
  });

  it("suggests the key meant, among a target's keys", () => {
    const r = load(["targets:", "  - region: us-east-1", "    rolearn: x"]);
    expect(r.diagnostics[0]?.hint).toBe(
      'did you mean "roleArn"? (allowed keys here: region, roleArn, workforce, workteams)',
    );
  });

  it("says a key that a merged section requires once, as the typo", () => {
    expect(
      problems([
        "targets:",
        "  - region: us-east-1",
        "    workforce:",
        "      sourceIpConfig: {cidrs: []}",
        "      workforceVpcConfig: {vpcId: vpc-1, securityGroupIds: [sg-1], subnet: [subnet-1]}",
      ]),
    ).toEqual([
      '24:68 error targets[0].workforce.workforceVpcConfig.subnet: unknown key "subnet": did you mean "subnets"? (missing required key "subnets")',
    ]);
  });
});

describe("the rules of a single spec, for each target's merged spec", () => {
  it("validates an override's values with positions", () => {
    expect(
      problems([
        "targets:",
        "  - region: us-east-1",
        "  - region: eu-west-1",
        "    workforce:",
        "      sourceIpConfig:",
        "        cidrs: [10.0.0.0/33]",
        "      ipAddressType: ipv5",
      ]),
    ).toEqual([
      '25:17 error targets[1].workforce.sourceIpConfig.cidrs[0]: "10.0.0.0/33" is not valid',
      '26:22 error targets[1].workforce.ipAddressType: "ipv5" is not allowed',
    ]);
  });

  it("refuses the override's VPC with the shared IP restriction, at the override", () => {
    const r = load([
      "targets:",
      "  - region: us-east-1",
      "  - region: eu-west-1",
      "    workforce:",
      `      workforceVpcConfig: ${VPC}`,
    ]);
    expect(r.diagnostics.map(said)).toEqual([
      "24:7 error targets[1].workforce.sourceIpConfig: SageMaker does not support source IP restriction for a worker portal in a VPC: it refuses sourceIpConfig with cidrs together with workforceVpcConfig",
    ]);
  });

  it("refuses the override's IP restriction with the shared VPC, at the override's cidrs", () => {
    const shared = [...SHARED.slice(0, 12), `  workforceVpcConfig: ${VPC}`, ...SHARED.slice(14)];
    expect(
      problems(
        [
          "targets:",
          "  - region: us-east-1",
          "    workforce:",
          "      sourceIpConfig: {cidrs: [10.0.0.0/8]}",
        ],
        shared,
      ),
    ).toEqual([
      "22:7 error targets[0].workforce.sourceIpConfig: SageMaker does not support source IP restriction for a worker portal in a VPC: it refuses sourceIpConfig with cidrs together with workforceVpcConfig",
    ]);
  });

  it("says a problem of the shared spec once, at the shared field", () => {
    const withVpc = [...SHARED.slice(0, 14), `  workforceVpcConfig: ${VPC}`, ...SHARED.slice(14)];
    expect(
      problems(
        ["targets:", "  - region: us-east-1", "  - region: eu-west-1", "  - region: ap-south-1"],
        withVpc,
      ),
    ).toEqual([
      "13:3 error workforce.sourceIpConfig: SageMaker does not support source IP restriction for a worker portal in a VPC: it refuses sourceIpConfig with cidrs together with workforceVpcConfig",
    ]);
  });

  it("names the targets a shared problem is for, when an override fixes it for others", () => {
    const withVpc = [...SHARED.slice(0, 14), `  workforceVpcConfig: ${VPC}`, ...SHARED.slice(14)];
    expect(
      problems(
        [
          "targets:",
          "  - region: us-east-1",
          "  - region: eu-west-1",
          "    workforce: {workforceVpcConfig: null}",
          "  - region: ap-south-1",
        ],
        withVpc,
      ),
    ).toEqual([
      "13:3 error workforce.sourceIpConfig: SageMaker does not support source IP restriction for a worker portal in a VPC: it refuses sourceIpConfig with cidrs together with workforceVpcConfig (for targets[0], targets[2])",
    ]);
  });

  it("refuses a second identity provider in an override, at its key", () => {
    expect(
      problems([
        "targets:",
        "  - region: us-east-1",
        "    workforce:",
        "      cognitoConfig: {userPool: us-east-1_abc, clientId: app}",
      ]),
    ).toEqual([
      "23:7 error targets[0].workforce.cognitoConfig: a workforce has either oidcConfig or cognitoConfig, not both",
    ]);
  });

  it("needs the keys an override's section lacks when there is no shared one to merge with", () => {
    const r = load([
      "targets:",
      "  - region: us-east-1",
      "    workforce:",
      "      sourceIpConfig: {cidrs: []}",
      "      workforceVpcConfig: {vpcId: vpc-1}",
    ]);
    expect(r.diagnostics.map(said)).toEqual([
      '24:7 error targets[0].workforce.workforceVpcConfig: missing required key "securityGroupIds"',
      '24:7 error targets[0].workforce.workforceVpcConfig: missing required key "subnets"',
    ]);
    expect(r.diagnostics[1]?.hint).toBe("subnets: 1-16 subnet ids");
  });

  it("counts the shared tags and the target's together", () => {
    const tags = (from: number, n: number) =>
      `{${Array.from({ length: n }, (_, i) => `k${from + i}: v`).join(", ")}}`;
    const shared = [...SHARED.slice(0, 14), `  tags: ${tags(0, 30)}`, ...SHARED.slice(14)];
    const target = (t: string) => [
      "targets:",
      "  - region: us-east-1",
      `    workforce: {tags: ${t}}`,
    ];
    expect(problems(target(tags(0, 50)), shared)).toEqual([]); // the same keys: 50 in all
    expect(problems(target(tags(30, 21)), shared)).toEqual([
      "23:23 error targets[0].workforce.tags: at most 50 tags allowed (the shared ones and this target's)",
    ]);
    // Too many in the override alone: said once, by the schema.
    expect(problems(target(tags(100, 51)), shared)).toEqual([
      "23:23 error targets[0].workforce.tags: at most 50 tags allowed",
    ]);
  });

  it("checks a target's own workteams: names declared twice, member definitions", () => {
    expect(
      problems([
        "targets:",
        "  - region: us-east-1",
        "    workteams:",
        "      - name: a",
        "        description: A",
        "        memberDefinitions: [{cognitoMemberDefinition: {userPool: us-east-1_a, userGroup: g, clientId: c}}]",
        "      - name: a",
        "        description: A again",
        "        memberDefinitions: [{}]",
      ]),
    ).toEqual([
      "25:29 error targets[0].workteams[0].memberDefinitions[0]: cognitoMemberDefinition in a workforce that uses OIDC",
      '26:15 error targets[0].workteams[1].name: workteam "a" is declared twice (also workteams[0])',
      "28:29 error targets[0].workteams[1].memberDefinitions[0]: the member definition is empty",
    ]);
  });

  it("replaces the shared workteams, so theirs are not checked against the target's workforce", () => {
    const cognito = [
      "targets:",
      "  - region: us-east-1",
      "    workforce: {cognitoConfig: {userPool: us-east-1_abc, clientId: app}}",
    ];
    const shared = SHARED.filter((_, i) => i < 3 || i > 11); // no oidcConfig
    // The shared workteams are OIDC: wrong for this Cognito target...
    expect(problems(cognito, shared)).toEqual([
      "12:5 error targets[0].workteams[0].memberDefinitions[0]: oidcMemberDefinition in a workforce that uses Cognito",
    ]);
    // ...and right once the target lists its own.
    expect(
      problems(
        [
          ...cognito,
          "    workteams:",
          "      - name: annotators",
          "        description: Image annotators",
          "        memberDefinitions: [{cognitoMemberDefinition: {userPool: us-east-1_abc, userGroup: g, clientId: app}}]",
        ],
        shared,
      ),
    ).toEqual([]);
  });

  it("warns per target where an override makes the warning, and once for the shared spec's", () => {
    const shared = SHARED.map((l) =>
      l === "    cidrs: [10.0.0.0/16]" ? "    cidrs: [10.0.0.0/16, 2001:db8::/32, 10.0.0.0/16]" : l,
    );
    expect(
      problems(
        [
          "targets:",
          "  - region: us-east-1",
          "  - region: eu-west-1",
          "    workforce: {ipAddressType: ipv4}",
        ],
        shared,
      ),
    ).toEqual([
      "14:41 warning workforce.sourceIpConfig.cidrs[2]: 10.0.0.0/16 repeats cidrs[0]",
      "23:16 warning targets[1].workforce.sourceIpConfig.cidrs[1]: 2001:db8::/32 is IPv6 but ipAddressType is ipv4, so IPv6 clients never reach the portal",
    ]);
  });

  it("needs an identity provider in each merged workforce, not in the shared one", () => {
    const shared = SHARED.filter((_, i) => i < 3 || i > 11);
    const oidc =
      "{clientId: c, clientSecret: '${env:S}', issuer: https://i, authorizationEndpoint: https://a, tokenEndpoint: https://t, userInfoEndpoint: https://u, logoutEndpoint: https://l, jwksUri: https://j}";
    expect(
      problems(
        ["targets:", "  - region: us-east-1", `    workforce: {oidcConfig: ${oidc}}`],
        shared,
      ),
    ).toEqual([]);
    expect(
      problems(
        [
          "targets:",
          "  - region: us-east-1",
          `    workforce: {oidcConfig: ${oidc}}`,
          "  - region: eu-west-1",
        ],
        shared,
      ),
    ).toEqual([
      "3:3 error workforce: the workforce needs oidcConfig or cognitoConfig (for targets[1])",
    ]);
  });
});

describe("specChecks for a fleet", () => {
  it("reads a malformed fleet defensively: targets that are not mappings are skipped", () => {
    expect(
      specChecks({
        version: 1,
        workforce: { oidcConfig: {} },
        targets: [1, null, "x", { region: 5 }],
      }),
    ).toEqual([]);
  });

  it("checks the shared spec as one target when there is no target to check", () => {
    for (const targets of ["x", [], [1, "x"]]) {
      expect(specChecks({ workforce: {}, targets })).toEqual(specChecks({ workforce: {} }));
    }
  });
});

describe("specChecks for a fleet (property)", () => {
  // Workforces and workteams made of the parts the checks look at, right and wrong.
  const cidrs = fc.array(
    fc.constantFrom("10.0.0.0/16", "10.0.0.1/16", "0.0.0.0/0", "2001:db8::/32"),
    {
      maxLength: 3,
    },
  );
  const workforce = fc.record(
    {
      oidcConfig: fc.constant({ clientId: "c" }),
      cognitoConfig: fc.constant({ userPool: "us-east-1_a", clientId: "app" }),
      sourceIpConfig: fc.record({ cidrs }),
      workforceVpcConfig: fc.constantFrom(null, { vpcId: "vpc-1" }),
      ipAddressType: fc.constantFrom("ipv4", "dualstack"),
    },
    { requiredKeys: [] },
  );
  const member = fc.constantFrom(
    { oidcMemberDefinition: { groups: ["g"] } },
    { cognitoMemberDefinition: { userPool: "us-east-1_b", userGroup: "g", clientId: "app" } },
    {},
  );
  const workteams = fc.array(
    fc.record({
      name: fc.constantFrom("a", "b"),
      memberDefinitions: fc.array(member, { maxLength: 2 }),
    }),
    { maxLength: 3 },
  );

  it("one target without overrides says what the spec without targets says, where it says it", () => {
    fc.assert(
      fc.property(workforce, workteams, (wf, teams) => {
        const single = { version: 1, workforce: wf, workteams: teams };
        expect(specChecks({ ...single, targets: [{ region: "us-east-1" }] })).toEqual(
          specChecks(single),
        );
      }),
      { numRuns: runs(300) },
    );
  });

  it("a target whose overrides restate the shared values has the same problems, said there", () => {
    // Where target 1 says a problem itself, the shared field's is for target 0 only: said so.
    const said = (c: Check) =>
      JSON.stringify([c.severity, formatPath(c.path), c.message.replace(" (for targets[0])", "")]);
    const strip = (c: Check) => (c.path[0] === "targets" ? { ...c, path: c.path.slice(2) } : c);
    fc.assert(
      fc.property(workforce, workteams, (wf, teams) => {
        const single = { version: 1, workforce: wf, workteams: teams };
        const same = { region: "eu-west-1", workforce: wf, workteams: teams };
        const fleet = specChecks({ ...single, targets: [{ region: "us-east-1" }, same] });
        expect(new Set(fleet.map(strip).map(said))).toEqual(new Set(specChecks(single).map(said)));
      }),
      { numRuns: runs(300) },
    );
  });

  it("never throws, whatever the targets hold", () => {
    fc.assert(
      fc.property(
        workforce,
        fc.array(fc.anything(), { maxLength: 4 }),
        fc.anything(),
        (wf, targets, policy) => {
          specChecks({ version: 1, workforce: wf, targets, policy });
          specChecks({
            version: 1,
            workforce: wf,
            targets: targets.map((t) => ({ region: "us-east-1", workforce: t, workteams: t })),
          });
        },
      ),
      { numRuns: runs(300) },
    );
  });
});
