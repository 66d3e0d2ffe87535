/**
 * The evaluation set's checks on one reply: pure functions of the reply, the turn's expectation and
 * what the caller has said so far, knowing nothing of how the responder works. Each failure names
 * its check, so the pass table can say what went wrong.
 */
import { type Urgency, URGENCY_RANK } from "@lifeline/model";
import type { Expectation, Fact, Facts, Language } from "./schema.js";

export interface Failure {
  readonly check: string;
  readonly detail: string;
}

/** What the played turn produced. */
export interface Outcome {
  readonly reply: string;
  readonly urgency: Urgency;
  readonly mode: "normal" | "safety";
}

/** Where the turn stands in its conversation. */
export interface TurnContext {
  readonly medium: "voice" | "sms";
  readonly language: Language;
  /** Whether the caller has spoken the conversation's language yet (see `speaksEnglish`). */
  readonly languageActive: boolean;
  /** Every fact stated up to and including this turn. */
  readonly stated: Facts;
}

export const MAX_LENGTH = { voice: 220, sms: 400 } as const;

/** The facts after a turn: later statements replace earlier ones ("now he's breathing"). */
export function accumulate(before: Facts, turn: Facts | undefined): Facts {
  return { ...before, ...turn };
}

const rx = (source: string) => new RegExp(source, "i");

/**
 * Replies that conflict with a stated fact: an instruction it makes wrong, or a question it already
 * answered. Keyed by fact, then by the value the caller gave.
 */
export const CONTRADICTIONS: Readonly<
  Record<Fact, Partial<Record<"true" | "false", readonly RegExp[]>>>
