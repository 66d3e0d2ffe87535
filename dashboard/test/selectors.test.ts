import { expect } from "chai";
import type { Alert, Role } from "@lifeline/model";
import { EMPTY_DRAFTS, initialState, type AppState } from "../src/state/app-state.js";
import {
  AWAY_SETTLE_MS,
  autoSelection,
  awaySummary,
  BANNER_FOLLOW_UPS,
  banner,
  callEntries,
  callLabel,
  callerName,
  connectionState,
  derive,
  documentTitle,
  leadChoice,
  onConnectionChange,
  overrideChoice,
  overrideMissing,
  presenceRows,
  settleAway,
  takeoverNotices,
} from "../src/state/selectors.js";
import { leadLabel } from "../src/logic/lead.js";
import { aCall, anAlertRecord, anInboxItem } from "./fixtures.js";

function stateOf(role: Role, changes: Partial<AppState> = {}): AppState {
  const session = { uid: "me", email: "me@x.test", tenant: "t1", role, authTimeMs: 0 };
  return { ...initialState(session, 100_000, false), ...changes };
}

describe("callEntries", () => {
  it("returns the tenant's calls and every assigned subject's calls, each once", () => {
    const state = stateOf("nurse", {
      tenantCalls: new Map([["c1", aCall()]]),
      subjectCalls: new Map([
        ["s1", new Map([["c1", aCall({ lastSnippet: "newer" })]])],
        ["s2", new Map([["c2", aCall({ subjectId: "s2" })]])],
      ]),
    });
    const entries = callEntries(state);
    expect(entries.map((entry) => entry.id)).to.deep.equal(["c1", "c2"]);
    expect(entries[0]?.call.lastSnippet).to.equal("newer");
  });
});

describe("derive", () => {
  it("returns the feed as alerts for a role that reads it", () => {
    const state = stateOf("dispatcher", { feed: new Map([["a1", anAlertRecord()]]) });
    expect(derive(state).alerts.map((alert) => [alert.id, alert.tenantId])).to.deep.equal([
      ["a1", "t1"],
    ]);
  });

  it("returns inbox items completed by their alert record for a scoped role", () => {
    const item = anInboxItem();
    const state = stateOf("nurse", {
      feed: new Map([["ignored", anAlertRecord()]]),
      inbox: new Map([
        ["a1", item],
        ["a2", item],
      ]),
      alertRecords: new Map([["a1", anAlertRecord({ level: 2 })]]),
    });
    const alerts = derive(state).alerts;
    expect(alerts.map((alert) => [alert.id, alert.level])).to.deep.equal([
      ["a1", 2],
      ["a2", undefined],
    ]);
  });

  it("names colleagues by presence, holders of calls and this member's own record", () => {
    const state = stateOf("dispatcher", {
      presence: new Map([["u1", { state: "online", lastSeen: 1, name: "Uma" }]]),
      tenantCalls: new Map([
        ["c1", aCall({ owner: { kind: "human", uid: "u2", name: "Vic", since: 1 } })],
      ]),
      member: { role: "dispatcher", name: "Me Myself" },
    });
    const derived = derive(state);
    expect([...derived.names]).to.deep.equal([
      ["u1", "Uma"],
      ["u2", "Vic"],
      ["me", "Me Myself"],
    ]);
    expect(derived.call("c1")?.owner.kind).to.equal("human");
    expect(derived.call("missing")).to.equal(undefined);
    expect(derived.call(undefined)).to.equal(undefined);
  });
});

describe("callLabel and callerName", () => {
  const subjects = new Map([["s1", { name: "Ada Okafor" }]]);

  it("returns the subject's name when it is known", () => {
    const entry = { id: "c1", call: aCall() };
    expect(callLabel(entry, subjects)).to.equal("Ada Okafor");
    expect(callerName(entry, subjects)).to.equal("Ada Okafor");
  });

  it("returns the number for a subject whose name is not readable, 'Unknown caller' without one", () => {
    const unnamed = { id: "c1", call: aCall({ subjectId: "s9", phone: "+15550001" }) };
    expect(callLabel(unnamed, subjects)).to.equal("+15550001");
    expect(callerName(unnamed, subjects)).to.equal("Caller");
    const unknown = { id: "c2", call: aCall({ subjectId: undefined, phone: "+15550002" }) };
    expect(callLabel(unknown, subjects)).to.equal("Unknown caller +15550002");
    expect(callerName(unknown, subjects)).to.equal("Unknown caller");
  });
});

describe("connectionState", () => {
  it("returns connecting before the first answer, then online or offline", () => {
    expect(connectionState(stateOf("nurse"))).to.equal("connecting");
    expect(connectionState(stateOf("nurse", { connected: true }))).to.equal("online");
    expect(connectionState(stateOf("nurse", { connected: false }))).to.equal("offline");
  });
});

