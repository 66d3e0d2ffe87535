/**
 * Triage: how urgent a caller's words are, in which category, and why. See engine.ts for the
 * pipeline, terms.ts for the table it reads from, policy.ts for how urgency may move.
 */
export {
  triage,
  type SignalStatus,
  type TriageContext,
  type TriageResult,
  type TriageSignal,
} from "./engine.js";
export { findMatches, type Match, type Span } from "./matching.js";
export { statusOf } from "./negation.js";
export { foldAccents, normalizeUtterance } from "./normalize.js";
export type { TermRule } from "./terms.js";
export {
  applyOverride,
  escalate,
  InvalidOverrideError,
  type OverrideOutcome,
  type UrgencyOverride,
} from "./policy.js";
