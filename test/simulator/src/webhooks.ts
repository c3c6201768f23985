// The account's one webhook (Callbell's Webhooks API): subscribe and unsubscribe with their validation, the signing
// secret, the events the simulator sends (contact_created, contact_updated, contact_deleted) and the /v1 routes.
import { paginated, pageParam, positiveIntegerParam, type ApiHandler, type ApiRequest } from "./api";
import { ApiError, notFound, validationError } from "./errors";
import type { Route } from "./router";
import { callbellTime } from "./time";
import {
  WEBHOOK_EVENTS,
  type AdminWebhook,
  type DeliverySettings,
  type LoopbackWebhooksPolicy,
  type Webhook,
  type WebhookDelivery,
  type WebhookEventName,
  type WebhookEventRecord,
  type WebhookReadPolicy,
} from "./types";
import { rejectUnknownKeys, requireObject, typeError } from "./validation";
import { checkDeliverySettings, DEFAULT_DELIVERY_SETTINGS, DeliveryQueue } from "./webhook-deliveries";

/** Longest webhook URL accepted (the reference is silent; the simulator's bound). */
export const MAX_WEBHOOK_URL_LENGTH = 2048;
/** A signing secret: "whsec_" and at least one more character, no spaces. */
export const SIGNING_SECRET_PATTERN = /^whsec_\S+$/;

const SUBSCRIBE_KEYS = new Set(["url", "subscriptions"]);
const EDIT_KEYS = new Set(["url", "subscriptions", "enabled"]);
const EVENT_NAMES: ReadonlySet<string> = new Set(WEBHOOK_EVENTS);

/** The webhook as kept (and persisted); id tells one webhook from the next after an unsubscribe. */
export interface StoredWebhook extends Webhook {
  id: number;
}

/** The webhook part of the data file: the webhook and the signing secret. */
export interface PersistedWebhookState {
  webhook: Webhook | null;
  signingSecret: string | null;
}

/** What the webhook needs from the run. */
export interface WebhookSettings {
  loopbackWebhooks: LoopbackWebhooksPolicy;
  now: () => number;
  /** Delivery settings at start and after an admin reset (over the defaults). */
  delivery?: Partial<DeliverySettings>;
}

/** The account's webhook, its signing secret and its deliveries. */
export class Webhooks {
  private webhook: StoredWebhook | undefined;
  private secret: string | null = null;
  private consecutiveFailures = 0;
  private nextId = 1;
  private deliverySettings: DeliverySettings;
  /** The deliveries of this simulator. */
  readonly deliveries: DeliveryQueue;

  constructor(
    private readonly settings: WebhookSettings,
    private readonly onChange: () => void = () => undefined,
  ) {
    checkDeliverySettings(settings.delivery ?? {});
    this.deliverySettings = { ...DEFAULT_DELIVERY_SETTINGS, ...settings.delivery };
    this.deliveries = new DeliveryQueue({
      settings: () => this.deliverySettings,
      secret: () => this.secret,
      now: settings.now,
      finished: (delivery) => this.onFinished(delivery),
    });
  }

  /** The webhook in API shape, or undefined when the account has none. */
  view(): Webhook | undefined {
    return this.webhook && webhookView(this.webhook);
  }

  /** The webhook as the admin API shows it, whatever its state; null when there is none. */
  adminView(): AdminWebhook | null {
    if (!this.webhook) return null;
    return { ...webhookView(this.webhook), secretSet: this.secret !== null, consecutiveFailures: this.consecutiveFailures };
  }

  /** POST /webhooks/subscribe: validates, then creates the webhook or replaces its url and subscriptions; (re-)enables it. */
  subscribe(body: unknown): Webhook {
    const fields = requireObject(body);
    rejectUnknownKeys(fields, SUBSCRIBE_KEYS, "is not a field of POST /webhooks/subscribe (url, subscriptions)");
    const url = validateUrl(fields.url, this.settings.loopbackWebhooks);
    const subscriptions = validateSubscriptions(fields.subscriptions);
    return this.put(url, subscriptions, true);
  }

  /** A person sets the webhook in the dashboard (admin API): types checked (400), url and subscriptions needed only when there is none. */
  edit(body: unknown): AdminWebhook {
    if (typeof body !== "object" || body === null || Array.isArray(body)) throw new ApiError(400, "bad_request", "the webhook must be a JSON object");
    const edit = body as Record<string, unknown>;
    for (const key of Object.keys(edit)) {
      if (!EDIT_KEYS.has(key)) throw new ApiError(400, "bad_request", `'${key}' cannot be set; settable: ${[...EDIT_KEYS].join(", ")}`);
    }
    const url = edit.url ?? this.webhook?.url;
    const subscriptions = edit.subscriptions ?? this.webhook?.subscriptions;
    if (typeof url !== "string" || url === "") throw new ApiError(400, "bad_request", "url must be a non-empty string");
    if (!Array.isArray(subscriptions) || subscriptions.some((event) => typeof event !== "string" || !EVENT_NAMES.has(event))) {
      throw new ApiError(400, "bad_request", `subscriptions must be an array of event names: ${WEBHOOK_EVENTS.join(", ")}`);
    }
    if (edit.enabled !== undefined && typeof edit.enabled !== "boolean") throw new ApiError(400, "bad_request", "enabled must be a boolean");
    const enabled = (edit.enabled as boolean | undefined) ?? this.webhook?.enabled ?? true;
    this.put(url, [...new Set(subscriptions as WebhookEventName[])], enabled);
    return this.adminView()!;
  }

