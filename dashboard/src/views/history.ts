/**
 * History of ended calls, from the Firestore archive through the history endpoint (the live
 * database keeps only what dashboards follow). Pages load on demand; a row opens the archived
 * transcript. Read-only: nothing here writes.
 *
 * Test hooks: history-view (the region), history-row (data-call-id), history-empty, history-more,
 * history-error, history-detail (data-call-id) with the archived transcript.
 */
import type { Backend, Session } from "../firebase.js";
import { h } from "../dom.js";
import { callDuration, mediumLabel, ownerLabel, statusLabel } from "../logic/calls.js";
import { formatClock, formatDateTime, formatDuration } from "../logic/format.js";
import type { HistoryItem } from "../logic/history.js";
import { orderMessages, roleLabel } from "../logic/transcript.js";

export interface HistoryHandle {
  /** Loads the first page the first time the view is shown. */
  show(): void;
  hide(): void;
}

export function mountHistory(
  region: HTMLElement,
  backend: Backend,
  session: Session,
  onError: (message: string) => void,
): HistoryHandle {
  let loaded = false;
  let loading = false;
  let nextCursor: string | undefined;
  let active = true;
  const items: HistoryItem[] = [];

  const list = h("ul", { className: "history-list", attrs: { "aria-label": "Ended calls" } });
  const more = h(
    "button",
    {
      testId: "history-more",
      attrs: { type: "button", hidden: true },
      on: { click: () => void load() },
    },
    "Load more",
  );
  const errorLine = h("p", {
    className: "reason",
    testId: "history-error",
    attrs: { hidden: true },
  });
  const detail = h("section", {
    className: "history-detail",
    testId: "history-detail",
    attrs: { "aria-label": "Archived transcript", hidden: true },
  });
  region.replaceChildren(
    h("h2", {}, "History of ended calls"),
    h("div", { className: "history-columns" }, h("div", {}, list, more, errorLine), detail),
  );

  function renderList(): void {
    list.replaceChildren(
      ...items.map((item) =>
        h(
          "li",
          {},
          h(
            "button",
            {
              className: `history-row urgency-${item.call.urgency}`,
              testId: "history-row",
              data: { callId: item.id, focusKey: `history-${item.id}` },
              attrs: { type: "button" },
              on: { click: () => void open(item.id) },
            },
            h(
              "span",
              { className: `badge urgency-${item.call.urgency}` },
              item.call.urgency.toUpperCase(),
            ),
            h("span", {}, formatDateTime(item.call.startedAt)),
            h("span", {}, item.call.phone),
            h("span", {}, `${mediumLabel(item.call.medium)} · ${statusLabel(item.call)}`),
            h("span", {}, formatDuration(callDuration(item.call, item.archivedAt))),
            h("span", { className: "snippet" }, item.call.lastSnippet),
          ),
        ),
      ),
    );
    if (items.length === 0) {
      list.replaceChildren(
        loaded
          ? h("li", { className: "empty", testId: "history-empty" }, "No ended calls yet.")
          : h("li", { className: "empty" }, loading ? "Loading…" : ""),
      );
    }
    more.hidden = nextCursor === undefined;
    more.disabled = loading;
  }

  async function load(): Promise<void> {
    if (loading) return;
    loading = true;
    errorLine.hidden = true;
    renderList();
    try {
      const page = await backend.historyPage(session.tenant, loaded ? nextCursor : undefined);
      if (!active) return;
      items.push(...page.items);
      nextCursor = page.nextCursor;
      loaded = true;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      errorLine.textContent = `History could not be loaded: ${message}`;
      errorLine.hidden = false;
      onError(`History could not be loaded: ${message}`);
    } finally {
      loading = false;
      renderList();
    }
  }

  async function open(callId: string): Promise<void> {
    detail.hidden = false;
    detail.replaceChildren(h("p", {}, "Loading…"));
    try {
      const archived = await backend.archivedCall(session.tenant, callId);
      if (!active) return;
      const names = new Map<string, string>();
      if (archived.call.owner.kind === "human")
        names.set(archived.call.owner.uid, archived.call.owner.name);
      detail.dataset.callId = callId;
      detail.replaceChildren(
        h("h3", {}, `${archived.call.phone} · ${formatDateTime(archived.call.startedAt)}`),
        h(
          "p",
          { className: "meta" },
          `${statusLabel(archived.call)} · ${archived.call.urgency} · last owner: ${ownerLabel(archived.call.owner, session.uid)}`,
        ),
        h(
          "ol",
          { className: "transcript" },
          ...orderMessages(
            archived.messages.map((message, index) => ({ id: String(index), message })),
          ).map(({ message }) =>
            h(
              "li",
              { className: `message role-${message.role}`, data: { role: message.role } },
              h(
                "span",
                { className: "from" },
                roleLabel(message, names),
                h("time", {}, formatClock(message.at)),
              ),
              h("p", { className: "text" }, message.text),
            ),
          ),
          archived.messages.length === 0
            ? h("li", { className: "empty" }, "No messages were archived for this call.")
            : null,
        ),
      );
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      detail.replaceChildren(
        h("p", { className: "reason" }, `Transcript could not be loaded: ${message}`),
      );
    }
  }

  return {
    show() {
      active = true;
      if (!loaded) void load();
    },
    hide() {
      active = false;
    },
  };
}
