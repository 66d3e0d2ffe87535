/** Ending a call for the caller, with a confirmation step first. */
import type { Firebase } from "../firebase/app.js";
import { giveGuidance, requestEndCall } from "../firebase/actions.js";
import type { AppState } from "../state/app-state.js";
import type { Store } from "../state/store.js";

export interface SuperviseIntents {
  /** Shows the confirmation beside the End call button. */
  askEndCall(): void;
  cancelEndCall(): void;
  endCall(callId: string): void;
  /** Sends the typed guidance for the assistant on this call. */
  guide(callId: string): void;
}

export function superviseIntents(
  firebase: Firebase,
  store: Store<AppState>,
  notify: (text: string, kind?: "info" | "error") => void,
  errorText: (error: unknown) => string,
): SuperviseIntents {
  const setConfirm = (endConfirm: boolean) => {
    store.update((state) => ({ drafts: { ...state.drafts, endConfirm } }));
  };
  return {
    guide(callId) {
      const { session, drafts } = store.get();
      const text = (drafts.guidance ?? "").trim();
      if (text === "") return;
      store.update({ busy: true });
      giveGuidance(firebase.db, session, callId, text)
        .then(() => {
          store.update((state) => ({ drafts: { ...state.drafts, guidance: "" } }));
        })
        .catch((error: unknown) => {
          notify(`Guidance failed: ${errorText(error)}`, "error");
        })
        .finally(() => {
          store.update({ busy: false });
        });
    },
    askEndCall() {
      setConfirm(true);
    },
    cancelEndCall() {
      setConfirm(false);
    },
    endCall(callId) {
      const { session, member } = store.get();
      store.update({ busy: true });
      requestEndCall(firebase.db, session, callId, member?.name ?? "")
        .then(() => {
          notify("Call ended: the caller hears a goodbye at their next turn.");
        })
        .catch((error: unknown) => {
          notify(`End call failed: ${errorText(error)}`, "error");
        })
        .finally(() => {
          store.update((state) => ({
            busy: false,
            drafts: { ...state.drafts, endConfirm: false },
          }));
        });
    },
  };
}
