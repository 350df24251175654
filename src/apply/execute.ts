/**
 * Running a plan's steps, in order, through the SDK. The executor never prints: it reports typed
 * events, and the caller (plain text, JSON, or the Ink UI) decides how to show them.
 *
 * Safety: the backup is written and synced before the first delete; a workteam with an
 * in-progress labeling job is never deleted; an interrupt stops between steps; every failure
 * leaves a state that running apply again finishes (it restores from the newest open backup).
 */
import {
  AddTagsCommand,
  ConflictException,
  CreateWorkforceCommand,
  CreateWorkteamCommand,
  DeleteTagsCommand,
  DeleteWorkteamCommand,
  DescribeWorkteamCommand,
  type SageMakerClient,
  UpdateWorkforceCommand,
  UpdateWorkteamCommand,
} from "@aws-sdk/client-sagemaker";
import { AwsError, awsError } from "../aws/errors.ts";
import { describeWorkforce, readJobs, readLive, readTags, workteamFromWire } from "../aws/live.ts";
import {
  createWorkforceRequest,
  createWorkteamRequest,
  recreateWorkteamRequest,
  updateWorkforceRequest,
  updateWorkteamRequest,
} from "../aws/requests.ts";
import { expectedState, stateDifferences, withUnmanagedOidc } from "../core/effective.ts";
import { plan as makePlan } from "../core/plan.ts";
import type { LiveState, Plan, PlanOptions, Step } from "../core/types.ts";
import { InterruptedError, UserError } from "../errors.ts";
import { stepLine } from "../render/describe.ts";
import type { Spec } from "../spec/schema.ts";
import { DEFAULT_WAIT, parseDuration } from "../values/duration.ts";
import { type BackedUpWorkteam, backupPath, type OpenBackups, writeBackup } from "./backup.ts";

export type ApplyEvent =
  | { type: "step-start"; index: number; total: number; step: Step }
  | { type: "step-done"; index: number; total: number; step: Step; ms: number; note?: string }
  | { type: "step-failed"; index: number; total: number; step: Step; ms: number; error: string }
  /** An interrupt stopped the step (a wait) before it ended; nothing about it failed. */
  | { type: "step-stopped"; index: number; total: number; step: Step; ms: number }
  | { type: "waiting"; status: string; elapsedMs: number }
  | { type: "retry"; message: string };

export interface ApplyContext {
  client: SageMakerClient;
  spec: Spec;
  plan: Plan;
  /** The live state the plan was made from: verify expects it, with the plan's changes, afterwards. */
  live: LiveState;
  options: PlanOptions;
  region: string;
  /** Resolves the OIDC client secret when a step must send it (and only then). */
  secret: () => string | undefined;
  waitTimeoutMs: number;
  backupDir: string;
  /** Workteams of earlier open backups, for steps that restore them. */
  restoreFrom?: OpenBackups;
  /** Set by the first Ctrl-C / SIGTERM: stop before the next step. */
  interrupted: () => boolean;
  /** Aborted by the first Ctrl-C / SIGTERM too: a wait stops at once, even mid-poll. */
  signal?: AbortSignal;
  onEvent: (e: ApplyEvent) => void;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

export interface ApplyResult {
  completed: Step[];
  backupFile?: string;
  /** How the live state still differs from what the apply should have made it (empty when verified). */
  remaining: string[];
}

/** A pause that an abort (the first Ctrl-C) ends at once. */
export const abortableSleep = (signal?: AbortSignal) => (ms: number) =>
  new Promise<void>((done) => {
    const stop = () => {
      clearTimeout(timer);
      done();
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", stop);
      done();
    }, ms);
    if (signal?.aborted) stop();
    else signal?.addEventListener("abort", stop, { once: true });
  });

/**
 * Poll delays: 250 ms, then ×1.5 up to 1 s for the first minute (updates usually take seconds, and
 * the time from Active to noticing it is the apply's overhead), then up to 5 s.
 */
