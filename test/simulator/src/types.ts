// Public types of the Callbell simulator: options, faults, request log, fixture and API shapes.

/** Channel types the Callbell API knows; a contact's `source` is one of them. */
export type ChannelType = "whatsapp" | "facebook" | "instagram" | "telegram";

/** Every channel type, in the order error messages list them. */
export const CHANNEL_TYPES: readonly ChannelType[] = ["whatsapp", "facebook", "instagram", "telegram"];

/** Channel types whose contact identifier is a phone number (validated and formatted). */
export const PHONE_CHANNEL_TYPES: ReadonlySet<ChannelType> = new Set<ChannelType>(["whatsapp", "telegram"]);

/** Custom field types of the account, as the reference lists them. */
export type CustomFieldType = "text" | "email" | "number" | "date" | "dropdown" | "checkbox";

/** Options of startSimulator(); every field is optional. */
export interface SimulatorOptions {
  port?: number;
  host?: string;
  tokens?: string[];
  fixture?: string | AccountFixture;
  dataFile?: string;
  duplicates?: DuplicatePolicy;
  /** `""` (or `[]`) for a custom field on PATCH: removes the field (default), or is ignored. */
  emptyFieldOnPatch?: EmptyFieldPolicy;
  /** `tags` on PATCH: the new full list (default), or merged into the contact's tags. */
  patchTags?: PatchTagsPolicy;
  /** The shape of every error body (default "nested"). */
  errorBody?: ErrorBodyShape;
  /** Whether a 429 carries `Retry-After` (default "sent"). */
  retryAfter?: RetryAfterPolicy;
  /** DELETE of a contact that does not exist: 404 (default) or 200 as if deleted. */
  deleteMissing?: DeleteMissingPolicy;
  /** `contact` in answers: per endpoint as documented (default), or an array or an object everywhere. */
  contactShape?: ContactShape;
  rateLimitPerSecond?: number;
  faults?: FaultConfig;
  /** Base of contacts' `href` and `conversationHref` (default: the simulator's origin, where its dashboard is). */
  dashboardUrl?: string;
  pageSize?: number;
  seed?: number;
  /** Milliseconds of a monotonic clock for the rate limiter and the forced-429 window (default performance.now). */
  clock?: () => number;
  /** A second custom status with the name of another: created (default "duplicates"), or 422 naming name ("unique"). */
  statusNames?: StatusNamesPolicy;
  /** A webhook URL on this machine (localhost, 127.x, [::1]): accepted (default, so local receivers work), or refused as Callbell does. */
  loopbackWebhooks?: LoopbackWebhooksPolicy;
  /** GET /webhooks: no such route (default, as the reference documents none), or "get" answers the webhook. */
  webhookRead?: WebhookReadPolicy;
  /** Milliseconds since the epoch for the dates the API writes and the signature's t (default Date.now); tests pass their own. */
  wallClock?: () => number;
  /** Retry schedule, disable threshold and timeout of webhook deliveries at start (and after an admin reset). */
  webhookDelivery?: Partial<DeliverySettings>;
}

/** What a create does when the identifier already exists on the channel. */
export type DuplicatePolicy = "reject" | "allow";

/** What PATCH does with `""` for a custom field. */
export type EmptyFieldPolicy = "clears" | "ignored";

/** What PATCH does with `tags`. */
export type PatchTagsPolicy = "replace" | "merge";

/** Error body shapes: nested `{"error":{status,code,message,field,value}}`, flat `{"error":"message"}`, list `{"errors":[{field,message}]}`. */
export type ErrorBodyShape = "nested" | "flat" | "list";

/** Whether a 429 answer carries Retry-After. */
export type RetryAfterPolicy = "sent" | "omitted";

/** The status of a DELETE of a missing contact. */
export type DeleteMissingPolicy = "404" | "200";

/** How `contact` is wrapped: documented (array for GET/POST/PATCH by uuid, object for lookups), or one shape everywhere. */
export type ContactShape = "documented" | "array" | "object";

/** Whether two custom statuses may share a name. */
export type StatusNamesPolicy = "duplicates" | "unique";

/** Whether a webhook URL on the loopback interface is accepted. */
export type LoopbackWebhooksPolicy = "accepted" | "refused";

/** Whether GET /webhooks exists. */
export type WebhookReadPolicy = "none" | "get";

/** The behaviours the reference leaves open, one choice each: a simulator run plays one account's choices. */
export interface ApiVariants {
  duplicates: DuplicatePolicy;
  emptyFieldOnPatch: EmptyFieldPolicy;
  patchTags: PatchTagsPolicy;
  errorBody: ErrorBodyShape;
  retryAfter: RetryAfterPolicy;
  deleteMissing: DeleteMissingPolicy;
  contactShape: ContactShape;
  statusNames: StatusNamesPolicy;
  loopbackWebhooks: LoopbackWebhooksPolicy;
  webhookRead: WebhookReadPolicy;
}

