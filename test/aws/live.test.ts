/**
 * Reading the live state through the real SDK against the emulator. A missing workforce is told
 * from a ValidationException by ListWorkforces, not by the message's words (a narrow case with a
 * stub client: the e2e test covers the emulator's other wording). Answers the emulator never gives
 * (members the service model leaves optional, left out) come from a server with fixed answers.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import {
  DescribeWorkforceCommand,
  ListWorkforcesCommand,
  type SageMakerClient,
} from "@aws-sdk/client-sagemaker";
import { afterEach, describe, expect, it } from "vitest";
import {
  describeWorkforce,
  readJobs,
  readLive,
  readTags,
  workforceFromWire,
  workteamFromWire,
} from "../../src/aws/live.ts";
import type { Emulator } from "../../src/emulator/server.ts";
import { emulator, labelingJob, OIDC, sdk, seedRich, TOPIC } from "../helpers/emulator.ts";

function stub(listed: string[]) {
  const sent: string[] = [];
  const client = {
    send: async (command: unknown) => {
      sent.push((command as object).constructor.name);
      if (command instanceof DescribeWorkforceCommand) {
        throw Object.assign(new Error("Something about the request is wrong."), {
          name: "ValidationException",
        });
      }
      if (command instanceof ListWorkforcesCommand) {
        return { Workforces: listed.map((WorkforceName) => ({ WorkforceName })) };
      }
      throw new Error("unexpected call");
    },
  } as unknown as SageMakerClient;
  return { client, sent };
}

describe("a ValidationException from DescribeWorkforce", () => {
  it("means missing when ListWorkforces does not list the workforce (one extra call)", async () => {
    const { client, sent } = stub(["other"]);
    expect(await describeWorkforce(client, "labelers")).toBeNull();
    expect(sent).toEqual(["DescribeWorkforceCommand", "ListWorkforcesCommand"]);
  });

  it("is the error itself when the workforce is listed", async () => {
    const { client } = stub(["labelers"]);
    await expect(describeWorkforce(client, "labelers")).rejects.toThrow(
      "DescribeWorkforce: ValidationException: Something about the request is wrong.",
    );
  });
});

const ACCOUNT = "arn:aws:sagemaker:us-east-1:123456789012";
const WORKFORCE_ARN = `${ACCOUNT}:workforce/labelers`;
const INTERNAL = "InternalFailure: An internal error occurred. Please retry.";

/** A workteam of `seedRich` as readLive gives it (`null`: of no workforce). */
function richTeam(name: string, workforceArn: string | null = WORKFORCE_ARN) {
  return {
    name,
    arn: `${ACCOUNT}:workteam/private-crowd/${name}`,
    workforceArn: workforceArn ?? undefined,
    description: `${name} team`,
    memberDefinitions: [{ oidcMemberDefinition: { groups: [name, "leads"] } }],
    notificationConfiguration: { notificationTopicArn: TOPIC },
    workerAccessConfiguration: {
      s3Presign: { iamPolicyConstraints: { sourceIp: "Enabled", vpcSourceIp: "Disabled" } },
    },
  };
}

/** Workforce "labelers" with workteams zeta, alpha, other (of another workforce) and loose (of none). */
function seedMixed(emu: Emulator): void {
  seedRich(emu, ["zeta", "alpha", "other", "loose"]);
  const teams = emu.state().workteams;
  teams.find((t) => t.WorkteamName === "other")!.WorkforceArn = `${ACCOUNT}:workforce/elsewhere`;
  delete (teams.find((t) => t.WorkteamName === "loose") as { WorkforceArn?: string }).WorkforceArn;
}

/** `count` more workteams like the first one, straight into the emulator's state. */
function moreTeams(emu: Emulator, count: number): string[] {
  const teams = emu.state().workteams;
  const names = Array.from({ length: count }, (_, i) => `team-${String(i).padStart(3, "0")}`);
  for (const name of names) {
    teams.push({
      ...structuredClone(teams[0]!),
      WorkteamName: name,
      WorkteamArn: `${ACCOUNT}:workteam/private-crowd/${name}`,
    });
  }
  return names;
}

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(
    servers.splice(0).map(
      (server) =>
        new Promise((resolve) => {
          server.close(resolve);
          server.closeAllConnections();
        }),
    ),
  );
});

