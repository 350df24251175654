import { DescribeWorkforceCommand } from "@aws-sdk/client-sagemaker";
import { describe, expect, it } from "vitest";
import { AwsError, awsError, isValidationError } from "../../src/aws/errors.ts";
import { UserError } from "../../src/errors.ts";
import { emulator, sdk, seedWorkforce } from "../helpers/emulator.ts";

/** An SDK-shaped failure: an Error with the SDK's name, code and $metadata fields. */
function failure(fields: {
  name?: string;
  message?: string;
  code?: string;
  status?: number;
  $wfplan?: { endpoint: string; timeoutMs: number; attempts: number };
  $wfplanDeadline?: number;
}): Error {
  const e = new Error(fields.message ?? "it failed");
  if (fields.name) e.name = fields.name;
  return Object.assign(e, {
    ...(fields.code ? { code: fields.code } : {}),
    ...(fields.status ? { $metadata: { httpStatusCode: fields.status } } : {}),
    ...(fields.$wfplan ? { $wfplan: fields.$wfplan } : {}),
    ...(fields.$wfplanDeadline !== undefined ? { $wfplanDeadline: fields.$wfplanDeadline } : {}),
  });
}

const ENDPOINT_HINT = "check --endpoint-url / AWS_ENDPOINT_URL_SAGEMAKER and the network";

