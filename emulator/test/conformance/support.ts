/**
 * Shared plumbing for the conformance suite (spec §16): start an emulator, connect the real SDKs and
 * raw WebSocket clients to it, interpose a frame-level proxy, and wait on events with timeouts.
 */
import { randomBytes } from "node:crypto";
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { WebSocket, WebSocketServer, type RawData } from "ws";
import { deleteApp, initializeApp, setLogLevel, type FirebaseApp } from "firebase/app";
import {
  connectDatabaseEmulator,
  getDatabase,
  onValue,
  type Database,
  type DataSnapshot,
  type EmulatorMockTokenOptions,
  type Query,
} from "firebase/database";
import * as admin from "firebase-admin/app";
import {
  getDatabase as getAdminDatabase,
  type Database as AdminDatabase,
} from "firebase-admin/database";
import { startEmulator as startTestEmulator } from "../helpers/emulator.js";

// The SDKs log every expected permission_denied and reconnect as a warning; the tests assert those.
setLogLevel("silent");

export const HOST = "127.0.0.1";

export interface Emulator {
  readonly host: string;
  readonly port: number;
  /** `host:port`. */
  readonly address: string;
  close(): Promise<void>;
}

/**
 * Starts an emulator through the shared test helper, on `options.port` (to restart one where its
 * clients expect it) or else a free port. `CONFORMANCE_MODE=child` runs the whole suite against
 * the built CLI (`emulator/lib/cli.js`) instead of in-process.
 */
export async function startEmulator(options: { readonly port?: number } = {}): Promise<Emulator> {
  const mode = process.env["CONFORMANCE_MODE"] === "child" ? "child" : "in-process";
  const emulator = await startTestEmulator({ mode, port: options.port });
  return {
    host: emulator.host,
    port: emulator.port,
    address: emulator.hostPort,
    close: () => emulator.stop(),
  };
}

let nameCounter = 0;
/** A fresh lowercase name usable as a namespace, project id, app name or path segment. */
export function uniqueName(prefix: string): string {
  nameCounter += 1;
  return `${prefix}-${nameCounter}-${randomBytes(3).toString("hex")}`;
}

/** Rejects after `ms` with a message naming what was awaited. */
export function withTimeout<T>(promise: Promise<T>, label: string, ms = 10_000): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(new Error(`timed out after ${ms} ms waiting for ${label}`));
    }, ms);
  });
  return Promise.race([promise, timeout]).finally(() => {
    clearTimeout(timer);
  });
}

