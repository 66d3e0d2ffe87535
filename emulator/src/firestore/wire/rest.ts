/**
 * The `google.firestore.v1.Firestore` service over REST (HTTP/1.1 JSON), as the Node client calls
 * it with `preferRest: true`. Routes come from the methods' `google.api.http` annotations in
 * Firestore's own .proto files; path variables, query parameters and the body are merged into the
 * request message in protobuf-JSON and passed to the same handlers the gRPC service uses.
 * Requests and responses go through the protos (encode, then decode) on the way, so REST sees
 * exactly the shapes gRPC does: numeric enums become names, unknown fields are refused.
 * Server-streaming methods answer with a JSON array of their responses; errors with Google's JSON
 * error body and the HTTP status production maps each gRPC code to.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import * as grpc from "@grpc/grpc-js";
import protobuf from "protobufjs";
import type { GrpcCode } from "../errors.js";
import { FIRESTORE_SERVICE, type FirestoreHandlers } from "./grpc.js";
import { decode, encode, type Json } from "./protojson.js";

/** The HTTP status Google's APIs answer each gRPC code with (google.rpc.Code's mapping). */
export const HTTP_STATUS: Readonly<Record<GrpcCode, number>> = {
  CANCELLED: 499,
  UNKNOWN: 500,
  INVALID_ARGUMENT: 400,
  DEADLINE_EXCEEDED: 504,
  NOT_FOUND: 404,
  ALREADY_EXISTS: 409,
  PERMISSION_DENIED: 403,
  RESOURCE_EXHAUSTED: 429,
  FAILED_PRECONDITION: 400,
  ABORTED: 409,
  OUT_OF_RANGE: 400,
  UNIMPLEMENTED: 501,
  INTERNAL: 500,
  UNAVAILABLE: 503,
  DATA_LOSS: 500,
  UNAUTHENTICATED: 401,
};

class RestError extends Error {
  constructor(
    readonly code: GrpcCode,
    message: string,
  ) {
    super(message);
  }
}

function isGrpcCode(code: unknown): code is GrpcCode {
  return typeof code === "string" && code in HTTP_STATUS;
}

/** An HTTP route of one method, from one `google.api.http` rule or additional binding. */
interface Route {
  method: protobuf.Method;
  verb: string;
  pattern: RegExp;
  /** Request fields (camelCase, dotted) the path's variables fill, in order. */
  variables: string[];
  /** `*` (the whole request), a field name, or undefined (everything else in the query). */
  body: string | undefined;
  /** Ends in a custom method (`:commit`): such routes win over a variable that could swallow it. */
  custom: boolean;
}

const HTTP_VERBS = ["get", "post", "put", "patch", "delete"] as const;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function camel(path: string): string {
  return path
    .split(".")
    .map((part) => part.replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase()))
    .join(".");
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** A variable's segment pattern: `*` one segment, `**` any number (zero included, as HttpRule says). */
function segmentsPattern(template: string): string {
  return template
    .split("/")
    .map((segment, index) => {
      const slash = index === 0 ? "" : "/";
      if (segment === "**") return index === 0 ? ".*" : "(?:/.+)?";
      if (segment === "*") return `${slash}[^/]+`;
      return `${slash}${escapeRegExp(segment)}`;
    })
    .join("");
}

function compile(
  method: protobuf.Method,
  verb: string,
  template: string,
  body: string | undefined,
): Route {
  const variables: string[] = [];
  let source = "";
  let rest = template;
  for (;;) {
    const match = /^([^{]*)\{([^}=]+)(?:=([^}]*))?\}(.*)$/.exec(rest);
    if (match === null) break;
    const [, before = "", field = "", inner = "*", after = ""] = match;
    source += `${escapeRegExp(before)}(${segmentsPattern(inner)})`;
    variables.push(camel(field));
    rest = after;
  }
  source += escapeRegExp(rest);
  return {
    method,
    verb: verb.toUpperCase(),
    pattern: new RegExp(`^${source}$`),
    variables,
    body,
    custom: /:[A-Za-z]+$/.test(template),
  };
}

/** Every route the service's annotations declare. */
function routesOf(service: protobuf.Service): Route[] {
  const routes: Route[] = [];
  for (const method of service.methodsArray) {
    method.resolve();
    for (const option of method.parsedOptions ?? []) {
      if (!isRecord(option)) continue;
      const rule = option["(google.api.http)"];
      if (!isRecord(rule)) continue;
      const bindings = rule.additional_bindings;
      const rules: unknown[] = [rule];
      if (Array.isArray(bindings)) rules.push(...(bindings as unknown[]));
      else if (bindings !== undefined) rules.push(bindings);
      for (const binding of rules) {
        if (!isRecord(binding)) continue;
        const body = typeof binding.body === "string" ? binding.body : undefined;
        for (const verb of HTTP_VERBS) {
          const template = binding[verb];
          if (typeof template === "string") routes.push(compile(method, verb, template, body));
        }
      }
    }
  }
  // Custom methods first: `…/documents/c/d:runQuery` is RunQuery, not CreateDocument in `d:runQuery`.
  return routes.sort((a, b) => Number(b.custom) - Number(a.custom));
}

