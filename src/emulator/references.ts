/**
 * The reads of other services that wfplan's preflight checks make, served on the emulator's port
 * beside SageMaker, each in its service's own protocol so that the real SDK clients parse them:
 *
 * - SNS `GetTopicAttributes`: awsQuery (a form-urlencoded POST, `Action=…&Version=2010-03-31`),
 *   XML answers, `ErrorResponse/Error/{Type,Code,Message}` errors (`NotFound`, 404).
 * - EC2 `DescribeVpcs`, `DescribeSubnets`, `DescribeSecurityGroups`, `DescribeVpcAttribute`:
 *   ec2Query (`Version=2016-11-15`), XML in EC2's namespace, `Response/Errors/Error/{Code,Message}`
 *   errors (`InvalidVpcID.NotFound`, `InvalidSubnetID.NotFound`, `InvalidGroup.NotFound`, and
 *   `….Malformed` for an id that is not one).
 * - Cognito `DescribeUserPool`, `DescribeUserPoolClient`, `GetGroup`: AWS JSON 1.1
 *   (`X-Amz-Target: AWSCognitoIdentityProviderService.<Op>`), `ResourceNotFoundException`, and
 *   `InvalidParameterException` for input the model's patterns refuse.
 *
 * Any other action is the service's unknown-operation error (`InvalidAction`,
 * `UnknownOperationException`). The fault `referenceReads` answers every one of these reads with
 * the service's unknown-operation or access-denied error, as an endpoint that does not serve them
 * or a role without the permission would. The state is `EmulatorState.references` (state.ts),
 * seeded through the state file, `POST /_emulator/references` or `Emulator.seedReferences`.
 * Each entry belongs to one account (a topic to its ARN's, others to their `account`, else the
 * default account), and a caller sees only its own account's: another account's topic is refused
 * as SNS refuses a topic whose policy does not let the caller in (`AuthorizationError`).
 */
import { randomUUID } from "node:crypto";
import { signatureProblem } from "./errors.ts";
import type { References } from "./state.ts";

export type ReferenceService = "sns" | "ec2" | "cognito-idp";

/** How the reads answer when a fault says they cannot be served (server.ts `Faults`). */
export type ReferenceFault = "UnknownOperation" | "AccessDenied";

export interface ReferenceRequest {
  service: ReferenceService;
  region: string;
  /** The Authorization header ("" when unsigned). */
  auth: string;
  /** The X-Amz-Target header (JSON protocol) ("" when absent). */
  target: string;
  contentType: string;
  body: string;
}

export interface ReferenceContext {
  references: References;
  /** The caller's account. */
  accountId: string;
  /** The caller's identity, for access-denied messages; `…:user/emulator` of its account if absent. */
  callerArn?: string;
  /** The account of entries that do not name one; the caller's account if absent. */
  defaultAccount?: string;
  /** The caller's key is one AssumeRole issued, sent with the wrong session token or too late. */
  refused?: "invalid" | "expired";
  /** The region of entries that do not name one. */
  defaultRegion: string;
  fault?: ReferenceFault;
}

/** An answer on the wire, for server.ts to send and record. */
export interface ReferenceAnswer {
  operation: string;
  status: number;
  contentType: string;
  body: string;
  errorType?: string;
}

const SNS_VERSION = "2010-03-31";
const EC2_VERSION = "2016-11-15";
const COGNITO_TARGET = "AWSCognitoIdentityProviderService.";
const JSON_11 = "application/x-amz-json-1.1";
const FORM = "application/x-www-form-urlencoded";

/** The service a request that is not SageMaker's is for: its signature's scope, else its shape. */
export function referenceServiceOf(
  scopeService: string | undefined,
  target: string,
  contentType: string,
  body: string,
): ReferenceService | undefined {
  if (target.startsWith(COGNITO_TARGET)) return "cognito-idp";
  if (target.startsWith("SageMaker.") || scopeService === "sagemaker") return undefined;
  if (scopeService === "sns" || scopeService === "ec2" || scopeService === "cognito-idp") {
    return scopeService;
  }
  if (!contentType.startsWith(FORM)) return undefined;
  const version = new URLSearchParams(body).get("Version");
  return version === SNS_VERSION ? "sns" : version === EC2_VERSION ? "ec2" : undefined;
}

