import { expect } from "chai";
import {
  InvalidOverrideError,
  applyOverride,
  escalate,
  normalizeUtterance,
  triage,
} from "../../src/domain/triage/index.js";
import type { Category } from "../../src/domain/categories.js";
import type { Urgency } from "@lifeline/model";

interface Case {
  readonly text: string;
  readonly level: Urgency;
  readonly category: Category;
  /** Exactly the phrases that caused the level, in order. */
  readonly matched: readonly string[];
}

const c = (
  text: string,
  level: Urgency,
  category: Category,
  matched: readonly string[] = [],
): Case => ({
  text,
  level,
  category,
  matched,
});

const TABLE: readonly Case[] = [
  // calm
  c("Hi, I'd like to check my appointment time for Thursday.", "normal", "general"),
  c("Can you ask the nurse to call me back about my prescription?", "normal", "medical"),
  c("Just calling to say I got home fine, thanks.", "normal", "general"),
  c("my blood pressure reading this morning was 150 over 90", "normal", "medical"),
  c("Got my flu shot today, arm's a bit sore.", "normal", "general"),
  c("I cut my finger chopping onions, it's only a small one", "normal", "injury"),
  c("The fire drill is at 3pm tomorrow, please remind the residents.", "normal", "general"),
  c("Where do I find the fire extinguisher on the second floor?", "normal", "general"),
  c("I was fired from my job and I need to update my details", "normal", "general"),
  c("my back hurts a bit after gardening", "normal", "medical"),
  c("What should I do in case of a fire at night?", "normal", "fire"),
  c("How do I recognise the signs of a stroke?", "normal", "medical"),
  c("what do I do if the smoke alarm keeps chirping", "normal", "fire"),
  c("I have acid reflux again after dinner", "normal", "general"),
  c("my phone is dead almost, I'll call back later", "normal", "general"),
  c("the smoke detector battery needs changing", "normal", "fire"),
  c("I'm fine thanks, just checking in", "normal", "general"),
  // urgent
  c("I fell in the bathroom and I can't get up", "urgent", "injury", ["fell", "can't get up"]),
  c("There's smoke coming from the garage", "urgent", "fire", ["smoke"]),
  c("I'm lost on the trail and it's getting dark", "urgent", "lost", ["i'm lost"]),
  c("My car broke down on the motorway", "urgent", "lost", ["car broke down"]),
  c("She's bleeding from her knee after falling off her bike", "urgent", "injury", ["bleeding"]),
  c("I think his arm is broken", "urgent", "injury", ["arm is broken"]),
  c("My ex keeps sending me threats", "urgent", "violence", ["threats"]),
  c("he's having an allergic reaction to peanuts", "urgent", "medical", ["allergic reaction"]),
  c("Mum is very dizzy and keeps throwing up", "urgent", "medical", ["dizzy", "throwing up"]),
  c("The fire alarm is going off but I don't see any smoke", "urgent", "fire", [
    "fire alarm is going off",
  ]),
  c("There's a chemical spill in the warehouse", "urgent", "chemical", ["chemical spill"]),
  c("we need an ambulance", "urgent", "medical", ["ambulance"]),
  c("My grandfather wandered off and went missing from the care home", "urgent", "lost", [
    "wandered off",
    "went missing",
  ]),
  c("no fire, just a lot of smoke in the hallway", "urgent", "fire", ["smoke"]),
  c("I'm not sure if there's smoke but I smell burning", "urgent", "fire", [
    "smoke",
    "smell burning",
  ]),
  c("no he's bleeding", "urgent", "injury", ["bleeding"]),
  c("I'm not going to hurt myself, I promise", "urgent", "self_harm", ["going to hurt myself"]),
  c("my dad had a fall and hit his head", "urgent", "injury", ["had a fall", "hit his head"]),
  c("Stuck in the lift between floors 3 and 4", "urgent", "lost", ["stuck in"]),
  c("the dog bit me", "urgent", "injury", ["dog bit me"]),
  c("he's drunk and aggressive", "urgent", "violence", ["aggressive"]),
  c("someone is following me home", "urgent", "violence", ["following me"]),
  // critical
  c("There's a fire in the kitchen!", "critical", "fire", ["fire"]),
  c("FIREEEE HELP", "critical", "fire", ["fire"]),
  c("he isn't breathing", "critical", "medical", ["isn't breathing"]),
  c("my husband collapsed and he's unconcious", "critical", "medical", ["collapsed", "unconcious"]),
  c("i think im having a heart attack", "critical", "medical", ["heart attack"]),
  c("I've never had chest pain like this", "critical", "medical", ["chest pain"]),
  c("r u there?? my wife is having a siezure", "critical", "medical", ["siezure"]),
  c("her face is drooping and her speech is slurred", "critical", "medical", [
    "face is drooping",
    "slurred",
  ]),
  c("I think he took too many pills, he won't wake up", "critical", "medical", [
    "too many pills",
    "won't wake up",
  ]),
  c("She can't breath!!", "critical", "medical", ["can't breath"]),
  c("I don't know if he's breathing", "critical", "medical", ["don't know if he's breathing"]),
  c("there's a gas leak, I can smell gas everywhere", "critical", "chemical", [
    "gas leak",
    "smell gas",
  ]),
  c("he has a gun and he's threatening us", "critical", "violence", ["gun"]),
  c("Someone is breaking into my house right now", "critical", "violence", [
    "someone is breaking into",
  ]),
  c("I want to kill myself", "critical", "self_harm", ["kill myself"]),
  c("i dont want to live anymore", "critical", "self_harm", ["don't want to live anymore"]),
  c("kms", "critical", "self_harm", ["kill myself"]),
  c("he's bleeding out, there's blood everywhere", "critical", "injury", [
    "bleeding out",
    "blood everywhere",
  ]),
  c("the bleeding won't stop", "critical", "injury", ["bleeding won't stop"]),
  c("my son was hit by a car", "critical", "injury", ["hit by a car"]),
  c("worker fell off the scaffolding, not moving", "critical", "medical", [
    "fell off the scaffolding",
    "not moving",
  ]),
  c("My toddler swallowed bleach", "critical", "chemical", ["swallowed bleach"]),
  c("the carbon monoxide alarm is going off and we all have headaches", "critical", "chemical", [
    "carbon monoxide",
  ]),
  c("He's choking on food and turning blue", "critical", "medical", ["choking", "turning blue"]),
  c("my partner is hitting me", "critical", "violence", ["hitting me"]),
  c("There was an explosion at the plant", "critical", "fire", ["explosion"]),
  c("she is unresponsive", "critical", "medical", ["unresponsive"]),
  // negated
  c("nobody is hurt", "normal", "general"),
  c("No one is injured, we just need a tow", "normal", "general"),
  c("there's no smoke anymore", "normal", "general"),
  c("she's not bleeding", "normal", "general"),
  c("the bleeding has stopped", "normal", "general"),
  c("the fire's out now, everyone's fine", "normal", "general"),
  c("I'm not having chest pain, just a cough", "normal", "medical"),
  c("He didn't hit his head", "normal", "general"),
  c("no sign of fire, no smoke either", "normal", "general"),
  c("I don't think anyone is hurt", "normal", "general"),
  c("The smoke is gone now.", "normal", "general"),
  c("I can't see any fire from here", "normal", "general"),
  c("She's not well, she fell down the stairs", "urgent", "injury", ["fell"]),
  // mixed
  c("it's not just smoke, there are flames now", "critical", "fire", ["flames"]),
  c("he stopped breathing", "critical", "medical", ["stopped breathing"]),
  c("nobody is hurt but the car is on fire", "critical", "fire", ["on fire"]),
  c("The fire is out but my dad is not breathing", "critical", "medical", ["not breathing"]),
  c("there's no fire but my neighbour has a knife and is threatening me", "critical", "violence", [
    "has a knife",
  ]),
  c("he fell and now he's unconscious", "critical", "medical", ["unconscious"]),
  c("bleeding has stopped, but she fainted", "urgent", "medical", ["fainted"]),
  c("My house is on fire and my son is not breathing", "critical", "fire", [
    "on fire",
    "not breathing",
  ]),
  c("not bleeding, but I think my leg is broken", "urgent", "injury", ["leg is broken"]),
  // typos, casing, SMS
  c("PLS HELP MY DAD COLLAPSED", "critical", "medical", ["collapsed"]),
  c("hes bleedin bad", "critical", "injury", ["bleeding bad"]),
  c("cant breath", "critical", "medical", ["can't breath"]),
  c("sum1 broke in2 my flat", "critical", "violence", ["broke into"]),
  c("my mom is unconscous on the floor", "critical", "medical", ["unconscous"]),
  c("EMERGENCY!!! gas smell in the flat", "critical", "chemical", ["gas smell"]),
  c("u need 2 send an ambulence", "urgent", "medical", ["ambulence"]),
  c("he OD'd on something", "critical", "medical", ["overdosed"]),
  c("im so lost and my battery is low", "urgent", "lost", ["i'm so lost"]),
];

