/** A spec file's bytes as text: its size, its encoding, and where a bad byte is. */
import { tooLarge } from "../io/read.ts";
import { type Diagnostic, fileDiagnostic } from "./diagnostics.ts";

/**
 * A spec is a small file (25 workteams fit in a few dozen KiB); anything bigger is a mistake or an
 * attack. The limit keeps the memory of parsing the largest file wfplan accepts well under 150 MiB.
 */
export const MAX_SPEC_BYTES = 256 * 1024;

export const tooBig = (size: number) => tooLarge(size, MAX_SPEC_BYTES);

export function decode(bytes: Uint8Array, file: string): { text: string } | { error: Diagnostic } {
  if (bytes.length > MAX_SPEC_BYTES) return { error: fileDiagnostic(file, tooBig(bytes.length)) };
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
    return { error: fileDiagnostic(file, "the file is UTF-16 text", "save it as UTF-8") };
  }
  const nul = bytes.indexOf(0);
  if (nul !== -1) {
    return {
      error: {
        ...fileDiagnostic(file, "the file is binary (it contains NUL bytes), not YAML text"),
        ...lineOf(bytes, nul),
      },
    };
  }
  try {
    return { text: new TextDecoder("utf-8", { fatal: true }).decode(bytes) };
  } catch {
    const bad = firstInvalidUtf8(bytes);
    return {
      error: {
        ...fileDiagnostic(
          file,
          "the file is not valid UTF-8",
          "save it as UTF-8 (wfplan reads UTF-8 only)",
        ),
        ...lineOf(bytes, bad),
      },
    };
  }
}

function lineOf(bytes: Uint8Array, offset: number): { line: number; column: number } {
  let line = 1;
  let start = 0;
  for (let i = 0; i < offset; i++) {
    if (bytes[i] === 0x0a) {
      line++;
      start = i + 1;
    }
  }
  return { line, column: offset - start + 1 };
}

/**
 * The well-formed UTF-8 sequences of more than one byte (the Unicode Standard, 3.9, table 3-7):
 * for a range of first bytes, how many continuation bytes follow and the range of the second. The
 * second byte's range rules out overlong forms, surrogates and code points past U+10FFFF.
 */
const WELL_FORMED: readonly (readonly [number, number, number, number, number])[] = [
  // first from, first to, continuation bytes, second from, second to
  [0xc2, 0xdf, 1, 0x80, 0xbf],
  [0xe0, 0xe0, 2, 0xa0, 0xbf],
  [0xe1, 0xec, 2, 0x80, 0xbf],
  [0xed, 0xed, 2, 0x80, 0x9f],
  [0xee, 0xef, 2, 0x80, 0xbf],
  [0xf0, 0xf0, 3, 0x90, 0xbf],
  [0xf1, 0xf3, 3, 0x80, 0xbf],
  [0xf4, 0xf4, 3, 0x80, 0x8f],
];

/** The offset of the first byte that starts a malformed UTF-8 sequence; 0 if all is well. */
function firstInvalidUtf8(b: Uint8Array): number {
  for (let i = 0; i < b.length; ) {
    const c = b[i]!;
    if (c < 0x80) {
      i++;
      continue;
    }
    const row = WELL_FORMED.find(([from, to]) => c >= from && c <= to);
    if (!row) return i;
    const [, , follow, low, high] = row;
    const second = b[i + 1] ?? 0;
    if (second < low || second > high) return i;
    for (let k = 2; k <= follow; k++) if (((b[i + k] ?? 0) & 0xc0) !== 0x80) return i;
    i += follow + 1;
  }
  return 0;
}
