/**
 * The emulator's state: workforces and workteams in their wire shapes (as DescribeWorkforce and
 * DescribeWorkteam return them), tags by ARN, and seeded labeling jobs. The OIDC client secret is
 * never stored: only a digest, so tests can tell that a rotation reached the service. Also what
 * the preflight checks read from other services (`references`, served by references.ts).
 *
 * One state file holds every account: each entry is kept per account and region (its `account`,
 * absent = the default account `accountId`, which is how state files written before there were
 * accounts load), and a request sees only its own account's (the account of its access key:
 * `accessKeys`, the `sessions` that sts.ts issued, else the default account).
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
  /** Absent = the default account (`EmulatorState.accountId`). */
  account?: string;
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
  /** Absent = the default account. */
  account?: string;
}

export interface LabelingJob {
  workteamName: string;
  region?: string;
  /** The account of the workteam; absent = the default account. */
  account?: string;
  LabelingJobName: string;
  JobReferenceCode: string;
  WorkRequesterAccountId: string;
  CreationTime: number;
  LabelCounters: { HumanLabeled: number; PendingHuman: number; Total: number };
  NumberOfHumanWorkersPerDataObject?: number;
}

/**
 * What the preflight checks read from SNS, EC2 and Cognito, kept small. A `region` left out is
 * the emulator's default region, an `account` left out the default account; a topic's region and
 * account are its ARN's, a user pool's region its id's prefix.
 */
export interface References {
  /** SNS topics; `policy` is the access policy (JSON), SNS's default policy when left out. */
  topics: { arn: string; policy?: string }[];
  /** DNS flags as EC2 makes a new VPC when left out: support on, hostnames off. */
  vpcs: {
    id: string;
    region?: string;
    account?: string;
    dnsSupport?: boolean;
    dnsHostnames?: boolean;
  }[];
  subnets: { id: string; vpcId: string; region?: string; account?: string }[];
  securityGroups: { id: string; vpcId: string; region?: string; account?: string }[];
  /** Cognito user pools (`us-east-1_AbC123`), with their app client ids and group names. */
  userPools: { id: string; account?: string; clients?: string[]; groups?: string[] }[];
}

export const emptyReferences = (): References => ({
  topics: [],
  vpcs: [],
  subnets: [],
  securityGroups: [],
  userPools: [],
});

/** The account of an access key that the state does not name. */
export const DEFAULT_ACCOUNT = "123456789012";

/**
 * A session that sts:AssumeRole started: the account and identity its access key acts as. Its
 * secret key is not kept (the emulator checks no signature), its session token only as a digest.
 */
export interface Session {
  account: string;
  roleArn: string;
  /** `arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION`. */
  arn: string;
  /** `AROA…:SESSION`, GetCallerIdentity's UserId. */
  userId: string;
  /** ISO 8601, as AssumeRole returned it. */
  expiration: string;
  /** sha256 of the session token issued with the key (requests must carry that token). */
  tokenDigest: string;
}

export interface EmulatorState {
  formatVersion: 1;
  /** The default account: of every access key not named below, and of entries without `account`. */
  accountId: string;
  workforces: StoredWorkforce[];
  workteams: StoredWorkteam[];
  tags: Record<string, Tags>;
  labelingJobs: LabelingJob[];
  references: References;
  /** Seeded access keys: access key id → account. */
  accessKeys: Record<string, string>;
  /** The IAM roles (ARNs) that sts:AssumeRole may assume; the role's account is its ARN's. */
  roles: string[];
  /** The access keys that sts:AssumeRole issued, and whose they are. */
  sessions: Record<string, Session>;
}

export function emptyState(accountId = DEFAULT_ACCOUNT): EmulatorState {
  return {
    formatVersion: 1,
    accountId,
    workforces: [],
    workteams: [],
    tags: {},
    labelingJobs: [],
    references: emptyReferences(),
    accessKeys: {},
    roles: [],
    sessions: {},
  };
}

/** The account an entry of the state belongs to. */
export const accountOf = (entry: { account?: string }, state: EmulatorState): string =>
  entry.account ?? state.accountId;

/** An AWS account id: twelve digits. */
export const ACCOUNT_ID = /^\d{12}$/;
/** An IAM role's ARN: its account and name (after any path). */
export const ROLE_ARN = /^arn:aws:iam::(\d{12}):role\/(?:[\w+=,.@-]+\/)*([\w+=,.@-]{1,64})$/;

/** Accepts a state file written by the emulator, or a hand-written seed with only some sections. */
export function parseState(text: string): EmulatorState {
  const raw = JSON.parse(text) as Partial<EmulatorState>;
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    throw new Error("an emulator state file holds a JSON object");
  }
  const state = { ...emptyState(raw.accountId), ...raw, formatVersion: 1 as const };
  // Older state files have no accounts (everything is the default account's) and no roles.
  state.accessKeys = { ...raw.accessKeys };
  state.roles = [...(raw.roles ?? [])];
  state.sessions = { ...raw.sessions };
  checkAccounts(state);
  // Older state files have no references, or only some kinds of them.
  state.references = { ...emptyReferences(), ...raw.references };
  for (const job of state.labelingJobs) {
    job.WorkRequesterAccountId ??= state.accountId;
    job.JobReferenceCode ??= job.LabelingJobName;
    job.CreationTime ??= Date.now() / 1000;
    job.LabelCounters ??= { HumanLabeled: 0, PendingHuman: 1, Total: 1 };
  }
  return state;
}

/** Refuses access keys of accounts that are not twelve digits and roles that are not role ARNs. */
export function checkAccounts(state: Pick<EmulatorState, "accessKeys" | "roles">): void {
  for (const [key, account] of Object.entries(state.accessKeys)) {
    if (typeof account !== "string" || !ACCOUNT_ID.test(account)) {
      throw new Error(`access key ${key}: the account ${JSON.stringify(account)} is not 12 digits`);
    }
  }
  for (const role of state.roles) {
    if (typeof role !== "string" || !ROLE_ARN.test(role)) {
      throw new Error(
        `role ${JSON.stringify(role)} is not an IAM role ARN (arn:aws:iam::ACCOUNT:role/NAME)`,
      );
    }
  }
}

/** Writes the state atomically (temp file + rename), private to the user. */
export function saveState(file: string, state: EmulatorState): void {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
  renameSync(tmp, file);
}
