/**
 * The wire format of the history endpoint (`functions/src/http/history.ts`) as the page parses it.
 * The endpoint's test parses its replies with these same schemas, so the two cannot drift apart.
 */
import { z } from "zod";
import { callSchema, messageSchema } from "@lifeline/model";

export const historyItemSchema = z.strictObject({
  id: z.string().min(1),
  call: callSchema,
  archivedAt: z.number().int().nonnegative(),
});
export type HistoryItem = z.infer<typeof historyItemSchema>;

export const historyPageSchema = z.strictObject({
  items: z.array(historyItemSchema),
  /** Opaque; absent on the last page. */
  nextCursor: z.string().min(1).optional(),
});
export type HistoryPage = z.infer<typeof historyPageSchema>;

export const archivedCallResponseSchema = z.strictObject({
  id: z.string().min(1),
  call: callSchema,
  messages: z.array(messageSchema),
  archivedAt: z.number().int().nonnegative(),
});
export type ArchivedCallResponse = z.infer<typeof archivedCallResponseSchema>;
