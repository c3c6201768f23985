// The type and description of every property of a contact, for the provider plugin's schema (plugin/schema.ts): one
// table beside shape.ts, which the compiler holds to ContactOutputs, so no field can be missing or extra.
import { contactSources } from "../client/contacts";
import { botStatuses, type ContactOutputs } from "./shape";

/** A property in Pulumi's package schema: its type and its documentation. */
export interface PropertySpec {
  type?: "string" | "boolean" | "number" | "integer" | "array" | "object";
  items?: PropertySpec;
  additionalProperties?: PropertySpec;
  oneOf?: PropertySpec[];
  $ref?: string;
  description?: string;
}

const text = (description: string): PropertySpec => ({ type: "string", description });
const texts: PropertySpec = { type: "array", items: { type: "string" } };

/** Every property of a contact's state, documented; inputs are the ones named in shape.ts's inputNames. */
export const contactPropertySpecs = {
  identifier: text(
    'Phone number in international format for whatsapp/telegram ("393331234567" or "+39 333 123 4567"); the platform id otherwise. ' +
      "Changing it replaces the contact.",
  ),
  source: text(`Channel type: ${contactSources.join(", ")}. Changing it replaces the contact.`),
  name: text("Display name."),
  tags: { ...texts, description: "Tag names; each must already exist in the account. Case-insensitive, order ignored." },
  customFields: {
    type: "object",
    additionalProperties: { oneOf: [{ type: "string" }, texts] },
    description: 'Custom field name → value: a string ("42", "2026-03-03"), or a list of options for checkbox fields. Each field must exist.',
  },
  assignedUser: text("Email of the account user the contact is assigned to; removing it unassigns."),
  team: text('Team by name, e.g. "Support" (case-insensitive); the state records its uuid, so a rename in the dashboard changes nothing.'),
  teamUuid: text("Team inbox uuid (or set team)."),
  channel: {
    oneOf: [{ type: "string" }, { $ref: "#/types/callbell:index:MainChannel" }],
    description: 'Channel by title, e.g. "WhatsApp Sales Line", or { main: true } for the source\'s main channel (or set channelUuid).',
  },
  channelUuid: text("Channel uuid; default is the account's main channel for the source. Changing it replaces the contact."),
  botStatus: text(`${botStatuses.join(" or ")} (needs a bot enabled in the account); write-only.`),
  note: text("Free text, at most 1000 characters; removing it clears the note."),
  adopt: { type: "boolean", description: "When a contact with this identifier already exists, take it over instead of creating one." },
  uuid: text("Callbell's id of the contact (also the resource id)."),
  href: text("Dashboard link to the contact."),
  conversationHref: text("Dashboard link to the contact's conversation."),
  createdAt: text("When Callbell created the contact (ISO 8601, UTC)."),
  phoneNumber: text('The phone number as Callbell formats it, e.g. "+39 333 123 4567" (never compared with identifier).'),
  avatarUrl: text("The contact's picture."),
  bsuid: text("WhatsApp Business Suite user id; Callbell gives one for some WhatsApp Cloud contacts only."),
  origin: text('"created" or "adopted": adopted (and imported) contacts are never deleted by Pulumi.'),
  owner: text('The resource that holds the contact, "<project>/<stack>/<name>", as of its last create or update.'),
  ownerMark: text("The owner mark this resource wrote in the callbell:ownerField custom field, if any."),
} satisfies Record<keyof ContactOutputs, PropertySpec>;
