/** Builders for the model values the view-logic tests need; each test states only what matters. */
import type { Alert, Call, InboxItem } from "@lifeline/model";
import type { AlertView } from "../src/logic/alerts.js";
import type { CallEntry } from "../src/logic/calls.js";

export function aCall(overrides: Partial<Call> = {}): Call {
  return {
    subjectId: "s1",
    phone: "+15555550101",
    medium: "voice",
    status: "active",
    urgency: "normal",
    owner: { kind: "ai", since: 1000 },
    startedAt: 1000,
    lastMessageAt: 2000,
    messageCount: 2,
    lastSnippet: "hello",
    ...overrides,
  };
}

export function entry(id: string, overrides: Partial<Call> = {}): CallEntry {
  return { id, call: aCall(overrides) };
}

export function anAlert(id: string, overrides: Partial<AlertView> = {}): AlertView {
  return {
    id,
    tenantId: "t1",
    kind: "urgency",
    severity: "critical",
    title: `alert ${id}`,
    at: 1000,
    status: "open",
    level: 0,
    acks: {},
    ...overrides,
  };
}

export function anAlertRecord(overrides: Partial<Alert> = {}): Alert {
  return {
    kind: "urgency",
    severity: "critical",
    title: "Critical call",
    at: 1000,
    status: "open",
    level: 0,
    ...overrides,
  };
}

export function anInboxItem(overrides: Partial<InboxItem> = {}): InboxItem {
  return {
    tenantId: "t1",
    kind: "urgency",
    severity: "critical",
    title: "Critical call",
    at: 10,
    status: "open",
    ...overrides,
  };
}
