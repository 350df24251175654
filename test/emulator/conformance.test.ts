/**
 * The emulator against the service model, mechanically: for each operation it serves, a request
 * with every optional member set is accepted by the model's checks; then, for each member
 * constraint of the model (required, length, list and map size, pattern, enum, range), one request
 * that breaks it is refused over HTTP with ValidationException naming that member, and one at
 * each bound passes the model's checks.
 */
import { describe, expect, it } from "vitest";
import { validateInput } from "../../src/emulator/model.ts";
import { operations } from "../../src/emulator/operations.ts";
import model from "../../src/emulator/sagemaker-model.json" with { type: "json" };
import { emulator, OIDC, rawCall } from "../helpers/emulator.ts";

interface Shape {
  type: string;
  required?: string[];
  members?: Record<string, { shape: string }>;
  member?: { shape: string };
  key?: { shape: string };
  value?: { shape: string };
  min?: number;
  max?: number;
  pattern?: string;
  enum?: string[];
}
const shapes = model.shapes as unknown as Record<string, Shape>;
// The API reference's limit the published model leaves out (model.ts adds it the same way).
shapes.Cidrs = { ...shapes.Cidrs!, max: 10 };

const WORKTEAM_ARN = "arn:aws:sagemaker:us-east-1:123456789012:workteam/private-crowd/annotators";
const tag = { Key: "team", Value: "ml" };
const member = { OidcMemberDefinition: { Groups: ["annotators"] } };
const cognitoMember = {
  CognitoMemberDefinition: { UserPool: "us-east-1_Pool1", UserGroup: "g", ClientId: "c1" },
};
const vpc = { VpcId: "vpc-1", SecurityGroupIds: ["sg-1"], Subnets: ["subnet-1"] };

/** A request per operation with every optional member set, valid against the model. */
const FULL: Record<string, Record<string, unknown>> = {
  CreateWorkforce: {
    WorkforceName: "labelers",
    OidcConfig: { ...OIDC, Scope: "openid", AuthenticationRequestExtraParams: { prompt: "login" } },
    CognitoConfig: { UserPool: "us-east-1_Pool1", ClientId: "c1" },
    SourceIpConfig: { Cidrs: ["10.0.0.0/16"] },
    WorkforceVpcConfig: vpc,
    IpAddressType: "dualstack",
    Tags: [tag],
  },
  DescribeWorkforce: { WorkforceName: "labelers" },
  ListWorkforces: {
    SortBy: "Name",
    SortOrder: "Ascending",
    NameContains: "lab",
    NextToken: "",
    MaxResults: 10,
  },
  UpdateWorkforce: {
    WorkforceName: "labelers",
    SourceIpConfig: { Cidrs: ["10.0.0.0/16"] },
    OidcConfig: OIDC,
    WorkforceVpcConfig: vpc,
    IpAddressType: "ipv4",
  },
  DeleteWorkforce: { WorkforceName: "labelers" },
  ListWorkteams: {
    SortBy: "CreateDate",
    SortOrder: "Descending",
    NameContains: "ann",
    NextToken: "",
    MaxResults: 100,
  },
  DescribeWorkteam: { WorkteamName: "annotators" },
  CreateWorkteam: {
    WorkteamName: "annotators",
    WorkforceName: "labelers",
    MemberDefinitions: [member, cognitoMember],
    Description: "d",
    NotificationConfiguration: { NotificationTopicArn: "arn:aws:sns:us-east-1:123456789012:t" },
    WorkerAccessConfiguration: {
      S3Presign: { IamPolicyConstraints: { SourceIp: "Enabled", VpcSourceIp: "Disabled" } },
    },
    Tags: [tag],
  },
  UpdateWorkteam: {
    WorkteamName: "annotators",
    MemberDefinitions: [member],
    Description: "d",
    NotificationConfiguration: { NotificationTopicArn: "arn:aws:sns:us-east-1:123456789012:t" },
    WorkerAccessConfiguration: { S3Presign: { IamPolicyConstraints: { SourceIp: "Disabled" } } },
  },
  DeleteWorkteam: { WorkteamName: "annotators" },
  ListLabelingJobsForWorkteam: {
    WorkteamArn: WORKTEAM_ARN,
    MaxResults: 1,
    NextToken: "",
    CreationTimeAfter: 0,
    CreationTimeBefore: 2000000000,
    JobReferenceCodeContains: "job",
    SortBy: "CreationTime",
    SortOrder: "Ascending",
  },
  ListTags: { ResourceArn: WORKTEAM_ARN, NextToken: "", MaxResults: 50 },
  AddTags: { ResourceArn: WORKTEAM_ARN, Tags: [tag] },
  DeleteTags: { ResourceArn: WORKTEAM_ARN, TagKeys: ["team"] },
};

