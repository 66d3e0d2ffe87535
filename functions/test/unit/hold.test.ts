import { expect } from "chai";
import {
  holdLapse,
  holdLapsedAlertId,
  holdSettings,
  lapseMessageId,
  lapseOf,
  offlineSince,
  planHoldLapse,
  unansweredCallerTurns,
  type HoldInput,
  type HumanOwner,
} from "../../src/domain/hold.js";
import {
  deferredClaimUpdate,
  deferredTurnId,
  fallbackTurn,
  planDeferredTurn,
} from "../../src/domain/deferred.js";
import {
  HOLDING_LINE,
  screenOutbox,
  TURN_CLAIM_TTL_MS,
  type CallState,
} from "../../src/domain/turn/index.js";
import {
  alertPath,
  alertSchema,
  type Call,
  callPath,
  HOLD_DEFAULTS,
  type Message,
  messagePath,
  messageSchema,
  ownerSchema,
  PRESENCE,
  turnPath,
} from "@lifeline/model";

const NOW = Date.UTC(2025, 5, 1, 12);
const T = "tenant-a";
const CALL = "call-x";
const HOLD_SINCE = NOW - 30_000;
const owner: HumanOwner = { kind: "human", uid: "dana", name: "Dana", since: HOLD_SINCE };
const dispatcher = { role: "dispatcher", name: "Dana" };
const online = { state: "online", lastSeen: NOW - 5_000, name: "Dana" };

function message(seq: number, role: Message["role"], at: number, by?: string): Message {
  return { seq, role, text: `${role} ${seq}`, at, ...(by === undefined ? {} : { by }) };
}

function input(overrides: Partial<HoldInput> = {}): HoldInput {
  return {
    owner,
    presence: online,
    member: dispatcher,
    settings: holdSettings(null),
    history: [],
    holderQueuedMessage: false,
    now: NOW,
    ...overrides,
  };
}

describe("holdSettings", () => {
  it("uses the tenant's values and the model's defaults for what it leaves out", () => {
    expect(holdSettings(null)).to.deep.equal({
      graceMs: HOLD_DEFAULTS.graceSeconds * 1000,
      lapseTurns: HOLD_DEFAULTS.lapseTurns,
    });
    expect(holdSettings({ holdGraceSeconds: 5, holdLapseTurns: 4 })).to.deep.equal({
      graceMs: 5000,
      lapseTurns: 4,
    });
  });
});

describe("offlineSince", () => {
  it("is null for a fresh, non-offline record", () => {
    expect(offlineSince(online, HOLD_SINCE, NOW)).to.equal(null);
    expect(offlineSince({ ...online, state: "away" }, HOLD_SINCE, NOW)).to.equal(null);
  });
  it("counts an offline record from its lastSeen, a stale one from when it went stale", () => {
    expect(offlineSince({ ...online, state: "offline", lastSeen: NOW - 10_000 }, 0, NOW)).to.equal(
      NOW - 10_000,
    );
    const stale = { ...online, lastSeen: NOW - PRESENCE.freshMs - 7_000 };
    expect(offlineSince(stale, 0, NOW)).to.equal(NOW - 7_000);
  });
  it("counts a missing or malformed record from the hold's start, and never before it", () => {
    expect(offlineSince(null, HOLD_SINCE, NOW)).to.equal(HOLD_SINCE);
    expect(offlineSince({ state: "online" }, HOLD_SINCE, NOW)).to.equal(HOLD_SINCE);
    const longAgo = { ...online, state: "offline", lastSeen: HOLD_SINCE - 100_000 };
    expect(offlineSince(longAgo, HOLD_SINCE, NOW)).to.equal(HOLD_SINCE);
  });
});

describe("unansweredCallerTurns", () => {
  it("counts this turn and the caller's turns since the hold began", () => {
    const history = [
      message(1, "caller", HOLD_SINCE - 10),
      message(2, "assistant", HOLD_SINCE - 10),
    ];
    expect(unansweredCallerTurns(owner, history, false)).to.equal(1);
    history.push(message(3, "caller", NOW - 1_000));
    expect(unansweredCallerTurns(owner, history, false)).to.equal(2);
  });
  it("starts again after the holder's last message, and at zero when the holder has one queued", () => {
    const history = [
      message(3, "caller", NOW - 3_000),
      message(4, "agent", NOW - 3_000, "dana"),
      message(5, "caller", NOW - 2_000),
    ];
    expect(unansweredCallerTurns(owner, history, false)).to.equal(2);
    expect(unansweredCallerTurns(owner, history, true)).to.equal(0);
    // A colleague's message does not answer for the holder.
    const colleague = [...history.slice(0, 1), message(4, "agent", NOW - 3_000, "sam")];
    expect(unansweredCallerTurns(owner, colleague, false)).to.equal(2);
  });
});

