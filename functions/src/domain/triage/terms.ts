/**
 * The triage term table. This file is data: one entry per kind of danger a caller may describe, the
 * category it belongs to, the level it raises a call to, and the words that say it. Add or adjust
 * terms here; how they are found and read (negation, hypotheticals) lives in matching.ts and
 * negation.ts, and every entry is held to example utterances in triage's unit tests.
 */
import type { Urgency } from "@lifeline/model";
import type { Category } from "../categories.js";

export interface TermRule {
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
export const TERMS: readonly TermRule[] = [
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
