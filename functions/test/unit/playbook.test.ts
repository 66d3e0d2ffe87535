import { expect } from "chai";
import {
  createPlaybookResponder,
  conversationCategory,
  playbookReply,
} from "../../src/domain/responder/playbook.js";
import { PLAYBOOK } from "../../src/domain/responder/playbook-content.js";
import type {
  Category,
  ConversationTurn,
  ResponderInput,
  ResponderMode,
  ResponderReply,
} from "../../src/domain/responder/index.js";
import { createResponder } from "../../src/domain/responder/index.js";
import { statedLocation } from "../../src/domain/conversation/index.js";
import { allWords } from "../../src/domain/responder/book.js";
import { triage } from "../../src/domain/triage/index.js";
import type { Urgency } from "@lifeline/model";

/** Plays a whole call through the playbook the way the speech turn would: triage, then reply. */
function converse(
  callerLines: readonly string[],
  options: { mode?: ResponderMode; callerName?: string } = {},
): { replies: ResponderReply[]; history: ConversationTurn[] } {
  const history: ConversationTurn[] = [];
  const replies: ResponderReply[] = [];
  let urgency: Urgency = "normal";
  for (const text of callerLines) {
    const triaged = triage(text, { current: urgency });
    urgency = triaged.level;
    const reply = playbookReply({
      text,
      history,
      urgency,
      mode: options.mode ?? "normal",
      ...(options.callerName === undefined ? {} : { callerName: options.callerName }),
    });
    replies.push(reply);
    history.push({ role: "caller", text }, { role: "assistant", text: reply.text });
  }
  return { replies, history };
}

function firstReply(text: string, extra: Partial<ResponderInput> = {}): ResponderReply {
  const triaged = triage(text);
  return playbookReply({
    text,
    history: [],
    urgency: triaged.level,
    mode: "normal",
    ...extra,
  });
}

