/**
 * The workforce.yaml format, defined once. The validator (`specSchema.safeParse`) and the editor
 * JSON Schema (`jsonSchema()`, committed at schema/workforce.schema.json) both come from here.
 *
 * Field constraints are those of the public SageMaker service model
 * (../shared/api/sagemaker-workforce-model.json); the shape names in comments are the model's.
 * Each field's `description` doubles as the "allowed" hint of a validation error.
 */
import * as z from "zod";
import { CIDR_PATTERN } from "../values/cidr.ts";
import { DURATION_PATTERN } from "../values/duration.ts";
import { REGION_ALLOWED, REGION_PATTERN } from "../values/settings.ts";
import { SECRET_REF_PATTERN } from "./secret-ref.ts";

interface StringRule {
  min?: number;
  max?: number;
  pattern?: RegExp;
  /** What is allowed, in words: the field's description and the hint of its errors. */
  allowed: string;
}

/** A string field with the API's length and pattern rules; patterns match the whole value. */
function apiString({ min, max, pattern, allowed }: StringRule) {
  let s = z.string();
  if (min !== undefined) s = s.min(min);
  if (max !== undefined) s = s.max(max);
  if (pattern) s = s.regex(pattern);
  return s.meta({ description: allowed });
}

/** A YAML mapping whose keys are all known: anything else is an error with a "did you mean". */
function record<V extends z.ZodType>(key: z.ZodString, value: V, maxEntries: number, what: string) {
  return z
    .record(key, value)
    .refine((o) => Object.keys(o).length <= maxEntries, {
      message: `at most ${maxEntries} ${what} allowed`,
    })
    .meta({ maxProperties: maxEntries });
}

// Unicode-aware patterns from the model: letters, marks, symbols, numbers, punctuation.
const GROUP = /^[\p{L}\p{M}\p{S}\p{N}\p{P}]+$/u;
const TAG_CHARS = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;

const workforceName = apiString({
  min: 1,
  max: 63,
  pattern: /^[a-zA-Z0-9][a-zA-Z0-9-]{0,62}$/,
  allowed: "1-63 letters, digits and hyphens, starting with a letter or digit",
});
const workteamName = apiString({
  min: 1,
  max: 63,
  pattern: /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/,
  allowed: "1-63 letters, digits and hyphens, starting and ending with a letter or digit",
});
const clientId = apiString({
  min: 1,
  max: 1024,
  pattern: /^[ -~]+$/,
  allowed: "1-1024 printable ASCII characters",
});
const oidcEndpoint = apiString({
  max: 500,
  pattern: /^https:\/\/\S+$/,
  allowed: "an https:// URL without spaces, at most 500 characters",
});
const cognitoUserPool = apiString({
  min: 1,
  max: 55,
  pattern: /^[\w-]+_[0-9a-zA-Z]+$/,
  allowed: "a Cognito user pool id such as us-east-1_AbCdEf123 (at most 55 characters)",
});
const cognitoUserGroup = apiString({
  min: 1,
  max: 128,
  pattern: GROUP,
  allowed: "1-128 letters, marks, symbols, digits or punctuation (no spaces)",
});
const tagKey = apiString({
  min: 1,
  max: 128,
  pattern: TAG_CHARS,
  allowed: "1-128 letters, digits, spaces and _ . : / = + - @; not starting with aws:",
}).refine((k) => !k.toLowerCase().startsWith("aws:"), {
  message: 'tag keys starting with "aws:" are reserved for AWS',
});
const tagValue = apiString({
  max: 256,
  pattern: TAG_CHARS,
  allowed: "0-256 letters, digits, spaces and _ . : / = + - @",
});
const tags = record(tagKey, tagValue, 50, "tags").meta({
  description: "Tags as a key: value mapping, at most 50; sent when the resource is created",
});

