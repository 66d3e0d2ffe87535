/**
 * The Realtime Database instance the triggers listen to: the one this deployment's Admin SDK uses.
 * Without it a v2 trigger listens to every instance (`*`), and in the emulator that includes the
 * namespaces test suites write with rules of their own, which must not set off product triggers.
 */
export function databaseInstance(env: NodeJS.ProcessEnv = process.env): string {
  const url = databaseUrl(env);
  if (url === undefined) return "*";
  try {
    const parsed = new URL(url);
    // The Functions emulator points at `http://host:port/?ns=<instance>`; production at `https://<instance>.<domain>`.
    return parsed.searchParams.get("ns") ?? parsed.hostname.split(".")[0] ?? "*";
  } catch {
    return "*";
  }
}

function databaseUrl(env: NodeJS.ProcessEnv): string | undefined {
  const config = env.FIREBASE_CONFIG;
  if (config === undefined || config === "") return env.DATABASE_URL;
  try {
    const parsed: unknown = JSON.parse(config);
    if (typeof parsed === "object" && parsed !== null && "databaseURL" in parsed) {
      const value = parsed.databaseURL;
      if (typeof value === "string" && value !== "") return value;
    }
  } catch {
    // FIREBASE_CONFIG may also be a file path; fall through to DATABASE_URL.
  }
  return env.DATABASE_URL;
}
