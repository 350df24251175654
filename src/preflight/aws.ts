/**
 * The preflight checks of what the spec refers to in AWS (README, "Preflight"): the workteams'
 * SNS topics (exist; SageMaker may publish), the workforce's VPC (exists; its subnets and security
 * groups exist and are its own; DNS hostnames and resolution on), and for a Cognito workforce the
 * user pool, app clients and user groups. SageMaker accepts each of these wrong and fails later.
 *
 * Read-only calls, each with its service's SDK client (loaded only when the spec has something
 * for it), all at once, with short timeouts. The endpoints are the SDK's own configuration:
 * AWS_ENDPOINT_URL_SNS, AWS_ENDPOINT_URL_EC2, AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER, then
 * AWS_ENDPOINT_URL (read by the SDK itself). A call that is denied, not served by the endpoint,
 * unanswered or without credentials makes its check `unchecked`, never an error: only the
 * caller's AbortSignal makes this reject. One finding per check and subject, however many calls
 * it took.
 */
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from "@smithy/types";
import { sdkLogger } from "../aws/client.ts";
import type { PreflightCheck, PreflightFinding } from "../core/types.ts";
import type { Spec } from "../spec/schema.ts";
import { allowsPublish, publishStatement } from "./policy.ts";

export interface AwsAccess {
  region: string;
  credentials: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  /** One endpoint for every service (an emulator serves them all); else the SDK's configuration. */
  endpoint?: string;
  signal?: AbortSignal;
}

/** The SDK warns about Node 20 on every run; wfplan supports Node 20 (as in aws/client.ts). */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

const CONNECT_TIMEOUT_MS = 3000;
const REQUEST_TIMEOUT_MS = 5000;
/** A limit on all the attempts of one call: the request timeout only limits silence. */
const DEADLINE_MS = 15_000;

export async function checkAwsReferences(spec: Spec, aws: AwsAccess): Promise<PreflightFinding[]> {
  const topics = topicsOf(spec);
  const vpc = spec.workforce.workforceVpcConfig;
  const cognito = cognitoOf(spec);
  const found = await Promise.all([
    topics.size > 0 ? checkTopics(topics, aws) : [],
    vpc ? checkVpc(vpc, aws) : [],
    cognito.pools.size > 0 ? checkCognito(cognito, aws) : [],
  ]);
  aws.signal?.throwIfAborted();
  return found.flat();
}

// ---------------------------------------------------------------- what the spec refers to

/** Topic ARN → the paths of the workteams that name it, in the spec's order. */
function topicsOf(spec: Spec): Map<string, string[]> {
  const topics = new Map<string, string[]>();
  for (const team of spec.workteams ?? []) {
    const arn = team.notificationConfiguration?.notificationTopicArn;
    if (arn) add(topics, arn, `workteams.${team.name}.notificationConfiguration`);
  }
  return topics;
}

interface CognitoRefs {
  /** Pool id → paths. */
  pools: Map<string, string[]>;
  /** "pool/client" → paths. */
  clients: Map<string, string[]>;
  /** "pool/group" → paths. */
  groups: Map<string, string[]>;
}

function cognitoOf(spec: Spec): CognitoRefs {
  const refs: CognitoRefs = { pools: new Map(), clients: new Map(), groups: new Map() };
  const config = spec.workforce.cognitoConfig;
  if (config) {
    add(refs.pools, config.userPool, "workforce.cognitoConfig");
    add(refs.clients, `${config.userPool}/${config.clientId}`, "workforce.cognitoConfig");
  }
  for (const team of spec.workteams ?? []) {
    const path = `workteams.${team.name}.memberDefinitions`;
    for (const m of team.memberDefinitions) {
      const c = m.cognitoMemberDefinition;
      if (!c) continue;
      add(refs.pools, c.userPool, path);
      add(refs.clients, `${c.userPool}/${c.clientId}`, path);
      add(refs.groups, `${c.userPool}/${c.userGroup}`, path);
    }
  }
  return refs;
}

function add(map: Map<string, string[]>, key: string, path: string): void {
  const paths = map.get(key) ?? [];
  if (!paths.includes(path)) paths.push(path);
  map.set(key, paths);
}

