/**
 * One emulator, many accounts: a request acts in its access key's account and sees only that
 * account's workforces, workteams, tags, labeling jobs and references in its region.
 */
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DescribeVpcsCommand, EC2Client } from "@aws-sdk/client-ec2";
import {
  CreateWorkforceCommand,
  CreateWorkteamCommand,
  DeleteWorkteamCommand,
  DescribeWorkforceCommand,
  ListTagsCommand,
  ListWorkforcesCommand,
  ListWorkteamsCommand,
} from "@aws-sdk/client-sagemaker";
import { GetTopicAttributesCommand, SNSClient } from "@aws-sdk/client-sns";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  FLEET_ACCOUNT,
  FLEET_CIDRS,
  FLEET_OTHER_ACCOUNT,
  FLEET_ROLE,
  seedFleet,
} from "../../src/emulator/fleet.ts";
import { type EmulatorState, emptyState, parseState } from "../../src/emulator/state.ts";
import { accessKeyOf, callerOf, isStsRequest } from "../../src/emulator/sts.ts";
import { emulator, key, labelingJob, OIDC, sdk, sdkAs } from "../helpers/emulator.ts";

const A = "111111111111";
const B = "222222222222";

/** An emulator where the key "key-a" acts in account A and "key-b" in account B. */
async function twoAccounts() {
  const emu = await emulator();
  emu.seedAccessKeys({ "key-a": A, "key-b": B });
  return { emu, a: sdkAs(emu, key("key-a")), b: sdkAs(emu, key("key-b")) };
}

async function failure(p: Promise<unknown>) {
  const e = (await p.then(
    () => {
      throw new Error("expected the call to fail");
    },
    (err: unknown) => err,
  )) as { name: string; message: string };
  return { name: e.name, message: e.message };
}

const workforce = (cidr: string) =>
  new CreateWorkforceCommand({
    WorkforceName: "labelers",
    OidcConfig: OIDC,
    SourceIpConfig: { Cidrs: [cidr] },
  });
const team = (name: string) =>
  new CreateWorkteamCommand({
    WorkteamName: name,
    Description: `${name} team`,
    MemberDefinitions: [{ OidcMemberDefinition: { Groups: [name] } }],
    Tags: [{ Key: "team", Value: name }],
  });

describe("two accounts in one region", () => {
  it("each has its own workforce, with its account in the ARN, invisible to the other", async () => {
    const { emu, a, b } = await twoAccounts();
    const { WorkforceArn: arnA } = await a.send(workforce("10.1.0.0/16"));
    // One workforce per account and region: B may have its own beside A's.
    const { WorkforceArn: arnB } = await b.send(workforce("10.2.0.0/16"));
    expect(arnA).toBe(`arn:aws:sagemaker:us-east-1:${A}:workforce/labelers`);
    expect(arnB).toBe(`arn:aws:sagemaker:us-east-1:${B}:workforce/labelers`);
    const seen = async (client: typeof a) =>
      (await client.send(new ListWorkforcesCommand({}))).Workforces?.map((w) => [
        w.WorkforceArn,
        w.SourceIpConfig?.Cidrs,
      ]);
    expect(await seen(a)).toEqual([[arnA, ["10.1.0.0/16"]]]);
    expect(await seen(b)).toEqual([[arnB, ["10.2.0.0/16"]]]);
    // The default account (any other key) has none.
    expect(await seen(sdk(emu))).toEqual([]);
    expect(
      await failure(sdk(emu).send(new DescribeWorkforceCommand({ WorkforceName: "labelers" }))),
    ).toEqual({ name: "ValidationException", message: "No workforce found with name labelers." });
    // The state holds both, each with its account.
    expect(emu.state().workforces.map((w) => [w.account, w.region, w.WorkforceArn])).toEqual([
      [A, "us-east-1", arnA],
      [B, "us-east-1", arnB],
    ]);
  });

  it("keeps workteams, their tags and labeling jobs per account", async () => {
    const { emu, a, b } = await twoAccounts();
    await a.send(workforce("10.1.0.0/16"));
    await b.send(workforce("10.2.0.0/16"));
    const { WorkteamArn: teamA } = await a.send(team("annotators"));
    const { WorkteamArn: teamB } = await b.send(team("annotators"));
    expect(teamA).toBe(`arn:aws:sagemaker:us-east-1:${A}:workteam/private-crowd/annotators`);
    expect(teamB).toBe(`arn:aws:sagemaker:us-east-1:${B}:workteam/private-crowd/annotators`);
    const teams = async (client: typeof a) =>
      (await client.send(new ListWorkteamsCommand({}))).Workteams?.map((t) => t.WorkteamArn);
    expect(await teams(a)).toEqual([teamA]);
    expect(await teams(b)).toEqual([teamB]);
    expect((await a.send(new ListTagsCommand({ ResourceArn: teamA }))).Tags).toEqual([
      { Key: "team", Value: "annotators" },
    ]);
    // Another account's resource does not exist for the caller.
    expect(await failure(a.send(new ListTagsCommand({ ResourceArn: teamB })))).toEqual({
      name: "ValidationException",
      message: `Resource ${teamB} does not exist.`,
    });
    // A job with work for humans in B's team keeps B's team, not A's of the same name.
    emu.state().labelingJobs.push({ ...labelingJob("annotators"), account: B });
    await a.send(new DeleteWorkteamCommand({ WorkteamName: "annotators" }));
    expect(
      await failure(b.send(new DeleteWorkteamCommand({ WorkteamName: "annotators" }))),
    ).toMatchObject({ name: "ResourceInUse" });
    expect(await teams(a)).toEqual([]);
    expect(await teams(b)).toEqual([teamB]);
  });

  it("records the account of each call that is not the default account's", async () => {
    const { emu, a } = await twoAccounts();
    await a.send(new ListWorkforcesCommand({}));
    await sdk(emu).send(new ListWorkforcesCommand({}));
    expect(emu.calls).toEqual([
      { operation: "ListWorkforces", region: "us-east-1", account: A, status: 200 },
      { operation: "ListWorkforces", region: "us-east-1", status: 200 },
    ]);
  });
});

