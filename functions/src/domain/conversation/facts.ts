/**
 * The facts a caller states in one utterance, read the way triage reads danger words: a phrase
 * counts, is denied in its clause ("no I'm not bleeding", "the bleeding has stopped") or is only a
 * question ("what if he stops breathing?"). Phrases are in English, Spanish and French; utterances
 * arrive normalised (lower case, SMS shorthand expanded).
 *
 * This file is mostly data: the phrase table is FACT_PHRASES. How a whole conversation's facts add
 * up (later statements win, yes/no answers to our questions) lives in state.ts.
 */
import { statusOf } from "../triage/index.js";

export const FACTS = [
  "breathing",
  "conscious",
  "bleeding",
  "trapped",
  "injured",
  "alone",
  "outside",
  "meansAtHand",
  "tookSomething",
  "safeToTalk",
  "threatNear",
  "danger",
  "atHome",
] as const;
export type Fact = (typeof FACTS)[number];

export type Facts = Readonly<Partial<Record<Fact, boolean>>>;

interface FactPhrase {
  readonly fact: Fact;
  /** What the phrase says about the fact when it counts; a denied phrase says the opposite. */
  readonly value: boolean;
  readonly pattern: RegExp;
  /** The phrase already carries its own negation ("not breathing"): read it as it stands. */
  readonly fixed?: boolean;
}

/** Letters, accented ones included: `\b` does not see "í" as part of a word. */
const END = "(?![\\p{L}\\p{N}])";
const START = "(?<![\\p{L}\\p{N}'])";

function phrase(source: string): RegExp {
  return new RegExp(`${START}(?:${source})${END}`, "gu");
}

/**
 * Order matters within a fact: the first phrase that matches in a clause decides it, so fixed
 * phrases ("stopped breathing", "can't breathe") come before the bare word they contain.
 */
