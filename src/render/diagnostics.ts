/** Diagnostics as text: a compiler-style line, a code frame with a caret, and the hint. Pure. */
import type { Colors } from "picocolors/types.js";
import { type Diagnostic, hasErrors } from "../spec/diagnostics.ts";

const MAX_FRAME_WIDTH = 120;

export function renderDiagnostic(d: Diagnostic, lines: readonly string[], c: Colors): string {
  const where = d.line ? `${d.file}:${d.line}:${d.column}` : d.file;
  const label = d.severity === "error" ? c.bold(c.red("error")) : c.bold(c.yellow("warning"));
  const path = d.path ? `${c.bold(d.path)}: ` : "";
  const out = [`${c.dim(`${where}:`)} ${label}: ${path}${d.message}`];
  const source = d.line ? lines[d.line - 1] : undefined;
  if (source !== undefined) {
    const gutter = String(d.line);
    const pad = " ".repeat(gutter.length);
    // Cut first: nothing past the cut is shown, and the redaction's pattern takes time in the
    // square of a long word's length (a 256 KiB line of "secret-secret-…").
    const text = redactSecrets(source.slice(0, MAX_FRAME_WIDTH)).replace(/\s+$/, "");
    const indent = source.slice(0, d.column - 1).replace(/[^\t]/g, " ");
    out.push(`  ${c.dim(`${gutter} |`)} ${text}`);
    if (d.column - 1 <= text.length) out.push(`  ${c.dim(`${pad} |`)} ${indent}${c.bold("^")}`);
  }
  if (d.hint) out.push(`  ${c.dim("hint:")} ${d.hint}`);
  return out.join("\n");
}

/** Every diagnostic of a file, each with its code frame, separated by blank lines. */
export function renderDiagnostics(
  diagnostics: readonly Diagnostic[],
  text: string,
  c: Colors,
): string {
  const lines = text.split(/\r?\n/);
  return diagnostics.map((d) => `${renderDiagnostic(d, lines, c)}\n\n`).join("");
}

/**
 * A line with a secret shows its key only, whatever it holds: a literal secret must not be echoed.
 * Any key with "secret" in it, in any case: a misspelt key (`ClientSecret`, `client_secret`) is
 * exactly what a diagnostic quotes. Everything after the key goes, line separators included (`s`):
 * a line of a file whose lines end in a lone CR holds the rest of the file, and `.` alone would stop
 * at the CR and match nothing.
 */
export function redactSecrets(line: string): string {
  // The key is matched from the start of a word only: from every position of a long word, the
  // search for "secret" in it would take time in the square of the line's length.
  return line.replace(/(?<![\w-])([\w-]*secret[\w-]*["']?\s*:\s*).*$/is, "$1<redacted>");
}

export function renderSummary(file: string, diagnostics: readonly Diagnostic[], c: Colors): string {
  const errors = diagnostics.filter((d) => d.severity === "error").length;
  const warnings = diagnostics.length - errors;
  const w = warnings ? `${warnings} warning${warnings === 1 ? "" : "s"}` : "";
  if (errors === 0) return `${c.green("✓")} ${file} is valid${w ? ` (${w})` : ""}`;
  return `${c.red("✗")} ${file}: ${errors} error${errors === 1 ? "" : "s"}${w ? `, ${w}` : ""}`;
}

/** `wfplan validate --format json`: one versioned document. */
export function renderValidationJson(file: string, diagnostics: readonly Diagnostic[]): string {
  const doc = { formatVersion: 1, file, valid: !hasErrors(diagnostics), diagnostics };
  return `${JSON.stringify(doc, null, 2)}\n`;
}
