/**
 * A fleet's targets (src/core/targets.ts): each target's single-target spec, the merge rule of its
 * overrides, and the rollout policy with its defaults.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { resolveTargets, rolloutPolicy } from "../../src/core/targets.ts";
import { mergeOverride } from "../../src/spec/fleet.ts";
import type { Spec } from "../../src/spec/schema.ts";
import { validSpec } from "../builders.ts";
import { runs } from "../helpers/runs.ts";

const ROLE = "arn:aws:iam::210987654321:role/wfplan";
const VPC = { vpcId: "vpc-0eu", securityGroupIds: ["sg-0eu"], subnets: ["subnet-0eu"] };
const team = (name: string) => ({
  name,
  description: name,
  memberDefinitions: [{ oidcMemberDefinition: { groups: [name] } }],
});

describe("resolveTargets", () => {
  it("without targets, is the spec itself, in its region", () => {
    const spec = validSpec({ region: "eu-west-1" });
    expect(resolveTargets(spec)).toEqual([
      { index: 0, region: "eu-west-1", label: "eu-west-1", spec },
    ]);
    expect(resolveTargets(spec)[0]!.spec).toBe(spec);
  });

  it("without targets or a region, has no region (--region, else the SDK's, decide)", () => {
    const spec = validSpec();
    const [only] = resolveTargets(spec);
    expect(only).toEqual({ index: 0, region: undefined, label: "the default region", spec });
  });

  it("gives each target a single-target spec in its region, in order", () => {
    const spec = validSpec({
      workteams: [team("a")],
      policy: { allowWorkteamDeletion: true, rollout: { canary: 2 } },
      targets: [
        { region: "us-east-1" },
        {
          region: "eu-central-1",
          roleArn: ROLE,
          workforce: { sourceIpConfig: { cidrs: [] }, workforceVpcConfig: VPC },
          workteams: [team("b")],
        },
      ],
    });
    const { targets, ...shared } = spec;
    const [us, eu] = resolveTargets(spec);
    expect(us).toEqual({
      index: 0,
      region: "us-east-1",
      label: "us-east-1",
      spec: { ...shared, region: "us-east-1", policy: { allowWorkteamDeletion: true } },
    });
    expect(eu).toEqual({
      index: 1,
      region: "eu-central-1",
      roleArn: ROLE,
      label: `eu-central-1 as ${ROLE}`,
      spec: {
        ...shared,
        region: "eu-central-1",
        workforce: { ...shared.workforce, sourceIpConfig: { cidrs: [] }, workforceVpcConfig: VPC },
        workteams: [team("b")],
        policy: { allowWorkteamDeletion: true },
      },
    });
    expect("targets" in us!.spec).toBe(false);
  });

  it("has no policy in a target's spec when the shared spec has none", () => {
    const spec = validSpec({ targets: [{ region: "us-east-1" }] });
    expect("policy" in resolveTargets(spec)[0]!.spec).toBe(false);
  });

  it("does not mutate the spec", () => {
    const spec = validSpec({
      workforce: { tags: { team: "ml" } },
      targets: [
        { region: "us-east-1", workforce: { tags: { stage: "prod" }, workforceVpcConfig: null } },
      ],
    });
    const before = structuredClone(spec);
    resolveTargets(spec);
    expect(spec).toEqual(before);
  });
});

describe("mergeOverride, the merge rule of overrides", () => {
  it.each<[string, unknown, unknown, unknown]>([
    ["an absent override keeps the shared value", { a: 1 }, undefined, { a: 1 }],
    ["mappings merge key by key", { a: 1, b: 2 }, { b: 3, c: 4 }, { a: 1, b: 3, c: 4 }],
    [
      "recursively",
      { oidc: { clientId: "x", scope: "openid" } },
      { oidc: { clientId: "y" } },
      { oidc: { clientId: "y", scope: "openid" } },
    ],
    [
      "a list replaces",
      { cidrs: ["10.0.0.0/8", "10.1.0.0/16"] },
      { cidrs: ["10.2.0.0/16"] },
      { cidrs: ["10.2.0.0/16"] },
    ],
    ["an empty list replaces", { cidrs: ["10.0.0.0/8"] }, { cidrs: [] }, { cidrs: [] }],
    [
      "a scalar replaces",
      { ipAddressType: "dualstack" },
      { ipAddressType: "ipv4" },
      { ipAddressType: "ipv4" },
    ],
    [
      "null replaces a mapping (detach a VPC)",
      { vpc: { vpcId: "vpc-1" } },
      { vpc: null },
      { vpc: null },
    ],
    [
      "a mapping replaces null",
      { vpc: null },
      { vpc: { vpcId: "vpc-1" } },
      { vpc: { vpcId: "vpc-1" } },
    ],
    ["a mapping replaces a list", { a: [1] }, { a: { b: 1 } }, { a: { b: 1 } }],
    ["an undefined key keeps the shared value", { a: 1 }, { a: undefined }, { a: 1 }],
  ])("%s", (_, shared, override, merged) => {
    expect(mergeOverride(shared, override)).toEqual(merged);
  });

  it("keeps __proto__ an own key, never the prototype", () => {
    const override = JSON.parse('{"__proto__": {"polluted": true}}');
    const merged = mergeOverride({}, override) as Record<string, unknown>;
    expect(Object.getPrototypeOf(merged)).toBe(Object.prototype);
    expect(Object.keys(merged)).toEqual(["__proto__"]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

/** Values a spec is made of: mappings of mappings, lists and scalars, null among them. */
const key = fc.constantFrom("a", "b", "c", "d", "name", "tags", "__proto__");
const value = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: "small" },
    fc.constantFrom(null, 1, "x", true),
    fc.array(tie("value"), { maxLength: 3 }),
    tie("mapping"),
  ),
  mapping: fc
    .array(fc.tuple(key, tie("value")), { maxLength: 4 })
    .map((entries) => Object.fromEntries(entries)),
}));
const mapping = value.mapping as fc.Arbitrary<Record<string, unknown>>;

