/**
 * The selected call's transcript and the messages queued for the caller. Hooks: transcript;
 * message (data-message-id, data-role, data-seq, data-audience = caller | staff, data-triage,
 * data-holding); assistant-note (the folded hand-back note); message-why (sources and matched
 * terms, folded); triage-note; guidance-item (data-by, data-audience = staff: guidance given to
 * the assistant, in time order among the messages); transcript-new (data-count); delivery
 * (data-status) on a supervisor's text to an SMS caller; outbox-pending.
 */
import { html, nothing, type TemplateResult } from "lit-html";
import { repeat } from "lit-html/directives/repeat.js";
import type { Call, Guidance, Message } from "@lifeline/model";
import { formatClock } from "../logic/format.js";
import {
  audienceOf,
  deliveryLabel,
  highlightSegments,
  isAssistantNote,
  isHoldingLine,
  orderMessages,
  roleLabel,
  triageMessageId,
  unseenAfter,
  weaveGuidance,
} from "../logic/transcript.js";
import type { AppState } from "../state/app-state.js";
import type { Derived } from "../state/selectors.js";
import type { Intents } from "../app/intents.js";
import { plural } from "../logic/format.js";

/** Sources and matched terms, one click away instead of under every reply. */
function whyDetails(sources: readonly string[], terms: readonly string[]): TemplateResult {
  if (sources.length === 0 && terms.length === 0) return html``;
  return html`<details class="why" data-testid="message-why">
    <summary>${sources.length > 0 ? "Sources" : "Matched terms"}</summary>
    ${sources.length > 0 ? html`<p>Sources: ${sources.join(", ")}</p>` : nothing}
    ${terms.length > 0 ? html`<p>Matched: ${terms.join(", ")}</p>` : nothing}
  </details>`;
}

/** The note the assistant got at a hand-back: staff may read it, folded, never as something said. */
function assistantNote(id: string, message: Message): TemplateResult {
  return html`<li
    class="message staff assistant-note"
    data-testid="message"
    data-message-id=${id}
    data-role=${message.role}
    data-seq=${message.seq}
    data-audience="staff"
    data-triage="false"
    data-holding="false"
  >
    <details data-testid="assistant-note">
      <summary class="from"
        >Staff only · Handed back: note for the AI assistant<time
          datetime=${new Date(message.at).toISOString()}
          >${formatClock(message.at)}</time
        ></summary
      >
      <p class="text">${message.text}</p>
    </details>
  </li>`;
}

function messageItem(
  id: string,
  message: Message,
  call: Call,
  triageId: string | undefined,
  names: ReadonlyMap<string, string>,
): TemplateResult {
  if (isAssistantNote(id, message)) return assistantNote(id, message);
  const triage = id === triageId;
  const holding = isHoldingLine(message);
  const audience = audienceOf(message);
  const terms = triage ? (call.urgencyReason?.terms ?? []) : [];
  const segments = triage
    ? highlightSegments(message.text, terms)
    : [{ text: message.text, matched: false }];
  const sources = holding ? [] : (message.sources ?? []);
  return html`<li
    class="message role-${message.role}${audience === "staff" ? " staff" : ""}${triage ? " triage" : ""}${holding ? " holding" : ""}"
    data-testid="message"
    data-message-id=${id}
    data-role=${message.role}
    data-seq=${message.seq}
    data-audience=${audience}
    data-triage=${String(triage)}
    data-holding=${String(holding)}
  >
    <span class="from"
      >${roleLabel(message, names)}<time datetime=${new Date(message.at).toISOString()}
        >${formatClock(message.at)}</time
      >${
        triage
          ? html`<span class="triage-note" data-testid="triage-note">raised to ${call.urgency}</span>`
          : nothing
      }</span
    >
    <p class="text">${segments.map((segment) =>
      segment.matched ? html`<mark>${segment.text}</mark>` : segment.text,
    )}</p>
    ${whyDetails(sources, terms)}
    ${
      message.delivery === undefined
        ? nothing
        : html`<span
            class="delivery delivery-${message.delivery.status}"
            data-testid="delivery"
            data-status=${message.delivery.status}
            >${deliveryLabel(message.delivery)}</span
          >`
    }
  </li>`;
}

