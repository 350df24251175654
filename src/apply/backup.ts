/**
 * Workteam backups: written (and synced) before any workteam is deleted, in
 * .wfplan/backups/<workforce>-<UTC timestamp>.json, mode 0600. A backup is "open" until an apply
 * that used it verifies; re-running apply restores the missing workteams of every open backup
 * (so two applies that raced, or a run killed at any point, never lose one).
 */
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import * as z from "zod";
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

/**
 * What a backup must hold to restore its workteams: what wfplan writes, and what CreateWorkteam
 * needs (checked here, before any call, rather than refused by the service half way through).
 * Fields wfplan does not send (ARNs, dates) may be there or not.
 */
const workteamName = z.string().regex(/^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/);
const workforceName = z.string().regex(/^[a-zA-Z0-9][a-zA-Z0-9-]{0,62}$/);
const memberDefinition = z.union([
  z.object({
    CognitoMemberDefinition: z.object({
      UserPool: z.string().min(1),
      UserGroup: z.string().min(1),
      ClientId: z.string().min(1),
    }),
  }),
  z.object({
    OidcMemberDefinition: z.object({
      Groups: z.array(z.string().min(1).max(63)).min(1).max(10),
    }),
  }),
]);
const backupSchema = z.object({
  kind: z.literal("wfplan-backup"),
  formatVersion: z.literal(1),
  region: z.string().min(1),
  workforceName,
  createdAt: z.string(),
  completedAt: z.string().optional(),
  workteams: z.array(
    z.object({
      workteam: z.looseObject({
        WorkteamName: workteamName,
        Description: z.string().min(1).max(200),
        MemberDefinitions: z.array(memberDefinition).min(1).max(10),
        NotificationConfiguration: z.looseObject({}).optional(),
        WorkerAccessConfiguration: z.looseObject({}).optional(),
      }),
      tags: z.array(z.object({ Key: z.string().min(1).max(128), Value: z.string().max(256) })),
    }),
  ),
});

export function readBackup(file: string): Backup {
  const doc = readJsonFile<Backup>(file, "backup");
  if (doc?.kind !== "wfplan-backup") throw new UserError(`${file}: not a wfplan backup file`);
  const checked = backupSchema.safeParse(doc);
  if (!checked.success) {
    const issue = checked.error.issues[0]!;
    const where = issue.path.map((p) => (typeof p === "number" ? `[${p}]` : `.${String(p)}`));
    throw new UserError(
      `${file}: not a complete wfplan backup: ${where.join("").replace(/^\./, "") || "the file"}: ${issue.message}; nothing was changed`,
      {
        hint: "a backup is restored as wfplan wrote it; restore a copy of the original file, or recreate the workteam by hand",
      },
    );
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
