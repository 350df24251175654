/**
 * Reading workforce.yaml: bytes → YAML with source positions → the spec format → checks across
 * fields → warnings. Every problem becomes a located Diagnostic; `loadSpecText` never throws.
 */
import leven from "leven";
import {
  type Document,
  isMap,
  isScalar,
  isSeq,
  Lexer,
  LineCounter,
  type Node,
  type Pair,
  parseAllDocuments,
  visit,
} from "yaml";
import type * as z from "zod";
import { readBounded, tooLarge } from "../io/read.ts";
import { specChecks } from "./checks.ts";
import { byPosition, type Diagnostic, formatPath, hasErrors } from "./diagnostics.ts";
import { descriptionAt, keysAt, type Spec, specSchema } from "./schema.ts";
import { secretFileWarning } from "./secrets.ts";

/**
 * A spec is a small file (25 workteams fit in a few dozen KiB); anything bigger is a mistake or an
 * attack. The limit keeps the memory of parsing the largest file wfplan accepts well under 150 MiB.
 */
export const MAX_SPEC_BYTES = 256 * 1024;
/** Problems reported for one file: past this, the rest are counted, not listed. */
const MAX_DIAGNOSTICS = 100;
/** Aliases a spec may expand; enough for sharing a block, far too few for a "billion laughs". */
const MAX_ALIAS_COUNT = 100;

export interface LoadResult {
  file: string;
  /** The file's text (for code frames); "" when it could not be decoded. */
  text: string;
  /** The validated spec, present only when there is no error. */
  spec?: Spec;
  diagnostics: Diagnostic[];
  /**
   * Where a field is in the file, by its plan path (`workforce.sourceIpConfig.cidrs`, or
   * `workteams.<name>.description`, a workteam by its name); present once the YAML parsed.
   */
  locate?: (path: string) => { line: number; column: number };
}

export function loadSpecFile(file: string): LoadResult {
  const read = readBounded(file, MAX_SPEC_BYTES);
  if ("problem" in read) {
    const missing = read.problem === "file not found";
    const hint = missing
      ? "pass the spec with -f FILE, or run wfplan import --name NAME to write one"
      : read.hint;
    return { file, text: "", diagnostics: [fileDiagnostic(file, read.problem, hint)] };
  }
  const bytes = read.bytes;
  const result = loadSpecText(bytes, file);
  const secret = result.spec?.workforce.oidcConfig?.clientSecret;
  const warning = secret ? secretFileWarning(secret, file) : undefined;
  if (warning) {
    const at = result.locate?.("workforce.oidcConfig.clientSecret") ?? { line: 0, column: 0 };
    result.diagnostics.push({
      ...fileDiagnostic(file, warning, undefined, "warning"),
      ...at,
      path: "workforce.oidcConfig.clientSecret",
    });
  }
  return result;
}

