/**
 * Small builders for specs and live states, so tests say only what differs from a valid one. The
 * raw builders make YAML values a user could write; `validSpec` loads one as the CLI does.
 */
import { stringify } from "yaml";
import { plan } from "../src/core/plan.ts";
import type {
  LiveState,
  Plan,
  PlanContext,
  PlanOptions,
  WorkforceLive,
  WorkteamLive,
} from "../src/core/types.ts";
import { FLEET_CIDRS, FLEET_ROLE } from "../src/emulator/fleet.ts";
import { loadSpecText } from "../src/spec/load.ts";
import type { Spec } from "../src/spec/schema.ts";

export type Raw = Record<string, unknown>;

export function oidcConfig(overrides: Raw = {}): Raw {
  return {
    clientId: "0oa1example",
    clientSecret: "${env:WFPLAN_OIDC_CLIENT_SECRET}",
    issuer: "https://idp.example.com",
    authorizationEndpoint: "https://idp.example.com/oauth2/authorize",
    tokenEndpoint: "https://idp.example.com/oauth2/token",
    userInfoEndpoint: "https://idp.example.com/oauth2/userinfo",
    logoutEndpoint: "https://idp.example.com/logout",
    jwksUri: "https://idp.example.com/oauth2/keys",
    ...overrides,
  };
}

export function workteam(overrides: Raw = {}): Raw {
  return {
    name: "annotators",
    description: "Image annotators",
    memberDefinitions: [{ oidcMemberDefinition: { groups: ["annotators"] } }],
    ...overrides,
  };
}

/**
 * The shared state of the emulator's fleet seed (src/emulator/fleet.ts) as a spec, with its three
 * targets: 111111111111/us-east-1, 111111111111/eu-central-1 and, through FLEET_ROLE, 222222222222/us-west-2.
 */
export function fleetSpec(more: Raw = {}): Raw & { targets: Raw[] } {
  const value = spec({
    workforce: {
      oidcConfig: oidcConfig({ scope: "openid profile email" }),
      sourceIpConfig: { cidrs: FLEET_CIDRS },
    },
    workteams: [workteam()],
    targets: [
      { region: "us-east-1" },
      { region: "eu-central-1" },
      { region: "us-west-2", roleArn: FLEET_ROLE },
    ],
    policy: { allowWorkteamDeletion: true },
    ...more,
  });
  return value as Raw & { targets: Raw[] };
}

export function spec(overrides: { workforce?: Raw } & Raw = {}): Raw {
  const { workforce, ...rest } = overrides;
  return {
    version: 1,
    workforce: { name: "labelers", oidcConfig: oidcConfig(), ...workforce },
    ...rest,
  };
}

export const yaml = (value: unknown) => stringify(value);

/** A validated spec from the raw builders (so every test spec is one a user could write). */
export function validSpec(overrides: Parameters<typeof spec>[0] = {}): Spec {
  const r = loadSpecText(yaml(spec(overrides)), "t.yaml");
  if (!r.spec) throw new Error(JSON.stringify(r.diagnostics));
  return r.spec;
}

export const WORKFORCE_ARN = "arn:aws:sagemaker:us-east-1:123456789012:workforce/labelers";

/** The live workforce `spec()` describes (its OIDC config without the secret, which is never read). */
export function liveWorkforce(overrides: Partial<WorkforceLive> = {}): WorkforceLive {
  const { clientSecret, ...oidc } = oidcConfig() as Record<string, string>;
  return {
    name: "labelers",
    arn: WORKFORCE_ARN,
    status: "Active",
    oidcConfig: oidc as unknown as WorkforceLive["oidcConfig"],
    sourceIpConfig: { cidrs: [] },
    workforceVpcConfig: null,
    ipAddressType: "ipv4",
    ...overrides,
  };
}

export function liveTeam(name: string, overrides: Partial<WorkteamLive> = {}): WorkteamLive {
  return {
    name,
    arn: `arn:aws:sagemaker:us-east-1:123456789012:workteam/private-crowd/${name}`,
    workforceArn: WORKFORCE_ARN,
    description: "Image annotators",
    memberDefinitions: [{ oidcMemberDefinition: { groups: [name] } }],
    ...overrides,
  };
}

export function liveState(overrides: Partial<LiveState> = {}): LiveState {
  return { region: "us-east-1", workforce: liveWorkforce(), workteams: [], jobs: {}, ...overrides };
}

/** A plan as the planner makes it, from a spec a user could write and a live state. */
export function planOf(
  overrides: Parameters<typeof spec>[0],
  live: LiveState,
  options: Partial<PlanOptions> = {},
  context: PlanContext = {},
): Plan {
  const base = {
    allowWorkteamDeletion: false,
    restoreWorkteams: true,
    pruneWorkteams: false,
    rotateClientSecret: false,
  };
  return plan(validSpec(overrides), live, { ...base, ...options }, context);
}

/**
 * The reviews' plan: an OIDC change that deletes and recreates the workteam annotators (6 steps),
 * with a warning from the spec. Built when a test runs, not while the file is collected
 * (docs/testing.md: Stryker would count every mutant the planner runs into as static).
 */
export const oidcChangePlan = (): Plan =>
  planOf(
    { workforce: { oidcConfig: oidcConfig({ issuer: "https://new" }) }, workteams: [workteam()] },
    liveState({
      workforce: liveWorkforce({
        oidcConfig: { ...liveWorkforce().oidcConfig!, issuer: "https://old" },
      }),
      workteams: [
        liveTeam("annotators", {
          memberDefinitions: [{ oidcMemberDefinition: { groups: ["annotators"] } }],
          tags: {},
        }),
      ],
    }),
    { allowWorkteamDeletion: true },
    { specWarnings: [{ message: "a warning" }] },
  );
