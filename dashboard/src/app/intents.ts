/**
 * What the member can ask of the page, one function per intent: each changes the state and, for
 * a write, calls `firebase/` and reports a failure in the notice line. Views call these and never
 * touch the store or Firebase themselves.
 */
import type { Firebase } from "../firebase/app.js";
import * as actions from "../firebase/actions.js";
import { registerPush } from "../firebase/push.js";
import { ACK_STATUSES } from "@lifeline/model";
import type { FollowUpOutcome } from "../logic/alerts.js";
import type { AckFormState, AppState, DialogState, Drafts } from "../state/app-state.js";
import { EMPTY_DRAFTS } from "../state/app-state.js";
import { derive, leadChoice, overrideChoice, overrideMissing } from "../state/selectors.js";
import type { Store } from "../state/store.js";
import { alarmIntents, type AlarmIntents } from "./alarm.js";
import { historyIntents, type HistoryIntents } from "./history.js";
import { membersIntents, type MembersIntents } from "./members.js";
import { superviseIntents, type SuperviseIntents } from "./supervise.js";

/** What a dialog's fields can change: the take-over reason, the outcome and its note. */
export interface DialogEdit {
  readonly reason?: string;
  readonly note?: string;
  readonly outcome?: FollowUpOutcome;
}

export interface Intents extends HistoryIntents, MembersIntents, SuperviseIntents, AlarmIntents {
  /** Opens a call; `by: "page"` when the page opens one by itself (a member's choice stays). */
  select(callId: string, by?: "member" | "page"): void;
  setView(view: AppState["view"]): void;
  /** The transcript reached its live end (scrolled there or jumped): nothing unseen remains. */
  caughtUp(): void;
  /** Jumps the transcript to the newest message. */
  jumpToLatest(): void;
  toggleWall(): void;
  signOut(): void;
  signOutEverywhere(): void;
  dismissTakeover(key: string): void;
  dismissAway(): void;
  editDrafts(patch: Partial<Drafts>): void;
  takeOver(callId: string): void;
  handBack(callId: string): void;
  sendMessage(callId: string): void;
  setLead(callId: string): void;
  overrideUrgency(callId: string): void;
  openAck(alertId: string): void;
  editAck(patch: Partial<Omit<AckFormState, "alertId">>): void;
  submitAck(): void;
  closeAck(): void;
  openTakeOverFrom(callId: string): void;
  openOutcome(alertId: string): void;
  editDialog(patch: DialogEdit): void;
  submitTakeOver(): void;
  submitOutcome(): void;
  closeDialog(): void;
  /** Opens the list of keyboard shortcuts. */
  openHelp(): void;
}

export interface IntentDeps {
  readonly firebase: Firebase;
  readonly store: Store<AppState>;
  readonly notify: (text: string, kind?: "info" | "error") => void;
  /** Runs after the next render: focus moves that need the new DOM. */
  readonly afterRender: (run: () => void) => void;
  readonly signOut: () => Promise<void>;
  readonly signOutEverywhere: () => Promise<void>;
}

/** An action's failure in words; a refusal by the rules reads as such. */
export function errorText(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return /permission.denied/i.test(text) ? "Not allowed (permission denied)." : text;
}

function focusTestId(selector: string): void {
  document.querySelector<HTMLElement>(selector)?.focus();
}

