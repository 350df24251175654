/**
 * STS on the emulator's port, through the real STSClient: who a key is, AssumeRole and its
 * errors, and the issued credentials acting in the role's account with the SageMaker client.
 */
import { createHash } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  CognitoIdentityProviderClient,
  DescribeUserPoolCommand,
} from "@aws-sdk/client-cognito-identity-provider";
import { DescribeVpcsCommand, EC2Client } from "@aws-sdk/client-ec2";
import { DescribeWorkforceCommand, ListWorkteamsCommand } from "@aws-sdk/client-sagemaker";
import { GetTopicAttributesCommand, SNSClient } from "@aws-sdk/client-sns";
import {
  AssumeRoleCommand,
  GetCallerIdentityCommand,
  GetSessionTokenCommand,
} from "@aws-sdk/client-sts";
import { describe, expect, it } from "vitest";
import { FLEET_ROLE, seedFleet } from "../../src/emulator/fleet.ts";
import {
  assumed,
  emulator,
  key,
  manualClock,
  OIDC,
  rawCall,
  SIGNED,
  sdkAs,
  stsClient,
} from "../helpers/emulator.ts";

const ROLE = "arn:aws:iam::222222222222:role/wfplan";

/** What a rejected promise carries: the SDK's error name, status and message. */
async function failure(p: Promise<unknown>) {
  const e = (await p.then(
    () => {
      throw new Error("expected the call to fail");
    },
    (err: unknown) => err,
  )) as { name: string; message: string; $metadata: { httpStatusCode?: number } };
  return { name: e.name, status: e.$metadata.httpStatusCode, message: e.message };
}

async function roleEmulator(opts: Parameters<typeof emulator>[0] = {}) {
  const emu = await emulator(opts);
  emu.seedRoles([ROLE]);
  return emu;
}

describe("GetCallerIdentity", () => {
  it("a plain key is the emulator user of the default account", async () => {
    const emu = await emulator();
    const who = await stsClient(emu).send(new GetCallerIdentityCommand({}));
    expect(who).toMatchObject({
      Account: "123456789012",
      Arn: "arn:aws:iam::123456789012:user/emulator",
    });
    expect(who.UserId).toMatch(/^AIDA[A-Z2-7]{17}$/);
    expect(emu.calls).toEqual([
      { operation: "GetCallerIdentity", service: "sts", region: "us-east-1", status: 200 },
    ]);
  });

  it("a seeded key is the emulator user of its account", async () => {
    const emu = await emulator();
    emu.seedAccessKeys({ AKIAFLEETBASE: "111111111111" });
    const who = await stsClient(emu, key("AKIAFLEETBASE")).send(new GetCallerIdentityCommand({}));
    expect(who).toMatchObject({
      Account: "111111111111",
      Arn: "arn:aws:iam::111111111111:user/emulator",
    });
  });

  it("an issued key is the assumed role's session", async () => {
    const emu = await roleEmulator();
    const { Credentials, AssumedRoleUser } = await stsClient(emu).send(
      new AssumeRoleCommand({ RoleArn: ROLE, RoleSessionName: "wfplan-eu" }),
    );
    const who = await stsClient(emu, assumed(Credentials)).send(new GetCallerIdentityCommand({}));
    expect(who).toEqual({
      $metadata: expect.anything(),
      Account: "222222222222",
      Arn: "arn:aws:sts::222222222222:assumed-role/wfplan/wfplan-eu",
      UserId: AssumedRoleUser?.AssumedRoleId,
    });
  });
});

