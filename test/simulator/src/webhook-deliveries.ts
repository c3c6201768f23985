// Delivery of webhook events: one FIFO queue (in order, one delivery at a time), signed attempts over node:http(s),
// retries on a schedule that is data, a record of every attempt, and nothing left running once closed.
import { createHmac } from "node:crypto";
import * as http from "node:http";
import * as https from "node:https";
import { isoSeconds } from "./time";
import type { DeliverySettings, DeliveryState, WebhookAttempt, WebhookDelivery, WebhookEventName, WebhookResponse } from "./types";

/** The header every attempt carries when a signing secret is set: `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`. */
export const SIGNATURE_HEADER = "X-Callbell-Signature";
/** Most bytes of a receiver's answer body that are kept. */
export const MAX_RESPONSE_BODY_BYTES = 4096;
/** Deliveries kept for the admin API and GET /webhooks/events; older ones are forgotten. */
export const DELIVERY_LOG_CAPACITY = 1000;
/** The delivery settings of a run that sets none. */
export const DEFAULT_DELIVERY_SETTINGS: DeliverySettings = { retryDelaysMs: [1000, 5000, 30_000], disableAfterFailures: 5, timeoutMs: 5000 };

/** The signature header value for one attempt: key = the whole secret string (whsec_ included), message = "<t>.<raw body>". */
export function signatureHeader(secret: string, t: number, body: string): string {
  return `t=${t},v1=${createHmac("sha256", secret).update(`${t}.${body}`).digest("hex")}`;
}

/** Throws a descriptive Error when delivery settings are out of range. */
export function checkDeliverySettings(settings: Partial<DeliverySettings>): void {
  const { retryDelaysMs, disableAfterFailures, timeoutMs } = settings;
  if (retryDelaysMs !== undefined) {
    const valid =
      Array.isArray(retryDelaysMs) && retryDelaysMs.length <= 20 && retryDelaysMs.every((ms) => typeof ms === "number" && ms >= 0 && ms <= 3_600_000);
    if (!valid) throw new Error("retryDelaysMs must be an array of at most 20 delays, each a number of ms in [0, 3600000]");
  }
  if (disableAfterFailures !== undefined && !(Number.isInteger(disableAfterFailures) && disableAfterFailures >= 1)) {
    throw new Error("disableAfterFailures must be an integer >= 1");
  }
  if (timeoutMs !== undefined && !(typeof timeoutMs === "number" && timeoutMs > 0 && timeoutMs <= 600_000)) {
    throw new Error("timeoutMs must be a number of ms in (0, 600000]");
  }
}

/** What the queue reads at each attempt, and whom it tells when a delivery has finished. */
export interface DeliveryHooks {
  settings: () => DeliverySettings;
  /** The signing secret now, or null; read at every attempt, so a rotation takes effect at once. */
  secret: () => string | null;
  /** Milliseconds since the epoch: t of the signature, createdAt of deliveries. */
  now: () => number;
  /** Called once per delivery that ran to its end (delivered, or failed after its last retry). */
  finished: (delivery: WebhookDelivery) => void;
}

interface Entry {
  delivery: WebhookDelivery;
  /** The webhook this delivery belongs to (a new subscribe after an unsubscribe is another webhook). */
  webhookId: number;
}

/** The delivery queue of one simulator. */
export class DeliveryQueue {
  private readonly waiting: Entry[] = [];
  private running: Entry | undefined;
  private records: Entry[] = [];
  private nextId = 1;
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly requests = new Set<http.ClientRequest>();
  private idleWaiters: Array<() => void> = [];
  private scheduled: NodeJS.Immediate | undefined;
  private closed = false;

  constructor(private readonly hooks: DeliveryHooks) {}

  /** Queues one event for url; the first attempt starts after the current tick (never inside the API call that caused it). */
  enqueue(webhookId: number, event: WebhookEventName, url: string, payload: unknown): WebhookDelivery {
    const delivery: WebhookDelivery = {
      id: this.nextId++,
      event,
      url,
      payload,
      body: JSON.stringify({ event, payload }),
      createdAt: isoSeconds(this.hooks.now()),
      state: "pending",
      success: false,
      attempts: [],
    };
    const entry = { delivery, webhookId };
    this.records.push(entry);
    if (this.records.length > DELIVERY_LOG_CAPACITY) this.records = this.records.slice(-DELIVERY_LOG_CAPACITY);
    if (this.closed) {
      delivery.state = "cancelled";
      return delivery;
    }
    this.waiting.push(entry);
    this.schedule();
    return delivery;
  }

  /** Every kept delivery, oldest first. */
  list(): WebhookDelivery[] {
    return this.records.map((entry) => entry.delivery);
  }

  /** The finished (delivered or failed) deliveries of one webhook, newest first. */
  finishedOf(webhookId: number): WebhookDelivery[] {
    return this.records
      .filter((entry) => entry.webhookId === webhookId && (entry.delivery.state === "delivered" || entry.delivery.state === "failed"))
      .map((entry) => entry.delivery)
      .reverse();
  }

  /** Number of deliveries not yet finished. */
  get pending(): number {
    return this.waiting.length + (this.running ? 1 : 0);
  }

  /** Cancels every delivery not yet finished: the waiting ones and the running one, whose attempt in flight is aborted. */
  cancelPending(): void {
    for (const entry of this.waiting) entry.delivery.state = "cancelled";
    this.waiting.length = 0;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    for (const request of this.requests) request.destroy();
    this.requests.clear();
    if (this.scheduled) clearImmediate(this.scheduled);
    this.scheduled = undefined;
    if (this.running) this.running.delivery.state = "cancelled";
    this.running = undefined;
    this.notifyIfIdle();
  }

