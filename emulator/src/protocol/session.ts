/**
 * One client connection's protocol state machine (spec §2.3, §2.4, §3, §5, §6.6): the handshake,
 * every client action, listen bookkeeping, auth, and the onDisconnect queue. Framing belongs to the
 * transport (WebSocket or long polling), so this module only sees parsed messages.
 *
 * Invariants the SDKs depend on: a listen's data precedes its `ok`; a write's pushes precede the
 * writer's `ok` (the engine pushes synchronously inside `write`); a bad message never throws.
 */
import { randomBytes } from "node:crypto";
import { authenticate } from "./auth.js";
import { LatencyQueue } from "../engine/faults.js";
import type { Database, ListenerHandle, PushBody } from "../engine/database.js";
import { formatPath, isAncestorOrSelf, parsePath } from "../engine/path.js";
import { parseWireQuery } from "../engine/query.js";
import {
  UNAUTHENTICATED,
  type AuthContext,
  type QuerySpec,
  type Transport,
  type WriteRequest,
  type WriteResult,
} from "../engine/types.js";

export interface SessionInfo {
  /** The namespace from the connection URL's `ns` (default `fake-server`). */
  readonly namespace: string;
  /** The `Host` the client dialled, echoed in the handshake so reconnects come back here (§2.3). */
  readonly host: string;
}

export interface Session {
  /** Handles one parsed protocol message (`{t:"c"|"d", d:…}`). Never throws. */
  receive(message: unknown): void;
  /** The connection is gone: drops listens and runs the onDisconnect queue once. */
  closed(): void;
}

export const PROTOCOL_VERSION = "5";
export const PERMISSION_DENIED = "Permission denied";
/** Production's limit for one write from an SDK (REST allows more). */
export const MAX_SDK_WRITE_BYTES = 16 * 1024 * 1024;

type Body = Record<string, unknown>;

interface ActiveListen {
  readonly handle: ListenerHandle;
  /** The query object exactly as the client sent it; revocation must echo it (§3.3). */
  readonly wireQuery: unknown;
}

class RequestError extends Error {
  constructor(
    readonly status: string,
    message: string,
  ) {
    super(message);
  }
}

