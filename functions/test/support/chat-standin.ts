/**
 * A local stand-in for an OpenAI-compatible chat-completions server: it checks requests the way
 * the real API does (method, path, bearer key, JSON body with a model and messages), records
 * everything it receives, and answers as the test tells it — normally, with an error status,
 * malformed JSON, no choices, empty content, or not at all until the client gives up.
 */
import { createServer, type IncomingHttpHeaders, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { z } from "zod";

export type StandinBehaviour =
  | { readonly kind: "answer"; readonly content: string }
  /** Never answers; the request stays open until the client aborts it. */
  | { readonly kind: "hold" }
  | { readonly kind: "status"; readonly status: number }
  | { readonly kind: "malformed" }
  | { readonly kind: "empty-choices" }
  | { readonly kind: "empty-content" };

export interface ReceivedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  /** The parsed JSON body, or the raw text when it was not JSON. */
  readonly body: unknown;
  /** The status the stand-in answered with; 0 while a held request is open or after the client left. */
  status: number;
  /** True once the client closed a request the stand-in was holding. */
  clientAborted: boolean;
}

export interface ChatStandin {
  /** Includes the `/v1` prefix, as clients are configured. */
  readonly baseUrl: string;
  readonly received: readonly ReceivedRequest[];
  behave(behaviour: StandinBehaviour): void;
  /** Resolves with the next request to arrive (or one that already arrived and was not taken). */
  nextRequest(): Promise<ReceivedRequest>;
  /** Resolves when the client of a held request disconnects. */
  clientAborted(request: ReceivedRequest): Promise<void>;
  close(): Promise<void>;
}

const requestSchema = z.object({
  model: z.string().min(1),
  messages: z
    .array(z.object({ role: z.enum(["system", "user", "assistant"]), content: z.string() }))
    .min(1),
  max_tokens: z.number().int().positive().optional(),
  temperature: z.number().min(0).max(2).optional(),
});

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { "Content-Type": "application/json" }).end(JSON.stringify(body));
}

function apiError(response: ServerResponse, status: number, message: string, type: string): void {
  sendJson(response, status, { error: { message, type, code: null } });
}

function completion(model: string, content: string | null) {
  return {
    id: "chatcmpl-standin",
    object: "chat.completion",
    created: Math.floor(Date.now() / 1000),
    model,
    choices: [{ index: 0, message: { role: "assistant", content }, finish_reason: "stop" }],
    usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
  };
}

export async function startChatStandin(options: {
  apiKey: string;
  behaviour?: StandinBehaviour;
}): Promise<ChatStandin> {
  let behaviour: StandinBehaviour = options.behaviour ?? {
    kind: "answer",
    content: "Stand-in reply.",
  };
  const received: ReceivedRequest[] = [];
  let taken = 0;
  const requestWaiters: (() => void)[] = [];
  const abortWaiters = new Map<ReceivedRequest, (() => void)[]>();

  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const raw = Buffer.concat(chunks).toString("utf8");
      let body: unknown = raw;
      let isJson = false;
      try {
        body = JSON.parse(raw);
        isJson = true;
      } catch {
        // Kept as text: the test may want to see what was sent.
      }
      const record: ReceivedRequest = {
        method: request.method ?? "",
        path: request.url ?? "",
        headers: request.headers,
        body,
        status: 0,
        clientAborted: false,
      };
      received.push(record);
      response.on("finish", () => {
        record.status = response.statusCode;
      });
      handle(record, isJson, response);
      for (const wake of requestWaiters.splice(0)) wake();
    });
  });

  function handle(record: ReceivedRequest, isJson: boolean, response: ServerResponse): void {
    if (record.method !== "POST") {
      apiError(response, 405, "Method not allowed.", "invalid_request_error");
      return;
    }
    if (record.path !== "/v1/chat/completions") {
      apiError(response, 404, `Unknown path ${record.path}.`, "invalid_request_error");
      return;
    }
    if (record.headers.authorization !== `Bearer ${options.apiKey}`) {
      apiError(response, 401, "Incorrect API key provided.", "invalid_request_error");
      return;
    }
    if (!(record.headers["content-type"] ?? "").startsWith("application/json") || !isJson) {
      apiError(response, 400, "The body must be JSON.", "invalid_request_error");
      return;
    }
    const parsed = requestSchema.safeParse(record.body);
    if (!parsed.success) {
      apiError(response, 400, parsed.error.message, "invalid_request_error");
      return;
    }
    const model = parsed.data.model;
    switch (behaviour.kind) {
      case "answer":
        sendJson(response, 200, completion(model, behaviour.content));
        return;
      case "hold":
        response.on("close", () => {
          if (response.writableFinished) return;
          record.clientAborted = true;
          for (const wake of abortWaiters.get(record) ?? []) wake();
          abortWaiters.delete(record);
        });
        return;
      case "status":
        apiError(response, behaviour.status, "The server had an error.", "server_error");
        return;
      case "malformed":
        response.writeHead(200, { "Content-Type": "application/json" }).end('{"choices": [{"mess');
        return;
      case "empty-choices":
        sendJson(response, 200, { ...completion(model, null), choices: [] });
        return;
      case "empty-content":
        sendJson(response, 200, completion(model, "   "));
        return;
    }
  }

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address: AddressInfo | string | null = server.address();
  if (address === null || typeof address === "string") throw new Error("stand-in is not on TCP");
  const { port } = address;

  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    received,
    behave(next) {
      behaviour = next;
    },
    nextRequest() {
      return new Promise((resolve) => {
        const take = () => {
          const next = received[taken];
          if (next === undefined) {
            requestWaiters.push(take);
            return;
          }
          taken++;
          resolve(next);
        };
        take();
      });
    },
    clientAborted(record) {
      if (record.clientAborted) return Promise.resolve();
      return new Promise((resolve) => {
        abortWaiters.set(record, [...(abortWaiters.get(record) ?? []), resolve]);
      });
    },
    close() {
      server.closeAllConnections();
      return new Promise((resolve, reject) => {
        server.close((error) => {
          error ? reject(error) : resolve();
        });
      });
    },
  };
}
