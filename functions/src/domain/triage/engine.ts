/**
 * Urgency triage of one caller utterance: a table of terms per category, each with the level it
 * raises a call to. Every decision can be explained — the result carries the words that caused it
 * and the ones it set aside (negated, hypothetical). Negation is scoped to the clause: in
 * "nobody is hurt but the car is on fire" the "nobody" reaches "hurt" and not "fire".
 *
 * Triage only ever proposes a level; `escalate` keeps a call's urgency from going down on its own,
 * and only `applyOverride` (a supervisor, with a reason) may lower it.
 */
import { type Urgency, URGENCY_RANK } from "@lifeline/model";
import type { Category } from "../responder/index.js";

export interface TriageContext {
  /** The call's urgency before this utterance: the result never goes below it. */
  readonly current?: Urgency;
}

export type SignalStatus = "counted" | "negated" | "hypothetical";

/** One term found in the text, with what triage made of it. */
export interface TriageSignal {
  /** The words as they read after normalisation (lower case, SMS spellings expanded). */
  readonly phrase: string;
  /** The table entry that matched, e.g. `medical/not-breathing`. */
  readonly term: string;
  readonly category: Category;
  /** The level this signal contributes: the term's level, or less when negated or hypothetical. */
  readonly level: Urgency;
  readonly status: SignalStatus;
  /** The table word a misspelling was read as (`unconcious` → `unconscious`). */
  readonly readAs?: string;
}

export interface TriageResult {
  readonly level: Urgency;
  /** The level this text alone supports, before `context.current` is taken into account. */
  readonly textLevel: Urgency;
  /** The phrases that caused `textLevel` (empty when nothing in the text raised it). */
  readonly matched: readonly string[];
  readonly category: Category;
  /** One sentence a supervisor can read: the level, the terms, and what was set aside. */
  readonly reason: string;
  readonly signals: readonly TriageSignal[];
}

interface TermRule {
  readonly id: string;
  readonly category: Category;
  readonly level: Urgency;
  /** Regular-expression source over the normalised text; word boundaries are added around it. */
  readonly pattern: string;
  /**
   * The level a negated mention still carries. Self-harm is never dismissed by a denial: "I'm not
   * going to hurt myself" is still something a human should hear about.
   */
  readonly negatedLevel?: Urgency;
  /** Single words that also match with one typo (edit distance 1, same first two letters). */
  readonly fuzzy?: readonly string[];
}

const PERSON = "[a-z]+(?: [a-z]+)?";
const IS = "(?:'s|'re|'m|\\s+is|\\s+are|\\s+am|\\s+was|\\s+were|\\s+has|\\s+have|\\s+had)";
const BODY_PART =
  "(?:arm|leg|hip|wrist|ankle|hand|foot|feet|finger|fingers|toe|toes|rib|ribs|nose|jaw|neck|back|shoulder|collarbone|elbow|knee|bone|bones|skull)";

/**
 * Order does not matter: overlapping matches are resolved in favour of the longest, so
 * "not breathing" wins over any negation reading of its "not", and "fire alarm" over "fire".
 */
