/**
 * Every Firebase call the dashboard makes, in one module: configuration (loaded once), sign-in,
 * subscriptions and the writes the rules allow. Views never import the SDK; they subscribe through
 * here and call the returned function to unsubscribe. What arrives from the database is parsed with
 * the model's schemas: a child that does not parse is left out and logged, never cast.
 */
import { initializeApp } from "firebase/app";
import {
  connectAuthEmulator,
  getAuth,
  onIdTokenChanged,
  signInWithEmailAndPassword,
  signOut,
  type Auth,
  type User,
} from "firebase/auth";
import {
  connectDatabaseEmulator,
  equalTo,
  getDatabase,
  limitToLast,
  onDisconnect,
  onValue,
  orderByChild,
  push,
  query,
  ref,
  serverTimestamp,
  set,
  type Database,
  type QueryConstraint,
} from "firebase/database";
import type { z } from "zod";
import {
  type Alert,
  alertAckPath,
  alertOutcomePath,
  alertPath,
  alertSchema,
  type Call,
  callLeadPath,
  callOwnerPath,
  callSchema,
  callUrgencyOverridePath,
  dashboardQueries,
  type DashboardQuery,
  type InboxItem,
  inboxItemSchema,
  memberClaimsSchema,
  type MemberMirror,
  memberMirrorSchema,
  memberPath,
  type Message,
  messageSchema,
  outboxMessageSchema,
  outboxPath,
  PRESENCE,
  presenceListPath,
  presencePath,
  presenceSchema,
  revocationPath,
  revocationSchema,
  type Role,
  subjectPath,
  subjectSchema,
  subjectsPath,
} from "@lifeline/model";
import {
  EMULATOR_PORTS,
  INIT_JSON_PATH,
  isLocalHost,
  localFallbackConfig,
  resolveEndpoints,
  type Endpoints,
} from "./config.js";
import {
  archivedCallResponseSchema,
  historyPageSchema,
  type ArchivedCallResponse,
  type HistoryPage,
} from "./logic/history.js";

export type Unsubscribe = () => void;

/** Who is signed in, as the token's custom claims say. */
export interface Session {
  readonly uid: string;
  readonly email: string;
  readonly tenant: string;
  readonly role: Role;
  /** When this session signed in (the token's `auth_time`), in ms: revocations are compared to it. */
  readonly authTimeMs: number;
}

export type SessionState =
  | { readonly kind: "signedOut" }
  | { readonly kind: "noMembership"; readonly email: string }
  | { readonly kind: "member"; readonly session: Session };

/** Called when the server cancels a listener: the rules refused it (revoked, role changed…). */
export type OnDenied = (error: Error) => void;

export type PresenceRecord = z.infer<typeof presenceSchema>;
export type OutboxMessage = z.infer<typeof outboxMessageSchema>;
export type Subject = z.infer<typeof subjectSchema>;

async function loadEndpoints(): Promise<Endpoints> {
  const hostname = location.hostname;
  try {
    const response = await fetch(INIT_JSON_PATH);
    if (!response.ok) throw new Error(`${INIT_JSON_PATH}: HTTP ${response.status}`);
    return resolveEndpoints(await response.json(), hostname);
  } catch (error) {
    // Only a local page (e.g. the Vite dev server, which does not serve init.json) falls back.
    if (!isLocalHost(hostname)) throw error;
    console.warn("No Firebase config served; using the local demo project.", error);
    return resolveEndpoints(localFallbackConfig(), hostname);
  }
}

function parseChildren<T>(value: unknown, schema: z.ZodType<T>, where: string): Map<string, T> {
  const out = new Map<string, T>();
  if (typeof value !== "object" || value === null) return out;
  for (const [key, child] of Object.entries(value)) {
    const parsed = schema.safeParse(child);
    if (parsed.success) out.set(key, parsed.data);
    else console.warn(`skipping ${where}/${key}: ${parsed.error.message}`);
  }
  return out;
}

export class Backend {
  readonly endpoints: Endpoints;
  private readonly auth: Auth;
  private readonly db: Database;

  private constructor(endpoints: Endpoints) {
    this.endpoints = endpoints;
    const app = initializeApp(endpoints.firebase);
    this.auth = getAuth(app);
    this.db = getDatabase(app);
    if (endpoints.emulators !== undefined) {
      const host = endpoints.emulators.host;
      connectAuthEmulator(this.auth, `http://${host}:${EMULATOR_PORTS.auth}`, {
        disableWarnings: true,
      });
      connectDatabaseEmulator(this.db, host, EMULATOR_PORTS.database);
    }
  }

