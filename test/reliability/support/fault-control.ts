/**
 * For the fault tests that use the database emulator's fault control (`/.faults`): they skip when
 * it is not there (always under `--official`, whose emulator has none), fail when the suite was
 * started with `--faults` and it still does not answer, and never leave a fault switched on.
 */
import { clearFaults, faultsAvailable, getFaults } from "../../support/faults.js";

/** Call inside a `describe`: adds the hooks that gate and clean up the suite's faults. */
export function usesFaultControl(): void {
  before(async function () {
    if (await faultsAvailable()) return;
    if (process.env.RTDB_EMULATOR_FAULTS === "1" && process.env.LIFELINE_OFFICIAL !== "1") {
      throw new Error("the suite runs with --faults but the database emulator has no /.faults");
    }
    this.skip();
  });
  afterEach(async function () {
    if (await faultsAvailable()) await clearFaults();
  });
}

/** Resolves once at least one write is held by `stallWrites`: a request is now stuck on the database. */
export async function writesHeld(timeoutMs = 30_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { heldWrites } = await getFaults();
    if (heldWrites > 0) return heldWrites;
    if (Date.now() > deadline) throw new Error("no write reached the stalled database");
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
