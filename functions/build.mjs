#!/usr/bin/env node
// Bundles the functions into `lib/`, the folder `firebase deploy` uploads and runs from `main`.
// Deploy uploads only this folder, so the workspace model (`@lifeline/model`) is inlined; every
// declared dependency stays external and is installed from `package.json` as usual.
// Code split: what a function imports only when it needs it (`await import(…)`, such as the chat
// responder) goes into its own chunk, so the other functions' cold starts never parse it.
import { build } from "esbuild";
import { readFileSync, rmSync } from "node:fs";
import { basename, dirname } from "node:path";

const pkg = JSON.parse(readFileSync(new URL("./package.json", import.meta.url), "utf8"));
const root = new URL(".", import.meta.url).pathname;
const outdir = dirname(pkg.main);

// Chunk names carry a hash: stale ones from an earlier build would otherwise be uploaded too.
rmSync(new URL(`./${outdir}`, import.meta.url), { recursive: true, force: true });

await build({
  absWorkingDir: root,
  entryPoints: { [basename(pkg.main, ".js")]: "src/index.ts" },
  outdir,
  chunkNames: "chunks/[name]-[hash]",
  bundle: true,
  splitting: true,
  platform: "node",
  format: "esm",
  target: "node20",
  // A package's subpaths (`firebase-functions/v2/https`) are external with it.
  external: Object.keys(pkg.dependencies),
  sourcemap: true,
  logLevel: "warning",
});
