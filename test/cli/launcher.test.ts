/**
 * bin/wfplan.js compiles dist/wfplan.cjs with the V8 code cache the build recorded. The cache is an
 * optimisation only: a stale, damaged or missing one must never change what wfplan does.
 */
import { spawnSync } from "node:child_process";
import {
  appendFileSync,
  cpSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import pkg from "../../package.json" with { type: "json" };
import { spec, workteam, yaml } from "../builders.ts";
import { STACK_LINE, tempFile, wfplan } from "../helpers/cli.ts";
import { startEmulatorProcess } from "../helpers/process.ts";

/** A copy of the launcher and its bundle that a test may damage. */
function copyOfTheBuild(): string {
  const root = mkdtempSync(join(tmpdir(), "wfplan-launcher-"));
  onTestFinished(() => rmSync(root, { recursive: true, force: true }));
  cpSync("bin", join(root, "bin"), { recursive: true });
  cpSync("dist", join(root, "dist"), { recursive: true });
  return root;
}

function run(root: string, args: string[], env: NodeJS.ProcessEnv = { WFPLAN_DEBUG: "1" }) {
  const r = spawnSync(process.execPath, [join(root, "bin", "wfplan.js"), ...args], {
    encoding: "utf8",
    env: { ...process.env, CI: "true", ...env },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("the launcher's code cache", () => {
  it("the build records one that this Node accepts", () => {
    const r = wfplan(["--version"], { WFPLAN_DEBUG: "1" });
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(pkg.version);
    expect(r.stderr).toContain("wfplan: code cache used");
  });

  it("is ignored when it was recorded for another build of the bundle", () => {
    const root = copyOfTheBuild();
    appendFileSync(join(root, "dist", "wfplan.cjs"), "\n// rebuilt\n");
    const r = run(root, ["--version"]);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(pkg.version);
    expect(r.stderr).toContain("code cache stale");
  });

  it("is ignored when V8 refuses it (damaged, or written by another Node)", () => {
    const root = copyOfTheBuild();
    const cacheFile = join(root, "dist", "wfplan.cjs.cache");
    const cache = readFileSync(cacheFile);
    // Keep the header that names the bundle, damage what V8 reads.
    cache.fill(0x5a, 32 + 16);
    writeFileSync(cacheFile, cache);
    const r = run(root, ["validate", "-f", "examples/minimal.yaml"]);
    expect(r.stderr).toContain("code cache rejected by V8");
    expect(r.stderr).not.toMatch(STACK_LINE);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("✓ examples/minimal.yaml is valid");
  });

  it("is optional", () => {
    const root = copyOfTheBuild();
    rmSync(join(root, "dist", "wfplan.cjs.cache"));
    const r = run(root, ["--version"]);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(pkg.version);
    expect(r.stderr).toContain("code cache missing");
  });

  it("without a build, says how to make one", () => {
    const root = copyOfTheBuild();
    rmSync(join(root, "dist"), { recursive: true });
    const r = run(root, ["--version"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      "wfplan is not built yet: run `npm run build` (npm ci does it for you).\n",
    );
  });
});

describe("the build", () => {
  it("plans and applies without a terminal with the Ink UI module gone: it is never loaded there", async () => {
    const root = copyOfTheBuild();
    const ui = readdirSync(join(root, "dist")).filter((f) => f.startsWith("tui"));
    expect(ui).toContain("tui.js");
    for (const f of ui) rmSync(join(root, "dist", f));
    const emu = await startEmulatorProcess(["--create-delay-ms", "0", "--update-delay-ms", "0"]);
    const file = tempFile("workforce.yaml", yaml(spec({ workteams: [workteam()] })));
    const env = {
      AWS_ACCESS_KEY_ID: "test",
      AWS_SECRET_ACCESS_KEY: "test",
      AWS_REGION: "us-east-1",
      WFPLAN_OIDC_CLIENT_SECRET: "s3cret-value",
    };
    const aws = ["-f", file, "--endpoint-url", emu.url];
    const apply = run(root, ["apply", ...aws, "--auto-approve"], env);
    expect(apply.stderr).toBe("");
    expect(apply.stdout).toContain("Apply complete");
    for (const format of ["text", "json", "markdown"]) {
      const plan = run(root, ["plan", ...aws, "--format", format, "--detailed-exitcode"], env);
      expect({ format, code: plan.code, stderr: plan.stderr }).toEqual({
        format,
        code: 0,
        stderr: "",
      });
    }
  });
});
