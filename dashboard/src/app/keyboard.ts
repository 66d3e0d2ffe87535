/**
 * The keyboard shortcuts of the live page (the keys themselves: logic/keys.ts). A shortcut presses
 * the control a pointer would press, or focuses the field a pointer would click, so it is enabled
 * exactly when that control is; when there is nothing to press the notice line says so. While a
 * dialog is open it has the keyboard to itself.
 */
import { keyIntent, type KeyIntent, type KeyTarget } from "../logic/keys.js";
import type { AppState } from "../state/app-state.js";
import type { Intents } from "./intents.js";

const CALL_ROW = '[data-testid="call-row"]';
const INCIDENT_ROW = '[data-testid="alert-row"]';

function targetOf(element: Element | null): KeyTarget {
  if (!(element instanceof HTMLElement)) return "page";
  if (
    element instanceof HTMLInputElement ||
    element instanceof HTMLTextAreaElement ||
    element instanceof HTMLSelectElement ||
    element.isContentEditable
  ) {
    return "typing";
  }
  if (element.matches(`${CALL_ROW}, ${INCIDENT_ROW}`)) return "row";
  if (element.matches("button, a[href], summary, [role=button]")) return "control";
  return "page";
}

/** The enabled control `testId` in `scope`, if the page shows one. */
function control(scope: ParentNode, testId: string): HTMLElement | undefined {
  const found = scope.querySelector<HTMLElement>(`[data-testid="${testId}"]`);
  if (found === null || found.closest("[hidden]") !== null) return undefined;
  if (found instanceof HTMLButtonElement && found.disabled) return undefined;
  return found;
}

function focusRow(row: HTMLElement): void {
  row.focus();
  row.scrollIntoView({ block: "nearest" });
}

export interface KeyboardDeps {
  readonly root: HTMLElement;
  readonly state: () => AppState;
  readonly intents: Intents;
  readonly notify: (text: string, kind?: "info" | "error") => void;
}

/** Listens on the document; returns the function that stops listening. */
export function installKeyboard(deps: KeyboardDeps): () => void {
  const { root, intents, notify } = deps;
  const detail = () => root.querySelector('[data-testid="call-detail"]') ?? root;
  const calls = () => Array.from(root.querySelectorAll<HTMLElement>(CALL_ROW));
  const incidents = () => Array.from(root.querySelectorAll<HTMLElement>(INCIDENT_ROW));

  /** Moves focus by `step` in the list the focus is in; elsewhere, into the calls list. */
  function move(from: Element | null, step: 1 | -1): void {
    const inIncidents = from !== null && from.closest('[data-testid="alerts-list"]') !== null;
    const rows = inIncidents ? incidents() : calls();
    const at = rows.findIndex((row) => row === from || row.contains(from));
    const selected = rows.findIndex((row) => row.dataset.selected === "true");
    const start = at !== -1 ? at : selected;
    const next = start === -1 ? rows[0] : rows[start + step];
    if (next !== undefined) focusRow(next);
  }

  function open(row: HTMLElement): void {
    if (row.matches(CALL_ROW)) row.click();
    else press(["alert-open-call"], "This incident has no call to open.", row);
  }

  function press(testIds: readonly string[], nothingToDo: string, scope: ParentNode): void {
    for (const testId of testIds) {
      const found = control(scope, testId);
      if (found !== undefined) {
        found.click();
        return;
      }
    }
    notify(nothingToDo);
  }

  function focusField(testId: string, missing: string): void {
    const field = root.querySelector<HTMLElement>(`[data-testid="${testId}"]`);
    if (field === null || field.closest("[hidden]") !== null) {
      notify(missing);
      return;
    }
    if (field.matches(":disabled")) {
      notify(field.getAttribute("title") ?? missing);
      return;
    }
    field.focus();
  }

  function carryOut(intent: KeyIntent, from: Element | null): void {
    const row = from instanceof HTMLElement ? from.closest<HTMLElement>(INCIDENT_ROW) : null;
    switch (intent) {
      case "next":
      case "previous":
        move(from, intent === "next" ? 1 : -1);
        return;
      case "open":
        if (from instanceof HTMLElement) open(from);
        return;
      case "calls": {
        const rows = calls();
        const target = rows.find((candidate) => candidate.dataset.selected === "true") ?? rows[0];
        if (target === undefined) notify("No calls right now.");
        else focusRow(target);
        return;
      }
      case "incidents": {
        const first = incidents()[0];
        if (first === undefined) notify("No incidents right now.");
        else focusRow(first);
        return;
      }
      case "acknowledge":
        if (row !== null) {
          press(["alert-ack-open"], "This incident cannot be acknowledged by you now.", row);
        } else {
          press(["call-next-acknowledge"], "Nothing to acknowledge on the open call.", detail());
        }
        return;
      case "takeOver":
        press(
          ["action-take-over", "action-take-over-from"],
          "You cannot take over the open call now.",
          detail(),
        );
        return;
      case "handBack":
        press(["action-hand-back"], "You are not handling the open call.", detail());
        return;
      case "message":
        focusField("message-input", "There is no message box for the open call.");
        return;
      case "guide":
        focusField("guide-input", "You cannot guide the assistant on the open call.");
        return;
      case "help":
        intents.openHelp();
        return;
    }
  }

  function onKeyDown(event: KeyboardEvent): void {
    if (event.defaultPrevented || event.isComposing) return;
    // A modal dialog owns the keyboard (Escape closes it natively).
    if (root.querySelector("dialog[open]") !== null) return;
    const from = event.target instanceof Element ? event.target : null;
    const intent = keyIntent(event, targetOf(from));
    if (intent === undefined) return;
    if (deps.state().view !== "live" && intent !== "help") return;
    event.preventDefault();
    carryOut(intent, from);
  }

  document.addEventListener("keydown", onKeyDown);
  return () => {
    document.removeEventListener("keydown", onKeyDown);
  };
}