function isRecord(value: unknown): value is Body {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function requirePath(body: Body): string[] {
  const text = body["p"];
  if (typeof text !== "string") throw new RequestError("invalid_path", "Missing path");
  try {
    return parsePath(text);
  } catch (error) {
    throw new RequestError("invalid_path", error instanceof Error ? error.message : "Invalid path");
  }
}

function optionalQuery(raw: unknown): QuerySpec | null {
  if (!isRecord(raw) || Object.keys(raw).length === 0) return null;
  try {
    return parseWireQuery(raw);
  } catch (error) {
    throw new RequestError(
      "invalid_query",
      error instanceof Error ? error.message : "Invalid query",
    );
  }
}

function requireQuery(raw: unknown): QuerySpec {
  const query = optionalQuery(raw);
  if (query === null)
    throw new RequestError("invalid_query", "A tagged listen needs a query object");
  return query;
}

function listenKey(path: readonly string[], tag: number | undefined): string {
  return `${tag === undefined ? "default" : String(tag)}:${formatPath(path)}`;
}

function writeReply(result: WriteResult): [status: string, data: unknown] {
  switch (result.status) {
    case "ok":
      return ["ok", ""];
    case "permission_denied":
      return ["permission_denied", PERMISSION_DENIED];
    case "datastale":
      return ["datastale", "Transaction hash does not match"];
    case "invalid":
      return ["invalid_data", result.message];
  }
}

export function createSession(engine: Database, transport: Transport, info: SessionInfo): Session {
  const sessionId = randomBytes(12).toString("base64url");
  let auth: AuthContext = UNAUTHENTICATED;
  let expiryTimer: NodeJS.Timeout | undefined;
  let isClosed = false;
  const listens = new Map<string, ActiveListen>();
  const disconnectQueue: { path: readonly string[]; request: WriteRequest }[] = [];
  const connectionClosed = engine.connectionOpened(info.namespace);

  function send(message: object): void {
    if (isClosed) return;
    try {
      transport.send(message);
    } catch (error) {
      console.error("rtdb-emulator: send failed", error);
    }
  }

  function reply(request: number | undefined, status: string, data: unknown): void {
    if (request === undefined) return;
    send({ t: "d", d: { r: request, b: { s: status, d: data } } });
  }

  function push(action: string, body: object): void {
    send({ t: "d", d: { a: action, b: body } });
  }

  function changeAuth(next: AuthContext, expiresAtMs?: number): void {
    auth = next;
    clearExpiry();
    if (expiresAtMs !== undefined && expiresAtMs > Date.now()) {
      // Production revokes the connection's auth when its token expires (`ac` expired_token); the
      // client then drops the connection and comes back with a fresh token.
      expiryTimer = setTimeout(() => {
        expiryTimer = undefined;
        push("ac", { s: "expired_token", d: "Auth token is expired." });
        changeAuth(UNAUTHENTICATED);
      }, expiresAtMs - Date.now());
      expiryTimer.unref();
    }
    engine.revalidate([...listens.values()].map((listen) => listen.handle));
  }

  function clearExpiry(): void {
    if (expiryTimer !== undefined) clearTimeout(expiryTimer);
    expiryTimer = undefined;
  }

  function listen(request: number | undefined, body: Body): void {
    const path = requirePath(body);
    const tag = typeof body["t"] === "number" ? body["t"] : undefined;
    const query = tag === undefined ? null : requireQuery(body["q"]);
    const key = listenKey(path, tag);
    const previous = listens.get(key);
    if (previous !== undefined) {
      listens.delete(key);
      engine.unlisten(previous.handle);
    }
    const wireQuery = body["q"];
    const result = engine.listen({
      namespace: info.namespace,
      path,
      query,
      ...(tag === undefined ? {} : { tag }),
      auth: () => auth,
      sink: {
        push: (action: "d" | "m", pushBody: PushBody) => {
          push(action, pushBody);
        },
        revoked: () => {
          if (listens.get(key)?.handle !== handle) return;
          listens.delete(key);
          push(
            "c",
            query === null ? { p: formatPath(path) } : { p: formatPath(path), q: [wireQuery] },
          );
        },
      },
    });
    if (result.status !== "ok") {
      reply(request, "permission_denied", PERMISSION_DENIED);
      return;
    }
    const handle = result.handle;
    listens.set(key, { handle, wireQuery });
    const data: PushBody =
      tag === undefined
        ? { p: formatPath(path), d: result.data }
        : { p: formatPath(path), d: result.data, t: tag };
    push("d", data);
    reply(request, "ok", {});
  }

  function unlisten(request: number | undefined, body: Body): void {
    const path = requirePath(body);
    const tag = typeof body["t"] === "number" ? body["t"] : undefined;
    const key = listenKey(path, tag);
    const active = listens.get(key);
    if (active !== undefined) {
      listens.delete(key);
      engine.unlisten(active.handle);
    }
    reply(request, "ok", "");
  }

  function get(request: number | undefined, body: Body): void {
    const path = requirePath(body);
    const result = engine.read({
      namespace: info.namespace,
      path,
      query: optionalQuery(body["q"]),
      auth,
    });
    if (result.status === "ok") reply(request, "ok", result.node);
    else reply(request, "permission_denied", PERMISSION_DENIED);
  }

  function writeRequest(body: Body, kind: "set" | "update"): WriteRequest {
    const path = requirePath(body);
    const data = body["d"];
    if (data !== undefined && Buffer.byteLength(JSON.stringify(data)) > MAX_SDK_WRITE_BYTES) {
      throw new RequestError("invalid_data", `Write too large: over ${MAX_SDK_WRITE_BYTES} bytes`);
    }
    if (kind === "update") {
      if (!isRecord(data)) throw new RequestError("invalid_data", "Update data must be an object");
      return { namespace: info.namespace, path, operation: { kind: "update", values: data }, auth };
    }
    if (data === undefined) throw new RequestError("invalid_data", "Missing data");
    const hash = body["h"];
    return {
      namespace: info.namespace,
      path,
      operation: { kind: "set", value: data },
      auth,
      ...(typeof hash === "string" ? { hash } : {}),
    };
  }

  function write(request: number | undefined, body: Body, kind: "set" | "update"): void {
    const parsed = writeRequest(body, kind);
    engine.faults.write(() => {
      const [status, data] = writeReply(engine.write(parsed));
      reply(request, status, data);
    });
  }

  function onDisconnect(request: number | undefined, body: Body, kind: "set" | "update"): void {
    const write = writeRequest(body, kind);
    const result = engine.authorizeWrite(write);
    if (result.status === "ok") disconnectQueue.push({ path: write.path, request: write });
    const [status, data] = writeReply(result);
    reply(request, status, data);
  }

  function cancelOnDisconnect(request: number | undefined, body: Body): void {
    const path = requirePath(body);
    for (let index = disconnectQueue.length - 1; index >= 0; index--) {
      const queued = disconnectQueue[index];
      if (queued !== undefined && isAncestorOrSelf(path, queued.path))
        disconnectQueue.splice(index, 1);
    }
    reply(request, "ok", "");
  }

  function handleData(payload: Body): void {
    const request = typeof payload["r"] === "number" ? payload["r"] : undefined;
    const action = payload["a"];
    const body = isRecord(payload["b"]) ? payload["b"] : {};
    try {
      switch (action) {
        case "s":
        case "appcheck":
        case "unappeck":
        case "unappcheck":
          reply(request, "ok", "");
          return;
        case "auth":
        case "gauth": {
          const outcome = authenticate(action, body);
          if (outcome.ok) {
            reply(request, "ok", outcome.reply);
            changeAuth(outcome.context, outcome.expiresAtMs);
          } else {
            reply(request, "invalid_token", outcome.reason);
            changeAuth(UNAUTHENTICATED);
          }
          return;
        }
        case "unauth":
          reply(request, "ok", "unauthenticated");
          changeAuth(UNAUTHENTICATED);
          return;
        case "q":
        case "l":
          listen(request, body);
          return;
        case "n":
        case "u":
          unlisten(request, body);
          return;
        case "g":
          get(request, body);
          return;
        case "p":
          write(request, body, "set");
          return;
        case "m":
          write(request, body, "update");
          return;
        case "o":
          onDisconnect(request, body, "set");
          return;
        case "om":
          onDisconnect(request, body, "update");
          return;
        case "oc":
          cancelOnDisconnect(request, body);
          return;
        default:
          reply(request, "invalid_action", `Unknown action: ${String(action)}`);
      }
    } catch (error) {
      if (error instanceof RequestError) {
        reply(request, error.status, error.message);
        return;
      }
      console.error("rtdb-emulator: request failed", error);
      reply(request, "internal_error", "Internal error");
    }
  }

  function handleControl(payload: Body): void {
    // Ping → pong; the upgrade messages (`n`, `a`) and anything else need no answer.
    if (payload["t"] === "p") send({ t: "c", d: { t: "o", d: {} } });
  }

  send({
    t: "c",
    d: { t: "h", d: { ts: Date.now(), v: PROTOCOL_VERSION, h: info.host, s: sessionId } },
  });

  function receive(message: unknown): void {
    if (isClosed || !isRecord(message)) return;
    try {
      const layer = message["t"];
      const payload = message["d"];
      if (layer === "c" && isRecord(payload)) handleControl(payload);
      else if (layer === "d" && isRecord(payload)) handleData(payload);
      else if (layer === undefined && typeof message["a"] === "string") handleData(message);
    } catch (error) {
      console.error("rtdb-emulator: message failed", error);
    }
  }

  function close(): void {
    if (isClosed) return;
    isClosed = true;
    connectionClosed();
    for (const active of listens.values()) engine.unlisten(active.handle);
    listens.clear();
    clearExpiry();
    const queued = disconnectQueue.splice(0).map((entry) => entry.request);
    if (queued.length === 0) return;
    // Checked again as whoever the connection is now: an expired or revoked credential loses them.
    const authAtDisconnect = auth;
    engine.faults.write(() => {
      try {
        engine.applyOnDisconnect(queued, authAtDisconnect);
      } catch (error) {
        console.error("rtdb-emulator: onDisconnect failed", error);
      }
    });
  }

  // Added latency delays what the client sends, its disconnect included, in arrival order.
  const inbound = new LatencyQueue(engine.faults);
  return {
    receive(message: unknown): void {
      inbound.push(() => {
        receive(message);
      });
    },
    closed(): void {
      inbound.push(close);
    },
  };
}
