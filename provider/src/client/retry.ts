// Retry rules as data plus pure functions, so the policy can be read in one place and tested
// without a network. The transport (http.ts) asks `decideRetry` after every failed attempt.

/** What the client knows about one failed attempt. */
export interface AttemptFailure {
  method: string;
  /** HTTP status, absent when no answer came. */
  status?: number;
  /** Node/axios error code when no answer came (ECONNRESET, ECONNABORTED, ...). */
  networkCode?: string;
  /** Delay the server asked for via Retry-After, in milliseconds. */
  retryAfterMs?: number;
}

/** The retry policy: every number and list the decision depends on. */
export interface RetryPolicy {
  /** Retries after the first attempt (so attempts = maxRetries + 1). */
  maxRetries: number;
  /** First backoff step; doubles each retry. */
  baseDelayMs: number;
  /** Cap for one backoff step, before jitter. */
  maxDelayMs: number;
  /** Longest Retry-After we accept; longer ones are capped to this. */
  maxRetryAfterMs: number;
  /** Statuses that are retried (for methods where a retry cannot duplicate). */
  retryStatuses: readonly number[];
  /** Network codes meaning "no answer", retried like a 5xx. */
  retryNetworkCodes: readonly string[];
  /** Network codes proving the request never reached the server: safe to retry even for POST. */
  neverSentCodes: readonly string[];
}

/** Defaults: 6 retries, 200 ms doubling to 8 s with full jitter, Retry-After up to 60 s honoured. */
export const defaultRetryPolicy: RetryPolicy = {
  maxRetries: 6,
  baseDelayMs: 200,
  maxDelayMs: 8_000,
  maxRetryAfterMs: 60_000,
  retryStatuses: [429, 500, 502, 503, 504],
  retryNetworkCodes: ["ECONNRESET", "ECONNABORTED", "ETIMEDOUT", "EPIPE", "ECONNREFUSED", "EAI_AGAIN", "ERR_SOCKET_CONNECTION_TIMEOUT", "ERR_BAD_RESPONSE"],
  neverSentCodes: ["ECONNREFUSED", "EAI_AGAIN"],
};

/** The outcome of asking whether to retry. */
export type RetryDecision =
  | { retry: true; delayMs: number; reason: string }
  | { retry: false; reason: string };

/**
 * True when a write may have taken effect although we saw a failure: a 5xx or a lost answer.
 * A POST in that state must not be re-sent blindly: Callbell has no idempotency key.
 */
export function isAmbiguousFailure(policy: RetryPolicy, f: AttemptFailure): boolean {
  if (f.status !== undefined) return f.status >= 500;
  return !policy.neverSentCodes.includes(f.networkCode ?? "");
}

/** Capped exponential backoff with full jitter: uniform in [0, min(max, base·2^retry)]. */
export function backoffDelay(policy: RetryPolicy, retryNumber: number, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** retryNumber);
  return Math.round(random() * ceiling);
}

/**
 * Ordered rules; the first that applies decides. `retryNumber` counts retries already made.
 */
export function decideRetry(policy: RetryPolicy, retryNumber: number, f: AttemptFailure, random: () => number = Math.random): RetryDecision {
  // 1. Out of budget.
  if (retryNumber >= policy.maxRetries) return { retry: false, reason: `gave up after ${retryNumber} retries` };
  // 2. 429 means the request was not processed: always safe, wait at least what the server asked.
  if (f.status === 429) {
    const asked = Math.min(f.retryAfterMs ?? 0, policy.maxRetryAfterMs);
    return { retry: true, delayMs: Math.max(asked, backoffDelay(policy, retryNumber, random)), reason: "rate limited" };
  }
  // 3. Any other 4xx is about the request itself: a retry would get the same answer.
  if (f.status !== undefined && f.status < 500) return { retry: false, reason: `status ${f.status} is not retryable` };
  // 4. A POST that may have been committed is left to the caller, which must look before it re-sends.
  if (f.method.toUpperCase() === "POST" && isAmbiguousFailure(policy, f)) {
    return { retry: false, reason: "a POST whose outcome is unknown is never re-sent blindly" };
  }
  // 5. Server errors and lost answers on idempotent requests (GET, PATCH with a full value, DELETE).
  const retryable = f.status !== undefined
    ? policy.retryStatuses.includes(f.status)
    : policy.retryNetworkCodes.includes(f.networkCode ?? "");
  if (!retryable) return { retry: false, reason: `${f.status ?? f.networkCode ?? "failure"} is not retryable` };
  const delayMs = Math.max(Math.min(f.retryAfterMs ?? 0, policy.maxRetryAfterMs), backoffDelay(policy, retryNumber, random));
  return { retry: true, delayMs, reason: `transient ${f.status ?? f.networkCode}` };
}

/** Parses a Retry-After header (seconds or an HTTP date) into milliseconds from `now`. */
export function parseRetryAfter(header: unknown, now: number = Date.now()): number | undefined {
  if (typeof header !== "string" && typeof header !== "number") return undefined;
  const text = String(header).trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
