/**
 * The OIDC preflight check: the comparison as a table, then the whole check against the local
 * OpenID provider over real https, trusted through NODE_EXTRA_CA_CERTS as a user would.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { createServer as createHttpServer } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import { type AddressInfo, createServer as createNetServer, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { generate } from "selfsigned";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { OidcEndpoints } from "../../src/core/types.ts";
import { type OidcProvider, startOidcProvider } from "../../src/emulator/oidc.ts";
import {
  checkOidcDiscovery,
  compareDiscovery,
  discoveryUrl,
  inspectKeySet,
  shown,
} from "../../src/preflight/oidc.ts";

const SPEC: OidcEndpoints = {
  issuer: "https://idp.example.com",
  authorizationEndpoint: "https://idp.example.com/authorize",
  tokenEndpoint: "https://idp.example.com/token",
  userInfoEndpoint: "https://idp.example.com/userinfo",
  logoutEndpoint: "https://idp.example.com/logout",
  jwksUri: "https://idp.example.com/keys",
};

/** The discovery document that matches SPEC. */
const DOC = {
  issuer: SPEC.issuer,
  authorization_endpoint: SPEC.authorizationEndpoint,
  token_endpoint: SPEC.tokenEndpoint,
  userinfo_endpoint: SPEC.userInfoEndpoint,
  end_session_endpoint: SPEC.logoutEndpoint,
  jwks_uri: SPEC.jwksUri,
  response_types_supported: ["code"],
};

describe("discoveryUrl", () => {
  it.each([
    ["https://idp.example.com", "https://idp.example.com/.well-known/openid-configuration"],
    ["https://idp.example.com/", "https://idp.example.com/.well-known/openid-configuration"],
    [
      "https://idp.example.com/realms/a",
      "https://idp.example.com/realms/a/.well-known/openid-configuration",
    ],
    ["https://idp.example.com//", "https://idp.example.com//.well-known/openid-configuration"],
  ])("%s → %s", (issuer, url) => {
    expect(discoveryUrl(issuer)).toBe(url);
  });
});

describe("compareDiscovery", () => {
  const without = (key: string) =>
    Object.fromEntries(Object.entries(DOC).filter(([k]) => k !== key));
  it.each<[string, Record<string, unknown>, string[]]>([
    ["everything equal", DOC, []],
    ["no end_session_endpoint (optional in discovery)", without("end_session_endpoint"), []],
    ["a null end_session_endpoint", { ...DOC, end_session_endpoint: null }, []],
    [
      "another token endpoint",
      { ...DOC, token_endpoint: "https://idp.example.com/oauth2/token" },
      [
        "tokenEndpoint: the spec says https://idp.example.com/token, the provider says https://idp.example.com/oauth2/token",
      ],
    ],
    [
      "an issuer with a trailing slash",
      { ...DOC, issuer: "https://idp.example.com/" },
      [
        "issuer: the spec says https://idp.example.com, the provider says https://idp.example.com/ (they differ only by a trailing slash, and must match exactly)",
      ],
    ],
    [
      "another end_session_endpoint",
      { ...DOC, end_session_endpoint: "https://idp.example.com/signout" },
      [
        "logoutEndpoint: the spec says https://idp.example.com/logout, the provider says https://idp.example.com/signout",
      ],
    ],
    [
      "no token_endpoint",
      without("token_endpoint"),
      [
        "tokenEndpoint: the spec says https://idp.example.com/token, the provider names no token_endpoint",
      ],
    ],
    [
      "a jwks_uri that is not a string",
      { ...DOC, jwks_uri: ["https://idp.example.com/keys"] },
      [
        'jwksUri: the spec says https://idp.example.com/keys, the provider says ["https://idp.example.com/keys"]',
      ],
    ],
    [
      "a field in another case",
      { ...DOC, userinfo_endpoint: "https://IDP.example.com/userinfo" },
      [
        "userInfoEndpoint: the spec says https://idp.example.com/userinfo, the provider says https://IDP.example.com/userinfo",
      ],
    ],
    [
      "several fields, in the spec's order",
      {
        ...DOC,
        jwks_uri: "https://b/keys",
        issuer: "https://b",
        authorization_endpoint: "https://b/a",
      },
      [
        "issuer: the spec says https://idp.example.com, the provider says https://b",
        "authorizationEndpoint: the spec says https://idp.example.com/authorize, the provider says https://b/a",
        "jwksUri: the spec says https://idp.example.com/keys, the provider says https://b/keys",
      ],
    ],
    [
      "control characters from the provider, escaped",
      { ...DOC, token_endpoint: "https://x/\u001b[31mred" },
      [
        "tokenEndpoint: the spec says https://idp.example.com/token, the provider says https://x/\\u001b[31mred",
      ],
    ],
  ])("%s", (_, doc, expected) => {
    expect(compareDiscovery(SPEC, doc)).toEqual(expected);
  });

  it("shortens a long value from the provider", () => {
    const [line] = compareDiscovery(SPEC, {
      ...DOC,
      token_endpoint: `https://x/${"a".repeat(5000)}`,
    });
    expect(line!.length).toBeLessThan(400);
    expect(line).toMatch(/a…$/);
    expect(shown("\u202eevil")).toBe("\\u202eevil");
  });
});

