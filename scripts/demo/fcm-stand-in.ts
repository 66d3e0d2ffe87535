/**
 * A local stand-in for Firebase Cloud Messaging's HTTP v1 API, for the tests and the demo: what
 * `POST /v1/projects/{project}/messages:send` does with a web push. It checks the bearer token
 * (the Firebase emulators' `owner` token, what the functions send when emulating), the project,
 * and the message's shape (a `token`, a `webpush.notification` with a title, an optional HTTP(S)
 * `webpush.fcm_options.link`, string-only `data`); answers 200 with `{name:
 * "projects/{project}/messages/{id}"}` for a registered token, and for any other 404 NOT_FOUND
 * with FCM's `UNREGISTERED` error detail, as FCM does for a token whose browser unsubscribed.
 * Bad requests get FCM's 400 INVALID_ARGUMENT, a wrong bearer 401 UNAUTHENTICATED.
 */
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { fileURLToPath } from "node:url";
import { z } from "zod";

/** What the functions send as the bearer when emulating (functions/src/store/push.ts). */
export const STAND_IN_BEARER = "owner";

const messageSchema = z.strictObject({
  message: z.strictObject({
    token: z.string().min(1),
    webpush: z.strictObject({
      notification: z.looseObject({ title: z.string().min(1), body: z.string().optional() }),
      fcm_options: z.strictObject({ link: z.url({ protocol: /^https?$/ }) }).optional(),
    }),
    data: z.record(z.string(), z.string()).optional(),
  }),
});
export type SentPush = z.infer<typeof messageSchema>["message"] & { readonly name: string };

/** The port the local functions send pushes to (FCM_API_BASE_URL in functions/.env.local). */
export function localFcmPort(): number {
  const path = fileURLToPath(new URL("../../functions/.env.local", import.meta.url));
  for (const line of readFileSync(path, "utf8").split("\n")) {
    if (line.startsWith("FCM_API_BASE_URL=")) {
      return Number(new URL(line.slice("FCM_API_BASE_URL=".length)).port);
    }
  }
  throw new Error(`no FCM_API_BASE_URL in ${path}`);
}

function fcmError(
  res: ServerResponse,
  code: number,
  status: string,
  message: string,
  detail?: string,
) {
  res.writeHead(code, { "content-type": "application/json" });
  res.end(
    JSON.stringify({
      error: {
        code,
        message,
        status,
        ...(detail === undefined
          ? {}
          : {
              details: [
                {
                  "@type": "type.googleapis.com/google.firebase.fcm.v1.FcmError",
                  errorCode: detail,
                },
              ],
            }),
      },
    }),
  );
}

async function bodyOf(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

export class FcmStandIn {
  /** Tokens of browsers that are subscribed; any other token is UNREGISTERED. */
  readonly registered = new Set<string>();
  /** Every message accepted, in order. */
  readonly sent: SentPush[] = [];
  /** Every request refused, with its status: what a test expects not to see. */
  readonly refused: { status: number; body: string }[] = [];

  private constructor(
    private readonly server: Server,
    readonly url: string,
    readonly projectId: string,
    private readonly onSent: (push: SentPush) => void,
  ) {}

  /** Listens on `port` (0: any free one); `onSent` sees each accepted message. */
  static async start(
    projectId: string,
    port = 0,
    onSent: (push: SentPush) => void = () => undefined,
  ): Promise<FcmStandIn> {
    const holder: { standIn?: FcmStandIn } = {};
    const server = createServer((req, res) => {
      void holder.standIn?.handle(req, res);
    });
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, "127.0.0.1", resolve);
    });
    const address = server.address();
    const bound = typeof address === "object" && address !== null ? address.port : port;
    const standIn = new FcmStandIn(server, `http://127.0.0.1:${bound}`, projectId, onSent);
    holder.standIn = standIn;
    return standIn;
  }

  /** A new browser subscription: its token, as FCM's getToken would hand it to the page. */
  register(): string {
    const token = `${randomBytes(8).toString("hex")}:APA91b${randomBytes(48).toString("base64url")}`;
    this.registered.add(token);
    return token;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => {
      this.server.close(() => {
        resolve();
      });
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await bodyOf(req);
    const refuse = (code: number, status: string, message: string, detail?: string) => {
      this.refused.push({ status: code, body });
      fcmError(res, code, status, message, detail);
    };
    const path = `/v1/projects/${this.projectId}/messages:send`;
    if (req.method !== "POST" || req.url !== path) {
      refuse(404, "NOT_FOUND", `no such method: ${req.method ?? ""} ${req.url ?? ""}`);
      return;
    }
    if (req.headers.authorization !== `Bearer ${STAND_IN_BEARER}`) {
      refuse(401, "UNAUTHENTICATED", "Request had invalid authentication credentials.");
      return;
    }
    let json: unknown;
    try {
      json = JSON.parse(body);
    } catch {
      refuse(400, "INVALID_ARGUMENT", "Invalid JSON payload received.");
      return;
    }
    const parsed = messageSchema.safeParse(json);
    if (!parsed.success) {
      refuse(
        400,
        "INVALID_ARGUMENT",
        `Invalid message: ${parsed.error.message}`,
        "INVALID_ARGUMENT",
      );
      return;
    }
    if (!this.registered.has(parsed.data.message.token)) {
      refuse(404, "NOT_FOUND", "Requested entity was not found.", "UNREGISTERED");
      return;
    }
    const name = `projects/${this.projectId}/messages/0:${Date.now()}%${randomBytes(8).toString("hex")}`;
    const push = { ...parsed.data.message, name };
    this.sent.push(push);
    this.onSent(push);
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify({ name }));
  }
}