// ---------------------------------------------------------------- calls and their failures

/** A service and what its endpoint is configured by, for the words of an unchecked finding. */
export interface Service {
  name: string;
  endpointEnv: string;
}
const SNS: Service = { name: "SNS", endpointEnv: "AWS_ENDPOINT_URL_SNS" };
const EC2: Service = { name: "EC2", endpointEnv: "AWS_ENDPOINT_URL_EC2" };
const COGNITO: Service = {
  name: "Cognito",
  endpointEnv: "AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER",
};

/** Why a call did not answer: the service's error code, or what kept it from answering. */
interface Failure {
  /** The service's code (`NotFound`, `InvalidVpcID.NotFound`), or the reason in a few words. */
  code: string;
  kind: "service" | "denied" | "unserved" | "unreachable" | "transient" | "credentials";
  /** The IAM action of the call that failed. */
  action: string;
  service: Service;
}

type Result<T> = { ok: T; failure?: undefined } | { ok?: undefined; failure: Failure };

const DENIED = new Set([
  "AccessDenied",
  "AccessDeniedException",
  "UnauthorizedOperation",
  "AuthorizationError",
  "AuthorizationErrorException",
  "NotAuthorizedException",
]);
const UNSERVED = new Set(["UnknownOperationException", "InvalidAction"]);
/** Credentials the service does not accept: as good as none for a check. */
const BAD_CREDENTIALS = new Set([
  "UnrecognizedClientException",
  "InvalidClientTokenId",
  "SignatureDoesNotMatch",
  "AuthFailure",
  "ExpiredToken",
  "ExpiredTokenException",
  "InvalidSignatureException",
  "IncompleteSignature",
  "MissingAuthenticationToken",
]);

/** What an SDK error says, sorted into what a check does with it. */
export function failureOf(e: unknown, service: Service, action: string): Failure {
  const err = (e ?? {}) as Error & {
    code?: string;
    Code?: string;
    $metadata?: { httpStatusCode?: number };
  };
  const name = err.name ?? "Error";
  const status = err.$metadata?.httpStatusCode;
  const base = { service, action };
  if (name === "CredentialsProviderError" || /Could not load credentials/.test(err.message ?? "")) {
    return { ...base, code: "no AWS credentials", kind: "credentials" };
  }
  if (name === "TimeoutError" || name === "AbortError" || err.code === "ETIMEDOUT") {
    return { ...base, code: "no answer in time", kind: "unreachable" };
  }
  if (status === undefined) {
    return { ...base, code: err.code ?? "no answer", kind: "unreachable" };
  }
  // A query protocol's error names its code in the body; the SDK makes up "NotFound" for a bare
  // 404 (any web server's answer), which must not pass for the service's own.
  const code =
    err.Code ?? (/^(\w+Exception|[\w.]+NotFound|[\w.]+Malformed)$/.test(name) ? name : undefined);
  if (code && DENIED.has(code)) return { ...base, code, kind: "denied" };
  if (code && UNSERVED.has(code)) return { ...base, code, kind: "unserved" };
  if (code && BAD_CREDENTIALS.has(code)) return { ...base, code, kind: "credentials" };
  if (status === 403) return { ...base, code: code ?? "HTTP 403", kind: "denied" };
  if (status >= 500 || (code && /Throttl|LimitExceeded|RequestLimit/.test(code))) {
    return { ...base, code: code ?? `HTTP ${status}`, kind: "transient" };
  }
  if (!code || (status === 404 && code === "NotFoundException")) {
    return { ...base, code: `HTTP ${status}${code ? ` ${code}` : ""}`, kind: "unserved" };
  }
  return { ...base, code, kind: "service" };
}

