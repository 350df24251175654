/**
 * A corpus of broken specs (test/fixtures/bad-specs: NN-name.yaml, with the message it must give
 * in NN-name.expect), plus a huge file: each exits 1 with a located message, prints no stack
 * trace, and makes no API call.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { STACK_LINE, tempFile, wfplanAsync } from "../helpers/cli.ts";
import { emulator } from "../helpers/emulator.ts";

const DIR = "test/fixtures/bad-specs";
const corpus = readdirSync(DIR)
  .filter((f) => f.endsWith(".yaml"))
  .sort()
  .map((f) => ({
    file: join(DIR, f),
    expect: readFileSync(join(DIR, f.replace(/\.yaml$/, ".expect")), "utf8").trim(),
  }));

describe("bad input", () => {
  it("has a corpus of at least 60 broken specs", () => {
    expect(corpus.length).toBeGreaterThanOrEqual(60);
  });

  it.each(corpus)(
    "$file: exit 1, located, no stack trace, no API call",
    async ({ file, expect: message }) => {
      const emu = await emulator();
      const r = await wfplanAsync(["plan", "-f", file, "--endpoint-url", emu.url], {
        WFPLAN_OIDC_CLIENT_SECRET: "x",
      });
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(message);
      // file:line:column for what is in the file; the file alone for what concerns all of it.
      expect(r.stderr).toMatch(new RegExp(`${file.replace(/[.]/g, "\\.")}(:\\d+:\\d+)?: error: `));
      expect(r.stdout + r.stderr).not.toMatch(STACK_LINE);
      expect(emu.calls).toEqual([]);
    },
  );

  it("a huge file is refused without being parsed", async () => {
    const file = tempFile("huge.yaml", `version: 1\n# ${"x".repeat(3 * 1024 * 1024)}\n`);
    const r = await wfplanAsync(["validate", "-f", file]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("the file is 3.0 MiB; at most 256 KiB is allowed");
  });
});
