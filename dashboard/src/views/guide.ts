/**
 * Guiding the assistant privately: an instruction it follows in its next replies without reading
 * it out, and the guidance given so far, marked "Staff only · guidance" (never shown to the caller
 * or to subject members). Hooks: guide-form, guide-input, action-guide, guidance-list with
 * guidance-item (data-by).
 */
import { html, nothing, type TemplateResult } from "lit-html";
import { live } from "lit-html/directives/live.js";
import { repeat } from "lit-html/directives/repeat.js";
import { type Call, LIMITS } from "@lifeline/model";
import { formatClock } from "../logic/format.js";
import { guideAvailability } from "../logic/supervise.js";
import type { AppState } from "../state/app-state.js";
import { actionContext } from "../state/selectors.js";
import type { Intents } from "../app/intents.js";
import { disabledReason, fieldValue, titleOf } from "./parts.js";

function guidanceList(callId: string, state: AppState): TemplateResult | typeof nothing {
  const given = [...(state.guidance.get(callId)?.entries() ?? [])].sort(
    ([a, x], [b, y]) => x.at - y.at || a.localeCompare(b),
  );
  if (given.length === 0) return nothing;
  return html`<ul class="guidance-list" data-testid="guidance-list" aria-label="Guidance given">
    ${repeat(
      given,
      ([id]) => id,
      ([, entry]) => {
        const who =
          entry.by === state.session.uid
            ? "you"
            : (state.presence.get(entry.by)?.name ?? "a colleague");
        return html`<li class="guidance-item" data-testid="guidance-item" data-by=${entry.by}>
          <span class="staff-only">Staff only · guidance</span>
          <span class="guidance-meta">${`${formatClock(entry.at)} · ${who}`}</span>
          <span class="guidance-text">${entry.text}</span>
        </li>`;
      },
    )}
  </ul>`;
}

export function guideView(
  callId: string,
  call: Call,
  state: AppState,
  intents: Intents,
): TemplateResult {
  const guide = guideAvailability(call, actionContext(state));
  const text = state.drafts.guidance ?? "";
  return html`${guidanceList(callId, state)}${
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