describe("compareDiscovery, for any endpoints", () => {
  const FIELDS = [
    ["issuer", "issuer"],
    ["authorizationEndpoint", "authorization_endpoint"],
    ["tokenEndpoint", "token_endpoint"],
    ["userInfoEndpoint", "userinfo_endpoint"],
    ["logoutEndpoint", "end_session_endpoint"],
    ["jwksUri", "jwks_uri"],
  ] as const;
  const endpoints = fc.record({
    issuer: fc.webUrl(),
    authorizationEndpoint: fc.webUrl(),
    tokenEndpoint: fc.webUrl(),
    userInfoEndpoint: fc.webUrl(),
    logoutEndpoint: fc.webUrl(),
    jwksUri: fc.webUrl(),
  });
  const documentOf = (e: OidcEndpoints) =>
    Object.fromEntries(FIELDS.map(([field, key]) => [key, e[field]]));

  it("finds nothing in the document of the same endpoints", () => {
    fc.assert(fc.property(endpoints, (e) => compareDiscovery(e, documentOf(e)).length === 0));
  });

  it("names exactly the one field that differs, and nothing the provider sends escapes", () => {
    fc.assert(
      fc.property(
        endpoints,
        fc.constantFrom(...FIELDS),
        fc.string({ unit: "binary" }),
        (e, [field, key], value) => {
          fc.pre(value !== e[field]);
          const lines = compareDiscovery(e, { ...documentOf(e), [key]: value });
          expect(lines).toHaveLength(1);
          expect(lines[0]!.startsWith(`${field}: the spec says `)).toBe(true);
          const control = [...lines[0]!].filter((c) => c < " " || (c >= "\u007f" && c <= "\u009f"));
          expect(control).toEqual([]);
        },
      ),
    );
  });
});

describe("inspectKeySet", () => {
  it.each<[string, unknown, ReturnType<typeof inspectKeySet>]>([
    ["one key", { keys: [{ kty: "EC" }] }, { keys: 1 }],
    [
      "keys without kty are not counted",
      { keys: [{ kty: "RSA" }, { use: "sig" }, "x"] },
      { keys: 1 },
    ],
    ["no key", { keys: [] }, { problem: "is a JWK set with no key" }],
    [
      "no usable key",
      { keys: [{ use: "sig" }, null] },
      { problem: "is a JWK set with no key that has a kty" },
    ],
    ["no keys array", { key: [] }, { problem: 'is not a JWK set (it has no "keys" array)' }],
    [
      "keys not an array",
      { keys: { kty: "EC" } },
      { problem: 'is not a JWK set (it has no "keys" array)' },
    ],
    ["an array", [{ kty: "EC" }], { problem: "is not a JWK set (a JSON object with keys)" }],
    ["null", null, { problem: "is not a JWK set (a JSON object with keys)" }],
    ["a string", "keys", { problem: "is not a JWK set (a JSON object with keys)" }],
  ])("%s", (_, value, expected) => {
    expect(inspectKeySet(value)).toEqual(expected);
  });
});

