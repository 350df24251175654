/**
 * The one place that builds the SageMaker client: region, profile and endpoint from flags, else the
 * SDK's chain; a timeout on every request; and every setting checked before the first call.
 */
import { SageMakerClient, type SageMakerClientConfig } from "@aws-sdk/client-sagemaker";
import { loadSharedConfigFiles } from "@smithy/core/config";
import { UserError } from "../errors.ts";
import { parseDuration } from "../values/duration.ts";
import {
  ENDPOINT_ALLOWED,
  endpointProblem,
  REGION_ALLOWED,
  REGION_PATTERN,
} from "../values/settings.ts";

export interface AwsOptions {
  region?: string;
  profile?: string;
  endpointUrl?: string;
  /**
   * Fixed credentials (the demo's, for its emulator), or a provider (a fleet target's assumed
   * role, aws/accounts.ts); otherwise the SDK's chain.
   */
  credentials?: SageMakerClientConfig["credentials"];
}

/** The SDK warns about Node 20 on every run; wfplan supports Node 20 (its documented switch). */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

/** How long one request may take before it is abandoned (and retried by the SDK). */
export const DEFAULT_REQUEST_TIMEOUT = "10s";
const CONNECT_TIMEOUT_MS = 5000;
const MAX_ATTEMPTS = 6;

/** The request timeout: WFPLAN_REQUEST_TIMEOUT (a duration, 1s to 5m), else 10s. */
export function requestTimeoutMs(env: NodeJS.ProcessEnv = process.env): number {
  const text = env.WFPLAN_REQUEST_TIMEOUT || DEFAULT_REQUEST_TIMEOUT;
  const ms = parseDuration(text);
  if (ms === undefined || ms < 1000 || ms > 300_000) {
    throw new UserError(`WFPLAN_REQUEST_TIMEOUT=${text} is not a duration from 1s to 5m`, {
      hint: "such as 10s, 30s or 2m",
    });
  }
  return ms;
}

export interface Connection {
  client: SageMakerClient;
  region: string;
}

/**
 * A client, once everything it will use is known to be usable: the region, a profile that exists,
 * an endpoint that is a URL, a request timeout. Makes no API call.
 */
export async function connect(opts: AwsOptions, specRegion?: string): Promise<Connection> {
  if (specRegion && opts.region && specRegion !== opts.region) {
    throw new UserError(`the spec is for region ${specRegion}, but --region says ${opts.region}`, {
      hint: "drop --region, or change region: in the spec",
    });
  }
  const timeoutMs = requestTimeoutMs();
  const flagProblem = opts.endpointUrl && endpointProblem(opts.endpointUrl);
  if (flagProblem) {
    throw new UserError(`--endpoint-url ${opts.endpointUrl} is ${flagProblem}`, {
      hint: `give ${ENDPOINT_ALLOWED}`,
    });
  }
  const endpoint = opts.endpointUrl ?? endpointFromEnv();
  await checkNamedProfile(opts);
  const client = new SageMakerClient({
    region: specRegion ?? opts.region,
    profile: opts.profile,
    endpoint: opts.endpointUrl,
    credentials: opts.credentials,
    ...sdkSettings(timeoutMs),
  });
  const region = await regionOf(client);
  const where = endpoint ?? `https://api.sagemaker.${region}.amazonaws.com`;
  // The request timeout is a limit on silence; an endpoint that trickles an answer byte by byte
  // would never meet it. Every call also has a deadline for all its attempts together.
  const deadlineMs = timeoutMs * MAX_ATTEMPTS + Math.max(5000, timeoutMs);
  const send = client.send.bind(client) as (
    c: unknown,
    o?: { abortSignal?: AbortSignal },
  ) => Promise<unknown>;
  client.send = ((command: unknown, options?: { abortSignal?: AbortSignal }) => {
    // One controller per call, cleaned up when it settles: a long wait makes thousands of calls,
    // and neither a timer nor a listener on the caller's signal may outlive its call.
    const call = new AbortController();
    let late = false;
    const timer = setTimeout(() => {
      late = true;
      call.abort();
    }, deadlineMs);
    timer.unref();
    const caller = options?.abortSignal;
    const onAbort = () => call.abort(caller?.reason);
    if (caller?.aborted) call.abort(caller.reason);
    else caller?.addEventListener("abort", onAbort, { once: true });
    return send(command, { ...options, abortSignal: call.signal })
      .catch((e: unknown) => {
        if (late && e && typeof e === "object") Object.assign(e, { $wfplanDeadline: deadlineMs });
        throw e;
      })
      .finally(() => {
        clearTimeout(timer);
        caller?.removeEventListener("abort", onAbort);
      });
  }) as typeof client.send;
  // Failures that never reached the service say where they tried, and for how long.
  client.middlewareStack.add(
    (next) => async (args) => {
      try {
        return await next(args);
      } catch (e) {
        if (e && typeof e === "object") {
          Object.assign(e, { $wfplan: { endpoint: where, timeoutMs, attempts: MAX_ATTEMPTS } });
        }
        throw e;
      }
    },
    { step: "initialize", name: "wfplanWhere" },
  );
  return { client, region };
}

