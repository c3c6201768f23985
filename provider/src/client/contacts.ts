// One typed method per Callbell endpoint the provider needs. Knows HTTP paths and Callbell's contact object; the
// fields of the snake_case bodies are the contact's field table's (domain/contact/shape.ts). Knows nothing about Pulumi.
import { z } from "zod";
import { CallbellError, CallbellNotFoundError, answerShapeError, attemptFailureOf, callbellErrorFor, cut } from "./errors";
import { CallbellHttp, HttpSettings, createHttp, sleep } from "./http";
import { decideRetry, unknownOutcome } from "./retry";
import { uuidPattern } from "./uuid";

/** The channel types Callbell contacts come from. */
export const contactSources = ["whatsapp", "facebook", "instagram", "telegram"] as const;
/** A channel type. */
export type ContactSource = (typeof contactSources)[number];
/**
 * True when GET /contacts/phone/:number can find such a contact: without channel_uuid it searches the main WhatsApp
 * channel only, with it the whatsapp or telegram channel it names (the phone sources, domain/contact/phone.ts).
 */
export function canLookUpByPhone(source: ContactSource, channelUuid: string | undefined): boolean {
  return source === "whatsapp" || (source === "telegram" && channelUuid !== undefined);
}

// The number as GET /contacts/phone/:number takes it: callers give E.164 digits (phoneDigits, domain/contact/phone.ts);
// a "+" or the spaces a person writes are dropped, and nothing more is read into it.
const digitsOnly = (number: string): string => number.replace(/\D/g, "");

const teamSchema = z.looseObject({ uuid: z.string(), name: z.string().optional() });
const channelSchema = z.looseObject({ uuid: z.string(), type: z.string().optional(), title: z.string().optional() });

/** A contact as Callbell returns it (fields the provider reads; others pass through). */
export const apiContactSchema = z.looseObject({
  uuid: z.string().regex(uuidPattern, "uuid must be 32 lowercase hex characters"),
  name: z.string(),
  phoneNumber: z.string().nullish(),
  avatarUrl: z.string().nullish(),
  createdAt: z.string(),
  source: z.string().nullish(),
  href: z.string(),
  conversationHref: z.string().nullish(),
  tags: z.array(z.string()).nullish(),
  assignedUser: z.string().nullish(),
  customFields: z.record(z.string(), z.unknown()).nullish(),
  team: teamSchema.nullish(),
  channel: channelSchema.nullish(),
  note: z.string().nullish(),
  bsuid: z.string().nullish(),
});
/** A contact as Callbell returns it. */
export type ApiContact = z.infer<typeof apiContactSchema>;
/** A key of a contact that apiContactSchema reads, so that its type is known (any other passes through as unknown). */
export type ApiContactKey = keyof typeof apiContactSchema.shape;

/** Filters of GET /contacts, as Callbell documents them. */
export interface ContactFilters {
  source?: ContactSource;
  /** Tag names; Callbell matches them case-insensitively. */
  tags?: string[];
  teamUuid?: string;
}

/** What a page of GET /contacts is asked for: the filters, and whether each contact carries its custom fields' types. */
export interface ContactsPageQuery extends ContactFilters {
  includeFieldTypes?: boolean;
}

/** A contact of a list page, with the field types when include_field_types was asked. */
export type ListedContact = ApiContact & { customFieldsMetadata?: Record<string, { type?: string }> };

const listedContactSchema = apiContactSchema.extend({
  customFieldsMetadata: z.record(z.string(), z.looseObject({ type: z.string().optional() })).nullish(),
});

/**
 * One page of GET /contacts, with what its items that are not contacts mean left to the caller: the export must hold
 * every contact and fails on one, the run's page snapshot only spares reads and leaves the contact to a single read.
 */
export interface ContactsPage {
  /** The page's items that are contacts, in listing order. */
  contacts: ListedContact[];
  /** How many items the page held, contacts or not: a short page ends the list (paging.ts), an item left out does not. */
  listed: number;
  /** The error the first item that is not a contact makes, for a caller that needs every one; absent when all are. */
  notAContact?: CallbellError;
}

