/**
 * The preflight checks end to end: the built CLI against the emulator (SageMaker, and the SNS, EC2
 * and Cognito reads the checks make) and a local OpenID provider over https, trusted through
 * NODE_EXTRA_CA_CERTS as a private CA would be. Each check passes, fails as a blocker when the plan
 * sends the reference, fails as a warning when it does not, and cannot run.
 */
import { afterEach, describe, expect, it } from "vitest";
import { type OidcProvider, startOidcProvider } from "../../src/emulator/oidc.ts";
import type { Emulator } from "../../src/emulator/server.ts";
import { oidcConfig, type Raw, spec, yaml } from "../builders.ts";
import { STACK_LINE, tempFile, wfplanAsync } from "../helpers/cli.ts";
import { emulator, mutations, OIDC } from "../helpers/emulator.ts";

const SECRET = "preflight-secret-Jx4";

const providers: OidcProvider[] = [];
afterEach(async () => {
  await Promise.all(providers.splice(0).map((p) => p.stop()));
});

async function provider(): Promise<OidcProvider> {
  const p = await startOidcProvider({ path: "/oauth2/default" });
  providers.push(p);
  return p;
}

/** The spec's oidcConfig for a provider. */
const oidcOf = (p: OidcProvider) => oidcConfig({ ...p.oidcConfig });

/** The live workforce with the provider's endpoints (on the wire), as if applied before. */
function seedWith(emu: Emulator, p: OidcProvider, more: Raw = {}) {
  emu.invoke("CreateWorkforce", {
    WorkforceName: "labelers",
    OidcConfig: { ...OIDC, ...p.oidcWire },
    SourceIpConfig: { Cidrs: ["10.0.0.0/16"] },
    ...more,
  });
}

async function run(
  emu: Emulator,
  command: "plan" | "apply",
  value: Raw,
  { p, flags = [] }: { p?: OidcProvider; flags?: string[] } = {},
) {
  const file = tempFile("workforce.yaml", yaml({ region: "us-east-1", ...value }));
  const extra = command === "apply" ? ["--auto-approve"] : [];
  const r = await wfplanAsync(
    [command, "-f", file, "--endpoint-url", emu.url, "--preflight", ...extra, ...flags],
    {
      WFPLAN_OIDC_CLIENT_SECRET: SECRET,
      // The checks' own services (SNS, EC2, Cognito) are the emulator too.
      AWS_ENDPOINT_URL: emu.url,
      ...(p ? { NODE_EXTRA_CA_CERTS: p.caFile } : {}),
    },
  );
  expect(`${r.stdout}${r.stderr}`).not.toContain(SECRET);
  expect(r.stderr).not.toMatch(STACK_LINE);
  return { ...r, file };
}

const json = (stdout: string) => JSON.parse(stdout);

