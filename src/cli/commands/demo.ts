import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { demoGroups, seedDemo } from "../../emulator/demo.ts";
import { startEmulator } from "../../emulator/server.ts";
import { colorsFor, isInteractive } from "../../views/style.ts";
import { applyCommand } from "./apply.ts";

const CREDENTIALS = { accessKeyId: "demo", secretAccessKey: "demo" };
const REGION = "us-east-1";

/** examples/demo/workforce.yaml in the installed package (from src/ in tests, dist/ when built). */
export function demoSpecPath(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    const candidate = join(dir, "examples", "demo", "workforce.yaml");
    if (existsSync(candidate)) return candidate;
    dir = dirname(dir);
  }
  throw new Error("examples/demo/workforce.yaml is missing from the package");
}

export interface DemoOptions {
  color?: boolean;
  /** How long the emulator keeps an updated workforce Updating. */
  updateDelayMs?: number;
}

/** `wfplan demo`: the whole backup → delete → update → wait → restore → verify cycle, on an embedded emulator. */
export async function demoCommand(opts: DemoOptions): Promise<number> {
  const c = colorsFor(opts);
  const emu = await startEmulator({
    region: REGION,
    createDelayMs: 0,
    updateDelayMs: opts.updateDelayMs ?? 2500,
  });
  try {
    seedDemo(emu);
    const work = mkdtempSync(join(tmpdir(), "wfplan-demo-"));
    process.env.WFPLAN_DEMO_CLIENT_SECRET ??= "demo-client-secret-not-real";
    const spec = demoSpecPath();
    process.stdout.write(
      [
        c.bold("wfplan demo"),
        `  A local SageMaker workforce API is running at ${emu.url},`,
        '  with workforce "labelers" and the workteams annotators and reviewers. The spec below moves',
        "  the workforce to a new OIDC identity provider and new IP ranges; an OIDC change needs the",
        "  workteams deleted first, so watch wfplan update the IP ranges, back the workteams up, delete",
        "  them, update the OIDC configuration, wait for it, and restore them.",
        `  Spec: ${spec}`,
        `  Backups: ${join(work, "backups")}`,
        "",
        "",
      ].join("\n"),
    );
    const interactive = isInteractive();
    const code = await applyCommand({
      file: spec,
      endpointUrl: emu.url,
      credentials: CREDENTIALS,
      autoApprove: !interactive,
      backupDir: join(work, "backups"),
      format: "text",
      color: opts.color,
    });
    const teams = emu.state().workteams;
    process.stdout.write(
      `\nThe emulator now has workteams ${teams.map((t) => `${t.WorkteamName} (groups ${demoGroups(t).join(", ")})`).join(" and ")}.\nDemo finished. Try it on your own spec: wfplan plan -f workforce.yaml --endpoint-url <emulator URL>\n`,
    );
    return code;
  } finally {
    await emu.stop();
  }
}
