/**
 * The AWS reference checks against the emulator, through the real SDK clients over HTTP: each
 * check passing and failing, the faults that make every read fail, and an endpoint that is not
 * there. The endpoint is the SDK's own setting, AWS_ENDPOINT_URL, as a user would set it.
 */
import { createServer as createHttpServer } from "node:http";
import { createServer } from "node:net";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { PreflightFinding } from "../../src/core/types.ts";
import { sagemakerTopicPolicy } from "../../src/emulator/references.ts";
import type { Faults } from "../../src/emulator/server.ts";
import type { References } from "../../src/emulator/state.ts";
import { checkAwsReferences, failureOf } from "../../src/preflight/aws.ts";
import { validSpec, workteam } from "../builders.ts";
import { emulator } from "../helpers/emulator.ts";

const CREDENTIALS = { accessKeyId: "test", secretAccessKey: "test" };
const TOPIC = "arn:aws:sns:us-east-1:123456789012:labeling";
const POOL = "us-east-1_AbC123";

/** Everything the specs below refer to, as it should be. */
const GOOD: Partial<References> = {
  topics: [{ arn: TOPIC, policy: sagemakerTopicPolicy(TOPIC) }],
  vpcs: [
    { id: "vpc-0abc", dnsHostnames: true, dnsSupport: true },
    { id: "vpc-0def", dnsHostnames: false },
  ],
  subnets: [
    { id: "subnet-1", vpcId: "vpc-0abc" },
    { id: "subnet-2", vpcId: "vpc-0abc" },
    { id: "subnet-9", vpcId: "vpc-0def" },
  ],
  securityGroups: [
    { id: "sg-1", vpcId: "vpc-0abc" },
    { id: "sg-9", vpcId: "vpc-0def" },
  ],
  userPools: [{ id: POOL, clients: ["client1", "client2"], groups: ["labelers", "reviewers"] }],
};

const vpcConfig = (more: Record<string, unknown> = {}) => ({
  vpcId: "vpc-0abc",
  subnets: ["subnet-1", "subnet-2"],
  securityGroupIds: ["sg-1"],
  ...more,
});

const cognitoTeam = (name: string, group: string, clientId = "client1", userPool = POOL) =>
  workteam({
    name,
    memberDefinitions: [{ cognitoMemberDefinition: { userPool, userGroup: group, clientId } }],
  });

const specs = {
  topics: (arn = TOPIC) =>
    validSpec({
      workteams: [
        workteam({ name: "a", notificationConfiguration: { notificationTopicArn: arn } }),
        workteam({ name: "b", notificationConfiguration: { notificationTopicArn: arn } }),
        workteam({ name: "c" }),
      ],
    }),
  vpc: (more: Record<string, unknown> = {}) =>
    validSpec({ workforce: { workforceVpcConfig: vpcConfig(more) } }),
  cognito: (
    teams = [cognitoTeam("a", "labelers"), cognitoTeam("b", "reviewers")],
    clientId = "client1",
  ) =>
    validSpec({
      workforce: { oidcConfig: undefined, cognitoConfig: { userPool: POOL, clientId } },
      workteams: teams,
    }),
};

afterEach(() => {
  vi.unstubAllEnvs();
});

/** An emulator holding `refs`, set as the SDK's endpoint for every service. */
async function endpoint(refs: Partial<References> = GOOD, faults: Faults = {}) {
  const emu = await emulator({ faults });
  emu.seedReferences(refs);
  vi.stubEnv("AWS_ENDPOINT_URL", emu.url);
  return emu;
}

const check = (spec: ReturnType<typeof validSpec>, signal?: AbortSignal) =>
  checkAwsReferences(spec, { region: "us-east-1", credentials: CREDENTIALS, signal });

const brief = (fs: PreflightFinding[]) => fs.map((f) => [f.check, f.outcome, f.message]);

describe("nothing to check", () => {
  it("makes no call for a spec without topics, VPC or Cognito", async () => {
    const emu = await endpoint();
    expect(await check(validSpec({ workteams: [workteam()] }))).toEqual([]);
    expect(emu.calls).toEqual([]);
  });
});

