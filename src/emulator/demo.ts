/** The state `wfplan demo` starts from: a workforce with two workteams, made by the emulator's own calls. */
import type { Emulator } from "./server.ts";
import type { Workteam } from "./state.ts";

/** The demo workforce's OIDC configuration on the wire (the fleet seed's too). */
export const DEMO_OIDC = {
  ClientId: "0oa1example",
  ClientSecret: "the-old-demo-secret",
  Issuer: "https://idp.example.com",
  AuthorizationEndpoint: "https://idp.example.com/oauth2/authorize",
  TokenEndpoint: "https://idp.example.com/oauth2/token",
  UserInfoEndpoint: "https://idp.example.com/oauth2/userinfo",
  LogoutEndpoint: "https://idp.example.com/logout",
  JwksUri: "https://idp.example.com/oauth2/keys",
  Scope: "openid profile email",
};

export function seedDemo(emu: Emulator): void {
  emu.invoke("CreateWorkforce", {
    WorkforceName: "labelers",
    OidcConfig: DEMO_OIDC,
    SourceIpConfig: { Cidrs: ["10.0.0.0/16"] },
    Tags: [{ Key: "team", Value: "ml" }],
  });
  const teams = [
    { name: "annotators", description: "Image annotators", groups: ["annotators", "contractors"] },
    { name: "reviewers", description: "Second-pass reviewers", groups: ["reviewers"] },
  ];
  for (const t of teams) {
    emu.invoke("CreateWorkteam", {
      WorkteamName: t.name,
      Description: t.description,
      MemberDefinitions: [{ OidcMemberDefinition: { Groups: t.groups } }],
      Tags: [{ Key: "team", Value: "ml" }],
    });
  }
}

/** A workteam's OIDC groups, for the demo's last line. */
export function demoGroups(team: Workteam): string[] {
  return team.MemberDefinitions.flatMap(
    (m) => (m.OidcMemberDefinition as { Groups?: string[] } | undefined)?.Groups ?? [],
  );
}