export function pollDelays(): (elapsedMs: number) => number {
  let next = 250;
  return (elapsedMs) => {
    const d = next;
    next = Math.min(elapsedMs < 60_000 ? 1000 : 5000, Math.round(next * 1.5));
    return d;
  };
}

/** What the steps of one apply share: the context, and what earlier steps left for later ones. */
interface Run {
  ctx: StepContext;
  now: () => number;
  sleep: (ms: number) => Promise<void>;
  /** Workteams in a backup, by name: only these may be deleted, and recreated from it. */
  saved: Map<string, BackedUpWorkteam>;
  backupFile?: string;
  /** What verify found still different. */
  remaining: string[];
}

/** What a step needs; the plan's part is absent when steps run without a plan (`wfplan restore`). */
export type StepContext = Omit<ApplyContext, "spec" | "plan" | "live" | "options"> & {
  workforceName: string;
  planned?: Pick<ApplyContext, "spec" | "plan" | "live" | "options">;
};

type Handler<K extends Step["kind"]> = (
  step: Extract<Step, { kind: K }>,
  run: Run,
) => Promise<string | undefined>;

/** How each kind of step runs. Each returns a note for its "done" event. */
const HANDLERS: { [K in Step["kind"]]: Handler<K> } = {
  backup: backUp,
  "delete-workteam": (step, run) => {
    if (!run.saved.has(step.name))
      throw new Error(`refusing to delete workteam ${step.name}: it is not in a backup`);
    return settled(
      run,
      send(run, `DeleteWorkteam ${step.name}`, () =>
        run.ctx.client.send(new DeleteWorkteamCommand({ WorkteamName: step.name })),
      ),
      async () => !(await workteamExists(run, step.name)),
    );
  },
  "create-workforce": (step, run) => {
    const { spec } = planned(run);
    return settled(
      run,
      send(run, "CreateWorkforce", () =>
        run.ctx.client.send(
          new CreateWorkforceCommand(
            createWorkforceRequest(spec, step.sendsSecret ? run.ctx.secret() : undefined),
          ),
        ),
      ),
      async () => (await describeWorkforce(run.ctx.client, run.ctx.workforceName)) !== null,
    );
  },
  "update-workforce": async (step, run) => {
    const { spec } = planned(run);
    const secret = step.sendsSecret ? run.ctx.secret() : undefined;
    await send(run, "UpdateWorkforce", () =>
      run.ctx.client.send(
        new UpdateWorkforceCommand(updateWorkforceRequest(spec, step.fields, secret)),
      ),
    );
    return undefined;
  },
  "wait-active": async (_, run) => {
    await waitActive(run, { failed: "error" });
    return undefined;
  },
  "create-workteam": (step, run) => {
    const teamSpec = run.ctx.planned?.spec.workteams?.find((t) => t.name === step.name);
    const backedUp = run.saved.get(step.name);
    if (step.source !== "spec" && !backedUp)
      throw new UserError(`cannot recreate workteam ${step.name}: it is in no backup`);
    const name = run.ctx.workforceName;
    const request = backedUp
      ? recreateWorkteamRequest(backedUp, step.source === "backup" ? undefined : teamSpec, name)
      : createWorkteamRequest(teamSpec!, name);
    return settled(
      run,
      send(run, `CreateWorkteam ${step.name}`, () =>
        run.ctx.client.send(new CreateWorkteamCommand(request)),
      ),
      () => workteamExists(run, step.name),
    );
  },
  "update-workteam": async (step, run) => {
    const teamSpec = planned(run).spec.workteams!.find((t) => t.name === step.name)!;
    await send(run, `UpdateWorkteam ${step.name}`, () =>
      run.ctx.client.send(new UpdateWorkteamCommand(updateWorkteamRequest(teamSpec, step.fields))),
    );
    return undefined;
  },
  "tag-workteam": async (step, run) => {
    const arn = planned(run).live.workteams.find((t) => t.name === step.name)?.arn;
    if (!arn) throw new Error(`workteam ${step.name} is not in the live state the plan read`);
    // Remove first, so that a team at its 50-tag limit can take its new tags.
    if (step.remove.length > 0)
      await send(run, `DeleteTags ${step.name}`, () =>
        run.ctx.client.send(new DeleteTagsCommand({ ResourceArn: arn, TagKeys: step.remove })),
      );
    const add = Object.entries(step.add).map(([Key, Value]) => ({ Key, Value }));
    if (add.length > 0)
      await send(run, `AddTags ${step.name}`, () =>
        run.ctx.client.send(new AddTagsCommand({ ResourceArn: arn, Tags: add })),
      );
    return undefined;
  },
  verify: async (_, run) => {
    run.remaining = await verify(run);
    return run.remaining.length
      ? `${run.remaining.length} difference(s) remain`
      : "all as expected";
  },
};

