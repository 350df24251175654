import { chmodSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseSecretRef } from "../../src/spec/secret-ref.ts";
import { resolveSecret, secretFileWarning } from "../../src/spec/secrets.ts";

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
      /cannot read .*missing.txt \(ENOENT\)/,
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
});
