/** The one place that builds the SageMaker client: region, profile and endpoint from flags, else the SDK's chain. */
import { SageMakerClient } from "@aws-sdk/client-sagemaker";
import { UserError } from "../cli/errors.ts";

export interface AwsOptions {
  region?: string;
  profile?: string;
  endpointUrl?: string;
  /** Fixed credentials (the demo's, for its emulator); otherwise the SDK's chain. */
  credentials?: { accessKeyId: string; secretAccessKey: string };
}

/** The SDK warns about Node 20 on every run; wfplan supports Node 20 (its documented switch). */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

export function sagemakerClient(opts: AwsOptions, specRegion?: string): SageMakerClient {
  if (specRegion && opts.region && specRegion !== opts.region) {
    throw new UserError(`the spec is for region ${specRegion}, but --region says ${opts.region}`, {
      hint: "drop --region, or change region: in the spec",
    });
  }
  return new SageMakerClient({
    region: specRegion ?? opts.region,
    profile: opts.profile,
    endpoint: opts.endpointUrl,
    credentials: opts.credentials,
    // Throttling and 5xx are retried by the SDK; adaptive mode also slows down when throttled.
    retryMode: "adaptive",
    maxAttempts: 6,
    logger: process.env.WFPLAN_DEBUG ? debugLogger : undefined,
  });
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

/** The region the client will use, or a clear error when none is configured anywhere. */
export async function regionOf(client: SageMakerClient): Promise<string> {
  try {
    return await client.config.region();
  } catch {
    throw new UserError("no AWS region is set", {
      hint: "set region: in the spec, pass --region, or set AWS_REGION",
    });
  }
}
