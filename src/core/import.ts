/** `wfplan import`: the spec of a live workforce, and its YAML. Pure. */
import { Document, isScalar, parseDocument, Scalar, visit } from "yaml";
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
      // Without them, the spec would leave the team's tags unmanaged instead of holding them.
      if (!t.tags)
        throw new Error(`importing workteam ${t.name} needs its tags, which were not read`);
      const tags = visibleTags(t.tags);
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

/**
 * The spec as YAML that every reader reads alike. It is YAML 1.2, whose writer quotes what 1.2
 * would read as another type (`0o17`, `1e3`, `null`); a string that a YAML 1.1 reader (PyYAML,
 * Ruby's Psych, yq v3) would take for a boolean, a number, a null or a date (`yes`, `on`, `n`,
 * `0x1F`, `012`, `1:20`, `2026-01-31`) is quoted too, as a key as well as a value; so are `=` and
 * `<<`, which YAML 1.1 gives types of their own (value, merge).
 */
export function specYaml(spec: Record<string, unknown>): string {
  const doc = new Document(spec);
  visit(doc, {
    Scalar(_, node) {
      if (typeof node.value === "string" && !plainIsStringIn11(node.value))
        node.type = Scalar.QUOTE_DOUBLE;
    },
  });
  return doc.toString({ lineWidth: 0 });
}

/** Whether `text`, written without quotes, is a string to a YAML 1.1 reader. */
function plainIsStringIn11(text: string): boolean {
  if (text === "=" || text === "<<") return false;
  const read = parseDocument(text, { version: "1.1" }).contents;
  // Not one scalar (a flow list, a mapping, an alias, nothing): the writer quotes it anyway.
  return !isScalar(read) || typeof read.value === "string";
}
