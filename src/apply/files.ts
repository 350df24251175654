/**
 * Files wfplan writes and reads back (plan files, backups): private to the user, written atomically
 * and synced.
 */
import {
  closeSync,
  fsyncSync,
  lstatSync,
  mkdirSync,
  openSync,
  renameSync,
  type Stats,
  writeSync,
} from "node:fs";
import { dirname } from "node:path";
import { UserError } from "../errors.ts";
import { readBounded } from "../io/read.ts";

/**
 * A file wfplan writes is replaced (a temporary file renamed over it): only ever a regular file,
 * never a directory, a link or a device that happens to be at the path. Checked before anything
 * else runs, and again when writing.
 */
export function checkDestination(file: string): void {
  let existing: Stats | undefined;
  try {
    existing = lstatSync(file);
  } catch {
    existing = undefined;
  }
  if (existing && !existing.isFile()) {
    const what = existing.isDirectory()
      ? "a directory"
      : existing.isSymbolicLink()
        ? "a symbolic link"
        : "not a regular file";
    throw new UserError(`cannot write ${file}: it is ${what}`, {
      hint: "give the path of a new or regular file",
    });
  }
}

export function writePrivateFile(file: string, content: string): void {
  checkDestination(file);
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
const MAX_JSON_FILE_BYTES = 4 * 1024 * 1024;
/** wfplan's own files nest a dozen levels; deeper is not one (and would cost JSON.parse dearly). */
const MAX_JSON_DEPTH = 64;

/** Whether JSON text nests deeper than `max` arrays and objects (strings are skipped). */
function nestsDeeper(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // a backslash escapes the next character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) return true;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return false;
}

/** A JSON file wfplan wrote, parsed but not yet checked; `what` names it in the error. */
export function readJsonFile<T>(file: string, what: string): Partial<T> {
  const read = readBounded(file, MAX_JSON_FILE_BYTES);
  if ("problem" in read) {
    throw new UserError(`${file}: not a readable wfplan ${what} (${read.problem})`, {
      hint: read.hint,
    });
  }
  const text = read.bytes.toString("utf8");
  if (nestsDeeper(text, MAX_JSON_DEPTH)) {
    throw new UserError(
      `${file}: not a wfplan ${what} (it nests deeper than ${MAX_JSON_DEPTH} levels)`,
    );
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new UserError(`${file}: not a readable wfplan ${what} (${(e as Error).message})`);
  }
}
