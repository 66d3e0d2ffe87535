/**
 * A telephony gateway as Lifeline sees one: it signs its own JWTs (ES256, the local gateway key,
 * see gateway-key.ts) and posts speech turns, call-ended and missed-call notices and device readings to the real
 * HTTPS endpoints of the Functions emulator. Used by the demo (`npm start`) and the browser tests,
 * so what the tests exercise is exactly what a newcomer watches.
 *
 * Like a real gateway it retries: a network error or a 5xx is retried with the same turn id (the
 * endpoint answers a repeated turn with its first answer), and a 429 or 503 waits `Retry-After`.

 */
import { randomBytes } from "node:crypto";
import { z } from "zod";
import { signGatewayToken } from "./gateway-key.js";

/** Must match GATEWAY_JWT_ISSUER and GATEWAY_JWT_AUDIENCE in functions/.env.local. */
export const DEMO_GATEWAY_ISSUER = "https://gateway.lifeline.test";
export const DEMO_GATEWAY_AUDIENCE = "lifeline-local";

/** Tokens live five minutes and are renewed a minute before they expire. */
const TOKEN_LIFETIME_S = 300;
const TOKEN_RENEW_BEFORE_S = 60;
const MAX_ATTEMPTS = 5;
/** A `Retry-After` longer than this is not worth waiting for in a demo or a test. */
const MAX_RETRY_WAIT_MS = 15_000;

export type Medium = "voice" | "sms";

// The answers are checked loosely: the client needs these fields, and the endpoints may add more.
const urgencySchema = z.enum(["normal", "urgent", "critical"]);
const turnAnswerSchema = z.object({
  callId: z.string(),
  /** The assistant's reply; null while a human owns the call. */
  reply: z.string().nullable(),
  urgency: urgencySchema,
  owner: z.object({ kind: z.enum(["ai", "human"]), name: z.string().optional() }),
  /** What supervisors typed for the caller since the previous turn, to be spoken or texted. */
  say: z.array(z.string()),
  /** A member ended the call: speak `reply` and hang up. */
  hangup: z.literal(true).optional(),
});
export type TurnAnswer = z.infer<typeof turnAnswerSchema>;
export type Urgency = z.infer<typeof urgencySchema>;

const callEventAnswerSchema = z.object({ callId: z.string() });
const missedCallAnswerSchema = z.object({ callId: z.string(), alertId: z.string() });
const readingsAnswerSchema = z.object({
  subjectId: z.string(),
  readings: z.array(
    z.object({ kind: z.string(), value: z.number(), at: z.number(), status: z.string() }),
  ),
  alert: z.object({ id: z.string(), severity: z.string(), change: z.string() }).nullable(),
});
export type ReadingsAnswer = z.infer<typeof readingsAnswerSchema>;

export interface Reading {
  readonly kind: string;
  readonly value: number;
  readonly unit?: string;
  readonly at?: number;
}

export class GatewayError extends Error {
  constructor(
    readonly endpoint: string,
    readonly status: number,
    readonly body: unknown,
  ) {
    super(`${endpoint}: HTTP ${status} ${JSON.stringify(body)}`);
    this.name = "GatewayError";
  }
}

export interface GatewayClientOptions {
  /** e.g. http://127.0.0.1:5001/demo-lifeline/us-central1 */
  readonly functionsBase: string;
  /** The gateway's identity (`sub`): call ids and the gateway rate limit are per gateway. */
  readonly gatewayId?: string;
  /** Called before each retry, e.g. to print why the demo is waiting. */
  readonly onRetry?: (endpoint: string, reason: string, waitMs: number) => void;
}

/** The Functions emulator's base URL for the project the emulator suite runs. */
export function emulatorFunctionsBase(): string {
  const host = process.env.FUNCTIONS_EMULATOR_HOST ?? "127.0.0.1:5001";
  return `http://${host}/${emulatorProjectId()}/us-central1`;
}

