/**
 * The executor in this process, against the emulator through the real SDK: the order of its
 * steps, what it does when the service is busy, slow, failing or changed by someone else, and when
 * it is stopped. (The end-to-end suites run the same paths through the built CLI; these exist so
 * that a mutant of the executor meets a test that can kill it.)
 */
import { existsSync, mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  AddTagsCommand,
  CreateWorkforceCommand,
  CreateWorkteamCommand,
  DeleteTagsCommand,
  DeleteWorkteamCommand,
  DescribeWorkforceCommand,
  DescribeWorkteamCommand,
  type SageMakerClient,
  UpdateWorkteamCommand,
} from "@aws-sdk/client-sagemaker";
import { afterEach, describe, expect, it, vi } from "vitest";
import { readBackup, writeBackup } from "../../src/apply/backup.ts";
import {
  type ApplyContext,
  type ApplyEvent,
  abortableSleep,
  executePlan,
  pollDelays,
  restoreWorkteams,
} from "../../src/apply/execute.ts";
import { planOptions } from "../../src/core/plan.ts";
import type { Plan, PlanOptions, Step } from "../../src/core/types.ts";
import type { Emulator, EmulatorOptions } from "../../src/emulator/server.ts";
import { InterruptedError, UserError } from "../../src/errors.ts";
import { planSession, type Prepared as Session } from "../../src/session/plan.ts";
import { loadSpecText } from "../../src/spec/load.ts";
import type { Spec } from "../../src/spec/schema.ts";
import { oidcConfig, type Raw, spec, workteam, yaml } from "../builders.ts";
import { emulator, labelingJob, manualClock, sdk, seedWorkforce } from "../helpers/emulator.ts";

const newIssuer = { oidcConfig: oidcConfig({ issuer: "https://new.example.com" }) };
const narrower = { sourceIpConfig: { cidrs: ["10.1.0.0/16"] } };

interface Prepared extends Session {
  emu: Emulator;
  /** The emulator's time, which the executor's sleeps move (absent: real time, no delays). */
  time?: FakeTime;
  client: SageMakerClient;
  spec: Spec;
  options: PlanOptions;
  backupDir: string;
}

/** An emulator seeded with "labelers" and `teams`, and a plan of `raw` against it. */
async function prepare(
  raw: Raw,
  teams: string[] = ["annotators"],
  o: Partial<PlanOptions> = {},
  emuOptions: EmulatorOptions = {},
): Promise<Prepared> {
  const time = fakeTime();
  // Updates take as long as they do on the service; only the executor's sleeps move the clock.
  const emu = await emulator({ updateDelayMs: 3000, ...emuOptions, clock: time.now });
  const client = sdk(emu);
  await seedWorkforce(client, teams);
  return { ...(await plan(emu, client, raw, o)), time };
}

async function plan(
  emu: Emulator,
  client: SageMakerClient,
  raw: Raw,
  o: Partial<PlanOptions> = {},
  backupDir = mkdtempSync(join(tmpdir(), "wfplan-execute-")),
): Promise<Prepared> {
  const theSpec = loadSpecText(yaml(raw), "w.yaml").spec!;
  const options = { ...planOptions(theSpec), ...o };
  const session = await planSession({
    client,
    region: "us-east-1",
    spec: theSpec,
    options,
    backupDir,
    specFile: "w.yaml",
    env: { WFPLAN_OIDC_CLIENT_SECRET: "execute-secret" },
    preflight: false, // tests of the checks: test/preflight, test/e2e/preflight.test.ts
  });
  return { ...session, emu, client, spec: theSpec, options, backupDir };
}

/** Runs the plan (or `steps` instead of its own); the error, if any, is returned, not thrown. */
async function execute(p: Prepared, over: Partial<ApplyContext> = {}, steps?: Step[]) {
  const events: ApplyEvent[] = [];
  const thePlan: Plan = steps ? { ...p.plan, steps } : p.plan;
  const ctx: ApplyContext = {
    client: p.client,
    spec: p.spec,
    plan: thePlan,
    live: p.live,
    options: p.options,
    region: "us-east-1",
    secret: () => "execute-secret",
    waitTimeoutMs: 10_000,
    backupDir: p.backupDir,
    restoreFrom: p.openBackups,
    interrupted: () => false,
    now: p.time?.now,
    sleep: p.time?.sleep ?? (async () => {}),
    ...over,
    onEvent: (e) => {
      events.push(e);
      over.onEvent?.(e);
    },
  };
  try {
    return { result: await executePlan(ctx), events, error: undefined };
  } catch (error) {
    return { result: undefined, events, error: error as Error };
  }
}

type FakeTime = ReturnType<typeof fakeTime>;

/** Time that only the executor's sleeps move, shared with the emulator: a wait takes no real time. */
function fakeTime() {
  const clock = manualClock();
  const slept: number[] = [];
  return {
    now: clock.now,
    slept,
    sleep: async (ms: number) => {
      slept.push(ms);
      clock.advance(ms);
    },
  };
}

const mutating = (emu: Emulator, from = 0) =>
  emu.calls
    .slice(from)
    .filter((c) => !/^(Describe|List)/.test(c.operation))
    .map((c) => `${c.operation}${c.errorType ? `!${c.errorType}` : ""}`);

const stepEvents = (events: ApplyEvent[]) =>
  events
    .filter((e) => e.type.startsWith("step-"))
    .map((e) => {
      const step = (e as { step: Step }).step;
      return `${e.type} ${step.kind}${"name" in step ? ` ${step.name}` : ""}`;
    });

