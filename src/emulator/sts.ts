/**
 * Accounts and STS. The account of a request is its access key's (the `Credential=AKID/…` of its
 * signature): a key that AssumeRole issued acts as the role's account, a key the state lists in
 * `accessKeys` as that account, any other key as the default account (`accountId`, 123456789012),
 * so clients that never heard of accounts keep working as before.
 *
 * STS on the emulator's port, in its awsQuery protocol (form-urlencoded
 * `Action=…&Version=2011-06-15`, XML answers, `ErrorResponse/Error/{Type,Code,Message}` errors),
 * for `GetCallerIdentity` and `AssumeRole`: the role must be one the state lists in `roles` (else
 * `AccessDenied`, in the service's words), the input is checked as the service model says
 * (`ValidationError`), and the issued key is kept in the state's `sessions` with its account,
 * expiry and a digest of its session token, so a state file keeps it across restarts. As the
 * services do, STS, SageMaker and the preflight reads (references.ts) refuse an issued key sent
 * without its session token or with another one (`InvalidClientTokenId`,
 * `UnrecognizedClientException`, …), and once its session has ended (`ExpiredTokenException`, …):
 * a client that drops the token fails here as it would against AWS. Any other action is
 * `InvalidAction`. The emulator's faults (throttling, 5xx) do not apply here.
 */
import { createHash, randomBytes, randomUUID } from "node:crypto";
import { signatureProblem } from "./errors.ts";
import { validationMessage } from "./model.ts";
import { x } from "./references.ts";
import { type EmulatorState, ROLE_ARN, type Session } from "./state.ts";

export const STS_VERSION = "2011-06-15";
const FORM = "application/x-www-form-urlencoded";
const XML = "text/xml";
const ACCESS_KEY = /Credential=([^/,\s]+)\//;

/** Who a request is: its access key, the account it acts in, and its identity's ARN. */
export interface Caller {
  accessKeyId: string;
  account: string;
  /** `arn:aws:iam::ACCOUNT:user/emulator`, or the assumed role's session ARN. */
  arn: string;
  /** GetCallerIdentity's UserId. */
  userId: string;
  /**
   * Why the service would refuse the key: AssumeRole issued it and the request's session token is
   * not the one issued with it ("invalid"), or its session has ended ("expired").
   */
  refused?: "invalid" | "expired";
}

/** The access key id of a signed request's Authorization header ("" when there is none). */
export function accessKeyOf(auth: string): string {
  return ACCESS_KEY.exec(auth)?.[1] ?? "";
}

/**
 * The caller behind an access key (see the module's comment for the order), with the session
 * token the request carries (its `X-Amz-Security-Token`).
 */
export function callerOf(
  state: EmulatorState,
  accessKeyId: string,
  now: number,
  sessionToken = "",
): Caller {
  // Own entries only: a key named after an Object method (constructor) is a plain key.
  const session = Object.hasOwn(state.sessions, accessKeyId)
    ? state.sessions[accessKeyId]
    : undefined;
  if (session) {
    const caller = {
      accessKeyId,
      account: session.account,
      arn: session.arn,
      userId: session.userId,
    };
    if (digest(sessionToken) !== session.tokenDigest) return { ...caller, refused: "invalid" };
    if (Date.parse(session.expiration) <= now) return { ...caller, refused: "expired" };
    return caller;
  }
  const account = Object.hasOwn(state.accessKeys, accessKeyId)
    ? state.accessKeys[accessKeyId]!
    : state.accountId;
  return {
    accessKeyId,
    account,
    arn: `arn:aws:iam::${account}:user/emulator`,
    userId: `AIDA${uniqueId(account)}`,
  };
}

/** Whether a request that is not SageMaker's is STS's: its signature's scope, else its Version. */
export function isStsRequest(
  scopeService: string | undefined,
  contentType: string,
  body: string,
): boolean {
  if (scopeService) return scopeService === "sts";
  return contentType.startsWith(FORM) && new URLSearchParams(body).get("Version") === STS_VERSION;
}

