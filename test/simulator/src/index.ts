// Entry point of the Callbell simulator: startSimulator() and the public types.
import { randomBytes } from "node:crypto";
import type { AddressInfo } from "node:net";
import { Account, loadFixture } from "./account";
import { AdminClient } from "./admin";
import { adminRouter } from "./admin-routes";
import { CallbellApi, type ApiSettings } from "./api";
import { CustomStatusStore, customStatusRoutes } from "./custom-statuses";
import { dashboardRouter } from "./dashboard";
import { FaultInjector, RateLimiter } from "./faults";
import { DataFile, type PersistedState } from "./persistence";
import { RequestLog } from "./request-log";
import { SimulatorServer } from "./server";
import { ContactStore, type StoredContact } from "./store";
import { VARIANT_VALUES, WEBHOOK_EVENTS, type ApiVariants, type SimulatorOptions } from "./types";
import { Webhooks, webhookRoutes } from "./webhooks";

export { AdminClient, AdminError } from "./admin";
export { CHANNELS, DEFAULT_FIXTURE_PATH, TEAMS } from "./account";
export { MAX_STATUS_EMOJI_LENGTH, MAX_STATUS_NAME_LENGTH } from "./custom-statuses";
export { VARIANT_VALUES, WEBHOOK_EVENTS } from "./types";
export { DEFAULT_DELIVERY_SETTINGS, SIGNATURE_HEADER, signatureHeader } from "./webhook-deliveries";
export type {
  AccountFixture,
  AnyErrorBody,
  ApiVariants,
  ContactShape,
  DeleteMissingPolicy,
  EmptyFieldPolicy,
  ErrorBodyShape,
  PatchTagsPolicy,
  RetryAfterPolicy,
  ApiErrorBody,
  Channel,
  ChannelType,
  CommitThenFailConfig,
  Contact,
  ContactEdit,
  CustomFieldMetadata,
  CustomFieldType,
  DuplicatePolicy,
  FaultConfig,
  FixtureChannel,
  FixtureCustomField,
  FixtureTeam,
  FixtureUser,
  RequestLogEntry,
  RequestOutcome,
  ScriptedFault,
  ScriptedFaultAction,
  SimulatorOptions,
  Team,
  TeamMember,
  WriteMethod,
  AdminWebhook,
  CustomStatus,
  CustomStatusEdit,
  DeliverySettings,
  DeliveryState,
  LoopbackWebhooksPolicy,
  StatusNamesPolicy,
  Webhook,
  WebhookAttempt,
  WebhookDelivery,
  WebhookEdit,
  WebhookEventName,
  WebhookEventRecord,
  WebhookReadPolicy,
  WebhookResponse,
} from "./types";

/** Defaults of SimulatorOptions that are plain values. */
export const SIMULATOR_DEFAULTS = {
  host: "127.0.0.1",
  duplicates: "reject",
  rateLimitPerSecond: 300,
  pageSize: 50,
  seed: 1,
} as const;

/** Today's behaviour for each variant: the first value of each in VARIANT_VALUES. */
export const DEFAULT_VARIANTS: ApiVariants = {
  duplicates: SIMULATOR_DEFAULTS.duplicates,
  emptyFieldOnPatch: "clears",
  patchTags: "replace",
  errorBody: "nested",
  retryAfter: "sent",
  deleteMissing: "404",
  contactShape: "documented",
  statusNames: "duplicates",
  loopbackWebhooks: "accepted",
  webhookRead: "none",
};

/** The variants of a run: the options' choices over the defaults; throws on a value the variant does not have. */
export function variantsOf(options: Partial<ApiVariants>): ApiVariants {
  const variants = { ...DEFAULT_VARIANTS };
  for (const key of Object.keys(VARIANT_VALUES) as (keyof ApiVariants)[]) {
    const value = options[key];
    if (value === undefined) continue;
    if (!(VARIANT_VALUES[key] as readonly string[]).includes(value)) throw new Error(`simulator ${key} must be one of ${VARIANT_VALUES[key].join(", ")}`);
    (variants as unknown as Record<string, string>)[key] = value;
  }
  return variants;
}

/** A running simulator: where it listens, the token to use, its admin client, and how to stop it. */
export interface StartedSimulator {
  url: string;
  /** http://host:port: the dashboard's pages are served here, the API under /v1, the admin endpoints under /__admin. */
  origin: string;
  token: string;
  admin: AdminClient;
  close(): Promise<void>;
}

/** A new random token in the simulator's format: "sim_" + 32 hex characters. */
export function randomToken(): string {
  return `sim_${randomBytes(16).toString("hex")}`;
}

