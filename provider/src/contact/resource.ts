// The Contact resource. It is what pulumi.dynamic.Resource would register (same type token, default provider
// pulumi-nodejs, a `__provider` input the host loads), but declared as a plain CustomResource: dynamic.Resource
// serializes a provider object into `__provider` (2,195 bytes for the old stub, stored in inputs AND outputs of
// every contact, and the file backend rewrites the whole state after every step), while the host only needs a
// module text whose `handler()` returns the provider. So `__provider` is one constant line that requires the
// implementation by package name. Stacks written with the old stub keep working: its text requires the same
// module, and the provider's diff ignores `__provider`, so moving to the constant shows no change.
import * as pulumi from "@pulumi/pulumi";
import type { ContactSource } from "../client/contacts";
import type { BotStatus, ChannelRef } from "./schema";

/** The inputs of a Contact: each may be a plain value or an Output of another resource. */
export interface ContactArgs {
  /** Phone number in international format for whatsapp/telegram ("393331234567" or "+39 333 123 4567"); the platform id otherwise. Changing it replaces the contact. */
  identifier: pulumi.Input<string>;
  /** Channel type: whatsapp, facebook, instagram or telegram. Changing it replaces the contact. */
  source: pulumi.Input<ContactSource>;
  /** Display name. */
  name: pulumi.Input<string>;
  /** Tag names; each must already exist in the account. Case-insensitive, order ignored. */
  tags?: pulumi.Input<pulumi.Input<string>[]>;
  /** Custom field name → value: a string ("42", "2026-03-03"), or a list of options for checkbox fields. */
  customFields?: pulumi.Input<Record<string, pulumi.Input<string | string[]>>>;
  /** Email of the account user the contact is assigned to; removing it unassigns. */
  assignedUser?: pulumi.Input<string>;
  /** Team by name, e.g. "Support" (case-insensitive); the state records its uuid, so a rename in the dashboard changes nothing. */
  team?: pulumi.Input<string>;
  /** Team inbox uuid (or set team). */
  teamUuid?: pulumi.Input<string>;
  /** Channel by title, e.g. "WhatsApp Sales Line", or { main: true } for the source's main channel (or set channelUuid). */
  channel?: pulumi.Input<ChannelRef>;
  /** Channel uuid; default is the account's main channel for the source. Changing it replaces the contact. */
  channelUuid?: pulumi.Input<string>;
  /** bot_start or bot_end (needs a bot enabled in the account); write-only. */
  botStatus?: pulumi.Input<BotStatus>;
  /** Free text, at most 1000 characters; removing it clears the note. */
  note?: pulumi.Input<string>;
  /** When a contact with this identifier already exists, take it over instead of creating one. */
  adopt?: pulumi.Input<boolean>;
}

/** The type token pulumi.dynamic.Resource(provider, name, props, opts, "callbell", "Contact") registers; kept so URNs never change. */
export const contactType = "pulumi-nodejs:dynamic/callbell:Contact";

/**
 * The `__provider` of every Contact: the dynamic-provider host runs `requireFromString(text).handler()` and keeps one
 * provider per distinct text. It names the package, never a path, so it is the same bytes on every machine and install.
 */
export const contactProviderSource = 'module.exports=require("pulumi-callbell/dist/contact/host")';

/** Options of a Contact: the usual resource options. `protect` or `retainOnDelete` guard against irreversible deletes. */
export type ContactOptions = pulumi.CustomResourceOptions;

/** A Callbell contact, created with POST /contacts and kept as declared. Type token: pulumi-nodejs:dynamic/callbell:Contact. */
export class Contact extends pulumi.CustomResource {
  /** Callbell's id of the contact (also the resource id). */
  declare public readonly uuid: pulumi.Output<string>;
  /** Dashboard link to the contact. */
  declare public readonly href: pulumi.Output<string>;
  /** Dashboard link to the contact's conversation. */
  declare public readonly conversationHref: pulumi.Output<string | undefined>;
  /** When Callbell created the contact (ISO 8601, UTC). */
  declare public readonly createdAt: pulumi.Output<string>;
  /** The phone number as Callbell formats it, e.g. "+39 333 123 4567". */
  declare public readonly phoneNumber: pulumi.Output<string | undefined>;
  declare public readonly avatarUrl: pulumi.Output<string | undefined>;
  declare public readonly identifier: pulumi.Output<string>;
  declare public readonly source: pulumi.Output<ContactSource>;
  /** The name as Callbell has it. */
  declare public readonly name: pulumi.Output<string>;
  /** The tags as Callbell has them (when tags are declared). */
  declare public readonly tags: pulumi.Output<string[] | undefined>;
  declare public readonly customFields: pulumi.Output<Record<string, string | string[]> | undefined>;
  declare public readonly assignedUser: pulumi.Output<string | undefined>;
  /** The contact's team inbox uuid. */
  declare public readonly teamUuid: pulumi.Output<string | undefined>;
  /** The channel the contact is on. */
  declare public readonly channelUuid: pulumi.Output<string | undefined>;
  declare public readonly note: pulumi.Output<string | undefined>;

  /** Declares a contact. */
  constructor(name: string, args: ContactArgs, opts?: ContactOptions) {
    // Keys the SDK must see to give the instance these outputs; undefined values are not sent to the engine.
    const outputs = { uuid: undefined, href: undefined, conversationHref: undefined, createdAt: undefined, phoneNumber: undefined, avatarUrl: undefined };
    // Which resource this is, so the provider can tell its own contacts from others' (ownership.ts).
    const owner = `${pulumi.getProject()}/${pulumi.getStack()}/${name}`;
    const props = { ...outputs, ...args, __owner: owner, __provider: contactProviderSource };
    // The SDK stores `new Error().stack` on 4 promises per property (52 for a Contact), each one source-mapped under
    // ts-node, and reads them only to report a leaked promise. Measured for 500 contacts under ts-node: 5.9 s of CPU
    // without, 1.8 s with the limit at 0. The resource's source position is not affected: Resource.callsites() sets
    // its own limit. Restored even if the SDK throws, so later errors keep their stacks.
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    try {
      super(contactType, name, props, opts);
    } finally {
      Error.stackTraceLimit = limit;
    }
  }
}
