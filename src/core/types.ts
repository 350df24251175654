/**
 * The plan's vocabulary. Everything here is plain, serialisable data: the planner builds it from a
 * spec and a live state, the renderers and the applier only read it.
 */

// ---------------------------------------------------------------- live state (what AWS says)

export interface OidcConfigLive {
  clientId: string;
  issuer: string;
  authorizationEndpoint: string;
  tokenEndpoint: string;
  userInfoEndpoint: string;
  logoutEndpoint: string;
  jwksUri: string;
  scope?: string;
  authenticationRequestExtraParams?: Record<string, string>;
}

/** The identity provider's endpoints as a spec's `oidcConfig` names them (no client id or secret). */
export type OidcEndpoints = Pick<
  OidcConfigLive,
  | "issuer"
  | "authorizationEndpoint"
  | "tokenEndpoint"
  | "userInfoEndpoint"
  | "logoutEndpoint"
  | "jwksUri"
>;

export interface VpcConfig {
  vpcId: string;
  securityGroupIds: string[];
  subnets: string[];
  /** Only for a VPC the service still reports by its endpoint alone (a removal that did not finish). */
  vpcEndpointId?: string;
}

export interface WorkforceLive {
  name: string;
  arn: string;
  status: string;
  failureReason?: string;
  oidcConfig?: OidcConfigLive;
  cognitoConfig?: { userPool: string; clientId: string };
  sourceIpConfig: { cidrs: string[] };
  workforceVpcConfig: VpcConfig | null;
  ipAddressType: "ipv4" | "dualstack";
  subDomain?: string;
}

export type MemberDefinition =
  | { oidcMemberDefinition: { groups: string[] } }
  | { cognitoMemberDefinition: { userPool: string; userGroup: string; clientId: string } };

export interface WorkteamConfig {
  description: string;
  memberDefinitions: MemberDefinition[];
  notificationConfiguration?: { notificationTopicArn?: string };
  workerAccessConfiguration?: {
    s3Presign?: { iamPolicyConstraints?: { sourceIp?: string; vpcSourceIp?: string } };
  };
}

/** A workteam's tags as a key → value mapping. */
export type Tags = Record<string, string>;

export interface WorkteamLive extends WorkteamConfig {
  name: string;
  arn: string;
  workforceArn?: string;
  /** Its tags, read only where a plan needs them (undefined = not read). */
  tags?: Tags;
}

/** A workteam that an earlier, unfinished apply deleted: what its open backup holds. */
export interface BackedUpTeam extends WorkteamConfig {
  name: string;
  tags: Tags;
}

/** A labeling job that still has work for humans: its workteam must not be deleted. */
export interface JobInProgress {
  name: string;
  pendingHuman: number;
}

export interface LiveState {
  region: string;
  /** The workforce the spec names; null when it does not exist. */
  workforce: WorkforceLive | null;
  /** Another workforce that already holds the region (only read when the named one is missing). */
  otherWorkforce?: string;
  /** The workteams of the region (a region has one private workforce). */
  workteams: WorkteamLive[];
  /** In-progress labeling jobs by workteam name, read only for workteams the plan would delete. */
  jobs: Record<string, JobInProgress[]>;
  /** Workteams an earlier, unfinished apply deleted and backed up, that are not live now. */
  restorable?: BackedUpTeam[];
}

// ---------------------------------------------------------------- the plan

export type Action = "create" | "update" | "delete" | "no-op";
export type ResourceAction = Action | "recreate";

/**
 * What a change does to who can reach the workforce (README, "Impact"), most serious first:
 * a workteam deleted or recreated; a change to the identity provider; access widened; access
 * narrowed; nothing of the kind.
 */
export type Impact = "destructive" | "lockout-risk" | "broadening" | "narrowing" | "neutral";

export interface Change {
  /** The spec path of the field, such as `workforce.sourceIpConfig.cidrs`. */
  path: string;
  action: Exclude<Action, "no-op">;
  before?: unknown;
  after?: unknown;
  /** The value is secret: shown and saved only as "(sensitive)". */
  sensitive: boolean;
  /** What it does to access (core/impact.ts). */
  impact: Impact;
}

/** Where a created workteam's fields come from: the spec, a backup, or both (spec fields win). */
export type TeamSource = "spec" | "backup" | "spec+backup";

