// The transport: one axios instance per settings, a request-rate limiter shared by every
// client in the process (a slot gate, below), retries decided by retry.ts (axios-retry), and the
// translation of every failure into the CallbellError family with secrets redacted.
import type { AxiosError, AxiosInstance, AxiosResponse } from "axios";
import { AttemptFailure, RetryPolicy, decideRetry, defaultRetryPolicy, parseRetryAfter } from "./retry";
import { CallbellError, FailureDetails, callbellErrorFor, errorBodyDetails, redact, safeExcerpt } from "./errors";

/** Where and how to reach Callbell. */
export interface HttpSettings {
  /** e.g. https://api.callbell.eu/v1 */
  baseUrl: string;
  token: string;
  /** Total time one attempt may take, from sending to the body's last byte; default 30 s. */
  timeoutMs?: number;
  /** Largest answer body read, counted after decompression; default 1 MiB (defaultMaxResponseBytes). */
  maxResponseBytes?: number;
  /** Request-rate ceiling shared by the process; default 250/s (the API allows 300). */
  requestsPerSecond?: number;
  retryPolicy?: RetryPolicy;
}

/** A parsed JSON answer. */
export interface HttpAnswer {
  status: number;
  body: unknown;
  /** The answer's headers, lower-case names (only with anyStatus). */
  headers?: Record<string, string>;
}

/** One request: method, API path (relative to the base URL), optional JSON body and query. */
export interface HttpRequest {
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  path: string;
  body?: unknown;
  query?: Record<string, string | undefined>;
  /** A 404 is an answer (status 404, no body), not an error: a lookup that finds nothing. */
  absentOn404?: boolean;
  /** Every status is an answer, never retried, with its headers and its body parsed when it is JSON: what `doctor` observes. */
  anyStatus?: boolean;
}

/** The transport the typed client is built on. */
export interface CallbellHttp {
  send(request: HttpRequest): Promise<HttpAnswer>;
  readonly policy: RetryPolicy;
}

/** Default rate: under the documented 300 requests/s with headroom for other API users. */
const defaultRequestsPerSecond = 250;

/** Default total deadline of one attempt. */
const defaultTimeoutMs = 30_000;

/** Default cap on an answer body after decompression: a contact is a few KB, so 1 MiB is plenty. */
const defaultMaxResponseBytes = 1024 * 1024;

/** The most characters of a non-JSON body an error quotes (after redaction). */
const maxBodyExcerptChars = 120;

interface Libraries {
  axios: typeof import("axios").default;
  AxiosError: typeof import("axios").AxiosError;
  axiosRetry: typeof import("axios-retry").default;
}

// Required with the first transport, not with this module: the provider host loads the provider in every run, and
// previews and no-change runs send no request (loading them took ~150 ms on a loaded 2-core machine).
let libraries: Libraries | undefined;
function libs(): Libraries {
  /* eslint-disable @typescript-eslint/no-require-imports */
  return (libraries ??= {
    axios: require("axios").default,
    AxiosError: require("axios").AxiosError,
    axiosRetry: require("axios-retry").default,
  });
  /* eslint-enable @typescript-eslint/no-require-imports */
}

interface SharedGate {
  /** Least time between two sends, ms. */
  spacingMs: number;
  /** Epoch ms of the next free send slot. */
  nextSlot: number;
  /** Epoch ms before which nobody sends: set when the API answers 429 with Retry-After. */
  pausedUntil: number;
}

// One gate per API base URL and rate for the whole process: all Contacts of a provider host
// share it, so 1,000 resources created in parallel still respect the account's limit.
const gates = new Map<string, SharedGate>();

function gateFor(baseUrl: string, perSecond: number): SharedGate {
  const key = `${baseUrl}|${perSecond}`;
  let gate = gates.get(key);
  if (!gate) {
    gate = { spacingMs: 1000 / perSecond, nextSlot: 0, pausedUntil: 0 };
    gates.set(key, gate);
  }
  return gate;
}

/** Resolves after `ms` milliseconds: the waits of the client (a 429 pause here, a create's backoff in contacts.ts). */
export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

// Each send takes the next slot, spacingMs after the one before (first come, first served), then
// waits out any 429 pause. A few lines instead of bottleneck, whose per-job bookkeeping was the
// host's largest allocation per request (~65 KB), and so most of its memory growth over a run.
async function takeSlot(gate: SharedGate): Promise<void> {
  const now = Date.now();
  const slot = Math.max(now, gate.nextSlot);
  gate.nextSlot = slot + gate.spacingMs;
  if (slot > now) await sleep(slot - now);
  const wait = gate.pausedUntil - Date.now();
  if (wait > 0) await sleep(wait);
}

