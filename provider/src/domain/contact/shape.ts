// The contact's shape, in one place: its inputs, what Callbell computes, and what the provider keeps in state, each
// with its table (contactFields, computedFields, heldFields). The tables are the only list of a contact's fields: the
// input schema (schema.ts), the diff, the POST and PATCH bodies and the state (mapping.ts), the page reads, the seed
// files, the export, `pulumi import`, the lookups and the plugin's schema all read them, and the compiler holds them to
// the interfaces below, whose JSDoc is what TypeScript users see (test/contact/field-table.test.ts holds it equal to
// the tables' descriptions). Types, constants and the tables only.
import type { z } from "zod";
import type { PropertySpec } from "../resource-type";
import { type ApiContact, type ApiContactKey, type ContactSource, contactSources } from "../../client/contacts";
import type { Origin, Owner } from "../../run/owner";

/** Bot states a contact can be put in (needs a bot enabled in the account). */
export const botStatuses = ["bot_start", "bot_end"] as const;
/** A bot state. */
export type BotStatus = (typeof botStatuses)[number];

/** A channel named instead of by uuid: its title (case-insensitive), or the main channel of the contact's source. */
export type ChannelRef = string | { main: true };

/** A contact's inputs once resolved (no Outputs): what check, diff and create see. Contact takes each as a pulumi.Input. */
export interface ContactInputs {
  /**
   * Phone number in international format for whatsapp/telegram ("393331234567" or "+39 333 123 4567"); the platform id
   * otherwise. Changing it replaces the contact.
   */
  identifier: string;
  /** Channel type: whatsapp, facebook, instagram, telegram. Changing it replaces the contact. */
  source: ContactSource;
  /** Display name. */
  name: string;
  /** Tag names; each must already exist in the account. Case-insensitive, order ignored. */
  tags?: string[];
  /** Custom field name → value: a string ("42", "2026-03-03"), or a list of options for checkbox fields. Each field must exist. */
  customFields?: Record<string, string | string[]>;
  /** Email of the account user the contact is assigned to; removing it unassigns. */
  assignedUser?: string;
  /** Team by name, e.g. "Support" (case-insensitive); the state records its uuid, so a rename in the dashboard changes nothing. */
  team?: string;
  /** Team inbox uuid (or set team). */
  teamUuid?: string;
  /** Channel by title, e.g. "WhatsApp Sales Line", or { main: true } for the source's main channel (or set channelUuid). */
  channel?: ChannelRef;
  /** Channel uuid; default is the account's main channel for the source. Changing it replaces the contact. */
  channelUuid?: string;
  /** bot_start or bot_end (needs a bot enabled in the account); write-only. */
  botStatus?: BotStatus;
  /** Free text, at most 1000 characters; removing it clears the note. */
  note?: string;
  /** When a contact with this identifier already exists, take it over instead of creating one. */
  adopt?: boolean;
}

/** What Callbell computes for a contact: outputs only. */
export interface ContactComputed {
  /** Callbell's id of the contact (also the resource id). */
  uuid: string;
  /** Dashboard link to the contact. */
  href: string;
  /** Dashboard link to the contact's conversation. */
  conversationHref?: string;
  /** When Callbell created the contact (ISO 8601, UTC). */
  createdAt: string;
  /** The phone number as Callbell formats it, e.g. "+39 333 123 4567" (never compared with identifier). */
  phoneNumber?: string;
  /** The contact's picture. */
  avatarUrl?: string;
  /** WhatsApp Business Suite user id; Callbell gives one for some WhatsApp Cloud contacts only. */
  bsuid?: string;
}

/** How a resource holds its contact: the provider's own bookkeeping, kept in state. */
export interface ContactHolding {
  /** "created" or "adopted": adopted (and imported) contacts are never deleted by Pulumi. */
  origin?: Origin;
  /** The resource that holds the contact, "<project>/<stack>/<name>", as of its last create or update. */
  owner?: Owner;
  /** The owner mark this resource wrote in the callbell:ownerField custom field, if any. */
  ownerMark?: string;
  /**
   * Tags and custom fields removed from the code that the account kept ({tags, customFields}): its PATCH merges tags or
   * ignores "". Said once by up; remove them in the dashboard.
   */
  keptByAccount?: KeptByAccount;
}

