/**
 * What the member can do with the selected call beyond the next action in its header: take over
 * from a colleague, hand back, message the caller, set the lead status, override the urgency. Each control is enabled
 * only when `logic/permissions.ts` says the write will be accepted; otherwise its reason shows
 * beside it (`<testid>-reason`). Controls the role never has are not shown: one line
 * (role-summary) says what the role may do instead. Hand back shows only to the holder. Hooks: action-take-over-from, action-hand-back,
 * message-input, action-send-message, lead-select, action-set-lead, override-level,
 * override-reason, action-override.
 */
import { html, nothing, type TemplateResult } from "lit-html";
import { live } from "lit-html/directives/live.js";
import { type Call, LEAD_STATUSES, LIMITS } from "@lifeline/model";
import { leadWords } from "../logic/lead.js";
import { messagePlaceholder } from "../logic/transcript.js";
import {
  callActionAvailability,
  roleControls,
  URGENCY_LEVELS,
  roleSummary,
  type Availability,
  type CallAction,
} from "../logic/permissions.js";
import type { AppState } from "../state/app-state.js";
import { actionContext, leadChoice, overrideChoice, overrideMissing } from "../state/selectors.js";
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
  // A colleague holds the call: admins and dispatchers get "Take over from <name>" instead.
  const holder =
    call.owner.kind === "human" && call.owner.uid !== session.uid && call.status === "active"
      ? call.owner
      : undefined;
  const controls = roleControls(session.role);
  const fromColleague = holder !== undefined && controls.takeOverFrom;
  const takeOverFrom = state.member === undefined ? MEMBER_NOT_LOADED : available("takeOverFrom");
  const handBack = available("handBack");
  const message = available("message");
  const lead = available("setLead");
  const override = available("overrideUrgency");
  const chosenLevel = overrideChoice(drafts, call);
  const missing = overrideMissing(drafts, call);
  const chosenLead = leadChoice(drafts, call);
  const words = leadWords(state.leadLabels);
  const summary = roleSummary(session.role);
  const holdsIt = call.owner.kind === "human" && call.owner.uid === session.uid;
  const showHandBack = controls.handBack && holdsIt;

  return html`<section class="actions" aria-label="Actions">
    ${
      summary === undefined
        ? nothing
        : html`<p class="role-summary" data-testid="role-summary">${summary}</p>`
    }
    <div class="action-row" ?hidden=${!fromColleague && !showHandBack}>
      ${
        fromColleague
          ? html`<button
              type="button"
              class="primary"
              data-testid="action-take-over-from"
              ?disabled=${!takeOverFrom.allowed || busy}
              title=${titleOf(takeOverFrom)}
              @click=${() => {
                intents.openTakeOverFrom(callId);
              }}
            >Take over from ${holder.name}</button>
            ${disabledReason("action-take-over-from", takeOverFrom)}`
          : nothing
      }
      ${
        showHandBack
          ? html`<button
        type="button"
        data-testid="action-hand-back"
        ?disabled=${!handBack.allowed || busy}
        title=${titleOf(handBack)}
        @click=${() => {
          intents.handBack(callId);
        }}
      >Hand back to AI</button>
      ${disabledReason("action-hand-back", handBack)}`
          : nothing
      }
    </div>
    ${
      controls.message
        ? html`<form
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
    </form>`
        : nothing
    }
    ${
      controls.setLead
        ? html`<div class="action-row">
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
              >${words[status]}</option
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
    </div>`
        : nothing
    }
    ${
      controls.overrideUrgency
        ? html`<form
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
        ${URGENCY_LEVELS.map(
          (level) =>
            html`<option value=${level} .selected=${live(level === chosenLevel)}
              >${level === call.urgency ? `${level} (now)` : level}</option
            >`,
        )}
      </select>
      <input
        type="text"
        data-testid="override-reason"
        maxlength=${LIMITS.overrideReason}
        placeholder="Reason (required)"
        required
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
        ?disabled=${!override.allowed || busy || missing !== undefined}
        title=${override.allowed ? (missing ?? nothing) : titleOf(override)}
      >Override urgency</button>
      ${disabledReason("action-override", override)}
    </form>`
        : nothing
    }
  </section>`;
}
