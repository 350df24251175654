import { describe, expect, it } from "vitest";
import type { BackedUpWorkteam } from "../../src/apply/backup.ts";
import { workforceFromWire } from "../../src/aws/live.ts";
import {
  createWorkforceRequest,
  createWorkteamRequest,
  recreateWorkteamRequest,
  updateWorkforceRequest,
  updateWorkteamRequest,
} from "../../src/aws/requests.ts";
import { loadSpecText } from "../../src/spec/load.ts";
import type { WorkteamSpec } from "../../src/spec/schema.ts";
import { spec, validSpec, workteam, yaml } from "../builders.ts";

const teamSpec = (o: Record<string, unknown> = {}): WorkteamSpec =>
  loadSpecText(yaml(spec({ workteams: [workteam(o)] })), "t.yaml").spec!.workteams![0]!;

const saved: BackedUpWorkteam = {
  workteam: {
    WorkteamName: "annotators",
    WorkteamArn: "arn:aws:sagemaker:us-east-1:123456789012:workteam/private-crowd/annotators",
    Description: "old",
    MemberDefinitions: [{ OidcMemberDefinition: { Groups: ["old"] } }],
    NotificationConfiguration: { NotificationTopicArn: "arn:aws:sns:us-east-1:123456789012:t" },
    WorkerAccessConfiguration: { S3Presign: { IamPolicyConstraints: { SourceIp: "Enabled" } } },
    ProductListingIds: [],
  },
  tags: [
    { Key: "team", Value: "ml" },
    { Key: "aws:cloudformation:stack-name", Value: "s" },
  ],
};

describe("CreateWorkteam for a workteam wfplan deleted", () => {
  it("is its backup whole when the spec does not declare it (but for AWS's own tags)", () => {
    expect(recreateWorkteamRequest(saved, undefined, "labelers")).toEqual({
      WorkteamName: "annotators",
      WorkforceName: "labelers",
      Description: "old",
      MemberDefinitions: [{ OidcMemberDefinition: { Groups: ["old"] } }],
      NotificationConfiguration: { NotificationTopicArn: "arn:aws:sns:us-east-1:123456789012:t" },
      WorkerAccessConfiguration: { S3Presign: { IamPolicyConstraints: { SourceIp: "Enabled" } } },
      Tags: [{ Key: "team", Value: "ml" }],
    });
  });

  it("takes what the spec declares, and the rest from the backup", () => {
    expect(recreateWorkteamRequest(saved, teamSpec(), "labelers")).toMatchObject({
      Description: "Image annotators",
      MemberDefinitions: [{ OidcMemberDefinition: { Groups: ["annotators"] } }],
      NotificationConfiguration: { NotificationTopicArn: "arn:aws:sns:us-east-1:123456789012:t" },
      WorkerAccessConfiguration: { S3Presign: { IamPolicyConstraints: { SourceIp: "Enabled" } } },
      Tags: [{ Key: "team", Value: "ml" }],
    });
    const cleared = recreateWorkteamRequest(
      saved,
      teamSpec({ notificationConfiguration: null, tags: {} }),
      "labelers",
    );
    expect(cleared.NotificationConfiguration).toBeUndefined();
    expect(cleared.Tags).toBeUndefined();
  });

  it("takes the spec's worker access configuration and tags over the backup's", () => {
    const team = teamSpec({
      workerAccessConfiguration: {
        s3Presign: { iamPolicyConstraints: { vpcSourceIp: "Enabled" } },
      },
      tags: { team: "vision" },
    });
    const req = recreateWorkteamRequest(saved, team, "w");
    expect(req.WorkerAccessConfiguration).toStrictEqual({
      S3Presign: { IamPolicyConstraints: { SourceIp: undefined, VpcSourceIp: "Enabled" } },
    });
    expect(req.Tags).toStrictEqual([{ Key: "team", Value: "vision" }]);
  });
});

