/**
 * The OIDC preflight check (README, "Preflight"): does the identity provider the spec names agree
 * with it? SageMaker accepts any well-formed endpoints and only fails when a worker tries to log
 * in; the provider's discovery document (`<issuer>/.well-known/openid-configuration`) says what
 * they should be, and its `jwks_uri` must hold the keys that verify its tokens.
 *
 * Read-only, and careful with what it reads: https only, a deadline, a size limit, few redirects
 * and never to http. A provider that cannot be reached makes the check `unchecked`, never an error:
 * only the caller's AbortSignal throws.
 */
import { request } from "node:https";
import { createSecureContext, rootCertificates, type SecureContext } from "node:tls";
import type { OidcEndpoints, PreflightFinding } from "../core/types.ts";
import { readBounded, sizeText } from "../io/read.ts";

export interface OidcCheckOptions {
  /** Where NODE_EXTRA_CA_CERTS is read from (process.env by default). */
  env?: NodeJS.ProcessEnv;
  /** For each of the two fetches: connect, redirects and the whole answer (5 s by default). */
  timeoutMs?: number;
  /** Stops both fetches; the check then rejects with the signal's reason. */
  signal?: AbortSignal;
}

export const DEFAULT_TIMEOUT_MS = 5000;
/** A discovery document is a few KiB, a key set less: anything larger is not one. */
export const ANSWER_LIMIT = 256 * 1024;
export const MAX_REDIRECTS = 3;
/** A CA bundle (the system's is about 200 KiB). */
const CA_FILE_LIMIT = 4 * 1024 * 1024;

const PATHS = ["workforce.oidcConfig"];
const SPEC_HINT = "correct the spec's oidcConfig (or the identity provider)";

/** OpenID Connect Discovery 1.0, section 4: one trailing slash of the issuer is removed first. */
export function discoveryUrl(issuer: string): string {
  return `${issuer.endsWith("/") ? issuer.slice(0, -1) : issuer}/.well-known/openid-configuration`;
}

/** The spec's fields and the discovery document's, in the order the spec writes them. */
const FIELDS: readonly [keyof OidcEndpoints, string][] = [
  ["issuer", "issuer"],
  ["authorizationEndpoint", "authorization_endpoint"],
  ["tokenEndpoint", "token_endpoint"],
  ["userInfoEndpoint", "userinfo_endpoint"],
  ["logoutEndpoint", "end_session_endpoint"],
  ["jwksUri", "jwks_uri"],
];