const team = (emu: Emulator, name: string) =>
  emu.state().workteams.find((t) => t.WorkteamName === name);

describe("the executor", () => {
  it("runs an OIDC change in order, with the backup on disk before the first delete", async () => {
    const p = await prepare({ ...spec({ workforce: newIssuer }) }, ["annotators", "reviewers"], {
      allowWorkteamDeletion: true,
    });
    const before = p.emu.state().workteams.map((t) => structuredClone(t));
    const backupsAtDelete: string[][] = [];
    p.emu.onCall((c) => {
      if (c.operation === "DeleteWorkteam") backupsAtDelete.push(readdirSync(p.backupDir));
    });
    const mark = p.emu.calls.length;
    const { result, events, error } = await execute(p);
    expect(error).toBeUndefined();
    expect(stepEvents(events)).toEqual([
      "step-start backup",
      "step-done backup",
      "step-start delete-workteam annotators",
      "step-done delete-workteam annotators",
      "step-start delete-workteam reviewers",
      "step-done delete-workteam reviewers",
      "step-start update-workforce",
      "step-done update-workforce",
      "step-start wait-active",
      "step-done wait-active",
      "step-start create-workteam annotators",
      "step-done create-workteam annotators",
      "step-start create-workteam reviewers",
      "step-done create-workteam reviewers",
      "step-start verify",
      "step-done verify",
    ]);
    expect(mutating(p.emu, mark)).toEqual([
      "DeleteWorkteam",
      "DeleteWorkteam",
      "UpdateWorkforce",
      "CreateWorkteam",
      "CreateWorkteam",
    ]);
    // The backup file was there, whole, before the first delete.
    expect(backupsAtDelete[0]).toHaveLength(1);
    const backup = readBackup(result!.backupFile!);
    expect(backup.workteams.map((t) => [t.workteam.WorkteamName, t.tags])).toEqual([
      ["annotators", [{ Key: "team", Value: "annotators" }]],
      ["reviewers", [{ Key: "team", Value: "reviewers" }]],
    ]);
    expect(events.find((e) => e.type === "step-done" && e.step.kind === "backup")).toMatchObject({
      note: result!.backupFile,
    });
    expect(events.at(-1)).toMatchObject({ type: "step-done", note: "all as expected" });
    expect(result!.remaining).toEqual([]);
    expect(result!.completed).toEqual(p.plan.steps);
    // Each workteam is back as it was, tags included; the workforce has the new issuer.
    for (const t of before) {
      const now = team(p.emu, t.WorkteamName)!;
      expect(now.Description).toBe(t.Description);
      expect(now.MemberDefinitions).toEqual(t.MemberDefinitions);
      expect(p.emu.state().tags[now.WorkteamArn]).toEqual(p.emu.state().tags[t.WorkteamArn]);
    }
    expect(p.emu.state().workforces[0]!.OidcConfig!.Issuer).toBe("https://new.example.com");
  });

  it("keeps an earlier apply's backed-up workteams in the new backup, and restores them", async () => {
    const emu = await emulator();
    const client = sdk(emu);
    await seedWorkforce(client, ["annotators", "legacy"]);
    const backupDir = mkdtempSync(join(tmpdir(), "wfplan-execute-"));
    // An earlier apply backed up "legacy", deleted it, and stopped.
    const earlier = await plan(emu, client, spec({ workteams: [workteam()] }), {
      pruneWorkteams: true,
    });
    const legacy = await execute(earlier, {}, [
      { kind: "backup", workteams: ["legacy"] },
      { kind: "delete-workteam", name: "legacy", reason: "prune" },
    ]);
    expect(legacy.error).toBeUndefined();
    writeBackup(
      join(backupDir, "labelers-20260101T000000Z.json"),
      readBackup(legacy.result!.backupFile!),
    );
    const again = await plan(
      emu,
      client,
      spec({ workforce: newIssuer }),
      {
        allowWorkteamDeletion: true,
      },
      backupDir,
    );
    expect(again.live.restorable?.map((t) => t.name)).toEqual(["legacy"]);
    const { result, error } = await execute(again);
    expect(error).toBeUndefined();
    expect(readBackup(result!.backupFile!).workteams.map((t) => t.workteam.WorkteamName)).toEqual([
      "annotators",
      "legacy",
    ]);
    expect(team(emu, "legacy")?.Description).toBe("legacy team");
    expect(emu.state().tags[team(emu, "legacy")!.WorkteamArn]).toEqual({ team: "legacy" });
    expect(result!.remaining).toEqual([]);
  });

  it("waits for an update someone else started (ConflictException), then sends its own", async () => {
    const p = await prepare(spec({ workforce: narrower }), ["annotators"]);
    p.emu.invoke("UpdateWorkforce", {
      WorkforceName: "labelers",
      SourceIpConfig: { Cidrs: ["10.2.0.0/16"] },
    });
    const { result, events, error } = await execute(p);
    expect(error).toBeUndefined();
    expect(events.filter((e) => e.type === "retry").map((e) => e.message)).toEqual([
      "UpdateWorkforce: the workforce is busy (Workforce labelers is Updating; update it again when it is Active.); waiting",
    ]);
    expect(mutating(p.emu)).toContain("UpdateWorkforce!ConflictException");
    expect(p.emu.state().workforces[0]!.SourceIpConfig.Cidrs).toEqual(["10.1.0.0/16"]);
    expect(result!.remaining).toEqual([]);
  });

  it("gives up on a busy workforce after five attempts", async () => {
    const p = await prepare(spec({ workforce: narrower }), [], {}, { updateDelayMs: 3_600_000 });
    const wf = p.emu.state().workforces[0]!;
    const other = () =>
      p.emu.invoke("UpdateWorkforce", {
        WorkforceName: "labelers",
        SourceIpConfig: { Cidrs: ["10.2.0.0/16"] },
      });
    // Another client starts an update each time this one finds the workforce Active.
    p.emu.onCall((c) => {
      if (c.operation === "DescribeWorkforce" && wf.Status === "Active") other();
    });
    other();
    const { events, error } = await execute(p, {
      sleep: async () => {
        wf.Status = "Active"; // the other client's update is over
      },
    });
    expect(error?.message).toMatch(/ConflictException|Updating/);
    expect(events.filter((e) => e.type === "retry")).toHaveLength(4);
    expect(mutating(p.emu).filter((c) => c === "UpdateWorkforce!ConflictException")).toHaveLength(
      5,
    );
  });

  it("ends a wait at waitTimeout, polling sooner at first and never past the deadline", async () => {
    const p = await prepare(spec({ workforce: narrower }), [], {}, { updateDelayMs: 3_600_000 });
    const { events, error } = await execute(p, { waitTimeoutMs: 5000 });
    expect(error).toBeInstanceOf(UserError);
    expect(error!.message).toBe("the workforce is still Updating after 5s (waitTimeout)");
    expect((error as UserError).hint).toBe(
      "run wfplan apply again later: it waits again and finishes the remaining steps",
    );
    expect(p.time!.slept).toEqual([250, 375, 563, 845, 1000, 1000, 967]);
    const waiting = events.filter((e) => e.type === "waiting");
    expect(waiting[0]).toEqual({ type: "waiting", status: "Updating", elapsedMs: 0 });
    expect(waiting.at(-1)).toEqual({ type: "waiting", status: "Updating", elapsedMs: 4033 });
    expect(stepEvents(events).at(-1)).toBe("step-failed wait-active");
  });

  it("says an update failed, with the service's reason", async () => {
    const p = await prepare(
      spec({ workforce: narrower }),
      [],
      {},
      { faults: { failUpdates: { reason: "the range is taken", count: 1 } } },
    );
    const { error } = await execute(p);
    expect(error).toBeInstanceOf(UserError);
    expect(error!.message).toBe("the workforce update failed: the range is taken");
    expect((error as UserError).hint).toMatch(/^fix the cause, then run wfplan apply again/);
  });

  it("keeps waiting through polls that fail, until they answer again", async () => {
    const p = await prepare(spec({ workforce: narrower }), [], {}, { updateDelayMs: 500 });
    p.emu.onCall((c) => {
      if (c.operation === "UpdateWorkforce") p.emu.setFaults({ errorEvery: 1, errorStatus: 503 });
    });
    const { result, events, error } = await execute(p, {
      sleep: async (ms) => {
        // Three polls fail; then the service answers, and the update is over.
        if (p.time!.slept.length === 2) p.emu.setFaults({});
        await p.time!.sleep(ms);
      },
    });
    expect(error).toBeUndefined();
    const retries = events.filter((e) => e.type === "retry");
    expect(retries).toHaveLength(3);
    expect(retries[0]!.message).toMatch(/; still waiting$/);
    expect(result!.remaining).toEqual([]);
  });

  it("ends a wait whose polls never answer at waitTimeout, and says why", async () => {
    const p = await prepare(spec({ workforce: narrower }), []);
    p.emu.onCall((c) => {
      if (c.operation === "UpdateWorkforce") p.emu.setFaults({ errorEvery: 1 });
    });
    const { error } = await execute(p, { waitTimeoutMs: 3000 });
    expect(error).toBeInstanceOf(UserError);
    expect(error!.message).toMatch(
      /^the workforce's status could not be read for the rest of the wait \(3s, waitTimeout\): /,
    );
    expect(p.time!.slept).toEqual([250, 375, 563, 845, 967]);
    expect((error as UserError).hint).toBe(
      "run wfplan apply again when the endpoint answers: it waits again and finishes the remaining steps",
    );
  });

  it("stops a wait for a workforce that disappeared", async () => {
    const p = await prepare(spec({ workforce: narrower }), [], {}, { updateDelayMs: 3_600_000 });
    const { error } = await execute(p, {
      sleep: async () => {
        p.emu.state().workforces.splice(0);
      },
    });
    expect(error?.message).toBe("workforce labelers disappeared while waiting for it");
  });

  it("stops between steps when interrupted, and says what was done and what was not", async () => {
    const p = await prepare(spec({ workforce: newIssuer }), ["annotators"], {
      allowWorkteamDeletion: true,
    });
    const mark = p.emu.calls.length;
    let stop = false;
    const { events, error } = await execute(p, {
      interrupted: () => stop,
      onEvent: (e) => {
        if (e.type === "step-done") stop = true;
      },
    });
    expect(error).toBeInstanceOf(InterruptedError);
    expect(error!.message.split("\n")).toEqual([
      "Interrupted before step 2 of 6.",
      "Done:",
      "  ✓ back up workteam annotators (every field, and tags) to a backup file",
      "Not done:",
      "  · delete workteam annotators (it blocks the OIDC update)",
      "  · update the workforce: oidcConfig (UpdateWorkforce, sends the client secret)",
      "  · wait until the workforce is Active",
      "  · restore workteam annotators from the backup (CreateWorkteam)",
      "  · verify: read everything again and compare it, field by field",
      "Run wfplan apply again to finish; deleted workteams are restored from the backup.",
    ]);
    expect(stepEvents(events)).toEqual(["step-start backup", "step-done backup"]);
    expect(mutating(p.emu, mark)).toEqual([]);
  });

  it("stops a wait at once when its signal aborts", async () => {
    const p = await prepare(spec({ workforce: narrower }), [], {}, { updateDelayMs: 3_600_000 });
    const stop = new AbortController();
    const { events, error } = await execute(p, {
      sleep: undefined,
      signal: stop.signal,
      interrupted: () => stop.signal.aborted,
      onEvent: (e) => {
        if (e.type === "waiting") stop.abort();
      },
    });
    expect(error).toBeInstanceOf(InterruptedError);
    expect(error!.message).toMatch(
      /^Interrupted while (waiting|the workforce was Updating)\.\nDone:\n {2}✓ update the workforce: sourceIpConfig \(UpdateWorkforce\)\nNot done:\n {2}· wait until the workforce is Active\n {2}· verify: /,
    );
    expect(stepEvents(events).at(-1)).toBe("step-stopped wait-active");
  });

  it("deletes nothing when a workteam took a labeling job after the plan", async () => {
    const p = await prepare(spec({ workforce: newIssuer }), ["annotators"], {
      allowWorkteamDeletion: true,
    });
    p.emu.state().labelingJobs.push(labelingJob("annotators", "late-job", 3));
    const mark = p.emu.calls.length;
    const { events, error } = await execute(p);
    expect(error).toBeInstanceOf(UserError);
    expect(error!.message).toBe(
      "workteam annotators now has in-progress labeling jobs; nothing was deleted",
    );
    expect(mutating(p.emu, mark)).toEqual([]);
    expect(readdirSync(p.backupDir)).toEqual([]);
    expect(stepEvents(events)).toEqual(["step-start backup", "step-failed backup"]);
  });

  it("refuses to delete a workteam that is in no backup, or to restore one it has no backup of", async () => {
    const p = await prepare(spec(), ["annotators"]);
    const del = await execute(p, {}, [
      { kind: "delete-workteam", name: "annotators", reason: "oidc" },
    ]);
    expect(del.error?.message).toBe(
      "refusing to delete workteam annotators: it is not in a backup",
    );
    expect(team(p.emu, "annotators")).toBeDefined();
    const create = await execute(p, {}, [
      { kind: "create-workteam", name: "gone", source: "backup" },
    ]);
    expect(create.error).toBeInstanceOf(UserError);
    expect(create.error?.message).toBe("cannot recreate workteam gone: it is in no backup");
  });

  describe("a create or delete whose answer was lost", () => {
    it("is done when the live state says it was done", async () => {
      const p = await prepare(spec({ workteams: [workteam({ name: "new" })] }), []);
      losing(p.client, CreateWorkteamCommand);
      const { result, events, error } = await execute(p);
      expect(error).toBeUndefined();
      const note = "done already: an earlier attempt whose answer was lost had done it";
      expect(events.filter((e) => e.type === "step-done" && e.note === note)).toHaveLength(1);
      expect(result!.remaining).toEqual([]);
    });

    it("is done for a delete too", async () => {
      const p = await prepare(spec({ workforce: newIssuer }), ["annotators"], {
        allowWorkteamDeletion: true,
      });
      losing(p.client, DeleteWorkteamCommand);
      const { events, error } = await execute(p);
      expect(error).toBeUndefined();
      expect(
        events.find((e) => e.type === "step-done" && e.step.kind === "delete-workteam"),
      ).toMatchObject({
        note: "done already: an earlier attempt whose answer was lost had done it",
      });
    });

    it("is an error when the live state says it was not", async () => {
      const p = await prepare(spec({ workteams: [workteam({ name: "new" })] }), []);
      const send = p.client.send.bind(p.client) as (c: unknown) => Promise<unknown>;
      p.client.send = (async (c: unknown) => {
        if (c instanceof CreateWorkteamCommand)
          throw Object.assign(new Error("socket hang up"), { name: "TimeoutError" });
        return send(c);
      }) as typeof p.client.send;
      const { error } = await execute(p);
      expect(error?.message).toMatch(/^CreateWorkteam new: no answer/);
      expect(team(p.emu, "new")).toBeUndefined();
    });

    it("is an error when interrupted, without asking the live state", async () => {
      const p = await prepare(spec({ workteams: [workteam({ name: "new" })] }), []);
      losing(p.client, CreateWorkteamCommand);
      let stop = false;
      const { error } = await execute(p, {
        interrupted: () => stop,
        onEvent: (e) => {
          if (e.type === "step-start" && e.step.kind === "create-workteam") stop = true;
        },
      });
      expect(error?.message).toMatch(/^CreateWorkteam new: no answer/);
    });
  });

  it("removes tags before it adds them", async () => {
    const p = await prepare(
      spec({ workteams: [workteam({ name: "annotators", tags: { owner: "ml" } })] }),
      ["annotators"],
    );
    const mark = p.emu.calls.length;
    const { result, error } = await execute(p);
    expect(error).toBeUndefined();
    expect(mutating(p.emu, mark)).toEqual(["UpdateWorkteam", "DeleteTags", "AddTags"]);
    expect(p.emu.state().tags[team(p.emu, "annotators")!.WorkteamArn]).toEqual({ owner: "ml" });
    expect(result!.remaining).toEqual([]);
    const missing = await execute(p, {}, [
      { kind: "tag-workteam", name: "ghost", add: { a: "b" }, remove: [] },
    ]);
    expect(missing.error?.message).toBe("workteam ghost is not in the live state the plan read");
  });

  it("verifies every field, managed or not: a change made meanwhile is reported", async () => {
    const p = await prepare(spec({ workforce: narrower }), ["annotators"]);
    p.emu.onCall((c) => {
      if (c.operation !== "UpdateWorkforce") return;
      p.emu.invoke("UpdateWorkteam", { WorkteamName: "annotators", Description: "changed" });
      const arn = team(p.emu, "annotators")!.WorkteamArn;
      p.emu.invoke("AddTags", { ResourceArn: arn, Tags: [{ Key: "extra", Value: "x" }] });
    });
    const { result, events, error } = await execute(p);
    expect(error).toBeUndefined();
    expect(result!.remaining).toEqual([
      'workteams.annotators.description: expected "annotators team", found "changed"',
      'workteams.annotators.tags.extra: expected (none), found "x"',
    ]);
    expect(events.at(-1)).toMatchObject({ note: "2 difference(s) remain" });
  });

  it("reports a field the service recorded otherwise than it was sent", async () => {
    const p = await prepare(spec({ workforce: narrower }), []);
    // The emulator records another range than the one sent, as a misbehaving service might.
    p.emu.onCall((c) => {
      if (c.operation === "UpdateWorkforce")
        p.emu.state().workforces[0]!.SourceIpConfig.Cidrs = ["10.9.0.0/16"];
    });
    const { result } = await execute(p);
    expect(result!.remaining).toEqual([
      'workforce.sourceIpConfig.cidrs: expected ["10.1.0.0/16"], found ["10.9.0.0/16"]',
    ]);
  });
});

