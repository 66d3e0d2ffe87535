/**
 * The emulator-only endpoints the tooling calls: `/.settings/rules.json`,
 * `/.settings/functionTriggers.json` (both owner only), `/.inspect/databases.json` and
 * `/.inspect/stats.json` (owner only).
 */
import { TriggerRegistrationError, type TriggerRegistry } from "../engine/triggers.js";
import type { Engine } from "../engine/types.js";
import { RulesError } from "../rules/index.js";
import { parseJson, toPlain } from "../rules/json.js";
import {
  RestError,
  parseJsonBody,
  readBody,
  requireOwner,
  sendJson,
  type RestRequest,
} from "./http.js";

export async function handleRules(engine: Engine, request: RestRequest): Promise<void> {
  requireOwner(request);
  if (request.method === "GET") {
    const source = engine.getRules(request.namespace);
    if (request.url.searchParams.get("format") !== "strict") {
      request.res.writeHead(200, { "Content-Type": "application/json; charset=utf-8" });
      request.res.end(source);
      return;
    }
    sendJson(request.res, 200, toPlain(parseJson(source)), true);
    return;
  }
  if (request.method === "PUT") {
    const source = await readBody(request, false);
    try {
      engine.setRules(request.namespace, source);
    } catch (error) {
      // A broken rules file is the caller's problem, and the old rules stay in force.
      if (error instanceof RulesError) throw new RestError(400, error.message);
      throw error;
    }
    sendJson(request.res, 200, { status: "ok" }, false);
    return;
  }
  throw new RestError(405, `Method ${request.method} is not supported on rules`, {
    Allow: "GET, PUT",
  });
}

export async function handleTriggerRegistration(
  triggers: TriggerRegistry,
  request: RestRequest,
): Promise<void> {
  requireOwner(request);
  if (request.method !== "POST" && request.method !== "PUT") {
    throw new RestError(405, `Method ${request.method} is not supported on function triggers`, {
      Allow: "POST",
    });
  }
  const bundle = parseJsonBody(await readBody(request, false));
  try {
    triggers.register(request.url.searchParams.get("ns") ?? undefined, bundle);
  } catch (error) {
    if (error instanceof TriggerRegistrationError) throw new RestError(400, error.message);
    throw error;
  }
  sendJson(request.res, 200, { status: "ok" }, false);
}

export function handleInspect(engine: Engine, request: RestRequest): void {
  if (request.method !== "GET") {
    throw new RestError(405, `Method ${request.method} is not supported`, { Allow: "GET" });
  }
  sendJson(
    request.res,
    200,
    engine.namespaces().map((name) => ({ name })),
    false,
  );
}

/**
 * The writes one namespace applied since it was created, by writer, and its client connections
 * (open, peak, opened): what a benchmark reads before and after a scenario to count its database
 * writes and connections. Owner only, like the settings: the counts
 * tell who writes how often.
 */
export function handleStats(engine: Engine, request: RestRequest): void {
  requireOwner(request);
  if (request.method !== "GET") {
    throw new RestError(405, `Method ${request.method} is not supported`, { Allow: "GET" });
  }
  sendJson(
    request.res,
    200,
    {
      namespace: request.namespace,
      writes: engine.writeStats(request.namespace),
      connections: engine.connectionStats(request.namespace),
    },
    false,
  );
}
