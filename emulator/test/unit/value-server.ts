/**
 * A throwaway server for unit tests that need the real `firebase` client as an oracle: it speaks
 * just enough of the protocol (spec §2–§6) to serve chosen values to a listen and to capture the
 * puts of a transaction. Values are kept as JSON text, so `-0` and arrays reach the client as such.
 */
import { deleteApp, initializeApp, type FirebaseApp } from "firebase/app";
import { connectDatabaseEmulator, getDatabase, type Database } from "firebase/database";
import type { AddressInfo } from "node:net";
import { WebSocketServer, type RawData, type WebSocket } from "ws";

export interface PutCapture {
  readonly path: string;
  readonly hash: unknown;
}

/** Just enough of the server side of the protocol for a listen and a transaction (spec §2–§6). */
export class ValueServer {
  readonly values = new Map<string, string>();
  private readonly puts: PutCapture[] = [];
  private readonly waiters: Array<() => void> = [];
  private readonly sockets = new Set<WebSocket>();
  private constructor(private readonly server: WebSocketServer) {
    server.on("connection", (socket, request) => {
      this.sockets.add(socket);
      socket.on("close", () => this.sockets.delete(socket));
      const handshake = { ts: Date.now(), v: "5", h: request.headers.host ?? "", s: "oracle" };
      socket.send(JSON.stringify({ t: "c", d: { t: "h", d: handshake } }));
      let pendingFrames = 0;
      let buffered = "";
      socket.on("message", (data: RawData) => {
        const text = rawText(data);
        if (pendingFrames > 0) {
          buffered += text;
          if (--pendingFrames === 0) this.onMessage(socket, buffered);
          return;
        }
        if (/^\d{1,6}$/.test(text)) {
          // "0" is the client's keepalive; any other number announces that many chunks.
          pendingFrames = Number(text);
          buffered = "";
          return;
        }
        this.onMessage(socket, text);
      });
    });
  }

  static async start(): Promise<ValueServer> {
    const server = new WebSocketServer({ host: "127.0.0.1", port: 0 });
    await new Promise<void>((resolve) => server.once("listening", resolve));
    return new ValueServer(server);
  }

  get port(): number {
    const address: AddressInfo | string | null = this.server.address();
    if (address === null || typeof address === "string") throw new Error("expected a TCP address");
    return address.port;
  }

  /** The first put the client sends for `path`, waiting for it up to `timeoutMs`. */
  async putFor(path: string, timeoutMs = 5000): Promise<PutCapture> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.puts.find((put) => put.path === path);
      if (found !== undefined) return found;
      const remaining = deadline - Date.now();
      if (remaining <= 0) throw new Error(`no put for /${path} within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, remaining);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.terminate();
    await new Promise<void>((resolve, reject) => {
      this.server.close((error) => {
        if (error) reject(error);
        else resolve();
      });
    });
  }

  private onMessage(socket: WebSocket, text: string): void {
    const message: unknown = JSON.parse(text);
    if (!isRecord(message) || !isRecord(message["d"])) return;
    const body = message["d"];
    if (message["t"] === "c") {
      if (body["t"] === "p") socket.send(JSON.stringify({ t: "c", d: { t: "o", d: {} } }));
      return;
    }
    const request = body["r"];
    const payload = isRecord(body["b"]) ? body["b"] : {};
    const path = typeof payload["p"] === "string" ? payload["p"].replace(/^\/+/, "") : "";
    switch (body["a"]) {
      case "q":
        if (payload["q"] !== undefined) {
          // Tagged queries are answered from the client's cache of the default listen, so that
          // what the client shows is its own filtering.
          this.reply(socket, request, {});
          return;
        }
        // The data push must precede the `ok` that completes the listen.
        this.push(socket, path, this.values.get(path) ?? "null");
        this.reply(socket, request, {});
        return;
      case "p":
        this.puts.push({ path, hash: payload["h"] });
        for (const wake of this.waiters.splice(0)) wake();
        this.values.set(path, JSON.stringify(payload["d"] ?? null));
        this.push(socket, path, this.values.get(path) ?? "null");
        this.reply(socket, request, "");
        return;
      default:
        this.reply(socket, request, "");
    }
  }

  private push(socket: WebSocket, path: string, dataJson: string): void {
    socket.send(`{"t":"d","d":{"a":"d","b":{"p":${JSON.stringify(path)},"d":${dataJson}}}}`);
  }

  private reply(socket: WebSocket, request: unknown, data: unknown): void {
    if (typeof request !== "number") return;
    socket.send(JSON.stringify({ t: "d", d: { r: request, b: { s: "ok", d: data } } }));
  }
}

function rawText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString("utf8");
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString("utf8");
  return data.toString("utf8");
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

export async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(new Error(`timed out after ${ms} ms waiting for ${what}`));
    }, ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** A client app connected to `server`; `close()` deletes the app. */
export function connectClient(
  server: ValueServer,
  name: string,
): { database: Database; close(): Promise<void> } {
  const app: FirebaseApp = initializeApp(
    { projectId: "demo-oracle", databaseURL: "https://demo-oracle.firebaseio.com" },
    `${name}-${Date.now()}-${Math.random().toString(36).slice(2)}`,
  );
  const database = getDatabase(app);
  connectDatabaseEmulator(database, "127.0.0.1", server.port);
  return { database, close: () => deleteApp(app) };
}
