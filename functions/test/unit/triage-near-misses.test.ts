/**
 * Readings the evaluation set showed triage getting wrong, each paired with the near misses that
 * must keep their reading: a fix for one phrase must not move its neighbours.
 */
import { expect } from "chai";
import { normalizeUtterance, triage } from "../../src/domain/triage/index.js";
import { TERMS } from "../../src/domain/triage/terms.js";
import { c, type Case } from "../support/triage-cases.js";

interface Group {
  readonly name: string;
  readonly fixed: readonly Case[];
  readonly nearMisses: readonly Case[];
}

const GROUPS: readonly Group[] = [
  {
    name: "an overdose told as a count or a whole pack",
    fixed: [
      c("I took 30 sleeping pills", "critical", "medical", "medical/overdose"),
      c("he swallowed a whole box of paracetamol", "critical", "medical", "medical/overdose"),
      c("she's taken all her tablets", "critical", "medical", "medical/overdose"),
    ],
    nearMisses: [
      c("I took 2 paracetamol for my headache", "normal", "medical"),
      c("I take my tablets every morning", "normal", "general"),
      c("I took the bus to the pharmacy", "normal", "general"),
    ],
  },
  {
    name: "a drink spiked",
    fixed: [
      c("I think someone put something in my drink", "urgent", "violence", "violence/threat"),
      c("my drink was spiked", "urgent", "violence", "violence/threat"),
      c("I think I've been drugged", "urgent", "violence", "violence/threat"),
    ],
    nearMisses: [c("can I have a drink of water", "normal", "general")],
  },
  {
    name: "a burn in Spanish",
    fixed: [
      c("mi hijo se quemó la mano", "urgent", "injury", "injury/fracture"),
      c("me quemé con el horno", "urgent", "injury", "injury/fracture"),
    ],
    nearMisses: [c("se quemó la comida", "urgent", "injury", "injury/fracture")],
  },
  {
    name: "emergency as a topic",
    fixed: [
      c("How do I update my emergency contact?", "normal", "general"),
      c("what's the emergency number?", "normal", "general"),
      c("I need to change my emergency contact details", "normal", "general"),
      c("in an emergency, what do I do?", "normal", "general"),
      c("what number do I call in an emergency?", "normal", "general"),
      c("emergancy contact", "normal", "general"),
    ],
    nearMisses: [
      c("it's an emergency", "urgent", "general", "general/emergency"),
      c("emergency!", "urgent", "general", "general/emergency"),
      c("this is an emergency", "urgent", "general", "general/emergency"),
      c("we're in an emergency", "urgent", "general", "general/emergency"),
      c("I'm in an emergency, help", "urgent", "general", "general/emergency"),
      c("I need the emergency services", "urgent", "general", "general/emergency"),
      c("it's not an emergency", "normal", "general"),
    ],
  },
  {
    name: "a false alarm explained in the same breath",
    fixed: [
      c("The smoke alarm went off but it was just burnt toast", "normal", "general"),
      c("smoke alarm went off, only cooking", "normal", "general"),
      c("The fire alarm is going off, it was a false alarm", "normal", "general"),
      c("The smoke alarm is going off, I think it's just the battery", "normal", "general"),
      c("the smoke alarm went off, it's just steam from the shower", "normal", "general"),
      c("I burnt the toast and the smoke alarm went off", "normal", "general"),
    ],
    nearMisses: [
      c("The smoke alarm went off and there's smoke everywhere", "critical", "fire"),
      c("it was just burnt toast but there's smoke everywhere", "critical", "fire"),
      c("it was burnt toast, but now the kitchen is on fire", "critical", "fire", "fire/fire"),
      c("The smoke alarm went off, is it a false alarm?", "urgent", "fire"),
      c("The fire alarm is going off, I don't know if it's a false alarm", "urgent", "fire"),
      c("the smoke alarm went off, maybe it's just the toast", "urgent", "fire"),
      c("the smoke alarm went off and it wasn't a false alarm", "urgent", "fire"),
      c("The fire alarm is going off but I don't see any smoke", "urgent", "fire"),
      c("what do I do if the smoke alarm keeps chirping", "normal", "fire"),
      c("I burnt my hand on the pan", "urgent", "injury", "injury/fracture"),
    ],
  },
  {
    name: "heavy smoke",
    fixed: [
      c("There's smoke everywhere and I can't get out", "critical", "fire", "fire/heavy-smoke"),
      c("The smoke is getting thicker", "critical", "fire", "fire/heavy-smoke"),
      c("the room is full of smoke", "critical", "fire", "fire/heavy-smoke"),
    ],
    nearMisses: [
      c("There's smoke coming from the garage", "urgent", "fire", "fire/smoke"),
      c("no fire, just a lot of smoke in the hallway", "urgent", "fire", "fire/smoke"),
      c("there's a little smoke in the kitchen", "urgent", "fire", "fire/smoke"),
      c("There are sparks coming out of the socket", "urgent", "fire", "fire/smoke"),
    ],
  },
  {
    name: "self-harm by jumping, ending it, and in the third person",
    fixed: [
      c("I'm on the bridge and I want to jump", "critical", "self_harm", "self_harm/jump"),
      c("I want to jump off the bridge", "critical", "self_harm", "self_harm/jump"),
      c("he's going to jump off the roof", "critical", "self_harm", "self_harm/jump"),
      c("I'm going to throw myself in front of a train", "critical", "self_harm", "self_harm/jump"),
      c("I took something to end it", "critical", "self_harm", "self_harm/end-it"),
      c("I'm going to end it tonight", "critical", "self_harm", "self_harm/end-it"),
      c("My brother says he's going to kill himself", "critical", "self_harm", "self_harm/suicide"),
      c("he's threatening to kill himself", "critical", "self_harm", "self_harm/suicide"),
      c("she wants to end her life", "critical", "self_harm", "self_harm/suicide"),
      c("she says she's going to hurt herself", "critical", "self_harm", "self_harm/want-to-die"),
      c("he's suicidal", "critical", "self_harm", "self_harm/suicide"),
    ],
    nearMisses: [
      c("I don't want to jump", "urgent", "self_harm", "self_harm/jump"),
      c("I want to jump in the shower", "normal", "general"),
      c("I'm going to jump on a call", "normal", "general"),
      c("he tried to jump the queue", "normal", "general"),
      c("I want to end things with my boyfriend", "normal", "general"),
      c("I want to end it with him", "normal", "general"),
      c("he's going to kill me", "critical", "violence", "violence/attack"),
      c("he threatened to kill me", "critical", "violence", "violence/attack"),
      c("he hurt himself playing football", "urgent", "injury", "injury/fracture"),
    ],
  },
  {
    name: "falls from a height",
    fixed: [
      c("My dad fell off a ladder and hit his head", "critical", "injury", "injury/serious-fall"),
      c("he fell off the roof", "critical", "injury", "injury/serious-fall"),
      c("she fell out of the window", "critical", "injury", "injury/serious-fall"),
      c("my son fell out of a tree", "critical", "injury", "injury/serious-fall"),
      c("he fell two floors", "critical", "injury", "injury/serious-fall"),
      c("fell from a height at work", "critical", "injury", "injury/serious-fall"),
      c("se cayó de la escalera", "critical", "injury", "injury/serious-fall"),
      c("il est tombé du toit", "critical", "injury", "injury/serious-fall"),
    ],
    nearMisses: [
      c("I fell off my bike", "urgent", "injury", "injury/fall"),
      c("she fell off a horse", "urgent", "injury", "injury/fall"),
      c("grandad fell down the stairs", "urgent", "injury", "injury/fall"),
      c("I fell off the bed", "urgent", "injury", "injury/fall"),
      c("my dad had a fall and hit his head", "urgent", "injury", "injury/fall"),
    ],
  },
  {
    name: "a caller who cannot talk because someone is there",
    fixed: [
      c("he's here I can't talk", "urgent", "violence", "violence/cant-talk"),
      c("he's in the next room, I can't speak", "urgent", "violence", "violence/cant-talk"),
      c("I can't talk because he's home", "urgent", "violence", "violence/cant-talk"),
      c("my husband's here, I can't talk", "urgent", "violence", "violence/cant-talk"),
      c("I can't talk, he'll hear me", "urgent", "violence", "violence/cant-talk"),
      c("they're listening", "urgent", "violence", "violence/cant-talk"),
    ],
    nearMisses: [
      c("I can't talk right now, call me later", "normal", "general"),
      c("I can't talk long, I'm at work", "normal", "general"),
      c("he's listening to music", "normal", "general"),
    ],
  },
  {
    name: "drowning",
    fixed: [
      c("One of us fell in the water and he's drowning", "critical", "medical", "medical/drowning"),
      c("he's in the water and can't swim", "critical", "medical", "medical/drowning"),
      c("the current swept him away", "critical", "medical", "medical/drowning"),
      c("he was swept away", "critical", "medical", "medical/drowning"),
      c("my son fell through the ice", "critical", "medical", "medical/drowning"),
    ],
    nearMisses: [
      c("I can't swim", "normal", "general"),
      c("the business went under", "normal", "general"),
      c("my keys fell in the water", "urgent", "injury", "injury/fall"),
    ],
  },
  {
    name: "garden chemicals",
    fixed: [
      c(
        "My dad was spraying weedkiller and now he's vomiting and confused",
        "urgent",
        "chemical",
        "chemical/pesticide-exposure",
      ),
      c("he's vomiting after spraying weedkiller", "urgent", "chemical"),
      c("he got pesticide in his eyes", "urgent", "chemical", "chemical/pesticide-exposure"),
      c("she breathed in insecticide", "urgent", "chemical", "chemical/pesticide-exposure"),
      c("my son drank weedkiller", "critical", "chemical", "chemical/gas-leak"),
    ],
    nearMisses: [
      c("I need to buy some weedkiller", "normal", "chemical"),
      c("how do I store fertiliser safely?", "normal", "chemical"),
      c("I spilled fertiliser on the patio", "normal", "chemical"),
      c(
        "I was spraying weedkiller yesterday, how long before the dog can go out?",
        "normal",
        "chemical",
      ),
      c("he used weedkiller and collapsed", "critical", "medical", "medical/unconscious"),
    ],
  },
  {
    name: "electric shock",
    // The evaluation set holds an electric shock at urgent until the signs say more.
    fixed: [],
    nearMisses: [
      c("he got an electric shock", "urgent", "injury", "injury/fracture"),
      c("he was electrocuted", "urgent", "injury", "injury/fracture"),
      c("he was electrocuted and isn't breathing", "critical", "medical", "medical/not-breathing"),
    ],
  },
  {
    name: "SMS shorthand",
    fixed: [
      c("sum1 followin me rn", "urgent", "violence", "violence/threat"),
      c("hes not wakin up", "critical", "medical", "medical/unconscious"),
    ],
    nearMisses: [
      c("someone is following me home", "urgent", "violence", "violence/threat"),
      c("wat do i do", "normal", "general"),
    ],
  },
];

