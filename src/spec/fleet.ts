/**
 * Fleets (issue #15), what the checks (on the raw YAML value, spec/checks.ts) and the resolution
 * (on the validated spec, core/targets.ts) share: how a target's overrides combine with the shared
 * spec, and how a target is named in messages.
 */

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
/** A mapping's own value at a key: never an inherited one (`__proto__`, `constructor`). */
const own = (o: Obj, key: string): unknown => (Object.hasOwn(o, key) ? o[key] : undefined);

/**
 * A target's overrides over the shared value: mappings merge key by key, recursively; lists,
 * scalars and an explicit null replace; an absent (undefined) override keeps the shared value.
 * Neither input is mutated.
 */
export function mergeOverride(shared: unknown, override: unknown): unknown {
  if (override === undefined) return shared;
  if (!isObj(override) || !isObj(shared)) return override;
  // Object.fromEntries defines each key as the object's own, "__proto__" included.
  const keys = new Set([...Object.keys(shared), ...Object.keys(override)]);
  return Object.fromEntries(
    [...keys].map((k) => [k, mergeOverride(own(shared, k), own(override, k))]),
  );
}

/**
 * Whether the value at `path` of a merged mapping is the override's own: written in the override
 * and not merged with a shared mapping (under a list or a scalar the override wrote, everything is
 * its own, as lists replace).
 */
export function ownedBy(shared: unknown, override: unknown, path: readonly PropertyKey[]): boolean {
  let s = shared;
  let o = override;
  for (const seg of path) {
    if (!isObj(o)) return o !== undefined;
    o = own(o, String(seg));
    s = isObj(s) ? own(s, String(seg)) : undefined;
    if (o === undefined) return false;
  }
  return !(isObj(o) && isObj(s));
}

/** A target in messages, until its account is known: "us-east-1", or "us-east-1 as arn:…:role/x". */
export function targetLabel(region: string, roleArn?: string): string {
  return roleArn === undefined ? region : `${region} as ${roleArn}`;
}
