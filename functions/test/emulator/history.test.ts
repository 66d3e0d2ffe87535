/**
 * The history endpoint against the running emulator suite: archived calls written to Firestore
 * the way the archive trigger writes them, read back by members of each role through HTTPS.
 * Replies are parsed with the dashboard's own schemas, so the page and the endpoint agree.
 */
import { expect } from "chai";
import { type Alert, type AuditEntry, type Call, firestore, type Message } from "@lifeline/model";
import { archiveRecord } from "../../src/domain/archive.js";
import {
  archivedCallResponseSchema,
  historyPageSchema,
  type HistoryPage,
} from "../../../dashboard/src/logic/history.js";
import {
  addMember,
  addSubject,
  adminSdk,
  call,
  errorStatus,
  freshId,
  functionUrl,
  signIn,
  type Admin,
  type Reply,
} from "./support/emulators.js";

let admin: Admin;

before(() => {
  admin = adminSdk();
});

after(async () => {
  await admin.close();
});

function archivedCall(subjectId: string | undefined, endedAt: number): Call {
  return {
    ...(subjectId === undefined ? {} : { subjectId }),
    phone: "+15555550123",
    medium: "voice",
    status: "ended",
    urgency: "urgent",
    owner: { kind: "ai", since: endedAt - 60_000 },
    startedAt: endedAt - 60_000,
    lastMessageAt: endedAt - 1000,
    endedAt,
    messageCount: 2,
    lastSnippet: "Help is on the way.",
  };
}

const MESSAGES: Message[] = [
  { seq: 2, role: "assistant", text: "Help is on the way.", at: 2, sources: ["general"] },
  { seq: 1, role: "caller", text: "I fell and cannot get up.", at: 1, turnId: "turn-1" },
];

async function archive(
  tenantId: string,
  callId: string,
  subjectId: string | undefined,
  archivedAt: number,
): Promise<void> {
  await admin.firestore.doc(firestore.archivedCallDoc(tenantId, callId)).set({
    call: archivedCall(subjectId, archivedAt),
    messages: MESSAGES,
    archivedAt,
  });
}

function expectError(reply: Reply, httpStatus: number, status: string): void {
  expect(reply.status, JSON.stringify(reply.body)).to.equal(httpStatus);
  expect(errorStatus(reply)).to.equal(status);
}

async function page(tenantId: string, token: string, query: string): Promise<HistoryPage> {
  return pageOf(tenantId, token, query);
}

async function pageOf(tenantId: string, token: string, query: string): Promise<HistoryPage> {
  const reply = await call("history", "GET", `/${tenantId}${query}`, { token });
  expect(reply.status, JSON.stringify(reply.body)).to.equal(200);
  return historyPageSchema.parse(reply.body);
}

/** Follows `nextCursor` to the end and returns every id in order, with the page sizes seen. */
async function allPages(
  tenantId: string,
  token: string,
  limit: number,
  filters = "",
): Promise<{ ids: string[]; sizes: number[] }> {
  const ids: string[] = [];
  const sizes: number[] = [];
  let cursor: string | undefined;
  for (let pages = 0; pages < 50; pages++) {
    const query = `?limit=${limit}${filters}${cursor === undefined ? "" : `&cursor=${encodeURIComponent(cursor)}`}`;
    const result = await page(tenantId, token, query);
    ids.push(...result.items.map((item) => item.id));
    sizes.push(result.items.length);
    cursor = result.nextCursor;
    if (cursor === undefined) return { ids, sizes };
  }
  throw new Error("pagination did not end");
}

