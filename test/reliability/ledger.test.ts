/**
 * The fault suite's counters, on hand-made records: a suite that proves "0 lost, 0 doubled" is
 * only worth something if its counters see a lost, a doubled and a misordered record.
 */
import { expect } from "chai";
import {
  tallyAlerts,
  tallyMessages,
  type ExpectedAlert,
  type SentTurn,
  type StoredMessage,
} from "./support/ledger.js";

const turns: SentTurn[] = [
  { turnId: "t1", text: "hello" },
  { turnId: "t2", text: "there is a fire" },
];

function message(seq: number, role: string, turnId: string, text = `${role} ${turnId}`) {
  return { seq, role, text, at: seq, turnId } satisfies StoredMessage;
}

const whole = [
  message(1, "caller", "t1", "hello"),
  message(2, "assistant", "t1"),
  message(3, "caller", "t2", "there is a fire"),
  message(4, "assistant", "t2"),
];

describe("fault suite ledger", () => {
  it("counts nothing lost or doubled for a whole transcript in order", () => {
    expect(tallyMessages(whole, turns, 4)).to.deep.equal({
      messages: { lost: 0, doubled: 0 },
      order: [],
    });
  });

  it("counts a lost answer, a caller message written twice under another id, and a bad order", () => {
    const lost = whole.filter((m) => !(m.turnId === "t2" && m.role === "assistant"));
    expect(tallyMessages(lost, turns, 3).messages).to.deep.equal({ lost: 1, doubled: 0 });

    const doubled = [...whole, message(5, "caller", "t2-again", "there is a fire")];
    expect(tallyMessages(doubled, turns, 5).messages).to.deep.equal({ lost: 0, doubled: 1 });

    const swapped = [
      message(1, "caller", "t2", "there is a fire"),
      message(2, "assistant", "t2"),
      message(3, "caller", "t1", "hello"),
      message(4, "assistant", "t1"),
    ];
    expect(tallyMessages(swapped, turns, 4).order).to.have.length(2);

    const repeatedSeq = whole.map((m) => (m.seq === 4 ? { ...m, seq: 3 } : m));
    expect(tallyMessages(repeatedSeq, turns, 4).order).to.have.length(1);
    expect(tallyMessages(whole, turns, 5).order).to.have.length(1);
  });

  it("counts a lost alert, a second alert of the same call, and lost and doubled inbox copies", () => {
    const expected: ExpectedAlert[] = [
      { id: "c1-urgency", kind: "urgency", recipients: ["a", "d"] },
    ];
    const alert = { kind: "urgency", callId: "c1", status: "open", title: "Fire" };
    const copy = { tenantId: "t", kind: "urgency", callId: "c1", status: "open" };
    const inboxes = new Map<string, unknown>([
      ["a", { "c1-urgency": copy }],
      ["d", { "c1-urgency": copy }],
    ]);
    expect(tallyAlerts({ "c1-urgency": alert }, inboxes, "t", expected)).to.deep.equal({
      alerts: { lost: 0, doubled: 0 },
      inbox: { lost: 0, doubled: 0 },
    });
    expect(tallyAlerts({}, new Map(), "t", expected)).to.deep.equal({
      alerts: { lost: 1, doubled: 0 },
      inbox: { lost: 2, doubled: 0 },
    });
    const twice = new Map<string, unknown>([
      ["a", { "c1-urgency": copy, other: copy }],
      ["d", { "c1-urgency": copy }],
    ]);
    expect(
      tallyAlerts({ "c1-urgency": alert, "c1-urgency-2": alert }, twice, "t", expected),
    ).to.deep.equal({ alerts: { lost: 0, doubled: 1 }, inbox: { lost: 0, doubled: 1 } });
  });
});
