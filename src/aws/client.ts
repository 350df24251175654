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
  });
}

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