/** The term of the first signal that set the level, as the other triage tables read it. */
function reading(text: string) {
  const result = triage(text);
  const causing = result.signals.find(
    (s) => s.level === result.level && s.status !== "hypothetical",
  );
  return {
    result,
    actual: {
      level: result.level,
      category: result.category,
      term: result.level === "normal" ? undefined : causing?.term,
    },
  };
}

for (const group of GROUPS) {
  describe(`triage: ${group.name}`, () => {
    for (const [kind, rows] of [
      ["reads", group.fixed],
      ["keeps", group.nearMisses],
    ] as const) {
      for (const row of rows) {
        it(`${kind} ${JSON.stringify(row.text)} as ${row.level} ${row.category}`, () => {
          const { result, actual } = reading(row.text);
          const expected = {
            level: row.level,
            category: row.category,
            // A row without a term only pins the level and category.
            term: row.term ?? actual.term,
          };
          expect(actual, result.reason).to.deep.equal(expected);
        });
      }
    }
  });
}

describe("triage of an explained false alarm", () => {
  it("returns the alarm as denied, with the words that explained it, and says so in the reason", () => {
    const result = triage("The smoke alarm went off but it was just burnt toast");
    const alarm = result.signals.find((s) => s.term === "fire/alarm-sounding");
    expect(alarm).to.include({
      phrase: "smoke alarm went off",
      status: "negated",
      level: "normal",
      explainedBy: "just burnt toast",
    });
    expect(result.reason).to.equal(
      'normal: no urgent or critical terms; set aside "smoke alarm went off" (explained: "just burnt toast")',
    );
  });

  it("explains away only the alarm, never what is reported beside it", () => {
    const result = triage("it was burnt toast, the smoke alarm went off, and now I smell burning");
    expect(result.level).to.equal("urgent");
    expect(result.matched).to.deep.equal(["smell burning"]);
    expect(
      result.signals.filter((s) => s.explainedBy !== undefined).map((s) => s.term),
    ).to.deep.equal(["fire/alarm-sounding"]);
  });
});

