/**
 * The safety script: what the assistant keeps saying while a critical call has no human owner and
 * its alert is unacknowledged. Three things matter until a person takes over — the caller stays on
 * the line, we know exactly where they are, and they hear that help is being alerted — so every
 * reply in this mode carries at least one of them, and never the same line twice in a row.
 */
import type { PlaybookStep } from "./playbook-content.js";

export const SAFETY_SECTION = "safety";

export const HELP_ALERTED: PlaybookStep = {
  id: "help-alerted",
  text: "Help is being alerted right now.",
};
export const ASK_LOCATION: PlaybookStep = {
  id: "location",
  text: "Tell me exactly where you are: the address, or what you can see around you.",
};
export const STAY_ON_LINE: PlaybookStep = {
  id: "stay-on-line",
  text: "Stay on the line with me and don't hang up. I'm not going anywhere.",
};
export const KEEP_TALKING: PlaybookStep = {
  id: "keep-talking",
  text: "Keep talking to me. I'm staying with you until a person takes over.",
};
const CONFIRM_LOCATION_OPENING = "I have your location as";

/** The location line: a question, or a confirmation once the caller has given an address. */
export function locationStep(location: string | undefined): PlaybookStep {
  if (location === undefined) return ASK_LOCATION;
  return {
    id: "confirm-location",
    text: `${CONFIRM_LOCATION_OPENING} "${location}". Is that exactly where you are?`,
  };
}

const STREET_ADDRESS =
  /\b\d{1,5}[a-z]?\s+(?:[A-Za-z'-]+\s+){1,4}(?:street|st|road|rd|avenue|ave|lane|ln|drive|dr|way|close|court|ct|place|pl|crescent|boulevard|blvd|terrace|highway|hwy|square|row|parade)\b\.?(?:,\s*[A-Za-z][A-Za-z' -]{1,40})?/i;
const STATED_LOCATION =
  /\b(?:my address is|the address is|i live at|we live at|located at|my location is|postcode is|post code is|zip code is|zip is)\s+([^.!?;\n]{3,80})/i;

/**
 * The most recent location the caller stated, as they wrote it: a street address or an explicit
 * "my address is …". Free phrases like "I'm in pain" are not locations, so nothing looser is read.
 */
export function statedLocation(callerTexts: readonly string[]): string | undefined {
  for (let i = callerTexts.length - 1; i >= 0; i--) {
    const text = callerTexts[i] ?? "";
    const stated = STATED_LOCATION.exec(text)?.[1];
    if (stated !== undefined) return stated.trim().replace(/[,\s]+$/, "");
    const address = STREET_ADDRESS.exec(text)?.[0];
    if (address !== undefined) return address.trim().replace(/[.,\s]+$/, "");
  }
  return undefined;
}

/** Whether an earlier assistant message said this line; a location confirmation counts whatever the address. */
export function saidIn(message: string, step: PlaybookStep): boolean {
  if (step.id === "confirm-location") return message.includes(CONFIRM_LOCATION_OPENING);
  return message.includes(step.text);
}

/**
 * The safety lines for this turn. The first safety turn says help is being alerted and asks for
 * (or confirms) the location; later turns rotate through location, staying on the line and
 * keeping talking, least recently said first.
 */
export function safetyLines(
  assistantMessages: readonly string[],
  location: string | undefined,
): PlaybookStep[] {
  const whereStep = locationStep(location);
  if (!assistantMessages.some((m) => saidIn(m, HELP_ALERTED))) return [HELP_ALERTED, whereStep];
  return [
    leastRecentlySaid([whereStep, STAY_ON_LINE, KEEP_TALKING, HELP_ALERTED], assistantMessages),
  ];
}

/** The candidate said longest ago (never said counts as longest); ties go to the earlier candidate. */
export function leastRecentlySaid(
  candidates: readonly PlaybookStep[],
  assistantMessages: readonly string[],
): PlaybookStep {
  let best: PlaybookStep | undefined;
  let bestIndex = Infinity;
  for (const candidate of candidates) {
    let lastSaid = -1;
    for (let i = assistantMessages.length - 1; i >= 0; i--) {
      if (saidIn(assistantMessages[i] ?? "", candidate)) {
        lastSaid = i;
        break;
      }
    }
    if (best === undefined || lastSaid < bestIndex) {
      best = candidate;
      bestIndex = lastSaid;
    }
  }
  if (best === undefined) throw new Error("leastRecentlySaid needs at least one candidate");
  return best;
}
