/**
 * The REST API (spec §10): data reads and writes on `/<path>.json`, and the emulator-only endpoints
 * the tooling calls (`/.settings/rules.json`, `/.settings/functionTriggers.json`,
 * `/.inspect/databases.json`, `/.inspect/stats.json`). Every answer is JSON; every failure is `{"error": "…"}` with a status
 * a client can act on, and nothing is written when a request is refused.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { InvalidPathError, parsePath } from "../engine/path.js";
import type { TriggerRegistry } from "../engine/triggers.js";
import type { Engine } from "../engine/types.js";
import { handleData } from "./data.js";
import { RestError, sendError, type RestOptions, type RestRequest } from "./http.js";
import { handleInspect, handleRules, handleStats, handleTriggerRegistration } from "./settings.js";

export { DEFAULT_MAX_REST_BODY_BYTES, type RestOptions } from "./http.js";

const DEFAULT_NAMESPACE = "fake-server";

const CORS_HEADERS: Readonly<Record<string, string>> = {
  "Access-Control-Allow-Origin": "*",
  "Access-Control-Allow-Methods": "GET, PUT, POST, PATCH, DELETE, OPTIONS",
  "Access-Control-Expose-Headers": "ETag",
  "Access-Control-Max-Age": "86400",
};
const DEFAULT_ALLOWED_HEADERS =
  "Authorization, Content-Type, X-HTTP-Method-Override, X-Firebase-ETag, If-Match";

/**
 * Answers one HTTP request that is not a WebSocket or long-polling one. Never rejects: refusals are
 * `{"error"}` answers, and anything unexpected is logged and answered with a 500.
 */
export async function handleRest(
  engine: Engine,
  triggers: TriggerRegistry,
  req: IncomingMessage,
  res: ServerResponse,
  options: RestOptions = {},
): Promise<void> {
  try {
    for (const [name, value] of Object.entries(CORS_HEADERS)) res.setHeader(name, value);
    const url = new URL(req.url ?? "/", "http://localhost");
    // Only a POST may stand in for another method, so a plain GET (a link, an image) never writes.
    const override = req.method === "POST" ? req.headers["x-http-method-override"] : undefined;
    const method = (
      typeof override === "string" && override !== "" ? override : (req.method ?? "GET")
    ).toUpperCase();
    const namespace = url.searchParams.get("ns") || DEFAULT_NAMESPACE;
    const request: RestRequest = { req, res, url, method, namespace, options };

    if (req.method === "OPTIONS") {
      const asked = req.headers["access-control-request-headers"];
      res.writeHead(204, { "Access-Control-Allow-Headers": asked ?? DEFAULT_ALLOWED_HEADERS });
      res.end();
      return;
    }
    await route(engine, triggers, request);
  } catch (error) {
    if (error instanceof RestError) {
      sendError(res, error);
      return;
    }
    console.error("rtdb-emulator: REST request failed", error);
    if (res.headersSent) {
      res.destroy();
      return;
    }
    sendError(res, new RestError(500, "Internal error"));
  }
}

async function route(
  engine: Engine,
  triggers: TriggerRegistry,
  request: RestRequest,
): Promise<void> {
  const pathname = request.url.pathname;
  if (pathname === "/.settings/rules.json") return handleRules(engine, request);
  if (pathname === "/.settings/functionTriggers.json")
    return handleTriggerRegistration(triggers, request);
  if (pathname === "/.inspect/databases.json") {
    handleInspect(engine, request);
    return;
  }
  if (pathname === "/.inspect/stats.json") {
    handleStats(engine, request);
    return;
  }
  if (pathname.startsWith("/.settings/") || pathname.startsWith("/.inspect/")) {
    throw new RestError(404, `Unknown emulator endpoint ${pathname}`);
  }
  if (!pathname.endsWith(".json")) {
    throw new RestError(404, "Not found. REST paths end in .json, e.g. /users/alice.json");
  }
  return handleData(engine, request, dataPath(pathname));
}

function dataPath(pathname: string): string[] {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname.slice(0, -".json".length));
  } catch {
    throw new RestError(400, `Invalid path: bad percent-encoding in ${pathname}`);
  }
  try {
    return parsePath(decoded);
  } catch (error) {
    if (error instanceof InvalidPathError) throw new RestError(400, error.message);
    throw error;
  }
}
