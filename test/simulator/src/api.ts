// The /v1 endpoints of the simulated Callbell API, as plain functions from a parsed request to an answer.
import { randomBytes } from "node:crypto";
import type { Account } from "./account";
import { memberView } from "./account";
import { ApiError, notFound, validationError } from "./errors";
import { Route, Router } from "./router";
import type { ContactStore, StoredContact } from "./store";
import { CHANNEL_TYPES, type ApiVariants, type ChannelType, type Contact } from "./types";
import { isoSeconds } from "./time";
import { applyChanges, validateCreate, validatePatch } from "./validation";
import { contactView } from "./view";

/** A request that passed auth, rate limiting and body parsing. */
export interface ApiRequest {
  params: Record<string, string>;
  query: URLSearchParams;
  body: unknown;
  token: string;
}

/** A handler's answer; committed says whether a write took effect. */
export interface ApiAnswer {
  status: number;
  body: unknown;
  committed: boolean;
  headers?: Record<string, string>;
}

/** Settings of the API that are not part of the account: the contact endpoints' variants, dashboard URL, page size and wall clock. */
export interface ApiSettings extends Pick<ApiVariants, "duplicates" | "emptyFieldOnPatch" | "patchTags" | "deleteMissing" | "contactShape"> {
  dashboardUrl: string;
  pageSize: number;
  /** Milliseconds since the epoch, for the dates the API writes. */
  now: () => number;
}

/** Answers one /v1 request. */
export type ApiHandler = (request: ApiRequest) => ApiAnswer;
type Handler = ApiHandler;

/** The contacts, teams, channels and auth endpoints over one account and one contact store. */
export class CallbellApi {
  /** Routes relative to /v1. */
  readonly router: Router<Handler>;

  /** moreRoutes: the endpoints of other resources (custom statuses, the webhook), served beside these. */
  constructor(
    private readonly account: Account,
    private readonly store: ContactStore,
    private readonly settings: ApiSettings,
    moreRoutes: Route<Handler>[] = [],
  ) {
    const routes: Route<Handler>[] = [
      { pattern: "/contacts", methods: { GET: (r) => this.listContacts(r), POST: (r) => this.createContactRoute(r) } },
      { pattern: "/contacts/phone/:number", methods: { GET: (r) => this.findByPhone(r) } },
      { pattern: "/contacts/bsuid/:bsuid", methods: { GET: (r) => this.findByBsuid(r) } },
      {
        pattern: "/contacts/:uuid",
        methods: { GET: (r) => this.getContact(r), PATCH: (r) => this.updateContact(r), DELETE: (r) => this.deleteContact(r) },
      },
      { pattern: "/auth/me", methods: { GET: (r) => this.me(r) } },
      { pattern: "/teams", methods: { GET: (r) => this.listTeams(r) } },
      { pattern: "/teams/:uuid", methods: { GET: (r) => this.getTeam(r) } },
      { pattern: "/teams/:uuid/members", methods: { GET: (r) => this.listMembers(r) } },
      { pattern: "/channels", methods: { GET: (r) => this.listChannels(r) } },
      { pattern: "/channels/:uuid", methods: { GET: (r) => this.getChannel(r) } },
      ...moreRoutes,
    ];
    this.router = new Router(routes, "/v1");
  }

  /** Validates a POST /contacts body and stores the new contact (shared with the admin API). */
  createContact(body: unknown): StoredContact {
    const fields = validateCreate(body, this.account);
    const existing = this.store.findByIdentifier(fields.channelUuid, fields.identifier);
    if (existing && this.settings.duplicates === "reject") {
      throw new ApiError(
        409,
        "duplicate_contact",
        `a contact with identifier '${fields.identifier}' already exists on channel ${fields.channelUuid}: uuid ${existing.uuid}`,
        "identifier",
        fields.identifier,
      );
    }
    const contact: StoredContact = {
      uuid: newUuid(),
      createdAt: isoSeconds(this.settings.now()),
      bsuid: null,
      avatarUrl: null,
      blockedAt: null,
      closedAt: null,
      ...fields,
    };
    this.store.insert(contact);
    return contact;
  }

  /** The API view of a stored contact. */
  view(contact: StoredContact, includeFieldTypes = false): Contact {
    return contactView(contact, this.account, this.settings.dashboardUrl, includeFieldTypes);
  }

