import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { SECRET_VARIABLE, specFromLive } from "../../src/core/import.ts";
import { plan, planOptions } from "../../src/core/plan.ts";
import type { LiveState } from "../../src/core/types.ts";
import { loadSpecText } from "../../src/spec/load.ts";
import { liveState, liveTeam, liveWorkforce } from "../builders.ts";

const TOPIC = "arn:aws:sns:us-east-1:123456789012:labeling";

describe("the spec of a live workforce", () => {
  it.each<[string, () => LiveState]>([
    ["a bare OIDC workforce", () => liveState()],
    [
      "an OIDC workforce with a scope, extra parameters, IP ranges and dual stack",
      () =>
        liveState({
          workforce: liveWorkforce({
            oidcConfig: {
              ...liveWorkforce().oidcConfig!,
              scope: "openid email",
              authenticationRequestExtraParams: { prompt: "login" },
            },
            sourceIpConfig: { cidrs: ["10.0.0.0/16", "2001:db8::/32"] },
            ipAddressType: "dualstack",
          }),
        }),
    ],
    [
      "a workforce in a VPC, with workteams that have topics, access rules and tags",
      () =>
        liveState({
          workforce: liveWorkforce({
            workforceVpcConfig: {
              vpcId: "vpc-0abc",
              securityGroupIds: ["sg-1"],
              subnets: ["subnet-1"],
            },
          }),
          workteams: [
            liveTeam("annotators", {
              notificationConfiguration: { notificationTopicArn: TOPIC },
              workerAccessConfiguration: {
                s3Presign: { iamPolicyConstraints: { sourceIp: "Enabled" } },
              },
              tags: { team: "ml", "aws:cloudformation:stack-name": "s" },
            }),
            liveTeam("reviewers", { tags: {} }),
          ],
        }),
    ],
  ])("%s: a valid spec that plans no changes", (_, make) => {
    const live = make();
    const text = stringify(specFromLive(live), { lineWidth: 0 });
    const loaded = loadSpecText(text, "imported.yaml");
    expect(loaded.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    const p = plan(loaded.spec!, live, planOptions(loaded.spec!));
    expect(p.resources).toEqual([]);
    expect(p.steps).toEqual([]);
  });

  it("reads the secret from the environment, keeps AWS's own tags out, and changes nothing by default", () => {
    const raw = specFromLive(
      liveState({
        workteams: [liveTeam("a", { tags: { "aws:x": "1", team: "a" } }), liveTeam("b")],
      }),
    ) as {
      workforce: { oidcConfig: { clientSecret: string } };
      workteams: Record<string, unknown>[];
      policy: Record<string, unknown>;
      region: string;
    };
    expect(raw.workforce.oidcConfig.clientSecret).toBe(`\${env:${SECRET_VARIABLE}}`);
    expect(SECRET_VARIABLE).toBe("WFPLAN_OIDC_CLIENT_SECRET");
    expect(raw.workteams[0]!.tags).toEqual({ team: "a" });
    expect(raw.workteams[1]).not.toHaveProperty("tags");
    expect(raw.region).toBe("us-east-1");
    expect(raw.policy).toEqual({
      allowWorkteamDeletion: false,
      restoreWorkteams: true,
      pruneWorkteams: false,
      waitTimeout: "15m",
    });
  });

  it("writes a Cognito workforce's user pool, and no OIDC config", () => {
    const raw = specFromLive(
      liveState({
        workforce: liveWorkforce({
          oidcConfig: undefined,
          cognitoConfig: { userPool: "us-east-1_abc", clientId: "client" },
        }),
      }),
    ) as { workforce: Record<string, unknown> };
    expect(raw.workforce.cognitoConfig).toEqual({ userPool: "us-east-1_abc", clientId: "client" });
    expect(raw.workforce).not.toHaveProperty("oidcConfig");
  });
});
