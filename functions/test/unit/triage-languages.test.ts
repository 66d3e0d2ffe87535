import { expect } from "chai";
import {
  findMatches,
  normalizeUtterance,
  statusOf,
  triage,
} from "../../src/domain/triage/index.js";
import { c, type Case } from "../support/triage-cases.js";

const SPANISH: readonly Case[] = [
  c("no respira", "critical", "medical", "medical/not-breathing"),
  c("mi esposo no está respirando", "critical", "medical", "medical/not-breathing"),
  c("mi esposo no esta respirando", "critical", "medical", "medical/not-breathing"),
  c("dejó de respirar", "critical", "medical", "medical/not-breathing"),
  c("no sé si respira", "critical", "medical", "medical/not-breathing"),
  c("está inconsciente", "critical", "medical", "medical/unconscious"),
  c("se desmayó en la calle", "critical", "medical", "medical/unconscious"),
  c("se desmaya", "critical", "medical", "medical/unconscious"),
  c("no responde", "critical", "medical", "medical/unconscious"),
  c("hola necesito ayuda mi madre se cayó", "urgent", "injury", "injury/fall"),
  c("mi madre se cayo", "urgent", "injury", "injury/fall"),
  c("me caí en el baño", "urgent", "injury", "injury/fall"),
  c("no puede levantarse", "urgent", "injury", "injury/fall"),
  c("no me puedo levantar", "urgent", "injury", "injury/fall"),
  c("está sangrando", "urgent", "injury", "injury/bleeding"),
  c("sangra de la cabeza", "urgent", "injury", "injury/bleeding"),
  c("hay sangre en el suelo", "urgent", "injury", "injury/bleeding"),
  c("está sangrando mucho", "critical", "injury", "injury/severe-bleeding"),
  c("no para de sangrar", "critical", "injury", "injury/severe-bleeding"),
  c("tengo dolor en el pecho", "critical", "medical", "medical/cardiac"),
  c("creo que es un infarto", "critical", "medical", "medical/cardiac"),
  c("hay fuego en la cocina", "critical", "fire", "fire/fire"),
  c("un incendio en el edificio", "critical", "fire", "fire/fire"),
  c("sale humo del garaje", "urgent", "fire", "fire/smoke"),
  c("la alarma de incendios suena", "normal", "fire"),
  c("huele a gas", "critical", "chemical", "chemical/gas-leak"),
  c("hay olor a gas en el piso", "critical", "chemical", "chemical/gas-leak"),
  c("me quiere matar", "critical", "violence", "violence/attack"),
  c("tiene un cuchillo", "critical", "violence", "violence/weapon"),
  c("tiene un arma", "critical", "violence", "violence/weapon"),
  c("me está pegando", "critical", "violence", "violence/attack"),
  c("mi pareja me esta pegando", "critical", "violence", "violence/attack"),
  c("alguien me sigue", "urgent", "violence", "violence/threat"),
  c("me sigue doliendo la cabeza", "normal", "general"),
  c("me quiero morir", "critical", "self_harm", "self_harm/want-to-die"),
  c("quiero matarme", "critical", "self_harm", "self_harm/suicide"),
  c("voy a suicidarme", "critical", "self_harm", "self_harm/suicide"),
  c("no quiero vivir", "critical", "self_harm", "self_harm/want-to-die"),
  c("ayuda urgente", "urgent", "general", "general/emergency"),
  c("es una emergencia", "urgent", "general", "general/emergency"),
  c("socorro", "urgent", "general", "general/emergency"),
  c("nadie está herido", "normal", "general"),
  c("no está sangrando", "normal", "general"),
  c("no sangra", "normal", "general"),
  c("ya no sale sangre", "normal", "general"),
  c("no hay humo", "normal", "general"),
  c("el fuego se apagó", "normal", "general"),
  c("dejó de sangrar", "normal", "general"),
  c("no me quiero morir", "urgent", "self_harm", "self_harm/want-to-die"),
  c("no está sangrando pero no respira", "critical", "medical", "medical/not-breathing"),
  c("¿qué hago en caso de incendio?", "normal", "fire"),
  c("me quiere matar, tiene un cuchillo", "critical", "violence", "violence/attack"),
  c("le dispararon", "critical", "violence", "violence/shot-stabbed"),
  c("hay un hombre en mi casa", "critical", "violence", "violence/attack"),
  c("mi ex me amenaza", "urgent", "violence", "violence/threat"),
  c("creo que es un derrame cerebral", "critical", "medical", "medical/stroke"),
  c("está convulsionando", "critical", "medical", "medical/seizure"),
  c("tomó demasiadas pastillas", "critical", "medical", "medical/overdose"),
  c("una sobredosis", "critical", "medical", "medical/overdose"),
  c("necesito una ambulancia", "urgent", "medical", "medical/urgent"),
  c("está muy mareada", "urgent", "medical", "medical/urgent"),
  c("mi hijo está herido", "urgent", "injury", "injury/fracture"),
  c("se rompió la pierna", "urgent", "injury", "injury/fracture"),
  c("lo atropelló un coche", "critical", "injury", "injury/severe-bleeding"),
  c("está atrapado", "critical", "injury", "injury/severe-bleeding"),
  c("estoy perdida en el monte", "urgent", "lost", "lost/stranded"),
  c("llamen a los bomberos", "urgent", "fire", "fire/services"),
  c("su bebé se tomó lejía", "critical", "chemical", "chemical/gas-leak"),
  c("ningún herido", "normal", "general"),
  c("sin sangre", "normal", "general"),
  c("ni humo ni fuego", "normal", "general"),
  c("no está herido", "normal", "general"),
  c("no, está sangrando", "urgent", "injury", "injury/bleeding"),
];

