// HTTP plumbing of the simulator: the /v1 pipeline (auth, rate limit, body, faults, dispatch, log), the /__admin side door
// and the dashboard's HTML pages (everything else).
import * as http from "node:http";
import type { AdminHandler } from "./admin-routes";
import type { ApiAnswer, CallbellApi } from "./api";
import { DASHBOARD_HEADERS, errorPage, type DashboardAnswer, type DashboardHandler } from "./dashboard";
import { ApiError, rateLimited } from "./errors";
import type { FaultInjector, FaultPlan } from "./faults";
import type { RequestLog } from "./request-log";
import type { Router } from "./router";
import type { ApiVariants, RequestLogEntry, RequestOutcome } from "./types";

/** Largest request body accepted; larger ones answer 413 without being read to the end. */
export const MAX_BODY_BYTES = 1024 * 1024;
const API_PREFIX = "/v1";
const ADMIN_PREFIX = "/__admin";
const JSON_HEADERS = { "content-type": "application/json; charset=utf-8" };

/** What the HTTP layer dispatches to. */
export interface ServerParts {
  api: CallbellApi;
  admin: Router<AdminHandler>;
  dashboard: Router<DashboardHandler>;
  log: RequestLog;
  faults: FaultInjector;
  rateLimiter: { take(token: string): number };
  tokens: ReadonlySet<string>;
  /** How /v1 errors look: the body shape and whether a 429 says Retry-After (the admin side door keeps the nested shape). */
  errors: Pick<ApiVariants, "errorBody" | "retryAfter">;
}

type Body = { kind: "empty" } | { kind: "text"; text: string } | { kind: "too-large" } | { kind: "aborted" };
type ParsedBody = { ok: true; value: unknown } | { ok: false; message: string } | undefined;

/** The node:http server of one simulator. */
export class SimulatorServer {
  readonly http: http.Server;
  private seq = 0;
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(private readonly parts: ServerParts) {
    this.http = http.createServer((request, response) => this.onRequest(request, response));
    // Clients close idle keep-alive sockets after about 4 s. A server that closes them first (Node's
    // default is 5 s) races a client reusing one on a loaded machine, and that request fails with
    // ECONNRESET although nobody meant a fault. Faults are injected on purpose, never by timing.
    this.http.keepAliveTimeout = 65_000;
    this.http.headersTimeout = 66_000;
  }

  /** Stops accepting, drops open connections and pending delayed answers. */
  async close(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    await new Promise<void>((resolve) => {
      this.http.close(() => resolve());
      this.http.closeAllConnections();
    });
  }

  private onRequest(request: http.IncomingMessage, response: http.ServerResponse): void {
    // A client that vanishes mid-request must never take the process down.
    request.on("error", () => undefined);
    response.on("error", () => undefined);
    const path = request.url ?? "/";
    const pathname = path.split("?", 1)[0];
    const handling = pathname.startsWith(`${API_PREFIX}/`)
      ? this.handleApi(request, response, path)
      : pathname.startsWith(`${ADMIN_PREFIX}/`)
        ? this.handleAdmin(request, response, path.slice(ADMIN_PREFIX.length))
        : this.handleDashboard(request, response, path);
    handling.catch((error: unknown) => sendError(response, internalError(error)));
  }

  private async handleApi(request: http.IncomingMessage, response: http.ServerResponse, path: string): Promise<void> {
    const started = performance.now();
    const method = request.method ?? "GET";
    const entry: RequestLogEntry = {
      seq: ++this.seq,
      method,
      path,
      status: 0,
      durationMs: 0,
      at: new Date().toISOString(),
      outcome: "ok",
      committed: false,
    };
    const finish = (status: number, outcome: RequestOutcome, committed: boolean): void => {
      entry.status = status;
      entry.outcome = outcome;
      entry.committed = committed;
      entry.durationMs = Math.round((performance.now() - started) * 100) / 100;
      this.parts.log.push(entry);
    };
    const answerError = (error: ApiError, outcome: RequestOutcome): void => {
      finish(error.status, outcome, false);
      this.sendApiError(response, error);
    };

    const token = bearerToken(request.headers.authorization);
    if (token === undefined || !this.parts.tokens.has(token)) {
      return answerError(new ApiError(401, "unauthorized", "missing or invalid API token: send Authorization: Bearer <token>"), "error");
    }
    const waitSeconds = this.parts.rateLimiter.take(token);
    if (waitSeconds > 0) return answerError(rateLimited("rate limit exceeded for this API token", waitSeconds), "rate-limited");

    const body = await readBody(request);
    if (body.kind === "aborted") return finish(0, "error", false);
    if (body.kind === "too-large") {
      response.setHeader("connection", "close");
      return answerError(new ApiError(413, "payload_too_large", `request body exceeds ${MAX_BODY_BYTES} bytes`), "error");
    }
    const parsed = body.kind === "text" ? parseJson(body.text) : undefined;
    if (parsed?.ok && method !== "GET") entry.body = parsed.value;

    const [pathname, queryString = ""] = splitQuery(path);
    const plan = this.parts.faults.plan(method, pathname, undefined, new URLSearchParams(queryString));
    const preempt = plan.preempt;
    if (preempt) {
      await this.sleep(plan.delayMs);
      if (preempt.kind === "reset") {
        finish(0, "reset", false);
        return dropConnection(response);
      }
      const error =
        preempt.status === 429
          ? rateLimited("rate limit exceeded (injected)", preempt.retryAfterSeconds ?? 1)
          : new ApiError(preempt.status, "injected_fault", `simulated server error ${preempt.status}; the request was not processed`);
      return answerError(error, preempt.outcome);
    }

    const answer = this.dispatch(request, pathname.slice(API_PREFIX.length), queryString, parsed, token);
    await this.sleep(plan.delayMs);
    const failure = answer.status < 300 ? this.commitFailure(plan, method) : undefined;
    if (failure === "reset") {
      finish(0, "commit-then-fail", answer.committed);
      return dropConnection(response);
    }
    if (failure === "500") {
      finish(500, "commit-then-fail", answer.committed);
      return this.sendApiError(response, new ApiError(500, "internal_error", "simulated server error after the request was processed"));
    }
    finish(answer.status, answer.status < 400 ? "ok" : "error", answer.committed);
    sendJson(response, answer.status, answer.body, answer.headers);
  }

