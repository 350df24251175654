/**
 * The SageMaker workforce and workteam operations, with the service's rules (rules.ts). Each
 * handler takes the request's input (already checked against the service model) and returns the
 * output, or throws an ApiError. Checks of the input come before limits and state checks, as in
 * the service. Time is passed in, so status transitions are testable.
 */
import { createHash, randomBytes } from "node:crypto";
import { ApiError } from "./errors.ts";
import { refuse } from "./rules.ts";
import {
  accountOf,
  type EmulatorState,
  type StoredWorkforce,
  type StoredWorkteam,
  type Tags,
  type Workforce,
  type Workteam,
} from "./state.ts";

export { ApiError };

export interface OperationContext {
  state: EmulatorState;
  region: string;
  /** The caller's account (of its access key): it sees, and makes, only that account's entries. */
  account: string;
  /** Epoch milliseconds. */
  now: number;
  createDelayMs: number;
  updateDelayMs: number;
  /** The FailureReason the next workforce update should end with, if a fault asks for one. */
  takeUpdateFailure(): string | undefined;
  /** A fault: an update that removes the VPC leaves its endpoint behind (a service that misbehaves). */
  vpcEndpointLeftOnDetach?: boolean;
  /** A fault: other words for "no such workforce" (the service's wording is not a contract). */
  workforceNotFoundMessage?: string;
}

type Input = Record<string, unknown>;
type Handler = (input: Input, ctx: OperationContext) => unknown;

export const MAX_WORKTEAMS = 25;
const MAX_TAGS = 50;

const validation = (message: string) => new ApiError("ValidationException", message);
const seconds = (ms: number) => ms / 1000;

/** An entry of the caller's own account and region: the only ones an operation sees. */
const isHere = (ctx: OperationContext, entry: { region: string; account?: string }) =>
  entry.region === ctx.region && accountOf(entry, ctx.state) === ctx.account;

/** Finishes the Initializing/Updating transitions whose time has come. */
export function settle(state: EmulatorState, now: number): void {
  for (const wf of state.workforces) {
    const p = wf.pending;
    if (!p || now < p.until) continue;
    wf.pending = undefined;
    // A failed update keeps what it was sent: only the status says that it failed.
    if (p.failureReason) {
      wf.Status = "Failed";
      wf.FailureReason = p.failureReason;
    } else {
      wf.Status = "Active";
      wf.FailureReason = undefined;
    }
    wf.LastUpdatedDate = seconds(now);
  }
}

