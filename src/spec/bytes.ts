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

/** The offset of the first byte that starts a malformed UTF-8 sequence (0 if none is obvious). */
function firstInvalidUtf8(b: Uint8Array): number {
  for (let i = 0; i < b.length; ) {
    const c = b[i]!;
    const follow =
      c < 0x80
        ? 0
        : c >= 0xc2 && c <= 0xdf
          ? 1
          : c >= 0xe0 && c <= 0xef
            ? 2
            : c >= 0xf0 && c <= 0xf4
              ? 3
              : -1;
    if (follow < 0) return i;
    for (let k = 1; k <= follow; k++) if (((b[i + k] ?? 0) & 0xc0) !== 0x80) return i;
    i += follow + 1;
  }
  return 0;
}
