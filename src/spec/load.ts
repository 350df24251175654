/**
 * Reading workforce.yaml, the pipeline: bytes (bytes.ts) → YAML with source positions (yaml.ts)
 * → the spec format, its issues in words (issues.ts; a section's keys left at the section's own
 * indentation, indent.ts) → checks across fields → warnings. Every problem becomes a located
 * Diagnostic; `loadSpecText` never throws.
 */
import {
  isAlias,
  isMap,
  isScalar,
  LineCounter,
  type Node,
  type Pair,
  parseAllDocuments,
  visit,
} from "yaml";
import type * as z from "zod";
import { readBounded } from "../io/read.ts";
import { decode, MAX_SPEC_BYTES, tooBig } from "./bytes.ts";
import { specChecks } from "./checks.ts";
import {
  byPosition,
  type Diagnostic,
  fileDiagnostic,
  formatPath,
  hasErrors,
} from "./diagnostics.ts";
import { misIndented } from "./indent.ts";
import { describe, fromIssues, typoFor } from "./issues.ts";
import { type Spec, specSchema } from "./schema.ts";
import { secretFileWarning } from "./secrets.ts";
import {
  keyText,
  nodeAt,
  offsetOf,
  specPath,
  tooDeep,
  yamlHint,
  yamlMessage,
  yamlProblems,
} from "./yaml.ts";

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
  // of errors would otherwise cost hundreds of megabytes before the first is reported). YAML 1.1's
  // !!binary, !!timestamp, !!set and !!omap are unresolved tags, like any other: read, they would
  // be a Buffer, a Date, a Set or a Map, which the schema takes for mappings (a Buffer's methods
  // for its unknown keys).
  const docs = withoutStackTraces(() =>
    parseAllDocuments(text, {
      lineCounter,
      prettyErrors: false,
      uniqueKeys: false,
      resolveKnownTags: false,
    }),
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
  for (const p of yamlProblems(text, [...doc.errors, ...doc.warnings])) {
    error(p.offset, p.message, p.hint);
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
    const at = nodeAt(doc, path);
    // Through an alias (*name), the value as its anchor writes it.
    const node = isAlias(at) ? at.resolve(doc) : at;
    return isScalar(node) && node.range ? text.slice(node.range[0], node.range[1]) : undefined;
  };
  const parsed = specSchema.safeParse(raw, { reportInput: true });
  let checks = specChecks(raw);
  if (!parsed.success) {
    // A section's keys at its own indentation are said once (indent.ts), not as a null section
    // and unknown keys; the rest of the issues in words (issues.ts).
    const indents = misIndented(doc);
    const covered = new Set(indents.flatMap((m) => m.covers));
    const issues = parsed.error.issues.flatMap((issue): z.core.$ZodIssue[] => {
      if (issue.code === "unrecognized_keys") {
        const keys = issue.keys.filter((k) => !covered.has(formatPath([...issue.path, k])));
        return keys.length > 0 ? [{ ...issue, keys }] : [];
      }
      return covered.has(formatPath(issue.path)) ? [] : [issue];
    });
    const found = [...indents, ...fromIssues(issues, written)];
    // A requirement across fields left unmet by a typo (`OidcConfig`) is said once, as the typo.
    checks = checks.filter((c) => !c.requires || !typoFor(found, c.path, c.requires, c.message));
    for (const d of found) {
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
  for (const c of checks) {
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

export { MAX_SPEC_BYTES };
