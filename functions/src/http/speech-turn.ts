/**
 * `speechTurn` (gateway JWT, see http-kit/gateway-auth.ts), POST JSON
 *   {callRef, from, text, medium, turnId} → {callId, reply, urgency, owner, say}
 * within ANSWER_BUDGET_MS of arrival, whatever the stores do. Order of checks: method, token, the
 * gateway's rate limit, body, the caller's rate limit; only then is anything read, and every 4xx
 * before that point leaves the databases untouched. The live turn (claim, read, decide, respond,
 * write) is in speech-turn/live-turn.ts; when it has not answered in time, or a store failed, the
 * caller gets the answer it had settled on or the playbook's, and the turn is queued to be
 * written later (store/deferred-turns.ts). Fan-out (alerts into inboxes, escalation, archive) is
 * the triggers' job, never done here.
 */
import type { Response } from "express";
import { logger } from "firebase-functions/logger";
import { onRequest, type Request } from "firebase-functions/v2/https";
import { answerOf, fallbackTurn, markersOfTurn, mergeTurns } from "../domain/deferred.js";
import { callIdFor, turnFingerprint, type TurnAnswer } from "../domain/turn/index.js";
import { parseJsonBody } from "../http-kit/body.js";
import { endpoint } from "../http-kit/endpoint.js";
import { HttpError } from "../http-kit/errors.js";
import { authenticate, callerLimit } from "../http-kit/gateway.js";
import { enforce } from "../http-kit/rate-limit.js";
import { answerBudgetMs, gatewayJwtKey, responderApiKey } from "../params.js";
import { speechTurnRequestSchema, type SpeechTurnRequest } from "../requests.js";
import { deferTurn } from "../store/deferred-turns.js";
import type { Caller } from "../store/directory.js";
import { liveTurn, pendingTurns, TURN_HEADER, type Progress } from "./speech-turn/live-turn.js";

export { TURN_HEADER };
/** A turn is a sentence or a text message: 4000 characters, up to 4 bytes each, and the fields. */
export const TURN_BODY_LIMIT_BYTES = 20 * 1024;
/** The answer goes out this long before the budget ends: the response's own way to the gateway. */
export const ANSWER_MARGIN_MS = 100;
/** Time kept for queueing a deferred turn (task and marker, in parallel) before answering. */
export const DEFER_MS = 250;

/** A failure the stores caused (anything but a deliberate 4xx): the caller is answered anyway. */
function storeFailure(error: unknown): boolean {
  return !(error instanceof HttpError) || error.code === "INTERNAL";
}

type Settled =
  | { readonly kind: "answer"; readonly answer: TurnAnswer }
  | { readonly kind: "error"; readonly error: unknown }
  | { readonly kind: "late" };

function settleBy(live: Promise<TurnAnswer>, at: number): Promise<Settled> {
  return new Promise((resolve) => {
    const timer = setTimeout(
      () => {
        resolve({ kind: "late" });
      },
      Math.max(0, at - Date.now()),
    );
    live.then(
      (answer) => {
        clearTimeout(timer);
        resolve({ kind: "answer", answer });
      },
      (error: unknown) => {
        clearTimeout(timer);
        resolve({ kind: "error", error });
      },
    );
  });
}

/**
 * The speech turn within the answer budget. The live turn runs; if it has not answered by
 * `budget - ANSWER_MARGIN_MS - DEFER_MS` after arrival, or failed for a store's sake, the caller
 * gets the answer the live turn had settled on (when it got as far as its write), or the
 * playbook's from what it had read, and the turn is queued to be written when the database is back.
 */
export async function recordTurn(request: Request, response: Response): Promise<TurnAnswer> {
  const arrived = Date.now();
  const { gateway } = await authenticate(request);
  const body: SpeechTurnRequest = parseJsonBody(
    request,
    speechTurnRequestSchema,
    TURN_BODY_LIMIT_BYTES,
  );
  enforce(callerLimit(), body.from, "caller number");
  return answerTurn({ gateway, arrived, body, response });
}

