/**
 * `npm run demo` is the first thing a newcomer runs: `wfplan demo` and `wfplan demo --fleet`, as CI
 * runs them (no terminal), end to end against their embedded emulator and local OpenID provider.
 */
import { describe, expect, it } from "vitest";
import { STACK_LINE, wfplanAsync } from "../helpers/cli.ts";

const SECRET = "demo-secret-Vq7-never-shown";

describe("wfplan demo", () => {
  it("plans with passing preflight checks, applies the whole cycle and verifies it", async () => {
    const r = await wfplanAsync(["demo"], { WFPLAN_DEMO_CLIENT_SECRET: SECRET });
    expect(r.stderr).not.toMatch(STACK_LINE);
    expect(r.stdout).toContain("Preflight: 2 checks passed (oidc-discovery, oidc-jwks).");
    expect(r.stdout).toContain("Security-relevant: 2 destructive");
    expect(r.stdout).toMatch(/Verified/);
    expect(r.stdout).toContain("Demo finished.");
    expect(`${r.stdout}${r.stderr}`).not.toContain(SECRET);
    expect(r.code).toBe(0);
  });

  it("--fleet: three targets in two accounts, the canary first, each verified", async () => {
    const r = await wfplanAsync(["demo", "--fleet"], { WFPLAN_DEMO_CLIENT_SECRET: SECRET });
    expect(r.stderr).not.toMatch(STACK_LINE);
    const summary = r.stdout.slice(r.stdout.indexOf("Fleet summary"));
    expect(summary).toMatch(/111111111111\/us-east-1 +0 to add, 1 to change/);
    expect(summary).toMatch(/111111111111\/eu-central-1 +no changes/);
    expect(summary).toMatch(
      /222222222222\/us-west-2 +0 to add, 1 to change, 0 to delete, 2 to recreate/,
    );
    // The canary ends before any other target starts.
    const canaryEnd = r.stdout.indexOf("[111111111111/us-east-1] ✓ succeeded");
    expect(canaryEnd).toBeGreaterThan(0);
    expect(r.stdout.indexOf("[222222222222/us-west-2] applying")).toBeGreaterThan(canaryEnd);
    expect(r.stdout).toContain("3 targets: 3 succeeded, 0 failed, 0 interrupted, 0 not started.");
    expect(`${r.stdout}${r.stderr}`).not.toContain(SECRET);
    expect(r.code).toBe(0);
  });
});
