/**
 * The fault suite's bookkeeping: after a fault, what the databases hold is compared with what the
 * gateway sent and what the triggers must have derived, and every difference is counted as lost
 * (expected, absent) or doubled (present more than once). Records are matched by what they mean
 * (a caller message by its turn and words, an alert by kind and call, an inbox copy by alert), not
 * by id alone, so a copy written under a second id counts as doubled instead of going unnoticed.
 */
import { expect } from "chai";
import type { Admin } from "../../../functions/test/emulator/support/emulators.js";
import { alertsPath, callPath, inboxPath, messagesPath } from "@lifeline/model";

export interface SentTurn {
  readonly turnId: string;
  readonly text: string;
}

export interface LostDoubled {
  lost: number;
  doubled: number;
}

export interface Counts {
  readonly turns: number;
  readonly messages: LostDoubled;
  readonly alerts: LostDoubled;
  readonly inbox: LostDoubled;
  /** What is wrong with the transcript's order (seq repeated or not following turn order). */
  readonly order: string[];
}

export interface StoredMessage {
  readonly seq: number;
  readonly role: string;
  readonly text: string;
  readonly at: number;
  readonly turnId?: string;
  readonly sources?: string[];
}

interface StoredAlert {
  readonly kind: string;
  readonly callId?: string;
  readonly status: string;
  readonly title: string;
}

interface StoredInboxItem {
  readonly tenantId: string;
  readonly kind: string;
  readonly callId?: string;
  readonly status: string;
}

export interface ExpectedAlert {
  readonly id: string;
  readonly kind: string;
  /** The members whose inbox must hold one copy of it. */
  readonly recipients: readonly string[];
}

function recordOf<T>(value: unknown): Record<string, T> {
  return typeof value === "object" && value !== null ? (value as Record<string, T>) : {};
}

async function read(admin: Admin, path: string): Promise<unknown> {
  return (await admin.database.ref(path).get()).val() as unknown;
}

/** The transcript by `seq`. */
export async function transcript(
  admin: Admin,
  tenantId: string,
  callId: string,
): Promise<StoredMessage[]> {
  const messages = recordOf<StoredMessage>(await read(admin, messagesPath(tenantId, callId)));
  return Object.values(messages).sort((a, b) => a.seq - b.seq);
}

/**
 * Per turn, exactly one caller message (its words, its turn id) and one answer (an assistant or
 * agent message of that turn); and the seqs strictly increasing in the order the turns were sent,
 * each turn's caller message before its answer, the summary counting every message once.
 */
export async function countMessages(
  admin: Admin,
  tenantId: string,
  callId: string,
  turns: readonly SentTurn[],
): Promise<{ messages: LostDoubled; order: string[] }> {
  const summary = recordOf<unknown>(await read(admin, callPath(tenantId, callId)));
  return tallyMessages(await transcript(admin, tenantId, callId), turns, summary.messageCount);
}

/** `countMessages` on a transcript already read (sorted by seq) and the summary's count. */
export function tallyMessages(
  messages: readonly StoredMessage[],
  turns: readonly SentTurn[],
  messageCount: unknown,
): { messages: LostDoubled; order: string[] } {
  const counts: LostDoubled = { lost: 0, doubled: 0 };
  const order: string[] = [];
  for (const turn of turns) {
    // A caller message with these words but another turn id is a second copy of this turn.
    const callers = messages.filter(
      (m) => m.role === "caller" && (m.turnId === turn.turnId || m.text === turn.text),
    );
    const answers = messages.filter(
      (m) => (m.role === "assistant" || m.role === "agent") && m.turnId === turn.turnId,
    );
    for (const found of [callers.length, answers.length]) {
      if (found === 0) counts.lost += 1;
      else counts.doubled += found - 1;
    }
  }
  const known = new Set(turns.map((turn) => turn.turnId));
  counts.doubled += messages.filter(
    (m) =>
      m.role === "caller" && !known.has(m.turnId ?? "") && turns.every((t) => t.text !== m.text),
  ).length;

  const position = new Map(turns.map((turn, index) => [turn.turnId, index]));
  const describe = (m: StoredMessage | undefined) => {
    const index = m?.turnId === undefined ? undefined : position.get(m.turnId);
    return `${m?.role ?? "?"}${index === undefined ? "" : ` of turn ${index + 1}`}`;
  };
  for (let i = 1; i < messages.length; i++) {
    const previous = messages[i - 1];
    const current = messages[i];
    if ((current?.seq ?? 0) <= (previous?.seq ?? 0)) {
      order.push(
        `seq ${current?.seq ?? "?"} (${describe(current)}) after seq ${previous?.seq ?? "?"} (${describe(previous)})`,
      );
    }
  }
  let last = -1;
  let lastRole = "";
  for (const message of messages) {
    const index = message.turnId === undefined ? undefined : position.get(message.turnId);
    if (index === undefined) continue;
    if (index < last) {
      order.push(`${describe(message)} (seq ${message.seq}) comes after turn ${last + 1}`);
    }
    if (index === last && message.role === "caller" && lastRole !== "caller") {
      order.push(`turn ${index + 1}: caller message after its answer`);
    }
    last = Math.max(last, index);
    lastRole = message.role;
  }
  if (messageCount !== messages.length) {
    order.push(
      `summary counts ${String(messageCount)} messages, the transcript holds ${messages.length}`,
    );
  }
  return { messages: counts, order };
}

