/**
 * The local SageMaker workforce API: AWS JSON 1.1 over HTTP on loopback (`POST /`,
 * `X-Amz-Target: SageMaker.<Operation>`), so the AWS SDKs and the AWS CLI work against it with an
 * endpoint URL. Also serves a small admin API under /_emulator/ for tests, and injects faults.
 *
 * On the same port, the SNS, EC2 and Cognito reads of the preflight checks (references.ts), told
 * apart by the service in the request's signature scope (`Credential=…/<region>/<service>/…`),
 * else by the Cognito X-Amz-Target prefix or the query protocol's `Version`. Their state is
 * `EmulatorState.references`; the admin route `POST /_emulator/references` adds to it (body: a
 * `References` with any of its lists, each entry replacing the one with its ARN or id), e.g.
 *   {"topics": [{"arn": "arn:aws:sns:us-east-1:123456789012:labeling", "policy": "{…}"}],
 *    "vpcs": [{"id": "vpc-0abc", "dnsHostnames": true}],
 *    "subnets": [{"id": "subnet-1", "vpcId": "vpc-0abc"}],
 *    "securityGroups": [{"id": "sg-1", "vpcId": "vpc-0abc"}],
 *    "userPools": [{"id": "us-east-1_AbC", "clients": ["client1"], "groups": ["labelers"]}]}
 * Faults other than `referenceReads` apply to SageMaker calls only, and those reads do not count
 * towards `throttleEvery` and `errorEvery`.
 *
 * Accounts and STS (sts.ts): a request acts in its access key's account, and sees only that
 * account's entries in its region. STS (`GetCallerIdentity`, `AssumeRole`) is served on the same
 * port, told apart by the `sts` of its signature's scope. Admin routes seed the accounts:
 * `POST /_emulator/access-keys` (`{"AKIA…": "111111111111"}`, access key id → account) and
 * `POST /_emulator/roles` (`["arn:aws:iam::222222222222:role/wfplan"]`, the roles AssumeRole may
 * assume).
 */
import { randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { UserError } from "../errors.ts";
import { readBounded, sizeText } from "../io/read.ts";
import { ApiError, signatureProblem } from "./errors.ts";
import { isModeled, validateInput, validationMessage } from "./model.ts";
import { MUTATING, type OperationContext, operations, settle } from "./operations.ts";
import {
  answerReference,
  mergeReferences,
  type ReferenceService,
  referenceServiceOf,
} from "./references.ts";
import {
  checkAccounts,
  type EmulatorState,
  emptyReferences,
  emptyState,
  parseState,
  type References,
  saveState,
} from "./state.ts";
import {
  accessKeyOf,
  answerSts,
  type Caller,
  callerOf,
  isStsRequest,
  type StsRequest,
} from "./sts.ts";

export interface Faults {
  /** Answer every Nth API call with ThrottlingException. */
  throttleEvery?: number;
  /** Answer every Nth API call with a server error (errorStatus, 500 by default). */
  errorEvery?: number;
  errorStatus?: 500 | 503;
  /** Added to every API call. */
  latencyMs?: number;
  /** The next `count` workforce updates end Failed with this FailureReason. */
  failUpdates?: { reason: string; count: number };
  /** An update that removes the VPC leaves its endpoint reported, as a misbehaving service might. */
  vpcEndpointLeftOnDetach?: boolean;
  /** Words a missing workforce's ValidationException differently (wfplan must not rely on them). */
  workforceNotFoundMessage?: string;
  /** Holds the answer to the next `count` calls of `operation` for `ms`, after doing what they ask. */
  delayAnswer?: { operation: string; ms: number; count: number };
  /**
   * Every SNS, EC2 and Cognito read of the preflight checks answers as an endpoint that does not
   * serve it (`InvalidAction`, `UnknownOperationException`) or a role without the permission
   * (`AuthorizationError`, `UnauthorizedOperation`, `AccessDeniedException`).
   */
  referenceReads?: "UnknownOperation" | "AccessDenied";
}

export interface EmulatorOptions {
  port?: number;
  /** The region for requests that do not name one in their signature. */
  region?: string;
  /** Load state from this file if it exists, and write it back after every change. */
  stateFile?: string;
  /** Initial state when there is no state file. */
  seed?: EmulatorState;
  /** Initializing → Active. */
  createDelayMs?: number;
  /** Updating → Active (or Failed). */
  updateDelayMs?: number;
  faults?: Faults;
  /** The time (ms since the epoch), for tests that move it themselves; Date.now by default. */
  clock?: () => number;
  /** One line per API call, for `wfplan emulator` to print. */
  log?: (line: string) => void;
}

export interface CallRecord {
  operation: string;
  /** The service of a preflight read (SNS, EC2, Cognito) or of STS; absent for SageMaker. */
  service?: ReferenceService | "sts";
  region: string;
  /** The account the call acted in (its access key's), when it is not the default account. */
  account?: string;
  status: number;
  errorType?: string;
}

/** Told of each API call the emulator answered without an error, before the answer is sent. */
export type CallListener = (call: CallRecord, input: Record<string, unknown>) => void;

/**
 * Told of each valid SageMaker request before it takes effect. Answering "drop" loses it: the
 * emulator closes the connection without acting on it, as when a client dies or the network fails
 * before the request reaches the service.
 */
export type ArrivalListener = (
  call: Pick<CallRecord, "operation" | "region" | "account">,
  input: Record<string, unknown>,
) => "drop" | undefined;

export interface Emulator {
  url: string;
  port: number;
  state(): EmulatorState;
  calls: CallRecord[];
  setFaults(faults: Faults): void;
  /**
   * Tests: run `listener` at each successful call, before its answer leaves, so a test can act at
   * an exact point of a client's sequence (with `invoke`) instead of sleeping. Returns "stop".
   */
  onCall(listener: CallListener): () => void;
  /** Tests: run `listener` as each valid SageMaker request arrives, before it takes effect. */
  onArrival(listener: ArrivalListener): () => void;
  /** Tests: add SNS topics, VPC parts, user pools (each replacing the one with its ARN or id). */
  seedReferences(refs: Partial<References>): References;
  /** Tests: add access keys (access key id → account), each replacing the one with its id. */
  seedAccessKeys(keys: Record<string, string>): Record<string, string>;
  /** Tests: add IAM roles (ARNs) that sts:AssumeRole may assume. */
  seedRoles(roles: string[]): string[];
  /**
   * Tests: run an operation directly on the state, as another client's request would: in the
   * emulator's default region and the default account, or those `where` names (a region, or
   * `{region, account}`).
   */
  invoke(
    operation: string,
    input: Record<string, unknown>,
    where?: string | { region?: string; account?: string },
  ): unknown;
  stop(): Promise<void>;
}

const JSON_11 = "application/x-amz-json-1.1";
const MAX_BODY = 1024 * 1024;
const CREDENTIAL_REGION = /Credential=[^/]+\/\d{8}\/([a-z0-9-]+)\/sagemaker\//;
/** The region and service of a signature's credential scope. */
const CREDENTIAL_SCOPE = /Credential=[^/]+\/\d{8}\/([a-z0-9-]+)\/([a-z0-9-]+)\//;

/** The most an emulator state (or seed) file may hold: far more than any real state needs. */
export const MAX_STATE_FILE_BYTES = 16 * 1024 * 1024;

/**
 * An emulator state file, read bounded (a regular file of at most MAX_STATE_FILE_BYTES, so
 * /dev/zero or a FIFO is refused at once) and parsed; a problem is a UserError naming the file.
 */
export function readStateFile(file: string, what = file): EmulatorState {
  const read = readBounded(file, MAX_STATE_FILE_BYTES);
  if ("problem" in read) {
    throw new UserError(`${what}: not a readable emulator state file (${read.problem})`, {
      hint: `an emulator state file is a regular JSON file of at most ${sizeText(MAX_STATE_FILE_BYTES)}`,
    });
  }
  try {
    return parseState(read.bytes.toString("utf8"));
  } catch (e) {
    throw new UserError(`${what}: not a readable emulator state file (${(e as Error).message})`);
  }
}

export async function startEmulator(opts: EmulatorOptions = {}): Promise<Emulator> {
  const defaultRegion = opts.region ?? "us-east-1";
  let state: EmulatorState =
    opts.stateFile && existsSync(opts.stateFile)
      ? readStateFile(opts.stateFile)
      : structuredClone(opts.seed ?? emptyState());
  // A seed made before there were references, or accounts, has none.
  state.references = { ...emptyReferences(), ...state.references };
  state.accessKeys ??= {};
  state.roles ??= [];
  state.sessions ??= {};
  let faults: Faults = { ...opts.faults };
  let count = 0;
  const calls: CallRecord[] = [];
  const listeners = new Set<CallListener>();
  const arrivals = new Set<ArrivalListener>();
  const clock = opts.clock ?? Date.now;
  const persist = () => {
    if (opts.stateFile) saveState(opts.stateFile, state);
  };

  const ctx = (region: string, account = state.accountId): OperationContext => ({
    state,
    region,
    account,
    now: clock(),
    createDelayMs: opts.createDelayMs ?? 2000,
    updateDelayMs: opts.updateDelayMs ?? 3000,
    vpcEndpointLeftOnDetach: faults.vpcEndpointLeftOnDetach === true,
    workforceNotFoundMessage: faults.workforceNotFoundMessage,
    takeUpdateFailure() {
      const f = faults.failUpdates;
      if (!f || f.count <= 0) return undefined;
      f.count -= 1;
      return f.reason;
    },
  });

  /** A call record's `account`: left out for the default account, as before there were accounts. */
  const accountField = (caller: Caller) =>
    caller.account === state.accountId ? {} : { account: caller.account };

  /** An SNS, EC2 or Cognito read (references.ts), recorded as a call like SageMaker's. */
  function reference(
    req: IncomingMessage,
    res: ServerResponse,
    body: string,
    service: ReferenceService,
    scope: RegExpExecArray | null,
    caller: Caller,
  ): void {
    const region = scope?.[1] ?? defaultRegion;
    const answer = answerReference(
      {
        service,
        region,
        auth: String(req.headers.authorization ?? ""),
        target: String(req.headers["x-amz-target"] ?? ""),
        contentType: String(req.headers["content-type"] ?? ""),
        body,
      },
      {
        references: state.references,
        accountId: caller.account,
        callerArn: caller.arn,
        defaultAccount: state.accountId,
        refused: caller.refused,
        defaultRegion,
        fault: faults.referenceReads,
      },
    );
    const { operation, status, errorType } = answer;
    const record: CallRecord = { operation, service, region, ...accountField(caller), status };
    if (errorType) record.errorType = errorType;
    calls.push(record);
    opts.log?.(`${status} ${service}:${operation}${errorType ? ` ${errorType}` : ""}`);
    if (!errorType) {
      const input =
        service === "cognito-idp"
          ? (JSON.parse(body) as Record<string, unknown>)
          : Object.fromEntries(new URLSearchParams(body));
      for (const listener of listeners) listener(record, input);
    }
    const headers: Record<string, string> = {
      "content-type": answer.contentType,
      "x-amzn-requestid": randomUUID(),
    };
    if (errorType && service === "cognito-idp") headers["x-amzn-errortype"] = errorType;
    res.writeHead(status, headers).end(answer.body);
  }

  /** An STS call (sts.ts), recorded as a call like SageMaker's; no fault applies to it. */
  function sts(
    res: ServerResponse,
    request: StsRequest,
    scope: RegExpExecArray | null,
    caller: Caller,
  ): void {
    const region = scope?.[1] ?? defaultRegion;
    const answer = answerSts(request, state, clock());
    if (answer.changed) persist();
    const { operation, status, errorType } = answer;
    const record: CallRecord = {
      operation,
      service: "sts",
      region,
      ...accountField(caller),
      status,
    };
    if (errorType) record.errorType = errorType;
    calls.push(record);
    opts.log?.(`${status} sts:${operation}${errorType ? ` ${errorType}` : ""}`);
    if (!errorType) for (const listener of listeners) listener(record, answer.input);
    res
      .writeHead(status, { "content-type": answer.contentType, "x-amzn-requestid": randomUUID() })
      .end(answer.body);
  }

  async function api(req: IncomingMessage, res: ServerResponse, body: string): Promise<void> {
    const target = String(req.headers["x-amz-target"] ?? "");
    const auth = String(req.headers.authorization ?? "");
    const scope = CREDENTIAL_SCOPE.exec(auth);
    const sessionToken = String(req.headers["x-amz-security-token"] ?? "");
    const caller = callerOf(state, accessKeyOf(auth), clock(), sessionToken);
    const contentType = String(req.headers["content-type"] ?? "");
    if (!target && isStsRequest(scope?.[2], contentType, body)) {
      return sts(res, { auth, sessionToken, contentType, body }, scope, caller);
    }
    const service = referenceServiceOf(scope?.[2], target, contentType, body);
    if (service) return reference(req, res, body, service, scope, caller);
    const operation = target.startsWith("SageMaker.") ? target.slice("SageMaker.".length) : "";
    const region =
      CREDENTIAL_REGION.exec(String(req.headers.authorization ?? ""))?.[1] ?? defaultRegion;
    const record: CallRecord = {
      operation: operation || target || "(none)",
      region,
      ...accountField(caller),
      status: 200,
    };
    calls.push(record);
    const reply = (status: number, payload: unknown, errorType?: string) => {
      record.status = status;
      record.errorType = errorType;
      opts.log?.(`${status} ${record.operation}${errorType ? ` ${errorType}` : ""}`);
      const headers: Record<string, string> = {
        "content-type": JSON_11,
        "x-amzn-requestid": randomUUID(),
      };
      if (errorType) headers["x-amzn-errortype"] = errorType;
      res.writeHead(status, headers).end(JSON.stringify(payload));
    };
    // A modeled exception carries its message in the model's member, Message; the common errors
    // (ValidationException, throttling, 5xx) in "message", as the service writes them.
    const fail = (e: ApiError) =>
      reply(
        e.status,
        { __type: e.type, [isModeled(e.type) ? "Message" : "message"]: e.message },
        e.type,
      );

    // As the service: an unsigned request is refused before anything else, then a body that is
    // not AWS JSON 1.1.
    const unsigned = signatureProblem(auth);
    if (unsigned) return fail(new ApiError(`${unsigned.code}Exception`, unsigned.message, 403));
    if (caller.refused === "invalid") {
      return fail(
        new ApiError(
          "UnrecognizedClientException",
          "The security token included in the request is invalid.",
        ),
      );
    }
    if (caller.refused === "expired") {
      return fail(
        new ApiError(
          "ExpiredTokenException",
          "The security token included in the request is expired",
          403,
        ),
      );
    }
    if (contentType.split(";")[0]!.trim() !== JSON_11) {
      return fail(new ApiError("SerializationException", `Content-Type must be ${JSON_11}.`));
    }
    // Own entries only: an operation named after an Object method (toString) is no operation.
    if (req.method !== "POST" || !Object.hasOwn(operations, operation)) {
      return fail(
        new ApiError(
          "UnknownOperationException",
          `Unknown operation ${target || "(no X-Amz-Target)"}.`,
        ),
      );
    }
    count += 1;
    if (faults.latencyMs) await new Promise((r) => setTimeout(r, faults.latencyMs));
    if (faults.throttleEvery && count % faults.throttleEvery === 0) {
      return fail(new ApiError("ThrottlingException", "Rate exceeded"));
    }
    if (faults.errorEvery && count % faults.errorEvery === 0) {
      const status = faults.errorStatus ?? 500;
      return fail(
        status === 503
          ? new ApiError("ServiceUnavailable", "Service is unavailable. Please retry.", 503)
          : new ApiError("InternalFailure", "An internal error occurred. Please retry.", 500),
      );
    }
    let input: Record<string, unknown>;
    try {
      input = body ? JSON.parse(body) : {};
    } catch {
      return fail(new ApiError("SerializationException", "The request body is not valid JSON."));
    }
    const problems = validateInput(operation, input);
    if (problems.length > 0)
      return fail(new ApiError("ValidationException", validationMessage(problems)));
    const c = ctx(region, caller.account);
    settle(state, c.now);
    const call = { operation, region, ...(record.account && { account: record.account }) };
    if ([...arrivals].some((listener) => listener(call, input) === "drop")) {
      record.status = 0;
      record.errorType = "Dropped";
      res.socket?.destroy();
      return;
    }
    try {
      const output = operations[operation]!(input, c);
      if (MUTATING.has(operation)) persist();
      for (const listener of listeners) listener(record, input);
      const held = faults.delayAnswer;
      if (held && held.operation === operation && held.count > 0) {
        held.count -= 1;
        await new Promise((r) => setTimeout(r, held.ms));
      }
      reply(200, output);
    } catch (e) {
      if (e instanceof ApiError) return fail(e);
      throw e;
    }
  }

  /** The test-facing routes under /_emulator/: read state and calls, set faults, seed jobs, reset. */
  function admin(method: string, path: string, body: string): [number, unknown] {
    const parsed = body ? JSON.parse(body) : undefined;
    switch (`${method} ${path}`) {
      case "GET /_emulator/state":
        settle(state, clock());
        return [200, state];
      case "GET /_emulator/calls":
        return [200, calls];
      case "POST /_emulator/faults":
        faults = { ...parsed };
        return [200, faults];
      case "POST /_emulator/references":
        mergeReferences(
          state.references,
          parseState(JSON.stringify({ references: parsed })).references,
        );
        persist();
        return [200, state.references];
      case "POST /_emulator/access-keys":
        return seeded(() => addAccessKeys(parsed));
      case "POST /_emulator/roles":
        return seeded(() => addRoles([parsed].flat()));
      case "POST /_emulator/labeling-jobs":
        state.labelingJobs.push(
          ...parseState(JSON.stringify({ labelingJobs: [parsed].flat() })).labelingJobs,
        );
        persist();
        return [200, state.labelingJobs];
      case "POST /_emulator/reset":
        state = parsed ? parseState(body) : emptyState();
        calls.length = 0;
        persist();
        return [200, state];
      default:
        return [404, { message: `no admin route ${method} ${path}` }];
    }
  }

  function addAccessKeys(keys: Record<string, string>): Record<string, string> {
    checkAccounts({ accessKeys: keys, roles: [] });
    Object.assign(state.accessKeys, keys);
    persist();
    return state.accessKeys;
  }

  function addRoles(roles: string[]): string[] {
    checkAccounts({ accessKeys: {}, roles });
    for (const role of roles) if (!state.roles.includes(role)) state.roles.push(role);
    persist();
    return state.roles;
  }

  /** An admin route that seeds: a bad entry is the caller's error (400), with what is wrong. */
  function seeded(seed: () => unknown): [number, unknown] {
    try {
      return [200, seed()];
    } catch (e) {
      return [400, { message: (e as Error).message }];
    }
  }

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY) chunks.push(chunk);
    });
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      const path = (req.url ?? "/").split("?")[0]!;
      const done = (e: unknown) => {
        if (!res.headersSent) {
          res
            .writeHead(500, { "content-type": JSON_11, "x-amzn-errortype": "InternalFailure" })
            .end(JSON.stringify({ __type: "InternalFailure", message: String(e) }));
        }
      };
      if (size > MAX_BODY) {
        res
          .writeHead(413, { "content-type": JSON_11 })
          .end(JSON.stringify({ __type: "SerializationException", message: "Request too large." }));
        return;
      }
      try {
        if (path.startsWith("/_emulator/")) {
          const [status, value] = admin(req.method ?? "GET", path, body);
          res
            .writeHead(status, { "content-type": "application/json" })
            .end(JSON.stringify(value, null, 2));
        } else api(req, res, body).catch(done);
      } catch (e) {
        done(e);
      }
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 0, "127.0.0.1", () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    state: () => state,
    calls,
    setFaults(f) {
      faults = { ...f };
    },
    onCall(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    onArrival(listener) {
      arrivals.add(listener);
      return () => arrivals.delete(listener);
    },
    seedReferences(refs) {
      mergeReferences(state.references, structuredClone(refs));
      persist();
      return state.references;
    },
    seedAccessKeys: addAccessKeys,
    seedRoles: addRoles,
    invoke(operation, input, where) {
      const { region = defaultRegion, account = state.accountId } =
        typeof where === "string" ? { region: where } : (where ?? {});
      const c = ctx(region, account);
      settle(state, c.now);
      const problems = validateInput(operation, input);
      if (problems.length > 0)
        throw new ApiError("ValidationException", validationMessage(problems));
      const output = operations[operation]!(input, c);
      if (MUTATING.has(operation)) persist();
      return output;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