/** An error of one of these services: its code, message and HTTP status. */
class ServiceError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

type Params = URLSearchParams;
type Json = Record<string, unknown>;

export function answerReference(req: ReferenceRequest, ctx: ReferenceContext): ReferenceAnswer {
  const protocol = PROTOCOLS[req.service];
  let operation = "(none)";
  try {
    const unsigned = signatureProblem(req.auth);
    if (unsigned) throw new ServiceError(unsigned.code, unsigned.message, 403);
    if (ctx.refused) throw protocol.credentials(ctx.refused);
    const input = protocol.parse(req);
    operation = input.action || operation;
    // Own entries only: an action named after an Object method (toString) is no action.
    const handler = Object.hasOwn(protocol.handlers, input.action)
      ? protocol.handlers[input.action]
      : undefined;
    if (!handler || ctx.fault === "UnknownOperation") throw protocol.unknown(input.action);
    if (ctx.fault === "AccessDenied") throw protocol.denied(input.action, ctx);
    return {
      operation,
      status: 200,
      ...protocol.ok(input.action, handler(input.params, req, ctx)),
    };
  } catch (e) {
    if (!(e instanceof ServiceError)) throw e;
    return { operation, status: e.status, errorType: e.code, ...protocol.error(e) };
  }
}

// ---------------------------------------------------------------- the protocols

interface Protocol {
  parse(req: ReferenceRequest): { action: string; params: Params | Json };
  // biome-ignore lint/suspicious/noExplicitAny: each protocol's handlers take its own input shape
  handlers: Record<string, (input: any, req: ReferenceRequest, ctx: ReferenceContext) => string>;
  ok(action: string, payload: string): { contentType: string; body: string };
  error(e: ServiceError): { contentType: string; body: string };
  unknown(action: string): ServiceError;
  denied(action: string, ctx: ReferenceContext): ServiceError;
  /** The service's error for an issued key with the wrong session token, or an expired one. */
  credentials(refused: "invalid" | "expired"): ServiceError;
}

const INVALID_TOKEN = "The security token included in the request is invalid.";
const EXPIRED_TOKEN = "The security token included in the request is expired";

const XML = "text/xml";
const iamUser = (ctx: ReferenceContext) =>
  ctx.callerArn ?? `arn:aws:iam::${ctx.accountId}:user/emulator`;
/** An entry of the caller's account. */
const ours = (entry: { account?: string }, ctx: ReferenceContext) =>
  (entry.account ?? ctx.defaultAccount ?? ctx.accountId) === ctx.accountId;

function formOf(req: ReferenceRequest, version: string): { action: string; params: Params } {
  if (!req.contentType.startsWith(FORM)) {
    throw new ServiceError("InvalidParameterValue", `Content-Type must be ${FORM}.`);
  }
  const params = new URLSearchParams(req.body);
  if (params.get("Version") !== version) {
    throw new ServiceError(
      "InvalidParameterValue",
      `Version ${params.get("Version") ?? "(none)"} is not ${version}.`,
    );
  }
  return { action: params.get("Action") ?? "", params };
}

const SNS: Protocol = {
  parse: (req) => formOf(req, SNS_VERSION),
  handlers: { GetTopicAttributes: getTopicAttributes },
  ok: (action, payload) => ({
    contentType: XML,
    body: `<${action}Response xmlns="http://sns.amazonaws.com/doc/${SNS_VERSION}/"><${action}Result>${payload}</${action}Result><ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></${action}Response>`,
  }),
  error: (e) => ({
    contentType: XML,
    body: `<ErrorResponse xmlns="http://sns.amazonaws.com/doc/${SNS_VERSION}/"><Error><Type>${e.status >= 500 ? "Receiver" : "Sender"}</Type><Code>${x(e.code)}</Code><Message>${x(e.message)}</Message></Error><RequestId>${randomUUID()}</RequestId></ErrorResponse>`,
  }),
  unknown: (action) =>
    new ServiceError(
      "InvalidAction",
      `Could not find operation ${action} for version ${SNS_VERSION}`,
    ),
  denied: (action, ctx) =>
    new ServiceError(
      "AuthorizationError",
      `User: ${iamUser(ctx)} is not authorized to perform: SNS:${action} because no identity-based policy allows the SNS:${action} action`,
      403,
    ),
  credentials: (refused) =>
    refused === "invalid"
      ? new ServiceError("InvalidClientTokenId", INVALID_TOKEN, 403)
      : new ServiceError("ExpiredToken", EXPIRED_TOKEN, 403),
};