describe("holdLapse", () => {
  it("holds while the holder is online, a member who may take over, and answering", () => {
    expect(holdLapse(input())).to.equal(null);
  });
  it("lapses a removed holder, and a demoted one", () => {
    expect(holdLapse(input({ member: null }))).to.equal("removed");
    expect(holdLapse(input({ member: { role: "caregiver", name: "Dana" } }))).to.equal("demoted");
    expect(holdLapse(input({ member: { role: "nurse", name: "Dana" } }))).to.equal(null);
  });
  it("lapses when the holder has been offline for the grace time, not before", () => {
    const grace = holdSettings({ holdGraceSeconds: 20 });
    const offlineAt = (ms: number) => ({ ...online, state: "offline", lastSeen: NOW - ms });
    expect(holdLapse(input({ settings: grace, presence: offlineAt(19_999) }))).to.equal(null);
    expect(holdLapse(input({ settings: grace, presence: offlineAt(20_000) }))).to.equal("offline");
    expect(holdLapse(input({ settings: grace, presence: null }))).to.equal("offline");
    const stale = { ...online, lastSeen: NOW - PRESENCE.freshMs - 20_000 };
    expect(holdLapse(input({ settings: grace, presence: stale }))).to.equal("offline");
  });
  it("lapses when the caller has spoken holdLapseTurns turns in a row unanswered", () => {
    const history = [message(3, "caller", NOW - 2_000)];
    expect(holdLapse(input({ settings: holdSettings({ holdLapseTurns: 3 }), history }))).to.equal(
      null,
    );
    expect(holdLapse(input({ history }))).to.equal("caller_turns");
    expect(holdLapse(input({ history, holderQueuedMessage: true }))).to.equal(null);
    expect(holdLapse(input({ history, callerTurn: false }))).to.equal(null);
  });
});

describe("planHoldLapse", () => {
  it("writes the owner back to the assistant, a system line and a hold_lapsed alert of at least urgent", () => {
    const lapse = lapseOf(owner, "offline");
    const plan = planHoldLapse({
      tenantId: T,
      callId: CALL,
      subjectId: "s1",
      lapse,
      urgency: "normal",
      seq: 7,
      now: NOW,
    });
    expect(plan.owner).to.deep.equal({
      kind: "ai",
      since: NOW,
      lapsed: { uid: "dana", name: "Dana", reason: "offline" },
    });
    expect(ownerSchema.parse(plan.update[`${callPath(T, CALL)}/owner`])).to.deep.equal(plan.owner);
    const line = messageSchema.parse(plan.update[messagePath(T, CALL, lapseMessageId(HOLD_SINCE))]);
    expect(line).to.include({ seq: 7, role: "system", at: NOW });
    expect(line.text).to.contain("Dana");
    const alertId = holdLapsedAlertId(CALL, HOLD_SINCE);
    expect(alertId).to.equal(`hold-${CALL}-${HOLD_SINCE}`);
    const alert = alertSchema.parse(plan.update[alertPath(T, alertId)]);
    expect(alert).to.include({
      kind: "hold_lapsed",
      severity: "urgent",
      callId: CALL,
      status: "open",
    });
    expect(alert.title).to.equal("Hold lapsed: Dana went offline — the assistant is answering");
    const critical = planHoldLapse({
      tenantId: T,
      callId: CALL,
      lapse,
      urgency: "critical",
      seq: 1,
      now: NOW,
    });
    expect(alertSchema.parse(critical.update[alertPath(T, alertId)]).severity).to.equal("critical");
  });
});

describe("screenOutbox", () => {
  const entry = (id: string, by: string) => ({ id, text: id, by, at: NOW });
  it("speaks messages of members who may message the caller; drops the rest", () => {
    const members = {
      disp: { role: "dispatcher", name: "D" },
      nurse: { role: "nurse", name: "N" },
      care: { role: "caregiver", name: "C" },
    };
    const outbox = [
      entry("a", "disp"),
      entry("b", "nurse"),
      entry("c", "care"),
      entry("d", "gone"),
    ];
    const held: Call["owner"] = { kind: "human", uid: "nurse", name: "N", since: 1 };
    const screened = screenOutbox(outbox, members, held);
    expect(screened.deliver.map((e) => e.id)).to.deep.equal(["a", "b"]);
    expect(screened.orphaned.map((e) => e.id)).to.deep.equal(["c", "d"]);
    const notOwner = screenOutbox(outbox, members, { kind: "ai", since: 1 });
    expect(notOwner.deliver.map((e) => e.id)).to.deep.equal(["a"]);
  });
});

// ---------------------------------------------------------------- deferred turns

const request = {
  callRef: "CA1",
  from: "+15555550101",
  text: "There is a fire and someone is trapped inside",
  medium: "voice" as const,
  turnId: "turn-9",
};

