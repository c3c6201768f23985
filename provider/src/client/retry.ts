// Retry rules as data plus pure functions, so the policy can be read in one place and tested
// without a network. The transport (http.ts) asks `decideRetry` after every failed attempt.

/**
 * What was wrong with an answer's body. "cut-off": the body did not arrive complete (the
 * connection closed, or decompression failed, mid-body); "too-large": decompressed, it is over
 * the client's cap; "invalid": complete, but not the JSON contact the API documents.
 */
export type BodyFault = "cut-off" | "too-large" | "invalid";

/** What the client knows about one failed attempt. */
export interface AttemptFailure {
  method: string;
  /** HTTP status, absent when no answer came. */
  status?: number;
  /** Node/axios error code when no answer came (ECONNRESET, ECONNABORTED, ...). */
  networkCode?: string;
  /** Delay the server asked for via Retry-After, in milliseconds. */
  retryAfterMs?: number;
  /** Set when an answer began (or outgrew the cap) but its body is not usable. */
  bodyFault?: BodyFault;
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
  /** Network codes of an attempt cut short by its deadline or an idle time-out. */
  timeoutCodes: readonly string[];
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
  timeoutCodes: ["ETIMEDOUT", "ECONNABORTED", "ERR_SOCKET_CONNECTION_TIMEOUT"],
};

/** The outcome of asking whether to retry. */
export type RetryDecision = { retry: true; delayMs: number; reason: string } | { retry: false; reason: string };

/** One row of the table that decides whether a failed attempt may still have taken effect. */
export interface OutcomeRule {
  /** The situation, in words that end up in error messages. */
  when: string;
  applies(policy: RetryPolicy, f: AttemptFailure): boolean;
  /** True when, in this situation, a write may or may not have been committed. */
  unknown: boolean;
}

const is2xx = (status: number | undefined) => status !== undefined && status >= 200 && status < 300;

/**
 * Ordered; the first rule that applies decides. Callbell has no idempotency key, so a POST in
 * an "unknown" situation must be followed by a lookup, never by a blind re-send.
 */
export const outcomeRules: readonly OutcomeRule[] = [
  // Connection refused or the name did not resolve: the request never reached Callbell.
  {
    when: "the request never reached Callbell",
    unknown: false,
    applies: (p, f) => f.status === undefined && f.bodyFault === undefined && p.neverSentCodes.includes(f.networkCode ?? ""),
  },
  {
    when: "no complete answer came in the time allowed",
    unknown: true,
    applies: (p, f) => f.status === undefined && p.timeoutCodes.includes(f.networkCode ?? ""),
  },
  { when: "the answer was larger than the client reads", unknown: true, applies: (_p, f) => f.bodyFault === "too-large" },
  { when: "the connection was lost before an answer came", unknown: true, applies: (_p, f) => f.status === undefined },
  // A 4xx or 5xx status says enough even when its body was cut off; a 2xx does not.
  { when: "the answer was cut off before its end", unknown: true, applies: (_p, f) => f.bodyFault === "cut-off" && is2xx(f.status) },
  { when: "Callbell answered success without a valid contact", unknown: true, applies: (_p, f) => f.bodyFault === "invalid" && is2xx(f.status) },
  { when: "Callbell answered a server error", unknown: true, applies: (_p, f) => (f.status ?? 0) >= 500 },
  { when: "the answer says what happened", unknown: false, applies: () => true },
];

/** The situation that makes a failed attempt's outcome unknown, or undefined when it is known. */
export function unknownOutcome(policy: RetryPolicy, f: AttemptFailure): string | undefined {
  const rule = outcomeRules.find((r) => r.applies(policy, f));
  return rule?.unknown ? rule.when : undefined;
}

/**
 * True when a write may have taken effect although we saw a failure (see outcomeRules).
 * A POST in that state must not be re-sent blindly: Callbell has no idempotency key.
 */
export function isAmbiguousFailure(policy: RetryPolicy, f: AttemptFailure): boolean {
  return unknownOutcome(policy, f) !== undefined;
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
  // 3. A POST that may have been committed is left to the caller, which must look before it re-sends.
  if (f.method.toUpperCase() === "POST" && isAmbiguousFailure(policy, f)) {
    return { retry: false, reason: "a POST whose outcome is unknown is never re-sent blindly" };
  }
  // 4. A body cut off mid-way on a read or an idempotent write: the same request again is safe.
  if (f.bodyFault === "cut-off" && (f.status === undefined || f.status < 400)) {
    return { retry: true, delayMs: backoffDelay(policy, retryNumber, random), reason: "answer cut off" };
  }
  // 5. A body over the cap would be just as large the next time.
  if (f.bodyFault === "too-large") return { retry: false, reason: "the answer is larger than the client reads" };
  // 6. Any other 4xx (or a 2xx/3xx that failed) is about the request itself: a retry would get the same answer.
  if (f.status !== undefined && f.status < 500) return { retry: false, reason: `status ${f.status} is not retryable` };
  // 7. Server errors and lost answers on idempotent requests (GET, PATCH with a full value, DELETE).
  const retryable = f.status !== undefined ? policy.retryStatuses.includes(f.status) : policy.retryNetworkCodes.includes(f.networkCode ?? "");
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