describe("UpdateWorkteam", () => {
  const team = () =>
    teamSpec({
      notificationConfiguration: { notificationTopicArn: "arn:aws:sns:us-east-1:123456789012:t" },
      workerAccessConfiguration: { s3Presign: { iamPolicyConstraints: { sourceIp: "Enabled" } } },
    });
  it.each([
    ["nothing", [], {}],
    ["the description", ["description"], { Description: "Image annotators" }],
    [
      "the members",
      ["memberDefinitions"],
      { MemberDefinitions: [{ OidcMemberDefinition: { Groups: ["annotators"] } }] },
    ],
    [
      "the notification topic",
      ["notificationConfiguration"],
      {
        NotificationConfiguration: { NotificationTopicArn: "arn:aws:sns:us-east-1:123456789012:t" },
      },
    ],
    [
      "the worker access configuration",
      ["workerAccessConfiguration"],
      {
        WorkerAccessConfiguration: {
          S3Presign: { IamPolicyConstraints: { SourceIp: "Enabled", VpcSourceIp: undefined } },
        },
      },
    ],
  ])("sends only %s when only that differs", (_name, fields, expected) => {
    expect(updateWorkteamRequest(team(), fields)).toStrictEqual({
      WorkteamName: "annotators",
      ...expected,
    });
  });

  it("removes the notification topic with a configuration that has none", () => {
    expect(
      updateWorkteamRequest(teamSpec({ notificationConfiguration: null }), [
        "notificationConfiguration",
      ]),
    ).toEqual({ WorkteamName: "annotators", NotificationConfiguration: {} });
  });
});

describe("the live workforce's VPC", () => {
  const wf = { WorkforceName: "w", WorkforceArn: "arn:x" };
  it.each([
    ["none", undefined, null],
    ["an empty configuration", {}, null],
    [
      "a whole one",
      {
        VpcId: "vpc-1",
        SecurityGroupIds: ["sg-1"],
        Subnets: ["subnet-1"],
        VpcEndpointId: "vpce-1",
      },
      { vpcId: "vpc-1", securityGroupIds: ["sg-1"], subnets: ["subnet-1"] },
    ],
    [
      "only a VPC id: attached",
      { VpcId: "vpc-1" },
      { vpcId: "vpc-1", securityGroupIds: [], subnets: [] },
    ],
    [
      "only security groups: attached",
      { SecurityGroupIds: ["sg-1"] },
      { vpcId: "", securityGroupIds: ["sg-1"], subnets: [] },
    ],
    [
      "only subnets: attached",
      { Subnets: ["subnet-1"] },
      { vpcId: "", securityGroupIds: [], subnets: ["subnet-1"] },
    ],
    ["empty lists: none", { SecurityGroupIds: [], Subnets: [] }, null],
    [
      "an endpoint left behind: still attached",
      { VpcEndpointId: "vpce-1" },
      { vpcId: "", securityGroupIds: [], subnets: [], vpcEndpointId: "vpce-1" },
    ],
  ])("%s", (_name, vpc, expected) => {
    expect(
      workforceFromWire({ ...wf, WorkforceVpcConfig: vpc as never }).workforceVpcConfig,
    ).toStrictEqual(expected);
  });
});

const oidcSpec = (workforce: Record<string, unknown> = {}, rest: Record<string, unknown> = {}) =>
  validSpec({ workforce, ...rest });
const cognitoSpec = (rest: Record<string, unknown> = {}) =>
  validSpec({
    workforce: {
      oidcConfig: undefined,
      cognitoConfig: { userPool: "us-east-1_AbC123", clientId: "client1" },
    },
    ...rest,
  });
const VPC_SPEC = { vpcId: "vpc-1", securityGroupIds: ["sg-1"], subnets: ["subnet-1"] };
const VPC_WIRE = { VpcId: "vpc-1", SecurityGroupIds: ["sg-1"], Subnets: ["subnet-1"] };
const OIDC_WIRE = {
  ClientId: "0oa1example",
  ClientSecret: "s3cret",
  Issuer: "https://idp.example.com",
  AuthorizationEndpoint: "https://idp.example.com/oauth2/authorize",
  TokenEndpoint: "https://idp.example.com/oauth2/token",
  UserInfoEndpoint: "https://idp.example.com/oauth2/userinfo",
  LogoutEndpoint: "https://idp.example.com/logout",
  JwksUri: "https://idp.example.com/oauth2/keys",
  Scope: undefined,
  AuthenticationRequestExtraParams: undefined,
};

