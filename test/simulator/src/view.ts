// Turns a stored contact into the Contact object the API returns.
import type { Account } from "./account";
import type { StoredContact } from "./store";
import type { Contact, CustomFieldMetadata } from "./types";

/** The API view of a contact; checkbox values become JSON-encoded strings, as the reference warns. */
export function contactView(contact: StoredContact, account: Account, dashboardUrl: string, includeFieldTypes = false): Contact {
  const customFields: Record<string, string> = {};
  for (const name of Object.keys(contact.customFields)) customFields[name] = encodeFieldValue(contact.customFields[name]);
  const view: Contact = {
    uuid: contact.uuid,
    name: contact.name,
    phoneNumber: contact.phoneNumber,
    avatarUrl: contact.avatarUrl,
    createdAt: contact.createdAt,
    source: contact.source,
    href: `${dashboardUrl}/contacts/${contact.uuid}`,
    conversationHref: `${dashboardUrl}/chat/${contact.uuid}`,
    tags: [...contact.tags],
    assignedUser: contact.assignedUser,
    customFields,
    team: account.teamView(contact.teamUuid),
    channel: account.channelView(contact.channelUuid),
    blockedAt: contact.blockedAt,
    closedAt: contact.closedAt,
    funnelId: null,
    note: contact.note,
  };
  if (contact.bsuid !== null) view.bsuid = contact.bsuid;
  if (includeFieldTypes) view.customFieldsMetadata = fieldMetadata(customFields, account);
  return view;
}

function encodeFieldValue(value: string | string[]): string {
  return Array.isArray(value) ? JSON.stringify(value) : value;
}

// Only the fields the contact has a value for; a field edited in behind the API's back that the fixture lacks is reported as text.
function fieldMetadata(customFields: Record<string, string>, account: Account): Record<string, CustomFieldMetadata> {
  const metadata: Record<string, CustomFieldMetadata> = {};
  for (const name of Object.keys(customFields)) {
    const definition = account.customField(name);
    const entry: CustomFieldMetadata = { value: customFields[name], type: definition?.type ?? "text" };
    if (definition?.options) entry.options = [...definition.options];
    metadata[name] = entry;
  }
  return metadata;
}