export function emulatorProjectId(): string {
  if (process.env.GCLOUD_PROJECT !== undefined) return process.env.GCLOUD_PROJECT;
  const config: unknown = JSON.parse(process.env.FIREBASE_CONFIG ?? "{}");
  if (typeof config === "object" && config !== null && "projectId" in config) {
    if (typeof config.projectId === "string") return config.projectId;
  }
  return "demo-lifeline";
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function retryAfterMs(response: Response): number {
  const seconds = Number(response.headers.get("retry-after") ?? "1");
  return Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : 1000;
}

/** A turn id as a gateway makes one per utterance. */
export function newTurnId(): string {
  return `turn-${randomBytes(8).toString("hex")}`;
}

export class GatewayClient {
  readonly gatewayId: string;
  private readonly functionsBase: string;
  private readonly onRetry: GatewayClientOptions["onRetry"];
  private token: { value: string; renewAt: number } | undefined;

  constructor(options: GatewayClientOptions) {
    this.functionsBase = options.functionsBase.replace(/\/+$/, "");
    this.gatewayId = options.gatewayId ?? "demo-gateway";
    this.onRetry = options.onRetry;
  }

  private async bearer(): Promise<string> {
    const nowS = Math.floor(Date.now() / 1000);
    if (this.token !== undefined && nowS < this.token.renewAt) return this.token.value;
    const value = await signGatewayToken({
      sub: this.gatewayId,
      iss: DEMO_GATEWAY_ISSUER,
      aud: DEMO_GATEWAY_AUDIENCE,
      iat: nowS,
      exp: nowS + TOKEN_LIFETIME_S,
    });
    this.token = { value, renewAt: nowS + TOKEN_LIFETIME_S - TOKEN_RENEW_BEFORE_S };
    return value;
  }

  private async post(endpoint: string, body: unknown): Promise<unknown> {
    let lastError: unknown;
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      let response: Response;
      try {
        response = await fetch(`${this.functionsBase}/${endpoint}`, {
          method: "POST",
          headers: {
            authorization: `Bearer ${await this.bearer()}`,
            "content-type": "application/json",
          },
          body: JSON.stringify(body),
          signal: AbortSignal.timeout(30_000),
        });
      } catch (error) {
        // Cold workers in the Functions emulator can drop the first connection; the same turn id
        // makes the retry safe.
        lastError = error;
        const wait = 250 * 2 ** (attempt - 1);
        this.onRetry?.(endpoint, error instanceof Error ? error.message : String(error), wait);
        await delay(wait);
        continue;
      }
      const text = await response.text();
      let parsed: unknown = text;
      try {
        parsed = text === "" ? null : JSON.parse(text);
      } catch {
        // Not JSON (an emulator error page): keep the text for the error message.
      }
      if (response.ok) return parsed;
      lastError = new GatewayError(endpoint, response.status, parsed);
      const retryable = response.status === 429 || response.status >= 500;
      if (!retryable || attempt === MAX_ATTEMPTS) throw lastError;
      const wait =
        response.status === 429 || response.status === 503
          ? retryAfterMs(response)
          : 250 * 2 ** (attempt - 1);
      if (wait > MAX_RETRY_WAIT_MS) throw lastError;
      this.onRetry?.(endpoint, `HTTP ${response.status}`, wait);
      await delay(wait);
    }
    throw lastError instanceof Error ? lastError : new Error(String(lastError));
  }

  async turn(request: {
    callRef: string;
    from: string;
    text: string;
    medium: Medium;
    turnId?: string;
  }): Promise<TurnAnswer> {
    const answer = await this.post("speechTurn", {
      ...request,
      turnId: request.turnId ?? newTurnId(),
    });
    return turnAnswerSchema.parse(answer);
  }

  async callEnded(request: {
    callRef: string;
    from: string;
    at?: number;
  }): Promise<{ callId: string }> {
    return callEventAnswerSchema.parse(await this.post("callEnded", request));
  }

  async missedCall(request: {
    callRef: string;
    from: string;
    medium?: Medium;
    at?: number;
  }): Promise<{ callId: string; alertId: string }> {
    return missedCallAnswerSchema.parse(await this.post("missedCall", request));
  }

  /** A batch from a registered device; its tenant and subject come from the registry. */
  async deviceReadings(request: {
    deviceId: string;
    readings: readonly Reading[];
  }): Promise<ReadingsAnswer> {
    return readingsAnswerSchema.parse(await this.post("deviceReadings", request));
  }
}

/** One call as the gateway handles it: the caller's turns in order, then the hang-up. */
export class GatewayCall {
  callId: string | undefined;
  /** Everything supervisors had the gateway say to this caller, in order. */
  readonly said: string[] = [];

  constructor(
    private readonly client: GatewayClient,
    readonly from: string,
    readonly medium: Medium,
    readonly callRef = `call-${randomBytes(6).toString("hex")}`,
  ) {}

  async turn(text: string): Promise<TurnAnswer> {
    const answer = await this.client.turn({
      callRef: this.callRef,
      from: this.from,
      text,
      medium: this.medium,
    });
    this.callId = answer.callId;
    this.said.push(...answer.say);
    return answer;
  }

  async end(): Promise<void> {
    await this.client.callEnded({ callRef: this.callRef, from: this.from });
  }
}
