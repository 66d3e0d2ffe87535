/**
 * The REST API (spec §10): data reads and writes on `/<path>.json`, and the emulator-only endpoints
 * the tooling calls (`/.settings/rules.json`, `/.settings/functionTriggers.json`,
 * `/.inspect/databases.json`). Every answer is JSON; every failure is `{"error": "…"}` with a status
 * a client can act on, and nothing is written when a request is refused.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { randomInt } from "node:crypto";
import { userContextFromIdToken } from "./protocol/auth.js";
import type { Faults } from "./engine/faults.js";
import { hashNode } from "./engine/hash.js";
import { InvalidPathError, parsePath } from "./engine/path.js";
import { InvalidQueryError, parseRestQuery } from "./engine/query.js";
import { RulesError } from "./rules/index.js";
import { parseJson, toPlain } from "./rules/json.js";
import { hasChildren, leafValue, childKeys, toRestValue, type Node } from "./engine/tree.js";
import { TriggerRegistrationError, type TriggerRegistry } from "./engine/triggers.js";
import {
  ADMIN,
  UNAUTHENTICATED,
  type AuthContext,
  type Engine,
  type QuerySpec,
  type WriteResult,
} from "./engine/types.js";

const DEFAULT_NAMESPACE = "fake-server";

/** Production's limit for one REST write; `writeSizeLimit=unlimited` (imports) lifts it. */
export const DEFAULT_MAX_REST_BODY_BYTES = 256 * 1024 * 1024;

export interface RestOptions {
  readonly maxBodyBytes?: number;
  /** Stalled writes are held here with the SDK sessions' (test fault control). */
  readonly faults?: Faults;
}

/** A refusal with its HTTP status; the message goes into the `{"error"}` body. */
class RestError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
  }
}

const PERMISSION_DENIED = "Permission denied";
const INVALID_JSON = "Invalid data; couldn't parse JSON object, array, or value.";
/** What production calls a missing location's ETag. */
const NULL_ETAG = "null_etag";

const CORS_HEADERS: Readonly<Record<string, string>> = {
  "Access-Control-Allow-Origin": "*",
  "Access-Control-Allow-Methods": "GET, PUT, POST, PATCH, DELETE, OPTIONS",
  "Access-Control-Expose-Headers": "ETag",
  "Access-Control-Max-Age": "86400",
};
const DEFAULT_ALLOWED_HEADERS =
  "Authorization, Content-Type, X-HTTP-Method-Override, X-Firebase-ETag, If-Match";

const QUERY_FILTERS = [
  "startAt",
  "startAfter",
  "endAt",
  "endBefore",
  "equalTo",
  "limitToFirst",
  "limitToLast",
];

const WRITE_SIZE_LIMITS = new Set(["tiny", "small", "medium", "large", "unlimited"]);

interface RestRequest {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly url: URL;
  readonly method: string;
  readonly namespace: string;
  readonly options: RestOptions;
}

/**
 * Answers one HTTP request that is not a WebSocket or long-polling one. Never rejects: refusals are
 * `{"error"}` answers, and anything unexpected is logged and answered with a 500.
 */
export async function handleRest(
  engine: Engine,
  triggers: TriggerRegistry,
  req: IncomingMessage,
  res: ServerResponse,
  options: RestOptions = {},
): Promise<void> {
  try {
    for (const [name, value] of Object.entries(CORS_HEADERS)) res.setHeader(name, value);
    const url = new URL(req.url ?? "/", "http://localhost");
    // Only a POST may stand in for another method, so a plain GET (a link, an image) never writes.
    const override = req.method === "POST" ? req.headers["x-http-method-override"] : undefined;
    const method = (
      typeof override === "string" && override !== "" ? override : (req.method ?? "GET")
    ).toUpperCase();
    const namespace = url.searchParams.get("ns") || DEFAULT_NAMESPACE;
    const request: RestRequest = { req, res, url, method, namespace, options };

    if (req.method === "OPTIONS") {
      const asked = req.headers["access-control-request-headers"];
      res.writeHead(204, { "Access-Control-Allow-Headers": asked ?? DEFAULT_ALLOWED_HEADERS });
      res.end();
      return;
    }
    await route(engine, triggers, request);
  } catch (error) {
    if (error instanceof RestError) {
      sendError(res, error);
      return;
    }
    console.error("rtdb-emulator: REST request failed", error);
    if (res.headersSent) {
      res.destroy();
      return;
    }
    sendError(res, new RestError(500, "Internal error"));
  }
}

