/**
 * What a plan was made from: a snapshot of the live workforce and workteams in comparable form, and
 * its fingerprint. `apply PLANFILE` compares fingerprints and, when they differ, says what changed.
 */
import { createHash } from "node:crypto";
import { byCodeUnit, fieldChanges, liveWorkforce, liveWorkteam } from "./normalize.ts";
import type { LiveState } from "./types.ts";

const ALL_WORKFORCE = {
  oidcConfig: 1,
  cognitoConfig: 1,
  sourceIpConfig: 1,
  workforceVpcConfig: 1,
  ipAddressType: 1,
};
const ALL_WORKTEAM = {
  description: 1,
  memberDefinitions: 1,
  notificationConfiguration: 1,
  workerAccessConfiguration: 1,
};

export interface LiveSnapshot {
  workforce: Record<string, unknown> | null;
  /** Each workteam's fields, and its tags where the plan read them. */
  workteams: Record<string, Record<string, unknown>>;
  /** Workteams that open backups hold and that are not live (restored by the plan, or not). */
  restorable?: string[];
}

export function snapshot(live: LiveState): LiveSnapshot {
  return {
    // An update still running is waited for whenever apply runs, so only a failed one makes
    // another plan: the snapshot records that, not the status itself.
    workforce: live.workforce && {
      name: live.workforce.name,
      ...(live.workforce.status === "Failed" ? { failed: true } : {}),
      ...liveWorkforce(live.workforce, ALL_WORKFORCE),
    },
    workteams: Object.fromEntries(
      [...live.workteams]
        .sort((a, b) => byCodeUnit(a.name, b.name))
        .map((t) => [
          t.name,
          { ...liveWorkteam(t, ALL_WORKTEAM), ...(t.tags ? { tags: t.tags } : {}) },
        ]),
    ),
    restorable: (live.restorable ?? []).map((t) => t.name).sort(),
  };
}

export function fingerprint(s: LiveSnapshot): string {
  return `sha256:${createHash("sha256").update(canonicalJson(s)).digest("hex")}`;
}

/** What differs between two snapshots, one line per field, in words. */
export function snapshotDifferences(before: LiveSnapshot, after: LiveSnapshot): string[] {
  const lines: string[] = [];
  if (!before.workforce !== !after.workforce) {
    lines.push(after.workforce ? "the workforce was created" : "the workforce was deleted");
  } else if (before.workforce && after.workforce) {
    for (const c of fieldChanges(before.workforce, after.workforce, "workforce"))
      lines.push(`${c.path} changed`);
  }
  const restorable = (s: LiveSnapshot) => new Set(s.restorable ?? []);
  for (const name of restorable(before)) {
    if (!restorable(after).has(name)) lines.push(`workteam ${name} is no longer in an open backup`);
  }
  for (const name of restorable(after)) {
    if (!restorable(before).has(name)) lines.push(`workteam ${name} is now in an open backup`);
  }
  const names = new Set([...Object.keys(before.workteams), ...Object.keys(after.workteams)]);
  for (const name of [...names].sort()) {
    const a = before.workteams[name];
    const b = after.workteams[name];
    if (!a) lines.push(`workteam ${name} was created`);
    else if (!b) lines.push(`workteam ${name} was deleted`);
    else for (const c of fieldChanges(a, b, `workteams.${name}`)) lines.push(`${c.path} changed`);
  }
  return lines;
}

/** JSON with sorted keys, so equal values always hash the same. */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(",")}]`;
  if (v && typeof v === "object") {
    const entries = Object.entries(v as Record<string, unknown>)
      .filter(([, x]) => x !== undefined)
      .sort(([a], [b]) => byCodeUnit(a, b));
    return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${canonicalJson(x)}`).join(",")}}`;
  }
  return JSON.stringify(v ?? null);
}
