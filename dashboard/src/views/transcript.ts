/**
 * The selected call's transcript and the messages queued for the caller. Hooks: transcript;
 * message (data-message-id, data-role, data-seq, data-triage, data-holding); delivery
 * (data-status) on a supervisor's text to an SMS caller; outbox-pending.
 */
import { html, nothing, type TemplateResult } from "lit-html";
import { repeat } from "lit-html/directives/repeat.js";
import type { Call, Message } from "@lifeline/model";
import { formatClock } from "../logic/format.js";
import {
  deliveryLabel,
  highlightSegments,
  isHoldingLine,
  orderMessages,
  roleLabel,
  triageMessageId,
} from "../logic/transcript.js";
import type { AppState } from "../state/app-state.js";
import type { Derived } from "../state/selectors.js";

function messageItem(
  id: string,
  message: Message,
  call: Call,
  triageId: string | undefined,
  names: ReadonlyMap<string, string>,
): TemplateResult {
  const triage = id === triageId;
  const holding = isHoldingLine(message);
  const terms = call.urgencyReason?.terms ?? [];
  const segments = triage
    ? highlightSegments(message.text, terms)
    : [{ text: message.text, matched: false }];
  const showSources = message.sources !== undefined && message.sources.length > 0 && !holding;
  return html`<li
    class="message role-${message.role}${triage ? " triage" : ""}${holding ? " holding" : ""}"
    data-testid="message"
    data-message-id=${id}
    data-role=${message.role}
    data-seq=${message.seq}
    data-triage=${String(triage)}
    data-holding=${String(holding)}
  >
    <span class="from"
      >${roleLabel(message, names)}<time datetime=${new Date(message.at).toISOString()}
        >${formatClock(message.at)}</time
      ></span
    >
    <p class="text">${segments.map((segment) =>
      segment.matched ? html`<mark>${segment.text}</mark>` : segment.text,
    )}</p>
    ${
      triage
        ? html`<span class="triage-note"
          >Raised urgency to ${call.urgency}${terms.length > 0 ? `: ${terms.join(", ")}` : ""}</span
        >`
        : nothing
    }
    ${
      showSources
        ? html`<span class="sources">Sources: ${(message.sources ?? []).join(", ")}</span>`
        : nothing
    }
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

export function transcriptView(call: Call, state: AppState, derived: Derived): TemplateResult {
  const triageId = triageMessageId(call);
  const ordered = orderMessages([...state.messages].map(([id, message]) => ({ id, message })));
  const pending = [...state.outbox].sort(([, a], [, b]) => a.at - b.at);
  return html`<ol class="transcript" data-testid="transcript">
      ${
        ordered.length === 0
          ? html`<li class="empty">No messages yet.</li>`
          : repeat(
              ordered,
              (entry) => entry.id,
              ({ id, message }) => messageItem(id, message, call, triageId, derived.names),
            )
      }
    </ol>
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
 * Keeps the transcript scrolled to the newest message while the reader is at the bottom: measure
 * before a render, follow after it. A reader scrolled up is left where they are.
 */
export function transcriptScroll(root: HTMLElement): { before(): void; after(): void } {
  let follow = false;
  const list = () => root.querySelector<HTMLElement>('[data-testid="transcript"]');
  return {
    before() {
      const element = list();
      follow =
        element === null || element.scrollHeight - element.scrollTop - element.clientHeight < 40;
    },
    after() {
      const element = list();
      if (follow && element !== null) element.scrollTop = element.scrollHeight;
    },
  };
}