const EC2: Protocol = {
  parse: (req) => formOf(req, EC2_VERSION),
  handlers: {
    DescribeVpcs: describeVpcs,
    DescribeSubnets: describeSubnets,
    DescribeSecurityGroups: describeSecurityGroups,
    DescribeVpcAttribute: describeVpcAttribute,
  },
  ok: (action, payload) => ({
    contentType: "text/xml;charset=UTF-8",
    body: `<?xml version="1.0" encoding="UTF-8"?>\n<${action}Response xmlns="http://ec2.amazonaws.com/doc/${EC2_VERSION}/"><requestId>${randomUUID()}</requestId>${payload}</${action}Response>`,
  }),
  error: (e) => ({
    contentType: "text/xml;charset=UTF-8",
    body: `<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>${x(e.code)}</Code><Message>${x(e.message)}</Message></Error></Errors><RequestID>${randomUUID()}</RequestID></Response>`,
  }),
  unknown: (action) =>
    new ServiceError("InvalidAction", `The action ${action} is not valid for this web service.`),
  denied: (action, ctx) =>
    new ServiceError(
      "UnauthorizedOperation",
      `You are not authorized to perform this operation. User: ${iamUser(ctx)} is not authorized to perform: ec2:${action} because no identity-based policy allows the ec2:${action} action`,
      403,
    ),
  credentials: (refused) =>
    refused === "invalid"
      ? new ServiceError(
          "AuthFailure",
          "AWS was not able to validate the provided access credentials",
          401,
        )
      : new ServiceError("RequestExpired", "Request has expired.", 400),
};

const COGNITO: Protocol = {
  parse(req) {
    const action = req.target.startsWith(COGNITO_TARGET)
      ? req.target.slice(COGNITO_TARGET.length)
      : "";
    if (req.contentType.split(";")[0]!.trim() !== JSON_11) {
      throw new ServiceError("SerializationException", `Content-Type must be ${JSON_11}.`);
    }
    try {
      const params = req.body ? JSON.parse(req.body) : {};
      if (typeof params !== "object" || params === null || Array.isArray(params)) throw params;
      return { action, params };
    } catch {
      throw new ServiceError("SerializationException", "The request body is not a JSON object.");
    }
  },
  handlers: {
    DescribeUserPool: describeUserPool,
    DescribeUserPoolClient: describeUserPoolClient,
    GetGroup: getGroup,
  },
  ok: (_action, payload) => ({ contentType: JSON_11, body: payload }),
  error: (e) => ({
    contentType: JSON_11,
    body: JSON.stringify({ __type: e.code, message: e.message }),
  }),
  unknown: (action) =>
    new ServiceError(
      "UnknownOperationException",
      `Unknown operation ${COGNITO_TARGET}${action || "(no X-Amz-Target)"}.`,
    ),
  denied: (action, ctx) =>
    new ServiceError(
      "AccessDeniedException",
      `User: ${iamUser(ctx)} is not authorized to perform: cognito-idp:${action} because no identity-based policy allows the cognito-idp:${action} action`,
    ),
  credentials: (refused) =>
    refused === "invalid"
      ? new ServiceError("UnrecognizedClientException", INVALID_TOKEN)
      : new ServiceError("ExpiredTokenException", EXPIRED_TOKEN),
};

const PROTOCOLS: Record<ReferenceService, Protocol> = {
  sns: SNS,
  ec2: EC2,
  "cognito-idp": COGNITO,
};

/** XML text: the five characters that XML reserves, escaped. */
export function x(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;" })[c]!,
  );
}

