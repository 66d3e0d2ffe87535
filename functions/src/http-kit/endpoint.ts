/**
 * The request pipeline every endpoint shares: method check, error-to-status mapping, JSON replies.
 * firebase-functions turns an error thrown from `onRequest` into a bare 500, so nothing escapes here.
 */
import type { Request } from "firebase-functions/v2/https";
import type { Response } from "express";
import { logger } from "firebase-functions/logger";
import { HttpError } from "./errors.js";
import { TenantMoving } from "../store/instances.js";
import { isRequestId } from "@lifeline/model";

export type Handler = (request: Request, response: Response) => Promise<unknown>;

export interface EndpointOptions {
  /**
   * The endpoint reads its own path segments (`members/{tenantId}/{uid}`). Without it the function
   * is one resource: any path below it is a 404, answered before anything is read or written, so
   * `speechTurn/extra/segments` never reaches a handler that would ignore the extra part.
   */
  readonly routed?: boolean;
}

/** True for the function's own URL: no path below it. */
function isRootPath(path: string): boolean {
  return path === "" || path === "/";
}

/**
 * Wraps an endpoint: 404 for a path below a single-resource endpoint, 405 for other methods, and
 * every failure mapped to its JSON error body.
 */
export function endpoint(
  methods: readonly string[],
  handle: Handler,
  options: EndpointOptions = {},
) {
  return async (request: Request, response: Response): Promise<void> => {
    try {
      if (options.routed !== true && !isRootPath(request.path)) {
        throw new HttpError("NOT_FOUND", "No such resource: this endpoint has no sub-paths.");
      }
      if (!methods.includes(request.method)) {
        throw new HttpError("METHOD_NOT_ALLOWED", `Use ${methods.join(" or ")}.`, {
          headers: { Allow: methods.join(", ") },
        });
      }
      const body = await handle(request, response);
      if (!response.headersSent) response.status(200).json(body);
    } catch (error) {
      sendError(response, error);
    }
  };
}

/**
 * A tenant in the middle of a move is a 503 a client can act on: `details.reason` says why and
 * `Retry-After` when to try again (the dashboard reconnects to the new instance after the move).
 */
function moving(error: TenantMoving): HttpError {
  return new HttpError("UNAVAILABLE", "The tenant is moving to another database; retry shortly.", {
    details: { reason: "tenant_moving", tenantId: error.tenantId, to: error.move.to },
    headers: { "Retry-After": String(TenantMoving.RETRY_AFTER_SECONDS) },
    cause: error,
  });
}

export function sendError(response: Response, error: unknown): void {
  const httpError =
    error instanceof HttpError
      ? error
      : error instanceof TenantMoving
        ? moving(error)
        : new HttpError("INTERNAL", "Internal error.", { cause: error });
  if (httpError.code === "INTERNAL") {
    logger.error("request failed", { error: describeCause(httpError.cause) });
  }
  if (response.headersSent) return;
  response.set(httpError.headers).status(httpError.httpStatus).json(httpError.toBody());
}

function describeCause(cause: unknown): string {
  if (cause instanceof Error) return cause.stack ?? cause.message;
  if (typeof cause === "string") return cause;
  // JSON.stringify returns undefined for undefined, functions and symbols, whatever its type says.
  const json = JSON.stringify(cause) as string | undefined;
  return json ?? typeof cause;
}

/**
 * The id segments of a request path such as `/{tenantId}/{id}`: one to `max` ids that pass the
 * request-id rule (`isRequestId`), URL-decoded; undefined for anything else (empty, too many
 * segments, bad encoding, a lone surrogate, an invalid or reserved id).
 */
export function idSegments(path: string, max: number): string[] | undefined {
  let segments: string[];
  try {
    segments = path
      .split("/")
      .filter((segment) => segment !== "")
      .map(decodeURIComponent);
  } catch {
    return undefined;
  }
  if (segments.length < 1 || segments.length > max || !segments.every(isRequestId))
    return undefined;
  return segments;
}

/** `endpoint` for a function that routes its own path segments (`members/{tenantId}/{uid}`). */
export function routedEndpoint(methods: readonly string[], handle: Handler) {
  return endpoint(methods, handle, { routed: true });
}
