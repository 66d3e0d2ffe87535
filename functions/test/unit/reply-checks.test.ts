import { expect } from "chai";
import {
  checkReply,
  responderState,
  type ReplyCheck,
  type ResponderInput,
} from "../../src/domain/responder/index.js";

function input(lines: readonly string[], extra: Partial<ResponderInput> = {}): ResponderInput {
  return {
    history: lines.slice(0, -1).flatMap((text) => [
      { role: "caller" as const, text },
      { role: "assistant" as const, text: "I'm here." },
    ]),
    text: lines.at(-1) ?? "",
    urgency: "critical",
    mode: "normal",
    ...extra,
  };
}

function check(text: string, conversation: ResponderInput): ReplyCheck | "ok" {
  const outcome = checkReply(text, {
    state: responderState(conversation),
    mode: conversation.mode,
  });
  return outcome.ok ? "ok" : outcome.check;
}

describe("checkReply", () => {
  const husband = input(["My husband collapsed and isn't breathing", "what do I do"]);
  const fall = input(["I fell and can't get up", "no I'm not bleeding"]);
  const alone = input(["I think I'm having a heart attack", "I'm alone at home"]);
  const selfHarm = input(["I want to end it all", "I have pills"]);
  const silent = input(["…", "…"]);

  const cases: readonly [string, ResponderInput, string, ReplyCheck | "ok"][] = [
    [
      "compressions to a caller whose husband is not breathing",
      husband,
      "Keep pushing hard and fast.",
      "ok",
    ],
    [
      "the recovery position to the same caller",
      husband,
      "If he's breathing, roll him onto his side.",
      "contradicts-caller",
    ],
    ["asking again whether he is breathing", husband, "Is he breathing now?", "asks-answered"],
    [
      "pressing on a wound the caller denied",
      fall,
      "Press firmly on the wound.",
      "contradicts-caller",
    ],
    ["staying still to a caller who fell", fall, "Stay where you are and keep warm.", "ok"],
    [
      "'stay with them' to a caller who is alone and the patient",
      alone,
      "Stay with them and keep them comfortable.",
      "contradicts-caller",
    ],
    [
      "third person to a caller who is the patient",
      input(["I think I'm having a heart attack"]),
      "Help them sit down.",
      "wrong-person",
    ],
    [
      "medication advice on a self-harm call",
      selfHarm,
      "Don't change your medication without your doctor.",
      "forbidden-advice",
    ],
    [
      "asking them to put the pills away",
      selfHarm,
      "Can you put the pills in another room, away from you?",
      "ok",
    ],
    [
      "an open question to a caller who may be unable to talk",
      silent,
      "Tell me what's happening.",
      "open-question",
    ],
    [
      "a yes-or-no question to the same caller",
      silent,
      "Are you in danger? Just say yes or no.",
      "ok",
    ],
    ["a reply longer than one breath on voice", husband, "Push. ".repeat(40), "too-long"],
    [
      "the same reply by text message",
      input(["My husband collapsed and isn't breathing"], { medium: "sms" }),
      "Push hard and fast. ".repeat(12),
      "ok",
    ],
    [
      "English to a caller speaking Spanish",
      input(["hola necesito ayuda mi madre se cayó"]),
      "Keep her warm.",
      "wrong-language",
    ],
    [
      "a safety-mode reply with no safety line",
      input(["there's a fire"], { mode: "safety" }),
      "Get out now.",
      "no-safety-line",
    ],
    [
      "a safety-mode reply that keeps the caller on the line",
      input(["there's a fire"], { mode: "safety" }),
      "Get out now. Stay on the line with me.",
      "ok",
    ],
  ];
  for (const [what, conversation, text, expected] of cases) {
    it(`${expected === "ok" ? "passes" : `refuses (${expected})`} ${what}`, () => {
      expect(check(text, conversation)).to.equal(expected);
    });
  }
});
