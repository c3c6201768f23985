// Client of the simulator's /__admin endpoints, over plain HTTP with global fetch (never through the provider's client).
import type {
  AdminWebhook,
  ApiErrorBody,
  Contact,
  ContactEdit,
  CustomStatus,
  CustomStatusEdit,
  DeliverySettings,
  FaultConfig,
  RequestLogEntry,
  ScriptedFault,
  Team,
  WebhookDelivery,
  WebhookEdit,
} from "./types";

/** An admin call that the simulator refused; carries the status and the error body. */
export class AdminError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {
    super(`simulator admin call failed with ${status}: ${(body as ApiErrorBody | undefined)?.error?.message ?? JSON.stringify(body)}`);
  }
}

/** Inspects and steers a running simulator from tests, benchmarks and demos. */
export class AdminClient {
  /** origin is the simulator's http://host:port (no /v1). */
  constructor(readonly origin: string) {}

  /** Every logged /v1 request, in arrival order. */
  async requests(): Promise<RequestLogEntry[]> {
    return ((await this.call("GET", "/requests")) as { requests: RequestLogEntry[] }).requests;
  }

  /** Empties the request log. */
  async clearRequests(): Promise<void> {
    await this.call("DELETE", "/requests");
  }

  /** Every contact, oldest first, in API shape. */
  async contacts(): Promise<Contact[]> {
    return ((await this.call("GET", "/contacts")) as { contacts: Contact[] }).contacts;
  }

  /** One contact in API shape; throws AdminError 404 when there is none with this uuid. */
  async contact(uuid: string): Promise<Contact> {
    return ((await this.call("GET", `/contacts/${encodeURIComponent(uuid)}`)) as { contact: Contact }).contact;
  }

  /** Creates a contact from a POST /v1/contacts body (validated; no auth, rate limit, faults or log). */
  async createContact(body: Record<string, unknown>): Promise<Contact> {
    return ((await this.call("POST", "/contacts", body)) as { contact: Contact }).contact;
  }

  /** Edits a contact behind the provider's back (API-shape field names, no validation). */
  async editContact(uuid: string, patch: ContactEdit): Promise<Contact> {
    return ((await this.call("PATCH", `/contacts/${encodeURIComponent(uuid)}`, patch)) as { contact: Contact }).contact;
  }

  /** Deletes a contact behind the provider's back; throws AdminError 404 when there is none. */
  async deleteContact(uuid: string): Promise<void> {
    await this.call("DELETE", `/contacts/${encodeURIComponent(uuid)}`);
  }

  /** Renames a team as the dashboard would (same uuid and members); throws AdminError 404 when there is none. */
  async renameTeam(uuid: string, name: string): Promise<Team> {
    return ((await this.call("PATCH", `/teams/${encodeURIComponent(uuid)}`, { name })) as { team: Team }).team;
  }

  /** Every custom status, oldest first, in API shape. */
  async customStatuses(): Promise<CustomStatus[]> {
    return ((await this.call("GET", "/custom_statuses")) as { customStatuses: CustomStatus[] }).customStatuses;
  }

  /** One custom status; throws AdminError 404 when there is none with this id. */
  async customStatus(id: string): Promise<CustomStatus> {
    return ((await this.call("GET", `/custom_statuses/${encodeURIComponent(id)}`)) as { customStatus: CustomStatus }).customStatus;
  }

  /** Creates a custom status as the dashboard would (validated like POST /v1/custom_statuses, the statusNames policy applies). */
  async createCustomStatus(body: { name: string; emoji?: string | null }): Promise<CustomStatus> {
    return ((await this.call("POST", "/custom_statuses", body)) as { customStatus: CustomStatus }).customStatus;
  }

  /** Edits a custom status behind the provider's back (types checked, no name policy); updatedAt moves. */
  async editCustomStatus(id: string, edit: CustomStatusEdit): Promise<CustomStatus> {
    return ((await this.call("PATCH", `/custom_statuses/${encodeURIComponent(id)}`, edit)) as { customStatus: CustomStatus }).customStatus;
  }