describe("preflight: the OIDC identity provider", () => {
  it("passes: both checks in the JSON plan and one line of text", async () => {
    const emu = await emulator();
    const p = await provider();
    const s = spec({ workforce: { oidcConfig: oidcOf(p) } });
    const doc = json((await run(emu, "plan", s, { p, flags: ["--format", "json"] })).stdout);
    expect(doc.preflight).toEqual([
      expect.objectContaining({ check: "oidc-discovery", subject: p.issuer, status: "pass" }),
      expect.objectContaining({
        check: "oidc-jwks",
        subject: p.oidcConfig.jwksUri,
        status: "pass",
      }),
    ]);
    expect(doc.blockers).toEqual([]);
    const text = await run(emu, "plan", s, { p });
    expect(text.stdout).toContain("Preflight: 2 checks passed (oidc-discovery, oidc-jwks).");
    expect(text.code).toBe(0);
  });

  it("fails as a blocker when the plan sends the config: apply changes nothing", async () => {
    const emu = await emulator();
    const p = await provider();
    p.serve({ document: { token_endpoint: "https://elsewhere.example.com/token" } });
    const s = spec({ workforce: { oidcConfig: oidcOf(p) } });
    const r = await run(emu, "plan", s, { p, flags: ["--detailed-exitcode"] });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("Blocked: this plan cannot be applied");
    expect(r.stdout).toContain("tokenEndpoint");
    expect(r.stdout).toContain("https://elsewhere.example.com/token");
    // Located at the spec's oidcConfig.
    expect(r.stdout).toMatch(/workforce\.yaml:\d+:\d+/);
    const before = emu.calls.length;
    const a = await run(emu, "apply", s, { p });
    expect(a.code).toBe(1);
    expect(mutations(emu, before)).toEqual([]);
    expect(emu.state().workforces).toEqual([]);
  });

  it("warns when the live workforce already uses it and the plan leaves it alone", async () => {
    const emu = await emulator();
    const p = await provider();
    seedWith(emu, p);
    p.serve({ document: { issuer: `${p.issuer}/` } });
    const s = spec({
      workforce: { oidcConfig: oidcOf(p), sourceIpConfig: { cidrs: ["10.0.0.0/8"] } },
    });
    const doc = json((await run(emu, "plan", s, { p, flags: ["--format", "json"] })).stdout);
    expect(doc.blockers).toEqual([]);
    const discovery = doc.preflight.find((r: Raw) => r.check === "oidc-discovery");
    expect(discovery.status).toBe("warn");
    expect(discovery.message).toContain("trailing slash");
    expect(doc.warnings.map((w: Raw) => w.message).join("\n")).toContain(
      "(the plan does not change it)",
    );
    // And apply goes ahead with the IP ranges.
    const a = await run(emu, "apply", s, { p });
    expect(a.code).toBe(0);
    expect(emu.state().workforces[0]?.SourceIpConfig.Cidrs).toEqual(["10.0.0.0/8"]);
  });

  it("an unreachable provider is a warning that the check could not run, even when sending", async () => {
    const emu = await emulator();
    const p = await provider();
    const s = spec({ workforce: { oidcConfig: oidcOf(p) } });
    await p.stop();
    const r = await run(emu, "plan", s, { p, flags: ["--format", "json"] });
    expect(r.code).toBe(0);
    const doc = json(r.stdout);
    expect(doc.blockers).toEqual([]);
    expect(doc.preflight.map((x: Raw) => x.status)).toEqual(["warn", "warn"]);
    expect(doc.preflight[0].message).toMatch(/^could not check/);
  });

  it("an untrusted certificate is a warning that names it, not a pass", async () => {
    const emu = await emulator();
    const p = await provider();
    const s = spec({ workforce: { oidcConfig: oidcOf(p) } });
    const r = await run(emu, "plan", s, { flags: ["--format", "json"] });
    const doc = json(r.stdout);
    expect(doc.preflight[0]).toMatchObject({ status: "warn" });
    expect(doc.preflight[0].message).toMatch(/certificate/);
  });

  it("--no-preflight skips them all and says so", async () => {
    const emu = await emulator();
    const p = await provider();
    const s = spec({ workforce: { oidcConfig: oidcOf(p) } });
    const before = p.requests.length;
    const r = await run(emu, "plan", s, { p, flags: ["--no-preflight"] });
    expect(r.stdout).toContain("Preflight: skipped (--no-preflight)");
    const doc = json(
      (await run(emu, "plan", s, { p, flags: ["--no-preflight", "--format", "json"] })).stdout,
    );
    expect(doc.preflight).toEqual([expect.objectContaining({ check: "all", status: "skipped" })]);
    expect(p.requests.length).toBe(before);
  });

  it("the markdown plan lists them", async () => {
    const emu = await emulator();
    const p = await provider();
    const s = spec({ workforce: { oidcConfig: oidcOf(p) } });
    const r = await run(emu, "plan", s, { p, flags: ["--format", "markdown"] });
    expect(r.stdout).toContain("Preflight: 2 checks passed");
  });
});

const TOPIC = "arn:aws:sns:us-east-1:123456789012:labeling-done";
const POOL = "us-east-1_AbCdEf123";
const CLIENT = "4abcdefghij1234567890klmno";
const NET = {
  vpcId: "vpc-0a1b2c",
  securityGroupIds: ["sg-0a1"],
  subnets: ["subnet-0a1", "subnet-0a2"],
};

/** The emulator with the references the specs below name, all as the checks want them. */
async function withReferences() {
  const emu = await emulator();
  const { sagemakerTopicPolicy } = await import("../../src/emulator/references.ts");
  emu.seedReferences({
    topics: [{ arn: TOPIC, policy: sagemakerTopicPolicy(TOPIC) }],
    vpcs: [
      { id: NET.vpcId, dnsSupport: true, dnsHostnames: true },
      { id: "vpc-0ffff", dnsSupport: true, dnsHostnames: true },
    ],
    subnets: [
      { id: "subnet-0a1", vpcId: NET.vpcId },
      { id: "subnet-0a2", vpcId: NET.vpcId },
      { id: "subnet-0f1", vpcId: "vpc-0ffff" },
    ],
    securityGroups: [{ id: "sg-0a1", vpcId: NET.vpcId }],
    userPools: [{ id: POOL, clients: [CLIENT], groups: ["annotators"] }],
  });
  return emu;
}

