/**
 * The signed-in page: header, notices, banner, "while you were away", the live grid (calls, the
 * selected call, alerts and colleagues) and history. Each region is its own module; this one only
 * places them. Every control is a native button or field; the keyboard shortcuts (app/keyboard.ts,
 * `?` lists them) move within the calls and incidents lists and press the selected call's
 * controls; Escape closes the acknowledgement form and the dialogs.
 *
 * Test hooks (`data-testid`) of the page itself, stable for the browser tests (the regions list
 * theirs): app (data-role, data-tenant, data-uid), session-user (name · role),
 * connection-indicator (data-state = connecting | online | offline), notice (transient messages),
 * keyboard-help-open, wall-mode-toggle (aria-pressed), view-live, view-history, view-members (admins),
 * sign-out, sign-out-everywhere, account-menu with menu-sign-out and menu-sign-out-everywhere (phones),
 * banner-slot (the banner's reserved place: it appears without moving the page), banner-calm,
 * moving-notice (while the tenant moves to another database instance);
 * the alarm's controls are listed in views/alarm.ts.
 */
import { html, nothing, type TemplateResult } from "lit-html";
import { CAPABILITIES } from "@lifeline/model";
import type { AppState } from "../state/app-state.js";
import { connectionState, type Banner, type Derived } from "../state/selectors.js";
import { movingNotice } from "../logic/session.js";
import type { Intents } from "../app/intents.js";
import { alarmView } from "../state/alarm.js";
import { ackRegionView } from "./ack-form.js";
import { alarmControlView } from "./alarm.js";
import { alertsView } from "./alerts.js";
import { awaySummaryView } from "./away-summary.js";
import { criticalBannerView, takeoverNoticesView } from "./banner.js";
import { callDetailView } from "./call-detail.js";
import { callsListView } from "./calls-list.js";
import { dialogView } from "./dialogs.js";
import { historyView } from "./history.js";
import { membersView } from "./members.js";
import { presenceView } from "./presence.js";

const CONNECTION_TEXT = {
  online: "● Live",
  offline: "● Offline — reconnecting…",
  connecting: "● Connecting…",
} as const;

/**
 * On a phone the header keeps one row by folding who is signed in, the sign-out buttons and the
 * notification permission into a menu (large type is for wall displays, not phones). Hidden above phone width, where the buttons
 * stand in the header themselves.
 */
function accountMenu(state: AppState, intents: Intents): TemplateResult {
  return html`<details class="account-menu" data-testid="account-menu">
    <summary>Menu</summary>
    <div class="menu-items">
      <span class="menu-user">${state.member?.name ?? state.session.email} · ${state.session.role}</span>
      <button
        type="button"
        data-testid="menu-sign-out"
        @click=${() => {
          intents.signOut();
        }}
      >Sign out</button>
      <button
        type="button"
        data-testid="menu-sign-out-everywhere"
        ?disabled=${state.signingOutEverywhere}
        @click=${() => {
          intents.signOutEverywhere();
        }}
      >Sign out everywhere</button>
      ${
        state.alarm.notifications === "default"
          ? html`<button
            type="button"
            data-testid="menu-notify-enable"
            @click=${() => {
              intents.enableNotifications();
            }}
          >Allow notifications</button>`
          : nothing
      }
    </div>
  </details>`;
}

