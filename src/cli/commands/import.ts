import { existsSync } from "node:fs";
import { stringify } from "yaml";
import { checkDestination, writePrivateFile } from "../../apply/files.ts";
import { type AwsOptions, connect } from "../../aws/client.ts";
import { readLive, readTags } from "../../aws/live.ts";
import { visibleTags } from "../../core/normalize.ts";
import type { LiveState } from "../../core/types.ts";
import { UserError } from "../../errors.ts";
import { loadSpecText } from "../../spec/load.ts";
import { DEFAULT_WAIT } from "../../values/duration.ts";

export const SECRET_VARIABLE = "WFPLAN_OIDC_CLIENT_SECRET";

export interface ImportOptions extends AwsOptions {
  name: string;
  out?: string;
  force?: boolean;
}

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

/** `wfplan import`: writes the spec of a live workforce, to stdout or --out FILE. */
export async function importCommand(opts: ImportOptions): Promise<void> {
  if (opts.out && existsSync(opts.out) && !opts.force) {
    throw new UserError(`${opts.out} exists`, {
      hint: "choose another --out, or pass --force to overwrite it",
    });
  }
  if (opts.out) checkDestination(opts.out);
  const { client, region } = await connect(opts);
  const live = await readLive(client, region, opts.name);
  await readTags(client, live.workteams);
  if (!live.workforce) {
    throw new UserError(`no workforce named ${opts.name} in ${region}`, {
      hint: live.otherWorkforce
        ? `the region's workforce is ${live.otherWorkforce}`
        : "this region has no private workforce yet",
    });
  }
  const header = [
    `# Imported by wfplan from workforce ${opts.name} in ${region} on ${new Date().toISOString().slice(0, 10)}.`,
    `# The OIDC client secret is never readable from AWS: export ${SECRET_VARIABLE} (or change the`,
    "# reference to ${file:PATH}) before an apply that sends it.",
    "",
  ].join("\n");
  const text = header + stringify(specFromLive(live), { lineWidth: 0 });
  const check = loadSpecText(text, opts.out ?? "(import)");
  if (!check.spec) {
    throw new Error(
      `import produced an invalid spec: ${check.diagnostics.map((d) => d.message).join("; ")}`,
    );
  }
  if (opts.out) {
    writePrivateFile(opts.out, text);
    process.stderr.write(
      `Wrote ${opts.out}: workforce ${opts.name} and ${live.workteams.length} workteam(s).\n`,
    );
  } else {
    process.stdout.write(text);
  }
}
