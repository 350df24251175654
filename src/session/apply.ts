/**
 * An apply session: run a prepared plan's steps, and when verify finds the live state as it should
 * be, close the backups the apply read and wrote. No printing, no process state: the caller says
 * how long a wait may take and when to stop, and sees each step through `onEvent`.
 */
import { closeBackups } from "../apply/backup.ts";
import { type ApplyEvent, type ApplyResult, executePlan } from "../apply/execute.ts";
import { resolveSecret } from "../spec/secrets.ts";
import type { Prepared } from "./plan.ts";

export interface ApplyControls {
  /** How long a wait for the workforce to become Active may take. */
  waitTimeoutMs: number;
  onEvent?: (e: ApplyEvent) => void;
  /** Aborted to stop: between steps, and a wait at once (even mid-poll). */
  signal?: AbortSignal;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

export interface ApplySessionResult extends ApplyResult {
  /** Verify ran and found the live state as the plan should have made it: every field, managed or not. */
  verified: boolean;
}

export async function applySession(
  prepared: Prepared,
  controls: ApplyControls,
): Promise<ApplySessionResult> {
  const { spec, specFile, env } = prepared;
  const ref = spec.workforce.oidcConfig?.clientSecret;
  const result = await executePlan({
    client: prepared.client,
    spec,
    plan: prepared.plan,
    live: prepared.live,
    options: prepared.options,
    region: prepared.region,
    // A fleet's targets share the run's one resolution of the secret (session/fleet.ts).
    secret: () =>
      ref ? (prepared.resolveSecret?.(ref) ?? resolveSecret(ref, { env, specFile })) : undefined,
    waitTimeoutMs: controls.waitTimeoutMs,
    backupDir: prepared.backupDir,
    restoreFrom: prepared.openBackups,
    interrupted: () => controls.signal?.aborted === true,
    signal: controls.signal,
    onEvent: controls.onEvent ?? (() => {}),
    now: controls.now,
    sleep: controls.sleep,
  });
  // Only a verify step verifies: a plan without steps ran nothing, and closes no backup.
  const verified =
    result.completed.some((s) => s.kind === "verify") && result.remaining.length === 0;
  if (verified) {
    closeBackups(
      [...(prepared.openBackups?.files ?? []), ...(result.backupFile ? [result.backupFile] : [])],
      new Date(),
    );
  }
  return { ...result, verified };
}
