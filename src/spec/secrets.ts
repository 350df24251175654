/**
 * Secret references: the spec holds `${env:NAME}` or `${file:PATH}`, never the secret. The value is
 * resolved only when a request must carry it, and no message here ever includes it.
 */
import { statSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { UserError } from "../errors.ts";
import { readBounded, sizeText } from "../io/read.ts";
import { formatSecretRef, parseSecretRef } from "./secret-ref.ts";

/** A secret is at most 1024 characters: a file much bigger than that is not a secret file. */
const MAX_SECRET_FILE_BYTES = 64 * 1024;

/** The API's ClientSecret shape: 1-1024 printable ASCII characters. */
const CLIENT_SECRET = /^[ -~]{1,1024}$/;

export interface SecretSource {
  env: Record<string, string | undefined>;
  /** The spec file; `${file:...}` paths are relative to its folder. */
  specFile: string;
}

/** Resolves a reference to the secret's value, or throws a UserError that names only the reference. */
export function resolveSecret(reference: string, source: SecretSource): string {
  const ref = parseSecretRef(reference);
  if (!ref) throw new UserError(`clientSecret: ${reference} is not a secret reference`);
  const shown = formatSecretRef(ref);
  let value: string;
  if (ref.kind === "env") {
    const v = source.env[ref.name];
    if (v === undefined || v === "") {
      throw new UserError(`clientSecret ${shown}: environment variable ${ref.name} is not set`, {
        hint: `export ${ref.name} before running wfplan (the OIDC client secret is needed to send the OIDC config)`,
      });
    }
    value = v;
  } else {
    const file = resolve(dirname(source.specFile), ref.path);
    const read = readBounded(file, MAX_SECRET_FILE_BYTES);
    if ("problem" in read) {
      throw new UserError(`clientSecret ${shown}: ${file}: ${read.problem}`, { hint: read.hint });
    }
    value = read.bytes.toString("utf8").replace(/\r?\n$/, "");
  }
  if (!CLIENT_SECRET.test(value)) {
    throw new UserError(
      `clientSecret ${shown}: the secret must be 1-1024 printable ASCII characters (its value is not shown)`,
    );
  }
  return value;
}

/**
 * Warns, when the spec is read, of a `${file:...}` secret that plan and apply will refuse (not a
 * regular file, or too large to be one) or that other users can read.
 */
export function secretFileWarning(reference: string, specFile: string): string | undefined {
  const ref = parseSecretRef(reference);
  if (ref?.kind !== "file") return undefined;
  const file = resolve(dirname(specFile), ref.path);
  try {
    const st = statSync(file);
    if (!st.isFile()) return `secret file ${file} is not a regular file; wfplan will not read it`;
    if (st.size > MAX_SECRET_FILE_BYTES) {
      return `secret file ${file} is ${sizeText(st.size)}; a secret file is at most ${sizeText(MAX_SECRET_FILE_BYTES)}, and wfplan will not read it`;
    }
    const mode = st.mode;
    if (mode & 0o077) {
      return `secret file ${file} is readable by group or others (mode ${(mode & 0o777).toString(8)}); chmod 600 it`;
    }
  } catch {
    // Unreadable files are reported when the secret is needed.
  }
  return undefined;
}
