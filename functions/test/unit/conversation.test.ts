import { expect } from "chai";
import {
  conversationState,
  conversationUrgency,
  readFacts,
  statedLocation,
  type ConversationInput,
  type LineReader,
  type TranscriptTurn,
} from "../../src/domain/conversation/index.js";
import { normalizeUtterance } from "../../src/domain/triage/index.js";

function facts(text: string) {
  return readFacts(normalizeUtterance(text));
}

/** A conversation of caller lines with an assistant reply ("…") between them. */
function callerSays(lines: readonly string[], reply = "ok."): ConversationInput {
  const history: TranscriptTurn[] = [];
  for (const line of lines.slice(0, -1)) {
    history.push({ role: "caller", text: line }, { role: "assistant", text: reply });
  }
  return { history, text: lines.at(-1) ?? "" };
}

describe("readFacts", () => {
  const cases: readonly [string, Record<string, boolean>][] = [
    ["My husband collapsed and isn't breathing", { conscious: false, breathing: false }],
    ["he stopped breathing", { breathing: false }],
    ["now he's breathing again", { breathing: true }],
    ["she can't breathe properly", { breathing: true }],
    ["no I'm not bleeding", { bleeding: false }],
    ["the bleeding has stopped", { bleeding: false }],
    ["he's bleeding a lot from his leg", { bleeding: true }],
    ["I'm alone at home", { alone: true, atHome: true }],
    ["my wife is here with me", { alone: false }],
    ["I have pills", { meansAtHand: true }],
    ["I put them in the other room", { meansAtHand: false }],
    ["I took a whole box", { tookSomething: true }],
    ["I haven't taken anything", { tookSomething: false }],
    ["I can't talk he'll hear me", { safeToTalk: false }],
    ["he's still there", { threatNear: true }],
    ["he's gone now", { threatNear: false }],
    ["we're all outside now", { outside: true }],
    ["nobody is hurt", { injured: false }],
    ["no respira", { breathing: false }],
    ["mon mari ne respire plus", { breathing: false }],
  ];
  for (const [text, expected] of cases) {
    it(`reads ${JSON.stringify(text)} as ${JSON.stringify(expected)}`, () => {
      expect(facts(text)).to.deep.include(expected);
    });
  }

  it("reads nothing from doubt, questions and words that only look alike", () => {
    expect(facts("I don't know if he's breathing")).to.not.have.property("breathing");
    expect(facts("what do I do if he stops breathing?")).to.not.have.property("breathing");
    expect(facts("her blood sugar is low")).to.not.have.property("bleeding");
    expect(facts("hello, can I change my appointment")).to.deep.equal({});
  });
});

describe("statedLocation", () => {
  it("keeps the flat, floor or unit with the street address", () => {
    expect(statedLocation(["I'm at 12 Oak Street, flat 3"])).to.equal("12 Oak Street, flat 3");
    expect(statedLocation(["my address is 9 High St, 2nd floor"])).to.equal("9 High St, 2nd floor");
    expect(statedLocation(["22b Baker Street apartment 4B please hurry"])).to.equal(
      "22b Baker Street apartment 4B",
    );
    expect(statedLocation(["estoy en la calle Mayor 5, 2º piso"])).to.equal(
      "calle Mayor 5, 2º piso",
    );
    expect(statedLocation(["14 rue de la Paix, 3e étage"])).to.equal("14 rue de la Paix, 3e étage");
  });
  it("returns the most recent address, and nothing for phrases that are not places", () => {
    expect(statedLocation(["I'm at 3 Mill Lane", "sorry, it's 4 Mill Lane, flat 1"])).to.equal(
      "4 Mill Lane, flat 1",
    );
    expect(statedLocation(["I'm in pain", "I'm at a loss"])).to.equal(undefined);
  });
});

