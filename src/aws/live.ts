/**
 * Reading the live workforce and workteams. Read-only calls only: DescribeWorkforce,
 * ListWorkforces (only when the named workforce is missing), ListWorkteams (pages of 100),
 * ListLabelingJobsForWorkteam for the workteams a plan would delete, and ListTags for the workteams
 * whose tags a plan compares or recreates. Independent reads run in parallel.
 */
import {
  DescribeWorkforceCommand,
  ListWorkforcesCommand,
  paginateListLabelingJobsForWorkteam,
  paginateListTags,
  paginateListWorkteams,
  type SageMakerClient,
  type Workforce,
  type Workteam,
} from "@aws-sdk/client-sagemaker";
import type {
  JobInProgress,
  LiveState,
  MemberDefinition,
  Tags,
  WorkforceLive,
  WorkteamLive,
} from "../core/types.ts";
import { awsError, isValidationError } from "./errors.ts";

export async function readLive(
  client: SageMakerClient,
  region: string,
  workforceName: string,
): Promise<LiveState> {
  const [found, teams] = await Promise.all([
    findWorkforce(client, workforceName),
    listWorkteams(client),
  ]);
  const workforce = found.workforce;
  const live: LiveState = {
    region,
    workforce,
    workteams: teams.filter(
      (t) => !workforce || !t.workforceArn || t.workforceArn === workforce.arn,
    ),
    jobs: {},
  };
  if (!workforce) live.otherWorkforce = found.others[0];
  return live;
}

/** The named workforce, or null when it does not exist. `signal` abandons the call. */
export async function describeWorkforce(
  client: SageMakerClient,
  name: string,
  signal?: AbortSignal,
): Promise<WorkforceLive | null> {
  return (await findWorkforce(client, name, signal)).workforce;
}

/**
 * DescribeWorkforce; when it answers ValidationException (the service's way of saying "no such
 * workforce", among others), ListWorkforces tells which it is, whatever the message's wording:
 * one extra call, only then. `others` are the region's workforces when the named one is missing.
 */
async function findWorkforce(
  client: SageMakerClient,
  name: string,
  signal?: AbortSignal,
): Promise<{ workforce: WorkforceLive | null; others: string[] }> {
  try {
    const { Workforce } = await client.send(new DescribeWorkforceCommand({ WorkforceName: name }), {
      abortSignal: signal,
    });
    return { workforce: Workforce ? workforceFromWire(Workforce) : null, others: [] };
  } catch (e) {
    if (!isValidationError(e)) throw awsError(e, "DescribeWorkforce");
    const listed = await client.send(new ListWorkforcesCommand({})).catch((err) => {
      throw awsError(err, "ListWorkforces");
    });
    const names = (listed.Workforces ?? []).map((w) => w.WorkforceName!);
    // It exists: the ValidationException meant something else, and is the answer.
    if (names.includes(name)) throw awsError(e, "DescribeWorkforce");
    return { workforce: null, others: names };
  }
}

async function listWorkteams(client: SageMakerClient): Promise<WorkteamLive[]> {
  const teams: WorkteamLive[] = [];
  try {
    for await (const page of paginateListWorkteams({ client, pageSize: 100 }, { SortBy: "Name" })) {
      teams.push(...(page.Workteams ?? []).map(workteamFromWire));
    }
  } catch (e) {
    throw awsError(e, "ListWorkteams");
  }
  return teams;
}

/** Reads the tags of each given workteam (ListTags, all pages) into its `tags`. */
export async function readTags(client: SageMakerClient, teams: WorkteamLive[]): Promise<void> {
  await Promise.all(
    teams.map(async (team) => {
      const tags: Tags = {};
      try {
        for await (const page of paginateListTags(
          { client, pageSize: 50 },
          { ResourceArn: team.arn },
        )) {
          for (const t of page.Tags ?? []) tags[t.Key!] = t.Value ?? "";
        }
      } catch (e) {
        throw awsError(e, `ListTags ${team.name}`);
      }
      team.tags = tags;
    }),
  );
}

