/**
 * A tenant and a caller for a fault test: the tenant's settings, members and subject are seeded
 * straight into the stores; the caller speaks through the real gateway endpoint with signed tokens
 * and remembers every turn it sent and every answer it got, so the ledger can count what landed.
 */
import { performance } from "node:perf_hooks";
import { expect } from "chai";
import {
  alertPath,
  callPath,
  firestore,
  inboxItemPath,
  memberPath,
  messagePath,
  type Role,
  subjectPath,
} from "@lifeline/model";
import {
  addMember,
  expectTestPlacement,
  freshId,
  testPlacement,
  type Admin,
  type TestMember,
} from "../../../functions/test/emulator/support/emulators.js";
import {
  freshPhone,
  freshTurnId,
  gatewayPost,
  gatewayToken,
} from "../../../functions/test/emulator/support/gateway-client.js";
import { waitFor } from "../../../functions/test/emulator/support/triggers-env.js";
import type { ExpectedAlert, Ledger, SentTurn } from "./ledger.js";

export interface FaultTenantSettings {
  readonly holdGraceSeconds?: number;
  readonly holdLapseTurns?: number;
  readonly unwatchedWebhookUrl?: string;
}

export interface FaultTenant {
  readonly tenantId: string;
  readonly subjectId: string;
  readonly phone: string;
  /** Tenant-wide members (mirrors only, unless `withAccounts`): every urgency alert reaches them. */
  readonly admin: string;
  readonly dispatcher: string;
  /** The dispatcher's sign-in, when the tenant was seeded `withAccounts`. */
  readonly dispatcherAccount?: TestMember;
}

async function mirror(admin: Admin, tenantId: string, role: Role): Promise<string> {
  const uid = freshId(role);
  await admin.database.ref(memberPath(tenantId, uid)).set({ role, name: `${role} ${uid}` });
  return uid;
}

/**
 * A fresh tenant with escalation off (no escalation step fires during a test), an admin and a
 * dispatcher, and one subject reachable at a fresh number, on this run's test instance. Nobody is
 * online, so a critical alert also raises the "nobody watching" alert for the admin.
 */
export async function seedFaultTenant(
  admin: Admin,
  settings: FaultTenantSettings = {},
  options: { readonly withAccounts?: boolean } = {},
): Promise<FaultTenant> {
  const tenantId = freshId("fault");
  const subjectId = freshId("subject");
  const phone = freshPhone();
  const now = Date.now();
  await Promise.all([
    admin.firestore.doc(firestore.tenantDoc(tenantId)).set({
      name: `Tenant ${tenantId}`,
      createdAt: now,
      settings: { escalationMinutes: 10, maxEscalationLevel: 0, ...settings },
      ...testPlacement(),
    }),
    admin.firestore
      .doc(firestore.subjectDoc(tenantId, subjectId))
      .set({ name: "Ada Okafor", phones: [phone], createdAt: now }),
    admin.firestore.doc(firestore.phoneDoc(phone)).set({ tenantId, subjectId }),
    admin.database.ref(subjectPath(tenantId, subjectId)).set({ name: "Ada Okafor" }),
  ]);
  await expectTestPlacement(admin, tenantId);
  if (options.withAccounts === true) {
    const [tenantAdmin, dispatcher] = [
      await addMember(admin, tenantId, "admin"),
      await addMember(admin, tenantId, "dispatcher"),
    ];
    return {
      tenantId,
      subjectId,
      phone,
      admin: tenantAdmin.uid,
      dispatcher: dispatcher.uid,
      dispatcherAccount: dispatcher,
    };
  }
  return {
    tenantId,
    subjectId,
    phone,
    admin: await mirror(admin, tenantId, "admin"),
    dispatcher: await mirror(admin, tenantId, "dispatcher"),
  };
}

export interface TurnAnswer {
  readonly callId: string;
  readonly reply: string | null;
  readonly urgency: string;
  readonly owner: { readonly kind: string; readonly name?: string };
  readonly say: readonly string[];
}

export interface TurnResult {
  readonly status: number;
  readonly body: unknown;
  /** From sending the request to the whole answer, as the gateway waits for it. */
  readonly ms: number;
}

export function answerOf(result: TurnResult): TurnAnswer {
  expect(result.status, JSON.stringify(result.body)).to.equal(200);
  const answer = result.body as TurnAnswer;
  // Never silence: the caller hears the assistant's reply or what a human typed.
  expect(answer.reply !== null || answer.say.length > 0, "the caller is answered").to.equal(true);
  return answer;
}

/** The urgency alert, and the "nobody watching" alert a critical one raises while nobody is online. */
export function urgencyAlerts(
  tenant: FaultTenant,
  callId: string,
  critical: boolean,
): ExpectedAlert[] {
  const urgency = `${callId}-urgency`;
  const expected: ExpectedAlert[] = [
    { id: urgency, kind: "urgency", recipients: [tenant.admin, tenant.dispatcher] },
  ];
  if (critical) {
    expected.push({ id: `${urgency}-unwatched`, kind: "unwatched", recipients: [tenant.admin] });
  }
  return expected;
}

