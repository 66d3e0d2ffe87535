/** How triage tests write what an utterance must read as. */
import type { Urgency } from "@lifeline/model";
import type { Category } from "../../src/domain/categories.js";

export interface Case {
  readonly text: string;
  readonly level: Urgency;
  readonly category: Category;
  /** The term id behind the level; undefined when nothing raised it. */
  readonly term?: string;
}

export const c = (text: string, level: Urgency, category: Category, term?: string): Case => ({
  text,
  level,
  category,
  ...(term === undefined ? {} : { term }),
});
