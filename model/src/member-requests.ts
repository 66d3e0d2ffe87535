/**
 * The request bodies of the member endpoints. One strict schema per request part: unknown fields
 * are bad input, not something to ignore.
 */
import { z } from "zod";
import { roleSchema } from "./roles.js";
import { LIMITS } from "./vocabulary.js";
import { isValidId } from "./ids.js";

/** Firebase Auth accepts 6; a person watching emergency calls gets a little more. */
export const MIN_PASSWORD_LENGTH = 8;
export const MAX_SUBJECTS_PER_MEMBER = 500;

const subjectIdSchema = z.string().refine(isValidId, {
  message: "not a valid id (empty, too long, or contains . $ # [ ] /)",
});

const subjectListSchema = z
  .array(subjectIdSchema)
  .max(MAX_SUBJECTS_PER_MEMBER)
  .refine((ids) => new Set(ids).size === ids.length, { message: "subjects repeat" });

const nameSchema = z.string().trim().min(1).max(LIMITS.name);

export const createMemberRequestSchema = z.strictObject({
  email: z.email().max(254),
  password: z.string().min(MIN_PASSWORD_LENGTH).max(128),
  name: nameSchema,
  role: roleSchema,
  /** Subjects whose calls and vitals the member sees (doctor, nurse, caregiver); a subject member's own id. */
  subjects: subjectListSchema.default([]),
});
export type CreateMemberRequest = z.infer<typeof createMemberRequestSchema>;

export const updateMemberRequestSchema = z
  .strictObject({
    role: roleSchema.optional(),
    name: nameSchema.optional(),
    /** Replaces the whole assignment list. */
    subjects: subjectListSchema.optional(),
  })
  .refine((p) => p.role !== undefined || p.name !== undefined || p.subjects !== undefined, {
    message: "change at least one of role, name, subjects",
  });
export type UpdateMemberRequest = z.infer<typeof updateMemberRequestSchema>;
