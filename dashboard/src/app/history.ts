/** Loading history pages and archived transcripts from the history endpoint into the state. */
import type { Firebase } from "../firebase/app.js";
import { archivedCall, historyPage } from "../firebase/api.js";
import { type HistoryFilterDraft, historyQuery, NO_FILTERS } from "../logic/history.js";
import type { AppState, HistoryState } from "../state/app-state.js";
import type { Store } from "../state/store.js";

export interface HistoryIntents {
  /** The first page, the first time the history view is shown. */
  loadHistoryOnce(): void;
  /** The next page of the search shown. */
  loadHistory(): void;
  /** The search form changed (not yet run). */
  editHistoryFilters(patch: Partial<HistoryFilterDraft>): void;
  /** Runs the search as typed, from its first page. */
  searchHistory(): void;
  /** Back to every call, from the first page. */
  clearHistoryFilters(): void;
  openArchived(callId: string): void;
}

export function historyIntents(
  firebase: Firebase,
  store: Store<AppState>,
  notify: (text: string, kind?: "info" | "error") => void,
): HistoryIntents {
  const { tenant } = store.get().session;
  /** Counts searches, so a page of a search replaced meanwhile is dropped. */
  let generation = 0;

  function patch(changes: Partial<HistoryState>): void {
    store.update((state) => ({ history: { ...state.history, ...changes } }));
  }

  async function load(fresh: boolean): Promise<void> {
    const { loaded, loading, nextCursor, applied } = store.get().history;
    if (loading && !fresh) return;
    const mine = ++generation;
    patch({ loading: true, error: undefined });
    try {
      const cursor = fresh || !loaded ? undefined : nextCursor;
      const page = await historyPage(firebase, tenant, cursor, historyQuery(applied));
      if (mine !== generation) return;
      const items = cursor === undefined ? [] : store.get().history.items;
      patch({ items: [...items, ...page.items], nextCursor: page.nextCursor, loaded: true });
    } catch (error) {
      if (mine !== generation) return;
      const message = `History could not be loaded: ${error instanceof Error ? error.message : String(error)}`;
      patch({ error: message });
      notify(message, "error");
    } finally {
      if (mine === generation) patch({ loading: false });
    }
  }

  function search(applied: HistoryFilterDraft): void {
    patch({ applied, draft: applied, items: [], nextCursor: undefined, loaded: false });
    void load(true);
  }

  return {
    loadHistoryOnce() {
      if (!store.get().history.loaded) void load(false);
    },
    loadHistory() {
      void load(false);
    },
    editHistoryFilters(changes) {
      patch({ draft: { ...store.get().history.draft, ...changes } });
    },
    searchHistory() {
      search(store.get().history.draft);
    },
    clearHistoryFilters() {
      search(NO_FILTERS);
    },
    openArchived(callId) {
      patch({ detail: { kind: "loading", callId } });
      archivedCall(firebase, tenant, callId).then(
        (archived) => {
          patch({ detail: { kind: "loaded", callId, archived } });
        },
        (error: unknown) => {
          const message = error instanceof Error ? error.message : String(error);
          patch({ detail: { kind: "error", callId, message } });
        },
      );
    },
  };
}