/** A value from the network, safe in a terminal and short: control and bidi characters escaped. */
export function shown(value: unknown, max = 200): string {
  const text = typeof value === "string" ? value : (JSON.stringify(value) ?? String(value));
  const safe = text.replace(
    // biome-ignore lint/suspicious/noControlCharactersInRegex: these are the characters escaped
    /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
  return safe.length > max ? `${safe.slice(0, max)}…` : safe;
}

/**
 * Where the spec and the provider's discovery document disagree, one line per field: every
 * compared field must be equal as a string (OpenID Connect compares the issuer exactly; the
 * endpoints are what SageMaker will call). `end_session_endpoint` is optional in discovery, so
 * only one the document names is compared.
 */
export function compareDiscovery(oidc: OidcEndpoints, document: Record<string, unknown>): string[] {
  const differences: string[] = [];
  for (const [field, key] of FIELDS) {
    const theirs = document[key];
    if (field === "logoutEndpoint" && (theirs === undefined || theirs === null)) continue;
    const ours = oidc[field];
    if (theirs === ours) continue;
    if (theirs === undefined) {
      differences.push(`${field}: the spec says ${shown(ours)}, the provider names no ${key}`);
      continue;
    }
    const slash =
      typeof theirs === "string" && theirs.replace(/\/$/, "") === ours.replace(/\/$/, "")
        ? " (they differ only by a trailing slash, and must match exactly)"
        : "";
    differences.push(
      `${field}: the spec says ${shown(ours)}, the provider says ${shown(theirs)}${slash}`,
    );
  }
  return differences;
}

/** Whether a JWKS answer is a key set with at least one key: how many, or what is wrong. */
export function inspectKeySet(value: unknown): { keys: number } | { problem: string } {
  if (typeof value !== "object" || value === null || Array.isArray(value))
    return { problem: "is not a JWK set (a JSON object with keys)" };
  const keys = (value as { keys?: unknown }).keys;
  if (!Array.isArray(keys)) return { problem: 'is not a JWK set (it has no "keys" array)' };
  const usable = keys.filter(
    (k) => typeof k === "object" && k !== null && typeof (k as { kty?: unknown }).kty === "string",
  ).length;
  if (usable === 0) {
    return {
      problem:
        keys.length === 0 ? "is a JWK set with no key" : "is a JWK set with no key that has a kty",
    };
  }
  return { keys: usable };
}

// ---------------------------------------------------------------- fetching

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----/g;

/** The trust for the fetches, and why NODE_EXTRA_CA_CERTS was not used when it could not be. */
interface Trust {
  /**
   * Node's bundled roots and NODE_EXTRA_CA_CERTS as it is now, made when first asked: for a
   * certificate Node's own trust (set up at start-up) refused. Undefined without the variable.
   */
  context?: () => SecureContext;
  extraProblem?: string;
}

/**
 * The last context made, by the certificates it adds: parsing Node's ~150 bundled roots and a
 * system bundle takes 25–50 ms, so it is made once per process, and only when Node's own trust
 * refused a certificate.
 */
let made: { pems: string; context: SecureContext } | undefined;

/**
 * Node reads NODE_EXTRA_CA_CERTS only at start-up; a process that sets it later (the in-process
 * demo, a test) would not be heard. Reading the file here makes both work: a certificate Node's
 * own trust refuses is tried again with Node's bundled roots plus that file. Without the variable,
 * Node's trust is left as it is.
 */
function trust(env: NodeJS.ProcessEnv): Trust {
  const file = env.NODE_EXTRA_CA_CERTS;
  if (!file) return {};
  const read = readBounded(file, CA_FILE_LIMIT);
  if ("problem" in read) return { extraProblem: `NODE_EXTRA_CA_CERTS (${file}): ${read.problem}` };
  // Each certificate on its own: a bundle made by concatenating files without a final newline
  // ("-----END CERTIFICATE----------BEGIN…") would otherwise lose all but the first.
  const pems = read.bytes.toString("utf8").match(PEM_CERTIFICATE) ?? [];
  if (pems.length === 0)
    return { extraProblem: `NODE_EXTRA_CA_CERTS (${file}) holds no PEM certificate` };
  const key = pems.join("\n");
  return {
    context: () => {
      if (made?.pems !== key)
        made = { pems: key, context: createSecureContext({ ca: [...rootCertificates, ...pems] }) };
      return made.context;
    },
  };
}

/** Why a fetch did not give a document: said after "could not check: URL: ". */
class Unreachable extends Error {
  constructor(
    reason: string,
    readonly certificate = false,
  ) {
    super(reason);
  }
}

type Fetched = { body: string } | { unchecked: string; hint: string };

const TLS_UNTRUSTED = new Set([
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "UNABLE_TO_GET_ISSUER_CERT",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "CERT_UNTRUSTED",
]);

/** A network error in words. */
function reasonOf(e: unknown): Unreachable {
  if (e instanceof Unreachable) return e;
  const { code, message } = e as NodeJS.ErrnoException;
  if (code && TLS_UNTRUSTED.has(code))
    return new Unreachable(`certificate not trusted (${code})`, true);
  if (code === "CERT_HAS_EXPIRED") return new Unreachable("certificate expired", true);
  if (code === "CERT_NOT_YET_VALID") return new Unreachable("certificate not yet valid", true);
  if (code === "ERR_TLS_CERT_ALTNAME_INVALID")
    return new Unreachable("certificate does not name this host", true);
  if (code === "ENOTFOUND") return new Unreachable("host not found (DNS)");
  if (code === "EAI_AGAIN") return new Unreachable("DNS lookup failed");
  if (code === "ECONNREFUSED") return new Unreachable("connection refused");
  if (code === "ECONNRESET") return new Unreachable("connection reset");
  if (code === "EHOSTUNREACH" || code === "ENETUNREACH") return new Unreachable("host unreachable");
  if (code === "ETIMEDOUT") return new Unreachable("connection timed out");
  if (code?.startsWith("ERR_SSL_") || code === "EPROTO")
    return new Unreachable(`TLS handshake failed (${code})`);
  return new Unreachable(code ? `${message} (${code})` : message);
}

const duration = (ms: number) => (ms < 1000 ? `${ms} ms` : `${+(ms / 1000).toFixed(1)} s`);

/** One GET: the status, the redirect target, and the body of a 2xx answer, within ANSWER_LIMIT bytes. */
function get(
  url: URL,
  context: SecureContext | undefined,
  signal: AbortSignal,
): Promise<{ status: number; location?: string; body: string }> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    // No agent: no connection kept alive after the check, and the trust applies as given.
    const req = request(url, {
      method: "GET",
      agent: false,
      ...(context ? { secureContext: context } : {}),
      headers: { accept: "application/json", "user-agent": "wfplan" },
    });
    const settle = (fn: () => void) => {
      signal.removeEventListener("abort", onAbort);
      fn();
    };
    const fail = (e: unknown) => settle(() => reject(e));
    const onAbort = () => {
      fail(signal.reason);
      req.destroy();
    };
    signal.addEventListener("abort", onAbort, { once: true });
    req.on("error", fail);
    req.on("response", (res) => {
      const status = res.statusCode ?? 0;
      if (status < 200 || status > 299) {
        settle(() => resolve({ status, location: res.headers.location, body: "" }));
        req.destroy();
        return;
      }
      const tooLarge = () => {
        fail(new Unreachable(`answer larger than ${sizeText(ANSWER_LIMIT)}`));
        req.destroy();
      };
      if (Number(res.headers["content-length"]) > ANSWER_LIMIT) return tooLarge();
      const chunks: Buffer[] = [];
      let size = 0;
      res.on("data", (chunk: Buffer) => {
        size += chunk.length;
        if (size > ANSWER_LIMIT) return tooLarge();
        chunks.push(chunk);
      });
      res.on("error", fail);
      res.on("close", () => {
        if (!res.complete) fail(new Unreachable("the connection closed before the answer ended"));
      });
      res.on("end", () =>
        settle(() => resolve({ status, body: Buffer.concat(chunks).toString() })),
      );
    });
    req.end();
  });
}