const TERMS: readonly TermRule[] = [
  // ---------------------------------------------------------------- self-harm (always critical)
  {
    id: "self_harm/suicide",
    category: "self_harm",
    level: "critical",
    negatedLevel: "urgent",
    pattern:
      "suicidal|suicide|kill (?:myself|my self)|killing myself|end (?:my life|it all)|ending (?:my life|it all)|take my (?:own )?life",
    fuzzy: ["suicidal"],
  },
  {
    id: "self_harm/want-to-die",
    category: "self_harm",
    level: "critical",
    negatedLevel: "urgent",
    pattern:
      "want(?:s|ed)? to die|wanna die|(?:don't|do not) want to (?:live|be alive|be here)(?: anymore)?|no reason to live|better off dead|(?:going|want|wanna|plan(?:ning)?) to (?:hurt|harm|cut) myself|(?:hurting|harming|cutting) myself|self[- ]?harm(?:ing)?|take all (?:my|the|of my) (?:pills|tablets|meds|medication)",
  },
  // ---------------------------------------------------------------- violence and threats
  {
    id: "violence/weapon",
    category: "violence",
    level: "critical",
    pattern:
      "guns?|pistol|rifle|shotgun|firearm|weapons?|armed|(?:has|had|got|holding|pulled|waving|with|threatening (?:me|us|her|him) with) (?:a |his |her |their )?(?:knife|machete|blade|bat)",
  },
  {
    id: "violence/shot-stabbed",
    category: "violence",
    level: "critical",
    pattern:
      "(?:got|been|was|were|is|are|i'm|he's|she's) (?:just )?(?:shot|stabbed)|stabbed|stabbing(?! pains?)|shooting(?! pains?)|shots fired|gunshots?|shot (?:me|him|her|them|us|at)",
  },
  {
    id: "violence/attack",
    category: "violence",
    level: "critical",
    pattern:
      "attack(?:ed|ing)? (?:me|us|him|her|them)|(?:being|been|getting|got) (?:attacked|assaulted|beaten|beat up|raped|kidnapped)|(?:hitting|beating|punching|choking|strangling|kicking) (?:me|us|her|him|them|my \\w+)|(?:going|gonna|threatened|threatening|trying) to kill|kill (?:me|us|you|her|him|them)|intruders?|(?:someone|somebody|they|he|she|people|men|man|guys?)(?:'s| is| are)? (?:trying to )?break(?:ing)? in(?:to)?|broke in(?:to)?|break-in|burglars?|burglary|someone (?:is |'s )?in (?:my|the|our) (?:house|home|flat|apartment|room)|hostage|kidnapp(?:ed|ing)|rape|raped",
  },
  {
    id: "violence/threat",
    category: "violence",
    level: "urgent",
    pattern:
      "threat(?:s|ened|ening)?|assault(?:ed)?|attack(?:ed)?|abus(?:e|ive|ing)|domestic(?: violence| abuse)?|fight(?:ing)?|stalk(?:ed|ing|er)|scared (?:of|for) my (?:life|safety)|hit me|hurt me|knife|machete|aggressive|violent|(?:following|followed|chasing) (?:me|us)",
  },
  // ---------------------------------------------------------------- fire
  {
    id: "fire/fire",
    category: "fire",
    level: "critical",
    pattern:
      "(?:on )?fire(?!\\s+(?:extinguishers?|drill|station|department|brigade|exit|escape|insurance|safety|door|truck|engine|fighters?|works|alarm|fighter))|fires(?!\\s+(?:extinguishers?|drill))|flames?|burning down|(?:house|building|kitchen|car|wild|bush|forest|grass|electrical) ?fire|explo(?:sion|ded|de)|blew up|blown up",
  },
  {
    id: "fire/smoke",
    category: "fire",
    level: "urgent",
    pattern:
      "(?<!\\b(?:i|we|you|they|to|not|don't|i don't) )smoke(?!\\s+(?:a |cigarettes?|weed|pot|alarms?|detectors?))|smoky|smell(?:s|ing)? (?:of )?(?:burning|smoke)|burning smell|something(?:'s| is) burning|(?:fire|smoke) alarms? (?:is |are |keeps? |has |have |has been |just |started )?(?:going off|gone off|went off|ringing|sounding|blaring)|sparks?|sparking",
  },
  {
    id: "fire/alarm",
    category: "fire",
    level: "normal",
    pattern: "(?:fire|smoke) (?:alarms?|detectors?)",
  },
  {
    id: "fire/services",
    category: "fire",
    level: "urgent",
    pattern: "fire (?:brigade|department|service|engine|truck)s?",
  },
  // ---------------------------------------------------------------- chemical, gas
  {
    id: "chemical/gas-leak",
    category: "chemical",
    level: "critical",
    pattern:
      "gas leak(?:s|ing)?|leaking gas|gas (?:is |'s )?leaking|smell(?:s|ing)? (?:of )?gas|gas smell|carbon monoxide|co alarm|co detector|(?:drank|swallowed|ingested|drinking) (?:some )?(?:bleach|chemicals?|poison|cleaner|antifreeze|detergent)|(?<!food )poison(?:ed|ing)?|toxic (?:gas|fumes|cloud)",
  },
  {
    id: "chemical/spill",
    category: "chemical",
    level: "urgent",
    pattern:
      "chemicals?(?: spill| leak| burns?)?|spill(?:ed)? (?:acid|bleach|chemicals?)|fumes|toxic|acid(?! reflux)|ammonia|chlorine|bleach|hazmat|leak(?:ing)? (?:acid|fuel|chemicals?)",
  },
  // ---------------------------------------------------------------- medical
  {
    id: "medical/not-breathing",
    category: "medical",
    level: "critical",
    pattern: `(?:not|isn't|stopped|stops|stop|no longer|aren't) breath(?:ing|in)|(?:can't|cannot|could not|couldn't|unable to|can hardly|can barely|struggling to|hard to|trouble|difficulty|difficult to) breath(?:e|ing|in)?|short(?:ness)? of breath|gasping(?: for air)?|(?:don't|do not) think ${PERSON}${IS}? breathing|(?:don't know|not sure|can't tell|unsure) (?:if|whether) ${PERSON}${IS}? (?:breathing|alive|conscious)|no pulse|(?:turning|turned|going|gone|lips are|lips) blue|choking|choked|drowning|drowned`,
  },
  {
    id: "medical/unconscious",
    category: "medical",
    level: "critical",
    pattern:
      "unconscious|unconcious|unresponsive|not (?:conscious|responding|responsive|moving|waking up)|(?:isn't|wasn't|won't|is not) (?:wake up|waking|responding|respond|moving)|won't wake|can't wake (?:him|her|them)(?: up)?|collaps(?:ed|ing|e)|lost consciousness|passed out|knocked out|(?<!(?:phone|battery|car|line)(?: is|'s| was| went)? )dead(?! (?:tired|end|line|battery|phone))|(?<!(?:phone|battery)(?: is|'s)? )dying(?! (?:to|for))",
    fuzzy: ["unconscious", "unresponsive", "collapsed"],
  },
  {
    id: "medical/cardiac",
    category: "medical",
    level: "critical",
    pattern:
      "chest pains?|(?:pain|pressure|tightness) in (?:my|his|her|the) chest|chest (?:is )?(?:tight|hurts|pressure)|heart attack|cardiac arrest|heart (?:has )?stopped",
  },
  {
    id: "medical/stroke",
    category: "medical",
    level: "critical",
    pattern:
      "stroke|strokes|(?:face|mouth|smile) (?:is )?(?:drooping|droopy|dropped|twisted)|drooping|slurr(?:ed|ing)(?: (?:speech|words))?|(?:can't|cannot) (?:lift|raise|move) (?:his|her|my|their) (?:arm|leg|left|right)|(?:numb|weak)(?:ness)? (?:on|down) one side|one side (?:of (?:his|her|my) (?:body|face) )?(?:is )?(?:numb|weak|drooping)",
  },
  {
    id: "medical/seizure",
    category: "medical",
    level: "critical",
    pattern: "seizures?|siezures?|seizing|having (?:a fit|fits)|convuls(?:ing|ions?|ed)",
    fuzzy: ["seizure", "convulsing"],
  },
  {
    id: "medical/overdose",
    category: "medical",
    level: "critical",
    pattern:
      "overdos(?:e|ed|ing)|too many (?:pills|tablets)|took (?:a lot|lots) of (?:pills|tablets)",
    fuzzy: ["overdose", "overdosed"],
  },
  {
    id: "medical/anaphylaxis",
    category: "medical",
    level: "critical",
    pattern:
      "anaphyla(?:xis|ctic)|throat (?:is )?(?:swelling|closing|swollen)|tongue (?:is )?swelling|(?:used|need) (?:an |his |her |my )?epi ?pen",
  },
  {
    id: "medical/severe",
    category: "medical",
    level: "critical",
    pattern: "vomiting blood|coughing (?:up )?blood|not making sense|(?:very|really) confused",
  },
  {
    id: "medical/urgent",
    category: "medical",
    level: "urgent",
    pattern:
      "ambulance|ambulence|paramedics?|allergic reaction|(?:having |had )?(?:an? )?(?:asthma|panic) attack|(?:low|high) blood sugar|hypo|diabetic|(?:in|into) labou?r|contractions|waters? (?:has |have )?broke(?:n)?|high fever|burning up|(?:severe|really bad|terrible|worst|stabbing|sharp) (?:pains?|headache)|pain is (?:getting )?worse|dizzy|faint|fainted|confused|disoriented|vomiting|throwing up|can't stop (?:vomiting|throwing up|shaking)|food poisoning|heart(?:'s| is) racing|palpitations",
    fuzzy: ["ambulance", "paramedic"],
  },
  {
    id: "medical/symptom",
    category: "medical",
    level: "normal",
    pattern:
      "pain|pains|hurts|headache|fever|cough(?:ing)?|sick|unwell|medication|medicine|pills|prescription|doctor|nurse|blood pressure|not feeling (?:well|great|good)|feel(?:ing)? (?:off|weak|tired)",
  },
  // ---------------------------------------------------------------- injury
  {
    id: "injury/severe-bleeding",
    category: "injury",
    level: "critical",
    pattern:
      "bleed(?:ing|in) (?:a lot|heavily|badly|bad|everywhere|so much|non ?stop|out)|(?:won't|will not|can't|doesn't|isn't) stop(?:ping)? (?:the )?bleed(?:ing|in)?|bleeding (?:won't|will not|doesn't|isn't) stop(?:ping)?|(?:lots|lot|so much|loads|pool) of blood|blood (?:everywhere|all over|is pouring|pouring|spurting)|gushing|(?:hit by a|run over by a|knocked down by a) (?:car|truck|bus|van|train|bike)|(?:hit|fell|fallen|fall) (?:on|from|off) (?:his|her|my|their|the)? ?(?:head|roof|ladder|scaffold(?:ing)?|balcony|stairs)|head (?:is )?bleeding|impaled|amputat(?:ed|ion)|severed|trapped|pinned (?:under|down)|crushed",
  },
  {
    id: "injury/bleeding",
    category: "injury",
    level: "urgent",
    pattern:
      "bleed(?:ing|in|s)?|bled|blood(?!\\s+(?:pressure|sugar|test|tests|work|type|donation|results?))",
    fuzzy: ["bleeding"],
  },
  {
    id: "injury/fall",
    category: "injury",
    level: "urgent",
    pattern:
      "fell|fallen|(?:had|taken|took) a (?:bad )?fall|falling down|slipped|tripped|can't get up|cannot get up|unable to get up|(?:hit|banged|bumped) (?:my|his|her|their) head|head (?:injury|wound)",
  },
  {
    id: "injury/fracture",
    category: "injury",
    level: "urgent",
    pattern: `broken ${BODY_PART}|broke (?:my|his|her|their) ${BODY_PART}|${BODY_PART} (?:is |'s )?broken|fractur(?:e|ed|es)|dislocat(?:ed|ion)|(?:severe |bad )?burns?|burnt|burned|deep cut|(?:car|road|traffic|bike|work|workplace) (?:accident|crash|collision)|accident|crashed (?:into|my|the|our|his|her)|injur(?:ed|y|ies)|hurt|wounded|electrocuted|electric shock|(?:dog |animal |snake )?bit(?:e|ten)? (?:me|him|her|them|us|my \\w+)|(?:dog|animal|snake) bite|bitten`,
    fuzzy: ["fractured", "injured"],
  },
  {
    id: "injury/minor",
    category: "injury",
    level: "normal",
    pattern:
      "cut|cuts|bruis(?:e|ed|es)|sprain(?:ed)?|twisted (?:my|his|her) (?:ankle|knee|wrist)|scrape(?:d)?|graze(?:d)?|swollen|swelling",
  },
  // ---------------------------------------------------------------- lost, stranded
  {
    id: "lost/stranded",
    category: "lost",
    level: "urgent",
    pattern:
      "(?:i'm|i am|we're|we are|got|getting|are|is|be|he's|she's|they're) (?:completely |totally |a bit |so )?lost|stranded|stuck (?:in|on|at|out)|(?:don't|do not) know where (?:i|we) (?:am|are)|no idea where (?:i|we) (?:am|are)|can't find (?:my|our|the) way|(?:car|truck|van) (?:has |just )?broke(?:n)? down|broken down|ran out of (?:fuel|petrol|gas)|(?:went|gone|is|are) missing|missing (?:child|person|kid)|wander(?:ed)? off",
  },
  // ---------------------------------------------------------------- general
  {
    id: "general/emergency",
    category: "general",
    level: "urgent",
    pattern:
      "emergency|emergancy|(?:call(?:ed|ing)?|dial(?:led|ing)?|ring(?:ing)?) (?:911|999|112|the police|the cops)|police|(?:need|send|get) (?:help|someone) (?:now|asap|quick(?:ly)?|fast|immediately|right now)|help help|someone help|help us|urgent|hurry|asap|sos|mayday|scared|terrified|panicking|in danger",
    fuzzy: ["emergency"],
  },
];

