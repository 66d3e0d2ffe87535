/**
 * The alarm's place in the header: one button that says what the alarm does now and mutes or
 * unmutes it for this browser, and, while the browser has not said yes or no to desktop
 * notifications, the button that asks (never on load: browsers and people dislike unasked prompts).
 * While the browser holds the sound until a gesture, the alarm button itself says so: pressing it
 * (or any click or key on the page) lets the sound play.
 *
 * Hooks: alarm-toggle (data-state = ringing | on | muted | blocked, data-waiting, aria-pressed =
 * muted), notify-enable.
 */
import { html, nothing, type TemplateResult } from "lit-html";
import type { AppState } from "../state/app-state.js";
import type { AlarmView } from "../state/alarm.js";
import type { Intents } from "../app/intents.js";

/** What a phone's one-row header has room for; the full words stay for screen readers. */
const SHORT = {
  ringing: "Alarm",
  on: "Alarm on",
  muted: "Muted",
  blocked: "Enable alarm",
} as const;

export function alarmControlView(
  state: AppState,
  alarm: AlarmView,
  intents: Intents,
): TemplateResult {
  const { control } = alarm;
  const blocked = control.state === "blocked";
  return html`<button
      type="button"
      class="alarm-toggle"
      data-testid="alarm-toggle"
      data-state=${control.state}
      data-waiting=${String(control.waiting)}
      aria-pressed=${String(state.alarm.muted)}
      title=${
        blocked
          ? "The browser holds the sound until you click or press a key on the page"
          : state.alarm.muted
            ? "Unmute the alarm in this browser"
            : "Mute the alarm in this browser"
      }
      @click=${() => {
        intents.toggleAlarm();
      }}
      ><span class="alarm-long">${blocked ? "Click to enable the alarm" : control.label}</span
      ><span class="alarm-short" aria-hidden="true">${SHORT[control.state]}${
        control.waiting > 0 && control.state !== "blocked" ? ` ${control.waiting}` : ""
      }</span></button
    >${
      state.alarm.notifications === "default"
        ? html`<button
          type="button"
          class="notify-enable"
          data-testid="notify-enable"
          title="Show a desktop notification when a critical call arrives while this tab is in the background"
          @click=${() => {
            intents.enableNotifications();
          }}
        >Desktop alerts</button>`
        : nothing
    }`;
}
