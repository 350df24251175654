/**
 * Files wfplan writes and reads back (plan files, backups): private to the user, written atomically
 * and synced.
 */
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, writeSync } from "node:fs";
import { dirname } from "node:path";
import { UserError } from "../cli/errors.ts";
import { readBounded } from "../io/read.ts";

export function writePrivateFile(file: string, content: string): void {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.tmp`;
  const fd = openSync(tmp, "w", 0o600);
  try {
    writeSync(fd, content);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, file);
  // The rename is durable once the folder is synced.
  const dir = openSync(dirname(file), "r");
  try {
    fsyncSync(dir);
  } finally {
    closeSync(dir);
  }
}

export function writePrivateJson(file: string, doc: unknown): void {
  writePrivateFile(file, `${JSON.stringify(doc, null, 2)}\n`);
}

/** Plan files and backups are small; anything bigger is not one. */
const MAX_JSON_FILE_BYTES = 16 * 1024 * 1024;

/** A JSON file wfplan wrote, parsed but not yet checked; `what` names it in the error. */
export function readJsonFile<T>(file: string, what: string): Partial<T> {
  const read = readBounded(file, MAX_JSON_FILE_BYTES);
  if ("problem" in read) {
    throw new UserError(`${file}: not a readable wfplan ${what} (${read.problem})`, {
      hint: read.hint,
    });
  }
  try {
    return JSON.parse(read.bytes.toString("utf8"));
  } catch (e) {
    throw new UserError(`${file}: not a readable wfplan ${what} (${(e as Error).message})`);
  }
}