/** Removals the account did not make, by tag and by custom field name; each list is left out when empty. */
export interface KeptByAccount {
  tags?: string[];
  customFields?: string[];
}

/** What Pulumi keeps in state for a contact: the managed inputs, what Callbell computed, and how it is held. */
export interface ContactOutputs extends ContactInputs, ContactComputed, ContactHolding {}

/** How a field changes: the rule the diff compares it by, and the PATCH body writes it with. */
export type ChangeRule =
  /** Callbell cannot change it: a change replaces the contact. */
  | "replace"
  /** Compared as is, and always sent (the name). */
  | "always"
  /** A list compared as a set of tag keys; removed from the code, it is sent as []. */
  | "tags"
  /** Field name → value; only the declared fields are managed, and a removed one is cleared with "". */
  | "customFields"
  /** An email compared case-insensitively; removed from the code, the contact is unassigned. */
  | "email"
  /** Text that, removed from the code, is cleared with "". */
  | "clearable"
  /** Only a declared value is compared: Callbell cannot unset it, or does not return it. */
  | "declaredOnly"
  /** Read by the provider only (a name it resolves to a uuid, or how to take a contact over): never sent. */
  | "local";

/** The type a seed file's `defaults:` value must have, with an example for its message. */
export type SeedDefault = readonly ["string" | "list" | "mapping" | "boolean" | "title or { main: true }", string];

/** A property as the plugin's schema declares it (resource-type.ts). */
export type { PropertySpec };

/** The validators a field's value can be held to. schema.ts makes them, with the words of their messages; `field` names the property there. */
export interface InputRules {
  /** One line of visible text, trimmed. */
  text(field: string): z.ZodType<string>;
  /** Any text of at most `max` characters, line breaks included. */
  freeText(field: string, max: number): z.ZodType<string>;
  /** The email of a user of the account. */
  userEmail(field: string): z.ZodType<string>;
  /** A Callbell uuid; `where` says where to copy one from. */
  uuid(field: string, where: string): z.ZodType<string>;
  /** One of `values`; `fix` says what to write instead (else the message lists the values). */
  oneOf<T extends string>(field: string, values: readonly [T, ...T[]], fix?: string): z.ZodType<T>;
  /** true or false. */
  flag(field: string): z.ZodType<boolean>;
  /** A list of tag names, each one line of visible text. */
  tagNames(field: string): z.ZodType<string[]>;
  /** Custom field name → a string, or a list of strings for checkbox fields. */
  customValues(field: string): z.ZodType<Record<string, string | string[]>>;
  /** A channel's title, or { main: true }. */
  channelRef(field: string): z.ZodType<ChannelRef>;
}

/** Where Callbell's answer carries a value, and how it is read there: a null or absent value reads as undefined. */
export interface AnswerRule<T = unknown> {
  /** The key of Callbell's contact that holds it: a list item without it cannot stand for a read (run/page-snapshot.ts). */
  from: ApiContactKey;
  read: (contact: ApiContact) => T | undefined;
  /** Its type in the answer, for getContact's schema, when it is not the field's own (custom field values come back as any JSON). */
  spec?: PropertySpec;
}

function answerAt<K extends ApiContactKey>(from: K): AnswerRule<NonNullable<ApiContact[K]>>;
function answerAt<K extends ApiContactKey, T>(from: K, read: (value: NonNullable<ApiContact[K]>) => T): AnswerRule<T>;
function answerAt<K extends ApiContactKey, T>(from: K, read?: (value: NonNullable<ApiContact[K]>) => T): AnswerRule {
  return {
    from,
    read: (contact) => {
      const value = contact[from];
      if (value === null || value === undefined) return undefined;
      return read ? read(value) : value;
    },
  };
}

/** How a door fills a field from the contact Callbell has: as Callbell answers it (an empty value left out), or by a rule of its own. */
export type FromAnswer = "answered" | "ownRule";