/** Typed shorthand and common spellings, expanded before matching (SMS is a first-class medium). */
const SMS_WORDS: Readonly<Record<string, string>> = {
  u: "you",
  ur: "your",
  r: "are",
  pls: "please",
  plz: "please",
  plez: "please",
  cant: "can't",
  cannot: "can't",
  dont: "don't",
  doesnt: "doesn't",
  didnt: "didn't",
  isnt: "isn't",
  wasnt: "wasn't",
  arent: "aren't",
  werent: "weren't",
  wont: "won't",
  wouldnt: "wouldn't",
  couldnt: "couldn't",
  hasnt: "hasn't",
  havent: "haven't",
  aint: "ain't",
  im: "i'm",
  ive: "i've",
  hes: "he's",
  shes: "she's",
  theres: "there's",
  thats: "that's",
  whats: "what's",
  theyre: "they're",
  ppl: "people",
  sum1: "someone",
  some1: "someone",
  sb: "somebody",
  no1: "no one",
  noone: "no one",
  idk: "i don't know",
  bc: "because",
  cuz: "because",
  coz: "because",
  b4: "before",
  in2: "into",
  rn: "right now",
  hlp: "help",
  kms: "kill myself",
  od: "overdose",
  oded: "overdosed",
  "od'd": "overdosed",
  ambo: "ambulance",
  bleedin: "bleeding",
  breathin: "breathing",
  "w/": "with",
  "w/o": "without",
};

