/**
 * The speech turn's responder, built on the first turn from the params. The responder factory and
 * the chat responder it may build (an OpenAI-compatible endpoint) are imported then, not at load:
 * no other function needs them, and a deployment without a chat endpoint answers from the playbook.
 */
import { logger } from "firebase-functions/logger";
import type { Responder } from "../../domain/responder/index.js";
import {
  responderApiKey,
  responderBaseUrl,
  responderBudgetMs,
  responderModel,
} from "../../params.js";

let responder: Promise<Responder> | undefined;

export function turnResponder(): Promise<Responder> {
  responder ??= import("../../domain/responder/index.js").then(({ createResponder }) =>
    createResponder({
      chat: {
        baseUrl: responderBaseUrl.value(),
        model: responderModel.value(),
        apiKey: responderApiKey.value(),
        budgetMs: responderBudgetMs.value(),
      },
      onFallback: (event) => {
        logger.warn("responder fell back to the playbook", { ...event });
      },
    }),
  );
  // A failed build is not kept: the next turn tries again.
  responder.catch(() => {
    responder = undefined;
  });
  return responder;
}
