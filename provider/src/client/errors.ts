// One error family for everything the Callbell client can fail with. Each error carries the
// HTTP method, the API path (never the base URL's credentials, never a header) and Callbell's
// own message, with every known secret redacted — these messages end up in `pulumi up` output
// and CI logs, so they must be safe to print and useful without a stack trace.

/** Facts about one failed exchange with the Callbell API. */
export interface FailureDetails {
  method: string;
  path: string;
  status?: number;
  /** Callbell's own message, from the error body when there is one. */
  apiMessage?: string;
  /** The input field Callbell (or the simulator) blamed, when it said. */
  field?: string;
  /** Network error code such as ECONNRESET or ECONNABORTED, when no answer came. */
  networkCode?: string;
  /** Milliseconds the server asked us to wait (Retry-After). */
  retryAfterMs?: number;
}

/** Base class: every failure talking to Callbell. */
export class CallbellError extends Error {
  readonly method: string;
  readonly path: string;
  readonly status?: number;
  readonly apiMessage?: string;
  readonly field?: string;
  readonly networkCode?: string;
  readonly retryAfterMs?: number;

  constructor(details: FailureDetails, headline: string) {
    super(`${headline}: ${details.method} ${details.path}${details.status ? ` answered ${details.status}` : ""}` +
      (details.apiMessage ? ` — ${details.apiMessage}` : ""));
    this.name = new.target.name;
    this.method = details.method;
    this.path = details.path;
    this.status = details.status;
    this.apiMessage = details.apiMessage;
    this.field = details.field;
    this.networkCode = details.networkCode;
    this.retryAfterMs = details.retryAfterMs;
  }
}

/** 401/403: the token is missing, wrong or lacks access. */
export class CallbellAuthError extends CallbellError {
  constructor(d: FailureDetails) {
    super(d, "Callbell rejected the API token (check callbell:apiToken or CALLBELL_API_TOKEN)");
  }
}

/** 404: the contact (or other object) does not exist. */
export class CallbellNotFoundError extends CallbellError {
  constructor(d: FailureDetails) { super(d, "Not found in Callbell"); }
}

/** 400/409/413/415/422: Callbell refused the request's content. */
export class CallbellValidationError extends CallbellError {
  constructor(d: FailureDetails) {
    super(d, d.field ? `Callbell refused the value of '${d.field}'` : "Callbell refused the request");
  }
}

/** 429: too many requests, still so after the retries allowed. */
export class CallbellRateLimitError extends CallbellError {
  constructor(d: FailureDetails) { super(d, "Callbell rate limit still exceeded after retries"); }
}

/** 5xx: Callbell failed, still so after the retries allowed. */
export class CallbellServerError extends CallbellError {
  constructor(d: FailureDetails) { super(d, "Callbell server error"); }
}

/** No answer at all: time-out, reset, refused connection. */
export class CallbellNetworkError extends CallbellError {
  constructor(d: FailureDetails) {
    super(d, `No answer from Callbell (${d.networkCode ?? "network error"})`);
  }
}

/** An answer that is not what the API documents: not JSON, an HTML page, a wrong shape. */
export class CallbellResponseError extends CallbellError {
  constructor(d: FailureDetails) { super(d, "Unexpected answer from Callbell"); }
}

/** Picks the error class for a failure: the one factory every caller goes through. */
export function callbellErrorFor(details: FailureDetails): CallbellError {
  const s = details.status;
  if (s === undefined) return new CallbellNetworkError(details);
  if (s === 401 || s === 403) return new CallbellAuthError(details);
  if (s === 404) return new CallbellNotFoundError(details);
  if (s === 429) return new CallbellRateLimitError(details);
  if (s >= 500) return new CallbellServerError(details);
  if (s >= 400) return new CallbellValidationError(details);
  return new CallbellResponseError(details);
}

/** Replaces every occurrence of each secret (of 4+ characters) with "[REDACTED]". */
export function redact(text: string, secrets: readonly (string | undefined)[]): string {
  let out = text;
  for (const secret of secrets) {
    if (secret && secret.length >= 4) out = out.split(secret).join("[REDACTED]");
  }
  return out;
}