interface Case {
  operation: string;
  /** The member's path in the service's message form: `oidcConfig.clientId`, `tags.1.member.key`. */
  at: string;
  what: string;
  input: Record<string, unknown>;
}

const lowerFirst = (s: string) => s.charAt(0).toLowerCase() + s.slice(1);
const join = (at: string, name: string) => (at ? `${at}.${name}` : name);

/** A copy of `root` with the value at `path` replaced (undefined deletes it). */
function replaced(
  root: unknown,
  path: (string | number)[],
  value: unknown,
): Record<string, unknown> {
  const copy = structuredClone(root) as Record<string, unknown>;
  let node = copy as Record<string | number, unknown>;
  for (const seg of path.slice(0, -1)) node = node[seg] as Record<string | number, unknown>;
  const last = path.at(-1)!;
  if (value === undefined) delete node[last];
  else node[last] = value;
  return copy;
}

/** A string of `length` that still matches `pattern`, from a valid example; undefined if none is found. */
function sized(example: string, length: number, pattern?: string): string | undefined {
  const re = pattern ? new RegExp(`^(?:${pattern})$`, "u") : undefined;
  for (const fill of [example.at(-1) ?? "a", "a", "1"]) {
    const s =
      length <= example.length
        ? example.slice(0, length)
        : example + fill.repeat(length - example.length);
    if (!re || re.test(s)) return s;
  }
  return undefined;
}