// ---------------------------------------------------------------- against a provider over https

/** A temp dir of the test's own. */
const scratch = mkdtempSync(join(tmpdir(), "wfplan-oidc-test-"));

describe("checkOidcDiscovery against an identity provider", () => {
  let idp: OidcProvider;
  let env: NodeJS.ProcessEnv;
  beforeAll(async () => {
    idp = await startOidcProvider();
    env = { NODE_EXTRA_CA_CERTS: idp.caFile };
  });
  afterAll(() => idp.stop());
  beforeEach(() => idp.serve({}));

  const check = (
    spec: Partial<OidcEndpoints> = {},
    opts: Parameters<typeof checkOidcDiscovery>[1] = {},
  ) => checkOidcDiscovery({ ...idp.oidcConfig, ...spec }, { env, ...opts });
  const outcomes = (findings: Awaited<ReturnType<typeof check>>) =>
    findings.map((f) => [f.check, f.outcome]);

  it("passes both checks when the provider agrees with the spec", async () => {
    const findings = await check();
    expect(findings).toEqual([
      {
        check: "oidc-discovery",
        subject: idp.issuer,
        outcome: "ok",
        message: "the discovery document matches the spec",
        paths: ["workforce.oidcConfig"],
      },
      {
        check: "oidc-jwks",
        subject: idp.oidcConfig.jwksUri,
        outcome: "ok",
        message: "a JWK set with 1 key",
        paths: ["workforce.oidcConfig"],
      },
    ]);
  });

  it("reads one trailing slash of the issuer away, but reports the issuer's difference", async () => {
    const [discovery] = await check({ issuer: `${idp.issuer}/` });
    expect(discovery).toMatchObject({ outcome: "problem" });
    expect(discovery!.message).toContain("differ only by a trailing slash");
    expect(idp.requests).toContain("/.well-known/openid-configuration");
  });

  it("finds a token endpoint the provider does not name", async () => {
    const wrong = `${idp.issuer}/oauth/tokn`;
    const [discovery, jwks] = await check({ tokenEndpoint: wrong });
    expect(discovery).toMatchObject({
      check: "oidc-discovery",
      outcome: "problem",
      message: `the identity provider's discovery document disagrees with the spec: tokenEndpoint: the spec says ${wrong}, the provider says ${idp.oidcConfig.tokenEndpoint}`,
      hint: "correct the spec's oidcConfig (or the identity provider)",
      paths: ["workforce.oidcConfig"],
    });
    expect(jwks).toMatchObject({ outcome: "ok" });
  });

  it("lists every differing field in one message", async () => {
    idp.serve({
      document: { userinfo_endpoint: "https://a/u", authorization_endpoint: "https://a/z" },
    });
    const [discovery] = await check();
    expect(discovery!.message).toMatch(
      /authorizationEndpoint: .*; userInfoEndpoint: .*https:\/\/a\/u$/,
    );
  });

  it("accepts a provider without end_session_endpoint", async () => {
    idp.serve({ document: { end_session_endpoint: null } });
    expect(outcomes(await check())).toEqual([
      ["oidc-discovery", "ok"],
      ["oidc-jwks", "ok"],
    ]);
  });

  it("refuses an http issuer without a request", async () => {
    const before = idp.requests.length;
    const issuer = idp.issuer.replace("https:", "http:");
    const [discovery] = await check({ issuer });
    expect(discovery).toMatchObject({
      subject: issuer,
      outcome: "problem",
      message: `the issuer ${issuer} is not https; SageMaker requires https`,
    });
    expect(idp.requests.slice(before)).toEqual(["/keys"]); // only the key set, of the other check
  });

  it("refuses an http jwksUri without a request", async () => {
    const before = idp.requests.length;
    const jwksUri = idp.oidcConfig.jwksUri.replace("https:", "http:");
    const [, jwks] = await check({ jwksUri });
    expect(jwks).toMatchObject({
      outcome: "problem",
      message: `jwksUri ${jwksUri} is not https; SageMaker requires https`,
    });
    expect(idp.requests.slice(before)).toEqual(["/.well-known/openid-configuration"]);
  });

  it("cannot check a provider that answers 404", async () => {
    idp.serve({ status: 404 });
    const [discovery, jwks] = await check();
    expect(discovery).toMatchObject({
      outcome: "unchecked",
      message: `could not check: ${idp.issuer}/.well-known/openid-configuration: the server answered HTTP 404`,
    });
    expect(discovery!.hint).toMatch(/network/);
    expect(jwks).toMatchObject({ outcome: "unchecked" });
    expect(jwks!.message).toMatch(/^could not check: .*\/keys: the server answered HTTP 404$/);
  });

  it("finds a discovery document that is not JSON, or not an object", async () => {
    idp.serve({ documentText: "<html>please sign in</html>" });
    expect((await check())[0]).toMatchObject({
      outcome: "problem",
      message: expect.stringMatching(/is not JSON$/),
    });
    idp.serve({ documentText: "[]" });
    expect((await check())[0]).toMatchObject({
      outcome: "problem",
      message: expect.stringMatching(/is not a JSON object$/),
    });
  });

  it("finds an empty key set, and an answer that is not one", async () => {
    idp.serve({ jwks: { keys: [] } });
    expect(outcomes(await check())).toEqual([
      ["oidc-discovery", "ok"],
      ["oidc-jwks", "problem"],
    ]);
    expect((await check())[1]!.message).toBe(`${idp.oidcConfig.jwksUri} is a JWK set with no key`);
    idp.serve({ jwks: "not json" });
    expect((await check())[1]).toMatchObject({
      outcome: "problem",
      message: `the answer at ${idp.oidcConfig.jwksUri} is not JSON`,
    });
  });

  it("does not read an answer larger than 256 KiB", async () => {
    idp.serve({ document: { padding: "x".repeat(300 * 1024) } });
    const [discovery] = await check();
    expect(discovery).toMatchObject({ outcome: "unchecked" });
    expect(discovery!.message).toMatch(/: answer larger than 256 KiB$/);
  });

  it("does not follow a redirect to http", async () => {
    let reached = 0;
    const plain = createHttpServer((_, res) => {
      reached += 1;
      res.end("{}");
    });
    await new Promise<void>((r) => plain.listen(0, "127.0.0.1", r));
    try {
      const target = `http://127.0.0.1:${(plain.address() as AddressInfo).port}/.well-known/openid-configuration`;
      idp.serve({ redirectTo: target });
      const [discovery] = await check();
      expect(discovery).toMatchObject({ outcome: "unchecked" });
      expect(discovery!.message).toBe(
        `could not check: ${idp.issuer}/.well-known/openid-configuration: a redirect to ${target}, which wfplan does not follow (https only)`,
      );
      expect(reached).toBe(0);
    } finally {
      await new Promise((r) => plain.close(r));
    }
  });

  it("follows at most 3 redirects", async () => {
    const before = idp.requests.length;
    idp.serve({ redirectTo: `${idp.issuer}/.well-known/openid-configuration` });
    const [discovery] = await check({ jwksUri: "http://not.fetched/keys" });
    expect(discovery!.message).toMatch(/: more than 3 redirects$/);
    expect(idp.requests.length - before).toBe(4);
  });

  it("follows an https redirect to another provider, and compares what it says", async () => {
    const other = await startOidcProvider();
    const bundle = join(scratch, "bundle.pem");
    // Concatenated without a newline between them, as careless bundles are: both are read.
    writeFileSync(bundle, idp.caPem.trim() + other.caPem.trim());
    try {
      idp.serve({ redirectTo: `${other.issuer}/.well-known/openid-configuration` });
      const [discovery] = await checkOidcDiscovery(
        { ...other.oidcConfig, issuer: idp.issuer },
        { env: { NODE_EXTRA_CA_CERTS: bundle } },
      );
      expect(discovery).toMatchObject({ outcome: "problem" });
      expect(discovery!.message).toContain(
        `issuer: the spec says ${idp.issuer}, the provider says ${other.issuer}`,
      );
    } finally {
      await other.stop();
    }
  });

  it("cannot check a provider whose certificate is not trusted, and says so", async () => {
    const findings = await check({}, { env: {} });
    expect(outcomes(findings)).toEqual([
      ["oidc-discovery", "unchecked"],
      ["oidc-jwks", "unchecked"],
    ]);
    expect(findings[0]!.message).toBe(
      `could not check: ${idp.issuer}/.well-known/openid-configuration: certificate not trusted (DEPTH_ZERO_SELF_SIGNED_CERT)`,
    );
    expect(findings[0]!.hint).toMatch(/NODE_EXTRA_CA_CERTS/);
  });

  it("says when NODE_EXTRA_CA_CERTS names a file it cannot read", async () => {
    const missing = join(scratch, "no-such-ca.pem");
    const [discovery] = await check({}, { env: { NODE_EXTRA_CA_CERTS: missing } });
    expect(discovery).toMatchObject({ outcome: "unchecked" });
    expect(discovery!.hint).toContain(`NODE_EXTRA_CA_CERTS (${missing}): file not found`);
  });

  it("says when NODE_EXTRA_CA_CERTS names a file without a certificate", async () => {
    const empty = join(scratch, "empty.pem");
    writeFileSync(empty, "not a certificate\n");
    const [discovery] = await check({}, { env: { NODE_EXTRA_CA_CERTS: empty } });
    expect(discovery!.message).toMatch(/certificate not trusted/);
    expect(discovery!.hint).toContain(`NODE_EXTRA_CA_CERTS (${empty}) holds no PEM certificate`);
  });

  it("stops at the caller's signal, with its reason", async () => {
    const controller = new AbortController();
    const reason = new Error("interrupted");
    controller.abort(reason);
    await expect(check({}, { signal: controller.signal })).rejects.toBe(reason);
  });
});

