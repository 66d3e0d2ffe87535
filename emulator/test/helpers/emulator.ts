/**
 * Test helpers for every emulator suite.
 *
 *   startEmulator(options?) → Promise<TestEmulator>
 *     Starts the emulator on 127.0.0.1.
 *     options.mode       "in-process" (default; runs src/ through tsx) or "child" (spawns
 *                        `node emulator/lib/cli.js`; build first with `npx tsc -b emulator`)
 *     options.port       the port to listen on (default 0: a free one); pass a stopped emulator's
 *                        port to restart it where its clients will reconnect
 *     options.rules      rules text for every namespace without rules of its own
 *     options.functionsEmulator  {host, port} where function triggers are delivered
 *     options.args       extra CLI arguments (child mode)
 *     options.faults     serve the fault control at /.faults (`--faults` in child mode)
 *     options.env        extra environment for the child (child mode)
 *   TestEmulator
 *     host, port, hostPort ("127.0.0.1:1234"), url ("http://127.0.0.1:1234")
 *     database           the engine (in-process mode only; undefined for a child)
 *     child              the ChildProcess (child mode only)
 *     databaseUrl(ns)    "http://127.0.0.1:1234?ns=<ns>" for firebase `databaseURL`
 *     stop()             closes the server (or SIGINTs the child and waits for its exit)
 *
 *   uniqueNamespace(prefix = "test") → a fresh namespace name, so tests never share data.
 *   withTimeout(promise, ms, what) → the promise, or a rejection naming `what` after `ms`.
 *
 *   connectRaw(emulator, {namespace?, path?, headers?}) → Promise<RawClient>
 *     A frame-level WebSocket client (the `ws` package) for wire tests; resolves once open.
 *   RawClient
 *     frames             every text frame received, as sent
 *     messages           every complete message, parsed (count-frame chunks reassembled)
 *     send(message)      sends one JSON message as a single frame
 *     sendFrame(text)    sends one raw text frame
 *     request(action, body) → Promise<{s, d}>  sends `{t:"d",d:{r,a,b}}` with the next `r`, resolves with the reply body
 *     next(predicate, timeoutMs?) → Promise<message>: the first message, already received or
 *                        still to come, that matches and was not returned by an earlier `next`
 *     handshake()        the handshake payload `{ts, v, h, s}` (waits for it; repeatable)
 *     closed             a promise resolved with the close code when the socket closes
 *     close(), terminate()
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import path from "node:path";
import { fileURLToPath } from "node:url";
import WebSocket from "ws";
import type { Database } from "../../src/engine/database.js";
import { startServer } from "../../src/transport/server.js";

export interface StartOptions {
  readonly mode?: "in-process" | "child";
  readonly port?: number;
  readonly rules?: string;
  readonly functionsEmulator?: { readonly host: string; readonly port: number };
  readonly args?: readonly string[];
  readonly faults?: boolean;
  readonly env?: Readonly<Record<string, string>>;
}

export interface TestEmulator {
  readonly host: string;
  readonly port: number;
  readonly hostPort: string;
  readonly url: string;
  readonly database: Database | undefined;
  readonly child: ChildProcess | undefined;
  databaseUrl(namespace: string): string;
  stop(): Promise<void>;
}

const HOST = "127.0.0.1";
const CLI = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../lib/cli.js");

export function uniqueNamespace(prefix = "test"): string {
  return `${prefix}-${randomBytes(6).toString("hex")}`;
}

export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new Error(`Timed out after ${ms} ms waiting for ${what}`));
    }, ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}

function describe(
  host: string,
  port: number,
): Pick<TestEmulator, "host" | "port" | "hostPort" | "url" | "databaseUrl"> {
  const hostPort = `${host}:${String(port)}`;
  return {
    host,
    port,
    hostPort,
    url: `http://${hostPort}`,
    databaseUrl: (namespace: string) => `http://${hostPort}?ns=${namespace}`,
  };
}

export async function startEmulator(options: StartOptions = {}): Promise<TestEmulator> {
  if (options.mode === "child") return startChild(options);
  const server = await startServer({
    host: HOST,
    port: options.port ?? 0,
    ...(options.rules === undefined ? {} : { defaultRules: options.rules }),
    ...(options.functionsEmulator === undefined
      ? {}
      : { functionsEmulator: options.functionsEmulator }),
    ...(options.faults === true ? { faults: true } : {}),
  });
  return {
    ...describe(HOST, server.port),
    database: server.database,
    child: undefined,
    stop: () => server.close(),
  };
}

async function startChild(options: StartOptions): Promise<TestEmulator> {
  const args = [CLI, "--host", HOST, "--port", String(options.port ?? 0), ...(options.args ?? [])];
  if (options.faults === true) args.push("--faults");
  if (options.functionsEmulator !== undefined) {
    args.push("--functions_emulator_host", options.functionsEmulator.host);
    args.push("--functions_emulator_port", String(options.functionsEmulator.port));
  }
  let rulesDirectory: string | undefined;
  if (options.rules !== undefined) {
    const { mkdtemp, writeFile } = await import("node:fs/promises");
    const os = await import("node:os");
    rulesDirectory = await mkdtemp(path.join(os.tmpdir(), "rtdb-rules-"));
    const rulesFile = path.join(rulesDirectory, "database.rules.json");
    await writeFile(rulesFile, options.rules);
    args.push("--rules", rulesFile);
  }
  const child = spawn(process.execPath, args, {
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, ...(options.env ?? {}) },
  });
  let output = "";
  const port = await withTimeout(
    new Promise<number>((resolve, reject) => {
      child.stdout.setEncoding("utf8");
      child.stderr.setEncoding("utf8");
      child.stderr.on("data", (chunk: string) => (output += chunk));
      child.stdout.on("data", (chunk: string) => {
        output += chunk;
        const match = /listening on http:\/\/[^\s]*:(\d+)/.exec(output);
        if (match?.[1] !== undefined) resolve(Number(match[1]));
      });
      child.once("exit", (code) => {
        reject(new Error(`emulator exited with ${String(code)}: ${output}`));
      });
    }),
    10_000,
    "the emulator's ready line",
  );
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null) resolve();
    else
      child.once("exit", () => {
        resolve();
      });
  });
  return {
    ...describe(HOST, port),
    database: undefined,
    child,
    stop: async () => {
      child.kill("SIGINT");
      await withTimeout(exited, 5_000, "the emulator to exit");
      if (rulesDirectory !== undefined) {
        const { rm } = await import("node:fs/promises");
        await rm(rulesDirectory, { recursive: true, force: true });
      }
    },
  };
}

export interface RawClient {
  readonly socket: WebSocket;
  readonly frames: string[];
  readonly messages: unknown[];
  readonly closed: Promise<number>;
  send(message: unknown): void;
  sendFrame(text: string): void;
  request(action: string, body: unknown, timeoutMs?: number): Promise<{ s: unknown; d: unknown }>;
  next(predicate: (message: unknown) => boolean, timeoutMs?: number): Promise<unknown>;
  handshake(): Promise<{ ts: unknown; v: unknown; h: unknown; s: unknown }>;
  close(): void;
  terminate(): void;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** `{t:"d", d:{r, b}}` → b, when `r` matches. */
