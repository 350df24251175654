/**
 * The diff loses no change: for arbitrary mappings and lists (any keys, the empty one included, and
 * any Unicode text), fieldChanges finds nothing exactly when the two values are equal, and each
 * change it names is a place where they differ.
 */

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { canonicalJson } from "../../src/core/fingerprint.ts";
import { fieldChanges } from "../../src/core/normalize.ts";
import { plan } from "../../src/core/plan.ts";
import type { LiveState, WorkforceLive } from "../../src/core/types.ts";
import { loadSpecText } from "../../src/spec/load.ts";
import { oidcConfig, spec, yaml } from "../builders.ts";
import { runs } from "../helpers/runs.ts";

const text = fc.string({ unit: "grapheme", maxLength: 6 });
const leaf = fc.oneof(text, fc.array(text, { maxLength: 3 }));
const mapping = fc.dictionary(text, fc.oneof(leaf, fc.dictionary(text, leaf, { maxKeys: 3 })), {
  maxKeys: 4,
});

describe("fieldChanges (property)", () => {
  it("is empty exactly when the values are equal, and names only places that differ", () => {
    fc.assert(
      fc.property(mapping, mapping, (a, b) => {
        const changes = fieldChanges({ m: a }, { m: b }, "p");
        expect(changes.length === 0).toBe(canonicalJson(a) === canonicalJson(b));
        // Each change records a value that differs (paths join keys with dots, and keys may hold
        // dots, so the values are what is compared).
        for (const c of changes) {
          expect(canonicalJson(c.before ?? null)).not.toBe(canonicalJson(c.after ?? null));
        }
      }),
      { numRuns: runs(500) },
    );
  });

  it("sees a key that is the empty string, on either side", () => {
    expect(fieldChanges({ m: {} }, { m: { "": "x" } }, "p")).toEqual([
      { path: "p.m.", action: "create", after: "x", sensitive: false, before: undefined },
    ]);
    expect(fieldChanges({ m: { "": "x" } }, { m: {} }, "p")).toHaveLength(1);
  });
});

describe("the planner and an empty parameter name", () => {
  it("plans the new authentication parameter whose name is empty", () => {
    const s = loadSpecText(
      yaml(
        spec({
          workforce: {
            oidcConfig: oidcConfig({ authenticationRequestExtraParams: { "": "x" } }),
          },
        }),
      ),
      "t.yaml",
    ).spec!;
    const { clientSecret, ...oidc } = oidcConfig() as Record<string, string>;
    const live: LiveState = {
      region: "us-east-1",
      workforce: {
        name: "labelers",
        arn: "arn:aws:sagemaker:us-east-1:123456789012:workforce/labelers",
        status: "Active",
        oidcConfig: oidc as unknown as WorkforceLive["oidcConfig"],
        sourceIpConfig: { cidrs: [] },
        workforceVpcConfig: null,
        ipAddressType: "ipv4",
      },
      workteams: [],
      jobs: {},
    };
    const p = plan(s, live, {
      allowWorkteamDeletion: false,
      restoreWorkteams: true,
      pruneWorkteams: false,
      rotateClientSecret: false,
    });
    expect(p.resources[0]!.changes.map((c) => c.path)).toContain(
      "workforce.oidcConfig.authenticationRequestExtraParams.",
    );
    expect(p.steps[0]).toMatchObject({ kind: "update-workforce", fields: ["oidcConfig"] });
  });
});
