/**
 * A local stand-in for a tenant's outgoing webhook (a pager or chat service): records every POST
 * with its raw body and answers 204, so a test can wait for a call or check that none came. A test
 * can make it answer another status (`respond`) or drop every connection as it opens
 * (`dropConnections`), as a receiver that is down would.
 */
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { fileURLToPath } from "node:url";

export interface WebhookCall {
  readonly path: string;
  readonly headers: Record<string, string | string[] | undefined>;
  /** The body parsed as JSON (the text when it is not JSON). */
  readonly body: unknown;
  /** The body exactly as received: what a signature covers. */
  readonly raw: string;
}

export interface WebhookStandIn {
  /** Base URL; give each tenant its own path so tests never see each other's calls. */
  readonly url: string;
  readonly calls: WebhookCall[];
  /** The status to answer a call with; 204 unless a test sets it. */
  respond: (call: WebhookCall) => number;
  /**
   * While true, every connection is destroyed as it opens (or, for a kept-alive one, as a request
   * arrives on it) without an answer: the sender sees a network failure, as from a receiver that
   * is down. `dropped` counts them.
   */
  dropConnections: boolean;
  readonly dropped: number;
  /** Resolves with the calls to `path` once there are at least `count` of them. */
  waitForCalls(path: string, count?: number, timeoutMs?: number): Promise<WebhookCall[]>;
  /** Resolves once `count` connections have been dropped in all. */
  waitForDropped(count: number, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export async function startWebhookStandIn(): Promise<WebhookStandIn> {
  const calls: WebhookCall[] = [];
  const waiters = new Set<() => void>();
  const wake = () => {
    for (const waiter of waiters) waiter();
  };
  const state = { dropped: 0 };
  const drop = (socket: Socket) => {
    state.dropped++;
    socket.destroy();
    wake();
  };
  const server: Server = createServer((request, response) => {
    // A sender's pooled keep-alive connection was opened before the receiver went down.
    if (standIn.dropConnections) {
      drop(request.socket);
      return;
    }
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const raw = Buffer.concat(chunks).toString("utf8");
      let body: unknown = raw;
      try {
        body = JSON.parse(raw);
      } catch {
        // Kept as text: the assertion will show it.
      }
      const call: WebhookCall = { path: request.url ?? "", headers: request.headers, body, raw };
      calls.push(call);
      response.writeHead(standIn.respond(call)).end();
      wake();
    });
  });
  server.on("connection", (socket: Socket) => {
    if (standIn.dropConnections) drop(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  function waitUntil<T>(ready: () => T | undefined, timeoutMs: number, what: () => string) {
    return new Promise<T>((resolve, reject) => {
      const check = () => {
        const value = ready();
        if (value === undefined) return;
        clearTimeout(timer);
        waiters.delete(check);
        resolve(value);
      };
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(new Error(what()));
      }, timeoutMs);
      waiters.add(check);
      check();
    });
  }

  const standIn: WebhookStandIn = {
    url: `http://127.0.0.1:${port}`,
    calls,
    respond: () => 204,
    dropConnections: false,
    get dropped() {
      return state.dropped;
    },
    waitForCalls(path, count = 1, timeoutMs = 20_000) {
      const matching = () => calls.filter((call) => call.path === path);
      return waitUntil(
        () => (matching().length >= count ? matching() : undefined),
        timeoutMs,
        () => `webhook ${path}: ${matching().length} of ${count} calls`,
      );
    },
    waitForDropped(count, timeoutMs = 30_000) {
      return waitUntil(
        () => (state.dropped >= count ? true : undefined),
        timeoutMs,
        () => `webhook: ${state.dropped} of ${count} connections dropped`,
      ).then(() => undefined);
    },
    close: () =>
      new Promise((resolve, reject) => {
        server.close((error) => {
          if (error) reject(error);
          else resolve();
        });
        server.closeAllConnections();
      }),
  };
  return standIn;
}

/**
 * The emulator's webhook signing secret: generated with the gateway key at emulator start
 * (scripts/local-secrets.mjs) into functions/.secret.local, which receivers in tests verify with.
 */
export function localWebhookSecret(): string {
  const path = fileURLToPath(new URL("../../../.secret.local", import.meta.url));
  for (const line of readFileSync(path, "utf8").split("\n")) {
    if (line.startsWith("WEBHOOK_SIGNING_SECRET=")) {
      return line.slice("WEBHOOK_SIGNING_SECRET=".length).replace(/^"|"$/g, "");
    }
  }
  throw new Error(`no WEBHOOK_SIGNING_SECRET in ${path}: run through scripts/emulators.mjs`);
}
