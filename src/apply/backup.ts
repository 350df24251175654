/**
 * Workteam backups: written (and synced) before any workteam is deleted, in
 * .wfplan/backups/<workforce>-<UTC timestamp>.json, mode 0600. A backup is "open" until an apply
 * that used it verifies; re-running apply restores the missing workteams of every open backup
 * (so two applies that raced, or a run killed at any point, never lose one).
 */
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import type { BackedUpWorkteam } from "../aws/requests.ts";
import { UserError } from "../errors.ts";
import { readJsonFile, writePrivateJson } from "./files.ts";

export const BACKUP_DIR = join(".wfplan", "backups");

export type { BackedUpWorkteam };

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
  writePrivateJson(file, backup);
}

export function readBackup(file: string): Backup {
  const doc = readJsonFile<Backup>(file, "backup");
  if (doc?.kind !== "wfplan-backup" || !Array.isArray(doc.workteams)) {
    throw new UserError(`${file}: not a wfplan backup file`);
  }
  return doc as Backup;
}

/** Workteams that backups not yet closed by a verified apply hold: every such backup's, newest first. */
export interface OpenBackups {
  files: string[];
  /** One entry per workteam, from the newest open backup that has it. */
  workteams: BackedUpWorkteam[];
}

export function openBackups(
  dir: string,
  workforceName: string,
  region: string,
): OpenBackups | undefined {
  if (!existsSync(dir)) return undefined;
  const files = readdirSync(dir)
    .filter((f) => f.startsWith(`${workforceName}-`) && f.endsWith(".json"))
    .sort()
    .reverse()
    .map((f) => join(dir, f));
  const open: OpenBackups = { files: [], workteams: [] };
  for (const file of files) {
    const backup = readBackup(file);
    if (backup.completedAt || backup.workforceName !== workforceName || backup.region !== region)
      continue;
    open.files.push(file);
    for (const t of backup.workteams) {
      if (!open.workteams.some((x) => x.workteam.WorkteamName === t.workteam.WorkteamName))
        open.workteams.push(t);
    }
  }
  return open.files.length ? open : undefined;
}

/** Marks backups closed: a verified apply has restored (or, by policy, let go of) their workteams. */
export function closeBackups(files: readonly string[], now: Date): void {
  for (const file of files)
    writeBackup(file, { ...readBackup(file), completedAt: now.toISOString() });
}