const FRENCH: readonly Case[] = [
  c("mon mari ne respire plus", "critical", "medical", "medical/not-breathing"),
  c("au secours mon mari ne respire plus", "critical", "medical", "medical/not-breathing"),
  c("elle ne respire pas", "critical", "medical", "medical/not-breathing"),
  c("il est inconscient", "critical", "medical", "medical/unconscious"),
  c("elle s'est évanouie", "critical", "medical", "medical/unconscious"),
  c("il est evanoui", "critical", "medical", "medical/unconscious"),
  c("il ne répond pas", "critical", "medical", "medical/unconscious"),
  c("ma mère est tombée", "urgent", "injury", "injury/fall"),
  c("je suis tombe", "urgent", "injury", "injury/fall"),
  c("il ne peut pas se lever", "urgent", "injury", "injury/fall"),
  c("il saigne", "urgent", "injury", "injury/bleeding"),
  c("il y a du sang", "urgent", "injury", "injury/bleeding"),
  c("il saigne beaucoup", "critical", "injury", "injury/severe-bleeding"),
  c("j'ai une douleur à la poitrine", "critical", "medical", "medical/cardiac"),
  c("je crois que c'est une crise cardiaque", "critical", "medical", "medical/cardiac"),
  c("il y a le feu", "critical", "fire", "fire/fire"),
  c("un incendie dans l'immeuble", "critical", "fire", "fire/fire"),
  c("l'incendie est dans la cuisine", "critical", "fire", "fire/fire"),
  c("il y a de la fumée", "urgent", "fire", "fire/smoke"),
  c("ça sent le gaz", "critical", "chemical", "chemical/gas-leak"),
  c("une odeur de gaz", "critical", "chemical", "chemical/gas-leak"),
  c("il me frappe", "critical", "violence", "violence/attack"),
  c("il a un couteau", "critical", "violence", "violence/weapon"),
  c("un couteau", "urgent", "violence", "violence/threat"),
  c("il a une arme", "critical", "violence", "violence/weapon"),
  c("quelqu'un me suit", "urgent", "violence", "violence/threat"),
  c("je veux mourir", "critical", "self_harm", "self_harm/want-to-die"),
  c("je vais me suicider", "critical", "self_harm", "self_harm/suicide"),
  c("je veux en finir", "critical", "self_harm", "self_harm/suicide"),
  c("au secours", "urgent", "general", "general/emergency"),
  c("c'est une urgence", "urgent", "general", "general/emergency"),
  c("il ne saigne pas", "normal", "general"),
  c("il ne saigne plus", "normal", "general"),
  c("il saigne pas", "normal", "general"),
  c("personne n'est blessé", "normal", "general"),
  c("il n'y a pas de fumée", "normal", "general"),
  c("il n'y a plus de fumée", "normal", "general"),
  c("pas de feu", "normal", "general"),
  c("le feu est éteint", "normal", "general"),
  c("une personne est blessée", "urgent", "injury", "injury/fracture"),
  c("il a été poignardé", "critical", "violence", "violence/shot-stabbed"),
  c("des coups de feu", "critical", "violence", "violence/shot-stabbed"),
  c("des cambrioleurs sont chez moi", "critical", "violence", "violence/attack"),
  c("il veut me tuer", "critical", "violence", "violence/attack"),
  c("il me menace", "urgent", "violence", "violence/threat"),
  c("je crois que c'est un AVC", "critical", "medical", "medical/stroke"),
  c("il fait une crise d'épilepsie", "critical", "medical", "medical/seizure"),
  c("elle a pris trop de médicaments", "critical", "medical", "medical/overdose"),
  c("j'ai des vertiges", "urgent", "medical", "medical/urgent"),
  c("il s'est cassé la jambe", "urgent", "injury", "injury/fracture"),
  c("renversé par une voiture", "critical", "injury", "injury/severe-bleeding"),
  c("je suis perdue", "urgent", "lost", "lost/stranded"),
  c("appelez les pompiers", "urgent", "fire", "fire/services"),
  c("l'alarme incendie sonne", "normal", "fire"),
  c("il a bu de l'eau de javel", "critical", "chemical", "chemical/gas-leak"),
  c("je veux me faire du mal", "critical", "self_harm", "self_harm/want-to-die"),
  c("aucune fumée", "normal", "general"),
  c("sans fumée", "normal", "general"),
  c("il n'est pas blessé", "normal", "general"),
  c("il n'a jamais saigné", "normal", "general"),
];

