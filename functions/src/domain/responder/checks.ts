/**
 * The checks every reply must pass before a caller hears it, whoever wrote it. The chat responder's
 * replies are held to them (a reply that fails is refused and the playbook answers instead); the
 * playbook's own replies are held to them in its tests. Each check names what it protects:
 * a spoken reply one breath long, the caller's language, no advice forbidden for the category, no
 * contradiction of a fact the caller stated, no question they already answered, the safety script
 * in safety mode, yes-or-no questions to a caller who may be unable to talk. A failed check's
 * detail goes to the logs, so it names the rule and never quotes the conversation.
 */
import type { ConversationState } from "../conversation/index.js";
import { callerLanguage } from "../language/index.js";
import type { Category } from "../categories.js";
import { REPLY_LIMITS } from "./playbook.js";
import type { ResponderMode } from "./types.js";

export type ReplyCheck =
  | "too-long"
  | "wrong-language"
  | "forbidden-advice"
  | "contradicts-caller"
  | "asks-answered"
  | "wrong-person"
  | "no-safety-line"
  | "open-question";

export type CheckOutcome =
  | { readonly ok: true }
  | { readonly ok: false; readonly check: ReplyCheck; readonly detail: string };

export interface CheckContext {
  readonly state: ConversationState;
  readonly mode: ResponderMode;
}

/** Advice that is wrong for a category whatever the facts: self-harm is never a medical question. */
const FORBIDDEN: Readonly<Partial<Record<Category, RegExp>>> = {
  self_harm:
    /\b(?:medication|medicine|doctor|nurse|dose|dosage|symptoms?|aspirin|ibuprofen|prescription|pharmacist)\b/i,
};

interface FactRule {
  readonly when: (state: ConversationState) => boolean;
  readonly check: "contradicts-caller" | "asks-answered" | "wrong-person";
  readonly pattern: RegExp;
  readonly detail: string;
}

const THIRD_PERSON_CARE =
  /\b(?:stay with them|keep them|help them|roll them|their (?:chest|breathing|head|neck)|(?:he|she|they)(?:'s|'re| is| are) (?:breathing|conscious|awake))\b/i;

const FACT_RULES: readonly FactRule[] = [
  {
    when: (s) => s.facts.breathing === false,
    check: "contradicts-caller",
    pattern:
      /recovery position|on(?:to)? (?:their|his|her|your) side|if (?:they're|he's|she's|you're|they are|he is|she is) breathing/i,
    detail: "the caller said they are not breathing",
  },
  {
    when: (s) => s.facts.bleeding === false,
    check: "contradicts-caller",
    pattern:
      /press(?:ing)? (?:\w+ ){0,3}(?:on )?(?:the |a )?wound|stop the bleeding|where (?:is )?the bleeding/i,
    detail: "the caller said there is no bleeding",
  },
  {
    when: (s) => s.facts.alone === true,
    check: "contradicts-caller",
    pattern:
      /\b(?:stay with them|someone (?:is )?with you|anyone (?:there )?with you|are you alone)\b/i,
    detail: "the caller said they are alone",
  },
  {
    when: (s) => s.facts.outside === true,
    check: "contradicts-caller",
    pattern: /\b(?:get (?:everyone )?out of the building|leave the building)\b/i,
    detail: "the caller said they are outside",
  },
  {
    when: (s) => s.facts.breathing !== undefined,
    check: "asks-answered",
    pattern: /\b(?:is|are) (?:he|she|they|you|the patient) breathing\b[^.!]*\?/i,
    detail: "the caller already said whether they are breathing",
  },
  {
    when: (s) => s.location !== undefined,
    check: "asks-answered",
    pattern:
      /\bwhere (?:exactly )?are you\b|\btell me (?:exactly )?where you are\b|\bwhat(?:'s| is) (?:your|the) address\b/i,
    detail: "the caller already gave their location",
  },
  {
    when: (s) => s.facts.tookSomething !== undefined,
    check: "asks-answered",
    pattern: /\bhave you taken (?:anything|something)\b/i,
    detail: "the caller already said whether they took anything",
  },
  {
    when: (s) => s.patient === "caller",
    check: "wrong-person",
    pattern: THIRD_PERSON_CARE,
    detail: "the caller is the patient: speak to them as you",
  },
];

const SAFETY_LINE =
  /(?<![\p{L}])(?:stay on the line|don't hang up|help is (?:being )?(?:alerted|coming|on (?:its|the) way)|alerting|keep talking to me|staying with you|where (?:exactly )?you are|your (?:exact )?location|address|quédese en la línea|no cuelgue|avisando|dónde está|dirección|restez en ligne|ne raccrochez pas|prévenus|où vous êtes|adresse)(?![\p{L}])/iu;
const OPEN_QUESTION = /\b(?:tell me|describe|explain|what happened|how did|why)\b/i;

export function checkReply(text: string, context: CheckContext): CheckOutcome {
  const { state, mode } = context;
  const limit = REPLY_LIMITS[state.medium];
  if (text.length > limit) {
    return { ok: false, check: "too-long", detail: `${text.length} characters, limit ${limit}` };
  }
  const language = callerLanguage([text]);
  if (language !== state.language) {
    return {
      ok: false,
      check: "wrong-language",
      detail: `reply in ${language}, caller in ${state.language}`,
    };
  }
  if (FORBIDDEN[state.category]?.test(text) ?? false) {
    return {
      ok: false,
      check: "forbidden-advice",
      detail: `advice not given in a ${state.category} call`,
    };
  }
  for (const rule of FACT_RULES) {
    if (!rule.when(state)) continue;
    if (rule.pattern.test(text)) return { ok: false, check: rule.check, detail: rule.detail };
  }
  if (mode === "safety" && !SAFETY_LINE.test(text)) {
    return {
      ok: false,
      check: "no-safety-line",
      detail: "safety mode needs stay on the line, location or help alerted",
    };
  }
  if (state.cantTalk && OPEN_QUESTION.test(text)) {
    return {
      ok: false,
      check: "open-question",
      detail: "the caller may be unable to talk: ask yes or no",
    };
  }
  return { ok: true };
}
