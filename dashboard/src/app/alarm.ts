/**
 * The alarm, heard and seen: a repeating two-tone pattern from Web Audio oscillators (no audio file
 * to load or to block) while an incident rings, and one desktop notification per new alarming
 * incident while the tab is in the background. What rings is decided by `logic/alarm.ts`; this
 * module only follows the state.
 *
 * Browsers start an AudioContext suspended until the page has had a user gesture. The first click
 * or key press anywhere on the page resumes it; until then the state says `audioBlocked` and the
 * alarm control asks for that click.
 */
import { ALARM_MUTE_KEY, newlyAlarming, parseMuted } from "../logic/alarm.js";
import { alarmView } from "../state/alarm.js";
import type { AppState } from "../state/app-state.js";
import { derive } from "../state/selectors.js";
import type { Store } from "../state/store.js";

/** One round of the pattern: high, low, high, then a pause; repeated while something rings. */
const PATTERN: readonly { readonly at: number; readonly hz: number }[] = [
  { at: 0, hz: 880 },
  { at: 0.25, hz: 660 },
  { at: 0.5, hz: 880 },
];
const TONE_SECONDS = 0.18;
const ROUND_MS = 2000;

export interface AlarmIntents {
  /** Mutes or unmutes this browser's alarm (kept in localStorage); unmuted but held, only unblocks. */
  toggleAlarm(): void;
  /** Asks the browser for desktop notifications: only ever from this button, never on load. */
  enableNotifications(): void;
}

function notificationPermission(): AppState["alarm"]["notifications"] {
  return typeof Notification === "undefined" ? "unsupported" : Notification.permission;
}

function storedMute(): boolean {
  try {
    return parseMuted(localStorage.getItem(ALARM_MUTE_KEY));
  } catch {
    // Storage refused (a locked-down profile): the alarm stays on, the safe side.
    return false;
  }
}

export function alarmIntents(
  store: Store<AppState>,
  notify: (text: string, kind?: "info" | "error") => void,
  afterPermission: () => Promise<void>,
): AlarmIntents {
  const setAlarm = (patch: Partial<AppState["alarm"]>) => {
    store.update((state) => ({ alarm: { ...state.alarm, ...patch } }));
  };
  return {
    toggleAlarm() {
      const { alarm } = store.get();
      // Unmuted but held by the browser, this very click resumes the sound (see startAlarm): it
      // is not also a mute. Muted, it unmutes, and the same click lets the sound play.
      if (alarm.audioBlocked && !alarm.muted) return;
      const muted = !alarm.muted;
      try {
        if (muted) localStorage.setItem(ALARM_MUTE_KEY, "1");
        else localStorage.removeItem(ALARM_MUTE_KEY);
      } catch {
        notify("This browser does not keep the setting: it lasts until the page reloads.", "error");
      }
      setAlarm({ muted });
    },
    enableNotifications() {
      if (typeof Notification === "undefined") return;
      Notification.requestPermission().then(
        async (notifications) => {
          setAlarm({ notifications });
          if (notifications === "granted") await afterPermission();
          else notify("Desktop notifications are off: the browser's site settings can allow them.");
        },
        (error: unknown) => {
          notify(`Notifications: ${String(error)}`, "error");
        },
      );
    },
  };
}

/** The oscillators: `ring(true)` starts the repeating pattern, `ring(false)` ends it. */
function createSiren(context: AudioContext) {
  let timer: ReturnType<typeof setInterval> | undefined;
  const round = () => {
    if (context.state !== "running") return;
    const start = context.currentTime + 0.05;
    for (const tone of PATTERN) {
      const at = start + tone.at;
      const oscillator = context.createOscillator();
      const gain = context.createGain();
      oscillator.type = "square";
      oscillator.frequency.value = tone.hz;
      gain.gain.setValueAtTime(0.0001, at);
      gain.gain.exponentialRampToValueAtTime(0.15, at + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, at + TONE_SECONDS);
      oscillator.connect(gain).connect(context.destination);
      oscillator.start(at);
      oscillator.stop(at + TONE_SECONDS + 0.02);
    }
  };
  return {
    ring(on: boolean) {
      if (on && timer === undefined) {
        round();
        timer = setInterval(round, ROUND_MS);
      } else if (!on && timer !== undefined) {
        clearInterval(timer);
        timer = undefined;
      }
    },
  };
}