export interface StsRequest {
  /** The Authorization header ("" when unsigned). */
  auth: string;
  /** The X-Amz-Security-Token header ("" when absent). */
  sessionToken: string;
  contentType: string;
  body: string;
}

/** An answer on the wire, for server.ts to send and record. */
export interface StsAnswer {
  operation: string;
  status: number;
  contentType: string;
  body: string;
  errorType?: string;
  /** The request's parameters, for the emulator's call listeners. */
  input: Record<string, string>;
  /** The answer changed the state (a session was issued): the server saves it. */
  changed?: boolean;
}

class StsError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

export function answerSts(req: StsRequest, state: EmulatorState, now: number): StsAnswer {
  let operation = "(none)";
  let input: Record<string, string> = {};
  try {
    const unsigned = signatureProblem(req.auth);
    if (unsigned) throw new StsError(unsigned.code, unsigned.message, 403);
    if (!req.contentType.startsWith(FORM)) {
      throw new StsError("InvalidParameterValue", `Content-Type must be ${FORM}.`);
    }
    const params = new URLSearchParams(req.body);
    input = Object.fromEntries(params);
    const action = params.get("Action") ?? "";
    operation = action || operation;
    const handler = Object.hasOwn(ACTIONS, action) ? ACTIONS[action] : undefined;
    if (!handler || params.get("Version") !== STS_VERSION) {
      throw new StsError(
        "InvalidAction",
        `Could not find operation ${action} for version ${params.get("Version") ?? "NO_VERSION_SPECIFIED"}`,
      );
    }
    const caller = callerOf(state, accessKeyOf(req.auth), now, req.sessionToken);
    if (caller.refused === "invalid") {
      throw new StsError(
        "InvalidClientTokenId",
        "The security token included in the request is invalid.",
        403,
      );
    }
    if (caller.refused === "expired") {
      throw new StsError(
        "ExpiredTokenException",
        "The security token included in the request is expired",
      );
    }
    const { payload, changed } = handler(params, caller, state, now);
    return {
      operation,
      status: 200,
      contentType: XML,
      body: `<${action}Response xmlns="https://sts.amazonaws.com/doc/${STS_VERSION}/"><${action}Result>${payload}</${action}Result><ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></${action}Response>`,
      input,
      changed,
    };
  } catch (e) {
    if (!(e instanceof StsError)) throw e;
    return {
      operation,
      status: e.status,
      errorType: e.code,
      contentType: XML,
      body: `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/${STS_VERSION}/"><Error><Type>Sender</Type><Code>${x(e.code)}</Code><Message>${x(e.message)}</Message></Error><RequestId>${randomUUID()}</RequestId></ErrorResponse>`,
      input,
    };
  }
}

type Action = (
  params: URLSearchParams,
  caller: Caller,
  state: EmulatorState,
  now: number,
) => { payload: string; changed?: boolean };

const ACTIONS: Record<string, Action> = {
  GetCallerIdentity: (_params, caller) => ({
    payload: `<Arn>${x(caller.arn)}</Arn><UserId>${x(caller.userId)}</UserId><Account>${caller.account}</Account>`,
  }),
  AssumeRole: assumeRole,
};

/** The session lengths a role allows; the emulator's roles allow the longest an IAM role may. */
const MIN_DURATION = 900;
const MAX_DURATION = 43_200;
/** A role assumed with a role's credentials (role chaining) gets an hour at most. */
const CHAINED_MAX = 3600;
const SESSION_NAME = /^[\w+=,.@-]*$/;
/** Any ARN; one that is not a role's is refused as the service does, by the role lookup. */
const ARN = /^arn:aws[a-z-]*:[a-z0-9-]+:[a-z0-9-]*:\d{0,12}:.+$/;