describe("AssumeRole", () => {
  it("returns credentials and the assumed role user, as the service shapes them", async () => {
    const emu = await roleEmulator();
    const before = Date.now();
    const out = await stsClient(emu).send(
      new AssumeRoleCommand({ RoleArn: ROLE, RoleSessionName: "s1", DurationSeconds: 900 }),
    );
    expect(out.Credentials?.AccessKeyId).toMatch(/^ASIA[A-Z0-9]{16}$/);
    expect(out.Credentials?.SecretAccessKey).toMatch(/^[A-Za-z0-9+/]{40}$/);
    expect(out.Credentials?.SessionToken?.length).toBeGreaterThan(100);
    const expires = out.Credentials?.Expiration?.getTime() ?? 0;
    // Whole seconds, as the service writes them: between the request's start (rounded down) and now.
    expect(expires).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000 + 900_000);
    expect(expires).toBeLessThanOrEqual(Date.now() + 900_000);
    expect(out.AssumedRoleUser).toEqual({
      Arn: "arn:aws:sts::222222222222:assumed-role/wfplan/s1",
      AssumedRoleId: expect.stringMatching(/^AROA[A-Z2-7]{17}:s1$/),
    });
    // The issued key is kept in the state, with its account, and never its secret.
    const session = emu.state().sessions[out.Credentials!.AccessKeyId!];
    expect(session).toEqual({
      account: "222222222222",
      roleArn: ROLE,
      arn: out.AssumedRoleUser?.Arn,
      userId: out.AssumedRoleUser?.AssumedRoleId,
      expiration: out.Credentials?.Expiration?.toISOString().replace(".000Z", "Z"),
      tokenDigest: createHash("sha256").update(out.Credentials!.SessionToken!).digest("hex"),
    });
    expect(JSON.stringify(emu.state())).not.toContain(out.Credentials!.SecretAccessKey!);
    expect(JSON.stringify(emu.state())).not.toContain(out.Credentials!.SessionToken!);
  });

  it("the issued credentials act in the role's account, and see only its workforce", async () => {
    const emu = await roleEmulator();
    emu.invoke(
      "CreateWorkforce",
      { WorkforceName: "labelers", OidcConfig: OIDC, SourceIpConfig: { Cidrs: ["10.9.0.0/16"] } },
      { region: "us-west-2", account: "222222222222" },
    );
    emu.invoke("CreateWorkforce", { WorkforceName: "labelers", OidcConfig: OIDC }, "us-west-2");
    const { Credentials } = await stsClient(emu, key("test"), "us-west-2").send(
      new AssumeRoleCommand({ RoleArn: ROLE, RoleSessionName: "wfplan" }),
    );
    const { Workforce } = await sdkAs(emu, assumed(Credentials), "us-west-2").send(
      new DescribeWorkforceCommand({ WorkforceName: "labelers" }),
    );
    expect(Workforce?.WorkforceArn).toBe(
      "arn:aws:sagemaker:us-west-2:222222222222:workforce/labelers",
    );
    expect(Workforce?.SourceIpConfig?.Cidrs).toEqual(["10.9.0.0/16"]);
    expect(emu.calls.at(-1)).toMatchObject({
      operation: "DescribeWorkforce",
      account: "222222222222",
    });
  });

  it("refuses a role it does not know, in the service's words", async () => {
    const emu = await roleEmulator();
    emu.seedAccessKeys({ AKIABASE: "111111111111" });
    const other = "arn:aws:iam::333333333333:role/wfplan";
    expect(
      await failure(
        stsClient(emu, key("AKIABASE")).send(
          new AssumeRoleCommand({ RoleArn: other, RoleSessionName: "s1" }),
        ),
      ),
    ).toEqual({
      name: "AccessDenied",
      status: 403,
      message: `User: arn:aws:iam::111111111111:user/emulator is not authorized to perform: sts:AssumeRole on resource: ${other}`,
    });
    expect(emu.calls.at(-1)).toMatchObject({
      operation: "AssumeRole",
      service: "sts",
      status: 403,
      errorType: "AccessDenied",
    });
    expect(emu.state().sessions).toEqual({});
  });

  it.each([
    [
      { DurationSeconds: 899 },
      "1 validation error detected: Value '899' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900",
    ],
    [
      { DurationSeconds: 43_201 },
      "1 validation error detected: Value '43201' at 'durationSeconds' failed to satisfy constraint: Member must have value less than or equal to 43200",
    ],
    [
      { RoleSessionName: "a b" },
      "1 validation error detected: Value 'a b' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*",
    ],
    [
      { RoleSessionName: "x", RoleArn: "arn:aws:iam::1:r/x" },
      "2 validation errors detected: Value 'arn:aws:iam::1:r/x' at 'roleArn' failed to satisfy constraint: Member must have length greater than or equal to 20; Value 'x' at 'roleSessionName' failed to satisfy constraint: Member must have length greater than or equal to 2",
    ],
    [{ RoleArn: "not-an-arn-but-long-enough" }, "Request ARN is invalid"],
  ])("checks its input as the model says: %j", async (input, message) => {
    const emu = await roleEmulator();
    expect(
      await failure(
        stsClient(emu).send(
          new AssumeRoleCommand({ RoleArn: ROLE, RoleSessionName: "s1", ...input }),
        ),
      ),
    ).toEqual({ name: "ValidationError", status: 400, message });
  });

  it("refuses a missing role or session name (the model's required members)", async () => {
    const emu = await roleEmulator();
    const res = await rawSts(emu, "Action=AssumeRole&Version=2011-06-15");
    expect(res.status).toBe(400);
    expect(await res.text()).toMatch(
      /^<ErrorResponse xmlns="https:\/\/sts.amazonaws.com\/doc\/2011-06-15\/"><Error><Type>Sender<\/Type><Code>ValidationError<\/Code><Message>2 validation errors detected: Value null at &apos;roleArn&apos; failed to satisfy constraint: Member must not be null; Value null at &apos;roleSessionName&apos; failed to satisfy constraint: Member must not be null<\/Message><\/Error><RequestId>[0-9a-f-]{36}<\/RequestId><\/ErrorResponse>$/,
    );
  });

  it("gives a role assumed with a role's credentials an hour at most (role chaining)", async () => {
    const emu = await roleEmulator();
    const { Credentials } = await stsClient(emu).send(
      new AssumeRoleCommand({ RoleArn: ROLE, RoleSessionName: "first" }),
    );
    const chained = stsClient(emu, assumed(Credentials));
    expect(
      await failure(
        chained.send(
          new AssumeRoleCommand({
            RoleArn: ROLE,
            RoleSessionName: "second",
            DurationSeconds: 7200,
          }),
        ),
      ),
    ).toMatchObject({ name: "ValidationError", message: expect.stringContaining("role chaining") });
    const again = await chained.send(
      new AssumeRoleCommand({ RoleArn: ROLE, RoleSessionName: "second" }),
    );
    expect(again.AssumedRoleUser?.Arn).toBe("arn:aws:sts::222222222222:assumed-role/wfplan/second");
  });

  it("refuses an issued key once its session has ended, in STS and SageMaker", async () => {
    const clock = manualClock();
    const emu = await roleEmulator({ clock: clock.now });
    const { Credentials } = await stsClient(emu).send(
      new AssumeRoleCommand({ RoleArn: ROLE, RoleSessionName: "short", DurationSeconds: 900 }),
    );
    clock.advance(899_000);
    await stsClient(emu, assumed(Credentials)).send(new GetCallerIdentityCommand({}));
    clock.advance(1_000);
    expect(
      await failure(stsClient(emu, assumed(Credentials)).send(new GetCallerIdentityCommand({}))),
    ).toEqual({
      name: "ExpiredTokenException",
      status: 400,
      message: "The security token included in the request is expired",
    });
    expect(
      await failure(sdkAs(emu, assumed(Credentials)).send(new ListWorkteamsCommand({}))),
    ).toEqual({
      name: "ExpiredTokenException",
      status: 403,
      message: "The security token included in the request is expired",
    });
  });

  it("refuses an issued key without its session token, in STS and SageMaker", async () => {
    const emu = await roleEmulator();
    const { Credentials } = await stsClient(emu).send(
      new AssumeRoleCommand({ RoleArn: ROLE, RoleSessionName: "s1" }),
    );
    const { sessionToken: _, ...withoutToken } = assumed(Credentials);
    const invalid = "The security token included in the request is invalid.";
    expect(
      await failure(stsClient(emu, withoutToken).send(new GetCallerIdentityCommand({}))),
    ).toEqual({ name: "InvalidClientTokenId", status: 403, message: invalid });
    expect(
      await failure(
        sdkAs(emu, { ...withoutToken, sessionToken: "another" }).send(new ListWorkteamsCommand({})),
      ),
    ).toEqual({ name: "UnrecognizedClientException", status: 400, message: invalid });
  });

  it("the preflight reads act in the role's account, and refuse a key without its token", async () => {
    const emu = await roleEmulator();
    emu.seedReferences({ vpcs: [{ id: "vpc-0b", account: "222222222222" }, { id: "vpc-0d" }] });
    const { Credentials } = await stsClient(emu).send(
      new AssumeRoleCommand({ RoleArn: ROLE, RoleSessionName: "s1" }),
    );
    const client = <T>(Client: new (c: object) => T, credentials: object) =>
      new Client({ region: "us-east-1", endpoint: emu.url, credentials, maxAttempts: 1 });
    const { Vpcs } = await client(EC2Client, assumed(Credentials)).send(
      new DescribeVpcsCommand({}),
    );
    expect(Vpcs?.map((v) => [v.VpcId, v.OwnerId])).toEqual([["vpc-0b", "222222222222"]]);
    const { sessionToken: _, ...withoutToken } = assumed(Credentials);
    const invalid = "The security token included in the request is invalid.";
    expect(
      await failure(client(EC2Client, withoutToken).send(new DescribeVpcsCommand({}))),
    ).toEqual({
      name: "AuthFailure",
      status: 401,
      message: "AWS was not able to validate the provided access credentials",
    });
    expect(
      await failure(
        client(SNSClient, withoutToken).send(
          new GetTopicAttributesCommand({ TopicArn: "arn:aws:sns:us-east-1:222222222222:t" }),
        ),
      ),
    ).toEqual({ name: "InvalidClientTokenId", status: 403, message: invalid });
    expect(
      await failure(
        client(CognitoIdentityProviderClient, withoutToken).send(
          new DescribeUserPoolCommand({ UserPoolId: "us-east-1_AbC" }),
        ),
      ),
    ).toEqual({ name: "UnrecognizedClientException", status: 400, message: invalid });
  });

  it("keeps the issued keys in the state file, so they work after a restart", async () => {
    const stateFile = join(mkdtempSync(join(tmpdir(), "wfplan-sts-")), "state.json");
    const first = await roleEmulator({ stateFile });
    const { Credentials } = await stsClient(first).send(
      new AssumeRoleCommand({ RoleArn: ROLE, RoleSessionName: "s1" }),
    );
    await first.stop();
    const second = await emulator({ stateFile });
    const who = await stsClient(second, assumed(Credentials)).send(
      new GetCallerIdentityCommand({}),
    );
    expect(who.Account).toBe("222222222222");
    expect(second.state().roles).toEqual([ROLE]);
  });
});

