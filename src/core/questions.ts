/** What a plan says about itself, asked the same way by renderers, views, sessions and scripts. */
import type { Plan } from "./types.ts";

/** The live state differs from the spec (a wait for an update in progress is not a change). */
export const hasChanges = (p: Plan): boolean => p.resources.length > 0;

export const isBlocked = (p: Plan): boolean => p.blockers.length > 0;

/** Apply has steps to run, and nothing blocks them. */
export const canApply = (p: Plan): boolean => !isBlocked(p) && p.steps.length > 0;

/** The workteams the plan deletes, and whether each is recreated afterwards. */
export function destructive(p: Plan): { name: string; recreated: boolean }[] {
  return p.resources
    .filter((r) => r.type === "workteam" && (r.action === "delete" || r.action === "recreate"))
    .map((r) => ({ name: r.name, recreated: r.action === "recreate" }));
}

export function workteamsToDelete(p: Plan): string[] {
  return destructive(p).map((t) => t.name);
}