describe("awsError", () => {
  it("is a UserError named AwsError, so the CLI shows its message and hint", () => {
    const e = awsError(failure({ name: "ValidationException", status: 400 }), "DescribeWorkforce");
    expect(e).toBeInstanceOf(AwsError);
    expect(e).toBeInstanceOf(UserError);
    expect(e.name).toBe("AwsError");
  });

  it("says that no credentials were found, by error name or by the SDK's message", () => {
    const byName = failure({ name: "CredentialsProviderError", message: "token expired" });
    const byMessage = failure({ message: "Could not load credentials from any providers" });
    for (const cause of [byName, byMessage]) {
      const e = awsError(cause, "ListWorkteams");
      expect(e.message).toBe("ListWorkteams: no AWS credentials found");
      expect(e.hint).toBe(
        "configure credentials (AWS_PROFILE / --profile, aws sso login, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY)",
      );
      expect(e.transient).toBe(false);
    }
  });

  it("names the endpoint and the deadline of a call that got no whole answer in time", () => {
    const cause = failure({
      name: "AbortError",
      $wfplan: { endpoint: "http://127.0.0.1:4599", timeoutMs: 10_000, attempts: 6 },
      $wfplanDeadline: 70_000,
    });
    const e = awsError(cause, "DescribeWorkforce");
    expect(e.message).toBe(
      "DescribeWorkforce: no whole answer from http://127.0.0.1:4599 within 1m10s",
    );
    expect(e.hint).toBe(
      `${ENDPOINT_HINT}; WFPLAN_REQUEST_TIMEOUT sets how long one request may take`,
    );
    expect(e.transient).toBe(true);
    expect(e.code).toBe("AbortError");
  });

  it("falls back to 'the SageMaker endpoint' when the failure does not say where it went", () => {
    const late = awsError(failure({ name: "AbortError", $wfplanDeadline: 65_000 }), "Op");
    expect(late.message).toBe("Op: no whole answer from the SageMaker endpoint within 1m5s");
    const timeout = awsError(failure({ name: "TimeoutError" }), "Op");
    expect(timeout.message).toBe("Op: no answer from the SageMaker endpoint");
    const refused = awsError(failure({ code: "ECONNREFUSED" }), "Op");
    expect(refused.message).toBe("Op: cannot reach the SageMaker endpoint (ECONNREFUSED)");
  });

  it.each([
    ["TimeoutError", undefined],
    ["Error", "ETIMEDOUT"],
  ])("reports a request timeout (%s, code %s) with the attempts and their length", (name, code) => {
    const cause = failure({
      name,
      code,
      $wfplan: {
        endpoint: "https://api.sagemaker.eu-west-1.amazonaws.com",
        timeoutMs: 30_000,
        attempts: 6,
      },
    });
    const e = awsError(cause, "ListWorkteams");
    expect(e.message).toBe(
      "ListWorkteams: no answer from https://api.sagemaker.eu-west-1.amazonaws.com in 6 attempts of 30s each",
    );
    expect(e.hint).toBe(
      `${ENDPOINT_HINT}; WFPLAN_REQUEST_TIMEOUT sets how long one request may take (default 10s)`,
    );
    expect(e.transient).toBe(true);
  });

  it.each([
    "ECONNREFUSED",
    "ECONNRESET",
    "ENOTFOUND",
    "EAI_AGAIN",
    "EHOSTUNREACH",
    "ENETUNREACH",
    "EPIPE",
  ])(
    "reports network failure %s as an endpoint that cannot be reached, worth another try",
    (code) => {
      const cause = failure({
        code,
        $wfplan: { endpoint: "http://127.0.0.1:4599", timeoutMs: 10_000, attempts: 6 },
      });
      const e = awsError(cause, "DescribeWorkforce");
      expect(e.message).toBe(`DescribeWorkforce: cannot reach http://127.0.0.1:4599 (${code})`);
      expect(e.hint).toBe(ENDPOINT_HINT);
      expect(e.transient).toBe(true);
    },
  );

  it("does not take any error code for a network failure", () => {
    const cause = failure({
      name: "ResourceInUse",
      code: "ResourceInUse",
      message: "in use",
      status: 400,
    });
    const e = awsError(cause, "DeleteWorkteam a");
    expect(e.message).toBe("DeleteWorkteam a: ResourceInUse: in use");
    expect(e.hint).toBeUndefined();
    expect(e.transient).toBe(false);
    expect(e.code).toBe("ResourceInUse");
  });

  it.each(["AccessDeniedException", "UnrecognizedClientException"])(
    "says which permissions are needed on %s, and that retrying will not help",
    (name) => {
      const cause = failure({ name, message: "not authorized", status: 400 });
      const e = awsError(cause, "UpdateWorkforce");
      expect(e.message).toBe(`UpdateWorkforce: ${name}: not authorized`);
      expect(e.hint).toBe(
        "the credentials need the sagemaker:*Workforce* and sagemaker:*Workteam* permissions",
      );
      expect(e.transient).toBe(false);
    },
  );

  it.each([
    ["ValidationException", 400, false],
    ["ResourceLimitExceeded", 400, false],
    ["InternalFailure", 500, true],
    ["ServiceUnavailable", 503, true],
    ["ThrottlingException", 400, true],
    ["TooManyRequestsException", 429, true],
    ["RequestLimitExceeded", 400, true],
  ])(
    "keeps the service's %s (HTTP %i) and says whether another try may help",
    (name, status, transient) => {
      const e = awsError(
        failure({ name, message: "the service says no", status }),
        "CreateWorkteam a",
      );
      expect(e.message).toBe(`CreateWorkteam a: ${name}: the service says no`);
      expect(e.transient).toBe(transient);
      expect(e.code).toBe(name);
    },
  );

  it("describes whatever was thrown, even a value that is not an Error", () => {
    expect(awsError("socket hang up", "Op").message).toBe("Op: Error: socket hang up");
    for (const nothing of [undefined, null]) {
      const e = awsError(nothing, "Op");
      expect(e.message).toBe(`Op: Error: ${String(nothing)}`);
      expect(e.transient).toBe(false);
    }
  });

  it("turns a real SDK failure from the service into the service's words", async () => {
    const emu = await emulator();
    const client = sdk(emu);
    const missing = await client
      .send(new DescribeWorkforceCommand({ WorkforceName: "nobody" }))
      .catch((e: unknown) => e);
    const e = awsError(missing, "DescribeWorkforce");
    expect(e.message).toMatch(/^DescribeWorkforce: ValidationException: /);
    expect(e.transient).toBe(false);
    expect(isValidationError(missing)).toBe(true);

    await seedWorkforce(client);
    emu.setFaults({ errorEvery: 1, errorStatus: 503 });
    const down = await client
      .send(new DescribeWorkforceCommand({ WorkforceName: "labelers" }))
      .catch((e: unknown) => e);
    expect(awsError(down, "DescribeWorkforce").transient).toBe(true);
    expect(isValidationError(down)).toBe(false);
  });
});

describe("isValidationError", () => {
  it("is true only for the service's ValidationException", () => {
    expect(isValidationError(failure({ name: "ValidationException" }))).toBe(true);
    expect(isValidationError(failure({ name: "ResourceNotFound" }))).toBe(false);
    expect(isValidationError(undefined)).toBe(false);
    expect(isValidationError(null)).toBe(false);
  });
});
