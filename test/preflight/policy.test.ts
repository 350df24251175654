import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { allowsPublish, publishStatement } from "../../src/preflight/policy.ts";

const ARN = "arn:aws:sns:us-east-1:123456789012:labeling";

const policy = (...Statement: Record<string, unknown>[]) =>
  JSON.stringify({ Version: "2012-10-17", Statement });
const allow = (more: Record<string, unknown> = {}) => ({
  Effect: "Allow",
  Principal: { Service: "sagemaker.amazonaws.com" },
  Action: "sns:Publish",
  Resource: ARN,
  ...more,
});
const deny = (more: Record<string, unknown> = {}) => ({ ...allow(more), Effect: "Deny", ...more });

/** SNS's default topic policy: its own account may publish, no service may. */
const DEFAULT = JSON.stringify({
  Version: "2008-10-17",
  Id: "__default_policy_ID",
  Statement: [
    {
      Sid: "__default_statement_ID",
      Effect: "Allow",
      Principal: { AWS: "*" },
      Action: ["SNS:GetTopicAttributes", "SNS:Subscribe", "SNS:Publish"],
      Resource: ARN,
      Condition: { StringEquals: { "AWS:SourceOwner": "123456789012" } },
    },
  ],
});

describe("allowsPublish", () => {
  it.each<[string, string, boolean | RegExp]>([
    ["the documented statement", policy(allow()), true],
    ["the hint's statement", policy(JSON.parse(publishStatement(ARN))), true],
    ["a single statement, not a list", JSON.stringify({ Statement: allow() }), true],
    [
      "the service in a list",
      policy(
        allow({ Principal: { Service: ["events.amazonaws.com", "sagemaker.amazonaws.com"] } }),
      ),
      true,
    ],
    ['Principal "*"', policy(allow({ Principal: "*" })), true],
    ['Principal {"AWS": "*"}', policy(allow({ Principal: { AWS: "*" } })), true],
    ['Principal {"AWS": ["*"]}', policy(allow({ Principal: { AWS: ["*"] } })), true],
    [
      "another service only",
      policy(allow({ Principal: { Service: "s3.amazonaws.com" } })),
      /no statement lets sagemaker\.amazonaws\.com/,
    ],
    [
      "an account only",
      policy(allow({ Principal: { AWS: "arn:aws:iam::123456789012:root" } })),
      /no statement/,
    ],
    ["SNS:Publish in capitals", policy(allow({ Action: "SNS:Publish" })), true],
    ["sns:* ", policy(allow({ Action: "sns:*" })), true],
    ['"*"', policy(allow({ Action: "*" })), true],
    ["sns:Pub* in a list", policy(allow({ Action: ["sns:Subscribe", "sns:Pub*"] })), true],
    ["sns:Publis? ", policy(allow({ Action: "sns:Publis?" })), true],
    ["sns:Subscribe only", policy(allow({ Action: "sns:Subscribe" })), /no statement/],
    ["sqs:SendMessage only", policy(allow({ Action: "sqs:SendMessage" })), /no statement/],
    [
      "a wildcard resource",
      policy(allow({ Resource: "arn:aws:sns:us-east-1:123456789012:*" })),
      true,
    ],
    ['Resource "*"', policy(allow({ Resource: "*" })), true],
    ["another topic", policy(allow({ Resource: `${ARN}-other` })), /no statement/],
    [
      "the resource in other case (ARNs are case-sensitive)",
      policy(allow({ Resource: ARN.toUpperCase() })),
      /no statement/,
    ],
    ["no resource", policy(allow({ Resource: undefined })), /no statement/],
    [
      "a condition on the service's source account",
      policy(allow({ Condition: { StringEquals: { "aws:SourceAccount": "123456789012" } } })),
      true,
    ],
    [
      "any condition, when the statement names SageMaker",
      policy(allow({ Condition: { Bool: { "aws:SecureTransport": "true" } } })),
      true,
    ],
    [
      "everyone, limited to the service's source ARN",
      policy(
        allow({
          Principal: "*",
          Condition: { ArnLike: { "AWS:SourceArn": "arn:aws:sagemaker:*" } },
        }),
      ),
      true,
    ],
    [
      "SNS's default policy (everyone, but AWS:SourceOwner)",
      DEFAULT,
      /statement "__default_statement_ID" lets everyone publish only under AWS:SourceOwner/,
    ],
    [
      "Allow with NotPrincipal",
      policy(allow({ Principal: undefined, NotPrincipal: { AWS: "arn:aws:iam::1:root" } })),
      /no statement/,
    ],
    [
      "Allow with NotAction",
      policy(allow({ Action: undefined, NotAction: "sns:DeleteTopic" })),
      /no statement/,
    ],
    [
      "an Allow and a Deny of the same",
      policy(allow(), deny({ Sid: "NoPublish" })),
      /statement "NoPublish" denies it/,
    ],
    [
      "an Allow and a Deny for everyone",
      policy(allow(), deny({ Principal: "*" })),
      /statement #2 denies it/,
    ],
    ["a Deny of sns:*", policy(allow(), deny({ Action: "sns:*", Resource: "*" })), /denies it/],
    [
      "a Deny for another service",
      policy(allow(), deny({ Principal: { Service: "s3.amazonaws.com" } })),
      true,
    ],
    ["a Deny of another action", policy(allow(), deny({ Action: "sns:DeleteTopic" })), true],
    [
      "a Deny with a condition (such as TLS only)",
      policy(
        allow(),
        deny({ Principal: "*", Condition: { Bool: { "aws:SecureTransport": "false" } } }),
      ),
      true,
    ],
    [
      "a Deny for all but an account (NotPrincipal)",
      policy(allow(), deny({ Principal: undefined, NotPrincipal: { AWS: "arn:aws:iam::1:root" } })),
      /denies it/,
    ],
    [
      'a Deny for all but everyone (NotPrincipal {"AWS": "*"})',
      policy(allow(), deny({ Principal: undefined, NotPrincipal: { AWS: "*" } })),
      true,
    ],
    [
      "a Deny for all but SageMaker (NotPrincipal)",
      policy(
        allow(),
        deny({ Principal: undefined, NotPrincipal: { Service: "sagemaker.amazonaws.com" } }),
      ),
      true,
    ],
    [
      "a Deny of all but Publish (NotAction)",
      policy(allow(), deny({ Action: undefined, NotAction: "sns:Publish" })),
      true,
    ],
    [
      "a Deny of all but Subscribe (NotAction)",
      policy(allow(), deny({ Action: undefined, NotAction: "sns:Subscribe" })),
      /denies it/,
    ],
    [
      "a Deny of other topics (NotResource)",
      policy(allow(), deny({ Resource: undefined, NotResource: ARN })),
      true,
    ],
    ["no statements", policy(), /has no statements/],
    ["not JSON", "{", /not valid JSON/],
    ["JSON that is not a policy", "[1, 2]", /has no statements/],
    [
      "statements that are not objects",
      JSON.stringify({ Statement: ["x", 1, null] }),
      /has no statements/,
    ],
    [
      "a malformed condition on everyone",
      policy(allow({ Principal: "*", Condition: "yes" })),
      /only under \(a malformed condition\)/,
    ],
  ])("%s", (_name, json, expected) => {
    const verdict = allowsPublish(json, ARN);
    if (expected === true) expect(verdict).toMatchObject({ allowed: true });
    else
      expect(verdict).toMatchObject({
        allowed: false,
        reason: expect.stringMatching(expected as RegExp),
      });
  });

  it("names the statement that allows it", () => {
    expect(allowsPublish(policy(allow({ Sid: "Ground" })), ARN)).toEqual({
      allowed: true,
      by: '"Ground"',
    });
    expect(allowsPublish(policy(allow({ Action: "sns:Subscribe" }), allow()), ARN)).toEqual({
      allowed: true,
      by: "#2",
    });
  });

  it("asks about another principal when told to", () => {
    expect(allowsPublish(policy(allow()), ARN, "events.amazonaws.com")).toMatchObject({
      allowed: false,
    });
  });
});

