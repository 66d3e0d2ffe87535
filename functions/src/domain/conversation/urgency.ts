/**
 * What the conversation itself says about urgency, beyond the danger words triage reads: a caller
 * who may be unable to speak, and a caller who does not speak the playbook's language, both need a
 * person — so both raise the call, and the reason says why.
 */
import type { Urgency } from "@lifeline/model";
import { LANGUAGE_NAMES, type Language } from "../language/index.js";
import type { ConversationState } from "./state.js";

export interface ConversationUrgency {
  readonly level: Urgency;
  /** For the urgency reason; empty when the conversation adds nothing. */
  readonly reasons: readonly string[];
  /** The caller's language, when a person who speaks it is needed. */
  readonly language?: string;
  readonly cantTalk: boolean;
}

/** Two wordless turns in a row is no longer a bad line: the caller may be hiding or hurt. */
export const SILENT_TURNS_CRITICAL = 2;

export function conversationUrgency(
  state: Pick<ConversationState, "cantTalk" | "silentTurns" | "language">,
  playbookLanguage: Language = "en",
): ConversationUrgency {
  let level: Urgency = "normal";
  const reasons: string[] = [];
  if (state.cantTalk) {
    level = state.silentTurns >= SILENT_TURNS_CRITICAL ? "critical" : "urgent";
    reasons.push(
      state.silentTurns >= SILENT_TURNS_CRITICAL
        ? `caller may be unable to speak (${state.silentTurns} turns without words)`
        : "caller may be unable to speak",
    );
  }
  const foreign = state.language !== playbookLanguage;
  if (foreign) {
    if (level === "normal") level = "urgent";
    reasons.push(
      `caller speaks ${LANGUAGE_NAMES[state.language]}: needs a ${LANGUAGE_NAMES[state.language]} speaker`,
    );
  }
  return {
    level,
    reasons,
    ...(foreign ? { language: LANGUAGE_NAMES[state.language] } : {}),
    cantTalk: state.cantTalk,
  };
}
