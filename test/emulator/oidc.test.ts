/**
 * The local OpenID provider: a discovery document and a JWK set over https, trusted only through
 * the certificate it made; `serve` makes it lie for the preflight tests.
 */
import { createPublicKey } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { request } from "node:https";
import { dirname } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type OidcProvider, startOidcProvider } from "../../src/emulator/oidc.ts";

/** A GET with node:https: the status, the Location and the body, or the request's error code. */
function get(
  url: string,
  ca?: string,
): Promise<{ status: number; location?: string; body: string } | { error: string }> {
  return new Promise((resolve) => {
    const req = request(url, { agent: false, ...(ca ? { ca } : {}) }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => {
        body += c;
      });
      res.on("end", () =>
        resolve({ status: res.statusCode ?? 0, location: res.headers.location, body }),
      );
    });
    req.on("error", (e: NodeJS.ErrnoException) => resolve({ error: e.code ?? e.message }));
    req.end();
  });
}

async function json(url: string, ca: string): Promise<unknown> {
  const answer = await get(url, ca);
  if ("error" in answer) throw new Error(answer.error);
  expect(answer.status).toBe(200);
  return JSON.parse(answer.body);
}

describe("startOidcProvider", () => {
  let idp: OidcProvider;
  beforeAll(async () => {
    idp = await startOidcProvider();
  });
  afterAll(() => idp.stop());
  beforeEach(() => idp.serve({}));

  const discovery = () => `${idp.issuer}/.well-known/openid-configuration`;

  it("serves a discovery document whose endpoints are its oidcConfig", async () => {
    expect(idp.issuer).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const doc = (await json(discovery(), idp.caPem)) as Record<string, unknown>;
    const c = idp.oidcConfig;
    expect(doc).toMatchObject({
      issuer: c.issuer,
      authorization_endpoint: c.authorizationEndpoint,
      token_endpoint: c.tokenEndpoint,
      userinfo_endpoint: c.userInfoEndpoint,
      end_session_endpoint: c.logoutEndpoint,
      jwks_uri: c.jwksUri,
      response_types_supported: ["code"],
    });
    expect(c.issuer).toBe(idp.issuer);
    for (const url of Object.values(c)) expect(url.startsWith(idp.issuer)).toBe(true);
  });

  it("serves a JWK set with a real public key at jwks_uri", async () => {
    const jwks = (await json(idp.oidcConfig.jwksUri, idp.caPem)) as {
      keys: Record<string, string>[];
    };
    expect(jwks.keys).toHaveLength(1);
    const [jwk] = jwks.keys;
    expect(jwk).toMatchObject({ kty: "EC", crv: "P-256", use: "sig", alg: "ES256" });
    expect(jwk).not.toHaveProperty("d"); // public only
    const key = createPublicKey({ key: jwk!, format: "jwk" });
    expect(key.asymmetricKeyType).toBe("ec");
  });

  it("is trusted only with its own certificate, which caFile holds", async () => {
    expect(readFileSync(idp.caFile, "utf8")).toBe(idp.caPem);
    expect(idp.caPem).toMatch(
      /^-----BEGIN CERTIFICATE-----\n[A-Za-z0-9+/=\n]+\n-----END CERTIFICATE-----\n$/,
    );
    const untrusted = await get(discovery());
    expect(untrusted).toEqual({ error: "DEPTH_ZERO_SELF_SIGNED_CERT" });
    // The certificate names localhost too.
    const viaName = await get(discovery().replace("127.0.0.1", "localhost"), idp.caPem);
    expect(viaName).toMatchObject({ status: 200 });
  });

  it("answers 404 on other paths, and records every request's path", async () => {
    const before = idp.requests.length;
    expect(await get(`${idp.issuer}/nothing`, idp.caPem)).toMatchObject({ status: 404 });
    expect(idp.requests.slice(before)).toEqual(["/nothing"]);
  });

  it("serves overrides: fields merged or removed, another key set, a status, a redirect", async () => {
    idp.serve({
      document: { token_endpoint: "https://elsewhere/token", end_session_endpoint: null },
    });
    const doc = (await json(discovery(), idp.caPem)) as Record<string, unknown>;
    expect(doc.token_endpoint).toBe("https://elsewhere/token");
    expect(doc).not.toHaveProperty("end_session_endpoint");
    expect(doc.issuer).toBe(idp.issuer);

    idp.serve({ jwks: { keys: [] } });
    expect(await json(idp.oidcConfig.jwksUri, idp.caPem)).toEqual({ keys: [] });

    idp.serve({ documentText: "<html>sign in</html>" });
    expect(await get(discovery(), idp.caPem)).toMatchObject({
      status: 200,
      body: "<html>sign in</html>",
    });

    idp.serve({ status: 503 });
    expect(await get(discovery(), idp.caPem)).toMatchObject({ status: 503 });
    expect(await get(idp.oidcConfig.jwksUri, idp.caPem)).toMatchObject({ status: 503 });

    idp.serve({ redirectTo: "http://127.0.0.1:1/x" });
    expect(await get(discovery(), idp.caPem)).toMatchObject({
      status: 302,
      location: "http://127.0.0.1:1/x",
    });

    idp.serve({});
    expect(await json(discovery(), idp.caPem)).toMatchObject({
      token_endpoint: idp.oidcConfig.tokenEndpoint,
    });
  });
});

describe("startOidcProvider with a path", () => {
  it("puts the issuer under it, as Keycloak's realms do", async () => {
    const idp = await startOidcProvider({ path: "/realms/labelers/" });
    try {
      expect(idp.issuer).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/realms\/labelers$/);
      const doc = (await json(`${idp.issuer}/.well-known/openid-configuration`, idp.caPem)) as {
        issuer: string;
        jwks_uri: string;
      };
      expect(doc.issuer).toBe(idp.issuer);
      expect(await json(doc.jwks_uri, idp.caPem)).toHaveProperty("keys");
    } finally {
      await idp.stop();
    }
  });
});

describe("stop", () => {
  it("closes the server and removes the certificate's temp dir", async () => {
    const idp = await startOidcProvider();
    const dir = dirname(idp.caFile);
    expect(existsSync(dir)).toBe(true);
    await idp.stop();
    expect(existsSync(dir)).toBe(false);
    expect(await get(idp.issuer, idp.caPem)).toEqual({ error: "ECONNREFUSED" });
  });
});
