import { expect } from "chai";
import type { SpeechTurnRequest } from "../../src/requests.js";
import {
  type Alert,
  type Call,
  callPath,
  callSchema,
  messagePath,
  messageSchema,
  outboxMessagePath,
  turnPath,
  type UrgencyReason,
} from "@lifeline/model";
import { urgencyTitle } from "../../src/domain/alerts.js";
import {
  alertAcknowledged,
  answerFrom,
  callIdFor,
  callIsClosed,
  claimState,
  claimUpdate,
  decideTurn,
  ENDED_BY_SUPERVISOR,
  ENDED_BY_SUPERVISOR_GOODBYE,
  endedBySupervisor,
  hangUpAnswer,
  MalformedCallError,
  parseCallState,
  planCallEnded,
  planMissedCall,
  planTurn,
  storedAnswer,
  textJoins,
  turnFingerprint,
  TURN_CLAIM_TTL_MS,
  type CallState,
  type TurnAnswer,
} from "../../src/domain/turn/index.js";

const NOW = Date.UTC(2025, 5, 1, 12);
const T = "tenant-a";
const CALL = "call-x";

function request(overrides: Partial<SpeechTurnRequest> = {}): SpeechTurnRequest {
  return {
    callRef: "CA123",
    from: "+15555550101",
    text: "Hello, I need some help",
    medium: "voice",
    turnId: "turn-1",
    ...overrides,
  };
}

function activeCall(overrides: Partial<Call> = {}): Call {
  return {
    subjectId: "s1",
    phone: "+15555550101",
    medium: "voice",
    status: "active",
    urgency: "normal",
    owner: { kind: "ai", since: NOW - 60_000 },
    startedAt: NOW - 60_000,
    lastMessageAt: NOW - 10_000,
    messageCount: 2,
    lastSnippet: "hi",
    ...overrides,
  };
}

function state(overrides: Partial<CallState> = {}): CallState {
  return { call: null, outbox: [], history: [], alert: null, ...overrides };
}

function openAlert(overrides: Partial<Alert> = {}): Alert {
  return {
    kind: "urgency",
    severity: "critical",
    callId: CALL,
    title: "Critical call",
    at: NOW - 5_000,
    status: "open",
    level: 0,
    ...overrides,
  };
}

const reply = { text: "Stay calm. Help is coming.", sources: ["playbook/general#calm"] };

describe("callIdFor", () => {
  it("is deterministic, a valid key, and different per gateway", () => {
    expect(callIdFor("gw", "CA/1.2")).to.equal(callIdFor("gw", "CA/1.2"));
    expect(callIdFor("gw", "CA/1.2")).to.match(/^call-[A-Za-z0-9_-]{22}$/);
    expect(callIdFor("gw", "CA1")).to.not.equal(callIdFor("other", "CA1"));
  });
});

describe("claimState / claimUpdate", () => {
  const fingerprint = turnFingerprint(request());
  const answer: TurnAnswer = {
    callId: CALL,
    reply: "ok",
    urgency: "normal",
    owner: { kind: "ai" },
    say: [],
  };

  it("claims a free turn and refuses to overwrite a pending or done one", () => {
    expect(claimUpdate(null, fingerprint, NOW)).to.deep.equal({
      status: "pending",
      fingerprint,
      claimedAt: NOW,
    });
    const pending = { status: "pending", fingerprint, claimedAt: NOW - 1_000 };
    expect(claimUpdate(pending, fingerprint, NOW)).to.equal(undefined);
    expect(claimState(pending, fingerprint, NOW)).to.deep.equal({
      kind: "in-progress",
      claimedAt: NOW - 1_000,
    });
    const done = { status: "done", fingerprint, at: NOW, answer: storedAnswer(answer) };
    expect(claimUpdate(done, fingerprint, NOW)).to.equal(undefined);
    expect(claimState(done, fingerprint, NOW)).to.deep.equal({ kind: "done", answer });
  });

  it("takes over a claim whose claimant went silent for the TTL", () => {
    const stale = { status: "pending", fingerprint, claimedAt: NOW - TURN_CLAIM_TTL_MS };
    expect(claimState(stale, fingerprint, NOW)).to.deep.equal({ kind: "free" });
  });

  it("calls the same turn id with other words a conflict", () => {
    const other = turnFingerprint(request({ text: "Something else" }));
    const pending = { status: "pending", fingerprint: other, claimedAt: NOW };
    expect(claimState(pending, fingerprint, NOW)).to.deep.equal({ kind: "conflict" });
  });
});

