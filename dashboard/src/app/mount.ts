/**
 * The signed-in page, put together: the store, every listener (`live/subscriptions.ts`), the
 * intents, and one render of the whole page per batch of changes (lit-html updates only what
 * changed, so focus, selection and typed text stay where they are). The session ends here when
 * access is gone: member removed, role changed, sessions revoked, or a listener refused.
 */
import { nothing, render } from "lit-html";
import type { Firebase } from "../firebase/app.js";
import { signOutEverywhere } from "../firebase/api.js";
import { signOut, type Session } from "../firebase/auth.js";
import { startLive, type Live } from "../live/subscriptions.js";
import {
  accessVerdict,
  ACCESS_CHANGED_NOTICE,
  isPermissionDenied,
  TENANT_MOVED_NOTICE,
} from "../logic/session.js";
import { initialState, type AppState } from "../state/app-state.js";
import { autoSelection, banner, derive, documentTitle } from "../state/selectors.js";
import { createStore } from "../state/store.js";
import { shellView } from "../views/shell.js";
import { transcriptScroll } from "../views/transcript.js";
import { registerPush, unregisterPush } from "../firebase/push.js";
import { startAlarm } from "./alarm.js";
import { createIntents } from "./intents.js";
import { installKeyboard } from "./keyboard.js";

/** How long a notice stays up. */
const NOTICE_MS = 8000;

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
  /**
   * Called once when the tenant has moved to another database instance: the caller refreshes the
   * member's token (its `db` claim names the new instance) and mounts the page again there.
   */
  readonly onTenantMoved: (to: string) => void;
}

export function mountApp(
  root: HTMLElement,
  firebase: Firebase,
  session: Session,
  options: AppOptions,
): AppHandle {
  const store = createStore<AppState>(
    initialState(session, Date.now(), document.documentElement.classList.contains("wall")),
  );
  const status = {
    lost: false,
    /** Set while this member signs out on purpose: its own revocation is no news to it. */
    leaving: false,
  };

  let noticeTimer: ReturnType<typeof setTimeout> | undefined;
  function notify(text: string, kind: "info" | "error" = "info"): void {
    const notice = { text, kind };
    store.update({ notice });
    if (noticeTimer !== undefined) clearTimeout(noticeTimer);
    noticeTimer = setTimeout(() => {
      if (store.get().notice === notice) store.update({ notice: undefined });
    }, NOTICE_MS);
  }

  /** Stops everything and hands over to the caller, which reconnects on the new instance. */
  function followMove(to: string): void {
    if (status.lost || status.leaving) return;
    status.lost = true;
    console.info("tenant moved to", to);
    void live?.dispose();
    notify(TENANT_MOVED_NOTICE);
    options.onTenantMoved(to);
  }

  /** Stops everything at once and hands over to the sign-in page, once. */
  function loseSession(why: string): void {
    if (status.lost || status.leaving) return;
    status.lost = true;
    console.warn("session ended:", why);
    // Stops the heartbeat now; the offline write it tries may be refused, onDisconnect remains.
    void live?.dispose();
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

  // Registered before the listeners start, so a verdict comes before anything reacts to the change.
  let lastAccess: AppState["access"] | undefined;
  const stopAccessCheck = store.subscribe((state) => {
    if (state.access === lastAccess) return;
    lastAccess = state.access;
    const verdict = accessVerdict(
      { role: session.role, authTimeMs: session.authTimeMs },
      state.access,
    );
    if (verdict.ok) return;
    if (verdict.why === "moved") followMove(verdict.to);
    else loseSession(verdict.why);
  });

  // A verdict may come while the listeners start (cached data): `live` is disposed right after.
  let live: Live | undefined = undefined;
  live = startLive(firebase, store, denied);
  if (status.lost) void live.dispose();
  const started = live;

  const scroll = transcriptScroll(root, (unseenMessages) => {
    store.update({ unseenMessages });
  });
  const afterRender: (() => void)[] = [];
  let queued = false;
  let mounted = true;
  function renderNow(): void {
    queued = false;
    if (!mounted) return;
    const state = store.get();
    const derived = derive(state);
    const opened = autoSelection(state, derived);
    if (opened !== undefined) {
      // The selection changes the state: the render it schedules shows the opened call.
      intents.select(opened, "page");
      return;
    }
    const top = banner(derived);
    document.title = documentTitle(top);
    scroll.before(state.unseenMessages);
    const focused = document.activeElement;
    render(shellView(state, derived, top, intents), root);
    // Keyed rows keep their elements, but moving a focused row (a call rising in the list)
    // takes the focus away from it: give it back, so live updates never move a keyboard user.
    if (
      focused instanceof HTMLElement &&
      focused !== document.activeElement &&
      focused.isConnected
    ) {
      focused.focus({ preventScroll: true });
    }
    scroll.after();
    for (const run of afterRender.splice(0)) run();
  }
  function schedule(): void {
    if (queued) return;
    queued = true;
    queueMicrotask(renderNow);
  }

  const intents = createIntents({
    firebase,
    store,
    notify,
    afterRender: (run) => {
      afterRender.push(run);
      schedule();
    },
    async signOut() {
      status.leaving = true;
      // This browser is paged no more for a member who signed out of it.
      await unregisterPush(firebase, session).catch((error: unknown) => {
        console.warn("push token not removed", error);
      });
      await started.stopPresence();
      await signOut(firebase.auth);
    },
    async signOutEverywhere() {
      status.leaving = true;
      try {
        await started.stopPresence();
        await signOutEverywhere(firebase);
      } catch (error) {
        status.leaving = false;
        throw error;
      }
    },
  });

  const stopKeyboard = installKeyboard({ root, state: () => store.get(), intents, notify });
  const stopRendering = store.subscribe(schedule);
  renderNow();
  const stopAlarm = startAlarm(store, (callId) => {
    intents.setView("live");
    intents.select(callId);
  });
  // A browser that allowed notifications before keeps its push token fresh (FCM rotates them).
  if (typeof Notification !== "undefined" && Notification.permission === "granted") {
    registerPush(firebase, session).catch((error: unknown) => {
      console.warn("push registration failed", error);
    });
  }
  // A link from a push opens its call.
  const linked = new URLSearchParams(location.search).get("call");
  if (linked !== null && linked !== "") intents.select(linked);

  return {
    async unmount() {
      mounted = false;
      stopAlarm();
      stopRendering();
      stopKeyboard();
      scroll.dispose();
      stopAccessCheck();
      if (noticeTimer !== undefined) clearTimeout(noticeTimer);
      await started.dispose();
      render(nothing, root);
    },
  };
}
