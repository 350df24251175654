/**
 * `wfplan apply` for a spec with `targets` (README, "Fleets"): show the fleet's plan, ask once,
 * then roll out (session/fleet-apply.ts) and report each target's outcome. The single-target apply
 * (apply.ts) is untouched by it.
 */
import { planMismatch, readFleetPlanFile } from "../../apply/planfile.ts";
import { snapshotDifferences } from "../../core/fingerprint.ts";
import { type ApprovalLevel, needsApproval } from "../../core/impact.ts";
import { hasChanges, isBlocked } from "../../core/questions.ts";
import { UserError } from "../../errors.ts";
import type { FleetApplyRow } from "../../render/fleet-apply.ts";
import {
  type FleetPrepared,
  fleetPlanEntries,
  type PlannedTarget,
  planFleet,
} from "../../session/fleet.ts";
import { applyFleet, fleetApplyRow, notStartedRow } from "../../session/fleet-apply.ts";
import { planSession } from "../../session/plan.ts";
import { parseDuration } from "../../values/duration.ts";
import { fleetApplyView } from "../../views/fleet.ts";
import { isInteractive } from "../../views/style.ts";
import { ExitCode } from "../errors.ts";
import { onInterrupt } from "../interrupt.ts";
import { type LoadedSpec, type PlanFlags, prepareFleet } from "./plan.ts";

/** A fleet planned for apply: by the spec now, or again from a saved fleet plan file. */
export interface PlannedFleet {
  fleet: FleetPrepared;
  /** `apply PLANFILE`: the targets whose live state changed since the plan was made, and how. */
  stale?: { target: PlannedTarget["target"]; reason: string }[];
  /** The plan file, when there is one: its plans were reviewed when it was made. */
  planFile?: string;
}

export interface FleetApplyOptions {
  autoApprove?: boolean;
  /** With a plan file: apply the fresh targets, report the stale ones as not started. */
  onlyFresh?: boolean;
  timeout?: string;
  format: "text" | "json";
  requireApproval?: ApprovalLevel;
  color?: boolean;
  /** Where the interrupt message says deleted workteams are backed up. */
  backupDir: string;
}

/** The fleet of a loaded spec with `targets`, planned (every target, or those --target names). */
export async function planSpecFleet(
  flags: PlanFlags & { backupDir: string },
  loaded: LoadedSpec,
): Promise<PlannedFleet> {
  const fleet = await prepareFleet(flags, loaded);
  return { fleet };
}

/**
 * `apply PLANFILE` of a fleet's plan file: each target planned again from its saved spec and
 * options (its role assumed again from the fleet's spec). A target whose live state changed since
 * is stale (named, with what changed); a target whose plan is not its saved one (an edited file,
 * or another version of wfplan) refuses the whole file, as for a single plan.
 */
export async function planSavedFleet(
  planFile: string,
  flags: PlanFlags & { target?: string[]; backupDir: string },
): Promise<PlannedFleet> {
  const saved = readFleetPlanFile(planFile);
  const byId = new Map(saved.targets.map((t) => [t.id, t]));
  const stale: NonNullable<PlannedFleet["stale"]> = [];
  const edited: string[] = [];
  const unknown = (flags.target ?? []).filter((id) => !byId.has(id));
  if (unknown.length > 0) {
    throw new UserError(
      `--target ${unknown.join(", ")}: not a target of ${planFile}; nothing was changed`,
      { hint: `its targets: ${[...byId.keys()].join(", ")}` },
    );
  }
  const only = flags.target?.length
    ? saved.targets.filter((t) => flags.target?.includes(t.id)).map((t) => t.id)
    : saved.targets.map((t) => t.id);
  const first = saved.targets[0];
  if (!first || only.length === 0) {
    throw new UserError(
      `${planFile}: no planned target${flags.target?.length ? " is one of --target" : ""}; nothing was changed`,
    );
  }
  const fleet = await planFleet({
    spec: saved.spec,
    specFile: saved.specFile,
    options: first.options,
    backupDir: flags.backupDir,
    env: process.env,
    aws: { ...flags, region: undefined },
    ...(flags.preflight !== undefined && { preflight: flags.preflight }),
    only,
    planTarget: async (input, target) => {
      const was = byId.get(target.id);
      if (!was) throw new UserError(`${target.id} is not in ${planFile}`);
      const prepared = await planSession({ ...input, spec: was.spec, options: was.options });
      if (prepared.fingerprint !== was.fingerprint) {
        stale.push({
          target,
          reason: `the live state changed since the plan was made (${saved.createdAt}): ${snapshotDifferences(was.snapshot, prepared.snapshot).join("; ")}`,
        });
      } else {
        const mismatch =
          prepared.plan.blockers.length === 0 && planMismatch(was.plan, prepared.plan);
        if (mismatch) edited.push(`${target.id}: ${mismatch}`);
      }
      return prepared;
    },
  });
  if (edited.length > 0) {
    throw new UserError(
      `the plan in ${planFile} is not the plan its own specs, options and live state give: it was edited, or made by another version of wfplan; nothing was changed:\n  ${edited.join("\n  ")}`,
      { hint: "make a new plan with wfplan plan --out FILE, review it, and apply that" },
    );
  }
  const order = new Map(fleet.targets.map((t, i) => [t.target.id, i]));
  stale.sort((a, b) => (order.get(a.target.id) ?? 0) - (order.get(b.target.id) ?? 0));
  return { fleet, stale, planFile };
}