describe("TERMS explains", () => {
  it("names only terms of the table, never itself", () => {
    const ids = new Set(TERMS.map((rule) => rule.id));
    const named = TERMS.flatMap((rule) => (rule.explains ?? []).map((id) => [rule.id, id]));
    expect(named.length).to.be.above(0);
    for (const [by, id] of named) {
      expect(ids.has(id ?? ""), `${by} explains ${id}`).to.equal(true);
      expect(id, by).to.not.equal(by);
    }
  });
});

describe("normalizeUtterance SMS shorthand", () => {
  it("returns the shorthand a frightened caller types, spelled out", () => {
    expect(normalizeUtterance("sum1 followin me rn")).to.equal("someone following me right now");
    expect(normalizeUtterance("wat n wut, thx m8")).to.equal("what and what, thanks mate");
    expect(normalizeUtterance("rly smthing sumthing 2day 2nite addr hlpp")).to.equal(
      "really something something today tonight address help",
    );
    expect(normalizeUtterance("not wakin up")).to.equal("not waking up");
  });

  it("leaves words that only contain the shorthand, and French elisions, as they are", () => {
    expect(normalizeUtterance("wattage and nth")).to.equal("wattage and nth");
    expect(normalizeUtterance("il n'est pas blessé")).to.equal("il n'est pas blessé");
    expect(normalizeUtterance("thxx")).to.equal("thxx");
  });
});