> = {
  breathing: {
    false: [
      /\brecovery position\b/i,
      /\bon(to)? (their|your|his|her) side\b/i,
      /\bif (they're|you're|he's|she's|they are|you are|he is|she is) breathing\b/i,
      /\b(is (he|she|they|your \w+) breathing|are you breathing)\b/i,
    ],
    true: [
      /\b(chest compressions|start cpr|push hard and fast)\b/i,
      /\b(is (he|she|they|your \w+) breathing|are you breathing)\b/i,
    ],
  },
  conscious: {
    false: [
      /\b(give (him|her|them) (water|a drink|something to (eat|drink))|sit (him|her|them) up|ask (him|her|them))\b/i,
      /\b(is (he|she|they) (conscious|awake|responding)|are you (conscious|awake)|can (he|she|they) (hear|talk to) you)\b/i,
    ],
    true: [
      /\b(is (he|she|they) (conscious|awake|responding)|are you (conscious|awake)|can (he|she|they) (hear|talk to) you)\b/i,
    ],
  },
  bleeding: {
    false: [/\bpress\b.*\bwound\b/i, /\bbleeding\b/i, /\bpressure on the wound\b/i],
    true: [/\b(is (he|she|they|anyone|there any) bleeding|are you bleeding)\b/i],
  },
  trapped: {
    true: [
      /\b(get out( now)?|leave the (building|house|flat|room)|walk (out|away)|evacuate)\b/i,
      /\b(are you trapped|can you get out)\b/i,
    ],
    false: [/\b(are you trapped|can you get out)\b/i],
  },
  alone: {
    true: [
      /\bstay with (them|him|her)\b/i,
      /\b(someone|somebody|anyone|anybody) (there )?(with you|nearby)\b/i,
      /\b(ask|have|get) (someone|somebody)\b/i,
      /\bare you alone\b/i,
    ],
    false: [/\b(are you alone|is (anyone|anybody|someone|somebody) (there )?with you)\b/i],
  },
  // The person check (see `checkPerson`) is what a stated patient means for the reply.
  patientIsCaller: {},
  meansAtHand: {
    false: [/\b(put (it|them|the \w+) away|move away from (it|them|the \w+))\b/i],
    true: [/\bdo you have (anything|something|the \w+|them|it) (with|near|on) you\b/i],
  },
  tookSomething: {
    true: [/\b(have you taken|did you take)\b/i],
    false: [/\b(have you taken|did you take|how (much|many) did you take)\b/i],
  },
  safeToTalk: {
    false: [
      /\btell me (what|about|more)\b/i,
      /\b(describe|what('s| is) happening|what happened|can you explain)\b/i,
      /\b(is it safe to talk|can you (talk|speak))\b/i,
    ],
    true: [/\b(is it safe to talk|are you safe to talk|can you (talk|speak) (freely|safely))\b/i],
  },
  location: {
    true: [
      /\bwhere (exactly )?are you\b/i,
      /\btell me (exactly )?where\b/i,
      /\bwhat('s| is) (your|the) address\b/i,
    ],
  },
  threatNear: {
    true: [
      /(?<!\b(don't|do not|never) )\b(go (back )?outside|open the door|go (and|to) (see|look|check))\b/i,
      /\b(is|are) (he|she|they|the person|the man|the woman) still (there|near|nearby|close|around)\b/i,
    ],
    false: [
      /\b(is|are) (he|she|they|the person|the man|the woman) still (there|near|nearby|close|around)\b/i,
    ],
  },
};

/** What every safety-mode reply carries: help alerted, stay on the line, or where they are. */
export const SAFETY_LINES: Readonly<Record<Language, RegExp>> = {
  en: /\b(alert(ed|ing)?|help is (coming|on (its|the) way)|stay on the line|don't hang up|keep talking to me|staying (here )?with you|where (exactly )?are you|address|location|is that (exactly )?where)\b/i,
  es: /(alerta|avis|ayuda (va|est[aá]) en camino|no cuelgue|qu[eé]dese en la l[ií]nea|d[oó]nde|direcci[oó]n)/i,
  fr: /(alert|pr[ée]venu|secours|ne raccrochez pas|restez en ligne|o[uù] [eê]tes|adresse)/i,
};

const STOPWORDS: Readonly<Record<Exclude<Language, "en">, RegExp>> = {
  es: /(?<![\p{L}])(usted|está|esta|por favor|aquí|ayuda|que|qué|con|la|el|lo|los|las|no|sí|una|un|persona|en|de|se|su|le|es|y)(?![\p{L}])/giu,
  fr: /(?<![\p{L}])(vous|est|êtes|s'il vous plaît|ici|aide|que|qui|avec|la|le|les|pas|oui|une|un|personne|de|en|ne|il|elle|des|du|et)(?![\p{L}])/giu,
};
const ENGLISH_REPLY = /\b(the|you|your|please|help is)\b/i;
const ENGLISH_CALLER = /\b(the|i|i'm|my|is|are|you|please|and|it|he|she)\b/i;

/**
 * Whether a caller's line reads as English. A Spanish or French conversation is held to its language
 * from the first caller line that does not.
 */
export function speaksEnglish(text: string): boolean {
  return ENGLISH_CALLER.test(text);
}

export function checkUrgency(expect: Expectation, outcome: Outcome): Failure[] {
  const failures: Failure[] = [];
  if (expect.urgency !== undefined && outcome.urgency !== expect.urgency) {
    failures.push({ check: "urgency", detail: `${outcome.urgency}, expected ${expect.urgency}` });
  }
  if (
    expect.minUrgency !== undefined &&
    URGENCY_RANK[outcome.urgency] < URGENCY_RANK[expect.minUrgency]
  ) {
    failures.push({
      check: "minUrgency",
      detail: `${outcome.urgency}, expected at least ${expect.minUrgency}`,
    });
  }
  if (expect.mode !== undefined && outcome.mode !== expect.mode) {
    failures.push({ check: "mode", detail: `${outcome.mode}, expected ${expect.mode}` });
  }
  return failures;
}

export function checkMentions(expect: Expectation, reply: string): Failure[] {
  const failures: Failure[] = [];
  for (const source of expect.mention ?? []) {
    if (!rx(source).test(reply)) failures.push({ check: "mention", detail: `/${source}/` });
  }
  for (const source of expect.notMention ?? []) {
    if (rx(source).test(reply)) failures.push({ check: "notMention", detail: `/${source}/` });
  }
  return failures;
}

/**
 * A reply that speaks of the patient in the third person: care given to "them", "they" breathing or
 * hurt, "their" body. Pronouns for things ("put them in another room": the pills; "opening them":
 * the doors) are not about a patient and pass.
 */
const THIRD_PERSON_PATIENT = new RegExp(
  [
    "\\b((stay|sit|wait) with|keep|roll|help|give|check on|lay|ask|comfort|reassure|watch) (them|him|her)\\b(?! (away|out of|in (another|the)|somewhere|locked|down|to)\\b)",
    "\\b(they|he|she)('re|'s| are| is| was)? (breathing|conscious|awake|bleeding|hurt|injured|responding|in pain|allergic|not breathing)\\b",
    "\\b(if|is|are|can|does|do) (they|he|she)\\b",
    "\\b(their|his|her) (chest|breathing|head|airway|wound|injury|injuries|symptoms|pain|mouth|side|arm|leg|back|neck|body|inhaler)\\b",
    "\\bthe (patient|injured person|casualty)\\b",
  ].join("|"),
  "i",
);
/** A reply that treats the caller as the patient when the patient is someone with them. */
const CALLER_AS_PATIENT =
  /\b(sit down and rest|are you (breathing|bleeding|conscious|hurt|in pain)|your (chest|breathing|wound|injury|injuries|symptoms|pain))\b/i;

/**
 * The person the reply speaks of. Only English replies are read (the patterns are English).
 */
export function checkPerson(
  person: "you" | "them" | undefined,
  reply: string,
  language: Language,
): Failure[] {
  if (person === undefined || language !== "en") return [];
  const word = (person === "you" ? THIRD_PERSON_PATIENT : CALLER_AS_PATIENT).exec(reply)?.[0];
  if (word === undefined) return [];
  return [
    {
      check: "person",
      detail:
        person === "you"
          ? `"${word}": the caller is the patient`
          : `"${word}": the patient is someone else`,
    },
  ];
}

/** The person a turn checks: its own, else what the caller said about who is in danger. */
export function personOf(expect: Expectation, stated: Facts): "you" | "them" | undefined {
  if (expect.person !== undefined) return expect.person;
  if (stated.patientIsCaller === undefined) return undefined;
  return stated.patientIsCaller ? "you" : "them";
}

export function checkLength(
  expect: Expectation,
  reply: string,
  medium: "voice" | "sms",
): Failure[] {
  const max = expect.maxLength ?? MAX_LENGTH[medium];
  return reply.length <= max
    ? []
    : [{ check: "maxLength", detail: `${reply.length} characters, at most ${max}` }];
}

export function checkContradictions(stated: Facts, reply: string): Failure[] {
  const failures: Failure[] = [];
  for (const [fact, value] of Object.entries(stated) as [Fact, boolean | undefined][]) {
    if (value === undefined) continue;
    for (const forbidden of CONTRADICTIONS[fact][value ? "true" : "false"] ?? []) {
      const found = forbidden.exec(reply)?.[0];
      if (found !== undefined) {
        failures.push({ check: "contradiction", detail: `${fact}=${value}: "${found}"` });
      }
    }
  }
  return failures;
}

/** A reply in Spanish or French: two of the language's common words, and no English ones. */
export function checkLanguage(language: Language, active: boolean, reply: string): Failure[] {
  if (language === "en" || !active) return [];
  const words = new Set([...reply.matchAll(STOPWORDS[language])].map((m) => m[0].toLowerCase()));
  const english = ENGLISH_REPLY.exec(reply)?.[0];
  const failures: Failure[] = [];
  if (words.size < 2) failures.push({ check: "language", detail: `not in ${language}` });
  if (english !== undefined) failures.push({ check: "language", detail: `English "${english}"` });
  return failures;
}

export function checkSafety(outcome: Outcome, language: Language): Failure[] {
  if (outcome.mode !== "safety" || SAFETY_LINES[language].test(outcome.reply)) return [];
  return [{ check: "safety", detail: "no help-alerted, stay-on-the-line or location line" }];
}

/** Every check of one turn; an empty list is a pass. */
export function checkTurn(expect: Expectation, context: TurnContext, outcome: Outcome): Failure[] {
  const { reply } = outcome;
  return [
    ...checkUrgency(expect, outcome),
    ...checkSafety(outcome, context.language),
    ...checkMentions(expect, reply),
    ...checkPerson(personOf(expect, context.stated), reply, context.language),
    ...checkLength(expect, reply, context.medium),
    ...checkContradictions(context.stated, reply),
    ...checkLanguage(context.language, context.languageActive, reply),
  ];
}