/** A finding for a check that could not run, with what would let it run. */
function unchecked(
  check: PreflightCheck,
  subject: string,
  what: string,
  f: Failure,
  paths: string[],
): PreflightFinding {
  const hint = {
    denied: `the credentials need ${f.action}`,
    unserved: `the ${f.service.name} endpoint does not serve ${f.action.split(":")[1]}: check ${f.service.endpointEnv} and AWS_ENDPOINT_URL`,
    unreachable: `check the network and the ${f.service.name} endpoint (${f.service.endpointEnv}, AWS_ENDPOINT_URL)`,
    transient: `${f.service.name} failed or is busy: try again`,
    credentials:
      "configure AWS credentials (AWS_PROFILE / --profile, aws sso login, or AWS_ACCESS_KEY_ID)",
    service: `the check needs ${f.action}`,
  }[f.kind];
  return {
    check,
    subject,
    outcome: "unchecked",
    message: `could not check: ${what} (${f.code})`,
    hint: `${hint}; --no-preflight skips the checks`,
    paths,
  };
}

/** The settings every client shares: one region and credentials, few attempts, short timeouts. */
function clientConfig(aws: AwsAccess) {
  return {
    region: aws.region,
    credentials: aws.credentials,
    ...(aws.endpoint ? { endpoint: aws.endpoint } : {}),
    maxAttempts: 2,
    requestHandler: {
      connectionTimeout: CONNECT_TIMEOUT_MS,
      requestTimeout: REQUEST_TIMEOUT_MS,
      throwOnRequestTimeout: true,
    },
    logger: sdkLogger(),
  };
}

interface Sender {
  // biome-ignore lint/suspicious/noExplicitAny: any of a client's commands
  send(command: any, options: { abortSignal: AbortSignal }): Promise<any>;
  destroy(): void;
}

/** A client's calls as Results, each within the deadline and the caller's signal. */
function caller(client: Sender, service: Service, aws: AwsAccess) {
  return async <T>(action: string, command: unknown): Promise<Result<T>> => {
    const deadline = AbortSignal.timeout(DEADLINE_MS);
    const abortSignal = aws.signal ? AbortSignal.any([aws.signal, deadline]) : deadline;
    try {
      return { ok: (await client.send(command, { abortSignal })) as T };
    } catch (e) {
      return { failure: failureOf(e, service, action) };
    }
  };
}

// ---------------------------------------------------------------- SNS

async function checkTopics(
  topics: Map<string, string[]>,
  aws: AwsAccess,
): Promise<PreflightFinding[]> {
  const { SNSClient, GetTopicAttributesCommand } = await import("./sdk/sns.ts");
  const client = new SNSClient(clientConfig(aws));
  const call = caller(client, SNS, aws);
  try {
    return await Promise.all(
      [...topics].map(async ([arn, paths]): Promise<PreflightFinding> => {
        const finding = (outcome: "ok" | "problem", message: string, hint?: string) => ({
          check: "sns-topic" as const,
          subject: arn,
          outcome,
          message,
          ...(hint ? { hint } : {}),
          paths,
        });
        const r = await call<{ Attributes?: Record<string, string> }>(
          "sns:GetTopicAttributes",
          new GetTopicAttributesCommand({ TopicArn: arn }),
        );
        if (r.failure) {
          const { code } = r.failure;
          if (code === "NotFound" || code === "NotFoundException") {
            return finding(
              "problem",
              `SNS topic ${arn} does not exist`,
              `create it in ${aws.region}, or correct notificationTopicArn`,
            );
          }
          if (r.failure.kind === "service" && /^InvalidParameter/.test(code)) {
            return finding(
              "problem",
              `SNS topic ${arn} is not a topic of ${aws.region} (${code})`,
              `the workteam's topic must be in the workforce's region, ${aws.region}`,
            );
          }
          return unchecked("sns-topic", arn, `SNS topic ${arn}`, r.failure, paths);
        }
        const policy = r.ok.Attributes?.Policy;
        const verdict = policy
          ? allowsPublish(policy, arn)
          : { allowed: false as const, reason: "it has no access policy" };
        if (verdict.allowed) {
          return finding("ok", `SNS topic ${arn} exists and SageMaker may publish to it`);
        }
        return finding(
          "problem",
          `SageMaker may not publish to SNS topic ${arn}: ${verdict.reason}`,
          `add this statement to the topic's access policy: ${publishStatement(arn)}`,
        );
      }),
    );
  } finally {
    client.destroy();
  }
}

