import { describe, expect, it } from "vitest";
import {
  DEFAULT_WAIT,
  formatDuration,
  parseDuration,
  WAIT_ALLOWED,
  WAIT_RANGE,
} from "../../src/values/duration.ts";

describe("durations", () => {
  it.each<[string, number | undefined]>([
    ["90s", 90_000],
    ["15m", 900_000],
    ["2h", 7_200_000],
    ["1h30m", 5_400_000],
    ["1h0m5s", 3_605_000],
    ["1m30s", 90_000],
    ["0s", 0],
    ["", undefined],
    ["1h30", undefined],
    ["m", undefined],
    ["1.5h", undefined],
    ["x90s", undefined],
    ["90s ", undefined],
    ["30m1h", undefined],
  ])("%j is %s ms", (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each<[number, string]>([
    [0, "0s"],
    [400, "0s"],
    [1500, "2s"],
    [45_000, "45s"],
    [60_000, "1m"],
    [90_000, "1m30s"],
    [3_600_000, "1h"],
    [3_605_000, "1h5s"],
    [5_400_000, "1h30m"],
    [86_400_000, "24h"],
  ])("%d ms reads %s", (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });

  it("waits 15 minutes unless told, within the range it allows", () => {
    expect(parseDuration(DEFAULT_WAIT)).toBe(15 * 60_000);
  });

  it("says the range it allows and gives examples inside it", () => {
    // "a duration from 1s to 24h, such as 90s, 15m or 1h30m"
    const [, min, max, examples] = /from (\S+) to (\S+), such as (.+)$/.exec(WAIT_ALLOWED) ?? [];
    expect([parseDuration(min!), parseDuration(max!)]).toEqual([WAIT_RANGE.min, WAIT_RANGE.max]);
    const shown = examples!.split(/, | or /);
    expect(shown).toEqual(["90s", "15m", "1h30m"]);
    for (const e of shown) {
      const ms = parseDuration(e)!;
      expect(ms).toBeGreaterThanOrEqual(WAIT_RANGE.min);
      expect(ms).toBeLessThanOrEqual(WAIT_RANGE.max);
    }
  });
});