// The documented quirk: POST, PATCH and GET-by-uuid wrap the contact in a one-element array,
// lookups by phone or bsuid do not. Both are accepted everywhere.
const contactEnvelope = z.object({
  contact: z.union([
    z
      .array(z.unknown())
      .length(1)
      .transform((list) => list[0]),
    z.record(z.string(), z.unknown()),
  ]),
});
/** The contact an answer carries, in either documented envelope (`{contact: [..]}` or `{contact: {..}}`); undefined when it carries none. */
export function contactInAnswer(body: unknown): { contact: ApiContact; shape: "array" | "object" } | undefined {
  const envelope = contactEnvelope.safeParse(body);
  const parsed = envelope.success ? apiContactSchema.safeParse(envelope.data.contact) : undefined;
  if (!parsed?.success) return undefined;
  return { contact: parsed.data, shape: Array.isArray((body as { contact: unknown }).contact) ? "array" : "object" };
}

const meEnvelope = z.looseObject({ user_email: z.string(), user_name: z.string().nullish() });

/**
 * A contact's fields under their API names, as the POST and PATCH bodies carry them. Which fields there are and what
 * each holds is the contact's field table's (domain/contact/shape.ts builds the bodies from it), not the client's.
 */
export type ContactBodyFields = { readonly [apiName: string]: unknown };

/** Body of POST /contacts: the contact's fields, with the identity the client looks a contact up by when an answer is lost. */
export type CreateContactBody = ContactBodyFields & { identifier: string; source: ContactSource; channel_uuid?: string };

/** Body of PATCH /contacts/:uuid: only the fields to change. */
export type UpdateContactBody = ContactBodyFields;

/** Who the token belongs to (GET /auth/me), without the API key it also returns. */
export interface Account {
  email: string;
  name?: string;
}

/** How a create ended: a new contact, or one found after an answer was lost. */
export interface CreateOutcome {
  contact: ApiContact;
  /** True when the POST's answer was lost and the contact was found by its identifier. */
  recoveredAfterLostAnswer: boolean;
}

/** The Callbell contacts API, typed. */
export class ContactsClient {
  private readonly http: CallbellHttp;

  constructor(settings: HttpSettings) {
    this.http = createHttp(settings);
  }

  /** GET /auth/me: the account the token belongs to. */
  async me(): Promise<Account> {
    const path = "/auth/me";
    const answer = await this.http.send({ method: "GET", path });
    const parsed = meEnvelope.safeParse(answer.body);
    if (!parsed.success) throw answerShapeError("GET", path, answer.status, "no user_email in the answer");
    return { email: parsed.data.user_email, name: parsed.data.user_name ?? undefined };
  }

  /** GET /contacts/:uuid; undefined when Callbell says 404. */
  async get(uuid: string): Promise<ApiContact | undefined> {
    return this.lookUp(`/contacts/${encodeURIComponent(uuid)}`);
  }

  /**
   * GET /contacts?page=…, the one reader of the account's contact list (Callbell does not document the page size). An
   * item that is not a contact as GET /contacts/:uuid returns one is left out of `contacts`, never guessed at, and
   * named by `notAContact`.
   */
  async listPage(page: number, query: ContactsPageQuery = {}): Promise<ContactsPage> {
    const path = "/contacts";
    const answer = await this.http.send({
      method: "GET",
      path,
      query: {
        page: String(page),
        source: query.source,
        tags: query.tags?.length ? query.tags.join(",") : undefined,
        team_uuid: query.teamUuid,
        include_field_types: query.includeFieldTypes ? "true" : undefined,
      },
    });
    const items = (answer.body as { contacts?: unknown } | undefined)?.contacts;
    if (!Array.isArray(items)) throw answerShapeError("GET", path, answer.status, "no 'contacts' list in the answer");
    const read: ContactsPage = { contacts: [], listed: items.length };
    items.forEach((item, index) => {
      const parsed = listedContactSchema.safeParse(item);
      if (parsed.success) read.contacts.push(parsed.data as ListedContact);
      else if (!read.notAContact) {
        const issue = parsed.error.issues[0];
        const where = `contacts[${index}].${issue?.path.join(".") || ""}`;
        read.notAContact = answerShapeError("GET", path, answer.status, `${where}: ${issue?.message ?? "not a contact"}`);
      }
    });
    return read;
  }

  /** GET /contacts/phone/:number (the number's E.164 digits, as check normalized it), on the given channel or the main WhatsApp one. */
  async findByPhone(number: string, channelUuid?: string): Promise<ApiContact | undefined> {
    return this.lookUp(`/contacts/phone/${encodeURIComponent(digitsOnly(number))}`, { channel_uuid: channelUuid });
  }

  /** PATCH /contacts/:uuid with only the fields to change. */
  async update(uuid: string, body: UpdateContactBody): Promise<ApiContact> {
    return this.contactCall("PATCH", `/contacts/${encodeURIComponent(uuid)}`, body);
  }

