import { ReportedError } from "../../errors.ts";
import {
  renderDiagnostics,
  renderSummary,
  renderValidationJson,
} from "../../render/diagnostics.ts";
import { hasErrors } from "../../spec/diagnostics.ts";
import { loadSpecFile } from "../../spec/load.ts";
import { colorsFor } from "../../views/style.ts";

export interface ValidateOptions {
  file: string;
  format: "text" | "json";
  color?: boolean;
}

/** `wfplan validate`: every problem of the spec at once; exit 0 when valid (warnings allowed). */
export function validate(opts: ValidateOptions, out: NodeJS.WriteStream = process.stdout): void {
  const result = loadSpecFile(opts.file);
  const { diagnostics } = result;
  if (opts.format === "json") {
    out.write(renderValidationJson(opts.file, diagnostics));
  } else {
    const c = colorsFor(opts, out);
    out.write(renderDiagnostics(diagnostics, result.text, c));
    out.write(`${renderSummary(opts.file, diagnostics, c)}\n`);
  }
  if (hasErrors(diagnostics)) throw new ReportedError();
}