describe("SNS topics", () => {
  it("passes a topic SageMaker may publish to, once for all the teams that name it", async () => {
    const emu = await endpoint();
    expect(await check(specs.topics())).toEqual([
      {
        check: "sns-topic",
        subject: TOPIC,
        outcome: "ok",
        message: `SNS topic ${TOPIC} exists and SageMaker may publish to it`,
        paths: ["workteams.a.notificationConfiguration", "workteams.b.notificationConfiguration"],
      },
    ]);
    expect(emu.calls.map((c) => `${c.service}:${c.operation}`)).toEqual(["sns:GetTopicAttributes"]);
  });

  it("finds a missing topic", async () => {
    await endpoint();
    const [f] = await check(specs.topics(`${TOPIC}-gone`));
    expect(f).toMatchObject({
      outcome: "problem",
      message: `SNS topic ${TOPIC}-gone does not exist`,
      hint: "create it in us-east-1, or correct notificationTopicArn",
    });
  });

  it("finds a topic whose policy does not let SageMaker publish, and shows the statement to add", async () => {
    await endpoint({ topics: [{ arn: TOPIC }] }); // SNS's default policy
    const [f] = await check(specs.topics());
    expect(f?.outcome).toBe("problem");
    expect(f?.message).toMatch(
      /^SageMaker may not publish to SNS topic .*labeling: its statement "__default_statement_ID" lets everyone publish only under AWS:SourceOwner/,
    );
    expect(f?.hint).toContain(
      '"Principal":{"Service":"sagemaker.amazonaws.com"},"Action":"sns:Publish"',
    );
  });

  it("finds a topic of another region", async () => {
    await endpoint();
    const [f] = await check(specs.topics("arn:aws:sns:eu-west-1:123456789012:labeling"));
    expect(f).toMatchObject({
      outcome: "problem",
      message: expect.stringMatching(/is not a topic of us-east-1 \(InvalidParameter\)/),
    });
  });
});

describe("the VPC", () => {
  it("passes a VPC whose subnets and groups are its own, with DNS on", async () => {
    await endpoint();
    const found = await check(specs.vpc());
    expect(brief(found)).toEqual([
      ["vpc", "ok", "VPC vpc-0abc exists"],
      ["vpc-subnets", "ok", "the subnets are in VPC vpc-0abc"],
      ["vpc-security-groups", "ok", "the security groups are in VPC vpc-0abc"],
      ["vpc-dns", "ok", "VPC vpc-0abc has DNS hostnames and DNS resolution enabled"],
    ]);
    expect(found.every((f) => f.paths.join() === "workforce.workforceVpcConfig")).toBe(true);
    expect(found.map((f) => f.subject)).toEqual([
      "vpc-0abc",
      "subnet-1, subnet-2",
      "sg-1",
      "vpc-0abc",
    ]);
  });

  it("names every wrong subnet in one finding: another VPC's, missing ones", async () => {
    await endpoint();
    const found = await check(
      specs.vpc({ subnets: ["subnet-1", "subnet-9", "subnet-404", "subnet-405"] }),
    );
    expect(found.find((f) => f.check === "vpc-subnets")).toMatchObject({
      outcome: "problem",
      message:
        "subnets of VPC vpc-0abc: subnet-404 does not exist; subnet-405 does not exist; subnet-9 is in vpc-0def, not vpc-0abc",
      hint: "use subnets of vpc-0abc: aws ec2 describe-subnets --filters Name=vpc-id,Values=vpc-0abc",
    });
  });

  it("finds a security group of another VPC, and a malformed one", async () => {
    await endpoint();
    const found = await check(specs.vpc({ securityGroupIds: ["sg-9"] }));
    expect(found.find((f) => f.check === "vpc-security-groups")).toMatchObject({
      outcome: "problem",
      message: "security groups of VPC vpc-0abc: sg-9 is in vpc-0def, not vpc-0abc",
    });
    const bad = await check(specs.vpc({ securityGroupIds: ["sg-1", "sg-xyz"] }));
    expect(bad.find((f) => f.check === "vpc-security-groups")?.message).toBe(
      "security groups of VPC vpc-0abc: sg-xyz is not a security group id",
    );
  });

  it("finds DNS hostnames off", async () => {
    await endpoint();
    const found = await check(
      specs.vpc({ vpcId: "vpc-0def", subnets: ["subnet-9"], securityGroupIds: ["sg-9"] }),
    );
    expect(found.find((f) => f.check === "vpc-dns")).toMatchObject({
      outcome: "problem",
      message:
        "VPC vpc-0def has DNS hostnames disabled: the worker portal's VPC endpoint needs both",
      hint: `aws ec2 modify-vpc-attribute --vpc-id vpc-0def --enable-dns-hostnames '{"Value":true}'`,
    });
  });

  it("finds a missing VPC, once as itself and as the reason its DNS cannot be right", async () => {
    await endpoint();
    const found = await check(specs.vpc({ vpcId: "vpc-0404" }));
    expect(brief(found)).toEqual([
      ["vpc", "problem", "VPC vpc-0404 does not exist"],
      [
        "vpc-subnets",
        "problem",
        "subnets of VPC vpc-0404: subnet-1 is in vpc-0abc, not vpc-0404; subnet-2 is in vpc-0abc, not vpc-0404",
      ],
      [
        "vpc-security-groups",
        "problem",
        "security groups of VPC vpc-0404: sg-1 is in vpc-0abc, not vpc-0404",
      ],
      ["vpc-dns", "problem", "the DNS settings of VPC vpc-0404: it does not exist"],
    ]);
  });
});

