import { describe, expect, it } from "vitest";
import {
  ENDPOINT_ALLOWED,
  endpointProblem,
  REGION_ALLOWED,
  REGION_PATTERN,
} from "../../src/values/settings.ts";

describe("endpoint URLs", () => {
  it.each<[string, string | undefined]>([
    ["https://api.sagemaker.us-east-1.amazonaws.com", undefined],
    ["http://127.0.0.1:4599", undefined],
    ["HTTP://127.0.0.1:4599/path", undefined],
    ["127.0.0.1:4599", "not a URL"],
    ["localhost:4599", "not an http(s) URL"],
    ["localhost", "not a URL"],
    ["", "not a URL"],
    ["ftp://example.com", "not an http(s) URL"],
    ["file:///etc/passwd", "not an http(s) URL"],
    ["https://user:pass@example.com", "a URL with credentials in it"],
    ["https://user@example.com", "a URL with credentials in it"],
    ["https://:pass@example.com", "a URL with credentials in it"],
  ])("%j: %s", (value, problem) => {
    expect(endpointProblem(value)).toBe(problem);
  });

  it("gives examples that are endpoints", () => {
    const urls = ENDPOINT_ALLOWED.match(/https?:\/\/\S+/g);
    expect(urls).toEqual([
      "https://api.sagemaker.us-east-1.amazonaws.com",
      "http://127.0.0.1:4599",
    ]);
    for (const url of urls!) expect(endpointProblem(url)).toBeUndefined();
  });
});

describe("regions", () => {
  it.each<[string, boolean]>([
    ["us-east-1", true],
    ["eu-central-1", true],
    ["us-gov-west-1", true],
    ["ap-southeast-2", true],
    ["us-east-10", true],
    ["US-EAST-1", false],
    ["us-east", false],
    ["useast-1", false],
    ["u-east-1", false],
    ["us-east-1 ", false],
    ["xus-east-1", false],
  ])("%j is a region: %s", (value, ok) => {
    expect(REGION_PATTERN.test(value)).toBe(ok);
  });

  it("gives examples that are regions", () => {
    const shown = REGION_ALLOWED.match(/[a-z]{2}-[a-z]+-\d+/g);
    expect(shown).toEqual(["us-east-1", "eu-central-1"]);
    for (const r of shown!) expect(REGION_PATTERN.test(r)).toBe(true);
  });
});
