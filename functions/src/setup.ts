// Runs once, before any function is defined: the Admin SDK app and the options every function shares.
import { initializeApp, type AppOptions } from "firebase-admin/app";
import { setGlobalOptions } from "firebase-functions/v2/options";
import { z } from "zod";

/**
 * Under the emulator suite: the app firebase-tools describes in FIREBASE_CONFIG, plus a service
 * account id. A task queue's `enqueue` names the account its tasks run as; without one given, the
 * Admin SDK asks the metadata server (169.254.169.254) for it, a request that cannot succeed off
 * Google Cloud and that the Functions emulator reports as "External network resource requested!".
 * The emulated queue checks no account; deployed, the metadata server answers as meant.
 */
function emulatorOptions(): AppOptions | undefined {
  const described = process.env.FIREBASE_CONFIG ?? "";
  if (process.env.CLOUD_TASKS_EMULATOR_HOST === undefined || !described.startsWith("{")) {
    return undefined;
  }
  const config = z
    .looseObject({ projectId: z.string(), databaseURL: z.string().optional() })
    .safeParse(JSON.parse(described));
  if (!config.success) return undefined;
  return {
    ...config.data,
    serviceAccountId: `local@${config.data.projectId}.iam.gserviceaccount.com`,
  };
}

initializeApp(emulatorOptions());
setGlobalOptions({ region: "us-central1", maxInstances: 20 });
