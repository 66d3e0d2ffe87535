/**
 * `recordOwnerChange` — on update of `tenants/{tenantId}/calls/{callId}/owner` (take-over and
 * hand-back, validated by the rules: one owner at a time; a lapse, written by functions): audits
 * each change — `take_over` (with `from`, `fromName` and `reason` when taken from a colleague;
 * it also resolves the call's "nobody is watching" page),
 * `hand_back`, or `hold_lapsed` when the assistant's new ownership carries `lapsed` (the speech turn
 * or the members endpoint already wrote the lapse's transcript line and alert) — and on a hand-back
 * gives the assistant a `system` message `handback-{since}` summing up what the human told the
 * caller and decided while holding the call, so that it picks up from there.
 * The audit id and the message id come from the event's own values, so a replay writes nothing new.
 */
import { logger } from "firebase-functions/logger";
import { onValueUpdated } from "firebase-functions/v2/database";
import { handBackMessageId, handBackNote } from "../domain/handback.js";
import {
  isTenantInstance,
  lifelineInstances,
  onEventInstance,
  tenantDatabase,
} from "../store/instances.js";
import {
  appendSystemMessage,
  readCall,
  readCallAlerts,
  readTranscript,
  settleUnwatchedPage,
  writeAudit,
} from "../store/live-store.js";
import { urgencyAlertId } from "../domain/fanout.js";
import { outboxMessageSchema, outboxPath, type Owner, ownerSchema } from "@lifeline/model";

type HumanOwner = Extract<Owner, { kind: "human" }>;
type AiOwner = Extract<Owner, { kind: "ai" }>;

function parseOwner(value: unknown): Owner | null {
  const parsed = ownerSchema.safeParse(value);
  return parsed.success ? parsed.data : null;
}

// Updates only: every call is created with the assistant as owner and pruned with its owner, and
// neither is an event, so listening to creates and deletes would only add runs that exit.
export const recordOwnerChange = onValueUpdated(
  { ref: "tenants/{tenantId}/calls/{callId}/owner", instance: lifelineInstances() },
  onEventInstance(async (event) => {
    const { tenantId, callId } = event.params;
    if (!(await isTenantInstance(tenantId, event.instance, "recordOwnerChange"))) return;
    const before = parseOwner(event.data.before.val());
    const after = parseOwner(event.data.after.val());
    if (after === null) return;
    if (after.kind === "human") {
      if (before?.kind === "human" && before.uid === after.uid) return;
      await recordTakeOver(tenantId, callId, before, after);
      return;
    }
    // The AI owns it now; only the end of a human hold is an event (a new call starts with the AI).
    // A lapse names its holder itself, so it is audited even from a delivery without `before`.
    if (before?.kind !== "human" && after.lapsed === undefined) return;
    await recordHoldEnd(tenantId, callId, before?.kind === "human" ? before : null, after);
  }),
);

async function recordTakeOver(
  tenantId: string,
  callId: string,
  before: Owner | null,
  after: HumanOwner,
): Promise<void> {
  // `takenFrom` is what the rules check; the name comes from the owner it replaced, when that was it.
  const from = after.takenFrom ?? (before?.kind === "human" ? before.uid : undefined);
  const fromName = before?.kind === "human" && before.uid === from ? before.name : undefined;
  await writeAudit(tenantId, {
    action: "take_over",
    actorUid: after.uid,
    at: after.since,
    callId,
    details: {
      name: after.name,
      ...(from === undefined ? {} : { from }),
      ...(fromName === undefined ? {} : { fromName }),
      ...(after.reason === undefined ? {} : { reason: after.reason }),
    },
  });
  // Someone is on the call: the page to the admins about it is answered.
  await settleUnwatchedPage(tenantId, urgencyAlertId(callId), callId);
  logger.info("call taken over", {
    tenantId,
    callId,
    uid: after.uid,
    ...(from === undefined ? {} : { from }),
  });
}

async function recordHoldEnd(
  tenantId: string,
  callId: string,
  held: HumanOwner | null,
  after: AiOwner,
): Promise<void> {
  const lapsed = after.lapsed;
  if (lapsed === undefined) {
    if (held === null) return;
    await writeAudit(tenantId, {
      action: "hand_back",
      actorUid: held.uid,
      at: after.since,
      callId,
      details: { heldSince: held.since },
    });
  } else {
    await writeAudit(tenantId, {
      action: "hold_lapsed",
      actorUid: lapsed.uid,
      at: after.since,
      callId,
      details: { reason: lapsed.reason, name: lapsed.name },
    });
  }
  if (lapsed !== undefined) {
    // No note after a lapse: the speech turn that found the hold lapsed wrote its own line in the
    // same update as the caller's words, numbered with them, and the holder's messages are in the
    // transcript. A note appended here would race the caller's next turn for the same `seq`.
    logger.info("hold lapsed", { tenantId, callId, uid: lapsed.uid, reason: lapsed.reason });
    return;
  }
  if (held === null) return;
  const note = await composeHandBackNote(tenantId, callId, held, after.since);
  const added = await appendSystemMessage(
    tenantId,
    callId,
    handBackMessageId(after.since),
    note,
    after.since,
  );
  logger.info("call handed back", { tenantId, callId, uid: held.uid, noteAdded: added });
}

async function composeHandBackNote(
  tenantId: string,
  callId: string,
  owner: HumanOwner,
  handedBackAt: number,
): Promise<string> {
  const during = (at: number) => at >= owner.since && at <= handedBackAt;
  const [call, transcript, alerts, outbox] = await Promise.all([
    readCall(tenantId, callId),
    readTranscript(tenantId, callId),
    readCallAlerts(tenantId, callId),
    tenantDatabase(tenantId).then((db) => db.ref(outboxPath(tenantId, callId)).get()),
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
