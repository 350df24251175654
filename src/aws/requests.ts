/** API requests built from the spec or a backup. Pure: the secret is passed in, never stored. */
import type {
  CreateWorkforceRequest,
  CreateWorkteamRequest,
  OidcConfig,
  UpdateWorkforceRequest,
  UpdateWorkteamRequest,
  MemberDefinition as WireMember,
  Workteam,
} from "@aws-sdk/client-sagemaker";
import { isReservedTag } from "../core/normalize.ts";
import type { MemberDefinition } from "../core/types.ts";
import type { OidcConfigSpec, Spec, WorkteamSpec } from "../spec/schema.ts";

/** A workteam as DescribeWorkteam gave it (dates as ISO strings), with its tags: what a backup holds. */
export interface BackedUpWorkteam {
  workteam: Workteam;
  tags: { Key: string; Value: string }[];
}

export function oidcRequest(cfg: OidcConfigSpec, secret: string): OidcConfig {
  return {
    ClientId: cfg.clientId,
    ClientSecret: secret,
    Issuer: cfg.issuer,
    AuthorizationEndpoint: cfg.authorizationEndpoint,
    TokenEndpoint: cfg.tokenEndpoint,
    UserInfoEndpoint: cfg.userInfoEndpoint,
    LogoutEndpoint: cfg.logoutEndpoint,
    JwksUri: cfg.jwksUri,
    Scope: cfg.scope ?? undefined,
    AuthenticationRequestExtraParams: cfg.authenticationRequestExtraParams,
  };
}

const tagList = (tags: Record<string, string> | undefined) =>
  tags ? Object.entries(tags).map(([Key, Value]) => ({ Key, Value })) : undefined;

function vpcRequest(vpc: Spec["workforce"]["workforceVpcConfig"]) {
  // An empty WorkforceVpcConfig detaches the VPC.
  return vpc
    ? { VpcId: vpc.vpcId, SecurityGroupIds: vpc.securityGroupIds, Subnets: vpc.subnets }
    : {};
}

export function createWorkforceRequest(
  spec: Spec,
  secret: string | undefined,
): CreateWorkforceRequest {
  const wf = spec.workforce;
  return {
    WorkforceName: wf.name,
    OidcConfig:
      wf.oidcConfig && secret !== undefined ? oidcRequest(wf.oidcConfig, secret) : undefined,
    CognitoConfig: wf.cognitoConfig && {
      UserPool: wf.cognitoConfig.userPool,
      ClientId: wf.cognitoConfig.clientId,
    },
    SourceIpConfig: wf.sourceIpConfig && { Cidrs: wf.sourceIpConfig.cidrs },
    WorkforceVpcConfig: wf.workforceVpcConfig ? vpcRequest(wf.workforceVpcConfig) : undefined,
    IpAddressType: wf.ipAddressType,
    Tags: tagList(wf.tags),
  };
}

/** Only the parts that differ; the whole OidcConfig (with the secret) when it is among them. */
export function updateWorkforceRequest(
  spec: Spec,
  fields: readonly string[],
  secret: string | undefined,
): UpdateWorkforceRequest {
  const wf = spec.workforce;
  const req: UpdateWorkforceRequest = { WorkforceName: wf.name };
  if (fields.includes("sourceIpConfig") && wf.sourceIpConfig)
    req.SourceIpConfig = { Cidrs: wf.sourceIpConfig.cidrs };
  if (fields.includes("oidcConfig") && wf.oidcConfig && secret !== undefined)
    req.OidcConfig = oidcRequest(wf.oidcConfig, secret);
  if (fields.includes("workforceVpcConfig") && wf.workforceVpcConfig !== undefined)
    req.WorkforceVpcConfig = vpcRequest(wf.workforceVpcConfig);
  if (fields.includes("ipAddressType") && wf.ipAddressType) req.IpAddressType = wf.ipAddressType;
  return req;
}

