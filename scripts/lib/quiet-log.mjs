// What `npm start` shows of the emulator suite's output (scripts/start.mjs, unless --verbose or
// --debug). firebase-tools at QUIET still prints lines that tell the operator nothing about the
// demo and sound alarming; each is dropped here, with the reason it is expected:
//   - "Env variable override detected. Using database|firestore emulator at …/…-emulator.jar":
//     scripts/emulators.mjs points firebase-tools at the project's own JVM-free emulators through
//     DATABASE_EMULATOR_BINARY_PATH / FIRESTORE_EMULATOR_BINARY_PATH and a `java` shim; the .jar
//     named is a placeholder, and firebase-tools repeats the warning for every lookup.
//   - "Unable to fetch the CLI MOTD and remote config": firebase-tools fetches its message of the
//     day from the network at every start; offline, or behind a proxy, that fails harmlessly.
//   - "Serving at port N": firebase-functions' definition server, which firebase-tools starts for
//     a moment to learn which functions exist.
//   - "Loaded environment variables from functions/.env.local": printed by every new Functions
//     worker; the values are the emulator-only params, loaded the same way every time.
// The functions' own structured log lines (`>  {"severity": …, "message": …}`) are dropped at
// INFO and below (the demo tells the same story in words) and shown as one readable line from
// WARNING up. Anything else passes unchanged.

// Colour codes, which firebase-tools adds when FORCE_COLOR says the terminal shows them.
// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;]*m/g;

const DROPPED = [
  /Env variable override detected\. Using (database|firestore) emulator at /,
  /Unable to fetch the CLI MOTD/,
  /^Serving at port \d+$/,
  /functions: Loaded environment variables from /,
];

const QUIET_SEVERITIES = new Set(["DEFAULT", "DEBUG", "INFO", "NOTICE"]);

/**
 * The line to print for one line of the suite's output, or null to drop it. `line` has no
 * trailing newline and may carry colour codes.
 */
export function quietLine(line) {
  const plain = line.replace(ANSI, "").trimEnd();
  if (DROPPED.some((pattern) => pattern.test(plain))) return null;
  const logged = /^>\s+(\{.*\})$/.exec(plain);
  if (logged === null) return line;
  let entry;
  try {
    entry = JSON.parse(logged[1]);
  } catch {
    return line;
  }
  if (typeof entry !== "object" || entry === null || typeof entry.message !== "string") {
    return line;
  }
  const severity = typeof entry.severity === "string" ? entry.severity : "DEFAULT";
  if (QUIET_SEVERITIES.has(severity)) return null;
  const details = Object.entries(entry)
    .filter(([key]) => key !== "severity" && key !== "message")
    .map(([key, value]) => `${key}=${typeof value === "string" ? value : JSON.stringify(value)}`)
    .join(" ");
  return `⚠  functions ${severity.toLowerCase()}: ${entry.message}${details === "" ? "" : ` (${details})`}`;
}