/** In-progress labeling jobs (work still pending for humans) of each named workteam. */
export async function readJobs(
  client: SageMakerClient,
  teams: WorkteamLive[],
): Promise<Record<string, JobInProgress[]>> {
  const entries = await Promise.all(
    teams.map(async (team) => {
      const jobs: JobInProgress[] = [];
      try {
        for await (const page of paginateListLabelingJobsForWorkteam(
          { client, pageSize: 100 },
          { WorkteamArn: team.arn },
        )) {
          for (const j of page.LabelingJobSummaryList ?? []) {
            const pending = j.LabelCounters?.PendingHuman;
            // Without counters, assume the job is still running: deleting its team cannot be undone.
            if (pending === undefined || pending > 0)
              jobs.push({
                name: j.LabelingJobName ?? j.JobReferenceCode ?? "(unnamed)",
                pendingHuman: pending ?? -1,
              });
          }
        }
      } catch (e) {
        throw awsError(e, `ListLabelingJobsForWorkteam ${team.name}`);
      }
      return [team.name, jobs] as const;
    }),
  );
  return Object.fromEntries(entries.filter(([, jobs]) => jobs.length > 0));
}

export function workforceFromWire(w: Workforce): WorkforceLive {
  const o = w.OidcConfig;
  const v = w.WorkforceVpcConfig;
  return {
    name: w.WorkforceName!,
    arn: w.WorkforceArn!,
    status: w.Status ?? "Active",
    failureReason: w.FailureReason,
    oidcConfig: o && {
      clientId: o.ClientId!,
      issuer: o.Issuer!,
      authorizationEndpoint: o.AuthorizationEndpoint!,
      tokenEndpoint: o.TokenEndpoint!,
      userInfoEndpoint: o.UserInfoEndpoint!,
      logoutEndpoint: o.LogoutEndpoint!,
      jwksUri: o.JwksUri!,
      scope: o.Scope,
      authenticationRequestExtraParams: o.AuthenticationRequestExtraParams,
    },
    cognitoConfig: w.CognitoConfig && {
      userPool: w.CognitoConfig.UserPool!,
      clientId: w.CognitoConfig.ClientId!,
    },
    sourceIpConfig: { cidrs: w.SourceIpConfig?.Cidrs ?? [] },
    // Any VPC field the service still reports (an endpoint left behind, say) means a VPC is attached.
    workforceVpcConfig:
      v && (v.VpcId || v.SecurityGroupIds?.length || v.Subnets?.length || v.VpcEndpointId)
        ? {
            vpcId: v.VpcId ?? "",
            securityGroupIds: v.SecurityGroupIds ?? [],
            subnets: v.Subnets ?? [],
            ...(!v.VpcId && v.VpcEndpointId ? { vpcEndpointId: v.VpcEndpointId } : {}),
          }
        : null,
    ipAddressType: w.IpAddressType ?? "ipv4",
    subDomain: w.SubDomain,
  };
}

export function workteamFromWire(t: Workteam): WorkteamLive {
  const team: WorkteamLive = {
    name: t.WorkteamName!,
    arn: t.WorkteamArn!,
    workforceArn: t.WorkforceArn,
    description: t.Description ?? "",
    memberDefinitions: (t.MemberDefinitions ?? []).map(
      (m): MemberDefinition =>
        m.OidcMemberDefinition
          ? { oidcMemberDefinition: { groups: m.OidcMemberDefinition.Groups ?? [] } }
          : {
              cognitoMemberDefinition: {
                userPool: m.CognitoMemberDefinition?.UserPool ?? "",
                userGroup: m.CognitoMemberDefinition?.UserGroup ?? "",
                clientId: m.CognitoMemberDefinition?.ClientId ?? "",
              },
            },
    ),
  };
  if (t.NotificationConfiguration?.NotificationTopicArn) {
    team.notificationConfiguration = {
      notificationTopicArn: t.NotificationConfiguration.NotificationTopicArn,
    };
  }
  const iam = t.WorkerAccessConfiguration?.S3Presign?.IamPolicyConstraints;
  if (iam) {
    const constraints: Record<string, string> = {};
    if (iam.SourceIp) constraints.sourceIp = iam.SourceIp;
    if (iam.VpcSourceIp) constraints.vpcSourceIp = iam.VpcSourceIp;
    team.workerAccessConfiguration = { s3Presign: { iamPolicyConstraints: constraints } };
  }
  return team;
}