/** Every value each variant can take, the default first. */
export const VARIANT_VALUES: { readonly [K in keyof ApiVariants]: readonly ApiVariants[K][] } = {
  duplicates: ["reject", "allow"],
  emptyFieldOnPatch: ["clears", "ignored"],
  patchTags: ["replace", "merge"],
  errorBody: ["nested", "flat", "list"],
  retryAfter: ["sent", "omitted"],
  deleteMissing: ["404", "200"],
  contactShape: ["documented", "array", "object"],
  statusNames: ["duplicates", "unique"],
  loopbackWebhooks: ["accepted", "refused"],
  webhookRead: ["none", "get"],
};

/** Random faults applied to /v1 requests (all probabilities in [0, 1]). */
export interface FaultConfig {
  latencyMs?: number;
  jitterMs?: number;
  spikeRate?: number;
  spikeMs?: number;
  errorRate?: number;
  errorStatuses?: number[];
  resetRate?: number;
  commitThenFail?: CommitThenFailConfig;
  methods?: string[];
}

/** Write methods that commitThenFail may hit. */
export type WriteMethod = "POST" | "PATCH" | "PUT" | "DELETE";

/** Do the write, then answer 500 or drop the connection. */
export interface CommitThenFailConfig {
  rate: number;
  methods?: WriteMethod[];
  mode?: "500" | "reset";
}

/** What a scripted fault does to the request it matches. */
export type ScriptedFaultAction = "500" | "502" | "503" | "429" | "reset" | "commit-then-500" | "commit-then-reset" | "delay";

/** A one-shot fault queued through the admin API, consumed by the next matching requests. */
export interface ScriptedFault {
  method?: string;
  path?: string;
  /** Query parameters the request must carry with these values, e.g. `{ page: "3" }` for one page of a list. */
  query?: Record<string, string>;
  action: ScriptedFaultAction;
  delayMs?: number;
  retryAfterSeconds?: number;
  times?: number;
}

/** How a /v1 request ended, as the request log records it. */
export type RequestOutcome = "ok" | "error" | "rate-limited" | "fault" | "reset" | "commit-then-fail";

/** One /v1 request as the simulator saw and answered it. */
export interface RequestLogEntry {
  seq: number;
  method: string;
  path: string;
  status: number;
  durationMs: number;
  at: string;
  outcome: RequestOutcome;
  committed: boolean;
  body?: unknown;
}

/** A user of the account in the fixture. */
export interface FixtureUser {
  email: string;
  name: string;
  available?: boolean;
  lastUpdatedAt?: string;
  userCustomStatus?: string;
}

/** A custom field definition in the fixture; options only for dropdown and checkbox. */
export interface FixtureCustomField {
  name: string;
  type: CustomFieldType;
  options?: string[];
}

/** A team in the fixture; members are user emails. */
export interface FixtureTeam {
  uuid: string;
  name: string;
  default?: boolean;
  createdAt: string;
  members: string[];
}

/** A channel in the fixture; at most one main channel per type. */
export interface FixtureChannel {
  uuid: string;
  title: string;
  type: ChannelType;
  main?: boolean;
  /** When the channel was discarded (ISO 8601); absent for an active channel. */
  discardedAt?: string;
}

/** The Callbell account the simulator serves: everything that is managed in the dashboard. */
export interface AccountFixture {
  owner: { email: string; name: string };
  users: FixtureUser[];
  tags: string[];
  customFields: FixtureCustomField[];
  teams: FixtureTeam[];
  channels: FixtureChannel[];
  botEnabled: boolean;
}

/** Team object as the API returns it (members is the member count). */
export interface Team {
  uuid: string;
  name: string;
  createdAt: string;
  default: boolean;
  members: number;
}

/** Channel object as the API returns it. */
export interface Channel {
  uuid: string;
  title: string;
  type: ChannelType;
  main: boolean;
  discardedAt: string | null;
}

/** Team member as GET /teams/:uuid/members returns it. */
export interface TeamMember {
  email: string;
  name: string;
  available: boolean;
  lastUpdatedAt: string;
  userCustomStatus?: string;
}

/** One entry of customFieldsMetadata (include_field_types=true). */
export interface CustomFieldMetadata {
  value: string;
  type: CustomFieldType;
  options?: string[];
}

/** Contact object as the API returns it (camelCase). */
export interface Contact {
  uuid: string;
  name: string;
  phoneNumber: string | null;
  avatarUrl: string | null;
  createdAt: string;
  source: ChannelType;
  href: string;
  conversationHref: string;
  tags: string[];
  assignedUser: string | null;
  customFields: Record<string, string>;
  customFieldsMetadata?: Record<string, CustomFieldMetadata>;
  team: Team;
  channel: Channel;
  blockedAt: string | null;
  closedAt: string | null;
  funnelId: string | null;
  bsuid?: string;
  note: string | null;
}

