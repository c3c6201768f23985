// The contact's shape, in one place: its inputs, what Callbell computes, and what the provider keeps in state, with the
// table of what each input field is (contactFields: how it changes, its API name, whether it is personal, a seed
// default, where the export puts it) and the lists of names derived from it. The diff, the mappings (mapping.ts), the
// seed files and the export read the table; Contact's arguments and outputs (resource.ts) and the input schema
// (schema.ts) are derived from or checked against these types. Types, constants and the table only.
import { type ApiContact, type ContactSource, type CreateContactBody, contactSources } from "../../client/contacts";
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
  /** Channel type: whatsapp, facebook, instagram or telegram. Changing it replaces the contact. */
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
  /** Whether this resource created its contact or adopted it (adopted contacts are never deleted). */
  origin?: Origin;
  /** The resource that holds the contact, "<project>/<stack>/<name>", as of its last create or update. */
  owner?: Owner;
  /** The owner mark this resource wrote in the `callbell:ownerField` custom field, if any. */
  ownerMark?: string;
  /** Tags and custom fields removed from the code that the account kept (its PATCH merges tags or ignores ""): said once, then not managed. */
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

/** A property in Pulumi's package schema (the provider plugin's GetSchema): its type and its documentation. */
export interface PropertySpec {
  type?: "string" | "boolean" | "number" | "integer" | "array" | "object";
  items?: PropertySpec;
  additionalProperties?: PropertySpec;
  oneOf?: PropertySpec[];
  $ref?: string;
  description?: string;
}

/** What one input field is: the table every mapping, diff, seed-file, export and schema rule reads. */
export interface FieldRule {
  /** Its type and documentation in the provider plugin's schema. */
  spec: PropertySpec;
  change: ChangeRule;
  /** Its name in Callbell's POST and PATCH bodies (none for local fields). */
  api?: keyof CreateContactBody;
  /** What Callbell's answer says of it, for the state; without it, the state keeps the declared value. */
  answer?: (contact: ApiContact) => unknown;
  /** Callbell never returns it, so it is no output of a Contact. */
  writeOnly?: true;
  /** It holds personal data: a secret, and masked in messages, with personalData "secret". */
  personal?: true;
  /** A seed file's `defaults:` may set it. */
  seedDefault?: SeedDefault;
  /** Its place in an exported seed file (none: not exported). */
  exportAt?: number;
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
    change: "replace",
    api: "identifier",
    personal: true,
    exportAt: 1,
  },
  source: {
    spec: text(`Channel type: ${contactSources.join(", ")}. Changing it replaces the contact.`),
    change: "replace",
    api: "source",
    seedDefault: ["string", "source: whatsapp"],
    exportAt: 2,
  },
  name: { spec: text("Display name."), change: "always", api: "name", answer: (c) => c.name, personal: true, exportAt: 3 },
  tags: {
    spec: { ...texts, description: "Tag names; each must already exist in the account. Case-insensitive, order ignored." },
    change: "tags",
    api: "tags",
    answer: (c) => c.tags,
    seedDefault: ["list", "tags: [seed]"],
    exportAt: 4,
  },
  customFields: {
    spec: {
      type: "object",
      additionalProperties: { oneOf: [{ type: "string" }, texts] },
      description: 'Custom field name → value: a string ("42", "2026-03-03"), or a list of options for checkbox fields. Each field must exist.',
    },
    change: "customFields",
    api: "custom_fields",
    answer: (c) => c.customFields,
    personal: true,
    seedDefault: ["mapping", "customFields: { plan: pro }"],
    exportAt: 11,
  },
  assignedUser: {
    spec: text("Email of the account user the contact is assigned to; removing it unassigns."),
    change: "email",
    api: "assigned_user",
    answer: (c) => c.assignedUser,
    personal: true,
    seedDefault: ["string", "assignedUser: alice@example.com"],
    exportAt: 5,
  },
  team: {
    spec: text('Team by name, e.g. "Support" (case-insensitive); the state records its uuid, so a rename in the dashboard changes nothing.'),
    change: "local",
    seedDefault: ["string", "team: Support"],
    exportAt: 6,
  },
  teamUuid: {
    spec: text("Team inbox uuid (or set team)."),
    change: "declaredOnly",
    api: "team_uuid",
    answer: (c) => c.team?.uuid,
    seedDefault: ["string", 'teamUuid: "<32 hex characters>"'],
    exportAt: 7,
  },
  channel: {
    spec: {
      oneOf: [{ type: "string" }, { $ref: "#/types/callbell:index:MainChannel" }],
      description: 'Channel by title, e.g. "WhatsApp Sales Line", or { main: true } for the source\'s main channel (or set channelUuid).',
    },
    change: "local",
    seedDefault: ["title or { main: true }", "channel: WhatsApp Sales Line"],
    exportAt: 8,
  },
  channelUuid: {
    spec: text("Channel uuid; default is the account's main channel for the source. Changing it replaces the contact."),
    change: "replace",
    api: "channel_uuid",
    answer: (c) => c.channel?.uuid,
    seedDefault: ["string", 'channelUuid: "<32 hex characters>"'],
    exportAt: 9,
  },
  botStatus: {
    spec: text(`${botStatuses.join(" or ")} (needs a bot enabled in the account); write-only.`),
    change: "declaredOnly",
    api: "bot_status",
    writeOnly: true,
    seedDefault: ["string", "botStatus: bot_end"],
  },
  note: {
    spec: text("Free text, at most 1000 characters; removing it clears the note."),
    change: "clearable",
    api: "note",
    answer: (c) => c.note,
    personal: true,
    exportAt: 10,
  },
  adopt: {
    spec: { type: "boolean", description: "When a contact with this identifier already exists, take it over instead of creating one." },
    change: "local",
    writeOnly: true,
    seedDefault: ["boolean", "adopt: true"],
    exportAt: 12,
  },
} as const satisfies Record<keyof ContactInputs, FieldRule>;