function check(rows: readonly Case[]) {
  for (const row of rows) {
    it(`returns ${row.level} for ${JSON.stringify(row.text)}`, () => {
      const result = triage(row.text);
      const causing = result.signals.find(
        (s) => s.level === result.level && s.status !== "hypothetical",
      );
      expect(
        {
          level: result.level,
          category: result.category,
          term: result.level === "normal" ? undefined : causing?.term,
        },
        result.reason,
      ).to.deep.equal({ level: row.level, category: row.category, term: row.term });
    });
  }
}

describe("triage in Spanish", () => {
  check(SPANISH);
});

describe("triage in French", () => {
  check(FRENCH);
});

describe("triage of accented text", () => {
  it("quotes the phrase as the caller wrote it, accents and all", () => {
    expect(triage("mi madre se cayó").matched).to.deep.equal(["se cayó"]);
    expect(triage("il y a de la fumée").matched).to.deep.equal(["fumée"]);
  });

  it("matches on letter boundaries in any script, not inside accented words", () => {
    expect(triage("sangría para todos").level).to.equal("normal");
    expect(triage("feuilleton").level).to.equal("normal");
    expect(triage("éfeu").level).to.equal("normal");
    expect(triage("fireé").level).to.equal("normal");
  });

  it("reads English that shares letters with the new words the same as before", () => {
    expect(triage("she sang at church").level).to.equal("normal");
    expect(triage("he's a menace").level).to.equal("normal");
    expect(triage("I might vomit").level).to.equal("normal");
    expect(triage("God blesses you").level).to.equal("normal");
    expect(triage("no he is bleeding").level).to.equal("urgent");
    expect(triage("plus he's bleeding").level).to.equal("urgent");
    expect(triage("y'all aren't hurt").level).to.equal("normal");
  });
});

describe("statusOf", () => {
  it("reads a span a caller of the module found itself, as triage reads its own terms", () => {
    const text = normalizeUtterance("no, he is not breathing and nobody is bleeding");
    const at = (phrase: string, from = 0) => {
      const start = text.indexOf(phrase, from);
      return { start, end: start + phrase.length };
    };
    const breathing = at("breathing");
    const bleeding = at("bleeding");
    expect(statusOf(text, breathing, [breathing, bleeding])).to.equal("negated");
    expect(statusOf(text, bleeding, [breathing, bleeding])).to.equal("negated");
    const spanish = normalizeUtterance("no está sangrando, pero respira");
    const respira = { start: spanish.indexOf("respira"), end: spanish.length };
    expect(statusOf(spanish, respira, [])).to.equal("counted");
  });

  it("gives the same readings as triage for the matches it finds", () => {
    const text = normalizeUtterance("nobody is hurt but the car is on fire");
    const matches = findMatches(text);
    expect(matches.map((m) => statusOf(text, m, matches))).to.deep.equal(
      triage(text).signals.map((s) => s.status),
    );
  });
});

describe("normalizeUtterance with accented words", () => {
  it("expands shorthand only in whole words, accented letters included", () => {
    expect(normalizeUtterance("il ne répond pas")).to.equal("il ne répond pas");
    expect(normalizeUtterance("à l'hôpital")).to.equal("à l'hôpital");
    expect(normalizeUtterance("pls hlp u r")).to.equal("please help you are");
  });
});