  /** DELETE /webhooks/unsubscribe (and the admin delete): removes the webhook and cancels its pending deliveries; false when none. */
  remove(): boolean {
    if (!this.webhook) return false;
    this.webhook = undefined;
    this.consecutiveFailures = 0;
    this.deliveries.cancelPending();
    this.onChange();
    return true;
  }

  /** Sets the signing secret; throws 400 unless it is "whsec_" and more. Takes effect at the next attempt. */
  setSecret(secret: unknown): void {
    if (typeof secret !== "string" || !SIGNING_SECRET_PATTERN.test(secret)) {
      throw new ApiError(400, "bad_request", "a signing secret is a string 'whsec_' followed by at least one character, without spaces");
    }
    this.secret = secret;
    this.onChange();
  }

  /** Removes the signing secret: attempts go unsigned. */
  clearSecret(): void {
    this.secret = null;
    this.onChange();
  }

  /** Changes some delivery settings (400 when out of range) and answers all of them. */
  setDeliverySettings(settings: unknown): DeliverySettings {
    if (typeof settings !== "object" || settings === null || Array.isArray(settings)) throw new ApiError(400, "bad_request", "settings must be a JSON object");
    for (const key of Object.keys(settings)) {
      if (!(key in DEFAULT_DELIVERY_SETTINGS)) throw new ApiError(400, "bad_request", `unknown delivery setting '${key}'`);
    }
    try {
      checkDeliverySettings(settings);
    } catch (error) {
      throw new ApiError(400, "bad_request", (error as Error).message);
    }
    this.deliverySettings = { ...this.deliverySettings, ...(settings as Partial<DeliverySettings>) };
    return this.currentDeliverySettings();
  }

  /** The delivery settings in force (a copy). */
  currentDeliverySettings(): DeliverySettings {
    return { ...this.deliverySettings, retryDelaysMs: [...this.deliverySettings.retryDelaysMs] };
  }

  /** A change happened: queue a delivery when the webhook exists, is enabled and subscribes to the event. payload() is read now. */
  emit(event: WebhookEventName, payload: () => unknown): void {
    const webhook = this.webhook;
    if (!webhook || !webhook.enabled || !webhook.subscriptions.includes(event)) return;
    this.deliveries.enqueue(webhook.id, event, webhook.url, payload());
  }

  /** GET /webhooks/events: the current webhook's finished deliveries, newest first, filtered and paged. */
  events(query: URLSearchParams, pageSize: number): { items: WebhookEventRecord[]; page: number; size: number } {
    if (!this.webhook) throw notFound("this account has no webhook; subscribe one with POST /webhooks/subscribe");
    const status = query.get("status");
    if (status !== null && status !== "failed" && status !== "success") throw validationError("status", status, "status must be failed or success");
    const page = pageParam(query);
    const size = positiveIntegerParam(query, "items") ?? pageSize;
    const wanted = query.get("subscriptions");
    const events = wanted === null ? undefined : new Set(wanted.split(",").map((name) => name.trim()));
    for (const name of events ?? []) {
      if (!EVENT_NAMES.has(name)) throw validationError("subscriptions", name, `'${name}' is not an event; events: ${WEBHOOK_EVENTS.join(", ")}`);
    }
    const items = this.deliveries
      .finishedOf(this.webhook.id)
      .filter((delivery) => (status === null || delivery.success === (status === "success")) && (!events || events.has(delivery.event)))
      .map(eventRecord);
    return { items, page, size };
  }

  /** Forgets the webhook, the secret and every delivery; delivery settings go back to the run's (admin reset). */
  reset(): void {
    this.webhook = undefined;
    this.secret = null;
    this.consecutiveFailures = 0;
    this.deliveries.clear();
    this.deliverySettings = { ...DEFAULT_DELIVERY_SETTINGS, ...this.settings.delivery };
    this.onChange();
  }

  /** The webhook and secret for the data file. */
  snapshot(): PersistedWebhookState {
    return { webhook: this.view() ?? null, signingSecret: this.secret };
  }

  /** Puts back what the data file held. */
  load(state: Partial<PersistedWebhookState>): void {
    if (state.webhook) this.webhook = { ...state.webhook, subscriptions: [...state.webhook.subscriptions], id: this.nextId++ };
    this.secret = state.signingSecret ?? null;
  }

  /** Stops deliveries for good (simulator close). */
  close(): void {
    this.deliveries.close();
  }

