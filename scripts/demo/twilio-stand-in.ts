/**
 * A local stand-in for Twilio, for the tests and the demo: it does what Twilio does with a
 * number's webhooks. Each webhook is posted form-encoded and signed with the account's auth token
 * (`X-Twilio-Signature`, computed by the `twilio` package); the TwiML answer is followed verb by
 * verb (`Say`, `Pause`, `Gather` with its `action`, `Redirect`, `Hangup`, `Message`) and the call's
 * status callback is reported when it ends. The caller is scripted: `dial`, then `say` or
 * `silence` at each `<Gather>`, then `hangUp`.
 *
 * It also serves the one REST resource Lifeline calls, Messages (`listen`): a text sent through
 * the `twilio` client is checked (HTTP Basic with the account SID and auth token, E.164 numbers,
 * a body), answered as Twilio answers (201, the message resource, `queued`), kept in `texts`, and
 * its delivery reported to its `StatusCallback`, signed: `sent`, then `delivered` (or `undelivered`
 * with error 30003 for a number in `unreachable`).
 */
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { fileURLToPath } from "node:url";
import { XMLParser } from "fast-xml-parser";
import { getExpectedTwilioSignature } from "twilio/lib/webhooks/webhooks.js";

/** The local auth token: TWILIO_AUTH_TOKEN in functions/.secret.local (scripts/local-secrets.mjs). */
export function localTwilioAuthToken(): string {
  const path = fileURLToPath(new URL("../../functions/.secret.local", import.meta.url));
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new Error(`no ${path}: run through scripts/emulators.mjs, which generates it`, {
      cause: error,
    });
  }
  for (const line of text.split("\n")) {
    if (line.startsWith("TWILIO_AUTH_TOKEN=")) return line.slice("TWILIO_AUTH_TOKEN=".length);
  }
  throw new Error(`no TWILIO_AUTH_TOKEN in ${path}: run through scripts/emulators.mjs`);
}

/**
 * A value of functions/.env.local: the local account SID (TWILIO_ACCOUNT_SID) and where the
 * functions look for the Messages API (TWILIO_API_BASE_URL).
 */
export function localFunctionsEnv(name: string): string {
  const path = fileURLToPath(new URL("../../functions/.env.local", import.meta.url));
  for (const line of readFileSync(path, "utf8").split("\n")) {
    if (line.startsWith(`${name}=`)) return line.slice(name.length + 1);
  }
  throw new Error(`no ${name} in ${path}`);
}

/** The stand-in as the local functions know it: their account, their auth token, their webhooks. */
export function localStandInOptions(webhooks: NumberWebhooks): StandInOptions {
  return {
    authToken: localTwilioAuthToken(),
    accountSid: localFunctionsEnv("TWILIO_ACCOUNT_SID"),
    webhooks,
  };
}

/** The port the local functions send texts to (TWILIO_API_BASE_URL in functions/.env.local). */
export function localMessagesApiPort(): number {
  return Number(new URL(localFunctionsEnv("TWILIO_API_BASE_URL")).port);
}

/** A text sent through the Messages API, with the statuses posted (or being posted) for it so far. */
export interface SentText {
  readonly sid: string;
  readonly from: string;
  readonly to: string;
  readonly body: string;
  readonly statusCallback: string | undefined;
  readonly reported: string[];
}

/** The webhooks a Twilio number is configured with. */
export interface NumberWebhooks {
  readonly voiceUrl: string;
  readonly messagingUrl: string;
  readonly statusCallbackUrl: string;
}

export interface StandInOptions {
  readonly authToken: string;
  readonly webhooks: NumberWebhooks;
  /** An `AC…` account SID; a fresh one when absent. */
  readonly accountSid?: string;
  /** Told of each text sent through the Messages API, as it is accepted. */
  readonly onText?: (text: SentText) => void;
}

/** One posted webhook and Twilio's view of its answer. */
export interface Exchange {
  readonly url: string;
  readonly params: Readonly<Record<string, string>>;
  readonly status: number;
  readonly body: string;
}

/** What happened on a call, in order: what the caller heard and what it did. */
export type CallEvent =
  | { readonly kind: "say"; readonly text: string }
  | { readonly kind: "pause"; readonly seconds: number }
  | { readonly kind: "gather"; readonly action: string }
  | { readonly kind: "spoke"; readonly text: string }
  | { readonly kind: "silent" }
  | { readonly kind: "hangup"; readonly by: "caller" | "twiml" | "error" };