describe("history", () => {
  let tenantId: string;
  let assigned: string;
  let unassigned: string;
  let dispatcherToken: string;
  let caregiverToken: string;
  let subjectToken: string;
  /** Every archived call, newest archive first (ties in archivedAt in any order). */
  const expectedAll: string[] = [];

  before(async () => {
    tenantId = freshId("t");
    assigned = await addSubject(admin, tenantId, "Ada");
    unassigned = await addSubject(admin, tenantId, "Ben");
    const dispatcher = await addMember(admin, tenantId, "dispatcher");
    const caregiver = await addMember(admin, tenantId, "caregiver", [assigned]);
    const subject = await addMember(admin, tenantId, "subject", [assigned]);
    dispatcherToken = (await signIn(dispatcher.email, dispatcher.password)).idToken;
    caregiverToken = (await signIn(caregiver.email, caregiver.password)).idToken;
    subjectToken = (await signIn(subject.email, subject.password)).idToken;

    // Seven calls: three share one archivedAt instant, so pages must split ties correctly.
    const base = Date.UTC(2025, 0, 2);
    const plan: [string, string | undefined, number][] = [
      ["c-ada-1", assigned, base + 7000],
      ["c-ben-1", unassigned, base + 6000],
      ["c-tie-a", assigned, base + 5000],
      ["c-tie-b", unassigned, base + 5000],
      ["c-tie-c", assigned, base + 5000],
      ["c-unknown", undefined, base + 4000],
      ["c-ada-2", assigned, base + 3000],
    ];
    for (const [id, subjectId, at] of plan) await archive(tenantId, id, subjectId, at);
    expectedAll.push(...plan.map(([id]) => id));
    // A malformed archive document is skipped, never served.
    await admin.firestore
      .doc(firestore.archivedCallDoc(tenantId, "c-broken"))
      .set({ archivedAt: base + 6500, call: { phone: "not a call" } });
  });

  describe("GET /{tenantId}", () => {
    it("rejects a request without a token with 401 and a Bearer challenge", async () => {
      const reply = await call("history", "GET", `/${tenantId}`);
      expectError(reply, 401, "UNAUTHENTICATED");
      expect(reply.headers.get("www-authenticate")).to.match(/^Bearer realm="lifeline"/);
    });

    it("rejects another tenant's history with 403", async () => {
      const other = freshId("t");
      const reply = await call("history", "GET", `/${other}`, { token: dispatcherToken });
      expectError(reply, 403, "PERMISSION_DENIED");
    });

    it("rejects bad query parameters with 400 and the issues", async () => {
      for (const query of [
        "?limit=0",
        "?limit=51",
        "?limit=two",
        "?cursor=not-a-cursor",
        "?page=2",
      ]) {
        const reply = await call("history", "GET", `/${tenantId}${query}`, {
          token: dispatcherToken,
        });
        expectError(reply, 400, "INVALID_ARGUMENT");
      }
    });

    it("returns a dispatcher every call of the tenant, newest first, across pages without loss or repeats", async () => {
      const { ids, sizes } = await allPages(tenantId, dispatcherToken, 2);
      expect(ids).to.have.members(expectedAll);
      expect(ids).to.have.lengthOf(expectedAll.length);
      expect(ids.slice(0, 2)).to.deep.equal(["c-ada-1", "c-ben-1"]);
      expect(ids.slice(2, 5)).to.have.members(["c-tie-a", "c-tie-b", "c-tie-c"]);
      expect(ids.slice(5)).to.deep.equal(["c-unknown", "c-ada-2"]);
      expect(sizes.slice(0, -1).every((size) => size === 2)).to.equal(true);
    });

    it("returns a caregiver only the calls of assigned subjects, never unknown callers", async () => {
      const { ids } = await allPages(tenantId, caregiverToken, 2);
      expect(ids).to.have.lengthOf(4);
      expect(ids[0]).to.equal("c-ada-1");
      expect(ids.slice(1, 3)).to.have.members(["c-tie-a", "c-tie-c"]);
      expect(ids[3]).to.equal("c-ada-2");
    });

    it("returns a subject its own calls", async () => {
      const result = await page(tenantId, subjectToken, "?limit=50");
      expect(result.items.map((item) => item.call.subjectId)).to.deep.equal([
        assigned,
        assigned,
        assigned,
        assigned,
      ]);
      expect(result.nextCursor).to.equal(undefined);
    });

    it("answers a CORS preflight from the dashboard's origin", async () => {
      const response = await fetch(await functionUrl("history", `/${tenantId}`), {
        method: "OPTIONS",
        headers: {
          origin: "http://127.0.0.1:5000",
          "access-control-request-method": "GET",
          "access-control-request-headers": "authorization",
        },
      });
      await response.arrayBuffer();
      expect(response.status).to.be.within(200, 204);
      expect(response.headers.get("access-control-allow-origin")).to.be.oneOf([
        "http://127.0.0.1:5000",
        "*",
      ]);
    });
  });

  describe("GET /{tenantId}/{callId}", () => {
    it("returns the archived call with its transcript in order", async () => {
      const reply = await call("history", "GET", `/${tenantId}/c-ada-1`, {
        token: caregiverToken,
      });
      expect(reply.status, JSON.stringify(reply.body)).to.equal(200);
      const archived = archivedCallResponseSchema.parse(reply.body);
      expect(archived.id).to.equal("c-ada-1");
      expect(archived.messages.map((message) => message.seq)).to.deep.equal([1, 2]);
    });

    it("answers 404 for a call out of the member's reach, as for a missing one", async () => {
      for (const callId of ["c-ben-1", "c-unknown", "c-missing", "c-broken"]) {
        const reply = await call("history", "GET", `/${tenantId}/${callId}`, {
          token: caregiverToken,
        });
        expectError(reply, 404, "NOT_FOUND");
      }
      const dispatcherReply = await call("history", "GET", `/${tenantId}/c-ben-1`, {
        token: dispatcherToken,
      });
      expect(dispatcherReply.status).to.equal(200);
    });

    it("rejects other methods with 405 and an invalid route with 404", async () => {
      const post = await call("history", "POST", `/${tenantId}`, {
        token: dispatcherToken,
        body: {},
      });
      expectError(post, 405, "METHOD_NOT_ALLOWED");
      const deep = await call("history", "GET", `/${tenantId}/a/b`, { token: dispatcherToken });
      expectError(deep, 404, "NOT_FOUND");
    });
  });
});