describe("conversationState", () => {
  it("lets a later statement replace an earlier one, and knows what the latest turn said", () => {
    const state = conversationState(
      callerSays([
        "My husband collapsed and isn't breathing",
        "what do I do",
        "now he's breathing",
      ]),
    );
    expect(state.facts).to.deep.include({ breathing: true, conscious: false });
    expect(state.latest).to.deep.equal({ breathing: true });
    expect(state.patient).to.equal("other");
  });

  it("knows a caller who is the patient, and one calling about someone else", () => {
    expect(conversationState(callerSays(["I think I'm having a heart attack"])).patient).to.equal(
      "caller",
    );
    expect(conversationState(callerSays(["I fell and can't get up"])).patient).to.equal("caller");
    expect(conversationState(callerSays(["my dad fell off a ladder"])).patient).to.equal("other");
    expect(conversationState(callerSays(["hola mi madre se cayó"])).patient).to.equal("other");
    expect(conversationState(callerSays(["someone is following me"])).patient).to.equal("caller");
    expect(conversationState(callerSays(["hello"])).patient).to.equal("unknown");
  });

  it("reads a bare yes or no as the answer to the question the assistant asked last", () => {
    const reader: LineReader = (text) =>
      text.includes("Are they breathing?")
        ? [{ key: "medical#breathing-question", asks: { fact: "breathing", yes: true } }]
        : [];
    const asked = (answer: string) =>
      conversationState(
        {
          history: [
            { role: "caller", text: "my mum collapsed" },
            { role: "assistant", text: "Are they breathing? Look at their chest." },
          ],
          text: answer,
        },
        reader,
      );
    expect(asked("no").facts.breathing).to.equal(false);
    expect(asked("yes").facts.breathing).to.equal(true);
    expect(asked("I don't know").facts.breathing).to.equal(undefined);
    expect(asked("no").said.get("medical#breathing-question")).to.equal(0);
  });

  it("keeps the whole location and the means the caller named", () => {
    const state = conversationState(
      callerSays(["I want to end it all", "I have pills", "I'm at 12 Oak Street, flat 3"]),
    );
    expect(state.location).to.equal("12 Oak Street, flat 3");
    expect(state.means).to.equal("pills");
    expect(state.category).to.equal("self_harm");
  });

  it("stays a self-harm call once self-harm was raised, whatever the later words", () => {
    const state = conversationState(
      callerSays(["I want to end it all", "I have my medication here"]),
    );
    expect(state.category).to.equal("self_harm");
    expect(conversationState(callerSays(["there's a fire", "ok what now"])).category).to.equal(
      "fire",
    );
  });

  it("reads silence, a lone help and bare answers as a caller who may be unable to talk", () => {
    const silent = (lines: string[]) => conversationState(callerSays(lines));
    expect(silent(["…"])).to.deep.include({ cantTalk: true, silentTurns: 1 });
    expect(silent(["…", "..."])).to.deep.include({ cantTalk: true, silentTurns: 2 });
    expect(silent(["…", "…", "help"])).to.deep.include({ cantTalk: true, silentTurns: 3 });
    expect(silent(["yes"])).to.deep.include({ cantTalk: true, silentTurns: 1 });
    expect(silent(["[silence]"])).to.deep.include({ cantTalk: true });
    expect(silent(["I can't talk, he'll hear me"])).to.deep.include({ cantTalk: true });
    // A caller who has told us what happened is answering our question with a no.
    expect(silent(["I fell and can't get up", "no"])).to.deep.include({
      cantTalk: false,
      silentTurns: 0,
    });
    expect(silent(["…", "my dad fell"])).to.deep.include({ cantTalk: false, described: true });
    expect(silent(["hello?"])).to.deep.include({ cantTalk: false });
  });
});

describe("conversationUrgency", () => {
  it("raises a caller who may be unable to talk to urgent, and repeated silence to critical", () => {
    const once = conversationUrgency({ cantTalk: true, silentTurns: 1, language: "en" });
    expect(once).to.deep.include({ level: "urgent", cantTalk: true });
    expect(once.reasons.join()).to.contain("unable to speak");
    expect(conversationUrgency({ cantTalk: true, silentTurns: 2, language: "en" }).level).to.equal(
      "critical",
    );
    expect(conversationUrgency({ cantTalk: false, silentTurns: 0, language: "en" })).to.deep.equal({
      level: "normal",
      reasons: [],
      cantTalk: false,
    });
  });

  it("raises a caller in another language to urgent and names the language", () => {
    const spanish = conversationUrgency({ cantTalk: false, silentTurns: 0, language: "es" });
    expect(spanish).to.deep.include({ level: "urgent", language: "Spanish" });
    expect(spanish.reasons.join()).to.contain("needs a Spanish speaker");
  });
});
