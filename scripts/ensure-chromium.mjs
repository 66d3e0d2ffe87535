#!/usr/bin/env node
// Makes sure Debian's Chromium is available for the browser tests. Installs it with apt when we are
// root and it is missing; otherwise explains what to do. Exits non-zero when Chromium stays missing.
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { pathToFileURL } from "node:url";

export const CHROMIUM_PATH = "/usr/bin/chromium";

/** Returns the Chromium path, installing the Debian package first when possible. Throws otherwise. */
export function ensureChromium({ log = (line) => console.error(line) } = {}) {
  if (existsSync(CHROMIUM_PATH)) return CHROMIUM_PATH;
  const isRoot = typeof process.getuid === "function" && process.getuid() === 0;
  if (!isRoot) {
    throw new Error(
      `${CHROMIUM_PATH} is missing and this user cannot install it. ` +
        "Run as root: apt-get update && apt-get install -y chromium",
    );
  }
  log(`${CHROMIUM_PATH} is missing; installing Debian's chromium package with apt-get…`);
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  execFileSync("apt-get", ["update"], { stdio: ["ignore", "inherit", "inherit"], env });
  execFileSync("apt-get", ["install", "-y", "--no-install-recommends", "chromium"], {
    stdio: ["ignore", "inherit", "inherit"],
    env,
  });
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`apt-get install chromium finished but ${CHROMIUM_PATH} still does not exist`);
  }
  return CHROMIUM_PATH;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  try {
    console.log(ensureChromium());
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  }
}
