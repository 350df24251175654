/** The exit codes of the contract (PRODUCT.md), and the one place errors are mapped to them. */
import { DeclinedError, InterruptedError } from "../errors.ts";

export const ExitCode = {
  ok: 0,
  error: 1,
  changes: 2,
  declined: 3,
  interrupted: 130,
} as const;

/** The exit code an error ends the command with. */
export function exitCodeOf(e: unknown): number {
  if (e instanceof DeclinedError) return ExitCode.declined;
  if (e instanceof InterruptedError) return ExitCode.interrupted;
  return ExitCode.error;
}
