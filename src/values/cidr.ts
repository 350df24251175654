/**
 * CIDR blocks: the syntax the SageMaker API accepts, canonical forms for set comparison, and the
 * facts the validator warns about. Pure.
 */

const V4_OCTET = "(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9][0-9]|[0-9])";
const V4 = `(?:${V4_OCTET}\\.){3}${V4_OCTET}`;
const H = "[0-9A-Fa-f]{1,4}";
// The API's IPv6 alternatives; its embedded-IPv4 forms are unusable as published (they match a
// literal "d"), so, like the API, this accepts hexadecimal groups only.
const V6 = [
  `(?:${H}:){7}(?:${H}|:)`,
  `(?:${H}:){6}(?::${H}|:)`,
  `(?:${H}:){5}(?:(?::${H}){1,2}|:)`,
  `(?:${H}:){4}(?:(?::${H}){1,3}|:)`,
  `(?:${H}:){3}(?:(?::${H}){1,4}|:)`,
  `(?:${H}:){2}(?:(?::${H}){1,5}|:)`,
  `(?:${H}:){1}(?:(?::${H}){1,6}|:)`,
  `:(?:(?::${H}){1,7}|:)`,
].join("|");

/** Matches exactly the CIDR blocks UpdateWorkforce accepts (IPv4 /0-32, IPv6 /0-128). */
export const CIDR_PATTERN = new RegExp(
  `^(?:${V4}\\/(?:3[0-2]|[1-2][0-9]|[0-9])|(?:${V6})\\/(?:12[0-8]|1[0-1][0-9]|[1-9][0-9]|[0-9]))$`,
);

export interface Cidr {
  version: 4 | 6;
  /** The address as a number: 32 bits for IPv4, 128 for IPv6. */
  address: bigint;
  prefix: number;
}

/** Parses a block that matches CIDR_PATTERN; undefined for anything else. */
export function parseCidr(text: string): Cidr | undefined {
  if (!CIDR_PATTERN.test(text)) return undefined;
  const slash = text.lastIndexOf("/");
  const addr = text.slice(0, slash);
  const prefix = Number(text.slice(slash + 1));
  if (addr.includes(".")) {
    const address = addr.split(".").reduce((acc, octet) => (acc << 8n) | BigInt(octet), 0n);
    return { version: 4, address, prefix };
  }
  return { version: 6, address: parseV6(addr), prefix };
}

function parseV6(addr: string): bigint {
  const [head = "", tail] = addr.split("::");
  const left = head ? head.split(":") : [];
  const right = tail ? tail.split(":") : [];
  const zeros = tail === undefined ? [] : Array(8 - left.length - right.length).fill("0");
  return [...left, ...zeros, ...right].reduce((acc, g) => (acc << 16n) | BigInt(`0x${g}`), 0n);
}

function bits(c: Cidr): number {
  return c.version === 4 ? 32 : 128;
}

/** The block with its host bits cleared. */
export function network(c: Cidr): Cidr {
  const hostBits = BigInt(bits(c) - c.prefix);
  return { ...c, address: (c.address >> hostBits) << hostBits };
}

export function hasHostBits(c: Cidr): boolean {
  return network(c).address !== c.address;
}

export function isEverything(c: Cidr): boolean {
  return c.prefix === 0;
}

/** The canonical text: IPv4 as is, IPv6 per RFC 5952 (lower case, longest zero run compressed). */
export function formatCidr(c: Cidr): string {
  if (c.version === 4) {
    const octets = [24n, 16n, 8n, 0n].map((s) => String((c.address >> s) & 0xffn));
    return `${octets.join(".")}/${c.prefix}`;
  }
  const groups = Array.from({ length: 8 }, (_, i) => (c.address >> BigInt(112 - 16 * i)) & 0xffffn);
  let best = { start: -1, len: 0 };
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0n) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0n) j++;
    if (j - i > best.len) best = { start: i, len: j - i };
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  const text =
    best.len >= 2
      ? `${hex.slice(0, best.start).join(":")}::${hex.slice(best.start + best.len).join(":")}`
      : hex.join(":");
  return `${text}/${c.prefix}`;
}

/** The canonical form of a valid block; other text is returned unchanged. */
export function canonicalCidr(text: string): string {
  const c = parseCidr(text);
  return c ? formatCidr(c) : text;
}
