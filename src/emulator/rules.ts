/**
 * The service's rules that the emulator enforces beyond the field constraints of the service model
 * (model.ts checks those: patterns, lengths, list sizes, enums, required members). Each rule names
 * the sentence of the reference it comes from and the error type the service answers with. This is
 * the one list: operations.ts refuses a request only through `refuse(rule, message)`, and
 * test/emulator/rules.test.ts breaks every rule here once.
 *
 * Where a reference is silent on what the service does, the emulator takes the stricter reading:
 * a test that passes only because the emulator is lenient proves nothing.
 */
import { ApiError } from "./errors.ts";

export interface ServiceRule {
  /** The error type the service answers with. */
  error: "ValidationException" | "ConflictException" | "ResourceInUse" | "ResourceLimitExceeded";
  /** The operations it applies to. */
  operations: string[];
  /** Where it comes from, in the reference's own words. */
  source: string;
}

const UPDATE_WORKFORCE = "UpdateWorkforce API reference";

export const RULES = {
  oidcNeedsNoWorkteams: {
    error: "ValidationException",
    operations: ["UpdateWorkforce"],
    source: `${UPDATE_WORKFORCE}: "You can only update your OIDC IdP configuration when there are no work teams associated with your workforce."`,
  },
  noSourceIpInVpc: {
    error: "ValidationException",
    operations: ["CreateWorkforce", "UpdateWorkforce"],
    source: `${UPDATE_WORKFORCE}: "Amazon SageMaker does not support Source Ip restriction for worker portals in VPC." Checked on the workforce as the request would leave it, whichever of the two fields comes second.`,
  },
  oidcOnlyForOidcWorkforces: {
    error: "ValidationException",
    operations: ["UpdateWorkforce"],
    source: `${UPDATE_WORKFORCE}: "Use OidcConfig to update the configuration of a workforce created using your own OIDC IdP."`,
  },
  busyWhileUpdating: {
    error: "ConflictException",
    operations: ["UpdateWorkforce", "CreateWorkteam"],
    source: `${UPDATE_WORKFORCE}, errors: "ConflictException: There was a conflict when you attempted to modify a SageMaker entity". Another update, or a new workteam, while the workforce is Initializing or Updating (the stricter reading for CreateWorkteam).`,
  },
  vpcConfigWhole: {
    error: "ValidationException",
    operations: ["CreateWorkforce", "UpdateWorkforce"],
    source: `Developer guide, "Using the SageMaker AWS API to manage a VPC config": a VPC configuration has VpcId, SecurityGroupIds and Subnets; "Update a VPC private workforce with an empty VPC configuration to remove VPC resources."`,
  },
  oneIdentityProvider: {
    error: "ValidationException",
    operations: ["CreateWorkforce"],
    source: `CreateWorkforce API reference, CognitoConfig: "Do not use OidcConfig if you specify values for CognitoConfig." A workforce has one of the two.`,
  },
  oneWorkforcePerRegion: {
    error: "ValidationException",
    operations: ["CreateWorkforce"],
    source: `Workforce object: "You can create one private work force in each AWS Region."`,
  },
  workforceDeleteNeedsNoWorkteams: {
    error: "ResourceInUse",
    operations: ["DeleteWorkforce"],
    source: `DeleteWorkforce API reference: "If you try to delete a workforce that contains one or more work teams, you will receive a ResourceInUse error."`,
  },
  maxWorkteams: {
    error: "ResourceLimitExceeded",
    operations: ["CreateWorkteam"],
    source: `Service quotas: at most 25 private workteams per account and region.`,
  },
  workteamNameTaken: {
    error: "ResourceInUse",
    operations: ["CreateWorkteam"],
    source: `CreateWorkteam API reference, errors: "ResourceInUse: Resource being accessed is in use."`,
  },
  oneMemberKind: {
    error: "ValidationException",
    operations: ["CreateWorkteam", "UpdateWorkteam"],
    source: `CreateWorkteam API reference, MemberDefinitions: "Do not provide input for both of these parameters in a single request." A team's members are all Cognito or all OIDC.`,
  },
  membersMatchIdentityProvider: {
    error: "ValidationException",
    operations: ["CreateWorkteam", "UpdateWorkteam"],
    source: `CreateWorkteam API reference, MemberDefinitions: "For private workforces created using Amazon Cognito use CognitoMemberDefinition. For workforces created using your own OIDC identity provider (IdP) use OidcMemberDefinition."`,
  },
  oidcMembersNeedGroups: {
    error: "ValidationException",
    operations: ["CreateWorkteam", "UpdateWorkteam"],
    source: `CreateWorkteam API reference, MemberDefinitions: "specify the user groups that you want to include in your private work team in OidcMemberDefinition by listing those groups in Groups" (the model: 1 to 10 groups).`,
  },
  cognitoMembersOfTheWorkforcePool: {
    error: "ValidationException",
    operations: ["CreateWorkteam", "UpdateWorkteam"],
    source: `CreateWorkteam API reference, MemberDefinitions: "private work teams correspond to Amazon Cognito user groups within the user pool used to create a workforce. All of the CognitoMemberDefinition objects that make up the member definition must have the same ClientId and UserPool values."`,
  },
  workteamInUse: {
    error: "ResourceInUse",
    operations: ["DeleteWorkteam"],
    source: `The stricter reading: a workteam whose labeling jobs still have work pending for humans (ListLabelingJobsForWorkteam) is not deleted.`,
  },
  workforceTagsAtCreationOnly: {
    error: "ValidationException",
    operations: ["ListTags", "AddTags", "DeleteTags"],
    source: `Observed of the service (issue 12): tags are sent with CreateWorkforce, and ListTags on a workforce ARN is refused; AddTags and DeleteTags are refused the same way here.`,
  },
  reservedTagPrefix: {
    error: "ValidationException",
    operations: ["CreateWorkforce", "CreateWorkteam", "AddTags", "DeleteTags"],
    source: `AWS tagging rules: tag keys that begin with "aws:" are reserved for AWS use and cannot be set or removed by users.`,
  },
  uniqueTagKeys: {
    error: "ValidationException",
    operations: ["CreateWorkforce", "CreateWorkteam", "AddTags"],
    source: `Tag object (SageMaker API reference): "Tag keys must be unique per resource."`,
  },
  maxTags: {
    error: "ValidationException",
    operations: ["AddTags"],
    source: `The service model's TagList (at most 50 tags), for the tags a resource holds after AddTags.`,
  },
} satisfies Record<string, ServiceRule>;

