import { getEventListeners } from "node:events";
import { mkdtempSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CreateWorkforceCommand, DescribeWorkforceCommand } from "@aws-sdk/client-sagemaker";
import { afterEach, describe, expect, it, vi } from "vitest";
import { connect, requestTimeoutMs } from "../../src/aws/client.ts";
import { awsError } from "../../src/aws/errors.ts";
import { UserError } from "../../src/errors.ts";
import { emulator, OIDC, sdk, seedWorkforce } from "../helpers/emulator.ts";

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

afterEach(() => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
});

/** Shared AWS config files of the test's own, so no profile or region leaks in from the machine. */
function awsFiles(config = "", credentialsText = ""): { config: string; credentials: string } {
  const dir = mkdtempSync(join(tmpdir(), "wfplan-aws-"));
  const files = { config: join(dir, "config"), credentials: join(dir, "credentials") };
  writeFileSync(files.config, config);
  writeFileSync(files.credentials, credentialsText);
  vi.stubEnv("AWS_CONFIG_FILE", files.config);
  vi.stubEnv("AWS_SHARED_CREDENTIALS_FILE", files.credentials);
  vi.stubEnv("AWS_PROFILE", undefined);
  vi.stubEnv("AWS_REGION", undefined);
  vi.stubEnv("AWS_DEFAULT_REGION", undefined);
  vi.stubEnv("AWS_ENDPOINT_URL", undefined);
  vi.stubEnv("AWS_ENDPOINT_URL_SAGEMAKER", undefined);
  vi.stubEnv("WFPLAN_DEBUG", undefined);
  vi.stubEnv("WFPLAN_REQUEST_TIMEOUT", undefined);
  return files;
}

