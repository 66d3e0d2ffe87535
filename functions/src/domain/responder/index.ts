/**
 * What the speech turn asks of whoever answers the caller. The product runs with the offline
 * playbook responder; a chat-completions responder can be configured on top of it and always falls
 * back to the playbook, so a caller gets an answer whatever the network does.
 */
import type { MESSAGE_ROLES, Urgency } from "@lifeline/model";
import {
  createChatResponder,
  type ChatResponderConfig,
  type FallbackEvent,
} from "./chat.js";
import { createPlaybookResponder } from "./playbook.js";

/**
 * What a call is about. Triage picks one; the playbook has a section for each. Self-harm has a
 * section of its own because the general advice would be wrong for it.
 */
export const CATEGORIES = [
  "fire",
  "medical",
  "injury",
  "chemical",
  "violence",
  "lost",
  "self_harm",
  "general",
] as const;
export type Category = (typeof CATEGORIES)[number];

/**
 * `safety` while a critical call has no human owner and its alert is unacknowledged: the reply
 * keeps the caller on the line, confirms the location and says help is being alerted.
 */
export type ResponderMode = "normal" | "safety";

export type TurnRole = (typeof MESSAGE_ROLES)[number];

/** One earlier message of the call, oldest first. `agent` is a human supervisor speaking to the caller. */
export interface ConversationTurn {
  readonly role: TurnRole;
  readonly text: string;
}

export interface ResponderInput {
  /** What the caller just said; not repeated in `history`. */
  readonly text: string;
  readonly history: readonly ConversationTurn[];
  /** The call's urgency after this turn's triage. */
  readonly urgency: Urgency;
  /** The call's category from triage; the responder classifies the conversation itself when absent. */
  readonly category?: Category;
  readonly mode: ResponderMode;
  readonly callerName?: string;
}

export type FallbackReason = "timeout" | "aborted" | "network" | "http" | "malformed" | "empty";

export interface ResponderReply {
  readonly text: string;
  /** Where the answer came from: playbook sections (`playbook/fire#evacuate`) or `chat/<model>`. */
  readonly sources: readonly string[];
  /** Set when a configured chat responder failed and the playbook answered instead. */
  readonly fallback?: FallbackReason;
}

export interface Responder {
  /** Short name for logs: `playbook` or `chat`. */
  readonly name: string;
  /** Never rejects for a caller's sake: an answer comes back even when `signal` aborts. */
  respond(input: ResponderInput, signal?: AbortSignal): Promise<ResponderReply>;
}

/**
 * Where the chat endpoint is and how long a turn may wait for it. Values come from params and a
 * secret; empty strings mean "not configured", which is how unset params arrive.
 */
export interface ResponderConfig {
  readonly chat?: {
    readonly baseUrl?: string;
    readonly model?: string;
    readonly apiKey?: string;
    readonly budgetMs?: number;
    readonly maxTokens?: number;
    readonly temperature?: number;
  };
  /** Told about every fallback to the playbook, for logging. */
  readonly onFallback?: (event: FallbackEvent) => void;
  /** Replaces the global fetch (tests, proxies). */
  readonly fetch?: typeof fetch;
}

/** A turn's whole pipeline has a few hundred milliseconds to spare; the chat call gets most of it. */
export const DEFAULT_CHAT_BUDGET_MS = 2500;

/** The chat responder when a base URL and a model are configured, the playbook otherwise. */
export function createResponder(config: ResponderConfig = {}): Responder {
  const playbook = createPlaybookResponder();
  const baseUrl = config.chat?.baseUrl?.trim() ?? "";
  const model = config.chat?.model?.trim() ?? "";
  if (baseUrl === "" || model === "") return playbook;
  const chatConfig: ChatResponderConfig = {
    baseUrl,
    model,
    apiKey: config.chat?.apiKey ?? "",
    budgetMs: config.chat?.budgetMs ?? DEFAULT_CHAT_BUDGET_MS,
    fallback: playbook,
    ...(config.chat?.maxTokens === undefined ? {} : { maxTokens: config.chat.maxTokens }),
    ...(config.chat?.temperature === undefined ? {} : { temperature: config.chat.temperature }),
    ...(config.onFallback ? { onFallback: config.onFallback } : {}),
    ...(config.fetch ? { fetch: config.fetch } : {}),
  };
  return createChatResponder(chatConfig);
}
