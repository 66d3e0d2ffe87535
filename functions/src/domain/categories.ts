/**
 * What a call is about. Triage picks one; the playbook has a section for each; the responders answer
 * from it. A leaf module, so that triage and the responders share it without importing each other.
 * Self-harm has a section of its own because the general advice would be wrong for it.
 */
export const CATEGORIES = [
  "fire",
  "medical",
  "injury",
  "chemical",
  "violence",
  "lost",
  "self_harm",
  "general",
] as const;
export type Category = (typeof CATEGORIES)[number];