describe("poll delays", () => {
  it("start at 250 ms and grow by half up to 1 s in the first minute, then up to 5 s", () => {
    const delay = pollDelays();
    expect([0, 1, 2, 3, 4, 5].map(() => delay(0))).toEqual([250, 375, 563, 845, 1000, 1000]);
    expect([1, 2, 3, 4, 5].map(() => delay(60_000))).toEqual([1000, 1500, 2250, 3375, 5000]);
  });
});

it("leaves no file behind for a plan without a backup step", async () => {
  const p = await prepare(spec({ workforce: narrower }), []);
  const { result } = await execute(p);
  expect(result!.backupFile).toBeUndefined();
  expect(existsSync(p.backupDir) && readdirSync(p.backupDir)).toEqual([]);
});

type Command = new (...a: never[]) => unknown;

/** A client on which `command` is refused, as the service refuses a caller without permission. */
function refusing(client: SageMakerClient, command: Command, when: () => boolean = () => true) {
  const send = client.send.bind(client) as (c: unknown, o?: unknown) => Promise<unknown>;
  client.send = (async (c: unknown, o?: unknown) => {
    if (c instanceof command && when())
      throw Object.assign(new Error("not allowed"), {
        name: "AccessDeniedException",
        $fault: "client",
        $metadata: { httpStatusCode: 400 },
      });
    return send(c, o);
  }) as typeof client.send;
}