describe("triage", () => {
  it("covers at least 60 utterances", () => {
    expect(TABLE.length).to.be.at.least(60);
  });

  for (const row of TABLE) {
    it(`returns ${row.level} for ${JSON.stringify(row.text)}`, () => {
      const result = triage(row.text);
      expect(
        { level: result.level, category: result.category, matched: result.matched },
        result.reason,
      ).to.deep.equal({ level: row.level, category: row.category, matched: row.matched });
    });
  }

  it("returns a reason naming the level, the terms and what was negated", () => {
    const result = triage("Nobody is hurt but the car is on fire");
    expect(result.reason).to.equal('critical: "on fire" (fire); negated "hurt"');
  });

  it("returns hypothetical mentions as signals that do not raise the level", () => {
    const result = triage("what do I do if he stops breathing");
    expect(result.level).to.equal("normal");
    expect(result.signals.map((s) => s.status)).to.include("hypothetical");
  });

  it("returns the misspelled word and what it was read as", () => {
    const [signal] = triage("she's unconcious").signals;
    expect(signal).to.include({ phrase: "unconcious", status: "counted" });
    const fuzzy = triage("he is unresponsve").signals[0];
    expect(fuzzy).to.include({ phrase: "unresponsve", readAs: "unresponsive", level: "critical" });
    expect(triage("he is unresponsve").reason).to.contain('read as "unresponsive"');
  });

  it("returns lower-level terms in the reason without adding them to matched", () => {
    const result = triage("I slipped and now there's a fire");
    expect(result.matched).to.deep.equal(["fire"]);
    expect(result.reason).to.contain('also "slipped" (injury)');
  });

  it("keeps a denied self-harm mention at urgent and says so", () => {
    const result = triage("I'm not suicidal");
    expect(result.level).to.equal("urgent");
    expect(result.reason).to.contain("denied but kept");
  });

  it("matches on word boundaries only", () => {
    expect(triage("the ceasefire held").level).to.equal("normal");
    expect(triage("we fired the kiln").level).to.equal("normal");
    expect(triage("the fireplace is lovely").level).to.equal("normal");
    expect(triage("a firebrand politician").level).to.equal("normal");
  });

  it("never returns a level below the call's current urgency", () => {
    const result = triage("ok thanks, he's calmer now", { current: "critical" });
    expect(result.level).to.equal("critical");
    expect(result.textLevel).to.equal("normal");
    expect(result.matched).to.deep.equal([]);
    expect(result.reason).to.contain("kept at critical");
  });

  it("raises above the current urgency when the text warrants it", () => {
    const result = triage("now he's not breathing", { current: "urgent" });
    expect(result.level).to.equal("critical");
    expect(result.matched).to.deep.equal(["not breathing"]);
  });
});

