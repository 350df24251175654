import { getEventListeners } from "node:events";
import { DescribeWorkforceCommand } from "@aws-sdk/client-sagemaker";
import { describe, expect, it } from "vitest";
import { connect } from "../../src/aws/client.ts";
import { emulator, sdk, seedWorkforce } from "../helpers/emulator.ts";

const credentials = { accessKeyId: "test", secretAccessKey: "test" };

describe("the client connect() builds", () => {
  it("leaves no listener on the caller's signal once a call has settled", async () => {
    const emu = await emulator();
    await seedWorkforce(sdk(emu));
    const { client } = await connect({ region: "us-east-1", endpointUrl: emu.url, credentials });
    const stop = new AbortController();
    for (let i = 0; i < 30; i++) {
      await client.send(new DescribeWorkforceCommand({ WorkforceName: "labelers" }), {
        abortSignal: stop.signal,
      });
    }
    await expect(
      client.send(new DescribeWorkforceCommand({ WorkforceName: "nobody" }), {
        abortSignal: stop.signal,
      }),
    ).rejects.toThrow();
    expect(getEventListeners(stop.signal, "abort")).toHaveLength(0);
  });

  it("stops a call when the caller's signal aborts, before or during it", async () => {
    const emu = await emulator();
    await seedWorkforce(sdk(emu));
    const { client } = await connect({ region: "us-east-1", endpointUrl: emu.url, credentials });
    const before = new AbortController();
    before.abort();
    await expect(
      client.send(new DescribeWorkforceCommand({ WorkforceName: "labelers" }), {
        abortSignal: before.signal,
      }),
    ).rejects.toMatchObject({ name: "AbortError" });

    // The answer is held; the caller gives up as soon as the emulator has the request.
    emu.setFaults({ delayAnswer: { operation: "DescribeWorkforce", ms: 2000, count: 1 } });
    const during = new AbortController();
    emu.onCall(() => during.abort());
    const call = client.send(new DescribeWorkforceCommand({ WorkforceName: "labelers" }), {
      abortSignal: during.signal,
    });
    await expect(call).rejects.toMatchObject({ name: "AbortError" });
  });
});
