/**
 * The turn-claim protocol of the speech turn, on `tenants/{t}/turns/{callId}/{turnId}`: one
 * request at a time records a turn. A request claims the record in a transaction (the state
 * machine is `claimState`/`claimUpdate` in domain/turn.ts); a retry of a turn already answered gets
 * the recorded answer; a concurrent claimant is waited for, and one that died is taken over once
 * its claim is older than `TURN_CLAIM_TTL_MS`. A request that cannot finish gives its claim back.
 */
import type { DataSnapshot, Reference } from "firebase-admin/database";
import { logger } from "firebase-functions/logger";
import {
  claimState,
  claimUpdate,
  TURN_CLAIM_TTL_MS,
  type TurnAnswer,
} from "../domain/turn/index.js";
import { HttpError } from "../http-kit/errors.js";

export type Claim =
  | { readonly kind: "claimed"; readonly at: number }
  | { readonly kind: "answered"; readonly answer: TurnAnswer };

/** Resolves when the turn record changes away from `in-progress`: done, released or gone stale. */
function waitForTurn(ref: Reference, fingerprint: string, timeoutMs: number): Promise<void> {
  return new Promise((resolve) => {
    // `on` may call back synchronously (the record is cached), before it returns: everything the
    // callback touches exists before it is attached.
    let done = false;
    const onValue = (snapshot: DataSnapshot) => {
      if (claimState(snapshot.val(), fingerprint, Date.now()).kind !== "in-progress") finish();
    };
    const finish = () => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      ref.off("value", onValue);
      resolve();
    };
    const timer = setTimeout(finish, timeoutMs);
    ref.on("value", onValue);
  });
}

/**
 * Claims the turn record, or returns the answer a previous (or concurrent) request for the same
 * turn recorded. A concurrent claimant is waited for; one that died is taken over after the TTL.
 */
export async function claimTurn(ref: Reference, fingerprint: string): Promise<Claim> {
  const deadline = Date.now() + TURN_CLAIM_TTL_MS + 2_000;
  for (;;) {
    const now = Date.now();
    if (now > deadline) {
      throw new HttpError("UNAVAILABLE", "This turn is still being processed; retry.", {
        headers: { "Retry-After": "1" },
      });
    }
    const { committed, snapshot } = await ref.transaction(
      (current: unknown) => claimUpdate(current, fingerprint, now),
      undefined,
      false,
    );
    if (committed) return { kind: "claimed", at: now };
    const state = claimState(snapshot.val(), fingerprint, Date.now());
    switch (state.kind) {
      case "done":
        return { kind: "answered", answer: state.answer };
      case "conflict":
        throw new HttpError(
          "ALREADY_EXISTS",
          "This turnId was already used for a different turn of this call.",
        );
      case "free":
        continue;
      case "in-progress": {
        const untilStale = state.claimedAt + TURN_CLAIM_TTL_MS - Date.now() + 50;
        await waitForTurn(
          ref,
          fingerprint,
          Math.max(0, Math.min(deadline - Date.now(), untilStale)),
        );
        continue;
      }
    }
  }
}

/** Gives the turn back when this request could not finish it, so a retry need not wait the TTL. */
export async function releaseClaim(
  ref: Reference,
  fingerprint: string,
  claimedAt: number,
): Promise<void> {
  try {
    await ref.transaction(
      (current: unknown) => {
        const mine =
          typeof current === "object" &&
          current !== null &&
          "status" in current &&
          current.status === "pending" &&
          "claimedAt" in current &&
          current.claimedAt === claimedAt &&
          "fingerprint" in current &&
          current.fingerprint === fingerprint;
        // Null for an absent value too: the first run sees the local cache, usually empty, and
        // undefined there would abort without ever asking the server.
        return mine || current === null ? null : undefined;
      },
      undefined,
      false,
    );
  } catch (error) {
    logger.warn("could not release a turn claim", { path: ref.toString(), error: String(error) });
  }
}
