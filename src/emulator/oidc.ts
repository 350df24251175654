/**
 * A local OpenID provider over https, as much of one as wfplan's preflight check reads: the
 * discovery document (`<issuer>/.well-known/openid-configuration`) and the JWK set it names. The
 * demo runs one so that its preflight passes, and tests make it lie (`serve`) so that a check
 * fails. Its certificate is self-signed and made at start-up; a client trusts it through `caFile`
 * (NODE_EXTRA_CA_CERTS), never by turning verification off.
 */
import { generateKeyPairSync, randomUUID } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { generate } from "selfsigned";
import type { OidcEndpoints } from "../core/types.ts";

/** What a test makes the provider serve instead; each `serve` call replaces the last one. */
export interface OidcOverrides {
  /** Fields merged over the real discovery document; a `null` value removes that field. */
  document?: Record<string, unknown>;
  /** Served as the discovery document instead, as is (text that is not JSON, say). */
  documentText?: string;
  /** Served at `jwks_uri` instead of the real key set: a string as is, anything else as JSON. */
  jwks?: unknown;
  /** Every request is answered with this HTTP status (and a small JSON error). */
  status?: number;
  /** Every request is answered with a 302 to this URL. */
  redirectTo?: string;
}

export interface OidcProvider {
  /** https://127.0.0.1:PORT<path>, the issuer its discovery document names. */
  issuer: string;
  /** The endpoints as a spec's oidcConfig names them, equal to what the discovery document says. */
  oidcConfig: OidcEndpoints;
  /** The same endpoints as the API's `OidcConfig` names them, to seed a workforce that uses it. */
  oidcWire: {
    Issuer: string;
    AuthorizationEndpoint: string;
    TokenEndpoint: string;
    UserInfoEndpoint: string;
    LogoutEndpoint: string;
    JwksUri: string;
  };
  /** The self-signed certificate (PEM) made at start-up, and a file holding it, for NODE_EXTRA_CA_CERTS. */
  caPem: string;
  caFile: string;
  /** Tests: change what it serves (see OidcOverrides); `serve({})` serves the real thing again. */
  serve(overrides: OidcOverrides): void;
  /** The path of each request it answered, in order (tests). */
  requests: string[];
  stop(): Promise<void>;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * A certificate for 127.0.0.1 and localhost, valid for a day. EC P-256: its key is made in a few
 * milliseconds, where an RSA key takes tens to hundreds.
 */
async function certificate(): Promise<{ key: string; cert: string }> {
  const now = Date.now();
  // A subject of its own: OpenSSL finds a trusted certificate by its name, so two providers'
  // certificates with one name in a bundle would hide one another.
  const subject = [
    { name: "commonName", value: "127.0.0.1" },
    { name: "organizationName", value: `wfplan local OpenID provider ${randomUUID()}` },
  ];
  const pems = await generate(subject, {
    keyType: "ec",
    curve: "P-256",
    algorithm: "sha256",
    notBeforeDate: new Date(now - 60_000), // a minute of slack for a clock a little behind
    notAfterDate: new Date(now + DAY_MS),
    extensions: [
      { name: "basicConstraints", cA: false },
      { name: "keyUsage", digitalSignature: true, critical: true },
      { name: "extKeyUsage", serverAuth: true },
      {
        name: "subjectAltName",
        altNames: [
          { type: 7, ip: "127.0.0.1" },
          { type: 2, value: "localhost" },
        ],
      },
    ],
  });
  // Ended by a newline, as a PEM file is, so that files of them can be concatenated into a bundle.
  return { key: pems.private, cert: pems.cert.endsWith("\n") ? pems.cert : `${pems.cert}\n` };
}

/** A JWK set with one real public key (ES256), as an identity provider publishes to verify its tokens. */
function keySet(): { keys: Record<string, unknown>[] } {
  const { publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const jwk = publicKey.export({ format: "jwk" });
  return { keys: [{ ...jwk, kid: randomUUID(), use: "sig", alg: "ES256" }] };
}

export async function startOidcProvider(opts: { path?: string } = {}): Promise<OidcProvider> {
  const base = (opts.path ?? "").replace(/\/+$/, "");
  if (base && !base.startsWith("/")) throw new Error(`path must start with "/": ${opts.path}`);
  const { key, cert } = await certificate();
  const jwks = keySet();
  let overrides: OidcOverrides = {};
  const requests: string[] = [];

  // The issuer and endpoints need the port, known once listening: they are filled in below.
  const endpoints: OidcEndpoints = {
    issuer: "",
    authorizationEndpoint: "",
    tokenEndpoint: "",
    userInfoEndpoint: "",
    logoutEndpoint: "",
    jwksUri: "",
  };

  /** The discovery document (OpenID Connect Discovery 1.0, section 3), with the overrides applied. */
  const discovery = (): Record<string, unknown> => {
    const doc: Record<string, unknown> = {
      issuer: endpoints.issuer,
      authorization_endpoint: endpoints.authorizationEndpoint,
      token_endpoint: endpoints.tokenEndpoint,
      userinfo_endpoint: endpoints.userInfoEndpoint,
      end_session_endpoint: endpoints.logoutEndpoint,
      jwks_uri: endpoints.jwksUri,
      response_types_supported: ["code"],
      subject_types_supported: ["public"],
      id_token_signing_alg_values_supported: ["ES256"],
      scopes_supported: ["openid", "profile", "email"],
      token_endpoint_auth_methods_supported: ["client_secret_basic", "client_secret_post"],
      grant_types_supported: ["authorization_code", "refresh_token"],
      claims_supported: ["sub", "iss", "aud", "exp", "iat", "email", "groups"],
    };
    for (const [field, value] of Object.entries(overrides.document ?? {})) {
      if (value === null) delete doc[field];
      else doc[field] = value;
    }
    return doc;
  };

  const server: Server = createServer({ key, cert }, (req, res) => {
    const path = new URL(req.url ?? "/", "https://localhost").pathname;
    requests.push(path);
    const send = (status: number, body: string, type = "application/json") =>
      res.writeHead(status, { "content-type": type, "cache-control": "no-store" }).end(body);
    const o = overrides;
    if (o.redirectTo !== undefined) {
      res.writeHead(302, { location: o.redirectTo }).end();
      return;
    }
    if (o.status !== undefined) {
      send(o.status, JSON.stringify({ error: `status ${o.status}, as the test asked` }));
      return;
    }
    if (req.method !== "GET" && req.method !== "HEAD") {
      send(405, JSON.stringify({ error: "method not allowed" }));
      return;
    }
    if (path === `${base}/.well-known/openid-configuration`) {
      send(200, o.documentText ?? JSON.stringify(discovery()));
    } else if (path === new URL(endpoints.jwksUri).pathname) {
      const served = o.jwks === undefined ? jwks : o.jwks;
      send(200, typeof served === "string" ? served : JSON.stringify(served));
    } else {
      // The other endpoints exist only as names in the document: nothing reads them.
      send(404, JSON.stringify({ error: "not found" }));
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });

  const { port } = server.address() as AddressInfo;
  const issuer = `https://127.0.0.1:${port}${base}`;
  Object.assign(endpoints, {
    issuer,
    authorizationEndpoint: `${issuer}/authorize`,
    tokenEndpoint: `${issuer}/token`,
    userInfoEndpoint: `${issuer}/userinfo`,
    logoutEndpoint: `${issuer}/logout`,
    jwksUri: `${issuer}/keys`,
  });

  const dir = mkdtempSync(join(tmpdir(), "wfplan-oidc-"));
  const caFile = join(dir, "ca.pem");
  writeFileSync(caFile, cert);

  return {
    issuer,
    oidcConfig: { ...endpoints },
    oidcWire: {
      Issuer: endpoints.issuer,
      AuthorizationEndpoint: endpoints.authorizationEndpoint,
      TokenEndpoint: endpoints.tokenEndpoint,
      UserInfoEndpoint: endpoints.userInfoEndpoint,
      LogoutEndpoint: endpoints.logoutEndpoint,
      JwksUri: endpoints.jwksUri,
    },
    caPem: cert,
    caFile,
    serve(next) {
      overrides = { ...next };
    },
    requests,
    async stop() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
