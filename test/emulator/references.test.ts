/**
 * The emulator's SNS, EC2 and Cognito reads (src/emulator/references.ts), through the real SDK
 * clients over HTTP: what they parse, the error codes they get, the faults, and the state file.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  CognitoIdentityProviderClient,
  DescribeUserPoolClientCommand,
  DescribeUserPoolCommand,
  GetGroupCommand,
  ListUserPoolsCommand,
} from "@aws-sdk/client-cognito-identity-provider";
import {
  DescribeInstancesCommand,
  DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand,
  DescribeVpcAttributeCommand,
  DescribeVpcsCommand,
  EC2Client,
} from "@aws-sdk/client-ec2";
import { DescribeWorkforceCommand } from "@aws-sdk/client-sagemaker";
import { GetTopicAttributesCommand, ListTopicsCommand, SNSClient } from "@aws-sdk/client-sns";
import { describe, expect, it } from "vitest";
import { sagemakerTopicPolicy } from "../../src/emulator/references.ts";
import type { Emulator } from "../../src/emulator/server.ts";
import type { References } from "../../src/emulator/state.ts";
import { emulator, sdk } from "../helpers/emulator.ts";

const TOPIC = "arn:aws:sns:us-east-1:123456789012:labeling";
const POOL = "us-east-1_AbC123";

const REFS: Partial<References> = {
  topics: [{ arn: TOPIC, policy: sagemakerTopicPolicy(TOPIC) }],
  vpcs: [
    { id: "vpc-0abc", dnsHostnames: true },
    { id: "vpc-0def" },
    { id: "vpc-0e0", region: "eu-west-1", dnsHostnames: true },
  ],
  subnets: [
    { id: "subnet-1", vpcId: "vpc-0abc" },
    { id: "subnet-2", vpcId: "vpc-0abc" },
    { id: "subnet-9", vpcId: "vpc-0def" },
  ],
  securityGroups: [{ id: "sg-1", vpcId: "vpc-0abc" }],
  userPools: [{ id: POOL, clients: ["client1"], groups: ["labelers"] }],
};

function clients(emu: Emulator, region = "us-east-1") {
  const config = {
    region,
    endpoint: emu.url,
    credentials: { accessKeyId: "test", secretAccessKey: "test" },
    maxAttempts: 1,
  };
  return {
    sns: new SNSClient(config),
    ec2: new EC2Client(config),
    cognito: new CognitoIdentityProviderClient(config),
  };
}

async function seeded(opts = {}) {
  const emu = await emulator(opts);
  emu.seedReferences(REFS);
  return { emu, ...clients(emu) };
}

/** The error an SDK call rejects with: its name (the service's code) and HTTP status. */
async function failure(p: Promise<unknown>): Promise<{ name: string; status?: number }> {
  try {
    await p;
  } catch (e) {
    const err = e as Error & { $metadata?: { httpStatusCode?: number } };
    return { name: err.name, status: err.$metadata?.httpStatusCode };
  }
  throw new Error("expected the call to fail");
}

describe("SNS GetTopicAttributes", () => {
  it("answers a seeded topic's attributes, its policy among them", async () => {
    const { sns } = await seeded();
    const { Attributes } = await sns.send(new GetTopicAttributesCommand({ TopicArn: TOPIC }));
    expect(Attributes).toMatchObject({ TopicArn: TOPIC, Owner: "123456789012" });
    expect(JSON.parse(Attributes!.Policy!)).toEqual(JSON.parse(sagemakerTopicPolicy(TOPIC)));
  });

  it("gives a topic seeded without a policy SNS's default one (its own account only)", async () => {
    const { emu, sns } = await seeded();
    emu.seedReferences({ topics: [{ arn: `${TOPIC}-2` }] });
    const { Attributes } = await sns.send(
      new GetTopicAttributesCommand({ TopicArn: `${TOPIC}-2` }),
    );
    expect(JSON.parse(Attributes!.Policy!).Statement[0]).toMatchObject({
      Principal: { AWS: "*" },
      Condition: { StringEquals: { "AWS:SourceOwner": "123456789012" } },
    });
  });

  it.each([
    ["a missing topic", `${TOPIC}-gone`, "NotFoundException", 404],
    [
      "another region's topic",
      "arn:aws:sns:eu-west-1:123456789012:labeling",
      "InvalidParameterException",
      400,
    ],
    ["an ARN that is not one", "labeling", "InvalidParameterException", 400],
  ])("refuses %s with the service's code", async (_n, arn, name, status) => {
    const { sns } = await seeded();
    expect(await failure(sns.send(new GetTopicAttributesCommand({ TopicArn: arn })))).toEqual({
      name,
      status,
    });
  });

  it("answers an action it does not serve with InvalidAction", async () => {
    const { sns } = await seeded();
    expect(await failure(sns.send(new ListTopicsCommand({})))).toEqual({
      name: "InvalidAction",
      status: 400,
    });
  });
});

