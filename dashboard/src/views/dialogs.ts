/**
 * The modal dialogs, one at a time: taking a call from the colleague who holds it (a reason
 * is required and shown to them), closing a follow-up with its outcome, and the keyboard
 * shortcuts. Escape or Cancel
 * closes; focus then returns where it was. Hooks: takeover-dialog (data-call-id),
 * takeover-reason, takeover-confirm, takeover-cancel, takeover-error; outcome-dialog
 * (data-alert-id), outcome-option (data-outcome), outcome-note, outcome-submit, outcome-cancel,
 * outcome-error; keyboard-help (the shortcuts, logic/keys.ts), keyboard-help-close.
 */
import { html, nothing, type TemplateResult } from "lit-html";
import { live } from "lit-html/directives/live.js";
import { ref } from "lit-html/directives/ref.js";
import { CAPABILITIES, FOLLOW_UP_OUTCOMES, LIMITS } from "@lifeline/model";
import { SHORTCUTS } from "../logic/keys.js";
import { followUpAbout, followUpHeadline, OUTCOME_LABELS } from "../logic/alerts.js";
import type { AppState, DialogState } from "../state/app-state.js";
import { callerName, callLabel, livenessOf, type Derived } from "../state/selectors.js";
import type { Intents } from "../app/intents.js";
import { fieldValue } from "./parts.js";

type TakeOverDialog = Extract<DialogState, { kind: "takeOver" }>;
type OutcomeDialog = Extract<DialogState, { kind: "outcome" }>;

/**
 * Opens a dialog as a modal when it is first rendered; its `autofocus` field gets focus. The ref
 * is set before lit-html inserts the new DOM, so the opening waits for the element to be placed.
 */
function showModal(element: Element | undefined): void {
  if (!(element instanceof HTMLDialogElement)) return;
  queueMicrotask(() => {
    if (element.isConnected && !element.open) element.showModal();
  });
}

function errorLine(testId: string, error: string | undefined): TemplateResult {
  return html`<p class="dialog-error" data-testid=${testId} role="alert" ?hidden=${error === undefined}
    >${error ?? ""}</p
  >`;
}

interface ModalOptions {
  readonly className: string;
  readonly testId: string;
  readonly titleId: string;
  readonly callId?: string;
  readonly alertId?: string;
  readonly cancelTestId: string;
  readonly onSubmit: () => void;
}

/** A modal form: its fields, then its submit button beside Cancel. */
function modal(
  options: ModalOptions,
  intents: Intents,
  fields: TemplateResult,
  submit: TemplateResult,
): TemplateResult {
  const close = () => {
    intents.closeDialog();
  };
  return html`<dialog
    class=${options.className}
    data-testid=${options.testId}
    data-call-id=${options.callId ?? nothing}
    data-alert-id=${options.alertId ?? nothing}
    aria-labelledby=${options.titleId}
    ${ref(showModal)}
    @close=${close}
  >
    <form
      @submit=${(event: Event) => {
        event.preventDefault();
        options.onSubmit();
      }}
    >
      ${fields}
      <div class="action-row">
        ${submit}<button type="button" data-testid=${options.cancelTestId} @click=${close}
          >Cancel</button
        >
      </div>
    </form>
  </dialog>`;
}

function takeOverDialog(
  dialog: TakeOverDialog,
  state: AppState,
  derived: Derived,
  intents: Intents,
): TemplateResult {
  const { holder } = dialog;
  const call = derived.call(dialog.callId);
  const holderState = CAPABILITIES[state.session.role].presence
    ? livenessOf(state, holder.uid)
    : undefined;
  const about = call === undefined ? "" : callLabel({ id: dialog.callId, call }, state.subjects);
  return modal(
    {
      className: "dialog",
      testId: "takeover-dialog",
      titleId: "takeover-title",
      callId: dialog.callId,
      cancelTestId: "takeover-cancel",
      onSubmit: () => {
        intents.submitTakeOver();
      },
    },
    intents,
    html`<h2 id="takeover-title">Take over from ${holder.name}?</h2>
      <p class="dialog-lead"
        >${holder.name} is handling ${about}${
          holderState === undefined ? "" : ` (console ${holderState})`
        }. They will see that you took over, with your reason.</p
      >
      <label class="field"
        >Reason (required)<textarea
          data-testid="takeover-reason"
          rows="3"
          maxlength=${LIMITS.takeOverReason}
          aria-required="true"
          placeholder="e.g. ${holder.name} is not answering; caller needs instructions now"
          aria-label="Reason"
          autofocus
          .value=${live(dialog.reason)}
          @input=${(event: Event) => {
            intents.editDialog({ reason: fieldValue(event) });
          }}
        ></textarea
      ></label>
      ${errorLine("takeover-error", dialog.error)}`,
    html`<button
      type="submit"
      class="primary danger"
      data-testid="takeover-confirm"
      ?disabled=${dialog.busy || dialog.stale}
    >Take over from ${holder.name}</button>`,
  );
}

