/**
 * The safety script: what the assistant keeps saying while a critical call has no human owner and
 * its alert is unacknowledged. Three things matter until a person takes over — the caller stays on
 * the line, we know exactly where they are, and they hear that help is being alerted — so every
 * reply in this mode carries at least one of them, and never the same line twice in a row.
 */
import type { ConversationState } from "../conversation/index.js";
import type { CommonLines, PlaybookStep } from "./book.js";

export const SAFETY_SECTION = "safety";

/** The confirmation of a stated location, whole: "I have your location as "12 Oak Street, flat 3"…". */
export function confirmLocationStep(lines: CommonLines, location: string): PlaybookStep {
  return {
    id: "confirm-location",
    text: `${lines.confirmLocation.opening} "${location}"${lines.confirmLocation.closing}`,
  };
}

/** Whether this exact location has been confirmed to the caller already. */
export function locationConfirmed(
  lines: CommonLines,
  location: string,
  assistantSaid: readonly string[],
): boolean {
  const confirmation = `${lines.confirmLocation.opening} "${location}"`;
  return assistantSaid.some((message) => message.includes(confirmation));
}

/**
 * The safety lines that may go with this turn's instruction, best first. The first safety turn
 * says help is being alerted; a location just given is confirmed before anything else; later
 * turns rotate through location, staying on the line and keeping talking, least recently said
 * first. A caller who may be unable to talk is not asked to keep talking or for an address.
 */
export function safetyCandidates(
  lines: CommonLines,
  state: Pick<ConversationState, "said" | "location" | "cantTalk">,
  assistantSaid: readonly string[],
): PlaybookStep[] {
  const said = (step: PlaybookStep) => state.said.get(`${SAFETY_SECTION}#${step.id}`) ?? -1;
  if (state.location !== undefined && !locationConfirmed(lines, state.location, assistantSaid)) {
    return [confirmLocationStep(lines, state.location), lines.helpAlerted, lines.stayOnLine];
  }
  if (said(lines.helpAlerted) < 0) return [lines.helpAlerted, lines.stayOnLine];
  const where =
    state.location === undefined ? lines.askLocation : confirmLocationStep(lines, state.location);
  const rotation = state.cantTalk
    ? [lines.stayOnLine, lines.helpAlerted]
    : [where, lines.stayOnLine, lines.keepTalking, lines.helpAlerted];
  return [...rotation].sort((a, b) => said(a) - said(b));
}
