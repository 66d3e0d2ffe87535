/**
 * What a live speech turn reads of its call, in one round of parallel reads: the call, its outbox,
 * recent transcript and urgency alert, the caller's name and the tenant's settings, then the
 * holder's presence and the member records of the holder and of the outbox's authors.
 */
import { tenantDatabase } from "./instances.js";
import {
  alertPath,
  callGuidancePath,
  callPath,
  callSchema,
  isValidId,
  memberPath,
  messagesPath,
  outboxMessageSchema,
  outboxPath,
  presencePath,
  subjectPath,
} from "@lifeline/model";
import { urgencyAlertId } from "../domain/fanout.js";
import {
  HISTORY_LIMIT,
  MalformedCallError,
  parseCallState,
  type CallState,
} from "../domain/turn/index.js";
import { internal } from "../http-kit/errors.js";
import { directory, type TenantSettings } from "./directory.js";

/** Everything a live turn reads, in one round of parallel reads (see `readTurn`). */
export interface TurnRead {
  readonly state: CallState;
  readonly callerName: string | undefined;
  /** Member mirrors of the holder and of the outbox's authors, by uid (null when absent). */
  readonly members: Readonly<Record<string, unknown>>;
  /** The holder's presence record (null when absent or nobody holds the call). */
  readonly presence: unknown;
  readonly settings: TenantSettings | null;
}

function authorsOf(outbox: unknown): string[] {
  if (typeof outbox !== "object" || outbox === null) return [];
  const uids = new Set<string>();
  for (const entry of Object.values(outbox as Record<string, unknown>)) {
    const parsed = outboxMessageSchema.safeParse(entry);
    if (parsed.success && isValidId(parsed.data.by)) uids.add(parsed.data.by);
  }
  return [...uids];
}

function holderOf(call: unknown): string | undefined {
  const parsed = callSchema.shape.owner.safeParse(
    typeof call === "object" && call !== null && "owner" in call ? call.owner : undefined,
  );
  return parsed.success && parsed.data.kind === "human" && isValidId(parsed.data.uid)
    ? parsed.data.uid
    : undefined;
}

/**
 * The call, its outbox, recent transcript and urgency alert, the caller's name and the tenant's
 * settings go out at once; the holder's presence and the member records of the holder and of the
 * outbox's authors follow as soon as the call and the outbox are in (a call the assistant owns
 * with an empty outbox reads nothing more).
 */
export async function readTurn(
  tenantId: string,
  callId: string,
  subjectId: string | undefined,
): Promise<TurnRead> {
  const db = await tenantDatabase(tenantId);
  const callRead = db.ref(callPath(tenantId, callId)).get();
  const outboxRead = db.ref(outboxPath(tenantId, callId)).get();
  const people = Promise.all([callRead, outboxRead]).then(async ([call, outbox]) => {
    const holder = holderOf(call.val());
    const uids = new Set(authorsOf(outbox.val()));
    if (holder !== undefined) uids.add(holder);
    const [presence, ...mirrors] = await Promise.all([
      holder === undefined ? Promise.resolve(null) : db.ref(presencePath(tenantId, holder)).get(),
      ...[...uids].map((uid) => db.ref(memberPath(tenantId, uid)).get()),
    ]);
    const members: Record<string, unknown> = {};
    [...uids].forEach((uid, i) => {
      members[uid] = (mirrors[i]?.val() as unknown) ?? null;
    });
    return { presence: (presence?.val() as unknown) ?? null, members };
  });
  const [call, outbox, messages, alert, guidance, name, found, settings] = await Promise.all([
    callRead,
    outboxRead,
    db.ref(messagesPath(tenantId, callId)).orderByChild("seq").limitToLast(HISTORY_LIMIT).get(),
    db.ref(alertPath(tenantId, urgencyAlertId(callId))).get(),
    db.ref(callGuidancePath(tenantId, callId)).get(),
    subjectId === undefined
      ? Promise.resolve(undefined)
      : db.ref(`${subjectPath(tenantId, subjectId)}/name`).get(),
    people,
    // Settings are cached per instance; without them the lease runs on its defaults.
    directory.tenantSettings(tenantId).catch(() => null),
  ]);
  try {
    const state = parseCallState({
      call: call.val(),
      outbox: outbox.val(),
      messages: messages.val(),
      alert: alert.val(),
      guidance: guidance.val(),
    });
    const callerName: unknown = name?.val();
    return {
      state,
      callerName: typeof callerName === "string" ? callerName : undefined,
      members: found.members,
      presence: found.presence,
      settings,
    };
  } catch (error) {
    if (error instanceof MalformedCallError) throw internal(error);
    throw error;
  }
}