// ---------------------------------------------------------------- SNS

const TOPIC_ARN = /^arn:aws[a-z-]*:sns:([a-z0-9-]+):(\d{12}):([\w-]{1,256})$/;

/** The access policy SNS gives a new topic: its own account may publish, no service may. */
export function defaultTopicPolicy(arn: string, accountId: string): string {
  return JSON.stringify({
    Version: "2008-10-17",
    Id: "__default_policy_ID",
    Statement: [
      {
        Sid: "__default_statement_ID",
        Effect: "Allow",
        Principal: { AWS: "*" },
        Action: [
          "SNS:GetTopicAttributes",
          "SNS:SetTopicAttributes",
          "SNS:AddPermission",
          "SNS:RemovePermission",
          "SNS:DeleteTopic",
          "SNS:Subscribe",
          "SNS:ListSubscriptionsByTopic",
          "SNS:Publish",
        ],
        Resource: arn,
        Condition: { StringEquals: { "AWS:SourceOwner": accountId } },
      },
    ],
  });
}

/** A topic policy that lets SageMaker publish (what the Ground Truth documentation asks for). */
export function sagemakerTopicPolicy(arn: string): string {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "AllowSageMakerPublish",
        Effect: "Allow",
        Principal: { Service: "sagemaker.amazonaws.com" },
        Action: "sns:Publish",
        Resource: arn,
      },
    ],
  });
}

function getTopicAttributes(params: Params, req: ReferenceRequest, ctx: ReferenceContext): string {
  const arn = params.get("TopicArn");
  if (arn === null) {
    throw new ServiceError(
      "ValidationError",
      "1 validation error detected: Value null at 'topicArn' failed to satisfy constraint: Member must not be null",
    );
  }
  const m = TOPIC_ARN.exec(arn);
  // SNS serves the topics of the region it is called in: another region's ARN is not a parameter it takes.
  if (!m || m[1] !== req.region) {
    throw new ServiceError("InvalidParameter", "Invalid parameter: TopicArn");
  }
  if (m[2] !== ctx.accountId) {
    throw new ServiceError(
      "AuthorizationError",
      `User: ${iamUser(ctx)} is not authorized to perform: SNS:GetTopicAttributes on resource: ${arn} because no resource-based policy allows the SNS:GetTopicAttributes action`,
      403,
    );
  }
  const topic = ctx.references.topics.find((t) => t.arn === arn);
  if (!topic) throw new ServiceError("NotFound", "Topic does not exist", 404);
  const attributes: Record<string, string> = {
    Policy: topic.policy ?? defaultTopicPolicy(arn, m[2]!),
    Owner: m[2]!,
    SubscriptionsPending: "0",
    TopicArn: arn,
    EffectiveDeliveryPolicy:
      '{"http":{"defaultHealthyRetryPolicy":{"minDelayTarget":20,"maxDelayTarget":20,"numRetries":3,"numMaxDelayRetries":0,"numNoDelayRetries":0,"numMinDelayRetries":0,"backoffFunction":"linear"},"disableSubscriptionOverrides":false,"defaultRequestPolicy":{"headerContentType":"text/plain; charset=UTF-8"}}}',
    SubscriptionsConfirmed: "0",
    DisplayName: "",
    SubscriptionsDeleted: "0",
  };
  const entries = Object.entries(attributes)
    .map(([k, v]) => `<entry><key>${x(k)}</key><value>${x(v)}</value></entry>`)
    .join("");
  return `<Attributes>${entries}</Attributes>`;
}

// ---------------------------------------------------------------- EC2

/** EC2's list parameters: `SubnetId.1=…&SubnetId.2=…`. */
function listParam(params: Params, name: string): string[] {
  const out: string[] = [];
  for (let i = 1; params.has(`${name}.${i}`); i++) out.push(params.get(`${name}.${i}`)!);
  return out;
}

