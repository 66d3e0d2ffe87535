/** The scalar schemas every record uses. */
import { z } from "zod";

export const millis = z.number().int().nonnegative();
export const id = z.string().min(1);
export const e164 = z.string().regex(/^\+[1-9]\d{6,14}$/, "expected an E.164 phone number");