/**
 * Document paths and collection paths share templates (`documents/*\/**`): a `name` must have an
 * even number of segments after `documents`, a `parent` too (zero for the root).
 */
function plausible(values: ReadonlyMap<string, string>): boolean {
  for (const [field, value] of values) {
    const last = field.split(".").at(-1);
    const match = /^projects\/[^/]+\/databases\/[^/]+\/documents((?:\/[^/]+)*)$/.exec(value);
    if (match === null) continue;
    const segments = (match[1] ?? "").split("/").length - 1;
    if (last === "name" && (segments === 0 || segments % 2 !== 0)) return false;
    if (last === "parent" && segments % 2 !== 0) return false;
  }
  return true;
}

interface Matched {
  route: Route;
  values: Map<string, string>;
}

function matchRoute(routes: readonly Route[], verb: string, path: string): Matched | undefined {
  let fallback: Matched | undefined;
  for (const route of routes) {
    if (route.verb !== verb) continue;
    const match = route.pattern.exec(path);
    if (match === null) continue;
    const values = new Map<string, string>();
    route.variables.forEach((field, index) => {
      values.set(field, decodeURIComponent(match[index + 1] ?? ""));
    });
    const matched = { route, values };
    if (plausible(values)) return matched;
    fallback ??= matched;
  }
  return fallback;
}

/** Sets `a.b.c` in a request object, making the intermediate messages. */
function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split(".");
  let at = target;
  for (const part of parts.slice(0, -1)) {
    const next = Object.hasOwn(at, part) ? at[part] : undefined;
    if (isRecord(next)) {
      at = next;
    } else {
      const made: Record<string, unknown> = {};
      Object.defineProperty(at, part, { value: made, enumerable: true, writable: true });
      at = made;
    }
  }
  const last = parts.at(-1) ?? "";
  Object.defineProperty(at, last, {
    value,
    enumerable: true,
    writable: true,
    configurable: true,
  });
}

const NUMBERS = new Set(["int32", "uint32", "sint32", "fixed32", "sfixed32", "double", "float"]);

/** A query parameter's text as the JSON value its field takes. */
function queryValue(field: protobuf.Field, text: string): unknown {
  const resolved = field.resolvedType;
  if (resolved instanceof protobuf.Type) {
    const inner = resolved.fields.value;
    // Wrappers (`Int32Value`) take their bare value; Timestamp its RFC 3339 text.
    return inner === undefined || resolved.fullName === ".google.protobuf.Timestamp"
      ? text
      : queryValue(inner, text);
  }
  if (resolved instanceof protobuf.Enum) return /^-?\d+$/.test(text) ? Number(text) : text;
  if (field.type === "bool") return text === "true";
  if (NUMBERS.has(field.type)) return Number(text);
  return text;
}

/** `mask.fieldPaths=a&mask.fieldPaths=b&readTime=…` into the request message. */
function applyQuery(type: protobuf.Type, request: Record<string, unknown>, query: URLSearchParams) {
  for (const [key, text] of query) {
    // System parameters (`$alt=json;enum-encoding=int`, `alt`, `key`) are not request fields.
    if (key.startsWith("$") || key === "alt" || key === "key" || key === "prettyPrint") continue;
    const path = camel(key).split(".");
    let at: protobuf.Type = type;
    let target = request;
    path.forEach((part, index) => {
      // Own properties only: a parameter named `__proto__` or `constructor` is no field.
      const field = Object.hasOwn(at.fields, part) ? at.fields[part] : undefined;
      if (field === undefined) {
        throw new RestError(
          "INVALID_ARGUMENT",
          `Invalid JSON payload received. Unknown name "${key}": Cannot bind query parameter.`,
        );
      }
      field.resolve();
      const resolved = field.resolvedType;
      if (index === path.length - 1) {
        const value = queryValue(field, text);
        if (field.repeated) {
          const list = target[part];
          setPath(target, part, Array.isArray(list) ? [...(list as unknown[]), value] : [value]);
        } else {
          setPath(target, part, value);
        }
        return;
      }
      if (!(resolved instanceof protobuf.Type)) {
        throw new RestError("INVALID_ARGUMENT", `Cannot bind query parameter "${key}".`);
      }
      const next = target[part];
      if (!isRecord(next)) setPath(target, part, {});
      const made = target[part];
      if (isRecord(made)) target = made;
      at = resolved;
    });
  }
}

