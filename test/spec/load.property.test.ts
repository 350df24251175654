import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { loadSpecText } from "../../src/spec/load.ts";
import { spec, yaml } from "../builders.ts";
import { runs } from "../helpers/runs.ts";

/** Whatever the input, the loader answers with diagnostics (or a spec), never an exception. */
function loadsCleanly(input: string | Uint8Array) {
  const result = loadSpecText(input, "p.yaml");
  expect(result.spec !== undefined || result.diagnostics.some((d) => d.severity === "error")).toBe(
    true,
  );
  for (const d of result.diagnostics) {
    expect(d.file).toBe("p.yaml");
    expect(Number.isInteger(d.line) && d.line >= 0).toBe(true);
    expect(d.message.length).toBeGreaterThan(0);
  }
}

const validText = yaml(spec());

describe("the loader never throws (property)", () => {
  it("on arbitrary bytes", () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 400 }), loadsCleanly), { numRuns: runs(500) });
  });

  it("on arbitrary text", () => {
    fc.assert(fc.property(fc.string({ unit: "binary", maxLength: 400 }), loadsCleanly), {
      numRuns: runs(500),
    });
  });

  it("on arbitrary YAML values", () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4 }), (v) => loadsCleanly(stringify(v))),
      { numRuns: runs(300) },
    );
  });

  it("on a valid spec with one part replaced by anything", () => {
    const paths = [
      ["version"],
      ["workforce"],
      ["workforce", "name"],
      ["workforce", "oidcConfig"],
      ["workforce", "sourceIpConfig"],
      ["workforce", "workforceVpcConfig"],
      ["workteams"],
      ["policy"],
      ["region"],
    ];
    fc.assert(
      fc.property(fc.constantFrom(...paths), fc.jsonValue({ maxDepth: 3 }), (path, value) => {
        const s = spec() as Record<string, unknown>;
        let node = s;
        for (const key of path.slice(0, -1)) node = node[key] as Record<string, unknown>;
        node[path.at(-1)!] = value;
        loadsCleanly(stringify(s));
      }),
      { numRuns: runs(500) },
    );
  });

  it("on a valid spec with bytes spliced in", () => {
    fc.assert(
      fc.property(fc.nat({ max: validText.length }), fc.string({ maxLength: 20 }), (at, junk) =>
        loadsCleanly(validText.slice(0, at) + junk + validText.slice(at)),
      ),
      { numRuns: runs(500) },
    );
  });
});
