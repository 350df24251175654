// Starts `wfplan emulator` (the built CLI) as a child process on a free port, for the build's
// code-cache recording and for the benchmark. Resolves once it listens.
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

export const LAUNCHER = fileURLToPath(new URL("../bin/wfplan.js", import.meta.url));

/** @returns {Promise<{ url: string, stop: () => void }>} */
export async function startEmulatorProcess({
  createDelayMs = 0,
  updateDelayMs = 0,
  latencyMs = 0,
  env = process.env,
} = {}) {
  const child = spawn(
    process.execPath,
    [
      LAUNCHER,
      "emulator",
      "--port",
      "0",
      "--quiet",
      "--create-delay-ms",
      String(createDelayMs),
      "--update-delay-ms",
      String(updateDelayMs),
      ...(latencyMs ? ["--latency-ms", String(latencyMs)] : []),
    ],
    { env, stdio: ["ignore", "pipe", "inherit"] },
  );
  const stop = () => child.kill("SIGTERM");
  try {
    const url = await new Promise((ok, fail) => {
      let out = "";
      child.stdout.on("data", (d) => {
        out += d;
        const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
        if (m) ok(m[1]);
      });
      child.on("error", fail);
      child.on("exit", (code) => fail(new Error(`the emulator exited (${code})`)));
    });
    return { url, stop };
  } catch (error) {
    stop();
    throw error;
  }
}
