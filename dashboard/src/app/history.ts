/** Loading history pages and archived transcripts from the history endpoint into the state. */
import type { Firebase } from "../firebase/app.js";
import { archivedCall, historyPage } from "../firebase/api.js";
import type { AppState, HistoryState } from "../state/app-state.js";
import type { Store } from "../state/store.js";

export interface HistoryIntents {
  /** The first page, the first time the history view is shown. */
  loadHistoryOnce(): void;
  /** The next page. */
  loadHistory(): void;
  openArchived(callId: string): void;
}

export function historyIntents(
  firebase: Firebase,
  store: Store<AppState>,
  notify: (text: string, kind?: "info" | "error") => void,
): HistoryIntents {
  const { tenant } = store.get().session;

  function patch(changes: Partial<HistoryState>): void {
    store.update((state) => ({ history: { ...state.history, ...changes } }));
  }

  async function load(): Promise<void> {
    const { loaded, loading, nextCursor } = store.get().history;
    if (loading) return;
    patch({ loading: true, error: undefined });
    try {
      const page = await historyPage(firebase, tenant, loaded ? nextCursor : undefined);
      const { items } = store.get().history;
      patch({ items: [...items, ...page.items], nextCursor: page.nextCursor, loaded: true });
    } catch (error) {
      const message = `History could not be loaded: ${error instanceof Error ? error.message : String(error)}`;
      patch({ error: message });
      notify(message, "error");
    } finally {
      patch({ loading: false });
    }
  }

  return {
    loadHistoryOnce() {
      if (!store.get().history.loaded) void load();
    },
    loadHistory() {
      void load();
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