describe("playbookReply", () => {
  const firstTurns: readonly [string, Category, readonly string[]][] = [
    [
      "There's a fire in the kitchen!",
      "fire",
      ["playbook/general#team-alerted", "playbook/fire#evacuate"],
    ],
    [
      "My dad isn't breathing",
      "medical",
      ["playbook/general#team-alerted", "playbook/medical#cpr"],
    ],
    [
      "he's bleeding a lot from his leg",
      "injury",
      ["playbook/general#team-alerted", "playbook/injury#severe-bleeding"],
    ],
    [
      "I can smell gas in the flat",
      "chemical",
      ["playbook/general#team-alerted", "playbook/chemical#gas-leak"],
    ],
    [
      "someone is breaking in downstairs",
      "violence",
      ["playbook/general#team-alerted", "playbook/violence#hide"],
    ],
    [
      "I'm lost on the moor",
      "lost",
      ["playbook/general#team-alerted", "playbook/lost#outdoors-dark"],
    ],
    [
      "I want to end my life",
      "self_harm",
      [
        "playbook/general#team-alerted",
        "playbook/self-harm#here-with-you",
        "playbook/self-harm#ask-means",
      ],
    ],
    ["Can I change my appointment to Friday?", "general", ["playbook/general#message"]],
    [
      "My husband is having a seizure",
      "medical",
      ["playbook/general#team-alerted", "playbook/medical#seizure"],
    ],
    [
      "I fell and I can't get up",
      "injury",
      ["playbook/general#team-alerted", "playbook/injury#fall"],
    ],
  ];
  for (const [text, category, sources] of firstTurns) {
    it(`returns the ${category} section's first fitting step for ${JSON.stringify(text)}`, () => {
      const reply = firstReply(text);
      expect(reply.sources).to.deep.equal(sources);
      const step = sources.at(-1)?.split("#")[1];
      const section = Object.values(PLAYBOOK).find((s) =>
        sources.at(-1)?.startsWith(`playbook/${s.name}#`),
      );
      const words = section?.steps.find((s) => s.id === step)?.text;
      expect(words, `step ${step}`).to.not.equal(undefined);
      expect(
        allWords(words ?? "").some((t) => reply.text.includes(t)),
        reply.text,
      ).to.equal(true);
    });
  }

  it("returns every step of a section once before checking in, never repeating an instruction", () => {
    const lines = ["There's a fire in my flat", ...Array.from({ length: 11 }, (_, i) => `ok ${i}`)];
    const { replies } = converse(lines);
    const instructions = replies.map((r) => r.sources.at(-1));
    const fireSteps = instructions.filter((s) => s?.startsWith("playbook/fire#"));
    expect(new Set(fireSteps).size).to.equal(fireSteps.length);
    expect(fireSteps).to.include.members([
      "playbook/fire#evacuate",
      "playbook/fire#stay-low",
      "playbook/fire#doors",
      "playbook/fire#headcount",
    ]);
    for (let i = 1; i < replies.length; i++) {
      expect(replies[i]?.text, `turn ${i}`).to.not.equal(replies[i - 1]?.text);
    }
    expect(instructions.at(-1)).to.match(/^playbook\/general#check-in/);
  });

  it("returns the team-alerted line only on the first urgent turn", () => {
    const { replies } = converse(["hello", "there's smoke in the hall", "it's getting thicker"]);
    expect(replies.map((r) => r.sources.includes("playbook/general#team-alerted"))).to.deep.equal([
      false,
      true,
      false,
    ]);
  });

  it("skips advice the caller has made moot", () => {
    const { replies } = converse(["the house is on fire", "we're all outside now"]);
    expect(replies[1]?.sources).to.deep.equal(["playbook/fire#outside"]);
    const sources = converse([
      "the house is on fire",
      "we're all outside now",
      "ok",
      "ok",
    ]).replies.flatMap((r) => r.sources);
    expect(sources).to.not.include("playbook/fire#stay-low");
  });

  it("returns advice about what the caller just said before the rest of the section", () => {
    const { replies } = converse(["fire in the kitchen", "my son has burns on his hand"]);
    // Still a fire call (burns are less urgent than the fire), answered from the fire section.
    expect(replies[1]?.sources.at(-1)).to.equal("playbook/fire#burns");
    const inSection = converse(["fire in the kitchen", "ok, I'm getting out, my arm got a burn"]);
    expect(inSection.replies[1]?.sources.at(-1)).to.match(/#burns$/);
  });

  it("returns the call's earlier category when this turn says nothing specific", () => {
    const reply = playbookReply({
      text: "ok what now",
      history: [
        { role: "caller", text: "my wife collapsed" },
        { role: "assistant", text: "I'm alerting the team now." },
      ],
      urgency: "critical",
      mode: "normal",
    });
    expect(reply.sources[0]).to.match(/^playbook\/medical#/);
  });

  it("greets the caller by name on the first reply only", () => {
    const { replies } = converse(["I need to reschedule my visit", "Tuesday works"], {
      callerName: "Maria",
    });
    expect(replies[0]?.text).to.match(/^Hello Maria\. /);
    expect(replies[1]?.text).to.not.contain("Maria");
    expect(firstReply("my house is on fire", { callerName: "Sam" }).text).to.match(
      /^Sam, I'm here with you\. /,
    );
  });

  it("returns the same reply for the same conversation", () => {
    const a = converse(["my dad fell off a ladder", "he's bleeding from his head", "ok"]);
    const b = converse(["my dad fell off a ladder", "he's bleeding from his head", "ok"]);
    expect(a.replies).to.deep.equal(b.replies);
  });

  describe("in safety mode", () => {
    it("returns help-alerted and the category's first step on the first turn, the location question next", () => {
      const { replies } = converse(["my husband is not breathing", "ok"], { mode: "safety" });
      expect(replies[0]?.sources).to.deep.equal([
        "playbook/safety#help-alerted",
        "playbook/medical#cpr",
      ]);
      expect(replies[0]?.text).to.match(
        /^Help is being alerted right now\. Start chest compressions/,
      );
      expect(replies[1]?.sources).to.deep.equal([
        "playbook/medical#cpr-continue",
        "playbook/safety#location",
      ]);
    });

    it("returns a safety line every turn and never the same one twice in a row", () => {
      const { replies } = converse(
        ["there's a fire", "ok", "ok", "ok", "ok", "ok", "ok", "ok", "ok", "ok", "ok", "ok"],
        { mode: "safety" },
      );
      const safety = replies.map((r) => r.sources.filter((s) => s.startsWith("playbook/safety#")));
      for (const [i, lines] of safety.entries()) {
        expect(lines, `turn ${i}`).to.not.be.empty;
        if (i > 0) expect(lines, `turn ${i}`).to.not.deep.equal(safety[i - 1]);
      }
      const all = safety.flat();
      expect(all).to.include.members([
        "playbook/safety#location",
        "playbook/safety#stay-on-line",
        "playbook/safety#help-alerted",
      ]);
    });

    it("confirms the location the caller gave", () => {
      const { replies } = converse(["fire! I'm at 14 Elm Street, Leeds", "please hurry"], {
        mode: "safety",
      });
      expect(replies[0]?.sources).to.include("playbook/safety#confirm-location");
      expect(replies[0]?.text).to.contain(
        'I have your location as "14 Elm Street, Leeds". Is that exactly where you are?',
      );
      expect(replies[1]?.sources).to.not.include("playbook/safety#confirm-location");
    });
  });
});

describe("statedLocation", () => {
  it("returns the most recent address the caller gave", () => {
    expect(
      statedLocation(["I'm at 3 Mill Lane", "sorry, my address is Flat 2, 9 Quay Road"]),
    ).to.equal("Flat 2, 9 Quay Road");
    expect(statedLocation(["we're at 221b Baker Street."])).to.equal("221b Baker Street");
  });
  it("returns nothing for phrases that are not places", () => {
    expect(statedLocation(["I'm in pain", "I'm at a loss"])).to.equal(undefined);
  });
});

describe("conversationCategory", () => {
  const input = { text: "ok", history: [], urgency: "urgent", mode: "normal" } as const;
  const after = (...lines: string[]) =>
    conversationCategory({ ...input, history: lines.map((text) => ({ role: "caller", text })) });

  it("keeps the call's category through turns that name none", () => {
    expect(conversationCategory(input)).to.equal("general");
    expect(after("there's a fire in the kitchen")).to.equal("fire");
  });

  it("changes category only for something more urgent", () => {
    expect(after("I smell gas", "and I'm lost")).to.equal("chemical");
    expect(after("I'm lost on the moor", "I can smell gas")).to.equal("chemical");
    expect(after("my dad fell off his bike", "now he's not breathing")).to.equal("medical");
  });

  it("stays a self-harm call once self-harm was raised", () => {
    expect(after("I want to end it all", "I have my medication here")).to.equal("self_harm");
  });
});

describe("createPlaybookResponder", () => {
  it("returns the playbook reply through the Responder interface", async () => {
    const input: ResponderInput = {
      text: "there's smoke",
      history: [],
      urgency: "urgent",
      mode: "normal",
    };
    const responder = createPlaybookResponder();
    expect(responder.name).to.equal("playbook");
    expect(await responder.respond(input)).to.deep.equal(playbookReply(input));
  });
});

describe("createResponder", () => {
  it("returns the playbook when no chat endpoint is configured", () => {
    expect(createResponder().name).to.equal("playbook");
    expect(createResponder({ chat: { baseUrl: "", model: "m", apiKey: "k" } }).name).to.equal(
      "playbook",
    );
    expect(
      createResponder({ chat: { baseUrl: "http://127.0.0.1:1/v1", model: " " } }).name,
    ).to.equal("playbook");
  });
  it("returns the chat responder when a base URL and a model are configured", () => {
    expect(
      createResponder({ chat: { baseUrl: "http://127.0.0.1:1/v1", model: "m" } }).name,
    ).to.equal("chat");
  });
});
