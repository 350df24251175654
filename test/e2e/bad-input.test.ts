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
/** Each fixture with the message it must give, and whether that concerns the whole file (no line). */
const corpus = readdirSync(DIR)
  .filter((f) => f.endsWith(".yaml"))
  .sort()
  .map((f) => {
    const [message, scope] = readFileSync(join(DIR, f.replace(/\.yaml$/, ".expect")), "utf8")
      .trim()
      .split("\n");
    return { file: join(DIR, f), expect: message!, wholeFile: scope === "(the whole file)" };
  });

/** stderr as diagnostics: each a header line `FILE[:LINE:COL]: error: …` and the lines under it. */
function diagnostics(stderr: string, file: string) {
  const header = new RegExp(`^${file.replace(/[.]/g, "\\.")}(:\\d+:\\d+)?: error: `);
  const blocks: { located: boolean; text: string }[] = [];
  for (const line of stderr.split("\n")) {
    const m = header.exec(line);
    if (m) blocks.push({ located: m[1] !== undefined, text: line.slice(m[0].length) });
    // The code frame quotes the file: a message is not found in the file's own text.
    else if (blocks.length && !/^\s*\d* \|/.test(line)) blocks.at(-1)!.text += `\n${line}`;
  }
  return blocks;
}

describe("bad input", () => {
  it("has a corpus of at least 60 broken specs", () => {
    expect(corpus.length).toBeGreaterThanOrEqual(60);
  });

  it.each(corpus)(
    "$file: exit 1, located, no stack trace, no API call",
    async ({ file, expect: message, wholeFile }) => {
      const emu = await emulator();
      const r = await wfplanAsync(["plan", "-f", file, "--endpoint-url", emu.url], {
        WFPLAN_OIDC_CLIENT_SECRET: "x",
      });
      expect(r.code).toBe(1);
      // The message is in a diagnostic's own words (the file's name, printed with each, aside),
      // at file:line:column — or at the file alone for what concerns all of it.
      const found = diagnostics(r.stderr, file).find((d) => d.text.includes(message));
      expect(found, r.stderr).toBeDefined();
      expect(found!.located, r.stderr).toBe(!wholeFile);
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

  // One line as long as the file may be: each diagnostic quotes it (its secrets redacted), which
  // once took time in the square of its length (108 s). The bound is for a busy machine; it now
  // takes a fraction of a second (bench: "time of validate, slowest 256 KiB file").
  it.each([
    ["a value", (n: number) => `  name: ${"k".repeat(n)}\n`, "workforce.name"],
    ["a key", (n: number) => `  ${"k".repeat(n)}: x\n`, "YAML syntax error"],
    [
      "a secret's value",
      (n: number) => `  clientSecret: ${"k".repeat(n)}\n`,
      "clientSecret: <redacted>",
    ],
    [
      "one word of secret-secret-…",
      (n: number) => `  name: ${"secret-".repeat(Math.floor(n / 7))}\n`,
      "workforce.name",
    ],
  ])("one 256 KiB line (%s) is reported at once, its code frame cut", async (_, line, message) => {
    const head = "version: 1\nworkforce:\n";
    const file = tempFile("long.yaml", head + line(256 * 1024 - head.length - 40));
    const started = Date.now();
    const r = await wfplanAsync(["validate", "-f", file]);
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(message);
    expect(r.stdout.length).toBeLessThan(4000);
    expect(r.stdout + r.stderr).not.toMatch(STACK_LINE);
  });
});
