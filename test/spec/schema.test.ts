import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { jsonSchema } from "../../src/spec/schema.ts";

describe("schema/workforce.schema.json", () => {
  it("is the schema the validator uses (run `npm run schema` after changing src/spec/schema.ts)", () => {
    const committed = JSON.parse(readFileSync("schema/workforce.schema.json", "utf8"));
    expect(committed).toEqual(jsonSchema());
  });

  it("describes the spec's sections and the API's limits", () => {
    const s = jsonSchema() as { properties: Record<string, unknown>; required: string[] };
    expect(Object.keys(s.properties)).toEqual([
      "version",
      "region",
      "workforce",
      "workteams",
      "policy",
    ]);
    expect(s.required).toEqual(["version", "workforce"]);
    const text = JSON.stringify(s);
    expect(text).toContain('"additionalProperties":false');
    expect(text).toContain('"maxItems":25');
  });
});