export type RuleName = keyof typeof RULES;

/** Errors any operation may answer with (the service's common errors). */
export const COMMON_ERRORS = new Set([
  "ValidationException",
  "ThrottlingException",
  "InternalFailure",
  "ServiceUnavailable",
  "AccessDeniedException",
  "MissingAuthenticationTokenException",
  "IncompleteSignatureException",
  "ExpiredTokenException",
  "UnrecognizedClientException",
  "SerializationException",
  "UnknownOperationException",
]);

/**
 * Where the emulator answers with an error the service model does not list for the operation:
 * each one the reference (or the stricter reading) calls for. README's emulator section lists
 * these; a test holds this list to the rules.
 */
export const DEVIATIONS: { operation: string; error: string; why: string }[] = [
  {
    operation: "DeleteWorkforce",
    error: "ResourceInUse",
    why: "the DeleteWorkforce reference names it for a workforce with work teams",
  },
  {
    operation: "CreateWorkteam",
    error: "ConflictException",
    why: "the stricter reading: no new work team while the workforce is Updating",
  },
  {
    operation: "DeleteWorkteam",
    error: "ResourceInUse",
    why: "the stricter reading: no deleting a work team with work pending for humans",
  },
];

/** The service's answer to a request that breaks `rule`. */
export function refuse(rule: RuleName, message: string): ApiError {
  return new ApiError(RULES[rule].error, message);
}