describe("Cognito", () => {
  it("passes the pool, its clients and the groups the teams name, each once", async () => {
    await endpoint();
    const found = await check(
      specs.cognito([
        cognitoTeam("a", "labelers"),
        cognitoTeam("b", "reviewers"),
        cognitoTeam("c", "labelers"),
      ]),
    );
    expect(found.map((f) => [f.check, f.subject, f.outcome, f.paths])).toEqual([
      [
        "cognito-user-pool",
        POOL,
        "ok",
        [
          "workforce.cognitoConfig",
          "workteams.a.memberDefinitions",
          "workteams.b.memberDefinitions",
          "workteams.c.memberDefinitions",
        ],
      ],
      [
        "cognito-app-client",
        `${POOL}/client1`,
        "ok",
        [
          "workforce.cognitoConfig",
          "workteams.a.memberDefinitions",
          "workteams.b.memberDefinitions",
          "workteams.c.memberDefinitions",
        ],
      ],
      [
        "cognito-user-group",
        `${POOL}/labelers`,
        "ok",
        ["workteams.a.memberDefinitions", "workteams.c.memberDefinitions"],
      ],
      ["cognito-user-group", `${POOL}/reviewers`, "ok", ["workteams.b.memberDefinitions"]],
    ]);
  });

  it("finds a missing group and a missing client", async () => {
    await endpoint();
    const found = await check(specs.cognito([cognitoTeam("a", "auditors", "client3")], "client3"));
    expect(brief(found.filter((f) => f.outcome !== "ok"))).toEqual([
      ["cognito-app-client", "problem", `app client client3 of user pool ${POOL} does not exist`],
      ["cognito-user-group", "problem", `user group auditors of user pool ${POOL} does not exist`],
    ]);
    expect(found.find((f) => f.check === "cognito-user-group")?.hint).toBe(
      `create it (aws cognito-idp create-group --user-pool-id ${POOL} --group-name auditors) or correct userGroup`,
    );
  });

  it("finds a missing pool, and says so for its clients and groups", async () => {
    await endpoint({ userPools: [] });
    const found = await check(specs.cognito([cognitoTeam("a", "labelers")]));
    expect(brief(found)).toEqual([
      ["cognito-user-pool", "problem", `Cognito user pool ${POOL} does not exist`],
      [
        "cognito-app-client",
        "problem",
        `app client client1 of user pool ${POOL}: user pool ${POOL} does not exist`,
      ],
      [
        "cognito-user-group",
        "problem",
        `user group labelers of user pool ${POOL}: user pool ${POOL} does not exist`,
      ],
    ]);
  });

  it("finds a client id Cognito does not accept", async () => {
    await endpoint();
    const found = await check(
      specs.cognito([cognitoTeam("a", "labelers", "client-1")], "client-1"),
    );
    expect(found.find((f) => f.subject === `${POOL}/client-1`)).toMatchObject({
      outcome: "problem",
      message: `app client client-1 of user pool ${POOL} is not valid (InvalidParameterException)`,
    });
  });
});

