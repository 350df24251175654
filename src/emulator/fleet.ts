/**
 * The state `wfplan demo --fleet` and the fleet tests start from: one workforce "labelers" in
 * three targets of two accounts, made by the emulator's own calls.
 *
 * - The base access key (the demo's, "demo") acts in account 111111111111, not the emulator's
 *   default 123456789012, so that no target is the default account by accident; the role
 *   `arn:aws:iam::222222222222:role/wfplan` can be assumed into account 222222222222.
 * - 111111111111/us-east-1: the shared state (below) but for one drifted IP range
 *   (203.0.113.0/24 where the spec has 192.0.2.0/24): an IP range update.
 * - 111111111111/eu-central-1: exactly the shared state: no changes.
 * - 222222222222/us-west-2: an older identity provider (`FLEET_OLD_OIDC`) and two workteams,
 *   annotators and reviewers: the OIDC update needs both deleted and recreated around it.
 *
 * The shared state, which a fleet spec matches: the OIDC configuration `oidc` (the demo's,
 * DEMO_OIDC, unless given), IP ranges FLEET_CIDRS, and workteam annotators ("Image annotators",
 * OIDC groups [annotators]). No tags.
 *
 * Like seedDemo, it creates workteams right after their workforce: the emulator's createDelayMs
 * must be 0.
 */
import { DEMO_OIDC } from "./demo.ts";
import type { Emulator } from "./server.ts";

export const FLEET_ACCOUNT = "111111111111";
export const FLEET_OTHER_ACCOUNT = "222222222222";
export const FLEET_ROLE = `arn:aws:iam::${FLEET_OTHER_ACCOUNT}:role/wfplan`;
/** The shared IP ranges. */
export const FLEET_CIDRS = ["10.0.0.0/16", "192.0.2.0/24"];
/** The identity provider 222222222222/us-west-2 still uses. */
export const FLEET_OLD_OIDC = {
  ...DEMO_OIDC,
  ClientId: "0oa0retired",
  Issuer: "https://old-idp.example.com",
  AuthorizationEndpoint: "https://old-idp.example.com/oauth2/authorize",
  TokenEndpoint: "https://old-idp.example.com/oauth2/token",
  UserInfoEndpoint: "https://old-idp.example.com/oauth2/userinfo",
  LogoutEndpoint: "https://old-idp.example.com/logout",
  JwksUri: "https://old-idp.example.com/oauth2/keys",
};

export interface FleetSeedOptions {
  /** The access key that acts in 111111111111 ("demo", the demo's key). */
  baseKey?: string;
  /** The shared OIDC configuration on the wire (DEMO_OIDC). */
  oidc?: Record<string, unknown>;
}

export function seedFleet(
  emu: Emulator,
  { baseKey = "demo", oidc = DEMO_OIDC }: FleetSeedOptions = {},
): void {
  emu.seedAccessKeys({ [baseKey]: FLEET_ACCOUNT });
  emu.seedRoles([FLEET_ROLE]);
  const annotators = {
    WorkteamName: "annotators",
    Description: "Image annotators",
    MemberDefinitions: [{ OidcMemberDefinition: { Groups: ["annotators"] } }],
  };
  const targets = [
    { account: FLEET_ACCOUNT, region: "us-east-1", cidrs: ["10.0.0.0/16", "203.0.113.0/24"] },
    { account: FLEET_ACCOUNT, region: "eu-central-1", cidrs: FLEET_CIDRS },
    { account: FLEET_OTHER_ACCOUNT, region: "us-west-2", cidrs: FLEET_CIDRS, old: true },
  ];
  for (const { old, cidrs, ...where } of targets) {
    emu.invoke(
      "CreateWorkforce",
      {
        WorkforceName: "labelers",
        OidcConfig: old ? FLEET_OLD_OIDC : oidc,
        SourceIpConfig: { Cidrs: cidrs },
      },
      where,
    );
    emu.invoke("CreateWorkteam", annotators, where);
    if (old) {
      emu.invoke(
        "CreateWorkteam",
        {
          WorkteamName: "reviewers",
          Description: "Second-pass reviewers",
          MemberDefinitions: [{ OidcMemberDefinition: { Groups: ["reviewers"] } }],
        },
        where,
      );
    }
  }
}