export function loadSpecText(input: Uint8Array | string, file: string): LoadResult {
  const decoded = typeof input === "string" ? { text: input } : decode(input, file);
  if ("error" in decoded) return { file, text: "", diagnostics: [decoded.error] };
  const text = decoded.text.replace(/^\uFEFF/, "");
  if (text.length > MAX_SPEC_BYTES) {
    return { file, text: "", diagnostics: [fileDiagnostic(file, tooBig(text.length))] };
  }

  const lineCounter = new LineCounter();
  const at = (offset: number) => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };
  // Nesting is checked on the tokens before anything is built from them: a few kilobytes of
  // "[[[[" or "? ? ? ?" would otherwise cost the parser gigabytes.
  const deep = tooDeep(text);
  if (deep !== undefined) {
    lineCounter.addNewLine(0);
    for (let i = text.indexOf("\n"); i !== -1 && i < deep.offset; i = text.indexOf("\n", i + 1)) {
      lineCounter.addNewLine(i + 1);
    }
    const d: Diagnostic = {
      severity: "error",
      file,
      ...at(deep.offset),
      path: "",
      message: deep.message,
      hint: "write the value out plainly",
    };
    return { file, text, diagnostics: [d] };
  }
  // Duplicate keys are found below, in one pass: the parser's own check is quadratic. The parser
  // makes an Error object for every problem it meets; their stack traces are not needed (a file
  // of errors would otherwise cost hundreds of megabytes before the first is reported).
  const docs = withoutStackTraces(() =>
    parseAllDocuments(text, { lineCounter, prettyErrors: false, uniqueKeys: false }),
  );
  const result: LoadResult = { file, text, diagnostics: [] };
  let unlisted = 0;
  const room = () => {
    const full = result.diagnostics.length >= MAX_DIAGNOSTICS;
    if (full) unlisted += 1;
    return !full;
  };
  const error = (offset: number, message: string, hint?: string, path = "") => {
    if (room()) {
      result.diagnostics.push({ severity: "error", file, ...at(offset), path, message, hint });
    }
  };

  if (!Array.isArray(docs) || docs.length === 0) {
    error(0, "the file is empty", "a spec is a YAML mapping with version: 1 and a workforce");
    return result;
  }
  if (docs.length > 1) {
    const second = docs[1]!;
    error(
      second.range[0],
      `the file holds ${docs.length} YAML documents; a spec is one`,
      "remove the --- separator and the documents after it",
    );
    return result;
  }
  const doc = docs[0]!;
  /** The diagnostics in file order, and how many more there were. */
  const listed = () => {
    result.diagnostics.sort(byPosition);
    if (unlisted > 0) {
      result.diagnostics.push(
        fileDiagnostic(
          file,
          `${unlisted} more problem${unlisted > 1 ? "s" : ""} not listed (the first ${MAX_DIAGNOSTICS} are)`,
          "fix these, then validate again",
        ),
      );
    }
    return result;
  };
  for (const e of [...doc.errors, ...doc.warnings]) {
    error(e.pos[0], yamlMessage(e.code, e.message), yamlHint(e.code));
  }
  visit(doc, {
    Map(_, map) {
      const seen = new Set<string>();
      for (const pair of map.items as Pair<unknown, unknown>[]) {
        const offset = (pair.key as Node | null)?.range?.[0] ?? 0;
        // A key that is a mapping or a list (`? [a]`, `{{a: 1}: 1}`): no spec has one, and turning
        // nested ones into text costs memory that doubles with each level.
        if (pair.key !== null && !isScalar(pair.key)) {
          error(offset, "a key here is a mapping or a list; spec keys are plain names");
          continue;
        }
        const key = keyText(pair.key);
        if (!seen.has(key)) seen.add(key);
        else error(offset, yamlMessage("DUPLICATE_KEY", ""), yamlHint("DUPLICATE_KEY"));
      }
    },
  });
  if (hasErrors(result.diagnostics)) return listed();

  let raw: unknown;
  try {
    raw = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (e) {
    const message =
      e instanceof ReferenceError && /alias count/.test(e.message)
        ? `aliases expand to too many nodes (more than ${MAX_ALIAS_COUNT} references): a YAML alias bomb?`
        : `cannot read the YAML: ${(e as Error).message}`;
    error(0, message, "write the values out instead of nesting aliases");
    return result;
  }
  if (raw === null || raw === undefined) {
    error(0, "the file has no content", "a spec is a YAML mapping with version: 1 and a workforce");
    return result;
  }
  if (!isMap(doc.contents)) {
    error(
      doc.contents?.range?.[0] ?? 0,
      `the top level is ${describe(raw)}; a spec is a mapping`,
      "start with version: 1 and a workforce: section",
    );
    return result;
  }

  // YAML 1.1's merge key is not part of YAML 1.2, which wfplan reads: say so once per use, rather
  // than report "<<" as an unknown key and the merged keys as missing.
  const merges: number[] = [];
  visit(doc, {
    Pair(_, pair) {
      if (isScalar(pair.key) && pair.key.value === "<<") merges.push(pair.key.range?.[0] ?? 0);
    },
  });
  for (const offset of merges) {
    error(
      offset,
      "YAML merge keys (<<) are not supported",
      "write the keys out in each place; an anchor (&name) and alias (*name) can still share a whole value",
    );
  }
  if (merges.length > 0) return result;

  const locate = (path: readonly PropertyKey[], key = false) => at(offsetOf(doc, path, key));
  result.locate = (path) => locate(specPath(raw, path));
  /** A value as the file writes it (for hints that quote it). */
  const written = (path: readonly PropertyKey[]) => {
    const node = nodeAt(doc, path);
    // Only a value written in place: an alias (*name) is not the text to quote.
    return isScalar(node) && node.range ? text.slice(node.range[0], node.range[1]) : undefined;
  };
  const parsed = specSchema.safeParse(raw, { reportInput: true });
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      for (const d of fromIssue(issue, written)) {
        if (!room()) continue;
        result.diagnostics.push({
          severity: "error",
          file,
          ...locate(d.at ?? d.path, d.key),
          path: formatPath(d.path),
          message: d.message,
          hint: d.hint,
        });
      }
    }
  }
  for (const c of specChecks(raw)) {
    if (!room()) continue;
    result.diagnostics.push({
      severity: c.severity,
      file,
      ...locate(c.path, c.key),
      path: formatPath(c.path),
      message: c.message,
      hint: c.hint,
    });
  }
  listed();
  if (parsed.success && !hasErrors(result.diagnostics)) result.spec = parsed.data;
  return result;
}