function callState(call: Partial<Call> | null): CallState {
  return {
    call:
      call === null
        ? null
        : {
            subjectId: "s1",
            phone: request.from,
            medium: "voice",
            status: "active",
            urgency: "normal",
            owner: { kind: "ai", since: NOW - 60_000 },
            startedAt: NOW - 60_000,
            lastMessageAt: NOW - 10_000,
            messageCount: 4,
            lastSnippet: "hi",
            ...call,
          },
    outbox: [],
    history: [],
    alert: null,
  };
}

describe("fallbackTurn", () => {
  it("with nothing read: the assistant answers from triage alone, with the safety script when critical", () => {
    const turn = fallbackTurn({
      gateway: "gw",
      request,
      fingerprint: "fp",
      callId: CALL,
      known: {},
      now: NOW,
    });
    expect(turn.answer.owner).to.deep.equal({ kind: "ai" });
    expect(turn.answer.urgency).to.equal("critical");
    expect(turn.answer.reply).to.be.a("string").and.not.empty;
    expect(turn.sources.some((s) => s.startsWith("playbook/safety"))).to.equal(true);
    expect(turn).to.not.have.property("tenantId");
  });
  it("with the call read: a human holder's caller hears the holding line, or the screened messages", () => {
    const held = callState({ owner: { kind: "human", uid: "dana", name: "Dana", since: NOW - 5 } });
    const base = {
      gateway: "gw",
      request: { ...request, text: "hello?" },
      fingerprint: "fp",
      callId: CALL,
      now: NOW,
    };
    const holding = fallbackTurn({ ...base, known: { tenantId: T, state: held } });
    expect(holding.answer).to.deep.include({ reply: HOLDING_LINE, say: [] });
    expect(holding.answer.owner).to.deep.equal({ kind: "human", name: "Dana" });
    const said = [{ id: "m1", text: "We are coming", by: "dana", at: NOW - 1 }];
    const saying = fallbackTurn({
      ...base,
      known: { tenantId: T, state: held, deliverable: said },
    });
    expect(saying.answer).to.deep.include({ reply: null, say: ["We are coming"] });
    expect(saying.said).to.deep.equal(said);
  });
});

describe("planDeferredTurn", () => {
  it("records exactly what the caller heard, at the turn's time, after what is already there", () => {
    const turn = fallbackTurn({
      gateway: "gw",
      request,
      fingerprint: "fp",
      callId: CALL,
      known: { tenantId: T },
      now: NOW - 3_000,
    });
    // A later turn was recorded first: the summary's time and snippet stay.
    const plan = planDeferredTurn({ tenantId: T, turn, state: callState({ lastMessageAt: NOW }) });
    const caller = messageSchema.parse(plan.update[messagePath(T, CALL, "turn-9-caller")]);
    const assistant = messageSchema.parse(plan.update[messagePath(T, CALL, "turn-9-assistant")]);
    expect(caller).to.include({ seq: 5, at: NOW - 3_000, text: request.text });
    expect(assistant).to.include({ seq: 6, text: turn.answer.reply });
    expect(plan.update).to.not.have.property(`${callPath(T, CALL)}/lastMessageAt`);
    expect(plan.update[`${callPath(T, CALL)}/messageCount`]).to.equal(6);
    expect(plan.update[turnPath(T, CALL, "turn-9")]).to.deep.include({
      status: "done",
      fingerprint: "fp",
    });
    expect(plan.answer).to.deep.equal(turn.answer);
  });
});

describe("deferredClaimUpdate", () => {
  it("takes a free or pending record of the same turn, never a done one or another turn's", () => {
    expect(deferredClaimUpdate(null, "fp", NOW)).to.deep.equal({
      status: "pending",
      fingerprint: "fp",
      claimedAt: NOW,
      applier: true,
    });
    expect(
      deferredClaimUpdate({ status: "pending", fingerprint: "fp", claimedAt: NOW - 1 }, "fp", NOW),
    ).to.deep.include({ claimedAt: NOW });
    expect(deferredClaimUpdate({ status: "done", fingerprint: "fp" }, "fp", NOW)).to.equal(
      undefined,
    );
    expect(
      deferredClaimUpdate({ status: "pending", fingerprint: "other", claimedAt: 1 }, "fp", NOW),
    ).to.equal(undefined);
  });
  it("leaves a turn to another applier until its claim is as old as a live claim's TTL", () => {
    const applying = { status: "pending", fingerprint: "fp", applier: true };
    expect(
      deferredClaimUpdate({ ...applying, claimedAt: NOW - TURN_CLAIM_TTL_MS + 1 }, "fp", NOW),
    ).to.equal(undefined);
    expect(
      deferredClaimUpdate({ ...applying, claimedAt: NOW - TURN_CLAIM_TTL_MS }, "fp", NOW),
    ).to.deep.equal({ status: "pending", fingerprint: "fp", claimedAt: NOW, applier: true });
  });
  it("names a turn with a task id Cloud Tasks accepts", () => {
    expect(deferredTurnId(CALL, "turn/ü 1")).to.match(/^turn-[A-Za-z0-9_-]{43}$/);
  });
});