const FACT_PHRASES: readonly FactPhrase[] = [
  // Breathing with difficulty is breathing: CPR would be wrong for it.
  {
    fact: "breathing",
    value: true,
    fixed: true,
    pattern: phrase(
      "can't breathe|can't breath|cannot breathe|trouble breathing|hard to breathe|difficulty breathing|struggling to breathe|short(?:ness)? of breath|gasping|wheezing|le cuesta respirar|no puede respirar bien|respire mal",
    ),
  },
  {
    fact: "breathing",
    value: false,
    fixed: true,
    pattern: phrase(
      "(?:not|isn't|aren't|stopped|no longer|isnt|wasn't) breathing|(?:doesn't|don't|isn't|won't) breathe|no (?:longer )?breath(?:ing)?|no pulse|heart (?:has )?stopped|cardiac arrest|don't think (?:he|she|they)(?:'s| is| are)? breathing|no respira|dej[óo] de respirar|ne respire (?:plus|pas)|respire plus|ne respire",
    ),
  },
  {
    fact: "breathing",
    value: true,
    pattern: phrase("breathing|breathes|breathe|respira|respirando|respire"),
  },
  {
    fact: "conscious",
    value: false,
    fixed: true,
    pattern: phrase(
      "unconscious|unconcious|unresponsive|passed out|collapsed|not responding|(?:not|isn't|is not) moving|won't move|not waking(?: up)?|isn't waking(?: up)?|won't wake(?: up)?|not waking|not conscious|isn't responding|won't wake(?: up)?|can't wake (?:him|her|them)(?: up)?|knocked out|fainted|blacked out|inconsciente|se desmay[óo]|desmayad[oa]|no responde|no reacciona|inconscient|évanoui|evanoui|ne répond (?:plus|pas)|ne repond (?:plus|pas)|s'est effondré",
    ),
  },
  {
    fact: "conscious",
    value: true,
    pattern: phrase(
      "awake|conscious|responding|responsive|woke up|came round|came to|talking to me|consciente|despiert[oa]|responde|conscient|réveillé",
    ),
  },
  {
    fact: "bleeding",
    value: true,
    fixed: true,
    pattern: phrase(
      "(?:been |was |got |were )?(?:stabbed|shot)(?! at)|gunshot wound|cut (?:his|her|their|my) (?:\\w+ )?(?:wrist|arm|leg|throat)",
    ),
  },
  {
    fact: "bleeding",
    value: true,
    pattern: phrase(
      "bleeding|bleeds|bleed|blood(?! sugar| pressure| test| type)|bled|sangra|sangrando|sangre|sangrado|saigne|saignement|sang",
    ),
  },
  {
    fact: "trapped",
    value: true,
    pattern: phrase(
      "trapped|pinned|stuck inside|can't get out|locked in|atrapad[oa]|coincé|coince|bloqué",
    ),
  },
  {
    fact: "injured",
    value: false,
    fixed: true,
    pattern: phrase(
      "(?:nobody|no one|noone|none of us)(?: is|'s)? (?:hurt|injured)|(?:i'm|i am|we're|we are|he's|she's|they're) (?:fine|ok|okay|alright|all right|not hurt)|not hurt|nadie est[áa] herido|estoy bien|personne n'est blessé|je vais bien",
    ),
  },
  {
    fact: "injured",
    value: true,
    pattern: phrase("hurt|injured|injury|wounded|herid[oa]|lastimad[oa]|blessée?"),
  },
  {
    fact: "alone",
    value: true,
    fixed: true,
    pattern: phrase(
      "(?:i'm|i am) (?:all )?(?:alone|on my own|by myself)|home alone|alone at home|(?:live|living) (?:alone|on my own|by myself)|(?:nobody|no one|noone)(?: else)?(?: is|'s)? (?:here|with me|home|around)|there's (?:nobody|no one)(?: else)?(?: here| with me)?|estoy sol[oa]|vivo sol[oa]|je suis seule?|je vis seule?",
    ),
  },
  {
    fact: "alone",
    value: false,
    fixed: true,
    pattern: phrase(
      "(?:is|are|'s|'re) (?:here )?with me|(?:i'm|i am|we're|we are) (?:here )?with (?:him|her|them|my)|(?:someone|somebody|my \\w+) is here|not alone|est[áa] conmigo|estoy con (?:él|ella|mi)|est avec moi|je suis avec",
    ),
  },
  {
    fact: "outside",
    value: true,
    fixed: true,
    pattern: phrase(
      "(?:we're|i'm|we are|i am|everyone's|everyone is|we're all|they're) (?:all )?(?:out|outside)(?: now)?(?! of breath)|(?:we|i|everyone|they) (?:all )?got out|(?:we|i) made it out|estamos fuera|ya salimos|je suis dehors|nous sommes dehors|on est dehors",
    ),
  },
  {
    fact: "meansAtHand",
    value: false,
    fixed: true,
    pattern: phrase(
      "(?:put|moved|thrown|threw|got rid of|flushed|left|hid) (?:them|it|the \\w+|my \\w+) (?:away|out|in (?:the |another |a different )?(?:kitchen|other room|another room|drawer|bin|bathroom|car|garden))|(?:put|moved|thrown|threw|got rid of|flushed) away|(?:in|into) (?:another|the other) room|moved away from",
    ),
  },
  {
    fact: "meansAtHand",
    value: true,
    pattern: phrase(
      "(?:i'm|i am|i've been|i keep) cutting myself|(?:he|she|they) (?:has|have|'s got|got) (?:a |the )?(?:rope|knife|gun|pills|blade)|(?:i have|i've got|i got|i've|there are|there's|got|holding|have) (?:some |a |my |the |his |her |lots of |a lot of |a bottle of |a box of |all my |all the )?(?:pills|tablets|meds|medication|knife|blade|razor|rope|gun|pistol|painkillers|paracetamol)|tengo (?:pastillas|un cuchillo|una cuerda)|j'ai (?:des (?:médicaments|medicaments|cachets)|un couteau)",
    ),
  },
  {
    fact: "tookSomething",
    value: false,
    fixed: true,
    pattern: phrase(
      "(?:haven't|didn't|have not|did not) (?:taken|take|swallowed|swallow) (?:anything|any|them|it)|(?:not|nothing) (?:taken|yet)|no he tomado nada|je n'ai rien pris",
    ),
  },
  {
    fact: "tookSomething",
    value: true,
    pattern: phrase(
      "(?:i|i've|i have) (?:took|taken|swallowed|had) (?:some|all|a lot|lots|them|it|the|my|\\d+|a|an|too many|something|anything)|took (?:some|all|them|a lot|\\d+|too many)|overdos(?:e|ed|ing)|tom[ée] (?:pastillas|todas)|j'ai pris",
    ),
  },
  {
    fact: "safeToTalk",
    value: false,
    fixed: true,
    pattern: phrase(
      "(?:can't|cannot|can not) (?:talk|speak)|not safe to (?:talk|speak)|(?:he|she|they)(?:'ll| will| can| might) hear|(?:he's|she's|they're) listening|have to whisper|no puedo hablar|je ne peux pas parler",
    ),
  },
  {
    fact: "safeToTalk",
    value: true,
    fixed: true,
    pattern: phrase("(?:i can|i'm able to) (?:talk|speak)(?: now)?|safe to (?:talk|speak)"),
  },
  {
    fact: "threatNear",
    value: false,
    fixed: true,
    pattern: phrase(
      "(?:he's|she's|they're|he is|she is|they are|he has|she has|they have) (?:gone|left)|(?:ran|run|went|drove|walked) (?:off|away)|(?:he|she|they) left|lost (?:him|her|them)|(?:doesn't|does not|don't|do not) know where (?:i|we) (?:live|am|are)|se (?:fue|ha ido)|il est parti",
    ),
  },
  {
    fact: "threatNear",
    value: true,
    fixed: true,
    pattern: phrase(
      "(?:he's|she's|they're|he is|she is|they are) still (?:there|here|outside|following|behind|near|around|in)|still (?:following|behind|outside|there)|right behind me|outside (?:my|the) door|(?:he's|she's|they're|he is|she is|they are) (?:here|coming|in the (?:house|other room|next room|kitchen|hall|hallway|living room)|downstairs|upstairs)|(?:kicking|banging (?:on)?|trying to (?:open|get through)) (?:my|the) door|i can hear (?:him|her|them)|hay alguien en (?:mi|la) casa|sigue (?:ahí|aqui|aquí|ahi)|il est toujours là",
    ),
  },
  {
    fact: "danger",
    value: true,
    fixed: true,
    pattern: phrase(
      "(?:i'm|i am|we're|we are) in danger|not safe|estoy en peligro|je suis en danger",
    ),
  },
  {
    fact: "danger",
    value: false,
    fixed: true,
    pattern: phrase("(?:i'm|i am|we're|we are) safe(?: now)?|estoy a salvo|je suis en sécurité"),
  },
  {
    fact: "atHome",
    value: true,
    fixed: true,
    pattern: phrase(
      "(?:i'm|i am|we're|we are) (?:at )?home|at home|in my (?:house|flat|home|apartment)|en casa|à la maison",
    ),
  },
];