/** Polls `condition` on every macrotask turn (no fixed sleeps) until true or the timeout. */
export async function until(condition: () => boolean, label: string, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${label}`);
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}

// ---------------------------------------------------------------------------------------------
// Real firebase@12 client
// ---------------------------------------------------------------------------------------------

export interface ClientHandle {
  readonly app: FirebaseApp;
  readonly db: Database;
  close(): Promise<void>;
}

export interface ClientOptions {
  /** Connect through this `host:port` instead of the emulator (e.g. a FrameProxy). */
  readonly via?: string;
  readonly mockUserToken?: EmulatorMockTokenOptions | string;
}

/** A client app on namespace `ns` (databaseURL `https://<ns>.firebaseio.com`), fresh app name. */
export function connectClient(
  emulator: Emulator,
  ns: string,
  options: ClientOptions = {},
): ClientHandle {
  const app = initializeApp(
    {
      projectId: "demo-conformance",
      databaseURL: `https://${ns}.firebaseio.com`,
      apiKey: "fake-key",
    },
    uniqueName("client"),
  );
  const db = getDatabase(app);
  const [host, port] = splitAddress(options.via ?? emulator.address);
  connectDatabaseEmulator(
    db,
    host,
    port,
    options.mockUserToken === undefined ? {} : { mockUserToken: options.mockUserToken },
  );
  return { app, db, close: () => deleteApp(app) };
}

function splitAddress(address: string): [string, number] {
  const colon = address.lastIndexOf(":");
  return [address.slice(0, colon), Number(address.slice(colon + 1))];
}

/** Resolves with the first value event whose snapshot satisfies `accept`, then unsubscribes. */
export function nextValue(
  query: Query,
  accept: (snapshot: DataSnapshot) => boolean = () => true,
  label = `a value at ${query.toString()}`,
  ms = 10_000,
): Promise<DataSnapshot> {
  let unsubscribe: (() => void) | undefined;
  const result = new Promise<DataSnapshot>((resolve, reject) => {
    unsubscribe = onValue(
      query,
      (snapshot) => {
        if (accept(snapshot)) resolve(snapshot);
      },
      (error) => {
        reject(error);
      },
    );
  });
  return withTimeout(result, label, ms).finally(() => unsubscribe?.());
}

export interface Watch {
  /** Every value event so far. */
  readonly snapshots: DataSnapshot[];
  readonly errors: Error[];
  /** Resolves with the first snapshot (including past ones from index `from`) that satisfies `accept`. */
  waitFor(
    accept: (snapshot: DataSnapshot) => boolean,
    label: string,
    from?: number,
  ): Promise<DataSnapshot>;
  waitForError(label: string): Promise<Error>;
  off(): void;
}

/** Keeps a value listener attached and records every event, so waits never re-listen. */
export function watch(query: Query): Watch {
  const snapshots: DataSnapshot[] = [];
  const errors: Error[] = [];
  const waiters = new Set<() => void>();
  const notify = (): void => {
    for (const waiter of [...waiters]) waiter();
  };
  const unsubscribe = onValue(
    query,
    (snapshot) => {
      snapshots.push(snapshot);
      notify();
    },
    (error) => {
      errors.push(error);
      notify();
    },
  );
  const waitUntil = <T>(find: () => T | undefined, label: string): Promise<T> =>
    withTimeout(
      new Promise<T>((resolve) => {
        const check = (): void => {
          const found = find();
          if (found !== undefined) {
            waiters.delete(check);
            resolve(found);
          }
        };
        waiters.add(check);
        check();
      }),
      label,
    );
  return {
    snapshots,
    errors,
    waitFor: (accept, label, from = 0) =>
      waitUntil(() => snapshots.slice(from).find(accept), label),
    waitForError: (label) => waitUntil(() => errors[0], label),
    off: unsubscribe,
  };
}

/** The children of a query snapshot in query order, as [key, value] pairs. */
export function orderedEntries(snapshot: DataSnapshot): [string, unknown][] {
  const entries: [string, unknown][] = [];
  snapshot.forEach((childSnapshot) => {
    entries.push([childSnapshot.key, childSnapshot.val()]);
  });
  return entries;
}

/** The keys of a plain object value, sorted; [] for anything else. */
export function sortedKeys(value: unknown): string[] {
  return typeof value === "object" && value !== null ? Object.keys(value).sort() : [];
}

export function orderedKeys(snapshot: DataSnapshot): string[] {
  return orderedEntries(snapshot).map(([key]) => key);
}

// ---------------------------------------------------------------------------------------------
// firebase-admin@13
// ---------------------------------------------------------------------------------------------

export interface AdminHandle {
  readonly app: admin.App;
  readonly db: AdminDatabase;
  close(): Promise<void>;
}

export interface AdminOptions {
  /** `databaseAuthVariableOverride`; `null` means unauthenticated. Omit for full admin. */
  readonly authOverride?: object | null;
  /** A stub credential for the rules REST client (§8): the `owner` token `/.settings` requires. */
  readonly stubCredential?: boolean;
  readonly via?: string;
}

export const stubCredential: admin.Credential = {
  getAccessToken: () => Promise.resolve({ access_token: "owner", expires_in: 3600 }),
};

/**
 * An admin app on `ns`. An `http://` databaseURL makes admin treat the host as an emulator (owner
 * token), exactly as `FIREBASE_DATABASE_EMULATOR_HOST` does, without touching the process env.
 */
export function connectAdmin(
  emulator: Emulator,
  ns: string,
  options: AdminOptions = {},
): AdminHandle {
  const appOptions: admin.AppOptions = {
    projectId: "demo-conformance",
    databaseURL: `http://${options.via ?? emulator.address}?ns=${ns}`,
  };
  if (options.authOverride !== undefined)
    appOptions.databaseAuthVariableOverride = options.authOverride;
  if (options.stubCredential === true) appOptions.credential = stubCredential;
  const app = admin.initializeApp(appOptions, uniqueName("admin"));
  return { app, db: getAdminDatabase(app), close: () => admin.deleteApp(app) };
}

// ---------------------------------------------------------------------------------------------
// Raw WebSocket client speaking protocol v5
// ---------------------------------------------------------------------------------------------

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export interface JsonObject {
  [key: string]: Json;
}

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** `message.d` when `message` is a `{t, d}` envelope of layer `layer`, else undefined. */
export function layer(message: Json, type: "c" | "d"): JsonObject | undefined {
  if (!isJsonObject(message) || message["t"] !== type) return undefined;
  const inner = message["d"];
  return isJsonObject(inner) ? inner : undefined;
}

/** The `b` of a server push (`{t:"d",d:{a,b}}`) with action `action`, else undefined. */
export function pushBody(message: Json, action: string): JsonObject | undefined {
  const data = layer(message, "d");
  if (data === undefined || data["a"] !== action || "r" in data) return undefined;
  const body = data["b"];
  return isJsonObject(body) ? body : undefined;
}

export interface Reply {
  readonly s: Json;
  readonly d: Json;
}

export class RawClient {
  /** Every text frame received, exactly as sent by the server. */
  readonly frames: string[] = [];
  /** Every reassembled message received, in order. */
  readonly messages: Json[] = [];
  /** Frames that were neither JSON nor a valid count frame (a protocol violation). */
  readonly violations: string[] = [];
  upgradeHeaders: IncomingHttpHeaders = {};
  private closedFlag = false;
  private nextRequest = 1;
  private pendingFrames = 0;
  private buffered: string[] = [];
  private readonly waiters = new Set<() => void>();

  private constructor(readonly socket: WebSocket) {
    socket.on("message", (data: RawData, isBinary: boolean) => {
      this.receive(data, isBinary);
    });
    socket.on("close", () => {
      this.closedFlag = true;
      this.notify();
    });
    socket.on("error", () => undefined);
  }

  static async connect(
    address: string,
    query = "v=5",
    headers: Record<string, string> = {},
  ): Promise<RawClient> {
    const socket = new WebSocket(`ws://${address}/.ws?${query}`, { headers });
    const client = new RawClient(socket);
    await withTimeout(
      new Promise<void>((resolve, reject) => {
        socket.once("open", () => {
          resolve();
        });
        socket.once("error", reject);
      }),
      `a WebSocket upgrade at ${address}`,
    );
    return client;
  }

  /** Connects to namespace `ns` and waits for the handshake. */
  static async open(emulator: Emulator | string, ns: string | null): Promise<RawClient> {
    const address = typeof emulator === "string" ? emulator : emulator.address;
    const client = await RawClient.connect(address, ns === null ? "v=5" : `v=5&ns=${ns}`);
    await client.waitFor((message) => layer(message, "c")?.["t"] === "h", "the handshake");
    return client;
  }

  get closed(): boolean {
    return this.closedFlag;
  }

  /** The same as `closed`, as a call, so the compiler does not narrow it across awaits and sends. */
  isClosed(): boolean {
    return this.closedFlag;
  }

  private receive(data: RawData, isBinary: boolean): void {
    if (isBinary) {
      this.violations.push("<binary frame>");
      return;
    }
    const text = rawText(data);
    this.frames.push(text);
    if (this.pendingFrames > 0) {
      this.buffered.push(text);
      this.pendingFrames -= 1;
      if (this.pendingFrames === 0) {
        this.accept(this.buffered.join(""));
        this.buffered = [];
      }
      return;
    }
    if (/^\d{1,6}$/.test(text)) {
      const count = Number(text);
      if (count === 0) this.violations.push(text);
      else this.pendingFrames = count;
      return;
    }
    this.accept(text);
  }

  private accept(text: string): void {
    try {
      this.messages.push(JSON.parse(text) as Json);
    } catch {
      this.violations.push(text);
    }
    this.notify();
  }

  private notify(): void {
    for (const waiter of [...this.waiters]) waiter();
  }

  /** Resolves with the first message from index `from` on that satisfies `accept`. */
  waitFor(accept: (message: Json) => boolean, label: string, from = 0, ms = 10_000): Promise<Json> {
    return withTimeout(
      new Promise<Json>((resolve, reject) => {
        const check = (): void => {
          const found = this.messages.slice(from).find(accept);
          if (found !== undefined) {
            this.waiters.delete(check);
            resolve(found);
          } else if (this.closed) {
            this.waiters.delete(check);
            reject(new Error(`socket closed while waiting for ${label}`));
          }
        };
        this.waiters.add(check);
        check();
      }),
      label,
      ms,
    );
  }

  waitForClose(label = "the server to close the socket", ms = 10_000): Promise<void> {
    return withTimeout(
      new Promise<void>((resolve) => {
        const check = (): void => {
          if (this.closed) {
            this.waiters.delete(check);
            resolve();
          }
        };
        this.waiters.add(check);
        check();
      }),
      label,
      ms,
    );
  }

  sendRaw(frame: string): void {
    this.socket.send(frame);
  }

  send(message: Json): void {
    this.socket.send(JSON.stringify(message));
  }

  /** Sends a data request and resolves with its reply body `{s, d}`. */
  async request(action: string, body: Json): Promise<Reply> {
    const r = this.nextRequest++;
    this.send({ t: "d", d: { r, a: action, b: body } });
    const reply = await this.waitFor(
      (message) => layer(message, "d")?.["r"] === r,
      `the reply to request ${r} (${action})`,
    );
    const replyBody = layer(reply, "d")?.["b"];
    if (!isJsonObject(replyBody))
      throw new Error(`reply to ${action} has no body: ${JSON.stringify(reply)}`);
    return { s: replyBody["s"] ?? null, d: replyBody["d"] ?? null };
  }

  /** The index of the reply to request `r` in `messages`, or -1. */
  replyIndex(r: number): number {
    return this.messages.findIndex((message) => layer(message, "d")?.["r"] === r);
  }

  /** The number the next `request` will use. */
  peekRequestNumber(): number {
    return this.nextRequest;
  }

  /** Takes a request number for a message sent by hand (e.g. in chunks). */
  reserveRequestNumber(): number {
    return this.nextRequest++;
  }

  /** Round trip through the server: every push the server queued before this is now received. */
  async ping(ms = 10_000): Promise<void> {
    const from = this.messages.length;
    this.send({ t: "c", d: { t: "p", d: {} } });
    await this.waitFor((message) => layer(message, "c")?.["t"] === "o", "a pong", from, ms);
  }

  close(): void {
    this.socket.close();
  }

  terminate(): void {
    this.socket.terminate();
  }
}

// ---------------------------------------------------------------------------------------------
// A frame-level WebSocket proxy between an SDK and the emulator
// ---------------------------------------------------------------------------------------------

export interface ProxiedConnection {
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly fromClient: string[];
  readonly fromServer: string[];
  /** Closes the client side as if the server had dropped the socket. */
  dropClient(): void;
  /** Kills the emulator side abruptly, as a crashed client would. */
  terminateUpstream(): void;
}

/**
 * Returns the frame to forward, or null to swallow it. `connection` lets the hook drop the socket.
 */
export type FrameHook = (frame: string, connection: ProxiedConnection) => string | null;

export class FrameProxy {
  readonly connections: ProxiedConnection[] = [];
  onClientFrame: FrameHook = (frame) => frame;
  onServerFrame: FrameHook = (frame) => frame;
  private readonly sockets = new Set<WebSocket>();

  private constructor(
    private readonly server: ReturnType<typeof createServer>,
    readonly address: string,
  ) {}

  static async start(upstream: string): Promise<FrameProxy> {
    const server = createServer();
    const wss = new WebSocketServer({ server });
    await new Promise<void>((resolve) => server.listen(0, HOST, resolve));
    const { port } = server.address() as AddressInfo;
    const proxy = new FrameProxy(server, `${HOST}:${port}`);
    wss.on("connection", (client, request) => {
      proxy.bridge(client, upstream, request.url ?? "/", request.headers);
    });
    return proxy;
  }

  private bridge(
    client: WebSocket,
    upstream: string,
    path: string,
    headers: IncomingHttpHeaders,
  ): void {
    const forwardHeaders: Record<string, string> = {};
    for (const name of ["user-agent", "authorization", "x-firebase-gmpid"]) {
      const value = headers[name];
      if (typeof value === "string") forwardHeaders[name] = value;
    }
    const server = new WebSocket(`ws://${upstream}${path}`, { headers: forwardHeaders });
    this.sockets.add(client);
    this.sockets.add(server);
    const toServer: string[] = [];
    const connection: ProxiedConnection = {
      path,
      headers,
      fromClient: [],
      fromServer: [],
      dropClient: () => {
        client.terminate();
        server.close();
      },
      terminateUpstream: () => {
        server.terminate();
        client.terminate();
      },
    };
    this.connections.push(connection);
    client.on("message", (data: RawData) => {
      const frame = rawText(data);
      connection.fromClient.push(frame);
      const forwarded = this.onClientFrame(frame, connection);
      if (forwarded === null) return;
      if (server.readyState === WebSocket.OPEN) server.send(forwarded);
      else toServer.push(forwarded);
    });
    server.on("open", () => {
      for (const frame of toServer.splice(0)) server.send(frame);
    });
    server.on("message", (data: RawData) => {
      const frame = rawText(data);
      connection.fromServer.push(frame);
      const forwarded = this.onServerFrame(frame, connection);
      if (forwarded !== null && client.readyState === WebSocket.OPEN) client.send(forwarded);
    });
    const closeBoth = (): void => {
      if (client.readyState === WebSocket.OPEN) client.close();
      if (server.readyState === WebSocket.OPEN || server.readyState === WebSocket.CONNECTING) {
        server.terminate();
      }
    };
    client.on("close", closeBoth);
    server.on("close", closeBoth);
    client.on("error", () => undefined);
    server.on("error", closeBoth);
  }

  /** Every client→server message (reassembled JSON) over all connections, in order. */
  clientMessages(connection?: ProxiedConnection): Json[] {
    return (connection === undefined ? this.connections : [connection]).flatMap((c) =>
      reassemble(c.fromClient),
    );
  }

  serverMessages(connection?: ProxiedConnection): Json[] {
    return (connection === undefined ? this.connections : [connection]).flatMap((c) =>
      reassemble(c.fromServer),
    );
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.terminate();
    await new Promise<void>((resolve) => {
      this.server.close(() => {
        resolve();
      });
    });
  }
}

/** The text of a WebSocket message, however `ws` delivered it. */
export function rawText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString("utf8");
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString("utf8");
  return data.toString("utf8");
}