/** A client whose first answer to `command` is lost after the service acted on it. */
function losing(client: SageMakerClient, command: Command) {
  const send = client.send.bind(client) as (c: unknown, o?: unknown) => Promise<unknown>;
  let lost = false;
  client.send = (async (c: unknown, o?: unknown) => {
    const out = await send(c, o);
    if (c instanceof command && !lost) {
      lost = true;
      throw Object.assign(new Error("socket hang up"), { name: "TimeoutError" });
    }
    return out;
  }) as typeof client.send;
}

describe("the executor, call by call", () => {
  const oidcChange = () =>
    prepare(spec({ workforce: newIssuer }), ["annotators"], { allowWorkteamDeletion: true });
  it.each([
    ["DescribeWorkteam", DescribeWorkteamCommand, oidcChange, "DescribeWorkteam annotators"],
    ["DeleteWorkteam", DeleteWorkteamCommand, oidcChange, "DeleteWorkteam annotators"],
    [
      "UpdateWorkteam",
      UpdateWorkteamCommand,
      () => prepare(spec({ workteams: [workteam({ description: "Changed" })] })),
      "UpdateWorkteam annotators",
    ],
    [
      "DeleteTags",
      DeleteTagsCommand,
      () => prepare(spec({ workteams: [workteam({ tags: { owner: "ml" } })] })),
      "DeleteTags annotators",
    ],
    [
      "AddTags",
      AddTagsCommand,
      () => prepare(spec({ workteams: [workteam({ tags: { owner: "ml" } })] })),
      "AddTags annotators",
    ],
  ] as const)(
    "names the call a refused %s was, and the workteam",
    async (_, command, make, what) => {
      const p = await make();
      refusing(p.client, command);
      const { error, events } = await execute(p);
      expect(error?.message).toBe(`${what}: AccessDeniedException: not allowed`);
      expect(events.at(-1)).toMatchObject({ type: "step-failed" });
    },
  );

  it("names a refused CreateWorkforce, and creates nothing", async () => {
    const emu = await emulator();
    const client = sdk(emu);
    const p = await plan(emu, client, spec());
    refusing(client, CreateWorkforceCommand);
    const { error } = await execute(p);
    expect(error?.message).toBe("CreateWorkforce: AccessDeniedException: not allowed");
    expect(emu.state().workforces).toEqual([]);
  });

  it("counts a CreateWorkforce whose answer was lost as done when the workforce exists", async () => {
    const emu = await emulator();
    const client = sdk(emu);
    const p = await plan(emu, client, spec());
    losing(client, CreateWorkforceCommand);
    const { result, events, error } = await execute(p);
    expect(error).toBeUndefined();
    expect(events.find((e) => e.type === "step-done")).toMatchObject({
      step: { kind: "create-workforce" },
      note: "done already: an earlier attempt whose answer was lost had done it",
    });
    expect(result!.remaining).toEqual([]);
  });

  it("fails a CreateWorkforce whose answer was lost when no workforce exists", async () => {
    const emu = await emulator();
    const client = sdk(emu);
    const p = await plan(emu, client, spec());
    const send = client.send.bind(client) as (c: unknown) => Promise<unknown>;
    client.send = (async (c: unknown) => {
      if (c instanceof CreateWorkforceCommand)
        throw Object.assign(new Error("socket hang up"), { name: "TimeoutError" });
      return send(c);
    }) as typeof client.send;
    const { error } = await execute(p);
    expect(error?.message).toMatch(/^CreateWorkforce: no answer/);
  });

  it("fails a delete whose answer was lost when the live state cannot be read to check it", async () => {
    const p = await oidcChange();
    losing(p.client, DeleteWorkteamCommand);
    let deleted = false;
    p.emu.onCall((c) => {
      if (c.operation === "DeleteWorkteam") deleted = true;
    });
    refusing(p.client, DescribeWorkteamCommand, () => deleted);
    const { error, events } = await execute(p);
    expect(error?.message).toMatch(/^DeleteWorkteam annotators: no answer/);
    expect(events.at(-1)).toMatchObject({
      type: "step-failed",
      step: { kind: "delete-workteam" },
    });
  });

  it("ends a wait at once when a poll is refused for a reason another try will not change", async () => {
    const p = await prepare(spec({ workforce: narrower }), [], {}, { updateDelayMs: 3_600_000 });
    let updated = false;
    p.emu.onCall((c) => {
      if (c.operation === "UpdateWorkforce") updated = true;
    });
    refusing(p.client, DescribeWorkforceCommand, () => updated);
    const { error, events } = await execute(p);
    expect(error?.message).toBe("DescribeWorkforce: AccessDeniedException: not allowed");
    expect(events.filter((e) => e.type === "retry")).toEqual([]);
    expect(p.time!.slept).toEqual([]);
  });

  it("sends its update after another client's update ended Failed", async () => {
    const p = await prepare(
      spec({ workforce: narrower }),
      [],
      {},
      { faults: { failUpdates: { reason: "their range is taken", count: 1 } } },
    );
    p.emu.invoke("UpdateWorkforce", {
      WorkforceName: "labelers",
      SourceIpConfig: { Cidrs: ["10.2.0.0/16"] },
    });
    const { result, events, error } = await execute(p);
    expect(error).toBeUndefined();
    expect(events.filter((e) => e.type === "retry")).toHaveLength(1);
    expect(p.emu.state().workforces[0]).toMatchObject({
      Status: "Active",
      SourceIpConfig: { Cidrs: ["10.1.0.0/16"] },
    });
    expect(result!.remaining).toEqual([]);
  });

  it("says so when an update ends Failed without a reason", async () => {
    const p = await prepare(spec({ workforce: narrower }), [], {}, { updateDelayMs: 3_600_000 });
    const { error } = await execute(p, {
      sleep: async () => {
        const wf = p.emu.state().workforces[0]!;
        wf.Status = "Failed";
        wf.pending = undefined;
        wf.FailureReason = undefined;
      },
    });
    expect(error?.message).toBe("the workforce update failed: no reason given");
  });

  it("stops a wait between polls when interrupted, even without a signal", async () => {
    const p = await prepare(spec({ workforce: narrower }), [], {}, { updateDelayMs: 3_600_000 });
    let stop = false;
    const { error, events } = await execute(p, {
      interrupted: () => stop,
      onEvent: (e) => {
        if (e.type === "waiting") stop = true;
      },
    });
    expect(error).toBeInstanceOf(InterruptedError);
    expect(error!.message.split("\n")).toEqual([
      "Interrupted while the workforce was Updating.",
      "Done:",
      "  ✓ update the workforce: sourceIpConfig (UpdateWorkforce)",
      "Not done:",
      "  · wait until the workforce is Active",
      "  · verify: read everything again and compare it, field by field",
      "Run wfplan apply again to finish; deleted workteams are restored from the backup.",
    ]);
    expect(events.filter((e) => e.type === "waiting")).toHaveLength(1);
    expect(stepEvents(events).at(-1)).toBe("step-stopped wait-active");
  });

  it("runs nothing when interrupted before the first step, and says so", async () => {
    const p = await prepare(spec({ workforce: narrower }), []);
    const mark = p.emu.calls.length;
    const { error, events } = await execute(p, { interrupted: () => true });
    expect(error!.message.split("\n")).toEqual([
      "Interrupted before step 1 of 3.",
      "Done: nothing.",
      "Not done:",
      "  · update the workforce: sourceIpConfig (UpdateWorkforce)",
      "  · wait until the workforce is Active",
      "  · verify: read everything again and compare it, field by field",
      "Run wfplan apply again to finish; deleted workteams are restored from the backup.",
    ]);
    expect(events).toEqual([]);
    expect(mutating(p.emu, mark)).toEqual([]);
  });

  it("says a long plan's steps one a line, however many there are", async () => {
    const p = await prepare(spec({ workforce: narrower }), []);
    const steps: Step[] = [
      ...Array.from(
        { length: 49 },
        (_, i): Step => ({
          kind: "create-workteam",
          name: `team-${i + 1}`,
          source: "spec",
        }),
      ),
      { kind: "verify" },
    ];
    const { error } = await execute(p, { interrupted: () => true }, steps);
    const lines = error!.message.split("\n");
    expect(lines).toHaveLength(54);
    expect(lines.slice(0, 4)).toEqual([
      "Interrupted before step 1 of 50.",
      "Done: nothing.",
      "Not done:",
      "  · create workteam team-1 (CreateWorkteam)",
    ]);
    expect(lines[52]).toBe("  · verify: read everything again and compare it, field by field");
    expect(Math.max(...lines.map((l) => l.length))).toBeLessThanOrEqual(81);
  });

  it("names every workteam that took a labeling job after the plan, and what to do", async () => {
    const p = await prepare(spec({ workforce: newIssuer }), ["annotators", "reviewers"], {
      allowWorkteamDeletion: true,
    });
    for (const workteamName of ["annotators", "reviewers"])
      p.emu.state().labelingJobs.push(labelingJob(workteamName, `late-${workteamName}`, 3));
    const { error } = await execute(p);
    expect(error!.message).toBe(
      "workteam annotators, reviewers now has in-progress labeling jobs; nothing was deleted",
    );
    expect((error as UserError).hint).toBe("wait for the jobs to finish, then plan again");
  });

  it("writes a workteam into the new backup once, as it is now, when an open backup holds it too", async () => {
    const p = await prepare(spec(), ["annotators"]);
    const stale = {
      workteam: { ...team(p.emu, "annotators")!, Description: "as it was" },
      tags: [],
    };
    const legacy = { workteam: { ...stale.workteam, WorkteamName: "legacy" }, tags: [] };
    const { result, error } = await execute(
      p,
      { restoreFrom: { files: [], workteams: [stale, legacy] } as never },
      [{ kind: "backup", workteams: ["annotators"] }],
    );
    expect(error).toBeUndefined();
    const saved = readBackup(result!.backupFile!).workteams;
    expect(saved.map((t) => [t.workteam.WorkteamName, t.workteam.Description])).toEqual([
      ["annotators", "annotators team"],
      ["legacy", "as it was"],
    ]);
  });

  it("restores a workteam from its backup alone when the step says so, whatever the spec says", async () => {
    const p = await prepare(spec({ workteams: [workteam({ description: "From the spec" })] }), [
      "annotators",
    ]);
    const { error } = await execute(p, {}, [
      { kind: "backup", workteams: ["annotators"] },
      { kind: "delete-workteam", name: "annotators", reason: "oidc" },
      { kind: "create-workteam", name: "annotators", source: "backup" },
    ]);
    expect(error).toBeUndefined();
    expect(team(p.emu, "annotators")?.Description).toBe("annotators team");
  });

  it("only removes tags when there are none to add, and only adds when none go", async () => {
    const p = await prepare(spec(), ["annotators"]);
    const mark = p.emu.calls.length;
    const { result, error } = await execute(p, {}, [
      { kind: "tag-workteam", name: "annotators", add: {}, remove: ["team"] },
    ]);
    expect(error).toBeUndefined();
    expect(mutating(p.emu, mark)).toEqual(["DeleteTags"]);
    // Without a verify step, nothing was compared, and nothing is said to remain.
    expect(result!.remaining).toEqual([]);
    const added = await execute(p, {}, [
      { kind: "tag-workteam", name: "annotators", add: { owner: "ml" }, remove: [] },
    ]);
    expect(added.error).toBeUndefined();
    expect(mutating(p.emu, mark)).toEqual(["DeleteTags", "AddTags"]);
  });

  it("updates each workteam with its own spec", async () => {
    const p = await prepare(
      spec({
        workteams: [
          workteam({ name: "annotators", description: "First" }),
          workteam({ name: "reviewers", description: "Second" }),
        ],
      }),
      ["annotators", "reviewers"],
    );
    const { result, error } = await execute(p);
    expect(error).toBeUndefined();
    expect(team(p.emu, "annotators")?.Description).toBe("First");
    expect(team(p.emu, "reviewers")?.Description).toBe("Second");
    expect(result!.remaining).toEqual([]);
  });

  it("reads, before the first step, the tags verify compares that the plan did not read", async () => {
    const p = await prepare(
      spec({ workforce: narrower, workteams: [workteam({ tags: { team: "annotators" } })] }),
      ["annotators", "reviewers"],
    );
    const listed: string[] = [];
    let started = false;
    p.emu.onCall((c) => {
      if (c.operation === "ListTags" && !started) listed.push(c.operation);
    });
    const { error } = await execute(p, {
      onEvent: (e) => {
        if (e.type === "step-start") started = true;
      },
    });
    expect(error).toBeUndefined();
    // The plan read the tags of annotators (the spec declares them); verify needs reviewers' too.
    expect(listed).toEqual(["ListTags"]);
    const none = await prepare(spec({ workforce: narrower }), ["annotators"]);
    const mark = none.emu.calls.length;
    await execute(none, {}, [{ kind: "update-workforce", fields: ["sourceIpConfig"] } as Step]);
    expect(none.emu.calls.slice(mark).map((c) => c.operation)).toEqual(["UpdateWorkforce"]);
  });

  it("numbers each step and times it by the clock", async () => {
    const p = await prepare(spec({ workforce: narrower }), []);
    const { events } = await execute(p);
    const steps = events.filter((e) => e.type === "step-done");
    expect(steps.map((e) => [e.index, e.total])).toEqual([
      [1, 3],
      [2, 3],
      [3, 3],
    ]);
    const waited = p.time!.slept.reduce((a, b) => a + b, 0);
    expect(waited).toBeGreaterThan(0);
    expect(steps.map((e) => e.ms)).toEqual([0, waited, 0]);
    const failing = await prepare(
      spec({ workforce: narrower }),
      [],
      {},
      { updateDelayMs: 3_600_000 },
    );
    const timedOut = await execute(failing, { waitTimeoutMs: 5000 });
    expect(timedOut.events.find((e) => e.type === "step-failed")).toMatchObject({
      index: 2,
      total: 3,
      ms: 5000,
    });
  });

  it("verify plans again: what the plan left undone is reported even when it expected it", async () => {
    const p = await prepare(
      spec({
        workteams: [workteam(), workteam({ name: "new" })],
        policy: { pruneWorkteams: true },
      }),
      ["annotators", "legacy"],
    );
    const { result, error } = await execute(p, {
      // A plan that changed nothing (and so expects nothing), and an option verify must not copy.
      plan: { ...p.plan, resources: [], steps: [{ kind: "verify" }] },
      options: { ...p.options, rotateClientSecret: true },
    });
    expect(error).toBeUndefined();
    expect(result!.remaining).toEqual([
      "workteams.annotators.description (update)",
      "workteams.annotators.memberDefinitions (update)",
      "workteam legacy (delete)",
      "workteams.new.description (create)",
      "workteams.new.memberDefinitions (create)",
    ]);
  });
});

