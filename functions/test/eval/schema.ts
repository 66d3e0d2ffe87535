/**
 * The shape of the evaluation set's data files (`conversations/<group>.json`): each file is one
 * group (the category the pass table reports), holding conversations as a caller would have them,
 * with checks on every reply rather than the reply itself. Checks are about meaning, never about
 * exact wording, so the playbook's lines can change without touching the data.
 */
import { z } from "zod";
import { MEDIA, URGENCY_LEVELS } from "@lifeline/model";

export const LANGUAGES = ["en", "es", "fr"] as const;
export type Language = (typeof LANGUAGES)[number];

/** A regular-expression source, matched case-insensitively against a reply. */
const pattern = z.string().refine(
  (source) => {
    try {
      new RegExp(source, "i");
      return source.length > 0;
    } catch {
      return false;
    }
  },
  { message: "not a valid regular expression" },
);

/**
 * What the caller has said so far, as facts. A turn states only what its own line adds or changes
 * ("now he's breathing"); the checks carry every fact forward to the turns after it.
 */
export const factsSchema = z.strictObject({
  breathing: z.boolean().optional(),
  conscious: z.boolean().optional(),
  bleeding: z.boolean().optional(),
  trapped: z.boolean().optional(),
  alone: z.boolean().optional(),
  /** The caller is the one in danger: spoken to as "you", never of in the third person. */
  patientIsCaller: z.boolean().optional(),
  /** The means of self-harm (pills, a blade, …) are within reach. */
  meansAtHand: z.boolean().optional(),
  /** The caller (self-harm) or the patient has taken something. */
  tookSomething: z.boolean().optional(),
  safeToTalk: z.boolean().optional(),
  /** The caller has given where they are. */
  location: z.boolean().optional(),
  /** Whoever threatens the caller is still close by. */
  threatNear: z.boolean().optional(),
});
export type Facts = z.infer<typeof factsSchema>;
export type Fact = keyof Facts;

export const expectationSchema = z.strictObject({
  urgency: z.enum(URGENCY_LEVELS).optional(),
  minUrgency: z.enum(URGENCY_LEVELS).optional(),
  mode: z.enum(["normal", "safety"]).optional(),
  /** Each must match the reply: use alternatives ("compressions|push hard") to check meaning. */
  mention: z.array(pattern).optional(),
  notMention: z.array(pattern).optional(),
  /** Who the reply speaks of as the patient: the caller ("you") or someone with them ("them"). */
  person: z.enum(["you", "them"]).optional(),
  /** Characters; 220 on voice (one breath) and 400 on SMS when absent. */
  maxLength: z.number().int().positive().optional(),
  stated: factsSchema.optional(),
});
export type Expectation = z.infer<typeof expectationSchema>;

export const turnSchema = z.strictObject({
  caller: z.string().min(1),
  expect: expectationSchema,
});

export const conversationSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9-]+$/),
  title: z.string().min(1),
  medium: z.enum(MEDIA),
  language: z.enum(LANGUAGES).default("en"),
  /** The example conversations, numbered as the issue lists them. */
  example: z.number().int().min(1).max(7).optional(),
  /** A person acknowledged the call's alert as soon as it opened: no safety mode after that. */
  acknowledged: z.boolean().optional(),
  turns: z.array(turnSchema).min(3).max(6),
});
export type Conversation = z.infer<typeof conversationSchema>;

export const conversationFileSchema = z.array(conversationSchema).min(1);
