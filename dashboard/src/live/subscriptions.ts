/**
 * Every listener the signed-in page holds, started here and stopped by one `dispose`: database
 * watchers (what the member's role may read, per assigned subject, per inbox alert, for the
 * selected call), the presence heartbeat, the page's visibility and the clock tick. What they
 * deliver goes into the store; a listener the server cancels goes to `onDenied`.
 */
import { CAPABILITIES } from "@lifeline/model";
import type { Firebase } from "../firebase/app.js";
import { publishPresence, publishViewing, type PresencePublisher } from "../firebase/actions.js";
import {
  watchAlert,
  watchAlertFeed,
  watchAllViewers,
  watchMembers,
  watchCallViewers,
  watchGuidance,
  watchConnection,
  watchInbox,
  watchLeadLabels,
  watchMember,
  watchMovedTo,
  watchMoving,
  watchOutbox,
  watchPresence,
  watchRevocation,
  watchServerTimeOffset,
  watchSubject,
  watchSubjectCalls,
  watchSubjects,
  watchTenantCalls,
  watchTranscript,
  type OnDenied,
  type Unsubscribe,
} from "../firebase/database.js";
import type { AppState } from "../state/app-state.js";
import { onConnectionChange, settleAway } from "../state/selectors.js";
import type { Patch, Store } from "../state/store.js";

/** Relative times ("2:05", "3 min ago") and heartbeat freshness are judged again this often. */
const TICK_MS = 1000;

export interface Live {
  /** Marks this member offline, stops the heartbeat and unmarks the open call (before a deliberate sign-out). */
  stopPresence(): Promise<void>;
  /** Every listener and timer off at once; resolves when presence is marked offline. Idempotent. */
  dispose(): Promise<void>;
}

/** Listeners started per key (subject, alert, call) and stopped when the key is no longer wanted. */
class KeyedListeners {
  private readonly running = new Map<string, Unsubscribe[]>();

  constructor(private readonly start: (key: string) => Unsubscribe[]) {}

  /** Starts what is newly wanted, stops the rest; returns the keys that were stopped. */
  sync(wanted: ReadonlySet<string>): string[] {
    const stopped: string[] = [];
    for (const [key, stops] of this.running) {
      if (wanted.has(key)) continue;
      for (const stop of stops) stop();
      this.running.delete(key);
      stopped.push(key);
    }
    for (const key of wanted) {
      if (!this.running.has(key)) this.running.set(key, this.start(key));
    }
    return stopped;
  }

  stopAll(): void {
    this.sync(new Set());
  }
}

function without<V>(map: ReadonlyMap<string, V>, keys: readonly string[]): Map<string, V> {
  const out = new Map(map);
  for (const key of keys) out.delete(key);
  return out;
}

function withEntry<V>(map: ReadonlyMap<string, V>, key: string, value: V | undefined) {
  const out = new Map(map);
  if (value === undefined) out.delete(key);
  else out.set(key, value);
  return out;
}

