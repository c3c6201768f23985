// The two mappings between a contact's shape (shape.ts) and Callbell's API: inputs → the POST and PATCH bodies
// (snake_case), and Callbell's answer → the state, and a state back → the inputs it stands for (read). Pure: no I/O.
import { type ApiContact, type CreateContactBody, type UpdateContactBody, contactSources } from "../../client/contacts";
import { canonicalTags, dropUndefined, tagKey } from "../../normalize";
import { phoneDigits } from "./phone";
import { maskInput } from "./personal-data";
import { fieldChanged, managedFields, sameCustomValue } from "./diff";
import type { Owner } from "../../run/owner";
import { ContactHolding, ContactInputs, ContactOutputs, FieldRule, KeptByAccount, contactFields, fieldRules, inputNames, ownerInput } from "./shape";

/** The owner a Contact passed in its hidden `__owner` input, if any. */
export const ownerOf = (props: unknown): Owner | undefined => {
  const value = (props as Record<string, unknown> | undefined)?.[ownerInput];
  return typeof value === "string" && value !== "" ? value : undefined;
};

/** True when the contact's personal data is secret (the hidden mask input), else undefined so that it is not stored. */
export const maskOf = (props: unknown): true | undefined => ((props as Record<string, unknown> | undefined)?.[maskInput] === true ? true : undefined);

/** The POST /contacts body for these inputs: every field the API takes, under its API name (shape.ts contactFields). */
export function toCreateBody(inputs: ContactInputs): CreateContactBody {
  const body: Record<string, unknown> = {};
  for (const [field, rule] of fieldRules) if (rule.api) body[rule.api] = inputs[field];
  return dropUndefined(body) as unknown as CreateContactBody;
}

/** The PATCH body that takes Callbell from `olds` to `news`: only what changed (diff.ts decides what did). */
export function patchFor(olds: ContactOutputs, news: ContactInputs): UpdateContactBody {
  const body: Record<string, unknown> = {};
  for (const field of managedFields) {
    if (!fieldChanged(field, olds, news)) continue;
    const rule: FieldRule = contactFields[field];
    const value = news[field];
    switch (rule.change) {
      case "tags":
        body[rule.api!] = value ?? [];
        break;
      case "customFields":
        body[rule.api!] = customFieldsPatch(olds.customFields, news.customFields);
        break;
      case "email":
        if (value) body[rule.api!] = value;
        else body.unassign_user = true;
        break;
      case "clearable":
        body[rule.api!] = value ?? "";
        break;
      default:
        body[rule.api!] = value;
    }
  }
  return dropUndefined(body) as UpdateContactBody;
}

// The declared fields whose value changed, and each field removed from the code cleared with an empty value
// (Callbell has no documented way to remove one).
function customFieldsPatch(olds: Record<string, string | string[]> | undefined, news: Record<string, string | string[]> | undefined) {
  const fields: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(news ?? {})) if (!sameCustomValue(olds?.[k], v)) fields[k] = v;
  for (const [k, v] of Object.entries(olds ?? {})) if (!(k in (news ?? {}))) fields[k] = Array.isArray(v) ? [] : "";
  return fields;
}

/** Removals from the code that Callbell's answer does not show made: tags its PATCH merged in, custom fields whose "" it ignored. */
export interface Unreached {
  tags: string[];
  customFields: string[];
}

/** The removals a PATCH asked for that the answer shows were not made (empty lists when every one was). */
export function unreachedRemovals(patch: UpdateContactBody, answer: ApiContact): Unreached {
  const sentTags = patch.tags ? new Set(patch.tags.map(tagKey)) : undefined;
  const tags = sentTags ? (answer.tags ?? []).filter((t) => !sentTags.has(tagKey(t))) : [];
  const cleared = Object.entries(patch.custom_fields ?? {}).filter(([, v]) => v === "" || (Array.isArray(v) && v.length === 0));
  const customFields = cleared.map(([k]) => k).filter((k) => customValueFrom(answer.customFields?.[k], false) !== undefined);
  return { tags, customFields };
}

/** Of `unreached`, the removals the state has not recorded yet (`keptByAccount`): the ones still to be said. */
export function newlyUnreached(unreached: Unreached, recorded: KeptByAccount | undefined): Unreached {
  const saidTags = new Set((recorded?.tags ?? []).map(tagKey));
  const saidFields = new Set(recorded?.customFields ?? []);
  return { tags: unreached.tags.filter((t) => !saidTags.has(tagKey(t))), customFields: unreached.customFields.filter((f) => !saidFields.has(f)) };
}