export const operations: Record<string, Handler> = {
  CreateWorkforce(input, ctx) {
    const name = input.WorkforceName as string;
    if (!input.CognitoConfig === !input.OidcConfig) {
      throw refuse(
        "oneIdentityProvider",
        input.CognitoConfig
          ? "CognitoConfig and OidcConfig cannot both be specified."
          : "Either CognitoConfig or OidcConfig must be specified.",
      );
    }
    checkTagList(input.Tags);
    const vpc = input.WorkforceVpcConfig
      ? vpcConfig(input.WorkforceVpcConfig as Input, undefined)
      : undefined;
    const cidrs = [...(((input.SourceIpConfig as Input)?.Cidrs as string[]) ?? [])];
    checkSourceIpAndVpc(cidrs, vpc);
    const existing = ctx.state.workforces.find((w) => isHere(ctx, w));
    if (existing) {
      throw refuse(
        "oneWorkforcePerRegion",
        `A private workforce already exists in ${ctx.region} (${existing.WorkforceName}); an account has one private workforce per region.`,
      );
    }
    const arn = `arn:aws:sagemaker:${ctx.region}:${ctx.account}:workforce/${name}`;
    const wf: StoredWorkforce = {
      region: ctx.region,
      account: ctx.account,
      WorkforceName: name,
      WorkforceArn: arn,
      CreateDate: seconds(ctx.now),
      LastUpdatedDate: seconds(ctx.now),
      SubDomain: `${randomId(10)}.labeling.${ctx.region}.sagemaker.aws`,
      SourceIpConfig: { Cidrs: cidrs },
      IpAddressType: (input.IpAddressType as Workforce["IpAddressType"]) ?? "ipv4",
      Status: "Initializing",
      pending: { until: ctx.now + ctx.createDelayMs },
    };
    if (input.CognitoConfig) wf.CognitoConfig = input.CognitoConfig as Workforce["CognitoConfig"];
    if (input.OidcConfig) Object.assign(wf, oidcConfig(input.OidcConfig as Input, wf));
    if (vpc) wf.WorkforceVpcConfig = vpc;
    ctx.state.workforces.push(wf);
    setTags(ctx.state, arn, input.Tags);
    return { WorkforceArn: arn };
  },

  DescribeWorkforce(input, ctx) {
    return { Workforce: wireWorkforce(findWorkforce(ctx, input.WorkforceName as string)) };
  },

  ListWorkforces(input, ctx) {
    const here = ctx.state.workforces.filter((w) => isHere(ctx, w));
    const page = listPage(
      here,
      input,
      (w) => w.WorkforceName,
      (w) => w.CreateDate,
    );
    return { Workforces: page.items.map(wireWorkforce), NextToken: page.next };
  },

  UpdateWorkforce(input, ctx) {
    const wf = findWorkforce(ctx, input.WorkforceName as string);
    const vpcInput = input.WorkforceVpcConfig as Input | undefined;
    const vpc = vpcInput ? vpcConfig(vpcInput, wf.WorkforceVpcConfig) : wf.WorkforceVpcConfig;
    if (input.OidcConfig && wf.CognitoConfig) {
      throw refuse(
        "oidcOnlyForOidcWorkforces",
        `Workforce ${wf.WorkforceName} uses Amazon Cognito; OidcConfig cannot be set on it.`,
      );
    }
    if (wf.Status === "Updating" || wf.Status === "Initializing") {
      throw refuse(
        "busyWhileUpdating",
        `Workforce ${wf.WorkforceName} is ${wf.Status}; update it again when it is Active.`,
      );
    }
    const cidrs = input.SourceIpConfig
      ? [...((input.SourceIpConfig as Input).Cidrs as string[])]
      : wf.SourceIpConfig.Cidrs;
    checkSourceIpAndVpc(cidrs, vpc);
    if (input.OidcConfig) {
      const teams = ctx.state.workteams.filter((t) => t.WorkforceArn === wf.WorkforceArn);
      if (teams.length > 0) {
        throw refuse(
          "oidcNeedsNoWorkteams",
          `The OIDC configuration of workforce ${wf.WorkforceName} can be updated only when no work teams are associated with it. Associated work teams: ${teams.map((t) => t.WorkteamName).join(", ")}.`,
        );
      }
    }
    wf.SourceIpConfig = { Cidrs: cidrs };
    if (input.OidcConfig) Object.assign(wf, oidcConfig(input.OidcConfig as Input, wf));
    if (vpcInput) {
      const endpoint = wf.WorkforceVpcConfig?.VpcEndpointId;
      wf.WorkforceVpcConfig =
        !vpc && endpoint && ctx.vpcEndpointLeftOnDetach
          ? ({ VpcEndpointId: endpoint } as Workforce["WorkforceVpcConfig"])
          : vpc;
    }
    if (input.IpAddressType) wf.IpAddressType = input.IpAddressType as Workforce["IpAddressType"];
    wf.Status = "Updating";
    wf.FailureReason = undefined;
    wf.LastUpdatedDate = seconds(ctx.now);
    wf.pending = { until: ctx.now + ctx.updateDelayMs, failureReason: ctx.takeUpdateFailure() };
    return { Workforce: wireWorkforce(wf) };
  },

  DeleteWorkforce(input, ctx) {
    const wf = findWorkforce(ctx, input.WorkforceName as string);
    const teams = ctx.state.workteams.filter((t) => t.WorkforceArn === wf.WorkforceArn);
    if (teams.length > 0) {
      throw refuse(
        "workforceDeleteNeedsNoWorkteams",
        `Workforce ${wf.WorkforceName} has work teams (${teams.map((t) => t.WorkteamName).join(", ")}); delete them first.`,
      );
    }
    ctx.state.workforces = ctx.state.workforces.filter((w) => w !== wf);
    delete ctx.state.tags[wf.WorkforceArn];
    return {};
  },

  ListWorkteams(input, ctx) {
    const here = ctx.state.workteams.filter((t) => isHere(ctx, t));
    const page = listPage(
      here,
      input,
      (t) => t.WorkteamName,
      (t) => t.CreateDate,
    );
    return { Workteams: page.items.map(wireWorkteam), NextToken: page.next };
  },

  DescribeWorkteam(input, ctx) {
    return { Workteam: wireWorkteam(findWorkteam(ctx, input.WorkteamName as string)) };
  },

  CreateWorkteam(input, ctx) {
    const name = input.WorkteamName as string;
    const members = input.MemberDefinitions as Input[];
    const kind = memberKind(members);
    checkTagList(input.Tags);
    const wf = input.WorkforceName
      ? findWorkforce(ctx, input.WorkforceName as string)
      : ctx.state.workforces.find((w) => isHere(ctx, w));
    if (!wf) throw validation(`No private workforce exists in ${ctx.region}; create one first.`);
    checkMembersAgainst(members, kind, wf);
    if (wf.Status === "Updating" || wf.Status === "Initializing") {
      throw refuse(
        "busyWhileUpdating",
        `Workforce ${wf.WorkforceName} is ${wf.Status}; create work teams when it is Active.`,
      );
    }
    const teams = ctx.state.workteams.filter((t) => isHere(ctx, t));
    if (teams.some((t) => t.WorkteamName === name)) {
      throw refuse("workteamNameTaken", `Workteam ${name} already exists.`);
    }
    if (teams.length >= MAX_WORKTEAMS) {
      throw refuse(
        "maxWorkteams",
        `The account already has ${MAX_WORKTEAMS} work teams in ${ctx.region}, the maximum.`,
      );
    }
    const arn = `arn:aws:sagemaker:${ctx.region}:${ctx.account}:workteam/private-crowd/${name}`;
    const team: StoredWorkteam = {
      region: ctx.region,
      account: ctx.account,
      WorkteamName: name,
      WorkteamArn: arn,
      WorkforceArn: wf.WorkforceArn,
      MemberDefinitions: structuredClone(members),
      Description: input.Description as string,
      SubDomain: wf.SubDomain,
      CreateDate: seconds(ctx.now),
      LastUpdatedDate: seconds(ctx.now),
      ProductListingIds: [],
    };
    const topic = (input.NotificationConfiguration as Input | undefined)?.NotificationTopicArn;
    if (topic) team.NotificationConfiguration = { NotificationTopicArn: topic as string };
    if (input.WorkerAccessConfiguration) {
      team.WorkerAccessConfiguration = structuredClone(input.WorkerAccessConfiguration as Input);
    }
    ctx.state.workteams.push(team);
    setTags(ctx.state, arn, input.Tags);
    return { WorkteamArn: arn };
  },

  UpdateWorkteam(input, ctx) {
    const members = input.MemberDefinitions as Input[] | undefined;
    const kind = members && memberKind(members);
    const team = findWorkteam(ctx, input.WorkteamName as string);
    if (members && kind) {
      const wf = ctx.state.workforces.find((w) => w.WorkforceArn === team.WorkforceArn);
      if (wf) checkMembersAgainst(members, kind, wf);
      team.MemberDefinitions = structuredClone(members);
    }
    if (input.Description !== undefined) team.Description = input.Description as string;
    // A configuration without a topic removes the topic.
    if (input.NotificationConfiguration) {
      const topic = (input.NotificationConfiguration as Input).NotificationTopicArn;
      if (topic) team.NotificationConfiguration = { NotificationTopicArn: topic as string };
      else delete team.NotificationConfiguration;
    }
    if (input.WorkerAccessConfiguration) {
      team.WorkerAccessConfiguration = structuredClone(input.WorkerAccessConfiguration as Input);
    }
    team.LastUpdatedDate = seconds(ctx.now);
    return { Workteam: wireWorkteam(team) };
  },

  DeleteWorkteam(input, ctx) {
    const team = findWorkteam(ctx, input.WorkteamName as string);
    const busy = jobsOf(ctx, team).filter((j) => j.LabelCounters.PendingHuman > 0);
    if (busy.length > 0) {
      throw refuse(
        "workteamInUse",
        `Workteam ${team.WorkteamName} is used by in-progress labeling jobs: ${busy.map((j) => j.LabelingJobName).join(", ")}.`,
      );
    }
    ctx.state.workteams = ctx.state.workteams.filter((t) => t !== team);
    delete ctx.state.tags[team.WorkteamArn];
    return { Success: true };
  },

  ListLabelingJobsForWorkteam(input, ctx) {
    const team = ctx.state.workteams.find(
      (t) => isHere(ctx, t) && t.WorkteamArn === input.WorkteamArn,
    );
    if (!team) throw new ApiError("ResourceNotFound", `Workteam ${input.WorkteamArn} not found.`);
    const after = input.CreationTimeAfter as number | undefined;
    const before = input.CreationTimeBefore as number | undefined;
    const contains = input.JobReferenceCodeContains as string | undefined;
    const jobs = jobsOf(ctx, team).filter(
      (j) =>
        (after === undefined || j.CreationTime > after) &&
        (before === undefined || j.CreationTime < before) &&
        (contains === undefined || j.JobReferenceCode.includes(contains)),
    );
    const sorted = sortBy(jobs, input, (j) => j.CreationTime);
    const page = paginate(sorted, input, 10);
    // The summary shape of the model, whatever else a seeded job holds.
    return {
      LabelingJobSummaryList: page.items.map((j) => ({
        LabelingJobName: j.LabelingJobName,
        JobReferenceCode: j.JobReferenceCode,
        WorkRequesterAccountId: j.WorkRequesterAccountId,
        CreationTime: j.CreationTime,
        LabelCounters: {
          HumanLabeled: j.LabelCounters.HumanLabeled,
          PendingHuman: j.LabelCounters.PendingHuman,
          Total: j.LabelCounters.Total,
        },
        ...(j.NumberOfHumanWorkersPerDataObject !== undefined
          ? { NumberOfHumanWorkersPerDataObject: j.NumberOfHumanWorkersPerDataObject }
          : {}),
      })),
      NextToken: page.next,
    };
  },

  ListTags(input, ctx) {
    const arn = input.ResourceArn as string;
    requireTaggable(ctx, arn);
    const list = Object.entries(ctx.state.tags[arn] ?? {}).map(([Key, Value]) => ({ Key, Value }));
    const page = paginate(list, input, 50);
    return { Tags: page.items, NextToken: page.next };
  },

  AddTags(input, ctx) {
    const arn = input.ResourceArn as string;
    const list = input.Tags as { Key: string; Value: string }[];
    checkTagList(list);
    requireTaggable(ctx, arn);
    const merged: Tags = { ...ctx.state.tags[arn] };
    for (const t of list) merged[t.Key] = t.Value;
    if (Object.keys(merged).length > MAX_TAGS) {
      throw refuse("maxTags", `A resource can have at most ${MAX_TAGS} tags.`);
    }
    ctx.state.tags[arn] = merged;
    return { Tags: Object.entries(merged).map(([Key, Value]) => ({ Key, Value })) };
  },

  DeleteTags(input, ctx) {
    const arn = input.ResourceArn as string;
    const keys = input.TagKeys as string[];
    for (const key of keys) {
      if (isReserved(key))
        throw refuse("reservedTagPrefix", `Tag key ${key} uses the reserved prefix aws:.`);
    }
    requireTaggable(ctx, arn);
    const tags = ctx.state.tags[arn] ?? {};
    for (const key of keys) delete tags[key];
    ctx.state.tags[arn] = tags;
    return {};
  },
};