function header(state: AppState, derived: Derived, intents: Intents): TemplateResult {
  const { session } = state;
  const connection = connectionState(state);
  return html`<header class="top">
    <h1>Lifeline</h1>
    <span class="tenant">${session.tenant}</span>
    <nav class="tabs" aria-label="Views">
      <button
        type="button"
        data-testid="view-live"
        aria-pressed=${String(state.view === "live")}
        @click=${() => {
          intents.setView("live");
        }}
      >Live</button>
      <button
        type="button"
        data-testid="view-history"
        aria-pressed=${String(state.view === "history")}
        @click=${() => {
          intents.setView("history");
        }}
      >History</button>
      ${
        CAPABILITIES[session.role].manageMembers
          ? html`<button
              type="button"
              data-testid="view-members"
              aria-pressed=${String(state.view === "members")}
              @click=${() => {
                intents.setView("members");
              }}
            >Members</button>`
          : nothing
      }
    </nav>
    <span
      class="connection"
      data-testid="connection-indicator"
      data-state=${connection}
      role="status"
      aria-live="polite"
    >${CONNECTION_TEXT[connection]}</span>
    ${alarmControlView(state, alarmView(state, derived), intents)}
    <span class="spacer"></span>
    <span class="user" data-testid="session-user"
      >${state.member?.name ?? session.email} · ${session.role}</span
    >
    <button
      type="button"
      class="keys-help"
      data-testid="keyboard-help-open"
      aria-keyshortcuts="?"
      title="Keyboard shortcuts (?)"
      @click=${() => {
        intents.openHelp();
      }}
    >Keys</button>
    <button
      type="button"
      class="desk-only"
      data-testid="wall-mode-toggle"
      aria-pressed=${String(state.wall)}
      @click=${() => {
        intents.toggleWall();
      }}
    >Large type</button>
    <button
      type="button"
      class="desk-only"
      data-testid="sign-out"
      @click=${() => {
        intents.signOut();
      }}
    >Sign out</button>
    <button
      type="button"
      class="desk-only"
      data-testid="sign-out-everywhere"
      title="Ends this account's sessions on every device"
      ?disabled=${state.signingOutEverywhere}
      @click=${() => {
        intents.signOutEverywhere();
      }}
    >Sign out everywhere</button>
    ${accountMenu(state, intents)}
  </header>`;
}

function liveGrid(state: AppState, derived: Derived, intents: Intents): TemplateResult {
  const capabilities = CAPABILITIES[state.session.role];
  return html`<div class="grid" ?hidden=${state.view !== "live"}>
    <section class="panel calls-panel" aria-labelledby="calls-heading">
      <h2 id="calls-heading">Calls</h2>
      ${callsListView(state, derived, intents)}
    </section>
    <div class="panel detail-panel">${callDetailView(state, derived, intents)}</div>
    <aside class="panel side-panel">
      <section aria-labelledby="alerts-heading">
        <h2 id="alerts-heading">${capabilities.alertFeed ? "Alerts" : "My alerts"}</h2>
        ${alertsView(state, derived, intents)} ${ackRegionView(state, derived, intents)}
      </section>
      ${
        capabilities.presence
          ? html`<section aria-labelledby="presence-heading">
            <h2 id="presence-heading">Colleagues</h2>
            ${presenceView(state)}
          </section>`
          : nothing
      }
    </aside>
  </div>`;
}

/** While the tenant moves to another instance every write is refused: say so, above everything. */
function movingNoticeView(state: AppState): TemplateResult | typeof nothing {
  const text = movingNotice(state.access);
  return text === undefined
    ? nothing
    : html`<p class="moving-notice" data-testid="moving-notice" role="status">${text}</p>`;
}

export function shellView(
  state: AppState,
  derived: Derived,
  banner: Banner,
  intents: Intents,
): TemplateResult {
  const { session, notice } = state;
  const alarming = banner.critical.length + banner.followUps.length > 0;
  return html`<div
    class="app"
    data-testid="app"
    data-role=${session.role}
    data-tenant=${session.tenant}
    data-uid=${session.uid}
  >
    ${header(state, derived, intents)}
    <main class="page">
    <div
      class="notice"
      data-testid="notice"
      role="status"
      aria-live="polite"
      data-kind=${notice?.kind ?? nothing}
      ?hidden=${notice === undefined}
    >${notice?.text ?? ""}</div>
    ${movingNoticeView(state)}
    <div class="banner-slot" data-testid="banner-slot">
      ${criticalBannerView(banner, state, derived, intents)}
      <p class="banner-calm" data-testid="banner-calm" ?hidden=${alarming}
        >No critical call waiting, no caller to call back.</p
      >
    </div>
    ${takeoverNoticesView(state, derived, intents)} ${awaySummaryView(state, derived, intents)}
    ${liveGrid(state, derived, intents)} ${historyView(state, intents)}
    ${CAPABILITIES[session.role].manageMembers ? membersView(state, intents) : nothing}
    ${dialogView(state, derived, intents)}
    </main>
  </div>`;
}