/** What one utterance says about each fact it mentions: the last mention in it wins. */
export function readFacts(normalized: string): Facts {
  const found: { fact: Fact; value: boolean; at: number }[] = [];
  const taken: { fact: Fact; start: number; end: number }[] = [];
  for (const entry of FACT_PHRASES) {
    entry.pattern.lastIndex = 0;
    for (const match of normalized.matchAll(entry.pattern)) {
      const start = match.index;
      const end = start + match[0].length;
      // A longer phrase of the same fact already read these words ("not breathing" before "breathing").
      if (taken.some((span) => span.fact === entry.fact && start < span.end && end > span.start)) {
        continue;
      }
      taken.push({ fact: entry.fact, start, end });
      if (entry.fixed === true) {
        found.push({ fact: entry.fact, value: entry.value, at: start });
        continue;
      }
      if (uncertain(normalized, start)) continue;
      const status = statusOf(normalized, { start, end }, []);
      if (status === "hypothetical") continue;
      found.push({
        fact: entry.fact,
        value: status === "counted" ? entry.value : !entry.value,
        at: start,
      });
    }
  }
  const facts: Partial<Record<Fact, boolean>> = {};
  for (const entry of found.sort((a, b) => a.at - b.at)) facts[entry.fact] = entry.value;
  return facts;
}

/** "I don't know if he's breathing" states nothing about the breathing. */
const DOUBT =
  /\b(?:know|sure|tell|certain|check|see)\s+(?:if|whether)\b|\bwhether\b|\bno s[ée] si\b|\bje ne sais pas si\b/g;

function uncertain(text: string, position: number): boolean {
  const sentenceStart = Math.max(
    0,
    ...[".", "!", "?", "\n"].map((mark) => text.lastIndexOf(mark, position) + 1),
  );
  DOUBT.lastIndex = 0;
  return DOUBT.test(text.slice(sentenceStart, position));
}

/** A bare yes or no: an answer to whatever we asked last. */
const YES = /^(?:yes|yeah|yep|yup|yes please|uh huh|mhm|correct|right|s[ií]|oui|ouais)[.!]*$/;
const NO = /^(?:no|nope|nah|not really|no no|non)[.!]*$/;

export function yesOrNo(normalized: string): boolean | undefined {
  if (YES.test(normalized)) return true;
  if (NO.test(normalized)) return false;
  return undefined;
}
