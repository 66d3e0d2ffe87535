import { expect } from "chai";
import type { Message } from "@lifeline/model";
import {
  audienceOf,
  deliveryLabel,
  highlightSegments,
  isAssistantNote,
  messagePlaceholder,
  orderMessages,
  roleLabel,
  unseenAfter,
  weaveGuidance,
} from "../src/logic/transcript.js";

function message(seq: number, overrides: Partial<Message> = {}): Message {
  return { seq, role: "caller", text: `m${seq}`, at: seq, ...overrides };
}

describe("highlightSegments", () => {
  it("marks each term case-insensitively and joins back to the text", () => {
    const text = "He is NOT breathing and there is smoke";
    const segments = highlightSegments(text, ["not breathing", "smoke"]);
    expect(segments).to.deep.equal([
      { text: "He is ", matched: false },
      { text: "NOT breathing", matched: true },
      { text: " and there is ", matched: false },
      { text: "smoke", matched: true },
    ]);
    expect(segments.map((segment) => segment.text).join("")).to.equal(text);
  });

  it("prefers the longer term where terms overlap and treats terms as literal text", () => {
    expect(
      highlightSegments("chest pain (severe)", ["pain", "chest pain", "(severe)"]),
    ).to.deep.equal([
      { text: "chest pain", matched: true },
      { text: " ", matched: false },
      { text: "(severe)", matched: true },
    ]);
  });

  it("returns the text unmarked without terms, and nothing for empty text", () => {
    expect(highlightSegments("calm", [])).to.deep.equal([{ text: "calm", matched: false }]);
    expect(highlightSegments("calm", ["  "])).to.deep.equal([{ text: "calm", matched: false }]);
    expect(highlightSegments("", ["x"])).to.deep.equal([]);
  });
});

describe("orderMessages", () => {
  it("orders by seq whatever the key order", () => {
    const ordered = orderMessages([
      { id: "z", message: message(2) },
      { id: "a", message: message(10) },
      { id: "m", message: message(1) },
    ]);
    expect(ordered.map((entry) => entry.id)).to.deep.equal(["m", "z", "a"]);
  });
});

describe("roleLabel", () => {
  it("returns who spoke, naming the supervisor who typed an agent message", () => {
    const names = new Map([["u1", "Dee"]]);
    expect(roleLabel(message(1), names)).to.equal("Caller");
    expect(roleLabel(message(1, { role: "assistant" }), names)).to.equal("AI assistant");
    expect(roleLabel(message(1, { role: "agent", by: "u1" }), names)).to.equal("Supervisor · Dee");
    expect(roleLabel(message(1, { role: "agent", by: "u9" }), names)).to.equal("Supervisor");
    expect(roleLabel(message(1, { role: "system" }), names)).to.equal("Staff only · System note");
  });
});

describe("deliveryLabel", () => {
  it("says where a supervisor's text stands, and what to do when it will not arrive", () => {
    expect(deliveryLabel({ status: "queued", at: 1 })).to.equal("Text queued at the carrier");
    expect(deliveryLabel({ status: "sent", at: 1, sid: "SM1" })).to.equal("Text sent");
    expect(deliveryLabel({ status: "delivered", at: 1, sid: "SM1" })).to.equal(
      "Text delivered to the caller's phone ✓",
    );
    expect(deliveryLabel({ status: "failed", at: 1, error: "Twilio error 30003" })).to.equal(
      "Text NOT delivered (Twilio error 30003): call the caller or write again",
    );
    expect(deliveryLabel({ status: "failed", at: 1 })).to.equal(
      "Text NOT delivered: call the caller or write again",
    );
  });
});

describe("messagePlaceholder", () => {
  const base = {
    phone: "+15555550101",
    status: "active",
    urgency: "normal",
    owner: { kind: "ai", since: 1 },
    startedAt: 1,
    lastMessageAt: 1,
    messageCount: 2,
    lastSnippet: "hi",
  } as const;
  it("says when the caller gets the message: spoken, texted at once, or with the next reply", () => {
    expect(messagePlaceholder({ ...base, medium: "voice", line: "+15555550100" })).to.equal(
      "Message to the caller (spoken at their next turn)",
    );
    expect(messagePlaceholder({ ...base, medium: "sms", line: "+15555550100" })).to.equal(
      "Text to the caller (sent at once)",
    );
    expect(messagePlaceholder({ ...base, medium: "sms" })).to.equal(
      "Text to the caller (sent with the reply to their next text)",
    );
  });
});

describe("unseenAfter", () => {
  it("counts messages that arrive while the reader is scrolled up, adding to those already unseen", () => {
    expect(unseenAfter(0, false, 6, 8)).to.equal(2);
    expect(unseenAfter(2, false, 8, 9)).to.equal(3);
  });

  it("clears the count while the view follows the live end", () => {
    expect(unseenAfter(3, true, 8, 10)).to.equal(0);
  });

  it("does not count a transcript that shrank (another call opened)", () => {
    expect(unseenAfter(1, false, 8, 0)).to.equal(1);
  });
});

describe("audienceOf / isAssistantNote", () => {
  it("marks system lines as staff only and everything the caller heard or wrote as the caller's", () => {
    expect(audienceOf(message(1, { role: "system" }))).to.equal("staff");
    for (const role of ["caller", "assistant", "agent"] as const) {
      expect(audienceOf(message(1, { role })), role).to.equal("caller");
    }
  });

  it("recognises the hand-back note for the assistant by its id, and only on system lines", () => {
    expect(isAssistantNote("handback-1700", message(1, { role: "system" }))).to.equal(true);
    expect(isAssistantNote("lapse-1700", message(1, { role: "system" }))).to.equal(false);
    expect(isAssistantNote("handback-1700", message(1, { role: "assistant" }))).to.equal(false);
  });
});

describe("weaveGuidance", () => {
  const guidance = (text: string, at: number) => ({ text, by: "u1", at });
  const entries = [1, 2, 3].map((seq) => ({ id: `m${seq}`, message: message(seq * 10) }));
  const shape = (lines: ReturnType<typeof weaveGuidance>) =>
    lines.map((line) => (line.kind === "message" ? line.id : `g:${line.guidance.text}`));

  it("places each guidance between the messages from before and after it, in time order", () => {
    const woven = weaveGuidance(entries, [
      ["b", guidance("second", 25)],
      ["a", guidance("first", 15)],
      ["c", guidance("last", 99)],
    ]);
    expect(shape(woven)).to.deep.equal(["m1", "g:first", "m2", "g:second", "m3", "g:last"]);
  });

  it("puts guidance before a message of the same moment (the reply that followed it), and keeps the messages' own order", () => {
    const shuffled = [entries[0], { id: "m9", message: message(9, { at: 5 }) }, entries[1]].filter(
      (entry) => entry !== undefined,
    );
    const woven = weaveGuidance(shuffled, [["g", guidance("now", 10)]]);
    expect(shape(woven)).to.deep.equal(["g:now", "m1", "m9", "m2"]);
  });

  it("returns the messages alone without guidance, and guidance alone without messages", () => {
    expect(shape(weaveGuidance(entries, []))).to.deep.equal(["m1", "m2", "m3"]);
    expect(
      shape(
        weaveGuidance(
          [],
          [
            ["y", guidance("two", 5)],
            ["x", guidance("one", 5)],
          ],
        ),
      ),
    ).to.deep.equal(["g:one", "g:two"]);
  });
});
