/**
 * bin/wfplan.js compiles dist/wfplan.cjs with the V8 code cache the build recorded. The cache is an
 * optimisation only: a stale, damaged or missing one must never change what wfplan does.
 */
import { spawnSync } from "node:child_process";
import {
  appendFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import pkg from "../../package.json" with { type: "json" };
import { spec, workteam, yaml } from "../builders.ts";
import { STACK_LINE, tempFile, wfplan } from "../helpers/cli.ts";
import { startEmulatorProcess } from "../helpers/process.ts";

/** A copy of the launcher and its bundle that a test may damage, and a user cache folder. */
function copyOfTheBuild(): { root: string; cacheHome: string } {
  const root = mkdtempSync(join(tmpdir(), "wfplan-launcher-"));
  onTestFinished(() => rmSync(root, { recursive: true, force: true }));
  cpSync("bin", join(root, "bin"), { recursive: true });
  cpSync("dist", join(root, "dist"), { recursive: true });
  return { root, cacheHome: join(root, "user-cache") };
}

function run(
  { root, cacheHome }: { root: string; cacheHome: string },
  args: string[],
  env: NodeJS.ProcessEnv = {},
) {
  const r = spawnSync(process.execPath, [join(root, "bin", "wfplan.js"), ...args], {
    encoding: "utf8",
    env: { ...process.env, CI: "true", WFPLAN_DEBUG: "1", XDG_CACHE_HOME: cacheHome, ...env },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Every file under `dir`, with its size. */
function filesIn(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => {
      const file = join(e.parentPath, e.name);
      return `${file} ${readFileSync(file).length}`;
    })
    .sort();
}

const USED_PERSONAL =
  /wfplan: code cache used \(.*user-cache\/wfplan\/[0-9a-f]{16}-node.*\.cache\)\n/;
const RECORDED =
  /wfplan: code cache recorded \(.*user-cache\/wfplan\/[0-9a-f]{16}-node.*\.cache\)\n/;

describe("the launcher's code cache", () => {
  it("the build records one that this Node accepts", () => {
    const r = wfplan(["--version"], { WFPLAN_DEBUG: "1" });
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(pkg.version);
    expect(r.stderr).toContain("wfplan: code cache used");
    expect(r.stderr).not.toContain("recorded");
  });

  it("when the build's cache does not serve, one is recorded in the user's cache folder on first use, and used from then on", () => {
    const build = copyOfTheBuild();
    // A cache recorded for another build of the bundle (as one from another Node) does not serve.
    appendFileSync(join(build.root, "dist", "wfplan.cjs"), "\n// rebuilt\n");
    const installed = filesIn(build.root);
    const first = run(build, ["--version"]);
    expect(first.code).toBe(0);
    expect(first.stdout.trim()).toBe(pkg.version);
    expect(first.stderr).toMatch(/^wfplan: code cache missing\n/);
    expect(first.stderr).toMatch(RECORDED);
    const second = run(build, ["validate", "-f", "examples/minimal.yaml"]);
    expect(second.code).toBe(0);
    expect(second.stdout).toContain("✓ examples/minimal.yaml is valid");
    expect(second.stderr).toMatch(USED_PERSONAL);
    expect(second.stderr).not.toContain("recorded");
    // Nothing is written where wfplan is installed.
    expect(filesIn(build.root).filter((f) => !f.includes("user-cache"))).toEqual(installed);
    expect(readdirSync(join(build.cacheHome, "wfplan"))).toHaveLength(1);
  });

  it("one recorded by a short command is recorded again by the next plan, once", () => {
    const build = copyOfTheBuild();
    rmSync(join(build.root, "dist", "wfplan.cjs.cache"));
    expect(run(build, ["--version"]).stderr).toMatch(RECORDED);
    const [file] = readdirSync(join(build.cacheHome, "wfplan"));
    const cacheFile = join(build.cacheHome, "wfplan", String(file));
    const short = readFileSync(cacheFile).length;
    // A plan that stops at its spec still runs the plan command's code.
    const missing = ["plan", "-f", join(build.root, "missing.yaml")];
    const plan = run(build, missing);
    expect(plan.code).toBe(1);
    expect(plan.stderr).toMatch(USED_PERSONAL);
    expect(plan.stderr).toMatch(RECORDED);
    expect(readFileSync(cacheFile).length).toBeGreaterThan(short);
    const again = run(build, missing);
    expect(again.stderr).toMatch(USED_PERSONAL);
    expect(again.stderr).not.toContain("recorded");
  });

  it("is ignored when V8 refuses it (damaged, or written by another Node), and recorded anew", () => {
    const build = copyOfTheBuild();
    const cacheFile = join(build.root, "dist", "wfplan.cjs.cache");
    const cache = readFileSync(cacheFile);
    // Keep the header that names the bundle and the Node, damage what V8 reads.
    const header = cache.indexOf(`${process.version}-${process.arch}\0`) + 32;
    cache.fill(0x5a, header);
    writeFileSync(cacheFile, cache);
    const r = run(build, ["validate", "-f", "examples/minimal.yaml"]);
    expect(r.stderr).toMatch(/^wfplan: code cache rejected by V8\n/);
    expect(r.stderr).toMatch(RECORDED);
    expect(r.stderr).not.toMatch(STACK_LINE);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("✓ examples/minimal.yaml is valid");
    // From then on the user's cache serves, not the refused one (recorded every run otherwise).
    const again = run(build, ["validate", "-f", "examples/minimal.yaml"]);
    expect(again.stderr).toMatch(USED_PERSONAL);
    expect(again.stderr).not.toContain("recorded");
  });

  it("forgets caches of other bundles or Nodes that no run has read for 30 days", () => {
    const build = copyOfTheBuild();
    rmSync(join(build.root, "dist", "wfplan.cjs.cache"));
    const folder = join(build.cacheHome, "wfplan");
    mkdirSync(folder, { recursive: true });
    const old = join(folder, "0000000000000000-nodev18.0.0-x64.cache");
    const recent = join(folder, "1111111111111111-nodev18.0.0-x64.cache");
    for (const f of [old, recent]) writeFileSync(f, "cache");
    const longAgo = new Date(Date.now() - 31 * 24 * 3600 * 1000);
    utimesSync(old, longAgo, longAgo);
    expect(run(build, ["--version"]).stderr).toMatch(RECORDED);
    expect(existsSync(old)).toBe(false);
    expect(existsSync(recent)).toBe(true);
    expect(readdirSync(folder)).toHaveLength(2);
  });

  it("takes XDG_CACHE_HOME only when it is absolute, as the XDG spec says", () => {
    const build = copyOfTheBuild();
    rmSync(join(build.root, "dist", "wfplan.cjs.cache"));
    const home = join(build.root, "home");
    const r = run(build, ["--version"], { XDG_CACHE_HOME: "relative/cache", HOME: home });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`code cache recorded (${join(home, ".cache", "wfplan")}/`);
  });

  it("a cache folder that cannot be written changes nothing but speed", () => {
    const build = copyOfTheBuild();
    rmSync(join(build.root, "dist", "wfplan.cjs.cache"));
    writeFileSync(build.cacheHome, "a file where the folder should be");
    const r = run(build, ["--version"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`${pkg.version}\n`);
    expect(r.stderr).toMatch(/^wfplan: code cache missing\nwfplan: code cache not recorded: .*\n$/);
    expect(readdirSync(build.root).sort()).toEqual(["bin", "dist", "user-cache"]);
  });

  it("without a build, says how to make one", () => {
    const build = copyOfTheBuild();
    rmSync(join(build.root, "dist"), { recursive: true });
    const r = run(build, ["--version"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      "wfplan is not built yet: run `npm run build` (npm ci does it for you).\n",
    );
  });
});

describe("the build", () => {
  it("plans and applies without a terminal with the Ink UI module gone: it is never loaded there", async () => {
    const build = copyOfTheBuild();
    const ui = readdirSync(join(build.root, "dist")).filter((f) => f.startsWith("tui"));
    expect(ui).toContain("tui.js");
    for (const f of ui) rmSync(join(build.root, "dist", f));
    const emu = await startEmulatorProcess(["--create-delay-ms", "0", "--update-delay-ms", "0"]);
    const file = tempFile("workforce.yaml", yaml(spec({ workteams: [workteam()] })));
    const env = {
      AWS_ACCESS_KEY_ID: "test",
      AWS_SECRET_ACCESS_KEY: "test",
      AWS_REGION: "us-east-1",
      WFPLAN_OIDC_CLIENT_SECRET: "s3cret-value",
      WFPLAN_DEBUG: "",
    };
    const aws = ["-f", file, "--endpoint-url", emu.url];
    const apply = run(build, ["apply", ...aws, "--auto-approve"], env);
    expect(apply.stderr).toBe("");
    expect(apply.stdout).toContain("Apply complete");
    for (const format of ["text", "json", "markdown"]) {
      const plan = run(build, ["plan", ...aws, "--format", format, "--detailed-exitcode"], env);
      expect({ format, code: plan.code, stderr: plan.stderr }).toEqual({
        format,
        code: 0,
        stderr: "",
      });
    }
  });
});
