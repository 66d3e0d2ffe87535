/**
 * The signed-in dashboard: calls, the selected call's transcript and actions, alerts, colleagues,
 * connection state, "while you were away", and history. It holds the page state, subscribes
 * through `firebase.ts` for exactly what the member's role may read, and re-renders a region when
 * its data changes. Forms are built once per selection so live updates never eat typed text.
 *
 * Test hooks (`data-testid`), stable for the browser tests:
 *   app                      root; data-role, data-tenant, data-uid
 *   session-user             who is signed in (text: name · role)
 *   connection-indicator     data-state = connecting | online | offline
 *   notice                   transient messages (errors of actions, session ended)
 *   wall-mode-toggle         large type for a wall display (aria-pressed)
 *   view-live, view-history  switch between live calls and history
 *   sign-out, sign-out-everywhere
 *   critical-banner          present while a live critical call is unacknowledged or a follow-up
 *                            is open; data-count (critical calls), data-follow-ups; each open
 *                            follow-up: banner-follow-up (data-alert-id) with
 *                            banner-follow-up-close; banner-follow-up-more counts the rest
 *   takeover-notices         takeover-notice (data-call-id) for each active call a colleague
 *                            took from this member; takeover-notice-dismiss
 *   away-summary             after a reconnect; data-raised, data-acknowledged, data-ended,
 *                            data-offline-ms; away-dismiss closes it
 *   calls-list               data-count; each row: call-row (button) with data-call-id,
 *                            data-urgency, data-status, data-owner (ai | human), data-selected,
 *                            data-unacknowledged ("true" for a critical call nobody acknowledged)
 *   call-detail              data-call-id, data-status; call-empty when nothing is selected
 *   call-ended-state         shown when the selected call ended or was missed
 *   call-urgency-reason      why the call is at its urgency
 *   call-hold-lapsed         "Hold lapsed: <name> …" while the assistant answers after a lapse
 *   call-taken-from          "<name> took over this call from you: <reason>"
 *   call-holder              who holds the call; data-liveness = online | away | offline
 *                            (presence judged by heartbeat freshness)
 *   call-vitals              the subject's latest vitals (each li: data-kind, data-status)
 *   transcript               the messages; each: message with data-message-id, data-role,
 *                            data-seq, data-triage="true" on the message that raised urgency,
 *                            data-holding="true" on a holding line the caller heard
 *   outbox-pending           messages typed for the caller, not yet delivered
 *   action-take-over, action-take-over-from (admins and dispatchers, when a colleague holds
 *   the call), action-hand-back, message-input, action-send-message,
 *   lead-select, action-set-lead, override-level, override-reason, action-override
 *                            the actions; each disabled one has a sibling `<testid>-reason`
 *   alerts-list              data-source = feed | inbox; each: alert-row with data-alert-id,
 *                            data-status, data-severity, data-kind, data-level, data-call-id;
 *                            data-follow-up; alert-ended-unattended inside a row; alert-open-call;
 *                            alert-ack-open opens the form; alert-outcome-open (follow-ups) opens
 *                            the outcome dialog; alert-outcome shows a recorded outcome
 *   ack-form                 data-alert-id; ack-status, ack-note, ack-submit, ack-cancel,
 *                            ack-submit-reason when disabled
 *   presence-list            each: presence-row with data-uid, data-state (from freshness),
 *                            data-stale ("true": says online but its heartbeat stopped)
 *   takeover-dialog          data-call-id; takeover-reason, takeover-confirm, takeover-cancel,
 *                            takeover-error
 *   outcome-dialog           data-alert-id; outcome-option (radio, data-outcome), outcome-note,
 *                            outcome-submit, outcome-cancel, outcome-error
 *   history-view             history-row (button, data-call-id), history-more, history-detail,
 *                            history-error
 * Keyboard: every control is a native button or field; ArrowUp/ArrowDown move within the calls
 * and alerts lists; Escape closes the acknowledgement form and the dialogs.
 */
import {
  ACK_STATUSES,
  type Alert,
  type Call,
  CAPABILITIES,
  FOLLOW_UP_OUTCOMES,
  type InboxItem,
  LEAD_STATUSES,
  LIMITS,
  type MemberMirror,
  type Message,
} from "@lifeline/model";
import type {
  Backend,
  OutboxMessage,
  PresenceRecord,
  Session,
  Subject,
  Unsubscribe,
} from "../firebase.js";
import { arrowKeyNavigation, h, replaceKeepingFocus, setChildren, type Child } from "../dom.js";
import {
  alertFromFeed,
  alertFromInbox,
  escalationLabel,
  followUpAbout,
  followUpHeadline,
  isFollowUp,
  isOpenFollowUp,
  kindLabel,
  OUTCOME_LABELS,
  sortAlerts,
  type AlertView,
  type FollowUpOutcome,
} from "../logic/alerts.js";
import {
  diffAway,
  isEmptySummary,
  snapshotState,
  type AwaySummary,
  type StateSnapshot,
} from "../logic/away.js";
import {
  arrangeCalls,
  callDuration,
  endedUnattended,
  isCriticalUnacknowledged,
  lapseNote,
  mediumLabel,
  ownerLabel,
  takenFromNotice,
  statusLabel,
  urgencyReasonText,
  type CallEntry,
} from "../logic/calls.js";
import { formatAgo, formatClock, formatDuration, humanize, plural } from "../logic/format.js";
import {
  acknowledgeAvailability,
  callActionAvailability,
  outcomeAvailability,
  overrideLevels,
  type Availability,
  type CallAction,
} from "../logic/permissions.js";
import { liveness, type Liveness } from "../logic/presence.js";
import {
  accessVerdict,
  ACCESS_CHANGED_NOTICE,
  isPermissionDenied,
  type AccessState,
} from "../logic/session.js";
import {
  highlightSegments,
  isHoldingLine,
  orderMessages,
  roleLabel,
  triageMessageId,
} from "../logic/transcript.js";
import { mountHistory } from "./history.js";

/** Follow-ups shown in full in the banner; the rest are counted there and listed under Alerts. */
const BANNER_FOLLOW_UPS = 3;
/** After a reconnect, late-arriving data still counts towards the summary for this long. */
const AWAY_SETTLE_MS = 5000;

interface AwayState {
  readonly before: StateSnapshot;
  reconnectedAt?: number;
  summary?: AwaySummary;
}

export interface AppHandle {
  /** Unsubscribes everything and removes the page. */
  unmount(): Promise<void>;
}

export interface AppOptions {
  /**
   * Called at once when the session cannot continue (member removed, role changed, sessions
   * revoked, a listener refused): the caller signs out and shows why on the sign-in page.
   */
  readonly onSessionLost: (message: string) => void;
}

/** A plain header button: its test hook, its label, what a click does. */
function headerButton(testId: string, label: string, onClick: () => void): HTMLButtonElement {
  return h("button", { testId, attrs: { type: "button" }, on: { click: onClick } }, label);
}

/** Where the number is shown next to it anyway: the subject's name, or just "Unknown caller". */
function callerNameOf(entry: CallEntry, subjects: ReadonlyMap<string, Subject>): string {
  const subjectId = entry.call.subjectId;
  const name = subjectId === undefined ? undefined : subjects.get(subjectId)?.name;
  return name ?? (subjectId === undefined ? "Unknown caller" : "Caller");
}

function labelOfCall(entry: CallEntry, subjects: ReadonlyMap<string, Subject>): string {
  const subjectId = entry.call.subjectId;
  const name = subjectId === undefined ? undefined : subjects.get(subjectId)?.name;
  if (name !== undefined) return name;
  return subjectId === undefined ? `Unknown caller ${entry.call.phone}` : entry.call.phone;
}