/** Builds the transport for one account. */
export function createHttp(settings: HttpSettings): CallbellHttp {
  const policy = settings.retryPolicy ?? defaultRetryPolicy;
  const gate = gateFor(settings.baseUrl, settings.requestsPerSecond ?? defaultRequestsPerSecond);
  const timeoutMs = settings.timeoutMs ?? defaultTimeoutMs;
  const maxResponseBytes = settings.maxResponseBytes ?? defaultMaxResponseBytes;
  const { axios, axiosRetry } = libs();
  const instance: AxiosInstance = axios.create({
    baseURL: settings.baseUrl.replace(/\/+$/, ""),
    // axios's timeout only fires after that long without a byte (a dripping body resets it), so
    // each attempt also gets a total deadline: the AbortSignal set below.
    timeout: timeoutMs,
    // Counted after decompression, so a small gzip bomb cannot fill the memory.
    maxContentLength: maxResponseBytes,
    headers: {
      Authorization: `Bearer ${settings.token}`,
      Accept: "application/json",
      "Content-Type": "application/json",
      "User-Agent": "pulumi-callbell",
    },
    responseType: "text",
    // Parse ourselves, so a non-JSON answer becomes a clear error instead of a string.
    transformResponse: [(data: unknown) => data],
    maxRedirects: 0,
  });

  // Every attempt, retries included, waits for a slot and for any 429 pause, then gets its own deadline.
  instance.interceptors.request.use(async (config) => {
    await takeSlot(gate);
    config.signal = AbortSignal.timeout(timeoutMs);
    return config;
  });

  // A 429 with Retry-After pauses every request to this API, this one's retry included: the server said wait.
  // Registered before axios-retry, so the pause is set before axios-retry decides on a retry and schedules it.
  instance.interceptors.response.use(undefined, (error: unknown) => {
    if (axios.isAxiosError(error)) {
      const failure = attemptFailure(error);
      if (failure.status === 429 && failure.retryAfterMs) {
        gate.pausedUntil = Math.max(gate.pausedUntil, Date.now() + Math.min(failure.retryAfterMs, policy.maxRetryAfterMs));
      }
    }
    return Promise.reject(error);
  });

  axiosRetry(instance, {
    retries: policy.maxRetries,
    shouldResetTimeout: true,
    retryCondition: (error) => {
      // decideRetry (retry.ts, where the rules are) takes the retry number, but axios-retry passes only the error: it
      // keeps the count in the request's config under its own key, typed by its declarations, so it is read there.
      const retryNumber = error.config?.["axios-retry"]?.retryCount ?? 0;
      return decideRetry(policy, retryNumber, attemptFailure(error)).retry;
    },
    retryDelay: (retryCount, error) => {
      const decision = decideRetry(policy, retryCount - 1, attemptFailure(error));
      return decision.retry ? decision.delayMs : 0;
    },
    // axios-retry skips the backoff when the config's signal has fired; the spent deadline is
    // replaced by a fresh one when the retry goes through the interceptor above.
    onRetry: (_count, _error, config) => {
      config.signal = undefined;
    },
  });

  const secrets = [settings.token];
  return {
    policy,
    async send(request: HttpRequest): Promise<HttpAnswer> {
      const path = request.path + queryString(request.query);
      let response: AxiosResponse<string>;
      try {
        response = await instance.request<string>({
          method: request.method,
          url: path,
          data: request.body === undefined ? undefined : JSON.stringify(request.body),
          ...(request.absentOn404 ? { validateStatus: (status: number) => (status >= 200 && status < 300) || status === 404 } : {}),
          ...(request.anyStatus ? { validateStatus: () => true } : {}),
        });
      } catch (error) {
        throw toCallbellError(request.method, path, error, secrets, { timeoutMs, maxResponseBytes });
      }
      if (request.anyStatus) return { status: response.status, body: lenientJson(response.data), headers: headersOf(response.headers) };
      if (response.status === 404) return { status: 404, body: undefined };
      return { status: response.status, body: parseBody(request.method, path, response.status, response.data, secrets) };
    },
  };
}

function lenientJson(text: unknown): unknown {
  try {
    return typeof text === "string" && text.trim() !== "" ? JSON.parse(text) : undefined;
  } catch {
    return undefined;
  }
}

function headersOf(headers: AxiosResponse["headers"]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) if (value !== undefined && value !== null) out[name.toLowerCase()] = String(value);
  return out;
}