/** Words that end a clause for negation: "no smoke but fire" negates only the smoke. */
const CLAUSE_BREAK =
  /[.!?;:,\n()]|\s[-–—]+\s|\b(?:but|and|or|though|although|however|except|yet|then|because|while|whereas|plus)\b/g;

/** Words that deny what follows in their clause. `no` is narrower: see `negatedByNo`. */
const NEGATORS = new Set([
  "not",
  "never",
  "nobody",
  "nothing",
  "none",
  "neither",
  "nor",
  "without",
  "isn't",
  "aren't",
  "wasn't",
  "weren't",
  "don't",
  "doesn't",
  "didn't",
  "hasn't",
  "haven't",
  "hadn't",
  "ain't",
  "won't",
  "can't",
  "couldn't",
  "wouldn't",
  "zero",
]);
/** "not sure there's smoke" is doubt, not denial; "not just smoke" is more, not less. */
const AFTER_NEGATOR_NOT_A_DENIAL = new Set([
  "sure",
  "certain",
  "know",
  "tell",
  "idea",
  "just",
  "only",
  "even",
  "stop",
  "well",
  "good",
  "great",
  "ok",
  "okay",
  "right",
  "doing",
]);
/** "no <filler>* <term>": "no more smoke", "no sign of fire", "no one is hurt". */
const NO_FILLERS = new Set([
  "more",
  "longer",
  "visible",
  "sign",
  "signs",
  "of",
  "any",
  "real",
  "obvious",
  "active",
  "big",
  "serious",
  "major",
  "actual",
  "further",
  "open",
  "one",
  "is",
  "was",
  "got",
  "has",
  "been",
  "a",
]);
const NEGATION_WINDOW = 4;
/** "the bleeding has stopped", "fire's out", "smoke is gone". `out` needs a verb: "bleeding out" is worse, not better. */
const CLEARED_AFTER =
  /^(?:'s|'re)?(?:\s+(?:is|was|are|were|has|have|had|been|now|all|finally|completely|already|mostly|totally))*\s+(?:gone|stopped|over|under control|died down|extinguished|cleared(?: up)?|finished)\b|^(?:'s|'re)?(?:\s+(?:is|was|are|were|has|have|had|been|now|all|finally|completely|already|mostly|totally))+\s+(?:put\s+)?out\b|^'s\s+out\b|^\s+(?:went|got put|was put|been put) out\b/;
