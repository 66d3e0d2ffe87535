// System tests left out of `npm run test:firestore-conformance`, each with the reason: only what
// production alone can answer. `title` is mocha's full title (suites and test joined by spaces);
// `suite: true` leaves out every test under that suite.
const EXPLAIN = "Query Explain reports production's query planner and billing; not emulated yet";

export const EXCLUDED = [
  ...[
    "can plan a query using default options",
    "can plan a query",
    "can profile a query",
    "can profile a query that does not match any docs",
    "can stream explain results with default options",
    "can stream explain results without analyze",
    "can stream explain results with analyze",
    "can plan an aggregate query using default options",
    "can plan an aggregate query",
    "can profile an aggregate query",
  ].map((test) => ({ title: `Firestore class ${test}`, reason: EXPLAIN })),
  // Vector search itself is emulated; these two also ask for the query plan.
  { title: "Firestore class can plan a vector query", reason: EXPLAIN },
  { title: "Firestore class can profile a vector query", reason: EXPLAIN },
];