  private put(url: string, subscriptions: WebhookEventName[], enabled: boolean): Webhook {
    const createdAt = this.webhook?.createdAt ?? callbellTime(this.settings.now());
    const id = this.webhook?.id ?? this.nextId++;
    if (enabled) this.consecutiveFailures = 0;
    this.webhook = { id, url, subscriptions, createdAt, enabled };
    this.onChange();
    return webhookView(this.webhook);
  }

  // Failed deliveries in a row disable the webhook; what is still queued is then cancelled, and nothing more is queued.
  private onFinished(delivery: WebhookDelivery): void {
    if (delivery.success) {
      this.consecutiveFailures = 0;
      return;
    }
    this.consecutiveFailures += 1;
    if (this.webhook?.enabled && this.consecutiveFailures >= this.deliverySettings.disableAfterFailures) {
      this.webhook.enabled = false;
      this.deliveries.cancelPending();
      this.onChange();
    }
  }
}

/** The /v1 routes of the Webhooks API; GET /webhooks only with webhookRead "get". */
export function webhookRoutes(webhooks: Webhooks, settings: { webhookRead: WebhookReadPolicy; pageSize: number }): Route<ApiHandler>[] {
  const current = (): Webhook => {
    const webhook = webhooks.view();
    if (!webhook) throw notFound("this account has no webhook; subscribe one with POST /webhooks/subscribe");
    return webhook;
  };
  const routes: Route<ApiHandler>[] = [
    {
      pattern: "/webhooks/subscribe",
      methods: { POST: (request: ApiRequest) => ({ status: 200, body: { webhook: webhooks.subscribe(request.body) }, committed: true }) },
    },
    {
      pattern: "/webhooks/unsubscribe",
      methods: {
        DELETE: () => {
          current();
          webhooks.remove();
          return { status: 200, body: { status: "webhook was destroyed" }, committed: true };
        },
      },
    },
    {
      pattern: "/webhooks/events",
      methods: {
        GET: (request: ApiRequest) => {
          const { items, page, size } = webhooks.events(request.query, settings.pageSize);
          return paginated("webhook_events", items, page, size);
        },
      },
    },
  ];
  if (settings.webhookRead === "get")
    routes.push({ pattern: "/webhooks", methods: { GET: () => ({ status: 200, body: { webhook: current() }, committed: false }) } });
  return routes;
}

/** Whether a URL's host is this machine: localhost (and *.localhost), 127.0.0.0/8, ::1, 0.0.0.0 or ::. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname
    .replace(/^\[|\]$/g, "")
    .toLowerCase()
    .replace(/\.$/, "");
  if (host === "localhost" || host.endsWith(".localhost")) return true;
  if (/^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host) || host === "0.0.0.0") return true;
  return host === "::1" || host === "::" || host === "::ffff:7f00:1" || /^::ffff:127\./.test(host);
}

function webhookView(webhook: StoredWebhook): Webhook {
  return { url: webhook.url, subscriptions: [...webhook.subscriptions], createdAt: webhook.createdAt, enabled: webhook.enabled };
}

function eventRecord(delivery: WebhookDelivery): WebhookEventRecord {
  const last = delivery.attempts[delivery.attempts.length - 1];
  return { event: delivery.event, payload: delivery.payload, response: last.response, success: delivery.success, createdAt: delivery.createdAt };
}

function validateUrl(value: unknown, loopback: LoopbackWebhooksPolicy): string {
  if (value === undefined) throw validationError("url", value, "url is required");
  if (typeof value !== "string") throw typeError("url", value, "a string");
  const fail = (why: string): never => {
    throw validationError("url", value, `url ${why}`);
  };
  if (value.length > MAX_WEBHOOK_URL_LENGTH) fail(`must be at most ${MAX_WEBHOOK_URL_LENGTH} characters`);
  if (!/^https?:\/\//i.test(value)) fail("must start with http:// or https://, e.g. https://myapp.example/callbell");
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    return fail("is not a valid URL");
  }
  if (parsed.hostname === "") fail("must name a host");
  if (loopback === "refused" && isLoopbackHost(parsed.hostname))
    fail("must not point at localhost: Callbell cannot reach this machine (expose it with a tunnel)");
  return value;
}

function validateSubscriptions(value: unknown): WebhookEventName[] {
  if (value === undefined) throw validationError("subscriptions", value, "subscriptions is required");
  if (!Array.isArray(value)) throw typeError("subscriptions", value, "an array of event names");
  if (value.length === 0) throw validationError("subscriptions", value, "subscriptions must name at least one event");
  const seen = new Set<string>();
  for (const event of value) {
    if (typeof event !== "string" || !EVENT_NAMES.has(event)) {
      throw validationError("subscriptions", event, `'${String(event)}' is not an event; events: ${WEBHOOK_EVENTS.join(", ")}`);
    }
    if (seen.has(event)) throw validationError("subscriptions", event, `'${event}' is listed twice`);
    seen.add(event);
  }
  return value as WebhookEventName[];
}
