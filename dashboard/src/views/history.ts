/**
 * History of ended calls, from the Firestore archive through the history endpoint (the live
 * database keeps only what dashboards follow). A search form narrows the list on the server
 * (dates, urgency, subject, phone, outcome); pages load on demand with the endpoint's cursor; a
 * row opens the archived call with its transcript and audit trail, which prints on its own
 * (`@media print`) and downloads as text. Read-only: nothing here writes.
 *
 * Hooks: history-view (the region), history-filters (the form) with history-filter-{from,to,
 * urgency,subject,phone,outcome}, history-search, history-clear; history-row (data-call-id,
 * data-outcome), history-empty, history-more, history-error, history-detail (data-call-id) with
 * history-print, history-download, history-transcript, history-audit, history-audit-row.
 */
import { html, nothing, type TemplateResult } from "lit-html";
import "../records.css";
import { repeat } from "lit-html/directives/repeat.js";
import {
  ARCHIVE_OUTCOME_LABELS,
  ARCHIVE_OUTCOMES,
  type ArchiveOutcome,
  type Call,
  URGENCY_LEVELS,
} from "@lifeline/model";
import { callDuration, mediumLabel } from "../logic/calls.js";
import { formatClock, formatDateTime, formatDuration } from "../logic/format.js";
import {
  type ArchivedCallResponse,
  auditLine,
  exportText,
  type HistoryFilterDraft,
  type HistoryItem,
} from "../logic/history.js";
import { audienceOf, roleLabel } from "../logic/transcript.js";
import type { AppState, HistoryState } from "../state/app-state.js";
import type { Intents } from "../app/intents.js";

/** The caller as the live view names it: the subject's name, else the number. */
function callerName(call: Call, state: AppState): string {
  const subjectId = call.subjectId;
  const name = subjectId === undefined ? undefined : state.subjects.get(subjectId)?.name;
  if (name !== undefined) return name;
  return subjectId === undefined ? "Unknown caller" : "Subject";
}

function outcomeText(outcome: ArchiveOutcome | undefined): string {
  return outcome === undefined ? "Outcome not recorded" : ARCHIVE_OUTCOME_LABELS[outcome];
}

/** Members' names by uid: the mirror where the role may read it, and the call's own names. */
function memberNames(state: AppState, call?: Call): Map<string, string> {
  const names = new Map<string, string>();
  for (const [uid, member] of state.members) names.set(uid, member.name);
  if (call?.owner.kind === "human") names.set(call.owner.uid, call.owner.name);
  if (call?.endRequest !== undefined) names.set(call.endRequest.by, call.endRequest.name);
  names.set(state.session.uid, state.member?.name ?? "You");
  return names;
}

function historyRow(item: HistoryItem, state: AppState, intents: Intents): TemplateResult {
  const { call } = item;
  const handlers = item.handledBy ?? [];
  const selected = state.history.detail?.callId === item.id;
  return html`<li>
    <button
      type="button"
      class="history-row urgency-${call.urgency}"
      data-testid="history-row"
      data-call-id=${item.id}
      data-outcome=${item.outcome ?? nothing}
      aria-current=${selected ? "true" : nothing}
      @click=${() => {
        intents.openArchived(item.id);
      }}
    >
      <span class="badge urgency-${call.urgency}">${call.urgency.toUpperCase()}</span>
      <span class="who"><strong>${callerName(call, state)}</strong> ${call.phone}</span>
      <span class="when">${formatDateTime(call.startedAt)} · ${formatDuration(callDuration(call, item.archivedAt))}</span>
      <span class="outcome outcome-${item.outcome ?? "unknown"}">${outcomeText(item.outcome)}</span>
      <span class="handled"
        >${handlers.length === 0 ? "No one acted" : `Handled by ${handlers.join(", ")}`} ·
        ${mediumLabel(call.medium)}</span
      >
      <span class="snippet">${call.lastSnippet}</span>
    </button>
  </li>`;
}

function download(archived: ArchivedCallResponse, state: AppState): void {
  const text = exportText(archived, {
    title: `${callerName(archived.call, state)} ${archived.call.phone}`,
    names: memberNames(state, archived.call),
    dateTime: formatDateTime,
    clock: formatClock,
  });
  const url = URL.createObjectURL(new Blob([text], { type: "text/plain;charset=utf-8" }));
  const link = document.createElement("a");
  link.href = url;
  link.download = `lifeline-call-${archived.id}.txt`;
  document.body.append(link);
  link.click();
  link.remove();
  // The download has its own copy once clicked; the URL is not needed after this turn.
  setTimeout(() => {
    URL.revokeObjectURL(url);
  }, 0);
}

