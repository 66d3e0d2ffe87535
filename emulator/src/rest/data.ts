/** The data endpoints: `GET/PUT/POST/PATCH/DELETE /<path>.json` (spec §10.1). */
import { hashNode } from "../engine/hash.js";
import { InvalidPathError, parsePath } from "../engine/path.js";
import { nextPushId } from "../engine/push-id.js";
import { InvalidQueryError, parseRestQuery, REST_FILTERS } from "../engine/query.js";
import { hasChildren, leafValue, childKeys, toRestValue, type Node } from "../engine/tree.js";
import {
  ADMIN,
  type AuthContext,
  type Engine,
  type QuerySpec,
  type WriteResult,
} from "../engine/types.js";
import {
  PERMISSION_DENIED,
  RestError,
  authOf,
  booleanParam,
  parseJsonBody,
  readBody,
  sendJson,
  setOwn,
  type RestRequest,
} from "./http.js";

/** What production calls a missing location's ETag. */
const NULL_ETAG = "null_etag";

const WRITE_SIZE_LIMITS = new Set(["tiny", "small", "medium", "large", "unlimited"]);

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

export async function handleData(
  engine: Engine,
  request: RestRequest,
  path: string[],
): Promise<void> {
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
  if (params.has("orderBy") || !REST_FILTERS.some((name) => params.has(name))) return params;
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