const oidcConfig = z
  .strictObject({
    clientId,
    clientSecret: z
      .string()
      .regex(SECRET_REF_PATTERN, {
        message:
          "must be a reference, ${env:NAME} or ${file:PATH}: a literal secret would be committed with the file",
      })
      .meta({
        description:
          "A reference to the OIDC client secret: ${env:NAME} or ${file:PATH} (relative to this file). Resolved only when it must be sent; never printed or saved.",
        writeOnly: true,
      }),
    issuer: oidcEndpoint,
    authorizationEndpoint: oidcEndpoint,
    tokenEndpoint: oidcEndpoint,
    userInfoEndpoint: oidcEndpoint,
    logoutEndpoint: oidcEndpoint,
    jwksUri: oidcEndpoint,
    scope: apiString({
      max: 1024,
      pattern: /^[!#-[\]-~]+( [!#-[\]-~]+)*$/,
      allowed:
        'space-separated scopes of printable ASCII (no " or \\), such as "openid profile email"',
    })
      // Absent leaves the live scope as it is; null clears it.
      .nullable()
      .optional(),
    authenticationRequestExtraParams: record(
      apiString({ max: 512, allowed: "a parameter name of at most 512 characters" }),
      apiString({ max: 512, allowed: "a value of at most 512 characters" }),
      10,
      "extra parameters",
    )
      .optional()
      .meta({
        description: "Extra query parameters for the authorization request, at most 10",
      }),
  })
  .meta({ description: "The OIDC identity provider of the workforce" });

const cognitoConfig = z
  .strictObject({ userPool: cognitoUserPool, clientId })
  .meta({ description: "The Cognito user pool; fixed when the workforce is created" });

const sourceIpConfig = z
  .strictObject({
    cidrs: z
      .array(
        apiString({
          min: 4,
          max: 64,
          pattern: CIDR_PATTERN,
          allowed: "an IPv4 or IPv6 CIDR block such as 10.0.0.0/16 or 2001:db8::/32",
        }),
      )
      .max(10)
      .meta({
        description: "0-10 IPv4 or IPv6 CIDR blocks that may reach the worker portal; [] = anyone",
      }),
  })
  .meta({ description: "Which addresses may reach the worker portal" });

const vpcConfig = z.strictObject({
  vpcId: apiString({
    max: 32,
    pattern: /^vpc-[0-9a-z]*$/,
    allowed: "a VPC id such as vpc-0abc123 (at most 32 characters)",
  }),
  securityGroupIds: z
    .array(
      apiString({
        max: 32,
        pattern: /^sg-[0-9a-z]*$/,
        allowed: "a security group id such as sg-0abc123 (at most 32 characters)",
      }),
    )
    .min(1)
    .max(5)
    .meta({ description: "1-5 security group ids" }),
  subnets: z
    .array(
      apiString({
        max: 32,
        pattern: /^subnet-[0-9a-z]*$/,
        allowed: "a subnet id such as subnet-0abc123 (at most 32 characters)",
      }),
    )
    .min(1)
    .max(16)
    .meta({ description: "1-16 subnet ids" }),
});
const workforceVpcConfig = vpcConfig
  .nullable()
  .meta({ description: "The VPC the worker portal is reached through; null detaches the VPC" });

const workforce = z
  .strictObject({
    name: workforceName,
    oidcConfig: oidcConfig.optional(),
    cognitoConfig: cognitoConfig.optional(),
    sourceIpConfig: sourceIpConfig.optional(),
    workforceVpcConfig: workforceVpcConfig.optional(),
    ipAddressType: z
      .enum(["ipv4", "dualstack"])
      .optional()
      .meta({ description: "ipv4 or dualstack (IPv4 and IPv6)" }),
    tags: tags.optional(),
  })
  .meta({ description: "The private workforce of this region" });

/**
 * A fleet target's overrides of the shared workforce: any of its fields, at any depth, with the
 * same rules, merged over the shared one (spec/merge.ts). What must be there (a whole oidcConfig,
 * a VPC's three ids) is checked on the merged workforce, in checks.ts.
 */
const workforceOverride = workforce
  .extend({
    oidcConfig: oidcConfig.partial().optional().meta({
      description: "Overrides of the shared oidcConfig, merged key by key (or a whole oidcConfig)",
    }),
    cognitoConfig: cognitoConfig.partial().optional().meta({
      description: "Overrides of the shared cognitoConfig, merged key by key",
    }),
    sourceIpConfig: sourceIpConfig.partial().optional().meta({
      description: "Overrides of the shared sourceIpConfig: cidrs replaces the shared list",
    }),
    workforceVpcConfig: vpcConfig.partial().nullable().optional().meta({
      description:
        "Overrides of the shared workforceVpcConfig, merged key by key (lists replace); null detaches the VPC in this target",
    }),
  })
  .partial()
  .meta({
    description:
      "This target's overrides of the shared workforce: any workforce field, merged over it key by key; lists and null replace",
  });

const memberDefinition = z
  .strictObject({
    oidcMemberDefinition: z
      .strictObject({
        groups: z
          .array(
            apiString({
              min: 1,
              max: 63,
              pattern: GROUP,
              allowed: "1-63 letters, marks, symbols, digits or punctuation (no spaces)",
            }),
          )
          .min(1)
          .max(10)
          .meta({ description: "1-10 identity provider groups" }),
      })
      .optional(),
    cognitoMemberDefinition: z
      .strictObject({ userPool: cognitoUserPool, userGroup: cognitoUserGroup, clientId })
      .optional(),
  })
  .meta({ description: "Exactly one of oidcMemberDefinition or cognitoMemberDefinition" });

const enabledOrDisabled = z.enum(["Enabled", "Disabled"]);

const workteam = z
  .strictObject({
    name: workteamName,
    description: apiString({ min: 1, max: 200, allowed: "1-200 characters" }),
    memberDefinitions: z
      .array(memberDefinition)
      .min(1)
      .max(10)
      .meta({ description: "1-10 member definitions, all OIDC or all Cognito" }),
    notificationConfiguration: z
      .strictObject({
        notificationTopicArn: apiString({
          pattern: /^arn:aws[a-z-]*:sns:[a-z0-9-]*:[0-9]{12}:[a-zA-Z0-9_.-]*$/,
          allowed: "an SNS topic ARN such as arn:aws:sns:us-east-1:123456789012:labeling",
        }),
      })
      .nullable()
      .optional()
      .meta({
        description:
          "The SNS topic for new and expiring work items; null removes it (absent = left as it is)",
      }),
    workerAccessConfiguration: z
      .strictObject({
        s3Presign: z.strictObject({
          iamPolicyConstraints: z.strictObject({
            sourceIp: enabledOrDisabled.optional(),
            vpcSourceIp: enabledOrDisabled.optional(),
          }),
        }),
      })
      .optional(),
    tags: tags.optional(),
  })
  .meta({ description: "A workteam of this workforce" });

/** What a fleet's rollout is when `policy.rollout` does not say (core/targets.ts applies them). */
export const ROLLOUT_DEFAULTS = { maxConcurrency: 4, canary: 1, failureTolerance: 0 } as const;

const rollout = z
  .strictObject({
    maxConcurrency: z
      .int()
      .min(1)
      .max(50)
      .optional()
      .meta({
        description: `How many targets apply works on at once: 1-50 (default ${ROLLOUT_DEFAULTS.maxConcurrency})`,
        default: ROLLOUT_DEFAULTS.maxConcurrency,
      }),
    canary: z
      .int()
      .min(0)
      .max(100)
      .optional()
      .meta({
        description: `The first N targets, in order, are applied and verified alone before the others: 0-100, at most the number of targets (default ${ROLLOUT_DEFAULTS.canary})`,
        default: ROLLOUT_DEFAULTS.canary,
      }),
    failureTolerance: z
      .int()
      .min(0)
      .optional()
      .meta({
        description: `Failed targets after which apply starts no new target: 0 or more (default ${ROLLOUT_DEFAULTS.failureTolerance})`,
        default: ROLLOUT_DEFAULTS.failureTolerance,
      }),
  })
  .meta({ description: "How apply goes through the targets of a fleet" });

const policy = z
  .strictObject({
    allowWorkteamDeletion: z.boolean().optional().meta({
      description: "May delete the workteams that block an OIDC update (they are backed up first)",
    }),
    restoreWorkteams: z.boolean().optional().meta({
      description: "Recreate deleted workteams afterwards, from the spec or else from the backup",
    }),
    pruneWorkteams: z
      .boolean()
      .optional()
      .meta({ description: "Delete live workteams that the spec does not declare" }),
    waitTimeout: z.string().regex(DURATION_PATTERN).optional().meta({
      description:
        "a duration such as 15m or 1h30m (1s to 24h): how long apply waits for the workforce to become Active",
    }),
    rollout: rollout.optional(),
  })
  .meta({ description: "What apply may do" });

const region = apiString({ pattern: REGION_PATTERN, allowed: REGION_ALLOWED });
const workteams = z.array(workteam).max(25);

/** An IAM role, the usual rule: the partition, a 12-digit account, an optional path, the name. */
const roleArn = apiString({
  max: 2048,
  pattern: /^arn:aws[a-z-]*:iam::[0-9]{12}:role\/(?:[\x21-\x7e]*\/)?[\w+=,.@-]{1,64}$/,
  allowed:
    "an IAM role ARN such as arn:aws:iam::123456789012:role/wfplan (a path allowed: role/ci/wfplan; the name is 1-64 letters, digits and _+=,.@-)",
});

const target = z
  .strictObject({
    region: region.meta({ description: `This target's region: ${REGION_ALLOWED}` }),
    roleArn: roleArn.optional(),
    workforce: workforceOverride.optional(),
    workteams: workteams.optional().meta({
      description:
        "This target's workteams, at most 25: they replace the shared workteams list for this target",
    }),
  })
  .meta({
    description:
      "A target: a region, and the role to assume there (else the credentials in use), with overrides of the shared spec",
  });

export const specSchema = z
  .strictObject({
    version: z.literal(1).meta({ description: "The spec format version: 1" }),
    region: region.optional(),
    workforce,
    workteams: workteams.optional().meta({
      description:
        "The workteams of this workforce, at most 25; absent = workteams are not managed",
    }),
    policy: policy.optional(),
    targets: z.array(target).min(1).max(100).optional().meta({
      description:
        "The regions (and accounts, by roleArn) to keep this workforce in, 1-100; absent = one target: region, else --region, else the AWS SDK's sources. Not with a top-level region.",
    }),
  })
  .meta({ title: "wfplan workforce spec" });

export type Spec = z.infer<typeof specSchema>;
export type WorkforceSpec = Spec["workforce"];
export type WorkteamSpec = NonNullable<Spec["workteams"]>[number];
export type OidcConfigSpec = NonNullable<WorkforceSpec["oidcConfig"]>;
export type PolicySpec = NonNullable<Spec["policy"]>;
export type TargetSpec = NonNullable<Spec["targets"]>[number];
export type RolloutSpec = NonNullable<PolicySpec["rollout"]>;

/** The shared workforce's own schema: checks.ts validates each target's merged workforce with it. */
export const workforceSchema = workforce;

/** The editor JSON Schema (draft 2020-12), generated from the same definitions as the validator. */
export function jsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(specSchema, { target: "draft-2020-12", io: "input" });
}