/** `Filter.N.Name` / `Filter.N.Value.M`, as name → allowed values. */
function filtersOf(params: Params, known: string[]): Map<string, string[]> {
  const filters = new Map<string, string[]>();
  for (let i = 1; params.has(`Filter.${i}.Name`); i++) {
    const name = params.get(`Filter.${i}.Name`)!;
    if (!known.includes(name)) {
      throw new ServiceError("InvalidParameterValue", `The filter '${name}' is invalid`);
    }
    filters.set(name, listParam(params, `Filter.${i}.Value`));
  }
  return filters;
}

interface IdKind {
  prefix: string;
  malformed: string;
  notFound: string;
  /** "The vpc ID 'vpc-1' does not exist", as EC2 words it. */
  noun: string;
}

const VPC_ID: IdKind = {
  prefix: "vpc",
  malformed: "InvalidVpcID.Malformed",
  notFound: "InvalidVpcID.NotFound",
  noun: "vpc ID",
};
const SUBNET_ID: IdKind = {
  prefix: "subnet",
  malformed: "InvalidSubnetID.Malformed",
  notFound: "InvalidSubnetID.NotFound",
  noun: "subnet ID",
};
const GROUP_ID: IdKind = {
  prefix: "sg",
  malformed: "InvalidGroupId.Malformed",
  notFound: "InvalidGroup.NotFound",
  noun: "security group",
};

/**
 * The entries of one kind in the caller's region: those the ids name (every id must exist, as EC2
 * insists when ids are given), else all; then narrowed by the filters.
 */
function select<T extends { id: string; region?: string; account?: string }>(
  all: T[],
  ids: string[],
  kind: IdKind,
  filters: Map<string, (entry: T) => string>,
  params: Params,
  req: ReferenceRequest,
  ctx: ReferenceContext,
): T[] {
  const pattern = new RegExp(`^${kind.prefix}-[0-9a-f]+$`);
  const bad = ids.find((id) => !pattern.test(id));
  if (bad !== undefined) {
    throw new ServiceError(kind.malformed, `Invalid id: "${bad}" (expecting "${kind.prefix}-...")`);
  }
  const here = all.filter((e) => (e.region ?? ctx.defaultRegion) === req.region && ours(e, ctx));
  const missing = ids.filter((id) => !here.some((e) => e.id === id));
  if (missing.length > 0) {
    const one = missing.length === 1;
    throw new ServiceError(
      kind.notFound,
      `The ${kind.noun}${one ? "" : "s"} '${missing.join(", ")}' ${one ? "does" : "do"} not exist`,
    );
  }
  const wanted = filtersOf(params, [...filters.keys()]);
  return here.filter(
    (e) =>
      (ids.length === 0 || ids.includes(e.id)) &&
      [...wanted].every(([name, values]) => values.includes(filters.get(name)!(e))),
  );
}

function describeVpcs(params: Params, req: ReferenceRequest, ctx: ReferenceContext): string {
  const vpcs = select(
    ctx.references.vpcs,
    listParam(params, "VpcId"),
    VPC_ID,
    new Map([["vpc-id", (v) => v.id]]),
    params,
    req,
    ctx,
  );
  const items = vpcs.map(
    (v) =>
      `<item><vpcId>${x(v.id)}</vpcId><ownerId>${ctx.accountId}</ownerId><state>available</state><cidrBlock>10.0.0.0/16</cidrBlock><dhcpOptionsId>dopt-0emulator</dhcpOptionsId><instanceTenancy>default</instanceTenancy><isDefault>false</isDefault></item>`,
  );
  return `<vpcSet>${items.join("")}</vpcSet>`;
}

function describeSubnets(params: Params, req: ReferenceRequest, ctx: ReferenceContext): string {
  const subnets = select(
    ctx.references.subnets,
    listParam(params, "SubnetId"),
    SUBNET_ID,
    new Map([
      ["subnet-id", (s) => s.id],
      ["vpc-id", (s) => s.vpcId],
    ]),
    params,
    req,
    ctx,
  );
  const items = subnets.map(
    (s) =>
      `<item><subnetId>${x(s.id)}</subnetId><subnetArn>arn:aws:ec2:${req.region}:${ctx.accountId}:subnet/${x(s.id)}</subnetArn><state>available</state><ownerId>${ctx.accountId}</ownerId><vpcId>${x(s.vpcId)}</vpcId><cidrBlock>10.0.0.0/24</cidrBlock><availableIpAddressCount>251</availableIpAddressCount><availabilityZone>${req.region}a</availabilityZone><defaultForAz>false</defaultForAz><mapPublicIpOnLaunch>false</mapPublicIpOnLaunch></item>`,
  );
  return `<subnetSet>${items.join("")}</subnetSet>`;
}

