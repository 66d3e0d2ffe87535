/**
 * What every REST endpoint shares: the request as routed, refusals with their status, who the
 * caller is, reading the body within the size limit, and JSON answers.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Faults } from "../engine/faults.js";
import { ADMIN, UNAUTHENTICATED, type AuthContext } from "../engine/types.js";
import { userContextFromIdToken } from "../protocol/auth.js";

/** Production's limit for one REST write; `writeSizeLimit=unlimited` (imports) lifts it. */
export const DEFAULT_MAX_REST_BODY_BYTES = 256 * 1024 * 1024;

export interface RestOptions {
  readonly maxBodyBytes?: number;
  /** Stalled writes are held here with the SDK sessions' (test fault control). */
  readonly faults?: Faults;
}

/** A refusal with its HTTP status; the message goes into the `{"error"}` body. */
export class RestError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
  }
}

export const PERMISSION_DENIED = "Permission denied";
export const INVALID_JSON = "Invalid data; couldn't parse JSON object, array, or value.";

export interface RestRequest {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly url: URL;
  readonly method: string;
  readonly namespace: string;
  readonly options: RestOptions;
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
export function authOf(request: RestRequest): AuthContext {
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
export function requireOwner(request: RestRequest): void {
  if (!authOf(request).admin) throw new RestError(401, PERMISSION_DENIED);
}

export function booleanParam(params: URLSearchParams, name: string): boolean {
  const value = params.get(name);
  if (value === null || value === "false") return false;
  if (value === "true") return true;
  throw new RestError(400, `${name} must be true or false (got ${value})`);
}

export function parseJsonBody(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new RestError(400, INVALID_JSON);
  }
}

/** Reads the whole body as UTF-8, refusing it with 413 once it passes the limit. */
export async function readBody(request: RestRequest, unlimited: boolean): Promise<string> {
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

export function sendJson(
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

export function sendError(res: ServerResponse, error: RestError): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  sendJson(res, error.status, { error: error.message }, false, error.headers);
}

/** Assignment that also works for a key named `__proto__`, which is a valid database key. */
export function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, {
    value,
    enumerable: true,
    writable: true,
    configurable: true,
  });
}