describe("banner and documentTitle", () => {
  it("returns unacknowledged live critical calls and the newest follow-ups in full", () => {
    const followUps: [string, Alert][] = Array.from(
      { length: BANNER_FOLLOW_UPS + 2 },
      (_, index) => [`f${index}`, anAlertRecord({ at: index, followUp: { since: index } })],
    );
    const state = stateOf("dispatcher", {
      tenantCalls: new Map([
        ["critical", aCall({ urgency: "critical" })],
        ["calm", aCall()],
        ["over", aCall({ urgency: "critical", status: "ended" })],
      ]),
      feed: new Map(followUps),
    });
    const top = banner(derive(state));
    expect(top.critical.map((entry) => entry.id)).to.deep.equal(["critical"]);
    expect(top.followUps).to.have.length(BANNER_FOLLOW_UPS + 2);
    expect(top.shown.map((alert) => alert.id)).to.deep.equal(["f4", "f3", "f2"]);
    expect(top.more).to.equal(2);
    expect(documentTitle(top)).to.equal("(6) CRITICAL · Lifeline");
  });

  it("titles the page by follow-ups alone, or plainly when nothing waits", () => {
    const onlyFollowUp = stateOf("dispatcher", {
      feed: new Map([["f1", anAlertRecord({ followUp: { since: 1 } })]]),
    });
    expect(documentTitle(banner(derive(onlyFollowUp)))).to.equal("(1) CALL BACK · Lifeline");
    expect(documentTitle(banner(derive(stateOf("dispatcher"))))).to.equal("Lifeline");
  });
});

describe("takeoverNotices", () => {
  const takenFromMe = aCall({
    owner: { kind: "human", uid: "u2", name: "Alex", since: 5, takenFrom: "me", reason: "urgent" },
  });

  it("returns active calls a colleague took from this member", () => {
    const state = stateOf("dispatcher", {
      tenantCalls: new Map([
        ["c1", takenFromMe],
        ["c2", { ...takenFromMe, status: "ended" }],
      ]),
    });
    const notices = takeoverNotices(state, derive(state));
    expect(notices.map((notice) => [notice.entry.id, notice.key])).to.deep.equal([["c1", "c1:5"]]);
    expect(notices[0]?.text).to.contain("Alex took over this call from you: urgent");
  });

  it("leaves out a notice the member dismissed, until the call is taken again", () => {
    const dismissed = stateOf("dispatcher", {
      tenantCalls: new Map([["c1", takenFromMe]]),
      dismissedTakeovers: new Set(["c1:5"]),
    });
    expect(takeoverNotices(dismissed, derive(dismissed))).to.deep.equal([]);
    const again = {
      ...dismissed,
      tenantCalls: new Map([["c1", { ...takenFromMe, owner: { ...takenFromMe.owner, since: 9 } }]]),
    };
    expect(takeoverNotices(again, derive(again))).to.have.length(1);
  });
});

describe("presenceRows", () => {
  it("returns fresh colleagues first by name, then the ones whose heartbeat stopped", () => {
    const state = stateOf("dispatcher", {
      now: 1_000_000,
      serverOffsetMs: 0,
      presence: new Map([
        ["gone", { state: "online", lastSeen: 1, name: "Aaron" }],
        ["zoe", { state: "online", lastSeen: 999_000, name: "Zoe" }],
        ["bea", { state: "online", lastSeen: 999_000, name: "Bea" }],
      ]),
    });
    expect(presenceRows(state).map((row) => [row.uid, row.state])).to.deep.equal([
      ["bea", "online"],
      ["zoe", "online"],
      ["gone", "offline"],
    ]);
  });
});

describe("leadChoice and overrideChoice", () => {
  it("returns the member's pick, else the call's lead, else the first status", () => {
    const call = aCall({ lead: { status: "referred", by: "u", at: 1 } });
    expect(leadChoice(EMPTY_DRAFTS, aCall())).to.equal("open");
    expect(leadChoice(EMPTY_DRAFTS, call)).to.equal("referred");
    expect(leadChoice({ ...EMPTY_DRAFTS, lead: "resolved" }, call)).to.equal("resolved");
  });

  it("does not offer an id of the earlier lead list, and names it as such", () => {
    const legacy = aCall({ lead: { status: "qualified", by: "u", at: 1 } });
    expect(leadChoice(EMPTY_DRAFTS, legacy)).to.equal("open");
    expect(leadLabel("qualified")).to.equal("qualified (earlier list)");
    expect(leadLabel("callback")).to.equal("Callback needed");
  });

  it("starts the urgency override at the call's current level, then follows the member's pick", () => {
    const critical = aCall({ urgency: "critical" });
    expect(overrideChoice(EMPTY_DRAFTS, critical)).to.equal("critical");
    expect(overrideChoice(EMPTY_DRAFTS, aCall({ urgency: "urgent" }))).to.equal("urgent");
    expect(overrideChoice({ ...EMPTY_DRAFTS, overrideLevel: "normal" }, critical)).to.equal(
      "normal",
    );
    expect(overrideChoice({ ...EMPTY_DRAFTS, overrideLevel: "bogus" }, critical)).to.equal(
      "critical",
    );
  });

  it("asks for a new level and a reason before an override can be sent", () => {
    const critical = aCall({ urgency: "critical" });
    expect(overrideMissing(EMPTY_DRAFTS, critical)).to.equal("Choose a new level.");
    const lowered = { ...EMPTY_DRAFTS, overrideLevel: "urgent" };
    expect(overrideMissing(lowered, critical)).to.equal("Give a reason.");
    expect(overrideMissing({ ...lowered, overrideReason: "   " }, critical)).to.equal(
      "Give a reason.",
    );
    expect(overrideMissing({ ...lowered, overrideReason: "Bleeding stopped" }, critical)).to.equal(
      undefined,
    );
  });
});

