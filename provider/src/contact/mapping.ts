// The two mappings between a contact's shape (shape.ts) and Callbell's API: inputs → the POST and PATCH bodies
// (snake_case), and Callbell's answer → the state, and a state back → the inputs it stands for (read). Pure: no I/O.
import { type ApiContact, type CreateContactBody, type UpdateContactBody, contactSources } from "../client/contacts";
import { canonicalTags, phoneDigits } from "../normalize";
import { maskInput } from "../personal-data";
import { fieldChanged, sameCustomValue } from "./diff";
import type { Owner } from "./ownership";
import { ContactHolding, ContactInputs, ContactOutputs, inputNames, ownerInput } from "./shape";

/** The owner a Contact passed in its hidden `__owner` input, if any. */
export const ownerOf = (props: unknown): Owner | undefined => {
  const value = (props as Record<string, unknown> | undefined)?.[ownerInput];
  return typeof value === "string" && value !== "" ? value : undefined;
};

/** True when the contact's personal data is secret (the hidden mask input), else undefined so that it is not stored. */
export const maskOf = (props: unknown): true | undefined => ((props as Record<string, unknown> | undefined)?.[maskInput] === true ? true : undefined);

/** The POST /contacts body for these inputs. */
export function toCreateBody(inputs: ContactInputs): CreateContactBody {
  return dropUndefined({
    identifier: inputs.identifier,
    source: inputs.source,
    name: inputs.name,
    tags: inputs.tags,
    custom_fields: inputs.customFields,
    assigned_user: inputs.assignedUser,
    team_uuid: inputs.teamUuid,
    channel_uuid: inputs.channelUuid,
    bot_status: inputs.botStatus,
    note: inputs.note,
  });
}

/** The PATCH body that takes Callbell from `olds` to `news`: only what changed (diff.ts decides what did). */
export function patchFor(olds: ContactOutputs, news: ContactInputs): UpdateContactBody {
  const body: UpdateContactBody = {};
  if (fieldChanged.name(olds, news)) body.name = news.name;
  if (fieldChanged.tags(olds, news)) body.tags = news.tags ?? [];
  if (fieldChanged.customFields(olds, news)) {
    const fields: Record<string, string | string[]> = {};
    for (const [k, v] of Object.entries(news.customFields ?? {})) {
      if (!sameCustomValue(olds.customFields?.[k], v)) fields[k] = v;
    }
    // A removed field is cleared with an empty value (Callbell has no documented way to remove one).
    for (const [k, v] of Object.entries(olds.customFields ?? {})) {
      if (!(k in (news.customFields ?? {}))) fields[k] = Array.isArray(v) ? [] : "";
    }
    body.custom_fields = fields;
  }
  if (fieldChanged.assignedUser(olds, news)) {
    if (news.assignedUser) body.assigned_user = news.assignedUser;
    else body.unassign_user = true;
  }
  if (fieldChanged.teamUuid(olds, news)) body.team_uuid = news.teamUuid;
  if (fieldChanged.botStatus(olds, news)) body.bot_status = news.botStatus;
  if (fieldChanged.note(olds, news)) body.note = news.note ?? "";
  return dropUndefined(body);
}

/** A body that can carry custom fields: POST and PATCH. */
export type OwnerMarkable = { custom_fields?: Record<string, string | string[]> };

/** The body, also writing the owner mark in the owner field (`callbell:ownerField`); unchanged without a field or a mark. */
export function withOwnerMark<T extends OwnerMarkable>(body: T, ownerField: string | undefined, mark: string | undefined): T {
  return ownerField && mark ? { ...body, custom_fields: { ...(body.custom_fields ?? {}), [ownerField]: mark } } : body;
}

/** The owner mark a contact carries in the owner field, if any. */
export function ownerMarkOn(contact: ApiContact, ownerField: string | undefined): string | undefined {
  const value = ownerField ? contact.customFields?.[ownerField] : undefined;
  return typeof value === "string" ? value : undefined;
}

/**
 * The state for a contact as Callbell returned it. Only the fields the code manages (present
 * in `managed`) are reflected, so a field the code does not declare never shows as a diff.
 */