/** Operations that change state (the server persists after them). */
export const MUTATING = new Set([
  "CreateWorkforce",
  "UpdateWorkforce",
  "DeleteWorkforce",
  "CreateWorkteam",
  "UpdateWorkteam",
  "DeleteWorkteam",
  "AddTags",
  "DeleteTags",
]);

function findWorkforce(ctx: OperationContext, name: string): StoredWorkforce {
  const wf = ctx.state.workforces.find((w) => isHere(ctx, w) && w.WorkforceName === name);
  if (!wf)
    throw validation(ctx.workforceNotFoundMessage ?? `No workforce found with name ${name}.`);
  return wf;
}

function findWorkteam(ctx: OperationContext, name: string): StoredWorkteam {
  const team = ctx.state.workteams.find((t) => isHere(ctx, t) && t.WorkteamName === name);
  if (!team) throw validation(`The work team ${name} does not exist.`);
  return team;
}

function jobsOf(ctx: OperationContext, team: StoredWorkteam) {
  return ctx.state.labelingJobs.filter(
    (j) =>
      j.workteamName === team.WorkteamName &&
      (j.region ?? team.region) === team.region &&
      accountOf(j, ctx.state) === accountOf(team, ctx.state),
  );
}

/**
 * Tags can be listed and changed on workteams; a workforce's are set when it is created only.
 * Another account's resource does not exist for the caller.
 */
