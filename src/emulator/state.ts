/**
 * The emulator's state: workforces and workteams in their wire shapes (as DescribeWorkforce and
 * DescribeWorkteam return them), tags by ARN, and seeded labeling jobs. The OIDC client secret is
 * never stored: only a digest, so tests can tell that a rotation reached the service.
 */
import { renameSync, writeFileSync } from "node:fs";

export type Tags = Record<string, string>;

export interface Workforce {
  WorkforceName: string;
  WorkforceArn: string;
  LastUpdatedDate: number;
  CreateDate: number;
  SourceIpConfig: { Cidrs: string[] };
  SubDomain: string;
  CognitoConfig?: { UserPool: string; ClientId: string };
  OidcConfig?: Record<string, unknown>;
  WorkforceVpcConfig?: {
    VpcId: string;
    SecurityGroupIds: string[];
    Subnets: string[];
    VpcEndpointId: string;
  };
  Status: "Initializing" | "Updating" | "Deleting" | "Failed" | "Active";
  FailureReason?: string;
  IpAddressType: "ipv4" | "dualstack";
}

export interface StoredWorkforce extends Workforce {
  region: string;
  /** sha256 of the last ClientSecret sent, never the secret itself. */
  secretDigest?: string;
  /** How many times a ClientSecret was sent (create or update). */
  secretUpdates?: number;
  /** Set while Initializing or Updating: when it ends and how. */
  pending?: { until: number; failureReason?: string };
}

export interface Workteam {
  WorkteamName: string;
  WorkteamArn: string;
  WorkforceArn: string;
  MemberDefinitions: Record<string, unknown>[];
  Description: string;
  SubDomain: string;
  CreateDate: number;
  LastUpdatedDate: number;
  ProductListingIds?: string[];
  NotificationConfiguration?: { NotificationTopicArn?: string };
  WorkerAccessConfiguration?: Record<string, unknown>;
}

export interface StoredWorkteam extends Workteam {
  region: string;
}

export interface LabelingJob {
  workteamName: string;
  region?: string;
  LabelingJobName: string;
  JobReferenceCode: string;
  WorkRequesterAccountId: string;
  CreationTime: number;
  LabelCounters: { HumanLabeled: number; PendingHuman: number; Total: number };
  NumberOfHumanWorkersPerDataObject?: number;
}

export interface EmulatorState {
  formatVersion: 1;
  accountId: string;
  workforces: StoredWorkforce[];
  workteams: StoredWorkteam[];
  tags: Record<string, Tags>;
  labelingJobs: LabelingJob[];
}

export function emptyState(accountId = "123456789012"): EmulatorState {
  return { formatVersion: 1, accountId, workforces: [], workteams: [], tags: {}, labelingJobs: [] };
}

/** Accepts a state file written by the emulator, or a hand-written seed with only some sections. */
export function parseState(text: string): EmulatorState {
  const raw = JSON.parse(text) as Partial<EmulatorState>;
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    throw new Error("an emulator state file holds a JSON object");
  }
  const state = { ...emptyState(raw.accountId), ...raw, formatVersion: 1 as const };
  for (const job of state.labelingJobs) {
    job.WorkRequesterAccountId ??= state.accountId;
    job.JobReferenceCode ??= job.LabelingJobName;
    job.CreationTime ??= Date.now() / 1000;
    job.LabelCounters ??= { HumanLabeled: 0, PendingHuman: 1, Total: 1 };
  }
  return state;
}

/** Writes the state atomically (temp file + rename), private to the user. */
export function saveState(file: string, state: EmulatorState): void {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
  renameSync(tmp, file);
}