/** The schema at a spec path, or undefined where the path leaves the format. */
function schemaAt(path: readonly PropertyKey[]): z.ZodType | undefined {
  let node: z.ZodType | undefined = specSchema;
  for (const seg of path) {
    node = unwrap(node);
    if (node instanceof z.ZodObject) node = (node.shape as Record<string, z.ZodType>)[String(seg)];
    else if (node instanceof z.ZodArray) node = node.element as z.ZodType;
    else if (node instanceof z.ZodRecord) node = node.valueType as z.ZodType;
    else return undefined;
  }
  return node;
}

/** The keys allowed in the mapping at a spec path (for "did you mean" hints). */
export function keysAt(path: readonly PropertyKey[]): string[] {
  const node = unwrap(schemaAt(path));
  return node instanceof z.ZodObject ? Object.keys(node.shape) : [];
}

/** The description of the field at a spec path: what it allows, in words. */
export function descriptionAt(path: readonly PropertyKey[]): string | undefined {
  const node = schemaAt(path);
  return node?.description ?? unwrap(node)?.description;
}

/** Whether the field at a spec path may be null (`workforceVpcConfig: null` detaches the VPC). */
export function acceptsNull(path: readonly PropertyKey[]): boolean {
  return schemaAt(path)?.safeParse(null).success ?? false;
}

/**
 * What the keys of the mapping holding a spec path's last key allow, in words: the rule for a
 * record's keys (tags, extra parameters), not for its values.
 */
export function keyDescriptionAt(path: readonly PropertyKey[]): string | undefined {
  const node = unwrap(schemaAt(path.slice(0, -1)));
  if (!(node instanceof z.ZodRecord)) return undefined;
  const key = node.keyType as z.ZodType;
  return key.description ?? unwrap(key)?.description;
}

function unwrap(node: z.ZodType | undefined): z.ZodType | undefined {
  while (node instanceof z.ZodOptional || node instanceof z.ZodNullable) {
    node = node.unwrap() as z.ZodType;
  }
  return node;
}
