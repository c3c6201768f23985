// The two mappings between a contact's shape (shape.ts) and Callbell's API: inputs → the POST and PATCH bodies
// (snake_case), and Callbell's answer → the state, and a state back → the inputs it stands for (read), each made from
// the field tables' rows (their `api`, `answer`, `change` and `imported`). Pure: no I/O.
import { type ApiContact, type UpdateContactBody, contactSources } from "../../client/contacts";
import { canonicalTags, dropUndefined, tagKey } from "../../normalize";
import { phoneDigits } from "./phone";
import { maskInput } from "./personal-data";
import { fieldChanged, managedFields, sameCustomValue } from "./diff";
import type { Owner } from "../../run/owner";
import {
  ContactComputed,
  ContactCreateBody,
  ContactHolding,
  ContactInputs,
  ContactOutputs,
  ContactPatchBody,
  FieldName,
  FieldRule,
  FieldsWith,
  KeptByAccount,
  computedRules,
  contactFields,
  fieldRules,
  ownerInput,
} from "./shape";

/** The owner a Contact passed in its hidden `__owner` input, if any (resource-type.ts). */
export { ownerOf } from "../resource-type";

/** True when the contact's personal data is secret (the hidden mask input), else undefined so that it is not stored. */
export const maskOf = (props: unknown): true | undefined => ((props as Record<string, unknown> | undefined)?.[maskInput] === true ? true : undefined);

/** The POST /contacts body for these inputs: every field the API takes, under its API name (shape.ts contactFields). */
export function toCreateBody(inputs: ContactInputs): ContactCreateBody {
  return apiBody<ContactCreateBody>(fieldRules.map(([field]) => [field, inputs[field]]));
}

/** The PATCH body that takes Callbell from `olds` to `news`: only what changed (diff.ts decides what did), as each field's change rule writes it. */
export function patchFor(olds: ContactOutputs, news: ContactInputs): ContactPatchBody {
  const changes: [FieldName, unknown][] = [];
  let unassign = false;
  for (const field of managedFields) {
    if (!fieldChanged(field, olds, news)) continue;
    const value = news[field];
    switch (contactFields[field].change) {
      case "tags":
        changes.push([field, value ?? []]);
        break;
      case "customFields":
        changes.push([field, customFieldsPatch(olds.customFields, news.customFields)]);
        break;
      case "email":
        if (value) changes.push([field, value]);
        else unassign = true;
        break;
      case "clearable":
        changes.push([field, value ?? ""]);
        break;
      default:
        changes.push([field, value]);
    }
  }
  const body = apiBody<ContactPatchBody>(changes);
  return unassign ? { ...body, unassign_user: true } : body;
}

// A body of field values, each under its API name (the table's `api`), undefined ones left out. The compiler cannot follow
// a rename made in a loop, so `Body` is what the table's names promise: ContactCreateBody and ContactPatchBody are made
// from the same `api` names (shape.ts), and test/contact/field-table.test.ts holds each body to its fields.
function apiBody<Body extends object>(values: readonly (readonly [FieldName, unknown])[]): Body {
  const body: Record<string, unknown> = {};
  for (const [field, value] of values) {
    const rule: FieldRule = contactFields[field];
    if (rule.api !== undefined && value !== undefined) body[rule.api] = value;
  }
  return body as Body;
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
  // The body as the client sent it: its tags and custom fields are read under their API names.
  const sent = patch[contactFields.tags.api];
  const sentTags = Array.isArray(sent) ? new Set(sent.map((t) => tagKey(String(t)))) : undefined;
  const tags = sentTags ? (answer.tags ?? []).filter((t) => !sentTags.has(tagKey(t))) : [];
  const fields = patch[contactFields.customFields.api];
  const cleared = Object.entries(fields && typeof fields === "object" ? fields : {}).filter(([, v]) => v === "" || (Array.isArray(v) && v.length === 0));
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
  return dropUndefined({ ...fields, ...computedFrom(contact) }) as ContactOutputs;
}

// What Callbell computed for a contact, as its answer says (shape.ts computedFields).
function computedFrom(contact: ApiContact): Partial<ContactComputed> {
  return Object.fromEntries(computedRules.map(([name, rule]) => [name, rule.answer.read(contact)]));
}

// A field of the state as Callbell answered it. A field the code does not manage stays out (no diff for it); a
// managed list or text Callbell left empty reads as empty; a field Callbell does not return keeps the declared value.
function answered(rule: FieldRule, contact: ApiContact, declared: unknown): unknown {
  if (!rule.answer) return declared;
  const value = rule.answer.read(contact);
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
  for (const [name, rule] of fieldRules) if (props[name] !== undefined) inputs[name] = rule.change === "tags" ? canonicalTags(props.tags) : props[name];
  if (props.owner) inputs[ownerInput] = props.owner;
  if (maskOf(props)) inputs[maskInput] = true;
  return inputs;
}

/**
 * What `pulumi import` declares for a contact: its number and source, and the fields the table imports as Callbell has
 * them (name, tags, assignee, note: an empty one left out; the others stay unmanaged). Held like an adopted contact, so
 * no destroy ever deletes it. Undefined when Callbell gives no phone number or no known source: such a contact cannot
 * be declared from what Callbell returns.
 */
export function importedState(contact: ApiContact, owner: Owner | undefined): ContactOutputs | undefined {
  const source = contactSources.find((s) => s === contact.source);
  const identifier = contact.phoneNumber ? phoneDigits(contact.phoneNumber) : undefined;
  if (!source || !identifier) return undefined;
  // The fields whose row says imported: "ownRule": the compiler holds this to the table.
  const ownRules: { [K in FieldsWith<{ imported: "ownRule" }>]: ContactInputs[K] } = { identifier, source };
  const declared: Record<string, unknown> = { ...ownRules };
  for (const [field, rule] of fieldRules) if (rule.imported === "answered") declared[field] = importedValue(rule, rule.answer?.read(contact));
  return dropUndefined({ ...declared, ...computedFrom(contact), origin: "adopted" as const, owner }) as ContactOutputs;
}

// A field as `pulumi import` declares it: tags in their canonical order, and an empty value left out (a required
// field is declared as Callbell has it).
function importedValue(rule: FieldRule, value: unknown): unknown {
  if (rule.required) return value;
  if (value === "" || (Array.isArray(value) && value.length === 0)) return undefined;
  return rule.change === "tags" && Array.isArray(value) ? canonicalTags(value) : value;
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