function requireTaggable(ctx: OperationContext, arn: string): void {
  if (
    ctx.state.workforces.some(
      (w) => accountOf(w, ctx.state) === ctx.account && w.WorkforceArn === arn,
    )
  ) {
    throw refuse(
      "workforceTagsAtCreationOnly",
      `The tags of workforce ${arn} are set when it is created; they cannot be listed or changed.`,
    );
  }
  if (
    !ctx.state.workteams.some(
      (t) => accountOf(t, ctx.state) === ctx.account && t.WorkteamArn === arn,
    )
  )
    throw validation(`Resource ${arn} does not exist.`);
}

const isReserved = (key: string) => key.toLowerCase().startsWith("aws:");

function checkTagList(tags: unknown): void {
  const seen = new Set<string>();
  for (const { Key } of (tags as { Key: string }[] | undefined) ?? []) {
    if (isReserved(Key))
      throw refuse("reservedTagPrefix", `Tag key ${Key} uses the reserved prefix aws:.`);
    if (seen.has(Key)) throw refuse("uniqueTagKeys", `Tag key ${Key} is given more than once.`);
    seen.add(Key);
  }
}

function checkSourceIpAndVpc(cidrs: readonly string[], vpc: Workforce["WorkforceVpcConfig"]) {
  if (cidrs.length > 0 && vpc) {
    throw refuse(
      "noSourceIpInVpc",
      "Amazon SageMaker does not support Source Ip restriction for worker portals in VPC.",
    );
  }
}

