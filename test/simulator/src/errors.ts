// The single error type the simulator's handlers throw, and the JSON body it becomes.
import type { AnyErrorBody, ApiErrorBody, ErrorBodyShape } from "./types";

/** An HTTP error answer: status, machine-readable code, message, and optionally the offending field and value. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
    readonly value?: unknown,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }

  /** The JSON body of this error, in the one format every endpoint of a run uses (nested unless the run chose another). */
  toBody(shape: ErrorBodyShape = "nested"): AnyErrorBody {
    if (shape === "flat") return { error: this.message };
    if (shape === "list") return { errors: [this.field === undefined ? { message: this.message } : { field: this.field, message: this.message }] };
    const error: ApiErrorBody["error"] = { status: this.status, code: this.code, message: this.message };
    if (this.field !== undefined) error.field = this.field;
    if (this.value !== undefined) error.value = this.value;
    return { error };
  }
}

/** A 422 validation_failed error naming the field and the value that was refused. */
export function validationError(field: string, value: unknown, message: string): ApiError {
  return new ApiError(422, "validation_failed", message, field, value);
}

/** A 404 not_found error for a resource that does not exist. */
export function notFound(message: string, field?: string, value?: unknown): ApiError {
  return new ApiError(404, "not_found", message, field, value);
}

/** A 429 rate_limited error carrying a Retry-After of at least one whole second. */
export function rateLimited(message: string, retryAfterSeconds: number): ApiError {
  const seconds = Math.max(1, Math.ceil(retryAfterSeconds));
  return new ApiError(429, "rate_limited", message, undefined, undefined, { "retry-after": String(seconds) });
}
