/**
 * The rollout scheduler with a fake `run`: each item's work is a deferred promise the test settles,
 * so the order of starts and ends is the test's, with no timers.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type Outcome,
  type RolloutEvent,
  type RolloutPolicy,
  rollout,
} from "../../src/apply/rollout.ts";

type End = Exclude<Outcome, "not-started">;

interface Deferred<T> {
  promise: Promise<T>;
  resolve: (v: T) => void;
  reject: (e: unknown) => void;
}
function deferred<T>(): Deferred<T> {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** A rollout of `n` items whose runs wait for the test: `started` lists what is running now. */
function harness(n: number, policy: RolloutPolicy, signal?: AbortSignal) {
  const work = Array.from({ length: n }, () => deferred<End>());
  const starts = Array.from({ length: n }, () => deferred<AbortSignal>());
  const running = new Set<number>();
  const order: number[] = [];
  const events: RolloutEvent[] = [];
  let maxRunning = 0;
  const done = rollout(
    Array.from({ length: n }, (_, i) => i),
    policy,
    async (i, s) => {
      order.push(i);
      running.add(i);
      maxRunning = Math.max(maxRunning, running.size);
      starts[i]?.resolve(s);
      try {
        return await (work[i] as Deferred<End>).promise;
      } finally {
        running.delete(i);
      }
    },
    { signal, onEvent: (e) => events.push(e) },
  );
  return {
    done,
    order,
    events,
    running: () => [...running].sort((a, b) => a - b),
    maxRunning: () => maxRunning,
    /** Waits until item i has started; returns the signal it was given. */
    started: (i: number) => (starts[i] as Deferred<AbortSignal>).promise,
    /** Ends item i, and waits until the scheduler has seen it. */
    async end(i: number, outcome: End | Error) {
      const w = work[i] as Deferred<End>;
      if (outcome instanceof Error) w.reject(outcome);
      else w.resolve(outcome);
      await settled();
    },
  };
}

/** Lets every promise callback queued so far run (no timers: a macrotask boundary). */
const settled = () => new Promise<void>((r) => setImmediate(r));

const policy = (p: Partial<RolloutPolicy> = {}): RolloutPolicy => ({
  maxConcurrency: 2,
  canary: 1,
  failureTolerance: 0,
  ...p,
});

