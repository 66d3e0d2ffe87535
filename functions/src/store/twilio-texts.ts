/**
 * Texts to callers through Twilio's Messages API, with the `twilio` package's own REST client. The
 * package root loads every REST resource (about 200 ms), so it loads on the first text only.
 * When emulating, `TWILIO_API_BASE_URL` (functions/.env.local) sends the client's requests to the
 * local Twilio stand-in; a deployed function always talks to api.twilio.com.
 */
import type { Twilio } from "twilio";
import type RequestClient from "twilio/lib/base/RequestClient.js";
import type { DeliveryStatus } from "@lifeline/model";
import { deliveryStatusOf } from "../domain/delivery.js";
import { twilioAccountSid, twilioAuthToken, twilioWebhookBaseUrl } from "../params.js";

/** The function Twilio reports a text's delivery to (`twilioMessageStatus`). */
export const MESSAGE_STATUS_FUNCTION = "twilioMessageStatus";

let client: Promise<Twilio> | undefined;

function emulatedApiBase(): string | undefined {
  if (process.env.FUNCTIONS_EMULATOR !== "true") return undefined;
  const base = process.env.TWILIO_API_BASE_URL;
  return base === undefined || base === "" ? undefined : base.replace(/\/+$/, "");
}

function twilioClient(): Promise<Twilio> {
  client ??= import("twilio").then(({ default: twilio }) => {
    const standIn = emulatedApiBase();
    if (standIn === undefined) return twilio(twilioAccountSid.value(), twilioAuthToken.value());
    const origin: string = standIn;
    /** Twilio's client as it is, its requests sent to the stand-in's origin instead. */
    class StandInRequestClient extends twilio.RequestClient {
      override request<TData>(options: RequestClient.RequestOptions<TData>) {
        return super.request<TData>({
          ...options,
          uri: options.uri.replace(/^https:\/\/[^/]+/, origin),
        });
      }
    }
    return twilio(twilioAccountSid.value(), twilioAuthToken.value(), {
      httpClient: new StandInRequestClient(),
    });
  });
  return client;
}

/** Where a transcript message's delivery is reported: the status webhook, naming the message. */
export function messageStatusUrl(tenantId: string, callId: string, messageId: string): string {
  const query = new URLSearchParams({ tenant: tenantId, call: callId, message: messageId });
  return `${twilioWebhookBaseUrl.value()}/${MESSAGE_STATUS_FUNCTION}?${query.toString()}`;
}

export interface SentText {
  readonly sid: string;
  readonly status: DeliveryStatus;
}

export interface TextToSend {
  readonly from: string;
  readonly to: string;
  readonly body: string;
  readonly statusCallback: string;
}

/** Hands one text to Twilio. Throws Twilio's `RestException` (status, code, message) on refusal. */
export async function sendText(text: TextToSend): Promise<SentText> {
  const message = await (
    await twilioClient()
  ).messages.create({
    from: text.from,
    to: text.to,
    body: text.body,
    statusCallback: text.statusCallback,
  });
  return { sid: message.sid, status: deliveryStatusOf(message.status) ?? "queued" };
}

/** A failure as the transcript shows it: Twilio's error code and words when it gave them. */
export function sendFailure(error: unknown): string {
  const code = typeof error === "object" && error !== null && "code" in error ? error.code : null;
  const words = error instanceof Error ? error.message : String(error);
  const text =
    typeof code === "number" || typeof code === "string"
      ? `Twilio error ${String(code)}: ${words}`
      : words;
  return text.length > 200 ? `${text.slice(0, 199)}…` : text;
}