describe("invoke", () => {
  it("acts in the default account and region, a region, or an account and region", async () => {
    const emu = await emulator();
    const create = { WorkforceName: "labelers", OidcConfig: OIDC };
    expect(emu.invoke("CreateWorkforce", create)).toEqual({
      WorkforceArn: "arn:aws:sagemaker:us-east-1:123456789012:workforce/labelers",
    });
    expect(emu.invoke("CreateWorkforce", create, "eu-west-1")).toEqual({
      WorkforceArn: "arn:aws:sagemaker:eu-west-1:123456789012:workforce/labelers",
    });
    expect(emu.invoke("CreateWorkforce", create, { account: A })).toEqual({
      WorkforceArn: `arn:aws:sagemaker:us-east-1:${A}:workforce/labelers`,
    });
    expect(emu.invoke("CreateWorkforce", create, { account: A, region: "eu-west-1" })).toEqual({
      WorkforceArn: `arn:aws:sagemaker:eu-west-1:${A}:workforce/labelers`,
    });
    const { Workforces } = (await sdkAs(emu, key("a"), "eu-west-1").send(
      new ListWorkforcesCommand({}),
    )) as { Workforces: { WorkforceArn: string }[] };
    expect(Workforces.map((w) => w.WorkforceArn)).toEqual([
      "arn:aws:sagemaker:eu-west-1:123456789012:workforce/labelers",
    ]);
  });
});

describe("state files", () => {
  it("an old state file, without accounts, loads into the default account", async () => {
    const dir = mkdtempSync(join(tmpdir(), "wfplan-accounts-"));
    const stateFile = join(dir, "state.json");
    const old = {
      formatVersion: 1,
      accountId: "123456789012",
      workforces: [
        {
          region: "us-east-1",
          WorkforceName: "labelers",
          WorkforceArn: "arn:aws:sagemaker:us-east-1:123456789012:workforce/labelers",
          CreateDate: 1,
          LastUpdatedDate: 1,
          SubDomain: "abc.labeling.us-east-1.sagemaker.aws",
          SourceIpConfig: { Cidrs: ["10.0.0.0/16"] },
          IpAddressType: "ipv4",
          Status: "Active",
          OidcConfig: { ClientId: "c" },
        },
      ],
      workteams: [],
      tags: {},
      labelingJobs: [],
    };
    writeFileSync(stateFile, JSON.stringify(old));
    const emu = await emulator({ stateFile });
    emu.seedAccessKeys({ "key-a": A });
    const { Workforce } = await sdk(emu).send(
      new DescribeWorkforceCommand({ WorkforceName: "labelers" }),
    );
    expect(Workforce?.SourceIpConfig?.Cidrs).toEqual(["10.0.0.0/16"]);
    expect((await sdkAs(emu, key("key-a")).send(new ListWorkforcesCommand({}))).Workforces).toEqual(
      [],
    );
    // Saved back with the seeded key, the entry still without an account.
    const saved = JSON.parse(readFileSync(stateFile, "utf8")) as EmulatorState;
    expect(saved.accessKeys).toEqual({ "key-a": A });
    expect(saved.roles).toEqual([]);
    expect(saved.sessions).toEqual({});
    expect(saved.workforces[0]?.account).toBeUndefined();
  });

  it("seeds accounts from the state file, and refuses ones that are not", () => {
    const state = parseState(
      JSON.stringify({ accessKeys: { k: A }, roles: ["arn:aws:iam::222222222222:role/x"] }),
    );
    expect(state).toEqual({
      ...emptyState(),
      accessKeys: { k: A },
      roles: ["arn:aws:iam::222222222222:role/x"],
    });
    expect(() => parseState(JSON.stringify({ accessKeys: { k: "12" } }))).toThrow(
      'access key k: the account "12" is not 12 digits',
    );
    expect(() => parseState(JSON.stringify({ roles: ["arn:aws:iam::1:role/x"] }))).toThrow(
      'role "arn:aws:iam::1:role/x" is not an IAM role ARN (arn:aws:iam::ACCOUNT:role/NAME)',
    );
  });
});