/** The OIDC config as stored and returned: everything but the secret, which leaves only a digest. */
function oidcConfig(input: Input, wf: StoredWorkforce): Partial<StoredWorkforce> {
  const { ClientSecret, ...visible } = input;
  return {
    OidcConfig: structuredClone(visible),
    secretDigest: createHash("sha256").update(String(ClientSecret)).digest("hex"),
    secretUpdates: (wf.secretUpdates ?? 0) + 1,
  };
}

function vpcConfig(
  input: Input,
  current: Workforce["WorkforceVpcConfig"],
): Workforce["WorkforceVpcConfig"] {
  const { VpcId, SecurityGroupIds, Subnets } = input as {
    VpcId?: string;
    SecurityGroupIds?: string[];
    Subnets?: string[];
  };
  if (!VpcId && !SecurityGroupIds && !Subnets) return undefined; // {} removes the VPC
  if (!VpcId || !SecurityGroupIds || !Subnets) {
    throw refuse(
      "vpcConfigWhole",
      "WorkforceVpcConfig needs VpcId, SecurityGroupIds and Subnets together (or none of them, to remove the VPC).",
    );
  }
  const VpcEndpointId =
    current && current.VpcId === VpcId
      ? current.VpcEndpointId
      : `vpce-${randomBytes(9).toString("hex").slice(0, 17)}`;
  return { VpcId, SecurityGroupIds: [...SecurityGroupIds], Subnets: [...Subnets], VpcEndpointId };
}

type MemberKind = "CognitoMemberDefinition" | "OidcMemberDefinition";

