import { Firestore, type Settings } from "@google-cloud/firestore";
import { FirestoreError } from "../../../src/firestore/errors.js";
import { DocumentStore } from "../../../src/firestore/store.js";
import type { Value } from "../../../src/firestore/values.js";

export const ROOT = "projects/p/databases/(default)/documents";

export function docName(path: string): string {
  return `${ROOT}/${path}`;
}

/** A store whose clock only moves when the test says so: commit times are predictable. */
export function pinnedStore(startNanos = 1_700_000_000_000_000_000n): {
  store: DocumentStore;
  advance: (nanos: bigint) => void;
} {
  let now = startNanos;
  return {
    store: new DocumentStore({ now: () => now }),
    advance: (nanos) => {
      now += nanos;
    },
  };
}

export const int = (n: number | string): Value => ({ integerValue: String(n) });
export const dbl = (n: number): Value => ({ doubleValue: n });
export const str = (s: string): Value => ({ stringValue: s });

/** The FirestoreError `run` throws; anything else, or nothing, fails the test. */
export function failure(run: () => unknown): FirestoreError {
  try {
    run();
  } catch (error) {
    if (error instanceof FirestoreError) return error;
    throw error;
  }
  throw new Error("expected a FirestoreError");
}

/** A client for an emulator at `port`: the SDK reads the host from the environment when built. */
export function emulatorClient(port: number, settings: Settings): Firestore {
  const previous = process.env.FIRESTORE_EMULATOR_HOST;
  process.env.FIRESTORE_EMULATOR_HOST = `127.0.0.1:${port}`;
  try {
    return new Firestore(settings);
  } finally {
    if (previous === undefined) delete process.env.FIRESTORE_EMULATOR_HOST;
    else process.env.FIRESTORE_EMULATOR_HOST = previous;
  }
}

/** The gRPC code and message of a client call that must fail. */
export async function clientFailure(
  promise: Promise<unknown>,
): Promise<{ code?: number; message: string }> {
  try {
    await promise;
  } catch (error) {
    const code =
      typeof error === "object" && error !== null && "code" in error ? error.code : undefined;
    return {
      ...(typeof code === "number" ? { code } : {}),
      message: error instanceof Error ? error.message : String(error),
    };
  }
  throw new Error("expected the call to fail");
}
