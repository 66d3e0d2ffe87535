/**
 * What the Twilio voice and messaging webhooks share once they know the tenant: the turn held to
 * the speech turn's own request schema, the caller resolved on the line they reached (kept on the
 * call as its `line`), and the speech turn itself, as Twilio's gateway.
 */
import type { Response } from "express";
import type { TurnAnswer } from "../../domain/turn/index.js";
import { invalidArgument, publicIssues } from "../../http-kit/body.js";
import { TWILIO_GATEWAY } from "../../http-kit/twilio.js";
import { speechTurnRequestSchema } from "../../requests.js";
import { directory } from "../../store/directory.js";
import { answerTurn } from "../speech-turn.js";

export interface TwilioTurn {
  readonly tenantId: string;
  /** The tenant's number Twilio was called or texted on (`To`). */
  readonly line: string;
  /** The speech turn's request fields: `callRef`, `from`, `text`, `medium`, `turnId`. */
  readonly request: Record<string, unknown>;
  readonly arrived: number;
  readonly response: Response;
}

export async function answerTwilioTurn(turn: TwilioTurn): Promise<TurnAnswer> {
  const body = speechTurnRequestSchema.safeParse(turn.request);
  if (!body.success) {
    throw invalidArgument("The request body is not valid.", publicIssues(body.error.issues));
  }
  const caller = {
    ...(await directory.callerOnLine(turn.tenantId, body.data.from)),
    line: turn.line,
  };
  return answerTurn({
    gateway: TWILIO_GATEWAY,
    arrived: turn.arrived,
    body: body.data,
    response: turn.response,
    caller,
  });
}
