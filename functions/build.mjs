#!/usr/bin/env node
// Bundles the functions into `lib/index.js`, the file `firebase deploy` uploads and runs.
// Deploy uploads only this folder, so the workspace model (`@lifeline/model`) is inlined; every
// declared dependency stays external and is installed from `package.json` as usual.
import { build } from "esbuild";
import { readFileSync } from "node:fs";

const pkg = JSON.parse(readFileSync(new URL("./package.json", import.meta.url), "utf8"));

await build({
  absWorkingDir: new URL(".", import.meta.url).pathname,
  entryPoints: ["src/index.ts"],
  outfile: pkg.main,
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  // A package's subpaths (`firebase-functions/v2/https`) are external with it.
  external: Object.keys(pkg.dependencies),
  sourcemap: true,
  logLevel: "warning",
});
