/**
 * A responder backed by any OpenAI-compatible `POST {baseUrl}/chat/completions` endpoint. The
 * caller is on the phone, so the request gets a fixed time budget; on timeout, a non-2xx answer,
 * malformed JSON or an empty reply the fallback (the playbook) answers instead and the reply says
 * why in `fallback`.
 */
import { z } from "zod";
import { LIMITS } from "@lifeline/model";
import type { ConversationState } from "../conversation/index.js";
import { LANGUAGE_NAMES } from "../language/index.js";
import { checkReply } from "./checks.js";
import { PLAYBOOK } from "./playbook-content.js";
import { REPLY_LIMITS, responderState } from "./playbook.js";
import type {
  ConversationTurn,
  FallbackEvent,
  FallbackReason,
  Responder,
  ResponderInput,
  ResponderReply,
} from "./types.js";

export type { FallbackEvent } from "./types.js";

export interface ChatResponderConfig {
  /** Up to and including the API version, e.g. `https://api.example.com/v1`. */
  readonly baseUrl: string;
  readonly model: string;
  /** Sent as `Authorization: Bearer <apiKey>`; omitted when empty (local servers often need none). */
  readonly apiKey: string;
  /** Milliseconds the whole request, body included, may take. */
  readonly budgetMs: number;
  readonly maxTokens?: number;
  readonly temperature?: number;
  readonly fallback: Responder;
  readonly onFallback?: (event: FallbackEvent) => void;
  readonly fetch?: typeof fetch;
}

export interface ChatMessage {
  readonly role: "system" | "user" | "assistant";
  readonly content: string;
}

/** A spoken reply needs a sentence or three, not an essay. */
const DEFAULT_MAX_TOKENS = 160;
const DEFAULT_TEMPERATURE = 0.2;

const completionSchema = z.object({
  choices: z.array(z.object({ message: z.object({ content: z.string().nullable().optional() }) })),
});

class ChatFailure extends Error {
  constructor(
    readonly reason: FallbackReason,
    readonly detail: string,
  ) {
    super(`${reason}: ${detail}`);
    this.name = "ChatFailure";
  }
}

export function createChatResponder(config: ChatResponderConfig): Responder {
  const endpoint = `${config.baseUrl.replace(/\/+$/, "")}/chat/completions`;
  const doFetch = config.fetch ?? fetch;

  async function complete(input: ResponderInput, signal: AbortSignal | undefined): Promise<string> {
    const budget = new AbortController();
    const timer = setTimeout(() => {
      budget.abort(new ChatFailure("timeout", `no answer within ${config.budgetMs} ms`));
    }, config.budgetMs);
    const onOuterAbort = () => {
      budget.abort(new ChatFailure("aborted", "the turn was abandoned"));
    };
    if (signal?.aborted === true) onOuterAbort();
    signal?.addEventListener("abort", onOuterAbort, { once: true });
    try {
      const headers: Record<string, string> = { "Content-Type": "application/json" };
      if (config.apiKey !== "") headers.Authorization = `Bearer ${config.apiKey}`;
      let body: string;
      let status: number;
      try {
        const response = await doFetch(endpoint, {
          method: "POST",
          headers,
          body: JSON.stringify({
            model: config.model,
            messages: buildChatMessages(input),
            max_tokens: config.maxTokens ?? DEFAULT_MAX_TOKENS,
            temperature: config.temperature ?? DEFAULT_TEMPERATURE,
          }),
          signal: budget.signal,
        });
        status = response.status;
        body = await response.text();
      } catch (error) {
        const reason: unknown = budget.signal.reason;
        if (budget.signal.aborted && reason instanceof ChatFailure) throw reason;
        throw new ChatFailure("network", error instanceof Error ? error.name : "fetch failed");
      }
      if (status < 200 || status > 299) throw new ChatFailure("http", `status ${status}`);
      let json: unknown;
      try {
        json = JSON.parse(body);
      } catch {
        throw new ChatFailure("malformed", "response is not JSON");
      }
      const parsed = completionSchema.safeParse(json);
      if (!parsed.success) throw new ChatFailure("malformed", "response is not a chat completion");
      const content = parsed.data.choices[0]?.message.content?.trim() ?? "";
      if (content === "") throw new ChatFailure("empty", "no choice with content");
      const reply = content.slice(0, LIMITS.messageText);
      const checked = checkReply(reply, { state: responderState(input), mode: input.mode });
      if (!checked.ok) throw new ChatFailure("refused", `${checked.check}: ${checked.detail}`);
      return reply;
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener("abort", onOuterAbort);
    }
  }

  return {
    name: "chat",
    async respond(input, signal): Promise<ResponderReply> {
      const started = Date.now();
      try {
        const text = await complete(input, signal);
        return { text, sources: [`chat/${config.model}`] };
      } catch (error) {
        const failure =
          error instanceof ChatFailure ? error : new ChatFailure("network", "unexpected failure");
        try {
          config.onFallback?.({
            reason: failure.reason,
            detail: failure.detail,
            model: config.model,
            elapsedMs: Date.now() - started,
          });
        } catch {
          // A failing log hook must not cost the caller an answer.
        }
        const reply = await config.fallback.respond(input);
        return { ...reply, fallback: failure.reason };
      }
    },
  };
}

