/**
 * Who answers the caller. The product runs with the offline playbook responder; a chat-completions
 * responder can be configured on top of it and always falls back to the playbook, so a caller gets
 * an answer whatever the network does.
 *
 * The chat adapter is loaded on the first turn that asks it for an answer, not when the function
 * starts: a cold start pays only for the playbook, which every turn may need anyway.
 */
import type { ChatResponderConfig } from "./chat.js";
import { createPlaybookResponder } from "./playbook.js";
import type { FallbackEvent, Responder } from "./types.js";

export { CATEGORIES, type Category } from "../categories.js";
export type { ChatResponderConfig } from "./chat.js";
export {
  createPlaybookResponder,
  conversationCategory,
  playbookReply,
  REPLY_LIMITS,
  responderState,
} from "./playbook.js";
export { checkReply, type CheckOutcome, type ReplyCheck } from "./checks.js";
export type {
  ConversationTurn,
  FallbackEvent,
  FallbackReason,
  Responder,
  ResponderInput,
  ResponderMode,
  ResponderReply,
  TurnRole,
} from "./types.js";

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
  return lazyChatResponder({
    baseUrl,
    model,
    apiKey: config.chat?.apiKey ?? "",
    budgetMs: config.chat?.budgetMs ?? DEFAULT_CHAT_BUDGET_MS,
    fallback: playbook,
    ...(config.chat?.maxTokens === undefined ? {} : { maxTokens: config.chat.maxTokens }),
    ...(config.chat?.temperature === undefined ? {} : { temperature: config.chat.temperature }),
    ...(config.onFallback ? { onFallback: config.onFallback } : {}),
    ...(config.fetch ? { fetch: config.fetch } : {}),
  });
}

export type ChatModule = typeof import("./chat.js");

/**
 * The chat responder, its module imported by the first `respond` and kept for the instance. A
 * module that cannot be loaded is a broken deploy, not the caller's problem: the playbook answers,
 * and `onFallback` hears about it like any other fallback.
 */
export function lazyChatResponder(
  config: ChatResponderConfig,
  load: () => Promise<ChatModule> = () => import("./chat.js"),
): Responder {
  let chat: Promise<Responder> | undefined;
  return {
    name: "chat",
    async respond(input, signal) {
      const started = Date.now();
      chat ??= load().then((module) => module.createChatResponder(config));
      let responder: Responder;
      try {
        responder = await chat;
      } catch (error) {
        try {
          config.onFallback?.({
            reason: "unavailable",
            detail: error instanceof Error ? error.name : "load failed",
            model: config.model,
            elapsedMs: Date.now() - started,
          });
        } catch {
          // A failing log hook must not cost the caller an answer.
        }
        return { ...(await config.fallback.respond(input)), fallback: "unavailable" };
      }
      return responder.respond(input, signal);
    },
  };
}