/**
 * GET an https URL, following at most MAX_REDIRECTS redirects, all within one deadline. A
 * redirect to anything but https is not followed, and the check is `unchecked` rather than a
 * problem: the hop may come from a proxy on the way rather than the provider, so it says nothing
 * about the spec, and an answer over http could be forged by anyone on the path.
 */
async function fetchText(
  start: URL,
  trusted: Trust["context"],
  o: OidcCheckOptions,
): Promise<Fetched> {
  const timeoutMs = o.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const deadline = new AbortController();
  const timedOut = new Unreachable(`no complete answer within ${duration(timeoutMs)}`);
  const timer = setTimeout(() => deadline.abort(timedOut), timeoutMs);
  const stop = () => deadline.abort(o.signal?.reason);
  o.signal?.addEventListener("abort", stop, { once: true });
  let url = start;
  const unchecked = (e: unknown): Fetched => {
    if (o.signal?.aborted) throw o.signal.reason;
    const reason = reasonOf(e);
    const at = url.href === start.href ? "" : ` (redirected to ${shown(url.href)})`;
    return {
      unchecked: `could not check: ${start.href}${at}: ${reason.message}`,
      hint: reason.certificate
        ? "for an identity provider whose certificate comes from a private CA, set NODE_EXTRA_CA_CERTS to a file holding that CA's certificate"
        : "check the URL and the network (a proxy or firewall between wfplan and the identity provider)",
    };
  };
  try {
    if (o.signal?.aborted) throw o.signal.reason;
    for (let hop = 0; ; hop++) {
      const answer = await get(url, undefined, deadline.signal).catch((e: unknown) => {
        // Node's trust as set up at start-up first; NODE_EXTRA_CA_CERTS as it is now if that
        // refused the certificate (its context is costly to make, and rarely needed).
        const context = reasonOf(e).certificate ? trusted?.() : undefined;
        if (!context) throw e;
        return get(url, context, deadline.signal);
      });
      if ([301, 302, 303, 307, 308].includes(answer.status)) {
        if (!answer.location) throw new Unreachable(`HTTP ${answer.status} without a Location`);
        if (hop === MAX_REDIRECTS) throw new Unreachable(`more than ${MAX_REDIRECTS} redirects`);
        let next: URL;
        try {
          next = new URL(answer.location, url);
        } catch {
          throw new Unreachable(`a redirect to an invalid URL, ${shown(answer.location)}`);
        }
        if (next.protocol !== "https:") {
          throw new Unreachable(
            `a redirect to ${shown(next.href)}, which wfplan does not follow (https only)`,
          );
        }
        url = next;
        continue;
      }
      if (answer.status < 200 || answer.status > 299)
        throw new Unreachable(`the server answered HTTP ${answer.status}`);
      return { body: answer.body };
    }
  } catch (e) {
    return unchecked(e);
  } finally {
    clearTimeout(timer);
    o.signal?.removeEventListener("abort", stop);
  }
}

