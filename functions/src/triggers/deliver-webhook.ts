/**
 * `deliverWebhook` — Cloud Tasks queue; one task per outgoing webhook event `{id, tenantId, url,
 * body}` (task id = `id`, the event's `webhook-id`, so a replayed trigger enqueues nothing twice).
 * Each attempt signs `body` afresh (Standard Webhooks, `WEBHOOK_SIGNING_SECRET`) under the same
 * `webhook-id` and POSTs it; a 2xx ends the task, anything else (another status, a timeout, a
 * refused connection) throws so that the queue retries with backoff, up to `maxAttempts`.
 */
import { logger } from "firebase-functions/logger";
import { HttpsError } from "firebase-functions/v2/https";
import { onTaskDispatched } from "firebase-functions/v2/tasks";
import { z } from "zod";
import { sendWebhook, WEBHOOK_TIMEOUT_MS } from "../store/webhook.js";
import { webhookSigningSecret } from "../params.js";

/** The queue is named after the function (Cloud Tasks and the emulator both key it so). */
export const WEBHOOK_QUEUE = "deliverWebhook";
/** Cloud Tasks waits this long for one attempt before counting it failed. */
export const WEBHOOK_DISPATCH_DEADLINE_SECONDS = 60;
/** A page carries a short title and a few ids; anything larger is not one of ours. */
export const MAX_WEBHOOK_BODY_BYTES = 16 * 1024;

export const webhookTaskSchema = z.strictObject({
  id: z.string().regex(/^msg_[A-Za-z0-9_-]{1,96}$/),
  tenantId: z.string().min(1),
  url: z.url({ protocol: /^https?$/ }),
  body: z.string().max(MAX_WEBHOOK_BODY_BYTES),
});
export type WebhookTask = z.infer<typeof webhookTaskSchema>;

export const deliverWebhook = onTaskDispatched(
  {
    secrets: [webhookSigningSecret],
    // 2, 4, 8 … 512 s, then every 10 minutes: about 40 minutes of trying over 12 attempts. A page
    // about an unwatched emergency that arrives later than that helps no one.
    retryConfig: { maxAttempts: 12, minBackoffSeconds: 2, maxBackoffSeconds: 600 },
    rateLimits: { maxConcurrentDispatches: 50 },
    timeoutSeconds: Math.ceil(WEBHOOK_TIMEOUT_MS / 1000) + 20,
  },
  async (request) => {
    const parsed = webhookTaskSchema.safeParse(request.data);
    if (!parsed.success) {
      // Retrying a malformed task cannot help: log it and let the queue drop it.
      logger.error("malformed webhook task dropped", { id: request.id });
      return;
    }
    const task = parsed.data;
    const outcome = await sendWebhook(task.url, task, webhookSigningSecret.value());
    const fields = { tenantId: task.tenantId, webhookId: task.id, attempt: request.retryCount };
    if (outcome.ok) {
      logger.info("webhook delivered", { ...fields, status: outcome.status });
      return;
    }
    logger.warn("webhook delivery failed; the queue retries it", {
      ...fields,
      error: outcome.error,
    });
    throw new HttpsError("unavailable", "webhook delivery failed; retry later");
  },
);