  /** Cancels pending deliveries and forgets every record (admin reset). */
  clear(): void {
    this.cancelPending();
    this.records = [];
  }

  /** Resolves true once nothing is pending, or false after timeoutMs. */
  settle(timeoutMs: number): Promise<boolean> {
    if (this.pending === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        this.idleWaiters = this.idleWaiters.filter((waiter) => waiter !== done);
        resolve(false);
      }, timeoutMs);
      timer.unref();
      const done = (): void => {
        clearTimeout(timer);
        resolve(true);
      };
      this.idleWaiters.push(done);
    });
  }

  /** Stops for good: cancels pending deliveries and retries, aborts attempts in flight, releases settle() waiters. */
  close(): void {
    this.closed = true;
    this.cancelPending();
  }

  private schedule(): void {
    if (this.running || this.scheduled || this.closed || this.waiting.length === 0) return;
    this.scheduled = setImmediate(() => {
      this.scheduled = undefined;
      this.startNext();
    });
    this.scheduled.unref();
  }

  private startNext(): void {
    if (this.running || this.closed) return;
    const entry = this.waiting.shift();
    if (!entry) return this.notifyIfIdle();
    this.running = entry;
    this.attempt(entry);
  }

  private attempt(entry: Entry): void {
    const { delivery } = entry;
    const t = Math.floor(this.hooks.now() / 1000);
    const secret = this.hooks.secret();
    const signature = secret === null ? null : signatureHeader(secret, t, delivery.body);
    const attempt: WebhookAttempt = { at: new Date(this.hooks.now()).toISOString(), t, signature, status: 0, response: { body: "", code: 0, headers: {} } };
    delivery.attempts.push(attempt);
    this.send(delivery.url, delivery.body, signature).then((outcome) => {
      if (this.running !== entry) return; // cancelled meanwhile
      attempt.status = outcome.response.code;
      attempt.response = outcome.response;
      if (outcome.error !== undefined) attempt.error = outcome.error;
      if (outcome.response.code >= 200 && outcome.response.code < 300) return this.finish(entry, "delivered");
      const delays = this.hooks.settings().retryDelaysMs;
      const retry = delivery.attempts.length - 1;
      if (retry >= delays.length) return this.finish(entry, "failed");
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        if (this.running === entry) this.attempt(entry);
      }, delays[retry]);
      timer.unref();
      this.timers.add(timer);
    });
  }

  private finish(entry: Entry, state: Extract<DeliveryState, "delivered" | "failed">): void {
    entry.delivery.state = state;
    entry.delivery.success = state === "delivered";
    this.running = undefined;
    this.hooks.finished(entry.delivery);
    if (this.waiting.length > 0) this.schedule();
    else this.notifyIfIdle();
  }

  private notifyIfIdle(): void {
    if (this.pending > 0) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const waiter of waiters) waiter();
  }

  // One POST; resolves (never rejects) with the answer, or code 0 and the error for a connection error or a timeout.
  private send(url: string, body: string, signature: string | null): Promise<{ response: WebhookResponse; error?: string }> {
    return new Promise((resolve) => {
      let target: URL;
      try {
        target = new URL(url);
        if (target.protocol !== "http:" && target.protocol !== "https:") throw new Error(`unsupported protocol ${target.protocol}`);
      } catch (error) {
        return resolve({ response: { body: "", code: 0, headers: {} }, error: `invalid URL: ${(error as Error).message}` });
      }
      const headers: Record<string, string | number> = {
        "content-type": "application/json",
        "content-length": Buffer.byteLength(body),
        "user-agent": "callbell-simulator-webhooks",
      };
      if (signature !== null) headers[SIGNATURE_HEADER] = signature;
      let settled = false;
      const settle = (outcome: { response: WebhookResponse; error?: string }): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        this.timers.delete(timer);
        this.requests.delete(request);
        resolve(outcome);
      };
      const transport = target.protocol === "https:" ? https : http;
      // agent: false, a fresh connection closed after the answer: no socket outlives the attempt.
      const request = transport.request(target, { method: "POST", headers, agent: false }, (response) => {
        const chunks: Buffer[] = [];
        let kept = 0;
        response.on("data", (chunk: Buffer) => {
          if (kept >= MAX_RESPONSE_BODY_BYTES) return;
          const part = chunk.subarray(0, MAX_RESPONSE_BODY_BYTES - kept);
          chunks.push(part);
          kept += part.length;
        });
        response.on("error", (error) => settle({ response: { body: "", code: 0, headers: {} }, error: errorText(error) }));
        response.on("end", () =>
          settle({ response: { body: Buffer.concat(chunks).toString("utf8"), code: response.statusCode ?? 0, headers: flatHeaders(response.headers) } }),
        );
      });
      const timeoutMs = this.hooks.settings().timeoutMs;
      const timer = setTimeout(() => {
        settle({ response: { body: "", code: 0, headers: {} }, error: `timeout after ${timeoutMs} ms` });
        request.destroy();
      }, timeoutMs);
      timer.unref();
      this.timers.add(timer);
      this.requests.add(request);
      request.on("error", (error) => settle({ response: { body: "", code: 0, headers: {} }, error: errorText(error) }));
      request.end(body);
    });
  }
}

function errorText(error: NodeJS.ErrnoException): string {
  return error.code ?? error.message;
}

function flatHeaders(headers: http.IncomingHttpHeaders): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) if (value !== undefined) flat[name] = Array.isArray(value) ? value.join(", ") : value;
  return flat;
}