  // Routing errors (404/405) come before body errors (415/400), which come before validation (422).
  private dispatch(request: http.IncomingMessage, pathname: string, queryString: string, parsed: ParsedBody, token: string): ApiAnswer {
    try {
      const method = request.method ?? "GET";
      const match = this.parts.api.router.match(method, pathname);
      let body: unknown;
      if (method === "POST" || method === "PATCH" || method === "PUT") {
        if (!isJsonContentType(request.headers["content-type"])) {
          throw new ApiError(415, "unsupported_media_type", "send the body as Content-Type: application/json", "content-type", request.headers["content-type"]);
        }
        if (parsed === undefined) throw new ApiError(400, "bad_request", "the request body must be a JSON object");
        if (!parsed.ok) throw new ApiError(400, "bad_json", `malformed JSON body: ${parsed.message}`);
        body = parsed.value;
      }
      return match.handler({ params: match.params, query: new URLSearchParams(queryString), body, token });
    } catch (error) {
      const apiError = error instanceof ApiError ? error : internalError(error);
      return { status: apiError.status, body: apiError.toBody(this.parts.errors.errorBody), committed: false, headers: this.apiErrorHeaders(apiError) };
    }
  }

  private sendApiError(response: http.ServerResponse, error: ApiError): void {
    sendJson(response, error.status, error.toBody(this.parts.errors.errorBody), this.apiErrorHeaders(error));
  }

  private apiErrorHeaders(error: ApiError): Record<string, string> {
    if (this.parts.errors.retryAfter === "sent") return error.headers;
    const { "retry-after": _omitted, ...rest } = error.headers;
    return rest;
  }

  private commitFailure(plan: FaultPlan, method: string): "500" | "reset" | undefined {
    return plan.commitFailure ?? this.parts.faults.commitFailure(method);
  }

  private async handleAdmin(request: http.IncomingMessage, response: http.ServerResponse, route: string): Promise<void> {
    try {
      const [pathname, queryString = ""] = splitQuery(route);
      const match = this.parts.admin.match(request.method ?? "GET", pathname);
      if ((request.method ?? "GET") !== "GET") refuseCrossSite(request);
      const body = await readBody(request);
      if (body.kind === "aborted") return;
      if (body.kind === "too-large") throw new ApiError(413, "payload_too_large", `request body exceeds ${MAX_BODY_BYTES} bytes`);
      const parsed = body.kind === "text" ? parseJson(body.text) : undefined;
      if (parsed && !parsed.ok) throw new ApiError(400, "bad_json", `malformed JSON body: ${parsed.message}`);
      const answer = await match.handler({ params: match.params, query: new URLSearchParams(queryString), body: parsed?.value, token: "" });
      sendJson(response, answer.status, answer.body);
    } catch (error) {
      sendError(response, error instanceof ApiError ? error : internalError(error));
    }
  }

  // A path the dashboard does not serve keeps the API's JSON 404; the dashboard's own errors are pages.
  private async handleDashboard(request: http.IncomingMessage, response: http.ServerResponse, path: string): Promise<void> {
    const method = request.method ?? "GET";
    const [pathname, queryString = ""] = splitQuery(path);
    try {
      const match = this.parts.dashboard.match(method, pathname);
      let form = new URLSearchParams();
      if (method === "POST") {
        const origin = request.headers.origin;
        if (origin !== undefined && origin !== `http://${request.headers.host}`) {
          throw new ApiError(403, "forbidden", "a dashboard form is accepted only from the dashboard's own pages");
        }
        if (!isFormContentType(request.headers["content-type"])) {
          throw new ApiError(415, "unsupported_media_type", "post the form as Content-Type: application/x-www-form-urlencoded");
        }
        const body = await readBody(request);
        if (body.kind === "aborted") return;
        if (body.kind === "too-large") throw new ApiError(413, "payload_too_large", `request body exceeds ${MAX_BODY_BYTES} bytes`);
        form = new URLSearchParams(body.kind === "text" ? body.text : "");
      }
      sendPage(response, match.handler({ params: match.params, query: new URLSearchParams(queryString), form }));
    } catch (error) {
      if (error instanceof ApiError && error.code === "route_not_found") {
        return sendError(response, new ApiError(404, "route_not_found", `no route ${method} ${pathname}; the API lives under /v1`));
      }
      const failure = error instanceof ApiError ? error : internalError(error);
      sendPage(response, { status: failure.status, html: errorPage(failure.status, failure.message) }, failure.headers);
    }
  }

