// One cold start, in the fresh process bench/cold-start.ts spawns for it; prints one line
// `COLD-START {json}`. Plain JavaScript on purpose: a TypeScript loader would sit in every import.
//
//   node bench/cold-start-probe.mjs baseline
//   node bench/cold-start-probe.mjs bundle <functions/lib/index.js> '<{"token","body"}>'
//   node bench/cold-start-probe.mjs firestore <document path>
//
// Both modes first start the same harness (express, which the platform also serves functions
// with, a local server and one request through it), so the timed part differs only in what it
// measures: importing `firebase-functions/v2/https`, or importing the deployed bundle and
// answering a first speech turn through its `speechTurn` export against the emulators, or
// importing the Admin SDK's Firestore and reading one document twice (the first read pays for the
// transport: gRPC and protobuf, or with FIRESTORE_PREFER_REST=1 HTTP/1.1 and JSON).
import { performance } from "node:perf_hooks";
import { pathToFileURL } from "node:url";
import express from "express";

const [mode, bundle, request] = process.argv.slice(2);

const app = express();
app.use(
  express.json({
    verify: (req, _res, buffer) => {
      // What the Functions framework keeps and the endpoints read for the body's size.
      req.rawBody = buffer;
    },
  }),
);
app.post("/ready", (_req, res) => {
  res.json({});
});
const server = await new Promise((resolve) => {
  const listening = app.listen(0, "127.0.0.1", () => resolve(listening));
});
const base = `http://127.0.0.1:${server.address().port}`;
const post = (path, body, headers = {}) =>
  fetch(`${base}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
await (await post("/ready", {})).arrayBuffer();

const started = performance.now();
const result = { mode };
if (mode === "baseline") {
  await import("firebase-functions/v2/https");
} else if (mode === "bundle" && bundle !== undefined && request !== undefined) {
  const functions = await import(pathToFileURL(bundle).href);
  result.importMs = performance.now() - started;
  // Mounted, not routed: the function sees its own URL as `/`, as when deployed.
  app.use("/speechTurn", functions.speechTurn);
  const { token, body } = JSON.parse(request);
  const response = await post("/speechTurn", body, { authorization: `Bearer ${token}` });
  result.status = response.status;
  result.turn = response.headers.get("lifeline-turn");
  result.answer = await response.json();
} else if (mode === "firestore" && bundle !== undefined) {
  const [{ initializeApp }, { getFirestore }] = await Promise.all([
    import("firebase-admin/app"),
    import("firebase-admin/firestore"),
  ]);
  result.importMs = performance.now() - started;
  const db = getFirestore(initializeApp());
  await db.doc(bundle).get();
  result.firstReadMs = performance.now() - started - result.importMs;
  const again = performance.now();
  await db.doc(bundle).get();
  result.secondReadMs = performance.now() - again;
} else {
  console.error(
    "usage: cold-start-probe.mjs baseline | bundle <lib/index.js> <request json> | firestore <path>",
  );
  process.exit(2);
}
result.ms = performance.now() - started;
console.log(`COLD-START ${JSON.stringify(result)}`);
server.close();
// The Admin SDK keeps its connections open; the measurement is done.
process.exit(0);