const sid = (prefix: string) => `${prefix}${randomBytes(16).toString("hex")}`;

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: "",
  preserveOrder: true,
  trimValues: true,
  parseTagValue: false,
  processEntities: true,
});

/** A TwiML verb: its name, attributes, text and nested verbs. */
export interface Verb {
  readonly name: string;
  readonly attributes: Readonly<Record<string, string>>;
  readonly text: string;
  readonly children: readonly Verb[];
}

type Ordered = Record<string, unknown>;

function verbsOf(nodes: unknown): Verb[] {
  if (!Array.isArray(nodes)) return [];
  const verbs: Verb[] = [];
  for (const node of nodes as Ordered[]) {
    const name = Object.keys(node).find((key) => key !== ":@" && key !== "#text");
    if (name === undefined) continue;
    const inner = node[name];
    const attributes: Record<string, string> = {};
    const rawAttributes = node[":@"];
    if (typeof rawAttributes === "object" && rawAttributes !== null) {
      for (const [key, value] of Object.entries(rawAttributes)) attributes[key] = String(value);
    }
    const text = Array.isArray(inner)
      ? (inner as Ordered[])
          .map((child) => (typeof child["#text"] === "string" ? child["#text"] : ""))
          .join("")
      : "";
    verbs.push({ name, attributes, text, children: verbsOf(inner) });
  }
  return verbs;
}

/** The verbs of a TwiML document's `<Response>`; throws when it is not TwiML. */
export function parseTwiml(xml: string): readonly Verb[] {
  const document = verbsOf(parser.parse(xml));
  const response = document.find((verb) => verb.name === "Response");
  if (response === undefined) throw new Error(`not TwiML: ${xml.slice(0, 200)}`);
  return response.children;
}

const E164 = /^\+[1-9]\d{6,14}$/;

export class TwilioStandIn {
  readonly accountSid: string;
  /** Every webhook posted, in order, with its answer. */
  readonly exchanges: Exchange[] = [];
  /** Every text sent through the Messages API, in order. */
  readonly texts: SentText[] = [];
  /** Numbers whose texts are not delivered (Twilio error 30003, unreachable handset). */
  readonly unreachable = new Set<string>();
  private server: Server | undefined;
  private readonly reports = new Set<Promise<void>>();

  constructor(private readonly options: StandInOptions) {
    this.accountSid = options.accountSid ?? sid("AC");
  }

  /** The signature Twilio would send for `params` posted to `url`. */
  sign(url: string, params: Record<string, string>): string {
    return getExpectedTwilioSignature(this.options.authToken, url, params);
  }