/** Starts a simulator on options.port (0 = random) and resolves once it listens. */
export async function startSimulator(options: SimulatorOptions = {}): Promise<StartedSimulator> {
  const account = new Account(loadFixture(options.fixture));
  const tokens = options.tokens ?? [randomToken()];
  if (tokens.length === 0 || tokens.some((token) => typeof token !== "string" || !/^\S+$/.test(token))) {
    throw new Error("simulator tokens must be non-empty strings without spaces");
  }
  const pageSize = options.pageSize ?? SIMULATOR_DEFAULTS.pageSize;
  if (!Number.isInteger(pageSize) || pageSize < 1) throw new Error("simulator pageSize must be an integer >= 1");
  const rateLimitPerSecond = options.rateLimitPerSecond ?? SIMULATOR_DEFAULTS.rateLimitPerSecond;
  if (!(rateLimitPerSecond >= 0)) throw new Error("simulator rateLimitPerSecond must be >= 0");

  const variants = variantsOf(options);
  const now = options.wallClock ?? Date.now;
  let dataFile: DataFile | undefined;
  const markDirty = (): void => dataFile?.markDirty();
  const webhooks = new Webhooks({ loopbackWebhooks: variants.loopbackWebhooks, now, delivery: options.webhookDelivery }, markDirty);
  // Every contact change, whichever door it came through (API, admin, dashboard form), is a webhook event; the payload
  // is the contact in API shape, taken at once (for a delete: the contact as it was).
  const store = new ContactStore(markDirty, (change, contact) => webhooks.emit(`contact_${change}`, () => api.view(contact)));
  const statuses = new CustomStatusStore({ statusNames: variants.statusNames, now, pageSize }, markDirty);
  if (options.dataFile) {
    dataFile = new DataFile(options.dataFile, (): PersistedState => ({ contacts: [...store.all()], customStatuses: statuses.all(), ...webhooks.snapshot() }));
    const state = await dataFile.load();
    for (const contact of state.contacts) {
      checkLoadedContact(contact, account, options.dataFile);
      store.insert(contact, false);
    }
    checkLoadedAccountState(state, options.dataFile);
    statuses.load(state.customStatuses);
    webhooks.load(state);
  }
  // The default dashboard is the simulator's own (its origin), known once it listens.
  const settings: ApiSettings = { ...variants, dashboardUrl: options.dashboardUrl?.replace(/\/+$/, "") ?? "", pageSize, now };
  const api = new CallbellApi(account, store, settings, [
    ...customStatusRoutes(statuses, { pageSize }),
    ...webhookRoutes(webhooks, { webhookRead: variants.webhookRead, pageSize }),
  ]);
  const log = new RequestLog();
  const faults = new FaultInjector(options.seed ?? SIMULATOR_DEFAULTS.seed, options.faults, options.clock);
  const rateLimiter = new RateLimiter(rateLimitPerSecond, options.clock);
  const server = new SimulatorServer({
    api,
    admin: adminRouter({ account, api, store, log, faults, rateLimiter, statuses, webhooks }),
    dashboard: dashboardRouter({ account, store, statuses, webhooks }),
    log,
    faults,
    rateLimiter,
    tokens: new Set(tokens),
    errors: variants,
  });

  const host = options.host ?? SIMULATOR_DEFAULTS.host;
  await new Promise<void>((resolve, reject) => {
    server.http.once("error", reject);
    server.http.listen(options.port ?? 0, host, () => {
      server.http.off("error", reject);
      resolve();
    });
  });
  const { port } = server.http.address() as AddressInfo;
  const origin = `http://${host.includes(":") ? `[${host}]` : host}:${port}`;
  settings.dashboardUrl ||= origin;
  let closing: Promise<void> | undefined;
  return {
    url: `${origin}/v1`,
    origin,
    token: tokens[0],
    admin: new AdminClient(origin),
    close: () => {
      // Deliveries stop first: no retry or attempt outlives the simulator.
      webhooks.close();
      closing ??= server.close().then(() => dataFile?.flush());
      return closing;
    },
  };
}

// A data file written with another fixture could name channels or teams this account lacks; fail at start, not mid-request.
function checkLoadedContact(contact: StoredContact, account: Account, file: string): void {
  const problem =
    !contact || typeof contact.uuid !== "string" || typeof contact.identifier !== "string"
      ? "is not a contact"
      : !account.channel(contact.channelUuid)
        ? `refers to unknown channel ${contact.channelUuid}`
        : !account.team(contact.teamUuid)
          ? `refers to unknown team ${contact.teamUuid}`
          : undefined;
  if (problem) throw new Error(`simulator data file ${file}: contact ${JSON.stringify(contact?.uuid)} ${problem} (was it written with another fixture?)`);
}

// Statuses and the webhook from a data file are checked as contacts are: a malformed entry stops the start.
function checkLoadedAccountState(state: PersistedState, file: string): void {
  for (const status of state.customStatuses) {
    if (!status || typeof status.id !== "string" || typeof status.name !== "string") {
      throw new Error(`simulator data file ${file}: custom status ${JSON.stringify(status?.id)} is not a custom status`);
    }
  }
  const webhook = state.webhook;
  const events: readonly string[] = WEBHOOK_EVENTS;
  if (webhook && (typeof webhook.url !== "string" || !Array.isArray(webhook.subscriptions) || !webhook.subscriptions.every((e) => events.includes(e)))) {
    throw new Error(`simulator data file ${file}: the webhook is not a webhook`);
  }
  if (state.signingSecret !== null && typeof state.signingSecret !== "string") throw new Error(`simulator data file ${file}: signingSecret is not a string`);
}