function withoutStackTraces<T>(work: () => T): T {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return work();
  } finally {
    Error.stackTraceLimit = limit;
  }
}

/** Collections one inside another: a spec needs six or so. */
const MAX_NESTING = 32;
/**
 * Nodes and indicators (values, `[ { - ? : ,`, tags, anchors, aliases, documents) in one file: 25
 * workteams with 50 tags each need some 10,000.
 */
const MAX_STRUCTURE = 20_000;
const STRUCTURE = new Set(["[", "{", "-", "?", ":", ",", "---", "\u001f"]);
/** The lexer's markers, which stand for no text of the file. */
const MARKERS = new Set(["\u0002", "\u0018", "\u001f"]);

/**
 * The offset where the YAML nests deeper than MAX_NESTING — flow collections in flow collections,
 * or block indicators (`- - -`, `? ? ?`) on one line — or undefined. One pass over the lexer's
 * tokens, which costs little memory whatever the input.
 */
function tooDeep(text: string): { offset: number; message: string } | undefined {
  let offset = 0;
  let flow = 0;
  let onLine = 0;
  let structure = 0;
  const deep = {
    message: `the YAML nests more than ${MAX_NESTING} levels deep here; a spec nests a few`,
  };
  for (const token of new Lexer().lex(text)) {
    const counted = STRUCTURE.has(token) || /^[!&*]/.test(token);
    if (counted && ++structure > MAX_STRUCTURE) {
      return {
        offset,
        message: `the YAML holds more than ${MAX_STRUCTURE} values and collections; a spec holds some thousands at most`,
      };
    }
    if (MARKERS.has(token)) continue;
    if (token === "\n" || token === "\r\n") onLine = 0;
    else if (token === "[" || token === "{") {
      if (++flow > MAX_NESTING) return { offset, ...deep };
    } else if (token === "]" || token === "}") flow = Math.max(0, flow - 1);
    else if (token === "-" || token === "?") {
      if (++onLine > MAX_NESTING) return { offset, ...deep };
    }
    offset += token.length;
  }
  return undefined;
}

function fileDiagnostic(
  file: string,
  message: string,
  hint?: string,
  severity: Diagnostic["severity"] = "error",
): Diagnostic {
  return { severity, file, line: 0, column: 0, path: "", message, hint };
}

const tooBig = (size: number) => tooLarge(size, MAX_SPEC_BYTES);

