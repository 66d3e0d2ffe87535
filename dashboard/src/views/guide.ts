/**
 * Guiding the assistant privately: an instruction it follows in its next replies without reading
 * it out (never shown to the caller or to subject members). The guidance given so far is woven
 * into the transcript as staff-only lines (views/transcript.ts). Hooks: guide-form, guide-input,
 * action-guide.
 */
import { html, nothing, type TemplateResult } from "lit-html";
import { live } from "lit-html/directives/live.js";
import { type Call, LIMITS } from "@lifeline/model";
import { guideAvailability } from "../logic/supervise.js";
import type { AppState } from "../state/app-state.js";
import { actionContext } from "../state/selectors.js";
import type { Intents } from "../app/intents.js";
import { disabledReason, fieldValue, titleOf } from "./parts.js";

export function guideView(
  callId: string,
  call: Call,
  state: AppState,
  intents: Intents,
): TemplateResult {
  const guide = guideAvailability(call, actionContext(state));
  const text = state.drafts.guidance ?? "";
  return html`${
    guide === undefined
      ? nothing
      : html`<form
          class="guide-form"
          data-testid="guide-form"
          @submit=${(event: Event) => {
            event.preventDefault();
            intents.guide(callId);
          }}
        >
          <input
            type="text"
            data-testid="guide-input"
            maxlength=${LIMITS.guidanceText}
            placeholder="Guide the assistant (staff only, never read out)"
            aria-label="Private guidance for the assistant"
            .value=${live(text)}
            @input=${(event: Event) => {
              intents.editDrafts({ guidance: fieldValue(event) });
            }}
          />
          <button
            type="submit"
            data-testid="action-guide"
            ?disabled=${!guide.allowed || state.busy || text.trim() === ""}
            title=${titleOf(guide)}
          >Guide</button>
          ${disabledReason("action-guide", guide)}
        </form>`
  }`;
}