/** An https URL, or why it cannot be fetched: SageMaker calls every OIDC endpoint over https. */
function httpsUrl(text: string, field: string): URL | { problem: string } {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return { problem: `${field} ${shown(text)} is not a valid URL` };
  }
  if (url.protocol !== "https:")
    return { problem: `${field} ${shown(text)} is not https; SageMaker requires https` };
  return url;
}

/** JSON text, or undefined when it is not JSON (a byte-order mark is allowed). */
function parseJson(text: string): { value: unknown } | undefined {
  try {
    return { value: JSON.parse(text.replace(/^\uFEFF/, "")) };
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------- the check

async function checkDiscovery(
  oidc: OidcEndpoints,
  ca: Trust,
  o: OidcCheckOptions,
): Promise<PreflightFinding> {
  const finding = (outcome: PreflightFinding["outcome"], message: string, hint?: string) => ({
    check: "oidc-discovery" as const,
    subject: oidc.issuer,
    outcome,
    message,
    ...(hint ? { hint } : {}),
    paths: PATHS,
  });
  const issuer = httpsUrl(oidc.issuer, "the issuer");
  if (!(issuer instanceof URL))
    return finding("problem", issuer.problem, "use the identity provider's https issuer URL");
  const url = new URL(discoveryUrl(oidc.issuer));
  const got = await fetchText(url, ca.context, o);
  if ("unchecked" in got) return finding("unchecked", got.unchecked, hintWith(got.hint, ca));
  const parsed = parseJson(got.body);
  const where = `the discovery document at ${url.href}`;
  if (!parsed) return finding("problem", `${where} is not JSON`, SPEC_HINT);
  const doc = parsed.value;
  if (typeof doc !== "object" || doc === null || Array.isArray(doc))
    return finding("problem", `${where} is not a JSON object`, SPEC_HINT);
  const differences = compareDiscovery(oidc, doc as Record<string, unknown>);
  if (differences.length > 0) {
    return finding(
      "problem",
      `the identity provider's discovery document disagrees with the spec: ${differences.join("; ")}`,
      SPEC_HINT,
    );
  }
  return finding("ok", "the discovery document matches the spec");
}

async function checkJwks(
  oidc: OidcEndpoints,
  ca: Trust,
  o: OidcCheckOptions,
): Promise<PreflightFinding> {
  const finding = (outcome: PreflightFinding["outcome"], message: string, hint?: string) => ({
    check: "oidc-jwks" as const,
    subject: oidc.jwksUri,
    outcome,
    message,
    ...(hint ? { hint } : {}),
    paths: PATHS,
  });
  const hint = "jwksUri must name the identity provider's JSON Web Key Set (its jwks_uri)";
  const url = httpsUrl(oidc.jwksUri, "jwksUri");
  if (!(url instanceof URL)) return finding("problem", url.problem, hint);
  const got = await fetchText(url, ca.context, o);
  if ("unchecked" in got) return finding("unchecked", got.unchecked, hintWith(got.hint, ca));
  const parsed = parseJson(got.body);
  if (!parsed) return finding("problem", `the answer at ${url.href} is not JSON`, hint);
  const keys = inspectKeySet(parsed.value);
  if ("problem" in keys) return finding("problem", `${url.href} ${keys.problem}`, hint);
  return finding("ok", `a JWK set with ${keys.keys} key${keys.keys === 1 ? "" : "s"}`);
}

/** The hint of an unchecked fetch, and why NODE_EXTRA_CA_CERTS was not used when it was set. */
const hintWith = (hint: string, ca: Trust) =>
  ca.extraProblem ? `${hint}; ${ca.extraProblem}` : hint;

/**
 * The OIDC discovery check (issue #16): two findings, `oidc-discovery` (the discovery document
 * agrees with the spec) and `oidc-jwks` (the spec's jwksUri holds a key set), fetched concurrently.
 */
export async function checkOidcDiscovery(
  oidc: OidcEndpoints,
  opts: OidcCheckOptions = {},
): Promise<PreflightFinding[]> {
  const ca = trust(opts.env ?? process.env);
  return Promise.all([checkDiscovery(oidc, ca, opts), checkJwks(oidc, ca, opts)]);
}
