/**
 * "While you were away": after a reconnect, what was raised, acknowledged and ended meanwhile.
 * Hooks: away-summary (data-raised, data-acknowledged, data-ended, data-offline-ms), away-dismiss.
 */
import { html, nothing, type TemplateResult } from "lit-html";
import { isEmptySummary, type AwayItem } from "../logic/away.js";
import { formatDuration, plural } from "../logic/format.js";
import type { AppState } from "../state/app-state.js";
import { awaySummary, type Derived } from "../state/selectors.js";
import type { Intents } from "../app/intents.js";

function list(heading: string, items: readonly AwayItem[]) {
  return items.length === 0
    ? nothing
    : html`<div>
        <h3>${heading}</h3>
        <ul>
          ${items.map((item) => html`<li>${item.text}</li>`)}
        </ul>
      </div>`;
}

export function awaySummaryView(
  state: AppState,
  derived: Derived,
  intents: Intents,
): TemplateResult {
  const summary = awaySummary(state, derived);
  if (summary === undefined) {
    return html`<section class="away" data-testid="away-summary" aria-label="While you were away" hidden></section>`;
  }
  return html`<section
    class="away"
    data-testid="away-summary"
    aria-label="While you were away"
    data-raised=${summary.raised.length}
    data-acknowledged=${summary.acknowledged.length}
    data-ended=${summary.ended.length}
    data-offline-ms=${summary.offlineMs}
  >
    <div class="away-head">
      <h2>While you were away (offline ${formatDuration(summary.offlineMs)})</h2>
      <button
        type="button"
        data-testid="away-dismiss"
        @click=${() => {
          intents.dismissAway();
        }}
      >Dismiss</button>
    </div>
    <p>${
      isEmptySummary(summary)
        ? "Nothing changed."
        : `${plural(summary.raised.length, "alert")} raised, ${summary.acknowledged.length} acknowledged, ${plural(summary.ended.length, "call")} ended.`
    }</p>
    ${list("Alerts raised", summary.raised)} ${list("Alerts acknowledged", summary.acknowledged)}
    ${list("Calls ended", summary.ended)}
  </section>`;
}
