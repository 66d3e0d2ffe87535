/**
 * The alerts list: the tenant feed (admins, dispatchers) or the member's inbox, open follow-ups
 * first. Hooks: alerts-list (data-source = feed | inbox); alert-row (data-alert-id, data-status,
 * data-severity, data-kind, data-level, data-call-id, data-follow-up); alert-ended-unattended,
 * alert-open-call, alert-ack-open (alert-ack-open-reason), alert-outcome-open, alert-outcome.
 */
import { html, nothing, type TemplateResult } from "lit-html";
import { CAPABILITIES } from "@lifeline/model";
import { repeat } from "lit-html/directives/repeat.js";
import {
  escalationLabel,
  followUpHeadline,
  isFollowUp,
  isOpenFollowUp,
  kindLabel,
  OUTCOME_LABELS,
  sortAlerts,
  type AlertView,
} from "../logic/alerts.js";
import { endedUnattended } from "../logic/calls.js";
import { formatAgo, humanize } from "../logic/format.js";
import { acknowledgeAvailability, outcomeAvailability } from "../logic/permissions.js";
import type { AppState } from "../state/app-state.js";
import { actionContext, type Derived } from "../state/selectors.js";
import type { Intents } from "../app/intents.js";
import { arrowKeys, titleOf, urgencyBadge } from "./parts.js";

function alertRow(
  alert: AlertView,
  state: AppState,
  derived: Derived,
  intents: Intents,
): TemplateResult {
  const context = actionContext(state);
  const call = derived.call(alert.callId);
  const callId = call === undefined ? undefined : alert.callId;
  const escalation = escalationLabel(alert.level);
  const acks = Object.entries(alert.acks);
  const acknowledge = acknowledgeAvailability(alert, context);
  const followUp = isFollowUp(alert);
  const openFollowUp = isOpenFollowUp(alert);
  const outcome = outcomeAvailability(alert, context);
  const nameOf = (uid: string) => derived.names.get(uid);
  return html`<li
    class="alert-row severity-${alert.severity} status-${alert.status}${
      openFollowUp ? " follow-up" : ""
    }"
    data-testid="alert-row"
    data-alert-id=${alert.id}
    data-status=${alert.status}
    data-severity=${alert.severity}
    data-kind=${alert.kind}
    data-level=${alert.level ?? nothing}
    data-call-id=${alert.callId ?? nothing}
    data-follow-up=${String(followUp)}
  >
    <div class="row-top"
      >${
        openFollowUp
          ? html`<span class="badge call-back">CALL BACK</span>`
          : urgencyBadge(alert.severity)
      }<span class="title"
        >${openFollowUp ? followUpHeadline(alert, call?.phone) : alert.title}</span
      ></div
    >
    ${
      alert.outcome === undefined
        ? nothing
        : html`<p class="outcome" data-testid="alert-outcome" data-outcome=${alert.outcome.outcome}
          >${OUTCOME_LABELS[alert.outcome.outcome]} · ${
            nameOf(alert.outcome.by) ?? "a colleague"
          }${alert.outcome.note === "" ? "" : ` — ${alert.outcome.note}`}</p
        >`
    }
    <div class="row-meta">
      <span>${kindLabel(alert)}</span>
      <span class="alert-status status-${alert.status}">${alert.status}</span>
      <span>${formatAgo(alert.at, state.now)}</span>
      ${
        escalation === undefined
          ? nothing
          : html`<span class="badge escalated">${escalation}</span>`
      }
      ${
        endedUnattended(alert, call) && !followUp
          ? html`<span class="badge unattended" data-testid="alert-ended-unattended"
            >Ended unattended</span
          >`
          : nothing
      }
    </div>
    ${
      acks.length === 0
        ? nothing
        : html`<ul class="acks">
          ${acks.map(
            ([uid, ack]) =>
              html`<li>${nameOf(uid) ?? "A colleague"}: ${humanize(ack.status)}${
                ack.note === "" ? "" : ` — ${ack.note}`
              }</li>`,
          )}
        </ul>`
    }
    <div class="row-actions">
      ${
        callId === undefined
          ? nothing
          : html`<button
            type="button"
            data-testid="alert-open-call"
            @click=${() => {
              intents.select(callId);
            }}
          >Open call</button>`
      }
      ${
        followUp
          ? html`<button
            type="button"
            data-testid="alert-outcome-open"
            class=${openFollowUp ? "primary" : ""}
            ?disabled=${!outcome.allowed}
            title=${titleOf(outcome)}
            @click=${() => {
              intents.openOutcome(alert.id);
            }}
          >Call back / close…</button>`
          : html`<button
              type="button"
              data-testid="alert-ack-open"
              ?disabled=${!acknowledge.allowed}
              title=${titleOf(acknowledge)}
              @click=${() => {
                intents.openAck(alert.id);
              }}
            >Acknowledge…</button
            >${
              acknowledge.allowed
                ? nothing
                : html`<span class="reason" data-testid="alert-ack-open-reason"
                  >${acknowledge.reason}</span
                >`
            }`
      }
    </div>
  </li>`;
}

export function alertsView(state: AppState, derived: Derived, intents: Intents): TemplateResult {
  const alerts = sortAlerts(derived.alerts);
  return html`<ul
    class="alerts"
    data-testid="alerts-list"
    data-source=${CAPABILITIES[state.session.role].alertFeed ? "feed" : "inbox"}
    aria-label="Alerts"
    @keydown=${arrowKeys}
  >
    ${
      alerts.length === 0
        ? html`<li class="empty">No alerts.</li>`
        : repeat(
            alerts,
            (alert) => alert.id,
            (alert) => alertRow(alert, state, derived, intents),
          )
    }
  </ul>`;
}
