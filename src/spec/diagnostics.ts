/** A problem found in a spec, located in the file and in the spec's own structure. */
export interface Diagnostic {
  severity: "error" | "warning";
  file: string;
  /** 1-based; 0 when the problem concerns the file as a whole. */
  line: number;
  column: number;
  /** The spec path, such as `workforce.sourceIpConfig.cidrs[2]`; "" for the file itself. */
  path: string;
  /** What is wrong. */
  message: string;
  /** What is allowed, or how to fix it. */
  hint?: string;
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/** `["workforce", "sourceIpConfig", "cidrs", 2]` → `workforce.sourceIpConfig.cidrs[2]`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const seg of path) {
    if (typeof seg === "number") out += `[${seg}]`;
    else if (IDENTIFIER.test(String(seg))) out += out ? `.${String(seg)}` : String(seg);
    else out += `[${JSON.stringify(String(seg))}]`;
  }
  return out;
}

export function byPosition(a: Diagnostic, b: Diagnostic): number {
  return a.line - b.line || a.column - b.column;
}

export const hasErrors = (ds: readonly Diagnostic[]) => ds.some((d) => d.severity === "error");

/** A problem of the file as a whole (no line). */
export function fileDiagnostic(
  file: string,
  message: string,
  hint?: string,
  severity: Diagnostic["severity"] = "error",
): Diagnostic {
  return { severity, file, line: 0, column: 0, path: "", message, hint };
}
