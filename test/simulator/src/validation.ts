// Strict validation of POST and PATCH /contacts bodies against the account; every refusal is a 422 naming field and value.
import { parsePhoneNumberFromString } from "libphonenumber-js";
import type { Account } from "./account";
import { ApiError, validationError } from "./errors";
import type { BotStatus, StoredContact } from "./store";
import { CHANNEL_TYPES, PHONE_CHANNEL_TYPES, type ChannelType, type FixtureCustomField } from "./types";

/** Longest note the API accepts, in characters. */
export const MAX_NOTE_LENGTH = 1000;
/** Longest identifier accepted for non-phone sources (the reference is silent; an arbitrary sane bound). */
export const MAX_IDENTIFIER_LENGTH = 255;

const CREATE_KEYS = new Set(["identifier", "source", "name", "tags", "custom_fields", "assigned_user", "team_uuid", "channel_uuid", "bot_status", "note"]);
const PATCH_KEYS = new Set(["name", "tags", "custom_fields", "assigned_user", "unassign_user", "team_uuid", "bot_status", "note"]);
const IMMUTABLE_KEYS = new Set(["identifier", "source", "channel_uuid"]);
const BOT_STATUSES = new Set(["bot_start", "bot_end"]);
const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const NUMBER_PATTERN = /^-?\d+(\.\d+)?$/;
const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;
const PHONE_DIGITS_PATTERN = /^\d{8,15}$/;

/** A stored custom field value, or null meaning "remove this field" (PATCH only). */
export type FieldValue = string | string[] | null;

/** Changes a valid PATCH body asks for; absent keys leave the contact unchanged. */
export interface ContactChanges {
  name?: string;
  tags?: string[];
  customFields?: Record<string, FieldValue>;
  assignedUser?: string | null;
  teamUuid?: string;
  botStatus?: BotStatus;
  note?: string | null;
}

/** Everything a valid POST body defines about the new contact. */
export type NewContact = Omit<StoredContact, "uuid" | "createdAt" | "bsuid" | "avatarUrl" | "blockedAt" | "closedAt">;

/** Validates a POST /contacts body; throws ApiError on the first problem. */
export function validateCreate(body: unknown, account: Account): NewContact {
  const fields = requireObject(body);
  rejectUnknownKeys(fields, CREATE_KEYS, "is not a field of POST /contacts");
  const source = requireSource(fields.source);
  const channelUuid = resolveChannel(fields.channel_uuid, source, account);
  const { identifier, phoneNumber } = requireIdentifier(fields.identifier, source);
  const name = requireName(fields.name);
  const shared = validateSharedFields(fields, account);
  const customFields: Record<string, string | string[]> = {};
  for (const [fieldName, value] of Object.entries(shared.customFields ?? {})) if (value !== null) customFields[fieldName] = value;
  return {
    name,
    identifier,
    phoneNumber,
    source,
    channelUuid,
    teamUuid: shared.teamUuid ?? account.defaultTeam.uuid,
    tags: shared.tags ?? [],
    assignedUser: shared.assignedUser ?? null,
    customFields,
    note: shared.note ?? null,
    botStatus: shared.botStatus ?? null,
  };
}

/** Validates a PATCH /contacts/:uuid body; throws ApiError on the first problem. */
export function validatePatch(body: unknown, account: Account): ContactChanges {
  const fields = requireObject(body);
  for (const key of Object.keys(fields)) {
    if (IMMUTABLE_KEYS.has(key)) throw validationError(key, fields[key], `${key} cannot be changed after the contact is created`);
  }
  rejectUnknownKeys(fields, PATCH_KEYS, "is not a field of PATCH /contacts/:uuid");
  const changes = validateSharedFields(fields, account);
  if (fields.name !== undefined) changes.name = requireName(fields.name);
  if (fields.unassign_user !== undefined) {
    if (typeof fields.unassign_user !== "boolean") throw typeError("unassign_user", fields.unassign_user, "a boolean");
    if (fields.unassign_user && fields.assigned_user !== undefined) {
      throw validationError("unassign_user", true, "assigned_user and unassign_user cannot be sent together");
    }
    if (fields.unassign_user) changes.assignedUser = null;
  }
  return changes;
}

