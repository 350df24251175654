import { execFile, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import {
  AddTagsCommand,
  CreateWorkforceCommand,
  CreateWorkteamCommand,
  DeleteTagsCommand,
  DeleteWorkforceCommand,
  DeleteWorkteamCommand,
  DescribeWorkforceCommand,
  DescribeWorkteamCommand,
  ListLabelingJobsForWorkteamCommand,
  ListTagsCommand,
  ListWorkforcesCommand,
  ListWorkteamsCommand,
  paginateListLabelingJobsForWorkteam,
  paginateListWorkteams,
  type SageMakerClient,
  UpdateWorkforceCommand,
  UpdateWorkteamCommand,
} from "@aws-sdk/client-sagemaker";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import { describe, expect, it } from "vitest";
import type { Emulator } from "../../src/emulator/server.ts";
import type { EmulatorState } from "../../src/emulator/state.ts";
import { emulator, manualClock, OIDC, rawCall, SIGNED, sdk } from "../helpers/emulator.ts";

const oidcTeam = (name: string, groups = [name]) =>
  new CreateWorkteamCommand({
    WorkteamName: name,
    Description: `${name} team`,
    MemberDefinitions: [{ OidcMemberDefinition: { Groups: groups } }],
  });

async function oidcWorkforce(emu: Emulator, client = sdk(emu)) {
  await client.send(new CreateWorkforceCommand({ WorkforceName: "labelers", OidcConfig: OIDC }));
  return client;
}

/** The error an SDK call rejects with. */
async function failure(
  p: Promise<unknown>,
): Promise<{ name: string; message: string; status?: number }> {
  try {
    await p;
  } catch (e) {
    const err = e as Error & { $metadata?: { httpStatusCode?: number } };
    return { name: err.name, message: err.message, status: err.$metadata?.httpStatusCode };
  }
  throw new Error("expected the call to fail");
}

/**
 * The workforce once its update or creation is over: the test's clock moves past it (an emulator
 * without one finishes them at once, its delays being 0).
 */
async function waitActive(
  client: SageMakerClient,
  clock?: ReturnType<typeof manualClock>,
  name = "labelers",
) {
  clock?.advance(3_600_000);
  const { Workforce } = await client.send(new DescribeWorkforceCommand({ WorkforceName: name }));
  expect(Workforce?.Status).not.toMatch(/^(Updating|Initializing)$/);
  return Workforce!;
}

describe("workforces", () => {
  it("creates an OIDC workforce: Initializing, then Active; real ARN and subdomain; no secret", async () => {
    const clock = manualClock();
    const emu = await emulator({ ...{ createDelayMs: 150 }, clock: clock.now });
    const client = sdk(emu);
    const { WorkforceArn } = await client.send(
      new CreateWorkforceCommand({
        WorkforceName: "labelers",
        OidcConfig: OIDC,
        Tags: [{ Key: "team", Value: "ml" }],
      }),
    );
    expect(WorkforceArn).toBe("arn:aws:sagemaker:us-east-1:123456789012:workforce/labelers");
    const first = await client.send(new DescribeWorkforceCommand({ WorkforceName: "labelers" }));
    expect(first.Workforce).toMatchObject({
      Status: "Initializing",
      IpAddressType: "ipv4",
      SourceIpConfig: { Cidrs: [] },
    });
    expect(first.Workforce!.SubDomain).toMatch(
      /^[a-z0-9]{10}\.labeling\.us-east-1\.sagemaker\.aws$/,
    );
    expect(first.Workforce!.CreateDate).toBeInstanceOf(Date);
    const { ClientSecret, ...visible } = OIDC;
    expect(first.Workforce!.OidcConfig).toEqual(visible);
    expect((await waitActive(client, clock)).Status).toBe("Active");
    expect(JSON.stringify(emu.state())).not.toContain(OIDC.ClientSecret);
  });

  it("never puts the client secret on the wire in a response", async () => {
    const emu = await emulator();
    await oidcWorkforce(emu);
    for (const op of ["DescribeWorkforce", "ListWorkforces"]) {
      const res = await rawCall(emu.url, op, { WorkforceName: "labelers" });
      const text = await res.text();
      expect(res.headers.get("content-type")).toBe("application/x-amz-json-1.1");
      expect(text).toContain("ClientId");
      expect(text).not.toMatch(/ClientSecret|s3cret-value/);
    }
  });

  it("says a missing workforce is missing, as the service does", async () => {
    const emu = await emulator();
    const e = await failure(sdk(emu).send(new DescribeWorkforceCommand({ WorkforceName: "nope" })));
    expect(e).toMatchObject({ name: "ValidationException", status: 400 });
    expect(e.message).toMatch(/No workforce/);
  });

  it("allows one workforce per region, and tells regions apart by the request signature", async () => {
    const emu = await emulator();
    await oidcWorkforce(emu);
    const again = await failure(
      sdk(emu).send(new CreateWorkforceCommand({ WorkforceName: "other", OidcConfig: OIDC })),
    );
    expect(again.name).toBe("ValidationException");
    const west = sdk(emu, "eu-west-1");
    const { WorkforceArn } = await west.send(
      new CreateWorkforceCommand({ WorkforceName: "other", OidcConfig: OIDC }),
    );
    expect(WorkforceArn).toBe("arn:aws:sagemaker:eu-west-1:123456789012:workforce/other");
    const { Workforces } = await west.send(new ListWorkforcesCommand({}));
    expect(Workforces!.map((w) => w.WorkforceName)).toEqual(["other"]);
  });

  it.each([
    ["neither identity provider", {}, /Either CognitoConfig or OidcConfig/],
    [
      "both identity providers",
      { OidcConfig: OIDC, CognitoConfig: { UserPool: "us-east-1_a", ClientId: "c" } },
      /cannot both/,
    ],
  ])("refuses %s", async (_name, config, message) => {
    const emu = await emulator();
    const e = await failure(
      sdk(emu).send(new CreateWorkforceCommand({ WorkforceName: "w", ...config })),
    );
    expect(e.name).toBe("ValidationException");
    expect(e.message).toMatch(message);
  });

  it("validates fields with the service model's constraints, every one at once", async () => {
    const emu = await emulator();
    const e = await failure(
      sdk(emu).send(
        new CreateWorkforceCommand({
          WorkforceName: "-bad",
          OidcConfig: { ...OIDC, Issuer: "http://idp", ClientSecret: "bad\u0001secret" },
          SourceIpConfig: { Cidrs: Array.from({ length: 11 }, (_, i) => `10.${i}.0.0/16`) },
        }),
      ),
    );
    expect(e.name).toBe("ValidationException");
    expect(e.message).toMatch(/^4 validation errors detected: /);
    expect(e.message).toContain(
      "Value '-bad' at 'workforceName' failed to satisfy constraint: Member must satisfy regular expression pattern",
    );
    expect(e.message).toContain("at 'oidcConfig.issuer'");
    expect(e.message).toContain("Value at 'oidcConfig.clientSecret' failed to satisfy constraint");
    expect(e.message).toContain(
      "at 'sourceIpConfig.cidrs' failed to satisfy constraint: Member must have length less than or equal to 10",
    );
    expect(e.message).not.toContain("secret\u0001");
  });

  it("rejects a malformed CIDR like the service", async () => {
    const emu = await emulator();
    const client = await oidcWorkforce(emu);
    const e = await failure(
      client.send(
        new UpdateWorkforceCommand({
          WorkforceName: "labelers",
          SourceIpConfig: { Cidrs: ["10.0.0.300/16"] },
        }),
      ),
    );
    expect(e.message).toContain("Value '10.0.0.300/16' at 'sourceIpConfig.cidrs.1.member'");
  });

  it("updates: Updating, ConflictException while updating, then Active with the change", async () => {
    const clock = manualClock();
    const emu = await emulator({ ...{ updateDelayMs: 200 }, clock: clock.now });
    const client = await oidcWorkforce(emu);
    const { Workforce } = await client.send(
      new UpdateWorkforceCommand({
        WorkforceName: "labelers",
        SourceIpConfig: { Cidrs: ["10.0.0.0/16"] },
        IpAddressType: "dualstack",
      }),
    );
    expect(Workforce).toMatchObject({
      Status: "Updating",
      SourceIpConfig: { Cidrs: ["10.0.0.0/16"] },
    });
    const conflict = await failure(
      client.send(
        new UpdateWorkforceCommand({ WorkforceName: "labelers", SourceIpConfig: { Cidrs: [] } }),
      ),
    );
    expect(conflict.name).toBe("ConflictException");
    const settled = await waitActive(client, clock);
    expect(settled).toMatchObject({
      Status: "Active",
      IpAddressType: "dualstack",
      SourceIpConfig: { Cidrs: ["10.0.0.0/16"] },
    });
  });

  it("refuses an OIDC update while workteams exist, and names them", async () => {
    const emu = await emulator();
    const client = await oidcWorkforce(emu);
    await client.send(oidcTeam("annotators"));
    await client.send(oidcTeam("reviewers"));
    const update = new UpdateWorkforceCommand({
      WorkforceName: "labelers",
      OidcConfig: { ...OIDC, ClientId: "client-2" },
    });
    const e = await failure(client.send(update));
    expect(e.name).toBe("ValidationException");
    expect(e.message).toMatch(/only when no work teams are associated.*annotators, reviewers/);
    await client.send(new DeleteWorkteamCommand({ WorkteamName: "annotators" }));
    await client.send(new DeleteWorkteamCommand({ WorkteamName: "reviewers" }));
    await client.send(update);
    expect((await waitActive(client)).OidcConfig?.ClientId).toBe("client-2");
    expect(emu.state().workforces[0]!.secretUpdates).toBe(2);
  });

  it("refuses OidcConfig on a Cognito workforce", async () => {
    const emu = await emulator();
    const client = sdk(emu);
    await client.send(
      new CreateWorkforceCommand({
        WorkforceName: "c",
        CognitoConfig: { UserPool: "us-east-1_abc", ClientId: "x" },
      }),
    );
    const e = await failure(
      client.send(new UpdateWorkforceCommand({ WorkforceName: "c", OidcConfig: OIDC })),
    );
    expect(e.message).toMatch(/uses Amazon Cognito/);
  });

  it("attaches a VPC with an endpoint id, and {} detaches it", async () => {
    const emu = await emulator();
    const client = await oidcWorkforce(emu);
    const vpc = {
      VpcId: "vpc-0abc",
      SecurityGroupIds: ["sg-1"],
      Subnets: ["subnet-1", "subnet-2"],
    };
    await client.send(
      new UpdateWorkforceCommand({ WorkforceName: "labelers", WorkforceVpcConfig: vpc }),
    );
    const attached = await waitActive(client);
    expect(attached.WorkforceVpcConfig).toMatchObject(vpc);
    expect(attached.WorkforceVpcConfig!.VpcEndpointId).toMatch(/^vpce-[0-9a-f]{17}$/);
    await client.send(
      new UpdateWorkforceCommand({ WorkforceName: "labelers", WorkforceVpcConfig: {} }),
    );
    expect((await waitActive(client)).WorkforceVpcConfig).toBeUndefined();
  });

  it("refuses to delete a workforce that has workteams", async () => {
    const emu = await emulator();
    const client = await oidcWorkforce(emu);
    await client.send(oidcTeam("annotators"));
    expect(
      (await failure(client.send(new DeleteWorkforceCommand({ WorkforceName: "labelers" })))).name,
    ).toBe("ResourceInUse");
    await client.send(new DeleteWorkteamCommand({ WorkteamName: "annotators" }));
    await client.send(new DeleteWorkforceCommand({ WorkforceName: "labelers" }));
    expect((await client.send(new ListWorkforcesCommand({}))).Workforces).toEqual([]);
  });
});

describe("workteams", () => {
  it("creates, describes, updates and deletes a workteam", async () => {
    const emu = await emulator();
    const client = await oidcWorkforce(emu);
    const { WorkteamArn } = await client.send(oidcTeam("annotators"));
    expect(WorkteamArn).toBe(
      "arn:aws:sagemaker:us-east-1:123456789012:workteam/private-crowd/annotators",
    );
    const { Workteam } = await client.send(
      new DescribeWorkteamCommand({ WorkteamName: "annotators" }),
    );
    expect(Workteam).toMatchObject({
      WorkteamName: "annotators",
      WorkforceArn: "arn:aws:sagemaker:us-east-1:123456789012:workforce/labelers",
      MemberDefinitions: [{ OidcMemberDefinition: { Groups: ["annotators"] } }],
      Description: "annotators team",
    });
    const updated = await client.send(
      new UpdateWorkteamCommand({
        WorkteamName: "annotators",
        Description: "new",
        NotificationConfiguration: { NotificationTopicArn: "arn:aws:sns:us-east-1:123456789012:t" },
      }),
    );
    expect(updated.Workteam).toMatchObject({
      Description: "new",
      NotificationConfiguration: { NotificationTopicArn: "arn:aws:sns:us-east-1:123456789012:t" },
    });
    expect(
      await client.send(new DeleteWorkteamCommand({ WorkteamName: "annotators" })),
    ).toMatchObject({ Success: true });
    const gone = await failure(
      client.send(new DescribeWorkteamCommand({ WorkteamName: "annotators" })),
    );
    expect(gone).toMatchObject({
      name: "ValidationException",
      message: expect.stringMatching(/The work team annotators does not exist/),
    });
  });

  it("refuses a duplicate name, more than 25, and member definitions of the wrong kind", async () => {
    const emu = await emulator();
    const client = await oidcWorkforce(emu);
    await client.send(oidcTeam("t0"));
    expect((await failure(client.send(oidcTeam("t0")))).name).toBe("ResourceInUse");
    for (let i = 1; i < 25; i++) await client.send(oidcTeam(`t${i}`));
    expect((await failure(client.send(oidcTeam("t25")))).name).toBe("ResourceLimitExceeded");
    await client.send(new DeleteWorkteamCommand({ WorkteamName: "t24" }));
    const cognito = await failure(
      client.send(
        new CreateWorkteamCommand({
          WorkteamName: "c",
          Description: "d",
          MemberDefinitions: [
            { CognitoMemberDefinition: { UserPool: "us-east-1_a", UserGroup: "g", ClientId: "c" } },
          ],
        }),
      ),
    );
    expect(cognito).toMatchObject({
      name: "ValidationException",
      message: expect.stringMatching(/uses OIDC/),
    });
  });

  it("refuses workteam changes while the workforce is updating", async () => {
    const clock = manualClock();
    const emu = await emulator({ ...{ updateDelayMs: 300 }, clock: clock.now });
    const client = await oidcWorkforce(emu);
    await client.send(new UpdateWorkforceCommand({ WorkforceName: "labelers", OidcConfig: OIDC }));
    expect((await failure(client.send(oidcTeam("a")))).name).toBe("ConflictException");
    await waitActive(client, clock);
    await client.send(oidcTeam("a"));
  });

  it("loses a request a test drops on arrival: no effect, the connection closed, no answer", async () => {
    const emu = await emulator();
    const client = await oidcWorkforce(emu);
    const heard: string[] = [];
    const stop = emu.onArrival((call, input) => {
      heard.push(`${call.operation} ${String(input.WorkteamName)}`);
      return call.operation === "CreateWorkteam" ? "drop" : undefined;
    });
    const dropped = await failure(client.send(oidcTeam("a")));
    expect(dropped.status).toBeUndefined();
    expect(heard).toContain("CreateWorkteam a");
    expect(emu.state().workteams).toEqual([]);
    expect(emu.calls.at(-1)).toMatchObject({ operation: "CreateWorkteam", errorType: "Dropped" });
    stop();
    await client.send(oidcTeam("a"));
    expect(emu.state().workteams.map((t) => t.WorkteamName)).toEqual(["a"]);
  });

  it("pages ListWorkteams with MaxResults and NextToken, sorted as asked", async () => {
    const emu = await emulator();
    const client = await oidcWorkforce(emu);
    for (const name of ["e", "b", "d", "a", "c"]) await client.send(oidcTeam(name));
    const pages: string[][] = [];
    for await (const page of paginateListWorkteams(
      { client, pageSize: 2 },
      { SortBy: "Name", SortOrder: "Descending" },
    )) {
      pages.push(page.Workteams!.map((t) => t.WorkteamName!));
    }
    expect(pages).toEqual([["e", "d"], ["c", "b"], ["a"]]);
    const filtered = await client.send(new ListWorkteamsCommand({ NameContains: "c" }));
    expect(filtered.Workteams!.map((t) => t.WorkteamName)).toEqual(["c"]);
    const bad = await failure(client.send(new ListWorkteamsCommand({ NextToken: "garbage" })));
    expect(bad.name).toBe("ValidationException");
    const tooMany = await failure(client.send(new ListWorkteamsCommand({ MaxResults: 101 })));
    expect(tooMany.message).toContain("Member must have value less than or equal to 100");
  });

  it("lists seeded labeling jobs and refuses to delete a team with one in progress", async () => {
    const emu = await emulator();
    const client = await oidcWorkforce(emu);
    const { WorkteamArn } = await client.send(oidcTeam("annotators"));
    await fetch(`${emu.url}/_emulator/labeling-jobs`, {
      method: "POST",
      body: JSON.stringify([
        {
          workteamName: "annotators",
          LabelingJobName: "job-1",
          LabelCounters: { HumanLabeled: 5, PendingHuman: 10, Total: 15 },
        },
        {
          workteamName: "annotators",
          LabelingJobName: "job-2",
          LabelCounters: { HumanLabeled: 3, PendingHuman: 0, Total: 3 },
        },
      ]),
    });
    const names: string[] = [];
    for await (const page of paginateListLabelingJobsForWorkteam(
      { client, pageSize: 1 },
      { WorkteamArn },
    )) {
      names.push(...page.LabelingJobSummaryList!.map((j) => j.LabelingJobName!));
    }
    expect(names).toEqual(["job-1", "job-2"]);
    const e = await failure(client.send(new DeleteWorkteamCommand({ WorkteamName: "annotators" })));
    expect(e).toMatchObject({
      name: "ResourceInUse",
      message: expect.stringMatching(/in-progress labeling jobs: job-1\.$/),
    });
    const unknown = await failure(
      client.send(new ListLabelingJobsForWorkteamCommand({ WorkteamArn: `${WorkteamArn}-nope` })),
    );
    expect(unknown.name).toBe("ResourceNotFound");
  });

  it("answers ListLabelingJobsForWorkteam in the summary shape, with its filters", async () => {
    const emu = await emulator();
    const client = await oidcWorkforce(emu);
    const { WorkteamArn } = await client.send(oidcTeam("annotators"));
    emu.state().labelingJobs.push(
      ...[1000, 2000, 3000].map((t) => ({
        workteamName: "annotators",
        LabelingJobName: `job-${t}`,
        JobReferenceCode: t === 2000 ? "ref-special" : `ref-${t}`,
        WorkRequesterAccountId: "123456789012",
        CreationTime: t,
        LabelCounters: { HumanLabeled: 0, PendingHuman: 1, Total: 1 },
        // Seeded state may hold more than the summary does: it is not answered.
        internalNote: "not in the model",
      })),
    );
    const list = async (input: Record<string, unknown>) =>
      (
        await client.send(new ListLabelingJobsForWorkteamCommand({ WorkteamArn, ...input }))
      ).LabelingJobSummaryList!.map((j) => j.LabelingJobName);
    expect(await list({ CreationTimeAfter: new Date(1500_000) })).toEqual(["job-2000", "job-3000"]);
    expect(await list({ CreationTimeBefore: new Date(2500_000) })).toEqual([
      "job-1000",
      "job-2000",
    ]);
    expect(await list({ JobReferenceCodeContains: "special" })).toEqual(["job-2000"]);
    expect(await list({ SortOrder: "Descending" })).toEqual(["job-3000", "job-2000", "job-1000"]);
    const raw = await rawCall(emu.url, "ListLabelingJobsForWorkteam", {
      WorkteamArn,
      MaxResults: 1,
    });
    const [job] = ((await raw.json()) as { LabelingJobSummaryList: Record<string, unknown>[] })
      .LabelingJobSummaryList;
    expect(Object.keys(job!).sort()).toEqual([
      "CreationTime",
      "JobReferenceCode",
      "LabelCounters",
      "LabelingJobName",
      "WorkRequesterAccountId",
    ]);
  });

  it("writes a modeled exception's message in its Message member, a common error's in message", async () => {
    const emu = await emulator();
    await oidcWorkforce(emu);
    const post = async (target: string, body: unknown) =>
      (await rawCall(emu.url, target, body)).json();
    const notFound = await post("ListLabelingJobsForWorkteam", {
      WorkteamArn: "arn:aws:sagemaker:us-east-1:123456789012:workteam/private-crowd/nope",
    });
    expect(notFound).toEqual({ __type: "ResourceNotFound", Message: expect.any(String) });
    const invalid = await post("DescribeWorkforce", { WorkforceName: "-bad" });
    expect(invalid).toEqual({ __type: "ValidationException", message: expect.any(String) });
  });
});

describe("tags", () => {
  it("supports ListTags, AddTags and DeleteTags on workteams; a workforce's tags are set at creation only", async () => {
    const emu = await emulator();
    const client = sdk(emu);
    const { WorkforceArn } = await client.send(
      new CreateWorkforceCommand({
        WorkforceName: "labelers",
        OidcConfig: OIDC,
        Tags: [{ Key: "team", Value: "ml" }],
      }),
    );
    expect(emu.state().tags[WorkforceArn!]).toEqual({ team: "ml" });
    for (const call of [
      new ListTagsCommand({ ResourceArn: WorkforceArn }),
      new AddTagsCommand({ ResourceArn: WorkforceArn, Tags: [{ Key: "cost", Value: "42" }] }),
      new DeleteTagsCommand({ ResourceArn: WorkforceArn, TagKeys: ["team"] }),
    ]) {
      const refused = await failure(client.send(call as ListTagsCommand));
      expect(refused.name).toBe("ValidationException");
      expect(refused.message).toContain("set when it is created");
    }
    emu.setFaults({});
    await waitActive(client);
    const { WorkteamArn } = await client.send(
      new CreateWorkteamCommand({
        WorkteamName: "annotators",
        Description: "d",
        MemberDefinitions: [{ OidcMemberDefinition: { Groups: ["g"] } }],
        Tags: [{ Key: "team", Value: "ml" }],
      }),
    );
    const list = async () =>
      (await client.send(new ListTagsCommand({ ResourceArn: WorkteamArn }))).Tags;
    expect(await list()).toEqual([{ Key: "team", Value: "ml" }]);
    await client.send(
      new AddTagsCommand({ ResourceArn: WorkteamArn, Tags: [{ Key: "cost", Value: "42" }] }),
    );
    await client.send(new DeleteTagsCommand({ ResourceArn: WorkteamArn, TagKeys: ["team"] }));
    expect(await list()).toEqual([{ Key: "cost", Value: "42" }]);
    const missing = await failure(
      client.send(
        new ListTagsCommand({
          ResourceArn: "arn:aws:sagemaker:us-east-1:123456789012:workteam/private-crowd/x",
        }),
      ),
    );
    expect(missing.name).toBe("ValidationException");
  });
});

describe("faults", () => {
  it("throttles every Nth call; the SDK's retries get through", async () => {
    const emu = await emulator({ faults: { throttleEvery: 2 } });
    const client = await oidcWorkforce(emu, sdk(emu, "us-east-1", 3));
    await client.send(new DescribeWorkforceCommand({ WorkforceName: "labelers" }));
    expect(emu.calls.map((c) => c.errorType ?? c.status)).toEqual([
      200,
      "ThrottlingException",
      200,
    ]);
    const once = await failure(
      sdk(emu).send(new DescribeWorkforceCommand({ WorkforceName: "labelers" })),
    );
    expect(once).toMatchObject({ name: "ThrottlingException", status: 400 });
  });

  it.each([
    [500, "InternalFailure"],
    [503, "ServiceUnavailable"],
  ] as const)("answers every Nth call with %i; retried", async (status, type) => {
    const emu = await emulator({ faults: { errorEvery: 1, errorStatus: status } });
    const e = await failure(sdk(emu).send(new ListWorkforcesCommand({})));
    expect(e).toMatchObject({ name: type, status });
    emu.setFaults({ errorEvery: 2, errorStatus: status });
    await sdk(emu, "us-east-1", 3).send(new ListWorkforcesCommand({}));
    expect(emu.calls.map((c) => c.status)).toEqual([status, status, 200]);
  });

  it("adds latency", async () => {
    const emu = await emulator({ faults: { latencyMs: 3000 } });
    const client = sdk(emu);
    client.config.requestHandler = new NodeHttpHandler({
      requestTimeout: 100,
      throwOnRequestTimeout: true,
    });
    const e = await failure(client.send(new ListWorkforcesCommand({})));
    expect(e.name).toBe("TimeoutError");
  });

  it("ends an update Failed with the FailureReason; the workforce reports what it was sent", async () => {
    const clock = manualClock();
    const emu = await emulator({
      updateDelayMs: 50,
      clock: clock.now,
      faults: { failUpdates: { reason: "Invalid OIDC discovery document", count: 1 } },
    });
    const client = await oidcWorkforce(emu);
    await client.send(
      new UpdateWorkforceCommand({
        WorkforceName: "labelers",
        SourceIpConfig: { Cidrs: ["10.0.0.0/8"] },
      }),
    );
    const failed = await waitActive(client, clock);
    expect(failed).toMatchObject({
      Status: "Failed",
      FailureReason: "Invalid OIDC discovery document",
      SourceIpConfig: { Cidrs: ["10.0.0.0/8"] },
    });
    await client.send(
      new UpdateWorkforceCommand({
        WorkforceName: "labelers",
        SourceIpConfig: { Cidrs: ["10.0.0.0/8"] },
      }),
    );
    const ok = await waitActive(client, clock);
    expect(ok).toMatchObject({ Status: "Active", SourceIpConfig: { Cidrs: ["10.0.0.0/8"] } });
    expect(ok.FailureReason).toBeUndefined();
  });
});

describe("state", () => {
  it("persists to a file (0600, no secret) that a new emulator process picks up", async () => {
    const file = join(mkdtempSync(join(tmpdir(), "wfplan-emu-")), "state.json");
    const first = await emulator({ stateFile: file });
    const client = await oidcWorkforce(first);
    await client.send(oidcTeam("annotators"));
    await first.stop();
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, "utf8")).not.toContain(OIDC.ClientSecret);
    const second = await emulator({ stateFile: file });
    const { Workteams } = await sdk(second).send(new ListWorkteamsCommand({}));
    expect(Workteams!.map((t) => t.WorkteamName)).toEqual(["annotators"]);
  });

  it("serves its state and call log to tests", async () => {
    const emu = await emulator();
    await oidcWorkforce(emu);
    const state = (await (await fetch(`${emu.url}/_emulator/state`)).json()) as EmulatorState;
    expect(state.workforces[0]?.WorkforceName).toBe("labelers");
    const calls = await (await fetch(`${emu.url}/_emulator/calls`)).json();
    expect(calls).toEqual([{ operation: "CreateWorkforce", region: "us-east-1", status: 200 }]);
  });

  it("answers an unknown operation like the service", async () => {
    const emu = await emulator();
    const res = await rawCall(emu.url, "DescribeDomain", "{}");
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ __type: "UnknownOperationException" });
  });

  it.each([
    ["no Authorization header", {}, 403, "MissingAuthenticationTokenException"],
    ["a malformed signature", { authorization: "Bearer x" }, 403, "IncompleteSignatureException"],
    [
      "a body that is not AWS JSON 1.1",
      { authorization: SIGNED, "content-type": "application/json" },
      400,
      "SerializationException",
    ],
  ])(
    "refuses a request with %s, as the service does, and changes nothing",
    async (_n, headers, status, type) => {
      const emu = await emulator();
      const res = await fetch(emu.url, {
        method: "POST",
        headers: { "x-amz-target": "SageMaker.CreateWorkforce", ...headers },
        body: JSON.stringify({ WorkforceName: "labelers", OidcConfig: OIDC }),
      });
      expect(res.status).toBe(status);
      expect(await res.json()).toMatchObject({ __type: type });
      expect(emu.state().workforces).toEqual([]);
    },
  );
});

