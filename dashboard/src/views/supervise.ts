/**
 * Guiding the assistant privately (views/guide.ts) and ending the call for the caller, shown only to members who may (admins and dispatchers, or the
 * doctor or nurse holding the call), with a confirmation step. Hooks: action-end-call,
 * end-call-confirm, action-end-call-confirm, action-end-call-cancel, call-ended-by.
 */
import { html, nothing, type TemplateResult } from "lit-html";
import type { Call } from "@lifeline/model";
import { endCallAvailability, endedByText } from "../logic/supervise.js";
import type { AppState } from "../state/app-state.js";
import { actionContext } from "../state/selectors.js";
import type { Intents } from "../app/intents.js";
import { disabledReason, focusWhenPlaced, titleOf } from "./parts.js";
import { ref } from "lit-html/directives/ref.js";
import { guideView } from "./guide.js";

function endCallControl(
  callId: string,
  call: Call,
  state: AppState,
  intents: Intents,
): TemplateResult | typeof nothing {
  const end = endCallAvailability(call, actionContext(state));
  if (end === undefined) return nothing;
  if (state.drafts.endConfirm === true) {
    return html`<div class="end-call-confirm" role="group" data-testid="end-call-confirm"
      aria-label="Confirm ending the call">
      <span>End this call for the caller? They hear a goodbye and the line closes.</span>
      <button
        type="button"
        class="primary danger"
        data-testid="action-end-call-confirm"
        ?disabled=${!end.allowed || state.busy}
        ${ref(focusWhenPlaced)}
        @click=${() => {
          intents.endCall(callId);
        }}
      >End call now</button>
      <button
        type="button"
        data-testid="action-end-call-cancel"
        @click=${() => {
          intents.cancelEndCall();
        }}
      >Keep the call</button>
    </div>`;
  }
  return html`<div class="action-row end-call">
    <button
      type="button"
      class="danger"
      data-testid="action-end-call"
      ?disabled=${!end.allowed || state.busy}
      title=${titleOf(end)}
      @click=${() => {
        intents.askEndCall();
      }}
    >End call</button>
    ${disabledReason("action-end-call", end)}
  </div>`;
}

export function superviseView(
  callId: string,
  call: Call,
  state: AppState,
  intents: Intents,
): TemplateResult {
  const endedBy = endedByText(call);
  return html`<section class="supervise" aria-label="Supervise the call">
    <p class="ended-by" data-testid="call-ended-by" role="status" ?hidden=${endedBy === undefined}
      >${endedBy ?? ""}</p
    >
    ${guideView(callId, call, state, intents)} ${endCallControl(callId, call, state, intents)}
  </section>`;
}
