/**
 * Colleagues, judged by the freshness of their heartbeat. Hooks: presence-list; presence-row with
 * data-uid, data-state, data-stale ("true": the record says online but its heartbeat stopped).
 */
import { html, type TemplateResult } from "lit-html";
import { repeat } from "lit-html/directives/repeat.js";
import { formatAgo } from "../logic/format.js";
import type { AppState } from "../state/app-state.js";
import { presenceRows, serverNow, type PresenceRow } from "../state/selectors.js";

function row({ uid, record, state }: PresenceRow, appState: AppState): TemplateResult {
  // A record that still says online but stopped beating is offline: its browser is gone.
  const stale = state === "offline" && record.state !== "offline";
  const seen =
    state === "offline"
      ? `${record.state === "offline" ? "offline" : "no signal"}, seen ${formatAgo(record.lastSeen, serverNow(appState))}`
      : state;
  return html`<li
    class="presence-row state-${state}"
    data-testid="presence-row"
    data-uid=${uid}
    data-state=${state}
    data-stale=${String(stale)}
  >
    <span class="dot" aria-hidden="true"></span>
    <span class="name">${uid === appState.session.uid ? `${record.name} (you)` : record.name}</span>
    <span class="seen">${seen}</span>
  </li>`;
}

export function presenceView(state: AppState): TemplateResult {
  const rows = presenceRows(state);
  return html`<ul class="presence" data-testid="presence-list" aria-label="Colleagues">
    ${
      rows.length === 0
        ? html`<li class="empty">Nobody else is here.</li>`
        : repeat(
            rows,
            (entry) => entry.uid,
            (entry) => row(entry, state),
          )
    }
  </ul>`;
}
