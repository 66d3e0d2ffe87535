/**
 * Lead statuses in the words of the member's tenant: the tenant's own word for a status where it
 * chose one (setting `leadLabels`, copied to `labels/lead`), the default word otherwise.
 */
import { LEAD_LABELS, LEAD_STATUSES, type LeadLabels, type LeadStatus } from "@lifeline/model";
import { humanize } from "./format.js";

export type LeadWords = Readonly<Record<LeadStatus, string>>;

/** The defaults with the tenant's words laid over them; a blank word never hides a default. */
export function leadWords(custom: LeadLabels): LeadWords {
  const words: Record<LeadStatus, string> = { ...LEAD_LABELS };
  for (const status of LEAD_STATUSES) {
    const word = custom[status]?.trim();
    if (word !== undefined && word !== "") words[status] = word;
  }
  return words;
}

/** A lead status as the tenant says it; an id of the earlier list says so. */
export function leadLabel(status: string, words: LeadWords = LEAD_LABELS): string {
  const known = LEAD_STATUSES.find((candidate) => candidate === status);
  return known === undefined ? `${humanize(status)} (earlier list)` : words[known];
}