/**
 * Starts following the state: sound, notifications, the gesture that unblocks the sound.
 * `open` shows a call (a notification's click). Returns the function that stops everything.
 */
export function startAlarm(store: Store<AppState>, open: (callId: string) => void): () => void {
  const setAlarm = (patch: Partial<AppState["alarm"]>) => {
    store.update((state) => ({ alarm: { ...state.alarm, ...patch } }));
  };
  const context = typeof AudioContext === "undefined" ? undefined : new AudioContext();
  const siren = context === undefined ? undefined : createSiren(context);
  setAlarm({
    muted: storedMute(),
    audioBlocked: context !== undefined && context.state !== "running",
    notifications: notificationPermission(),
  });

  const onStateChange = () => {
    const blocked = context !== undefined && context.state !== "running";
    if (store.get().alarm.audioBlocked !== blocked) setAlarm({ audioBlocked: blocked });
  };
  context?.addEventListener("statechange", onStateChange);
  const unblock = () => {
    if (context === undefined || context.state === "running") return;
    void context.resume().then(onStateChange, onStateChange);
  };
  // Capture: the gesture counts whatever the click lands on, even a control that stops it.
  document.addEventListener("pointerdown", unblock, true);
  document.addEventListener("keydown", unblock, true);

  const announced = new Set<string>();
  const shown = new Map<string, Notification>();
  let queued = false;
  const follow = () => {
    queued = false;
    const state = store.get();
    const alarm = alarmView(state, derive(state));
    siren?.ring(alarm.ringing.length > 0 && !state.alarm.audioBlocked);

    const alarmingKeys = new Set(alarm.alarming.map((incident) => incident.key));
    // A notification about something handled meanwhile would send someone to nothing.
    for (const [key, notification] of shown) {
      if (alarmingKeys.has(key)) continue;
      notification.close();
      shown.delete(key);
    }
    const fresh = newlyAlarming(alarm.alarming, announced);
    for (const incident of fresh) announced.add(incident.key);
    if (document.visibilityState !== "hidden" || notificationPermission() !== "granted") return;
    for (const incident of fresh) {
      const title = incident.lead.title;
      const options: NotificationOptions = {
        body: incident.unwatched
          ? "Nobody is watching this call. Open it to acknowledge or take over."
          : "Open the call to acknowledge or take over.",
        tag: incident.key,
        requireInteraction: true,
      };
      let notification: Notification;
      try {
        notification = new Notification(title, options);
      } catch {
        // Chrome on Android refuses page notifications: its service worker shows them instead.
        if ("serviceWorker" in navigator) {
          navigator.serviceWorker
            .getRegistration()
            .then((registration) => registration?.showNotification(title, options))
            .catch((error: unknown) => {
              console.warn("notification not shown", error);
            });
        }
        continue;
      }
      const callId = incident.callId;
      notification.addEventListener("click", () => {
        window.focus();
        if (callId !== undefined) open(callId);
        notification.close();
      });
      shown.set(incident.key, notification);
    }
  };
  const schedule = () => {
    if (queued) return;
    queued = true;
    queueMicrotask(follow);
  };
  const stop = store.subscribe(schedule);
  follow();

  return () => {
    stop();
    siren?.ring(false);
    document.removeEventListener("pointerdown", unblock, true);
    document.removeEventListener("keydown", unblock, true);
    context?.removeEventListener("statechange", onStateChange);
    for (const notification of shown.values()) notification.close();
    void context?.close();
  };
}
