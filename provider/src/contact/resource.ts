// The Contact resource. Pulumi serializes a dynamic resource's provider into every resource's
// state (`__provider`), capturing everything its functions reference. So the provider below is
// a stub: each method loads the real implementation by package name when the provider host
// calls it. The stub captures no schema, no path and no token: it is the same ~2.2 KB for every
// contact, on every machine and checkout.
import * as pulumi from "@pulumi/pulumi";
import type { ContactSource } from "../client/contacts";
import type { ContactInputs, BotStatus } from "./schema";
import type { ContactOutputs } from "./diff";
import type { ContactProvider } from "./provider";

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
  /** Team inbox uuid. */
  teamUuid?: pulumi.Input<string>;
  /** Channel uuid; default is the account's main channel for the source. Changing it replaces the contact. */
  channelUuid?: pulumi.Input<string>;
  /** bot_start or bot_end (needs a bot enabled in the account); write-only. */
  botStatus?: pulumi.Input<BotStatus>;
  /** Free text, at most 1000 characters; removing it clears the note. */
  note?: pulumi.Input<string>;
  /** When a contact with this identifier already exists, take it over instead of creating one. */
  adopt?: pulumi.Input<boolean>;
}

// The implementation, required by package name when the provider host first calls: the host
// is plain Node (no ts-node) and resolves it from the project's node_modules. Serialized by
// value once and shared by every method below.
// Short names on purpose: this text is stored twice in the state of every contact.
function impl(): ContactProvider {
  return require("pulumi-callbell/dist/contact/provider").contactProvider;
}

const providerStub: pulumi.dynamic.ResourceProvider<ContactInputs, ContactOutputs> = {
  configure: (r) => impl().configure(r),
  check: (o, n) => impl().check(o, n),
  diff: (i, o, n) => impl().diff(i, o, n),
  create: (n) => impl().create(n),
  read: (i, o) => impl().read(i, o),
  update: (i, o, n) => impl().update(i, o, n),
  delete: (i, o) => impl().delete(i, o),
};

/** Options of a Contact: the usual resource options. `protect` or `retainOnDelete` guard against irreversible deletes. */
export type ContactOptions = pulumi.CustomResourceOptions;

/** A Callbell contact, created with POST /contacts and kept as declared. Type token: pulumi-nodejs:dynamic/callbell:Contact. */
export class Contact extends pulumi.dynamic.Resource {
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
    const outputs = { uuid: undefined, href: undefined, conversationHref: undefined, createdAt: undefined, phoneNumber: undefined, avatarUrl: undefined };
    // Which resource this is, so the provider can tell its own contacts from others' (ownership.ts).
    const owner = `${pulumi.getProject()}/${pulumi.getStack()}/${name}`;
    super(providerStub, name, { ...outputs, ...args, __owner: owner }, opts, "callbell", "Contact");
  }
}