/** What one input field is: the row every door and rule reads, so that a field is declared once, here. */
export interface FieldRule {
  /** Its type and documentation in the provider plugin's schema; the description is its JSDoc in ContactInputs, word for word. */
  spec: PropertySpec;
  /** The validator its value must pass (schema.ts builds the input schema from these); an optional field's ends in .optional(). */
  input: (is: InputRules) => z.ZodType;
  change: ChangeRule;
  /** Set on the fields ContactInputs requires. */
  required?: true;
  /** Its name in Callbell's POST and PATCH bodies (none for local fields). */
  api?: string;
  /** Where Callbell's answer says what it holds, for the state and getContact; without it, the state keeps the declared value. */
  answer?: AnswerRule;
  /** Callbell never returns it, so it is no output of a Contact. */
  writeOnly?: true;
  /** It holds personal data: a secret, and masked in messages, with personalData "secret". */
  personal?: true;
  /** A seed file's `defaults:` may set it. */
  seedDefault?: SeedDefault;
  /** Its place in a seed file `callbell-export` writes, and how export-file.ts fills it; false: never exported. */
  exported: { at: number; as: FromAnswer } | false;
  /** How `pulumi import` declares it (mapping.ts importedState); false: left out, so unmanaged until the code declares it. */
  imported: FromAnswer | false;
}

const text = (description: string): PropertySpec => ({ type: "string", description });
const texts: PropertySpec = { type: "array", items: { type: "string" } };

/** Every input field of a contact, in the order they are documented. The compiler refuses a table that misses or adds one. */
export const contactFields = {
  identifier: {
    spec: text(
      'Phone number in international format for whatsapp/telegram ("393331234567" or "+39 333 123 4567"); the platform id otherwise. ' +
        "Changing it replaces the contact.",
    ),
    input: (is) => is.text("identifier"),
    change: "replace",
    required: true,
    api: "identifier",
    personal: true,
    exported: { at: 1, as: "ownRule" },
    imported: "ownRule",
  },
  source: {
    spec: text(`Channel type: ${contactSources.join(", ")}. Changing it replaces the contact.`),
    input: (is) => is.oneOf("source", contactSources),
    change: "replace",
    required: true,
    api: "source",
    seedDefault: ["string", "source: whatsapp"],
    exported: { at: 2, as: "ownRule" },
    imported: "ownRule",
  },
  name: {
    spec: text("Display name."),
    input: (is) => is.text("name"),
    change: "always",
    required: true,
    api: "name",
    answer: answerAt("name"),
    personal: true,
    exported: { at: 3, as: "answered" },
    imported: "answered",
  },
  tags: {
    spec: { ...texts, description: "Tag names; each must already exist in the account. Case-insensitive, order ignored." },
    input: (is) => is.tagNames("tags").optional(),
    change: "tags",
    api: "tags",
    answer: answerAt("tags"),
    seedDefault: ["list", "tags: [seed]"],
    exported: { at: 4, as: "answered" },
    imported: "answered",
  },
  customFields: {
    spec: {
      type: "object",
      additionalProperties: { oneOf: [{ type: "string" }, texts] },
      description: 'Custom field name → value: a string ("42", "2026-03-03"), or a list of options for checkbox fields. Each field must exist.',
    },
    input: (is) => is.customValues("customFields").optional(),
    change: "customFields",
    api: "custom_fields",
    answer: { ...answerAt("customFields"), spec: { type: "object", additionalProperties: { $ref: "pulumi.json#/Any" } } },
    personal: true,
    seedDefault: ["mapping", "customFields: { plan: pro }"],
    exported: { at: 11, as: "ownRule" },
    imported: false,
  },
  assignedUser: {
    spec: text("Email of the account user the contact is assigned to; removing it unassigns."),
    input: (is) => is.userEmail("assignedUser").optional(),
    change: "email",
    api: "assigned_user",
    answer: answerAt("assignedUser"),
    personal: true,
    seedDefault: ["string", "assignedUser: alice@example.com"],
    exported: { at: 5, as: "answered" },
    imported: "answered",
  },
  team: {
    spec: text('Team by name, e.g. "Support" (case-insensitive); the state records its uuid, so a rename in the dashboard changes nothing.'),
    input: (is) => is.text("team").optional(),
    change: "local",
    seedDefault: ["string", "team: Support"],
    exported: { at: 6, as: "ownRule" },
    imported: false,
  },
  teamUuid: {
    spec: text("Team inbox uuid (or set team)."),
    input: (is) => is.uuid("teamUuid", "GET /teams or the team's page in the Callbell dashboard").optional(),
    change: "declaredOnly",
    api: "team_uuid",
    answer: answerAt("team", (team) => team.uuid),
    seedDefault: ["string", 'teamUuid: "<32 hex characters>"'],
    exported: { at: 7, as: "ownRule" },
    imported: false,
  },
  channel: {
    spec: {
      oneOf: [{ type: "string" }, { $ref: "#/types/callbell:index:MainChannel" }],
      description: 'Channel by title, e.g. "WhatsApp Sales Line", or { main: true } for the source\'s main channel (or set channelUuid).',
    },
    input: (is) => is.channelRef("channel").optional(),
    change: "local",
    seedDefault: ["title or { main: true }", "channel: WhatsApp Sales Line"],
    exported: { at: 8, as: "ownRule" },
    imported: false,
  },
  channelUuid: {
    spec: text("Channel uuid; default is the account's main channel for the source. Changing it replaces the contact."),
    input: (is) => is.uuid("channelUuid", "GET /channels or the channel's settings in the Callbell dashboard").optional(),
    change: "replace",
    api: "channel_uuid",
    answer: answerAt("channel", (channel) => channel.uuid),
    seedDefault: ["string", 'channelUuid: "<32 hex characters>"'],
    exported: { at: 9, as: "ownRule" },
    imported: false,
  },
  botStatus: {
    spec: text(`${botStatuses.join(" or ")} (needs a bot enabled in the account); write-only.`),
    input: (is) => is.oneOf("botStatus", botStatuses, 'use "bot_start" or "bot_end"').optional(),
    change: "declaredOnly",
    api: "bot_status",
    writeOnly: true,
    seedDefault: ["string", "botStatus: bot_end"],
    exported: false,
    imported: false,
  },
  note: {
    spec: text("Free text, at most 1000 characters; removing it clears the note."),
    input: (is) => is.freeText("note", 1000).optional(),
    change: "clearable",
    api: "note",
    answer: answerAt("note"),
    personal: true,
    exported: { at: 10, as: "answered" },
    imported: "answered",
  },
  adopt: {
    spec: { type: "boolean", description: "When a contact with this identifier already exists, take it over instead of creating one." },
    input: (is) => is.flag("adopt").optional(),
    change: "local",
    writeOnly: true,
    seedDefault: ["boolean", "adopt: true"],
    exported: { at: 12, as: "ownRule" },
    imported: false,
  },
} as const satisfies Record<keyof ContactInputs, FieldRule>;