  // The envelope of one contact: the documented array (POST, PATCH, GET by uuid) or object (lookups), unless the run chose one shape.
  private wrap(contact: Contact, documented: "array" | "object"): { contact: Contact | Contact[] } {
    const shape = this.settings.contactShape === "documented" ? documented : this.settings.contactShape;
    return { contact: shape === "array" ? [contact] : contact };
  }

  private createContactRoute(request: ApiRequest): ApiAnswer {
    const contact = this.createContact(request.body);
    return { status: 200, body: this.wrap(this.view(contact), "array"), committed: true };
  }

  private getContact(request: ApiRequest): ApiAnswer {
    const contact = this.requireContact(request.params.uuid);
    const includeFieldTypes = booleanParam(request.query, "include_field_types");
    return { status: 200, body: this.wrap(this.view(contact, includeFieldTypes), "array"), committed: false };
  }

  private updateContact(request: ApiRequest): ApiAnswer {
    const contact = this.requireContact(request.params.uuid);
    const changes = validatePatch(request.body, this.account);
    if (changes.customFields && this.settings.emptyFieldOnPatch === "ignored") {
      changes.customFields = Object.fromEntries(Object.entries(changes.customFields).filter(([, value]) => value !== null));
    }
    if (changes.tags && this.settings.patchTags === "merge") {
      const sent = changes.tags;
      changes.tags = [...contact.tags, ...sent.filter((tag) => !contact.tags.includes(tag))];
    }
    this.store.update(contact, (target) => applyChanges(target, changes));
    return { status: 200, body: this.wrap(this.view(contact), "array"), committed: true };
  }

  private deleteContact(request: ApiRequest): ApiAnswer {
    const destroyed = { status: "contact was destroyed" };
    if (this.settings.deleteMissing === "200" && !this.store.get(request.params.uuid)) return { status: 200, body: destroyed, committed: false };
    this.requireContact(request.params.uuid);
    this.store.delete(request.params.uuid);
    return { status: 200, body: destroyed, committed: true };
  }

  private listContacts(request: ApiRequest): ApiAnswer {
    const { query } = request;
    const page = pageParam(query);
    const includeFieldTypes = booleanParam(query, "include_field_types");
    const source = query.get("source");
    if (source !== null && !(CHANNEL_TYPES as readonly string[]).includes(source)) {
      throw validationError("source", source, `source must be one of ${CHANNEL_TYPES.join(", ")}`);
    }
    const wantedTags = (query.get("tags") ?? "")
      .split(",")
      .map((tag) => tag.trim().toLowerCase())
      .filter((tag) => tag !== "");
    const teamUuid = query.get("team_uuid");
    const matches = (contact: StoredContact): boolean =>
      (source === null || contact.source === (source as ChannelType)) &&
      (teamUuid === null || contact.teamUuid === teamUuid) &&
      wantedTags.every((wanted) => contact.tags.some((tag) => tag.toLowerCase() === wanted));
    const first = (page - 1) * this.settings.pageSize;
    const contacts: Contact[] = [];
    let index = 0;
    for (const contact of this.store.all()) {
      if (!matches(contact)) continue;
      if (index >= first && contacts.length < this.settings.pageSize) contacts.push(this.view(contact, includeFieldTypes));
      index++;
      if (contacts.length === this.settings.pageSize) break;
    }
    return { status: 200, body: { contacts }, committed: false };
  }

  private findByPhone(request: ApiRequest): ApiAnswer {
    const number = request.params.number;
    const channelUuid = request.query.get("channel_uuid");
    const channel = channelUuid === null ? this.account.mainChannel("whatsapp") : this.account.channel(channelUuid);
    if (!channel && channelUuid !== null) {
      throw validationError("channel_uuid", channelUuid, `channel '${channelUuid}' does not exist in this account`);
    }
    if (!channel) throw notFound("this account has no main whatsapp channel; pass channel_uuid", "channel_uuid");
    const contact = /\d/.test(number) ? this.store.findByIdentifier(channel.uuid, number) : undefined;
    if (!contact) throw notFound(`no contact with phone number '${number}' on channel ${channel.uuid}`, "number", number);
    return { status: 200, body: this.wrap(this.view(contact), "object"), committed: false };
  }

  private findByBsuid(request: ApiRequest): ApiAnswer {
    const contact = this.store.findByBsuid(request.params.bsuid);
    if (!contact) throw notFound(`no contact with bsuid '${request.params.bsuid}'`, "bsuid", request.params.bsuid);
    return { status: 200, body: this.wrap(this.view(contact), "object"), committed: false };
  }