/** An authenticated, parsed turn from any gateway (the JWT gateway or Twilio's webhooks). */
export interface TurnInput {
  readonly gateway: string;
  /** When the request arrived: the answer budget runs from here. */
  readonly arrived: number;
  readonly body: SpeechTurnRequest;
  readonly response: Response;
  /**
   * The caller when the gateway already knows the tenant (Twilio: the line that was called);
   * absent, the caller's number resolves it through the phone index.
   */
  readonly caller?: Caller;
}

/**
 * The speech turn itself, whatever gateway it came from: every gateway's turn goes through here,
 * so the budget, the claim, the hold and the deferral behave the same for all of them.
 */
export async function answerTurn(input: TurnInput): Promise<TurnAnswer> {
  const { gateway, arrived, body, response, caller } = input;
  const callId = callIdFor(gateway, body.callRef);
  const fingerprint = turnFingerprint(body);
  const earlier = pendingTurns.find(callId, body.turnId, fingerprint);
  if (earlier !== undefined) {
    response.set(TURN_HEADER, "replayed");
    return answerOf(earlier);
  }

  const progress: Progress = {
    abandon: new AbortController(),
    ...(caller === undefined ? {} : { tenantId: caller.tenantId }),
    ...(caller?.subjectId === undefined ? {} : { subjectId: caller.subjectId }),
  };
  response.set(TURN_HEADER, "live");
  const live = liveTurn({
    gateway,
    arrived,
    body,
    callId,
    fingerprint,
    progress,
    response,
    ...(caller === undefined ? {} : { caller }),
  });
  const settled = await settleBy(
    live,
    arrived + answerBudgetMs.value() - ANSWER_MARGIN_MS - DEFER_MS,
  );
  if (settled.kind === "answer") return settled.answer;
  if (settled.kind === "error" && !storeFailure(settled.error)) throw settled.error;
  progress.abandon.abort();
  live.catch((error: unknown) => {
    if (String(error) !== "Error: abandoned") {
      logger.warn("abandoned turn attempt failed", { callId, error: String(error) });
    }
  });
  const why = settled.kind === "late" ? "budget" : String(settled.error);
  const { earlier: marked, own } = markersOfTurn(
    progress.markers ?? [],
    body.turnId,
    fingerprint,
    arrived,
  );
  if (own !== undefined) {
    response.set(TURN_HEADER, "replayed");
    return answerOf(own);
  }
  const turn =
    progress.planned ??
    fallbackTurn({
      gateway,
      request: body,
      fingerprint,
      callId,
      known: {
        ...(progress.tenantId === undefined ? {} : { tenantId: progress.tenantId }),
        ...(progress.subjectId === undefined ? {} : { subjectId: progress.subjectId }),
        ...(caller?.line === undefined ? {} : { line: caller.line }),
        ...(progress.state === undefined ? {} : { state: progress.state }),
        ...(progress.callerName === undefined ? {} : { callerName: progress.callerName }),
        ...(progress.deliverable === undefined ? {} : { deliverable: progress.deliverable }),
        ...(progress.lapse === undefined ? {} : { lapse: progress.lapse }),
      },
      now: Date.now(),
    });
  // The task carries every earlier deferred turn known here, this instance's and the marked ones,
  // so one delivered task records the call's deferred turns in order even if theirs were lost.
  const before = mergeTurns(
    pendingTurns.of(callId).filter((t) => t.request.turnId !== body.turnId),
    marked,
  );
  pendingTurns.add(turn);
  const deferral = await deferTurn({ turn, earlier: before }, DEFER_MS);
  logger.warn("turn answered without the stores", {
    callId,
    turnId: body.turnId,
    why,
    planned: progress.planned !== undefined,
    read: progress.state !== undefined,
    ...deferral,
    ms: Date.now() - arrived,
  });
  response.set(TURN_HEADER, "deferred");
  return answerOf(turn);
}

/** The endpoint as deployed, apart from its trigger: a plain `(request, response)` handler. */
export const handleSpeechTurn = endpoint(["POST"], recordTurn);

export const speechTurn = onRequest(
  { secrets: [gatewayJwtKey, responderApiKey] },
  handleSpeechTurn,
);
