// System tests left out of `npm run test:firestore-conformance`, each with the reason: only what
// production alone can answer. `title` is mocha's full title (suites and test joined by spaces);
// `suite: true` leaves out every test under that suite.
const VECTOR = "vector values and vector search (findNearest) are not emulated yet";

export const EXCLUDED = [
  { title: "Firestore class can plan a vector query", reason: VECTOR },
  { title: "Firestore class can profile a vector query", reason: VECTOR },
  { title: "DocumentReference class can write and read vector embeddings", reason: VECTOR },
  { title: "DocumentReference class can listen to documents with vectors", reason: VECTOR },
  { title: "Query class vector search", suite: true, reason: VECTOR },
  { title: "Query class watch SDK orders vector field same way as backend", reason: VECTOR },
];
