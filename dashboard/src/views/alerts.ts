/**
 * The alerts list as incidents, one per call (see logic/incidents.ts): unhandled ones first, in
 * strong red, handled ones muted with who handles them, closed ones last. Each item carries its
 * lead alert's hooks. Hooks: alerts-list (data-source = feed | inbox); alert-row (data-alert-id,
 * data-status, data-severity, data-kind, data-level, data-call-id, data-follow-up, data-incident,
 * data-handled, data-alert-ids); incident-status, incident-who, incident-timeline, incident-vitals,
 * alert-ended-unattended, alert-open-call, alert-ack-open (alert-ack-open-reason),
 * alert-outcome-open, alert-outcome.
 */
import "../incidents.css";
import { html, nothing, type TemplateResult } from "lit-html";
import { CAPABILITIES } from "@lifeline/model";
import { repeat } from "lit-html/directives/repeat.js";
import {
  escalationLabel,
  followUpHeadline,
  isAcknowledged,
  isFollowUp,
  isOpenFollowUp,
  OUTCOME_LABELS,
} from "../logic/alerts.js";
import { endedUnattended } from "../logic/calls.js";
import { humanize } from "../logic/format.js";
import {
  groupIncidents,
  incidentStatus,
  sortIncidents,
  type Incident,
  type TimelineEntry,
} from "../logic/incidents.js";
import { acknowledgeAvailability, outcomeAvailability } from "../logic/permissions.js";
import type { AppState } from "../state/app-state.js";
import { actionContext, callLabel, type Derived } from "../state/selectors.js";
import type { Intents } from "../app/intents.js";
import { titleOf, urgencyBadge } from "./parts.js";

/** "09:02": the timeline's minutes are enough to read the order of things. */
function clock(at: number): string {
  const date = new Date(at);
  return `${String(date.getHours()).padStart(2, "0")}:${String(date.getMinutes()).padStart(2, "0")}`;
}

function timelineView(entries: readonly TimelineEntry[]): TemplateResult {
  return html`<ol class="timeline" data-testid="incident-timeline">
    ${entries.map(
      (entry) =>
        html`<li
          ><span class="when">${entry.at === undefined ? "" : clock(entry.at)}</span
          ><span>${entry.text}</span></li
        >`,
    )}
  </ol>`;
}

/** Who the incident is about: the caller (or the patient) by name when it is known. */
function whoOf(incident: Incident, state: AppState, derived: Derived): string | undefined {
  const call = derived.call(incident.callId);
  if (call !== undefined && incident.callId !== undefined) {
    return callLabel({ id: incident.callId, call }, state.subjects);
  }
  if (incident.subjectId === undefined) return undefined;
  return state.subjects.get(incident.subjectId)?.name ?? `Subject ${incident.subjectId}`;
}

function vitalsView(incident: Incident, state: AppState): TemplateResult | typeof nothing {
  if (incident.callId !== undefined || incident.subjectId === undefined) return nothing;
  const vitals = Object.entries(state.subjects.get(incident.subjectId)?.vitals ?? {});
  if (vitals.length === 0) return nothing;
  return html`<ul class="vitals" data-testid="incident-vitals">
    ${vitals.map(
      ([kind, vital]) =>
        html`<li class="vital vital-${vital.status}" data-kind=${kind}
          >${humanize(kind)} ${vital.value} ${vital.unit}${
            vital.status === "normal" ? "" : ` (${vital.status})`
          }</li
        >`,
    )}
  </ul>`;
}

function incidentRow(
  incident: Incident,
  state: AppState,
  derived: Derived,
  intents: Intents,
): TemplateResult {
  const alert = incident.lead;
  const context = actionContext(state);
  const call = derived.call(incident.callId);
  const callId = call === undefined ? undefined : incident.callId;
  const escalation = escalationLabel(alert.level);
  const acknowledge = acknowledgeAvailability(alert, context);
  const acknowledged = isAcknowledged(alert);
  const followUp = isFollowUp(alert);
  const openFollowUp = isOpenFollowUp(alert);
  const outcome = outcomeAvailability(alert, context);
  const nameOf = (uid: string) => derived.names.get(uid) ?? "a colleague";
  const state_ = incident.closed ? "closed" : incident.handled ? "handled" : "unhandled";
  const who = whoOf(incident, state, derived);
  return html`<li
    class="alert-row incident incident-${state_} severity-${incident.severity} status-${
      alert.status
    }${openFollowUp ? " follow-up" : ""}"
    data-testid="alert-row"
    tabindex="-1"
    data-alert-id=${alert.id}
    data-status=${alert.status}
    data-severity=${alert.severity}
    data-kind=${alert.kind}
    data-level=${alert.level ?? nothing}
    data-call-id=${alert.callId ?? nothing}
    data-follow-up=${String(followUp)}
    data-incident=${incident.key}
    data-handled=${String(incident.handled)}
    data-alert-ids=${incident.alerts.map((member) => member.id).join(" ")}
  >
    <div class="row-top"
      >${
        openFollowUp
          ? html`<span class="badge call-back">CALL BACK</span>`
          : urgencyBadge(incident.severity)
      }<span class="title"
        >${openFollowUp ? followUpHeadline(alert, call?.phone) : alert.title}</span
      ></div
    >
    ${who === undefined ? nothing : html`<p class="who" data-testid="incident-who">${who}</p>`}
    <p class="incident-status" data-testid="incident-status" data-state=${state_}>
      ${incidentStatus(incident, state.now, nameOf)}
    </p>
    ${
      alert.outcome === undefined
        ? nothing
        : html`<p class="outcome" data-testid="alert-outcome" data-outcome=${alert.outcome.outcome}
          >${OUTCOME_LABELS[alert.outcome.outcome]} · ${
            derived.names.get(alert.outcome.by) ?? "a colleague"
          }${alert.outcome.note === "" ? "" : ` — ${alert.outcome.note}`}</p
        >`
    }
    ${vitalsView(incident, state)} ${timelineView(incident.timeline)}
    ${
      escalation === undefined && !(endedUnattended(alert, call) && !followUp)
        ? nothing
        : html`<div class="row-meta">
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
        </div>`
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
          : incident.closed
            ? nothing
            : html`<button
                type="button"
                data-testid="alert-ack-open"
                class=${acknowledged ? "" : "primary"}
                ?disabled=${!acknowledge.allowed}
                title=${titleOf(acknowledge)}
                @click=${() => {
                  intents.openAck(alert.id);
                }}
              >${acknowledged ? "Update status…" : "Acknowledge…"}</button
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
  const calls = new Map(derived.calls.map((entry) => [entry.id, entry.call]));
  const incidents = sortIncidents(
    groupIncidents(derived.alerts, calls, (uid) => derived.names.get(uid) ?? "a colleague"),
  );
  return html`<ul
    class="alerts"
    data-testid="alerts-list"
    data-source=${CAPABILITIES[state.session.role].alertFeed ? "feed" : "inbox"}
    aria-label="Incidents"
  >
    ${
      incidents.length === 0
        ? html`<li class="empty">No alerts.</li>`
        : repeat(
            incidents,
            (incident) => incident.key,
            (incident) => incidentRow(incident, state, derived, intents),
          )
    }
  </ul>`;
}