describe("storedAnswer / answerFrom", () => {
  it("round-trips an answer through the database's shape, which keeps no null or []", () => {
    const silent: TurnAnswer = {
      callId: CALL,
      reply: null,
      urgency: "urgent",
      owner: { kind: "human", name: "Dana" },
      say: [],
    };
    const stored = storedAnswer(silent);
    expect(stored).to.not.have.property("reply");
    expect(stored).to.not.have.property("say");
    expect(answerFrom(stored)).to.deep.equal(silent);
  });
});

describe("parseCallState", () => {
  it("orders outbox and history and skips entries that do not parse", () => {
    const parsed = parseCallState({
      call: activeCall(),
      outbox: {
        b: { text: "second", by: "u1", at: NOW - 1_000 },
        a: { text: "first", by: "u1", at: NOW - 2_000 },
        bad: { text: "", by: "u1", at: NOW },
      },
      messages: {
        m2: { seq: 2, role: "assistant", text: "Hello", at: NOW - 10_000 },
        m1: { seq: 1, role: "caller", text: "Hi", at: NOW - 11_000 },
        junk: { seq: "x" },
      },
      alert: { kind: "nonsense" },
    });
    expect(parsed.outbox.map((entry) => entry.id)).to.deep.equal(["a", "b"]);
    expect(parsed.history.map((message) => message.seq)).to.deep.equal([1, 2]);
    expect(parsed.alert).to.equal(null);
  });

  it("throws on a call summary that does not parse", () => {
    expect(() =>
      parseCallState({ call: { status: "active" }, outbox: null, messages: null, alert: null }),
    ).to.throw(MalformedCallError);
  });
});

describe("decideTurn", () => {
  it("lets the assistant answer a new call in normal mode", () => {
    const decision = decideTurn("Hello there", state(), NOW);
    expect(decision).to.include({ urgency: "normal", aiReplies: true, mode: "normal" });
    expect(decision.owner).to.deep.equal({ kind: "ai", since: NOW });
  });

  it("never lowers the call's urgency", () => {
    const decision = decideTurn(
      "ok thanks",
      state({ call: activeCall({ urgency: "urgent" }) }),
      NOW,
    );
    expect(decision.urgency).to.equal("urgent");
  });

  it("switches to the safety script on a critical call nobody acknowledged", () => {
    const critical = "He is not breathing";
    expect(decideTurn(critical, state({ call: activeCall() }), NOW).mode).to.equal("safety");
    expect(
      decideTurn(critical, state({ call: activeCall(), alert: openAlert() }), NOW).mode,
    ).to.equal("safety");
    const acked = openAlert({ acks: { u1: { status: "responding", note: "", at: NOW } } });
    expect(decideTurn(critical, state({ call: activeCall(), alert: acked }), NOW).mode).to.equal(
      "normal",
    );
    expect(alertAcknowledged(openAlert({ status: "acknowledged" }))).to.equal(true);
  });

  it("silences the assistant while a human owns the call", () => {
    const owned = activeCall({
      urgency: "critical",
      owner: { kind: "human", uid: "u1", name: "Dana", since: NOW - 1_000 },
    });
    const decision = decideTurn("He is not breathing", state({ call: owned }), NOW);
    expect(decision).to.include({ aiReplies: false, mode: "normal" });
  });

  it("hands the responder the transcript and what the supervisor says now", () => {
    const decision = decideTurn(
      "ok",
      state({
        call: activeCall(),
        history: [{ seq: 1, role: "caller", text: "Hi", at: NOW - 5_000 }],
        outbox: [{ id: "o1", text: "Help is coming", by: "u1", at: NOW - 1_000 }],
      }),
      NOW,
    );
    expect(decision.history).to.deep.equal([
      { role: "caller", text: "Hi" },
      { role: "agent", text: "Help is coming" },
    ]);
  });
});

