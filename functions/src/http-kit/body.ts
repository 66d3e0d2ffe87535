/**
 * JSON request bodies, checked at the edge: 415 for anything but JSON, 413 over the endpoint's size
 * limit, 400 with zod's issues when the shape is wrong. The platform's body parser has already
 * turned the bytes into `request.body` (and refused malformed JSON with its own 400); what is left
 * is to hold the parsed value to a schema before anything reads it. Before the schema, every
 * string in the body (keys included) must be well-formed UTF-16 and the nesting shallow: a lone
 * surrogate has no UTF-8 form, so the stores would each mangle or refuse it, and free text goes
 * into them as much as ids do.
 */
import type { z } from "zod";
import { HttpError } from "./errors.js";
import { isWellFormedText } from "@lifeline/model";

/** Default limit for endpoints whose bodies are a handful of fields. */
export const DEFAULT_BODY_LIMIT_BYTES = 16 * 1024;

/** What this module needs of a request: the part of express's `Request` it reads. */
export interface JsonRequest {
  readonly body: unknown;
  readonly rawBody?: Buffer;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
}

function headerValue(request: JsonRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** True for `application/json` and `application/*+json`, with or without parameters. */
export function isJsonContentType(contentType: string | undefined): boolean {
  if (contentType === undefined) return false;
  const mediaType = contentType.split(";")[0]?.trim().toLowerCase() ?? "";
  return mediaType === "application/json" || /^application\/[\w.+-]+\+json$/.test(mediaType);
}

/** The body's size in bytes: the raw bytes when the platform kept them, else Content-Length. */
function bodySize(request: JsonRequest): number {
  if (request.rawBody !== undefined) return request.rawBody.length;
  const declared = Number(headerValue(request, "content-length") ?? "0");
  return Number.isFinite(declared) ? declared : 0;
}

/** A zod issue as it goes out: where, what kind, what is wrong. Never the offending input. */
export interface PublicIssue {
  readonly path: (string | number)[];
  readonly code: string;
  readonly message: string;
}

export function publicIssues(issues: readonly z.core.$ZodIssue[]): PublicIssue[] {
  return issues.map((issue) => ({
    path: issue.path.map((key) => (typeof key === "symbol" ? String(key) : key)),
    code: issue.code,
    message: issue.message,
  }));
}

/** 400 with the issues in `details.issues`: the one shape of every bad-input answer. */
export function invalidArgument(message: string, issues: PublicIssue[]): HttpError {
  return new HttpError("INVALID_ARGUMENT", message, { details: { issues } });
}

/** No request body of ours is nested deeper than a few levels; this is far beyond any of them. */
export const MAX_BODY_DEPTH = 16;

/**
 * The first string (value or key) of `body` that holds a lone surrogate, or the first place it is
 * nested deeper than `MAX_BODY_DEPTH`, as an issue; undefined when there is none. Iterative, so a
 * body nested thousands deep costs no stack.
 */
export function textIssue(body: unknown): PublicIssue | undefined {
  const pending: { value: unknown; path: (string | number)[] }[] = [{ value: body, path: [] }];
  for (let item = pending.pop(); item !== undefined; item = pending.pop()) {
    const { value, path } = item;
    if (typeof value === "string") {
      if (!isWellFormedText(value)) {
        return { path, code: "invalid_string", message: "contains a lone UTF-16 surrogate" };
      }
      continue;
    }
    if (typeof value !== "object" || value === null) continue;
    if (path.length >= MAX_BODY_DEPTH) {
      return { path, code: "too_deep", message: `nested deeper than ${MAX_BODY_DEPTH} levels` };
    }
    const entries: [string | number, unknown][] = Array.isArray(value)
      ? value.map((child: unknown, index) => [index, child])
      : Object.entries(value);
    for (const [key, child] of entries) {
      if (typeof key === "string" && !isWellFormedText(key)) {
        return { path, code: "invalid_key", message: "a key contains a lone UTF-16 surrogate" };
      }
      pending.push({ value: child, path: [...path, key] });
    }
  }
  return undefined;
}

/** Parses the request's JSON body with `schema`; throws 415, 413 or 400 as an `HttpError`. */
export function parseJsonBody<Schema extends z.ZodType>(
  request: JsonRequest,
  schema: Schema,
  limitBytes: number = DEFAULT_BODY_LIMIT_BYTES,
): z.output<Schema> {
  if (!isJsonContentType(headerValue(request, "content-type"))) {
    throw new HttpError("UNSUPPORTED_MEDIA_TYPE", "Send the body as application/json.", {
      headers: { Accept: "application/json" },
    });
  }
  const size = bodySize(request);
  if (size > limitBytes) {
    throw new HttpError(
      "PAYLOAD_TOO_LARGE",
      `The body is ${size} bytes; the limit is ${limitBytes}.`,
    );
  }
  const textual = textIssue(request.body);
  if (textual !== undefined) throw invalidArgument("The request body is not valid.", [textual]);
  const result = schema.safeParse(request.body);
  if (!result.success) {
    throw invalidArgument("The request body is not valid.", publicIssues(result.error.issues));
  }
  return result.data;
}
