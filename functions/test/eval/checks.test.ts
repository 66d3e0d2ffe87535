import { expect } from "chai";
import {
  accumulate,
  checkContradictions,
  checkLanguage,
  checkLength,
  checkMentions,
  checkPerson,
  checkSafety,
  checkTurn,
  checkUrgency,
  personOf,
  speaksEnglish,
} from "./checks.js";
import { conversationFileSchema } from "./schema.js";

const checks = (failures: readonly { check: string }[]) => failures.map((f) => f.check);

describe("evaluation checks", () => {
  it("checkUrgency catches a wrong level, a level below the minimum and a wrong mode", () => {
    const outcome = { reply: "", urgency: "urgent", mode: "normal" } as const;
    expect(checkUrgency({ urgency: "urgent", minUrgency: "urgent", mode: "normal" }, outcome)).to.be
      .empty;
    expect(
      checks(
        checkUrgency({ urgency: "critical", minUrgency: "critical", mode: "safety" }, outcome),
      ),
    ).to.deep.equal(["urgency", "minUrgency", "mode"]);
  });

  it("checkMentions requires every mention and refuses every notMention, case-insensitively", () => {
    const expectation = { mention: ["compressions|push hard"], notMention: ["doctor"] };
    expect(checkMentions(expectation, "Push hard in the centre of the chest.")).to.be.empty;
    expect(checks(checkMentions(expectation, "Ask your Doctor."))).to.deep.equal([
      "mention",
      "notMention",
    ]);
  });

  it("checkPerson: a caller who is the patient is not spoken of as them", () => {
    expect(checkPerson("you", "Sit down and rest. Help is coming to you.", "en")).to.be.empty;
    expect(checkPerson("you", "Can you put them in another room, away from you?", "en")).to.be
      .empty;
    expect(checks(checkPerson("you", "If they have an inhaler, use it now.", "en"))).to.deep.equal([
      "person",
    ]);
    expect(
      checks(checkPerson("you", "Stay with them and keep them comfortable.", "en")),
    ).to.deep.equal(["person"]);
  });

  it("checkPerson: a caller with a patient is not treated as the patient", () => {
    expect(checkPerson("them", "Stay with him and keep him warm.", "en")).to.be.empty;
    expect(checks(checkPerson("them", "Is your chest pain getting worse?", "en"))).to.deep.equal([
      "person",
    ]);
  });

  it("personOf follows what the caller said unless the turn says otherwise", () => {
    expect(personOf({}, { patientIsCaller: true })).to.equal("you");
    expect(personOf({}, { patientIsCaller: false })).to.equal("them");
    expect(personOf({ person: "them" }, { patientIsCaller: true })).to.equal("them");
    expect(personOf({}, {})).to.equal(undefined);
  });

  it("checkLength holds voice to one breath and SMS to a little more, unless the turn says", () => {
    const long = "x".repeat(300);
    expect(checks(checkLength({}, long, "voice"))).to.deep.equal(["maxLength"]);
    expect(checkLength({}, long, "sms")).to.be.empty;
    expect(checks(checkLength({ maxLength: 100 }, long, "sms"))).to.deep.equal(["maxLength"]);
    expect(checkLength({}, "x".repeat(220), "voice")).to.be.empty;
  });

  it("checkContradictions refuses advice a stated fact rules out", () => {
    const notBreathing = { breathing: false };
    expect(checkContradictions(notBreathing, "Push hard and fast in the centre of the chest.")).to
      .be.empty;
    expect(
      checks(checkContradictions(notBreathing, "If they're breathing, roll them onto their side.")),
    ).to.include("contradiction");
    expect(
      checks(checkContradictions({ bleeding: false }, "Press firmly on the wound.")),
    ).to.deep.equal(["contradiction"]);
    expect(checks(checkContradictions({ alone: true }, "Stay with them."))).to.deep.equal([
      "contradiction",
    ]);
    expect(
      checks(checkContradictions({ safeToTalk: false }, "Tell me what's happening.")),
    ).to.include("contradiction");
    expect(checkContradictions({ safeToTalk: false }, "Say yes or press a key if you can hear me."))
      .to.be.empty;
    expect(checkContradictions({ threatNear: true }, "Don't open the door to him.")).to.be.empty;
    expect(
      checks(checkContradictions({ threatNear: true }, "Open the door and look.")),
    ).to.deep.equal(["contradiction"]);
  });

  it("checkContradictions refuses a question already answered", () => {
    expect(checks(checkContradictions({ location: true }, "Where exactly are you?"))).to.deep.equal(
      ["contradiction"],
    );
    expect(checkContradictions({}, "Where exactly are you?")).to.be.empty;
    expect(
      checks(checkContradictions({ tookSomething: true }, "Have you taken anything?")),
    ).to.deep.equal(["contradiction"]);
    expect(checks(checkContradictions({ alone: false }, "Are you alone?"))).to.deep.equal([
      "contradiction",
    ]);
  });

  it("accumulate lets a change of state replace the earlier fact", () => {
    expect(accumulate({ breathing: false, alone: true }, { breathing: true })).to.deep.equal({
      breathing: true,
      alone: true,
    });
  });

  it("checkLanguage wants the caller's language and no English once the caller switched", () => {
    expect(checkLanguage("es", true, "La ayuda está en camino. ¿Está con usted?")).to.be.empty;
    expect(checks(checkLanguage("es", true, "Help is on the way."))).to.deep.equal([
      "language",
      "language",
    ]);
    expect(checkLanguage("es", false, "Help is on the way.")).to.be.empty;
    expect(checkLanguage("fr", true, "Les secours sont prévenus. Restez avec elle.")).to.be.empty;
    expect(checks(checkLanguage("fr", true, "Restez avec elle, please."))).to.deep.equal([
      "language",
    ]);
    expect(speaksEnglish("my mother fell")).to.equal(true);
    expect(speaksEnglish("no puede levantarse")).to.equal(false);
  });

  it("checkSafety wants a safety line in every safety-mode reply", () => {
    const safety = { urgency: "critical", mode: "safety" } as const;
    expect(checkSafety({ ...safety, reply: "Stay on the line with me." }, "en")).to.be.empty;
    expect(checks(checkSafety({ ...safety, reply: "Keep pushing." }, "en"))).to.deep.equal([
      "safety",
    ]);
    expect(checkSafety({ ...safety, reply: "No cuelgue." }, "es")).to.be.empty;
  });

  it("checkTurn combines the checks and passes a reply that meets them all", () => {
    const context = { medium: "voice", language: "en", languageActive: false, stated: {} } as const;
    const outcome = {
      reply: "Help is being alerted.",
      urgency: "critical",
      mode: "safety",
    } as const;
    expect(checkTurn({ urgency: "critical", mention: ["alerted"] }, context, outcome)).to.be.empty;
    expect(
      checks(checkTurn({ urgency: "normal", mention: ["cpr"] }, context, outcome)),
    ).to.deep.equal(["urgency", "mention"]);
  });

  it("the file schema refuses a malformed conversation and an invalid pattern", () => {
    const turn = { caller: "help", expect: {} };
    const good = { id: "a", title: "A", medium: "voice", turns: [turn, turn, turn] };
    expect(conversationFileSchema.safeParse([good]).success).to.equal(true);
    expect(conversationFileSchema.safeParse([{ ...good, turns: [turn] }]).success).to.equal(false);
    const badPattern = { caller: "help", expect: { mention: ["(unclosed"] } };
    expect(
      conversationFileSchema.safeParse([{ ...good, turns: [badPattern, turn, turn] }]).success,
    ).to.equal(false);
  });
});
