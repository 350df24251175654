import { existsSync } from "node:fs";
import { checkDestination, writePrivateFile } from "../../apply/files.ts";
import { type AwsOptions, connect } from "../../aws/client.ts";
import { readLive, readTags } from "../../aws/live.ts";
import { SECRET_VARIABLE, specFromLive, specYaml } from "../../core/import.ts";
import { UserError } from "../../errors.ts";
import { loadSpecText } from "../../spec/load.ts";
import { workforceSchema } from "../../spec/schema.ts";

export interface ImportOptions extends AwsOptions {
  name: string;
  out?: string;
  force?: boolean;
}

/** `wfplan import`: writes the spec of a live workforce, to stdout or --out FILE. */
export async function importCommand(opts: ImportOptions): Promise<void> {
  // A name the API would refuse names no workforce: say so before a file is touched or a call made.
  const name = workforceSchema.shape.name;
  if (!name.safeParse(opts.name).success) {
    throw new UserError(
      `--name ${JSON.stringify(opts.name)} is not a workforce name: expected ${name.description}`,
    );
  }
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
    // A Cognito workforce has no client secret to give.
    ...(live.workforce.oidcConfig
      ? [
          `# The OIDC client secret is never readable from AWS: export ${SECRET_VARIABLE} (or change the`,
          "# reference to ${file:PATH}) before an apply that sends it.",
        ]
      : []),
    "",
  ].join("\n");
  const text = header + specYaml(specFromLive(live));
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
