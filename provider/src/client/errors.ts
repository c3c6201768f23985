// One error family for everything the Callbell client can fail with. Each error carries the
// HTTP method, the API path (never the base URL's credentials, never a header) and Callbell's
// own message, with every known secret redacted — these messages end up in `pulumi up` output
// and CI logs, so they must be safe to print and useful without a stack trace.
import { CallbellProblem } from "../problem";
import type { AttemptFailure, BodyFault } from "./retry";

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
  /** Set when an answer began but its body is not usable (cut off, too large, not a contact). */
  bodyFault?: BodyFault;
}

/** The most characters of the detail an error carries (cut after redaction); excerpts of bodies are shorter still. */
const maxApiMessageChars = 1000;

/** Base class: every failure talking to Callbell. */
export class CallbellError extends CallbellProblem {
  readonly method: string;
  readonly path: string;
  readonly status?: number;
  readonly apiMessage?: string;
  readonly field?: string;
  readonly networkCode?: string;
  readonly retryAfterMs?: number;
  readonly bodyFault?: BodyFault;

  /** `details.apiMessage` must already be redacted: it is only cut here, to maxApiMessageChars. */
  constructor(details: FailureDetails, headline: string) {
    const apiMessage = details.apiMessage === undefined ? undefined : cut(details.apiMessage, maxApiMessageChars);
    super(`${headline}: ${details.method} ${details.path}${details.status ? ` answered ${details.status}` : ""}` + (apiMessage ? ` — ${apiMessage}` : ""));
    this.method = details.method;
    this.path = details.path;
    this.status = details.status;
    this.apiMessage = apiMessage;
    this.field = details.field;
    this.networkCode = details.networkCode;
    this.retryAfterMs = details.retryAfterMs;
    this.bodyFault = details.bodyFault;
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
  constructor(d: FailureDetails) {
    super(d, "Not found in Callbell");
  }
}

/** 400/409/413/415/422: Callbell refused the request's content. */
export class CallbellValidationError extends CallbellError {
  constructor(d: FailureDetails) {
    super(d, d.field ? `Callbell refused the value of '${d.field}'` : "Callbell refused the request");
  }
}

/** 429: too many requests, still so after the retries allowed. */
export class CallbellRateLimitError extends CallbellError {
  constructor(d: FailureDetails) {
    super(d, "Callbell rate limit still exceeded after retries");
  }
}

/** 5xx: Callbell failed, still so after the retries allowed. */
export class CallbellServerError extends CallbellError {
  constructor(d: FailureDetails) {
    super(d, "Callbell server error");
  }
}

/** No answer at all: time-out, reset, refused connection. */
export class CallbellNetworkError extends CallbellError {
  constructor(d: FailureDetails) {
    super(d, `No answer from Callbell (${d.networkCode ?? "network error"})`);
  }
}

/** An answer that is not what the API documents: not JSON, an HTML page, a wrong shape, cut off, too large. */
export class CallbellResponseError extends CallbellError {
  constructor(d: FailureDetails, headline = "Unexpected answer from Callbell") {
    super(d, headline);
  }
}

/** A create whose outcome is unknown and cannot be checked: the contact may exist in Callbell. */
export class CallbellUnknownOutcomeError extends CallbellResponseError {
  constructor(d: FailureDetails) {
    super(d, "Callbell may have created the contact");
  }
}

/** Picks the error class for a failure: the one factory every caller goes through (`outcomeUnknown`: a create that may have landed). */
export function callbellErrorFor(details: FailureDetails, situation: { outcomeUnknown?: boolean } = {}): CallbellError {
  if (situation.outcomeUnknown) return new CallbellUnknownOutcomeError(details);
  const s = details.status;
  if (s === undefined) return details.bodyFault ? new CallbellResponseError(details) : new CallbellNetworkError(details);
  if (s === 401 || s === 403) return new CallbellAuthError(details);
  if (s === 404) return new CallbellNotFoundError(details);
  if (s === 429) return new CallbellRateLimitError(details);
  if (s >= 500) return new CallbellServerError(details);
  if (s >= 400) return new CallbellValidationError(details);
  return new CallbellResponseError(details);
}

/** The message and the blamed field an error body carries, whatever its shape. */
export interface ErrorBodyDetails {
  message?: string;
  field?: string;
  /** Which shape it was: what `doctor` reports. */
  shape: ErrorBodyShape;
}

/** The error body shapes the client reads (Callbell does not document its own). */
export const errorBodyShapes = {
  nested: '{"error": {"message", "field"}}',
  flat: '{"error": "message"}',
  list: '{"errors": [{"field", "message"}]}',
  keyed: '{"errors": {"field": ["message"]}}',
  message: '{"message"}',
  other: "another shape (only the raw text is shown)",
} as const;
/** One of errorBodyShapes. */
export type ErrorBodyShape = keyof typeof errorBodyShapes;

/** Reads an error body (already parsed JSON) in any of errorBodyShapes; nothing is redacted here. */
export function errorBodyDetails(body: unknown): ErrorBodyDetails {
  const record = (v: unknown): Record<string, unknown> | undefined =>
    v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  const text = (v: unknown): string | undefined => (typeof v === "string" && v.length > 0 ? v : undefined);
  const top = record(body);
  const nested = record(top?.error);
  if (nested && text(nested.message)) return { message: text(nested.message), field: text(nested.field), shape: "nested" };
  if (text(top?.error)) return { message: text(top?.error), field: text(top?.field), shape: "flat" };
  if (Array.isArray(top?.errors) && top.errors.length > 0) {
    const items = top.errors.map((item) => (typeof item === "string" ? { message: item } : (record(item) ?? {})));
    const messages = items.map((item) => (text(item.field) && text(item.message) ? `${item.field}: ${item.message}` : text(item.message))).filter(Boolean);
    return { message: messages.length ? messages.join("; ") : undefined, field: items.map((item) => text(item.field)).find(Boolean), shape: "list" };
  }
  const keyed = record(top?.errors);
  if (keyed && Object.keys(keyed).length > 0) {
    const said = Object.entries(keyed).map(([field, v]) => `${field}: ${Array.isArray(v) ? v.join(", ") : String(v)}`);
    return { message: said.join("; "), field: Object.keys(keyed)[0], shape: "keyed" };
  }
  if (text(top?.message)) return { message: text(top?.message), field: text(top?.field), shape: "message" };
  return { shape: "other" };
}

/** Shortest run of a secret that is redacted wherever it appears (a cut-off token still leaks its prefix). */
const minRedactedRun = 8;

const redactedMark = "[REDACTED]";

/** The message of anything thrown, with the secrets redacted: what a user may be shown. */
export function shownMessage(error: unknown, secrets: readonly (string | undefined)[]): string {
  return redact(error instanceof Error ? error.message : String(error), secrets);
}

/**
 * Replaces with "[REDACTED]" every run of 8 or more characters of a secret (of 4+ characters;
 * shorter ones only whole), in the secret's plain, URL-encoded and base64 forms. Run it on the
 * whole text before cutting anything: a cut could leave a prefix no whole-token match sees.
 */
export function redact(text: string, secrets: readonly (string | undefined)[]): string {
  const grams = new Set<string>();
  const wholes: string[] = [];
  for (const secret of secrets) {
    if (!secret || secret.length < 4) continue;
    for (const form of secretForms(secret)) {
      if (form.length < minRedactedRun) wholes.push(form);
      else for (let i = 0; i + minRedactedRun <= form.length; i++) grams.add(form.slice(i, i + minRedactedRun));
    }
  }
  let out = text;
  for (const whole of wholes) out = out.split(whole).join(redactedMark);
  if (!grams.size || out.length < minRedactedRun) return out;
  const starts = new Set([...grams].map((g) => g[0]));
  // Mark every character covered by an 8-character window found in the secret's forms: any
  // longer run of a secret is a chain of such windows.
  const covered = new Uint8Array(out.length);
  let any = false;
  for (let i = 0; i + minRedactedRun <= out.length; i++) {
    if (starts.has(out[i]) && grams.has(out.slice(i, i + minRedactedRun))) {
      covered.fill(1, i, i + minRedactedRun);
      any = true;
    }
  }
  if (!any) return out;
  const parts: string[] = [];
  let start = 0;
  for (let i = 0; i <= out.length; i++) {
    const inRun = i < out.length && covered[i] === 1;
    if (inRun && (i === 0 || !covered[i - 1])) parts.push(out.slice(start, i), redactedMark);
    if (!inRun && i > 0 && covered[i - 1]) start = i;
  }
  if (!covered[out.length - 1]) parts.push(out.slice(start));
  return parts.join("");
}

/** The forms a secret can appear in: as is, URL-encoded (both hex cases), and base64/base64url at each byte alignment. */
function secretForms(secret: string): string[] {
  const forms = new Set<string>([secret]);
  const encoded = encodeURIComponent(secret);
  forms.add(encoded).add(encoded.replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase()));
  const bytes = Buffer.from(secret, "utf8");
  for (let shift = 0; shift < 3; shift++) {
    // Inside a longer base64 text the secret starts at any byte offset mod 3; keep only the
    // characters that depend on the secret's bytes alone.
    const b64 = Buffer.concat([Buffer.alloc(shift), bytes])
      .toString("base64")
      .replace(/=+$/, "");
    const head = shift ? shift + 1 : 0; // characters holding bits of the bytes before
    const tail = (shift + bytes.length) % 3 ? 1 : 0; // the character holding bits of the byte after
    const core = b64.slice(head, b64.length - tail);
    if (shift === 0) forms.add(b64);
    if (core) forms.add(core).add(core.replace(/\+/g, "-").replace(/\//g, "_"));
  }
  return [...forms].filter((f) => f.length >= 4);
}

/** Cuts a text (already redacted) to `max` characters, marking the cut. */
export function cut(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}… (${text.length - max} more characters)`;
}

/** Redacts the whole text, then cuts it: the order that keeps a cut from exposing part of a secret. */
export function safeExcerpt(text: string, secrets: readonly (string | undefined)[], max: number): string {
  return cut(redact(text, secrets), max);
}

/** An answer that is not what the API documents: a CallbellResponseError when its status is 2xx, with its body marked invalid. */
export function answerShapeError(method: string, path: string, status: number, message: string): CallbellError {
  const invalidSuccess = status >= 200 && status < 300;
  return callbellErrorFor({ method, path, status, apiMessage: message, bodyFault: invalidSuccess ? "invalid" : undefined });
}

/** A failed call as the retry rules (retry.ts) read it, for `method`. */
export function attemptFailureOf(method: string, error: CallbellError): AttemptFailure {
  return { method, status: error.status, networkCode: error.networkCode, retryAfterMs: error.retryAfterMs, bodyFault: error.bodyFault };
}
