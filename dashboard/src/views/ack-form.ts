/**
 * The acknowledgement form, for one alert at a time: under the selected call's header when the
 * alert is about that call, else under the alerts list. Hooks: ack-form
 * (data-alert-id), ack-status, ack-note, ack-submit (ack-submit-reason), ack-cancel. Escape closes it.
 */
import { html, nothing, type TemplateResult } from "lit-html";
import { keyed } from "lit-html/directives/keyed.js";
import { live } from "lit-html/directives/live.js";
import { ref } from "lit-html/directives/ref.js";
import { ACK_STATUSES, LIMITS } from "@lifeline/model";
import { humanize } from "../logic/format.js";
import { acknowledgeAvailability, type Availability } from "../logic/permissions.js";
import type { AckFormState, AppState } from "../state/app-state.js";
import { actionContext, type Derived } from "../state/selectors.js";
import type { Intents } from "../app/intents.js";
import { disabledReason, fieldValue, focusWhenPlaced, titleOf } from "./parts.js";

const NOT_LISTED: Availability = { allowed: false, reason: "This alert is no longer listed." };

function ackForm(
  form: AckFormState,
  state: AppState,
  derived: Derived,
  intents: Intents,
): TemplateResult {
  const alert = derived.alerts.find((candidate) => candidate.id === form.alertId);
  const availability =
    alert === undefined ? NOT_LISTED : acknowledgeAvailability(alert, actionContext(state));
  const status = form.status ?? ACK_STATUSES[0];
  return html`<form
    class="ack-form"
    data-testid="ack-form"
    data-alert-id=${form.alertId}
    @submit=${(event: Event) => {
      event.preventDefault();
      intents.submitAck();
    }}
    @keydown=${(event: KeyboardEvent) => {
      if (event.key === "Escape") intents.closeAck();
    }}
  >
    <h3>${alert === undefined ? "Acknowledge" : `Acknowledge: ${alert.title}`}</h3>
    <label
      >Status
      <select
        data-testid="ack-status"
        aria-label="Status"
        ${ref(focusWhenPlaced)}
        @change=${(event: Event) => {
          intents.editAck({ status: fieldValue(event) });
        }}
      >
        ${ACK_STATUSES.filter(
          // An admin is the top of the chain: there is nobody to decline to.
          (value) => value !== "declined" || state.session.role !== "admin",
        ).map(
          (value) =>
            html`<option value=${value} .selected=${live(value === status)}
              >${humanize(value)}</option
            >`,
        )}
      </select></label
    >
    <label
      >Note
      <textarea
        data-testid="ack-note"
        rows="2"
        maxlength=${LIMITS.ackNote}
        placeholder=${status === "declined" ? "Reason (required), e.g. in surgery" : "Note (optional)"}
        ?required=${status === "declined"}
        aria-label="Note"
        .value=${live(form.note)}
        @input=${(event: Event) => {
          intents.editAck({ note: fieldValue(event) });
        }}
      ></textarea
    ></label>
    <div class="action-row">
      <button
        type="submit"
        class="primary"
        data-testid="ack-submit"
        ?disabled=${!availability.allowed || form.busy}
        title=${titleOf(availability)}
      >${status === "declined" ? "Decline" : "Acknowledge"}</button>
      <button
        type="button"
        data-testid="ack-cancel"
        @click=${() => {
          intents.closeAck();
        }}
      >Cancel</button>
      ${disabledReason("ack-submit", availability)}
    </div>
  </form>`;
}

/** Whether the open form is about the selected call: it then shows under that call's header. */
function aboutSelectedCall(form: AckFormState, state: AppState, derived: Derived): boolean {
  const alert = derived.alerts.find((candidate) => candidate.id === form.alertId);
  return alert?.callId !== undefined && alert.callId === state.selectedCallId;
}

/** The form under the alerts list, for an alert of a call other than the selected one. */
export function ackRegionView(state: AppState, derived: Derived, intents: Intents): TemplateResult {
  const form = state.ack;
  return html`<div class="ack-region">
    ${
      form === undefined || aboutSelectedCall(form, state, derived)
        ? nothing
        : keyed(form.alertId, ackForm(form, state, derived, intents))
    }
  </div>`;
}

/** The form under the selected call's header, for an alert of that call. */
export function callAckView(state: AppState, derived: Derived, intents: Intents): TemplateResult {
  const form = state.ack;
  return html`${
    form === undefined || !aboutSelectedCall(form, state, derived)
      ? nothing
      : keyed(form.alertId, ackForm(form, state, derived, intents))
  }`;
}
