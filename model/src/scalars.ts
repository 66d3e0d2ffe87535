/** The scalar schemas every record uses. */
import { z } from "zod";

export const millis = z.number().int().nonnegative();
export const id = z.string().min(1);
export const e164 = z.string().regex(/^\+[1-9]\d{6,14}$/, "expected an E.164 phone number");
/**
 * A Realtime Database instance name (`<project>-default-rtdb`, `<project>-shard-2`): the first label
 * of its host in production, the `ns` parameter in the emulator.
 */
export const instanceName = z
  .string()
  .regex(/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/, "expected a database instance name");