function members(defs: readonly MemberDefinition[]): WireMember[] {
  return defs.map((d) =>
    "oidcMemberDefinition" in d
      ? { OidcMemberDefinition: { Groups: d.oidcMemberDefinition.groups } }
      : {
          CognitoMemberDefinition: {
            UserPool: d.cognitoMemberDefinition.userPool,
            UserGroup: d.cognitoMemberDefinition.userGroup,
            ClientId: d.cognitoMemberDefinition.clientId,
          },
        },
  );
}

function workerAccess(team: WorkteamSpec) {
  const c = team.workerAccessConfiguration?.s3Presign.iamPolicyConstraints;
  return (
    c && {
      S3Presign: { IamPolicyConstraints: { SourceIp: c.sourceIp, VpcSourceIp: c.vpcSourceIp } },
    }
  );
}

export function createWorkteamRequest(
  team: WorkteamSpec,
  workforceName: string,
): CreateWorkteamRequest {
  return {
    WorkteamName: team.name,
    WorkforceName: workforceName,
    Description: team.description,
    MemberDefinitions: members(team.memberDefinitions as MemberDefinition[]),
    NotificationConfiguration: team.notificationConfiguration
      ? { NotificationTopicArn: team.notificationConfiguration.notificationTopicArn }
      : undefined,
    WorkerAccessConfiguration: workerAccess(team),
    Tags: tagList(team.tags),
  };
}

export function updateWorkteamRequest(
  team: WorkteamSpec,
  fields: readonly string[],
): UpdateWorkteamRequest {
  const full = createWorkteamRequest(team, "");
  const req: UpdateWorkteamRequest = { WorkteamName: team.name };
  if (fields.includes("description")) req.Description = full.Description;
  if (fields.includes("memberDefinitions")) req.MemberDefinitions = full.MemberDefinitions;
  // A configuration without a topic removes the topic (null in the spec).
  if (fields.includes("notificationConfiguration"))
    req.NotificationConfiguration = full.NotificationConfiguration ?? {};
  if (fields.includes("workerAccessConfiguration"))
    req.WorkerAccessConfiguration = full.WorkerAccessConfiguration;
  return req;
}

/**
 * CreateWorkteam for a workteam wfplan deleted: everything its backup holds that CreateWorkteam
 * can set (as the API gave it, so nothing wfplan does not model is lost), with the fields the spec
 * declares, if any, over it. Tags with the reserved `aws:` prefix cannot be set by anyone but AWS.
 */
export function recreateWorkteamRequest(
  saved: BackedUpWorkteam,
  team: WorkteamSpec | undefined,
  workforceName: string,
): CreateWorkteamRequest {
  const t: Workteam = saved.workteam;
  const req: CreateWorkteamRequest = {
    WorkteamName: t.WorkteamName!,
    WorkforceName: workforceName,
    Description: t.Description!,
    MemberDefinitions: t.MemberDefinitions!,
    NotificationConfiguration: t.NotificationConfiguration?.NotificationTopicArn
      ? t.NotificationConfiguration
      : undefined,
    WorkerAccessConfiguration: t.WorkerAccessConfiguration,
    Tags: nonEmpty(saved.tags.filter((tag) => !isReservedTag(tag.Key))),
  };
  if (!team) return req;
  const fromSpec = createWorkteamRequest(team, workforceName);
  req.Description = fromSpec.Description;
  req.MemberDefinitions = fromSpec.MemberDefinitions;
  if (team.notificationConfiguration !== undefined)
    req.NotificationConfiguration = fromSpec.NotificationConfiguration;
  if (team.workerAccessConfiguration !== undefined)
    req.WorkerAccessConfiguration = fromSpec.WorkerAccessConfiguration;
  if (team.tags !== undefined) req.Tags = nonEmpty(fromSpec.Tags ?? []);
  return req;
}

const nonEmpty = <T>(xs: T[]) => (xs.length > 0 ? xs : undefined);