/** A term after one of these in its clause is a question about a situation, not the situation. */
const HYPOTHETICAL =
  /(?<!\b(?:know|sure|tell|see|check|wondering|wonder|unsure|certain) )\b(?:if|in case(?: of)?|suppose|supposing|hypothetically)\b|\bwhat (?:do|should|to) (?:i |we |you )?do (?:in|during|about)\b|\bhow (?:do|to|should|can) (?:i |you |we )?(?:use|treat|handle|deal with|recogni[sz]e|spot|prevent|avoid|tell)\b|\bwhat are the (?:signs|symptoms) of\b/;
/** Comparisons where a negator intensifies: "never had chest pain like this". */
const INTENSIFIED = /\b(?:like this|like that|this bad|so bad|before)\b/;

/** Lower case, straight apostrophes, SMS shorthand expanded, shouted letters folded ("fireeee"). */
export function normalizeUtterance(text: string): string {
  const lowered = text
    .toLowerCase()
    .replace(/[\u2018\u2019\u02bc`´]/g, "'")
    .replace(/[\u201c\u201d]/g, '"')
    .replace(/([a-z])\1{2,}/g, "$1")
    .replace(/\s+/g, " ")
    .trim();
  return lowered.replace(/[a-z0-9/']+/g, (word) => {
    const bare = word.replace(/^'+|'+$/g, "");
    const expanded = SMS_WORDS[bare];
    return expanded === undefined ? word : word.replace(bare, expanded);
  });
}

interface Match {
  readonly rule: TermRule;
  readonly start: number;
  readonly end: number;
  readonly readAs?: string;
}

/**
 * Each top-level alternative gets its own expression: a single alternation stops at the first
 * alternative that matches ("smoke" before "smoke detector"), and the longest phrase should win.
 */
const COMPILED = TERMS.flatMap((rule) =>
  topLevelAlternatives(rule.pattern).map((alternative) => ({
    rule,
    regex: new RegExp(`(?<![a-z0-9'])(?:${alternative})(?![a-z0-9])`, "g"),
  })),
);

function topLevelAlternatives(pattern: string): string[] {
  const alternatives: string[] = [];
  let depth = 0;
  let inClass = false;
  let start = 0;
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i];
    if (char === "\\") i++;
    else if (inClass) inClass = char !== "]";
    else if (char === "[") inClass = true;
    else if (char === "(") depth++;
    else if (char === ")") depth--;
    else if (char === "|" && depth === 0) {
      alternatives.push(pattern.slice(start, i));
      start = i + 1;
    }
  }
  alternatives.push(pattern.slice(start));
  return alternatives;
}

