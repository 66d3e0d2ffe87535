/**
 * What the member can do with the selected call: take over (or take over from a colleague), hand
 * back, message the caller, set the lead status, override the urgency. Each control is enabled
 * only when `logic/permissions.ts` says the write will be accepted; otherwise its reason shows
 * beside it (`<testid>-reason`). Hooks: action-take-over, action-take-over-from, action-hand-back,
 * message-input, action-send-message, lead-select, action-set-lead, override-level,
 * override-reason, action-override.
 */
import { html, type TemplateResult } from "lit-html";
import { live } from "lit-html/directives/live.js";
import { type Call, LEAD_STATUSES, LIMITS } from "@lifeline/model";
import { humanize } from "../logic/format.js";
import { messagePlaceholder } from "../logic/transcript.js";
import {
  callActionAvailability,
  overrideLevels,
  type Availability,
  type CallAction,
} from "../logic/permissions.js";
import type { AppState } from "../state/app-state.js";
import { actionContext, leadChoice, overrideChoice } from "../state/selectors.js";
import type { Intents } from "../app/intents.js";
import { disabledReason, fieldValue, titleOf } from "./parts.js";

const MEMBER_NOT_LOADED: Availability = {
  allowed: false,
  reason: "Your member record is not loaded yet.",
};

export function actionsView(
  callId: string,
  call: Call,
  state: AppState,
  intents: Intents,
): TemplateResult {
  const { session, drafts, busy } = state;
  const context = actionContext(state);
  const available = (action: CallAction) => callActionAvailability(action, call, context);
  const loaded = (availability: Availability) =>
    state.member === undefined && availability.allowed ? MEMBER_NOT_LOADED : availability;
  // A colleague holds the call: admins and dispatchers get "Take over from <name>" instead.
  const holder =
    call.owner.kind === "human" && call.owner.uid !== session.uid && call.status === "active"
      ? call.owner
      : undefined;
  const fromColleague =
    holder !== undefined && (session.role === "admin" || session.role === "dispatcher");
  const takeOver = loaded(available("takeOver"));
  const takeOverFrom = state.member === undefined ? MEMBER_NOT_LOADED : available("takeOverFrom");
  const handBack = available("handBack");
  const message = available("message");
  const lead = available("setLead");
  const override = available("overrideUrgency");
  const chosenLevel = overrideChoice(drafts, call);
  const chosenLead = leadChoice(drafts, call);

  return html`<section class="actions" aria-label="Actions">
    <div class="action-row">
      <button
        type="button"
        class="primary"
        data-testid="action-take-over"
        ?hidden=${fromColleague}
        ?disabled=${!takeOver.allowed || busy}
        title=${titleOf(takeOver)}
        @click=${() => {
          intents.takeOver(callId);
        }}
      >Take over</button>
      ${disabledReason("action-take-over", fromColleague ? { allowed: true } : takeOver)}
      <button
        type="button"
        class="primary"
        data-testid="action-take-over-from"
        ?hidden=${!fromColleague}
        ?disabled=${!fromColleague || !takeOverFrom.allowed || busy}
        title=${titleOf(fromColleague ? takeOverFrom : { allowed: true })}
        @click=${() => {
          intents.openTakeOverFrom(callId);
        }}
      >${fromColleague ? `Take over from ${holder.name}` : "Take over from a colleague"}</button>
      ${disabledReason("action-take-over-from", fromColleague ? takeOverFrom : { allowed: true })}
      <button
        type="button"
        data-testid="action-hand-back"
        ?disabled=${!handBack.allowed || busy}
        title=${titleOf(handBack)}
        @click=${() => {
          intents.handBack(callId);
        }}
      >Hand back to AI</button>
      ${disabledReason("action-hand-back", handBack)}
    </div>
    <form
      class="message-form"
      @submit=${(event: Event) => {
        event.preventDefault();
        intents.sendMessage(callId);
      }}
    >
      <textarea
        data-testid="message-input"
        rows="2"
        maxlength=${LIMITS.outboxText}
        placeholder=${messagePlaceholder(call)}
        aria-label="Message to the caller"
        ?disabled=${!message.allowed}
        .value=${live(drafts.message)}
        @input=${(event: Event) => {
          intents.editDrafts({ message: fieldValue(event) });
        }}
        @keydown=${(event: KeyboardEvent) => {
          if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
            event.preventDefault();
            intents.sendMessage(callId);
          }
        }}
      ></textarea>
      <button
        type="submit"
        data-testid="action-send-message"
        ?disabled=${!message.allowed || busy}
        title=${titleOf(message)}
      >Send to caller</button>
      ${disabledReason("action-send-message", message)}
    </form>
    <div class="action-row">
      <select
        data-testid="lead-select"
        aria-label="Lead status"
        ?disabled=${!lead.allowed}
        @change=${(event: Event) => {
          intents.editDrafts({ lead: fieldValue(event) });
        }}
      >
        ${LEAD_STATUSES.map(
          (status) =>
            html`<option value=${status} .selected=${live(status === chosenLead)}
              >${humanize(status)}</option
            >`,
        )}
      </select>
      <button
        type="button"
        data-testid="action-set-lead"
        ?disabled=${!lead.allowed || busy}
        title=${titleOf(lead)}
        @click=${() => {
          intents.setLead(callId);
        }}
      >Set lead</button>
      ${disabledReason("action-set-lead", lead)}
    </div>
    <form
      class="override-form"
      @submit=${(event: Event) => {
        event.preventDefault();
        intents.overrideUrgency(callId);
      }}
    >
      <select
        data-testid="override-level"
        aria-label="New urgency"
        ?disabled=${!override.allowed}
        @change=${(event: Event) => {
          intents.editDrafts({ overrideLevel: fieldValue(event) });
        }}
      >
        ${overrideLevels(call).map(
          (level) =>
            html`<option value=${level} .selected=${live(level === chosenLevel)}>${level}</option>`,
        )}
      </select>
      <input
        type="text"
        data-testid="override-reason"
        maxlength=${LIMITS.overrideReason}
        placeholder="Reason (required)"
        aria-label="Reason for the urgency override"
        ?disabled=${!override.allowed}
        .value=${live(drafts.overrideReason)}
        @input=${(event: Event) => {
          intents.editDrafts({ overrideReason: fieldValue(event) });
        }}
      />
      <button
        type="submit"
        data-testid="action-override"
        ?disabled=${!override.allowed || busy}
        title=${titleOf(override)}
      >Override urgency</button>
      ${disabledReason("action-override", override)}
    </form>
  </section>`;
}
