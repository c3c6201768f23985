// The transport: one axios instance per settings, a request-rate limiter shared by every
// client in the process (bottleneck), retries decided by retry.ts (axios-retry), and the
// translation of every failure into the CallbellError family with secrets redacted.
import axios, { AxiosError, AxiosInstance, AxiosResponse } from "axios";
import axiosRetry from "axios-retry";
import Bottleneck from "bottleneck";
import { AttemptFailure, RetryPolicy, decideRetry, defaultRetryPolicy, parseRetryAfter } from "./retry";
import { CallbellError, CallbellResponseError, FailureDetails, callbellErrorFor, redact } from "./errors";

/** Where and how to reach Callbell. */
export interface HttpSettings {
  /** e.g. https://api.callbell.eu/v1 */
  baseUrl: string;
  token: string;
  /** Per-attempt time-out; default 30 s. */
  timeoutMs?: number;
  /** Request-rate ceiling shared by the process; default 250/s (the API allows 300). */
  requestsPerSecond?: number;
  retryPolicy?: RetryPolicy;
}

/** A parsed JSON answer. */
export interface HttpAnswer {
  status: number;
  body: unknown;
}

/** One request: method, API path (relative to the base URL), optional JSON body and query. */
export interface HttpRequest {
  method: "GET" | "POST" | "PATCH" | "DELETE";
  path: string;
  body?: unknown;
  query?: Record<string, string | undefined>;
  /** Skip the transport's retries (the caller handles them, e.g. a POST). */
  noRetry?: boolean;
}

/** The transport the typed client is built on. */
export interface CallbellHttp {
  send(request: HttpRequest): Promise<HttpAnswer>;
  readonly policy: RetryPolicy;
}

/** Default rate: under the documented 300 requests/s with headroom for other API users. */
export const defaultRequestsPerSecond = 250;

interface SharedGate {
  limiter: Bottleneck;
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
    gate = { limiter: new Bottleneck({ minTime: 1000 / perSecond }), pausedUntil: 0 };
    gates.set(key, gate);
  }
  return gate;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Builds the transport for one account. */
export function createHttp(settings: HttpSettings): CallbellHttp {
  const policy = settings.retryPolicy ?? defaultRetryPolicy;
  const gate = gateFor(settings.baseUrl, settings.requestsPerSecond ?? defaultRequestsPerSecond);
  const instance: AxiosInstance = axios.create({
    baseURL: settings.baseUrl.replace(/\/+$/, ""),
    timeout: settings.timeoutMs ?? 30_000,
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

  // Every attempt, retries included, waits for a slot and for any 429 pause.
  instance.interceptors.request.use(async (config) => {
    await gate.limiter.schedule(async () => {
      const wait = gate.pausedUntil - Date.now();
      if (wait > 0) await sleep(wait);
    });
    return config;
  });

  axiosRetry(instance, {
    retries: policy.maxRetries,
    shouldResetTimeout: true,
    retryCondition: (error) => {
      if ((error.config as { noRetry?: boolean } | undefined)?.noRetry) return false;
      const failure = attemptFailure(error);
      if (failure.status === 429 && failure.retryAfterMs) {
        gate.pausedUntil = Math.max(gate.pausedUntil, Date.now() + Math.min(failure.retryAfterMs, policy.maxRetryAfterMs));
      }
      const retryNumber = (error.config as { "axios-retry"?: { retryCount?: number } } | undefined)?.["axios-retry"]?.retryCount ?? 0;
      return decideRetry(policy, retryNumber, failure).retry;
    },
    retryDelay: (retryCount, error) => {
      const decision = decideRetry(policy, retryCount - 1, attemptFailure(error));
      return decision.retry ? decision.delayMs : 0;
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
          noRetry: request.noRetry,
        } as Parameters<AxiosInstance["request"]>[0]);
      } catch (error) {
        throw toCallbellError(request.method, path, error, secrets);
      }
      return { status: response.status, body: parseBody(request.method, path, response.status, response.data, secrets) };
    },
  };
}

function queryString(query: HttpRequest["query"]): string {
  if (!query) return "";
  const entries = Object.entries(query).filter((e): e is [string, string] => e[1] !== undefined);
  return entries.length ? "?" + new URLSearchParams(entries).toString() : "";
}

function attemptFailure(error: AxiosError): AttemptFailure {
  return {
    method: (error.config?.method ?? "GET").toUpperCase(),
    status: error.response?.status,
    networkCode: error.response ? undefined : error.code,
    retryAfterMs: parseRetryAfter(error.response?.headers?.["retry-after"]),
  };
}

function parseBody(method: string, path: string, status: number, raw: unknown, secrets: string[]): unknown {
  const text = typeof raw === "string" ? raw : "";
  if (text.trim() === "") {
    throw new CallbellResponseError({ method, path, status, apiMessage: "empty body where JSON was expected" });
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new CallbellResponseError({ method, path, status, apiMessage: `not JSON: ${describeNonJson(text, secrets)}` });
  }
}

/** Turns whatever axios threw into a CallbellError that holds no request config (the header has the token). */
export function toCallbellError(method: string, path: string, error: unknown, secrets: string[]): CallbellError {
  if (error instanceof CallbellError) return error;
  if (!axios.isAxiosError(error)) {
    return callbellErrorFor({ method, path, networkCode: "ERR_CLIENT", apiMessage: redact(String((error as Error)?.message ?? error), secrets) });
  }
  const failure = attemptFailure(error);
  const details: FailureDetails = { method, path, status: failure.status, networkCode: failure.networkCode, retryAfterMs: failure.retryAfterMs };
  if (error.response) {
    Object.assign(details, describeErrorBody(error.response.data, secrets));
  } else {
    details.apiMessage = redact(error.message, secrets);
  }
  return callbellErrorFor(details);
}

// Callbell does not document its error body; accept the usual shapes and fall back to text.
function describeErrorBody(raw: unknown, secrets: string[]): Pick<FailureDetails, "apiMessage" | "field"> {
  const text = typeof raw === "string" ? raw : "";
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { apiMessage: text.trim() ? `not JSON: ${describeNonJson(text, secrets)}` : "empty body" };
  }
  const record = (v: unknown): Record<string, unknown> | undefined =>
    v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  const top = record(parsed);
  const inner = record(top?.error) ?? top;
  const message = [inner?.message, top?.error, top?.message, Array.isArray(top?.errors) ? (top?.errors as unknown[]).join("; ") : undefined]
    .find((m): m is string => typeof m === "string" && m.length > 0);
  const field = typeof inner?.field === "string" ? inner.field : undefined;
  return { apiMessage: redact(message ?? JSON.stringify(parsed).slice(0, 300), secrets), field };
}

function describeNonJson(text: string, secrets: string[]): string {
  const isHtml = /^\s*</.test(text);
  const stripped = text.replace(/<[^>]*>/g, " ").replace(/\s+/g, " ").trim().slice(0, 120);
  return redact(isHtml ? `an HTML page ("${stripped}")` : `"${stripped}"`, secrets);
}