/** Applies validated PATCH changes to a stored contact. */
export function applyChanges(contact: StoredContact, changes: ContactChanges): void {
  if (changes.name !== undefined) contact.name = changes.name;
  if (changes.tags !== undefined) contact.tags = changes.tags;
  if (changes.assignedUser !== undefined) contact.assignedUser = changes.assignedUser;
  if (changes.teamUuid !== undefined) contact.teamUuid = changes.teamUuid;
  if (changes.botStatus !== undefined) contact.botStatus = changes.botStatus;
  if (changes.note !== undefined) contact.note = changes.note;
  for (const [name, value] of Object.entries(changes.customFields ?? {})) {
    if (value === null) delete contact.customFields[name];
    else contact.customFields[name] = value;
  }
}

// Fields POST and PATCH share, with the same rules; absent keys stay undefined.
function validateSharedFields(fields: Record<string, unknown>, account: Account): ContactChanges {
  const changes: ContactChanges = {};
  if (fields.tags !== undefined) changes.tags = validateTags(fields.tags, account);
  if (fields.custom_fields !== undefined) changes.customFields = validateCustomFields(fields.custom_fields, account);
  if (fields.assigned_user !== undefined) changes.assignedUser = validateAssignedUser(fields.assigned_user, account);
  if (fields.team_uuid !== undefined) changes.teamUuid = validateTeam(fields.team_uuid, account);
  if (fields.bot_status !== undefined) changes.botStatus = validateBotStatus(fields.bot_status, account);
  if (fields.note !== undefined) changes.note = validateNote(fields.note);
  return changes;
}

/** The body as an object of keys; anything else is 400 bad_request. */
export function requireObject(body: unknown): Record<string, unknown> {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw new ApiError(400, "bad_request", "the request body must be a JSON object");
  }
  return body as Record<string, unknown>;
}

/** A 422 naming the first key that is not allowed; why ends "unknown field 'k': it ...". */
export function rejectUnknownKeys(fields: Record<string, unknown>, allowed: ReadonlySet<string>, why: string): void {
  for (const key of Object.keys(fields)) {
    if (!allowed.has(key)) throw validationError(key, fields[key], `unknown field '${key}': it ${why}`);
  }
}

/** A 422 saying the field must be the expected type. */
export function typeError(field: string, value: unknown, expected: string): ApiError {
  return validationError(field, value, `${field} must be ${expected}`);
}

/** The value as a string that is not blank; else a 422 naming the field (required, not a string, or empty). */
export function requireNonEmptyString(field: string, value: unknown): string {
  if (value === undefined) throw validationError(field, value, `${field} is required`);
  if (typeof value !== "string") throw typeError(field, value, "a string");
  if (value.trim() === "") throw validationError(field, value, `${field} must not be empty`);
  return value;
}

function requireName(value: unknown): string {
  return requireNonEmptyString("name", value);
}

function requireSource(value: unknown): ChannelType {
  const source = requireNonEmptyString("source", value);
  if (!(CHANNEL_TYPES as readonly string[]).includes(source)) {
    throw validationError("source", source, `source must be one of ${CHANNEL_TYPES.join(", ")}`);
  }
  return source as ChannelType;
}

// Phone identifiers are parsed once: the same parse validates and gives the international format, e.g. "+39 333 123 4567".
function requireIdentifier(value: unknown, source: ChannelType): { identifier: string; phoneNumber: string | null } {
  const identifier = requireNonEmptyString("identifier", value);
  if (!PHONE_CHANNEL_TYPES.has(source)) {
    if (identifier.length > MAX_IDENTIFIER_LENGTH) {
      throw validationError("identifier", identifier, `identifier must be at most ${MAX_IDENTIFIER_LENGTH} characters`);
    }
    return { identifier, phoneNumber: null };
  }
  const parsed = PHONE_DIGITS_PATTERN.test(identifier) ? parsePhoneNumberFromString(`+${identifier}`) : undefined;
  if (!parsed?.isValid()) {
    throw validationError(
      "identifier",
      identifier,
      `identifier '${identifier}' is not a valid phone number for ${source}: use international format, digits only (8-15), e.g. 393331234567`,
    );
  }
  return { identifier, phoneNumber: parsed.formatInternational() };
}

function resolveChannel(value: unknown, source: ChannelType, account: Account): string {
  if (value === undefined) {
    const main = account.mainChannel(source);
    if (!main) throw validationError("source", source, `this account has no main ${source} channel; pass channel_uuid`);
    return main.uuid;
  }
  if (typeof value !== "string") throw typeError("channel_uuid", value, "a string");
  const channel = account.channel(value);
  if (!channel) throw validationError("channel_uuid", value, `channel '${value}' does not exist in this account`);
  if (channel.type !== source) {
    throw validationError("channel_uuid", value, `channel '${value}' is a ${channel.type} channel, but source is ${source}`);
  }
  return channel.uuid;
}

