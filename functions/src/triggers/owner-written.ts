/**
 * `recordOwnerChange` — on write of `tenants/{tenantId}/calls/{callId}/owner` (take-over and
 * hand-back, validated by the rules: one owner at a time): audits each change, and on a hand-back
 * gives the assistant a `system` message `handback-{since}` summing up what the human told the
 * caller and decided while owning the call. The audit id and the message id come from the event's
 * own timestamps, so a replay writes the same documents.
 */
import { getDatabase } from "firebase-admin/database";
import { logger } from "firebase-functions";
import { onValueWritten } from "firebase-functions/v2/database";
import { handBackMessageId, handBackNote } from "../domain/handback.js";
import { databaseInstance } from "../lib/database-instance.js";
import {
  appendSystemMessage,
  readCall,
  readCallAlerts,
  readTranscript,
  writeAudit,
} from "../lib/live-store.js";
import { outboxMessageSchema, ownerSchema, type Owner } from "../lib/model.js";
import { outboxPath } from "../lib/paths.js";

function parseOwner(value: unknown): Owner | null {
  const parsed = ownerSchema.safeParse(value);
  return parsed.success ? parsed.data : null;
}

export const recordOwnerChange = onValueWritten(
  { ref: "tenants/{tenantId}/calls/{callId}/owner", instance: databaseInstance() },
  async (event) => {
    const { tenantId, callId } = event.params;
    const before = parseOwner(event.data.before.val());
    const after = parseOwner(event.data.after.val());
    if (after === null) return;
    if (after.kind === "human") {
      if (before?.kind === "human" && before.uid === after.uid) return;
      await writeAudit(tenantId, {
        action: "take_over",
        actorUid: after.uid,
        at: after.since,
        callId,
        details: { name: after.name },
      });
      logger.info("call taken over", { tenantId, callId, uid: after.uid });
      return;
    }
    // The AI owns it now; only a hand-back from a human is an event (a new call starts with the AI).
    if (before?.kind !== "human") return;
    await writeAudit(tenantId, {
      action: "hand_back",
      actorUid: before.uid,
      at: after.since,
      callId,
      details: { heldSince: before.since },
    });
    const note = await composeHandBackNote(tenantId, callId, before, after.since);
    const added = await appendSystemMessage(
      tenantId,
      callId,
      handBackMessageId(after.since),
      note,
      after.since,
    );
    logger.info("call handed back", { tenantId, callId, uid: before.uid, noteAdded: added });
  },
);

async function composeHandBackNote(
  tenantId: string,
  callId: string,
  owner: Extract<Owner, { kind: "human" }>,
  handedBackAt: number,
): Promise<string> {
  const during = (at: number) => at >= owner.since && at <= handedBackAt;
  const [call, transcript, alerts, outbox] = await Promise.all([
    readCall(tenantId, callId),
    readTranscript(tenantId, callId),
    readCallAlerts(tenantId, callId),
    getDatabase().ref(outboxPath(tenantId, callId)).get(),
  ]);
  const said = transcript
    .filter(
      ({ message }) => message.role === "agent" && message.by === owner.uid && during(message.at),
    )
    .map(({ message }) => message.text);
  // Typed but not yet spoken: the next turn delivers it, and the assistant should know it is coming.
  const pending: unknown = outbox.val();
  if (typeof pending === "object" && pending !== null) {
    const queued = Object.values(pending)
      .map((raw) => outboxMessageSchema.safeParse(raw))
      .flatMap((parsed) => (parsed.success ? [parsed.data] : []))
      .filter((message) => message.by === owner.uid && during(message.at))
      .sort((a, b) => a.at - b.at);
    for (const message of queued) if (!said.includes(message.text)) said.push(message.text);
  }
  const acks = Object.values(alerts)
    .map((alert) => alert.acks?.[owner.uid])
    .flatMap((ack) => (ack !== undefined && during(ack.at) ? [ack] : []));
  const override = call?.urgencyOverride;
  return handBackNote({
    ownerName: owner.name,
    said,
    acks,
    ...(override !== undefined && override.by === owner.uid && during(override.at)
      ? { override: { level: override.level, reason: override.reason } }
      : {}),
    urgency: call?.urgency ?? "normal",
  });
}