/**
 * Asks once for the whole fleet (or not: --auto-approve, a plan file), then rolls out. Stale
 * targets of a plan file refuse it all, unless --only-fresh leaves them not started. Exit 0 when
 * every target succeeded, 130 after an interrupt, else 1 (a target failed or did not start).
 */
export async function applyFleetCommand(
  planned: PlannedFleet,
  opts: FleetApplyOptions,
): Promise<number> {
  const { fleet, stale = [] } = planned;
  if (stale.length > 0 && !opts.onlyFresh) {
    throw new UserError(
      `${stale.length} target${stale.length > 1 ? "s" : ""} changed since the plan was made; nothing was applied:\n  ${stale.map((s) => `${s.target.id}: ${s.reason}`).join("\n  ")}`,
      {
        hint: "make a new plan with wfplan plan --out, or pass --only-fresh to apply the targets that did not change",
      },
    );
  }
  const staleIds = new Set(stale.map((s) => s.target.id));
  const fresh: FleetPrepared = {
    ...fleet,
    targets: fleet.targets.filter((t) => !staleIds.has(t.target.id)),
  };
  const view = await fleetApplyView(opts.format, opts);
  const plans = fresh.targets.flatMap((t) => (t.prepared ? [t.prepared.plan] : []));
  const preApproved = Boolean(opts.autoApprove || planned.planFile);
  // --require-approval: any target's change of that class still needs a person's yes.
  const level = opts.requireApproval ?? "never";
  const held = preApproved
    ? fresh.targets.flatMap((t) =>
        t.prepared && !isBlocked(t.prepared.plan)
          ? needsApproval(t.prepared.plan, level).map((e) => ({
              target: t.target.id,
              path: e.path,
              impact: e.impact,
            }))
          : [],
      )
    : [];
  const canAsk = opts.format === "text" && isInteractive();
  await view.review(
    { entries: fleetPlanEntries(fresh), rollout: fresh.rollout },
    {
      ask: plans.some(hasChanges) && (!preApproved || (held.length > 0 && canAsk)),
    },
  );
  if (held.length > 0 && !canAsk) {
    // A tool that asked for JSON gets JSON: every target not started, and what held them.
    if (opts.format === "json") {
      await view.end({
        rows: fleet.targets.map((t) => notStartedRow(t)),
        needsApproval: held,
      });
    }
    const why =
      opts.format === "json" ? "--format json cannot ask for it" : "there is no terminal to ask in";
    throw new UserError(
      `--require-approval ${level}: the fleet's plan has ${held.length} change(s) that need a person's approval, and ${why}; nothing was changed:\n  ${held.map((h) => `${h.target}: ${h.path} (${h.impact})`).join("\n  ")}`,
      { hint: "review the plan with wfplan plan, then apply it in a terminal, which asks" },
    );
  }
  let waitTimeoutMs: number | undefined;
  if (opts.timeout !== undefined) {
    waitTimeoutMs = parseDuration(opts.timeout);
    if (waitTimeoutMs === undefined)
      throw new UserError(`--timeout ${opts.timeout}: not a duration`, {
        hint: "such as 90s, 15m or 1h30m",
      });
  }

  // The notice speaks of one step; a fleet also stops starting targets.
  const stop = onInterrupt(
    (notice) =>
      view.notify(
        notice.replace(/^Interrupt received: /, "Interrupt received: no new target starts; "),
      ),
    opts.backupDir,
  );
  let result: Awaited<ReturnType<typeof applyFleet>>;
  view.start(
    fresh.targets.map((t) => ({
      id: t.target.id,
      // A blocked or unplanned target's steps are not run: it is shown waiting until it fails.
      ...(t.prepared && !isBlocked(t.prepared.plan) && { steps: t.prepared.plan.steps }),
    })),
  );
  try {
    result = await applyFleet(fresh, {
      ...(waitTimeoutMs !== undefined && { waitTimeoutMs }),
      signal: stop.signal,
      onEvent: (e) => {
        // So that the notice can say when a wait stops at once rather than after its step.
        if (e.type === "step") stop.track(e.event);
        view.onEvent(e);
      },
    });
  } finally {
    stop.dispose();
  }
  const byId = new Map(result.targets.map((r) => [r.target.id, r]));
  const rows = fleet.targets.map((t): FleetApplyRow => {
    const r = byId.get(t.target.id);
    if (!r) {
      const reason = stale.find((s) => s.target.id === t.target.id)?.reason;
      return notStartedRow(t, `stale: ${reason ?? "changed since the plan was made"}`);
    }
    return fleetApplyRow(r);
  });
  await view.end({ rows, ...(result.halted && { halted: result.halted }) });
  if (stop.signal.aborted) return ExitCode.interrupted;
  return rows.every((r) => r.outcome === "succeeded") ? ExitCode.ok : ExitCode.error;
}