/** What one computed output is: where Callbell's answer carries it, and what the doors that read answers need of it. */
export interface ComputedRule {
  /** Its type and documentation in the provider plugin's schema; the description is its JSDoc in ContactComputed. */
  spec: PropertySpec;
  answer: AnswerRule;
  /** Set on the outputs ContactComputed requires. */
  required?: true;
  /** It holds personal data: a secret with personalData "secret". */
  personal?: true;
  /**
   * Whether a GET /contacts list item must carry it to stand for a read of the contact: "needed", or "whenHeld" for what
   * Callbell gives some contacts only, so that an item without it stands only for a state without it.
   */
  pageRead: "needed" | "whenHeld";
  /** Whether getContact returns it. */
  lookup: boolean;
}

/** Every output Callbell computes, in the order they are documented. */
export const computedFields = {
  uuid: { spec: text("Callbell's id of the contact (also the resource id)."), answer: answerAt("uuid"), required: true, pageRead: "needed", lookup: true },
  href: { spec: text("Dashboard link to the contact."), answer: answerAt("href"), required: true, pageRead: "needed", lookup: true },
  conversationHref: { spec: text("Dashboard link to the contact's conversation."), answer: answerAt("conversationHref"), pageRead: "needed", lookup: false },
  createdAt: {
    spec: text("When Callbell created the contact (ISO 8601, UTC)."),
    answer: answerAt("createdAt"),
    required: true,
    pageRead: "needed",
    lookup: true,
  },
  phoneNumber: {
    spec: text('The phone number as Callbell formats it, e.g. "+39 333 123 4567" (never compared with identifier).'),
    answer: answerAt("phoneNumber"),
    personal: true,
    pageRead: "needed",
    lookup: true,
  },
  avatarUrl: { spec: text("The contact's picture."), answer: answerAt("avatarUrl"), pageRead: "needed", lookup: false },
  bsuid: {
    spec: text("WhatsApp Business Suite user id; Callbell gives one for some WhatsApp Cloud contacts only."),
    answer: answerAt("bsuid"),
    personal: true,
    pageRead: "whenHeld",
    lookup: false,
  },
} as const satisfies Record<keyof ContactComputed, ComputedRule>;