describe("the protocol", () => {
  it("answers an action it does not serve with InvalidAction", async () => {
    const emu = await emulator();
    expect(await failure(stsClient(emu).send(new GetSessionTokenCommand({})))).toEqual({
      name: "InvalidAction",
      status: 400,
      message: "Could not find operation GetSessionToken for version 2011-06-15",
    });
  });

  it("refuses an unsigned request before anything else", async () => {
    const emu = await emulator();
    const res = await fetch(emu.url, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "Action=GetCallerIdentity&Version=2011-06-15",
    });
    expect(res.status).toBe(403);
    expect(await res.text()).toContain("<Code>MissingAuthenticationToken</Code>");
  });

  it("is not subject to the emulator's faults, which are SageMaker's", async () => {
    const emu = await emulator({ faults: { throttleEvery: 1, errorEvery: 1 } });
    const who = await stsClient(emu).send(new GetCallerIdentityCommand({}));
    expect(who.Account).toBe("123456789012");
  });

  it("the fleet seed's role takes its base key into the other account", async () => {
    const emu = await emulator();
    seedFleet(emu);
    const base = stsClient(emu, key("demo"));
    expect((await base.send(new GetCallerIdentityCommand({}))).Account).toBe("111111111111");
    const { Credentials } = await base.send(
      new AssumeRoleCommand({ RoleArn: FLEET_ROLE, RoleSessionName: "wfplan" }),
    );
    const { Workteams } = await sdkAs(emu, assumed(Credentials), "us-west-2").send(
      new ListWorkteamsCommand({}),
    );
    expect(Workteams?.map((t) => t.WorkteamName).sort()).toEqual(["annotators", "reviewers"]);
  });
});