  /** Posts a webhook as Twilio does: form-encoded and signed (or with the headers given). */
  async post(
    url: string,
    params: Record<string, string>,
    headers: Record<string, string> = { "X-Twilio-Signature": this.sign(url, params) },
  ): Promise<Exchange> {
    const response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
      body: new URLSearchParams(params).toString(),
    });
    const exchange = { url, params, status: response.status, body: await response.text() };
    this.exchanges.push(exchange);
    return exchange;
  }

  /** An incoming call from `from` to the line `to`: the voice webhook, followed to its first pause for speech. */
  async dial(from: string, to: string): Promise<StandInCall> {
    const call = new StandInCall(this, {
      CallSid: sid("CA"),
      AccountSid: this.accountSid,
      From: from,
      To: to,
      Direction: "inbound",
      ApiVersion: "2010-04-01",
    });
    await call.start(this.options.webhooks.voiceUrl);
    return call;
  }

  /** A call nobody answered: only its status callback, with `status`. */
  async unanswered(
    from: string,
    to: string,
    status: "busy" | "no-answer" | "failed" | "canceled",
  ): Promise<Exchange> {
    return this.post(this.options.webhooks.statusCallbackUrl, {
      CallSid: sid("CA"),
      AccountSid: this.accountSid,
      From: from,
      To: to,
      CallStatus: status,
      Direction: "inbound",
      ApiVersion: "2010-04-01",
    });
  }

  /** A text from `from` to the line `to`: the texts of the `<Message>`s sent back. */
  async text(from: string, to: string, body: string): Promise<TextReply> {
    const exchange = await this.post(this.options.webhooks.messagingUrl, {
      MessageSid: sid("SM"),
      AccountSid: this.accountSid,
      From: from,
      To: to,
      Body: body,
      NumMedia: "0",
      ApiVersion: "2010-04-01",
    });
    if (exchange.status !== 200) return { exchange, messages: [] };
    const messages = parseTwiml(exchange.body)
      .filter((verb) => verb.name === "Message")
      .map((verb) => verb.text);
    return { exchange, messages };
  }

  statusCallbackUrl(): string {
    return this.options.webhooks.statusCallbackUrl;
  }

  /** Serves the Messages API on `port` of 127.0.0.1 until `close`. */
  async listen(port: number): Promise<void> {
    const server = createServer((request, response) => {
      this.serve(request, response).catch((error: unknown) => {
        if (!response.headersSent) answer(response, 500, { message: String(error), status: 500 });
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, "127.0.0.1", () => {
        resolve();
      });
    });
    this.server = server;
  }

  /** Stops serving, once every status report under way has been posted. */
  async close(): Promise<void> {
    await Promise.allSettled([...this.reports]);
    const server = this.server;
    this.server = undefined;
    if (server !== undefined)
      await new Promise<void>((resolve) =>
        server.close(() => {
          resolve();
        }),
      );
  }

  /** The texts sent to `to`, waiting up to `timeoutMs` until there are `count` of them. */
  async textsTo(to: string, count = 1, timeoutMs = 60_000): Promise<SentText[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.texts.filter((text) => text.to === to);
      if (found.length >= count || Date.now() > deadline) return found;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  private async serve(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = new URL(request.url ?? "/", "http://stand-in").pathname;
    const resource = `/2010-04-01/Accounts/${this.accountSid}/Messages.json`;
    const basic = `Basic ${Buffer.from(`${this.accountSid}:${this.options.authToken}`).toString("base64")}`;
    if (request.headers.authorization !== basic) {
      answer(response, 401, { code: 20003, message: "Authenticate", status: 401 });
      return;
    }
    if (request.method !== "POST" || path !== resource) {
      answer(response, 404, {
        code: 20404,
        message: `The requested resource ${path} was not found`,
        status: 404,
      });
      return;
    }
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const form = new URLSearchParams(Buffer.concat(chunks).toString("utf8"));
    const to = form.get("To") ?? "";
    const from = form.get("From") ?? "";
    const body = form.get("Body") ?? "";
    if (!E164.test(to)) {
      answer(response, 400, {
        code: 21211,
        message: `Invalid 'To' Phone Number: ${to}`,
        status: 400,
      });
      return;
    }
    if (!E164.test(from)) {
      answer(response, 400, { code: 21212, message: `Invalid From Number: ${from}`, status: 400 });
      return;
    }
    if (body === "") {
      answer(response, 400, { code: 21602, message: "Message body is required.", status: 400 });
      return;
    }
    const text: SentText = {
      sid: sid("SM"),
      from,
      to,
      body,
      statusCallback: form.get("StatusCallback") ?? undefined,
      reported: [],
    };
    this.texts.push(text);
    this.options.onText?.(text);
    const created = new Date().toUTCString();
    answer(response, 201, {
      sid: text.sid,
      account_sid: this.accountSid,
      api_version: "2010-04-01",
      body,
      date_created: created,
      date_updated: created,
      date_sent: null,
      direction: "outbound-api",
      error_code: null,
      error_message: null,
      from,
      to,
      messaging_service_sid: null,
      num_media: "0",
      num_segments: "1",
      price: null,
      price_unit: "USD",
      status: "queued",
      subresource_uris: {},
      uri: `${resource.slice(0, -".json".length)}/${text.sid}.json`,
    });
    const report = this.reportDelivery(text).finally(() => this.reports.delete(report));
    this.reports.add(report);
  }

  /** What the carrier tells Twilio, told to the text's status callback as Twilio tells it. */
  private async reportDelivery(text: SentText): Promise<void> {
    if (text.statusCallback === undefined) return;
    const outcome: Record<string, string> = this.unreachable.has(text.to)
      ? { MessageStatus: "undelivered", ErrorCode: "30003" }
      : { MessageStatus: "delivered" };
    for (const step of [{ MessageStatus: "sent" }, outcome]) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      text.reported.push(step.MessageStatus ?? "");
      await this.post(text.statusCallback, {
        MessageSid: text.sid,
        SmsSid: text.sid,
        AccountSid: this.accountSid,
        From: text.from,
        To: text.to,
        ApiVersion: "2010-04-01",
        ...step,
        SmsStatus: step.MessageStatus ?? "",
      });
    }
  }
}

function answer(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { "content-type": "application/json" });
  response.end(JSON.stringify(body));
}

