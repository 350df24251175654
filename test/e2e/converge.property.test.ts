/**
 * Property: for random live states and random specs, the planner never throws, and applying its
 * plan (when not blocked) to the emulator reaches a state whose new plan is empty.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CreateWorkforceCommand, CreateWorkteamCommand } from "@aws-sdk/client-sagemaker";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { executePlan } from "../../src/apply/execute.ts";
import { readJobs, readLive } from "../../src/aws/live.ts";
import { plan, workteamsToDelete } from "../../src/core/plan.ts";
import { loadSpecText } from "../../src/spec/load.ts";
import { oidcConfig, spec as rawSpec, workteam, yaml } from "../builders.ts";
import { emulator, OIDC, sdk } from "../helpers/emulator.ts";

const cidr = fc.constantFrom("10.0.0.0/16", "10.1.0.0/16", "2001:db8::/32", "192.168.0.0/24");
const team = fc.constantFrom("a", "b", "c");
const issuer = fc.constantFrom("https://idp.example.com", "https://other.example.com");

const liveArb = fc.record({
  cidrs: fc.uniqueArray(cidr, { maxLength: 3 }),
  issuer,
  ipv: fc.constantFrom("ipv4", "dualstack"),
  teams: fc.uniqueArray(fc.record({ name: team, group: fc.constantFrom("g1", "g2") }), {
    maxLength: 3,
    selector: (t) => t.name,
  }),
});
const specArb = fc.record({
  cidrs: fc.option(fc.uniqueArray(cidr, { maxLength: 3 }), { nil: undefined }),
  issuer,
  ipv: fc.option(fc.constantFrom("ipv4", "dualstack"), { nil: undefined }),
  teams: fc.option(
    fc.uniqueArray(
      fc.record({
        name: team,
        group: fc.constantFrom("g1", "g2"),
        description: fc.constantFrom("x", "y"),
      }),
      { maxLength: 3, selector: (t) => t.name },
    ),
    { nil: undefined },
  ),
  vpc: fc.option(
    fc.constantFrom(null, { vpcId: "vpc-1", securityGroupIds: ["sg-1"], subnets: ["subnet-1"] }),
    { nil: undefined },
  ),
  allow: fc.boolean(),
  prune: fc.boolean(),
  restore: fc.boolean(),
});

describe("plan, apply, plan again (property)", () => {
  it("converges to an empty plan from any live state", async () => {
    await fc.assert(
      fc.asyncProperty(liveArb, specArb, async (l, s) => {
        const emu = await emulator({ updateDelayMs: 0 });
        try {
          const client = sdk(emu);
          await client.send(
            new CreateWorkforceCommand({
              WorkforceName: "labelers",
              OidcConfig: { ...OIDC, ClientId: "0oa1example", Issuer: l.issuer },
              SourceIpConfig: { Cidrs: l.cidrs },
              IpAddressType: l.ipv as "ipv4",
            }),
          );
          for (const t of l.teams) {
            await client.send(
              new CreateWorkteamCommand({
                WorkteamName: t.name,
                Description: "x",
                MemberDefinitions: [{ OidcMemberDefinition: { Groups: [t.group] } }],
              }),
            );
          }
          const text = yaml(
            rawSpec({
              workforce: {
                oidcConfig: oidcConfig({ issuer: s.issuer }),
                ...(s.cidrs ? { sourceIpConfig: { cidrs: s.cidrs } } : {}),
                ...(s.ipv ? { ipAddressType: s.ipv } : {}),
                ...(s.vpc !== undefined ? { workforceVpcConfig: s.vpc } : {}),
              },
              ...(s.teams
                ? {
                    workteams: s.teams.map((t) =>
                      workteam({
                        name: t.name,
                        description: t.description,
                        memberDefinitions: [{ oidcMemberDefinition: { groups: [t.group] } }],
                      }),
                    ),
                  }
                : {}),
              policy: {
                allowWorkteamDeletion: s.allow,
                pruneWorkteams: s.prune,
                restoreWorkteams: s.restore,
              },
            }),
          );
          const loaded = loadSpecText(text, "p.yaml");
          expect(loaded.spec).toBeDefined();
          const theSpec = loaded.spec!;
          const options = {
            allowWorkteamDeletion: s.allow,
            pruneWorkteams: s.prune,
            restoreWorkteams: s.restore,
            rotateClientSecret: false,
          };
          const live = await readLive(client, "us-east-1", "labelers");
          let p = plan(theSpec, live, options);
          live.jobs = await readJobs(
            client,
            live.workteams.filter((t) => workteamsToDelete(p).includes(t.name)),
          );
          p = plan(theSpec, live, options);
          if (p.blockers.length > 0) return;
          const result = await executePlan({
            client,
            spec: theSpec,
            plan: p,
            options,
            region: "us-east-1",
            secret: () => "property-secret",
            waitTimeoutMs: 10_000,
            backupDir: mkdtempSync(join(tmpdir(), "wfplan-prop-")),
            interrupted: () => false,
            onEvent: () => {},
            sleep: () => new Promise((r) => setTimeout(r, 5)),
          });
          expect(result.remaining).toEqual([]);
          const after = plan(theSpec, await readLive(client, "us-east-1", "labelers"), options);
          expect(after.resources).toEqual([]);
        } finally {
          await emu.stop();
        }
      }),
      { numRuns: 100 },
    );
  }, 120_000);
});