// ---------------------------------------------------------------- properties

const oneOrList = <T>(a: fc.Arbitrary<T>) =>
  fc.oneof(a, fc.array(a, { minLength: 1, maxLength: 3 }));
const statement = fc.record(
  {
    Sid: fc.constantFrom("A", "B", ""),
    Effect: fc.constantFrom("Allow", "Deny", "Maybe"),
    Principal: fc.oneof(
      fc.constant("*"),
      fc.record({ AWS: oneOrList(fc.constantFrom("*", "123456789012", "arn:aws:iam::1:root")) }),
      fc.record({
        Service: oneOrList(fc.constantFrom("sagemaker.amazonaws.com", "s3.amazonaws.com")),
      }),
    ),
    NotPrincipal: fc.record({
      Service: fc.constantFrom("sagemaker.amazonaws.com", "s3.amazonaws.com"),
    }),
    Action: oneOrList(
      fc.constantFrom(
        "sns:Publish",
        "SNS:PUBLISH",
        "sns:*",
        "*",
        "sns:Subscribe",
        "sns:Pub*",
        "s?s:publish",
      ),
    ),
    NotAction: oneOrList(fc.constantFrom("sns:Publish", "sns:Subscribe")),
    Resource: oneOrList(fc.constantFrom(ARN, "*", `${ARN}-2`, "arn:aws:sns:*:*:label*")),
    NotResource: fc.constantFrom(ARN, "*"),
    Condition: fc.constantFrom(
      { StringEquals: { "aws:SourceAccount": "123456789012" } },
      { StringEquals: { "AWS:SourceOwner": "123456789012" } },
      { Bool: { "aws:SecureTransport": "false" } },
    ),
  },
  { requiredKeys: ["Effect"] },
);
const statements = fc.array(statement, { maxLength: 5 });

