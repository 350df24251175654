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
