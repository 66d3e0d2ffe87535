/**
 * `@lifeline/model`: Lifeline's data model, shared by the functions, the dashboard, the scripts,
 * the benchmarks and the tests. Zod only, so it runs in Node and in the browser alike.
 *
 * | module | holds |
 * |---|---|
 * | `roles` | the role set, each role's capabilities, member claims |
 * | `vocabulary` | urgency levels, statuses, kinds, limits, presence and hold timings |
 * | `records` | every Realtime Database node's schema |
 * | `documents` | every Firestore document's schema |
 * | `ids` | the one rule for ids |
 * | `paths` | every database and Firestore path |
 * | `queries` | every query the dashboard runs |
 * | `member-requests` | the member endpoints' request bodies |
 */
export * from "./roles.js";
export * from "./vocabulary.js";
export * from "./scalars.js";
export * from "./records.js";
export * from "./documents.js";
export * from "./ids.js";
export * from "./paths.js";
export * from "./queries.js";
export * from "./member-requests.js";
