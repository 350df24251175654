/**
 * wfplan as a library, as a script uses it: `import ... from "wfplan"` resolves through the
 * package's `exports` to the built dist/lib/index.js (not to src/), in a Node process of its own.
 */
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { expect, it } from "vitest";
import { spec, yaml } from "../builders.ts";
import { tempFile } from "../helpers/cli.ts";
import { emulator, mutations } from "../helpers/emulator.ts";

const ROOT = resolve(import.meta.dirname, "../..");

it("plans and applies from a script through the package's exports", async () => {
  const emu = await emulator();
  const file = tempFile("workforce.yaml", yaml(spec()));
  const { stdout, stderr } = await promisify(execFile)(
    process.execPath,
    [join(ROOT, "examples/library.mjs"), file, "--endpoint-url", emu.url],
    {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH,
        AWS_REGION: "us-east-1",
        AWS_ACCESS_KEY_ID: "test",
        AWS_SECRET_ACCESS_KEY: "test",
        WFPLAN_OIDC_CLIENT_SECRET: "library-secret",
        HOME: process.env.HOME,
      },
    },
  );
  expect(stderr).toBe("");
  expect(stdout).toContain('wfplan plan for workforce "labelers" in us-east-1');
  expect(stdout).toMatch(/applied and verified\n$/);
  expect(mutations(emu).map((c) => c.operation)).toEqual(["CreateWorkforce"]);
  // The package says where a script's import goes; the example imports by the package's name.
  const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));
  expect(pkg.exports["."]).toEqual({
    types: "./dist/types/index.d.ts",
    import: "./dist/lib/index.js",
  });
  expect(readFileSync(join(ROOT, "examples/library.mjs"), "utf8")).toContain('from "wfplan"');
});
