/**
 * The preflight checks' findings, judged against the plan. A reference that is wrong blocks the
 * plan when the plan sends it (the mistake is about to be made); when the plan leaves it alone the
 * live workforce already uses it, so it is a warning. A check that could not run is a warning.
 * Pure: the checks themselves (src/preflight/) read the identity provider and AWS.
 */
import type { Blocker, Notice, PlanContext, PreflightResult, Step } from "./types.ts";

export interface PreflightJudgement {
  results: PreflightResult[];
  blockers: Blocker[];
  warnings: Notice[];
}

/** The results of `--no-preflight`: one line that says the checks did not run. */
export const SKIPPED: PreflightResult = {
  check: "all",
  subject: "all checks",
  status: "skipped",
  message: "preflight checks skipped (--no-preflight)",
};

export function judgePreflight(
  findings: PlanContext["preflight"],
  steps: readonly Step[],
): PreflightJudgement {
  const judged: PreflightJudgement = { results: [], blockers: [], warnings: [] };
  if (findings === undefined) return judged;
  if (findings === "skipped") return { ...judged, results: [SKIPPED] };
  const sent = sentPaths(steps);
  for (const f of findings) {
    const status =
      f.outcome === "ok" ? "pass" : f.outcome === "problem" && f.paths.some(sent) ? "fail" : "warn";
    judged.results.push({
      check: f.check,
      subject: f.subject,
      status,
      message: f.message,
      ...(f.hint ? { hint: f.hint } : {}),
    });
    const note = {
      // The check's own message names what it checked.
      message: `preflight ${f.check}: ${f.message}`,
      ...(f.hint ? { hint: f.hint } : {}),
      ...(f.paths[0] ? { path: f.paths[0] } : {}),
    };
    if (status === "fail") judged.blockers.push({ code: "preflight", ...note });
    if (status === "warn") {
      judged.warnings.push(
        f.outcome === "problem"
          ? { ...note, message: `${note.message} (the plan does not change it)` }
          : note,
      );
    }
  }
  return judged;
}

/**
 * Whether the plan's steps send something at `path` or under it: a created workforce sends all
 * of `workforce`, an update its fields; a created workteam all of `workteams.NAME`, an update its
 * fields. A path matches when one of the two contains the other.
 */
function sentPaths(steps: readonly Step[]): (path: string) => boolean {
  const sent: string[] = [];
  for (const s of steps) {
    if (s.kind === "create-workforce") sent.push("workforce");
    if (s.kind === "update-workforce") sent.push(...s.fields.map((f) => `workforce.${f}`));
    if (s.kind === "create-workteam") sent.push(`workteams.${s.name}`);
    if (s.kind === "update-workteam") sent.push(...s.fields.map((f) => `workteams.${s.name}.${f}`));
  }
  const within = (inner: string, outer: string) => inner === outer || inner.startsWith(`${outer}.`);
  return (path) => sent.some((p) => within(path, p) || within(p, path));
}
