/**
 * The errors wfplan's layers raise for a user to read. They carry words, never exit codes: only
 * the CLI (src/cli/errors.ts) maps them to the exit codes of the contract, so the same errors
 * serve a script that calls the session layer.
 */

export interface ErrorDetails {
  hint?: string;
}

/** A problem with the user's input or environment: a message and a hint, no stack trace. */
export class UserError extends Error {
  readonly hint: string | undefined;
  constructor(message: string, details: ErrorDetails = {}) {
    super(message);
    this.name = "UserError";
    this.hint = details.hint;
  }
}

/** The problems were already reported (e.g. validation diagnostics); only the outcome remains. */
export class ReportedError extends UserError {
  constructor(message = "reported") {
    super(message);
    this.name = "ReportedError";
  }
}

/** The user declined at the confirmation prompt: nothing changed. An answer, not an error. */
export class DeclinedError extends UserError {
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
  constructor(message = "Interrupted.") {
    super(message);
    this.name = "InterruptedError";
  }
}