/** Every path to a leaf (anything but a mapping with keys) of a value, with the leaf. */
function leaves(v: unknown, path: string[] = []): [string[], unknown][] {
  const isMap = typeof v === "object" && v !== null && !Array.isArray(v);
  if (!isMap || Object.keys(v).length === 0) return [[path, v]];
  return Object.entries(v).flatMap(([k, x]) => leaves(x, [...path, k]));
}
const at = (v: unknown, path: string[]) =>
  path.reduce<unknown>(
    (x, k) => (x && Object.hasOwn(x, k) ? (x as Record<string, unknown>)[k] : undefined),
    v,
  );

describe("mergeOverride (property)", () => {
  it("merging an empty override, or none, is the identity", () => {
    fc.assert(
      fc.property(mapping, (shared) => {
        expect(mergeOverride(shared, {})).toEqual(shared);
        expect(mergeOverride(shared, undefined)).toBe(shared);
      }),
      { numRuns: runs(300) },
    );
  });

  it("an override's leaf always wins, and mutates neither side", () => {
    fc.assert(
      fc.property(mapping, mapping, (shared, override) => {
        const before = structuredClone([shared, override]);
        const merged = mergeOverride(shared, override);
        for (const [path, leaf] of leaves(override)) {
          if (path.length === 0) continue;
          const got = at(merged, path);
          // An empty mapping merges with a shared mapping (and adds nothing) rather than replacing it.
          const emptyMap = typeof leaf === "object" && leaf !== null && !Array.isArray(leaf);
          if (emptyMap) expect(typeof got === "object" && got !== null).toBe(true);
          else expect(got).toEqual(leaf);
        }
        expect([shared, override]).toEqual(before);
      }),
      { numRuns: runs(300) },
    );
  });

  it("keeps every shared leaf the override does not reach", () => {
    fc.assert(
      fc.property(mapping, mapping, (shared, override) => {
        const merged = mergeOverride(shared, override);
        for (const [path, leaf] of leaves(shared)) {
          if (path.length === 0) continue;
          // Reached: the override has the path itself, or a prefix of it as a leaf.
          const reached = path.some((_, i) => {
            const o = at(override, path.slice(0, i + 1));
            const leafHere = typeof o !== "object" || o === null || Array.isArray(o);
            return o !== undefined && (i === path.length - 1 || leafHere);
          });
          if (!reached) expect(at(merged, path)).toEqual(leaf);
        }
      }),
      { numRuns: runs(300) },
    );
  });
});