export async function executePlan(ctx: ApplyContext): Promise<ApplyResult> {
  const { plan, live, options, ...rest } = ctx;
  // The requests carry the OIDC configuration's optional parts the spec omits, as they are live.
  const spec = withUnmanagedOidc(ctx.spec, live.workforce);
  const steps = plan.steps;
  // Verify compares every workteam's tags with what they were: read those the plan did not.
  if (steps.some((s) => s.kind === "verify")) {
    await readTags(
      ctx.client,
      live.workteams.filter((t) => !t.tags),
    );
  }
  return runSteps(steps, {
    ...rest,
    workforceName: spec.workforce.name,
    planned: { spec, plan, live, options },
  });
}

/**
 * Recreates workteams of a backup, each exactly as it was (`wfplan restore`): the steps an apply
 * runs to restore them, without a plan.
 */
export function restoreWorkteams(
  names: readonly string[],
  ctx: Omit<StepContext, "planned" | "secret" | "backupDir" | "waitTimeoutMs">,
): Promise<ApplyResult> {
  const steps = names.map((name): Step => ({ kind: "create-workteam", name, source: "backup" }));
  // No wait step: a Failed workforce takes workteams, and a busy one is waited for on ConflictException.
  return runSteps(steps, {
    ...ctx,
    secret: () => undefined,
    backupDir: "",
    waitTimeoutMs: parseDuration(DEFAULT_WAIT)!,
  });
}

async function runSteps(steps: Step[], ctx: StepContext): Promise<ApplyResult> {
  const run: Run = {
    ctx,
    now: ctx.now ?? Date.now,
    sleep: ctx.sleep ?? abortableSleep(ctx.signal),
    saved: new Map((ctx.restoreFrom?.workteams ?? []).map((t) => [t.workteam.WorkteamName!, t])),
    remaining: [],
  };
  const completed: Step[] = [];
  const total = steps.length;
  for (const [i, step] of steps.entries()) {
    if (ctx.interrupted()) {
      throw new InterruptedError(
        `Interrupted before step ${i + 1} of ${total}.\n${interruptedMessage(completed, steps.slice(i))}`,
      );
    }
    const index = i + 1;
    ctx.onEvent({ type: "step-start", index, total, step });
    const started = run.now();
    try {
      const handler = HANDLERS[step.kind] as Handler<typeof step.kind>;
      const note = await handler(step, run);
      completed.push(step);
      ctx.onEvent({ type: "step-done", index, total, step, ms: run.now() - started, note });
    } catch (e) {
      const message = (e as Error).message;
      const ms = run.now() - started;
      if (e instanceof InterruptedError) {
        ctx.onEvent({ type: "step-stopped", index, total, step, ms });
        throw new InterruptedError(`${message}\n${interruptedMessage(completed, steps.slice(i))}`);
      }
      ctx.onEvent({ type: "step-failed", index, total, step, ms, error: message });
      throw e;
    }
  }
  return { completed, backupFile: run.backupFile, remaining: run.remaining };
}