export function createIntents(deps: IntentDeps): Intents {
  const { firebase, store, notify, afterRender } = deps;
  const db = firebase.db;
  const session = store.get().session;
  /** Where focus returns when a dialog closes. */
  let returnFocus: HTMLElement | undefined;

  async function run(what: string, act: () => Promise<void>): Promise<void> {
    store.update({ busy: true });
    try {
      await act();
    } catch (error) {
      notify(`${what} failed: ${errorText(error)}`, "error");
    } finally {
      store.update({ busy: false });
    }
  }

  function memberName(): string {
    return store.get().member?.name ?? "";
  }

  function editDialog<K extends DialogState["kind"]>(
    kind: K,
    patch: Partial<Extract<DialogState, { kind: K }>>,
  ): void {
    store.update((state) =>
      state.dialog?.kind === kind ? { dialog: { ...state.dialog, ...patch } } : {},
    );
  }

  function openDialog(dialog: DialogState): void {
    returnFocus =
      document.activeElement instanceof HTMLElement ? document.activeElement : undefined;
    store.update({ dialog });
  }

  const intents: Intents = {
    ...historyIntents(firebase, store, notify),
    ...membersIntents(firebase, store, notify),
    ...superviseIntents(firebase, store, notify, errorText),
    ...alarmIntents(store, notify, async () => {
      try {
        await registerPush(firebase, session);
      } catch (error) {
        notify(`Push to this browser failed: ${errorText(error)}`, "error");
      }
    }),

    select(callId, by = "member") {
      const state = store.get();
      if (state.selectedCallId === callId) {
        if (state.selectedBy !== by && by === "member") store.update({ selectedBy: by });
        return;
      }
      // Forms start empty for each call; the listeners follow the selection.
      store.update({
        selectedCallId: callId,
        selectedBy: by,
        messages: new Map(),
        unseenMessages: 0,
        outbox: new Map(),
        drafts: EMPTY_DRAFTS,
      });
    },

    caughtUp() {
      if (store.get().unseenMessages !== 0) store.update({ unseenMessages: 0 });
    },

    jumpToLatest() {
      afterRender(() => {
        const list = document.querySelector<HTMLElement>('[data-testid="transcript"]');
        if (list === null) return;
        list.scrollTop = list.scrollHeight;
        list.focus({ preventScroll: true });
      });
      store.update({ unseenMessages: 0 });
    },

    setView(view) {
      store.update({ view });
      if (view === "history") intents.loadHistoryOnce();
    },

    toggleWall() {
      const on = document.documentElement.classList.toggle("wall");
      localStorage.setItem("lifeline.wall", on ? "1" : "0");
      store.update({ wall: on });
    },

    signOut() {
      void deps.signOut();
    },

    signOutEverywhere() {
      store.update({ signingOutEverywhere: true });
      deps.signOutEverywhere().catch((error: unknown) => {
        store.update({ signingOutEverywhere: false });
        notify(`Could not sign out everywhere: ${errorText(error)}`, "error");
      });
    },

    dismissTakeover(key) {
      store.update((state) => ({
        dismissedTakeovers: new Set([...state.dismissedTakeovers, key]),
      }));
    },

    dismissAway() {
      store.update({ away: undefined });
    },

    editDrafts(patch) {
      store.update((state) => ({ drafts: { ...state.drafts, ...patch } }));
    },

    takeOver(callId) {
      void run("Take over", () => actions.takeOver(db, session, callId, memberName()));
    },

    handBack(callId) {
      void run("Hand back", () => actions.handBack(db, session, callId));
    },

    sendMessage(callId) {
      const text = store.get().drafts.message.trim();
      if (text === "") return;
      void run("Message", async () => {
        await actions.messageCaller(db, session, callId, text);
        intents.editDrafts({ message: "" });
      });
    },

    setLead(callId) {
      const state = store.get();
      const call = derive(state).call(callId);
      if (call === undefined) return;
      const status = leadChoice(state.drafts, call);
      void run("Lead status", async () => {
        await actions.setLead(db, session, callId, status);
        // From now on the select follows the call's lead again.
        intents.editDrafts({ lead: undefined });
      });
    },

    overrideUrgency(callId) {
      const state = store.get();
      const call = derive(state).call(callId);
      if (call === undefined) return;
      const level = overrideChoice(state.drafts, call);
      const reason = state.drafts.overrideReason.trim();
      const missing = overrideMissing(state.drafts, call);
      if (missing !== undefined) {
        if (reason === "") focusTestId('[data-testid="override-reason"]');
        notify(`Urgency override: ${missing}`, "error");
        return;
      }
      void run("Urgency override", async () => {
        await actions.overrideUrgency(db, session, callId, level, reason);
        intents.editDrafts({ overrideReason: "" });
      });
    },

    openAck(alertId) {
      store.update({ ack: { alertId, note: "", busy: false } });
    },

    editAck(patch) {
      store.update((state) => (state.ack === undefined ? {} : { ack: { ...state.ack, ...patch } }));
    },

    submitAck() {
      const state = store.get();
      const form = state.ack;
      if (form === undefined) return;
      const alert = derive(state).alerts.find((candidate) => candidate.id === form.alertId);
      const tenant = alert?.tenantId ?? session.tenant;
      const status = form.status ?? ACK_STATUSES[0];
      intents.editAck({ busy: true });
      // The alarm stops at the click, not when the write comes back.
      const acknowledging = (on: boolean) => {
        store.update(({ alarm }) => {
          const ids = new Set(alarm.acknowledging);
          if (on) ids.add(form.alertId);
          else ids.delete(form.alertId);
          return { alarm: { ...alarm, acknowledging: ids } };
        });
      };
      acknowledging(true);
      actions
        .acknowledge(db, session, tenant, form.alertId, status, form.note.trim())
        .then(
          () => {
            intents.closeAck();
          },
          (error: unknown) => {
            notify(`Acknowledge failed: ${errorText(error)}`, "error");
          },
        )
        .finally(() => {
          acknowledging(false);
          intents.editAck({ busy: false });
        });
    },

    closeAck() {
      const alertId = store.get().ack?.alertId;
      store.update({ ack: undefined });
      if (alertId === undefined) return;
      afterRender(() => {
        focusTestId(
          `[data-testid="alert-row"][data-alert-id="${CSS.escape(alertId)}"] [data-testid="alert-ack-open"]`,
        );
      });
    },

    openTakeOverFrom(callId) {
      const call = derive(store.get()).call(callId);
      if (call === undefined || call.owner.kind !== "human") return;
      const { uid, name } = call.owner;
      openDialog({
        kind: "takeOver",
        callId,
        holder: { uid, name },
        reason: "",
        busy: false,
        stale: false,
      });
    },

    openOutcome(alertId) {
      const alert = derive(store.get()).alerts.find((candidate) => candidate.id === alertId);
      if (alert === undefined) return;
      openDialog({ kind: "outcome", alert, note: "", busy: false });
    },

    editDialog(patch) {
      // An error line is about the last attempt: it goes as soon as the member changes anything.
      store.update((state) =>
        state.dialog === undefined
          ? {}
          : { dialog: { ...state.dialog, ...patch, error: undefined } },
      );
    },

    submitTakeOver() {
      const state = store.get();
      const dialog = state.dialog;
      if (dialog?.kind !== "takeOver") return;
      const { holder, callId } = dialog;
      const reason = dialog.reason.trim();
      if (reason === "") {
        editDialog("takeOver", { error: "Give a reason: it is shown to your colleague." });
        focusTestId('[data-testid="takeover-reason"]');
        return;
      }
      const now = derive(state).call(callId);
      if (now?.owner.kind !== "human" || now.owner.uid !== holder.uid || now.status !== "active") {
        editDialog("takeOver", { error: `${holder.name} no longer holds this call.`, stale: true });
        return;
      }
      editDialog("takeOver", { busy: true });
      actions.takeOverFrom(db, session, callId, memberName(), holder.uid, reason).then(
        () => {
          intents.closeDialog();
        },
        (failure: unknown) => {
          editDialog("takeOver", { busy: false, error: `Take over failed: ${errorText(failure)}` });
        },
      );
    },

    submitOutcome() {
      const dialog = store.get().dialog;
      if (dialog?.kind !== "outcome") return;
      const outcome = dialog.outcome;
      if (outcome === undefined) {
        editDialog("outcome", { error: "Pick what happened." });
        return;
      }
      editDialog("outcome", { busy: true });
      const { alert } = dialog;
      actions
        .recordOutcome(db, session, alert.tenantId, alert.id, outcome, dialog.note.trim())
        .then(
          () => {
            intents.closeDialog();
          },
          (failure: unknown) => {
            editDialog("outcome", {
              busy: false,
              error: `Could not close the follow-up: ${errorText(failure)}`,
            });
          },
        );
    },

    openHelp() {
      if (store.get().dialog === undefined) openDialog({ kind: "help" });
    },

    closeDialog() {
      if (store.get().dialog === undefined) return;
      store.update({ dialog: undefined });
      const target = returnFocus;
      returnFocus = undefined;
      afterRender(() => target?.focus());
    },
  };
  return intents;
}
