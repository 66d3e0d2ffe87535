/**
 * The request pipeline every endpoint shares: method check, error-to-status mapping, JSON replies.
 * firebase-functions turns an error thrown from `onRequest` into a bare 500, so nothing escapes here.
 */
import type { Request } from "firebase-functions/v2/https";
import type { Response } from "express";
import { logger } from "firebase-functions";
import { HttpError } from "./errors.js";
import { isValidId } from "./paths.js";

export type Handler = (request: Request, response: Response) => Promise<unknown>;

/** Wraps an endpoint: rejects other methods with 405 and maps every failure to its JSON error body. */
export function endpoint(methods: readonly string[], handle: Handler) {
  return async (request: Request, response: Response): Promise<void> => {
    try {
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

export function sendError(response: Response, error: unknown): void {
  const httpError =
    error instanceof HttpError
      ? error
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
 * The id segments of a request path such as `/{tenantId}/{id}`: one to `max` valid ids, URL-decoded;
 * undefined for anything else (empty, too many segments, bad encoding, an invalid id).
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
  if (segments.length < 1 || segments.length > max || !segments.every(isValidId)) return undefined;
  return segments;
}