/** Every way to break a constraint of the model within `value` (of `shapeName`), and every bound. */
function cases(
  operation: string,
  root: Record<string, unknown>,
  shapeName: string,
  value: unknown,
  path: (string | number)[],
  at: string,
  out: { broken: Case[]; bounds: Case[] },
): void {
  const shape = shapes[shapeName]!;
  const broken = (what: string, v: unknown) =>
    out.broken.push({ operation, at, what, input: replaced(root, path, v) });
  const bound = (what: string, v: unknown) =>
    out.bounds.push({ operation, at, what, input: replaced(root, path, v) });
  switch (shape.type) {
    case "structure":
      for (const [name, m] of Object.entries(shape.members ?? {})) {
        const v = (value as Record<string, unknown>)[name];
        const memberAt = join(at, lowerFirst(name));
        if (shape.required?.includes(name)) {
          out.broken.push({
            operation,
            at: memberAt,
            what: "required, missing",
            input: replaced(root, [...path, name], undefined),
          });
        }
        if (v !== undefined) cases(operation, root, m.shape, v, [...path, name], memberAt, out);
      }
      return;
    case "list": {
      const list = value as unknown[];
      const item = list[0];
      if (shape.max !== undefined) {
        broken(`more than ${shape.max} items`, Array(shape.max + 1).fill(item));
        bound(`${shape.max} items`, Array(shape.max).fill(item));
      }
      if (shape.min) {
        broken(`fewer than ${shape.min} items`, []);
        bound(`${shape.min} items`, Array(shape.min).fill(item));
      }
      out.broken.push({
        operation,
        at: `${at}.1.member`,
        what: "a null item",
        input: replaced(root, path, [null]),
      });
      for (const [i, x] of list.entries()) {
        cases(operation, root, shape.member!.shape, x, [...path, i], `${at}.${i + 1}.member`, out);
      }
      return;
    }
    case "map": {
      const entries = Object.entries(value as Record<string, unknown>);
      const [k, v] = entries[0]!;
      const many = (n: number) =>
        Object.fromEntries(Array.from({ length: n }, (_, i) => [`${k}${i}`, v]));
      if (shape.max !== undefined) {
        broken(`more than ${shape.max} entries`, many(shape.max + 1));
        bound(`${shape.max} entries`, many(shape.max));
      }
      return;
    }
    case "string": {
      const text = value as string;
      if (shape.enum) broken("not in the enum", `${text}-not`);
      if (shape.pattern && !new RegExp(`^(?:${shape.pattern})$`, "u").test("\u0000 !")) {
        broken("not matching the pattern", "\u0000 !");
      }
      if (shape.max !== undefined && !shape.enum) {
        const over = sized(text, shape.max + 1, shape.pattern) ?? "a".repeat(shape.max + 1);
        broken(`longer than ${shape.max}`, over);
        const at = sized(text, shape.max, shape.pattern);
        if (at !== undefined) bound(`${shape.max} characters`, at);
      }
      if (shape.min && shape.min > 0) {
        broken(`shorter than ${shape.min}`, "".padEnd(shape.min - 1, "a"));
        const at = sized(text, shape.min, shape.pattern);
        if (at !== undefined) bound(`${shape.min} characters`, at);
      }
      return;
    }
    case "integer":
      if (shape.min !== undefined) {
        broken(`below ${shape.min}`, shape.min - 1);
        bound(`${shape.min}`, shape.min);
      }
      if (shape.max !== undefined) {
        broken(`above ${shape.max}`, shape.max + 1);
        bound(`${shape.max}`, shape.max);
      }
      return;
  }
}

const all = { broken: [] as Case[], bounds: [] as Case[] };
for (const [operation, input] of Object.entries(FULL)) {
  const shape = (model.operations as Record<string, { input: string }>)[operation]!.input;
  cases(operation, input, shape, input, [], "", all);
}

describe("the emulator, checked against the service model", () => {
  it("serves exactly the operations the model describes, and each has a full request here", () => {
    expect(Object.keys(FULL).sort()).toEqual(Object.keys(model.operations).sort());
    expect(Object.keys(operations).sort()).toEqual(Object.keys(model.operations).sort());
  });

  it.each(Object.entries(FULL))(
    "%s: a request with every member set passes the model's checks",
    (op, input) => {
      expect(validateInput(op, input)).toEqual([]);
    },
  );

  it(`refuses each of ${all.broken.length} broken constraints with ValidationException naming the member`, async () => {
    expect(all.broken.length).toBeGreaterThan(150);
    const emu = await emulator();
    const wrong: string[] = [];
    for (const c of all.broken) {
      const res = await rawCall(emu.url, c.operation, c.input);
      const body = (await res.json()) as { __type?: string; message?: string };
      if (
        res.status !== 400 ||
        body.__type !== "ValidationException" ||
        !body.message?.includes(`'${c.at}'`)
      ) {
        wrong.push(
          `${c.operation} ${c.at} (${c.what}): ${res.status} ${body.__type} ${body.message}`,
        );
      }
    }
    expect(wrong).toEqual([]);
    expect(emu.state().workforces).toEqual([]);
  });

  it(`accepts each of ${all.bounds.length} values at a bound`, () => {
    expect(all.bounds.length).toBeGreaterThan(50);
    const wrong = all.bounds
      .map((c) => ({ c, problems: validateInput(c.operation, c.input) }))
      .filter(({ problems }) => problems.length > 0)
      .map(({ c, problems }) => `${c.operation} ${c.at} (${c.what}): ${problems.join("; ")}`);
    expect(wrong).toEqual([]);
  });
});
