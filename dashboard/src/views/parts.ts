/** Small pieces several regions share: badges, the reason shown next to a disabled control. */
import { html, nothing, type TemplateResult } from "lit-html";
import type { Call } from "@lifeline/model";
import type { Availability } from "../logic/permissions.js";

export function urgencyBadge(urgency: Call["urgency"]): TemplateResult {
  return html`<span class="badge urgency-${urgency}">${urgency.toUpperCase()}</span>`;
}

export const unackedBadge = html`<span class="badge unacked">NOT ACKNOWLEDGED</span>`;

/** `<testid>-reason`: why the control next to it is disabled (hidden while it is enabled). */
export function disabledReason(testId: string, availability: Availability): TemplateResult {
  return html`<span class="reason" data-testid="${testId}-reason" ?hidden=${availability.allowed}
    >${availability.allowed ? "" : availability.reason}</span
  >`;
}

/** The title a disabled control carries: the same reason, for pointer users. */
export function titleOf(availability: Availability): string | typeof nothing {
  return availability.allowed ? nothing : availability.reason;
}

/**
 * A `ref` callback that focuses its element once, when it first appears. lit-html sets refs
 * before it inserts new DOM, so the focus waits for the element to be in the document.
 */
export function focusWhenPlaced(element: Element | undefined): void {
  if (!(element instanceof HTMLElement)) return;
  queueMicrotask(() => {
    if (element.isConnected) element.focus();
  });
}

/** The value of the field an input or change event came from. */
export function fieldValue(event: Event): string {
  const target = event.target;
  return target instanceof HTMLInputElement ||
    target instanceof HTMLTextAreaElement ||
    target instanceof HTMLSelectElement
    ? target.value
    : "";
}
