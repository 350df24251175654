/**
 * The review and the apply progress as a person sees them in small windows: the CLI in a real
 * pseudo-terminal (util-linux `script`), its output drawn by a terminal emulator (xterm.js,
 * headless) of the same size, and what is on screen and in the scrollback read from it.
 * A big plan: 25 workteams with long names, and an OIDC change to a 400-character URL.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CreateWorkforceCommand, CreateWorkteamCommand } from "@aws-sdk/client-sagemaker";
import xterm from "@xterm/headless";
import { describe, expect, it } from "vitest";
import type { Emulator } from "../../src/emulator/server.ts";
import { oidcConfig, spec, yaml } from "../builders.ts";
import { emulator, manualClock, OIDC, sdk } from "../helpers/emulator.ts";
import { hasScript, type Session, startTerminal } from "../helpers/process.ts";

const TEAMS = Array.from(
  { length: 25 },
  (_, i) => `team-${String(i).padStart(2, "0")}-annotators-of-very-long-named-datasets-abcdefghij`,
);
const url = (path: string) => `https://idp.example.com/${path}/${"x".repeat(380)}/end`;
const OLD_URL = url("authorize");
const NEW_URL = url("authorize-new");

async function bigWorkforce(clock = manualClock({ running: true })): Promise<Emulator> {
  const emu = await emulator({ updateDelayMs: 1000, clock: clock.now });
  const client = sdk(emu);
  await client.send(
    new CreateWorkforceCommand({
      WorkforceName: "labelers",
      OidcConfig: { ...OIDC, AuthorizationEndpoint: OLD_URL },
      SourceIpConfig: { Cidrs: ["10.0.0.0/16"] },
    }),
  );
  for (const name of TEAMS) {
    await client.send(
      new CreateWorkteamCommand({
        WorkteamName: name,
        Description: "annotators",
        MemberDefinitions: [{ OidcMemberDefinition: { Groups: ["annotators"] } }],
      }),
    );
  }
  return emu;
}

/** `wfplan apply` of the new URL in a pseudo-terminal of `columns` × `rows`. */
function apply(emu: Emulator, columns: number, rows: number, env: NodeJS.ProcessEnv = {}): Session {
  const dir = mkdtempSync(join(tmpdir(), "wfplan-window-"));
  writeFileSync(
    join(dir, "workforce.yaml"),
    yaml({
      region: "us-east-1",
      ...spec({ workforce: { oidcConfig: oidcConfig({ authorizationEndpoint: NEW_URL }) } }),
    }),
  );
  const args = ["apply", "--allow-workteam-deletion", "--endpoint-url", emu.url];
  return session(dir, columns, rows, args, env);
}