/** Reassembles a frame sequence (count frames plus chunks, `"0"` keepalives) into messages. */
export function reassemble(frames: readonly string[]): Json[] {
  const messages: Json[] = [];
  let pending = 0;
  let buffer: string[] = [];
  for (const frame of frames) {
    if (pending > 0) {
      buffer.push(frame);
      pending -= 1;
      if (pending === 0) {
        messages.push(parseOrNull(buffer.join("")));
        buffer = [];
      }
    } else if (/^\d{1,6}$/.test(frame)) {
      pending = Number(frame);
    } else {
      messages.push(parseOrNull(frame));
    }
  }
  return messages;
}

function parseOrNull(text: string): Json {
  try {
    return JSON.parse(text) as Json;
  } catch {
    return null;
  }
}

/** The `{r, a, b}` of a client data request, or undefined. */
export function clientRequest(message: Json): { r: Json; a: string; b: JsonObject } | undefined {
  const data = layer(message, "d");
  if (data === undefined || typeof data["a"] !== "string") return undefined;
  const body = data["b"];
  return { r: data["r"] ?? null, a: data["a"], b: isJsonObject(body) ? body : {} };
}

// ---------------------------------------------------------------------------------------------
// REST
// ---------------------------------------------------------------------------------------------

export interface RestResponse {
  readonly status: number;
  readonly text: string;
  readonly headers: Headers;
  json(): unknown;
}

