/**
 * The OIDC client secret must appear in no output, log, plan file, backup or state file: every
 * command and format runs here with debug logging on and faults injected, and everything they
 * leave behind is searched for the secret.
 */
import {
  chmodSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { oidcConfig, spec, yaml } from "../builders.ts";
import { type RunResult, wfplanAsync } from "../helpers/cli.ts";
import { startEmulatorProcess } from "../helpers/process.ts";

const SECRET = "s3cr3t-Zebra-9f2K";

/** Every file under a folder, recursively. */
function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name)) : [join(dir, e.name)],
  );
}

describe("the client secret leaks nowhere", () => {
  it("in any command, format, fault or file, with debug logging on", async () => {
    const dir = mkdtempSync(join(tmpdir(), "wfplan-leak-"));
    // The secret comes from a file reference in one spec and from the environment in the other.
    writeFileSync(join(dir, "secret.txt"), `${SECRET}\n`);
    chmodSync(join(dir, "secret.txt"), 0o600);
    const fromFile = join(dir, "file.yaml");
    const fromEnv = join(dir, "workforce.yaml");
    const base = {
      region: "us-east-1",
      workteams: [
        {
          name: "annotators",
          description: "d",
          memberDefinitions: [{ oidcMemberDefinition: { groups: ["a"] } }],
        },
      ],
    };
    writeFileSync(
      fromFile,
      yaml({
        ...base,
        ...spec({ workforce: { oidcConfig: oidcConfig({ clientSecret: "${file:secret.txt}" }) } }),
      }),
    );
    writeFileSync(
      fromEnv,
      yaml({
        ...base,
        ...spec({ workforce: { oidcConfig: oidcConfig({ issuer: "https://login.example.com" }) } }),
        policy: { allowWorkteamDeletion: true },
      }),
    );

    const state = join(dir, "emulator-state.json");
    const emu = await startEmulatorProcess(
      [
        "--state",
        state,
        "--update-delay-ms",
        "200",
        "--throttle-every",
        "5",
        "--fail-update",
        "rejected by the identity provider",
      ],
      { WFPLAN_DEBUG: "1" },
    );
    const env = { WFPLAN_DEBUG: "1", WFPLAN_OIDC_CLIENT_SECRET: SECRET };
    const runs: RunResult[] = [];
    /** How many times a ClientSecret reached the emulator (it keeps the count, never the secret). */
    const sent = () =>
      JSON.parse(readFileSync(state, "utf8")).workforces[0]?.secretUpdates ?? (0 as number);
    /**
     * Runs wfplan and checks that it got as far as it should: its exit code, and, for runs that
     * must use the secret, that the secret was sent (`sends`) or resolved for the plan (`shows`).
     */
    const run = async (
      want: { code: number; sends?: boolean; shows?: string },
      ...args: string[]
    ) => {
      const before = existsSync(state) ? sent() : 0;
      const r = await wfplanAsync([...args], env, dir);
      runs.push(r);
      expect(r.code, `wfplan ${args.join(" ")}\n${r.stdout}${r.stderr}`).toBe(want.code);
      if (want.sends) expect(sent(), `wfplan ${args.join(" ")} sent the secret`).toBe(before + 1);
      if (want.shows) expect(r.stdout).toContain(want.shows);
      return r;
    };
    const e = ["--endpoint-url", emu.url];
    const fromFileRef = "(sensitive) from ${file:secret.txt}";
    const fromEnvRef = "(sensitive) from ${env:WFPLAN_OIDC_CLIENT_SECRET}";

    await run({ code: 0 }, "validate", "-f", fromFile);
    await run({ code: 0 }, "validate", "-f", fromFile, "--format", "json");
    // A plan that must send the secret resolves it (and only says where it comes from).
    await run({ code: 0, shows: fromFileRef }, "plan", "-f", fromFile, ...e);
    await run({ code: 0, sends: true }, "apply", "-f", fromFile, "--auto-approve", ...e);
    await run({ code: 0, shows: '"(sensitive)"' }, "plan", "-f", fromEnv, ...e, "--format", "json");
    await run({ code: 0, shows: fromEnvRef }, "plan", "-f", fromEnv, ...e, "--format", "markdown");
    await run(
      { code: 0, shows: fromEnvRef },
      "plan",
      "-f",
      fromEnv,
      ...e,
      "--out",
      join(dir, "plan.json"),
      "--rotate-client-secret",
    );
    // The first update fails (injected), after the workteam was backed up and deleted...
    await run({ code: 1, sends: true }, "apply", "-f", fromEnv, "--auto-approve", ...e);
    await run(
      { code: 0 },
      "restore",
      join(dir, ".wfplan/backups", readdirSync(join(dir, ".wfplan/backups"))[0]!),
      ...e,
    );
    // ...and the next one, told to send the OIDC config again over the restored team, converges.
    await run(
      { code: 0, sends: true },
      "apply",
      "-f",
      fromEnv,
      "--auto-approve",
      "--rotate-client-secret",
      "--format",
      "json",
      ...e,
    );
    await run(
      { code: 0, sends: true },
      "apply",
      "-f",
      fromEnv,
      "--auto-approve",
      "--rotate-client-secret",
      ...e,
    );
    await run(
      { code: 0, shows: fromEnvRef },
      "plan",
      "-f",
      fromEnv,
      ...e,
      "--out",
      join(dir, "plan2.json"),
      "--rotate-client-secret",
    );
    await run({ code: 0, sends: true }, "apply", join(dir, "plan2.json"), ...e);
    await run(
      { code: 0 },
      "import",
      "--name",
      "labelers",
      "--out",
      join(dir, "imported.yaml"),
      "--region",
      "us-east-1",
      ...e,
    );
    await run({ code: 0, shows: "No changes." }, "plan", "-f", join(dir, "imported.yaml"), ...e);
    await emu.stop();

    // The runs did what they should, with debug logging (so the check below has something to search).
    expect(runs.map((r) => r.stderr).join("")).toContain("[wfplan debug] info");
    expect(runs.map((r) => r.stderr).join("")).toContain("***SensitiveInformation***");
    for (const [i, r] of runs.entries()) {
      expect(r.stdout, `run ${i} stdout`).not.toContain(SECRET);
      expect(r.stderr, `run ${i} stderr`).not.toContain(SECRET);
    }
    expect(emu.output()).not.toContain(SECRET);
    const written = files(dir).filter((f) => !f.endsWith("secret.txt"));
    expect(written.map((f) => f.replace(dir, ""))).toEqual(
      expect.arrayContaining(["/plan.json", "/emulator-state.json", "/imported.yaml"]),
    );
    expect(written.some((f) => f.includes(".wfplan/backups/"))).toBe(true);
    for (const f of written) {
      expect(readFileSync(f, "utf8"), f).not.toContain(SECRET);
    }
    // Plan files and backups are private to the user.
    for (const f of written.filter(
      (x) => x.endsWith("plan.json") || x.includes(".wfplan/backups/"),
    )) {
      expect(statSync(f).mode & 0o777, f).toBe(0o600);
    }
  }, 180_000);
});
