// The type and description of every property of a contact's state, for the provider plugin's schema (plugin/schema.ts):
// the inputs' come from shape.ts's contactFields, the rest are listed here, and the compiler holds the whole to
// ContactOutputs, so no field can be missing or extra.
import { type ContactOutputs, type PropertySpec, contactFields } from "./shape";

export type { PropertySpec } from "./shape";

const text = (description: string): PropertySpec => ({ type: "string", description });
const inputSpecs = Object.fromEntries(Object.entries(contactFields).map(([name, rule]) => [name, rule.spec])) as {
  [K in keyof typeof contactFields]: PropertySpec;
};

/** Every property of a contact's state, documented; inputs are the ones named in shape.ts's inputNames. */
export const contactPropertySpecs = {
  ...inputSpecs,
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
  keptByAccount: {
    type: "object",
    additionalProperties: { type: "array", items: { type: "string" } },
    description:
      'Tags and custom fields removed from the code that the account kept ({tags, customFields}): its PATCH merges tags or ignores "". ' +
      "Said once by up; remove them in the dashboard.",
  },
} satisfies Record<keyof ContactOutputs, PropertySpec>;
