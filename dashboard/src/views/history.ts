/**
 * History of ended calls, from the Firestore archive through the history endpoint (the live
 * database keeps only what dashboards follow). Pages load on demand; a row opens the archived
 * transcript. Read-only: nothing here writes.
 *
 * Hooks: history-view (the region), history-row (data-call-id), history-empty, history-more,
 * history-error, history-detail (data-call-id) with the archived transcript.
 */
import { html, nothing, type TemplateResult } from "lit-html";
import { repeat } from "lit-html/directives/repeat.js";
import { callDuration, mediumLabel, ownerLabel, statusLabel } from "../logic/calls.js";
import { formatClock, formatDateTime, formatDuration } from "../logic/format.js";
import type { ArchivedCallResponse, HistoryItem } from "../logic/history.js";
import { audienceOf, orderMessages, roleLabel } from "../logic/transcript.js";
import type { AppState, HistoryState } from "../state/app-state.js";
import type { Intents } from "../app/intents.js";

function historyRow(item: HistoryItem, intents: Intents): TemplateResult {
  const { call } = item;
  return html`<li>
    <button
      type="button"
      class="history-row urgency-${call.urgency}"
      data-testid="history-row"
      data-call-id=${item.id}
      @click=${() => {
        intents.openArchived(item.id);
      }}
    >
      <span class="badge urgency-${call.urgency}">${call.urgency.toUpperCase()}</span>
      <span>${formatDateTime(call.startedAt)}</span>
      <span>${call.phone}</span>
      <span>${mediumLabel(call.medium)} · ${statusLabel(call)}</span>
      <span>${formatDuration(callDuration(call, item.archivedAt))}</span>
      <span class="snippet">${call.lastSnippet}</span>
    </button>
  </li>`;
}

function archivedTranscript(archived: ArchivedCallResponse, uid: string): TemplateResult {
  const { call, messages } = archived;
  const names = new Map<string, string>();
  if (call.owner.kind === "human") names.set(call.owner.uid, call.owner.name);
  const ordered = orderMessages(messages.map((message, index) => ({ id: String(index), message })));
  return html`<h3>${call.phone} · ${formatDateTime(call.startedAt)}</h3>
    <p class="meta"
      >${statusLabel(call)} · ${call.urgency} · last owner: ${ownerLabel(call.owner, uid)}</p
    >
    <ol class="transcript">
      ${ordered.map(({ message }) =>
        // The archive keeps no message ids: every staff-only line folds, the hand-back note
        // for the assistant among them, so none reads as something said to the caller.
        audienceOf(message) === "staff"
          ? html`<li class="message staff" data-role=${message.role} data-audience="staff">
                <details>
                  <summary class="from"
                    >${roleLabel(message, names)}<time>${formatClock(message.at)}</time></summary
                  >
                  <p class="text">${message.text}</p>
                </details>
              </li>`
          : html`<li class="message role-${message.role}" data-role=${message.role}>
                <span class="from">${roleLabel(message, names)}<time>${formatClock(message.at)}</time></span>
                <p class="text">${message.text}</p>
              </li>`,
      )}
      ${
        messages.length === 0
          ? html`<li class="empty">No messages were archived for this call.</li>`
          : nothing
      }
    </ol>`;
}

function detailView(history: HistoryState, uid: string): TemplateResult {
  const detail = history.detail;
  return html`<section
    class="history-detail"
    data-testid="history-detail"
    aria-label="Archived transcript"
    data-call-id=${detail?.kind === "loaded" ? detail.callId : nothing}
    ?hidden=${detail === undefined}
  >
    ${
      detail === undefined
        ? nothing
        : detail.kind === "loading"
          ? html`<p>Loading…</p>`
          : detail.kind === "error"
            ? html`<p class="reason">Transcript could not be loaded: ${detail.message}</p>`
            : archivedTranscript(detail.archived, uid)
    }
  </section>`;
}

export function historyView(state: AppState, intents: Intents): TemplateResult {
  const history = state.history;
  const { items, loaded, loading } = history;
  return html`<section
    class="history"
    data-testid="history-view"
    aria-label="History of ended calls"
    ?hidden=${state.view !== "history"}
  >
    <h2>History of ended calls</h2>
    <div class="history-columns">
      <div>
        <ul class="history-list" aria-label="Ended calls">
          ${
            items.length > 0
              ? repeat(
                  items,
                  (item) => item.id,
                  (item) => historyRow(item, intents),
                )
              : loaded
                ? html`<li class="empty" data-testid="history-empty">No ended calls yet.</li>`
                : html`<li class="empty">${loading ? "Loading…" : ""}</li>`
          }
        </ul>
        <button
          type="button"
          data-testid="history-more"
          ?hidden=${history.nextCursor === undefined}
          ?disabled=${loading}
          @click=${() => {
            intents.loadHistory();
          }}
        >Load more</button>
        <p class="reason" data-testid="history-error" ?hidden=${history.error === undefined}
          >${history.error ?? ""}</p
        >
      </div>
      ${detailView(history, state.session.uid)}
    </div>
  </section>`;
}