describe("resolveTargets (property)", () => {
  const cidr = fc.constantFrom("10.0.0.0/16", "192.0.2.0/24", "2001:db8::/32");
  const override = fc.record(
    {
      name: fc.constantFrom("labelers", "labelers-eu"),
      sourceIpConfig: fc.record({ cidrs: fc.array(cidr, { maxLength: 3 }) }),
      ipAddressType: fc.constantFrom("ipv4" as const, "dualstack" as const),
      tags: fc.dictionary(fc.constantFrom("team", "stage", "cost"), fc.constantFrom("a", "b")),
      workforceVpcConfig: fc.constant(null),
    },
    { requiredKeys: [] },
  );
  const regions = fc.uniqueArray(
    fc.constantFrom("us-east-1", "eu-west-1", "ap-south-1", "sa-east-1"),
    {
      minLength: 1,
    },
  );

  it("a target's spec is the shared spec with the override's fields, and the shared spec is unchanged", () => {
    fc.assert(
      fc.property(regions, fc.array(override, { minLength: 4, maxLength: 4 }), (rs, overrides) => {
        const spec: Spec = {
          ...validSpec({ workforce: { tags: { team: "ml" } }, workteams: [team("a")] }),
          targets: rs.map((region, i) => ({ region, workforce: overrides[i] })),
        };
        const before = structuredClone(spec);
        const targets = resolveTargets(spec);
        expect(targets.map((t) => t.region)).toEqual(rs);
        for (const [i, t] of targets.entries()) {
          const o = overrides[i]!;
          expect(t.index).toBe(i);
          expect(t.spec.region).toBe(rs[i]);
          expect(t.spec.workteams).toEqual(spec.workteams);
          expect(t.spec.workforce.oidcConfig).toEqual(spec.workforce.oidcConfig);
          expect(t.spec.workforce.name).toBe(o.name ?? spec.workforce.name);
          expect(t.spec.workforce.sourceIpConfig).toEqual(
            o.sourceIpConfig ?? spec.workforce.sourceIpConfig,
          );
          expect(t.spec.workforce.tags).toEqual({ ...spec.workforce.tags, ...o.tags });
        }
        expect(spec).toEqual(before);
      }),
      { numRuns: runs(200) },
    );
  });
});

describe("rolloutPolicy", () => {
  it.each<[string, Spec["policy"], ReturnType<typeof rolloutPolicy>]>([
    ["no policy: the defaults", undefined, { maxConcurrency: 4, canary: 1, failureTolerance: 0 }],
    [
      "no rollout: the defaults",
      { allowWorkteamDeletion: true },
      { maxConcurrency: 4, canary: 1, failureTolerance: 0 },
    ],
    ["some set", { rollout: { canary: 0 } }, { maxConcurrency: 4, canary: 0, failureTolerance: 0 }],
    [
      "all set",
      { rollout: { maxConcurrency: 20, canary: 3, failureTolerance: 2 } },
      { maxConcurrency: 20, canary: 3, failureTolerance: 2 },
    ],
  ])("%s", (_, policy, expected) => {
    const spec = { ...validSpec(), ...(policy && { policy }) };
    expect(rolloutPolicy(spec)).toEqual(expected);
  });
});