  /** Deletes a custom status behind the provider's back; throws AdminError 404 when there is none. */
  async deleteCustomStatus(id: string): Promise<void> {
    await this.call("DELETE", `/custom_statuses/${encodeURIComponent(id)}`);
  }

  /** The webhook whatever its state (enabled or not, whether a secret is set), or null when the account has none. */
  async webhook(): Promise<AdminWebhook | null> {
    return ((await this.call("GET", "/webhook")) as { webhook: AdminWebhook | null }).webhook;
  }

  /** Sets the webhook as a person in the dashboard would (url and subscriptions needed when there is none); createdAt is kept. */
  async setWebhook(edit: WebhookEdit): Promise<AdminWebhook> {
    return ((await this.call("PUT", "/webhook", edit)) as { webhook: AdminWebhook }).webhook;
  }

  /** Deletes the webhook behind the provider's back, cancelling its pending deliveries; throws AdminError 404 when there is none. */
  async deleteWebhook(): Promise<void> {
    await this.call("DELETE", "/webhook");
  }

  /** Sets the signing secret ("whsec_..."; anything else is AdminError 400); the next attempt is signed with it. */
  async setSigningSecret(secret: string): Promise<void> {
    await this.call("PUT", "/webhook/secret", { secret });
  }

  /** Removes the signing secret: attempts go unsigned. */
  async clearSigningSecret(): Promise<void> {
    await this.call("DELETE", "/webhook/secret");
  }

  /** The retry schedule, disable threshold and attempt timeout in force. */
  async deliverySettings(): Promise<DeliverySettings> {
    return ((await this.call("GET", "/webhook/settings")) as { settings: DeliverySettings }).settings;
  }

  /** Changes some delivery settings (e.g. {retryDelaysMs: [20, 20], disableAfterFailures: 2}) and answers all of them. */
  async setDeliverySettings(settings: Partial<DeliverySettings>): Promise<DeliverySettings> {
    return ((await this.call("PATCH", "/webhook/settings", settings)) as { settings: DeliverySettings }).settings;
  }

  /** Every kept delivery, oldest first, with its attempts (t, signature header, status, response). */
  async deliveries(): Promise<WebhookDelivery[]> {
    return ((await this.call("GET", "/webhook/deliveries")) as { deliveries: WebhookDelivery[] }).deliveries;
  }

  /** Waits until no delivery is pending (delivered, failed after its retries, or cancelled) and answers them all; AdminError 504 after timeoutMs. */
  async settleDeliveries(timeoutMs?: number): Promise<WebhookDelivery[]> {
    return ((await this.call("POST", "/webhook/settle", timeoutMs === undefined ? undefined : { timeoutMs })) as { deliveries: WebhookDelivery[] }).deliveries;
  }

  /** Replaces the random fault configuration ({} turns faults off). */
  async setFaults(faults: FaultConfig): Promise<void> {
    await this.call("PUT", "/faults", faults);
  }

  /** Queues one-shot faults, consumed in order by the requests they match. */
  async script(faults: ScriptedFault[]): Promise<void> {
    await this.call("POST", "/script", { faults });
  }

  /** Makes every /v1 request answer 429 for durationMs (Retry-After: retryAfterSeconds, else the time left). */
  async force429(durationMs: number, retryAfterSeconds?: number): Promise<void> {
    await this.call("POST", "/force429", { durationMs, retryAfterSeconds });
  }

  /** Clears contacts, statuses, the webhook, its secret and deliveries, log, faults, scripts, 429 window, buckets; undoes renames and delivery settings. */
  async reset(): Promise<void> {
    await this.call("POST", "/reset");
  }

  private async call(method: string, path: string, body?: unknown): Promise<unknown> {
    const send = () =>
      fetch(`${this.origin}/__admin${path}`, {
        method,
        headers: body === undefined ? {} : { "content-type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    // A reused keep-alive socket can still be reset under load; a read is safe to send again.
    const response = await send().catch((error: unknown) => (method === "GET" ? send() : Promise.reject(error)));
    const answer: unknown = await response.json();
    if (!response.ok) throw new AdminError(response.status, answer);
    return answer;
  }
}