/** The plan's part of the context, for the steps that send the spec's values or verify. */
function planned(run: Run): NonNullable<StepContext["planned"]> {
  if (!run.ctx.planned) throw new Error("this step needs the plan it came from");
  return run.ctx.planned;
}

/**
 * One call. Throttling and 5xx are the SDK's to retry; a ConflictException means the workforce is
 * still Updating: wait for it and try again.
 */
async function send<T>(run: Run, what: string, call: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (e) {
      if (e instanceof ConflictException && attempt < 5) {
        run.ctx.onEvent({
          type: "retry",
          message: `${what}: the workforce is busy (${e.message}); waiting`,
        });
        await waitActive(run, { failed: "accept" });
        continue;
      }
      throw awsError(e, what);
    }
  }
}

/** Polls until the workforce is Active; a Failed update is an error unless the caller only waits for it to settle. */
async function waitActive(run: Run, { failed }: { failed: "error" | "accept" }): Promise<void> {
  const { ctx, now } = run;
  const wfName = ctx.workforceName;
  const start = now();
  const delay = pollDelays();
  for (;;) {
    let wf: Awaited<ReturnType<typeof describeWorkforce>> | undefined;
    try {
      wf = await describeWorkforce(ctx.client, wfName, ctx.signal);
    } catch (e) {
      if (ctx.interrupted()) throw new InterruptedError("Interrupted while waiting.");
      // A poll that timed out, or met a network error or a 5xx, is one poll: the wait goes on
      // until its own deadline.
      if (!(e instanceof AwsError && e.transient)) throw e;
      const elapsed = now() - start;
      if (elapsed >= ctx.waitTimeoutMs) {
        throw new UserError(
          `the workforce's status could not be read for the rest of the wait (${Math.round(elapsed / 1000)}s, waitTimeout): ${e.message}`,
          {
            hint: "run wfplan apply again when the endpoint answers: it waits again and finishes the remaining steps",
          },
        );
      }
      ctx.onEvent({ type: "retry", message: `${e.message}; still waiting` });
      await run.sleep(Math.min(delay(elapsed), ctx.waitTimeoutMs - elapsed));
      continue;
    }
    const status = wf?.status ?? "missing";
    if (status === "Active") return;
    if (status === "Failed" && failed === "accept") return;
    if (status === "Failed") {
      throw new UserError(
        `the workforce update failed: ${wf?.failureReason ?? "no reason given"}`,
        {
          hint: "fix the cause, then run wfplan apply again: it sends the configuration again and restores the workteams from the backup",
        },
      );
    }
    if (status === "missing")
      throw new UserError(`workforce ${wfName} disappeared while waiting for it`);
    const elapsed = now() - start;
    if (elapsed >= ctx.waitTimeoutMs) {
      throw new UserError(
        `the workforce is still ${status} after ${Math.round(elapsed / 1000)}s (waitTimeout)`,
        { hint: "run wfplan apply again later: it waits again and finishes the remaining steps" },
      );
    }
    if (ctx.interrupted())
      throw new InterruptedError(`Interrupted while the workforce was ${status}.`);
    ctx.onEvent({ type: "waiting", status, elapsedMs: elapsed });
    await run.sleep(Math.min(delay(elapsed), Math.max(0, ctx.waitTimeoutMs - elapsed)));
  }
}

/**
 * A create or delete whose answer was lost (a timeout, after which the SDK tried again and was told
 * "already exists" or "does not exist") may still have been done: when the live state says it was,
 * the step is done. Verify compares every field afterwards.
 */
async function settled(run: Run, call: Promise<unknown>, done: () => Promise<boolean>) {
  try {
    await call;
    return undefined;
  } catch (e) {
    if (run.ctx.interrupted() || !(await done().catch(() => false))) throw e;
    return "done already: an earlier attempt whose answer was lost had done it";
  }
}

