/**
 * History of ended calls, read from the Firestore archive for the dashboard (Firebase ID token):
 *   GET /{tenantId}?limit=&cursor=&from=&to=&urgency=&subject=&phone=&outcome=
 *                                    one page of archived call summaries, the latest archived
 *                                    first, filtered by Firestore queries (`firestore.indexes.json`)
 *   GET /{tenantId}/{callId}         one archived call with its full transcript and its audit log
 * Same reach as the live database: admins and dispatchers see every call of their tenant; doctors,
 * nurses and caregivers the calls of their assigned subjects and subjects their own, read from
 * the members mirror the rules read. A call out of reach is answered like a missing one (404).
 * Called from the page's origin, so CORS is on; the ID token, not a cookie, authenticates.
 */
import { tenantDatabase } from "../store/instances.js";
import type { Query } from "firebase-admin/firestore";
import { firestoreDb } from "../store/clients.js";
import { logger } from "firebase-functions/logger";
import { onRequest, type Request } from "firebase-functions/v2/https";
import { z } from "zod";
import { invalidArgument, publicIssues } from "../http-kit/body.js";
import { HttpError } from "../http-kit/errors.js";
import { idSegments, routedEndpoint } from "../http-kit/endpoint.js";
import { authenticateMember, type Member } from "../http-kit/idtoken.js";
import { readCallAudit } from "../store/live-store.js";
import {
  ARCHIVE_OUTCOMES,
  type ArchiveOutcome,
  archivedCallSchema,
  type Call,
  CAPABILITIES,
  firestore,
  memberMirrorSchema,
  id,
  memberPath,
  type Urgency,
  urgencySchema,
} from "@lifeline/model";

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 50;
/** Archive documents read per Firestore query while filling a page for a scoped member. */
const SCAN_BATCH = 100;
/** At most this many documents are examined per request; the page then ends early with a cursor. */
const MAX_SCANNED = 1000;

export interface HistoryRoute {
  readonly tenantId: string;
  readonly callId?: string;
}

/** `/{tenantId}` or `/{tenantId}/{callId}` with valid ids, else undefined. */
export function parseHistoryRoute(path: string): HistoryRoute | undefined {
  const [tenantId, callId] = idSegments(path, 2) ?? [];
  if (tenantId === undefined) return undefined;
  return callId === undefined ? { tenantId } : { tenantId, callId };
}

/**
 * Where the next page starts: the `archivedAt` of the last item returned and the ids already
 * examined at exactly that instant, so equal timestamps are neither skipped nor repeated.
 */
const cursorSchema = z.strictObject({
  at: z.number().int().nonnegative(),
  seen: z.array(z.string().min(1)).min(1).max(MAX_SCANNED),
});
export type Cursor = z.infer<typeof cursorSchema>;

export function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify(cursor), "utf8").toString("base64url");
}

