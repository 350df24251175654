/**
 * Whether an SNS topic's access policy lets a service principal (SageMaker) publish to it: the
 * question behind the `sns-topic` preflight check. Pure, so that its rules are a table.
 *
 * It answers for the requests SageMaker makes, and leans towards "no" where a policy is unusual:
 * a wrong "no" costs a statement the user adds, a wrong "yes" costs notifications that never
 * arrive. What it does with each part of a statement:
 * - Effect: an applicable Deny wins over every Allow, as in IAM.
 * - Principal: `"*"`, `{"AWS": "*"}` and `{"Service": "sagemaker.amazonaws.com"}` (string or list)
 *   cover SageMaker. An Allow with `NotPrincipal` never counts; a Deny with it applies unless it
 *   covers SageMaker.
 * - Action: `sns:Publish`, `sns:*` or `*`, as a string or a list, case-insensitive, with `*` and
 *   `?` wildcards. An Allow with `NotAction` never counts; a Deny with it applies unless it
 *   covers sns:Publish.
 * - Resource: the topic's ARN, or a pattern with wildcards that matches it. The same for
 *   `NotResource` as for the others.
 * - Condition: an Allow that names SageMaker counts with any conditions: SageMaker's requests
 *   carry aws:SourceAccount and aws:SourceArn, the keys such statements are limited by. An Allow
 *   for everyone counts only when its conditions are on those keys: SNS's default policy lets
 *   everyone publish under `AWS:SourceOwner`, which a service's request does not meet. A Deny with
 *   conditions is taken not to apply (its conditions, such as `aws:SecureTransport`, are about
 *   other callers).
 */

export const SAGEMAKER = "sagemaker.amazonaws.com";

/**
 * Allowed, by which statement (its Sid, else its position: `#1`); or not, and why in words that
 * end a sentence ("SageMaker may not publish to …: <reason>").
 */
export type PublishVerdict = { allowed: true; by: string } | { allowed: false; reason: string };

const PUBLISH = "sns:Publish";

/** The condition keys a service principal's request carries (compared case-insensitively). */
const SERVICE_KEYS = new Set(["aws:sourceaccount", "aws:sourcearn"]);

type Statement = Record<string, unknown>;

export function allowsPublish(
  policyJson: string,
  topicArn: string,
  principal = SAGEMAKER,
): PublishVerdict {
  let policy: unknown;
  try {
    policy = JSON.parse(policyJson);
  } catch {
    return { allowed: false, reason: "its access policy is not valid JSON" };
  }
  const raw = isObject(policy) ? policy.Statement : undefined;
  const statements = (Array.isArray(raw) ? raw : raw === undefined ? [] : [raw]).filter(isObject);
  if (statements.length === 0)
    return { allowed: false, reason: "its access policy has no statements" };

  const label = (s: Statement, i: number) =>
    typeof s.Sid === "string" && s.Sid ? `"${s.Sid}"` : `#${i + 1}`;

  for (const [i, s] of statements.entries()) {
    if (s.Effect === "Deny" && s.Condition === undefined && denies(s, principal, topicArn)) {
      return { allowed: false, reason: `its statement ${label(s, i)} denies it` };
    }
  }

  let conditional: string | undefined;
  for (const [i, s] of statements.entries()) {
    if (s.Effect !== "Allow") continue;
    const who = principalCovers(s.Principal, principal);
    if (who === "no" || !anyMatches(s.Action, PUBLISH, true)) continue;
    if (!anyMatches(s.Resource, topicArn, false)) continue;
    const keys = conditionKeys(s.Condition);
    const others = keys.filter((k) => !SERVICE_KEYS.has(k.toLowerCase()));
    if (who === "named" || others.length === 0) return { allowed: true, by: label(s, i) };
    conditional ??= `its statement ${label(s, i)} lets everyone publish only under ${others.join(", ")}, which ${principal}'s requests do not carry`;
  }
  return {
    allowed: false,
    reason: conditional ?? `no statement lets ${principal} call sns:Publish on it`,
  };
}

/**
 * The statement SageMaker needs, for a hint (the Ground Truth documentation's own). Conditions
 * on aws:SourceAccount or aws:SourceArn may be added to it.
 */
export function publishStatement(topicArn: string, principal = SAGEMAKER): string {
  return JSON.stringify({
    Sid: "AllowSageMakerPublish",
    Effect: "Allow",
    Principal: { Service: principal },
    Action: "sns:Publish",
    Resource: topicArn,
  });
}

/** Whether a Deny statement reaches the principal's sns:Publish on the topic (its Not… forms too). */
function denies(s: Statement, principal: string, topicArn: string): boolean {
  const who =
    s.Principal !== undefined
      ? principalCovers(s.Principal, principal) !== "no"
      : s.NotPrincipal !== undefined && principalCovers(s.NotPrincipal, principal) === "no";
  const what =
    s.Action !== undefined
      ? anyMatches(s.Action, PUBLISH, true)
      : s.NotAction !== undefined && !anyMatches(s.NotAction, PUBLISH, true);
  const where =
    s.Resource !== undefined
      ? anyMatches(s.Resource, topicArn, false)
      : !anyMatches(s.NotResource, topicArn, false);
  return who && what && where;
}

function isObject(v: unknown): v is Statement {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** "named" when the principal block names the service, "everyone" for a wildcard, else "no". */
function principalCovers(block: unknown, service: string): "named" | "everyone" | "no" {
  if (block === "*") return "everyone";
  if (!isObject(block)) return "no";
  if (listOf(block.Service).includes(service)) return "named";
  return listOf(block.AWS).includes("*") ? "everyone" : "no";
}

/** Whether a string or list of patterns (`*` and `?` wildcards) matches the value. */
function anyMatches(patterns: unknown, value: string, ignoreCase: boolean): boolean {
  return listOf(patterns).some((p) => wildcard(p, ignoreCase).test(value));
}

function wildcard(pattern: string, ignoreCase: boolean): RegExp {
  const body = pattern
    .split("")
    .map((c) => (c === "*" ? ".*" : c === "?" ? "." : c.replace(/[.+^${}()|[\]\\]/g, "\\$&")))
    .join("");
  return new RegExp(`^${body}$`, ignoreCase ? "is" : "s");
}

function listOf(v: unknown): string[] {
  if (typeof v === "string") return [v];
  return Array.isArray(v) ? v.filter((e): e is string => typeof e === "string") : [];
}

/** The keys a Condition block tests (`{"StringEquals": {"aws:SourceAccount": "…"}}`). */
function conditionKeys(condition: unknown): string[] {
  if (condition === undefined) return [];
  // A condition that is not a block of operators is one nothing can meet.
  if (!isObject(condition)) return ["(a malformed condition)"];
  return Object.values(condition).flatMap((tests) =>
    isObject(tests) ? Object.keys(tests) : ["(a malformed condition)"],
  );
}
