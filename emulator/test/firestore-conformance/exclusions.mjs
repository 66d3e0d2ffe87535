// System tests left out of `npm run test:firestore-conformance`, each with the reason: only what
// production alone can answer. `title` is mocha's full title (suites and test joined by spaces);
// `suite: true` leaves out every test under that suite. None today: the tests that need
// production skip themselves when FIRESTORE_EMULATOR_HOST is set (mocha counts them as pending;
// the runner lists them).
export const EXCLUDED = [];
