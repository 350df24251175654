/**
 * Reading a file wfplan was pointed at (a spec, a secret, a plan file, a backup) without trusting
 * what it is: only a regular file, only up to a size limit, checked before a byte is read — so
 * /dev/zero, a FIFO or a huge sparse file is refused at once, instead of hanging wfplan or filling
 * its memory.
 */
import { closeSync, constants, fstatSync, openSync, readSync, type Stats, statSync } from "node:fs";

export type ReadResult = { bytes: Buffer } | { problem: string; hint?: string };

/** What a file that is not a regular one is, in words. */
function kindOf(st: Stats): string {
  if (st.isDirectory()) return "a directory";
  if (st.isFIFO()) return "a named pipe (FIFO)";
  if (st.isCharacterDevice()) return "a character device";
  if (st.isBlockDevice()) return "a block device";
  if (st.isSocket()) return "a socket";
  return "not a regular file";
}

/** A size for messages: "256 KiB", "3.0 MiB". */
export const sizeText = (n: number) =>
  n >= 1024 * 1024
    ? `${(n / 1024 / 1024).toFixed(1)} MiB`
    : n >= 1024
      ? `${Math.ceil(n / 1024)} KiB`
      : `${n} bytes`;

export const tooLarge = (size: number, limit: number) =>
  `the file is ${sizeText(size)}; at most ${sizeText(limit)} is allowed`;

export function readBounded(file: string, limit: number): ReadResult {
  let st: Stats;
  try {
    st = statSync(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return { problem: "file not found" };
    if (code === "EACCES") return { problem: "permission denied" };
    return { problem: `cannot read the file (${code ?? String(e)})` };
  }
  const refuse = (s: Stats): ReadResult | undefined => {
    if (!s.isFile()) {
      return {
        problem: `is ${kindOf(s)}, not a regular file`,
        hint: "wfplan reads regular files only",
      };
    }
    if (s.size > limit) {
      return { problem: tooLarge(s.size, limit) };
    }
    return undefined;
  };
  const early = refuse(st);
  if (early) return early;
  let fd: number;
  try {
    // Non-blocking, in case the path became a FIFO since the check.
    fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return { problem: code === "EACCES" ? "permission denied" : `cannot read the file (${code})` };
  }
  try {
    const late = refuse(fstatSync(fd));
    if (late) return late;
    // Read to the end, but never past one byte over the limit: a file that grew is refused.
    const chunks: Buffer[] = [];
    let read = 0;
    for (;;) {
      const chunk = Buffer.alloc(Math.min(64 * 1024, limit + 1 - read));
      const n = readSync(fd, chunk, 0, chunk.length, null);
      if (n === 0) break;
      chunks.push(chunk.subarray(0, n));
      read += n;
      if (read > limit) return { problem: `the file is larger than ${sizeText(limit)}` };
    }
    return { bytes: Buffer.concat(chunks, read) };
  } catch (e) {
    return { problem: `cannot read the file (${(e as NodeJS.ErrnoException).code ?? String(e)})` };
  } finally {
    closeSync(fd);
  }
}
