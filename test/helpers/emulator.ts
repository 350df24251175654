/** An emulator on a free loopback port and a real SDK client pointed at it. */
import { SageMakerClient } from "@aws-sdk/client-sagemaker";
import { afterEach } from "vitest";
import { type Emulator, type EmulatorOptions, startEmulator } from "../../src/emulator/server.ts";

const running: Emulator[] = [];

afterEach(async () => {
  await Promise.all(running.splice(0).map((e) => e.stop()));
});

export async function emulator(opts: EmulatorOptions = {}): Promise<Emulator> {
  const emu = await startEmulator({ createDelayMs: 0, updateDelayMs: 0, ...opts });
  running.push(emu);
  return emu;
}

export function sdk(emu: Emulator, region = "us-east-1", maxAttempts = 1): SageMakerClient {
  return new SageMakerClient({
    region,
    endpoint: emu.url,
    credentials: { accessKeyId: "test", secretAccessKey: "test" },
    maxAttempts,
  });
}

export const OIDC = {
  ClientId: "client-1",
  ClientSecret: "s3cret-value",
  Issuer: "https://idp.example.com",
  AuthorizationEndpoint: "https://idp.example.com/authorize",
  TokenEndpoint: "https://idp.example.com/token",
  UserInfoEndpoint: "https://idp.example.com/userinfo",
  LogoutEndpoint: "https://idp.example.com/logout",
  JwksUri: "https://idp.example.com/jwks",
};

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