  /** Loads the config once and connects; the page calls this exactly once. */
  static async connect(): Promise<Backend> {
    return new Backend(await loadEndpoints());
  }

  get usesEmulators(): boolean {
    return this.endpoints.emulators !== undefined;
  }

  // ------------------------------------------------------------------ auth

  /** Follows sign-in, sign-out and every token refresh (claims may change with a refresh). */
  onSession(callback: (state: SessionState) => void): Unsubscribe {
    return onIdTokenChanged(this.auth, (user) => {
      if (user === null) {
        callback({ kind: "signedOut" });
        return;
      }
      void this.sessionOf(user).then(callback, (error: unknown) => {
        console.error("could not read the token's claims", error);
        callback({ kind: "signedOut" });
      });
    });
  }

  private async sessionOf(user: User): Promise<SessionState> {
    const token = await user.getIdTokenResult();
    const claims = memberClaimsSchema.safeParse({
      tenant: token.claims.tenant,
      role: token.claims.role,
    });
    const email = user.email ?? user.uid;
    if (!claims.success) return { kind: "noMembership", email };
    const authTime = token.claims.auth_time;
    const authTimeMs =
      typeof authTime === "number" ? authTime * 1000 : Date.parse(token.authTime) || 0;
    return {
      kind: "member",
      session: {
        uid: user.uid,
        email,
        tenant: claims.data.tenant,
        role: claims.data.role,
        authTimeMs,
      },
    };
  }

  async signIn(email: string, password: string): Promise<void> {
    await signInWithEmailAndPassword(this.auth, email, password);
  }

  async signOut(): Promise<void> {
    await signOut(this.auth);
  }

  /** Revokes every session of this member (all devices), then signs out here. */
  async signOutEverywhere(): Promise<void> {
    await this.callFunction("DELETE", "/sessions");
    await signOut(this.auth);
  }

  // ------------------------------------------------------------------ subscriptions

  private watchQuery<T>(
    spec: DashboardQuery,
    schema: z.ZodType<T>,
    next: (children: Map<string, T>) => void,
    denied: OnDenied,
  ): Unsubscribe {
    const constraints: QueryConstraint[] = [orderByChild(spec.orderByChild)];
    if (spec.equalTo !== undefined) constraints.push(equalTo(spec.equalTo));
    if (spec.limitToLast !== undefined) constraints.push(limitToLast(spec.limitToLast));
    return onValue(
      query(ref(this.db, spec.path), ...constraints),
      (snapshot) => {
        next(parseChildren(snapshot.val(), schema, spec.path));
      },
      denied,
    );
  }

  private watchValue<T>(
    path: string,
    schema: z.ZodType<T>,
    next: (value: T | undefined) => void,
    denied: OnDenied,
  ): Unsubscribe {
    return onValue(
      ref(this.db, path),
      (snapshot) => {
        if (!snapshot.exists()) {
          next(undefined);
          return;
        }
        const parsed = schema.safeParse(snapshot.val());
        if (!parsed.success) console.warn(`unexpected data at ${path}: ${parsed.error.message}`);
        next(parsed.success ? parsed.data : undefined);
      },
      denied,
    );
  }

  /** `.info/connected`: true while the page holds a live connection to the database. */
  watchConnection(next: (connected: boolean) => void): Unsubscribe {
    return onValue(ref(this.db, ".info/connected"), (snapshot) => {
      next(snapshot.val() === true);
    });
  }

  /**
   * The member's own record: `null` once it is gone (removed), the parsed record otherwise. A
   * record that does not parse is reported as unknown (`undefined`), never as removed.
   */
  watchMember(
    session: Session,
    next: (member: MemberMirror | null | undefined) => void,
    denied: OnDenied,
  ): Unsubscribe {
    const path = memberPath(session.tenant, session.uid);
    return onValue(
      ref(this.db, path),
      (snapshot) => {
        if (!snapshot.exists()) {
          next(null);
          return;
        }
        const parsed = memberMirrorSchema.safeParse(snapshot.val());
        if (!parsed.success) console.warn(`unexpected data at ${path}: ${parsed.error.message}`);
        next(parsed.success ? parsed.data : undefined);
      },
      denied,
    );
  }