function describeSecurityGroups(
  params: Params,
  req: ReferenceRequest,
  ctx: ReferenceContext,
): string {
  const groups = select(
    ctx.references.securityGroups,
    listParam(params, "GroupId"),
    GROUP_ID,
    new Map([
      ["group-id", (g) => g.id],
      ["vpc-id", (g) => g.vpcId],
    ]),
    params,
    req,
    ctx,
  );
  const items = groups.map(
    (g) =>
      `<item><ownerId>${ctx.accountId}</ownerId><groupId>${x(g.id)}</groupId><groupName>${x(g.id)}</groupName><groupDescription>emulator</groupDescription><vpcId>${x(g.vpcId)}</vpcId><ipPermissions/><ipPermissionsEgress/></item>`,
  );
  return `<securityGroupInfo>${items.join("")}</securityGroupInfo>`;
}

const VPC_ATTRIBUTES = [
  "enableDnsSupport",
  "enableDnsHostnames",
  "enableNetworkAddressUsageMetrics",
];

function describeVpcAttribute(
  params: Params,
  req: ReferenceRequest,
  ctx: ReferenceContext,
): string {
  const id = params.get("VpcId");
  const attribute = params.get("Attribute");
  if (id === null) {
    throw new ServiceError("MissingParameter", "The request must contain the parameter vpcId");
  }
  if (attribute === null) {
    throw new ServiceError("MissingParameter", "The request must contain the parameter attribute");
  }
  if (!VPC_ATTRIBUTES.includes(attribute)) {
    throw new ServiceError(
      "InvalidParameterValue",
      `Value (${attribute}) for parameter attribute is invalid. Unknown attribute.`,
    );
  }
  const [vpc] = select(ctx.references.vpcs, [id], VPC_ID, new Map(), params, req, ctx);
  const on =
    attribute === "enableDnsSupport"
      ? (vpc!.dnsSupport ?? true)
      : attribute === "enableDnsHostnames"
        ? (vpc!.dnsHostnames ?? false)
        : false;
  return `<vpcId>${x(vpc!.id)}</vpcId><${attribute}><value>${on}</value></${attribute}>`;
}

// ---------------------------------------------------------------- Cognito

/** The model's constraints on the members these reads take (`sensitive` ones are not echoed). */
const COGNITO_MEMBERS: Record<string, { pattern: RegExp; max: number; sensitive?: boolean }> = {
  UserPoolId: { pattern: /^[\w-]+_[0-9a-zA-Z]+$/, max: 55 },
  ClientId: { pattern: /^[\w+]+$/, max: 128, sensitive: true },
  GroupName: { pattern: /^[\p{L}\p{M}\p{S}\p{N}\p{P}]+$/u, max: 128 },
};

/** The members, checked as the service checks them: "1 validation error detected: …". */
function cognitoInput(params: Json, names: string[]): Record<string, string> {
  const problems: string[] = [];
  const out: Record<string, string> = {};
  for (const name of names) {
    const rule = COGNITO_MEMBERS[name]!;
    const at = `'${name[0]!.toLowerCase()}${name.slice(1)}'`;
    const value = params[name];
    const shown = (v: string) => (rule.sensitive ? "" : ` '${v}'`);
    if (value === undefined || value === null) {
      problems.push(`Value null at ${at} failed to satisfy constraint: Member must not be null`);
    } else if (typeof value !== "string") {
      throw new ServiceError("SerializationException", `${name} must be a string.`);
    } else if (value.length < 1 || value.length > rule.max) {
      problems.push(
        `Value${shown(value)} at ${at} failed to satisfy constraint: Member must have length between 1 and ${rule.max}`,
      );
    } else if (!rule.pattern.test(value)) {
      problems.push(
        `Value${shown(value)} at ${at} failed to satisfy constraint: Member must satisfy regular expression pattern: ${rule.pattern.source.slice(1, -1)}`,
      );
    } else out[name] = value;
  }
  if (problems.length > 0) {
    const n = problems.length;
    throw new ServiceError(
      "InvalidParameterException",
      `${n} validation error${n === 1 ? "" : "s"} detected: ${problems.join("; ")}`,
    );
  }
  return out;
}

