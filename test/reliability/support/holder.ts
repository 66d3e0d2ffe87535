/**
 * A supervisor's browser in its own process, so that a test can kill it outright: signs in with
 * the web SDK, publishes presence the way the dashboard does (onDisconnect armed first, then
 * online), takes the call over, prints `holding` and stays connected until it is killed.
 *
 *   node --import tsx test/reliability/support/holder.ts <email> <password> <uid> <tenantId> <callId> <name>
 *
 * Runs inside the emulator suite's environment (the emulator hosts come from it).
 */
import { onDisconnect, ref, serverTimestamp, set } from "firebase/database";
import { callOwnerPath, presencePath } from "@lifeline/model";
import { webSession } from "../../../functions/test/emulator/support/emulators.js";

async function main(): Promise<void> {
  const [email, password, uid, tenantId, callId, name] = process.argv.slice(2);
  if (
    email === undefined ||
    password === undefined ||
    uid === undefined ||
    tenantId === undefined ||
    callId === undefined ||
    name === undefined
  ) {
    throw new Error("usage: holder.ts <email> <password> <uid> <tenantId> <callId> <name>");
  }
  const session = await webSession(email, password);
  const presence = ref(session.db, presencePath(tenantId, uid));
  await onDisconnect(presence).set({ state: "offline", lastSeen: serverTimestamp(), name });
  await set(presence, { state: "online", lastSeen: serverTimestamp(), name });
  await set(ref(session.db, callOwnerPath(tenantId, callId)), {
    kind: "human",
    uid,
    name,
    since: serverTimestamp(),
  });
  process.stdout.write("holding\n");
  // Stays connected (the SDK's socket keeps the process alive) until killed.
}

main().catch((error: unknown) => {
  process.stderr.write(`holder: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
