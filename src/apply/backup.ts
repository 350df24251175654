/**
 * Workteam backups: written (and synced) before any workteam is deleted, in
 * .wfplan/backups/<workforce>-<UTC timestamp>.json, mode 0600. A backup is "open" until an apply
 * that used it verifies; re-running apply restores the workteams of the newest open backup.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Workteam } from "@aws-sdk/client-sagemaker";
import { UserError } from "../cli/errors.ts";
import { writePrivateFile } from "./files.ts";

export const BACKUP_DIR = join(".wfplan", "backups");

export interface BackedUpWorkteam {
  /** DescribeWorkteam's answer, as the API gave it (dates as ISO strings). */
  workteam: Workteam;
  tags: { Key: string; Value: string }[];
}

export interface Backup {
  kind: "wfplan-backup";
  formatVersion: 1;
  region: string;
  workforceName: string;
  createdAt: string;
  /** Set when an apply that restored these workteams verified; an open backup is restored on re-run. */
  completedAt?: string;
  workteams: BackedUpWorkteam[];
}

export function backupPath(dir: string, workforceName: string, now: Date): string {
  const stamp = now
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d+Z$/, "Z");
  return join(dir, `${workforceName}-${stamp}.json`);
}

export function writeBackup(file: string, backup: Backup): void {
  writePrivateFile(file, `${JSON.stringify(backup, null, 2)}\n`);
}

export function readBackup(file: string): Backup {
  let doc: Partial<Backup>;
  try {
    doc = JSON.parse(readFileSync(file, "utf8"));
  } catch (e) {
    throw new UserError(`${file}: not a readable wfplan backup (${(e as Error).message})`);
  }
  if (doc?.kind !== "wfplan-backup" || !Array.isArray(doc.workteams)) {
    throw new UserError(`${file}: not a wfplan backup file`);
  }
  return doc as Backup;
}

/** The newest backup of this workforce that no verified apply has closed, if any. */
export function newestOpenBackup(
  dir: string,
  workforceName: string,
  region: string,
): { file: string; backup: Backup } | undefined {
  if (!existsSync(dir)) return undefined;
  const files = readdirSync(dir)
    .filter((f) => f.startsWith(`${workforceName}-`) && f.endsWith(".json"))
    .sort()
    .reverse();
  for (const f of files) {
    const file = join(dir, f);
    const backup = readBackup(file);
    if (backup.workforceName !== workforceName || backup.region !== region) continue;
    return backup.completedAt ? undefined : { file, backup };
  }
  return undefined;
}