/** What one piece of the provider's bookkeeping is, for the plugin's schema and the secrets. */
export interface HeldRule {
  /** Its type and documentation in the provider plugin's schema; the description is its JSDoc in ContactHolding. */
  spec: PropertySpec;
  /** It names a resource, so a number in plain mode: a secret with personalData "secret". */
  personal?: true;
}

/** The provider's bookkeeping in a contact's state. */
export const heldFields = {
  origin: { spec: text('"created" or "adopted": adopted (and imported) contacts are never deleted by Pulumi.') },
  owner: { spec: text('The resource that holds the contact, "<project>/<stack>/<name>", as of its last create or update.'), personal: true },
  ownerMark: { spec: text("The owner mark this resource wrote in the callbell:ownerField custom field, if any."), personal: true },
  keptByAccount: {
    spec: {
      type: "object",
      additionalProperties: { type: "array", items: { type: "string" } },
      description:
        'Tags and custom fields removed from the code that the account kept ({tags, customFields}): its PATCH merges tags or ignores "". ' +
        "Said once by up; remove them in the dashboard.",
    },
  },
} as const satisfies Record<keyof ContactHolding, HeldRule>;

/** The name of an input field. */
export type FieldName = keyof ContactInputs;

/** The table's rows, in its order. */
export const fieldRules = Object.entries(contactFields) as [FieldName, FieldRule][];

/** The computed outputs' rows, in their order. */
export const computedRules = Object.entries(computedFields) as [keyof ContactComputed, ComputedRule][];

/** The names of the fields whose rule passes `which`, in the table's order. */
export const fieldsWhere = (which: (rule: FieldRule) => boolean | undefined): FieldName[] => fieldRules.filter(([, rule]) => which(rule)).map(([name]) => name);

/** Names of every input property, in the order they are documented. */
export const inputNames: FieldName[] = fieldsWhere(() => true);

/** Names of the inputs a contact must have. */
export const requiredInputNames: FieldName[] = fieldsWhere((rule) => rule.required);

/** Names of what Callbell computes. */
export const computedNames = computedRules.map(([name]) => name);

/** Names of the provider's bookkeeping in state. */
export const heldNames = Object.keys(heldFields) as (keyof ContactHolding)[];

// The fields of a table whose row has `flag`, and the keys a type requires: each table's `required` must be its type's.
type Flagged<Table, Flag> = { [K in keyof Table]: Table[K] extends Flag ? K : never }[keyof Table];
/** The input fields whose row has `Flag`, e.g. FieldsWith<{ imported: "ownRule" }>: what a door's own rules must cover. */
export type FieldsWith<Flag> = Flagged<typeof contactFields, Flag>;
type RequiredKeys<T> = { [K in keyof T]-?: undefined extends T[K] ? never : K }[keyof T];
type SameUnion<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const requiredInputsMatch: SameUnion<Flagged<typeof contactFields, { required: true }>, RequiredKeys<ContactInputs>> = true;
const requiredComputedMatch: SameUnion<Flagged<typeof computedFields, { required: true }>, RequiredKeys<ContactComputed>> = true;
void [requiredInputsMatch, requiredComputedMatch];

/** Inputs that are not outputs of a Contact: Callbell does not return them. */
type WriteOnlyInput = Flagged<typeof contactFields, { writeOnly: true }>;

/** What a Contact resource exposes as outputs: its inputs as Callbell has them (but the write-only ones), and what Callbell computed. */
export type ContactPublicOutputs = Omit<ContactInputs, WriteOnlyInput> & ContactComputed;

/** Names of every output of a Contact resource: each becomes an Output on the instance (resource.ts). */
export const contactOutputNames = [...computedNames, ...fieldsWhere((rule) => !rule.writeOnly)] as (keyof ContactPublicOutputs)[];

/** Names of the outputs a Contact always has. */
export const requiredOutputNames: (keyof ContactOutputs)[] = [
  ...computedRules.filter(([, rule]) => rule.required).map(([name]) => name),
  ...requiredInputNames,
];

/** Inputs that hold personal data: Pulumi secrets, and masked in our messages, with personalData "secret". */
export const personalInputNames: readonly FieldName[] = fieldsWhere((rule) => rule.personal);