describe("EC2 reads", () => {
  it("describes seeded VPCs, subnets and security groups of the caller's region", async () => {
    const { ec2, emu } = await seeded();
    const { Vpcs } = await ec2.send(new DescribeVpcsCommand({ VpcIds: ["vpc-0abc"] }));
    expect(Vpcs).toMatchObject([{ VpcId: "vpc-0abc", State: "available", IsDefault: false }]);
    const { Subnets } = await ec2.send(
      new DescribeSubnetsCommand({ SubnetIds: ["subnet-1", "subnet-9"] }),
    );
    expect(Subnets!.map((s) => [s.SubnetId, s.VpcId])).toEqual([
      ["subnet-1", "vpc-0abc"],
      ["subnet-9", "vpc-0def"],
    ]);
    const { SecurityGroups } = await ec2.send(
      new DescribeSecurityGroupsCommand({ GroupIds: ["sg-1"] }),
    );
    expect(SecurityGroups).toMatchObject([{ GroupId: "sg-1", VpcId: "vpc-0abc" }]);
    const all = await clients(emu, "eu-west-1").ec2.send(new DescribeVpcsCommand({}));
    expect(all.Vpcs!.map((v) => v.VpcId)).toEqual(["vpc-0e0"]);
  });

  it("filters by VPC", async () => {
    const { ec2 } = await seeded();
    const { Subnets } = await ec2.send(
      new DescribeSubnetsCommand({ Filters: [{ Name: "vpc-id", Values: ["vpc-0abc"] }] }),
    );
    expect(Subnets!.map((s) => s.SubnetId)).toEqual(["subnet-1", "subnet-2"]);
    expect(
      await failure(
        ec2.send(new DescribeSubnetsCommand({ Filters: [{ Name: "colour", Values: ["red"] }] })),
      ),
    ).toMatchObject({ name: "InvalidParameterValue" });
  });

  it("answers a VPC's DNS attributes; a new VPC's hostnames are off, as EC2 makes them", async () => {
    const { ec2 } = await seeded();
    const ask = (VpcId: string, Attribute: "enableDnsHostnames" | "enableDnsSupport") =>
      ec2.send(new DescribeVpcAttributeCommand({ VpcId, Attribute }));
    expect((await ask("vpc-0abc", "enableDnsHostnames")).EnableDnsHostnames?.Value).toBe(true);
    expect((await ask("vpc-0abc", "enableDnsSupport")).EnableDnsSupport?.Value).toBe(true);
    expect((await ask("vpc-0def", "enableDnsHostnames")).EnableDnsHostnames?.Value).toBe(false);
    expect((await ask("vpc-0def", "enableDnsHostnames")).VpcId).toBe("vpc-0def");
    expect(await failure(ask("vpc-0404", "enableDnsSupport"))).toEqual({
      name: "InvalidVpcID.NotFound",
      status: 400,
    });
  });

  it.each([
    [
      "a missing VPC",
      () => new DescribeVpcsCommand({ VpcIds: ["vpc-0404"] }),
      "InvalidVpcID.NotFound",
    ],
    [
      "another region's VPC",
      () => new DescribeVpcsCommand({ VpcIds: ["vpc-0e0"] }),
      "InvalidVpcID.NotFound",
    ],
    [
      "a missing subnet among others",
      () => new DescribeSubnetsCommand({ SubnetIds: ["subnet-1", "subnet-404"] }),
      "InvalidSubnetID.NotFound",
    ],
    [
      "a missing group",
      () => new DescribeSecurityGroupsCommand({ GroupIds: ["sg-404"] }),
      "InvalidGroup.NotFound",
    ],
    [
      "a malformed VPC id",
      () => new DescribeVpcsCommand({ VpcIds: ["vpc-xyz"] }),
      "InvalidVpcID.Malformed",
    ],
    [
      "a malformed subnet id",
      () => new DescribeSubnetsCommand({ SubnetIds: ["sub-1"] }),
      "InvalidSubnetID.Malformed",
    ],
    [
      "a malformed group id",
      () => new DescribeSecurityGroupsCommand({ GroupIds: ["sg-"] }),
      "InvalidGroupId.Malformed",
    ],
    ["an action it does not serve", () => new DescribeInstancesCommand({}), "InvalidAction"],
  ])("refuses %s with EC2's code", async (_n, command, name) => {
    const { ec2 } = await seeded();
    // biome-ignore lint/suspicious/noExplicitAny: one table over several command types
    expect(await failure(ec2.send(command() as any))).toEqual({ name, status: 400 });
  });
});