function validateTags(value: unknown, account: Account): string[] {
  if (!Array.isArray(value)) throw typeError("tags", value, "an array of tag names");
  const tags: string[] = [];
  const seen = new Set<string>();
  for (const tag of value) {
    if (typeof tag !== "string") throw validationError("tags", tag, "every tag must be a string");
    const canonical = account.tag(tag);
    if (!canonical) {
      throw validationError("tags", tag, `tag '${tag}' does not exist in this account; create it in the Callbell dashboard first`);
    }
    if (!seen.has(canonical)) tags.push(canonical);
    seen.add(canonical);
  }
  return tags;
}

function validateCustomFields(value: unknown, account: Account): Record<string, FieldValue> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw typeError("custom_fields", value, "an object of field name to value");
  }
  const result: Record<string, FieldValue> = {};
  for (const [name, fieldValue] of Object.entries(value as Record<string, unknown>)) {
    const definition = account.customField(name);
    if (!definition) {
      throw validationError(
        `custom_fields.${name}`,
        fieldValue,
        `custom field '${name}' does not exist in this account; create it in the Callbell dashboard first`,
      );
    }
    result[name] = validateFieldValue(definition, fieldValue);
  }
  return result;
}

// "" (or [] for checkbox) means "no value": PATCH removes the field, POST leaves it out.
function validateFieldValue(definition: FixtureCustomField, value: unknown): FieldValue {
  const field = `custom_fields.${definition.name}`;
  if (definition.type === "checkbox") {
    if (!Array.isArray(value) || value.some((item) => typeof item !== "string")) {
      throw typeError(field, value, "an array of strings (checkbox field)");
    }
    for (const item of value as string[]) requireOption(definition, field, item);
    return value.length === 0 ? null : [...new Set(value as string[])];
  }
  if (typeof value !== "string") throw typeError(field, value, `a string (${definition.type} field)`);
  if (value === "") return null;
  const fail = (expected: string): never => {
    throw validationError(field, value, `${field} must be ${expected} (${definition.type} field), got '${value}'`);
  };
  switch (definition.type) {
    case "email":
      if (!EMAIL_PATTERN.test(value)) fail("an email address");
      break;
    case "number":
      if (!NUMBER_PATTERN.test(value)) fail('a number written as a string, like "42"');
      break;
    case "date":
      if (!isRealDate(value)) fail("a real date written YYYY-MM-DD");
      break;
    case "dropdown":
      requireOption(definition, field, value);
      break;
    case "text":
      break;
  }
  return value;
}

function requireOption(definition: FixtureCustomField, field: string, value: string): void {
  const options = definition.options ?? [];
  if (!options.includes(value)) throw validationError(field, value, `'${value}' is not an option of ${field}: ${options.join(", ")}`);
}

function isRealDate(value: string): boolean {
  const match = DATE_PATTERN.exec(value);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

function validateAssignedUser(value: unknown, account: Account): string {
  if (typeof value !== "string") throw typeError("assigned_user", value, "a user email");
  const user = account.user(value);
  if (!user) throw validationError("assigned_user", value, `user '${value}' is not a user of this account`);
  return user.email;
}

function validateTeam(value: unknown, account: Account): string {
  if (typeof value !== "string") throw typeError("team_uuid", value, "a team uuid string");
  if (!account.team(value)) throw validationError("team_uuid", value, `team '${value}' does not exist in this account`);
  return value;
}

function validateBotStatus(value: unknown, account: Account): BotStatus {
  if (typeof value !== "string" || !BOT_STATUSES.has(value)) throw typeError("bot_status", value, "bot_start or bot_end");
  if (!account.botEnabled) throw validationError("bot_status", value, "no bot is enabled in this account");
  return value as BotStatus;
}

// "" clears the note (stored as null).
function validateNote(value: unknown): string | null {
  if (typeof value !== "string") throw typeError("note", value, "a string");
  const length = Array.from(value).length;
  if (length > MAX_NOTE_LENGTH) {
    throw validationError("note", value, `note must be at most ${MAX_NOTE_LENGTH} characters, got ${length}`);
  }
  return value === "" ? null : value;
}
