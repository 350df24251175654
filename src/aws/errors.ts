/** AWS SDK failures in words a user can act on (never with a request body: it may hold the secret). */
import { UserError } from "../errors.ts";
import { formatDuration } from "../values/duration.ts";

/** Where a call went and how long it could take, attached by the client (aws/client.ts). */
interface Where {
  endpoint: string;
  timeoutMs: number;
  attempts: number;
}

/** A failure that another try may not have: the network, a timeout, throttling, a 5xx. */
export class AwsError extends UserError {
  constructor(
    message: string,
    details: { hint?: string },
    readonly transient: boolean,
    /** The service's error type, such as ResourceInUse. */
    readonly code?: string,
  ) {
    super(message, details);
    this.name = "AwsError";
  }
}

const NETWORK_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EPIPE",
  "ETIMEDOUT",
]);

/** STS's calls (aws/accounts.ts): their answers are AWS query XML, not AWS JSON. */
const STS_CALL = /^(GetCallerIdentity|AssumeRole)\b/;

/**
 * An answer the SDK could not read (an HTML page, say) or found no error type in: its HTTP status,
 * its content type, and whether that is the service's format (then the body was malformed).
 */
function unreadAnswer(
  err: Error & { $metadata?: { httpStatusCode?: number } },
  format: RegExp,
): { status?: number; type?: string; ownFormat: boolean } | undefined {
  const response = (err as { $response?: { statusCode?: number; headers?: object } }).$response;
  const headers = Object.entries(response?.headers ?? {});
  const type = headers.find(([k]) => k.toLowerCase() === "content-type")?.[1] as string | undefined;
  const ownFormat = format.test(type ?? "");
  const unparsed = err.name === "SyntaxError" || /Deserialization error/.test(err.message ?? "");
  const untyped = (err.name === "Unknown" || err.name === "UnknownError") && response && !ownFormat;
  if (!unparsed && !untyped) return undefined;
  return {
    status: response?.statusCode ?? err.$metadata?.httpStatusCode,
    type: type?.split(";")[0]?.trim(),
    ownFormat,
  };
}

export function awsError(e: unknown, what: string): AwsError {
  const err = e as Error & {
    code?: string;
    $metadata?: { httpStatusCode?: number };
    $wfplan?: Where;
  };
  const name = err?.name ?? "Error";
  const where = err?.$wfplan;
  if (
    name === "CredentialsProviderError" ||
    /Could not load credentials/.test(err?.message ?? "")
  ) {
    return new AwsError(
      `${what}: no AWS credentials found`,
      {
        hint: "configure credentials (AWS_PROFILE / --profile, aws sso login, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY)",
      },
      false,
    );
  }
  const endpointHint = `check --endpoint-url / AWS_ENDPOINT_URL_SAGEMAKER and the network`;
  const deadline = (err as { $wfplanDeadline?: number })?.$wfplanDeadline;
  if (deadline !== undefined) {
    return new AwsError(
      `${what}: no whole answer from ${where?.endpoint ?? "the SageMaker endpoint"} within ${formatDuration(deadline)}`,
      { hint: `${endpointHint}; WFPLAN_REQUEST_TIMEOUT sets how long one request may take` },
      true,
      name,
    );
  }
  if (name === "TimeoutError" || err?.code === "ETIMEDOUT") {
    const within = where
      ? ` in ${where.attempts} attempts of ${formatDuration(where.timeoutMs)} each`
      : "";
    return new AwsError(
      `${what}: no answer from ${where?.endpoint ?? "the SageMaker endpoint"}${within}`,
      {
        hint: `${endpointHint}; WFPLAN_REQUEST_TIMEOUT sets how long one request may take (default 10s)`,
      },
      true,
    );
  }
  if (err?.code && NETWORK_CODES.has(err.code)) {
    return new AwsError(
      `${what}: cannot reach ${where?.endpoint ?? "the SageMaker endpoint"} (${err.code})`,
      { hint: endpointHint },
      true,
    );
  }
  const sts = STS_CALL.test(what);
  const unread = err && unreadAnswer(err, sts ? /xml/i : /json/i);
  if (unread) {
    const service = sts ? "STS" : "SageMaker";
    const endpoint = where?.endpoint ?? `the ${service} endpoint`;
    const status = unread.status ? `HTTP ${unread.status}` : "an HTTP answer";
    const transient = (unread.status ?? 0) >= 500;
    if (unread.ownFormat) {
      return new AwsError(
        `${what}: the answer of ${endpoint} (${status}, ${unread.type}) could not be read: it is cut short or malformed`,
        { hint: endpointHint },
        true,
        name,
      );
    }
    return new AwsError(
      `${what}: ${endpoint} answered ${status}${unread.type ? ` (${unread.type})` : ""}, not a ${service} answer (${sts ? "AWS query XML" : "AWS JSON"})`,
      {
        hint: `check --endpoint-url / AWS_ENDPOINT_URL_SAGEMAKER (or AWS_ENDPOINT_URL): it must be ${service}'s API, such as ${sts ? "https://sts.REGION.amazonaws.com" : "https://api.sagemaker.REGION.amazonaws.com"}, or a wfplan emulator`,
      },
      transient,
      name,
    );
  }
  if (name === "AccessDeniedException" || name === "UnrecognizedClientException") {
    return new AwsError(
      `${what}: ${name}: ${err.message}`,
      {
        hint: "the credentials need the sagemaker:*Workforce* and sagemaker:*Workteam* permissions",
      },
      false,
    );
  }
  const status = err?.$metadata?.httpStatusCode ?? 0;
  const transient = status >= 500 || /Throttl|TooManyRequests|RequestLimitExceeded/.test(name);
  return new AwsError(`${what}: ${name}: ${err?.message ?? String(e)}`, {}, transient, name);
}

export const isValidationError = (e: unknown) => (e as Error)?.name === "ValidationException";
