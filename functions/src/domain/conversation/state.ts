/**
 * The conversation state: what the whole transcript so far says about the caller's situation,
 * derived afresh every turn. The reply is chosen from this, not from keywords of the last line:
 * who is in danger (the caller, or someone with them), whether the caller is alone, the facts
 * stated and denied (later statements win: "now he's breathing"), where they are, the language
 * they speak, whether they may be unable to talk, and what the assistant has already said.
 *
 * Pure: the same transcript always gives the same state.
 */
import { type Medium, type Urgency, URGENCY_RANK } from "@lifeline/model";
import { type Category } from "../categories.js";
import { callerLanguage, type Language } from "../language/index.js";
import { normalizeUtterance, triage } from "../triage/index.js";
import { type Fact, type Facts, readFacts, yesOrNo } from "./facts.js";
import { statedLocation } from "./location.js";
import { memoizeText } from "../memo.js";

export type Patient = "caller" | "other" | "unknown";

/** One earlier message of the call, oldest first. `agent` is a human supervisor speaking to the caller. */
export interface TranscriptTurn {
  readonly role: "caller" | "assistant" | "agent" | "system";
  readonly text: string;
}

/** A line the assistant said, recognised in its message: its key and the fact it asked about. */
export interface SaidLine {
  readonly key: string;
  /** The fact a question asks, and what a "yes" to it means. */
  readonly asks?: { readonly fact: Fact; readonly yes: boolean };
}

/** How the responder's own lines are recognised in earlier assistant messages. */
export type LineReader = (assistantText: string) => readonly SaidLine[];

export interface ConversationState {
  readonly language: Language;
  readonly medium: Medium;
  /** The call's category: self-harm once raised; else the first specific one, until a later turn is more urgent. */
  readonly category: Category;
  readonly patient: Patient;
  /** Everything stated so far; a later statement replaces an earlier one. */
  readonly facts: Facts;
  /** What the latest caller turn stated (including a yes or no to our last question). */
  readonly latest: Facts;
  /** The most recent location stated, whole ("12 Oak Street, flat 3"). */
  readonly location?: string;
  /** What the caller could hurt themselves with, in their words ("pills"), once they said. */
  readonly means?: string;
  /** Every line the assistant has said, by key: the index of the last assistant message that said it. */
  readonly said: ReadonlyMap<string, number>;
  /** The caller may be unable to speak: silence, a lone "help", or only yes and no so far. */
  readonly cantTalk: boolean;
  /** Consecutive wordless or one-word turns up to the latest, while the caller may be unable to talk. */
  readonly silentTurns: number;
  /** Whether the caller has said anything of substance. */
  readonly described: boolean;
}

export interface ConversationInput {
  /** The earlier messages, oldest first; the latest caller words are `text`. */
  readonly history: readonly TranscriptTurn[];
  readonly text: string;
  readonly medium?: Medium;
}

const SILENT =
  /^(?:[^\p{L}\p{N}]*|[[(<]?\s*(?:silence|no speech|inaudible|no response|quiet|unintelligible)\s*[\])>]?)$/u;
const ONE_WORD =
  /^(?:help|help me|please help|help please|yes|no|yeah|yep|yup|nope|uh huh|mhm|mm+|hm+|uh+|um+|s[ií]|oui|non|ayuda|socorro|au secours|aidez moi|aidez-moi)[\s.!?…]*$/u;

/** Nothing said: silence, an ellipsis, a transcriber's "[silence]". */
export function isSilent(normalized: string): boolean {
  return SILENT.test(normalized);
}

/** Said without saying anything of the situation: silence, a lone "help", a bare yes or no. */
export function isMinimal(normalized: string): boolean {
  return isSilent(normalized) || ONE_WORD.test(normalized);
}

const RELATION =
  "mate|m8|coworker|co-worker|workmate|boss|husband|wife|partner|mum|mom|mother|dad|father|son|daughter|child|kid|baby|boy|girl|brother|sister|friend|grandma|granny|grandmother|grandad|grandpa|grandfather|neighbou?r|boyfriend|girlfriend|colleague|flatmate|roommate|uncle|aunt|nan|nana|carer|patient";
