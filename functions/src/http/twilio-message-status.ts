/**
 * `twilioMessageStatus` (Twilio message status callback, signed), POST form `{MessageSid,
 * MessageStatus, ErrorCode?}` to `twilioMessageStatus?tenant=&call=&message=` (the URL
 * `textCallerMessage` gave Twilio, signed with it) → empty TwiML. Moves the transcript message's
 * `delivery` forward: queued → sent → delivered, or failed. A report that would move it back (Twilio's
 * callbacks can cross), names another message, or finds no message writes nothing.
 */
import type { Response } from "express";
import { logger } from "firebase-functions/logger";
import { onRequest, type Request } from "firebase-functions/v2/https";
import { z } from "zod";
import { isRequestId, messagePath } from "@lifeline/model";
import { deliveryStatusOf, reportedDelivery } from "../domain/delivery.js";
import { invalidArgument, publicIssues } from "../http-kit/body.js";
import { endpoint } from "../http-kit/endpoint.js";
import {
  messageSid,
  parseForm,
  sendTwiml,
  twilioLibrary,
  verifiedForm,
} from "../http-kit/twilio.js";
import { twilioAuthToken } from "../params.js";
import { parseMessage, transact } from "../store/live-store.js";
import { MESSAGE_STATUS_FUNCTION } from "../store/twilio-texts.js";

const requestId = z.string().refine(isRequestId, "expected an id");
const statusQuerySchema = z.object({ tenant: requestId, call: requestId, message: requestId });

const statusFormSchema = z.object({
  MessageSid: messageSid,
  MessageStatus: z.string().min(1).max(32),
  ErrorCode: z.string().max(16).optional(),
});

export async function recordMessageStatus(request: Request, response: Response): Promise<void> {
  const form = parseForm(await verifiedForm(request, MESSAGE_STATUS_FUNCTION), statusFormSchema);
  const query = statusQuerySchema.safeParse(request.query);
  if (!query.success) {
    throw invalidArgument("The message is not named.", publicIssues(query.error.issues));
  }
  const status = deliveryStatusOf(form.MessageStatus);
  if (status !== undefined) {
    const { tenant, call, message } = query.data;
    const report = {
      sid: form.MessageSid,
      status,
      at: Date.now(),
      ...(status === "failed" && form.ErrorCode !== undefined
        ? { error: `Twilio error ${form.ErrorCode}` }
        : {}),
    };
    const outcome = await transact(
      tenant,
      messagePath(tenant, call, message),
      parseMessage,
      (current) => reportedDelivery(current, report),
    );
    logger.info("text delivery reported", {
      tenantId: tenant,
      callId: call,
      messageId: message,
      status: form.MessageStatus,
      recorded: outcome.written !== null,
    });
  }
  const { MessagingResponse } = await twilioLibrary();
  // Twilio reads nothing from a status callback's answer; an empty Response is its "done".
  sendTwiml(response, new MessagingResponse());
}

/** The endpoint as deployed, apart from its trigger: a plain `(request, response)` handler. */
export const handleTwilioMessageStatus = endpoint(["POST"], recordMessageStatus);

export const twilioMessageStatus = onRequest(
  { secrets: [twilioAuthToken] },
  handleTwilioMessageStatus,
);