/** An STS request on the wire, signed as any client signs it, without the SDK (which would shape it). */
function rawSts(emu: { url: string }, body: string): Promise<Response> {
  return fetch(emu.url, {
    method: "POST",
    headers: {
      "content-type": "application/x-www-form-urlencoded; charset=utf-8",
      authorization:
        "AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/sts/aws4_request, SignedHeaders=host;x-amz-date, Signature=0123abcd",
    },
    body,
  });
}

describe("names of Object's own methods", () => {
  it.each(["constructor", "toString", "__proto__", "hasOwnProperty"])(
    "%s is no operation of SageMaker, STS or SNS",
    async (name) => {
      const emu = await emulator();
      const sagemaker = await rawCall(emu.url, name, {});
      expect([sagemaker.status, sagemaker.headers.get("x-amzn-errortype")]).toEqual([
        400,
        "UnknownOperationException",
      ]);
      const sts = await rawSts(emu, `Action=${name}&Version=2011-06-15`);
      expect(sts.status).toBe(400);
      expect(await sts.text()).toContain("<Code>InvalidAction</Code>");
      const sns = await fetch(emu.url, {
        method: "POST",
        headers: {
          "content-type": "application/x-www-form-urlencoded",
          authorization: SIGNED.replace("/sagemaker/", "/sns/"),
        },
        body: `Action=${name}&Version=2010-03-31`,
      });
      expect(sns.status).toBe(400);
      expect(await sns.text()).toContain("<Code>InvalidAction</Code>");
    },
  );
});