export interface ResourcePlan {
  type: "workforce" | "workteam";
  name: string;
  action: ResourceAction;
  /** Why, in words, when the action is not obvious from the changes (recreate, restore, prune). */
  reason?: string;
  /** A workteam created or recreated: which of its fields come from the spec, which from a backup. */
  fields?: { source: TeamSource; fromSpec: string[]; fromBackup: string[] };
  changes: Change[];
  /**
   * Its own impact (core/impact.ts): the most serious of its changes', and destructive for a
   * workteam deleted or recreated (also one with no field changes). Set by the planner.
   */
  impact?: Impact;
}

export type Step =
  | { kind: "backup"; workteams: string[] }
  | { kind: "delete-workteam"; name: string; reason: "oidc" | "prune" }
  | { kind: "create-workforce"; sendsSecret: boolean }
  | { kind: "update-workforce"; fields: string[]; sendsSecret: boolean }
  | { kind: "wait-active" }
  | { kind: "create-workteam"; name: string; source: TeamSource }
  | { kind: "update-workteam"; name: string; fields: string[] }
  | { kind: "tag-workteam"; name: string; add: Tags; remove: string[] }
  | { kind: "verify" };

export interface Blocker {
  code:
    | "oidc-change-needs-workteam-deletion"
    | "workteam-in-use"
    | "identity-provider-change"
    | "cognito-config-change"
    | "workforce-renamed"
    | "too-many-workteams"
    | "secret-unavailable"
    | "service-rule"
    | "failed-workforce-nothing-to-send"
    | "preflight";
  message: string;
  hint?: string;
  workteams?: string[];
  /** The spec field it concerns, as a path (`workforce.sourceIpConfig.cidrs`). */
  path?: string;
  /** Where that field is in the spec file (`workforce.yaml:12:5`), filled in by whoever read the file. */
  location?: string;
}

export interface Notice {
  message: string;
  hint?: string;
  path?: string;
  location?: string;
}

// ---------------------------------------------------------------- preflight checks

/** The preflight checks (README, "Preflight"). */
export type PreflightCheck =
  | "oidc-discovery"
  | "oidc-jwks"
  | "sns-topic"
  | "vpc"
  | "vpc-subnets"
  | "vpc-security-groups"
  | "vpc-dns"
  | "cognito-user-pool"
  | "cognito-app-client"
  | "cognito-user-group";

/**
 * What one preflight check found, before the plan is known: the reference is fine, is wrong, or
 * could not be checked (unreachable, access denied, an operation the endpoint does not serve).
 */
export interface PreflightFinding {
  check: PreflightCheck;
  /** What was checked: an issuer URL, a topic ARN, a VPC id, a user pool id. */
  subject: string;
  outcome: "ok" | "problem" | "unchecked";
  message: string;
  hint?: string;
  /**
   * The spec paths of the reference (`workforce.oidcConfig`, `workteams.annotators.notificationConfiguration`):
   * a problem blocks the plan when the plan changes something under one of them, else it warns.
   */
  paths: string[];
}

/** A preflight check's result in the plan. */
export interface PreflightResult {
  check: PreflightCheck | "all";
  subject: string;
  status: "pass" | "warn" | "fail" | "skipped";
  message: string;
  hint?: string;
}

/**
 * What the session learned besides the live state: inputs of the planner, so that the plan it
 * returns is final.
 */
export interface PlanContext {
  /** The spec's own warnings (from validation), first among the plan's. */
  specWarnings?: Notice[];
  /** Why the OIDC client secret cannot be read: a blocker when the plan would send it. */
  secretProblem?: { message: string; hint?: string };
  /** Where a spec field is (`file:line:column`), for the notes that name one. */
  locate?: (path: string) => string | undefined;
  /** What the preflight checks found; "skipped" when they were turned off (--no-preflight). */
  preflight?: PreflightFinding[] | "skipped";
}

export interface PlanOptions {
  allowWorkteamDeletion: boolean;
  restoreWorkteams: boolean;
  pruneWorkteams: boolean;
  rotateClientSecret: boolean;
}

export interface Plan {
  region: string;
  workforceName: string;
  /** The live workforce's status when the plan was made; absent when it does not exist. */
  workforceStatus?: string;
  resources: ResourcePlan[];
  steps: Step[];
  blockers: Blocker[];
  warnings: Notice[];
  /** What the spec leaves unmanaged, said once. */
  unmanaged: string[];
  /** Whether applying sends the OIDC client secret (so its reference must resolve). */
  sendsSecret: boolean;
  /** The preflight checks' results; empty when none ran (nothing to check, or no context). */
  preflight: PreflightResult[];
  summary: {
    add: number;
    change: number;
    delete: number;
    recreate: number;
    /** How many changes of each impact class. */
    impact: Record<Impact, number>;
  };
}