/** State that holds personal data, made secret with personalData "secret" (owner names the resource, so a number in plain mode). */
export const personalOutputNames: readonly (keyof ContactOutputs)[] = [
  ...personalInputNames,
  ...computedRules.filter(([, rule]) => rule.personal).map(([name]) => name),
  ...heldNames.filter((name) => (heldFields[name] as HeldRule).personal),
];

/** Every property of a contact's state with its type and documentation, in the tables' order: the plugin schema's Contact. */
export const contactPropertySpecs = Object.fromEntries(
  [...fieldRules, ...computedRules, ...heldNames.map((name) => [name, heldFields[name]] as const)].map(([name, rule]) => [name, rule.spec]),
) as Record<keyof ContactOutputs, PropertySpec>;

/** The input fields Callbell's answer holds (the rows with an answer rule). */
export type AnsweredField = Flagged<typeof contactFields, { answer: AnswerRule }>;

/** What a field reads as in Callbell's answer. */
export type AnswerValue<K extends AnsweredField> = (typeof contactFields)[K]["answer"] extends AnswerRule<infer T> ? T : never;

/** The input fields of an answer that the doors fill with an empty list or mapping when Callbell gives none (tags, custom fields). */
export type ListField = { [K in AnsweredField]: AnswerValue<K> extends readonly unknown[] | Record<string, unknown> ? K : never }[AnsweredField];

/** The input fields Callbell's answer holds, with their rows, in the table's order. */
export const answeredRules = fieldRules.filter((row): row is [AnsweredField, FieldRule & { answer: AnswerRule }] => row[1].answer !== undefined);

/** True for a field the doors fill with an empty list or mapping when Callbell gives none. */
export const isListField = (rule: FieldRule): boolean => rule.spec.type === "array" || rule.spec.type === "object";

/** The computed outputs getContact returns (their row says lookup: true). */
export type LookupOutput = Flagged<typeof computedFields, { lookup: true }>;

/** One value getContact answers with: its name, its type in the answer, whether it is always given, and where the answer holds it. */
export interface LookupField {
  name: string;
  spec: PropertySpec;
  /** Always given: Callbell always has it, or it is a list or mapping, given empty when Callbell has none. */
  required: boolean;
  /** None for the source, which the lookup is asked for. */
  answer?: AnswerRule;
}

// A type without its documentation: getContact's schema describes the function, not each value.
const bare = ({ description: _description, ...type }: PropertySpec): PropertySpec => type;

/** What getContact answers of a contact: its source, the computed outputs marked lookup, and every field Callbell's answer holds. */
export const lookupFields: readonly LookupField[] = [
  { name: "source", spec: { type: "string" }, required: true },
  ...computedRules
    .filter(([, rule]) => rule.lookup)
    .map(([name, rule]) => ({ name, spec: bare(rule.spec), required: rule.required === true, answer: rule.answer })),
  ...answeredRules.map(([name, rule]) => ({
    name,
    spec: bare(rule.answer.spec ?? rule.spec),
    required: rule.required === true || isListField(rule),
    answer: rule.answer,
  })),
];

// A field's name in the API bodies, and the fields an update sends (the others are replaced, or never sent).
type ApiName<K extends FieldName> = (typeof contactFields)[K] extends { api: infer A extends string } ? A : never;
type InPlaceField = { [K in FieldName]: (typeof contactFields)[K]["change"] extends "replace" | "local" ? never : K }[FieldName];

/** Body of POST /contacts: every field the API takes, under its API name. */
export type ContactCreateBody = { [K in keyof ContactInputs as ApiName<K>]: ContactInputs[K] };

/** Body of PATCH /contacts/:uuid: the fields an update can change, under their API names, and `unassign_user` (the "email" rule's removal). */
export type ContactPatchBody = { [K in keyof ContactInputs as K extends InPlaceField ? ApiName<K> : never]?: ContactInputs[K] } & { unassign_user?: true };

/** The hidden input Contact adds to say which resource it is (resource-type.ts). */
export { ownerInput } from "../resource-type";

/** True when A and B have the same keys and each is assignable to the other: a compile-time check, e.g. of a schema against its type. */
export type SameShape<A, B> = [keyof A] extends [keyof B]
  ? [keyof B] extends [keyof A]
    ? [A] extends [B]
      ? [B] extends [A]
        ? true
        : false
      : false
    : false
  : false;
