/**
 * The calls list: one button per call, most urgent first. Hooks: calls-list (data-count); call-row
 * with data-call-id, data-urgency, data-status, data-owner, data-selected, data-unacknowledged.
 */
import { html, type TemplateResult } from "lit-html";
import { repeat } from "lit-html/directives/repeat.js";
import {
  arrangeCalls,
  callDuration,
  isCriticalUnacknowledged,
  mediumLabel,
  ownerLabel,
  statusLabel,
  type CallEntry,
} from "../logic/calls.js";
import { formatDuration } from "../logic/format.js";
import type { AppState } from "../state/app-state.js";
import { callLabel, type Derived } from "../state/selectors.js";
import type { Intents } from "../app/intents.js";
import { unackedBadge, urgencyBadge } from "./parts.js";
import { callRowViewers } from "./viewers.js";

function callRow(
  entry: CallEntry,
  state: AppState,
  derived: Derived,
  intents: Intents,
): TemplateResult {
  const { call } = entry;
  const unacknowledged = isCriticalUnacknowledged(entry, derived.alerts);
  const selected = entry.id === state.selectedCallId;
  const classes = [
    "call-row",
    `urgency-${call.urgency}`,
    `status-${call.status}`,
    unacknowledged ? "unacknowledged" : "",
    selected ? "selected" : "",
  ].join(" ");
  return html`<li>
    <button
      type="button"
      class=${classes}
      data-testid="call-row"
      data-call-id=${entry.id}
      data-urgency=${call.urgency}
      data-status=${call.status}
      data-owner=${call.owner.kind}
      data-selected=${String(selected)}
      data-unacknowledged=${String(unacknowledged)}
      aria-pressed=${String(selected)}
      @click=${() => {
        intents.select(entry.id);
      }}
    >
      <span class="row-top"
        >${urgencyBadge(call.urgency)}${unacknowledged ? unackedBadge : ""}<span class="who"
          >${callLabel(entry, state.subjects)}</span
        ><span class="status">${statusLabel(call)}</span></span
      >
      <span class="row-meta"
        ><span class="medium">${mediumLabel(call.medium)}</span
        ><span class="duration">${formatDuration(callDuration(call, state.now))}</span
        ><span class="owner owner-${call.owner.kind}"
          >${ownerLabel(call.owner, state.session.uid)}</span
        >${callRowViewers(entry.id, state)}</span
      >
      <span class="snippet">${call.lastSnippet}</span>
    </button>
  </li>`;
}

export function callsListView(state: AppState, derived: Derived, intents: Intents): TemplateResult {
  const arranged = arrangeCalls(derived.calls);
  return html`<ul
    class="calls"
    data-testid="calls-list"
    data-count=${arranged.length}
    aria-label="Calls"
  >
    ${
      arranged.length === 0
        ? html`<li class="empty">No calls right now.</li>`
        : repeat(
            arranged,
            (entry) => entry.id,
            (entry) => callRow(entry, state, derived, intents),
          )
    }
  </ul>`;
}