describe("history search and filters", () => {
  let tenantId: string;
  let ada: string;
  let ben: string;
  let dispatcherToken: string;
  let caregiverToken: string;
  const base = Date.UTC(2025, 5, 1);

  /** Archives a call the way the archive trigger does (`archiveRecord`), query fields included. */
  async function archiveAs(
    callId: string,
    at: number,
    overrides: Partial<Call>,
    alerts: Alert[] = [],
    audit: AuditEntry[] = [],
  ): Promise<void> {
    const summary: Call = { ...archivedCall(ada, at), ...overrides };
    // An unknown caller's call has no subjectId at all (Firestore refuses undefined values).
    if (summary.subjectId === undefined) delete summary.subjectId;
    const record = archiveRecord({
      call: summary,
      transcript: MESSAGES.map((message, index) => ({ id: `m${index}`, message })),
      alerts,
      audit,
      memberNames: new Map(),
    });
    await admin.firestore.doc(firestore.archivedCallDoc(tenantId, callId)).set(record);
  }

  const openCritical = (callId: string): Alert => ({
    kind: "urgency",
    severity: "critical",
    callId,
    title: "Critical call",
    at: base,
    status: "open",
    level: 0,
  });

  before(async () => {
    tenantId = freshId("t");
    ada = await addSubject(admin, tenantId, "Ada");
    ben = await addSubject(admin, tenantId, "Ben");
    const dispatcher = await addMember(admin, tenantId, "dispatcher");
    const caregiver = await addMember(admin, tenantId, "caregiver", [ada]);
    dispatcherToken = (await signIn(dispatcher.email, dispatcher.password)).idToken;
    caregiverToken = (await signIn(caregiver.email, caregiver.password)).idToken;
    const human = { kind: "human", uid: "u-dan", name: "Dan", since: base } as const;
    await archiveAs("f1", base + 9000, { phone: "+15550001111", urgency: "critical" }, [
      openCritical("f1"),
    ]);
    await archiveAs("f2", base + 8000, {
      subjectId: ben,
      phone: "+15550001122",
      urgency: "urgent",
      owner: human,
    });
    await archiveAs("f3", base + 7000, { phone: "+15550002222", urgency: "normal" });
    await archiveAs("f4", base + 6000, {
      subjectId: undefined,
      phone: "+447700900123",
      urgency: "critical",
      endReason: "ended by supervisor",
    });
    await archiveAs("f5", base + 5000, {
      phone: "+15550001133",
      urgency: "critical",
      status: "missed",
    });
    await archiveAs("f6", base + 4000, {
      phone: "+15550001111",
      urgency: "critical",
      owner: human,
    });
    // Archived before the query fields existed: listed, but no filter on them finds it.
    await admin.firestore.doc(firestore.archivedCallDoc(tenantId, "old")).set({
      call: { ...archivedCall(ada, base + 3000), phone: "+15550001199", urgency: "critical" },
      messages: MESSAGES,
      archivedAt: base + 3000,
    });
    // The audit log of f1, out of order, and an entry of another call.
    const audit = (entry: AuditEntry, id: string) =>
      admin.firestore.doc(firestore.auditDoc(tenantId, id)).set(entry);
    await audit({ action: "take_over", actorUid: "u-dan", at: base + 8500, callId: "f1" }, "a2");
    await audit(
      { action: "acknowledge", actorUid: "u-dan", at: base + 8400, callId: "f1", alertId: "x" },
      "a1",
    );
    await audit({ action: "hand_back", actorUid: "u-dan", at: base + 8600, callId: "f2" }, "a3");
  });

  async function ids(query: string, token = dispatcherToken): Promise<string[]> {
    const result = await pageOf(tenantId, token, query);
    return result.items.map((item) => item.id);
  }

  it("finds calls by exact number and by a number's leading part, newest first", async () => {
    expect(await ids("?phone=%2B15550001111")).to.deep.equal(["f1", "f6"]);
    expect(await ids("?phone=%2B1555000")).to.deep.equal(["f1", "f2", "f3", "f5", "f6"]);
    expect(await ids("?phone=%2B44")).to.deep.equal(["f4"]);
    expect(await ids("?phone=%2B1999")).to.deep.equal([]);
  });

  it("filters by urgency, outcome and subject, alone and together", async () => {
    expect(await ids("?urgency=critical")).to.deep.equal(["f1", "f4", "f5", "f6"]);
    expect(await ids("?outcome=taken_over")).to.deep.equal(["f2", "f6"]);
    expect(await ids("?outcome=ended_unattended")).to.deep.equal(["f1"]);
    expect(await ids("?outcome=ended_by_supervisor")).to.deep.equal(["f4"]);
    expect(await ids("?outcome=missed")).to.deep.equal(["f5"]);
    expect(await ids("?outcome=completed")).to.deep.equal(["f3"]);
    expect(await ids(`?subject=${ada}`)).to.deep.equal(["f1", "f3", "f5", "f6"]);
    expect(await ids(`?subject=${ben}`)).to.deep.equal(["f2"]);
    expect(
      await ids(`?urgency=critical&outcome=taken_over&phone=%2B1555&subject=${ada}`),
    ).to.deep.equal(["f6"]);
  });

  it("filters by the time the call ended, both ends included, old documents too", async () => {
    expect(await ids(`?from=${base + 3000}&to=${base + 5000}`)).to.deep.equal(["f5", "f6", "old"]);
    expect(await ids(`?subject=${ada}&from=${base + 4500}&to=${base + 7500}`)).to.deep.equal([
      "f3",
      "f5",
    ]);
    expect(await ids(`?to=${base + 3999}`)).to.deep.equal(["old"]);
  });

  it("pages through a filtered search without loss or repeats", async () => {
    const { ids: paged, sizes } = await allPages(
      tenantId,
      dispatcherToken,
      1,
      `&urgency=critical&to=${base + 8000}`,
    );
    expect(paged).to.deep.equal(["f4", "f5", "f6"]);
    // A full page carries a cursor even when nothing follows: the last page may be empty.
    expect(sizes.slice(0, 3)).to.deep.equal([1, 1, 1]);
    expect(sizes.slice(3).every((size) => size === 0)).to.equal(true);
  });

  it("keeps a caregiver to its subjects' calls under every filter", async () => {
    expect(await ids("?outcome=taken_over", caregiverToken)).to.deep.equal(["f6"]);
    expect(await ids("?urgency=critical", caregiverToken)).to.deep.equal(["f1", "f5", "f6"]);
    expect(await ids(`?subject=${ben}`, caregiverToken)).to.deep.equal([]);
    expect(await ids("?phone=%2B44", caregiverToken)).to.deep.equal([]);
  });

  it("lists outcome and handlers with each item", async () => {
    const result = await pageOf(tenantId, dispatcherToken, "?outcome=taken_over");
    expect(result.items[0]).to.deep.include({ outcome: "taken_over", handledBy: ["Dan"] });
  });

  it("rejects each bad filter with 400 and names the parameter", async () => {
    for (const [query, parameter] of [
      ["?urgency=extreme", "urgency"],
      ["?outcome=lost", "outcome"],
      ["?phone=15550001111", "phone"],
      ["?phone=%2B1-555", "phone"],
      ["?phone=%2B", "phone"],
      ["?from=yesterday", "from"],
      ["?from=-1", "from"],
      [`?from=${base + 2}&to=${base + 1}`, "to"],
      ["?subject=", "subject"],
    ] as const) {
      const reply = await call("history", "GET", `/${tenantId}${query}`, {
        token: dispatcherToken,
      });
      expectError(reply, 400, "INVALID_ARGUMENT");
      expect(JSON.stringify(reply.body), query).to.include(`"path":["${parameter}"]`);
    }
  });

  it("returns one call with every audited action on it, oldest first, and no other call's", async () => {
    const reply = await call("history", "GET", `/${tenantId}/f1`, { token: dispatcherToken });
    expect(reply.status, JSON.stringify(reply.body)).to.equal(200);
    const archived = archivedCallResponseSchema.parse(reply.body);
    expect(archived.audit.map((entry) => [entry.id, entry.action])).to.deep.equal([
      ["a1", "acknowledge"],
      ["a2", "take_over"],
    ]);
    expect(archived.outcome).to.equal("ended_unattended");
    const old = archivedCallResponseSchema.parse(
      (await call("history", "GET", `/${tenantId}/old`, { token: dispatcherToken })).body,
    );
    expect(old.audit).to.deep.equal([]);
    expect(old.outcome).to.equal(undefined);
  });
});