/** Protobuf-JSON through the type and back: the form the handlers and clients expect. */
function normalize(type: protobuf.Type, value: unknown): Json {
  return decode(type, encode(type, value as Json));
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      resolve(Buffer.concat(chunks).toString("utf8"));
    });
    req.on("error", reject);
  });
}

/** JSON with protobuf-JSON's spelling of non-finite doubles ("NaN", "Infinity", "-Infinity"). */
function stringify(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) =>
    typeof item === "number" && !Number.isFinite(item) ? String(item) : item,
  );
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = stringify(body);
  res.writeHead(status, {
    "Content-Type": "application/json; charset=UTF-8",
    "Content-Length": Buffer.byteLength(text),
  });
  res.end(text);
}

/** Google's JSON error body: `{"error": {"code": <HTTP status>, "message", "status": <gRPC name>}}`. */
export function errorBody(code: GrpcCode, message: string): { error: Json } {
  return { error: { code: HTTP_STATUS[code], message, status: code } };
}

function sendError(res: ServerResponse, error: unknown): void {
  const code =
    isRecord(error) && isGrpcCode(error.code)
      ? error.code
      : error instanceof TypeError || error instanceof SyntaxError || error instanceof URIError
        ? "INVALID_ARGUMENT"
        : "INTERNAL";
  const message = error instanceof Error ? error.message : String(error);
  if (res.headersSent) {
    res.destroy();
    return;
  }
  send(res, HTTP_STATUS[code], errorBody(code, message));
}

/** Answers REST requests under `/v1/`; returns false for any other path. */
export type RestHandler = (req: IncomingMessage, res: ServerResponse) => boolean;

export function firestoreRest(root: protobuf.Root, handlers: FirestoreHandlers): RestHandler {
  const service = root.lookupService(FIRESTORE_SERVICE);
  const routes = routesOf(service);

  async function serve(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const matched = matchRoute(routes, req.method ?? "GET", url.pathname);
    if (matched === undefined) {
      throw new RestError(
        "NOT_FOUND",
        `${req.method ?? "GET"} ${url.pathname} is not a Firestore method.`,
      );
    }
    const { route, values } = matched;
    const { method } = route;
    const requestType = method.resolvedRequestType;
    const responseType = method.resolvedResponseType;
    const handler = handlers[method.name];
    if (requestType === null || responseType === null) throw new Error("unresolved method");
    if (method.requestStream === true) {
      // Listen and Write need a bidirectional stream: gRPC only (the client switches itself).
      throw new RestError(
        "UNIMPLEMENTED",
        `${FIRESTORE_SERVICE}.${method.name} is not available over REST; use gRPC.`,
      );
    }
    if (handler === undefined) {
      throw new RestError(
        "UNIMPLEMENTED",
        `${FIRESTORE_SERVICE}.${method.name} is not implemented`,
      );
    }
    const text = await readBody(req);
    const parsed: unknown = text.trim() === "" ? {} : JSON.parse(text);
    if (!isRecord(parsed) && route.body !== undefined) {
      throw new RestError("INVALID_ARGUMENT", "Invalid JSON payload received: not an object.");
    }
    let request: Record<string, unknown> = {};
    if (route.body === "*") request = isRecord(parsed) ? parsed : {};
    else if (route.body !== undefined) setPath(request, camel(route.body), parsed);
    applyQuery(requestType, request, url.searchParams);
    for (const [field, value] of values) setPath(request, field, value);
    const message = normalize(requestType, request);
    const metadata = new grpc.Metadata();
    if (handler.kind === "unary") {
      const response = await handler.run(message, metadata);
      send(res, 200, normalize(responseType, response));
      return;
    }
    if (handler.kind !== "server-streaming") throw new Error(`${method.name}: not a REST method`);
    // Collected before answering, so that an error still gets its own status and body.
    const responses: Json[] = [];
    const aborted = new AbortController();
    res.on("close", () => {
      if (!res.writableFinished) aborted.abort();
    });
    await handler.run(
      message,
      (response) => responses.push(normalize(responseType, response)),
      metadata,
      aborted.signal,
    );
    send(res, 200, responses);
  }

  return (req, res) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    if (!url.pathname.startsWith("/v1/")) return false;
    serve(req, res, url).catch((error: unknown) => {
      sendError(res, error);
    });
    return true;
  };
}