async function route(
  engine: Engine,
  triggers: TriggerRegistry,
  request: RestRequest,
): Promise<void> {
  const pathname = request.url.pathname;
  if (pathname === "/.settings/rules.json") return handleRules(engine, request);
  if (pathname === "/.settings/functionTriggers.json")
    return handleTriggerRegistration(triggers, request);
  if (pathname === "/.inspect/databases.json") {
    handleInspect(engine, request);
    return;
  }
  if (pathname.startsWith("/.settings/") || pathname.startsWith("/.inspect/")) {
    throw new RestError(404, `Unknown emulator endpoint ${pathname}`);
  }
  if (!pathname.endsWith(".json")) {
    throw new RestError(404, "Not found. REST paths end in .json, e.g. /users/alice.json");
  }
  return handleData(engine, request, dataPath(pathname));
}

function dataPath(pathname: string): string[] {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname.slice(0, -".json".length));
  } catch {
    throw new RestError(400, `Invalid path: bad percent-encoding in ${pathname}`);
  }
  try {
    return parsePath(decoded);
  } catch (error) {
    if (error instanceof InvalidPathError) throw new RestError(400, error.message);
    throw error;
  }
}

// ---------------------------------------------------------------------------------------------
// Data endpoints

interface OutputFormat {
  readonly pretty: boolean;
  readonly silent: boolean;
  readonly exportFormat: boolean;
}

function outputFormat(params: URLSearchParams): OutputFormat {
  const print = params.get("print");
  if (print !== null && print !== "pretty" && print !== "silent") {
    throw new RestError(400, `print must be "pretty" or "silent" (got ${print})`);
  }
  const format = params.get("format");
  if (format !== null && format !== "export") {
    throw new RestError(400, `format must be "export" (got ${format})`);
  }
  return {
    pretty: print === "pretty",
    silent: print === "silent",
    exportFormat: format === "export",
  };
}

function booleanParam(params: URLSearchParams, name: string): boolean {
  const value = params.get(name);
  if (value === null || value === "false") return false;
  if (value === "true") return true;
  throw new RestError(400, `${name} must be true or false (got ${value})`);
}

/** The credential firebase-tools, rules-unit-testing and the Admin SDK send to an emulator. */
const OWNER_TOKEN = "owner";
const UNAUTHORIZED = "Unauthorized request.";

/**
 * Who a REST request is (§7.3). `?auth=<ID token>` is that user. The `Authorization: Bearer` header
 * (or `?access_token=`) carries an access token in production; offline, the only access token the
 * emulator can honour is `owner`, which is admin. Any other bearer is not a credential we can
 * check: a decodable ID token counts as that user (never more than the user may do), anything else
 * is refused, as production refuses an access token it cannot verify. No credentials is
 * unauthenticated.
 */
function authOf(request: RestRequest): AuthContext {
  const idToken = request.url.searchParams.get("auth");
  if (idToken !== null) {
    try {
      return userContextFromIdToken(idToken);
    } catch {
      throw new RestError(401, "Could not parse auth token.");
    }
  }
  const authorization = request.req.headers.authorization;
  const bearer =
    authorization === undefined ? undefined : /^bearer\s+(\S+)\s*$/i.exec(authorization)?.[1];
  const accessToken = bearer ?? request.url.searchParams.get("access_token") ?? undefined;
  if (accessToken === undefined) return UNAUTHENTICATED;
  if (accessToken === OWNER_TOKEN) return ADMIN;
  try {
    return userContextFromIdToken(accessToken);
  } catch {
    throw new RestError(401, UNAUTHORIZED);
  }
}

