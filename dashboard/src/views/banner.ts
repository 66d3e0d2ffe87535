/**
 * The top of the page: the critical banner (live critical calls nobody acknowledged, then open
 * follow-ups, the newest few in full) and the notices of calls a colleague took from this member.
 * Hooks: critical-banner (data-count, data-follow-ups), banner-follow-up (data-alert-id),
 * banner-follow-up-close, banner-follow-up-more; takeover-notices, takeover-notice (data-call-id),
 * takeover-notice-dismiss.
 */
import { html, nothing, type TemplateResult } from "lit-html";
import { repeat } from "lit-html/directives/repeat.js";
import {
  followUpAbout,
  followUpHeadline,
  OUTCOME_LABELS,
  type AlertView,
} from "../logic/alerts.js";
import { formatAgo, plural } from "../logic/format.js";
import { outcomeAvailability } from "../logic/permissions.js";
import type { AppState } from "../state/app-state.js";
import {
  actionContext,
  bannerMoreText,
  callerName,
  callLabel,
  takeoverNotices,
  type Banner,
  type Derived,
} from "../state/selectors.js";
import type { Intents } from "../app/intents.js";
import { titleOf } from "./parts.js";

/** One follow-up in the banner: who to call back, and the action that closes it. */
function bannerFollowUp(
  alert: AlertView,
  state: AppState,
  derived: Derived,
  intents: Intents,
): TemplateResult {
  const call = derived.call(alert.callId);
  const callId = call === undefined ? undefined : alert.callId;
  const availability = outcomeAvailability(alert, actionContext(state));
  const about = followUpAbout(alert);
  const status =
    alert.outcome === undefined
      ? `ended ${formatAgo(alert.followUp?.since ?? alert.at, state.now)}, nobody responded`
      : `${OUTCOME_LABELS[alert.outcome.outcome]} (${derived.names.get(alert.outcome.by) ?? "a colleague"}) · closing…`;
  return html`<div class="banner-follow-up" data-testid="banner-follow-up" data-alert-id=${alert.id}>
    <div class="follow-up-text">
      <strong class="follow-up-headline">${followUpHeadline(alert, call?.phone)}</strong>
      <span class="follow-up-meta"
        >${
          call === undefined || callId === undefined
            ? ""
            : `${callerName({ id: callId, call }, state.subjects)} · `
        }${about === undefined ? "" : `${about} · `}${status}</span
      >
    </div>
    <span class="follow-up-actions">
      ${
        callId === undefined
          ? nothing
          : html`<button
            type="button"
            @click=${() => {
              intents.select(callId);
            }}
          >Open call</button>`
      }
      <button
        type="button"
        class="primary"
        data-testid="banner-follow-up-close"
        ?disabled=${!availability.allowed}
        title=${titleOf(availability)}
        @click=${() => {
          intents.openOutcome(alert.id);
        }}
      >Call back / close…</button>
    </span>
  </div>`;
}

export function criticalBannerView(
  banner: Banner,
  state: AppState,
  derived: Derived,
  intents: Intents,
): TemplateResult {
  const { critical, followUps, shown, more } = banner;
  const count = critical.length + followUps.length;
  // A live caller in danger comes first; follow-ups after, the newest few in full.
  return html`<div
    class="critical-banner"
    data-testid="critical-banner"
    data-count=${critical.length}
    data-follow-ups=${followUps.length}
    role="alert"
    ?hidden=${count === 0}
  >
    ${
      critical.length === 0
        ? nothing
        : html`<strong>${plural(critical.length, "critical call")} not acknowledged</strong>`
    }
    ${repeat(
      critical,
      (entry) => entry.id,
      (entry) =>
        html`<button
          type="button"
          class="banner-call"
          data-call-id=${entry.id}
          @click=${() => {
            intents.select(entry.id);
          }}
        >${callLabel(entry, state.subjects)} — ${entry.call.lastSnippet}</button>`,
    )}
    ${repeat(
      shown,
      (alert) => alert.id,
      (alert) => bannerFollowUp(alert, state, derived, intents),
    )}
    ${
      more === 0
        ? nothing
        : html`<p class="banner-more" data-testid="banner-follow-up-more">${bannerMoreText(more)}</p>`
    }
  </div>`;
}

export function takeoverNoticesView(
  state: AppState,
  derived: Derived,
  intents: Intents,
): TemplateResult {
  const notices = takeoverNotices(state, derived);
  return html`<div
    class="takeover-notices"
    data-testid="takeover-notices"
    role="alert"
    ?hidden=${notices.length === 0}
  >
    ${repeat(
      notices,
      (notice) => notice.key,
      ({ entry, text, key }) =>
        html`<div class="takeover-notice" data-testid="takeover-notice" data-call-id=${entry.id}>
          <strong>${text}</strong>
          <span class="follow-up-meta">${callLabel(entry, state.subjects)}</span>
          <span class="follow-up-actions">
            <button
              type="button"
              @click=${() => {
                intents.select(entry.id);
              }}
            >Open call</button>
            <button
              type="button"
              data-testid="takeover-notice-dismiss"
              @click=${() => {
                intents.dismissTakeover(key);
              }}
            >Dismiss</button>
          </span>
        </div>`,
    )}
  </div>`;
}
