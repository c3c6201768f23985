// In-memory contact store, indexed so every request-path operation is O(1).
import { parsePhoneNumberFromString } from "libphonenumber-js";
import type { ChannelType } from "./types";

/** bot_status values; write-only in the API (never returned). */
export type BotStatus = "bot_start" | "bot_end";

/** A contact as the simulator keeps it (and persists it): the API view is derived from this. */
export interface StoredContact {
  uuid: string;
  name: string;
  identifier: string;
  phoneNumber: string | null;
  source: ChannelType;
  channelUuid: string;
  teamUuid: string;
  tags: string[];
  assignedUser: string | null;
  customFields: Record<string, string | string[]>;
  note: string | null;
  botStatus: BotStatus | null;
  createdAt: string;
  bsuid: string | null;
  avatarUrl: string | null;
  blockedAt: string | null;
  closedAt: string | null;
}

/**
 * The key duplicates and phone lookups use: the channel plus the identifier's digits (or the whole identifier when it
 * has none), in E.164 when they are a valid number, as Callbell compares numbers: 4407911123456 and 447911123456 are
 * both +44 7911 123456.
 */
export function identifierKey(channelUuid: string, identifier: string): string {
  const digits = identifier.replace(/\D/g, "");
  const parsed = /^\d{1,17}$/.test(digits) ? parsePhoneNumberFromString(`+${digits}`) : undefined;
  return `${channelUuid}/${digits === "" ? identifier : parsed?.isValid() ? parsed.number.slice(1) : digits}`;
}

/** What happened to a contact: the webhook events contact_created, contact_updated and contact_deleted. */
export type ContactChange = "created" | "updated" | "deleted";

/** Contacts by uuid (in creation order), by channel + identifier, and by bsuid. */
export class ContactStore {
  private readonly byUuid = new Map<string, StoredContact>();
  // Oldest first: with duplicates allowed, lookups answer the oldest contact.
  private readonly byIdentifier = new Map<string, StoredContact[]>();
  private readonly byBsuid = new Map<string, StoredContact[]>();

  /** onChange: any change (persistence); onContact: a contact was created, updated or deleted (not on load or clear), after the fact. */
  constructor(
    private readonly onChange: () => void = () => undefined,
    private readonly onContact: (change: ContactChange, contact: StoredContact) => void = () => undefined,
  ) {}

  /** Number of contacts. */
  get size(): number {
    return this.byUuid.size;
  }

  /** Every contact, oldest first. */
  all(): IterableIterator<StoredContact> {
    return this.byUuid.values();
  }

  /** The contact with this uuid. */
  get(uuid: string): StoredContact | undefined {
    return this.byUuid.get(uuid);
  }

  /** The oldest contact with this identifier on this channel. */
  findByIdentifier(channelUuid: string, identifier: string): StoredContact | undefined {
    return this.byIdentifier.get(identifierKey(channelUuid, identifier))?.[0];
  }

  /** The oldest contact with this bsuid. */
  findByBsuid(bsuid: string): StoredContact | undefined {
    return this.byBsuid.get(bsuid)?.[0];
  }

  /** Adds a contact (its uuid must be new). */
  insert(contact: StoredContact, notify = true): void {
    this.byUuid.set(contact.uuid, contact);
    addToIndex(this.byIdentifier, identifierKey(contact.channelUuid, contact.identifier), contact);
    if (contact.bsuid !== null) addToIndex(this.byBsuid, contact.bsuid, contact);
    if (notify) {
      this.onChange();
      this.onContact("created", contact);
    }
  }

  /** Applies a change to a contact in place, keeping the bsuid index right. */
  update(contact: StoredContact, change: (contact: StoredContact) => void): void {
    const previousBsuid = contact.bsuid;
    change(contact);
    if (contact.bsuid !== previousBsuid) {
      if (previousBsuid !== null) removeFromIndex(this.byBsuid, previousBsuid, contact);
      if (contact.bsuid !== null) addToIndex(this.byBsuid, contact.bsuid, contact);
    }
    this.onChange();
    this.onContact("updated", contact);
  }

  /** Removes a contact; false when there was none. */
  delete(uuid: string): boolean {
    const contact = this.byUuid.get(uuid);
    if (!contact) return false;
    this.byUuid.delete(uuid);
    removeFromIndex(this.byIdentifier, identifierKey(contact.channelUuid, contact.identifier), contact);
    if (contact.bsuid !== null) removeFromIndex(this.byBsuid, contact.bsuid, contact);
    this.onChange();
    this.onContact("deleted", contact);
    return true;
  }

  /** Removes every contact. */
  clear(): void {
    this.byUuid.clear();
    this.byIdentifier.clear();
    this.byBsuid.clear();
    this.onChange();
  }
}

function addToIndex(index: Map<string, StoredContact[]>, key: string, contact: StoredContact): void {
  const bucket = index.get(key);
  if (bucket) bucket.push(contact);
  else index.set(key, [contact]);
}

function removeFromIndex(index: Map<string, StoredContact[]>, key: string, contact: StoredContact): void {
  const bucket = index.get(key);
  if (!bucket) return;
  const remaining = bucket.filter((candidate) => candidate !== contact);
  if (remaining.length === 0) index.delete(key);
  else index.set(key, remaining);
}