export function replyBody(
  message: unknown,
  request: number,
): { s: unknown; d: unknown } | undefined {
  if (!isRecord(message) || message["t"] !== "d" || !isRecord(message["d"])) return undefined;
  const payload = message["d"];
  if (payload["r"] !== request || !isRecord(payload["b"])) return undefined;
  return { s: payload["b"]["s"], d: payload["b"]["d"] };
}

/** `{t:"d", d:{a, b}}` → {a, b} for server pushes. */
export function pushOf(message: unknown): { a: string; b: Record<string, unknown> } | undefined {
  if (!isRecord(message) || message["t"] !== "d" || !isRecord(message["d"])) return undefined;
  const payload = message["d"];
  if (typeof payload["a"] !== "string" || !isRecord(payload["b"])) return undefined;
  return { a: payload["a"], b: payload["b"] };
}

export async function connectRaw(
  emulator: Pick<TestEmulator, "hostPort">,
  options: { namespace?: string; path?: string; headers?: Record<string, string> } = {},
): Promise<RawClient> {
  const target =
    options.path ??
    `/.ws?v=5&ns=${encodeURIComponent(options.namespace ?? uniqueNamespace("raw"))}`;
  const socket = new WebSocket(`ws://${emulator.hostPort}${target}`, {
    headers: options.headers ?? {},
  });
  const frames: string[] = [];
  const messages: unknown[] = [];
  const consumed = new Set<number>();
  const waiters = new Set<() => void>();
  let pending = 0;
  let chunks: string[] = [];
  socket.on("message", (data: WebSocket.RawData) => {
    const text = Buffer.isBuffer(data)
      ? data.toString("utf8")
      : Array.isArray(data)
        ? Buffer.concat(data).toString("utf8")
        : Buffer.from(data).toString("utf8");
    frames.push(text);
    if (pending > 0) {
      chunks.push(text);
      if (chunks.length < pending) return;
      const joined = chunks.join("");
      pending = 0;
      chunks = [];
      messages.push(JSON.parse(joined));
    } else if (/^\d{1,6}$/.test(text)) {
      pending = Number(text);
      return;
    } else {
      messages.push(JSON.parse(text));
    }
    for (const waiter of [...waiters]) waiter();
  });
  const closed = new Promise<number>((resolve) =>
    socket.once("close", (code) => {
      resolve(code);
    }),
  );
  await withTimeout(
    new Promise<void>((resolve, reject) => {
      socket.once("open", () => {
        resolve();
      });
      socket.once("error", reject);
    }),
    5_000,
    "the WebSocket to open",
  );

  function next(predicate: (message: unknown) => boolean, timeoutMs = 5_000): Promise<unknown> {
    const find = (): { found: true; message: unknown } | { found: false } => {
      for (let index = 0; index < messages.length; index++) {
        if (consumed.has(index)) continue;
        const message = messages[index];
        if (predicate(message)) {
          consumed.add(index);
          return { found: true, message };
        }
      }
      return { found: false };
    };
    return withTimeout(
      new Promise<unknown>((resolve) => {
        const attempt = (): void => {
          const result = find();
          if (!result.found) return;
          waiters.delete(attempt);
          resolve(result.message);
        };
        waiters.add(attempt);
        attempt();
      }),
      timeoutMs,
      "a matching message",
    );
  }

  let requestNumber = 0;
  let handshakeMessage: Promise<unknown> | undefined;
  const client: RawClient = {
    socket,
    frames,
    messages,
    closed,
    send: (message) => {
      socket.send(JSON.stringify(message));
    },
    sendFrame: (text) => {
      socket.send(text);
    },
    async request(action, body, timeoutMs = 5_000) {
      requestNumber++;
      const r = requestNumber;
      socket.send(JSON.stringify({ t: "d", d: { r, a: action, b: body } }));
      const message = await next((candidate) => replyBody(candidate, r) !== undefined, timeoutMs);
      const reply = replyBody(message, r);
      if (reply === undefined) throw new Error("unreachable: reply vanished");
      return reply;
    },
    next,
    async handshake() {
      handshakeMessage ??= next(
        (candidate) =>
          isRecord(candidate) &&
          candidate["t"] === "c" &&
          isRecord(candidate["d"]) &&
          candidate["d"]["t"] === "h",
      );
      const message = await handshakeMessage;
      if (!isRecord(message) || !isRecord(message["d"]) || !isRecord(message["d"]["d"])) {
        throw new Error("malformed handshake");
      }
      const payload = message["d"]["d"];
      return { ts: payload["ts"], v: payload["v"], h: payload["h"], s: payload["s"] };
    },
    close: () => {
      socket.close();
    },
    terminate: () => {
      socket.terminate();
    },
  };
  return client;
}