/**
 * One alert per deterministic id, each expected one present; alerts of the same kind about the
 * same call under other ids count as doubled. Then one inbox copy per alert per recipient, and no
 * second copy of the same alert under another id.
 */
export async function countAlerts(
  admin: Admin,
  tenantId: string,
  expected: readonly ExpectedAlert[],
): Promise<{ alerts: LostDoubled; inbox: LostDoubled }> {
  const recipients = [...new Set(expected.flatMap((alert) => alert.recipients))];
  const inboxes = new Map<string, unknown>();
  for (const uid of recipients) inboxes.set(uid, await read(admin, inboxPath(uid)));
  return tallyAlerts(await read(admin, alertsPath(tenantId)), inboxes, tenantId, expected);
}

/** `countAlerts` on the tenant's alerts and the recipients' inboxes already read. */
export function tallyAlerts(
  storedAlerts: unknown,
  inboxes: ReadonlyMap<string, unknown>,
  tenantId: string,
  expected: readonly ExpectedAlert[],
): { alerts: LostDoubled; inbox: LostDoubled } {
  const stored = recordOf<StoredAlert>(storedAlerts);
  const alerts: LostDoubled = { lost: 0, doubled: 0 };
  const inbox: LostDoubled = { lost: 0, doubled: 0 };
  const groups = new Map<string, number>();
  for (const alert of Object.values(stored)) {
    const key = `${alert.kind}\n${alert.callId ?? ""}`;
    groups.set(key, (groups.get(key) ?? 0) + 1);
  }
  for (const count of groups.values()) alerts.doubled += count - 1;
  const recipients = new Set<string>();
  for (const alert of expected) {
    const found = stored[alert.id];
    if (found === undefined || found.kind !== alert.kind) alerts.lost += 1;
    for (const uid of alert.recipients) recipients.add(uid);
  }
  for (const uid of recipients) {
    const items = recordOf<StoredInboxItem>(inboxes.get(uid));
    for (const alert of expected.filter((a) => a.recipients.includes(uid))) {
      if (items[alert.id] === undefined) inbox.lost += 1;
    }
    const copies = new Map<string, number>();
    for (const item of Object.values(items)) {
      if (item.tenantId !== tenantId) continue;
      const key = `${item.kind}\n${item.callId ?? ""}`;
      copies.set(key, (copies.get(key) ?? 0) + 1);
    }
    for (const count of copies.values()) inbox.doubled += count - 1;
  }
  return { alerts, inbox };
}

export interface Ledger {
  readonly tenantId: string;
  readonly callId: string;
  readonly turns: readonly SentTurn[];
  readonly alerts: readonly ExpectedAlert[];
}

export async function count(admin: Admin, ledger: Ledger): Promise<Counts> {
  const { messages, order } = await countMessages(
    admin,
    ledger.tenantId,
    ledger.callId,
    ledger.turns,
  );
  const { alerts, inbox } = await countAlerts(admin, ledger.tenantId, ledger.alerts);
  return { turns: ledger.turns.length, messages, alerts, inbox, order };
}

/** The one line a fault's test prints, so that its counts can be quoted. */
export function countLine(fault: string, counts: Counts): string {
  const pair = (what: string, c: LostDoubled) => `${what} lost ${c.lost} doubled ${c.doubled}`;
  return (
    `fault: ${fault} — turns ${counts.turns}, ${pair("messages", counts.messages)}, ` +
    `${pair("alerts", counts.alerts)}, ${pair("inbox", counts.inbox)}`
  );
}

/** Counts, prints the line and asserts nothing lost, nothing doubled, everything in order. */
export async function expectNothingLostOrDoubled(
  admin: Admin,
  fault: string,
  ledger: Ledger,
): Promise<Counts> {
  const counts = await count(admin, ledger);
  console.log(`      ${countLine(fault, counts)}`);
  if (counts.order.length > 0) {
    const position = new Map(ledger.turns.map((turn, index) => [turn.turnId, index + 1]));
    const listing = (await transcript(admin, ledger.tenantId, ledger.callId))
      .map(
        (m) =>
          `${m.seq}:${m.role}${m.turnId === undefined ? "" : `@${position.get(m.turnId) ?? "?"}`}`,
      )
      .join(" ");
    console.log(`      transcript (seq:role@turn): ${listing}`);
  }
  expect(counts.order, "transcript order and count").to.deep.equal([]);
  expect(
    {
      messages: counts.messages,
      alerts: counts.alerts,
      inbox: counts.inbox,
    },
    countLine(fault, counts),
  ).to.deep.equal({
    messages: { lost: 0, doubled: 0 },
    alerts: { lost: 0, doubled: 0 },
    inbox: { lost: 0, doubled: 0 },
  });
  return counts;
}