function assumeRole(
  params: URLSearchParams,
  caller: Caller,
  state: EmulatorState,
  now: number,
): { payload: string; changed: boolean } {
  const roleArn = params.get("RoleArn");
  const sessionName = params.get("RoleSessionName");
  const duration = params.get("DurationSeconds");
  // The model's constraints, each broken one said as the service says it.
  const problems: string[] = [];
  const broken = (value: string | null, at: string, constraint: string) =>
    problems.push(
      `Value ${value === null ? "null" : `'${value}'`} at '${at}' failed to satisfy constraint: ${constraint}`,
    );
  const length = (value: string | null, at: string, min: number, max: number) => {
    if (value === null) broken(null, at, "Member must not be null");
    else if (value.length < min)
      broken(value, at, `Member must have length greater than or equal to ${min}`);
    else if (value.length > max)
      broken(value, at, `Member must have length less than or equal to ${max}`);
  };
  length(roleArn, "roleArn", 20, 2048);
  length(sessionName, "roleSessionName", 2, 64);
  if (sessionName !== null && !SESSION_NAME.test(sessionName)) {
    broken(
      sessionName,
      "roleSessionName",
      "Member must satisfy regular expression pattern: [\\w+=,.@-]*",
    );
  }
  const seconds = duration === null ? 3600 : Number(duration);
  if (duration !== null) {
    if (!/^-?\d+$/.test(duration)) broken(duration, "durationSeconds", "Member must be an integer");
    else if (seconds < MIN_DURATION)
      broken(
        duration,
        "durationSeconds",
        `Member must have value greater than or equal to ${MIN_DURATION}`,
      );
    else if (seconds > MAX_DURATION)
      broken(
        duration,
        "durationSeconds",
        `Member must have value less than or equal to ${MAX_DURATION}`,
      );
  }
  if (problems.length > 0) throw new StsError("ValidationError", validationMessage(problems));
  if (!ARN.test(roleArn!)) throw new StsError("ValidationError", "Request ARN is invalid");
  const role = ROLE_ARN.exec(roleArn!);
  if (!role || !state.roles.includes(roleArn!)) {
    throw new StsError(
      "AccessDenied",
      `User: ${caller.arn} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`,
      403,
    );
  }
  // The caller is itself an assumed role's session: role chaining.
  if (caller.arn.includes(":assumed-role/") && seconds > CHAINED_MAX) {
    throw new StsError(
      "ValidationError",
      "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.",
    );
  }
  const [, account, name] = role;
  const accessKeyId = `ASIA${randomAlnum(16)}`;
  const sessionToken = randomBytes(240).toString("base64");
  const session: Session = {
    account: account!,
    roleArn: roleArn!,
    arn: `arn:aws:sts::${account}:assumed-role/${name}/${sessionName}`,
    userId: `AROA${uniqueId(roleArn!)}:${sessionName}`,
    // The service's format: seconds, no fraction.
    expiration: new Date(now + seconds * 1000).toISOString().replace(/\.\d{3}Z$/, "Z"),
    tokenDigest: digest(sessionToken),
  };
  state.sessions[accessKeyId] = session;
  const credentials = [
    `<AccessKeyId>${accessKeyId}</AccessKeyId>`,
    `<SecretAccessKey>${randomBytes(30).toString("base64")}</SecretAccessKey>`,
    `<SessionToken>${sessionToken}</SessionToken>`,
    `<Expiration>${session.expiration}</Expiration>`,
  ].join("");
  return {
    payload: `<AssumedRoleUser><AssumedRoleId>${x(session.userId)}</AssumedRoleId><Arn>${x(session.arn)}</Arn></AssumedRoleUser><Credentials>${credentials}</Credentials>`,
    changed: true,
  };
}

/** Upper-case letters and digits, 32 of them (an even share of each byte), as AWS key ids use. */
const UPPER_ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

function randomAlnum(length: number): string {
  return Array.from(randomBytes(length), (b) => UPPER_ALNUM[b % 32]).join("");
}

/** sha256, hex: what the state keeps of a session token. */
const digest = (text: string) => createHash("sha256").update(text).digest("hex");

/** A stable 17-character id for an account or role, as IAM's AIDA…/AROA… ids look. */
function uniqueId(of: string): string {
  return Array.from(
    createHash("sha256").update(of).digest().subarray(0, 17),
    (b) => UPPER_ALNUM[b % 32],
  ).join("");
}
