import { describe, expect, it } from "vitest";
import { expectedState, stateDifferences } from "../../src/core/effective.ts";
import { plan } from "../../src/core/plan.ts";
import type { LiveState, WorkforceLive, WorkteamLive } from "../../src/core/types.ts";
import { loadSpecText } from "../../src/spec/load.ts";
import type { Spec } from "../../src/spec/schema.ts";
import { oidcConfig, spec as rawSpec, workteam, yaml } from "../builders.ts";

const spec = (o: Parameters<typeof rawSpec>[0] = {}): Spec =>
  loadSpecText(yaml(rawSpec(o)), "t.yaml").spec!;
const { clientSecret, ...oidc } = oidcConfig() as Record<string, string>;
const TOPIC = "arn:aws:sns:us-east-1:123456789012:t";

const workforce = (o: Partial<WorkforceLive> = {}): WorkforceLive => ({
  name: "labelers",
  arn: "arn:aws:sagemaker:us-east-1:123456789012:workforce/labelers",
  status: "Active",
  oidcConfig: oidc as unknown as WorkforceLive["oidcConfig"],
  sourceIpConfig: { cidrs: ["10.0.0.0/16"] },
  workforceVpcConfig: null,
  ipAddressType: "ipv4",
  ...o,
});
const team = (name: string, o: Partial<WorkteamLive> = {}): WorkteamLive => ({
  name,
  arn: `arn:aws:sagemaker:us-east-1:123456789012:workteam/private-crowd/${name}`,
  description: "Image annotators",
  memberDefinitions: [{ oidcMemberDefinition: { groups: [name] } }],
  ...o,
});
const live = (o: Partial<LiveState> = {}): LiveState => ({
  region: "us-east-1",
  workforce: workforce(),
  workteams: [],
  jobs: {},
  ...o,
});
const options = {
  allowWorkteamDeletion: true,
  restoreWorkteams: true,
  pruneWorkteams: false,
  rotateClientSecret: false,
};

describe("expected state and its differences (what verify checks)", () => {
  const s = spec({
    workforce: { oidcConfig: oidcConfig({ issuer: "https://new.example.com" }) },
    workteams: [workteam()],
  });
  const before = live({
    workteams: [
      team("annotators", {
        notificationConfiguration: { notificationTopicArn: TOPIC },
        tags: { team: "a" },
      }),
      team("legacy", { tags: {} }),
    ],
  });
  const p = plan(s, before, options);
  const expected = expectedState(s, before, p);

  it("keeps every unmanaged field of a recreated team and every field of the workforce", () => {
    expect(expected.workteams.get("annotators")).toEqual({
      description: "Image annotators",
      memberDefinitions: [{ oidcMemberDefinition: { groups: ["annotators"] } }],
      notificationConfiguration: { notificationTopicArn: TOPIC },
      tags: { team: "a" },
    });
    expect(expected.workforce.sourceIpConfig.cidrs).toEqual(["10.0.0.0/16"]);
    expect(expected.workforce.oidcConfig?.issuer).toBe("https://new.example.com");
  });

  it("finds nothing when the live state is as expected", () => {
    const after = [
      team("annotators", {
        notificationConfiguration: { notificationTopicArn: TOPIC },
        tags: { team: "a" },
      }),
      team("legacy", { tags: {} }),
    ];
    const wf = workforce({
      oidcConfig: { ...oidc, issuer: "https://new.example.com" } as WorkforceLive["oidcConfig"],
    });
    expect(stateDifferences(expected, wf, after)).toEqual([]);
  });

  it("names each field that is missing, different or extra, the status, and a missing team", () => {
    const lines = stateDifferences(
      expected,
      workforce({
        status: "Updating",
        workforceVpcConfig: { vpcId: "", securityGroupIds: [], subnets: [] },
      }),
      [team("annotators", { tags: { team: "b" } })],
    );
    expect(lines).toEqual([
      "the workforce is Updating, not Active",
      'workforce.oidcConfig.issuer: expected "https://new.example.com", found "https://idp.example.com"',
      'workforce.workforceVpcConfig.vpcId: expected (none), found ""',
      "workforce.workforceVpcConfig.securityGroupIds: expected (none), found []",
      "workforce.workforceVpcConfig.subnets: expected (none), found []",
      `workteams.annotators.notificationConfiguration: expected "${TOPIC}", found (none)`,
      'workteams.annotators.tags.team: expected "a", found "b"',
      "workteam legacy does not exist",
    ]);
  });

  it("says when a workteam the plan deletes is still there", () => {
    const pruning = spec({ workteams: [] });
    const l = live({ workteams: [team("old")] });
    const p = plan(pruning, l, { ...options, pruneWorkteams: true });
    expect(stateDifferences(expectedState(pruning, l, p), workforce(), [team("old")])).toEqual([
      "workteam old still exists, though the plan deletes it",
    ]);
  });

  it("says when the workforce is gone, or Failed", () => {
    expect(stateDifferences(expected, null, [])).toEqual(["the workforce does not exist"]);
    expect(
      stateDifferences(expected, workforce({ status: "Failed", failureReason: "bad" }), [])[0],
    ).toBe("the workforce is Failed (bad), not Active");
  });
});