export function decodeCursor(text: string): Cursor | undefined {
  try {
    const parsed = cursorSchema.safeParse(
      JSON.parse(Buffer.from(text, "base64url").toString("utf8")),
    );
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

const epochMillis = z.coerce.number().int().nonnegative().max(8.64e15);

const pageQuerySchema = z
  .strictObject({
    limit: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).optional(),
    cursor: z
      .string()
      .min(1)
      .max(64 * 1024)
      .optional(),
    /** Ended at or after (ms since the epoch). */
    from: epochMillis.optional(),
    /** Ended at or before (ms since the epoch). */
    to: epochMillis.optional(),
    urgency: urgencySchema.optional(),
    subject: id.optional(),
    /** An E.164 number or its leading part ("+" and at least one digit). */
    phone: z
      .string()
      .regex(/^\+\d{1,15}$/, "an E.164 number or its leading part, e.g. +1555")
      .optional(),
    outcome: z.enum(ARCHIVE_OUTCOMES).optional(),
  })
  .refine((q) => q.from === undefined || q.to === undefined || q.from <= q.to, {
    path: ["to"],
    message: "must not be before from",
  });

/** What a page is narrowed to; every field set must match (AND). */
export interface HistoryFilters {
  readonly from?: number;
  readonly to?: number;
  readonly urgency?: Urgency;
  readonly subject?: string;
  readonly phone?: string;
  readonly outcome?: ArchiveOutcome;
}

export interface HistoryItem {
  id: string;
  call: Call;
  archivedAt: number;
  outcome?: ArchiveOutcome;
  handledBy?: string[];
}

export interface HistoryPage {
  items: HistoryItem[];
  nextCursor?: string;
}

/** Which archived calls a member may read: all of its tenant, or those of a set of subjects. */
export type Reach =
  { readonly kind: "tenant" } | { readonly kind: "subjects"; readonly ids: ReadonlySet<string> };

export function canSee(reach: Reach, call: Call): boolean {
  if (reach.kind === "tenant") return true;
  return call.subjectId !== undefined && reach.ids.has(call.subjectId);
}

async function reachOf(member: Member): Promise<Reach> {
  const scope = CAPABILITIES[member.role].calls;
  if (scope === "tenant") return { kind: "tenant" };
  if (scope === "none") return { kind: "subjects", ids: new Set() };
  // The same assignment the database rules read, so history and live calls reach the same calls.
  const value: unknown = (
    await (await tenantDatabase(member.tenant)).ref(memberPath(member.tenant, member.uid)).get()
  ).val();
  const mirror = memberMirrorSchema.safeParse(value);
  if (!mirror.success) {
    throw new HttpError("PERMISSION_DENIED", "You are not a member of this tenant.");
  }
  return { kind: "subjects", ids: new Set(Object.keys(mirror.data.subjects ?? {})) };
}

async function authorise(request: Request, tenantId: string): Promise<Member> {
  const member = await authenticateMember(request.get("authorization"));
  if (member.tenant !== tenantId) {
    throw new HttpError("PERMISSION_DENIED", "You may read the history of your own tenant only.");
  }
  return member;
}

/**
 * One page, newest archived first. Scoped members' pages are filled by scanning the tenant's
 * archive in batches and keeping what they may see (the archive is keyed by call, not subject).
 */
export async function readPage(
  tenantId: string,
  reach: Reach,
  limit: number,
  cursor: Cursor | undefined,
  filters: HistoryFilters = {},
): Promise<HistoryPage> {
  // A scoped member asking for a subject out of its reach would scan the whole archive for nothing.
  if (
    filters.subject !== undefined &&
    reach.kind === "subjects" &&
    !reach.ids.has(filters.subject)
  ) {
    return { items: [] };
  }
  const collection = (await firestoreDb()).collection(firestore.archiveCollection(tenantId));
  // Equalities on copies of the call's fields, each merged with archivedAt by its own index.
  let filtered: Query = collection.orderBy("archivedAt", "desc");
  if (filters.urgency !== undefined) filtered = filtered.where("urgency", "==", filters.urgency);
  if (filters.subject !== undefined) filtered = filtered.where("subjectId", "==", filters.subject);
  if (filters.outcome !== undefined) filtered = filtered.where("outcome", "==", filters.outcome);
  if (filters.phone !== undefined) {
    filtered = filtered.where("phonePrefixes", "array-contains", filters.phone);
  }
  if (filters.from !== undefined) filtered = filtered.where("archivedAt", ">=", filters.from);
  const items: HistoryItem[] = [];
  let at =
    cursor === undefined
      ? filters.to
      : filters.to === undefined
        ? cursor.at
        : Math.min(cursor.at, filters.to);
  let seen = new Set(cursor !== undefined && at === cursor.at ? cursor.seen : []);
  let scanned = 0;
  for (;;) {
    let batchQuery: Query = filtered;
    if (at !== undefined) batchQuery = batchQuery.where("archivedAt", "<=", at);
    const requested = SCAN_BATCH + seen.size;
    const batch = await batchQuery.limit(requested).get();
    for (const doc of batch.docs) {
      const archivedAt: unknown = doc.get("archivedAt");
      if (typeof archivedAt !== "number") continue;
      if (archivedAt === at && seen.has(doc.id)) continue;
      if (archivedAt !== at) {
        at = archivedAt;
        seen = new Set();
      }
      seen.add(doc.id);
      scanned++;
      const parsed = archivedCallSchema.safeParse(doc.data());
      if (!parsed.success) {
        logger.warn("archived call skipped: malformed", { tenantId, callId: doc.id });
      } else if (canSee(reach, parsed.data.call)) {
        const { call, outcome, handledBy } = parsed.data;
        items.push({
          id: doc.id,
          call,
          archivedAt: parsed.data.archivedAt,
          ...(outcome === undefined ? {} : { outcome }),
          ...(handledBy === undefined ? {} : { handledBy }),
        });
      }
      if (items.length === limit || scanned >= MAX_SCANNED) {
        return { items, nextCursor: encodeCursor({ at: archivedAt, seen: [...seen] }) };
      }
    }
    if (batch.size < requested) return { items };
  }
}

export async function readHistory(request: Request): Promise<unknown> {
  const route = parseHistoryRoute(request.path);
  if (route === undefined) {
    throw new HttpError("NOT_FOUND", "Use GET /{tenantId} or GET /{tenantId}/{callId}.");
  }
  const member = await authorise(request, route.tenantId);
  const reach = await reachOf(member);

  if (route.callId !== undefined) {
    const snapshot = await (
      await firestoreDb()
    )
      .doc(firestore.archivedCallDoc(route.tenantId, route.callId))
      .get();
    const parsed = archivedCallSchema.safeParse(snapshot.data());
    if (!snapshot.exists || !parsed.success || !canSee(reach, parsed.data.call)) {
      if (snapshot.exists && !parsed.success) {
        logger.warn("archived call unreadable: malformed", {
          tenantId: route.tenantId,
          callId: route.callId,
        });
      }
      throw new HttpError("NOT_FOUND", "No such archived call.");
    }
    const { call, outcome, handledBy } = parsed.data;
    const audit = await readCallAudit(route.tenantId, route.callId);
    return {
      id: route.callId,
      call,
      messages: [...parsed.data.messages].sort((a, b) => a.seq - b.seq),
      archivedAt: parsed.data.archivedAt,
      ...(outcome === undefined ? {} : { outcome }),
      ...(handledBy === undefined ? {} : { handledBy }),
      audit: audit.map(({ id: auditId, entry }) => ({ id: auditId, ...entry })),
    };
  }

  const query = pageQuerySchema.safeParse(request.query);
  if (!query.success) {
    throw invalidArgument("The query parameters are not valid.", publicIssues(query.error.issues));
  }
  let cursor: Cursor | undefined;
  if (query.data.cursor !== undefined) {
    cursor = decodeCursor(query.data.cursor);
    if (cursor === undefined) {
      throw invalidArgument("The query parameters are not valid.", [
        { path: ["cursor"], code: "custom", message: "not a cursor this endpoint returned" },
      ]);
    }
  }
  const { from, to, urgency, subject, phone, outcome } = query.data;
  const filters: HistoryFilters = { from, to, urgency, subject, phone, outcome };
  return readPage(route.tenantId, reach, query.data.limit ?? DEFAULT_PAGE_SIZE, cursor, filters);
}

/** The endpoint as deployed, apart from its trigger: a plain `(request, response)` handler. */
export const handleHistory = routedEndpoint(["GET"], readHistory);

export const history = onRequest({ cors: true }, handleHistory);