export function startLive(firebase: Firebase, store: Store<AppState>, onDenied: OnDenied): Live {
  const { db } = firebase;
  const { session } = store.get();
  const capabilities = CAPABILITIES[session.role];
  let disposed = false;
  let presence: PresencePublisher | undefined;
  /** The mark that this dashboard has the selected call open, and how to take it down. */
  let signingOff = false;
  let viewing:
    | { readonly callId: string; readonly name: string; readonly stop: () => Promise<void> }
    | undefined;
  const stops: Unsubscribe[] = [];

  /** Every delivery also moves the clock, so what it shows is judged against the present. */
  function put(patch: Patch<AppState>): void {
    if (disposed) return;
    store.update((state) => ({
      ...(typeof patch === "function" ? patch(state) : patch),
      now: Date.now(),
    }));
  }

  const perSubject = new KeyedListeners((subjectId) => [
    watchSubjectCalls(
      db,
      session.tenant,
      subjectId,
      (calls) => {
        put((state) => ({ subjectCalls: withEntry(state.subjectCalls, subjectId, calls) }));
      },
      onDenied,
    ),
    ...(capabilities.vitals === "assigned"
      ? [
          watchSubject(
            db,
            session.tenant,
            subjectId,
            (subject) => {
              put((state) => ({ subjects: withEntry(state.subjects, subjectId, subject) }));
            },
            onDenied,
          ),
        ]
      : []),
  ]);

  // Scoped roles complete inbox copies with the alert record (level, acks); subjects may not.
  const perAlert = new KeyedListeners((alertId) => [
    watchAlert(
      db,
      session.tenant,
      alertId,
      (record) => {
        put((state) => ({ alertRecords: withEntry(state.alertRecords, alertId, record) }));
      },
      // An inbox copy may arrive before the rules can see it; the copy alone is still shown.
      () => undefined,
    ),
  ]);

  const perCall = new KeyedListeners((callId) => [
    watchTranscript(
      db,
      session.tenant,
      callId,
      (messages) => {
        put({ messages });
      },
      onDenied,
    ),
    watchOutbox(
      db,
      session.tenant,
      callId,
      (outbox) => {
        put({ outbox });
      },
      onDenied,
    ),
    // Staff only: the caller (a subject member) never learns of the guidance.
    ...(capabilities.presence
      ? [
          watchGuidance(
            db,
            session.tenant,
            callId,
            (list) => {
              put((state) => ({ guidance: withEntry(state.guidance, callId, list) }));
            },
            onDenied,
          ),
        ]
      : []),
    // Tenant-wide roles follow every call's viewers below; scoped roles read them call by call.
    ...(capabilities.calls === "tenant"
      ? []
      : [
          watchCallViewers(
            db,
            session.tenant,
            callId,
            (list) => {
              put((state) => ({ viewers: withEntry(state.viewers, callId, list) }));
            },
            onDenied,
          ),
        ]),
  ]);

  /** Marks the selected call as open here, once the member's name is known; unmarks the previous one. */
  function syncViewing(callId: string | undefined, name: string | undefined): void {
    if (!capabilities.presence || signingOff) return;
    if (viewing !== undefined && viewing.callId === callId && viewing.name === name) return;
    void viewing?.stop();
    viewing =
      callId === undefined || name === undefined
        ? undefined
        : { callId, name, stop: publishViewing(db, session.tenant, callId, session.uid, name) };
  }

  // What the listeners above follow depends on the state: assigned subjects, inbox, selection.
  let seen: AppState | undefined;
  function react(state: AppState): void {
    if (disposed || state === seen) return;
    const previous = seen;
    seen = state;
    if (state.member !== previous?.member) {
      if (capabilities.calls !== "tenant") {
        const removed = perSubject.sync(new Set(Object.keys(state.member?.subjects ?? {})));
        if (removed.length > 0) {
          put((now) => ({
            subjectCalls: without(now.subjectCalls, removed),
            subjects: without(now.subjects, removed),
          }));
        }
      }
      const name = state.member?.name;
      if (capabilities.presence && name !== undefined && name !== previous?.member?.name) {
        void presence?.stop();
        presence = publishPresence(db, session.tenant, session.uid, name);
      }
    }
    if (capabilities.acknowledge && state.inbox !== previous?.inbox) {
      const ofTenant = [...state.inbox].filter(([, item]) => item.tenantId === session.tenant);
      const removed = perAlert.sync(new Set(ofTenant.map(([alertId]) => alertId)));
      if (removed.length > 0) {
        put((now) => ({ alertRecords: without(now.alertRecords, removed) }));
      }
    }
    if (state.selectedCallId !== previous?.selectedCallId) {
      const removed = perCall.sync(
        new Set(state.selectedCallId === undefined ? [] : [state.selectedCallId]),
      );
      if (removed.length > 0) {
        put((now) => ({
          guidance: without(now.guidance, removed),
          viewers: capabilities.calls === "tenant" ? now.viewers : without(now.viewers, removed),
        }));
      }
    }
    syncViewing(state.selectedCallId, state.member?.name);
  }
  stops.push(store.subscribe(react));

  stops.push(
    watchConnection(db, (connected) => {
      put((state) => onConnectionChange(state, connected, Date.now()));
    }),
    watchServerTimeOffset(db, (serverOffsetMs) => {
      put({ serverOffsetMs });
    }),
    watchRevocation(
      db,
      session.uid,
      (revokedAt) => {
        put((state) => ({ access: { ...state.access, revokedAt } }));
      },
      (error) => {
        // Refused after it was readable: this session was revoked. Refused from the start: the
        // rules do not offer it (or the session is already revoked, and every other listener is
        // refused too), so the member record and the other listeners decide.
        if (store.get().access.revokedAt !== undefined) onDenied(error);
        else console.warn("revocation not readable", error.message);
      },
    ),
    watchMovedTo(
      db,
      session.tenant,
      (movedTo) => {
        put((state) => ({ access: { ...state.access, movedTo } }));
      },
      (error) => {
        console.warn("move marker not readable", error.message);
      },
    ),
    watchMoving(
      db,
      session.tenant,
      (moving) => {
        put((state) => ({ access: { ...state.access, moving } }));
      },
      (error) => {
        console.warn("move marker not readable", error.message);
      },
    ),
    watchMember(
      db,
      session.tenant,
      session.uid,
      (record) => {
        // A record that does not parse (undefined) says nothing about access; a removed one does.
        put((state) => ({
          access: record === undefined ? state.access : { ...state.access, member: record },
          member: record ?? undefined,
        }));
      },
      onDenied,
    ),
  );

  if (capabilities.calls === "tenant") {
    stops.push(
      watchTenantCalls(
        db,
        session.tenant,
        (tenantCalls) => {
          put({ tenantCalls });
        },
        onDenied,
      ),
      watchSubjects(
        db,
        session.tenant,
        (subjects) => {
          put({ subjects });
        },
        onDenied,
      ),
    );
  }
  if (capabilities.calls === "tenant") {
    stops.push(
      watchMembers(
        db,
        session.tenant,
        (members) => {
          put({ members });
        },
        onDenied,
      ),
      watchAllViewers(
        db,
        session.tenant,
        (viewers) => {
          put({ viewers });
        },
        onDenied,
      ),
    );
  }
  if (capabilities.alertFeed) {
    stops.push(
      watchAlertFeed(
        db,
        session.tenant,
        (feed) => {
          put({ feed });
        },
        onDenied,
      ),
    );
  } else {
    stops.push(
      watchInbox(
        db,
        session.uid,
        (inbox) => {
          put({ inbox });
        },
        onDenied,
      ),
    );
  }
  if (capabilities.presence) {
    stops.push(
      watchLeadLabels(
        db,
        session.tenant,
        (leadLabels) => {
          put({ leadLabels });
        },
        onDenied,
      ),
      watchPresence(
        db,
        session.tenant,
        (list) => {
          put({ presence: list });
        },
        onDenied,
      ),
    );
  }

  const onVisibility = () => {
    presence?.setState(document.visibilityState === "hidden" ? "away" : "online");
  };
  document.addEventListener("visibilitychange", onVisibility);
  stops.push(() => {
    document.removeEventListener("visibilitychange", onVisibility);
  });

  // Durations, "ago" labels and heartbeat freshness change without any data arriving.
  const ticker = setInterval(() => {
    put((state) => ({ away: settleAway({ ...state, now: Date.now() }) }));
  }, TICK_MS);
  stops.push(() => {
    clearInterval(ticker);
  });

  react(store.get());

  async function stopPresence(): Promise<void> {
    signingOff = true;
    const closing = viewing;
    viewing = undefined;
    await Promise.all([presence?.stop(), closing?.stop()]);
  }

  return {
    stopPresence,
    async dispose() {
      if (!disposed) {
        disposed = true;
        for (const stop of stops.splice(0)) stop();
        perSubject.stopAll();
        perAlert.stopAll();
        perCall.stopAll();
      }
      await stopPresence();
    },
  };
}
