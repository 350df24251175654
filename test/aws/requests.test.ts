import { describe, expect, it } from "vitest";
import type { BackedUpWorkteam } from "../../src/apply/backup.ts";
import { workforceFromWire } from "../../src/aws/live.ts";
import { recreateWorkteamRequest, updateWorkteamRequest } from "../../src/aws/requests.ts";
import { loadSpecText } from "../../src/spec/load.ts";
import type { WorkteamSpec } from "../../src/spec/schema.ts";
import { spec, workteam, yaml } from "../builders.ts";

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
});

describe("UpdateWorkteam", () => {
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
      "an endpoint left behind: still attached",
      { VpcEndpointId: "vpce-1" },
      { vpcId: "", securityGroupIds: [], subnets: [], vpcEndpointId: "vpce-1" },
    ],
  ])("%s", (_name, vpc, expected) => {
    expect(
      workforceFromWire({ ...wf, WorkforceVpcConfig: vpc as never }).workforceVpcConfig,
    ).toEqual(expected);
  });
});