describe("onConnectionChange, awaySummary and settleAway", () => {
  const live = aCall();
  const online = stateOf("dispatcher", {
    connected: true,
    tenantCalls: new Map([["c1", live]]),
    subjects: new Map([["s1", { name: "Ada" }]]),
  });

  it("keeps a snapshot when the connection drops and summarises what changed after it returns", () => {
    const dropped = { ...online, ...onConnectionChange(online, false, 10_000) };
    expect(dropped.connected).to.equal(false);
    expect(dropped.away?.before.at).to.equal(10_000);
    expect(awaySummary(dropped, derive(dropped))).to.equal(undefined);

    const back = {
      ...dropped,
      ...onConnectionChange(dropped, true, 25_000),
      now: 26_000,
      tenantCalls: new Map([["c1", { ...live, status: "ended" as const }]]),
      feed: new Map([["a1", anAlertRecord({ title: "Raised meanwhile" })]]),
    };
    const summary = awaySummary(back, derive(back));
    expect(summary?.offlineMs).to.equal(15_000);
    expect(summary?.raised.map((item) => item.text)).to.deep.equal(["Raised meanwhile"]);
    expect(summary?.ended.map((item) => item.text)).to.deep.equal(["Ada (ended)"]);

    // Within the settle time the summary stays live; after it, it is fixed.
    expect(settleAway(back)).to.equal(back.away);
    const settled = settleAway({ ...back, now: 25_000 + AWAY_SETTLE_MS + 1 });
    expect(settled?.summary?.raised).to.have.length(1);
    const later = { ...back, away: settled, feed: new Map() };
    expect(awaySummary(later, derive(later))?.raised).to.have.length(1);
  });

  it("starts no summary for a first connection or a reconnect without a drop seen", () => {
    const first = stateOf("dispatcher");
    expect(onConnectionChange(first, true, 1)).to.deep.equal({ connected: true, away: undefined });
    const offline = stateOf("dispatcher", { connected: false });
    expect(onConnectionChange(offline, true, 1).away).to.equal(undefined);
  });
});

describe("autoSelection", () => {
  const calls = new Map([
    ["calm", aCall({ urgency: "normal", startedAt: 1 })],
    ["urgent", aCall({ urgency: "urgent", startedAt: 5 })],
  ]);
  const pick = (changes: Partial<AppState>) => {
    const state = stateOf("dispatcher", { tenantCalls: calls, ...changes });
    return autoSelection(state, derive(state));
  };

  it("opens the most urgent unhandled call when nothing is selected", () => {
    expect(pick({})).to.equal("urgent");
  });

  it("opens nothing when no call waits unhandled", () => {
    expect(pick({ tenantCalls: new Map([["x", aCall({ status: "ended" })]]) })).to.equal(undefined);
  });

  it("never replaces the member's own choice, even with a more urgent call waiting", () => {
    expect(pick({ selectedCallId: "calm", selectedBy: "member" })).to.equal(undefined);
    const critical = new Map([...calls, ["fire", aCall({ urgency: "critical" })]]);
    expect(pick({ tenantCalls: critical, selectedCallId: "calm", selectedBy: "member" })).to.equal(
      undefined,
    );
  });

  it("moves a call the page opened only to a more urgent unhandled one", () => {
    expect(pick({ selectedCallId: "urgent", selectedBy: "page" })).to.equal(undefined);
    const later = new Map([...calls, ["older", aCall({ urgency: "urgent", startedAt: 0 })]]);
    expect(pick({ tenantCalls: later, selectedCallId: "urgent", selectedBy: "page" })).to.equal(
      undefined,
    );
    const critical = new Map([...calls, ["fire", aCall({ urgency: "critical" })]]);
    expect(pick({ tenantCalls: critical, selectedCallId: "urgent", selectedBy: "page" })).to.equal(
      "fire",
    );
  });

  it("replaces a page-opened call that is no longer listed", () => {
    expect(pick({ selectedCallId: "gone", selectedBy: "page" })).to.equal("urgent");
  });
});
