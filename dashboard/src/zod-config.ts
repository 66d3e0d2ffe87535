/**
 * Imported first by main.ts. zod compiles object parsers with `new Function` unless told not to,
 * and probes for it with a `new Function` call it catches: under the page's Content-Security-Policy
 * (no `unsafe-eval`, firebase.json) that probe is reported as a violation. Parsing without the
 * compiled fast path is plenty for the page's small payloads.
 */
import { z } from "zod";

z.config({ jitless: true });
