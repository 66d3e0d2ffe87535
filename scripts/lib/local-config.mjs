// The Firebase config the emulator suite runs with: firebase.json with the dashboard's
// Content-Security-Policy opened to the emulators. Locally the page reaches Auth, the Realtime
// Database and Functions on loopback ports (dashboard/src/config.ts), origins the production
// policy must not allow; so the committed firebase.json names only production origins and the
// launcher writes this copy, beside firebase.json because firebase-tools resolves every path in a
// config from its folder. The copy is gitignored and rewritten at every start.
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";

export const LOCAL_CONFIG_NAME = ".firebase.local.json";
const CSP = "content-security-policy";
const LOOPBACK_HOSTS = ["127.0.0.1", "localhost"];

/**
 * The loopback origins the page uses, per CSP directive: Auth, Database (WebSocket, and its
 * long-polling fallback, which loads scripts and a frame from the database origin) and Functions.
 */
export function emulatorSources(emulators) {
  const port = (name, fallback) => emulators?.[name]?.port ?? fallback;
  const each = (make) => LOOPBACK_HOSTS.map(make);
  const database = each((host) => `http://${host}:${port("database", 9000)}`);
  return {
    "connect-src": [
      ...each((host) => `http://${host}:${port("auth", 9099)}`),
      ...database,
      ...each((host) => `ws://${host}:${port("database", 9000)}`),
      ...each((host) => `http://${host}:${port("functions", 5001)}`),
    ],
    "script-src": database,
    "frame-src": database,
  };
}

/** `policy` with `additions` appended to their directives (a directive missing is added). */
export function widenPolicy(policy, additions) {
  const directives = policy
    .split(";")
    .map((part) => part.trim())
    .filter((part) => part !== "")
    .map((part) => part.split(/\s+/));
  for (const [name, sources] of Object.entries(additions)) {
    const directive = directives.find(([existing]) => existing === name);
    if (directive === undefined) directives.push([name, ...sources]);
    else directive.push(...sources.filter((source) => !directive.includes(source)));
  }
  return directives.map((parts) => parts.join(" ")).join("; ");
}

/** The config object for the emulators: every hosting CSP header widened to the emulators. */
export function localConfig(config) {
  const sources = emulatorSources(config.emulators);
  const widen = (site) => ({
    ...site,
    headers: (site.headers ?? []).map((rule) => ({
      ...rule,
      headers: rule.headers.map((header) =>
        header.key.toLowerCase() === CSP
          ? { ...header, value: widenPolicy(header.value, sources) }
          : header,
      ),
    })),
  });
  if (config.hosting === undefined) return config;
  return {
    ...config,
    hosting: Array.isArray(config.hosting) ? config.hosting.map(widen) : widen(config.hosting),
  };
}

/** Writes the local copy of the config at `configPath` beside it and returns its path. */
export function writeLocalConfig(configPath) {
  const config = JSON.parse(readFileSync(configPath, "utf8"));
  const path = join(dirname(configPath), LOCAL_CONFIG_NAME);
  writeFileSync(path, `${JSON.stringify(localConfig(config), null, 2)}\n`);
  return path;
}