  private sleep(ms: number): Promise<void> {
    if (ms <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        resolve();
      }, ms);
      this.timers.add(timer);
    });
  }
}

function splitQuery(path: string): [string, string?] {
  const index = path.indexOf("?");
  return index < 0 ? [path] : [path.slice(0, index), path.slice(index + 1)];
}

function bearerToken(header: string | undefined): string | undefined {
  const match = header === undefined ? null : /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match ? match[1] : undefined;
}

function isJsonContentType(header: string | undefined): boolean {
  return header !== undefined && header.split(";", 1)[0].trim().toLowerCase() === "application/json";
}

function isFormContentType(header: string | undefined): boolean {
  return header !== undefined && header.split(";", 1)[0].trim().toLowerCase() === "application/x-www-form-urlencoded";
}

function parseJson(text: string): ParsedBody {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    return { ok: false, message: (error as Error).message };
  }
}

function hasBody(request: http.IncomingMessage): boolean {
  const length = request.headers["content-length"];
  return request.headers["transfer-encoding"] !== undefined || (length !== undefined && length !== "0");
}

// Stops buffering as soon as the limit is passed, so a huge body costs no memory and the 413 goes out at once.
function readBody(request: http.IncomingMessage): Promise<Body> {
  if (!hasBody(request)) return Promise.resolve({ kind: "empty" });
  if (Number(request.headers["content-length"]) > MAX_BODY_BYTES) return Promise.resolve({ kind: "too-large" });
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const settle = (body: Body): void => {
      if (settled) return;
      settled = true;
      resolve(body);
    };
    request.on("data", (chunk: Buffer) => {
      if (settled) return;
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        chunks.length = 0;
        settle({ kind: "too-large" });
      } else {
        chunks.push(chunk);
      }
    });
    request.on("end", () => settle(size === 0 ? { kind: "empty" } : { kind: "text", text: Buffer.concat(chunks).toString("utf8") }));
    request.on("close", () => settle({ kind: "aborted" }));
  });
}

function sendJson(response: http.ServerResponse, status: number, body: unknown, headers?: Record<string, string>): void {
  if (response.headersSent || response.destroyed) return;
  const text = JSON.stringify(body);
  response.writeHead(status, { ...JSON_HEADERS, "content-length": Buffer.byteLength(text), ...headers });
  response.end(text);
}

function sendPage(response: http.ServerResponse, answer: DashboardAnswer, headers?: Record<string, string>): void {
  if (response.headersSent || response.destroyed) return;
  if ("location" in answer) {
    response.writeHead(answer.status, { location: answer.location, "content-length": 0, "cache-control": "no-store" });
    response.end();
    return;
  }
  response.writeHead(answer.status, { ...DASHBOARD_HEADERS, "content-length": Buffer.byteLength(answer.html), ...headers });
  response.end(answer.html);
}

function sendError(response: http.ServerResponse, error: ApiError): void {
  sendJson(response, error.status, error.toBody(), error.headers);
}

function dropConnection(response: http.ServerResponse): void {
  const socket = response.socket;
  if (!socket) return;
  // RST rather than FIN: the client sees ECONNRESET, like a crashed upstream.
  if (typeof socket.resetAndDestroy === "function") socket.resetAndDestroy();
  else socket.destroy();
}

function internalError(error: unknown): ApiError {
  return new ApiError(500, "internal_error", `simulator bug: ${error instanceof Error ? error.message : String(error)}`);
}

// The admin side door has no auth, so a page in the user's browser must not be able to write through it: a write
// from a foreign Origin (or one a browser marks cross-site) is refused, and a body must be JSON, which a cross-site
// page cannot send without a preflight that this server never allows.
function refuseCrossSite(request: http.IncomingMessage): void {
  const origin = request.headers.origin;
  const site = request.headers["sec-fetch-site"];
  if ((origin !== undefined && origin !== `http://${request.headers.host}`) || site === "cross-site" || site === "same-site") {
    throw new ApiError(403, "forbidden", "the admin endpoints accept writes only from this machine's tools, not from another site's page");
  }
  const type = request.headers["content-type"];
  const hasBody = Number(request.headers["content-length"] ?? 0) > 0 || request.headers["transfer-encoding"] !== undefined;
  if (hasBody && !/^application\/json\b/i.test(type ?? "")) {
    throw new ApiError(415, "unsupported_media_type", "send the admin request's body as Content-Type: application/json");
  }
}
