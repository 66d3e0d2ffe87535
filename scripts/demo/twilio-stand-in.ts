/**
 * A local stand-in for Twilio, for the tests and the demo: it does what Twilio does with a
 * number's webhooks. Each webhook is posted form-encoded and signed with the account's auth token
 * (`X-Twilio-Signature`, computed by the `twilio` package); the TwiML answer is followed verb by
 * verb (`Say`, `Pause`, `Gather` with its `action`, `Redirect`, `Hangup`, `Message`) and the call's
 * status callback is reported when it ends. The caller is scripted: `dial`, then `say` or
 * `silence` at each `<Gather>`, then `hangUp`.
 */
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
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

export class TwilioStandIn {
  readonly accountSid: string;
  /** Every webhook posted, in order, with its answer. */
  readonly exchanges: Exchange[] = [];

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