// ---------------------------------------------------------------- EC2

interface VpcSpec {
  vpcId: string;
  subnets: string[];
  securityGroupIds: string[];
}

/** What a Describe call over ids found: each id's VPC, and the ids that are not there. */
interface Owners {
  vpcOf: Map<string, string>;
  missing: string[];
  malformed: string[];
}

async function checkVpc(vpc: VpcSpec, aws: AwsAccess): Promise<PreflightFinding[]> {
  const ec2 = await import("./sdk/ec2.ts");
  const client = new ec2.EC2Client(clientConfig(aws));
  const call = caller(client, EC2, aws);
  const paths = ["workforce.workforceVpcConfig"];
  const { vpcId } = vpc;
  const finding = (
    check: PreflightCheck,
    subject: string,
    outcome: "ok" | "problem",
    message: string,
    hint?: string,
  ): PreflightFinding => ({ check, subject, outcome, message, ...(hint ? { hint } : {}), paths });

  /**
   * Each id's VPC, by one call for all; when EC2 refuses the list for an id it does not know, one
   * call per id, so that every wrong id is named (EC2's message is not a contract).
   */
  const owners = async (
    action: string,
    notFound: string,
    malformed: string,
    ids: string[],
    describe: (ids: string[]) => unknown,
    list: (out: Record<string, unknown>) => { id?: string; vpcId?: string }[],
  ): Promise<Result<Owners>> => {
    const found: Owners = { vpcOf: new Map(), missing: [], malformed: [] };
    const all = await call<Record<string, unknown>>(action, describe(ids));
    const one = all.failure?.code;
    if (all.ok || ids.length === 1 || (one !== notFound && one !== malformed)) {
      if (all.failure && one === notFound) found.missing.push(...ids);
      else if (all.failure && one === malformed) found.malformed.push(...ids);
      else if (all.failure) return all;
      for (const e of all.ok ? list(all.ok) : []) if (e.id) found.vpcOf.set(e.id, e.vpcId ?? "");
      return { ok: found };
    }
    const each = await Promise.all(
      ids.map((id) => call<Record<string, unknown>>(action, describe([id]))),
    );
    for (const [i, r] of each.entries()) {
      const id = ids[i]!;
      if (r.ok) {
        for (const e of list(r.ok)) if (e.id) found.vpcOf.set(e.id, e.vpcId ?? "");
      } else if (r.failure.code === notFound) found.missing.push(id);
      else if (r.failure.code === malformed) found.malformed.push(id);
      else return r;
    }
    return { ok: found };
  };

  /** A finding for the subnets or the groups: all of the VPC's, else every wrong id named. */
  const members = (
    check: PreflightCheck,
    noun: string,
    ids: string[],
    r: Result<Owners>,
    hint: string,
  ): PreflightFinding => {
    const subject = ids.join(", ");
    if (r.failure) return unchecked(check, subject, `the ${noun}s ${subject}`, r.failure, paths);
    const wrong = [
      ...r.ok.malformed.map((id) => `${id} is not a ${noun} id`),
      ...r.ok.missing.map((id) => `${id} does not exist`),
      ...ids
        .filter((id) => r.ok.vpcOf.has(id) && r.ok.vpcOf.get(id) !== vpcId)
        .map((id) => `${id} is in ${r.ok.vpcOf.get(id)}, not ${vpcId}`),
    ];
    if (wrong.length === 0)
      return finding(check, subject, "ok", `the ${noun}s are in VPC ${vpcId}`);
    return finding(
      check,
      subject,
      "problem",
      `${noun}s of VPC ${vpcId}: ${wrong.join("; ")}`,
      hint,
    );
  };

  const dnsAttribute = (Attribute: "enableDnsHostnames" | "enableDnsSupport") =>
    call<{ EnableDnsHostnames?: { Value?: boolean }; EnableDnsSupport?: { Value?: boolean } }>(
      "ec2:DescribeVpcAttribute",
      new ec2.DescribeVpcAttributeCommand({ VpcId: vpcId, Attribute }),
    );

  try {
    const [exists, subnets, groups, hostnames, support] = await Promise.all([
      call<{ Vpcs?: { VpcId?: string }[] }>(
        "ec2:DescribeVpcs",
        new ec2.DescribeVpcsCommand({ VpcIds: [vpcId] }),
      ),
      owners(
        "ec2:DescribeSubnets",
        "InvalidSubnetID.NotFound",
        "InvalidSubnetID.Malformed",
        vpc.subnets,
        (SubnetIds) => new ec2.DescribeSubnetsCommand({ SubnetIds }),
        (out) =>
          ((out.Subnets ?? []) as { SubnetId?: string; VpcId?: string }[]).map((s) => ({
            id: s.SubnetId,
            vpcId: s.VpcId,
          })),
      ),
      owners(
        "ec2:DescribeSecurityGroups",
        "InvalidGroup.NotFound",
        "InvalidGroupId.Malformed",
        vpc.securityGroupIds,
        (GroupIds) => new ec2.DescribeSecurityGroupsCommand({ GroupIds }),
        (out) =>
          ((out.SecurityGroups ?? []) as { GroupId?: string; VpcId?: string }[]).map((g) => ({
            id: g.GroupId,
            vpcId: g.VpcId,
          })),
      ),
      dnsAttribute("enableDnsHostnames"),
      dnsAttribute("enableDnsSupport"),
    ]);
    const missingVpc = (r: Result<unknown>) =>
      r.failure?.code === "InvalidVpcID.NotFound" || r.failure?.code === "InvalidVpcID.Malformed";
    const notThere = `VPC ${vpcId} does not exist`;
    const vpcHint = `correct workforceVpcConfig.vpcId (VPCs of ${aws.region}: aws ec2 describe-vpcs --region ${aws.region})`;

    const findings: PreflightFinding[] = [];
    if (missingVpc(exists)) findings.push(finding("vpc", vpcId, "problem", notThere, vpcHint));
    else if (exists.failure)
      findings.push(unchecked("vpc", vpcId, `VPC ${vpcId}`, exists.failure, paths));
    else if (!exists.ok.Vpcs?.some((v) => v.VpcId === vpcId)) {
      findings.push(finding("vpc", vpcId, "problem", notThere, vpcHint));
    } else findings.push(finding("vpc", vpcId, "ok", `VPC ${vpcId} exists`));

    const listHint = (what: string, filter: string) =>
      `use ${what} of ${vpcId}: aws ec2 ${filter} --filters Name=vpc-id,Values=${vpcId}`;
    findings.push(
      members(
        "vpc-subnets",
        "subnet",
        vpc.subnets,
        subnets,
        listHint("subnets", "describe-subnets"),
      ),
      members(
        "vpc-security-groups",
        "security group",
        vpc.securityGroupIds,
        groups,
        listHint("security groups", "describe-security-groups"),
      ),
    );

    const dnsFailure = [hostnames, support].find((r) => r.failure && !missingVpc(r))?.failure;
    if (missingVpc(hostnames) || missingVpc(support)) {
      findings.push(
        finding(
          "vpc-dns",
          vpcId,
          "problem",
          `the DNS settings of VPC ${vpcId}: it does not exist`,
          vpcHint,
        ),
      );
    } else if (dnsFailure) {
      findings.push(
        unchecked("vpc-dns", vpcId, `the DNS settings of VPC ${vpcId}`, dnsFailure, paths),
      );
    } else {
      const off = [
        hostnames.ok?.EnableDnsHostnames?.Value !== true && [
          "DNS hostnames",
          "--enable-dns-hostnames",
        ],
        support.ok?.EnableDnsSupport?.Value !== true && ["DNS resolution", "--enable-dns-support"],
      ].filter((o): o is string[] => Array.isArray(o));
      findings.push(
        off.length === 0
          ? finding(
              "vpc-dns",
              vpcId,
              "ok",
              `VPC ${vpcId} has DNS hostnames and DNS resolution enabled`,
            )
          : finding(
              "vpc-dns",
              vpcId,
              "problem",
              `VPC ${vpcId} has ${off.map(([what]) => what).join(" and ")} disabled: the worker portal's VPC endpoint needs both`,
              off
                .map(
                  ([, flag]) =>
                    `aws ec2 modify-vpc-attribute --vpc-id ${vpcId} ${flag} '{"Value":true}'`,
                )
                .join(" && "),
            ),
      );
    }
    return findings;
  } finally {
    client.destroy();
  }
}