export async function rest(
  emulator: Emulator,
  method: string,
  pathAndQuery: string,
  /** A string body is sent as is; anything else is sent as JSON. */
  options: { body?: unknown; headers?: Record<string, string> } = {},
): Promise<RestResponse> {
  const body =
    options.body === undefined
      ? undefined
      : typeof options.body === "string"
        ? options.body
        : JSON.stringify(options.body);
  const response = await withTimeout(
    fetch(`http://${emulator.address}${pathAndQuery}`, {
      method,
      headers: options.headers ?? {},
      ...(body === undefined ? {} : { body }),
    }),
    `${method} ${pathAndQuery}`,
  );
  const text = await response.text();
  return {
    status: response.status,
    text,
    headers: response.headers,
    json: () => JSON.parse(text) as unknown,
  };
}

/** An unsigned JWT as rules-unit-testing and the Auth emulator produce (alg none, empty signature). */
export function unsignedJwt(claims: object, header: object = { alg: "none", typ: "JWT" }): string {
  const encode = (part: object): string => Buffer.from(JSON.stringify(part)).toString("base64url");
  return `${encode(header)}.${encode(claims)}.`;
}

/** Claims shaped like an Auth-emulator ID token for `uid` (§7.1). */
export function idTokenClaims(uid: string, project: string, extra: object = {}): object {
  const now = Math.floor(Date.now() / 1000);
  return {
    iss: `https://securetoken.google.com/${project}`,
    aud: project,
    auth_time: now,
    user_id: uid,
    sub: uid,
    iat: now,
    exp: now + 3600,
    firebase: { identities: {}, sign_in_provider: "custom" },
    ...extra,
  };
}