export class Caller {
  readonly callRef = freshId("CA");
  readonly turns: SentTurn[] = [];
  readonly answers: TurnAnswer[] = [];
  callId: string | undefined;

  constructor(readonly tenant: FaultTenant) {}

  /** The body of a new turn, recorded as sent (in order) before it goes out. */
  next(text: string, turnId = freshTurnId()): SentTurn & Record<string, string> {
    const body = { callRef: this.callRef, from: this.tenant.phone, text, medium: "voice", turnId };
    this.turns.push({ turnId, text });
    return body;
  }

  /** Posts a turn body (a new one or a retry of one sent before), timing the answer. */
  async post(body: Record<string, string>, token?: string): Promise<TurnResult> {
    const started = performance.now();
    const reply = await gatewayPost("speechTurn", body, { token: token ?? (await gatewayToken()) });
    return { status: reply.status, body: reply.body, ms: performance.now() - started };
  }

  /**
   * Posts a turn the way a gateway does when it gets no answer: again, with the same turn id,
   * after a short pause, until it is answered (a 5xx or a broken connection is no answer).
   */
  async postUntilAnswered(
    body: Record<string, string>,
    attempts = 5,
  ): Promise<TurnResult & { readonly attempts: number }> {
    for (let attempt = 1; ; attempt++) {
      const result = await this.post(body);
      if (result.status < 500 || attempt >= attempts) return { ...result, attempts: attempt };
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    }
  }

  /** Sends a new turn and expects an answer. */
  async say(text: string): Promise<TurnAnswer> {
    const answer = answerOf(await this.post(this.next(text)));
    this.record(answer);
    return answer;
  }

  record(answer: TurnAnswer): void {
    this.callId ??= answer.callId;
    expect(answer.callId).to.equal(this.callId);
    this.answers.push(answer);
  }

  id(): string {
    if (this.callId === undefined) throw new Error("no turn has been answered yet");
    return this.callId;
  }

  ledger(alerts: readonly ExpectedAlert[]): Ledger {
    return { tenantId: this.tenant.tenantId, callId: this.id(), turns: this.turns, alerts };
  }
}

/**
 * Waits until the transcript holds every turn and every expected alert and inbox copy is there,
 * then until the triggers have nothing left in flight for the tenant (see `quiesce`). Gives up
 * quietly after `timeoutMs`: what is still missing then is counted as lost, not hidden by a timeout.
 */
export async function settle(
  admin: Admin,
  ledger: Ledger,
  adminUid: string,
  timeoutMs = 60_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const left = () => Math.max(1, deadline - Date.now());
  const wanted = ledger.turns.length;
  try {
    await waitFor<Record<string, unknown>>(
      admin.database,
      callPath(ledger.tenantId, ledger.callId),
      (call) => typeof call?.messageCount === "number" && call.messageCount >= 2 * wanted,
      left(),
    );
    for (const alert of ledger.alerts) {
      await waitFor(
        admin.database,
        alertPath(ledger.tenantId, alert.id),
        (a) => a !== null,
        left(),
      );
      for (const uid of alert.recipients) {
        await waitFor(admin.database, inboxItemPath(uid, alert.id), (i) => i !== null, left());
      }
    }
  } catch {
    // Counted as lost by the ledger.
  }
  await quiesce(admin, ledger.tenantId, adminUid);
}

/**
 * Resolves once the message and alert triggers have handled everything written for the tenant so
 * far: the database emulator posts one trigger's events one at a time in commit order, so once a
 * sentinel message and then a sentinel alert written now are handled, everything before them was.
 * The sentinels live on their own call and alert ids, which the ledger never counts.
 */
export async function quiesce(
  admin: Admin,
  tenantId: string,
  adminUid: string,
  timeoutMs = 60_000,
): Promise<void> {
  const sentinelCall = freshId("sentinel");
  const now = Date.now();
  await admin.database.ref(callPath(tenantId, sentinelCall)).set({
    phone: "+15550100000",
    medium: "sms",
    status: "active",
    urgency: "normal",
    owner: { kind: "ai", since: now },
    startedAt: now,
    lastMessageAt: now,
    messageCount: 0,
    lastSnippet: "",
  });
  await admin.database
    .ref(messagePath(tenantId, sentinelCall, "sentinel"))
    .set({ seq: 1, role: "caller", text: "sentinel", at: now });
  await waitFor<Record<string, unknown>>(
    admin.database,
    callPath(tenantId, sentinelCall),
    (call) => call?.messageCount === 1,
    timeoutMs,
    "the sentinel message's fan-out",
  );
  const sentinelAlert = freshId("sentinel");
  await admin.database.ref(alertPath(tenantId, sentinelAlert)).set({
    kind: "missed_call",
    severity: "normal",
    callId: sentinelCall,
    title: "sentinel",
    at: now,
    status: "open",
    level: 0,
  });
  await waitFor(
    admin.database,
    inboxItemPath(adminUid, sentinelAlert),
    (i) => i !== null,
    timeoutMs,
    "the sentinel alert's fan-out",
  );
}