/** A client of a server that answers each operation with a fixed body (`{}` when not given). */
async function canned(answers: Record<string, unknown>): Promise<SageMakerClient> {
  const server = createServer((req, res) => {
    const operation = String(req.headers["x-amz-target"]).replace("SageMaker.", "");
    req.resume().on("end", () => {
      res
        .writeHead(200, { "content-type": "application/x-amz-json-1.1" })
        .end(JSON.stringify(answers[operation] ?? {}));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  servers.push(server);
  return sdk({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` } as Emulator);
}

describe("readLive", () => {
  it("reads the workforce and, in name order, the workteams of it or of no workforce", async () => {
    const emu = await emulator();
    seedMixed(emu);
    expect(await readLive(sdk(emu), "us-east-1", "labelers")).toStrictEqual({
      region: "us-east-1",
      workforce: {
        name: "labelers",
        arn: WORKFORCE_ARN,
        status: "Active",
        failureReason: undefined,
        oidcConfig: {
          clientId: OIDC.ClientId,
          issuer: OIDC.Issuer,
          authorizationEndpoint: OIDC.AuthorizationEndpoint,
          tokenEndpoint: OIDC.TokenEndpoint,
          userInfoEndpoint: OIDC.UserInfoEndpoint,
          logoutEndpoint: OIDC.LogoutEndpoint,
          jwksUri: OIDC.JwksUri,
          scope: undefined,
          authenticationRequestExtraParams: undefined,
        },
        cognitoConfig: undefined,
        sourceIpConfig: { cidrs: ["10.0.0.0/16"] },
        workforceVpcConfig: null,
        ipAddressType: "ipv4",
        subDomain: emu.state().workforces[0]!.SubDomain,
      },
      workteams: [richTeam("alpha"), richTeam("loose", null), richTeam("zeta")],
      jobs: {},
    });
  });

  it("names the region's other workforce when the named one is missing, and keeps every workteam", async () => {
    const emu = await emulator();
    seedMixed(emu);
    expect(await readLive(sdk(emu), "us-east-1", "ghost")).toStrictEqual({
      region: "us-east-1",
      workforce: null,
      workteams: [
        richTeam("alpha"),
        richTeam("loose", null),
        richTeam("other", `${ACCOUNT}:workforce/elsewhere`),
        richTeam("zeta"),
      ],
      jobs: {},
      otherWorkforce: "labelers",
    });
  });

  it("reads a Cognito workforce and its workteams' Cognito members", async () => {
    const emu = await emulator();
    const cognito = { UserPool: "us-east-1_AbC123", ClientId: "client1" };
    emu.invoke("CreateWorkforce", { WorkforceName: "labelers", CognitoConfig: cognito });
    emu.invoke("CreateWorkteam", {
      WorkteamName: "pool",
      Description: "pool team",
      MemberDefinitions: [{ CognitoMemberDefinition: { ...cognito, UserGroup: "labelers" } }],
    });
    const live = await readLive(sdk(emu), "us-east-1", "labelers");
    expect(live.workforce?.cognitoConfig).toStrictEqual({
      userPool: "us-east-1_AbC123",
      clientId: "client1",
    });
    expect(live.workteams).toStrictEqual([
      {
        name: "pool",
        arn: `${ACCOUNT}:workteam/private-crowd/pool`,
        workforceArn: WORKFORCE_ARN,
        description: "pool team",
        memberDefinitions: [
          {
            cognitoMemberDefinition: {
              userPool: "us-east-1_AbC123",
              userGroup: "labelers",
              clientId: "client1",
            },
          },
        ],
      },
    ]);
  });

  it("reads a workteam's worker access constraints as they are set, and none without them", async () => {
    const emu = await emulator();
    seedRich(emu, []);
    const access: [string, Record<string, unknown>][] = [
      ["source", { S3Presign: { IamPolicyConstraints: { SourceIp: "Disabled" } } }],
      ["vpc", { S3Presign: { IamPolicyConstraints: { VpcSourceIp: "Enabled" } } }],
      ["empty", { S3Presign: { IamPolicyConstraints: {} } }],
      ["bare", {}],
    ];
    for (const [name, config] of access) {
      emu.invoke("CreateWorkteam", {
        WorkteamName: name,
        Description: "d",
        MemberDefinitions: [{ OidcMemberDefinition: { Groups: ["g"] } }],
        WorkerAccessConfiguration: config,
      });
    }
    const live = await readLive(sdk(emu), "us-east-1", "labelers");
    expect(
      Object.fromEntries(live.workteams.map((t) => [t.name, t.workerAccessConfiguration])),
    ).toStrictEqual({
      bare: undefined,
      empty: { s3Presign: { iamPolicyConstraints: {} } },
      source: { s3Presign: { iamPolicyConstraints: { sourceIp: "Disabled" } } },
      vpc: { s3Presign: { iamPolicyConstraints: { vpcSourceIp: "Enabled" } } },
    });
    expect(live.workteams.every((t) => !("notificationConfiguration" in t))).toBe(true);
  });

  it("reads every page of workteams, and names ListWorkteams when a page fails", async () => {
    const emu = await emulator();
    seedRich(emu, ["first"]);
    const names = ["first", ...moreTeams(emu, 100)];
    const live = await readLive(sdk(emu), "us-east-1", "labelers");
    expect(live.workteams.map((t) => t.name)).toEqual(names);
    expect(emu.calls.filter((c) => c.operation === "ListWorkteams")).toHaveLength(2);

    // Teams deleted between two pages: the second page's token points past the end.
    emu.onCall((call) => {
      if (call.operation === "ListWorkteams") emu.state().workteams.splice(50);
    });
    await expect(readLive(sdk(emu), "us-east-1", "labelers")).rejects.toMatchObject({
      name: "AwsError",
      message: "ListWorkteams: ValidationException: Invalid pagination token.",
    });
  });
});

describe("describeWorkforce", () => {
  it.each([
    [
      "a failure other than ValidationException is the answer, without ListWorkforces",
      "labelers",
      1,
      `DescribeWorkforce: ${INTERNAL}`,
      ["DescribeWorkforce"],
    ],
    [
      "a failing ListWorkforces, asked whether the workforce exists, is the answer",
      "ghost",
      2,
      `ListWorkforces: ${INTERNAL}`,
      ["DescribeWorkforce", "ListWorkforces"],
    ],
  ])("%s", async (_name, workforce, errorEvery, message, operations) => {
    const emu = await emulator();
    seedRich(emu, []);
    emu.setFaults({ errorEvery });
    await expect(describeWorkforce(sdk(emu), workforce)).rejects.toMatchObject({
      name: "AwsError",
      message,
    });
    expect(emu.calls.map((c) => c.operation)).toEqual(operations);
  });

  it("gives up when the caller's signal has aborted", async () => {
    const emu = await emulator();
    seedRich(emu, []);
    const stop = new AbortController();
    stop.abort();
    await expect(describeWorkforce(sdk(emu), "labelers", stop.signal)).rejects.toMatchObject({
      name: "AwsError",
      code: "AbortError",
    });
  });
});

describe("readTags", () => {
  it("reads every tag of each workteam, and {} for a workteam without tags", async () => {
    const emu = await emulator();
    seedRich(emu, ["alpha", "beta"]);
    emu.invoke("CreateWorkteam", {
      WorkteamName: "untagged",
      Description: "d",
      MemberDefinitions: [{ OidcMemberDefinition: { Groups: ["g"] } }],
    });
    const client = sdk(emu);
    const { workteams } = await readLive(client, "us-east-1", "labelers");
    await readTags(client, workteams);
    expect(Object.fromEntries(workteams.map((t) => [t.name, t.tags]))).toStrictEqual({
      alpha: { team: "alpha", "cost-center": "42" },
      beta: { team: "beta", "cost-center": "42" },
      untagged: {},
    });
  });

  it("names ListTags and the workteam when it fails", async () => {
    const emu = await emulator();
    seedRich(emu, ["alpha", "gone"]);
    const client = sdk(emu);
    const { workteams } = await readLive(client, "us-east-1", "labelers");
    emu.invoke("DeleteWorkteam", { WorkteamName: "gone" });
    await expect(readTags(client, workteams)).rejects.toMatchObject({
      name: "AwsError",
      message: `ListTags gone: ValidationException: Resource ${ACCOUNT}:workteam/private-crowd/gone does not exist.`,
    });
  });

  it("reads an answer without a tag list as no tags", async () => {
    const client = await canned({ ListTags: {} });
    const team = workteamFromWire({
      WorkteamName: "alpha",
      WorkteamArn: `${ACCOUNT}:workteam/private-crowd/alpha`,
      Description: "d",
      MemberDefinitions: [],
    });
    await readTags(client, [team]);
    expect(team.tags).toStrictEqual({});
  });
});

describe("readJobs", () => {
  it("lists the jobs still waiting for people, of the workteams that have any", async () => {
    const emu = await emulator();
    seedRich(emu, ["alpha", "beta", "gamma", "idle"]);
    const named = (team: string, name: string, reference: string, pending: number, at: number) => ({
      ...labelingJob(team, name, pending),
      JobReferenceCode: reference,
      CreationTime: at,
    });
    const uncounted = labelingJob("gamma", "job-uncounted");
    delete (uncounted.LabelCounters as { PendingHuman?: number }).PendingHuman;
    emu
      .state()
      .labelingJobs.push(
        named("alpha", "job-busy", "ref-busy", 3, 1),
        named("alpha", "job-done", "ref-done", 0, 2),
        named("beta", "job-finished", "ref-finished", 0, 1),
        { ...named("gamma", "", "ref-unnamed", 2, 1), LabelingJobName: undefined as never },
        { ...uncounted, CreationTime: 2 },
      );
    const client = sdk(emu);
    const { workteams } = await readLive(client, "us-east-1", "labelers");
    expect(await readJobs(client, workteams)).toStrictEqual({
      alpha: [{ name: "job-busy", pendingHuman: 3 }],
      gamma: [
        { name: "ref-unnamed", pendingHuman: 2 },
        { name: "job-uncounted", pendingHuman: -1 },
      ],
    });
  });

  it("names ListLabelingJobsForWorkteam and the workteam when it fails", async () => {
    const emu = await emulator();
    seedRich(emu, ["gone"]);
    const client = sdk(emu);
    const { workteams } = await readLive(client, "us-east-1", "labelers");
    emu.invoke("DeleteWorkteam", { WorkteamName: "gone" });
    await expect(readJobs(client, workteams)).rejects.toMatchObject({
      name: "AwsError",
      message: `ListLabelingJobsForWorkteam gone: ResourceNotFound: Workteam ${ACCOUNT}:workteam/private-crowd/gone not found.`,
    });
  });

  it("takes a job without counters for one still running", async () => {
    const client = await canned({
      ListLabelingJobsForWorkteam: {
        LabelingJobSummaryList: [
          {
            LabelingJobName: "job-1",
            JobReferenceCode: "ref-1",
            WorkRequesterAccountId: "123456789012",
            CreationTime: 0,
          },
        ],
      },
    });
    const team = workteamFromWire({
      WorkteamName: "alpha",
      WorkteamArn: `${ACCOUNT}:workteam/private-crowd/alpha`,
      Description: "d",
      MemberDefinitions: [],
    });
    expect(await readJobs(client, [team])).toStrictEqual({
      alpha: [{ name: "job-1", pendingHuman: -1 }],
    });
  });
});

describe("the wire's optional members", () => {
  it("a workforce without status, IP ranges or address type is Active, open to all, IPv4", () => {
    expect(workforceFromWire({ WorkforceName: "w", WorkforceArn: "arn:w" })).toStrictEqual({
      name: "w",
      arn: "arn:w",
      status: "Active",
      failureReason: undefined,
      oidcConfig: undefined,
      cognitoConfig: undefined,
      sourceIpConfig: { cidrs: [] },
      workforceVpcConfig: null,
      ipAddressType: "ipv4",
      subDomain: undefined,
    });
  });

  it("an OIDC member definition without groups has none", () => {
    const team = workteamFromWire({
      WorkteamName: "t",
      WorkteamArn: "arn:t",
      Description: "d",
      MemberDefinitions: [{ OidcMemberDefinition: {} }],
    });
    expect(team.memberDefinitions).toStrictEqual([{ oidcMemberDefinition: { groups: [] } }]);
  });
});