describe("decideTurn: what the conversation adds to triage", () => {
  function said(lines: readonly string[]): CallState {
    return state({
      call: activeCall({ urgency: "normal" }),
      history: lines.map((text, i) => ({
        seq: i + 1,
        role: "caller" as const,
        text,
        at: NOW - 5_000,
      })),
    });
  }

  it("raises a silent caller to urgent, and repeated silence to critical in safety mode", () => {
    const first = decideTurn("…", state(), NOW);
    expect(first).to.include({ urgency: "urgent", mode: "normal" });
    expect(first.triage.level).to.equal("normal");
    expect(first.conversation).to.deep.include({ cantTalk: true });
    const second = decideTurn("...", said(["…"]), NOW);
    expect(second).to.include({ urgency: "critical", mode: "safety" });
    expect(decideTurn("help", said(["…", "…"]), NOW).urgency).to.equal("critical");
  });

  it("leaves a caller who answers our question with a bare no at the call's urgency", () => {
    expect(decideTurn("no", said(["can I change my appointment?"]), NOW)).to.include({
      urgency: "normal",
    });
  });

  it("raises a caller in another language to urgent and names the language", () => {
    const decision = decideTurn("hola necesito ayuda", state(), NOW);
    expect(decision.urgency).to.equal("urgent");
    expect(decision.conversation.language).to.equal("Spanish");
  });

  it("writes why into the urgency reason, which the alert title reads", () => {
    const decision = decideTurn("…", said(["…"]), NOW);
    const plan = planTurn({
      tenantId: T,
      callId: CALL,
      request: request({ text: "…" }),
      fingerprint: "f",
      state: said(["…"]),
      decision,
      reply,
      now: NOW,
    });
    const reason = plan.update[`${callPath(T, CALL)}/urgencyReason`];
    expect(reason).to.deep.include({ source: "triage", cantTalk: true });
    expect((reason as { note: string }).note).to.contain("unable to speak");
    expect(urgencyTitle("critical", reason as UrgencyReason)).to.equal(
      "Critical call: may be unable to speak",
    );
    expect(urgencyTitle("urgent", { terms: ["se cayó"], language: "Spanish" })).to.equal(
      'Urgent call: "se cayó" · speaks Spanish',
    );
  });
});

