import { closeBackups, readBackup } from "../../apply/backup.ts";
import { restoreWorkteams } from "../../apply/execute.ts";
import { type AwsOptions, connect } from "../../aws/client.ts";
import { readLive, readTags } from "../../aws/live.ts";
import { teamDifferences } from "../../core/effective.ts";
import { UserError } from "../../errors.ts";
import { stepLine } from "../../render/describe.ts";
import { backedUpTeam } from "../../session/plan.ts";

export interface RestoreOptions extends AwsOptions {
  backup: string;
}

/** `wfplan restore BACKUP`: recreate the backup's workteams that are not live (the rare manual case). */
export async function restoreCommand(opts: RestoreOptions): Promise<void> {
  const backup = readBackup(opts.backup);
  const { client, region } = await connect(
    { ...opts, region: undefined },
    opts.region ?? backup.region,
  );
  const live = await readLive(client, region, backup.workforceName);
  if (!live.workforce)
    throw new UserError(
      `workforce ${backup.workforceName} does not exist in ${region}; nothing to restore into`,
    );
  const liveNames = new Set(live.workteams.map((t) => t.name));
  const missing = backup.workteams
    .map((t) => t.workteam.WorkteamName!)
    .filter((n) => !liveNames.has(n));
  for (const name of backup.workteams
    .map((t) => t.workteam.WorkteamName!)
    .filter((n) => liveNames.has(n))) {
    process.stdout.write(`workteam ${name} exists; left as it is\n`);
  }
  if (missing.length === 0) {
    process.stdout.write("Nothing to restore: every workteam of the backup exists.\n");
    return;
  }
  await restoreWorkteams(missing, {
    client,
    region,
    workforceName: backup.workforceName,
    restoreFrom: { files: [opts.backup], workteams: backup.workteams },
    interrupted: () => false,
    onEvent: (e) => {
      if (e.type === "step-done") process.stdout.write(`✓ ${stepLine(e.step)}\n`);
    },
  });
  // Verified before the backup is closed: every restored team has every field it had, and its tags.
  const after = await readLive(client, region, backup.workforceName);
  await readTags(client, after.workteams);
  const expected = new Map(
    backup.workteams
      .filter((t) => missing.includes(t.workteam.WorkteamName!))
      .map((t) => [t.workteam.WorkteamName!, backedUpTeam(t)] as const),
  );
  const differences = teamDifferences(expected, after.workteams);
  if (differences.length > 0) {
    throw new UserError(
      `restored, but the workteams differ from the backup (which stays open):\n  ${differences.join("\n  ")}`,
      { hint: "run wfplan restore again, or compare with the backup file by hand" },
    );
  }
  closeBackups([opts.backup], new Date());
  process.stdout.write(
    `Restored ${missing.length} workteam(s): ${missing.join(", ")}. Verified: each has every field and tag of its backup.\n`,
  );
}