export interface TextReply {
  readonly exchange: Exchange;
  readonly messages: readonly string[];
}

/** Twilio follows at most this many redirects in a row before it gives up on a call. */
const MAX_HOPS = 20;

export class StandInCall {
  /** Everything the caller heard and did, in order. */
  readonly events: CallEvent[] = [];
  /** The `<Gather>` waiting for the caller, with what follows it in its document. */
  private pending: { action: string; rest: readonly Verb[]; url: string } | undefined;
  private ended = false;

  constructor(
    private readonly twilio: TwilioStandIn,
    readonly params: Readonly<Record<string, string>>,
  ) {}

  get callSid(): string {
    return this.params.CallSid ?? "";
  }

  get isOver(): boolean {
    return this.ended;
  }

  /** The texts the caller heard, in order. */
  heard(): string[] {
    return this.events.flatMap((event) => (event.kind === "say" ? [event.text] : []));
  }

  async start(voiceUrl: string): Promise<void> {
    await this.fetchAndRun(voiceUrl, { CallStatus: "ringing" });
  }

  /** Answers the waiting `<Gather>` with speech: what the caller heard next. */
  async say(text: string): Promise<string[]> {
    const gather = this.waiting();
    this.events.push({ kind: "spoke", text });
    const before = this.heard().length;
    await this.fetchAndRun(gather.action, {
      CallStatus: "in-progress",
      SpeechResult: text,
      Confidence: "0.92",
    });
    return this.heard().slice(before);
  }

  /** Lets the waiting `<Gather>` time out: Twilio goes on with the verbs after it. */
  async silence(): Promise<string[]> {
    const gather = this.waiting();
    this.events.push({ kind: "silent" });
    const before = this.heard().length;
    await this.run(gather.rest, gather.url, 0);
    return this.heard().slice(before);
  }

  /** The caller hangs up: the status callback reports `completed`. */
  async hangUp(): Promise<Exchange> {
    if (!this.ended) this.events.push({ kind: "hangup", by: "caller" });
    this.ended = true;
    this.pending = undefined;
    return this.twilio.post(this.twilio.statusCallbackUrl(), {
      ...this.params,
      CallStatus: "completed",
    });
  }

  private waiting(): { action: string; rest: readonly Verb[]; url: string } {
    if (this.pending === undefined || this.ended) throw new Error("no <Gather> is waiting");
    const pending = this.pending;
    this.pending = undefined;
    return pending;
  }

  private async fetchAndRun(url: string, extra: Record<string, string>, hops = 0): Promise<void> {
    const exchange = await this.twilio.post(url, { ...this.params, ...extra });
    if (exchange.status !== 200) {
      // Twilio says "an application error has occurred" and ends the call.
      this.events.push({ kind: "hangup", by: "error" });
      this.ended = true;
      return;
    }
    await this.run(parseTwiml(exchange.body), url, hops);
  }

  private async run(verbs: readonly Verb[], url: string, hops: number): Promise<void> {
    for (const [index, verb] of verbs.entries()) {
      switch (verb.name) {
        case "Say":
          this.events.push({ kind: "say", text: verb.text });
          break;
        case "Pause":
          this.events.push({ kind: "pause", seconds: Number(verb.attributes.length ?? "1") });
          break;
        case "Gather": {
          for (const inner of verb.children) {
            if (inner.name === "Say") this.events.push({ kind: "say", text: inner.text });
          }
          const action = new URL(verb.attributes.action ?? url, url).toString();
          this.events.push({ kind: "gather", action });
          this.pending = { action, rest: verbs.slice(index + 1), url };
          return;
        }
        case "Redirect": {
          if (hops >= MAX_HOPS) throw new Error("too many redirects in a row");
          await this.fetchAndRun(
            new URL(verb.text, url).toString(),
            { CallStatus: "in-progress" },
            hops + 1,
          );
          return;
        }
        case "Hangup":
          this.events.push({ kind: "hangup", by: "twiml" });
          this.ended = true;
          await this.hangUpAfterTwiml();
          return;
        default:
          throw new Error(`the stand-in does not speak <${verb.name}>`);
      }
    }
    // A document that runs out of verbs ends the call.
    this.events.push({ kind: "hangup", by: "twiml" });
    this.ended = true;
    await this.hangUpAfterTwiml();
  }

  private async hangUpAfterTwiml(): Promise<void> {
    await this.twilio.post(this.twilio.statusCallbackUrl(), {
      ...this.params,
      CallStatus: "completed",
    });
  }
}