  /** DELETE /contacts/:uuid; "absent" when it was already gone (404). */
  async remove(uuid: string): Promise<"deleted" | "absent"> {
    try {
      await this.http.send({ method: "DELETE", path: `/contacts/${encodeURIComponent(uuid)}` });
      return "deleted";
    } catch (error) {
      if (error instanceof CallbellNotFoundError) return "absent";
      throw error;
    }
  }

  /**
   * POST /contacts without ever making a duplicate. Callbell has no idempotency key, so when
   * a POST's outcome is unknown (see retry.ts outcomeRules: lost answer, reset, time-out, cut-off
   * body, a 2xx without a contact, 5xx) the contact may exist: before re-sending, look the
   * identifier up and use the contact if it is there.
   */
  async create(body: CreateContactBody): Promise<CreateOutcome> {
    const canLookUp = canLookUpByPhone(body.source, body.channel_uuid);
    for (let retry = 0; ; retry++) {
      try {
        return { contact: await this.contactCall("POST", "/contacts", body), recoveredAfterLostAnswer: false };
      } catch (error) {
        if (!(error instanceof CallbellError)) throw error;
        const failure = attemptFailureOf("POST", error);
        const unknown = unknownOutcome(this.http.policy, failure);
        if (!unknown) throw error;
        if (!canLookUp) throw unknownOutcomeError(body, error, unknown);
        const existing = await this.findByPhone(body.identifier, body.channel_uuid);
        if (existing) return { contact: existing, recoveredAfterLostAnswer: true };
        // Not there: the POST did not take effect, so sending it again is safe.
        const decision = decideRetry(this.http.policy, retry, { ...failure, method: "GET" });
        if (!decision.retry) throw error;
        await sleep(decision.delayMs);
      }
    }
  }

  // Every create looks its identifier up first, and nearly always finds nothing: a 404 answer, not a thrown error.
  private async lookUp(path: string, query?: Record<string, string | undefined>): Promise<ApiContact | undefined> {
    return this.contactCall("GET", path, undefined, query, true);
  }

  private async contactCall(method: "GET" | "POST" | "PATCH", path: string, body?: unknown, query?: Record<string, string | undefined>): Promise<ApiContact>;
  private async contactCall(
    method: "GET",
    path: string,
    body: undefined,
    query: Record<string, string | undefined> | undefined,
    absentOn404: true,
  ): Promise<ApiContact | undefined>;
  private async contactCall(
    method: "GET" | "POST" | "PATCH",
    path: string,
    body?: unknown,
    query?: Record<string, string | undefined>,
    absentOn404?: boolean,
  ): Promise<ApiContact | undefined> {
    const answer = await this.http.send({ method, path, body, query, absentOn404 });
    if (absentOn404 && answer.status === 404) return undefined;
    const envelope = contactEnvelope.safeParse(answer.body);
    const parsed = envelope.success ? apiContactSchema.safeParse(envelope.data.contact) : envelope;
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const where = envelope.success ? ["contact", ...(issue?.path ?? [])] : (issue?.path ?? []);
      throw answerShapeError(method, path, answer.status, `not a contact: ${where.join(".") || "body"}: ${issue?.message ?? "wrong shape"}`);
    }
    return parsed.data;
  }
}

// Said when a create may have landed and Callbell offers no lookup for the identifier: the
// contact is not in Pulumi's state, so the next `up` would create it again.
function unknownOutcomeError(body: CreateContactBody, error: CallbellError, situation: string): CallbellError {
  const who = `${body.source} contact '${body.identifier}'`;
  const fix =
    body.source === "telegram"
      ? "set channelUuid to the Telegram channel's uuid (GET /channels) and adopt: true before the next 'pulumi up', which then takes it over if it is there"
      : "if it is there, delete it in the dashboard before the next 'pulumi up', or that up creates a second one " +
        `(Callbell cannot look up ${body.source} contacts by identifier, so they cannot be adopted)`;
  // The transport's own words often already name the situation ("the answer was cut off ..."): say it once.
  const detail = error.apiMessage ? cut(error.apiMessage, 200) : undefined;
  const said = detail?.startsWith(situation) ? detail : `${situation}${detail ? ` (${detail})` : ""}`;
  const details = { method: "POST", path: "/contacts", status: error.status, networkCode: error.networkCode, bodyFault: error.bodyFault };
  return callbellErrorFor({ ...details, apiMessage: `${said}; look for ${who} in the Callbell dashboard (Contacts): ${fix}` }, { outcomeUnknown: true });
}
