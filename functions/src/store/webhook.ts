/**
 * Outgoing webhooks (today the page a tenant configures to hear that nobody is watching a critical
 * alert), signed the Standard Webhooks way (https://www.standardwebhooks.com): `webhook-id`,
 * `webhook-timestamp` and `webhook-signature: v1,<base64 HMAC-SHA256 of "{id}.{timestamp}.{body}">`
 * with the deployment's `whsec_…` secret. The id is derived from the event, so every retry (and a
 * replayed trigger) carries the same one and the receiver can drop repeats; the timestamp is the
 * attempt's, signed afresh each time, so a receiver can refuse stale or replayed messages.
 * Delivery itself goes through the `deliverWebhook` task queue, which retries with backoff.
 */
import { createHash } from "node:crypto";
import { Webhook } from "standardwebhooks";

export interface UnwatchedPayload {
  readonly event: "alert.unwatched";
  readonly tenantId: string;
  readonly alertId: string;
  readonly sourceAlertId: string;
  readonly callId?: string;
  readonly subjectId?: string;
  readonly severity: string;
  readonly title: string;
  readonly at: number;
}

export type WebhookPayload = UnwatchedPayload;

export type WebhookOutcome = { ok: true; status: number } | { ok: false; error: string };

/** How long one attempt waits for the receiver; the queue retries after that. */
export const WEBHOOK_TIMEOUT_MS = 10_000;

/**
 * The `webhook-id` of an event: a hash of what identifies it (for the unwatched page: the tenant,
 * the unwatched alert and the opening of its source alert), so the same event always gets the same
 * id and a new opening a new one. `msg_` and base64url also make it a valid Cloud Tasks task id.
 */
export function webhookId(...identity: readonly (string | number)[]): string {
  const digest = createHash("sha256").update(JSON.stringify(identity)).digest("base64url");
  return `msg_${digest.slice(0, 32)}`;
}

/** The three Standard Webhooks headers for `body` sent as `id` at `at`. */
export function signatureHeaders(
  secret: string,
  id: string,
  at: Date,
  body: string,
): Record<"webhook-id" | "webhook-timestamp" | "webhook-signature", string> {
  return {
    "webhook-id": id,
    "webhook-timestamp": String(Math.floor(at.getTime() / 1000)),
    "webhook-signature": new Webhook(secret).sign(id, at, body),
  };
}

/** One attempt: POSTs `body` signed now; ok only for a 2xx answer. */
export async function sendWebhook(
  url: string,
  delivery: { readonly id: string; readonly body: string },
  secret: string,
  timeoutMs = WEBHOOK_TIMEOUT_MS,
): Promise<WebhookOutcome> {
  let headers: Record<string, string>;
  try {
    headers = signatureHeaders(secret, delivery.id, new Date(), delivery.body);
  } catch (error) {
    // A malformed secret is the deployment's fault: report it rather than send unsigned.
    return { ok: false, error: `cannot sign: ${describe(error)}` };
  }
  try {
    const response = await fetch(url, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "user-agent": "lifeline-webhook/2",
        ...headers,
      },
      body: delivery.body,
      signal: AbortSignal.timeout(timeoutMs),
      redirect: "error",
    });
    await response.arrayBuffer();
    return response.ok
      ? { ok: true, status: response.status }
      : { ok: false, error: `HTTP ${response.status}` };
  } catch (error) {
    return { ok: false, error: describe(error) };
  }
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  // fetch wraps the socket error ("ECONNREFUSED") in a generic "fetch failed".
  const cause = error.cause instanceof Error ? `: ${error.cause.message}` : "";
  return `${error.message}${cause}`;
}