describe("checkOidcDiscovery against servers that misbehave", () => {
  it("cannot check a server that accepts and never answers", async () => {
    const sockets = new Set<Socket>();
    const silent = createNetServer((s) => {
      sockets.add(s);
    });
    await new Promise<void>((r) => silent.listen(0, "127.0.0.1", r));
    try {
      const base = `https://127.0.0.1:${(silent.address() as AddressInfo).port}`;
      const spec = { ...SPEC, issuer: base, jwksUri: `${base}/keys` };
      const findings = await checkOidcDiscovery(spec, { env: {}, timeoutMs: 300 });
      expect(findings.map((f) => f.outcome)).toEqual(["unchecked", "unchecked"]);
      expect(findings[0]!.message).toBe(
        `could not check: ${base}/.well-known/openid-configuration: no complete answer within 300 ms`,
      );
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise((r) => silent.close(r));
    }
  });

  it("stops reading a streamed answer past 256 KiB", async () => {
    const { private: key, cert } = await generate([{ name: "commonName", value: "127.0.0.1" }], {
      keyType: "ec",
      algorithm: "sha256",
      extensions: [{ name: "subjectAltName", altNames: [{ type: 7, ip: "127.0.0.1" }] }],
    });
    let written = 0;
    const server = createHttpsServer({ key, cert }, (_, res) => {
      // No content-length: the size is known only by reading, and the server would go on for ever.
      res.writeHead(200, { "content-type": "application/json" });
      const more = () => {
        while (written < 4 * 1024 * 1024 && res.write(Buffer.alloc(16 * 1024, 32)))
          written += 16 * 1024;
      };
      res.on("drain", more);
      more();
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const caFile = join(scratch, "stream-ca.pem");
    writeFileSync(caFile, cert);
    try {
      const base = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const spec = { ...SPEC, issuer: base, jwksUri: `${base}/keys` };
      const findings = await checkOidcDiscovery(spec, { env: { NODE_EXTRA_CA_CERTS: caFile } });
      expect(findings.map((f) => f.message)).toEqual([
        `could not check: ${base}/.well-known/openid-configuration: answer larger than 256 KiB`,
        `could not check: ${base}/keys: answer larger than 256 KiB`,
      ]);
      expect(written).toBeLessThan(4 * 1024 * 1024);
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });
});
