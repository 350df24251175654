/** `wfplan import`: the spec of a live workforce. Pure. */
import { DEFAULT_WAIT } from "../values/duration.ts";
import { visibleTags } from "./normalize.ts";
import type { LiveState } from "./types.ts";

/** The variable an imported spec reads the OIDC client secret from (AWS never returns it). */
export const SECRET_VARIABLE = "WFPLAN_OIDC_CLIENT_SECRET";

/** The spec that describes a live workforce and its workteams exactly (planning it shows no changes). */
export function specFromLive(live: LiveState): Record<string, unknown> {
  const wf = live.workforce!;
  const workforce: Record<string, unknown> = { name: wf.name };
  if (wf.oidcConfig) {
    const { clientId, scope, authenticationRequestExtraParams, ...endpoints } = wf.oidcConfig;
    workforce.oidcConfig = {
      clientId,
      clientSecret: `\${env:${SECRET_VARIABLE}}`,
      ...endpoints,
      ...(scope ? { scope } : {}),
      ...(authenticationRequestExtraParams && Object.keys(authenticationRequestExtraParams).length
        ? { authenticationRequestExtraParams }
        : {}),
    };
  }
  if (wf.cognitoConfig) workforce.cognitoConfig = wf.cognitoConfig;
  workforce.sourceIpConfig = { cidrs: wf.sourceIpConfig.cidrs };
  workforce.workforceVpcConfig = wf.workforceVpcConfig;
  workforce.ipAddressType = wf.ipAddressType;
  return {
    version: 1,
    region: live.region,
    workforce,
    workteams: live.workteams.map((t) => {
      const team: Record<string, unknown> = {
        name: t.name,
        description: t.description,
        memberDefinitions: t.memberDefinitions,
      };
      if (t.notificationConfiguration) team.notificationConfiguration = t.notificationConfiguration;
      if (t.workerAccessConfiguration) team.workerAccessConfiguration = t.workerAccessConfiguration;
      const tags = visibleTags(t.tags ?? {});
      if (Object.keys(tags).length > 0) team.tags = tags;
      return team;
    }),
    policy: {
      allowWorkteamDeletion: false,
      restoreWorkteams: true,
      pruneWorkteams: false,
      waitTimeout: DEFAULT_WAIT,
    },
  };
}
