import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  truncateSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { UserError } from "../../src/errors.ts";
import { loadSpecFile } from "../../src/spec/load.ts";
import { parseSecretRef } from "../../src/spec/secret-ref.ts";
import { resolveSecret, secretFileWarning } from "../../src/spec/secrets.ts";
import { oidcConfig, spec, yaml } from "../builders.ts";

const dir = mkdtempSync(join(tmpdir(), "wfplan-secrets-"));
const specFile = join(dir, "workforce.yaml");

describe("secret references", () => {
  it.each([
    ["${env:OIDC_SECRET}", { kind: "env", name: "OIDC_SECRET" }],
    ["${file:secrets/oidc.txt}", { kind: "file", path: "secrets/oidc.txt" }],
    ["literal", undefined],
    ["${env:}", undefined],
    ["${vault:x}", undefined],
    ["prefix ${env:X}", undefined],
  ])("%s", (text, ref) => {
    expect(parseSecretRef(text)).toEqual(ref);
  });

  it("resolves from the environment", () => {
    expect(resolveSecret("${env:S}", { env: { S: "v@lue" }, specFile })).toBe("v@lue");
  });

  it("resolves a file relative to the spec, without its final newline", () => {
    writeFileSync(join(dir, "secret.txt"), "from-file\n", { mode: 0o600 });
    expect(resolveSecret("${file:secret.txt}", { env: {}, specFile })).toBe("from-file");
  });

  it("says which variable is missing, and only then", () => {
    expect(() => resolveSecret("${env:NOPE}", { env: {}, specFile })).toThrow(
      /clientSecret \$\{env:NOPE\}: environment variable NOPE is not set/,
    );
  });

  it("says which file cannot be read", () => {
    expect(() => resolveSecret("${file:missing.txt}", { env: {}, specFile })).toThrow(
      /clientSecret \$\{file:missing.txt\}: .*missing.txt: file not found/,
    );
  });

  it("rejects a value the API would reject without showing it", () => {
    const secret = "bad\u0007secret";
    let message = "";
    try {
      resolveSecret("${env:S}", { env: { S: secret }, specFile });
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/printable ASCII/);
    expect(message).not.toContain("secret\u0007");
    expect(message).not.toContain(secret);
  });

  it("warns about a secret file others can read", () => {
    writeFileSync(join(dir, "open.txt"), "x");
    chmodSync(join(dir, "open.txt"), 0o644);
    expect(secretFileWarning("${file:open.txt}", specFile)).toMatch(
      /readable by group or others \(mode 644\)/,
    );
    chmodSync(join(dir, "open.txt"), 0o600);
    expect(secretFileWarning("${file:open.txt}", specFile)).toBeUndefined();
    expect(secretFileWarning("${env:X}", specFile)).toBeUndefined();
  });

  it("locates that warning at the clientSecret line of the spec", () => {
    writeFileSync(join(dir, "open.txt"), "x");
    chmodSync(join(dir, "open.txt"), 0o644);
    const file = join(dir, "located.yaml");
    writeFileSync(
      file,
      yaml(spec({ workforce: { oidcConfig: oidcConfig({ clientSecret: "${file:open.txt}" }) } })),
    );
    const warning = loadSpecFile(file).diagnostics.find((d) => d.severity === "warning");
    const line = readFileSync(file, "utf8")
      .split("\n")
      .findIndex((l) => l.includes("clientSecret:"));
    expect(warning).toMatchObject({
      line: line + 1,
      path: "workforce.oidcConfig.clientSecret",
      message: expect.stringMatching(/readable by group or others/),
    });
    expect(warning!.column).toBeGreaterThan(0);
  });
});

describe("resolving a secret, every way it can go wrong", () => {
  it("refuses a value that is not a reference", () => {
    expect(() => resolveSecret("hunter2", { env: {}, specFile })).toThrow(
      "clientSecret: hunter2 is not a secret reference",
    );
  });

  it("takes an empty variable for an unset one, and says what to do", () => {
    let error: UserError | undefined;
    try {
      resolveSecret("${env:EMPTY}", { env: { EMPTY: "" }, specFile });
    } catch (e) {
      error = e as UserError;
    }
    expect(error).toBeInstanceOf(UserError);
    expect(error!.message).toBe("clientSecret ${env:EMPTY}: environment variable EMPTY is not set");
    expect(error!.hint).toBe(
      "export EMPTY before running wfplan (the OIDC client secret is needed to send the OIDC config)",
    );
  });

  it("names the file it cannot read, with the reader's hint", () => {
    let error: UserError | undefined;
    try {
      resolveSecret("${file:missing.txt}", { env: {}, specFile });
    } catch (e) {
      error = e as UserError;
    }
    expect(error!.message).toBe(
      `clientSecret \${file:missing.txt}: ${join(dir, "missing.txt")}: file not found`,
    );
    expect(error!).toHaveProperty("hint");
  });

  it("drops only the file's last line ending, CRLF too", () => {
    writeFileSync(join(dir, "crlf.txt"), "from-file\r\n", { mode: 0o600 });
    expect(resolveSecret("${file:crlf.txt}", { env: {}, specFile })).toBe("from-file");
    writeFileSync(join(dir, "two.txt"), "a\nb\n", { mode: 0o600 });
    expect(() => resolveSecret("${file:two.txt}", { env: {}, specFile })).toThrow(
      /the secret must be 1-1024 printable ASCII characters/,
    );
    writeFileSync(join(dir, "two-unended.txt"), "a\nb", { mode: 0o600 });
    expect(() => resolveSecret("${file:two-unended.txt}", { env: {}, specFile })).toThrow(
      /the secret must be 1-1024 printable ASCII characters/,
    );
  });

  it("names a folder it will not read, with the reader's hint", () => {
    mkdirSync(join(dir, "secret-folder"), { recursive: true });
    let error: UserError | undefined;
    try {
      resolveSecret("${file:secret-folder}", { env: {}, specFile });
    } catch (e) {
      error = e as UserError;
    }
    expect(error).toBeInstanceOf(UserError);
    expect(error!.message).toBe(
      `clientSecret \${file:secret-folder}: ${join(dir, "secret-folder")}: is a directory, not a regular file`,
    );
    expect(error!.hint).toBe("wfplan reads regular files only");
  });

  it("warns that a secret 'file' that is a folder will not be read", () => {
    mkdirSync(join(dir, "folder"), { recursive: true });
    expect(secretFileWarning("${file:folder}", specFile)).toBe(
      `secret file ${join(dir, "folder")} is not a regular file; wfplan will not read it`,
    );
    expect(secretFileWarning("not a reference", specFile)).toBeUndefined();
  });

  it("warns that a secret file too large to be one will not be read (a sparse 2 GiB file)", () => {
    const big = join(dir, "big.txt");
    writeFileSync(big, "", { mode: 0o600 });
    truncateSync(big, 2 * 1024 ** 3);
    expect(secretFileWarning("${file:big.txt}", specFile)).toBe(
      `secret file ${big} is 2048.0 MiB; a secret file is at most 64 KiB, and wfplan will not read it`,
    );
    truncateSync(big, 64 * 1024);
    expect(secretFileWarning("${file:big.txt}", specFile)).toBeUndefined();
  });
});
