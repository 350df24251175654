import { type Faults, readStateFile, startEmulator } from "../../emulator/server.ts";
import type { EmulatorState } from "../../emulator/state.ts";
import { UserError } from "../../errors.ts";

export interface EmulatorCommandOptions {
  port: number;
  region: string;
  state?: string;
  seed?: string;
  createDelayMs: number;
  updateDelayMs: number;
  throttleEvery?: number;
  errorEvery?: number;
  errorStatus?: 500 | 503;
  latencyMs?: number;
  failUpdate?: string;
  failUpdates: number;
  quiet?: boolean;
}

/** `wfplan emulator`: serves until Ctrl-C / SIGTERM, then stops cleanly (exit 0). */
export async function emulator(opts: EmulatorCommandOptions): Promise<void> {
  let seed: EmulatorState | undefined;
  if (opts.seed) {
    seed = readStateFile(opts.seed, `--seed ${opts.seed}`);
  }
  const faults: Faults = {
    throttleEvery: opts.throttleEvery,
    errorEvery: opts.errorEvery,
    errorStatus: opts.errorStatus,
    latencyMs: opts.latencyMs,
    failUpdates: opts.failUpdate ? { reason: opts.failUpdate, count: opts.failUpdates } : undefined,
  };
  const emu = await startEmulator({
    port: opts.port,
    region: opts.region,
    stateFile: opts.state,
    seed,
    createDelayMs: opts.createDelayMs,
    updateDelayMs: opts.updateDelayMs,
    faults,
    log: opts.quiet
      ? undefined
      : (line) => process.stdout.write(`${new Date().toISOString()} ${line}\n`),
  }).catch((e: NodeJS.ErrnoException) => {
    if (e.code === "EADDRINUSE")
      throw new UserError(`port ${opts.port} is in use`, {
        hint: "pick another with --port N (0 = any free port)",
      });
    throw e;
  });
  process.stdout.write(
    [
      `wfplan emulator listening on ${emu.url} (region ${opts.region}${opts.state ? `, state in ${opts.state}` : ""})`,
      `  export AWS_ENDPOINT_URL_SAGEMAKER=${emu.url} AWS_REGION=${opts.region} AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test`,
      `  or, for SageMaker, STS and the preflight checks' SNS, EC2 and Cognito: export AWS_ENDPOINT_URL=${emu.url}`,
      "  Ctrl-C stops it.",
      "",
    ].join("\n"),
  );
  await new Promise<void>((resolve) => {
    const stop = () => {
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
      emu.stop().then(resolve);
    };
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
  });
}