/**
 * What the state records as kept by the account after this answer: the removals recorded before and those just
 * unreached, less any Callbell no longer has (removed in the dashboard) or the code declares again. Undefined when none.
 */
function keptAfter(recorded: KeptByAccount | undefined, unreached: Unreached, answer: ApiContact, declared: ContactInputs): KeptByAccount | undefined {
  const has = new Set((answer.tags ?? []).map(tagKey));
  const wanted = new Set((declared.tags ?? []).map(tagKey));
  const tags = [...(recorded?.tags ?? []), ...unreached.tags].filter(
    (t, i, all) => has.has(tagKey(t)) && !wanted.has(tagKey(t)) && all.findIndex((o) => tagKey(o) === tagKey(t)) === i,
  );
  const fields = [...(recorded?.customFields ?? []), ...unreached.customFields].filter(
    (f, i, all) => customValueFrom(answer.customFields?.[f], false) !== undefined && !(f in (declared.customFields ?? {})) && all.indexOf(f) === i,
  );
  const kept = dropUndefined({ tags: tags.length ? canonicalTags(tags) : undefined, customFields: fields.length ? fields.sort() : undefined });
  return Object.keys(kept).length ? kept : undefined;
}

/** The answer as the state keeps it (without what the account keeps) and the record of what it keeps (keptAfter). */
export function settleKept(
  recorded: KeptByAccount | undefined,
  unreached: Unreached,
  answer: ApiContact,
  declared: ContactInputs,
): { contact: ApiContact; keptByAccount?: KeptByAccount } {
  const keptByAccount = keptAfter(recorded, unreached, answer, declared);
  return { contact: withoutKept(answer, keptByAccount), keptByAccount };
}

/** No removal left unreached: what a read, which sends nothing, adds to the record. */
export const nothingUnreached: Unreached = { tags: [], customFields: [] };

/** The answer as the code declared it: without the tags and fields the account keeps, so the state shows no diff that a PATCH cannot remove. */
function withoutKept(answer: ApiContact, kept: KeptByAccount | undefined): ApiContact {
  if (!kept) return answer;
  const customFields = { ...(answer.customFields ?? {}) };
  for (const field of kept.customFields ?? []) delete customFields[field];
  const keptTags = new Set((kept.tags ?? []).map(tagKey));
  return { ...answer, tags: (answer.tags ?? []).filter((t) => !keptTags.has(tagKey(t))), customFields };
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
  const fields: Record<string, unknown> = {};
  for (const [field, rule] of fieldRules) fields[field] = answered(rule, contact, managed[field]);
  return dropUndefined({
    ...(fields as Partial<ContactInputs>),
    uuid: contact.uuid,
    href: contact.href,
    conversationHref: contact.conversationHref ?? undefined,
    createdAt: contact.createdAt,
    phoneNumber: contact.phoneNumber ?? undefined,
    avatarUrl: contact.avatarUrl ?? undefined,
    bsuid: contact.bsuid ?? undefined,
  }) as ContactOutputs;
}

// A field of the state as Callbell answered it. A field the code does not manage stays out (no diff for it); a
// managed list or text Callbell left empty reads as empty; a field Callbell does not return keeps the declared value.
function answered(rule: FieldRule, contact: ApiContact, declared: unknown): unknown {
  if (!rule.answer) return declared;
  const value = rule.answer(contact) ?? undefined;
  switch (rule.change) {
    case "customFields":
      return declared === undefined ? undefined : declaredCustomFields(value as Record<string, unknown> | undefined, declared as Record<string, unknown>);
    case "tags":
      return declared === undefined ? undefined : (value ?? []);
    case "email":
    case "clearable":
      return declared === undefined ? undefined : (value ?? "");
    default:
      return value ?? declared;
  }
}

// Only the custom fields the code declares, read as their declared kind (a list for checkbox fields).
function declaredCustomFields(answer: Record<string, unknown> | undefined, declared: Record<string, unknown>): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [key, value] of Object.entries(declared)) {
    const read = customValueFrom(answer?.[key], Array.isArray(value));
    if (read !== undefined) out[key] = read;
  }
  return out;
}

/** The whole state of a contact: what Callbell returned, plus how and by whom it is held, and whether to mask it. */
export function stateFrom(contact: ApiContact, inputs: ContactInputs, held: ContactHolding): ContactOutputs {
  const { origin, owner, ownerMark, keptByAccount } = held;
  return dropUndefined({ ...outputsFrom(contact, inputs), origin, owner, ownerMark, keptByAccount, [maskInput]: maskOf(inputs) });
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
