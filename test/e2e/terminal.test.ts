/**
 * The interactive apply in a real pseudo-terminal (util-linux `script` allocates it): review the
 * plan, type yes, and watch the apply finish against the emulator.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ListWorkteamsCommand } from "@aws-sdk/client-sagemaker";
import { describe, expect, it } from "vitest";
import type { Emulator } from "../../src/emulator/server.ts";
import { oidcConfig, spec, yaml } from "../builders.ts";
import { emulator, mutations, sdk, seedWorkforce } from "../helpers/emulator.ts";
import { hasScript, type Session, startTerminal } from "../helpers/process.ts";

function terminal(args: string[], cwd: string, env: NodeJS.ProcessEnv): Session {
  return startTerminal(args, { cwd, columns: 120, rows: 40, env });
}

/** `wfplan apply` of an OIDC change in a terminal, at its confirmation prompt. */
async function atPrompt(emu: Emulator, secret: string): Promise<Session> {
  const s = terminal(["apply", "--endpoint-url", emu.url, "--allow-workteam-deletion"], project(), {
    WFPLAN_OIDC_CLIENT_SECRET: secret,
  });
  // The prompt shows once the review reads keys (the terminal is in raw mode): no need to wait more.
  await s.waitFor(/Type yes and press Enter to apply/);
  return s;
}

async function seeded(): Promise<Emulator> {
  const emu = await emulator({ updateDelayMs: 800 });
  await seedWorkforce(sdk(emu), ["annotators", "reviewers"]);
  return emu;
}

function project() {
  const dir = mkdtempSync(join(tmpdir(), "wfplan-tty-"));
  writeFileSync(
    join(dir, "workforce.yaml"),
    yaml({
      region: "us-east-1",
      ...spec({ workforce: { oidcConfig: oidcConfig({ issuer: "https://login.example.com" }) } }),
    }),
  );
  return dir;
}

describe.skipIf(!hasScript)("interactive apply in a pseudo-terminal", () => {
  it("reviews the plan, takes yes, and shows the apply finish", async () => {
    const emu = await seeded();
    const s = await atPrompt(emu, "tty-secret");
    expect(s.output()).toContain("Security-relevant changes (deleted workteams are backed up");
    s.type("yes");
    await s.waitFor(/apply \(anything else cancels\): yes/);
    s.type("\r");
    expect(await s.exited, s.output()).toBe(0);
    const screen = s.output();
    expect(screen).toContain("Approved.");
    expect(screen).toMatch(/✓ 5\/8 wait until the workforce is Active/);
    expect(screen).toContain("Apply complete.");
    expect(screen).not.toContain("tty-secret");
    const { Workteams } = await sdk(emu).send(new ListWorkteamsCommand({}));
    expect(Workteams?.map((t) => t.WorkteamName).sort()).toEqual(["annotators", "reviewers"]);
  });

  it("declines on Enter alone: exit 3, nothing changed", async () => {
    const emu = await seeded();
    const before = emu.calls.length;
    const s = await atPrompt(emu, "x");
    s.type("\r");
    expect(await s.exited).toBe(3);
    expect(s.output()).toContain("Cancelled; nothing changed.");
    // Said once, on the review's screen; declining is an answer, not an error.
    expect(s.output()).not.toContain("Apply cancelled");
    expect(s.output()).not.toContain("Error:");
    expect(mutations(emu, before)).toEqual([]);
  });

  it("Ctrl-C at the review exits 130 and changes nothing", async () => {
    const emu = await seeded();
    const before = structuredClone(emu.state());
    const mark = emu.calls.length;
    const s = await atPrompt(emu, "x");
    s.type("\u0003");
    expect(await s.exited).toBe(130);
    expect(s.output()).toContain("Interrupted at the review; nothing was changed.");
    expect(mutations(emu, mark)).toEqual([]);
    expect(emu.state().workteams).toEqual(before.workteams);
    expect(emu.state().workforces).toEqual(before.workforces);
  });
});