const DENY_PUBLISH = { Effect: "Deny", Principal: "*", Action: "sns:publish", Resource: "*" };

describe("allowsPublish, for any policy", () => {
  it("never throws, and always gives a reason for a no", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.json(),
          statements.map((s) => policy(...s)),
        ),
        (json) => {
          const v = allowsPublish(json, ARN);
          expect(v.allowed ? v.by : v.reason).toMatch(/\S/);
        },
      ),
    );
  });

  it("adding a Deny of Publish never makes it allowed, and makes any policy refuse", () => {
    fc.assert(
      fc.property(statements, fc.nat(5), (s, at) => {
        const before = allowsPublish(policy(...s), ARN).allowed;
        const withDeny: Record<string, unknown>[] = [...s];
        withDeny.splice(Math.min(at, s.length), 0, DENY_PUBLISH);
        const after = allowsPublish(policy(...withDeny), ARN).allowed;
        expect(after).toBe(false);
        expect(!before && after).toBe(false);
      }),
    );
  });

  it("adding the documented statement makes it allowed unless a Deny applies", () => {
    fc.assert(
      fc.property(statements, (s) => {
        const v = allowsPublish(policy(...s, JSON.parse(publishStatement(ARN))), ARN);
        if (!v.allowed) expect(v.reason).toMatch(/denies it/);
      }),
    );
  });

  it("an Allow never undoes a Deny", () => {
    fc.assert(
      fc.property(statements, (s) => {
        const v = allowsPublish(policy(...s), ARN);
        if (v.allowed || !/denies it/.test(v.reason)) return;
        // The statements other than Allows still deny it: an Allow never undoes a Deny.
        const denies = s.filter((st) => st.Effect !== "Allow");
        expect(allowsPublish(policy(...denies, allow()), ARN).allowed).toBe(false);
      }),
    );
  });

  it("does not depend on the case of action names", () => {
    fc.assert(
      fc.property(statements, (s) => {
        const upper = s.map((st) =>
          st.Action === undefined
            ? st
            : { ...st, Action: [st.Action].flat().map((a) => a.toUpperCase()) },
        );
        expect(allowsPublish(policy(...upper), ARN).allowed).toBe(
          allowsPublish(policy(...s), ARN).allowed,
        );
      }),
    );
  });
});