/** The caller is the one at risk from someone or from themselves. */
const CALLER_AT_RISK =
  /\b(?:kill(?:ing)? myself|end (?:it all|my life)|want to die|(?:don't|do not) want to (?:be here|be alive|live)|i took (?:a|some|all|the|my|too|\d)|hurt(?:ing)? myself|cut(?:ting)? myself|take my (?:own )?life|i(?:'m| am)? suicidal|i(?:'ve| have)? overdosed|(?:following|chasing|attacking|hitting|hurting|threatening|beating|punching|stalking|watching) me|after me|me quiero morir|matarme|suicidar|je veux mourir|me suicider|en finir)/u;
const OTHER_PERSON = new RegExp(
  `\\bmy (?:${RELATION})\\b|\\b(?:someone|somebody|a man|a woman|a person|a child|this (?:man|woman|guy|lady|kid)|an old (?:man|woman|lady)|he|she|they)(?:'s| is| has| just)? (?:collapsed|fell|fallen|isn't|is not|not breathing|unconscious|bleeding|choking|hurt|injured|passed out|having|fitting|unresponsive|burnt|burned|can't)|\\bmi (?:madre|padre|mamá|mama|papá|papa|esposo|marido|esposa|mujer|hij[oa]|abuel[oa]|herman[oa]|amig[oa]|beb[ée]|novi[oa]|vecin[oa])\\b|\\b(?:mon|ma) (?:mari|femme|mère|mere|père|pere|fils|fille|frère|frere|sœur|soeur|ami|amie|bébé|bebe|grand-mère|grand-père|voisin|voisine)\\b`,
  "u",
);
const CALLER_SYMPTOM =
  /^(?:fell|fallen|slipped|tripped|chest pain|cant breathe|can't breathe|having|feel|feeling|been sick|bleeding|hurt|stuck|trapped)\b|\b(?:i(?:'m| am| was| have| 've| had| think i'm| feel| can't| fell| slipped| tripped| cut| burnt| burned)\b|my (?:chest|head|heart|arm|leg|back|stomach|hip|wrist|ankle|neck|throat|face)\b)|\bme (?:ca[ií]|duele|siento|cort[eé]|quem[eé]|golpe[eé])|\bje (?:suis tomb|me sens)|\bj'ai mal/u;

function patientIn(normalized: string): Patient {
  if (CALLER_AT_RISK.test(normalized)) return "caller";
  if (OTHER_PERSON.test(normalized)) return "other";
  if (CALLER_SYMPTOM.test(normalized)) return "caller";
  return "unknown";
}

const MEANS =
  /\b(pills|tablets|meds|medication|painkillers|paracetamol|knife|blade|razor|rope|gun|pistol|pastillas|cuchillo|cuerda|médicaments|medicaments|cachets|couteau)\b/u;

/** What one caller line says on its own; the conversation adds up these readings. */
interface LineReading {
  readonly facts: Facts;
  /** A bare yes or no: an answer to the assistant's last question. */
  readonly answer?: boolean;
  readonly patient: Patient;
  /** The caller says they are the one at risk, which outweighs anything said before. */
  readonly atRisk: boolean;
  readonly means?: string;
  readonly category: Category;
  /** The level triage gives the line alone. */
  readonly level: Urgency;
  readonly minimal: boolean;
  readonly silent: boolean;
}

const readLine = memoizeText((text: string): LineReading => {
  const normalized = normalizeUtterance(text);
  const triaged = triage(text);
  const answer = yesOrNo(normalized);
  const means = MEANS.exec(normalized)?.[1];
  return {
    facts: readFacts(normalized),
    ...(answer === undefined ? {} : { answer }),
    patient: patientIn(normalized),
    atRisk: CALLER_AT_RISK.test(normalized),
    ...(means === undefined ? {} : { means }),
    category: triaged.category,
    level: triaged.textLevel,
    minimal: isMinimal(normalized),
    silent: isSilent(normalized),
  };
});

/** The whole conversation, read turn by turn the way a person listening would. */
export function conversationState(
  input: ConversationInput,
  readLines: LineReader = () => [],
): ConversationState {
  const facts: Partial<Record<Fact, boolean>> = {};
  let latest: Partial<Record<Fact, boolean>> = {};
  const said = new Map<string, number>();
  let assistantMessages = 0;
  let lastAsked: SaidLine["asks"];
  let patient: Patient = "unknown";
  let means: string | undefined;
  let described = false;
  let cantTalk = false;
  let silentTurns = 0;
  const callerTexts: string[] = [];
  let category: Category = "general";
  let categoryLevel: Urgency = "normal";
  let selfHarm = false;

  const turns: TranscriptTurn[] = [...input.history, { role: "caller", text: input.text }];
  for (const turn of turns) {
    if (turn.role === "assistant") {
      lastAsked = undefined;
      const index = assistantMessages++;
      for (const line of readLines(turn.text)) {
        said.set(line.key, index);
        if (line.asks !== undefined) lastAsked = line.asks;
      }
      continue;
    }
    if (turn.role !== "caller") continue;
    const line = readLine(turn.text);
    callerTexts.push(turn.text);
    const stated: Partial<Record<Fact, boolean>> = { ...line.facts };
    if (
      line.answer !== undefined &&
      lastAsked !== undefined &&
      stated[lastAsked.fact] === undefined
    ) {
      stated[lastAsked.fact] = line.answer === lastAsked.yes;
    }
    Object.assign(facts, stated);
    latest = stated;

    if ((patient === "unknown" || line.atRisk) && line.patient !== "unknown")
      patient = line.patient;
    if (
      line.means !== undefined &&
      (stated.meansAtHand === true || stated.tookSomething === true)
    ) {
      means = line.means;
    }

    // A call keeps its category until something at least as urgent is about something else:
    // "he's awake but confused" in a fall stays an injury call, "now he's not breathing" does not.
    if (line.category === "self_harm") selfHarm = true;
    if (
      line.category !== "general" &&
      (category === "general" || URGENCY_RANK[line.level] > URGENCY_RANK[categoryLevel])
    ) {
      category = line.category;
      categoryLevel = line.level;
    }

    const minimal = line.minimal;
    cantTalk = facts.safeToTalk === false || line.silent || (minimal && (!described || cantTalk));
    silentTurns = cantTalk && minimal ? silentTurns + 1 : 0;
    if (!minimal) described = true;
  }

  const location = statedLocation(callerTexts);
  return {
    language: callerLanguage(callerTexts),
    medium: input.medium ?? "voice",
    category: selfHarm ? "self_harm" : category,
    // Someone calling a crisis line about self-harm is talking about themselves unless they said otherwise.
    patient: selfHarm && patient === "unknown" ? "caller" : patient,
    facts,
    latest,
    ...(location === undefined ? {} : { location }),
    ...(means === undefined ? {} : { means }),
    said,
    cantTalk,
    silentTurns,
    described,
  };
}