/**
 * What every SDK client wfplan makes shares (connect's, and the STS clients of aws/accounts.ts):
 * retries, timeouts, the quiet logger.
 */
export function sdkSettings(timeoutMs: number) {
  return {
    // Throttling, 5xx and timeouts are retried by the SDK; adaptive mode also slows down when throttled.
    retryMode: "adaptive",
    maxAttempts: MAX_ATTEMPTS,
    requestHandler: {
      connectionTimeout: CONNECT_TIMEOUT_MS,
      requestTimeout: timeoutMs,
      throwOnRequestTimeout: true,
    },
    // The SDK's own warnings (such as "Multiple credential sources detected") are its to debug,
    // not the user's to read: shown only with WFPLAN_DEBUG.
    logger: sdkLogger(),
  };
}

/** A named profile (--profile, else AWS_PROFILE), when one is used, exists: checked before any call. */
export async function checkNamedProfile(opts: AwsOptions): Promise<void> {
  const profile = opts.profile ?? process.env.AWS_PROFILE;
  if (profile && !opts.credentials) await checkProfile(profile, Boolean(opts.profile));
}

function endpointFromEnv(): string | undefined {
  for (const name of ["AWS_ENDPOINT_URL_SAGEMAKER", "AWS_ENDPOINT_URL"]) {
    const value = process.env[name];
    if (!value) continue;
    const problem = endpointProblem(value);
    if (problem) {
      throw new UserError(`${name}=${value} is ${problem}`, {
        hint: `set it to ${ENDPOINT_ALLOWED}`,
      });
    }
    return value;
  }
  return undefined;
}

/** A named profile must exist in the shared config or credentials file: say so before any call. */
async function checkProfile(profile: string, fromFlag: boolean): Promise<void> {
  const { configFile, credentialsFile } = await loadSharedConfigFiles();
  if (Object.hasOwn(configFile, profile) || Object.hasOwn(credentialsFile, profile)) return;
  const config = process.env.AWS_CONFIG_FILE ?? "~/.aws/config";
  const credentials = process.env.AWS_SHARED_CREDENTIALS_FILE ?? "~/.aws/credentials";
  throw new UserError(
    `profile ${profile}${fromFlag ? "" : " (from AWS_PROFILE)"} does not exist in ${config} or ${credentials}`,
    {
      hint: "list the profiles with: aws configure list-profiles (AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE name other files)",
    },
  );
}

/** The region the client will use, or a clear error when none is configured anywhere. */
async function regionOf(client: SageMakerClient): Promise<string> {
  let region: string;
  try {
    region = await client.config.region();
  } catch {
    throw new UserError("no AWS region is set", {
      hint: "set region: in the spec, pass --region, or set AWS_REGION",
    });
  }
  if (!REGION_PATTERN.test(region)) {
    throw new UserError(`region ${region} is not an AWS region`, {
      hint: `give ${REGION_ALLOWED}`,
    });
  }
  return region;
}

/**
 * WFPLAN_DEBUG=1 logs every SDK call to stderr. The SDK logs inputs through the service model's
 * sensitive-field filter, so the OIDC ClientSecret shows as ***SensitiveInformation***; a test
 * greps the whole log for the secret to hold it to that.
 */
const write =
  (level: string) =>
  (...args: unknown[]) => {
    const text = args.map((a) => (typeof a === "string" ? a : JSON.stringify(a))).join(" ");
    process.stderr.write(`[wfplan debug] ${level} ${text}\n`);
  };
const debugLogger = {
  trace: () => {},
  debug: write("debug"),
  info: write("info"),
  warn: write("warn"),
  error: write("error"),
};
const quietLogger = { trace() {}, debug() {}, info() {}, warn() {}, error() {} };

/** The logger every SDK client of wfplan gets: the SDK's own words only with WFPLAN_DEBUG. */
export const sdkLogger = () => (process.env.WFPLAN_DEBUG ? debugLogger : quietLogger);
