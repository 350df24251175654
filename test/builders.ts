/** Small builders for specs, so tests say only what differs from a valid one. */
import { stringify } from "yaml";

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

export function spec(overrides: { workforce?: Raw } & Raw = {}): Raw {
  const { workforce, ...rest } = overrides;
  return {
    version: 1,
    workforce: { name: "labelers", oidcConfig: oidcConfig(), ...workforce },
    ...rest,
  };
}

export const yaml = (value: unknown) => stringify(value);