describe("Cognito reads", () => {
  it("describes a seeded pool, its app client and its group", async () => {
    const { cognito } = await seeded();
    const { UserPool } = await cognito.send(new DescribeUserPoolCommand({ UserPoolId: POOL }));
    expect(UserPool).toMatchObject({
      Id: POOL,
      Arn: `arn:aws:cognito-idp:us-east-1:123456789012:userpool/${POOL}`,
    });
    expect(UserPool!.CreationDate).toBeInstanceOf(Date);
    const { UserPoolClient } = await cognito.send(
      new DescribeUserPoolClientCommand({ UserPoolId: POOL, ClientId: "client1" }),
    );
    expect(UserPoolClient).toMatchObject({ UserPoolId: POOL, ClientId: "client1" });
    const { Group } = await cognito.send(
      new GetGroupCommand({ UserPoolId: POOL, GroupName: "labelers" }),
    );
    expect(Group).toMatchObject({ UserPoolId: POOL, GroupName: "labelers" });
  });

  it.each([
    [
      "a missing pool",
      () => new DescribeUserPoolCommand({ UserPoolId: "us-east-1_Gone" }),
      "ResourceNotFoundException",
    ],
    [
      "a pool id of another region",
      () => new DescribeUserPoolCommand({ UserPoolId: "eu-west-1_AbC123" }),
      "ResourceNotFoundException",
    ],
    [
      "a missing client",
      () => new DescribeUserPoolClientCommand({ UserPoolId: POOL, ClientId: "client2" }),
      "ResourceNotFoundException",
    ],
    [
      "a client of a missing pool",
      () =>
        new DescribeUserPoolClientCommand({ UserPoolId: "us-east-1_Gone", ClientId: "client1" }),
      "ResourceNotFoundException",
    ],
    [
      "a missing group",
      () => new GetGroupCommand({ UserPoolId: POOL, GroupName: "reviewers" }),
      "ResourceNotFoundException",
    ],
    [
      "a client id the model's pattern refuses",
      () => new DescribeUserPoolClientCommand({ UserPoolId: POOL, ClientId: "client-1" }),
      "InvalidParameterException",
    ],
    [
      "a pool id that is not one",
      () => new DescribeUserPoolCommand({ UserPoolId: "pool" }),
      "InvalidParameterException",
    ],
    [
      "an action it does not serve",
      () => new ListUserPoolsCommand({ MaxResults: 10 }),
      "UnknownOperationException",
    ],
  ])("refuses %s with Cognito's code", async (_n, command, name) => {
    const { cognito } = await seeded();
    // biome-ignore lint/suspicious/noExplicitAny: one table over several command types
    expect(await failure(cognito.send(command() as any))).toEqual({ name, status: 400 });
  });

  it("words a validation error as the service does, without echoing the client id", async () => {
    const { cognito } = await seeded();
    const err = await cognito
      .send(new DescribeUserPoolClientCommand({ UserPoolId: "pool", ClientId: "client-1" }))
      .catch((e: Error) => e);
    expect((err as Error).message).toBe(
      "2 validation errors detected: Value 'pool' at 'userPoolId' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w-]+_[0-9a-zA-Z]+; Value at 'clientId' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+]+",
    );
  });
});