describe("planTurn", () => {
  it("creates the call, both messages and the turn record in one update", () => {
    const body = request();
    const s = state();
    const decision = decideTurn(body.text, s, NOW);
    const plan = planTurn({
      tenantId: T,
      subjectId: "s1",
      callId: CALL,
      request: body,
      fingerprint: turnFingerprint(body),
      state: s,
      decision,
      reply,
      now: NOW,
    });
    const call = callPath(T, CALL);
    expect(plan.update).to.deep.include({
      [`${call}/subjectId`]: "s1",
      [`${call}/phone`]: body.from,
      [`${call}/status`]: "active",
      [`${call}/owner`]: { kind: "ai", since: NOW },
      [`${call}/startedAt`]: NOW,
      [`${call}/urgency`]: "normal",
      [`${call}/messageCount`]: 2,
      [`${call}/lastMessageAt`]: NOW,
      [`${call}/lastSnippet`]: body.text,
    });
    const caller = plan.update[messagePath(T, CALL, "turn-1-caller")];
    const assistant = plan.update[messagePath(T, CALL, "turn-1-assistant")];
    expect(messageSchema.parse(caller)).to.include({ seq: 1, role: "caller", turnId: "turn-1" });
    expect(messageSchema.parse(assistant)).to.include({
      seq: 2,
      role: "assistant",
      text: reply.text,
    });
    expect(plan.answer).to.deep.equal({
      callId: CALL,
      reply: reply.text,
      urgency: "normal",
      owner: { kind: "ai" },
      say: [],
    });
    expect(plan.update[turnPath(T, CALL, "turn-1")]).to.deep.include({ status: "done" });
  });

  it("keeps the line the caller reached on the call, from the first turn that knows it", () => {
    const body = request();
    const line = "+15555550100";
    const plan = (s: ReturnType<typeof state>, known?: string) =>
      planTurn({
        tenantId: T,
        callId: CALL,
        ...(known === undefined ? {} : { line: known }),
        request: body,
        fingerprint: turnFingerprint(body),
        state: s,
        decision: decideTurn(body.text, s, NOW),
        reply,
        now: NOW,
      }).update[`${callPath(T, CALL)}/line`];
    expect(plan(state(), line)).to.equal(line);
    expect(plan(state({ call: activeCall() }), line), "a call created without it").to.equal(line);
    expect(plan(state({ call: activeCall({ line }) }), line), "already kept").to.equal(undefined);
    expect(plan(state(), undefined), "a gateway that does not say").to.equal(undefined);
  });

  it("never writes owner, lead or the override of an existing call, and continues seq", () => {
    const body = request({ text: "There is a fire in the kitchen", turnId: "turn-2" });
    const s = state({ call: activeCall({ messageCount: 4 }) });
    const plan = planTurn({
      tenantId: T,
      callId: CALL,
      request: body,
      fingerprint: turnFingerprint(body),
      state: s,
      decision: decideTurn(body.text, s, NOW),
      reply,
      now: NOW,
    });
    const call = callPath(T, CALL);
    const keys = Object.keys(plan.update);
    expect(keys.filter((key) => key.startsWith(`${call}/`)).sort()).to.deep.equal(
      [
        `${call}/lastMessageAt`,
        `${call}/lastSnippet`,
        `${call}/messageCount`,
        `${call}/urgency`,
        `${call}/urgencyReason`,
      ].sort(),
    );
    expect(plan.update[`${call}/messageCount`]).to.equal(6);
    expect(plan.update[`${call}/urgencyReason`]).to.deep.include({
      source: "triage",
      messageId: "turn-2-caller",
    });
  });

  it("records a turn under a human owner without a reply, delivering and clearing the outbox", () => {
    const body = request({ text: "Okay", turnId: "turn-3" });
    const s = state({
      call: activeCall({ owner: { kind: "human", uid: "u1", name: "Dana", since: NOW - 1 } }),
      outbox: [
        { id: "o1", text: "An ambulance is on its way", by: "u1", at: NOW - 2_000 },
        { id: "o2", text: "Stay where you are", by: "u1", at: NOW - 1_000 },
      ],
    });
    const decision = decideTurn(body.text, s, NOW);
    const plan = planTurn({
      tenantId: T,
      callId: CALL,
      request: body,
      fingerprint: turnFingerprint(body),
      state: s,
      decision,
      reply: null,
      now: NOW,
    });
    expect(plan.answer).to.deep.equal({
      callId: CALL,
      reply: null,
      urgency: "normal",
      owner: { kind: "human", name: "Dana" },
      say: ["An ambulance is on its way", "Stay where you are"],
    });
    expect(plan.update[outboxMessagePath(T, CALL, "o1")]).to.equal(null);
    expect(plan.update[outboxMessagePath(T, CALL, "o2")]).to.equal(null);
    expect(plan.update[messagePath(T, CALL, "agent-o1")]).to.deep.include({
      seq: 4,
      role: "agent",
      by: "u1",
    });
    expect(plan.update[messagePath(T, CALL, "agent-o2")]).to.deep.include({ seq: 5 });
    expect(plan.update).to.not.have.property(messagePath(T, CALL, "turn-3-assistant"));
    expect(plan.update[`${callPath(T, CALL)}/messageCount`]).to.equal(5);
  });

  it("plans the same update for the same turn and state", () => {
    const body = request();
    const s = state({ call: activeCall() });
    const input = {
      tenantId: T,
      callId: CALL,
      request: body,
      fingerprint: turnFingerprint(body),
      state: s,
      decision: decideTurn(body.text, s, NOW),
      reply,
      now: NOW,
    };
    expect(planTurn(input)).to.deep.equal(planTurn(input));
  });
});