function outcomeDialog(
  dialog: OutcomeDialog,
  state: AppState,
  derived: Derived,
  intents: Intents,
): TemplateResult {
  const alert =
    derived.alerts.find((candidate) => candidate.id === dialog.alert.id) ?? dialog.alert;
  const call = derived.call(alert.callId);
  const phone = alert.followUp?.phone ?? call?.phone;
  const lead =
    call === undefined || alert.callId === undefined
      ? alert.title
      : `${callerName({ id: alert.callId, call }, state.subjects)} · ${followUpAbout(alert) ?? "critical call"} · last: “${call.lastSnippet}”`;
  return modal(
    {
      className: "dialog follow-up-dialog",
      testId: "outcome-dialog",
      titleId: "outcome-title",
      alertId: alert.id,
      cancelTestId: "outcome-cancel",
      onSubmit: () => {
        intents.submitOutcome();
      },
    },
    intents,
    html`<h2 id="outcome-title">${followUpHeadline(alert, call?.phone)}</h2>
      <p class="dialog-lead">${lead}</p>
      ${
        phone === undefined
          ? nothing
          : html`<a class="call-back-number" href="tel:${phone}">Call ${phone}</a>`
      }
      <fieldset class="choices">
        <legend>Outcome</legend>
        ${FOLLOW_UP_OUTCOMES.map(
          (outcome, index) =>
            html`<label class="choice"
              ><input
                type="radio"
                name="outcome"
                value=${outcome}
                data-testid="outcome-option"
                data-outcome=${outcome}
                ?autofocus=${index === 0}
                .checked=${live(dialog.outcome === outcome)}
                @change=${() => {
                  intents.editDialog({ outcome });
                }}
              />${OUTCOME_LABELS[outcome]}</label
            >`,
        )}
      </fieldset>
      <label class="field"
        >Note<textarea
          data-testid="outcome-note"
          rows="2"
          maxlength=${LIMITS.followUpNote}
          placeholder="Note (optional): who answered, what was arranged"
          aria-label="Note"
          .value=${live(dialog.note)}
          @input=${(event: Event) => {
            intents.editDialog({ note: fieldValue(event) });
          }}
        ></textarea
      ></label>
      ${errorLine("outcome-error", dialog.error)}`,
    html`<button type="submit" class="primary" data-testid="outcome-submit" ?disabled=${dialog.busy}
      >Close follow-up</button
    >`,
  );
}

/** Keys that are the browser's own but belong in the list a member reads. */
const NATIVE_KEYS: readonly { readonly keys: readonly string[]; readonly does: string }[] = [
  { keys: ["Tab", "Shift+Tab"], does: "Move between controls" },
  { keys: ["Esc"], does: "Close a dialog or form" },
  { keys: ["Ctrl+Enter"], does: "Send the message (in the message box)" },
];

function helpDialog(intents: Intents): TemplateResult {
  const close = () => {
    intents.closeDialog();
  };
  const rows = [...SHORTCUTS, ...NATIVE_KEYS];
  return html`<dialog
    class="dialog keyboard-help"
    data-testid="keyboard-help"
    aria-labelledby="keyboard-help-title"
    ${ref(showModal)}
    @close=${close}
  >
    <h2 id="keyboard-help-title">Keyboard shortcuts</h2>
    <p class="dialog-lead">They work anywhere on the live page except while typing in a field.</p>
    <table class="shortcuts">
      <tbody>
        ${rows.map(
          (row) =>
            html`<tr
              ><th scope="row">${row.keys.map(
                (key, index) => html`${index === 0 ? "" : " or "}<kbd>${key}</kbd>`,
              )}</th
              ><td>${row.does}</td></tr
            >`,
        )}
      </tbody>
    </table>
    <div class="action-row">
      <button type="button" class="primary" data-testid="keyboard-help-close" autofocus @click=${close}
        >Close</button
      >
    </div>
  </dialog>`;
}

export function dialogView(state: AppState, derived: Derived, intents: Intents) {
  const dialog = state.dialog;
  if (dialog === undefined) return nothing;
  switch (dialog.kind) {
    case "takeOver":
      return takeOverDialog(dialog, state, derived, intents);
    case "outcome":
      return outcomeDialog(dialog, state, derived, intents);
    case "help":
      return helpDialog(intents);
  }
}