describe("the referenceReads fault", () => {
  const reads = (c: ReturnType<typeof clients>) => [
    c.sns.send(new GetTopicAttributesCommand({ TopicArn: TOPIC })),
    c.ec2.send(new DescribeVpcsCommand({ VpcIds: ["vpc-0abc"] })),
    c.ec2.send(new DescribeSubnetsCommand({ SubnetIds: ["subnet-1"] })),
    c.ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: ["sg-1"] })),
    c.ec2.send(
      new DescribeVpcAttributeCommand({ VpcId: "vpc-0abc", Attribute: "enableDnsSupport" }),
    ),
    c.cognito.send(new DescribeUserPoolCommand({ UserPoolId: POOL })),
    c.cognito.send(new DescribeUserPoolClientCommand({ UserPoolId: POOL, ClientId: "client1" })),
    c.cognito.send(new GetGroupCommand({ UserPoolId: POOL, GroupName: "labelers" })),
  ];

  it.each([
    [
      "UnknownOperation" as const,
      [
        ["InvalidAction", 400],
        ...Array(4).fill(["InvalidAction", 400]),
        ...Array(3).fill(["UnknownOperationException", 400]),
      ],
    ],
    [
      "AccessDenied" as const,
      [
        ["AuthorizationErrorException", 403],
        ...Array(4).fill(["UnauthorizedOperation", 403]),
        ...Array(3).fill(["AccessDeniedException", 400]),
      ],
    ],
  ])("%s: every read answers its service's error; SageMaker is untouched", async (fault, codes) => {
    const { emu, ...c } = await seeded({ faults: { referenceReads: fault } });
    const got = await Promise.all(reads(c).map(failure));
    expect(got.map((f) => [f.name, f.status])).toEqual(codes);
    expect(
      await failure(sdk(emu).send(new DescribeWorkforceCommand({ WorkforceName: "labelers" }))),
    ).toMatchObject({ name: "ValidationException" });
  });

  it("can be set and cleared while running", async () => {
    const { emu, sns } = await seeded();
    emu.setFaults({ referenceReads: "AccessDenied" });
    expect(await failure(sns.send(new GetTopicAttributesCommand({ TopicArn: TOPIC })))).toEqual({
      name: "AuthorizationErrorException",
      status: 403,
    });
    await fetch(`${emu.url}/_emulator/faults`, { method: "POST", body: "{}" });
    await sns.send(new GetTopicAttributesCommand({ TopicArn: TOPIC }));
  });
});

describe("the wire", () => {
  it("records each read as a call of its service and region", async () => {
    const { emu, sns, ec2 } = await seeded();
    await sns.send(new GetTopicAttributesCommand({ TopicArn: TOPIC }));
    await failure(ec2.send(new DescribeVpcsCommand({ VpcIds: ["vpc-0404"] })));
    expect(emu.calls).toEqual([
      { operation: "GetTopicAttributes", service: "sns", region: "us-east-1", status: 200 },
      {
        operation: "DescribeVpcs",
        service: "ec2",
        region: "us-east-1",
        status: 400,
        errorType: "InvalidVpcID.NotFound",
      },
    ]);
  });

  it("tells the call listeners of each read that succeeded, with its input", async () => {
    const { emu, sns, cognito } = await seeded();
    const heard: [string, unknown][] = [];
    emu.onCall((call, input) => heard.push([`${call.service}:${call.operation}`, input]));
    await sns.send(new GetTopicAttributesCommand({ TopicArn: TOPIC }));
    await cognito.send(new DescribeUserPoolCommand({ UserPoolId: POOL }));
    await failure(cognito.send(new DescribeUserPoolCommand({ UserPoolId: "us-east-1_Gone" })));
    expect(heard).toEqual([
      [
        "sns:GetTopicAttributes",
        { Action: "GetTopicAttributes", Version: "2010-03-31", TopicArn: TOPIC },
      ],
      ["cognito-idp:DescribeUserPool", { UserPoolId: POOL }],
    ]);
  });

  it("serves each region its own entries: the region of the signature", async () => {
    const { emu } = await seeded();
    emu.seedReferences({
      topics: [{ arn: "arn:aws:sns:eu-west-1:123456789012:labeling" }],
      userPools: [{ id: "eu-west-1_Pool1" }],
    });
    const eu = clients(emu, "eu-west-1");
    await eu.sns.send(
      new GetTopicAttributesCommand({ TopicArn: "arn:aws:sns:eu-west-1:123456789012:labeling" }),
    );
    await eu.cognito.send(new DescribeUserPoolCommand({ UserPoolId: "eu-west-1_Pool1" }));
    expect(await failure(eu.ec2.send(new DescribeVpcsCommand({ VpcIds: ["vpc-0abc"] })))).toEqual({
      name: "InvalidVpcID.NotFound",
      status: 400,
    });
    expect(emu.calls.map((c) => c.region)).toEqual(["eu-west-1", "eu-west-1", "eu-west-1"]);
  });

  it("answers SNS's XML with the service's namespace and escapes what it holds", async () => {
    const { emu } = await seeded();
    const policy = JSON.stringify({ Statement: [], Note: "<a & 'b'>" });
    emu.seedReferences({ topics: [{ arn: TOPIC, policy }] });
    const res = await fetch(emu.url, {
      method: "POST",
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        authorization:
          "AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/sns/aws4_request, SignedHeaders=host, Signature=0a",
      },
      body: `Action=GetTopicAttributes&Version=2010-03-31&TopicArn=${encodeURIComponent(TOPIC)}`,
    });
    const text = await res.text();
    expect(text).toMatch(
      /^<GetTopicAttributesResponse xmlns="http:\/\/sns.amazonaws.com\/doc\/2010-03-31\/">/,
    );
    expect(text).toContain("&lt;a &amp; &apos;b&apos;&gt;");
    const sns = clients(emu).sns;
    const { Attributes } = await sns.send(new GetTopicAttributesCommand({ TopicArn: TOPIC }));
    expect(Attributes!.Policy).toBe(policy);
  });

  it.each([
    [
      "an unsigned SNS request",
      { "content-type": "application/x-www-form-urlencoded" },
      "Action=GetTopicAttributes&Version=2010-03-31",
      403,
      "<Code>MissingAuthenticationToken</Code>",
    ],
    [
      "an unsigned Cognito request",
      {
        "content-type": "application/x-amz-json-1.1",
        "x-amz-target": "AWSCognitoIdentityProviderService.DescribeUserPool",
      },
      "{}",
      403,
      '"__type":"MissingAuthenticationToken"',
    ],
  ])("refuses %s", async (_n, headers, body, status, text) => {
    const emu = await emulator();
    const res = await fetch(emu.url, { method: "POST", headers, body });
    expect(res.status).toBe(status);
    expect(await res.text()).toContain(text);
  });
});

