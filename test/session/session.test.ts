/**
 * The sessions, as a script calls them: the plan session reads the secret only when the plan
 * sends it; the apply session runs the prepared plan, closes the backups only
 * once verify has found the live state as it should be, and stops on its signal.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readBackup } from "../../src/apply/backup.ts";
import { planOptions } from "../../src/core/plan.ts";
import { InterruptedError } from "../../src/errors.ts";
import { applySession } from "../../src/session/apply.ts";
import { planSession } from "../../src/session/plan.ts";
import { oidcConfig, type Raw, validSpec } from "../builders.ts";
import { emulator, mutations, sdk, seedWorkforce } from "../helpers/emulator.ts";

async function prepared(workforce: Raw = {}) {
  const emu = await emulator({ updateDelayMs: 0 });
  const client = sdk(emu);
  await seedWorkforce(client, ["annotators"]);
  const spec = validSpec({ workforce });
  const p = await planSession({
    client,
    region: "us-east-1",
    spec,
    specFile: "w.yaml",
    options: planOptions(spec, { allowWorkteamDeletion: true }),
    backupDir: mkdtempSync(join(tmpdir(), "wfplan-session-")),
    env: { WFPLAN_OIDC_CLIENT_SECRET: "session-secret" },
    preflight: false, // tests of the checks: test/preflight, test/e2e/preflight.test.ts
  });
  return { emu, p };
}

describe("applySession", () => {
  it("applies, verifies, and closes the backup it wrote", async () => {
    const { emu, p } = await prepared({
      oidcConfig: oidcConfig({ issuer: "https://new.example.com" }),
    });
    const seen: string[] = [];
    const result = await applySession(p, {
      waitTimeoutMs: 60_000,
      onEvent: (e) => seen.push(e.type),
    });
    expect(result.verified).toBe(true);
    expect(result.remaining).toEqual([]);
    expect(seen.filter((t) => t === "step-done")).toHaveLength(p.plan.steps.length);
    expect(readBackup(result.backupFile!).completedAt).toMatch(/^\d{4}-/);
    expect(mutations(emu).map((c) => c.operation)).toContain("UpdateWorkforce");
  });

  it("verifies nothing, and says so, for a plan without steps", async () => {
    const { emu, p } = await prepared();
    expect(p.plan.steps).toEqual([]);
    const mark = emu.calls.length;
    const result = await applySession(p, { waitTimeoutMs: 60_000 });
    expect(result).toMatchObject({ verified: false, remaining: [], completed: [] });
    expect(emu.calls.length).toBe(mark);
  });

  it("stops before the first step when its signal is aborted, and changes nothing", async () => {
    const { emu, p } = await prepared({ sourceIpConfig: { cidrs: ["10.1.0.0/16"] } });
    const stop = new AbortController();
    stop.abort();
    const mark = emu.calls.length;
    await expect(
      applySession(p, { waitTimeoutMs: 60_000, signal: stop.signal }),
    ).rejects.toBeInstanceOf(InterruptedError);
    expect(mutations(emu, mark)).toEqual([]);
  });
});

describe("planSession", () => {
  /** An environment that counts how often the secret's variable is read. */
  function counting() {
    const reads: string[] = [];
    const env = new Proxy({ WFPLAN_OIDC_CLIENT_SECRET: "session-secret" } as NodeJS.ProcessEnv, {
      get(target, name) {
        if (typeof name === "string") reads.push(name);
        return target[name as string];
      },
    });
    return { env, reads };
  }

  async function planWith(workforce: Raw, env: NodeJS.ProcessEnv) {
    const emu = await emulator({ updateDelayMs: 0 });
    const client = sdk(emu);
    await seedWorkforce(client, []);
    const spec = validSpec({ workforce });
    return planSession({
      client,
      region: "us-east-1",
      spec,
      specFile: "w.yaml",
      options: planOptions(spec),
      backupDir: mkdtempSync(join(tmpdir(), "wfplan-session-")),
      env,
      preflight: false,
    });
  }

  it("reads the secret only for a plan that sends it", async () => {
    const quiet = counting();
    const narrower = await planWith({ sourceIpConfig: { cidrs: ["10.1.0.0/16"] } }, quiet.env);
    expect(narrower.plan.sendsSecret).toBe(false);
    expect(quiet.reads).not.toContain("WFPLAN_OIDC_CLIENT_SECRET");
    const sending = counting();
    const rotated = await planWith(
      { oidcConfig: oidcConfig({ issuer: "https://new.example.com" }) },
      sending.env,
    );
    expect(rotated.plan.sendsSecret).toBe(true);
    expect(sending.reads).toContain("WFPLAN_OIDC_CLIENT_SECRET");
    expect(rotated.plan.blockers).toEqual([]);
  });

  it("blocks a plan that sends a secret it cannot read, and leaves it without steps", async () => {
    const p = await planWith({ oidcConfig: oidcConfig({ issuer: "https://new.example.com" }) }, {});
    expect(p.plan.blockers.map((b) => [b.code, b.path])).toEqual([
      ["secret-unavailable", "workforce.oidcConfig.clientSecret"],
    ]);
    expect(p.plan.steps).toEqual([]);
  });
});