  /** `revocations/{uid}` of the signed-in member: when its sessions were revoked (ms), or null. */
  watchRevocation(
    uid: string,
    next: (revokedAt: number | null) => void,
    denied: OnDenied,
  ): Unsubscribe {
    return onValue(
      ref(this.db, revocationPath(uid)),
      (snapshot) => {
        const parsed = revocationSchema.safeParse(snapshot.val());
        next(parsed.success ? parsed.data : null);
      },
      denied,
    );
  }

  /** `.info/serverTimeOffset`: server clock minus this browser's, for judging heartbeats. */
  watchServerTimeOffset(next: (offsetMs: number) => void): Unsubscribe {
    return onValue(ref(this.db, ".info/serverTimeOffset"), (snapshot) => {
      const value: unknown = snapshot.val();
      next(typeof value === "number" ? value : 0);
    });
  }

  /** Every recent call of the tenant (admins and dispatchers). */
  watchTenantCalls(
    tenant: string,
    next: (calls: Map<string, Call>) => void,
    denied: OnDenied,
  ): Unsubscribe {
    return this.watchQuery(dashboardQueries.recentCalls(tenant), callSchema, next, denied);
  }

  /** The calls of one subject: how scoped roles list calls, one query per assigned subject. */
  watchSubjectCalls(
    tenant: string,
    subjectId: string,
    next: (calls: Map<string, Call>) => void,
    denied: OnDenied,
  ): Unsubscribe {
    return this.watchQuery(
      dashboardQueries.callsOfSubject(tenant, subjectId),
      callSchema,
      next,
      denied,
    );
  }

  watchTranscript(
    tenant: string,
    callId: string,
    next: (messages: Map<string, Message>) => void,
    denied: OnDenied,
  ): Unsubscribe {
    return this.watchQuery(
      dashboardQueries.transcript(tenant, callId),
      messageSchema,
      next,
      denied,
    );
  }

  /** Messages typed for the caller that the next turn has not delivered yet. */
  watchOutbox(
    tenant: string,
    callId: string,
    next: (pending: Map<string, OutboxMessage>) => void,
    denied: OnDenied,
  ): Unsubscribe {
    return onValue(
      ref(this.db, outboxPath(tenant, callId)),
      (snapshot) => {
        next(parseChildren(snapshot.val(), outboxMessageSchema, "outbox"));
      },
      denied,
    );
  }

  /** The tenant alert feed (admins and dispatchers). */
  watchAlertFeed(
    tenant: string,
    next: (alerts: Map<string, Alert>) => void,
    denied: OnDenied,
  ): Unsubscribe {
    return this.watchQuery(dashboardQueries.alertFeed(tenant), alertSchema, next, denied);
  }

  /** The member's own inbox (every role). */
  watchInbox(
    uid: string,
    next: (items: Map<string, InboxItem>) => void,
    denied: OnDenied,
  ): Unsubscribe {
    return this.watchQuery(dashboardQueries.inbox(uid), inboxItemSchema, next, denied);
  }

  /** One alert record: scoped roles may read an alert once it is in their inbox. */
  watchAlert(
    tenant: string,
    alertId: string,
    next: (alert: Alert | undefined) => void,
    denied: OnDenied,
  ): Unsubscribe {
    return this.watchValue(alertPath(tenant, alertId), alertSchema, next, denied);
  }

  watchPresence(
    tenant: string,
    next: (presence: Map<string, PresenceRecord>) => void,
    denied: OnDenied,
  ): Unsubscribe {
    return onValue(
      ref(this.db, presenceListPath(tenant)),
      (snapshot) => {
        next(parseChildren(snapshot.val(), presenceSchema, "presence"));
      },
      denied,
    );
  }

  /** Subject names for the calls list (admins and dispatchers read them all). */
  watchSubjects(
    tenant: string,
    next: (subjects: Map<string, Subject>) => void,
    denied: OnDenied,
  ): Unsubscribe {
    return onValue(
      ref(this.db, subjectsPath(tenant)),
      (snapshot) => {
        next(parseChildren(snapshot.val(), subjectSchema, "subjects"));
      },
      denied,
    );
  }

  /** One subject with its latest vitals: how scoped roles read their assigned subjects. */
  watchSubject(
    tenant: string,
    subjectId: string,
    next: (subject: Subject | undefined) => void,
    denied: OnDenied,
  ): Unsubscribe {
    return this.watchValue(subjectPath(tenant, subjectId), subjectSchema, next, denied);
  }