describe("admin routes", () => {
  const post = (url: string, path: string, body: unknown) =>
    fetch(`${url}${path}`, { method: "POST", body: JSON.stringify(body) });

  it("seed access keys and roles, refuse bad ones, and show everything in the state", async () => {
    const emu = await emulator();
    let res = await post(emu.url, "/_emulator/access-keys", { "key-a": A });
    expect([res.status, await res.json()]).toEqual([200, { "key-a": A }]);
    res = await post(emu.url, "/_emulator/access-keys", { "key-b": "not-an-account" });
    expect([res.status, await res.json()]).toEqual([
      400,
      { message: 'access key key-b: the account "not-an-account" is not 12 digits' },
    ]);
    res = await post(emu.url, "/_emulator/roles", FLEET_ROLE);
    expect([res.status, await res.json()]).toEqual([200, [FLEET_ROLE]]);
    res = await post(emu.url, "/_emulator/roles", [FLEET_ROLE, "arn:aws:iam::333333333333:role/b"]);
    expect(await res.json()).toEqual([FLEET_ROLE, "arn:aws:iam::333333333333:role/b"]);
    res = await post(emu.url, "/_emulator/roles", ["arn:aws:iam::333333333333:user/b"]);
    expect(res.status).toBe(400);
    // A labeling job seeded for an account is that account's.
    res = await post(emu.url, "/_emulator/labeling-jobs", { ...labelingJob("t"), account: A });
    expect(res.status).toBe(200);
    emu.invoke("CreateWorkforce", { WorkforceName: "labelers", OidcConfig: OIDC }, { account: A });
    const state = (await (await fetch(`${emu.url}/_emulator/state`)).json()) as EmulatorState;
    expect(state).toMatchObject({
      accountId: "123456789012",
      accessKeys: { "key-a": A },
      roles: [FLEET_ROLE, "arn:aws:iam::333333333333:role/b"],
      sessions: {},
      workforces: [{ account: A, region: "us-east-1" }],
      labelingJobs: [{ account: A, workteamName: "t" }],
    });
  });
});

describe("references", () => {
  it("are each account's: VPCs by their account, topics by their ARN's", async () => {
    const emu = await emulator();
    emu.seedAccessKeys({ "key-a": A });
    const topicA = `arn:aws:sns:us-east-1:${A}:labeling`;
    emu.seedReferences({
      topics: [{ arn: topicA }],
      vpcs: [{ id: "vpc-0a", account: A }, { id: "vpc-0d" }],
    });
    const ec2 = (k: string) =>
      new EC2Client({ region: "us-east-1", endpoint: emu.url, credentials: key(k) });
    const sns = (k: string) =>
      new SNSClient({ region: "us-east-1", endpoint: emu.url, credentials: key(k) });
    const vpcs = async (k: string) =>
      (await ec2(k).send(new DescribeVpcsCommand({}))).Vpcs?.map((v) => [v.VpcId, v.OwnerId]);
    expect(await vpcs("key-a")).toEqual([["vpc-0a", A]]);
    expect(await vpcs("test")).toEqual([["vpc-0d", "123456789012"]]);
    const attributes = await sns("key-a").send(new GetTopicAttributesCommand({ TopicArn: topicA }));
    expect(attributes.Attributes?.Owner).toBe(A);
    expect(
      await failure(sns("test").send(new GetTopicAttributesCommand({ TopicArn: topicA }))),
    ).toEqual({
      name: "AuthorizationErrorException", // the SDK's name for SNS's AuthorizationError
      message: `User: arn:aws:iam::123456789012:user/emulator is not authorized to perform: SNS:GetTopicAttributes on resource: ${topicA} because no resource-based policy allows the SNS:GetTopicAttributes action`,
    });
  });
});

