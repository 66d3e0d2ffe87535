/**
 * The playbooks by language. English is complete; Spanish and French carry a short set of lines for
 * every section (steps they lack are simply not said in them). A caller in a language with no
 * playbook hears, in their language, that a person who speaks it is being found.
 */
import type { Language } from "../language/index.js";
import { type Playbook, translated } from "./book.js";
import { ENGLISH } from "./playbook-content.js";
import { SPANISH } from "./playbook-es.js";
import { FRENCH } from "./playbook-fr.js";

export const PLAYBOOKS: Readonly<Partial<Record<Language, Playbook>>> = {
  en: ENGLISH,
  es: translated(ENGLISH, SPANISH),
  fr: translated(ENGLISH, FRENCH),
};

/** Two lines each, said in turn, for languages with no playbook. */
export const HOLD_IN_LANGUAGE: Readonly<Partial<Record<Language, readonly string[]>>> = {
  pt: [
    "Estou a chamar alguém que fala português. Fique na linha, por favor.",
    "Continue na linha. A ajuda está a ser avisada agora.",
  ],
  de: [
    "Ich hole jemanden, der Deutsch spricht. Bitte bleiben Sie am Telefon.",
    "Bleiben Sie dran. Hilfe wird jetzt alarmiert.",
  ],
  it: [
    "Sto chiamando qualcuno che parla italiano. Resti in linea, per favore.",
    "Resti in linea. Stiamo avvisando i soccorsi adesso.",
  ],
};
