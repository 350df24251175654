/** An emulator on a free loopback port and a real SDK client pointed at it. */
import {
  CreateWorkforceCommand,
  CreateWorkteamCommand,
  SageMakerClient,
} from "@aws-sdk/client-sagemaker";
import { type Credentials, STSClient } from "@aws-sdk/client-sts";
import { afterEach } from "vitest";
import { type Emulator, type EmulatorOptions, startEmulator } from "../../src/emulator/server.ts";

const running: Emulator[] = [];

afterEach(async () => {
  await Promise.all(running.splice(0).map((e) => e.stop()));
});

export async function emulator(opts: EmulatorOptions = {}): Promise<Emulator> {
  const emu = await startEmulator({ createDelayMs: 0, updateDelayMs: 0, ...opts });
  running.push(emu);
  return emu;
}

export function sdk(emu: Emulator, region = "us-east-1", maxAttempts = 1): SageMakerClient {
  return new SageMakerClient({
    region,
    endpoint: emu.url,
    credentials: { accessKeyId: "test", secretAccessKey: "test" },
    maxAttempts,
  });
}

/** Credentials as the SDK takes them: a plain access key, or those AssumeRole returned. */
export interface KeyPair {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/** A key pair whose id is `accessKeyId` (the emulator reads only the id, never the secret). */
export const key = (accessKeyId: string): KeyPair => ({ accessKeyId, secretAccessKey: "test" });

/** A SageMaker client acting with other credentials than `sdk`'s (so, maybe, in another account). */
export function sdkAs(emu: Emulator, credentials: KeyPair, region = "us-east-1"): SageMakerClient {
  return new SageMakerClient({ region, endpoint: emu.url, credentials, maxAttempts: 1 });
}

/** A real STS client pointed at the emulator, with the key "test" (the default account) unless told. */
export function stsClient(emu: Emulator, credentials: KeyPair = key("test"), region = "us-east-1") {
  return new STSClient({ region, endpoint: emu.url, credentials, maxAttempts: 1 });
}

/** AssumeRole's credentials as the SDK's clients take them. */
export function assumed(credentials: Credentials | undefined): KeyPair {
  return {
    accessKeyId: credentials!.AccessKeyId!,
    secretAccessKey: credentials!.SecretAccessKey!,
    sessionToken: credentials!.SessionToken!,
  };
}

/** The OIDC config of the builders' spec() on the wire, so a seeded workforce matches it. */
export const OIDC = {
  ClientId: "0oa1example",
  ClientSecret: "s3cret-value",
  Issuer: "https://idp.example.com",
  AuthorizationEndpoint: "https://idp.example.com/oauth2/authorize",
  TokenEndpoint: "https://idp.example.com/oauth2/token",
  UserInfoEndpoint: "https://idp.example.com/oauth2/userinfo",
  LogoutEndpoint: "https://idp.example.com/logout",
  JwksUri: "https://idp.example.com/oauth2/keys",
};

/**
 * Workforce "labelers" (the builders' OIDC config, IP range 10.0.0.0/16) and workteams, each
 * described "<name> team", with groups [<name>, leads] and the tag team=<name>.
 */
export async function seedWorkforce(client: SageMakerClient, teams: string[] = []): Promise<void> {
  await client.send(
    new CreateWorkforceCommand({
      WorkforceName: "labelers",
      OidcConfig: OIDC,
      SourceIpConfig: { Cidrs: ["10.0.0.0/16"] },
    }),
  );
  for (const name of teams) {
    await client.send(
      new CreateWorkteamCommand({
        WorkteamName: name,
        Description: `${name} team`,
        MemberDefinitions: [{ OidcMemberDefinition: { Groups: [name, "leads"] } }],
        Tags: [{ Key: "team", Value: name }],
      }),
    );
  }
}

/** An Authorization header of the form the service expects (the emulator does not check the signature). */
export const SIGNED =
  "AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/sagemaker/aws4_request, SignedHeaders=host;x-amz-date, Signature=0123abcd";

/** A request on the wire, as any AWS client sends it, without the SDK (which would shape it). */
export function rawCall(url: string, operation: string, body: unknown): Promise<Response> {
  return fetch(url, {
    method: "POST",
    headers: {
      "x-amz-target": `SageMaker.${operation}`,
      "content-type": "application/x-amz-json-1.1",
      authorization: SIGNED,
    },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

export const TOPIC = "arn:aws:sns:us-east-1:123456789012:labeling";
export const VPC = { VpcId: "vpc-0abc", SecurityGroupIds: ["sg-1"], Subnets: ["subnet-1"] };

/**
 * Directly in the emulator's state: workforce "labelers" (the builders' OIDC config, and IP range
 * 10.0.0.0/16 or, with `vpc`, a VPC) and workteams that use every optional field — described
 * "<name> team", groups [<name>, leads], a notification topic, worker access configuration, and
 * the tags team=<name> and cost-center=42.
 */
export function seedRich(emu: Emulator, teams: string[], { vpc = false } = {}): void {
  emu.invoke("CreateWorkforce", {
    WorkforceName: "labelers",
    OidcConfig: OIDC,
    ...(vpc ? { WorkforceVpcConfig: VPC } : { SourceIpConfig: { Cidrs: ["10.0.0.0/16"] } }),
  });
  for (const name of teams) {
    emu.invoke("CreateWorkteam", {
      WorkteamName: name,
      Description: `${name} team`,
      MemberDefinitions: [{ OidcMemberDefinition: { Groups: [name, "leads"] } }],
      NotificationConfiguration: { NotificationTopicArn: TOPIC },
      WorkerAccessConfiguration: {
        S3Presign: { IamPolicyConstraints: { SourceIp: "Enabled", VpcSourceIp: "Disabled" } },
      },
      Tags: [
        { Key: "team", Value: name },
        { Key: "cost-center", Value: "42" },
      ],
    });
  }
}

/** A spec's workteam with the description and members `seedRich` gave it (and `more`). */
export function seededTeamSpec(name: string, more: Record<string, unknown> = {}) {
  return {
    name,
    description: `${name} team`,
    memberDefinitions: [{ oidcMemberDefinition: { groups: [name, "leads"] } }],
    ...more,
  };
}

/** Every settable field of every workteam, and its tags, as the emulator holds them. */
export function teamsOf(emu: Emulator) {
  const state = emu.state();
  return Object.fromEntries(
    state.workteams.map((t) => [
      t.WorkteamName,
      {
        Description: t.Description,
        MemberDefinitions: t.MemberDefinitions,
        NotificationConfiguration: t.NotificationConfiguration,
        WorkerAccessConfiguration: t.WorkerAccessConfiguration,
        Tags: state.tags[t.WorkteamArn] ?? {},
      },
    ]),
  );
}

/** The API calls that only read; wfplan plan makes no others. */
const READ_OPERATIONS = new Set([
  "DescribeWorkforce",
  "ListWorkforces",
  "ListWorkteams",
  "ListLabelingJobsForWorkteam",
  "ListTags",
  "DescribeWorkteam",
]);

/**
 * The SageMaker calls the emulator received (from the index `from` on) that change something (the
 * preflight checks' reads of other services carry a `service` and change nothing).
 */
export const mutations = (emu: Emulator, from = 0) =>
  emu.calls.slice(from).filter((c) => !c.service && !READ_OPERATIONS.has(c.operation));

/**
 * A clock for an emulator that a test moves itself: an update ends when the test says so. A
 * running one also keeps time, for a CLI that waits on the emulator between the test's moves.
 */
export function manualClock({ running = false } = {}) {
  const start = Date.now();
  let skipped = 0;
  return {
    now: () => (running ? Date.now() : start) + skipped,
    advance(ms: number) {
      skipped += ms;
    },
  };
}

/** An in-progress labeling job of a workteam, as the emulator's state holds one: `labelingJobs.push(…)`. */
export function labelingJob(workteamName: string, name = `job-${workteamName}`, pending = 1) {
  return {
    workteamName,
    LabelingJobName: name,
    JobReferenceCode: name,
    WorkRequesterAccountId: "123456789012",
    CreationTime: 0,
    LabelCounters: { HumanLabeled: 0, PendingHuman: pending, Total: pending },
  };
}
