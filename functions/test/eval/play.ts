/**
 * Plays one conversation of the evaluation set through the code the speech turn runs
 * (src/http/speech-turn/live-turn.ts): `decideTurn` on the call as it stands, then the playbook
 * responder with what the decision hands it, the transcript growing as the turn plan writes it, and
 * the call's alert raised as the fan-out trigger raises it. A small adapter, nothing else: it
 * follows the responder's input as that changes.
 */
import type { Alert, Call, Message } from "@lifeline/model";
import { raiseUrgencyAlert } from "../../src/domain/alerts.js";
import { playbookReply, type ResponderInput } from "../../src/domain/responder/index.js";
import { decideTurn, type CallState } from "../../src/domain/turn/index.js";
import type { Outcome } from "./checks.js";
import type { Conversation } from "./schema.js";

const START = Date.UTC(2026, 0, 1, 12);
const TURN_GAP_MS = 8_000;
const PHONE = "+15555550123";

export interface PlayedTurn extends Outcome {
  readonly caller: string;
  readonly category: string;
  /** What the responder was asked, to hold its reply to the responders' own checks. */
  readonly input: ResponderInput;
}

export function play(conversation: Conversation): PlayedTurn[] {
  const callId = `eval-${conversation.id}`;
  let call: Call | null = null;
  let alert: Alert | null = null;
  const history: Message[] = [];
  const played: PlayedTurn[] = [];

  conversation.turns.forEach((turn, index) => {
    const now = START + index * TURN_GAP_MS;
    const state: CallState = { call, outbox: [], history, alert };
    const decision = decideTurn(turn.caller, state, now);
    const input: ResponderInput = {
      text: turn.caller,
      history: decision.history,
      urgency: decision.urgency,
      mode: decision.mode,
      medium: conversation.medium,
    };
    const reply = playbookReply(input);

    let seq = call?.messageCount ?? 0;
    const turnId = `turn-${index + 1}`;
    history.push({ seq: ++seq, role: "caller", text: turn.caller, at: now, turnId });
    history.push({ seq: ++seq, role: "assistant", text: reply.text, at: now, turnId });
    call = {
      phone: PHONE,
      medium: conversation.medium,
      status: "active",
      urgency: decision.urgency,
      owner: decision.owner,
      startedAt: call?.startedAt ?? now,
      lastMessageAt: now,
      messageCount: seq,
      lastSnippet: turn.caller.slice(0, 200),
      ...(decision.triage.matched.length === 0
        ? {}
        : { urgencyReason: { source: "triage" as const, terms: [...decision.triage.matched] } }),
    };
    alert = raiseUrgencyAlert(alert, callId, call, now) ?? alert;
    if (alert !== null && conversation.acknowledged === true) {
      alert = { ...alert, status: "acknowledged" };
    }

    played.push({
      caller: turn.caller,
      reply: reply.text,
      urgency: decision.urgency,
      mode: decision.mode,
      category: decision.triage.category,
      input,
    });
  });
  return played;
}