/** A spec that has every check: two topics, the VPC, a Cognito pool with a client and a group. */
const everything = () =>
  validSpec({
    workforce: {
      oidcConfig: undefined,
      cognitoConfig: { userPool: POOL, clientId: "client1" },
      workforceVpcConfig: vpcConfig(),
    },
    workteams: [
      cognitoTeam("a", "labelers"),
      {
        ...cognitoTeam("b", "labelers"),
        notificationConfiguration: { notificationTopicArn: TOPIC },
      },
    ],
  });
const CHECKS = [
  "sns-topic",
  "vpc",
  "vpc-subnets",
  "vpc-security-groups",
  "vpc-dns",
  "cognito-user-pool",
  "cognito-app-client",
  "cognito-user-group",
];

describe("when the reads fail", () => {
  it("passes everything when all is well", async () => {
    await endpoint();
    const found = await check(everything());
    expect(found.map((f) => [f.check, f.outcome])).toEqual(CHECKS.map((c) => [c, "ok"]));
  });

  it.each([
    [
      "UnknownOperation" as const,
      ["InvalidAction", "InvalidAction", "UnknownOperationException"],
      /does not serve (GetTopicAttributes|DescribeVpcs|DescribeSubnets|DescribeSecurityGroups|DescribeVpcAttribute|DescribeUserPool|DescribeUserPoolClient|GetGroup): check AWS_ENDPOINT_URL_(SNS|EC2|COGNITO_IDENTITY_PROVIDER) and AWS_ENDPOINT_URL; --no-preflight skips the checks$/,
    ],
    [
      "AccessDenied" as const,
      ["AuthorizationError", "UnauthorizedOperation", "AccessDeniedException"],
      /^the credentials need (sns|ec2|cognito-idp):\w+; --no-preflight skips the checks$/,
    ],
  ])(
    "%s: one unchecked finding per check, with what it needs",
    async (fault, [sns, ec2, cognito], hint) => {
      await endpoint(GOOD, { referenceReads: fault });
      const found = await check(everything());
      expect(found.map((f) => [f.check, f.outcome])).toEqual(CHECKS.map((c) => [c, "unchecked"]));
      const code = (f: PreflightFinding) =>
        f.check === "sns-topic" ? sns : f.check.startsWith("vpc") ? ec2 : cognito;
      for (const f of found) {
        expect(f.message).toMatch(/^could not check: .+ \([\w.]+\)$/);
        expect(f.message.endsWith(`(${code(f)})`)).toBe(true);
        expect(f.hint).toMatch(hint);
      }
      expect(found.find((f) => f.check === "vpc-subnets")?.message).toBe(
        `could not check: the subnets subnet-1, subnet-2 (${ec2})`,
      );
      expect(found.find((f) => f.check === "vpc-dns")?.hint).toMatch(/DescribeVpcAttribute/);
    },
  );

  it("an endpoint that is not there: every check unchecked, no throw", async () => {
    const port = await closedPort();
    vi.stubEnv("AWS_ENDPOINT_URL", `http://127.0.0.1:${port}`);
    const found = await check(everything());
    expect(found.map((f) => [f.check, f.outcome])).toEqual(CHECKS.map((c) => [c, "unchecked"]));
    for (const f of found) {
      expect(f.message).toMatch(/^could not check: .+ \(ECONNREFUSED\)$/);
      expect(f.hint).toMatch(/^check the network and the (SNS|EC2|Cognito) endpoint/);
    }
  });

  it("an endpoint that is some other web server (a bare 404): unchecked, not a missing topic", async () => {
    const server = createHttpServer((_req, res) => res.writeHead(404).end());
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const { port } = server.address() as { port: number };
      vi.stubEnv("AWS_ENDPOINT_URL", `http://127.0.0.1:${port}`);
      const found = await check(everything());
      expect(found.map((f) => [f.check, f.outcome])).toEqual(CHECKS.map((c) => [c, "unchecked"]));
      expect(found[0]?.message).toBe(
        `could not check: SNS topic ${TOPIC} (HTTP 404 NotFoundException)`,
      );
      expect(found[0]?.hint).toMatch(/^the SNS endpoint does not serve GetTopicAttributes/);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it("a service-specific endpoint wins over AWS_ENDPOINT_URL (the SDK's own setting)", async () => {
    const emu = await endpoint();
    vi.stubEnv("AWS_ENDPOINT_URL", `http://127.0.0.1:${await closedPort()}`);
    vi.stubEnv("AWS_ENDPOINT_URL_SNS", emu.url);
    const found = await check(everything());
    expect(found.filter((f) => f.outcome === "ok").map((f) => f.check)).toEqual(["sns-topic"]);
  });

  it("takes one endpoint for every service when given one", async () => {
    const emu = await endpoint();
    vi.stubEnv("AWS_ENDPOINT_URL", `http://127.0.0.1:${await closedPort()}`);
    const found = await checkAwsReferences(everything(), {
      region: "us-east-1",
      credentials: CREDENTIALS,
      endpoint: emu.url,
    });
    expect(found.every((f) => f.outcome === "ok")).toBe(true);
  });

  it("no credentials: unchecked, saying so", async () => {
    await endpoint();
    const found = await checkAwsReferences(specs.topics(), {
      region: "us-east-1",
      credentials: async () => {
        throw Object.assign(new Error("Could not load credentials from any providers"), {
          name: "CredentialsProviderError",
        });
      },
    });
    expect(found).toMatchObject([
      {
        outcome: "unchecked",
        message: `could not check: SNS topic ${TOPIC} (no AWS credentials)`,
        hint: expect.stringMatching(/^configure AWS credentials/),
      },
    ]);
  });

  it("rejects when the caller stops it", async () => {
    const emu = await endpoint();
    const stop = new AbortController();
    emu.onCall(() => stop.abort(new Error("stopped")));
    await expect(check(specs.topics(), stop.signal)).rejects.toThrow("stopped");
  });
});

/** A loopback port that nothing listens on (one the system gave out, then closed). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe("failureOf", () => {
  const SNS = { name: "SNS", endpointEnv: "AWS_ENDPOINT_URL_SNS" };
  const err = (name: string, more: Record<string, unknown> = {}) =>
    Object.assign(new Error("x"), { name, ...more });
  const status = (httpStatusCode: number) => ({ $metadata: { httpStatusCode } });
  it.each<[string, unknown, string, string]>([
    [
      "the service's code (query)",
      err("NotFoundException", { Code: "NotFound", ...status(404) }),
      "NotFound",
      "service",
    ],
    [
      "the service's code (JSON)",
      err("ResourceNotFoundException", status(400)),
      "ResourceNotFoundException",
      "service",
    ],
    [
      "EC2's dotted code",
      err("InvalidVpcID.NotFound", { Code: "InvalidVpcID.NotFound", ...status(400) }),
      "InvalidVpcID.NotFound",
      "service",
    ],
    ["access denied", err("AccessDeniedException", status(400)), "AccessDeniedException", "denied"],
    [
      "SNS's AuthorizationError",
      err("AuthorizationErrorException", { Code: "AuthorizationError", ...status(403) }),
      "AuthorizationError",
      "denied",
    ],
    ["a bare 403", err("Unknown", status(403)), "HTTP 403", "denied"],
    [
      "an unknown operation",
      err("UnknownOperationException", status(400)),
      "UnknownOperationException",
      "unserved",
    ],
    ["a bare 400", err("Unknown", status(400)), "HTTP 400", "unserved"],
    [
      "a bare 404 the SDK names NotFound",
      err("NotFoundException", status(404)),
      "HTTP 404 NotFoundException",
      "unserved",
    ],
    [
      "bad credentials",
      err("UnrecognizedClientException", status(400)),
      "UnrecognizedClientException",
      "credentials",
    ],
    ["no credentials", err("CredentialsProviderError"), "no AWS credentials", "credentials"],
    ["a timeout", err("TimeoutError"), "no answer in time", "unreachable"],
    ["the deadline", err("AbortError"), "no answer in time", "unreachable"],
    ["a refused connection", err("Error", { code: "ECONNREFUSED" }), "ECONNREFUSED", "unreachable"],
    [
      "a server error",
      err("InternalFailure", { Code: "InternalFailure", ...status(500) }),
      "InternalFailure",
      "transient",
    ],
    [
      "throttling",
      err("Throttling", { Code: "Throttling", ...status(400) }),
      "Throttling",
      "transient",
    ],
    ["not an error at all", undefined, "no answer", "unreachable"],
  ])("%s", (_n, e, code, kind) => {
    expect(failureOf(e, SNS, "sns:GetTopicAttributes")).toMatchObject({ code, kind });
  });
});
