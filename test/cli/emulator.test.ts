import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import {
  CreateWorkforceCommand,
  ListWorkforcesCommand,
  SageMakerClient,
} from "@aws-sdk/client-sagemaker";
import { describe, expect, it } from "vitest";
import { OIDC } from "../helpers/emulator.ts";

/** Starts `wfplan emulator` as a process and waits for the line with its URL. */
async function startProcess(args: string[]) {
  const child = spawn(
    process.execPath,
    [resolve("bin/wfplan.js"), "emulator", "--port", "0", ...args],
    {
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let out = "";
  child.stdout.on("data", (d) => {
    out += d;
  });
  const url = await new Promise<string>((ok, fail) => {
    child.stdout.on("data", () => {
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m) ok(m[1]!);
    });
    child.on("exit", (code) => fail(new Error(`emulator exited ${code}: ${out}`)));
  });
  const exited = new Promise<number | null>((ok) => child.on("exit", (code) => ok(code)));
  const client = new SageMakerClient({
    region: "us-east-1",
    endpoint: url,
    credentials: { accessKeyId: "test", secretAccessKey: "test" },
  });
  return { child, url, client, exited, output: () => out };
}

describe("wfplan emulator", () => {
  it("prints its URL, serves the API, logs calls, and stops on SIGTERM with exit 0", async () => {
    const emu = await startProcess([]);
    expect(emu.output()).toContain("export AWS_ENDPOINT_URL_SAGEMAKER=");
    const { Workforces } = await emu.client.send(new ListWorkforcesCommand({}));
    expect(Workforces).toEqual([]);
    emu.child.kill("SIGTERM");
    expect(await emu.exited).toBe(0);
    expect(emu.output()).toMatch(/200 ListWorkforces/);
  });

  it("keeps state in --state across processes, without the secret", async () => {
    const file = join(mkdtempSync(join(tmpdir(), "wfplan-emu-cli-")), "state.json");
    const first = await startProcess(["--state", file, "--quiet"]);
    await first.client.send(
      new CreateWorkforceCommand({ WorkforceName: "labelers", OidcConfig: OIDC }),
    );
    first.child.kill("SIGINT");
    expect(await first.exited).toBe(0);
    expect(existsSync(file)).toBe(true);
    expect(readFileSync(file, "utf8")).not.toContain(OIDC.ClientSecret);
    const second = await startProcess(["--state", file, "--quiet"]);
    const { Workforces } = await second.client.send(new ListWorkforcesCommand({}));
    expect(Workforces!.map((w) => w.WorkforceName)).toEqual(["labelers"]);
    second.child.kill("SIGTERM");
    await second.exited;
  });
});
