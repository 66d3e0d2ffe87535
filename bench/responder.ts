/**
 * What understanding the conversation costs a speech turn (`npm run bench:responder`; no emulator).
 * One turn is `decideTurn` (triage and the conversation's urgency) then the playbook's reply, both
 * of which read the whole transcript into a conversation state. Rows by transcript length, and for
 * each: a turn on an instance that has read the earlier lines before (the usual case: the previous
 * turns of the call were answered here), and one that has not (the first turn of a call it never
 * saw). The baseline in the same run is triage of the caller's new line alone, which is all a turn
 * did before the conversation state. Prints medians and 99th percentiles in milliseconds.
 */
import { performance } from "node:perf_hooks";
import type { Message } from "@lifeline/model";
import { playbookReply } from "../functions/src/domain/responder/index.js";
import { triage } from "../functions/src/domain/triage/index.js";
import { decideTurn, type CallState } from "../functions/src/domain/turn/index.js";

const RUNS = 300;
const CALLER = [
  "My husband collapsed and isn't breathing",
  "What do I do",
  "I'm doing it, what now",
  "he's going blue",
  "I'm at 12 Oak Street, flat 3",
  "ok",
  "now he's breathing, he coughed",
  "he's still not waking up",
  "yes",
  "his lips look less blue",
  "I can hear the sirens",
  "ok",
  "he opened his eyes",
  "he's trying to talk",
  "thank you",
];
const REPLY =
  "Help is being alerted right now. Keep going: hard and fast, about two pushes a second.";

function percentile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
}

function summary(samples: number[]): string {
  const sorted = samples.sort((a, b) => a - b);
  return `${percentile(sorted, 0.5).toFixed(2).padStart(6)} ${percentile(sorted, 0.99).toFixed(2).padStart(6)}`;
}

/** A call whose transcript has `messages` messages, caller and assistant in turn. */
function callWith(messages: number, salt: string): CallState {
  const now = Date.UTC(2026, 0, 1);
  const history: Message[] = [];
  for (let seq = 1; seq <= messages; seq++) {
    const caller = seq % 2 === 1;
    const line = CALLER[Math.floor((seq - 1) / 2) % CALLER.length] ?? "ok";
    history.push({
      seq,
      role: caller ? "caller" : "assistant",
      text: caller ? `${line}${salt}` : REPLY,
      at: now,
    });
  }
  return {
    call: {
      phone: "+15555550100",
      medium: "voice",
      status: "active",
      urgency: "critical",
      owner: { kind: "ai", since: now },
      startedAt: now,
      lastMessageAt: now,
      messageCount: messages,
      lastSnippet: "",
    },
    outbox: [],
    history,
    alert: null,
  };
}

function turn(state: CallState, text: string): number {
  const started = performance.now();
  const decision = decideTurn(text, state, Date.UTC(2026, 0, 1));
  playbookReply({
    text,
    history: decision.history,
    urgency: decision.urgency,
    mode: decision.mode,
    medium: "voice",
  });
  return performance.now() - started;
}

console.log("transcript   baseline p50/p99   seen before p50/p99   never seen p50/p99   (ms)");
for (const messages of [2, 10, 30]) {
  const baseline: number[] = [];
  const seen: number[] = [];
  const unseen: number[] = [];
  const warm = callWith(messages, "");
  for (let run = 0; run < RUNS; run++) {
    const text = `he's breathing on his own now ${run}`;
    const started = performance.now();
    triage(text, { current: "critical" });
    baseline.push(performance.now() - started);
    seen.push(turn(warm, text));
    // Every line new to this instance: the salt makes each run's transcript one it never read.
    unseen.push(turn(callWith(messages, ` (${run})`), text));
  }
  console.log(
    `${String(messages).padStart(3)} messages    ${summary(baseline)}        ${summary(seen)}          ${summary(unseen)}`,
  );
}