async function workteamExists(run: Run, name: string): Promise<boolean> {
  try {
    await run.ctx.client.send(new DescribeWorkteamCommand({ WorkteamName: name }));
    return true;
  } catch (e) {
    if ((e as Error).name === "ValidationException") return false;
    throw e;
  }
}

/** Reads each workteam to delete (every tag page too), checks its jobs again, and writes the backup. */
async function backUp(step: Extract<Step, { kind: "backup" }>, run: Run): Promise<string> {
  const { ctx } = run;
  const entries: BackedUpWorkteam[] = [];
  for (const name of step.workteams) {
    const { Workteam } = await send(run, `DescribeWorkteam ${name}`, () =>
      ctx.client.send(new DescribeWorkteamCommand({ WorkteamName: name })),
    );
    // Every page: a team may hold more tags than one page (AWS's own aws: tags included).
    const team = workteamFromWire(Workteam!);
    await readTags(ctx.client, [team]);
    entries.push({
      workteam: JSON.parse(JSON.stringify(Workteam)),
      tags: Object.entries(team.tags ?? {}).map(([Key, Value]) => ({ Key, Value })),
    });
  }
  // Check the labeling jobs again right before deleting: the plan may be minutes old.
  const busy = await readJobs(
    ctx.client,
    entries.map((e) => workteamFromWire(e.workteam)),
  );
  if (Object.keys(busy).length > 0) {
    throw new UserError(
      `workteam ${Object.keys(busy).join(", ")} now has in-progress labeling jobs; nothing was deleted`,
      { hint: "wait for the jobs to finish, then plan again" },
    );
  }
  for (const e of entries) run.saved.set(e.workteam.WorkteamName!, e);
  // Carry over the workteams an earlier unfinished apply still has to restore.
  const carried = (ctx.restoreFrom?.workteams ?? []).filter(
    (t) => !step.workteams.includes(t.workteam.WorkteamName!),
  );
  const at = new Date(run.now());
  run.backupFile = backupPath(ctx.backupDir, ctx.workforceName, at);
  writeBackup(run.backupFile, {
    kind: "wfplan-backup",
    formatVersion: 1,
    region: ctx.region,
    workforceName: ctx.workforceName,
    createdAt: at.toISOString(),
    workteams: [...entries, ...carried],
  });
  return run.backupFile;
}

/**
 * Reads the live state again, tags included, and compares every field — managed by the spec or
 * not — with what the plan should have made of the state it was made from; the workforce must be
 * Active. Should that find nothing, a new plan must be empty too.
 */
async function verify(run: Run): Promise<string[]> {
  const { client, region, workforceName } = run.ctx;
  const { spec, plan, live: before, options } = planned(run);
  const live = await readLive(client, region, workforceName);
  await readTags(client, live.workteams);
  const differences = stateDifferences(
    expectedState(spec, before, plan),
    live.workforce,
    live.workteams,
  );
  if (differences.length > 0) return differences;
  const again = makePlan(spec, live, { ...options, rotateClientSecret: false });
  return again.resources.flatMap((r) =>
    r.changes.length
      ? r.changes.map((c) => `${c.path} (${c.action})`)
      : [`${r.type} ${r.name} (${r.action})`],
  );
}

/** What an interrupt left done and not done, one step a line in the words of the plan. */
function interruptedMessage(done: Step[], notDone: Step[]): string {
  const list = (mark: string, steps: Step[]) =>
    steps.map((s) => `\n  ${mark} ${stepLine(s)}`).join("");
  return [
    done.length > 0 ? `Done:${list("✓", done)}` : "Done: nothing.",
    `Not done:${list("·", notDone)}`,
    "Run wfplan apply again to finish; deleted workteams are restored from the backup.",
  ].join("\n");
}