function findMatches(text: string): Match[] {
  const found: Match[] = [];
  for (const { rule, regex } of COMPILED) {
    regex.lastIndex = 0;
    for (const match of text.matchAll(regex)) {
      if (match[0].length > 0)
        found.push({ rule, start: match.index, end: match.index + match[0].length });
    }
  }
  for (const word of text.matchAll(/[a-z']+/g)) {
    for (const rule of TERMS) {
      for (const target of rule.fuzzy ?? []) {
        if (word[0] !== target && withinOneEdit(word[0], target)) {
          found.push({ rule, start: word.index, end: word.index + word[0].length, readAs: target });
        }
      }
    }
  }
  // Longest first, then the more severe rule: overlapping shorter matches are dropped.
  found.sort(
    (a, b) =>
      b.end - b.start - (a.end - a.start) ||
      URGENCY_RANK[b.rule.level] - URGENCY_RANK[a.rule.level] ||
      a.start - b.start,
  );
  const kept: Match[] = [];
  for (const candidate of found) {
    if (kept.every((k) => candidate.end <= k.start || candidate.start >= k.end))
      kept.push(candidate);
  }
  return kept.sort((a, b) => a.start - b.start);
}

/** Damerau–Levenshtein distance of at most one, for words of eight letters or more sharing their first two. */
function withinOneEdit(word: string, target: string): boolean {
  if (target.length < 7 || word.slice(0, 2) !== target.slice(0, 2)) return false;
  if (Math.abs(word.length - target.length) > 1) return false;
  let i = 0;
  while (i < word.length && i < target.length && word[i] === target[i]) i++;
  if (word.length === target.length) {
    if (word.slice(i + 1) === target.slice(i + 1)) return true;
    return (
      word[i] === target[i + 1] &&
      word[i + 1] === target[i] &&
      word.slice(i + 2) === target.slice(i + 2)
    );
  }
  return word.length > target.length
    ? word.slice(i + 1) === target.slice(i)
    : word.slice(i) === target.slice(i + 1);
}

function clauseBounds(text: string, position: number): { start: number; end: number } {
  let start = 0;
  let end = text.length;
  for (const brk of text.matchAll(CLAUSE_BREAK)) {
    const brkEnd = brk.index + brk[0].length;
    if (brkEnd <= position) start = brkEnd;
    else if (brk.index >= position) {
      end = brk.index;
      break;
    }
  }
  return { start, end };
}

function tokensWithSpans(text: string, from: number, to: number) {
  const out: { word: string; start: number; end: number }[] = [];
  for (const token of text.slice(from, to).matchAll(/[a-z0-9']+/g)) {
    out.push({
      word: token[0],
      start: from + token.index,
      end: from + token.index + token[0].length,
    });
  }
  return out;
}

function statusOf(text: string, match: Match, all: readonly Match[]): SignalStatus {
  const clause = clauseBounds(text, match.start);
  const insideTerm = (start: number) =>
    all.some((m) => m !== match && start >= m.start && start < m.end);
  const before = tokensWithSpans(text, clause.start, match.start).filter(
    (t) => !insideTerm(t.start),
  );
  const clauseText = text.slice(clause.start, clause.end);

  if (HYPOTHETICAL.test(text.slice(clause.start, match.start))) return "hypothetical";

  const window = before.slice(-NEGATION_WINDOW);
  const intensified = INTENSIFIED.test(clauseText);
  for (let i = 0; i < window.length; i++) {
    const token = window[i];
    if (token === undefined) continue;
    const next = window[i + 1]?.word ?? text.slice(token.end, match.start).trim().split(/\s+/)[0];
    if (NEGATORS.has(token.word) && !intensified && !AFTER_NEGATOR_NOT_A_DENIAL.has(next ?? "")) {
      return "negated";
    }
  }
  if (negatedByNo(before)) return "negated";
  if (CLEARED_AFTER.test(text.slice(match.end, clause.end))) return "negated";
  return "counted";
}

/** "no" denies only what directly follows it, give or take filler: "no more smoke", not "no he's bleeding". */
function negatedByNo(before: readonly { word: string }[]): boolean {
  for (let i = before.length - 1; i >= 0 && before.length - i <= NEGATION_WINDOW; i--) {
    const word = before[i]?.word;
    if (word === "no") return before.slice(i + 1).every((t) => NO_FILLERS.has(t.word));
    if (word === undefined || !NO_FILLERS.has(word)) return false;
  }
  return false;
}

/** Tie-break between categories at the same level: the caller's own safety first. */
const CATEGORY_PRIORITY: readonly Category[] = [
  "self_harm",
  "violence",
  "fire",
  "chemical",
  "medical",
  "injury",
  "lost",
  "general",
];

function levelFor(rule: TermRule, status: SignalStatus): Urgency {
  if (status === "counted") return rule.level;
  if (status === "negated") return rule.negatedLevel ?? "normal";
  return "normal";
}

export function triage(text: string, context: TriageContext = {}): TriageResult {
  const normalized = normalizeUtterance(text);
  const matches = findMatches(normalized);
  const signals: TriageSignal[] = matches.map((match) => {
    const status = statusOf(normalized, match, matches);
    return {
      phrase: normalized.slice(match.start, match.end),
      term: match.rule.id,
      category: match.rule.category,
      level: levelFor(match.rule, status),
      status,
      ...(match.readAs === undefined ? {} : { readAs: match.readAs }),
    };
  });

  const textLevel = signals.reduce<Urgency>((level, s) => escalate(level, s.level), "normal");
  const causing = signals.filter(
    (s) => s.level === textLevel && (s.status === "counted" || textLevel !== "normal"),
  );
  const matched = textLevel === "normal" ? [] : unique(causing.map((s) => s.phrase));
  const category = pickCategory(textLevel === "normal" ? signals : causing);
  const level = escalate(context.current ?? "normal", textLevel);

  return {
    level,
    textLevel,
    matched,
    category,
    reason: explain(level, textLevel, causing, signals, context.current),
    signals,
  };
}

function pickCategory(signals: readonly TriageSignal[]): Category {
  // A topic the caller brought up still guides the answer when it did not raise the level
  // ("what do I do in case of fire?" is a fire question), but a denied one does not.
  const candidates = signals.filter((s) => s.status !== "negated" || s.level !== "normal");
  const best = candidates.reduce<Category | undefined>((chosen, s) => {
    if (chosen === undefined) return s.category;
    return CATEGORY_PRIORITY.indexOf(s.category) < CATEGORY_PRIORITY.indexOf(chosen)
      ? s.category
      : chosen;
  }, undefined);
  return best ?? "general";
}

function explain(
  level: Urgency,
  textLevel: Urgency,
  causing: readonly TriageSignal[],
  signals: readonly TriageSignal[],
  current: Urgency | undefined,
): string {
  const quote = (s: TriageSignal) =>
    `"${s.phrase}"${s.readAs === undefined ? "" : ` (read as "${s.readAs}")`} (${s.category.replace("_", "-")}${s.status === "negated" ? ", denied but kept" : ""})`;
  const parts: string[] = [];
  if (textLevel === "normal") parts.push("normal: no urgent or critical terms");
  else parts.push(`${textLevel}: ${causing.map(quote).join(", ")}`);
  const lower = signals.filter(
    (s) => s.status === "counted" && URGENCY_RANK[s.level] < URGENCY_RANK[textLevel],
  );
  if (lower.length > 0) parts.push(`also ${lower.map(quote).join(", ")}`);
  const negated = signals.filter((s) => s.status === "negated" && s.level === "normal");
  if (negated.length > 0) parts.push(`negated ${negated.map((s) => `"${s.phrase}"`).join(", ")}`);
  const hypothetical = signals.filter((s) => s.status === "hypothetical");
  if (hypothetical.length > 0) {
    parts.push(`hypothetical ${hypothetical.map((s) => `"${s.phrase}"`).join(", ")}`);
  }
  if (level !== textLevel && current !== undefined)
    parts.push(`kept at ${level} from earlier in the call`);
  return parts.join("; ");
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}

/** The urgency after a new triage: never below the current one. */
export function escalate(current: Urgency, next: Urgency): Urgency {
  return URGENCY_RANK[next] > URGENCY_RANK[current] ? next : current;
}

export interface UrgencyOverride {
  readonly level: Urgency;
  readonly reason: string;
  /** The member making the change. */
  readonly by: string;
}

export interface OverrideOutcome {
  readonly level: Urgency;
  readonly previous: Urgency;
  readonly changed: boolean;
  readonly lowered: boolean;
  readonly reason: string;
  readonly by: string;
}

export class InvalidOverrideError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "InvalidOverrideError";
  }
}

/**
 * A supervisor's decision, the only way a call's urgency goes down. The new level then becomes
 * the floor later triage escalates from. Requires a reason and an author.
 */
export function applyOverride(current: Urgency, override: UrgencyOverride): OverrideOutcome {
  const reason = override.reason.trim();
  if (reason === "") throw new InvalidOverrideError("an urgency override needs a reason");
  if (override.by.trim() === "")
    throw new InvalidOverrideError("an urgency override needs its author");
  return {
    level: override.level,
    previous: current,
    changed: override.level !== current,
    lowered: URGENCY_RANK[override.level] < URGENCY_RANK[current],
    reason,
    by: override.by,
  };
}