describe("state", () => {
  it("loads an old state file without references, and one with only some of them", async () => {
    const dir = mkdtempSync(join(tmpdir(), "wfplan-refs-"));
    const old = join(dir, "old.json");
    writeFileSync(
      old,
      JSON.stringify({ formatVersion: 1, accountId: "123456789012", workforces: [] }),
    );
    const a = await emulator({ stateFile: old });
    expect(a.state().references).toEqual({
      topics: [],
      vpcs: [],
      subnets: [],
      securityGroups: [],
      userPools: [],
    });
    expect(
      await failure(clients(a).sns.send(new GetTopicAttributesCommand({ TopicArn: TOPIC }))),
    ).toEqual({
      name: "NotFoundException",
      status: 404,
    });
    const some = join(dir, "some.json");
    writeFileSync(some, JSON.stringify({ references: { userPools: [{ id: POOL }] } }));
    const b = await emulator({ stateFile: some });
    const { UserPool } = await clients(b).cognito.send(
      new DescribeUserPoolCommand({ UserPoolId: POOL }),
    );
    expect(UserPool?.Id).toBe(POOL);
    expect(
      await failure(clients(b).ec2.send(new DescribeVpcsCommand({ VpcIds: ["vpc-1"] }))),
    ).toMatchObject({ name: "InvalidVpcID.NotFound" });
  });

  it("is seeded through the admin route, persisted, and replaced by id", async () => {
    const file = join(mkdtempSync(join(tmpdir(), "wfplan-refs-")), "state.json");
    const emu = await emulator({ stateFile: file });
    const post = (refs: unknown) =>
      fetch(`${emu.url}/_emulator/references`, { method: "POST", body: JSON.stringify(refs) });
    expect((await post({ vpcs: [{ id: "vpc-1" }] })).status).toBe(200);
    const res = await post({
      vpcs: [{ id: "vpc-1", dnsHostnames: true }],
      subnets: [{ id: "subnet-1", vpcId: "vpc-1" }],
    });
    expect(await res.json()).toMatchObject({
      vpcs: [{ id: "vpc-1", dnsHostnames: true }],
      subnets: [{ id: "subnet-1", vpcId: "vpc-1" }],
    });
    await emu.stop();
    const again = await emulator({ stateFile: file });
    const { EnableDnsHostnames } = await clients(again).ec2.send(
      new DescribeVpcAttributeCommand({ VpcId: "vpc-1", Attribute: "enableDnsHostnames" }),
    );
    expect(EnableDnsHostnames?.Value).toBe(true);
  });
});
