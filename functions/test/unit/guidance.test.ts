import { expect } from "chai";
import { buildChatMessages, systemPrompt } from "../../src/domain/responder/chat.js";
import { guidedStep, topicWords } from "../../src/domain/responder/guidance.js";
import { playbookReply } from "../../src/domain/responder/playbook.js";
import { ENGLISH } from "../../src/domain/responder/playbook-content.js";
import type { ResponderInput } from "../../src/domain/responder/types.js";

const FELL: ResponderInput = {
  text: "I slipped in the kitchen and my hip hurts, I can't get up.",
  history: [],
  urgency: "urgent",
  mode: "normal",
  medium: "voice",
};
const DOOR = "Ask her to unlock the front door so the paramedics can get in.";

describe("topicWords", () => {
  it("keeps the words that carry a topic and drops filler and short words", () => {
    expect([...topicWords("Tell the caller to unlock the front door now")]).to.deep.equal([
      "unlock",
      "front",
      "door",
    ]);
  });
});

describe("guidedStep", () => {
  it("finds the playbook step an instruction is about, in any section", () => {
    const found = guidedStep(ENGLISH, [DOOR], "injury", () => false);
    expect(found?.step.id).to.equal("unlock-door");
  });

  it("finds nothing for an instruction no step is about, and never a step already said", () => {
    expect(guidedStep(ENGLISH, ["Be gentle, she is frightened."], "injury", () => false)).to.equal(
      undefined,
    );
    const again = guidedStep(ENGLISH, [DOOR], "injury", (key) => key.endsWith("#unlock-door"));
    expect(again?.step.id).to.not.equal("unlock-door");
  });

  it("follows the latest instruction", () => {
    const found = guidedStep(
      ENGLISH,
      ["Be gentle, she is frightened.", DOOR],
      "injury",
      () => false,
    );
    expect(found?.step.id).to.equal("unlock-door");
  });
});

describe("playbookReply with staff guidance", () => {
  it("says the step the guidance asks for instead of its own next step, without reading the guidance out", () => {
    const plain = playbookReply(FELL);
    const guided = playbookReply({ ...FELL, guidance: [DOOR] });
    expect(guided.text).to.not.equal(plain.text);
    expect(guided.text).to.contain("unlock your front door");
    expect(guided.text).to.not.contain("paramedics");
    expect(guided.sources).to.include("playbook/medical#unlock-door");
  });

  it("answers as without guidance when no step fits it", () => {
    expect(playbookReply({ ...FELL, guidance: ["Be gentle, she is frightened."] })).to.deep.equal(
      playbookReply(FELL),
    );
  });
});

describe("systemPrompt with staff guidance", () => {
  it("gives the chat model the instruction, marked private, and keeps it out of the conversation", () => {
    const prompt = systemPrompt({ ...FELL, guidance: [DOOR] });
    expect(prompt).to.contain("never read it out");
    expect(prompt).to.contain(`- ${DOOR}`);
    const messages = buildChatMessages({ ...FELL, guidance: [DOOR] });
    expect(messages.filter((m) => m.content.includes(DOOR)).map((m) => m.role)).to.deep.equal([
      "system",
    ]);
    expect(systemPrompt(FELL)).to.not.contain("Private guidance");
  });
});