/** Guidance given to the assistant: a staff-only line where it was given, never something said. */
function guidanceItem(guidance: Guidance, state: AppState): TemplateResult {
  const who =
    guidance.by === state.session.uid
      ? "you"
      : (state.presence.get(guidance.by)?.name ?? "a colleague");
  return html`<li
    class="message staff guidance-item"
    data-testid="guidance-item"
    data-by=${guidance.by}
    data-audience="staff"
  >
    <span class="from"
      >Staff only · guidance for the assistant, from ${who}<time
        datetime=${new Date(guidance.at).toISOString()}
        >${formatClock(guidance.at)}</time
      ></span
    >
    <p class="text guidance-text">${guidance.text}</p>
  </li>`;
}

/** Within this many pixels of the bottom the reader counts as following the live end. */
const FOLLOW_SLACK_PX = 40;

function atLiveEnd(element: HTMLElement): boolean {
  return element.scrollHeight - element.scrollTop - element.clientHeight < FOLLOW_SLACK_PX;
}

export function transcriptView(
  call: Call,
  state: AppState,
  derived: Derived,
  intents: Intents,
): TemplateResult {
  const triageId = triageMessageId(call);
  const ordered = orderMessages([...state.messages].map(([id, message]) => ({ id, message })));
  const lines = weaveGuidance(ordered, state.guidance.get(state.selectedCallId ?? "") ?? []);
  const pending = [...state.outbox].sort(([, a], [, b]) => a.at - b.at);
  const unseen = state.unseenMessages;
  return html`<div class="transcript-wrap">
    <ol
      class="transcript"
      data-testid="transcript"
      tabindex="0"
      aria-label="Transcript"
      @scroll=${(event: Event) => {
        if (event.currentTarget instanceof HTMLElement && atLiveEnd(event.currentTarget)) {
          intents.caughtUp();
        }
      }}
    >
      ${
        lines.length === 0
          ? html`<li class="empty">No messages yet.</li>`
          : repeat(
              lines,
              (line) => `${line.kind}:${line.id}`,
              (line) =>
                line.kind === "message"
                  ? messageItem(line.id, line.message, call, triageId, derived.names)
                  : guidanceItem(line.guidance, state),
            )
      }
    </ol>
    <button
      type="button"
      class="jump-new"
      data-testid="transcript-new"
      data-count=${unseen}
      ?hidden=${unseen === 0}
      @click=${() => {
        intents.jumpToLatest();
      }}
    >${`↓ ${plural(unseen, "new message", "new messages")}`}</button>
    </div>
    <ul class="outbox" data-testid="outbox-pending" ?hidden=${pending.length === 0}>
      ${repeat(
        pending,
        ([id]) => id,
        ([id, item]) =>
          html`<li data-outbox-id=${id}>
            <span class="from"
              >Queued for the caller · ${derived.names.get(item.by) ?? "supervisor"}</span
            >
            <p class="text">${item.text}</p>
          </li>`,
      )}
    </ul>`;
}

/**
 * Keeps the transcript scrolled to the newest message while the reader follows the live end, and
 * counts what arrives below a reader who scrolled up (`onUnseen`, for the "N new" button). Whether
 * the reader follows is what their last scroll said, not where the list happens to stand: a
 * resize or a re-layout must not stop the following. Opening another call follows again.
 */
export function transcriptScroll(
  root: HTMLElement,
  onUnseen: (count: number) => void,
): { before(unseen: number): void; after(): void; dispose(): void } {
  let following = true;
  let follow = true;
  let unseen = 0;
  let countBefore = 0;
  let callBefore: string | null = null;
  const list = () => root.querySelector<HTMLElement>('[data-testid="transcript"]');
  const callOf = () =>
    root.querySelector('[data-testid="call-detail"]')?.getAttribute("data-call-id") ?? null;
  const count = (element: HTMLElement | null) =>
    element === null ? 0 : element.querySelectorAll('[data-testid="message"]').length;
  // Scroll events do not bubble: listen in the capture phase for the transcript's own.
  const onScroll = (event: Event) => {
    const target = event.target;
    if (target instanceof HTMLElement && target.dataset.testid === "transcript") {
      following = atLiveEnd(target);
    }
  };
  root.addEventListener("scroll", onScroll, true);
  return {
    before(current) {
      const element = list();
      unseen = current;
      callBefore = callOf();
      countBefore = count(element);
      follow = following;
    },
    after() {
      const element = list();
      if (element === null) return;
      if (callOf() !== callBefore) {
        following = true;
        element.scrollTop = element.scrollHeight;
        return;
      }
      if (follow) element.scrollTop = element.scrollHeight;
      const next = unseenAfter(unseen, follow, countBefore, count(element));
      if (next !== unseen) onUnseen(next);
    },
    dispose() {
      root.removeEventListener("scroll", onScroll, true);
    },
  };
}