function archivedRecord(archived: ArchivedCallResponse, state: AppState): TemplateResult {
  const { call, messages } = archived;
  const names = memberNames(state, call);
  const ordered = [...messages].sort((a, b) => a.seq - b.seq);
  const handlers = archived.handledBy ?? [];
  return html`<header class="record-head">
      <h3
        ><span class="badge urgency-${call.urgency}">${call.urgency.toUpperCase()}</span>
        ${callerName(call, state)} · ${call.phone}</h3
      >
      <div class="row-actions no-print">
        <button
          type="button"
          data-testid="history-print"
          @click=${() => {
            window.print();
          }}
        >Print</button>
        <button
          type="button"
          data-testid="history-download"
          @click=${() => {
            download(archived, state);
          }}
        >Download text</button>
      </div>
    </header>
    <dl class="record-facts">
      <dt>Started</dt>
      <dd>${formatDateTime(call.startedAt)}</dd>
      <dt>Ended</dt>
      <dd>${formatDateTime(archived.archivedAt)} (${formatDuration(callDuration(call, archived.archivedAt))})</dd>
      <dt>Outcome</dt>
      <dd data-testid="history-outcome">${outcomeText(archived.outcome)}</dd>
      <dt>Handled by</dt>
      <dd>${handlers.length === 0 ? "No one acted" : handlers.join(", ")}</dd>
      <dt>Medium</dt>
      <dd>${mediumLabel(call.medium)}</dd>
    </dl>
    <h4>Transcript</h4>
    <ol class="transcript archived" data-testid="history-transcript" tabindex="0" aria-label="Transcript">
      ${ordered.map((message) =>
        // The archive keeps no message ids: every staff-only line folds on screen, the hand-back
        // note for the assistant among them, so none reads as something said to the caller.
        // Printed, the record holds it whole (`print-only`).
        audienceOf(message) === "staff"
          ? html`<li class="message staff" data-role=${message.role} data-audience="staff">
              <details class="no-print">
                <summary class="from"
                  >${roleLabel(message, names)}<time>${formatClock(message.at)}</time></summary
                >
                <p class="text">${message.text}</p>
              </details>
              <div class="print-only">
                <span class="from">${roleLabel(message, names)}<time>${formatClock(message.at)}</time></span>
                <p class="print-text">${message.text}</p>
              </div>
            </li>`
          : html`<li class="message role-${message.role}" data-role=${message.role}>
              <span class="from">${roleLabel(message, names)}<time>${formatClock(message.at)}</time></span>
              <p class="text">${message.text}</p>
            </li>`,
      )}
      ${messages.length === 0 ? html`<li class="empty">No messages were archived for this call.</li>` : nothing}
    </ol>
    <h4>Audit trail</h4>
    <ol class="audit" data-testid="history-audit">
      ${archived.audit.map((entry) => {
        const { who, what, details } = auditLine(entry, names);
        return html`<li data-testid="history-audit-row" data-action=${entry.action}>
          <time>${formatDateTime(entry.at)}:${String(new Date(entry.at).getSeconds()).padStart(2, "0")}</time>
          <span><strong>${who}</strong> ${what}</span>
          ${details === "" ? nothing : html`<span class="meta">${details}</span>`}
        </li>`;
      })}
      ${archived.audit.length === 0 ? html`<li class="empty">No audited actions on this call.</li>` : nothing}
    </ol>`;
}

function detailView(history: HistoryState, state: AppState): TemplateResult {
  const detail = history.detail;
  return html`<section
    class="history-detail"
    data-testid="history-detail"
    aria-label="Archived call"
    data-call-id=${detail?.kind === "loaded" ? detail.callId : nothing}
    ?hidden=${detail === undefined}
  >
    ${
      detail === undefined
        ? nothing
        : detail.kind === "loading"
          ? html`<p>Loading…</p>`
          : detail.kind === "error"
            ? html`<p class="reason">The call could not be loaded: ${detail.message}</p>`
            : archivedRecord(detail.archived, state)
    }
  </section>`;
}