// ---------------------------------------------------------------- Cognito

async function checkCognito(refs: CognitoRefs, aws: AwsAccess): Promise<PreflightFinding[]> {
  const cognito = await import("./sdk/cognito.ts");
  const client = new cognito.CognitoIdentityProviderClient(clientConfig(aws));
  const call = caller(client, COGNITO, aws);
  const split = (key: string) => {
    const i = key.indexOf("/");
    return [key.slice(0, i), key.slice(i + 1)] as const;
  };
  try {
    const [pools, clients, groups] = await Promise.all([
      Promise.all(
        [...refs.pools.keys()].map((UserPoolId) =>
          call("cognito-idp:DescribeUserPool", new cognito.DescribeUserPoolCommand({ UserPoolId })),
        ),
      ),
      Promise.all(
        [...refs.clients.keys()]
          .map(split)
          .map(([UserPoolId, ClientId]) =>
            call(
              "cognito-idp:DescribeUserPoolClient",
              new cognito.DescribeUserPoolClientCommand({ UserPoolId, ClientId }),
            ),
          ),
      ),
      Promise.all(
        [...refs.groups.keys()]
          .map(split)
          .map(([UserPoolId, GroupName]) =>
            call("cognito-idp:GetGroup", new cognito.GetGroupCommand({ UserPoolId, GroupName })),
          ),
      ),
    ]);
    const poolIds = [...refs.pools.keys()];
    /** A pool the spec names that Cognito says does not exist (or is no pool id). */
    const gone = new Set(
      poolIds.filter((_, i) => {
        const code = pools[i]!.failure?.code;
        return code === "ResourceNotFoundException" || code === "InvalidParameterException";
      }),
    );
    const judge = (
      check: PreflightCheck,
      key: string,
      paths: string[],
      r: Result<unknown>,
      what: string,
      pool: string,
      hint: string,
    ): PreflightFinding => {
      const base = { check, subject: key, paths };
      if (!r.failure) return { ...base, outcome: "ok", message: `${what} exists` };
      const { code, kind } = r.failure;
      if (check !== "cognito-user-pool" && gone.has(pool)) {
        return {
          ...base,
          outcome: "problem",
          message: `${what}: user pool ${pool} does not exist`,
          hint,
        };
      }
      if (code === "ResourceNotFoundException") {
        return { ...base, outcome: "problem", message: `${what} does not exist`, hint };
      }
      if (kind === "service" && code === "InvalidParameterException") {
        return { ...base, outcome: "problem", message: `${what} is not valid (${code})`, hint };
      }
      return unchecked(check, key, what, r.failure, paths);
    };
    const listed = (region: string) => `in ${region}`;
    return [
      ...poolIds.map((id, i) =>
        judge(
          "cognito-user-pool",
          id,
          refs.pools.get(id)!,
          pools[i]!,
          `Cognito user pool ${id}`,
          id,
          `correct userPool: the pools ${listed(aws.region)}: aws cognito-idp list-user-pools --max-results 60 --region ${aws.region}`,
        ),
      ),
      ...[...refs.clients].map(([key, paths], i) => {
        const [pool, id] = split(key);
        return judge(
          "cognito-app-client",
          key,
          paths,
          clients[i]!,
          `app client ${id} of user pool ${pool}`,
          pool,
          `correct clientId: the pool's app clients: aws cognito-idp list-user-pool-clients --user-pool-id ${pool}`,
        );
      }),
      ...[...refs.groups].map(([key, paths], i) => {
        const [pool, name] = split(key);
        return judge(
          "cognito-user-group",
          key,
          paths,
          groups[i]!,
          `user group ${name} of user pool ${pool}`,
          pool,
          `create it (aws cognito-idp create-group --user-pool-id ${pool} --group-name ${name}) or correct userGroup`,
        );
      }),
    ];
  } finally {
    client.destroy();
  }
}