const hasAwsCli = spawnSync("aws", ["--version"]).status === 0;

describe.skipIf(!hasAwsCli)("the AWS CLI against the emulator", () => {
  it("gets the same answers as the SDK", async () => {
    const emu = await emulator();
    const client = await oidcWorkforce(emu);
    await client.send(oidcTeam("annotators"));
    const env = {
      ...process.env,
      AWS_ACCESS_KEY_ID: "test",
      AWS_SECRET_ACCESS_KEY: "test",
      AWS_DEFAULT_REGION: "us-east-1",
      AWS_PAGER: "",
    };
    // Asynchronously: the emulator answers from this same process.
    const cli = async (...args: string[]) =>
      JSON.parse(
        (
          await promisify(execFile)(
            "aws",
            ["sagemaker", ...args, "--endpoint-url", emu.url, "--output", "json"],
            { env },
          )
        ).stdout,
      );
    const viaCli = (await cli("describe-workforce", "--workforce-name", "labelers")).Workforce;
    const viaSdk = (await client.send(new DescribeWorkforceCommand({ WorkforceName: "labelers" })))
      .Workforce!;
    const epoch = (d: Date | undefined) => (d ? d.getTime() / 1000 : undefined);
    expect(viaCli).toEqual(
      JSON.parse(
        JSON.stringify({
          ...viaSdk,
          CreateDate: epoch(viaSdk.CreateDate),
          LastUpdatedDate: epoch(viaSdk.LastUpdatedDate),
        }),
      ),
    );
    expect(
      (await cli("list-workteams")).Workteams.map((t: { WorkteamName: string }) => t.WorkteamName),
    ).toEqual(["annotators"]);
  });
});

describe("the service model", () => {
  const shared = "../shared/api/sagemaker-workforce-model.json";
  it.skipIf(!existsSync(shared))("is the one in shared/api", () => {
    expect(readFileSync("src/emulator/sagemaker-model.json", "utf8")).toBe(
      readFileSync(shared, "utf8"),
    );
  });
});
