import { describe, expect, it } from "vitest";
import { decode, MAX_SPEC_BYTES } from "../../src/spec/bytes.ts";

const FILE = "workforce.yaml";
const utf8 = (s: string) => new TextEncoder().encode(s);
const concat = (...parts: (string | number[])[]) =>
  Uint8Array.from(parts.flatMap((p) => (typeof p === "string" ? [...utf8(p)] : p)));
const fileError = (message: string, hint?: string) => ({
  severity: "error",
  file: FILE,
  line: 0,
  column: 0,
  path: "",
  message,
  hint,
});

describe("decode: the size limit", () => {
  it("reads a file of exactly the limit", () => {
    const bytes = new Uint8Array(MAX_SPEC_BYTES).fill(0x61);
    expect(decode(bytes, FILE)).toEqual({ text: "a".repeat(MAX_SPEC_BYTES) });
  });

  it("refuses a file one byte over the limit, for the file as a whole", () => {
    const bytes = new Uint8Array(MAX_SPEC_BYTES + 1).fill(0x61);
    expect(decode(bytes, FILE)).toEqual({
      error: fileError("the file is 257 KiB; at most 256 KiB is allowed"),
    });
  });

  it("checks the size before the encoding", () => {
    const bytes = new Uint8Array(MAX_SPEC_BYTES + 1).fill(0);
    bytes.set([0xff, 0xfe]);
    expect(decode(bytes, FILE)).toEqual({
      error: fileError("the file is 257 KiB; at most 256 KiB is allowed"),
    });
  });
});

describe("decode: UTF-16", () => {
  it.each([
    ["little-endian", [0xff, 0xfe]],
    ["big-endian", [0xfe, 0xff]],
  ])("refuses %s UTF-16 (its byte-order mark) and says to save it as UTF-8", (_, bom) => {
    const bytes = concat(bom, [0x76, 0, 0x3a, 0]);
    expect(decode(bytes, FILE)).toEqual({
      error: fileError("the file is UTF-16 text", "save it as UTF-8"),
    });
  });

  // Half a byte-order mark is no byte-order mark: these are UTF-8 files with a bad byte, located.
  it.each([
    ["0xFF then text", [0xff, 0x61, 0x3a, 0x20, 0x31], 1],
    ["text then 0xFE", [0x61, 0xfe, 0x0a], 2],
    ["0xFE then text", [0xfe, 0x61, 0x3a, 0x20, 0x31], 1],
    ["text then 0xFF", [0x61, 0xff, 0x0a], 2],
  ])("does not take %s for UTF-16", (_, bytes, column) => {
    expect(decode(Uint8Array.from(bytes), FILE)).toEqual({
      error: {
        ...fileError("the file is not valid UTF-8", "save it as UTF-8 (wfplan reads UTF-8 only)"),
        line: 1,
        column,
      },
    });
  });
});

describe("decode: NUL bytes", () => {
  it.each([
    ["at the start", [0], 1, 1],
    ["on the first line", [...utf8("ab"), 0], 1, 3],
    ["on a later line", [...utf8("a: 1\nbc: 2\nxyz"), 0, ...utf8("\n")], 3, 4],
    ["first of several", [...utf8("a\n\n  "), 0, ...utf8("\n"), 0], 3, 3],
  ])("says the file is binary, at the first NUL (%s)", (_, bytes, line, column) => {
    expect(decode(Uint8Array.from(bytes), FILE)).toEqual({
      error: {
        ...fileError("the file is binary (it contains NUL bytes), not YAML text"),
        line,
        column,
      },
    });
  });
});

describe("decode: invalid UTF-8, at the first bad byte", () => {
  /** Valid characters of every UTF-8 length, by their first byte: never taken for the bad byte. */
  const valid = [
    ["ASCII", "plain"],
    ["2 bytes from 0xC2", "\u00a9"], // C2 A9
    ["2 bytes from 0xDF", "\u07ff"], // DF BF
    ["3 bytes from 0xE0", "\u0800"], // E0 A0 80
    ["3 bytes from 0xE2", "\u20ac"], // E2 82 AC
    ["3 bytes from 0xEF", "\ufffd"], // EF BF BD
    ["4 bytes from 0xF0", "\u{1f600}"], // F0 9F 98 80
    ["4 bytes from 0xF4", "\u{10ffff}"], // F4 8F BF BF
  ];
  /** Sequences no UTF-8 encoder writes. */
  const invalid: [string, number[]][] = [
    ["a lone continuation byte 0x80", [0x80]],
    ["a lone continuation byte 0xBF", [0xbf]],
    ["continuation bytes with no lead", [0x80, 0x80, 0x80, 0x80]],
    ["an overlong 0xC0 with continuations", [0xc0, 0x80, 0x80, 0x80]],
    ["an overlong 0xC0 0x80", [0xc0, 0x80]],
    ["an overlong 0xC1 0xBF", [0xc1, 0xbf]],
    ["0xF5, past U+10FFFF, with continuations", [0xf5, 0x80, 0x80, 0x80]],
    ["0xFF with continuations", [0xff, 0x80, 0x80, 0x80]],
    ["0xFF then one continuation", [0xff, 0x80]],
    ["a 2-byte lead without its continuation", [0xc3, 0x21]],
    ["a 3-byte lead cut short by a 0x21", [0xe2, 0x82, 0x21]],
    ["a 4-byte lead cut short at its last byte", [0xf0, 0x9f, 0x98, 0x21]],
    // Well-formed in shape, but not UTF-8 (the Unicode Standard, table 3-7):
    ["an overlong 3-byte form (0xE0 0x80)", [0xe0, 0x80, 0x80]],
    ["an encoded surrogate (0xED 0xA0)", [0xed, 0xa0, 0x80]],
    ["an overlong 4-byte form (0xF0 0x80)", [0xf0, 0x80, 0x80, 0x80]],
    ["a code point past U+10FFFF (0xF4 0x90)", [0xf4, 0x90, 0x80, 0x80]],
  ];
  const cases = valid.flatMap(([v, chars]) =>
    invalid.map(([i, seq]) => [`${i} after ${v}`, chars!, seq] as const),
  );

  it.each(cases)("%s", (_, chars, seq) => {
    const bytes = concat(`name: ${chars} and ${chars}\n`, "bad: ", seq, " x\n");
    expect(decode(bytes, FILE)).toEqual({
      error: {
        ...fileError("the file is not valid UTF-8", "save it as UTF-8 (wfplan reads UTF-8 only)"),
        line: 2,
        column: 6,
      },
    });
  });

  it("reads every valid character", () => {
    const text = valid.map(([, chars]) => `- ${chars}\n`).join("");
    expect(decode(utf8(text), FILE)).toEqual({ text });
  });

  it("counts columns in bytes after the last newline", () => {
    const bytes = concat("a: 1\n\nkey: ", [0xff]);
    expect(decode(bytes, FILE)).toMatchObject({ error: { line: 3, column: 6 } });
  });
});
