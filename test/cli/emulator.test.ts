import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  CreateWorkforceCommand,
  ListWorkforcesCommand,
  SageMakerClient,
} from "@aws-sdk/client-sagemaker";
import { describe, expect, it } from "vitest";
import { OIDC } from "../helpers/emulator.ts";
import { startEmulatorProcess } from "../helpers/process.ts";

async function startProcess(args: string[]) {
  const emu = await startEmulatorProcess(args);
  const client = new SageMakerClient({
    region: "us-east-1",
    endpoint: emu.url,
    credentials: { accessKeyId: "test", secretAccessKey: "test" },
  });
  return { ...emu, client };
}

describe("wfplan emulator", () => {
  it("prints its URL, serves the API, logs calls, and stops on SIGTERM with exit 0", async () => {
    const emu = await startProcess([]);
    expect(emu.output()).toContain("export AWS_ENDPOINT_URL_SAGEMAKER=");
    expect(emu.output()).toContain(`export AWS_ENDPOINT_URL=${emu.url}`);
    const { Workforces } = await emu.client.send(new ListWorkforcesCommand({}));
    expect(Workforces).toEqual([]);
    expect(await emu.stop()).toBe(0);
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
    await second.stop();
  });
});
