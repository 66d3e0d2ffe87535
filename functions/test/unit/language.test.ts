import { expect } from "chai";
import {
  callerLanguage,
  detectLanguage,
  type Language,
  LANGUAGE_NAMES,
  LANGUAGES,
} from "../../src/domain/language/index.js";

/** `language` undefined: any answer, as long as it is not confident (the words could be anything). */
interface Case {
  readonly text: string;
  readonly language?: Language;
}

const sure = (text: string, language: Language): Case => ({ text, language });
const unsure = (text: string): Case => ({ text });

const CASES: readonly Case[] = [
  // Spanish: speech-to-text, no accents, SMS
  sure("hola necesito ayuda mi madre se cayó", "es"),
  sure("hola necesito ayuda mi madre se cayo", "es"),
  sure("no puede levantarse", "es"),
  sure("ayuda", "es"),
  sure("socorro", "es"),
  sure("mi esposo no respira", "es"),
  sure("me cai y no me puedo levantar", "es"),
  sure("hay humo en la cocina", "es"),
  sure("mi hijo esta sangrando mucho", "es"),
  sure("me quiero morir", "es"),
  sure("alguien me sigue", "es"),
  sure("porfa manden una ambulancia xq mi papa no responde", "es"),
  sure("estoy sola en casa", "es"),
  sure("gracias", "es"),
  sure("¿qué hago?", "es"),
  sure("calle mayor 5, tercer piso", "es"),
  sure("sí, está respirando", "es"),
  sure("no lo sé", "es"),
  // French
  sure("au secours mon mari ne respire plus", "fr"),
  sure("aidez-moi", "fr"),
  sure("il ne saigne pas", "fr"),
  sure("je suis tombée et je ne peux pas me lever", "fr"),
  sure("il y a de la fumée dans l'appartement", "fr"),
  sure("j'ai une douleur à la poitrine", "fr"),
  sure("quelqu'un me suit", "fr"),
  sure("je veux mourir", "fr"),
  sure("stp aidez moi jsuis seule", "fr"),
  sure("oui il respire", "fr"),
  // The other languages an alert should be able to name
  sure("não consegue respirar", "pt"),
  sure("minha mãe caiu e não consegue levantar", "pt"),
  sure("aiuto mio marito non respira", "it"),
  sure("hilfe mein mann atmet nicht", "de"),
  sure("bitte schnell, meine Mutter ist gefallen", "de"),
  // English, including Spanish names and words inside it
  sure("I'm at Calle Mayor 5", "en"),
  sure("my friend Jose is hurt", "en"),
  sure("My husband collapsed and isn't breathing", "en"),
  sure("I fell and can't get up", "en"),
  sure("pls hlp my mum fell", "en"),
  sure("hola my mom fell in the kitchen", "en"),
  sure("we live on Avenida de la Paz, flat 3", "en"),
  sure("Maria is bleeding from her head", "en"),
  sure("help me please", "en"),
  sure("someone is following me", "en"),
  sure("I want to end it all", "en"),
  sure("the fire is in the garage", "en"),
  sure("I have pills", "en"),
  // Ambiguous on their own: must not flip an English call
  unsure("no"),
  unsure("ok"),
  unsure("…"),
  unsure(""),
  unsure("yes"),
  unsure("help"),
  unsure("si"),
  unsure("sí"),
  unsure("police"),
  unsure("12"),
  unsure("ok ok"),
  unsure("no no no"),
  unsure("no se"),
];

describe("detectLanguage", () => {
  it("covers at least 40 utterances, ambiguous ones included", () => {
    expect(CASES.length).to.be.at.least(40);
    expect(CASES.filter((c) => c.language === undefined).length).to.be.at.least(8);
  });

  for (const row of CASES) {
    if (row.language === undefined) {
      it(`returns no confident language for ${JSON.stringify(row.text)}`, () => {
        const guess = detectLanguage(row.text);
        expect(guess.confident, JSON.stringify(guess)).to.equal(false);
      });
    } else {
      it(`returns ${row.language} for ${JSON.stringify(row.text)}`, () => {
        expect(detectLanguage(row.text)).to.deep.equal({
          language: row.language,
          confident: true,
        });
      });
    }
  }

  it("returns English for a lone ambiguous word, so the default holds", () => {
    for (const text of ["no", "ok", "yes", "help", "…"]) {
      expect(detectLanguage(text).language, text).to.equal("en");
    }
  });
});

describe("callerLanguage", () => {
  it("returns English when nothing has been said or nothing was clear", () => {
    expect(callerLanguage([])).to.equal("en");
    expect(callerLanguage(["…", "ok", "no"])).to.equal("en");
  });

  it("returns the language of the latest clear utterance", () => {
    expect(
      callerLanguage(["hola necesito ayuda mi madre se cayó", "no puede levantarse"]),
    ).to.equal("es");
    expect(callerLanguage(["ayuda", "si", "ok", "no"])).to.equal("es");
    expect(callerLanguage(["au secours", "help"])).to.equal("fr");
  });

  it("returns English once the caller switches to it, and back when they switch again", () => {
    const texts = ["hola, mi madre se cayó", "sorry, I can speak English, she fell down"];
    expect(callerLanguage(texts)).to.equal("en");
    expect(callerLanguage([...texts, "no puede levantarse"])).to.equal("es");
  });

  it("returns English for an English call that mentions Spanish names", () => {
    expect(callerLanguage(["my friend Jose is hurt", "I'm at Calle Mayor 5", "si"])).to.equal("en");
  });
});

describe("LANGUAGE_NAMES", () => {
  it("names every language in English", () => {
    expect(Object.keys(LANGUAGE_NAMES).sort()).to.deep.equal([...LANGUAGES].sort());
    expect(LANGUAGE_NAMES.es).to.equal("Spanish");
    expect(LANGUAGE_NAMES.fr).to.equal("French");
  });
});