/** A loopback port that nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function failureOf(p: Promise<unknown>): Promise<UserError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(UserError);
  return e as UserError;
}

describe("requestTimeoutMs", () => {
  it("is 10s by default, and WFPLAN_REQUEST_TIMEOUT from 1s to 5m otherwise", () => {
    expect(requestTimeoutMs({})).toBe(10_000);
    expect(requestTimeoutMs({ WFPLAN_REQUEST_TIMEOUT: "" })).toBe(10_000);
    expect(requestTimeoutMs({ WFPLAN_REQUEST_TIMEOUT: "1s" })).toBe(1000);
    expect(requestTimeoutMs({ WFPLAN_REQUEST_TIMEOUT: "30s" })).toBe(30_000);
    expect(requestTimeoutMs({ WFPLAN_REQUEST_TIMEOUT: "5m" })).toBe(300_000);
  });

  it.each(["0s", "5m1s", "1h", "soon", "10"])("rejects WFPLAN_REQUEST_TIMEOUT=%s", (text) => {
    expect(() => requestTimeoutMs({ WFPLAN_REQUEST_TIMEOUT: text })).toThrow(
      expect.objectContaining({
        message: `WFPLAN_REQUEST_TIMEOUT=${text} is not a duration from 1s to 5m`,
        hint: "such as 10s, 30s or 2m",
      }),
    );
  });
});

describe("connect checks every setting before the first call", () => {
  it("refuses a --region that contradicts the spec's region, and accepts one that agrees", async () => {
    awsFiles();
    const e = await failureOf(connect({ region: "eu-west-1", credentials }, "us-east-1"));
    expect(e.message).toBe("the spec is for region us-east-1, but --region says eu-west-1");
    expect(e.hint).toBe("drop --region, or change region: in the spec");
    const same = await connect({ region: "us-east-1", credentials }, "us-east-1");
    expect(same.region).toBe("us-east-1");
    const specOnly = await connect({ credentials }, "eu-central-1");
    expect(specOnly.region).toBe("eu-central-1");
  });

  it("refuses a bad WFPLAN_REQUEST_TIMEOUT", async () => {
    awsFiles();
    vi.stubEnv("WFPLAN_REQUEST_TIMEOUT", "forever");
    const e = await failureOf(connect({ region: "us-east-1", credentials }));
    expect(e.message).toBe("WFPLAN_REQUEST_TIMEOUT=forever is not a duration from 1s to 5m");
  });

  it("refuses an --endpoint-url that is not an http(s) URL", async () => {
    awsFiles();
    const e = await failureOf(
      connect({ region: "us-east-1", endpointUrl: "ftp://example.com", credentials }),
    );
    expect(e.message).toBe("--endpoint-url ftp://example.com is not an http(s) URL");
    expect(e.hint).toMatch(/^give an http\(s\) URL such as /);
  });

  it.each(["AWS_ENDPOINT_URL_SAGEMAKER", "AWS_ENDPOINT_URL"])(
    "refuses %s when it is not a URL",
    async (name) => {
      awsFiles();
      vi.stubEnv(name, "nonsense");
      const e = await failureOf(connect({ region: "us-east-1", credentials }));
      expect(e.message).toBe(`${name}=nonsense is not a URL`);
      expect(e.hint).toMatch(/^set it to an http\(s\) URL such as /);
    },
  );

  it("lets --endpoint-url override a bad endpoint in the environment", async () => {
    awsFiles();
    vi.stubEnv("AWS_ENDPOINT_URL_SAGEMAKER", "nonsense");
    const emu = await emulator();
    const { region } = await connect({ region: "us-east-1", endpointUrl: emu.url, credentials });
    expect(region).toBe("us-east-1");
  });

  it("refuses a profile that is in neither shared file, saying where it came from", async () => {
    const files = awsFiles();
    const flag = await failureOf(connect({ region: "us-east-1", profile: "ghost" }));
    expect(flag.message).toBe(
      `profile ghost does not exist in ${files.config} or ${files.credentials}`,
    );
    expect(flag.hint).toBe(
      "list the profiles with: aws configure list-profiles (AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE name other files)",
    );
    vi.stubEnv("AWS_PROFILE", "phantom");
    const env = await failureOf(connect({ region: "us-east-1" }));
    expect(env.message).toBe(
      `profile phantom (from AWS_PROFILE) does not exist in ${files.config} or ${files.credentials}`,
    );
  });

  it("accepts a profile from either shared file, and does not look for one with fixed credentials", async () => {
    awsFiles(
      "[profile work]\nregion = eu-west-1\n",
      "[home]\naws_access_key_id = a\naws_secret_access_key = b\n",
    );
    expect((await connect({ profile: "work" })).region).toBe("eu-west-1");
    expect((await connect({ region: "us-east-1", profile: "home" })).region).toBe("us-east-1");
    vi.stubEnv("AWS_PROFILE", "home");
    expect((await connect({ region: "us-east-1" })).region).toBe("us-east-1");
    expect((await connect({ region: "us-east-1", profile: "ghost", credentials })).region).toBe(
      "us-east-1",
    );
  });

  it("says when no region is set anywhere, and when the region is not an AWS region", async () => {
    awsFiles();
    const none = await failureOf(connect({ credentials }));
    expect(none.message).toBe("no AWS region is set");
    expect(none.hint).toBe("set region: in the spec, pass --region, or set AWS_REGION");
    const bad = await failureOf(connect({ region: "moon", credentials }));
    expect(bad.message).toBe("region moon is not an AWS region");
    expect(bad.hint).toBe("give an AWS region such as us-east-1 or eu-central-1");
  });
});

describe("calls through the client connect() builds", () => {
  it("say which endpoint they could not reach", async () => {
    awsFiles();
    const url = `http://127.0.0.1:${await closedPort()}`;
    const { client } = await connect({ region: "us-east-1", endpointUrl: url, credentials });
    const e = await client
      .send(new DescribeWorkforceCommand({ WorkforceName: "labelers" }))
      .catch((err: unknown) => err);
    const message = awsError(e, "DescribeWorkforce").message;
    expect(message).toBe(`DescribeWorkforce: cannot reach ${url} (ECONNREFUSED)`);
  });

  it("use the endpoint from AWS_ENDPOINT_URL_SAGEMAKER, and name it in failures", async () => {
    awsFiles();
    const url = `http://127.0.0.1:${await closedPort()}`;
    vi.stubEnv("AWS_ENDPOINT_URL_SAGEMAKER", url);
    const { client } = await connect({ region: "us-east-1", credentials });
    const e = await client
      .send(new DescribeWorkforceCommand({ WorkforceName: "labelers" }))
      .catch((err: unknown) => err);
    expect(awsError(e, "DescribeWorkforce").message).toBe(
      `DescribeWorkforce: cannot reach ${url} (ECONNREFUSED)`,
    );
  });

  it("abandon a request silent for longer than WFPLAN_REQUEST_TIMEOUT, and try again", async () => {
    awsFiles();
    vi.stubEnv("WFPLAN_REQUEST_TIMEOUT", "1s");
    const emu = await emulator();
    await seedWorkforce(sdk(emu));
    const { client } = await connect({ region: "us-east-1", endpointUrl: emu.url, credentials });
    emu.setFaults({ delayAnswer: { operation: "DescribeWorkforce", ms: 3000, count: 1 } });
    const out = await client.send(new DescribeWorkforceCommand({ WorkforceName: "labelers" }));
    expect(out.Workforce?.WorkforceName).toBe("labelers");
    expect(emu.calls.filter((c) => c.operation === "DescribeWorkforce")).toHaveLength(2);
  });

  it("log to stderr with WFPLAN_DEBUG, with the client secret hidden, and say nothing without it", async () => {
    awsFiles();
    const emu = await emulator();
    const stderr = vi.spyOn(process.stderr, "write").mockImplementation(() => true);
    const quiet = await connect({ region: "us-east-1", endpointUrl: emu.url, credentials });
    await quiet.client.send(
      new CreateWorkforceCommand({ WorkforceName: "labelers", OidcConfig: OIDC }),
    );
    expect(stderr).not.toHaveBeenCalled();

    vi.stubEnv("WFPLAN_DEBUG", "1");
    const loud = await connect({ region: "us-east-1", endpointUrl: emu.url, credentials });
    await loud.client.send(new DescribeWorkforceCommand({ WorkforceName: "labelers" }));
    await loud.client
      .send(new CreateWorkforceCommand({ WorkforceName: "labelers", OidcConfig: OIDC }))
      .catch(() => undefined);
    const log = stderr.mock.calls.map(([chunk]) => String(chunk)).join("");
    stderr.mockRestore();
    expect(log).toMatch(/^\[wfplan debug\] info \{.*"commandName":"DescribeWorkforceCommand"/m);
    expect(log).toContain("CreateWorkforceCommand");
    expect(log).not.toContain(OIDC.ClientSecret);
  });
});

describe("the client's settings", () => {
  const WARNING = "AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED";
  it.each([
    ["turns off the SDK's Node version warning", undefined, "true"],
    ["leaves the user's own choice of it", "false", "false"],
  ])("%s", async (_name, given, expected) => {
    vi.stubEnv(WARNING, given);
    vi.resetModules();
    await import("../../src/aws/client.ts");
    expect(process.env[WARNING]).toBe(expected);
  });

  it("retry adaptively, six attempts in all", async () => {
    awsFiles();
    const { client } = await connect({ region: "us-east-1", credentials });
    const strategy = (await client.config.retryStrategy()) as { mode?: string };
    expect(strategy.mode).toBe("adaptive");
    expect(await client.config.maxAttempts()).toBe(6);
  });

  it("name the default profile files when AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE are not set", async () => {
    awsFiles();
    vi.stubEnv("AWS_CONFIG_FILE", undefined);
    vi.stubEnv("AWS_SHARED_CREDENTIALS_FILE", undefined);
    vi.stubEnv("HOME", mkdtempSync(join(tmpdir(), "wfplan-home-")));
    const e = await failureOf(connect({ region: "us-east-1", profile: "ghost" }));
    expect(e.message).toBe("profile ghost does not exist in ~/.aws/config or ~/.aws/credentials");
  });
});

describe("a call's deadline for all its attempts together", () => {
  it.each([
    [
      "the regional endpoint, 6 attempts of 10s and 10s more",
      {},
      undefined,
      "https://api.sagemaker.eu-west-1.amazonaws.com",
      70_000,
      "1m10s",
    ],
    [
      "the given endpoint, 6 attempts of 1s and 5s more",
      { endpointUrl: "http://127.0.0.1:9" },
      "1s",
      "http://127.0.0.1:9",
      11_000,
      "11s",
    ],
  ])("is %s", async (_name, opts, timeout, endpoint, deadlineMs, shown) => {
    awsFiles();
    vi.stubEnv("WFPLAN_REQUEST_TIMEOUT", timeout);
    const { client } = await connect({ region: "eu-west-1", credentials, ...opts });
    // The deadline's timer is the first the call sets; the test ends it at once, before any request.
    const real = globalThis.setTimeout;
    const timers: { run: () => void; ms: number | undefined }[] = [];
    vi.spyOn(globalThis, "setTimeout").mockImplementation(((run: () => void, ms?: number) => {
      timers.push({ run, ms });
      return real(run, ms);
    }) as typeof setTimeout);
    const call = client.send(new DescribeWorkforceCommand({ WorkforceName: "labelers" }));
    vi.mocked(globalThis.setTimeout).mockRestore();
    expect(timers[0]?.ms).toBe(deadlineMs);
    timers[0]!.run();
    const e = await call.catch((err: unknown) => err);
    expect(awsError(e, "DescribeWorkforce").message).toBe(
      `DescribeWorkforce: no whole answer from ${endpoint} within ${shown}`,
    );
  });
});

describe("the SDK's log", () => {
  it.each([
    [
      "is one line per entry on stderr with WFPLAN_DEBUG, objects as JSON",
      "1",
      [
        '[wfplan debug] debug found {"a":1}\n',
        "[wfplan debug] info asked\n",
        "[wfplan debug] warn careful\n",
        "[wfplan debug] error failed 2\n",
      ],
    ],
    ["is silent without WFPLAN_DEBUG", undefined, []],
  ])("%s", async (_name, debug, expected) => {
    awsFiles();
    vi.stubEnv("WFPLAN_DEBUG", debug);
    const { client } = await connect({ region: "us-east-1", credentials });
    const lines: string[] = [];
    vi.spyOn(process.stderr, "write").mockImplementation((chunk) => {
      lines.push(String(chunk));
      return true;
    });
    const log = client.config.logger;
    log.trace?.("tracing");
    log.debug("found", { a: 1 });
    log.info("asked");
    log.warn("careful");
    log.error("failed", 2);
    vi.mocked(process.stderr.write).mockRestore();
    expect(lines).toEqual(expected);
  });
});