/** wfplan with `args` in `dir`, in a pseudo-terminal of `columns` × `rows`. */
function session(
  dir: string,
  columns: number,
  rows: number,
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Session {
  return startTerminal(args, {
    cwd: dir,
    columns,
    rows,
    env: { WFPLAN_OIDC_CLIENT_SECRET: "window-secret", ...env },
  });
}

/** What a terminal of this size shows after all the output so far: the screen and the scrollback. */
async function terminal(s: Session, columns: number, rows: number) {
  const term = new xterm.Terminal({
    cols: columns,
    rows,
    scrollback: 10_000,
    allowProposedApi: true,
  });
  await new Promise<void>((done) => term.write(s.raw(), done));
  const buffer = term.buffer.active;
  const line = (y: number) => buffer.getLine(y)?.translateToString(true) ?? "";
  const range = (from: number, to: number) =>
    Array.from({ length: to - from }, (_, i) => line(from + i));
  const screen = range(buffer.viewportY, buffer.viewportY + rows);
  const everything = range(0, buffer.length);
  const cursor = { x: buffer.cursorX, lineAbove: line(buffer.baseY + buffer.cursorY - 1) };
  term.dispose();
  return {
    screen,
    everything,
    /** Where the cursor is, and the line above it: where the shell's prompt would start. */
    cursor,
    /** The screen as one string, lines joined as the wrapping cut them (no separator). */
    joined: screen.map((l) => l.trimEnd()).join(""),
  };
}

describe.skipIf(!hasScript)("the review in a small window", () => {
  it.each([
    [80, 24],
    [40, 15],
  ])(
    "at %i×%i: header and prompt on screen; the whole new URL can be brought on screen with d",
    async (columns, rows) => {
      const emu = await bigWorkforce();
      const s = apply(emu, columns, rows);
      await s.waitFor(/Type yes and press Enter/);
      const first = await terminal(s, columns, rows);
      expect(first.screen[0]).toMatch(/^wfplan · workforce "labelers" · us-east/);
      expect(first.screen.join("\n")).toContain("Type yes and press Enter to apply");
      expect(first.screen.join("\n")).toMatch(/d whole row/);
      // The new URL is cut in the tree: open the workforce, go to the change, and see it whole.
      expect(first.joined).not.toContain(NEW_URL);
      s.type(" ");
      await s.waitFor(/oidcConfig\.issuer|oidcConfig\.authorizationEndpoint/);
      s.type("jd");
      await s.waitFor(/d\/Esc back/);
      // Scroll (j) until the last line shows, if the row is taller than the window.
      let view = await terminal(s, columns, rows);
      for (let i = 0; i < 40 && !view.joined.includes(`after:  "${NEW_URL}"`); i++) {
        const at = s.output().length;
        s.type("j");
        await s.waitFor(new RegExp(`(?<=[^]{${at}})lines \\d+`));
        view = await terminal(s, columns, rows);
      }
      expect(view.joined).toContain(`after:  "${NEW_URL}"`);
      s.type("\u0003");
      expect(await s.exited).toBe(130);
    },
  );

  it("after yes the scrollback keeps the plan and the answer; during the wait the running step and the status are on screen", async () => {
    const clock = manualClock({ running: false });
    const emu = await bigWorkforce(clock);
    const [columns, rows] = [80, 24];
    const s = apply(emu, columns, rows);
    await s.waitFor(/Type yes and press Enter/);
    s.type("yes\r");
    await s.waitFor(/workforce Updating/);
    const waiting = await terminal(s, columns, rows);
    expect(waiting.screen.join("\n")).toMatch(/\d+\/54 wait until the workforce is Active/);
    expect(waiting.screen.join("\n")).toMatch(/ {2}workforce Updating \(\d+s\)/);
    expect(waiting.screen.join("\n")).toContain("more steps to come");
    // Keys pressed during the apply are not echoed into the live region (it would leave copies).
    const at = s.output().length;
    s.type("\r\r\r");
    await s.waitFor(new RegExp(`(?<=[^]{${at}})[^]*workforce Updating`));
    const after = await terminal(s, columns, rows);
    expect(
      after.screen.filter((l) => /\/54 wait until the workforce is Active/.test(l)),
    ).toHaveLength(1);
    clock.advance(60_000);
    expect(await s.exited).toBe(0);
    const end = await terminal(s, columns, rows);
    const record = end.everything.join("\n");
    expect(record).toContain('wfplan plan for workforce "labelers" in us-east-1');
    expect(record).toContain("Plan: 0 to add, 1 to change, 0 to delete, 25 to recreate.");
    expect(record.indexOf("Approved.")).toBeGreaterThan(record.indexOf("Plan: 0 to add"));
    expect(record).toMatch(/✓ 54\/54 verify/);
    expect(end.screen.join("\n")).toContain("Apply complete.");
  });

  it("after declining in a small window the record ends its line: the shell's prompt starts a new one", async () => {
    const emu = await bigWorkforce();
    const [columns, rows] = [40, 15];
    const s = apply(emu, columns, rows);
    await s.waitFor(/Type yes and press Enter/);
    s.type("\r");
    expect(await s.exited).toBe(3);
    const { cursor } = await terminal(s, columns, rows);
    expect(cursor).toEqual({ x: 0, lineAbove: "Cancelled; nothing changed." });
  });

  it("emoji sequences a terminal draws wider than string-width counts never push a row onto the next line", async () => {
    const emu = await bigWorkforce();
    const [columns, rows] = [40, 15];
    // 👨‍👩‍👧 is one grapheme of width 2 to string-width (Ink's measure), 3 to xterm.js.
    const family = "👨\u200d👩\u200d👧";
    const dir = mkdtempSync(join(tmpdir(), "wfplan-window-"));
    writeFileSync(
      join(dir, "workforce.yaml"),
      yaml({
        region: "us-east-1",
        ...spec({
          workforce: { oidcConfig: oidcConfig({ authorizationEndpoint: OLD_URL }) },
          workteams: TEAMS.slice(0, 2).map((name) => ({
            name,
            description: `${family} `.repeat(12),
            memberDefinitions: [{ oidcMemberDefinition: { groups: ["annotators"] } }],
          })),
        }),
      }),
    );
    const s = session(dir, columns, rows, ["apply", "--endpoint-url", emu.url]);
    await s.waitFor(/Type yes and press Enter/);
    for (const key of ["j", "j", "k"]) {
      const at = s.output().length;
      s.type(key);
      await s.waitFor(new RegExp(`(?<=[^]{${at}})[^]*Type yes and press Enter`));
    }
    const { screen } = await terminal(s, columns, rows);
    expect(screen.filter((l) => l.startsWith("wfplan · workforce"))).toHaveLength(1);
    expect(screen.filter((l) => l.includes("description:"))).toHaveLength(2);
    s.type("\u0003");
    expect(await s.exited).toBe(130);
  });

  it("TERM=dumb gets the plain text and prompt, without cursor movement", async () => {
    const emu = await bigWorkforce();
    const s = apply(emu, 80, 24, { TERM: "dumb" });
    await s.waitFor(/Enter a value: /);
    s.type("no\r");
    expect(await s.exited).toBe(3);
    // Cursor up/down/forward/back/position, erase in line or display, hide or show the cursor.
    // biome-ignore lint/suspicious/noControlCharactersInRegex: the escape codes are the point
    expect(s.raw()).not.toMatch(/\u001b\[\d*(?:;\d*)?[ABCDEFGHJKf]|\u001b\[\?25[lh]/);
    expect(s.output()).toContain("Plan: 0 to add, 1 to change, 0 to delete, 25 to recreate.");
  });
});
