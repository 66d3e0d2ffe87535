/**
 * The Members view's intents (admins): create, change role, assign subjects, remove, over the
 * members endpoint. The list itself is the members mirror the page already follows; the endpoint
 * rewrites it, so nothing here patches the list by hand. Refusals are shown as the endpoint gives
 * them: its message, and each field's issue next to that field.
 */
import type { Firebase } from "../firebase/app.js";
import { createMember, EndpointError, removeMember, updateMember } from "../firebase/api.js";
import {
  type AppState,
  EMPTY_MEMBER_DRAFT,
  type EndpointProblem,
  type MemberDraft,
  type MembersState,
} from "../state/app-state.js";
import type { Store } from "../state/store.js";

export interface MembersIntents {
  editNewMember(patch: Partial<MemberDraft>): void;
  submitNewMember(): void;
  startMemberEdit(uid: string): void;
  editMember(patch: { role?: string; subjects?: readonly string[] }): void;
  saveMember(): void;
  cancelMemberEdit(): void;
  askRemoveMember(uid: string | undefined): void;
  confirmRemoveMember(): void;
}

function problemOf(error: unknown): EndpointProblem {
  if (error instanceof EndpointError) return { message: error.message, fields: error.fields };
  return { message: error instanceof Error ? error.message : String(error), fields: {} };
}

export function membersIntents(
  firebase: Firebase,
  store: Store<AppState>,
  notify: (text: string, kind?: "info" | "error") => void,
): MembersIntents {
  const { tenant } = store.get().session;

  function patch(changes: Partial<MembersState>): void {
    store.update((state) => ({ membersView: { ...state.membersView, ...changes } }));
  }

  async function busy(act: () => Promise<void>): Promise<void> {
    if (store.get().membersView.busy) return;
    patch({ busy: true });
    try {
      await act();
    } finally {
      patch({ busy: false });
    }
  }

  return {
    editNewMember(changes) {
      patch({ create: { ...store.get().membersView.create, ...changes } });
    },
    submitNewMember() {
      const draft = store.get().membersView.create;
      void busy(async () => {
        try {
          await createMember(firebase, tenant, { ...draft, subjects: [...draft.subjects] });
          patch({ create: EMPTY_MEMBER_DRAFT, createProblem: undefined });
          notify(`${draft.name} was added as ${draft.role}.`);
        } catch (error) {
          patch({ createProblem: problemOf(error) });
        }
      });
    },
    startMemberEdit(uid) {
      const member = store.get().members.get(uid);
      if (member === undefined) return;
      patch({
        edit: { uid, role: member.role, subjects: Object.keys(member.subjects ?? {}) },
        editProblem: undefined,
        confirmRemove: undefined,
      });
    },
    editMember(changes) {
      const edit = store.get().membersView.edit;
      if (edit !== undefined) patch({ edit: { ...edit, ...changes } });
    },
    saveMember() {
      const edit = store.get().membersView.edit;
      const current = edit === undefined ? undefined : store.get().members.get(edit.uid);
      if (edit === undefined || current === undefined) return;
      const change: { role?: string; subjects?: string[] } = {};
      if (edit.role !== current.role) change.role = edit.role;
      const before = Object.keys(current.subjects ?? {}).sort();
      const after = [...edit.subjects].sort();
      if (before.join("\n") !== after.join("\n")) change.subjects = after;
      if (change.role === undefined && change.subjects === undefined) {
        patch({ edit: undefined, editProblem: undefined });
        return;
      }
      void busy(async () => {
        try {
          await updateMember(firebase, tenant, edit.uid, change);
          patch({ edit: undefined, editProblem: undefined });
          notify(`${current.name} was updated.`);
        } catch (error) {
          patch({ editProblem: problemOf(error) });
        }
      });
    },
    cancelMemberEdit() {
      patch({ edit: undefined, editProblem: undefined });
    },
    askRemoveMember(uid) {
      patch({ confirmRemove: uid, removeProblem: undefined, edit: undefined });
    },
    confirmRemoveMember() {
      const uid = store.get().membersView.confirmRemove;
      if (uid === undefined) return;
      const name = store.get().members.get(uid)?.name ?? uid;
      void busy(async () => {
        try {
          await removeMember(firebase, tenant, uid);
          patch({ confirmRemove: undefined, removeProblem: undefined });
          notify(`${name} was removed.`);
        } catch (error) {
          patch({ removeProblem: problemOf(error) });
        }
      });
    },
  };
}
