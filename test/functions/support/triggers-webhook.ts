/**
 * A local stand-in for a tenant's outgoing webhook (a pager or chat service): records every POST
 * and answers 204, so a test can wait for a call or check that none came.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface WebhookCall {
  readonly path: string;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: unknown;
}

export interface WebhookStandIn {
  /** Base URL; give each tenant its own path so tests never see each other's calls. */
  readonly url: string;
  readonly calls: WebhookCall[];
  /** Resolves with the calls to `path` once there are at least `count` of them. */
  waitForCalls(path: string, count?: number, timeoutMs?: number): Promise<WebhookCall[]>;
  close(): Promise<void>;
}

export async function startWebhookStandIn(): Promise<WebhookStandIn> {
  const calls: WebhookCall[] = [];
  const waiters = new Set<() => void>();
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      let body: unknown = Buffer.concat(chunks).toString("utf8");
      try {
        body = JSON.parse(String(body));
      } catch {
        // Kept as text: the assertion will show it.
      }
      calls.push({ path: request.url ?? "", headers: request.headers, body });
      response.writeHead(204).end();
      for (const wake of waiters) wake();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    waitForCalls(path, count = 1, timeoutMs = 20_000) {
      const matching = () => calls.filter((call) => call.path === path);
      return new Promise((resolve, reject) => {
        const check = () => {
          if (matching().length < count) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve(matching());
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`webhook ${path}: ${matching().length} of ${count} calls`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
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
}
