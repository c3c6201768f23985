// The contact's shape, in one place: its inputs, what Callbell computes, and what the provider keeps in state, with the
// lists of their names. Contact's arguments and outputs (resource.ts) and the input schema (schema.ts) are derived from
// or checked against these types; the mappings to and from the API's bodies are in mapping.ts. Types and constants only.
import type { ContactSource } from "../client/contacts";
import type { Origin, Owner } from "./ownership";

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
}

/** What Pulumi keeps in state for a contact: the managed inputs, what Callbell computed, and how it is held. */
export interface ContactOutputs extends ContactInputs, ContactComputed, ContactHolding {}

// The keys of T as a list, in the order written. Passing an object literal makes the compiler refuse a list that
// misses a key of T or names one T lacks, so each list below follows its type.
const keyList = <T>(keys: Record<keyof T, true>): (keyof T)[] => Object.keys(keys) as (keyof T)[];

/** Names of every input property, in the order they are documented. */
export const inputNames = keyList<ContactInputs>({
  identifier: true,
  source: true,
  name: true,
  tags: true,
  customFields: true,
  assignedUser: true,
  team: true,
  teamUuid: true,
  channel: true,
  channelUuid: true,
  botStatus: true,
  note: true,
  adopt: true,
});

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
const writeOnlyInputs = ["botStatus", "adopt"] as const;

/** What a Contact resource exposes as outputs: its inputs as Callbell has them (but the write-only ones), and what Callbell computed. */
export type ContactPublicOutputs = Omit<ContactInputs, (typeof writeOnlyInputs)[number]> & ContactComputed;

/** Names of every output of a Contact resource: each becomes an Output on the instance (resource.ts). */
export const contactOutputNames: (keyof ContactPublicOutputs)[] = [
  ...computedNames,
  ...inputNames.filter(
    (name): name is Exclude<keyof ContactInputs, (typeof writeOnlyInputs)[number]> => !(writeOnlyInputs as readonly string[]).includes(name),
  ),
];

/** Inputs that hold personal data: Pulumi secrets, and masked in our messages, with personalData "secret". */
export const personalInputNames = ["identifier", "name", "note", "assignedUser", "customFields"] as const satisfies readonly (keyof ContactInputs)[];

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
