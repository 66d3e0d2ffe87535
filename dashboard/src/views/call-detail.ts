/**
 * The selected call: who and how urgent, vitals, why it is at its urgency, who holds it (and
 * whether their console is still there), a lapse or take-over, the transcript and the actions.
 * The header carries the next action beside the state it resolves (logic/permissions nextActions).
 * Hooks: call-detail (data-call-id, data-status), call-empty, call-next-actions,
 * call-next-acknowledge (data-alert-id), action-take-over, call-next-call-back (data-alert-id), call-vitals, call-urgency-reason,
 * call-hold-lapsed, call-taken-from, call-holder (data-liveness), call-ended-state.
 */
import { html, nothing, type TemplateResult } from "lit-html";
import { repeat } from "lit-html/directives/repeat.js";
import { type Call, CAPABILITIES } from "@lifeline/model";
import type { AlertView } from "../logic/alerts.js";
import {
  callDuration,
  isCriticalUnacknowledged,
  lapseNote,
  mediumLabel,
  ownerLabel,
  takenFromNotice,
  urgencyReasonText,
} from "../logic/calls.js";
import { formatAgo, formatClock, formatDuration, humanize } from "../logic/format.js";
import { leadLabel, leadWords } from "../logic/lead.js";
import type { AppState } from "../state/app-state.js";
import { nextActions, type NextAction } from "../logic/permissions.js";
import {
  actionContext,
  callLabel,
  livenessOf,
  serverNow,
  type Derived,
} from "../state/selectors.js";
import type { Intents } from "../app/intents.js";
import { callAckView } from "./ack-form.js";
import { actionsView } from "./actions.js";
import { titleOf, unackedBadge, urgencyBadge } from "./parts.js";
import { transcriptView } from "./transcript.js";
import { callViewersLine } from "./viewers.js";
import { superviseView } from "./supervise.js";

/** Who holds the call and whether their console is still there. */
function holderLine(call: Call, state: AppState): TemplateResult {
  const owner = call.owner;
  if (owner.kind !== "human" || call.status !== "active" || owner.uid === state.session.uid) {
    return html`<p class="holder" data-testid="call-holder" role="status" hidden></p>`;
  }
  const liveness = CAPABILITIES[state.session.role].presence
    ? livenessOf(state, owner.uid)
    : undefined;
  const record = state.presence.get(owner.uid);
  const text =
    liveness === undefined
      ? `${owner.name} is handling this call.`
      : liveness === "offline"
        ? `${owner.name} holds this call but their console is offline${record === undefined ? "" : ` (last seen ${formatAgo(record.lastSeen, serverNow(state))})`}. The hold lapses and the AI answers if they do not come back.`
        : `${owner.name} is handling this call (${liveness}).`;
  return html`<p
    class="holder"
    data-testid="call-holder"
    role="status"
    data-liveness=${liveness ?? nothing}
  >${text}</p>`;
}

function endedText(call: Call, now: number): string {
  if (call.status === "missed") return `Missed call at ${formatClock(call.startedAt)}.`;
  if (call.status === "ended") {
    return `Call ended at ${formatClock(call.endedAt ?? call.lastMessageAt)} after ${formatDuration(callDuration(call, now))}.`;
  }
  return "";
}

const MEMBER_NOT_LOADED = {
  allowed: false,
  reason: "Your member record is not loaded yet.",
} as const;

/** One next action, beside the state it resolves. */
function nextActionView(
  action: NextAction,
  callId: string,
  state: AppState,
  intents: Intents,
): TemplateResult {
  const disabled = !action.availability.allowed || state.busy;
  const title = titleOf(action.availability);
  switch (action.kind) {
    case "acknowledge":
      return html`${unackedBadge}<button
          type="button"
          class="primary"
          data-testid="call-next-acknowledge"
          data-alert-id=${action.alertId}
          ?disabled=${disabled}
          title=${title}
          @click=${() => {
            intents.openAck(action.alertId);
          }}
        >Acknowledge</button>`;
    case "takeOver":
      return html`<span class="owner-state">AI answering</span
        ><button
          type="button"
          class="primary"
          data-testid="action-take-over"
          ?disabled=${disabled}
          title=${title}
          @click=${() => {
            intents.takeOver(callId);
          }}
        >Take over</button>`;
    case "callBack": {
      const alertId = action.alertId;
      return html`<span class="badge unattended">${alertId === undefined ? "Missed" : "Ended unattended"}</span
        >${
          alertId === undefined
            ? html`<a class="button primary" data-testid="call-next-call-back" href=${`tel:${action.phone}`}
              >Call back ${action.phone}</a>`
            : html`<button
              type="button"
              class="primary"
              data-testid="call-next-call-back"
              data-alert-id=${alertId}
              ?disabled=${disabled}
              title=${title}
              @click=${() => {
                intents.openOutcome(alertId);
              }}
            >Call back ${action.phone}…</button>`
        }`;
    }
  }
}