  private me(request: ApiRequest): ApiAnswer {
    const { email, name } = this.account.owner;
    return { status: 200, body: { status: "ok", user_email: email, user_name: name, api_key: request.token }, committed: false };
  }

  private listTeams(request: ApiRequest): ApiAnswer {
    const teams = this.account.teams.map((team) => this.account.teamView(team.uuid));
    return this.paginated("teams", teams, request.query);
  }

  private getTeam(request: ApiRequest): ApiAnswer {
    if (!this.account.team(request.params.uuid)) throw notFound(`no team with uuid '${request.params.uuid}'`, "uuid", request.params.uuid);
    return { status: 200, body: { team: this.account.teamView(request.params.uuid) }, committed: false };
  }

  private listMembers(request: ApiRequest): ApiAnswer {
    const team = this.account.team(request.params.uuid);
    if (!team) throw notFound(`no team with uuid '${request.params.uuid}'`, "uuid", request.params.uuid);
    const status = request.query.get("status");
    if (status !== null && status !== "available" && status !== "unavailable") {
      throw validationError("status", status, "status must be available or unavailable");
    }
    const users = team.members
      .map((email) => memberView(this.account.user(email)!))
      .filter((user) => status === null || user.available === (status === "available"));
    return this.paginated("users", users, request.query);
  }

  private listChannels(request: ApiRequest): ApiAnswer {
    const type = request.query.get("type");
    if (type !== null && !(CHANNEL_TYPES as readonly string[]).includes(type)) {
      throw validationError("type", type, `type must be one of ${CHANNEL_TYPES.join(", ")}`);
    }
    const active = request.query.has("active") ? booleanParam(request.query, "active") : undefined;
    const channels = this.account.channels
      .filter((channel) => (type === null || channel.type === type) && (active === undefined || active === (channel.discardedAt === undefined)))
      .map((channel) => this.account.channelView(channel.uuid));
    return this.paginated("channels", channels, request.query);
  }

  private getChannel(request: ApiRequest): ApiAnswer {
    if (!this.account.channel(request.params.uuid)) throw notFound(`no channel with uuid '${request.params.uuid}'`, "uuid", request.params.uuid);
    return { status: 200, body: { channel: this.account.channelView(request.params.uuid) }, committed: false };
  }

  private paginated(key: string, items: unknown[], query: URLSearchParams): ApiAnswer {
    return paginated(key, items, pageParam(query), this.settings.pageSize);
  }

  private requireContact(uuid: string): StoredContact {
    const contact = this.store.get(uuid);
    if (!contact) throw notFound(`no contact with uuid '${uuid}'`, "uuid", uuid);
    return contact;
  }
}

// One randomBytes call per 256 uuids: a call per contact costs more than the rest of a create.
const UUID_BYTES = 16;
const UUID_POOL_SIZE = 256 * UUID_BYTES;
let uuidPool = randomBytes(UUID_POOL_SIZE);
let uuidPoolOffset = 0;

function newUuid(): string {
  if (uuidPoolOffset === UUID_POOL_SIZE) {
    uuidPool = randomBytes(UUID_POOL_SIZE);
    uuidPoolOffset = 0;
  }
  uuidPoolOffset += UUID_BYTES;
  return uuidPool.toString("hex", uuidPoolOffset - UUID_BYTES, uuidPoolOffset);
}

function booleanParam(query: URLSearchParams, name: string): boolean {
  const value = query.get(name);
  if (value === null || value === "false") return false;
  if (value === "true") return true;
  throw validationError(name, value, `${name} must be true or false`);
}

/** The query's `page` (default 1); anything but a positive integer is a 422 naming page. */
export function pageParam(query: URLSearchParams): number {
  return positiveIntegerParam(query, "page") ?? 1;
}

/** A query parameter that must be a positive integer when present; else a 422 naming it. */
export function positiveIntegerParam(query: URLSearchParams, name: string): number | undefined {
  const value = query.get(name);
  if (value === null) return undefined;
  if (!/^[1-9]\d{0,8}$/.test(value)) throw validationError(name, value, `${name} must be a positive integer`);
  return Number(value);
}

/** A 200 answer with one page of items under key and `meta: {page, pages}`; a page past the end is empty. */
export function paginated(key: string, items: readonly unknown[], page: number, size: number): ApiAnswer {
  const pages = Math.max(1, Math.ceil(items.length / size));
  const slice = items.slice((page - 1) * size, page * size);
  return { status: 200, body: { [key]: slice, meta: { page, pages } }, committed: false };
}