/** A Cognito workforce with a VPC and a team with a topic: every AWS check has something to read. */
const everything = (over: { team?: Raw; vpc?: Raw } = {}) =>
  spec({
    workforce: {
      oidcConfig: undefined,
      cognitoConfig: { userPool: POOL, clientId: CLIENT },
      workforceVpcConfig: { ...NET, ...over.vpc },
    },
    workteams: [
      {
        name: "annotators",
        description: "Image annotators",
        memberDefinitions: [
          {
            cognitoMemberDefinition: { userPool: POOL, userGroup: "annotators", clientId: CLIENT },
          },
        ],
        notificationConfiguration: { notificationTopicArn: TOPIC },
        ...over.team,
      },
    ],
  });

const statuses = (doc: { preflight: Raw[] }) =>
  Object.fromEntries(doc.preflight.map((r) => [r.check, r.status]));

describe("preflight: the AWS resources a spec names", () => {
  it("pass: the topic, the VPC, its subnets, groups and DNS, the user pool, client and group", async () => {
    const emu = await withReferences();
    const r = await run(emu, "plan", everything(), { flags: ["--format", "json"] });
    const doc = json(r.stdout);
    expect(statuses(doc)).toEqual({
      "sns-topic": "pass",
      vpc: "pass",
      "vpc-subnets": "pass",
      "vpc-security-groups": "pass",
      "vpc-dns": "pass",
      "cognito-user-pool": "pass",
      "cognito-app-client": "pass",
      "cognito-user-group": "pass",
    });
    expect(doc.blockers).toEqual([]);
    expect(doc.warnings).toEqual([]);
    expect(r.code).toBe(0);
  });

  it.each<[string, { team?: Raw; vpc?: Raw }, string, RegExp]>([
    [
      "a topic that does not exist",
      { team: { notificationConfiguration: { notificationTopicArn: `${TOPIC}-gone` } } },
      "sns-topic",
      /does not exist/,
    ],
    [
      "a subnet of another VPC",
      { vpc: { subnets: ["subnet-0a1", "subnet-0f1"] } },
      "vpc-subnets",
      /subnet-0f1/,
    ],
    [
      "a group in no user pool",
      {
        team: {
          memberDefinitions: [
            { cognitoMemberDefinition: { userPool: POOL, userGroup: "nobody", clientId: CLIENT } },
          ],
        },
      },
      "cognito-user-group",
      /nobody/,
    ],
  ])("fails as a blocker when the plan creates it: %s", async (_name, over, check, message) => {
    const emu = await withReferences();
    const r = await run(emu, "plan", everything(over), { flags: ["--format", "json"] });
    const doc = json(r.stdout);
    expect(statuses(doc)[check]).toBe("fail");
    const blocker = doc.blockers.find((b: Raw) => b.code === "preflight");
    expect(blocker.message).toMatch(message);
    expect(blocker.location).toMatch(/workforce\.yaml:\d+:\d+$/);
    expect(doc.steps).toEqual([]);
    expect(r.code).toBe(1);
  });

  it("a topic SageMaker may not publish to warns when the live team already uses it", async () => {
    const emu = await withReferences();
    emu.seedReferences({ topics: [{ arn: TOPIC }] }); // SNS's default policy: owner only
    const { stdout } = await run(emu, "apply", everything(), { flags: ["--no-preflight"] });
    expect(stdout).toContain("Verified");
    const again = json(
      (await run(emu, "plan", everything(), { flags: ["--format", "json"] })).stdout,
    );
    expect(statuses(again)["sns-topic"]).toBe("warn");
    expect(again.blockers).toEqual([]);
    expect(again.warnings.map((w: Raw) => w.message).join("\n")).toMatch(
      /sns-topic: .*\(the plan does not change it\)/,
    );
  });

  it.each(["UnknownOperation", "AccessDenied"] as const)(
    "every read answering %s: the plan completes, one clear warning per check",
    async (fault) => {
      const emu = await withReferences();
      emu.setFaults({ referenceReads: fault });
      const r = await run(emu, "plan", everything(), { flags: ["--format", "json"] });
      expect(r.code).toBe(0);
      const doc = json(r.stdout);
      expect(doc.blockers).toEqual([]);
      expect(doc.preflight).toHaveLength(8);
      expect(doc.preflight.every((x: Raw) => x.status === "warn")).toBe(true);
      expect(doc.warnings).toHaveLength(8);
      for (const w of doc.warnings) expect(w.message).toMatch(/could not check/);
      const text = await run(emu, "plan", everything());
      expect(text.code).toBe(0);
      expect(text.stdout.match(/could not check/g)).toHaveLength(8);
    },
  );
});