/** The emulator's settings are the owner's business (firebase-tools always sends `Bearer owner`). */
function requireOwner(request: RestRequest): void {
  if (!authOf(request).admin) throw new RestError(401, PERMISSION_DENIED);
}

async function handleData(engine: Engine, request: RestRequest, path: string[]): Promise<void> {
  const params = request.url.searchParams;
  const output = outputFormat(params);
  const auth = authOf(request);
  switch (request.method) {
    case "GET":
      handleGet(engine, request, path, auth, output);
      return;
    case "PUT":
    case "POST":
    case "PATCH":
    case "DELETE":
      return handleWrite(engine, request, path, auth, output);
    default:
      throw new RestError(405, `Method ${request.method} is not supported`, {
        Allow: "GET, PUT, POST, PATCH, DELETE, OPTIONS",
      });
  }
}

function parseQuery(params: URLSearchParams): QuerySpec | null {
  try {
    return parseRestQuery(params);
  } catch (error) {
    if (error instanceof InvalidQueryError) throw new RestError(400, error.message);
    throw error;
  }
}

/**
 * firebase-tools' export probes a namespace with `shallow=true&limitToFirst=1` and no `orderBy`,
 * which the official emulator accepts; a shallow read is keyed, so it orders by key.
 */
function withKeyOrder(params: URLSearchParams): URLSearchParams {
  if (params.has("orderBy") || !QUERY_FILTERS.some((name) => params.has(name))) return params;
  const ordered = new URLSearchParams(params);
  ordered.set("orderBy", '"$key"');
  return ordered;
}

/** `shallow=true`: object children become `true`, leaf children keep their value. */
function shallowValue(node: Node): unknown {
  if (!hasChildren(node)) return leafValue(node);
  const out: Record<string, unknown> = {};
  for (const key of childKeys(node)) {
    const childNode = node[key] ?? null;
    setOwn(out, key, hasChildren(childNode) ? true : leafValue(childNode));
  }
  return out;
}

function etagOf(node: Node): string {
  const hash = hashNode(node);
  return hash === "" ? NULL_ETAG : hash;
}

function handleGet(
  engine: Engine,
  request: RestRequest,
  path: string[],
  auth: AuthContext,
  output: OutputFormat,
): void {
  const params = request.url.searchParams;
  const shallow = booleanParam(params, "shallow");
  const query = parseQuery(shallow ? withKeyOrder(params) : params);
  const result = engine.read({ namespace: request.namespace, path, query, auth });
  if (result.status !== "ok") throw new RestError(401, PERMISSION_DENIED);
  const headers: Record<string, string> = {};
  if (request.req.headers["x-firebase-etag"] === "true") headers["ETag"] = etagOf(result.node);
  if (output.silent) {
    request.res.writeHead(204, headers);
    request.res.end();
    return;
  }
  const value = shallow
    ? shallowValue(result.node)
    : output.exportFormat
      ? result.node
      : toRestValue(result.node);
  sendJson(request.res, 200, value, output.pretty, headers);
}

/** The data a write carries, with the operation it stands for. */
type ParsedWrite =
  | {
      readonly kind: "set";
      readonly path: string[];
      readonly value: unknown;
      readonly pushed?: string;
    }
  | { readonly kind: "update"; readonly path: string[]; readonly values: Record<string, unknown> };

