import { isIPv4, isIPv6 } from "node:net";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CIDR_PATTERN, canonicalCidr, hasHostBits, parseCidr } from "../../src/values/cidr.ts";

describe("canonical CIDRs", () => {
  it.each([
    ["10.0.0.0/16", "10.0.0.0/16"],
    ["2001:DB8::/32", "2001:db8::/32"],
    ["2001:0db8:0000:0000:0000:0000:0000:0000/32", "2001:db8::/32"],
    ["2001:db8:0:0:1:0:0:1/64", "2001:db8::1:0:0:1/64"],
    ["2001:db8:0:1:1:1:1:1/64", "2001:db8:0:1:1:1:1:1/64"],
    ["::/0", "::/0"],
    ["::1/128", "::1/128"],
    ["fe80::/10", "fe80::/10"],
    ["1:0:0:2:0:0:0:3/128", "1:0:0:2::3/128"],
  ])("%s → %s", (input, canonical) => {
    expect(canonicalCidr(input)).toBe(canonical);
  });

  it("detects host bits", () => {
    expect(hasHostBits(parseCidr("10.0.0.1/16")!)).toBe(true);
    expect(hasHostBits(parseCidr("10.0.0.0/16")!)).toBe(false);
    expect(hasHostBits(parseCidr("2001:db8::1/64")!)).toBe(true);
    expect(hasHostBits(parseCidr("0.0.0.0/0")!)).toBe(false);
  });
});

const v4 = fc.ipV4().chain((a) => fc.integer({ min: 0, max: 32 }).map((p) => `${a}/${p}`));
const v6 = fc
  .ipV6()
  .filter((a) => !a.includes("."))
  .chain((a) => fc.integer({ min: 0, max: 128 }).map((p) => `${a}/${p}`));

describe("CIDR_PATTERN (property)", () => {
  it("accepts every IPv4 and hexadecimal IPv6 block", () => {
    fc.assert(fc.property(fc.oneof(v4, v6), (cidr) => CIDR_PATTERN.test(cidr)));
  });

  it("canonical forms are stable, valid, and name the same block", () => {
    fc.assert(
      fc.property(fc.oneof(v4, v6), (cidr) => {
        const canonical = canonicalCidr(cidr);
        expect(CIDR_PATTERN.test(canonical)).toBe(true);
        expect(canonicalCidr(canonical)).toBe(canonical);
        expect(parseCidr(canonical)).toEqual(parseCidr(cidr));
      }),
    );
  });

  it("rejects what is not an address with a prefix", () => {
    fc.assert(
      fc.property(fc.string(), fc.integer({ min: 0, max: 200 }), (addr, prefix) => {
        const valid =
          (isIPv4(addr) && prefix <= 32 && !/(^|\.)0\d/.test(addr)) ||
          (isIPv6(addr) && !addr.includes(".") && !addr.includes("%") && prefix <= 128);
        expect(CIDR_PATTERN.test(`${addr}/${prefix}`)).toBe(valid);
      }),
    );
  });
});