  /**
   * Publishes this member's presence while connected, rewritten whole every
   * `PRESENCE.heartbeatMs` (a record that stops beating goes stale for colleagues and for the hold
   * lease); the server marks it offline when the connection drops (onDisconnect), and `stop`
   * marks it offline and cancels that.
   */
  publishPresence(
    tenant: string,
    uid: string,
    name: string,
  ): { setState(state: "online" | "away"): void; stop(): Promise<void> } {
    const node = ref(this.db, presencePath(tenant, uid));
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
    const unsubscribe = onValue(ref(this.db, ".info/connected"), (snapshot) => {
      connected = snapshot.val() === true;
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

  // ------------------------------------------------------------------ writes (judged by the rules)

  async acknowledge(
    session: Session,
    tenant: string,
    alertId: string,
    status: string,
    note: string,
  ): Promise<void> {
    await set(ref(this.db, alertAckPath(tenant, alertId, session.uid)), {
      status,
      note,
      at: serverTimestamp(),
    });
  }

  async takeOver(session: Session, callId: string, name: string): Promise<void> {
    await set(ref(this.db, callOwnerPath(session.tenant, callId)), {
      kind: "human",
      uid: session.uid,
      name,
      since: serverTimestamp(),
    });
  }

  /** Takes the call from the colleague who holds it; the rules allow admins and dispatchers. */
  async takeOverFrom(
    session: Session,
    callId: string,
    name: string,
    fromUid: string,
    reason: string,
  ): Promise<void> {
    await set(ref(this.db, callOwnerPath(session.tenant, callId)), {
      kind: "human",
      uid: session.uid,
      name,
      since: serverTimestamp(),
      takenFrom: fromUid,
      reason,
    });
  }

  /** Closes a follow-up: written once; a trigger then resolves the alert and audits it. */
  async recordOutcome(
    session: Session,
    tenant: string,
    alertId: string,
    outcome: string,
    note: string,
  ): Promise<void> {
    await set(ref(this.db, alertOutcomePath(tenant, alertId)), {
      outcome,
      note,
      by: session.uid,
      at: serverTimestamp(),
    });
  }

  async handBack(session: Session, callId: string): Promise<void> {
    await set(ref(this.db, callOwnerPath(session.tenant, callId)), {
      kind: "ai",
      since: serverTimestamp(),
    });
  }

  async messageCaller(session: Session, callId: string, text: string): Promise<void> {
    await push(ref(this.db, outboxPath(session.tenant, callId)), {
      text,
      by: session.uid,
      at: serverTimestamp(),
    });
  }

  async setLead(session: Session, callId: string, status: string): Promise<void> {
    await set(ref(this.db, callLeadPath(session.tenant, callId)), {
      status,
      by: session.uid,
      at: serverTimestamp(),
    });
  }

  async overrideUrgency(
    session: Session,
    callId: string,
    level: string,
    reason: string,
  ): Promise<void> {
    await set(ref(this.db, callUrgencyOverridePath(session.tenant, callId)), {
      level,
      reason,
      by: session.uid,
      at: serverTimestamp(),
    });
  }

  // ------------------------------------------------------------------ HTTPS

  private async callFunction(method: string, path: string): Promise<unknown> {
    const user = this.auth.currentUser;
    if (user === null) throw new Error("Not signed in.");
    const response = await fetch(`${this.endpoints.functionsBase}${path}`, {
      method,
      headers: { authorization: `Bearer ${await user.getIdToken()}` },
    });
    const body: unknown = await response.json().catch(() => undefined);
    if (!response.ok) throw new Error(errorMessage(body) ?? `HTTP ${response.status}`);
    return body;
  }

  async historyPage(tenant: string, cursor: string | undefined, limit = 20): Promise<HistoryPage> {
    const params = new URLSearchParams({ limit: String(limit) });
    if (cursor !== undefined) params.set("cursor", cursor);
    const body = await this.callFunction(
      "GET",
      `/history/${encodeURIComponent(tenant)}?${params.toString()}`,
    );
    return historyPageSchema.parse(body);
  }

  async archivedCall(tenant: string, callId: string): Promise<ArchivedCallResponse> {
    const body = await this.callFunction(
      "GET",
      `/history/${encodeURIComponent(tenant)}/${encodeURIComponent(callId)}`,
    );
    return archivedCallResponseSchema.parse(body);
  }
}

function errorMessage(body: unknown): string | undefined {
  if (typeof body !== "object" || body === null || !("error" in body)) return undefined;
  const error = body.error;
  if (typeof error !== "object" || error === null || !("message" in error)) return undefined;
  return typeof error.message === "string" ? error.message : undefined;
}