describe("planMissedCall", () => {
  it("writes a missed call that parses as a call and an urgent alert for a known subject", () => {
    const update = planMissedCall({
      tenantId: T,
      subjectId: "s1",
      callId: CALL,
      phone: "+15555550101",
      medium: "voice",
      at: NOW,
    });
    expect(callSchema.parse(update[callPath(T, CALL)])).to.include({ status: "missed" });
    expect(update[`tenants/${T}/alerts/missed-${CALL}`]).to.deep.include({
      kind: "missed_call",
      severity: "urgent",
      subjectId: "s1",
    });
  });
});

describe("planCallEnded", () => {
  it("writes the status and the end time and nothing else", () => {
    expect(planCallEnded(T, CALL, NOW)).to.deep.equal({
      [`${callPath(T, CALL)}/status`]: "ended",
      [`${callPath(T, CALL)}/endedAt`]: NOW,
    });
  });
});

describe("planCallEnded: ended by a member", () => {
  it("also writes the reason", () => {
    expect(planCallEnded(T, CALL, NOW, ENDED_BY_SUPERVISOR)).to.deep.equal({
      [`${callPath(T, CALL)}/status`]: "ended",
      [`${callPath(T, CALL)}/endedAt`]: NOW,
      [`${callPath(T, CALL)}/endReason`]: "ended by supervisor",
    });
  });
});

describe("textJoins", () => {
  const request = { by: "u-dana", name: "Dana", at: NOW };

  it("joins a conversation not started yet or still going", () => {
    expect(textJoins(null, false)).to.equal(true);
    expect(textJoins(activeCall(), false)).to.equal(true);
  });

  it("leaves a conversation that is over, or that a member asked to end, for the next one", () => {
    expect(textJoins(activeCall({ endRequest: request }), false)).to.equal(false);
    const ended = activeCall({
      status: "ended",
      endedAt: NOW,
      endRequest: request,
      endReason: "ended by supervisor",
    });
    expect(textJoins(ended, false)).to.equal(false);
    expect(textJoins(activeCall({ status: "ended", endedAt: NOW }), false)).to.equal(false);
    expect(textJoins(activeCall({ status: "missed", endedAt: NOW }), false)).to.equal(false);
  });

  it("keeps a retried text in the conversation that already holds it, over or not", () => {
    expect(
      textJoins(
        activeCall({ status: "ended", endedAt: NOW, endReason: "ended by supervisor" }),
        true,
      ),
    ).to.equal(true);
  });
});

describe("endedBySupervisor / hangUpAnswer", () => {
  const request = { by: "u-dana", name: "Dana", at: NOW };

  it("hangs up once a member asked to end the call or ended it, never otherwise", () => {
    expect(endedBySupervisor(null)).to.equal(false);
    expect(endedBySupervisor(activeCall())).to.equal(false);
    expect(endedBySupervisor(activeCall({ status: "ended", endedAt: NOW }))).to.equal(false);
    expect(endedBySupervisor(activeCall({ endRequest: request }))).to.equal(true);
    expect(
      endedBySupervisor(
        activeCall({
          status: "ended",
          endedAt: NOW,
          endRequest: request,
          endReason: "ended by supervisor",
        }),
      ),
    ).to.equal(true);
  });

  it("answers with the goodbye as the reply, nothing in say, and hangup: true", () => {
    const call = activeCall({
      urgency: "urgent",
      owner: { kind: "human", uid: "u-dana", name: "Dana", since: NOW },
      endRequest: request,
    });
    expect(hangUpAnswer(CALL, call)).to.deep.equal({
      callId: CALL,
      reply: ENDED_BY_SUPERVISOR_GOODBYE,
      urgency: "urgent",
      owner: { kind: "human", name: "Dana" },
      say: [],
      hangup: true,
      endReason: "ended by supervisor",
    });
  });
});

describe("callIsClosed", () => {
  it("refuses turns on an ended or missed call, never on a new or active one", () => {
    expect(callIsClosed(state())).to.equal(false);
    expect(callIsClosed(state({ call: activeCall() }))).to.equal(false);
    expect(callIsClosed(state({ call: activeCall({ status: "ended", endedAt: NOW }) }))).to.equal(
      true,
    );
    expect(callIsClosed(state({ call: activeCall({ status: "missed", endedAt: NOW }) }))).to.equal(
      true,
    );
  });
});