export function mountApp(
  root: HTMLElement,
  backend: Backend,
  session: Session,
  options: AppOptions,
): AppHandle {
  const capabilities = CAPABILITIES[session.role];
  const subscriptions: Unsubscribe[] = [];
  const perSubject = new Map<string, { calls: Map<string, Call>; stop: Unsubscribe[] }>();
  const perAlert = new Map<string, { record?: Alert; stop: Unsubscribe }>();
  let transcriptStops: Unsubscribe[] = [];

  let member: MemberMirror | undefined;
  let access: AccessState = {};
  let sessionLost = false;
  /** Server clock minus ours: presence heartbeats carry server time. */
  let serverOffsetMs = 0;
  /** Take-over notices the member closed, by call id and hold start. */
  const dismissedTakeovers = new Set<string>();
  let connected: boolean | undefined;
  let tenantCalls = new Map<string, Call>();
  let feed = new Map<string, Alert>();
  let inbox = new Map<string, InboxItem>();
  let presence = new Map<string, PresenceRecord>();
  let subjects = new Map<string, Subject>();
  let selectedCallId: string | undefined;
  let messages = new Map<string, Message>();
  let outbox = new Map<string, OutboxMessage>();
  let away: AwayState | undefined;
  let ackAlertId: string | undefined;
  let view: "live" | "history" = "live";
  let presenceHandle: ReturnType<Backend["publishPresence"]> | undefined;

  // ---------------------------------------------------------------- derived state

  function calls(): CallEntry[] {
    const out = new Map<string, Call>(tenantCalls);
    for (const { calls: ofSubject } of perSubject.values()) {
      for (const [id, call] of ofSubject) out.set(id, call);
    }
    return [...out].map(([id, call]) => ({ id, call }));
  }

  function alerts(): AlertView[] {
    if (capabilities.alertFeed) {
      return [...feed].map(([id, alert]) => alertFromFeed(id, session.tenant, alert));
    }
    return [...inbox].map(([id, item]) => alertFromInbox(id, item, perAlert.get(id)?.record));
  }

  function callById(id: string | undefined): Call | undefined {
    if (id === undefined) return undefined;
    return calls().find((entry) => entry.id === id)?.call;
  }

  function names(): Map<string, string> {
    const out = new Map<string, string>();
    for (const [uid, record] of presence) out.set(uid, record.name);
    for (const { call } of calls()) {
      if (call.owner.kind === "human") out.set(call.owner.uid, call.owner.name);
    }
    if (member !== undefined) out.set(session.uid, member.name);
    return out;
  }

  function callerName(entry: CallEntry): string {
    return callerNameOf(entry, subjects);
  }

  function livenessOf(uid: string): Liveness {
    return liveness(presence.get(uid), serverNow());
  }

  function actionContext() {
    return { role: session.role, uid: session.uid, online: connected === true };
  }

  // ---------------------------------------------------------------- layout

  const noticeRegion = h("div", {
    className: "notice",
    testId: "notice",
    attrs: { role: "status", "aria-live": "polite", hidden: true },
  });
  const connectionIndicator = h("span", {
    className: "connection",
    testId: "connection-indicator",
    data: { state: "connecting" },
    attrs: { role: "status", "aria-live": "polite" },
  });
  const userLabel = h("span", { className: "user", testId: "session-user" }, session.email);
  const wallToggle = h(
    "button",
    {
      testId: "wall-mode-toggle",
      attrs: {
        type: "button",
        "aria-pressed": document.documentElement.classList.contains("wall"),
      },
      on: {
        click: () => {
          const on = document.documentElement.classList.toggle("wall");
          wallToggle.setAttribute("aria-pressed", String(on));
          localStorage.setItem("lifeline.wall", on ? "1" : "0");
        },
      },
    },
    "Large type",
  );
  const liveTab = headerButton("view-live", "Live", () => {
    setView("live");
  });
  const historyTab = headerButton("view-history", "History", () => {
    setView("history");
  });
  const signOutButton = headerButton("sign-out", "Sign out", () => void signOutHere());
  const signOutEverywhereButton = h(
    "button",
    {
      testId: "sign-out-everywhere",
      attrs: { type: "button", title: "Ends this account's sessions on every device" },
      on: { click: () => void signOutEverywhere() },
    },
    "Sign out everywhere",
  );

  const criticalBanner = h("div", {
    className: "critical-banner",
    testId: "critical-banner",
    attrs: { role: "alert", hidden: true },
  });
  const takeoverNotices = h("div", {
    className: "takeover-notices",
    testId: "takeover-notices",
    attrs: { role: "alert", hidden: true },
  });
  const awayRegion = h("section", {
    className: "away",
    testId: "away-summary",
    attrs: { hidden: true, "aria-label": "While you were away" },
  });
  const callsList = h("ul", {
    className: "calls",
    testId: "calls-list",
    attrs: { "aria-label": "Calls" },
  });
  arrowKeyNavigation(callsList);
  const detailRegion = h("section", {
    className: "detail",
    testId: "call-detail",
    attrs: { "aria-label": "Selected call" },
  });
  const alertsList = h("ul", {
    className: "alerts",
    testId: "alerts-list",
    data: { source: capabilities.alertFeed ? "feed" : "inbox" },
    attrs: { "aria-label": "Alerts" },
  });
  arrowKeyNavigation(alertsList);
  const ackRegion = h("div", { className: "ack-region" });
  const presenceList = h("ul", {
    className: "presence",
    testId: "presence-list",
    attrs: { "aria-label": "Colleagues" },
  });
  const historyRegion = h("section", {
    className: "history",
    testId: "history-view",
    attrs: { hidden: true, "aria-label": "History of ended calls" },
  });

  const liveGrid = h(
    "main",
    { className: "grid" },
    h(
      "section",
      { className: "panel calls-panel", attrs: { "aria-labelledby": "calls-heading" } },
      h("h2", { attrs: { id: "calls-heading" } }, "Calls"),
      callsList,
    ),
    h("div", { className: "panel detail-panel" }, detailRegion),
    h(
      "aside",
      { className: "panel side-panel" },
      h(
        "section",
        { attrs: { "aria-labelledby": "alerts-heading" } },
        h(
          "h2",
          { attrs: { id: "alerts-heading" } },
          capabilities.alertFeed ? "Alerts" : "My alerts",
        ),
        alertsList,
        ackRegion,
      ),
      capabilities.presence
        ? h(
            "section",
            { attrs: { "aria-labelledby": "presence-heading" } },
            h("h2", { attrs: { id: "presence-heading" } }, "Colleagues"),
            presenceList,
          )
        : null,
    ),
  );

  const page = h(
    "div",
    {
      className: "app",
      testId: "app",
      data: { role: session.role, tenant: session.tenant, uid: session.uid },
    },
    h(
      "header",
      { className: "top" },
      h("h1", {}, "Lifeline"),
      h("span", { className: "tenant" }, session.tenant),
      h("nav", { className: "tabs", attrs: { "aria-label": "Views" } }, liveTab, historyTab),
      connectionIndicator,
      h("span", { className: "spacer" }),
      userLabel,
      wallToggle,
      signOutButton,
      signOutEverywhereButton,
    ),
    noticeRegion,
    criticalBanner,
    takeoverNotices,
    awayRegion,
    liveGrid,
    historyRegion,
  );
  root.replaceChildren(page);

  // ---------------------------------------------------------------- notices and session

  let noticeTimer: ReturnType<typeof setTimeout> | undefined;
  function notify(message: string, kind: "info" | "error" = "info"): void {
    noticeRegion.textContent = message;
    noticeRegion.dataset.kind = kind;
    noticeRegion.hidden = false;
    if (noticeTimer !== undefined) clearTimeout(noticeTimer);
    noticeTimer = setTimeout(() => {
      noticeRegion.hidden = true;
    }, 8000);
  }

  function errorText(error: unknown): string {
    const text = error instanceof Error ? error.message : String(error);
    return /permission.denied/i.test(text) ? "Not allowed (permission denied)." : text;
  }

  /** Set while this member signs out on purpose: its own revocation is no news to it. */
  let leaving = false;

  async function signOutHere(): Promise<void> {
    leaving = true;
    await presenceHandle?.stop();
    await backend.signOut();
  }

  async function signOutEverywhere(): Promise<void> {
    signOutEverywhereButton.disabled = true;
    leaving = true;
    try {
      await presenceHandle?.stop();
      await backend.signOutEverywhere();
    } catch (error) {
      leaving = false;
      signOutEverywhereButton.disabled = false;
      notify(`Could not sign out everywhere: ${errorText(error)}`, "error");
    }
  }

  /** Stops everything at once and hands over to the sign-in page, once. */
  function loseSession(why: string): void {
    if (sessionLost || leaving) return;
    sessionLost = true;
    console.warn("session ended:", why);
    stopLive();
    // Stops the heartbeat now; the offline write it tries may be refused, onDisconnect remains.
    void presenceHandle?.stop();
    options.onSessionLost(ACCESS_CHANGED_NOTICE);
  }

  // A listener the server cancels was refused by the rules: the access this page signed in with
  // is gone (removed, role changed, revoked). Nothing shown from here on could be trusted live.
  function denied(error: Error): void {
    if (isPermissionDenied(error)) {
      loseSession(`listener refused: ${error.message}`);
      return;
    }
    console.warn("listener cancelled", error);
    notify(`Live updates stopped: ${error.message}. Reload the page.`, "error");
  }

  function checkAccess(): void {
    const verdict = accessVerdict({ role: session.role, authTimeMs: session.authTimeMs }, access);
    if (!verdict.ok) loseSession(verdict.why);
  }

  function serverNow(): number {
    return Date.now() + serverOffsetMs;
  }

  // ---------------------------------------------------------------- rendering

  let renderQueued = false;
  function render(): void {
    if (renderQueued) return;
    renderQueued = true;
    queueMicrotask(() => {
      renderQueued = false;
      renderNow();
    });
  }

  function renderNow(): void {
    const entries = calls();
    const alertViews = alerts();
    updateAway(entries, alertViews);
    renderConnection();
    renderCritical(entries, alertViews);
    renderTakeoverNotices(entries);
    renderCalls(entries, alertViews);
    renderDetail(alertViews);
    renderAlerts(alertViews);
    refreshAckForm(alertViews);
    renderPresence();
    userLabel.textContent = `${member?.name ?? session.email} · ${session.role}`;
  }

  function renderConnection(): void {
    const state = connected === undefined ? "connecting" : connected ? "online" : "offline";
    connectionIndicator.dataset.state = state;
    connectionIndicator.textContent =
      state === "online"
        ? "● Live"
        : state === "offline"
          ? "● Offline — reconnecting…"
          : "● Connecting…";
  }

  function renderCritical(entries: CallEntry[], alertViews: AlertView[]): void {
    const critical = entries.filter((entry) => isCriticalUnacknowledged(entry, alertViews));
    const followUps = sortAlerts(alertViews.filter(isOpenFollowUp));
    const count = critical.length + followUps.length;
    criticalBanner.hidden = count === 0;
    criticalBanner.dataset.count = String(critical.length);
    criticalBanner.dataset.followUps = String(followUps.length);
    document.title =
      count === 0
        ? "Lifeline"
        : critical.length > 0
          ? `(${count}) CRITICAL · Lifeline`
          : `(${count}) CALL BACK · Lifeline`;
    if (count === 0) {
      criticalBanner.replaceChildren();
      return;
    }
    // A live caller in danger comes first; follow-ups after, the newest few in full.
    const shown = followUps.slice(0, BANNER_FOLLOW_UPS);
    const more = followUps.length - shown.length;
    replaceKeepingFocus(criticalBanner, [
      critical.length === 0
        ? null
        : h("strong", {}, `${plural(critical.length, "critical call")} not acknowledged`),
      ...critical.map((entry) =>
        h(
          "button",
          {
            className: "banner-call",
            data: { focusKey: `banner-${entry.id}`, callId: entry.id },
            attrs: { type: "button" },
            on: {
              click: () => {
                select(entry.id);
              },
            },
          },
          `${labelOfCall(entry, subjects)} — ${entry.call.lastSnippet}`,
        ),
      ),
      ...shown.map((alert) => bannerFollowUp(alert)),
      more === 0
        ? null
        : h(
            "p",
            { className: "banner-more", testId: "banner-follow-up-more" },
            `+${plural(more, "more call", "more calls")} to call back: see Alerts`,
          ),
    ]);
  }

  /** One follow-up in the banner: who to call back, and the action that closes it. */
  function bannerFollowUp(alert: AlertView): HTMLElement {
    const call = callById(alert.callId);
    const entry =
      alert.callId === undefined || call === undefined ? undefined : { id: alert.callId, call };
    const availability = outcomeAvailability(alert, actionContext());
    const about = followUpAbout(alert);
    return h(
      "div",
      { className: "banner-follow-up", testId: "banner-follow-up", data: { alertId: alert.id } },
      h(
        "div",
        { className: "follow-up-text" },
        h("strong", { className: "follow-up-headline" }, followUpHeadline(alert, call?.phone)),
        h(
          "span",
          { className: "follow-up-meta" },
          entry === undefined ? "" : `${callerName(entry)} · `,
          about === undefined ? "" : `${about} · `,
          alert.outcome === undefined
            ? `ended ${formatAgo(alert.followUp?.since ?? alert.at, Date.now())}, nobody responded`
            : `${OUTCOME_LABELS[alert.outcome.outcome]} (${names().get(alert.outcome.by) ?? "a colleague"}) · closing…`,
        ),
      ),
      h(
        "span",
        { className: "follow-up-actions" },
        entry === undefined
          ? null
          : h(
              "button",
              {
                data: { focusKey: `banner-open-${alert.id}` },
                attrs: { type: "button" },
                on: {
                  click: () => {
                    select(entry.id);
                  },
                },
              },
              "Open call",
            ),
        h(
          "button",
          {
            className: "primary",
            testId: "banner-follow-up-close",
            data: { focusKey: `banner-close-${alert.id}` },
            attrs: {
              type: "button",
              disabled: !availability.allowed,
              title: availability.allowed ? undefined : availability.reason,
            },
            on: {
              click: () => {
                openOutcome(alert.id);
              },
            },
          },
          "Call back / close…",
        ),
      ),
    );
  }

  function renderTakeoverNotices(entries: CallEntry[]): void {
    const notices = entries.flatMap((entry) => {
      if (entry.call.status !== "active") return [];
      const text = takenFromNotice(entry.call.owner, session.uid);
      const key = `${entry.id}:${entry.call.owner.since}`;
      return text === undefined || dismissedTakeovers.has(key) ? [] : [{ entry, text, key }];
    });
    takeoverNotices.hidden = notices.length === 0;
    replaceKeepingFocus(
      takeoverNotices,
      notices.map(({ entry, text, key }) =>
        h(
          "div",
          { className: "takeover-notice", testId: "takeover-notice", data: { callId: entry.id } },
          h("strong", {}, text),
          h("span", { className: "follow-up-meta" }, labelOfCall(entry, subjects)),
          h(
            "span",
            { className: "follow-up-actions" },
            h(
              "button",
              {
                data: { focusKey: `takeover-open-${entry.id}` },
                attrs: { type: "button" },
                on: {
                  click: () => {
                    select(entry.id);
                  },
                },
              },
              "Open call",
            ),
            h(
              "button",
              {
                testId: "takeover-notice-dismiss",
                data: { focusKey: `takeover-dismiss-${entry.id}` },
                attrs: { type: "button" },
                on: {
                  click: () => {
                    dismissedTakeovers.add(key);
                    render();
                  },
                },
              },
              "Dismiss",
            ),
          ),
        ),
      ),
    );
  }

  function urgencyBadge(urgency: Call["urgency"]): HTMLElement {
    return h("span", { className: `badge urgency-${urgency}` }, urgency.toUpperCase());
  }

  function renderCalls(entries: CallEntry[], alertViews: AlertView[]): void {
    const arranged = arrangeCalls(entries);
    callsList.dataset.count = String(arranged.length);
    const now = Date.now();
    const rows: Child[] = arranged.map((entry) => {
      const { call } = entry;
      const unacknowledged = isCriticalUnacknowledged(entry, alertViews);
      const selected = entry.id === selectedCallId;
      const button = h(
        "button",
        {
          className: [
            "call-row",
            `urgency-${call.urgency}`,
            `status-${call.status}`,
            unacknowledged ? "unacknowledged" : "",
            selected ? "selected" : "",
          ].join(" "),
          testId: "call-row",
          data: {
            callId: entry.id,
            urgency: call.urgency,
            status: call.status,
            owner: call.owner.kind,
            selected,
            unacknowledged,
            focusKey: `call-${entry.id}`,
          },
          attrs: { type: "button", "aria-pressed": selected },
          on: {
            click: () => {
              select(entry.id);
            },
          },
        },
        h(
          "span",
          { className: "row-top" },
          urgencyBadge(call.urgency),
          unacknowledged ? h("span", { className: "badge unacked" }, "NOT ACKNOWLEDGED") : null,
          h("span", { className: "who" }, labelOfCall(entry, subjects)),
          h("span", { className: "status" }, statusLabel(call)),
        ),
        h(
          "span",
          { className: "row-meta" },
          h("span", { className: "medium" }, mediumLabel(call.medium)),
          h(
            "span",
            {
              className: "duration",
              data: call.status === "active" ? { since: call.startedAt } : {},
            },
            formatDuration(callDuration(call, now)),
          ),
          h(
            "span",
            { className: `owner owner-${call.owner.kind}` },
            ownerLabel(call.owner, session.uid),
          ),
        ),
        h("span", { className: "snippet" }, call.lastSnippet),
      );
      return h("li", {}, button);
    });
    if (rows.length === 0) {
      rows.push(h("li", { className: "empty" }, "No calls right now."));
    }
    replaceKeepingFocus(callsList, rows);
  }

  // ---------------------------------------------------------------- selected call

  let detailCallId: string | undefined;
  let actionControls: ActionControls | undefined;
  const transcriptList = h("ol", { className: "transcript", testId: "transcript" });
  const detailHeader = h("div", { className: "detail-header" });
  const endedState = h("p", {
    className: "ended-state",
    testId: "call-ended-state",
    attrs: { hidden: true },
  });
  const reasonLine = h("p", { className: "urgency-reason", testId: "call-urgency-reason" });
  const holderLine = h("p", {
    className: "holder",
    testId: "call-holder",
    attrs: { hidden: true, role: "status" },
  });
  const takenLine = h("p", {
    className: "taken-from",
    testId: "call-taken-from",
    attrs: { hidden: true },
  });
  const lapseLine = h("p", {
    className: "hold-lapsed",
    testId: "call-hold-lapsed",
    attrs: { hidden: true },
  });
  const outboxList = h("ul", { className: "outbox", testId: "outbox-pending" });
  const vitalsLine = h("ul", { className: "vitals", testId: "call-vitals" });

  function select(callId: string): void {
    if (selectedCallId === callId) return;
    selectedCallId = callId;
    for (const stop of transcriptStops) stop();
    messages = new Map();
    outbox = new Map();
    transcriptStops = [
      backend.watchTranscript(
        session.tenant,
        callId,
        (next) => {
          messages = next;
          render();
        },
        denied,
      ),
      backend.watchOutbox(
        session.tenant,
        callId,
        (next) => {
          outbox = next;
          render();
        },
        denied,
      ),
    ];
    render();
  }

  function renderDetail(alertViews: AlertView[]): void {
    const call = callById(selectedCallId);
    if (selectedCallId === undefined || call === undefined) {
      if (detailCallId !== undefined || detailRegion.childElementCount === 0) {
        detailCallId = undefined;
        actionControls = undefined;
        detailRegion.dataset.callId = "";
        detailRegion.replaceChildren(
          h(
            "p",
            { className: "empty", testId: "call-empty" },
            "Select a call to follow its transcript.",
          ),
        );
      }
      return;
    }
    const callId = selectedCallId;
    if (detailCallId !== callId) {
      detailCallId = callId;
      actionControls = buildActions(callId);
      detailRegion.replaceChildren(
        detailHeader,
        vitalsLine,
        reasonLine,
        lapseLine,
        takenLine,
        holderLine,
        endedState,
        transcriptList,
        outboxList,
        actionControls.element,
      );
    }
    detailRegion.dataset.callId = callId;
    detailRegion.dataset.status = call.status;

    const entry = { id: callId, call };
    setChildren(detailHeader, [
      h("h2", {}, labelOfCall(entry, subjects)),
      urgencyBadge(call.urgency),
      isCriticalUnacknowledged(entry, alertViews)
        ? h("span", { className: "badge unacked" }, "NOT ACKNOWLEDGED")
        : null,
      h(
        "span",
        { className: "meta" },
        `${mediumLabel(call.medium)} · ${call.phone} · started ${formatClock(call.startedAt)} · `,
        h(
          "span",
          { data: call.status === "active" ? { since: call.startedAt } : {} },
          formatDuration(callDuration(call, Date.now())),
        ),
        ` · ${ownerLabel(call.owner, session.uid)}`,
        call.lead === undefined ? "" : ` · lead: ${call.lead.status}`,
      ),
    ]);

    const vitals = Object.entries(
      (call.subjectId === undefined ? undefined : subjects.get(call.subjectId))?.vitals ?? {},
    );
    vitalsLine.hidden = vitals.length === 0;
    setChildren(
      vitalsLine,
      vitals.map(([kind, vital]) =>
        h(
          "li",
          { className: `vital vital-${vital.status}`, data: { kind, status: vital.status } },
          `${humanize(kind)} ${vital.value} ${vital.unit}`,
          vital.status === "normal" ? "" : ` (${vital.status})`,
        ),
      ),
    );

    const reason = urgencyReasonText(call);
    reasonLine.hidden = reason === undefined || call.urgency === "normal";
    reasonLine.textContent = reason === undefined ? "" : `Why ${call.urgency}: ${reason}`;

    renderHold(call);

    endedState.hidden = call.status === "active";
    endedState.textContent =
      call.status === "missed"
        ? `Missed call at ${formatClock(call.startedAt)}.`
        : call.status === "ended"
          ? `Call ended at ${formatClock(call.endedAt ?? call.lastMessageAt)} after ${formatDuration(callDuration(call, Date.now()))}.`
          : "";

    renderTranscript(call);
    actionControls?.refresh(call);
  }

  /** Who holds the call and whether their console is still there; why a hold lapsed. */
  function renderHold(call: Call): void {
    const owner = call.owner;
    const lapse = call.status === "active" ? lapseNote(owner) : undefined;
    lapseLine.hidden = lapse === undefined;
    lapseLine.textContent = lapse ?? "";
    const taken = call.status === "active" ? takenFromNotice(owner, session.uid) : undefined;
    takenLine.hidden = taken === undefined;
    takenLine.textContent = taken ?? "";
    if (owner.kind !== "human" || call.status !== "active" || owner.uid === session.uid) {
      holderLine.hidden = true;
      holderLine.textContent = "";
      delete holderLine.dataset.liveness;
      return;
    }
    const state = capabilities.presence ? livenessOf(owner.uid) : undefined;
    holderLine.hidden = false;
    if (state !== undefined) holderLine.dataset.liveness = state;
    else delete holderLine.dataset.liveness;
    const record = presence.get(owner.uid);
    holderLine.textContent =
      state === undefined
        ? `${owner.name} is handling this call.`
        : state === "offline"
          ? `${owner.name} holds this call but their console is offline${record === undefined ? "" : ` (last seen ${formatAgo(record.lastSeen, serverNow())})`}. The hold lapses and the AI answers if they do not come back.`
          : `${owner.name} is handling this call (${state}).`;
  }

  function renderTranscript(call: Call): void {
    const nearBottom =
      transcriptList.scrollHeight - transcriptList.scrollTop - transcriptList.clientHeight < 40;
    const triageId = triageMessageId(call);
    const terms = call.urgencyReason?.terms ?? [];
    const who = names();
    const items = orderMessages([...messages].map(([id, message]) => ({ id, message }))).map(
      ({ id, message }) => {
        const triage = id === triageId;
        const holding = isHoldingLine(message);
        const body = h("p", { className: "text" });
        for (const segment of triage
          ? highlightSegments(message.text, terms)
          : [{ text: message.text, matched: false }]) {
          body.append(segment.matched ? h("mark", {}, segment.text) : segment.text);
        }
        return h(
          "li",
          {
            className: `message role-${message.role}${triage ? " triage" : ""}${holding ? " holding" : ""}`,
            testId: "message",
            data: { messageId: id, role: message.role, seq: message.seq, triage, holding },
          },
          h(
            "span",
            { className: "from" },
            roleLabel(message, who),
            h(
              "time",
              { attrs: { datetime: new Date(message.at).toISOString() } },
              formatClock(message.at),
            ),
          ),
          body,
          triage
            ? h(
                "span",
                { className: "triage-note" },
                `Raised urgency to ${call.urgency}${terms.length > 0 ? `: ${terms.join(", ")}` : ""}`,
              )
            : null,
          message.sources !== undefined && message.sources.length > 0 && !holding
            ? h("span", { className: "sources" }, `Sources: ${message.sources.join(", ")}`)
            : null,
        );
      },
    );
    if (items.length === 0) items.push(h("li", { className: "empty" }, "No messages yet."));
    transcriptList.replaceChildren(...items);
    if (nearBottom) transcriptList.scrollTop = transcriptList.scrollHeight;

    const pending = [...outbox].sort(([, a], [, b]) => a.at - b.at);
    outboxList.hidden = pending.length === 0;
    outboxList.replaceChildren(
      ...pending.map(([id, item]) =>
        h(
          "li",
          { data: { outboxId: id } },
          h(
            "span",
            { className: "from" },
            `Queued for the caller · ${who.get(item.by) ?? "supervisor"}`,
          ),
          h("p", { className: "text" }, item.text),
        ),
      ),
    );
  }

  // ---------------------------------------------------------------- actions

  interface ActionControls {
    readonly element: HTMLElement;
    refresh(call: Call): void;
  }

  function reasonFor(testId: string): HTMLElement {
    return h("span", { className: "reason", testId: `${testId}-reason`, attrs: { hidden: true } });
  }

  function applyAvailability(
    control: HTMLButtonElement | HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement,
    reason: HTMLElement,
    availability: Availability,
    busy = false,
  ): void {
    control.disabled = !availability.allowed || busy;
    reason.hidden = availability.allowed;
    reason.textContent = availability.allowed ? "" : availability.reason;
    if (!availability.allowed) control.title = availability.reason;
    else control.removeAttribute("title");
  }

  function buildActions(callId: string): ActionControls {
    let busy = false;
    async function run(what: string, act: () => Promise<void>): Promise<void> {
      busy = true;
      render();
      try {
        await act();
      } catch (error) {
        notify(`${what} failed: ${errorText(error)}`, "error");
      } finally {
        busy = false;
        render();
      }
    }

    const takeOver = h(
      "button",
      {
        testId: "action-take-over",
        className: "primary",
        attrs: { type: "button" },
        on: {
          click: () =>
            void run("Take over", () => backend.takeOver(session, callId, member?.name ?? "")),
        },
      },
      "Take over",
    );
    const takeOverReason = reasonFor("action-take-over");
    const takeOverFrom = h(
      "button",
      {
        testId: "action-take-over-from",
        className: "primary",
        attrs: { type: "button", hidden: true },
        on: {
          click: () => {
            openTakeOverFrom(callId);
          },
        },
      },
      "Take over from a colleague",
    );
    const takeOverFromReason = reasonFor("action-take-over-from");
    const handBack = h(
      "button",
      {
        testId: "action-hand-back",
        attrs: { type: "button" },
        on: { click: () => void run("Hand back", () => backend.handBack(session, callId)) },
      },
      "Hand back to AI",
    );
    const handBackReason = reasonFor("action-hand-back");

    const messageInput = h("textarea", {
      testId: "message-input",
      attrs: {
        rows: 2,
        maxlength: LIMITS.outboxText,
        placeholder: "Message to the caller (spoken or texted on the next turn)",
        "aria-label": "Message to the caller",
      },
    });
    const sendMessage = h(
      "button",
      { testId: "action-send-message", attrs: { type: "submit" } },
      "Send to caller",
    );
    const messageReason = reasonFor("action-send-message");
    const messageForm = h(
      "form",
      {
        className: "message-form",
        on: {
          submit: (event) => {
            event.preventDefault();
            const text = messageInput.value.trim();
            if (text === "") return;
            void run("Message", async () => {
              await backend.messageCaller(session, callId, text);
              messageInput.value = "";
            });
          },
        },
      },
      messageInput,
      sendMessage,
      messageReason,
    );
    messageInput.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) messageForm.requestSubmit();
    });

    const leadSelect = h(
      "select",
      { testId: "lead-select", attrs: { "aria-label": "Lead status" } },
      ...LEAD_STATUSES.map((status) => h("option", { attrs: { value: status } }, humanize(status))),
    );
    const setLead = h(
      "button",
      {
        testId: "action-set-lead",
        attrs: { type: "button" },
        on: {
          click: () =>
            void run("Lead status", () => backend.setLead(session, callId, leadSelect.value)),
        },
      },
      "Set lead",
    );
    const leadReason = reasonFor("action-set-lead");

    const overrideLevel = h("select", {
      testId: "override-level",
      attrs: { "aria-label": "New urgency" },
    });
    const overrideReasonInput = h("input", {
      testId: "override-reason",
      attrs: {
        type: "text",
        maxlength: LIMITS.overrideReason,
        placeholder: "Reason (required)",
        "aria-label": "Reason for the urgency override",
      },
    });
    const override = h(
      "button",
      { testId: "action-override", attrs: { type: "submit" } },
      "Override urgency",
    );
    const overrideReason = reasonFor("action-override");
    const overrideForm = h(
      "form",
      {
        className: "override-form",
        on: {
          submit: (event) => {
            event.preventDefault();
            const reason = overrideReasonInput.value.trim();
            if (reason === "") {
              overrideReasonInput.focus();
              notify("Give a reason for the urgency override.", "error");
              return;
            }
            void run("Urgency override", async () => {
              await backend.overrideUrgency(session, callId, overrideLevel.value, reason);
              overrideReasonInput.value = "";
            });
          },
        },
      },
      overrideLevel,
      overrideReasonInput,
      override,
      overrideReason,
    );

    const element = h(
      "section",
      { className: "actions", attrs: { "aria-label": "Actions" } },
      h(
        "div",
        { className: "action-row" },
        takeOver,
        takeOverReason,
        takeOverFrom,
        takeOverFromReason,
        handBack,
        handBackReason,
      ),
      messageForm,
      h("div", { className: "action-row" }, leadSelect, setLead, leadReason),
      overrideForm,
    );

    let lastLevels = "";
    return {
      element,
      refresh(call) {
        const context = actionContext();
        const available = (action: CallAction) => callActionAvailability(action, call, context);
        const takeOverAvailability =
          member === undefined && available("takeOver").allowed
            ? ({ allowed: false, reason: "Your member record is not loaded yet." } as const)
            : available("takeOver");
        // A colleague holds the call: admins and dispatchers get "Take over from <name>" instead.
        const fromColleague =
          call.owner.kind === "human" &&
          call.owner.uid !== session.uid &&
          call.status === "active" &&
          (session.role === "admin" || session.role === "dispatcher");
        takeOver.hidden = fromColleague;
        takeOverFrom.hidden = !fromColleague;
        if (fromColleague) {
          takeOverReason.hidden = true;
          takeOverFrom.textContent = `Take over from ${call.owner.kind === "human" ? call.owner.name : ""}`;
          const fromAvailability =
            member === undefined
              ? ({ allowed: false, reason: "Your member record is not loaded yet." } as const)
              : available("takeOverFrom");
          applyAvailability(takeOverFrom, takeOverFromReason, fromAvailability, busy);
        } else {
          takeOverFromReason.hidden = true;
          applyAvailability(takeOver, takeOverReason, takeOverAvailability, busy);
        }
        applyAvailability(handBack, handBackReason, available("handBack"), busy);
        const message = available("message");
        applyAvailability(sendMessage, messageReason, message, busy);
        messageInput.disabled = !message.allowed;
        const lead = available("setLead");
        applyAvailability(setLead, leadReason, lead, busy);
        leadSelect.disabled = !lead.allowed;
        if (call.lead !== undefined && document.activeElement !== leadSelect) {
          leadSelect.value = call.lead.status;
        }
        const overrideAvailability = available("overrideUrgency");
        applyAvailability(override, overrideReason, overrideAvailability, busy);
        overrideLevel.disabled = !overrideAvailability.allowed;
        overrideReasonInput.disabled = !overrideAvailability.allowed;
        const levels = overrideLevels(call);
        if (levels.join() !== lastLevels) {
          lastLevels = levels.join();
          overrideLevel.replaceChildren(
            ...levels.map((level) => h("option", { attrs: { value: level } }, level)),
          );
        }
      },
    };
  }

  // ---------------------------------------------------------------- dialogs

  let openDialog: HTMLDialogElement | undefined;
  /** One modal at a time; Escape or Cancel closes it and focus returns where it was. */
  function showDialog(dialog: HTMLDialogElement, focus: HTMLElement): void {
    openDialog?.close();
    // An error line is about the last attempt: it goes as soon as the member changes anything.
    dialog.addEventListener("input", () => {
      for (const line of Array.from(dialog.querySelectorAll<HTMLElement>(".dialog-error"))) {
        line.hidden = true;
      }
    });
    const returnTo =
      document.activeElement instanceof HTMLElement ? document.activeElement : undefined;
    openDialog = dialog;
    page.append(dialog);
    dialog.addEventListener("close", () => {
      dialog.remove();
      if (openDialog === dialog) openDialog = undefined;
      returnTo?.focus();
    });
    dialog.showModal();
    focus.focus();
  }

  function dialogError(testId: string): HTMLElement {
    return h("p", {
      className: "dialog-error",
      testId,
      attrs: { role: "alert", hidden: true },
    });
  }

  function showDialogError(line: HTMLElement, text: string): void {
    line.textContent = text;
    line.hidden = false;
  }

  /** Take a call from the colleague who holds it: the reason is required and shown to them. */
  function openTakeOverFrom(callId: string): void {
    const call = callById(callId);
    if (call === undefined || call.owner.kind !== "human") return;
    const holder = call.owner;
    const holderState = capabilities.presence ? livenessOf(holder.uid) : undefined;
    const reason = h("textarea", {
      testId: "takeover-reason",
      attrs: {
        rows: 3,
        maxlength: LIMITS.takeOverReason,
        "aria-required": "true",
        placeholder: `e.g. ${holder.name} is not answering; caller needs instructions now`,
        "aria-label": "Reason",
      },
    });
    const error = dialogError("takeover-error");
    const confirm = h(
      "button",
      { className: "primary danger", testId: "takeover-confirm", attrs: { type: "submit" } },
      `Take over from ${holder.name}`,
    );
    const dialog = h(
      "dialog",
      {
        className: "dialog",
        testId: "takeover-dialog",
        data: { callId },
        attrs: { "aria-labelledby": "takeover-title" },
      },
      h(
        "form",
        {
          on: {
            submit: (event) => {
              event.preventDefault();
              const text = reason.value.trim();
              if (text === "") {
                showDialogError(error, "Give a reason: it is shown to your colleague.");
                reason.focus();
                return;
              }
              const now = callById(callId);
              if (
                now?.owner.kind !== "human" ||
                now.owner.uid !== holder.uid ||
                now.status !== "active"
              ) {
                showDialogError(error, `${holder.name} no longer holds this call.`);
                confirm.disabled = true;
                return;
              }
              confirm.disabled = true;
              backend.takeOverFrom(session, callId, member?.name ?? "", holder.uid, text).then(
                () => {
                  dialog.close();
                },
                (failure: unknown) => {
                  confirm.disabled = false;
                  showDialogError(error, `Take over failed: ${errorText(failure)}`);
                },
              );
            },
          },
        },
        h("h2", { attrs: { id: "takeover-title" } }, `Take over from ${holder.name}?`),
        h(
          "p",
          { className: "dialog-lead" },
          `${holder.name} is handling ${labelOfCall({ id: callId, call }, subjects)}`,
          holderState === undefined ? "" : ` (console ${holderState})`,
          ". They will see that you took over, with your reason.",
        ),
        h("label", { className: "field" }, "Reason (required)", reason),
        error,
        h(
          "div",
          { className: "action-row" },
          confirm,
          h(
            "button",
            {
              testId: "takeover-cancel",
              attrs: { type: "button" },
              on: {
                click: () => {
                  dialog.close();
                },
              },
            },
            "Cancel",
          ),
        ),
      ),
    );
    showDialog(dialog, reason);
  }

  /** Close a follow-up with what happened when the member called back. */
  function openOutcome(alertId: string): void {
    const alert = alerts().find((candidate) => candidate.id === alertId);
    if (alert === undefined) return;
    const call = callById(alert.callId);
    const phone = alert.followUp?.phone ?? call?.phone;
    const options = FOLLOW_UP_OUTCOMES.map((outcome: FollowUpOutcome) =>
      h(
        "label",
        { className: "choice" },
        h("input", {
          testId: "outcome-option",
          data: { outcome },
          attrs: { type: "radio", name: "outcome", value: outcome },
        }),
        OUTCOME_LABELS[outcome],
      ),
    );
    const note = h("textarea", {
      testId: "outcome-note",
      attrs: {
        rows: 2,
        maxlength: LIMITS.followUpNote,
        placeholder: "Note (optional): who answered, what was arranged",
        "aria-label": "Note",
      },
    });
    const error = dialogError("outcome-error");
    const submit = h(
      "button",
      { className: "primary", testId: "outcome-submit", attrs: { type: "submit" } },
      "Close follow-up",
    );
    const form = h(
      "form",
      {
        on: {
          submit: (event) => {
            event.preventDefault();
            const chosen = form.querySelector<HTMLInputElement>('input[name="outcome"]:checked');
            if (chosen === null) {
              showDialogError(error, "Pick what happened.");
              return;
            }
            submit.disabled = true;
            backend
              .recordOutcome(session, alert.tenantId, alertId, chosen.value, note.value.trim())
              .then(
                () => {
                  dialog.close();
                },
                (failure: unknown) => {
                  submit.disabled = false;
                  showDialogError(error, `Could not close the follow-up: ${errorText(failure)}`);
                },
              );
          },
        },
      },
      h("h2", { attrs: { id: "outcome-title" } }, followUpHeadline(alert, call?.phone)),
      h(
        "p",
        { className: "dialog-lead" },
        call === undefined || alert.callId === undefined
          ? alert.title
          : `${callerName({ id: alert.callId, call })} · ${followUpAbout(alert) ?? "critical call"} · last: “${call.lastSnippet}”`,
      ),
      phone === undefined
        ? null
        : h(
            "a",
            { className: "call-back-number", attrs: { href: `tel:${phone}` } },
            `Call ${phone}`,
          ),
      h("fieldset", { className: "choices" }, h("legend", {}, "Outcome"), ...options),
      h("label", { className: "field" }, "Note", note),
      error,
      h(
        "div",
        { className: "action-row" },
        submit,
        h(
          "button",
          {
            testId: "outcome-cancel",
            attrs: { type: "button" },
            on: {
              click: () => {
                dialog.close();
              },
            },
          },
          "Cancel",
        ),
      ),
    );
    const dialog = h(
      "dialog",
      {
        className: "dialog follow-up-dialog",
        testId: "outcome-dialog",
        data: { alertId },
        attrs: { "aria-labelledby": "outcome-title" },
      },
      form,
    );
    showDialog(dialog, options[0]?.querySelector("input") ?? submit);
  }

  // ---------------------------------------------------------------- alerts

  function renderAlerts(alertViews: AlertView[]): void {
    const now = Date.now();
    const context = actionContext();
    const rows: Child[] = sortAlerts(alertViews).map((alert) => {
      const call = callById(alert.callId);
      const unattended = endedUnattended(alert, call);
      const escalation = escalationLabel(alert.level);
      const acks = Object.entries(alert.acks);
      const availability = acknowledgeAvailability(alert, context);
      const followUp = isFollowUp(alert);
      const openFollowUp = isOpenFollowUp(alert);
      const outcome = outcomeAvailability(alert, context);
      return h(
        "li",
        {
          className: `alert-row severity-${alert.severity} status-${alert.status}${openFollowUp ? " follow-up" : ""}`,
          testId: "alert-row",
          data: {
            alertId: alert.id,
            status: alert.status,
            severity: alert.severity,
            kind: alert.kind,
            level: alert.level,
            callId: alert.callId,
            followUp,
          },
        },
        h(
          "div",
          { className: "row-top" },
          openFollowUp
            ? h("span", { className: "badge call-back" }, "CALL BACK")
            : urgencyBadge(alert.severity),
          h(
            "span",
            { className: "title" },
            openFollowUp ? followUpHeadline(alert, call?.phone) : alert.title,
          ),
        ),
        alert.outcome === undefined
          ? null
          : h(
              "p",
              {
                className: "outcome",
                testId: "alert-outcome",
                data: { outcome: alert.outcome.outcome },
              },
              `${OUTCOME_LABELS[alert.outcome.outcome]} · ${names().get(alert.outcome.by) ?? "a colleague"}`,
              alert.outcome.note === "" ? "" : ` — ${alert.outcome.note}`,
            ),
        h(
          "div",
          { className: "row-meta" },
          h("span", {}, kindLabel(alert)),
          h("span", { className: `alert-status status-${alert.status}` }, alert.status),
          h("span", { data: { ago: alert.at } }, formatAgo(alert.at, now)),
          escalation === undefined ? null : h("span", { className: "badge escalated" }, escalation),
          unattended && !followUp
            ? h(
                "span",
                { className: "badge unattended", testId: "alert-ended-unattended" },
                "Ended unattended",
              )
            : null,
        ),
        acks.length === 0
          ? null
          : h(
              "ul",
              { className: "acks" },
              ...acks.map(([uid, ack]) =>
                h(
                  "li",
                  {},
                  `${names().get(uid) ?? "A colleague"}: ${humanize(ack.status)}`,
                  ack.note === "" ? "" : ` — ${ack.note}`,
                ),
              ),
            ),
        h(
          "div",
          { className: "row-actions" },
          alert.callId !== undefined && call !== undefined
            ? h(
                "button",
                {
                  attrs: { type: "button" },
                  testId: "alert-open-call",
                  data: { focusKey: `alert-open-${alert.id}` },
                  on: {
                    click: () => {
                      if (alert.callId !== undefined) select(alert.callId);
                    },
                  },
                },
                "Open call",
              )
            : null,
          followUp
            ? h(
                "button",
                {
                  testId: "alert-outcome-open",
                  className: openFollowUp ? "primary" : "",
                  data: { focusKey: `alert-outcome-${alert.id}` },
                  attrs: {
                    type: "button",
                    disabled: !outcome.allowed,
                    title: outcome.allowed ? undefined : outcome.reason,
                  },
                  on: {
                    click: () => {
                      openOutcome(alert.id);
                    },
                  },
                },
                "Call back / close…",
              )
            : null,
          followUp
            ? null
            : h(
                "button",
                {
                  testId: "alert-ack-open",
                  data: { focusKey: `alert-${alert.id}` },
                  attrs: {
                    type: "button",
                    disabled: !availability.allowed,
                    title: availability.allowed ? undefined : availability.reason,
                  },
                  on: {
                    click: () => {
                      openAck(alert.id);
                    },
                  },
                },
                "Acknowledge…",
              ),
          availability.allowed || followUp
            ? null
            : h(
                "span",
                { className: "reason", testId: "alert-ack-open-reason" },
                availability.reason,
              ),
        ),
      );
    });
    if (rows.length === 0) rows.push(h("li", { className: "empty" }, "No alerts."));
    replaceKeepingFocus(alertsList, rows);
  }

  let ackForm:
    | { alertId: string; element: HTMLElement; refresh(alert: AlertView | undefined): void }
    | undefined;

  function openAck(alertId: string): void {
    ackAlertId = alertId;
    ackForm = buildAckForm(alertId);
    ackRegion.replaceChildren(ackForm.element);
    render();
    ackForm.element.querySelector<HTMLElement>("select")?.focus();
  }

  function closeAck(): void {
    const alertId = ackAlertId;
    ackAlertId = undefined;
    ackForm = undefined;
    ackRegion.replaceChildren();
    if (alertId !== undefined) {
      alertsList
        .querySelector<HTMLElement>(`[data-focus-key="alert-${CSS.escape(alertId)}"]`)
        ?.focus();
    }
  }

  function refreshAckForm(alertViews: AlertView[]): void {
    if (ackForm === undefined) return;
    const id = ackForm.alertId;
    ackForm.refresh(alertViews.find((alert) => alert.id === id));
  }

  function buildAckForm(alertId: string): NonNullable<typeof ackForm> {
    let busy = false;
    const status = h(
      "select",
      { testId: "ack-status", attrs: { "aria-label": "Status" } },
      ...ACK_STATUSES.map((value) => h("option", { attrs: { value } }, humanize(value))),
    );
    const note = h("textarea", {
      testId: "ack-note",
      attrs: {
        rows: 2,
        maxlength: LIMITS.ackNote,
        placeholder: "Note (optional)",
        "aria-label": "Note",
      },
    });
    const submit = h(
      "button",
      { testId: "ack-submit", className: "primary", attrs: { type: "submit" } },
      "Acknowledge",
    );
    const submitReason = reasonFor("ack-submit");
    const title = h("h3", {}, "Acknowledge");
    let tenantOfAlert = session.tenant;
    const element = h(
      "form",
      {
        className: "ack-form",
        testId: "ack-form",
        data: { alertId },
        on: {
          submit: (event) => {
            event.preventDefault();
            busy = true;
            render();
            backend
              .acknowledge(session, tenantOfAlert, alertId, status.value, note.value.trim())
              .then(closeAck, (error: unknown) => {
                notify(`Acknowledge failed: ${errorText(error)}`, "error");
              })
              .finally(() => {
                busy = false;
                render();
              });
          },
          keydown: (event) => {
            if (event.key === "Escape") closeAck();
          },
        },
      },
      title,
      h("label", {}, "Status ", status),
      h("label", {}, "Note ", note),
      h(
        "div",
        { className: "action-row" },
        submit,
        h(
          "button",
          { testId: "ack-cancel", attrs: { type: "button" }, on: { click: closeAck } },
          "Cancel",
        ),
        submitReason,
      ),
    );
    return {
      alertId,
      element,
      refresh(alert) {
        if (alert === undefined) {
          applyAvailability(submit, submitReason, {
            allowed: false,
            reason: "This alert is no longer listed.",
          });
          return;
        }
        tenantOfAlert = alert.tenantId;
        title.textContent = `Acknowledge: ${alert.title}`;
        applyAvailability(
          submit,
          submitReason,
          acknowledgeAvailability(alert, actionContext()),
          busy,
        );
      },
    };
  }

  // ---------------------------------------------------------------- presence

  function renderPresence(): void {
    if (!capabilities.presence) return;
    const now = serverNow();
    const order: Readonly<Record<Liveness, number>> = { online: 0, away: 1, offline: 2 };
    const rows: Child[] = [...presence]
      .map(([uid, record]) => ({ uid, record, state: liveness(record, now) }))
      .sort((a, b) => order[a.state] - order[b.state] || a.record.name.localeCompare(b.record.name))
      .map(({ uid, record, state }) =>
        h(
          "li",
          {
            className: `presence-row state-${state}`,
            testId: "presence-row",
            // A record that still says online but stopped beating is offline: its browser is gone.
            data: { uid, state, stale: state === "offline" && record.state !== "offline" },
          },
          h("span", { className: "dot", attrs: { "aria-hidden": "true" } }),
          h(
            "span",
            { className: "name" },
            uid === session.uid ? `${record.name} (you)` : record.name,
          ),
          h(
            "span",
            { className: "seen" },
            state === "offline"
              ? `${record.state === "offline" ? "offline" : "no signal"}, seen ${formatAgo(record.lastSeen, now)}`
              : state,
          ),
        ),
      );
    if (rows.length === 0) rows.push(h("li", { className: "empty" }, "Nobody else is here."));
    setChildren(presenceList, rows);
  }

  // ---------------------------------------------------------------- while you were away

  function snapshotNow(entries: CallEntry[], alertViews: AlertView[]): StateSnapshot {
    return snapshotState(Date.now(), alertViews, entries, (entry) => labelOfCall(entry, subjects));
  }

  function updateAway(entries: CallEntry[], alertViews: AlertView[]): void {
    if (away?.reconnectedAt === undefined) return;
    if (Date.now() - away.reconnectedAt > AWAY_SETTLE_MS && away.summary !== undefined) return;
    const after = snapshotNow(entries, alertViews);
    // Offline time is fixed at the reconnect; later updates only add late-arriving data.
    away.summary = {
      ...diffAway(away.before, after),
      offlineMs: away.reconnectedAt - away.before.at,
    };
    renderAwaySummary(away.summary);
  }

  function renderAwaySummary(summary: AwaySummary): void {
    awayRegion.hidden = false;
    awayRegion.dataset.raised = String(summary.raised.length);
    awayRegion.dataset.acknowledged = String(summary.acknowledged.length);
    awayRegion.dataset.ended = String(summary.ended.length);
    awayRegion.dataset.offlineMs = String(summary.offlineMs);
    const list = (heading: string, items: AwaySummary["raised"]) =>
      items.length === 0
        ? null
        : h(
            "div",
            {},
            h("h3", {}, heading),
            h("ul", {}, ...items.map((item) => h("li", {}, item.text))),
          );
    setChildren(awayRegion, [
      h(
        "div",
        { className: "away-head" },
        h("h2", {}, `While you were away (offline ${formatDuration(summary.offlineMs)})`),
        h(
          "button",
          {
            testId: "away-dismiss",
            attrs: { type: "button" },
            on: {
              click: () => {
                away = undefined;
                awayRegion.hidden = true;
                awayRegion.replaceChildren();
              },
            },
          },
          "Dismiss",
        ),
      ),
      h(
        "p",
        {},
        isEmptySummary(summary)
          ? "Nothing changed."
          : `${plural(summary.raised.length, "alert")} raised, ${summary.acknowledged.length} acknowledged, ${plural(summary.ended.length, "call")} ended.`,
      ),
      list("Alerts raised", summary.raised),
      list("Alerts acknowledged", summary.acknowledged),
      list("Calls ended", summary.ended),
    ]);
  }

  function onConnection(next: boolean): void {
    const previous = connected;
    connected = next;
    if (previous === true && !next) {
      away = { before: snapshotNow(calls(), alerts()) };
    } else if (previous === false && next && away !== undefined) {
      away.reconnectedAt = Date.now();
      away.summary = undefined;
    }
    render();
  }

  // ---------------------------------------------------------------- views

  const history = mountHistory(historyRegion, backend, session, (message) => {
    notify(message, "error");
  });

  function setView(next: "live" | "history"): void {
    view = next;
    liveGrid.hidden = view !== "live";
    historyRegion.hidden = view !== "history";
    liveTab.setAttribute("aria-pressed", String(view === "live"));
    historyTab.setAttribute("aria-pressed", String(view === "history"));
    if (view === "history") history.show();
  }
  setView("live");

  // ---------------------------------------------------------------- subscriptions

  subscriptions.push(backend.watchConnection(onConnection));
  subscriptions.push(
    backend.watchServerTimeOffset((offset) => {
      serverOffsetMs = offset;
    }),
  );
  subscriptions.push(
    backend.watchRevocation(
      session.uid,
      (revokedAt) => {
        access = { ...access, revokedAt };
        checkAccess();
      },
      (error) => {
        // Refused after it was readable: this session was revoked. Refused from the start: the
        // rules do not offer it (or the session is already revoked, and every other listener is
        // refused too), so the member record and the other listeners decide.
        if (access.revokedAt !== undefined) denied(error);
        else console.warn("revocation not readable", error.message);
      },
    ),
  );
  subscriptions.push(
    backend.watchMember(
      session,
      (record) => {
        if (record !== undefined) access = { ...access, member: record };
        checkAccess();
        if (sessionLost) return;
        const next = record ?? undefined;
        const hadName = member?.name;
        member = next;
        syncSubjectSubscriptions();
        if (capabilities.presence && next !== undefined && next.name !== hadName) {
          void presenceHandle?.stop();
          presenceHandle = backend.publishPresence(session.tenant, session.uid, next.name);
        }
        render();
      },
      denied,
    ),
  );

  if (capabilities.calls === "tenant") {
    subscriptions.push(
      backend.watchTenantCalls(
        session.tenant,
        (next) => {
          tenantCalls = next;
          render();
        },
        denied,
      ),
      backend.watchSubjects(
        session.tenant,
        (next) => {
          subjects = next;
          render();
        },
        denied,
      ),
    );
  }

  function syncSubjectSubscriptions(): void {
    if (capabilities.calls === "tenant") return;
    const wanted = new Set(Object.keys(member?.subjects ?? {}));
    for (const [subjectId, entry] of perSubject) {
      if (wanted.has(subjectId)) continue;
      for (const stop of entry.stop) stop();
      perSubject.delete(subjectId);
      subjects.delete(subjectId);
    }
    for (const subjectId of wanted) {
      if (perSubject.has(subjectId)) continue;
      const entry: { calls: Map<string, Call>; stop: Unsubscribe[] } = {
        calls: new Map(),
        stop: [],
      };
      perSubject.set(subjectId, entry);
      entry.stop.push(
        backend.watchSubjectCalls(
          session.tenant,
          subjectId,
          (next) => {
            entry.calls = next;
            render();
          },
          denied,
        ),
      );
      if (capabilities.vitals === "assigned") {
        entry.stop.push(
          backend.watchSubject(
            session.tenant,
            subjectId,
            (subject) => {
              if (subject === undefined) subjects.delete(subjectId);
              else subjects.set(subjectId, subject);
              render();
            },
            denied,
          ),
        );
      }
    }
  }

  if (capabilities.alertFeed) {
    subscriptions.push(
      backend.watchAlertFeed(
        session.tenant,
        (next) => {
          feed = next;
          render();
        },
        denied,
      ),
    );
  } else {
    subscriptions.push(
      backend.watchInbox(
        session.uid,
        (next) => {
          inbox = next;
          syncAlertRecords();
          render();
        },
        denied,
      ),
    );
  }

  /** Scoped roles complete inbox copies with the alert record (level, acks); subjects may not. */
  function syncAlertRecords(): void {
    if (!capabilities.acknowledge) return;
    for (const [alertId, entry] of perAlert) {
      if (inbox.has(alertId)) continue;
      entry.stop();
      perAlert.delete(alertId);
    }
    for (const [alertId, item] of inbox) {
      if (perAlert.has(alertId) || item.tenantId !== session.tenant) continue;
      const entry: { record?: Alert; stop: Unsubscribe } = { stop: () => undefined };
      perAlert.set(alertId, entry);
      entry.stop = backend.watchAlert(
        item.tenantId,
        alertId,
        (record) => {
          if (record === undefined) delete entry.record;
          else entry.record = record;
          render();
        },
        // An inbox copy may arrive before the rules can see it; the copy alone is still shown.
        () => undefined,
      );
    }
  }

  if (capabilities.presence) {
    subscriptions.push(
      backend.watchPresence(
        session.tenant,
        (next) => {
          presence = next;
          render();
        },
        denied,
      ),
    );
  }

  const onVisibility = () => {
    presenceHandle?.setState(document.visibilityState === "hidden" ? "away" : "online");
  };
  document.addEventListener("visibilitychange", onVisibility);

  let ticks = 0;
  // Durations and "ago" labels tick without re-rendering rows (focus and selection stay put).
  const ticker = setInterval(() => {
    const now = Date.now();
    for (const element of Array.from(page.querySelectorAll<HTMLElement>("[data-since]"))) {
      element.textContent = formatDuration(now - Number(element.dataset.since));
    }
    for (const element of Array.from(page.querySelectorAll<HTMLElement>("[data-ago]"))) {
      element.textContent = formatAgo(Number(element.dataset.ago), now);
    }
    // Heartbeats go stale without any data arriving: judge them again now and then.
    if (++ticks % 5 === 0) {
      renderPresence();
      const call = callById(detailCallId);
      if (call !== undefined) renderHold(call);
    }
  }, 1000);

  render();

  let live = true;
  /** Every listener and timer off; safe to call twice. */
  function stopLive(): void {
    if (!live) return;
    live = false;
    clearInterval(ticker);
    document.removeEventListener("visibilitychange", onVisibility);
    for (const stop of subscriptions.splice(0)) stop();
    for (const stop of transcriptStops.splice(0)) stop();
    for (const entry of perSubject.values()) for (const stop of entry.stop) stop();
    perSubject.clear();
    for (const entry of perAlert.values()) entry.stop();
    perAlert.clear();
    history.hide();
  }

  return {
    async unmount() {
      stopLive();
      await presenceHandle?.stop();
      root.replaceChildren();
    },
  };
}