function queryString(query: HttpRequest["query"]): string {
  if (!query) return "";
  const entries = Object.entries(query).filter((e): e is [string, string] => e[1] !== undefined);
  return entries.length ? "?" + new URLSearchParams(entries).toString() : "";
}

// axios sets `response.data` only once the whole body has arrived: an error that carries a
// response without data is a body cut off mid-way (connection closed, bad compression).
function attemptFailure(error: AxiosError): AttemptFailure {
  const method = (error.config?.method ?? "GET").toUpperCase();
  // The per-attempt deadline is the only thing that cancels a request.
  if (error.code === libs().AxiosError.ERR_CANCELED) return { method, networkCode: "ETIMEDOUT" };
  if (/maxContentLength/.test(error.message)) return { method, bodyFault: "too-large" };
  const response = error.response;
  if (!response) return { method, networkCode: error.code };
  return {
    method,
    status: response.status,
    retryAfterMs: parseRetryAfter(response.headers?.["retry-after"]),
    bodyFault: response.data === undefined ? "cut-off" : undefined,
  };
}

function parseBody(method: string, path: string, status: number, raw: unknown, secrets: string[]): unknown {
  const text = typeof raw === "string" ? raw : "";
  // status is 2xx here (axios rejects the others), so the factory makes it a CallbellResponseError.
  const invalid = (apiMessage: string) => callbellErrorFor({ method, path, status, apiMessage, bodyFault: "invalid" });
  if (text.trim() === "") throw invalid("empty body where JSON was expected");
  try {
    return JSON.parse(text);
  } catch {
    throw invalid(`not JSON: ${describeNonJson(text, secrets)}`);
  }
}

/** Limits an attempt had, quoted by the errors that hit them. */
interface AttemptLimits {
  timeoutMs: number;
  maxResponseBytes: number;
}

/** Turns whatever axios threw into a CallbellError that holds no request config (the header has the token). */
function toCallbellError(
  method: string,
  path: string,
  error: unknown,
  secrets: string[],
  limits: AttemptLimits = { timeoutMs: defaultTimeoutMs, maxResponseBytes: defaultMaxResponseBytes },
): CallbellError {
  if (error instanceof CallbellError) return error;
  if (!libs().axios.isAxiosError(error)) {
    return callbellErrorFor({ method, path, networkCode: "ERR_CLIENT", apiMessage: safeExcerpt(String((error as Error)?.message ?? error), secrets, 300) });
  }
  const failure = attemptFailure(error);
  const details: FailureDetails = { ...failure, method, path };
  if (error.code === libs().AxiosError.ERR_CANCELED) {
    details.apiMessage = `no complete answer within ${limits.timeoutMs} ms, the time one attempt may take`;
  } else if (failure.bodyFault === "too-large") {
    details.apiMessage =
      `the answer is larger than ${limits.maxResponseBytes} bytes once decompressed, the most the client reads; ` +
      "Callbell's answers are a few KB, so check that callbell:apiUrl points at the Callbell API";
  } else if (failure.bodyFault === "cut-off") {
    details.apiMessage =
      `the answer was cut off before its end (${safeExcerpt(error.message, secrets, 120)}); ` + "the connection closed or the body could not be decompressed";
  } else if (error.response) {
    Object.assign(details, describeErrorBody(error.response.data, secrets));
  } else {
    details.apiMessage = safeExcerpt(error.message, secrets, 300);
  }
  return callbellErrorFor(details);
}

// Every text is redacted whole before it is cut (see safeExcerpt); errors.ts reads the shapes.
function describeErrorBody(raw: unknown, secrets: string[]): Pick<FailureDetails, "apiMessage" | "field"> {
  const text = typeof raw === "string" ? raw : "";
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { apiMessage: text.trim() ? `not JSON: ${describeNonJson(text, secrets)}` : "empty body" };
  }
  const { message, field } = errorBodyDetails(parsed);
  return { apiMessage: safeExcerpt(message ?? JSON.stringify(parsed), secrets, 300), field: field === undefined ? undefined : safeExcerpt(field, secrets, 80) };
}

function describeNonJson(text: string, secrets: string[]): string {
  const isHtml = /^\s*</.test(text);
  // Redact before stripping tags and before cutting: both could split a token in two.
  const stripped = redact(text, secrets)
    .replace(/<[^>]*>/g, " ")
    .replace(/\s+/g, " ")
    .trim();
  const excerpt = safeExcerpt(stripped, secrets, maxBodyExcerptChars);
  return isHtml ? `an HTML page ("${excerpt}")` : `"${excerpt}"`;
}