function headline(
  callId: string,
  call: Call,
  state: AppState,
  alerts: readonly AlertView[],
  intents: Intents,
): TemplateResult {
  const entry = { id: callId, call };
  const actions = nextActions(entry, alerts, actionContext(state)).map((action) =>
    // Taking over writes the member's name: wait for the member record.
    action.kind === "takeOver" && state.member === undefined && action.availability.allowed
      ? { ...action, availability: MEMBER_NOT_LOADED }
      : action,
  );
  const offersAck = actions.some((action) => action.kind === "acknowledge");
  // A critical call whose alert has not arrived yet must not look calm meanwhile.
  const unacked = !offersAck && isCriticalUnacknowledged(entry, alerts);
  return html`<div class="headline">
    <h2>${callLabel(entry, state.subjects)}</h2>
    ${urgencyBadge(call.urgency)} ${unacked ? unackedBadge : nothing}
    <span class="next-actions" data-testid="call-next-actions"
      >${actions.map(
        (action) =>
          html`<span class="next" data-kind=${action.kind}
            >${nextActionView(action, callId, state, intents)}</span
          >`,
      )}</span
    >
  </div>`;
}

function detail(callId: string, call: Call, state: AppState, derived: Derived, intents: Intents) {
  const uid = state.session.uid;
  const subject = call.subjectId === undefined ? undefined : state.subjects.get(call.subjectId);
  const vitals = Object.entries(subject?.vitals ?? {});
  const reason = urgencyReasonText(call);
  const active = call.status === "active";
  const lapse = active ? lapseNote(call.owner) : undefined;
  const taken = active ? takenFromNotice(call.owner, uid) : undefined;
  return html`<div class="detail-header">
      ${headline(callId, call, state, derived.alerts, intents)}
      <span class="meta"
        >${`${mediumLabel(call.medium)} · ${call.phone} · started ${formatClock(call.startedAt)} · `}<span
          >${formatDuration(callDuration(call, state.now))}</span
        >${` · ${ownerLabel(call.owner, uid)}`}${
          call.lead === undefined
            ? ""
            : ` · ${leadLabel(call.lead.status, leadWords(state.leadLabels))}`
        }</span
      >
    </div>
    ${callAckView(state, derived, intents)}
    <ul class="vitals" data-testid="call-vitals" ?hidden=${vitals.length === 0}>
      ${repeat(
        vitals,
        ([kind]) => kind,
        ([kind, vital]) =>
          html`<li class="vital vital-${vital.status}" data-kind=${kind} data-status=${vital.status}
            >${humanize(kind)} ${vital.value} ${vital.unit}${
              vital.status === "normal" ? "" : ` (${vital.status})`
            }</li
          >`,
      )}
    </ul>
    <p
      class="urgency-reason"
      data-testid="call-urgency-reason"
      ?hidden=${reason === undefined || call.urgency === "normal"}
    >${reason === undefined ? "" : `Why ${call.urgency}: ${reason}`}</p>
    <p class="hold-lapsed" data-testid="call-hold-lapsed" ?hidden=${lapse === undefined}
      >${lapse ?? ""}</p
    >
    <p class="taken-from" data-testid="call-taken-from" ?hidden=${taken === undefined}
      >${taken ?? ""}</p
    >
    ${holderLine(call, state)} ${callViewersLine(callId, state)}
    <p class="ended-state" data-testid="call-ended-state" ?hidden=${active}
      >${endedText(call, state.now)}</p
    >
    ${transcriptView(call, state, derived, intents)} ${superviseView(callId, call, state, intents)}
    ${actionsView(callId, call, state, intents)}`;
}

export function callDetailView(
  state: AppState,
  derived: Derived,
  intents: Intents,
): TemplateResult {
  const callId = state.selectedCallId;
  const call = derived.call(callId);
  if (callId === undefined || call === undefined) {
    return html`<section class="detail" data-testid="call-detail" data-call-id="" aria-label="Selected call">
      <p class="empty" data-testid="call-empty">Select a call to follow its transcript.</p>
    </section>`;
  }
  return html`<section
    class="detail"
    data-testid="call-detail"
    data-call-id=${callId}
    data-status=${call.status}
    aria-label="Selected call"
  >
    ${detail(callId, call, state, derived, intents)}
  </section>`;
}
