// A throwaway service-account key file, for Google clients pointed at a local emulator that still
// insist on credentials: over REST the Firestore client authenticates through google-auth-library
// even with FIRESTORE_EMULATOR_HOST set (googleapis/nodejs-firestore#1811). The key signs its
// tokens locally (self-signed JWTs), so nothing reaches the network; the emulator ignores them.
import { generateKeyPairSync } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** Writes the key file for `projectId` in a fresh temporary folder and returns its path. */
export function throwawayCredentialsFile(projectId) {
  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const file = join(mkdtempSync(join(tmpdir(), "throwaway-credentials-")), "service-account.json");
  writeFileSync(
    file,
    JSON.stringify({
      type: "service_account",
      project_id: projectId,
      client_email: `local@${projectId}.iam.gserviceaccount.com`,
      private_key: privateKey.export({ type: "pkcs8", format: "pem" }),
    }),
    { mode: 0o600 },
  );
  return file;
}
