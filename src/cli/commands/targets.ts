/**
 * `wfplan targets`: a fleet spec's target ids (`ACCOUNT/REGION`, which needs STS for the
 * accounts), one a line; or, with --github-matrix, the GitHub Actions matrix of them, for a
 * workflow that runs one job per target (`wfplan plan --target ${{ matrix.target }}`). A matrix
 * holds at most 256 jobs: --chunk N prints an array of matrices of at most N targets each.
 */
import { UserError } from "../../errors.ts";
import { fleetTargets } from "../../session/fleet.ts";
import { loadPlanSpec, type PlanFlags } from "./plan.ts";

export interface TargetsOptions extends PlanFlags {
  githubMatrix?: boolean;
  chunk?: number;
}

/** The largest matrix GitHub Actions runs. */
export const MATRIX_LIMIT = 256;

export async function targetsCommand(opts: TargetsOptions): Promise<void> {
  if (opts.chunk !== undefined && !opts.githubMatrix) {
    throw new UserError("--chunk splits the matrix: it needs --github-matrix");
  }
  const { spec } = loadPlanSpec(opts);
  if (!spec.targets) {
    throw new UserError(`${opts.file} has no targets: it is one workforce`, {
      hint: "wfplan targets lists the targets of a fleet spec (README, Fleets)",
    });
  }
  if (opts.region) {
    throw new UserError(`--region ${opts.region} does not apply to a spec with targets`, {
      hint: "each target names its region",
    });
  }
  const known = await fleetTargets(
    spec,
    {
      ...(opts.profile !== undefined && { profile: opts.profile }),
      ...(opts.endpointUrl !== undefined && { endpointUrl: opts.endpointUrl }),
    },
    opts.target,
  );
  const failed = known.flatMap((k) => (k.error ? [k] : []));
  if (failed.length > 0) {
    throw new UserError(
      `the account of ${failed.length} target${failed.length > 1 ? "s" : ""} could not be learnt:\n  ${failed.map((k) => `targets[${k.target.index}] (${k.target.label}): ${k.error.message}`).join("\n  ")}`,
      { hint: failed[0]?.error.hint ?? "check the credentials and the targets' roles" },
    );
  }
  const ids = known.map((k) => k.target.id);
  process.stdout.write(opts.githubMatrix ? `${githubMatrix(ids, opts.chunk)}\n` : idLines(ids));
}

const idLines = (ids: readonly string[]) => ids.map((id) => `${id}\n`).join("");

/**
 * `{"include":[{"target":"ACCOUNT/REGION"},…]}`; with `chunk`, `[{"include":[…]},…]` of at most
 * `chunk` targets each (the last may have fewer).
 */
export function githubMatrix(ids: readonly string[], chunk?: number): string {
  const matrix = (some: readonly string[]) => ({ include: some.map((target) => ({ target })) });
  if (chunk === undefined) {
    if (ids.length > MATRIX_LIMIT) {
      throw new UserError(
        `${ids.length} targets are more than one GitHub Actions matrix holds (${MATRIX_LIMIT})`,
        { hint: "pass --chunk 256 for an array of matrices, one per job of a parent workflow" },
      );
    }
    return JSON.stringify(matrix(ids));
  }
  const chunks: (typeof ids)[] = [];
  for (let i = 0; i < ids.length; i += chunk) chunks.push(ids.slice(i, i + chunk));
  return JSON.stringify(chunks.map(matrix));
}