export function outputsFrom(contact: ApiContact, managed: ContactInputs): ContactOutputs {
  const declaredFields = managed.customFields;
  let customFields: Record<string, string | string[]> | undefined;
  if (declaredFields !== undefined) {
    customFields = {};
    for (const [key, declared] of Object.entries(declaredFields)) {
      const value = customValueFrom(contact.customFields?.[key], Array.isArray(declared));
      if (value !== undefined) customFields[key] = value;
    }
  }
  return dropUndefined({
    identifier: managed.identifier,
    source: managed.source,
    channelUuid: contact.channel?.uuid ?? managed.channelUuid,
    name: contact.name,
    tags: managed.tags !== undefined ? (contact.tags ?? []) : undefined,
    customFields,
    assignedUser: managed.assignedUser !== undefined ? (contact.assignedUser ?? "") : undefined,
    teamUuid: contact.team?.uuid ?? managed.teamUuid,
    team: managed.team,
    channel: managed.channel,
    botStatus: managed.botStatus,
    note: managed.note !== undefined ? (contact.note ?? "") : undefined,
    adopt: managed.adopt,
    uuid: contact.uuid,
    href: contact.href,
    conversationHref: contact.conversationHref ?? undefined,
    createdAt: contact.createdAt,
    phoneNumber: contact.phoneNumber ?? undefined,
    avatarUrl: contact.avatarUrl ?? undefined,
    bsuid: contact.bsuid ?? undefined,
  });
}

/** The whole state of a contact: what Callbell returned, plus how and by whom it is held, and whether to mask it. */
export function stateFrom(contact: ApiContact, inputs: ContactInputs, held: ContactHolding): ContactOutputs {
  const { origin, owner, ownerMark } = held;
  return dropUndefined({ ...outputsFrom(contact, inputs), origin, owner, ownerMark, [maskInput]: maskOf(inputs) });
}

/** The inputs a refreshed state stands for: the managed fields as Callbell has them, and the owner. */
export function inputsFrom(props: ContactOutputs): Record<string, unknown> {
  const inputs: Record<string, unknown> = {};
  for (const name of inputNames) if (props[name] !== undefined) inputs[name] = name === "tags" ? canonicalTags(props.tags) : props[name];
  if (props.owner) inputs[ownerInput] = props.owner;
  if (maskOf(props)) inputs[maskInput] = true;
  return inputs;
}

/**
 * What `pulumi import` declares for a contact: its number, source and name, and the tags, assignee and note it has
 * (fields left out stay unmanaged). Held like an adopted contact, so no destroy ever deletes it. Undefined when
 * Callbell gives no phone number or no known source: such a contact cannot be declared from what Callbell returns.
 */
export function importedState(contact: ApiContact, owner: Owner | undefined): ContactOutputs | undefined {
  const source = contactSources.find((s) => s === contact.source);
  const identifier = contact.phoneNumber ? phoneDigits(contact.phoneNumber) : undefined;
  if (!source || !identifier) return undefined;
  return dropUndefined({
    identifier,
    source,
    name: contact.name,
    tags: contact.tags?.length ? canonicalTags(contact.tags) : undefined,
    assignedUser: contact.assignedUser ?? undefined,
    note: contact.note || undefined,
    uuid: contact.uuid,
    href: contact.href,
    createdAt: contact.createdAt,
    origin: "adopted" as const,
    owner,
  });
}

/** Removes keys whose value is undefined (the API treats an absent key as "leave unchanged"). */
export function dropUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

// Callbell may return a checkbox value as a JSON-encoded string and numbers as numbers.
function customValueFrom(value: unknown, expectList: boolean): string | string[] | undefined {
  if (value === undefined || value === null || value === "") return undefined;
  if (Array.isArray(value)) return value.map(String);
  if (expectList && typeof value === "string" && value.trim().startsWith("[")) {
    try {
      const parsed: unknown = JSON.parse(value);
      if (Array.isArray(parsed)) return parsed.map(String);
    } catch {
      // not JSON after all: keep the text
    }
  }
  return String(value);
}