function filtersForm(state: AppState, intents: Intents): TemplateResult {
  const draft = state.history.draft;
  const edit = (patch: Partial<HistoryFilterDraft>) => {
    intents.editHistoryFilters(patch);
  };
  const value = (event: Event) => (event.target as HTMLInputElement | HTMLSelectElement).value;
  const subjects = [...state.subjects].sort(([, a], [, b]) => a.name.localeCompare(b.name));
  return html`<form
    class="history-filters no-print"
    data-testid="history-filters"
    aria-label="Search history"
    @submit=${(event: Event) => {
      event.preventDefault();
      intents.searchHistory();
    }}
  >
    <label
      >Phone
      <input
        type="search"
        inputmode="tel"
        placeholder="+1555…"
        data-testid="history-filter-phone"
        .value=${draft.phone}
        @input=${(event: Event) => {
          edit({ phone: value(event) });
        }}
    /></label>
    <label
      >From
      <input
        type="date"
        data-testid="history-filter-from"
        .value=${draft.from}
        @input=${(event: Event) => {
          edit({ from: value(event) });
        }}
    /></label>
    <label
      >To
      <input
        type="date"
        data-testid="history-filter-to"
        .value=${draft.to}
        @input=${(event: Event) => {
          edit({ to: value(event) });
        }}
    /></label>
    <label
      >Urgency
      <select
        data-testid="history-filter-urgency"
        .value=${draft.urgency}
        @change=${(event: Event) => {
          const level = URGENCY_LEVELS.find((u) => u === value(event));
          edit({ urgency: level ?? "" });
        }}
      >
        <option value="" ?selected=${draft.urgency === ""}>Any</option>
        ${URGENCY_LEVELS.map((level) => html`<option value=${level} ?selected=${draft.urgency === level}>${level}</option>`)}
      </select></label
    >
    <label
      >Subject
      <select
        data-testid="history-filter-subject"
        .value=${draft.subject}
        @change=${(event: Event) => {
          edit({ subject: value(event) });
        }}
      >
        <option value="" ?selected=${draft.subject === ""}>Any</option>
        ${subjects.map(([id, subject]) => html`<option value=${id} ?selected=${draft.subject === id}>${subject.name}</option>`)}
      </select></label
    >
    <label
      >Outcome
      <select
        data-testid="history-filter-outcome"
        .value=${draft.outcome}
        @change=${(event: Event) => {
          const outcome = ARCHIVE_OUTCOMES.find((o) => o === value(event));
          edit({ outcome: outcome ?? "" });
        }}
      >
        <option value="" ?selected=${draft.outcome === ""}>Any</option>
        ${ARCHIVE_OUTCOMES.map((outcome) => html`<option value=${outcome} ?selected=${draft.outcome === outcome}>${ARCHIVE_OUTCOME_LABELS[outcome]}</option>`)}
      </select></label
    >
    <div class="row-actions">
      <button type="submit" class="primary" data-testid="history-search">Search</button>
      <button
        type="button"
        data-testid="history-clear"
        @click=${() => {
          intents.clearHistoryFilters();
        }}
      >Clear</button>
    </div>
  </form>`;
}

function searching(history: HistoryState): boolean {
  return Object.values(history.applied).some((value) => value !== "");
}

export function historyView(state: AppState, intents: Intents): TemplateResult {
  const history = state.history;
  const { items, loaded, loading } = history;
  return html`<section
    class="history"
    data-testid="history-view"
    aria-labelledby="history-heading"
    ?hidden=${state.view !== "history"}
  >
    <h2 id="history-heading" class="no-print">History of ended calls</h2>
    ${filtersForm(state, intents)}
    <div class="history-columns">
      <div class="no-print">
        <ul class="history-list" aria-label="Ended calls, newest first">
          ${
            items.length > 0
              ? repeat(
                  items,
                  (item) => item.id,
                  (item) => historyRow(item, state, intents),
                )
              : loaded
                ? html`<li class="empty" data-testid="history-empty"
                    >${searching(history) ? "No ended call matches this search." : "No ended calls yet."}</li
                  >`
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
        >More</button>
        <p class="reason" data-testid="history-error" ?hidden=${history.error === undefined}
          >${history.error ?? ""}</p
        >
      </div>
      ${detailView(history, state)}
    </div>
  </section>`;
}