describe("normalizeUtterance", () => {
  it("returns lower case with SMS shorthand expanded and shouted letters folded", () => {
    expect(normalizeUtterance("PLZ hlp, hes NOT breathin!!!")).to.equal(
      "please help, he's not breathing!!!",
    );
    expect(normalizeUtterance("I\u2019m ok")).to.equal("i'm ok");
  });
});

describe("escalate", () => {
  const levels: readonly Urgency[] = ["normal", "urgent", "critical"];
  it("returns the higher of the two levels", () => {
    expect(escalate("normal", "urgent")).to.equal("urgent");
    expect(escalate("urgent", "critical")).to.equal("critical");
    expect(escalate("critical", "normal")).to.equal("critical");
    expect(escalate("urgent", "normal")).to.equal("urgent");
  });
  it("never returns a level below the current one", () => {
    for (const current of levels) {
      for (const next of levels) {
        expect(levels.indexOf(escalate(current, next))).to.be.at.least(levels.indexOf(current));
      }
    }
  });
});

describe("applyOverride", () => {
  it("returns a lowered level when a supervisor gives a reason", () => {
    const outcome = applyOverride("critical", {
      level: "normal",
      reason: "  False alarm, confirmed with the caller  ",
      by: "uid-dispatcher",
    });
    expect(outcome).to.deep.equal({
      level: "normal",
      previous: "critical",
      changed: true,
      lowered: true,
      reason: "False alarm, confirmed with the caller",
      by: "uid-dispatcher",
    });
  });

  it("returns the new floor that later triage escalates from", () => {
    const { level } = applyOverride("critical", { level: "normal", reason: "test call", by: "u1" });
    expect(triage("ok", { current: level }).level).to.equal("normal");
    expect(triage("now there's smoke", { current: level }).level).to.equal("urgent");
  });

  it("rejects an override without a reason or an author", () => {
    expect(() => applyOverride("urgent", { level: "normal", reason: "  ", by: "u1" })).to.throw(
      InvalidOverrideError,
    );
    expect(() => applyOverride("urgent", { level: "normal", reason: "ok", by: "" })).to.throw(
      InvalidOverrideError,
    );
  });
});
