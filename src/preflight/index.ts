/**
 * The preflight checks (README, "Preflight"): read-only looks at what the spec refers to — the
 * OIDC identity provider's discovery document and key set, the SNS topics, the VPC, the Cognito
 * user pool — before anything is changed. They report findings; the planner judges them against
 * the plan (src/core/preflight.ts). Nothing here throws for an unreachable service: a check that
 * cannot run says so.
 */
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from "@smithy/types";
import type { PreflightFinding } from "../core/types.ts";
import type { Spec } from "../spec/schema.ts";
import { checkAwsReferences } from "./aws.ts";
import { checkOidcDiscovery } from "./oidc.ts";

export interface PreflightInput {
  spec: Spec;
  /** The region and credentials of the SageMaker client: the checked resources live there. */
  region: string;
  credentials: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  /** NODE_EXTRA_CA_CERTS, for an identity provider with a private certificate authority. */
  env: NodeJS.ProcessEnv;
  signal?: AbortSignal;
}

/** Every check the spec calls for, concurrently. */
export async function runPreflight(input: PreflightInput): Promise<PreflightFinding[]> {
  const { spec, signal } = input;
  const oidc = spec.workforce.oidcConfig;
  const [identity, references] = await Promise.all([
    oidc ? checkOidcDiscovery(oidc, { env: input.env, signal }) : [],
    checkAwsReferences(spec, { region: input.region, credentials: input.credentials, signal }),
  ]);
  return [...identity, ...references];
}
