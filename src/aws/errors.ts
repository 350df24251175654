/** AWS SDK failures in words a user can act on (never with a request body: it may hold the secret). */
import { UserError } from "../cli/errors.ts";

export function awsError(e: unknown, what: string): UserError {
  const err = e as Error & { code?: string; $metadata?: { httpStatusCode?: number } };
  const name = err?.name ?? "Error";
  if (
    name === "CredentialsProviderError" ||
    /Could not load credentials/.test(err?.message ?? "")
  ) {
    return new UserError(`${what}: no AWS credentials found`, {
      hint: "configure credentials (AWS_PROFILE / --profile, aws sso login, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY)",
    });
  }
  if (err?.code === "ECONNREFUSED" || err?.code === "ENOTFOUND" || name === "TimeoutError") {
    return new UserError(`${what}: cannot reach the SageMaker endpoint (${err.code ?? name})`, {
      hint: "check --endpoint-url / AWS_ENDPOINT_URL_SAGEMAKER and the network",
    });
  }
  if (name === "AccessDeniedException" || name === "UnrecognizedClientException") {
    return new UserError(`${what}: ${name}: ${err.message}`, {
      hint: "the credentials need the sagemaker:*Workforce* and sagemaker:*Workteam* permissions",
    });
  }
  return new UserError(`${what}: ${name}: ${err?.message ?? String(e)}`);
}

export const isNotFound = (e: unknown, marker: string) =>
  (e as Error)?.name === "ValidationException" && (e as Error).message.includes(marker);
