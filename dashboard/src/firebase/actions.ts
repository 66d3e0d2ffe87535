/**
 * Every write the page makes: the rules judge each one (`logic/permissions.ts` mirrors them so a
 * control is offered only when its write will be accepted). Presence is written here too.
 */
import {
  onDisconnect,
  push,
  ref,
  remove,
  serverTimestamp,
  set,
  type Database,
} from "firebase/database";
import {
  alertAckPath,
  alertOutcomePath,
  callLeadPath,
  callOwnerPath,
  callUrgencyOverridePath,
  callEndRequestPath,
  callGuidancePath,
  outboxPath,
  PRESENCE,
  presencePath,
  viewerPath,
} from "@lifeline/model";
import type { Session } from "./auth.js";
import { watchConnection } from "./database.js";

export async function acknowledge(
  db: Database,
  session: Session,
  tenant: string,
  alertId: string,
  status: string,
  note: string,
): Promise<void> {
  await set(ref(db, alertAckPath(tenant, alertId, session.uid)), {
    status,
    note,
    at: serverTimestamp(),
  });
}

/** Who holds the call now: this member, taking it from the AI or from a colleague. */
async function writeHumanOwner(
  db: Database,
  session: Session,
  callId: string,
  name: string,
  from?: { readonly takenFrom: string; readonly reason: string },
): Promise<void> {
  await set(ref(db, callOwnerPath(session.tenant, callId)), {
    kind: "human",
    uid: session.uid,
    name,
    since: serverTimestamp(),
    ...from,
  });
}

export async function takeOver(
  db: Database,
  session: Session,
  callId: string,
  name: string,
): Promise<void> {
  await writeHumanOwner(db, session, callId, name);
}

/** Takes the call from the colleague who holds it; the rules allow admins and dispatchers. */
export async function takeOverFrom(
  db: Database,
  session: Session,
  callId: string,
  name: string,
  fromUid: string,
  reason: string,
): Promise<void> {
  await writeHumanOwner(db, session, callId, name, { takenFrom: fromUid, reason });
}

/** Closes a follow-up: written once; a trigger then resolves the alert and audits it. */
export async function recordOutcome(
  db: Database,
  session: Session,
  tenant: string,
  alertId: string,
  outcome: string,
  note: string,
): Promise<void> {
  await set(ref(db, alertOutcomePath(tenant, alertId)), {
    outcome,
    note,
    by: session.uid,
    at: serverTimestamp(),
  });
}

export async function handBack(db: Database, session: Session, callId: string): Promise<void> {
  await set(ref(db, callOwnerPath(session.tenant, callId)), {
    kind: "ai",
    since: serverTimestamp(),
  });
}

export async function messageCaller(
  db: Database,
  session: Session,
  callId: string,
  text: string,
): Promise<void> {
  await push(ref(db, outboxPath(session.tenant, callId)), {
    text,
    by: session.uid,
    at: serverTimestamp(),
  });
}

export async function setLead(
  db: Database,
  session: Session,
  callId: string,
  status: string,
): Promise<void> {
  await set(ref(db, callLeadPath(session.tenant, callId)), {
    status,
    by: session.uid,
    at: serverTimestamp(),
  });
}

export async function overrideUrgency(
  db: Database,
  session: Session,
  callId: string,
  level: string,
  reason: string,
): Promise<void> {
  await set(ref(db, callUrgencyOverridePath(session.tenant, callId)), {
    level,
    reason,
    by: session.uid,
    at: serverTimestamp(),
  });
}

export interface PresencePublisher {
  setState(state: "online" | "away"): void;
  stop(): Promise<void>;
}

/**
 * Publishes this member's presence while connected, rewritten whole every
 * `PRESENCE.heartbeatMs` (a record that stops beating goes stale for colleagues and for the hold
 * lease); the server marks it offline when the connection drops (onDisconnect), and `stop`
 * marks it offline and cancels that.
 */
export function publishPresence(
  db: Database,
  tenant: string,
  uid: string,
  name: string,
): PresencePublisher {
  const node = ref(db, presencePath(tenant, uid));
  let state: "online" | "away" = "online";
  let connected = false;
  let stopped = false;
  const write = () =>
    set(node, { state, lastSeen: serverTimestamp(), name }).catch((error: unknown) => {
      console.warn("presence not published", error);
    });
  const heartbeat = setInterval(() => {
    if (connected && !stopped) void write();
  }, PRESENCE.heartbeatMs);
  const unsubscribe = watchConnection(db, (next) => {
    connected = next;
    if (!connected) return;
    // Arm onDisconnect first: once the server holds it, a dropped connection is always visible.
    onDisconnect(node)
      .set({ state: "offline", lastSeen: serverTimestamp(), name })
      .then(write)
      .catch((error: unknown) => {
        console.warn("presence onDisconnect refused", error);
      });
  });
  return {
    setState(next) {
      state = next;
      if (connected && !stopped) void write();
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      clearInterval(heartbeat);
      unsubscribe();
      try {
        await onDisconnect(node).cancel();
        await set(node, { state: "offline", lastSeen: serverTimestamp(), name });
      } catch (error) {
        console.warn("presence not cleared", error);
      }
    },
  };
}

/**
 * Marks the call as open on this dashboard while connected (colleagues see who is watching it).
 * The server removes the mark when the connection drops (onDisconnect), and `stop` removes it
 * when the member closes or switches the call.
 */
export function publishViewing(
  db: Database,
  tenant: string,
  callId: string,
  uid: string,
  name: string,
): () => Promise<void> {
  const node = ref(db, viewerPath(tenant, callId, uid));
  let stopped = false;
  const unsubscribe = watchConnection(db, (connected) => {
    if (!connected || stopped) return;
    onDisconnect(node)
      .remove()
      .then(() => (stopped ? undefined : set(node, { name, since: serverTimestamp() })))
      .catch((error: unknown) => {
        console.warn("viewing not published", error);
      });
  });
  return async () => {
    if (stopped) return;
    stopped = true;
    unsubscribe();
    try {
      await onDisconnect(node).cancel();
      await remove(node);
    } catch (error) {
      console.warn("viewing not cleared", error);
    }
  };
}

/** Asks for the call to end now; a function ends it ("ended by supervisor") and audits it. */
export async function requestEndCall(
  db: Database,
  session: Session,
  callId: string,
  name: string,
): Promise<void> {
  await set(ref(db, callEndRequestPath(session.tenant, callId)), {
    by: session.uid,
    name,
    at: serverTimestamp(),
  });
}

/** A private instruction for the assistant on this call: followed in its replies, never read out. */
export async function giveGuidance(
  db: Database,
  session: Session,
  callId: string,
  text: string,
): Promise<void> {
  await set(push(ref(db, callGuidancePath(session.tenant, callId))), {
    text,
    by: session.uid,
    at: serverTimestamp(),
  });
}