const COGNITO_DATE = 1_700_000_000;

/** The pool, when it is in the caller's region (a pool id starts with its region). */
function userPool(id: string, req: ReferenceRequest, ctx: ReferenceContext) {
  const pool = ctx.references.userPools.find((p) => p.id === id && ours(p, ctx));
  if (!pool || !id.startsWith(`${req.region}_`)) {
    throw new ServiceError("ResourceNotFoundException", `User pool ${id} does not exist.`);
  }
  return pool;
}

function describeUserPool(params: Json, req: ReferenceRequest, ctx: ReferenceContext): string {
  const { UserPoolId: id } = cognitoInput(params, ["UserPoolId"]);
  const pool = userPool(id!, req, ctx);
  return JSON.stringify({
    UserPool: {
      Id: pool.id,
      Name: pool.id,
      Arn: `arn:aws:cognito-idp:${req.region}:${ctx.accountId}:userpool/${pool.id}`,
      CreationDate: COGNITO_DATE,
      LastModifiedDate: COGNITO_DATE,
      EstimatedNumberOfUsers: 0,
      MfaConfiguration: "OFF",
      DeletionProtection: "INACTIVE",
    },
  });
}

function describeUserPoolClient(
  params: Json,
  req: ReferenceRequest,
  ctx: ReferenceContext,
): string {
  const { UserPoolId: id, ClientId: clientId } = cognitoInput(params, ["UserPoolId", "ClientId"]);
  const pool = userPool(id!, req, ctx);
  if (!pool.clients?.includes(clientId!)) {
    throw new ServiceError(
      "ResourceNotFoundException",
      `User pool client ${clientId} does not exist.`,
    );
  }
  return JSON.stringify({
    UserPoolClient: {
      UserPoolId: pool.id,
      ClientName: clientId,
      ClientId: clientId,
      CreationDate: COGNITO_DATE,
      LastModifiedDate: COGNITO_DATE,
    },
  });
}

function getGroup(params: Json, req: ReferenceRequest, ctx: ReferenceContext): string {
  const { UserPoolId: id, GroupName: name } = cognitoInput(params, ["GroupName", "UserPoolId"]);
  const pool = userPool(id!, req, ctx);
  if (!pool.groups?.includes(name!)) {
    throw new ServiceError("ResourceNotFoundException", "Group not found.");
  }
  return JSON.stringify({
    Group: {
      GroupName: name,
      UserPoolId: pool.id,
      CreationDate: COGNITO_DATE,
      LastModifiedDate: COGNITO_DATE,
    },
  });
}

// ---------------------------------------------------------------- seeding

/**
 * `refs` added to `into`: each entry replaces the one with the same ARN or id, or is appended.
 * What `POST /_emulator/references` and `Emulator.seedReferences` do.
 */
export function mergeReferences(into: References, refs: Partial<References>): References {
  const merge = <T>(list: T[], more: T[] | undefined, key: (e: T) => string) => {
    for (const entry of more ?? []) {
      const i = list.findIndex((e) => key(e) === key(entry));
      if (i >= 0) list[i] = entry;
      else list.push(entry);
    }
  };
  merge(into.topics, refs.topics, (t) => t.arn);
  const where = (e: { account?: string; region?: string }) =>
    `${e.account ?? ""} ${e.region ?? ""}`;
  merge(into.vpcs, refs.vpcs, (v) => `${where(v)} ${v.id}`);
  merge(into.subnets, refs.subnets, (s) => `${where(s)} ${s.id}`);
  merge(into.securityGroups, refs.securityGroups, (g) => `${where(g)} ${g.id}`);
  merge(into.userPools, refs.userPools, (p) => `${p.account ?? ""} ${p.id}`);
  return into;
}
