/**
 * wfplan as users get it: the package `npm pack` makes, installed globally into an empty prefix
 * without the registry, then run from there.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import pkg from "../../package.json" with { type: "json" };
import { startEmulatorProcess } from "../helpers/process.ts";

const work = mkdtempSync(join(tmpdir(), "wfplan-package-"));
const prefix = join(work, "prefix");
let files: string[] = [];

beforeAll(() => {
  // `npm test` has built dist/; packing again would only build it again.
  const [packed] = JSON.parse(
    execFileSync("npm", ["pack", "--ignore-scripts", "--json", "--pack-destination", work], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
    }),
  );
  files = packed.files.map((f: { path: string }) => f.path);
  // --offline: the package needs nothing but itself.
  execFileSync(
    "npm",
    [
      "install",
      "--global",
      "--prefix",
      prefix,
      "--offline",
      "--no-audit",
      "--no-fund",
      join(work, packed.filename),
    ],
    { stdio: "ignore" },
  );
}, 60_000);
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe("the tarball", () => {
  it("holds what runs and what users read", () => {
    for (const file of [
      "bin/wfplan.js",
      "dist/wfplan.cjs",
      "dist/wfplan.cjs.cache",
      "dist/tui.js",
      "dist/lib/index.js",
      "dist/types/index.d.ts",
      "schema/workforce.schema.json",
      "examples/minimal.yaml",
      "docs/plan-json.md",
      "README.md",
      "LICENSE",
      "CHANGELOG.md",
      "package.json",
    ]) {
      expect(files).toContain(file);
    }
  });

  it("holds no test, fixture, TypeScript source or build script", () => {
    const unwanted = files.filter(
      (f) =>
        /^(test|src|scripts|bench|reports|\.ci)\//.test(f) ||
        /fixture/.test(f) ||
        (/\.tsx?$/.test(f) && !f.endsWith(".d.ts")),
    );
    expect(unwanted).toEqual([]);
  });
});

describe("the installed package", () => {
  const installed = join(prefix, "lib", "node_modules", "wfplan");
  const run = (args: string[], env: NodeJS.ProcessEnv = {}) => {
    const r = spawnSync(join(prefix, "bin", "wfplan"), args, {
      encoding: "utf8",
      cwd: work,
      env: { ...process.env, CI: "true", XDG_CACHE_HOME: join(work, "cache"), ...env },
    });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  };

  it("depends on nothing", () => {
    expect(existsSync(join(installed, "node_modules"))).toBe(false);
    expect(pkg).not.toHaveProperty("dependencies");
  });

  it("prints its version", () => {
    expect(run(["--version"])).toEqual({ code: 0, stdout: `${pkg.version}\n`, stderr: "" });
  });

  it("validates the example it ships", () => {
    const r = run(["validate", "-f", join(installed, "examples", "minimal.yaml")]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/✓ .*minimal\.yaml is valid/);
  });

  it("plans against the emulator, and writes nothing where it is installed", async () => {
    const before = readdirSync(installed, { recursive: true }).sort();
    const emu = await startEmulatorProcess([]);
    const r = run(
      [
        "plan",
        "-f",
        join(installed, "examples", "minimal.yaml"),
        "--endpoint-url",
        emu.url,
        "--region",
        "us-east-1",
        "--detailed-exitcode",
      ],
      {
        AWS_ACCESS_KEY_ID: "test",
        AWS_SECRET_ACCESS_KEY: "test",
        WFPLAN_OIDC_CLIENT_SECRET: "s3cret",
      },
    );
    expect(r.stderr).toBe("");
    expect(r.code).toBe(2);
    expect(r.stdout).toContain('+ create workforce "labelers"');
    expect(readdirSync(installed, { recursive: true }).sort()).toEqual(before);
  });
});