describe("restoring workteams without a plan (wfplan restore)", () => {
  it("recreates each named workteam exactly as its backup holds it, and only those", async () => {
    const emu = await emulator();
    const client = sdk(emu);
    await seedWorkforce(client, ["annotators", "reviewers", "kept"]);
    const saved = ["annotators", "reviewers", "kept"].map((name) => ({
      workteam: { ...structuredClone(team(emu, name)!), Description: `${name} as it was` },
      tags: [
        { Key: "team", Value: name },
        { Key: "aws:cloudformation:stack-name", Value: "s" },
      ],
    }));
    for (const name of ["annotators", "reviewers"])
      await client.send(new DeleteWorkteamCommand({ WorkteamName: name }));
    const mark = emu.calls.length;
    const events: ApplyEvent[] = [];
    const result = await restoreWorkteams(["annotators", "reviewers"], {
      client,
      region: "us-east-1",
      workforceName: "labelers",
      restoreFrom: { files: [], workteams: saved as never },
      interrupted: () => false,
      onEvent: (e) => events.push(e),
      sleep: async () => {},
    });
    const steps: Step[] = [
      { kind: "create-workteam", name: "annotators", source: "backup" },
      { kind: "create-workteam", name: "reviewers", source: "backup" },
    ];
    expect(result).toEqual({ completed: steps, backupFile: undefined, remaining: [] });
    expect(events.map((e) => ("step" in e ? [e.type, e.step] : [e.type]))).toEqual([
      ["step-start", steps[0]],
      ["step-done", steps[0]],
      ["step-start", steps[1]],
      ["step-done", steps[1]],
    ]);
    expect(mutating(emu, mark)).toEqual(["CreateWorkteam", "CreateWorkteam"]);
    expect(emu.state().workteams.map((t) => [t.WorkteamName, t.Description])).toEqual([
      ["kept", "kept team"],
      ["annotators", "annotators as it was"],
      ["reviewers", "reviewers as it was"],
    ]);
    const arn = team(emu, "annotators")!.WorkteamArn!;
    expect(emu.state().tags[arn]).toEqual({ team: "annotators" });
  });
});