describe("rollout", () => {
  it("runs the canary alone first, then the rest up to maxConcurrency, in order", async () => {
    const h = harness(5, policy());
    await h.started(0);
    await settled();
    expect(h.running()).toEqual([0]);
    await h.end(0, "succeeded");
    expect(h.running()).toEqual([1, 2]);
    await h.end(2, "succeeded");
    expect(h.running()).toEqual([1, 3]);
    await h.end(1, "succeeded");
    await h.end(3, "succeeded");
    await h.end(4, "succeeded");
    expect(await h.done).toEqual(Array(5).fill("succeeded"));
    expect(h.order).toEqual([0, 1, 2, 3, 4]);
    expect(h.events.filter((e) => e.type === "halted")).toEqual([]);
  });

  it("runs several canaries one at a time, each to its end before the next", async () => {
    const h = harness(4, policy({ canary: 2, maxConcurrency: 4 }));
    await h.started(0);
    await settled();
    expect(h.running()).toEqual([0]);
    await h.end(0, "succeeded");
    expect(h.running()).toEqual([1]);
    await h.end(1, "succeeded");
    expect(h.running()).toEqual([2, 3]);
    await h.end(2, "succeeded");
    await h.end(3, "succeeded");
    expect(await h.done).toEqual(Array(4).fill("succeeded"));
    expect(h.events.filter((e) => e.type === "start").map((e) => e)).toEqual([
      { type: "start", index: 0, canary: true },
      { type: "start", index: 1, canary: true },
      { type: "start", index: 2, canary: false },
      { type: "start", index: 3, canary: false },
    ]);
  });

  it.each([
    ["failed", "failed"],
    ["throws", new Error("boom")],
  ] as const)("a canary that %s stops the rollout, whatever the tolerance", async (_, end) => {
    const h = harness(3, policy({ failureTolerance: 5 }));
    await h.started(0);
    await h.end(0, end);
    expect(await h.done).toEqual(["failed", "not-started", "not-started"]);
    expect(h.events.at(-1)).toEqual({ type: "halted", reason: "canary-failed", notStarted: 2 });
  });

  it("after more than failureTolerance failures starts nothing new; running ones finish", async () => {
    const h = harness(6, policy({ canary: 0, maxConcurrency: 2, failureTolerance: 1 }));
    await h.started(1);
    await h.end(0, "failed"); // 1 failure: tolerated
    expect(h.running()).toEqual([1, 2]);
    await h.end(2, "failed"); // 2 > 1: nothing new starts
    expect(h.running()).toEqual([1]);
    await h.end(1, "succeeded");
    expect(await h.done).toEqual([
      "failed",
      "succeeded",
      "failed",
      "not-started",
      "not-started",
      "not-started",
    ]);
    expect(h.events.filter((e) => e.type === "halted")).toEqual([
      { type: "halted", reason: "failure-tolerance", notStarted: 3 },
    ]);
  });

  it("with no tolerance, the first failure after the canaries stops the rollout", async () => {
    const h = harness(3, policy({ canary: 1, maxConcurrency: 1, failureTolerance: 0 }));
    await h.started(0);
    await h.end(0, "succeeded");
    await h.end(1, "failed");
    expect(await h.done).toEqual(["succeeded", "failed", "not-started"]);
  });

  it("an interrupt starts nothing new and reaches the running items, which end interrupted", async () => {
    const stop = new AbortController();
    const h = harness(5, policy(), stop.signal);
    await h.started(0);
    await h.end(0, "succeeded");
    const s1 = await h.started(1);
    const s2 = await h.started(2);
    stop.abort();
    expect(s1.aborted && s2.aborted).toBe(true);
    await h.end(1, "interrupted");
    expect(h.running()).toEqual([2]); // the freed slot stays free
    await h.end(2, "succeeded"); // it was past its last safe point
    expect(await h.done).toEqual([
      "succeeded",
      "interrupted",
      "succeeded",
      "not-started",
      "not-started",
    ]);
    expect(h.events.filter((e) => e.type === "halted")).toEqual([
      { type: "halted", reason: "interrupted", notStarted: 2 },
    ]);
  });

  it("an interrupt during the canary stops the rollout", async () => {
    const stop = new AbortController();
    const h = harness(3, policy(), stop.signal);
    await h.started(0);
    stop.abort();
    await h.end(0, "interrupted");
    expect(await h.done).toEqual(["interrupted", "not-started", "not-started"]);
  });

  it("an interrupt before the start starts nothing", async () => {
    const stop = new AbortController();
    stop.abort();
    const h = harness(2, policy(), stop.signal);
    expect(await h.done).toEqual(["not-started", "not-started"]);
    expect(h.order).toEqual([]);
  });

  it.each([
    [0, policy(), []],
    [2, policy({ canary: 5 }), ["succeeded", "succeeded"]],
    [3, policy({ canary: 0, maxConcurrency: 10 }), ["succeeded", "succeeded", "succeeded"]],
  ] as const)("with %i items and %o ends %o", async (n, p, expected) => {
    const h = harness(n, p);
    for (let i = 0; i < n; i++) {
      await h.started(i);
      await h.end(i, "succeeded");
    }
    expect(await h.done).toEqual(expected);
    expect(h.maxRunning()).toBeLessThanOrEqual(p.canary >= n ? 1 : p.maxConcurrency);
  });

  it("holds its promises for any policy, outcomes and order of ends (property)", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          maxConcurrency: fc.integer({ min: 1, max: 5 }),
          canary: fc.integer({ min: 0, max: 3 }),
          failureTolerance: fc.integer({ min: 0, max: 4 }),
        }),
        fc.array(fc.boolean(), { minLength: 0, maxLength: 12 }),
        fc.array(fc.nat(), { minLength: 40, maxLength: 40 }),
        async (p, fails, picks) => {
          const n = fails.length;
          const running: number[] = [];
          const pending = new Map<number, (o: End) => void>();
          const log: { at: "start" | "end"; i: number; failuresSeen: number }[] = [];
          let failuresSeen = 0;
          let maxRunning = 0;
          const done = rollout(
            fails.map((_, i) => i),
            p,
            (i) =>
              new Promise<End>((resolve) => {
                running.push(i);
                maxRunning = Math.max(maxRunning, running.length);
                log.push({ at: "start", i, failuresSeen });
                pending.set(i, resolve);
              }),
          );
          // Settle a running item of the test's choosing until none is left.
          let k = 0;
          for (;;) {
            await settled();
            if (running.length === 0) break;
            const at = (picks[k++ % picks.length] as number) % running.length;
            const [i] = running.splice(at, 1) as [number];
            const outcome: End = fails[i] ? "failed" : "succeeded";
            if (outcome === "failed") failuresSeen++;
            log.push({ at: "end", i, failuresSeen });
            pending.get(i)?.(outcome);
          }
          const outcomes = await done;
          const starts = log.filter((e) => e.at === "start");
          const failed = outcomes.filter((o) => o === "failed").length;
          const canaries = Math.min(p.canary, n);
          // Never more than maxConcurrency at once; canaries alone.
          expect(maxRunning).toBeLessThanOrEqual(Math.max(1, p.maxConcurrency));
          // Started in order; the canaries first, each ended before the next item started.
          expect(starts.map((s) => s.i)).toEqual(starts.map((_, j) => j));
          for (let c = 0; c < canaries; c++) {
            const startNext = log.findIndex((e) => e.at === "start" && e.i === c + 1);
            const endC = log.findIndex((e) => e.at === "end" && e.i === c);
            if (startNext >= 0) expect(endC).toBeLessThan(startNext);
          }
          // A failed canary: nothing after it started.
          const firstFailedCanary = outcomes.slice(0, canaries).indexOf("failed");
          if (firstFailedCanary >= 0) expect(starts.length).toBe(firstFailedCanary + 1);
          // Tolerance t: at most t + maxConcurrency failures, none started after the (t+1)th.
          expect(failed).toBeLessThanOrEqual(p.failureTolerance + p.maxConcurrency);
          for (const s of starts) expect(s.failuresSeen).toBeLessThanOrEqual(p.failureTolerance);
          // Every item has an outcome; only the unstarted are not-started.
          expect(outcomes.filter((o) => o !== "not-started").length).toBe(starts.length);
          expect(
            outcomes.every(
              (o, i) => o === "not-started" || o === (fails[i] ? "failed" : "succeeded"),
            ),
          ).toBe(true);
          // Nothing stops early without a failure beyond the tolerance or a failed canary.
          if (firstFailedCanary < 0 && failed <= p.failureTolerance) expect(starts.length).toBe(n);
        },
      ),
      { numRuns: 200 },
    );
  });
});
