/**
 * The fleet end-to-end tests' setup: an emulator seeded with the fleet's three targets in two
 * accounts (emulator/fleet.ts), a project folder with the fleet's spec, and the environment that
 * points the CLI's SageMaker and STS calls at the emulator.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { seedFleet } from "../../src/emulator/fleet.ts";
import { type Emulator, startEmulator } from "../../src/emulator/server.ts";
import { yaml } from "../builders.ts";

export interface FleetProject {
  emu: Emulator;
  dir: string;
  /** The CLI's environment: the access key, the emulator's URL for SageMaker and STS, the secret. */
  env: () => NodeJS.ProcessEnv;
}

export async function fleetProject(opts: {
  /** The access key the CLI signs with (its account is the fleet's first). */
  key: string;
  secret: string;
  spec: unknown;
  updateDelayMs: number;
}): Promise<FleetProject> {
  const emu = await startEmulator({ createDelayMs: 0, updateDelayMs: opts.updateDelayMs });
  seedFleet(emu, { baseKey: opts.key });
  const dir = mkdtempSync(join(tmpdir(), "wfplan-fleet-"));
  writeFileSync(join(dir, "workforce.yaml"), yaml(opts.spec));
  const env = () => ({
    AWS_ACCESS_KEY_ID: opts.key,
    AWS_SECRET_ACCESS_KEY: "test",
    AWS_ENDPOINT_URL_SAGEMAKER: emu.url,
    AWS_ENDPOINT_URL_STS: emu.url,
    AWS_REGION: "us-east-1",
    WFPLAN_OIDC_CLIENT_SECRET: opts.secret,
  });
  return { emu, dir, env };
}