function decode(bytes: Uint8Array, file: string): { text: string } | { error: Diagnostic } {
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

function yamlMessage(code: string, message: string): string {
  const first = message.split("\n")[0]!.replace(/ at line \d+, column \d+:?$/, "");
  switch (code) {
    case "DUPLICATE_KEY":
      return "duplicate key: this key appears earlier in the same mapping";
    case "TAB_AS_INDENT":
      return "tabs are not allowed for indentation in YAML";
    case "TAG_RESOLVE_FAILED":
      return `${first}; a spec uses plain YAML values`;
    default:
      return `YAML syntax error: ${first}`;
  }
}

function yamlHint(code: string): string | undefined {
  switch (code) {
    case "DUPLICATE_KEY":
      return "keep one of them; YAML does not merge repeated keys";
    case "TAB_AS_INDENT":
      return "indent with spaces";
    case "BAD_INDENT":
    case "MISSING_CHAR":
    case "UNEXPECTED_TOKEN":
      return "check the indentation and brackets on this line and the one before";
    default:
      return undefined;
  }
}

/** The source offset of the node at a spec path, or of its key; the nearest existing parent if absent. */
/** A plan path as the spec's own path: a workteam's name becomes its index in `workteams`. */
function specPath(raw: unknown, path: string): PropertyKey[] {
  const segs: PropertyKey[] = path.split(".");
  const teams = (raw as { workteams?: unknown }).workteams;
  if (segs[0] === "workteams" && segs.length > 1 && Array.isArray(teams)) {
    const index = teams.findIndex((t) => (t as { name?: unknown })?.name === segs[1]);
    if (index >= 0) segs[1] = index;
  }
  return segs;
}

/** The YAML node at a spec path, if there is one. */
function nodeAt(doc: Document, path: readonly PropertyKey[]): Node | undefined {
  let node: Node | null | undefined = doc.contents;
  for (const seg of path) {
    if (isMap(node)) {
      const pair = (node.items as Pair<unknown, unknown>[]).find(
        (p) => keyText(p.key) === String(seg),
      );
      node = pair?.value as Node | undefined;
    } else if (isSeq(node) && typeof seg === "number") {
      node = node.items[seg] as Node | undefined;
    } else return undefined;
  }
  return node ?? undefined;
}

function offsetOf(doc: Document, path: readonly PropertyKey[], key: boolean): number {
  let node: Node | null | undefined = doc.contents;
  let offset = node?.range?.[0] ?? 0;
  for (const [i, seg] of path.entries()) {
    let next: Node | null | undefined;
    if (isMap(node)) {
      const pair: Pair<unknown, unknown> | undefined = (
        node.items as Pair<unknown, unknown>[]
      ).find((p) => keyText(p.key) === String(seg));
      if (!pair) break;
      const keyNode = pair.key as Node | null;
      if (key && i === path.length - 1) return keyNode?.range?.[0] ?? offset;
      next = (pair.value as Node | null) ?? keyNode;
      if (!pair.value) {
        offset = keyNode?.range?.[0] ?? offset;
        break;
      }
    } else if (isSeq(node) && typeof seg === "number") {
      next = node.items[seg] as Node | undefined;
    }
    if (!next) break;
    node = next;
    offset = node.range?.[0] ?? offset;
  }
  return offset;
}

function keyText(key: unknown): string {
  return isScalar(key) ? String(key.value) : String(key);
}

interface Located {
  path: PropertyKey[];
  /** Where to point in the file, when not at `path` itself. */
  at?: PropertyKey[];
  /** Point at the key rather than the value (unknown keys). */
  key?: boolean;
  message: string;
  hint?: string;
}

/** A zod issue in words: what is wrong (quoting the value, unless it is the secret) and what is allowed. */
function fromIssue(
  issue: z.core.$ZodIssue,
  written: (path: readonly PropertyKey[]) => string | undefined,
): Located[] {
  const path = issue.path as PropertyKey[];
  const hint = descriptionAt(path);
  const input = "input" in issue ? issue.input : undefined;
  const sensitive = path.at(-1) === "clientSecret";
  const shown = sensitive ? "the value" : show(input);
  if (input === undefined && (issue.code === "invalid_type" || issue.code === "invalid_value")) {
    // Point at the mapping's own key (such as `oidcConfig:`), where the key belongs.
    const key = String(path.at(-1));
    return [
      {
        path,
        at: path.slice(0, -1),
        key: true,
        message: `missing required key ${JSON.stringify(key)}`,
        hint: hint && `${key}: ${hint}`,
      },
    ];
  }
  switch (issue.code) {
    case "unrecognized_keys":
      return issue.keys.map((k) => ({
        path: [...path, k],
        key: true,
        message: `unknown key ${JSON.stringify(k)}`,
        hint: suggest(k, keysAt(path)),
      }));
    case "invalid_type":
      return [
        {
          path,
          message: `expected ${article(issue.expected)}, got ${describe(input)}`,
          hint: typeHint(issue.expected, input, written(path)) ?? hint,
        },
      ];
    case "invalid_value":
      return [
        {
          path,
          message: `${shown} is not allowed`,
          hint: `allowed: ${issue.values.map((v) => JSON.stringify(v)).join(", ")}`,
        },
      ];
    case "invalid_format":
      if (sensitive) return [{ path, message: issue.message }];
      return [{ path, message: `${shown} is not valid`, hint: hint && `allowed: ${hint}` }];
    case "too_big":
    case "too_small": {
      const size = measure(input);
      const n = Number(issue.code === "too_big" ? issue.maximum : issue.minimum);
      const limit =
        issue.code === "too_big"
          ? `at most ${count(n, issue.origin)} allowed`
          : `needs at least ${count(n, issue.origin)}`;
      return [{ path, message: size ? `has ${size}; ${limit}` : limit, hint }];
    }
    case "invalid_key":
      return issue.issues.flatMap((inner) =>
        fromIssue(
          {
            ...inner,
            path: [...path, ...(inner.path ?? [])],
            input,
          } as z.core.$ZodIssue,
          written,
        ).map((l) => ({
          ...l,
          key: true,
          message: `key ${show(input)}: ${l.message}`,
        })),
      );
    case "invalid_element":
      return issue.issues.flatMap((inner) =>
        fromIssue(
          { ...inner, path: [...path, ...(inner.path ?? [])] } as z.core.$ZodIssue,
          written,
        ),
      );
    default:
      return [{ path, message: issue.message, hint }];
  }
}

function suggest(key: string, known: string[]): string {
  const norm = (s: string) => s.toLowerCase().replace(/[-_]/g, "");
  const close = known
    .map((k) => ({ k, d: norm(k) === norm(key) ? 0 : leven(key, k) }))
    .filter(({ k, d }) => d <= Math.max(2, Math.floor(k.length / 3)))
    .sort((a, b) => a.d - b.d)[0];
  const allowed = `allowed keys here: ${known.join(", ")}`;
  return close ? `did you mean ${JSON.stringify(close.k)}? (${allowed})` : allowed;
}

function typeHint(expected: string, input: unknown, written?: string): string | undefined {
  if (expected === "string" && (typeof input === "number" || typeof input === "boolean")) {
    // As the file writes it: 0x1F is "0x1F", not the number it reads as.
    const text = written?.trim() || String(input);
    return `quote the value (${JSON.stringify(text)}) to make it a string`;
  }
  if (expected === "boolean") return "write true or false (in YAML 1.2, yes and no are strings)";
  if (expected === "array" && input !== null && typeof input !== "object") {
    return "write a list, such as [a, b] or one item per line starting with -";
  }
  return undefined;
}

function article(type: string): string {
  const words: Record<string, string> = {
    object: "a mapping",
    array: "a list",
    string: "a string",
    boolean: "true or false",
    number: "a number",
  };
  return words[type] ?? type;
}

export function describe(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "a list";
  if (v instanceof Uint8Array) return "binary data";
  if (typeof v === "object") return "a mapping";
  if (typeof v === "string") return `the string ${show(v)}`;
  return `${typeof v} ${String(v)}`;
}

function show(v: unknown): string {
  if (typeof v === "string") return JSON.stringify(v.length > 80 ? `${v.slice(0, 77)}...` : v);
  if (v === undefined) return "the value";
  if (typeof v === "object" && v !== null) return describe(v);
  return String(v);
}

function measure(v: unknown): string | undefined {
  if (typeof v === "string") return count(v.length, "string");
  if (Array.isArray(v)) return count(v.length, "array");
  return undefined;
}

function count(n: number, origin: string): string {
  const unit = origin === "string" ? "character" : origin === "array" ? "item" : "";
  return unit ? `${n} ${unit}${n === 1 ? "" : "s"}` : String(n);
}