describe("CreateWorkforce", () => {
  it.each([
    [
      "an OIDC workforce with its secret, IP ranges and tags",
      () =>
        createWorkforceRequest(
          oidcSpec({
            sourceIpConfig: { cidrs: ["10.0.0.0/16"] },
            ipAddressType: "dualstack",
            tags: { team: "ml" },
          }),
          "s3cret",
        ),
      {
        WorkforceName: "labelers",
        OidcConfig: OIDC_WIRE,
        CognitoConfig: undefined,
        SourceIpConfig: { Cidrs: ["10.0.0.0/16"] },
        WorkforceVpcConfig: undefined,
        IpAddressType: "dualstack",
        Tags: [{ Key: "team", Value: "ml" }],
      },
    ],
    [
      "an OIDC workforce without the secret: no OidcConfig",
      () => createWorkforceRequest(oidcSpec({ workforceVpcConfig: VPC_SPEC }), undefined),
      {
        WorkforceName: "labelers",
        OidcConfig: undefined,
        CognitoConfig: undefined,
        SourceIpConfig: undefined,
        WorkforceVpcConfig: VPC_WIRE,
        IpAddressType: undefined,
        Tags: undefined,
      },
    ],
    [
      "a Cognito workforce, even with a secret at hand",
      () => createWorkforceRequest(cognitoSpec(), "s3cret"),
      {
        WorkforceName: "labelers",
        OidcConfig: undefined,
        CognitoConfig: { UserPool: "us-east-1_AbC123", ClientId: "client1" },
        SourceIpConfig: undefined,
        WorkforceVpcConfig: undefined,
        IpAddressType: undefined,
        Tags: undefined,
      },
    ],
  ])("%s", (_name, request, expected) => {
    expect(request()).toStrictEqual(expected);
  });
});

describe("UpdateWorkforce sends only the fields that differ", () => {
  const full = () =>
    oidcSpec({
      sourceIpConfig: { cidrs: [] },
      workforceVpcConfig: VPC_SPEC,
      ipAddressType: "dualstack",
    });
  it.each([
    ["nothing", () => updateWorkforceRequest(full(), [], "s3cret"), {}],
    [
      "the IP ranges",
      () => updateWorkforceRequest(full(), ["sourceIpConfig"], "s3cret"),
      { SourceIpConfig: { Cidrs: [] } },
    ],
    [
      "the OIDC config, with the secret",
      () => updateWorkforceRequest(full(), ["oidcConfig"], "s3cret"),
      { OidcConfig: OIDC_WIRE },
    ],
    [
      "not the OIDC config without the secret",
      () => updateWorkforceRequest(full(), ["oidcConfig"], undefined),
      {},
    ],
    [
      "the VPC",
      () => updateWorkforceRequest(full(), ["workforceVpcConfig"], "s3cret"),
      { WorkforceVpcConfig: VPC_WIRE },
    ],
    [
      "an empty VPC configuration to detach the VPC (null in the spec)",
      () =>
        updateWorkforceRequest(
          oidcSpec({ sourceIpConfig: { cidrs: [] }, workforceVpcConfig: null }),
          ["workforceVpcConfig"],
          "s3cret",
        ),
      { WorkforceVpcConfig: {} },
    ],
    [
      "the IP address type",
      () => updateWorkforceRequest(full(), ["ipAddressType"], "s3cret"),
      { IpAddressType: "dualstack" },
    ],
    [
      "no field the spec does not declare",
      () =>
        updateWorkforceRequest(
          oidcSpec(),
          ["sourceIpConfig", "workforceVpcConfig", "ipAddressType"],
          "s3cret",
        ),
      {},
    ],
    [
      "not the OIDC config of a Cognito workforce",
      () => updateWorkforceRequest(cognitoSpec(), ["oidcConfig"], "s3cret"),
      {},
    ],
  ])("%s", (_name, request, expected) => {
    expect(request()).toStrictEqual({ WorkforceName: "labelers", ...expected });
  });
});

describe("CreateWorkteam", () => {
  it("sends Cognito member definitions", () => {
    const members = [
      {
        cognitoMemberDefinition: {
          userPool: "us-east-1_AbC123",
          userGroup: "labelers",
          clientId: "client1",
        },
      },
    ];
    const team = cognitoSpec({ workteams: [workteam({ memberDefinitions: members })] })
      .workteams![0]!;
    expect(createWorkteamRequest(team, "labelers").MemberDefinitions).toStrictEqual([
      {
        CognitoMemberDefinition: {
          UserPool: "us-east-1_AbC123",
          UserGroup: "labelers",
          ClientId: "client1",
        },
      },
    ]);
  });
});
