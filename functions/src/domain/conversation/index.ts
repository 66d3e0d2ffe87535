/**
 * The conversation so far, understood: facts stated and denied, who is in danger, where, in which
 * language, whether the caller can talk. The responders choose replies from it; the turn decision
 * reads its urgency.
 */
export { FACTS, type Fact, type Facts, readFacts, yesOrNo } from "./facts.js";
export { statedLocation } from "./location.js";
export {
  conversationState,
  isMinimal,
  isSilent,
  type ConversationInput,
  type ConversationState,
  type LineReader,
  type Patient,
  type SaidLine,
  type TranscriptTurn,
} from "./state.js";
export { conversationUrgency, SILENT_TURNS_CRITICAL, type ConversationUrgency } from "./urgency.js";
