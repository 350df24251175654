/** Zod's issues in words: what is wrong (never quoting the secret) and what is allowed. */
import leven from "leven";
import type * as z from "zod";
import { descriptionAt, keysAt } from "./schema.ts";

export interface Located {
  path: PropertyKey[];
  /** Where to point in the file, when not at `path` itself. */
  at?: PropertyKey[];
  /** Point at the key rather than the value (unknown keys). */
  key?: boolean;
  message: string;
  hint?: string;
}

/** A zod issue in words: what is wrong (quoting the value, unless it is the secret) and what is allowed. */
export function fromIssue(
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