describe("the default sleep", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("waits the time it is given", async () => {
    vi.useFakeTimers();
    let done = false;
    void abortableSleep()(1000).then(() => {
      done = true;
    });
    await vi.advanceTimersByTimeAsync(999);
    expect(done).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(done).toBe(true);
  });

  it("ends at once when its signal aborts, and at once when it was aborted before", async () => {
    vi.useFakeTimers();
    const stop = new AbortController();
    let done = false;
    void abortableSleep(stop.signal)(60_000).then(() => {
      done = true;
    });
    await vi.advanceTimersByTimeAsync(10);
    expect(done).toBe(false);
    stop.abort();
    await vi.advanceTimersByTimeAsync(0);
    expect(done).toBe(true);
    let again = false;
    void abortableSleep(stop.signal)(60_000).then(() => {
      again = true;
    });
    await vi.advanceTimersByTimeAsync(0);
    expect(again).toBe(true);
    expect(vi.getTimerCount()).toBe(0);
  });

  it("leaves no listener on the signal once it has waited", async () => {
    vi.useFakeTimers();
    const stop = new AbortController();
    const add = vi.spyOn(stop.signal, "addEventListener");
    const remove = vi.spyOn(stop.signal, "removeEventListener");
    const sleeping = abortableSleep(stop.signal)(100);
    await vi.advanceTimersByTimeAsync(100);
    await sleeping;
    expect(add).toHaveBeenCalledTimes(1);
    expect(remove).toHaveBeenCalledWith("abort", add.mock.calls[0]![1]);
  });
});
