/**
 * Whose credentials a fleet target uses, and in which account they act (issue #15). A target
 * without `roleArn` uses the credentials in use (the SDK's chain, --profile, or given ones); a
 * target with one uses that role, assumed through STS from them. The account is what
 * `sts:GetCallerIdentity` says for those credentials: asked once per distinct credentials, so a
 * role shared by targets in several regions is assumed once and asked once.
 *
 * STS is reached as the SDK reaches it (AWS_ENDPOINT_URL_STS, else AWS_ENDPOINT_URL, else the
 * regional endpoint), never through --endpoint-url, which names the SageMaker endpoint.
 */
import {
  AssumeRoleCommand,
  type Credentials,
  GetCallerIdentityCommand,
  STSClient,
  type STSClientConfig,
} from "@aws-sdk/client-sts";
import { type AwsOptions, checkNamedProfile, requestTimeoutMs, sdkSettings } from "./client.ts";
import { awsError } from "./errors.ts";

/** What the SDK's clients take as credentials: fixed ones, or a provider it calls per request. */
export type CredentialsProvider = () => Promise<{
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  expiration?: Date;
}>;

export interface Identity {
  /** The 12-digit account the credentials act in. */
  account: string;
  /** The credentials: a role's, refreshed before they expire; undefined = the AwsOptions' own. */
  credentials?: CredentialsProvider;
}

/** AssumeRole's credentials are refreshed this long before they expire (the SDK's own margin). */
export const REFRESH_BEFORE_MS = 5 * 60_000;
/** What a session of wfplan is called in CloudTrail. */
const SESSION_NAME = "wfplan";

/**
 * The identities of a fleet's targets, each looked up once: `identityOf(roleArn, region)` gives
 * the same promise for every target with the same role (or none). A failure (a role that cannot
 * be assumed, no credentials) rejects that promise with a user error, and only that one.
 */
export function identities(
  aws: AwsOptions,
  now: () => number = Date.now,
): (roleArn: string | undefined, region: string) => Promise<Identity> {
  const memo = new Map<string, Promise<Identity>>();
  return (roleArn, region) => {
    const key = roleArn ?? "";
    let found = memo.get(key);
    if (!found) {
      found = identity(aws, roleArn, region, now);
      // Handled by each caller; one that is never awaited must not be an unhandled rejection.
      found.catch(() => {});
      memo.set(key, found);
    }
    return found;
  };
}

async function identity(
  aws: AwsOptions,
  roleArn: string | undefined,
  region: string,
  now: () => number,
): Promise<Identity> {
  await checkNamedProfile(aws);
  const base = stsClient(aws, region);
  if (roleArn === undefined) return { account: await accountOf(base, "GetCallerIdentity") };
  const credentials = assumedRole(base, roleArn, now);
  // The first credentials now: a role that cannot be assumed fails its targets here.
  await credentials();
  const account = await accountOf(
    stsClient({ ...aws, credentials }, region),
    `GetCallerIdentity as ${roleArn}`,
  );
  return { account, credentials };
}

function stsClient(aws: AwsOptions, region: string): STSClient {
  return new STSClient({
    region,
    profile: aws.profile,
    credentials: aws.credentials,
    ...sdkSettings(requestTimeoutMs()),
  } as STSClientConfig);
}

async function accountOf(sts: STSClient, what: string): Promise<string> {
  try {
    const { Account } = await sts.send(new GetCallerIdentityCommand({}));
    if (!Account) throw new Error("the answer names no account");
    return Account;
  } catch (e) {
    throw stsError(e, `${what} (to learn the target's account)`);
  } finally {
    sts.destroy();
  }
}

/**
 * A role's credentials, assumed with `base`: assumed again when they are within REFRESH_BEFORE_MS
 * of their expiry, so an apply that waits longer than the role's session keeps working. Concurrent
 * callers share one AssumeRole.
 */
export function assumedRole(
  base: STSClient,
  roleArn: string,
  now: () => number = Date.now,
): CredentialsProvider {
  let current: Awaited<ReturnType<CredentialsProvider>> | undefined;
  let pending: Promise<Awaited<ReturnType<CredentialsProvider>>> | undefined;
  const fresh = () =>
    current !== undefined &&
    (current.expiration === undefined || current.expiration.getTime() - REFRESH_BEFORE_MS > now());
  return async () => {
    if (fresh()) return current!;
    pending ??= assume(base, roleArn)
      .then((c) => {
        current = c;
        return c;
      })
      .finally(() => {
        pending = undefined;
      });
    return pending;
  };
}

async function assume(base: STSClient, roleArn: string) {
  let answer: Credentials | undefined;
  try {
    ({ Credentials: answer } = await base.send(
      new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: SESSION_NAME }),
    ));
  } catch (e) {
    const err = stsError(e, `AssumeRole ${roleArn}`);
    throw Object.assign(err, {
      hint:
        err.hint ??
        "the credentials in use must be allowed sts:AssumeRole on it, and its trust policy must allow them",
    });
  }
  if (!answer?.AccessKeyId || !answer.SecretAccessKey) {
    throw awsError(new Error("the answer has no credentials"), `AssumeRole ${roleArn}`);
  }
  return {
    accessKeyId: answer.AccessKeyId,
    secretAccessKey: answer.SecretAccessKey,
    ...(answer.SessionToken && { sessionToken: answer.SessionToken }),
    ...(answer.Expiration && { expiration: new Date(answer.Expiration) }),
  };
}

/** An STS failure in words (aws/errors.ts), saying STS where the words would say SageMaker. */
function stsError(e: unknown, what: string) {
  if (e && typeof e === "object" && !("$wfplan" in e)) {
    const where = process.env.AWS_ENDPOINT_URL_STS ?? process.env.AWS_ENDPOINT_URL;
    Object.assign(e, {
      $wfplan: {
        endpoint: where ?? "the STS endpoint",
        timeoutMs: requestTimeoutMs(),
        attempts: sdkSettings(0).maxAttempts,
      },
    });
  }
  const err = awsError(e, what);
  return err.hint?.includes("AWS_ENDPOINT_URL_SAGEMAKER")
    ? Object.assign(err, {
        hint: err.hint.replace(
          "--endpoint-url / AWS_ENDPOINT_URL_SAGEMAKER",
          "AWS_ENDPOINT_URL_STS",
        ),
      })
    : err;
}

/** The account in a role's ARN (`arn:aws:iam::ACCOUNT:role/NAME`), for a target whose role failed. */
export function roleAccount(roleArn: string): string | undefined {
  return /^arn:aws[\w-]*:iam::(\d{12}):role\//.exec(roleArn)?.[1];
}
