/**
 * The one error type of the HTTPS surface, with a closed set of codes and one code → status table.
 * The `cause` is for logs only; responses carry `status`, `message` and optional `details`.
 */
export const STATUS_BY_CODE = {
  INVALID_ARGUMENT: 400,
  UNAUTHENTICATED: 401,
  PERMISSION_DENIED: 403,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  ALREADY_EXISTS: 409,
  FAILED_PRECONDITION: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  RESOURCE_EXHAUSTED: 429,
  INTERNAL: 500,
  UNAVAILABLE: 503,
} as const;

export type ErrorCode = keyof typeof STATUS_BY_CODE;

export interface ErrorBody {
  error: { status: ErrorCode; message: string; details?: unknown };
}

export class HttpError extends Error {
  readonly code: ErrorCode;
  readonly details: unknown;
  /** Extra response headers, e.g. `WWW-Authenticate` for 401 or `Retry-After` for 429. */
  readonly headers: Readonly<Record<string, string>>;

  constructor(
    code: ErrorCode,
    message: string,
    options: { details?: unknown; headers?: Record<string, string>; cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = "HttpError";
    this.code = code;
    this.details = options.details;
    this.headers = options.headers ?? {};
  }

  get httpStatus(): number {
    return STATUS_BY_CODE[this.code];
  }

  toBody(): ErrorBody {
    return {
      error: {
        status: this.code,
        message: this.message,
        ...(this.details === undefined ? {} : { details: this.details }),
      },
    };
  }
}

/** A 500 whose cause goes to the logs only. */
export function internal(cause: unknown): HttpError {
  return new HttpError("INTERNAL", "Internal error.", { cause });
}