/** The one kind of a team's member definitions (checks of the input, before any state is read). */
function memberKind(members: Input[]): MemberKind {
  const kinds = new Set<MemberKind>();
  for (const m of members) {
    const has = (["CognitoMemberDefinition", "OidcMemberDefinition"] as const).filter((k) => m[k]);
    if (has.length !== 1) {
      throw refuse(
        "oneMemberKind",
        "Each member definition has exactly one of CognitoMemberDefinition or OidcMemberDefinition.",
      );
    }
    if (has[0] === "OidcMemberDefinition" && !(m.OidcMemberDefinition as Input).Groups) {
      throw refuse("oidcMembersNeedGroups", "An OidcMemberDefinition needs Groups.");
    }
    kinds.add(has[0]!);
  }
  if (kinds.size > 1) {
    throw refuse("oneMemberKind", "A work team's member definitions cannot mix Cognito and OIDC.");
  }
  return [...kinds][0]!;
}

/** Members of the workforce's own identity provider (and, for Cognito, its user pool and client). */
function checkMembersAgainst(members: Input[], kind: MemberKind, wf: StoredWorkforce): void {
  if (wf.OidcConfig && kind === "CognitoMemberDefinition") {
    throw refuse(
      "membersMatchIdentityProvider",
      `Workforce ${wf.WorkforceName} uses OIDC; use OidcMemberDefinition.`,
    );
  }
  if (wf.CognitoConfig && kind === "OidcMemberDefinition") {
    throw refuse(
      "membersMatchIdentityProvider",
      `Workforce ${wf.WorkforceName} uses Amazon Cognito; use CognitoMemberDefinition.`,
    );
  }
  const pool = wf.CognitoConfig;
  if (!pool) return;
  for (const m of members) {
    const c = m.CognitoMemberDefinition as { UserPool: string; ClientId: string };
    if (c.UserPool !== pool.UserPool || c.ClientId !== pool.ClientId) {
      throw refuse(
        "cognitoMembersOfTheWorkforcePool",
        `A CognitoMemberDefinition must use the workforce's UserPool ${pool.UserPool} and ClientId ${pool.ClientId}.`,
      );
    }
  }
}

function setTags(state: EmulatorState, arn: string, tags: unknown): void {
  const list = (tags as { Key: string; Value: string }[] | undefined) ?? [];
  if (list.length > 0) state.tags[arn] = Object.fromEntries(list.map((t) => [t.Key, t.Value]));
}

function wireWorkforce(wf: StoredWorkforce): Workforce {
  const { region, account, secretDigest, secretUpdates, pending, ...wire } = wf;
  return structuredClone(wire);
}

function wireWorkteam(team: StoredWorkteam): Workteam {
  const { region, account, ...wire } = team;
  return structuredClone(wire);
}

/** A List* page: NameContains, then SortBy Name or CreateDate (the default) and SortOrder, then paging. */
function listPage<T>(items: T[], input: Input, name: (x: T) => string, created: (x: T) => number) {
  const part = input.NameContains;
  const matching = items.filter((x) => typeof part !== "string" || name(x).includes(part));
  return paginate(
    sortBy(matching, input, (x) => (input.SortBy === "Name" ? name(x) : created(x))),
    input,
    10,
  );
}

function sortBy<T>(items: T[], input: Input, key: (item: T) => string | number): T[] {
  const dir = input.SortOrder === "Descending" ? -1 : 1;
  return [...items].sort((a, b) => {
    const ka = key(a);
    const kb = key(b);
    return ka < kb ? -dir : ka > kb ? dir : 0;
  });
}

function paginate<T>(items: T[], input: Input, defaultMax: number): { items: T[]; next?: string } {
  let start = 0;
  if (input.NextToken) {
    const decoded = Number(Buffer.from(String(input.NextToken), "base64url").toString());
    if (!Number.isInteger(decoded) || decoded < 0 || decoded > items.length) {
      throw validation("Invalid pagination token.");
    }
    start = decoded;
  }
  const max = (input.MaxResults as number | undefined) ?? defaultMax;
  const end = start + max;
  return {
    items: items.slice(start, end),
    next: end < items.length ? Buffer.from(String(end)).toString("base64url") : undefined,
  };
}

function randomId(length: number): string {
  const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
  return Array.from(randomBytes(length), (b) => alphabet[b % alphabet.length]).join("");
}
