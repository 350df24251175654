/**
 * The errors that end a command, each with the exit code of the contract (PRODUCT.md). The CLI's
 * one top-level catch turns them into a message and that code; anything else is a bug.
 */

export const ExitCode = {
  ok: 0,
  error: 1,
  changes: 2,
  declined: 3,
  interrupted: 130,
} as const;

export interface ErrorDetails {
  hint?: string;
}

/** A problem with the user's input or environment: message (and hint), no stack trace, exit 1. */
export class UserError extends Error {
  readonly exitCode: number = ExitCode.error;
  readonly hint: string | undefined;
  constructor(message: string, details: ErrorDetails = {}) {
    super(message);
    this.name = "UserError";
    this.hint = details.hint;
  }
}

/** The problems were already reported (e.g. validation diagnostics); only the exit code remains. */
export class ReportedError extends UserError {
  constructor(message = "reported") {
    super(message);
    this.name = "ReportedError";
  }
}

/** The user declined at the confirmation prompt: nothing changed. An answer, not an error. */
export class DeclinedError extends UserError {
  override readonly exitCode: number = ExitCode.declined;
  /** The interactive review already said so on screen. */
  readonly shown: boolean;
  constructor({ shown = false }: { shown?: boolean } = {}) {
    super("Apply cancelled; nothing changed.");
    this.name = "DeclinedError";
    this.shown = shown;
  }
}

/** Ctrl-C or SIGTERM. */
export class InterruptedError extends UserError {
  override readonly exitCode: number = ExitCode.interrupted;
  constructor(message = "Interrupted.") {
    super(message);
    this.name = "InterruptedError";
  }
}
