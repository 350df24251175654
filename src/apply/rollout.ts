/**
 * The rollout of a fleet (README, "Fleets"): in which order, and how many at once, the targets of
 * one apply are worked on. Generic and free of AWS: an item is whatever `run` applies.
 *
 * - The first `canary` items run one at a time, in order, each to its end (applied and verified)
 *   before the next starts. A canary that does not succeed stops the rollout: nothing more starts.
 * - Then the rest run, up to `maxConcurrency` at once, started in order.
 * - Once more than `failureTolerance` items have failed (canaries included), no new item starts;
 *   the running ones finish. So with tolerance t at most t + maxConcurrency items fail.
 * - An interrupt (`signal`) stops starting new items, and reaches the running ones through the
 *   signal they were given: they stop at their own safe point and end `interrupted`.
 *
 * Every item ends with one outcome: `succeeded`, `failed`, `interrupted`, or `not-started` when
 * the rollout stopped before it.
 */

export type Outcome = "succeeded" | "failed" | "interrupted" | "not-started";

export interface RolloutPolicy {
  maxConcurrency: number;
  canary: number;
  failureTolerance: number;
}

/** Why a rollout stopped starting items before the last. */
export type HaltReason = "canary-failed" | "failure-tolerance" | "interrupted";

export type RolloutEvent =
  | { type: "start"; index: number; canary: boolean }
  | { type: "end"; index: number; outcome: Exclude<Outcome, "not-started"> }
  /** Said once, when the rollout stops starting items while some have not started. */
  | { type: "halted"; reason: HaltReason; notStarted: number };

/** One item's work; a throw counts as `failed` (the item's own events say why). */
export type RunItem<T> = (item: T, signal: AbortSignal) => Promise<Exclude<Outcome, "not-started">>;

export async function rollout<T>(
  items: readonly T[],
  policy: RolloutPolicy,
  run: RunItem<T>,
  opts: { signal?: AbortSignal; onEvent?: (e: RolloutEvent) => void } = {},
): Promise<Outcome[]> {
  const signal = opts.signal ?? new AbortController().signal;
  const emit = opts.onEvent ?? (() => {});
  const outcomes: Outcome[] = items.map(() => "not-started");
  const canaries = Math.min(Math.max(0, policy.canary), items.length);
  let failures = 0;
  let halt: HaltReason | undefined;
  let next = 0;

  /** Whether another item may start; the first time it may not, says why. */
  const mayStart = (): boolean => {
    if (!halt) {
      if (signal.aborted) halt = "interrupted";
      else if (failures > policy.failureTolerance) halt = "failure-tolerance";
    }
    if (halt && next < items.length) {
      emit({ type: "halted", reason: halt, notStarted: items.length - next });
      next = items.length; // said once; nothing more starts
    }
    return next < items.length;
  };

  const runOne = async (index: number, canary: boolean) => {
    emit({ type: "start", index, canary });
    let outcome: Exclude<Outcome, "not-started">;
    try {
      outcome = await run(items[index] as T, signal);
    } catch {
      outcome = "failed";
    }
    outcomes[index] = outcome;
    if (outcome === "failed") failures++;
    emit({ type: "end", index, outcome });
    return outcome;
  };

  while (next < canaries && mayStart()) {
    const outcome = await runOne(next++, true);
    // An interrupted canary stops the rollout through the signal (mayStart says so).
    if (outcome === "failed") halt = "canary-failed";
  }
  const worker = async () => {
    while (mayStart()) await runOne(next++, false);
  };
  const width = Math.max(1, Math.min(policy.maxConcurrency, items.length - next));
  await Promise.all(Array.from({ length: width }, worker));
  return outcomes;
}