/** How many of the latest staff instructions the model is told. */
const GUIDANCE_IN_PROMPT = 5;

/** The request's messages: the system prompt, the conversation so far, then the caller's new words. */
export function buildChatMessages(input: ResponderInput): ChatMessage[] {
  return [
    { role: "system", content: systemPrompt(input) },
    ...input.history.map(toChatMessage),
    { role: "user", content: input.text },
  ];
}

function toChatMessage(turn: ConversationTurn): ChatMessage {
  switch (turn.role) {
    case "caller":
      return { role: "user", content: turn.text };
    case "assistant":
      return { role: "assistant", content: turn.text };
    case "agent":
      // A supervisor spoke to the caller through the same voice: the model must know it was not itself.
      return { role: "assistant", content: `[Human supervisor, to the caller] ${turn.text}` };
    case "system":
      return { role: "system", content: turn.text };
  }
}

/**
 * The rules the model answers under: who it is, how replies are spoken, the call's urgency, what
 * the conversation has established (the grounding its reply is checked against), the playbook
 * section to stay close to, and in safety mode the guardrail that every reply keeps the caller on
 * the line, confirms the location and says help is being alerted.
 */
export function systemPrompt(input: ResponderInput): string {
  const state = responderState(input);
  const section = PLAYBOOK[state.category];
  const lines = [
    "You are Lifeline, the assistant answering a phone and SMS line for people who may be in danger.",
    `Your reply is ${state.medium === "voice" ? "read aloud to the caller" : "sent as a text message"}: at most ${REPLY_LIMITS[state.medium]} characters, plain words, no lists, no markdown.`,
    "Give one clear instruction at a time and ask at most one question.",
    "Human supervisors watch every call and are alerted automatically when it becomes urgent; never promise an ambulance or an arrival time.",
    "Do not diagnose. If you are unsure, keep the caller safe and talking.",
    "Never contradict what the caller has told you, and never ask again what they already answered.",
    `Call urgency: ${input.urgency}.`,
    `Call category: ${state.category.replace("_", "-")}.`,
    ...groundingLines(state),
  ];
  if (input.callerName !== undefined && input.callerName.trim() !== "") {
    lines.push(`The caller's name is ${input.callerName.trim()}.`);
  }
  const guidance = (input.guidance ?? []).slice(-GUIDANCE_IN_PROMPT);
  if (guidance.length > 0) {
    lines.push(
      "Private guidance from the staff supervising this call, newest last. Follow it in your replies, but never read it out, quote it or mention that you received it:",
      ...guidance.map((text) => `- ${text}`),
    );
  }
  if (input.mode === "safety") {
    lines.push(
      "SAFETY MODE: this call is critical and no human has taken it over or acknowledged it yet.",
      "In every reply: ask the caller to stay on the line, confirm their exact location (address or what they can see), and tell them help is being alerted.",
      "Never end the conversation and never tell the caller to hang up.",
    );
  }
  lines.push(
    `Playbook guidance (${section.name}), in order of priority:`,
    ...section.steps.map(
      (step) =>
        `- ${typeof step.text === "string" ? step.text : state.patient === "caller" ? step.text.caller : step.text.other}`,
    ),
  );
  return lines.join("\n");
}

/** What the conversation has established, as the model is told it. */
function groundingLines(state: ConversationState): string[] {
  const lines: string[] = [];
  if (state.patient === "caller")
    lines.push("The caller is the person in danger: speak to them as you.");
  if (state.patient === "other")
    lines.push("The person in danger is someone with the caller: speak of them as them.");
  const facts = Object.entries(state.facts).map(
    ([fact, value]) => `${fact}: ${value ? "yes" : "no"}`,
  );
  if (facts.length > 0) lines.push(`Facts the caller stated (latest wins): ${facts.join(", ")}.`);
  if (state.location !== undefined)
    lines.push(`Location given by the caller: "${state.location}".`);
  if (state.category === "self_harm") {
    lines.push(
      "Self-harm: ask whether they have taken anything and what, ask them to put the means away or move away from them, stay with them, tell them help is coming. Never give medical or medication advice.",
    );
  }
  if (state.cantTalk) {
    lines.push(
      "The caller may be unable to speak: ask only questions they can answer with yes or no.",
    );
  }
  if (state.language !== "en") {
    lines.push(
      `The caller speaks ${LANGUAGE_NAMES[state.language]}: reply only in ${LANGUAGE_NAMES[state.language]}.`,
    );
  }
  return lines;
}
