/** A fleet target's credentials and account, through the real STS client against the emulator. */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { assumedRole, identities, REFRESH_BEFORE_MS, roleAccount } from "../../src/aws/accounts.ts";
import {
  FLEET_ACCOUNT,
  FLEET_OTHER_ACCOUNT,
  FLEET_ROLE,
  seedFleet,
} from "../../src/emulator/fleet.ts";
import type { Emulator } from "../../src/emulator/server.ts";
import { emulator, key, stsClient } from "../helpers/emulator.ts";

let emu: Emulator;
const savedSts = process.env.AWS_ENDPOINT_URL_STS;
beforeEach(async () => {
  emu = await emulator();
  seedFleet(emu, { baseKey: "base" });
  process.env.AWS_ENDPOINT_URL_STS = emu.url;
});
afterEach(() => {
  if (savedSts === undefined) delete process.env.AWS_ENDPOINT_URL_STS;
  else process.env.AWS_ENDPOINT_URL_STS = savedSts;
});

const assumes = () => emu.calls.filter((c) => c.operation === "AssumeRole").length;

describe("assumedRole", () => {
  it("assumes once for concurrent callers, again only near the expiry", async () => {
    let now = Date.now();
    const creds = assumedRole(stsClient(emu, key("base")), FLEET_ROLE, () => now);
    const [a, b] = await Promise.all([creds(), creds()]);
    expect(a).toBe(b);
    expect(assumes()).toBe(1);
    expect(a.sessionToken).toBeTruthy();
    const expiry = a.expiration!.getTime();
    now = expiry - REFRESH_BEFORE_MS - 1000;
    expect(await creds()).toBe(a);
    expect(assumes()).toBe(1);
    now = expiry - REFRESH_BEFORE_MS + 1000;
    const c = await creds();
    expect(assumes()).toBe(2);
    expect(c.accessKeyId).not.toBe(a.accessKeyId);
  });

  it("fails with the role's ARN and a hint when the role cannot be assumed", async () => {
    const creds = assumedRole(stsClient(emu, key("base")), "arn:aws:iam::333333333333:role/x");
    await expect(creds()).rejects.toMatchObject({
      message: expect.stringMatching(/^AssumeRole arn:aws:iam::333333333333:role\/x: AccessDenied/),
      hint: expect.stringMatching(/trust policy/),
    });
  });
});

describe("identities", () => {
  it("asks each distinct credentials' account once", async () => {
    const identityOf = identities({ credentials: key("base") });
    const [base, again, role, roleElsewhere] = await Promise.all([
      identityOf(undefined, "us-east-1"),
      identityOf(undefined, "eu-central-1"),
      identityOf(FLEET_ROLE, "us-west-2"),
      identityOf(FLEET_ROLE, "eu-west-1"),
    ]);
    expect(base).toEqual({ account: FLEET_ACCOUNT });
    expect(again).toBe(base);
    expect(role.account).toBe(FLEET_OTHER_ACCOUNT);
    expect(roleElsewhere).toBe(role);
    expect(emu.calls.map((c) => c.operation).sort()).toEqual([
      "AssumeRole",
      "GetCallerIdentity",
      "GetCallerIdentity",
    ]);
  });
  it("says STS, and where it was reached, when it cannot be reached", async () => {
    const closed = await emulator();
    const url = closed.url;
    await closed.stop();
    process.env.AWS_ENDPOINT_URL_STS = url;
    const identityOf = identities({ credentials: key("base") });
    await expect(identityOf(undefined, "us-east-1")).rejects.toMatchObject({
      message: expect.stringContaining(
        `GetCallerIdentity (to learn the target's account): cannot reach ${url}`,
      ),
      hint: expect.stringContaining("AWS_ENDPOINT_URL_STS"),
    });
  });
});

describe("roleAccount", () => {
  it.each([
    ["arn:aws:iam::210987654321:role/wfplan", "210987654321"],
    ["arn:aws-cn:iam::210987654321:role/path/wfplan", "210987654321"],
    ["arn:aws:iam::2109:role/wfplan", undefined],
    ["arn:aws:sts::210987654321:assumed-role/x/y", undefined],
  ])("%s → %s", (arn, account) => {
    expect(roleAccount(arn)).toBe(account);
  });
});