/** The error body every failing answer carries (errorBody "nested", the default). */
export interface ApiErrorBody {
  error: { status: number; code: string; message: string; field?: string; value?: unknown };
}

/** Any of the error body shapes (ErrorBodyShape). */
export type AnyErrorBody = ApiErrorBody | { error: string } | { errors: { field?: string; message: string }[] };

/** Free-form edit applied by the admin API behind the provider's back (no validation). */
export interface ContactEdit {
  name?: string;
  tags?: string[];
  note?: string | null;
  customFields?: Record<string, string | string[]>;
  assignedUser?: string | null;
  teamUuid?: string;
  bsuid?: string | null;
  avatarUrl?: string | null;
  blockedAt?: string | null;
  closedAt?: string | null;
}

/** A custom status as the API returns it; dates are written "2024-12-04 14:12:14 +0000". */
export interface CustomStatus {
  id: string;
  name: string;
  emoji: string | null;
  createdAt: string;
  updatedAt: string;
}

/** A change to a custom status made behind the provider's back (admin API); absent keys stay as they are. */
export interface CustomStatusEdit {
  name?: string;
  emoji?: string | null;
}

/** The events a webhook can subscribe to, as the reference lists them; the simulator sends only the contact ones. */
export const WEBHOOK_EVENTS = [
  "message_created",
  "message_status_updated",
  "contact_created",
  "contact_updated",
  "contact_deleted",
  "conversation_opened",
  "conversation_closed",
  "team_membership_updated",
  "agent_status_updated",
  "agent_session_updated",
] as const;

/** One event name of WEBHOOK_EVENTS. */
export type WebhookEventName = (typeof WEBHOOK_EVENTS)[number];

/** The account's webhook as the API returns it; createdAt is written "2022-10-18 17:01:20 +0000". */
export interface Webhook {
  url: string;
  subscriptions: WebhookEventName[];
  createdAt: string;
  enabled: boolean;
}

/** The webhook as the admin API shows it: whether a signing secret is set (never the secret) and the failed deliveries in a row. */
export interface AdminWebhook extends Webhook {
  secretSet: boolean;
  consecutiveFailures: number;
}

/** The webhook as a person sets it in the dashboard (admin API): url and subscriptions are needed only when there is none yet. */
export interface WebhookEdit {
  url?: string;
  subscriptions?: WebhookEventName[];
  enabled?: boolean;
}

/** How deliveries are retried and when the webhook is disabled. */
export interface DeliverySettings {
  /** Wait before each retry of a failed attempt, in ms; its length is the number of retries (default [1000, 5000, 30000]). */
  retryDelaysMs: number[];
  /** Failed deliveries in a row (each after its last retry) that disable the webhook (default 5). */
  disableAfterFailures: number;
  /** An attempt with no complete answer after this many ms is a failed attempt, status 0 (default 5000). */
  timeoutMs: number;
}

/** The receiver's answer to one attempt: body text (at most 4096 bytes), status code (0 for none), response headers. */
export interface WebhookResponse {
  body: string;
  code: number;
  headers: Record<string, string>;
}

/** One attempt of a delivery. */
export interface WebhookAttempt {
  /** When it was sent (ISO 8601, milliseconds). */
  at: string;
  /** The unix seconds of the attempt, signed when a secret is set. */
  t: number;
  /** The X-Callbell-Signature header sent, or null when no signing secret was set. */
  signature: string | null;
  /** The receiver's status code; 0 for a connection error or a timeout. */
  status: number;
  /** What went wrong when no answer came (a connection error code, or "timeout after N ms"). */
  error?: string;
  response: WebhookResponse;
}

/** Where a delivery is: waiting or retrying, delivered (a 2xx), failed after its last retry, or cancelled (webhook removed or disabled, simulator stopped). */
export type DeliveryState = "pending" | "delivered" | "failed" | "cancelled";

/** One event sent (or to be sent) to the webhook, as the admin API lists it. */
export interface WebhookDelivery {
  id: number;
  event: WebhookEventName;
  url: string;
  payload: unknown;
  /** The exact request body, the bytes the signature covers. */
  body: string;
  /** When the change happened (ISO 8601, seconds). */
  createdAt: string;
  state: DeliveryState;
  success: boolean;
  attempts: WebhookAttempt[];
}

/** One delivery as GET /webhooks/events lists it: its last attempt's response. */
export interface WebhookEventRecord {
  event: WebhookEventName;
  payload: unknown;
  response: WebhookResponse;
  success: boolean;
  createdAt: string;
}
