import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseDocument } from "yaml";
import type { OidcEndpoints } from "../../core/types.ts";
import { DEMO_OIDC, demoGroups, seedDemo } from "../../emulator/demo.ts";
import { seedFleet } from "../../emulator/fleet.ts";
import type { OidcProvider } from "../../emulator/oidc.ts";
import type { Emulator } from "../../emulator/server.ts";
import { startEmulator } from "../../emulator/server.ts";
import { colorsFor, isInteractive } from "../../views/style.ts";
import { applyCommand } from "./apply.ts";

const CREDENTIALS = { accessKeyId: "demo", secretAccessKey: "demo" };
const REGION = "us-east-1";

/** examples/demo/NAME in the installed package (from src/ in tests, dist/ when built). */
export function demoSpecPath(name = "workforce.yaml"): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    const candidate = join(dir, "examples", "demo", name);
    if (existsSync(candidate)) return candidate;
    dir = dirname(dir);
  }
  throw new Error(`examples/demo/${name} is missing from the package`);
}

export interface DemoOptions {
  color?: boolean;
  /** How long the emulator keeps an updated workforce Updating. */
  updateDelayMs?: number;
  /** Three targets in two accounts (examples/demo/fleet.yaml), applied with a canary. */
  fleet?: boolean;
}

/** `wfplan demo`: the whole backup → delete → update → wait → restore → verify cycle, on an embedded emulator. */
export async function demoCommand(opts: DemoOptions): Promise<number> {
  const c = colorsFor(opts);
  // The new identity provider: a local one over https, so that the preflight check can read it.
  const { startOidcProvider } = await import("../../emulator/oidc.ts");
  const [emu, idp] = await Promise.all([
    startEmulator({ region: REGION, createDelayMs: 0, updateDelayMs: opts.updateDelayMs ?? 2500 }),
    startOidcProvider({ path: "/oauth2/v1" }),
  ]);
  try {
    const work = mkdtempSync(join(tmpdir(), "wfplan-demo-"));
    process.env.WFPLAN_DEMO_CLIENT_SECRET ??= "demo-client-secret-not-real";
    // Its certificate is self-signed: trusted the way a private CA is, through the environment.
    process.env.NODE_EXTRA_CA_CERTS = idp.caFile;
    if (opts.fleet) return await fleetDemo(emu, idp, work, opts);
    seedDemo(emu);
    const spec = demoSpec(work, idp.oidcConfig);
    process.stdout.write(
      [
        c.bold("wfplan demo"),
        `  A local SageMaker workforce API is running at ${emu.url},`,
        '  with workforce "labelers" and the workteams annotators and reviewers, and a local OpenID',
        `  provider at ${idp.issuer}.`,
        "  The spec below moves the workforce to that provider and to new IP ranges. The preflight",
        "  checks read the provider's discovery document first; an OIDC change needs the workteams",
        "  deleted, so watch wfplan update the IP ranges, back the workteams up, delete them, update",
        "  the OIDC configuration, wait for it, and restore them.",
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
    await Promise.all([emu.stop(), idp.stop()]);
  }
}

/**
 * `wfplan demo --fleet`: three targets in two accounts (src/emulator/fleet.ts), one reached through
 * an assumed role, planned together and applied with a canary.
 */
async function fleetDemo(emu: Emulator, idp: OidcProvider, work: string, opts: DemoOptions) {
  const c = colorsFor(opts);
  seedFleet(emu, {
    baseKey: CREDENTIALS.accessKeyId,
    oidc: { ...DEMO_OIDC, ...idp.oidcWire },
  });
  // The role is assumed, and the accounts found, through the emulator's STS.
  process.env.AWS_ENDPOINT_URL_STS = emu.url;
  const spec = demoSpec(work, idp.oidcConfig, "fleet.yaml");
  process.stdout.write(
    [
      c.bold("wfplan demo --fleet"),
      `  A local AWS API is running at ${emu.url} (SageMaker and STS),`,
      '  with workforce "labelers" in three targets: 111111111111/us-east-1 (one IP range drifted),',
      "  111111111111/eu-central-1 (as the spec says) and 222222222222/us-west-2, reached by assuming",
      "  a role, whose older identity provider must change (its workteams are backed up, deleted and",
      `  recreated). The OpenID provider is a local one at ${idp.issuer}.`,
      "  apply plans every target, then rolls out: us-east-1 first as the canary, then the others",
      "  two at a time.",
      `  Spec: ${spec}`,
      `  Backups: ${join(work, "backups")}/<account>/<region>`,
      "",
      "",
    ].join("\n"),
  );
  const code = await applyCommand({
    file: spec,
    endpointUrl: emu.url,
    credentials: CREDENTIALS,
    autoApprove: !isInteractive(),
    backupDir: join(work, "backups"),
    format: "text",
    color: opts.color,
  });
  process.stdout.write(
    "\nDemo finished. Try it on your own fleet: wfplan plan -f fleet.yaml (examples/fleet.yaml)\n",
  );
  return code;
}

/** A demo spec, with the local identity provider's URLs, in the demo's folder. */
function demoSpec(work: string, oidc: OidcEndpoints, name = "workforce.yaml"): string {
  const doc = parseDocument(readFileSync(demoSpecPath(name), "utf8"));
  for (const [key, value] of Object.entries(oidc))
    doc.setIn(["workforce", "oidcConfig", key], value);
  const file = join(work, name);
  writeFileSync(file, doc.toString());
  return file;
}