describe("the fleet seed", () => {
  it("three targets in two accounts, as its comment says", async () => {
    const emu = await emulator();
    seedFleet(emu);
    const state = emu.state();
    expect(state.accessKeys).toEqual({ demo: FLEET_ACCOUNT });
    expect(state.roles).toEqual([FLEET_ROLE]);
    expect(
      state.workforces.map((w) => [
        `${w.account}/${w.region}`,
        w.SourceIpConfig.Cidrs,
        (w.OidcConfig as { Issuer: string }).Issuer,
        state.workteams.filter((t) => t.WorkforceArn === w.WorkforceArn).map((t) => t.WorkteamName),
      ]),
    ).toEqual([
      [
        `${FLEET_ACCOUNT}/us-east-1`,
        ["10.0.0.0/16", "203.0.113.0/24"],
        "https://idp.example.com",
        ["annotators"],
      ],
      [`${FLEET_ACCOUNT}/eu-central-1`, FLEET_CIDRS, "https://idp.example.com", ["annotators"]],
      [
        `${FLEET_OTHER_ACCOUNT}/us-west-2`,
        FLEET_CIDRS,
        "https://old-idp.example.com",
        ["annotators", "reviewers"],
      ],
    ]);
    // The demo's key sees its account's workforce; the default account has none.
    const { Workforce } = await sdkAs(emu, key("demo")).send(
      new DescribeWorkforceCommand({ WorkforceName: "labelers" }),
    );
    expect(Workforce?.WorkforceArn).toBe(
      `arn:aws:sagemaker:us-east-1:${FLEET_ACCOUNT}:workforce/labelers`,
    );
    expect((await sdk(emu).send(new ListWorkforcesCommand({}))).Workforces).toEqual([]);
  });
});

describe("who a request is (pure)", () => {
  const TOKEN = "the-session-token";
  const state: EmulatorState = {
    ...emptyState(),
    accessKeys: { AKIASEEDED: A },
    sessions: {
      ASIAISSUED: {
        account: B,
        roleArn: `arn:aws:iam::${B}:role/r`,
        arn: `arn:aws:sts::${B}:assumed-role/r/s`,
        userId: "AROAX:s",
        expiration: "2030-01-01T00:00:00Z",
        tokenDigest: createHash("sha256").update(TOKEN).digest("hex"),
      },
    },
  };
  const now = Date.parse("2029-12-31T23:59:59Z");
  const end = Date.parse("2030-01-01T00:00:00Z");
  const assumedArn = `arn:aws:sts::${B}:assumed-role/r/s`;
  const user = (account: string) => `arn:aws:iam::${account}:user/emulator`;

  it.each([
    ["ASIAISSUED", TOKEN, now, B, assumedArn, undefined],
    ["ASIAISSUED", TOKEN, end, B, assumedArn, "expired"],
    ["ASIAISSUED", "", now, B, assumedArn, "invalid"],
    ["ASIAISSUED", "another-token", end, B, assumedArn, "invalid"],
    ["AKIASEEDED", "", now, A, user(A), undefined],
    // A plain key's token is not checked: the emulator issued none for it.
    ["AKIASEEDED", "any", end, A, user(A), undefined],
    ["anything", "", now, "123456789012", user("123456789012"), undefined],
    ["", "", now, "123456789012", user("123456789012"), undefined],
  ] as const)(
    "%s with token %j at %d: account %s as %s, refused: %s",
    (id, token, at, account, arn, refused) => {
      const caller = callerOf(state, id, at, token);
      expect(caller).toMatchObject({ accessKeyId: id, account, arn });
      expect(caller.refused).toBe(refused);
    },
  );

  it("any key the state does not name is the default account's", () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.constantFrom("constructor", "__proto__")), (id) => {
        fc.pre(!Object.hasOwn(state.accessKeys, id) && !Object.hasOwn(state.sessions, id));
        expect(callerOf(state, id, now)).toMatchObject({
          account: "123456789012",
          arn: "arn:aws:iam::123456789012:user/emulator",
        });
      }),
    );
  });

  it("the access key is the first part of the credential scope", () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[A-Za-z0-9]{1,40}$/), (id) => {
        expect(
          accessKeyOf(
            `AWS4-HMAC-SHA256 Credential=${id}/20260101/us-east-1/sts/aws4_request, SignedHeaders=host, Signature=00`,
          ),
        ).toBe(id);
      }),
    );
    expect(accessKeyOf("")).toBe("");
  });

  it.each([
    ["sts", "", "", true],
    ["sagemaker", "application/x-www-form-urlencoded", "Version=2011-06-15", false],
    [undefined, "application/x-www-form-urlencoded", "Action=AssumeRole&Version=2011-06-15", true],
    [undefined, "application/x-www-form-urlencoded", "Version=2010-03-31", false],
    [undefined, "application/x-amz-json-1.1", "Version=2011-06-15", false],
  ])("scope %s, %s, %s: STS is %s", (scope, contentType, body, sts) => {
    expect(isStsRequest(scope, contentType, body)).toBe(sts);
  });
});