async function handleWrite(
  engine: Engine,
  request: RestRequest,
  path: string[],
  auth: AuthContext,
  output: OutputFormat,
): Promise<void> {
  const params = request.url.searchParams;
  const writeSizeLimit = params.get("writeSizeLimit");
  if (writeSizeLimit !== null && !WRITE_SIZE_LIMITS.has(writeSizeLimit)) {
    throw new RestError(400, `writeSizeLimit must be tiny, small, medium, large or unlimited`);
  }
  const unlimited = writeSizeLimit === "unlimited";
  const fireTriggers = !booleanParam(params, "disableTriggers");
  if (!fireTriggers && !auth.admin) {
    // Imports are the tooling's: an end user must not be able to write past the functions.
    throw new RestError(401, "disableTriggers needs admin credentials (Bearer owner)");
  }
  const ifMatch = request.req.headers["if-match"];
  if (ifMatch !== undefined && request.method !== "PUT" && request.method !== "DELETE") {
    throw new RestError(400, "if-match is only supported for PUT and DELETE");
  }

  const write = await parseWrite(request, path, unlimited);
  const apply = (): WriteResult =>
    engine.write({
      namespace: request.namespace,
      path: write.path,
      operation:
        write.kind === "set"
          ? { kind: "set", value: write.value }
          : { kind: "update", values: write.values },
      auth,
      fireTriggers,
      // readBody enforces the REST limit; the engine's own limit is the SDKs' smaller one.
      unlimitedSize: true,
      ...(ifMatch === undefined ? {} : { hash: ifMatch === NULL_ETAG ? "" : ifMatch }),
    });
  const faults = request.options.faults;
  const result =
    faults === undefined
      ? apply()
      : await new Promise<WriteResult>((resolve) => {
          faults.write(() => {
            resolve(apply());
          });
        });
  switch (result.status) {
    case "ok":
      break;
    case "permission_denied":
      throw new RestError(401, PERMISSION_DENIED);
    case "invalid":
      throw new RestError(400, result.message);
    case "datastale": {
      const current = engine.read({
        namespace: request.namespace,
        path: write.path,
        query: null,
        auth: ADMIN,
      });
      const etag = current.status === "ok" ? etagOf(current.node) : NULL_ETAG;
      throw new RestError(412, "ETag mismatch", { ETag: etag });
    }
  }

  if (output.silent) {
    request.res.writeHead(204);
    request.res.end();
    return;
  }
  if (write.kind === "set" && write.pushed !== undefined) {
    sendJson(request.res, 200, { name: write.pushed }, output.pretty);
    return;
  }
  if (result.value !== null && hasChildren(result.value) && write.kind === "update") {
    const echoed: Record<string, unknown> = {};
    for (const key of childKeys(result.value))
      setOwn(echoed, key, toRestValue(result.value[key] ?? null));
    sendJson(request.res, 200, echoed, output.pretty);
    return;
  }
  sendJson(
    request.res,
    200,
    output.exportFormat ? result.value : toRestValue(result.value),
    output.pretty,
  );
}

async function parseWrite(
  request: RestRequest,
  path: string[],
  unlimited: boolean,
): Promise<ParsedWrite> {
  if (request.method === "DELETE") {
    await readBody(request, unlimited);
    return { kind: "set", path, value: null };
  }
  const value = parseJsonBody(await readBody(request, unlimited));
  if (request.method === "PUT") return { kind: "set", path, value };
  if (request.method === "POST") {
    if (path[path.length - 1] === ".priority")
      throw new RestError(400, "Cannot push to a priority");
    const name = nextPushId();
    return { kind: "set", path: [...path, name], value, pushed: name };
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new RestError(
      400,
      "Invalid data; couldn't parse JSON object. PATCH needs a JSON object of paths to values.",
    );
  }
  for (const key of Object.keys(value)) {
    try {
      parsePath(key);
    } catch (error) {
      if (error instanceof InvalidPathError) throw new RestError(400, error.message);
      throw error;
    }
  }
  return { kind: "update", path, values: { ...value } };
}

function parseJsonBody(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new RestError(400, INVALID_JSON);
  }
}

/** Reads the whole body as UTF-8, refusing it with 413 once it passes the limit. */
async function readBody(request: RestRequest, unlimited: boolean): Promise<string> {
  const { req, res } = request;
  const limit = unlimited
    ? Infinity
    : (request.options.maxBodyBytes ?? DEFAULT_MAX_REST_BODY_BYTES);
  const tooLarge = (): RestError => {
    // The rest of the body is not worth reading: answer, then drop the connection.
    res.setHeader("Connection", "close");
    res.once("finish", () => req.destroy());
    return new RestError(
      413,
      `Payload too large: the limit is ${limit} bytes (use writeSizeLimit=unlimited)`,
    );
  };
  const declared = Number(req.headers["content-length"]);
  if (Number.isFinite(declared) && declared > limit) throw tooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buffer.length;
    if (size > limit) throw tooLarge();
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}

