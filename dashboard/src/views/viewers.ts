/**
 * Who has a call open on a dashboard right now: names on the open call, initials and a count in
 * the calls list. Hooks: call-viewers (data-count) with viewer items (data-uid); call-row-viewers
 * (data-count).
 */
import { html, nothing, type TemplateResult } from "lit-html";
import { repeat } from "lit-html/directives/repeat.js";
import type { Viewer } from "@lifeline/model";
import type { AppState } from "../state/app-state.js";

interface ViewerEntry {
  readonly uid: string;
  readonly viewer: Viewer;
}

/** Earliest first: whoever opened the call first has followed it longest. */
function viewersOf(callId: string, state: AppState): ViewerEntry[] {
  const list = state.viewers.get(callId);
  if (list === undefined) return [];
  return [...list]
    .map(([uid, viewer]) => ({ uid, viewer }))
    .sort((a, b) => a.viewer.since - b.viewer.since || a.uid.localeCompare(b.uid));
}

function initials(name: string): string {
  const words = name.split(/\s+/).filter((word) => word !== "");
  const letters = words.length > 1 ? [words[0], words[words.length - 1]] : words;
  return letters.map((word) => (word ?? "").charAt(0).toUpperCase()).join("");
}

/** "Watching: Ada Lovelace (you), Ben Okafor": every dashboard with this call open. */
export function callViewersLine(callId: string, state: AppState): TemplateResult {
  const entries = viewersOf(callId, state);
  return html`<p
    class="viewers"
    data-testid="call-viewers"
    data-count=${entries.length}
    ?hidden=${entries.length === 0}
  >
    <span class="viewers-label">Watching:</span>
    ${repeat(
      entries,
      (entry) => entry.uid,
      (entry, index) =>
        html`<span class="viewer" data-uid=${entry.uid}
          >${entry.viewer.name}${entry.uid === state.session.uid ? " (you)" : ""}${
            index < entries.length - 1 ? "," : ""
          }</span
        >`,
    )}
  </p>`;
}

/** Initials of who has the call open (at most three, then "+N"), named in full for screen readers. */
export function callRowViewers(callId: string, state: AppState): TemplateResult | typeof nothing {
  const entries = viewersOf(callId, state);
  if (entries.length === 0) return nothing;
  const names = entries.map((entry) =>
    entry.uid === state.session.uid ? `${entry.viewer.name} (you)` : entry.viewer.name,
  );
  const shown = entries.slice(0, 3).map((entry) => initials(entry.viewer.name));
  const more = entries.length - shown.length;
  return html`<span
    class="row-viewers"
    data-testid="call-row-viewers"
    data-count=${entries.length}
    title=${`Watching: ${names.join(", ")}`}
    ><span class="visually-hidden">${`Watching: ${names.join(", ")}`}</span
    ><span aria-hidden="true"
      >${shown.map((letters) => html`<span class="initials">${letters}</span>`)}${
        more > 0 ? `+${more}` : ""
      }</span
    ></span
  >`;
}
