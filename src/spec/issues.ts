/** Zod's issues in words: what is wrong (never quoting the secret) and what is allowed. */
import leven from "leven";
import type * as z from "zod";
import { formatPath } from "./diagnostics.ts";
import { descriptionAt, keyDescriptionAt, keysAt } from "./schema.ts";

export interface Located {
  path: PropertyKey[];
  /** Where to point in the file, when not at `path` itself. */
  at?: PropertyKey[];
  /** Point at the key rather than the value (unknown keys). */
  key?: boolean;
  message: string;
  hint?: string;
  /** For an unknown key: the known key it most likely means. */
  meant?: string;
}

type Written = (path: readonly PropertyKey[]) => string | undefined;

/**
 * The issues of one parse in words, each mistake said once: a value of the wrong type is not also
 * measured against the limits of the type it should have been (a string's characters counted as
 * a list's items), and a required key written with a typo (`ClientId`) is one error at the key
 * written, not also a missing key.
 */
export function fromIssues(issues: readonly z.core.$ZodIssue[], written: Written): Located[] {
  const wrongType = new Set(
    issues.filter((i) => i.code === "invalid_type").map((i) => formatPath(i.path)),
  );
  // The required keys missing from each mapping, by the mapping's path.
  const missing = new Map<string, Set<string>>();
  for (const issue of issues) {
    if (!isMissing(issue)) continue;
    const at = formatPath(issue.path.slice(0, -1));
    missing.set(at, (missing.get(at) ?? new Set()).add(String(issue.path.at(-1))));
  }
  // An unknown key that most likely means a missing one: the key it means, by the unknown key's
  // path; and the missing keys so meant.
  const typos = new Map<string, string>();
  const meant = new Set<string>();
  for (const issue of issues) {
    if (issue.code !== "unrecognized_keys") continue;
    const absent = missing.get(formatPath(issue.path));
    for (const k of absent ? issue.keys : []) {
      const m = closest(k, keysAt(issue.path as PropertyKey[]));
      const at = formatPath([...issue.path, m ?? ""]);
      if (m === undefined || !absent!.has(m) || meant.has(at)) continue;
      typos.set(formatPath([...issue.path, k]), m);
      meant.add(at);
    }
  }
  const out: Located[] = [];
  for (const issue of issues) {
    const size = issue.code === "too_big" || issue.code === "too_small";
    if (size && wrongType.has(formatPath(issue.path))) continue;
    if (isMissing(issue) && meant.has(formatPath(issue.path))) continue;
    if (issue.code !== "unrecognized_keys") {
      out.push(...fromIssue(issue, written));
      continue;
    }
    const path = issue.path as PropertyKey[];
    const rest: string[] = [];
    for (const k of issue.keys) {
      const m = typos.get(formatPath([...path, k]));
      if (m === undefined) {
        rest.push(k);
        continue;
      }
      out.push(asTypo(path, k, m, `${m} is required`));
    }
    if (rest.length > 0) out.push(...fromIssue({ ...issue, keys: rest }, written));
  }
  return out;
}

/**
 * A requirement the schema cannot say (checks.ts: one of `keys` in the mapping at `path`), left
 * unmet by a key written with a typo: said once, as that unknown key (true), not also as unmet.
 */
export function typoFor(
  found: Located[],
  path: readonly PropertyKey[],
  keys: readonly string[],
  why: string,
): boolean {
  const at = formatPath(path);
  const i = found.findIndex(
    (l) =>
      l.meant !== undefined && keys.includes(l.meant) && formatPath(l.path.slice(0, -1)) === at,
  );
  const typo = found[i];
  if (!typo?.meant) return false;
  found[i] = asTypo(path, String(typo.path.at(-1)), typo.meant, why);
  return true;
}

/** An unknown key in the mapping at `path` that stands for a required one. */
function asTypo(
  path: readonly PropertyKey[],
  written: string,
  meant: string,
  why: string,
): Located {
  const hint = descriptionAt([...path, meant]);
  return {
    path: [...path, written],
    key: true,
    message: `unknown key ${JSON.stringify(written)}: did you mean ${JSON.stringify(meant)}? (${why})`,
    hint: hint && `${meant}: ${hint}`,
  };
}

/** A required key that is absent: zod reads it as undefined, of the wrong type or value. */
function isMissing(issue: z.core.$ZodIssue): boolean {
  const input = "input" in issue ? issue.input : undefined;
  return input === undefined && (issue.code === "invalid_type" || issue.code === "invalid_value");
}

/**
 * A zod issue in words: what is wrong (quoting the value, unless it is the secret) and what is
 * allowed (`hintAt`: the field's description; for a mapping's key, the rule for its keys).
 */
export function fromIssue(
  issue: z.core.$ZodIssue,
  written: Written,
  hintAt: (path: readonly PropertyKey[]) => string | undefined = descriptionAt,
): Located[] {
  const path = issue.path as PropertyKey[];
  const hint = hintAt(path);
  const input = "input" in issue ? issue.input : undefined;
  const sensitive = path.at(-1) === "clientSecret";
  const shown = sensitive ? "the value" : show(input);
  if (isMissing(issue)) {
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
        meant: closest(k, keysAt(path)),
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
          keyDescriptionAt,
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
  const close = closest(key, known);
  const allowed = `allowed keys here: ${known.join(", ")}`;
  return close ? `did you mean ${JSON.stringify(close)}? (${allowed})` : allowed;
}

/** The known key an unknown one most likely means: the same but for case, - and _, or a few letters off. */
function closest(key: string, known: string[]): string | undefined {
  const norm = (s: string) => s.toLowerCase().replace(/[-_]/g, "");
  return known
    .map((k) => ({ k, d: norm(k) === norm(key) ? 0 : leven(key, k) }))
    .filter(({ k, d }) => d <= Math.max(2, Math.floor(k.length / 3)))
    .sort((a, b) => a.d - b.d)[0]?.k;
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
    int: "a whole number",
  };
  return words[type] ?? type;
}

export function describe(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "a list";
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