// ---------------------------------------------------------------------------------------------
// Emulator-only endpoints

async function handleRules(engine: Engine, request: RestRequest): Promise<void> {
  requireOwner(request);
  if (request.method === "GET") {
    const source = engine.getRules(request.namespace);
    if (request.url.searchParams.get("format") !== "strict") {
      request.res.writeHead(200, { "Content-Type": "application/json; charset=utf-8" });
      request.res.end(source);
      return;
    }
    sendJson(request.res, 200, toPlain(parseJson(source)), true);
    return;
  }
  if (request.method === "PUT") {
    const source = await readBody(request, false);
    try {
      engine.setRules(request.namespace, source);
    } catch (error) {
      // A broken rules file is the caller's problem, and the old rules stay in force.
      if (error instanceof RulesError) throw new RestError(400, error.message);
      throw error;
    }
    sendJson(request.res, 200, { status: "ok" }, false);
    return;
  }
  throw new RestError(405, `Method ${request.method} is not supported on rules`, {
    Allow: "GET, PUT",
  });
}

async function handleTriggerRegistration(
  triggers: TriggerRegistry,
  request: RestRequest,
): Promise<void> {
  requireOwner(request);
  if (request.method !== "POST" && request.method !== "PUT") {
    throw new RestError(405, `Method ${request.method} is not supported on function triggers`, {
      Allow: "POST",
    });
  }
  const bundle = parseJsonBody(await readBody(request, false));
  try {
    triggers.register(request.url.searchParams.get("ns") ?? undefined, bundle);
  } catch (error) {
    if (error instanceof TriggerRegistrationError) throw new RestError(400, error.message);
    throw error;
  }
  sendJson(request.res, 200, { status: "ok" }, false);
}

function handleInspect(engine: Engine, request: RestRequest): void {
  if (request.method !== "GET") {
    throw new RestError(405, `Method ${request.method} is not supported`, { Allow: "GET" });
  }
  sendJson(
    request.res,
    200,
    engine.namespaces().map((name) => ({ name })),
    false,
  );
}

// ---------------------------------------------------------------------------------------------
// Responses

function sendJson(
  res: ServerResponse,
  status: number,
  value: unknown,
  pretty: boolean,
  headers: Readonly<Record<string, string>> = {},
): void {
  const body = JSON.stringify(value === undefined ? null : value, null, pretty ? 2 : undefined);
  res.writeHead(status, {
    ...headers,
    "Content-Type": "application/json; charset=utf-8",
    "Content-Length": Buffer.byteLength(body),
  });
  res.end(body);
}

function sendError(res: ServerResponse, error: RestError): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  sendJson(res, error.status, { error: error.message }, false, error.headers);
}

/** Assignment that also works for a key named `__proto__`, which is a valid database key. */
function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, {
    value,
    enumerable: true,
    writable: true,
    configurable: true,
  });
}

// ---------------------------------------------------------------------------------------------
// Push ids: 8 characters of milliseconds, then 12 random ones; ids made in the same millisecond
// increment the random part, so ids sort in creation order, as the SDKs' do.

const PUSH_CHARS = "-0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz";
let lastPushTime = 0;
const lastRandom: number[] = [];

export function nextPushId(now: number = Date.now()): string {
  const sameMillisecond = now === lastPushTime;
  lastPushTime = now;
  const timeChars: string[] = [];
  let time = now;
  for (let index = 0; index < 8; index++) {
    timeChars.unshift(PUSH_CHARS.charAt(time % 64));
    time = Math.floor(time / 64);
  }
  if (!sameMillisecond || lastRandom.length !== 12) {
    lastRandom.length = 0;
    for (let index = 0; index < 12; index++) lastRandom.push(randomInt(64));
  } else {
    let index = 11;
    while (index >= 0 && lastRandom[index] === 63) {
      lastRandom[index] = 0;
      index--;
    }
    if (index >= 0) lastRandom[index] = (lastRandom[index] ?? 0) + 1;
  }
  return timeChars.join("") + lastRandom.map((digit) => PUSH_CHARS.charAt(digit)).join("");
}
