/**
 * The outgoing webhook a tenant configures to hear that nobody is watching a critical alert (a
 * pager, a chat channel, an on-call service). One JSON POST with a short time budget; a failure is
 * returned for logging and never blocks the alert itself, which is already in the admins' inboxes.
 */
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

export type WebhookOutcome = { ok: true; status: number } | { ok: false; error: string };

export const WEBHOOK_TIMEOUT_MS = 3000;

export async function postWebhook(
  url: string,
  payload: UnwatchedPayload,
  timeoutMs = WEBHOOK_TIMEOUT_MS,
): Promise<WebhookOutcome> {
  try {
    const response = await fetch(url, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "user-agent": "lifeline-webhook/1",
        // Lets the receiver drop a second delivery of the same event.
        "idempotency-key": `${payload.tenantId}/${payload.alertId}`,
      },
      body: JSON.stringify(payload),
      signal: AbortSignal.timeout(timeoutMs),
      redirect: "error",
    });
    await response.arrayBuffer();
    return response.ok
      ? { ok: true, status: response.status }
      : { ok: false, error: `HTTP ${response.status}` };
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
}