/** The name of an input field. */
export type FieldName = keyof ContactInputs;

/** The table's rows, in its order. */
export const fieldRules = Object.entries(contactFields) as [FieldName, FieldRule][];

/** The names of the fields whose rule passes `which`, in the table's order. */
export const fieldsWhere = (which: (rule: FieldRule) => boolean | undefined): FieldName[] => fieldRules.filter(([, rule]) => which(rule)).map(([name]) => name);

/** Names of every input property, in the order they are documented. */
export const inputNames: FieldName[] = fieldsWhere(() => true);

// The keys of T as a list, in the order written. Passing an object literal makes the compiler refuse a list that
// misses a key of T or names one T lacks, so each list below follows its type.
const keyList = <T>(keys: Record<keyof T, true>): (keyof T)[] => Object.keys(keys) as (keyof T)[];

/** Names of what Callbell computes. */
export const computedNames = keyList<ContactComputed>({
  uuid: true,
  href: true,
  conversationHref: true,
  createdAt: true,
  phoneNumber: true,
  avatarUrl: true,
  bsuid: true,
});

/** Inputs that are not outputs of a Contact: Callbell does not return them. */
type WriteOnlyInput = { [K in FieldName]: (typeof contactFields)[K] extends { writeOnly: true } ? K : never }[FieldName];

/** What a Contact resource exposes as outputs: its inputs as Callbell has them (but the write-only ones), and what Callbell computed. */
export type ContactPublicOutputs = Omit<ContactInputs, WriteOnlyInput> & ContactComputed;

/** Names of every output of a Contact resource: each becomes an Output on the instance (resource.ts). */
export const contactOutputNames = [...computedNames, ...fieldsWhere((rule) => !rule.writeOnly)] as (keyof ContactPublicOutputs)[];

/** Inputs that hold personal data: Pulumi secrets, and masked in our messages, with personalData "secret". */
export const personalInputNames: readonly FieldName[] = fieldsWhere((rule) => rule.personal);

/** State that holds personal data, made secret with personalData "secret" (owner names the resource, so a number in plain mode). */
export const personalOutputNames: readonly (keyof ContactOutputs)[] = [...personalInputNames, "phoneNumber", "bsuid", "owner", "ownerMark"];

/** The hidden input Contact adds to say which resource it is: "<project>/<stack>/<resource name>". */
export const ownerInput = "__owner";

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
