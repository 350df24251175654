import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

/**
 * Loaded inside each test, as `wfplan schema` loads it: a definition that throws while the module
 * loads then fails these tests (a static import would fail the file, which no test reports).
 */
const jsonSchema = async () => (await import("../../src/spec/schema.ts")).jsonSchema();

describe("schema/workforce.schema.json", () => {
  it("is the schema the validator uses (run `npm run schema` after changing src/spec/schema.ts)", async () => {
    const committed = JSON.parse(readFileSync("schema/workforce.schema.json", "utf8"));
    expect(committed).toEqual(await jsonSchema());
  });

  it("describes the spec's sections and the API's limits", async () => {
    const s = (await jsonSchema()) as {
      $schema: string;
      properties: Record<string, unknown>;
      required: string[];
    };
    expect(s.$schema).toBe("https://json-schema.org/draft/2020-12/schema");
    expect(Object.keys(s.properties)).toEqual([
      "version",
      "region",
      "workforce",
      "workteams",
      "policy",
      "targets",
    ]);
    expect(s.required).toEqual(["version", "workforce"]);
    const text = JSON.stringify(s);
    expect(text).toContain('"additionalProperties":false');
    expect(text).toContain('"maxItems":25');
  });
});
