// A contact's identity, in one place: what makes two declarations one contact on an account, and the resource names
// of seed contacts. A name is made from the contact's identity alone (source, channel, identifier as the schema
// normalizes it), never from whether the entry's other fields are valid, and two different identities never share a
// name: a shared or shifting name makes the engine delete one contact and create another, and a Callbell delete cannot
// be undone.
import { createHash } from "crypto";
import { normalizedIdentifier, phoneSources, strippedPhoneDigits } from "./phone";
import { isUuid } from "../../client/uuid";
import { normalApiUrl } from "../../normalize";

/** What makes a contact the same contact: where it lives and its identifier. */
export interface ContactIdentity {
  source: string;
  identifier: string;
  channelUuid?: string;
  /** A channel by title or { main: true } (used when channelUuid is not set). */
  channel?: unknown;
}

/**
 * What makes two declarations one contact, for check's double-declaration test: the account (URL and token, as the
 * settings name it: two accounts at one URL may each hold the number), the source and the identifier as check
 * normalised it. The channel is not part of it: a number declared once without a channel and once with the main
 * channel's uuid is one contact.
 */
export function accountContactKey(account: { apiUrl: string; apiToken?: string }, identity: Pick<ContactIdentity, "source" | "identifier">): string {
  return [normalApiUrl(account.apiUrl), account.apiToken ?? "", identity.source, identity.identifier].join("\u0000");
}

/**
 * The key that keeps creates of one number one at a time, in a process and across a run's: accountContactKey without
 * the token, so two providers of one account with two tokens also wait for each other (waiting when two accounts
 * share a URL costs only time).
 */
export function createKey(apiUrl: string, identity: Pick<ContactIdentity, "source" | "identifier">): string {
  return [normalApiUrl(apiUrl), identity.source, identity.identifier].join("\u0000");
}

// An identifier made only of these is its own name part; any other is written as a slug plus
// a hash, and only that form contains "~", so the two forms can never meet.
const readableIdentifier = /^[a-z0-9](?:[a-z0-9._-]{0,98}[a-z0-9])?$/;

const sha256 = (text: string) => createHash("sha256").update(text, "utf8").digest("hex");

/** The identifier as check stores it (normalizedIdentifier of the client). */
const identifierOf = (identity: ContactIdentity): string => normalizedIdentifier(identity.source, identity.identifier);

function identifierPart(identifier: string): string {
  if (readableIdentifier.test(identifier)) return identifier;
  const slug =
    identifier
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-+|-+$/g, "")
      .slice(0, 40) || "x";
  return `${slug}~${sha256(identifier).slice(0, 12)}`;
}

// Sources are fixed words with no "." or "-": the character after the source says whether a
// channel follows, and a channel part has one fixed length, so the parts never run together.
// A channel by title is keyed by a hash of its title, trimmed and lower-cased as titles match,
// in the same fixed-length form; { main: true } is keyed like no channel, which is the main one.
function prefix(identity: ContactIdentity): string {
  const channel = identity.channelUuid === undefined || identity.channelUuid === null ? undefined : String(identity.channelUuid);
  if (channel === undefined && typeof identity.channel === "string") {
    return `${identity.source}.~${sha256(`title\u0000${identity.channel.trim().toLowerCase()}`).slice(0, 12)}`;
  }
  if (channel === undefined) return identity.source;
  return `${identity.source}.${isUuid(channel) ? channel : `~${sha256(channel).slice(0, 12)}`}`;
}

/** The readable resource name: "whatsapp-393331234567", "instagram-alice.smith", "instagram-alice~3f2a…". */
export function seedKey(identity: ContactIdentity): string {
  return `${prefix(identity)}-${identifierPart(identifierOf(identity))}`;
}

/** The resource name with personalData "secret": a hash stands for the identifier. */
export function hashedSeedKey(identity: ContactIdentity): string {
  return `${prefix(identity)}-${sha256(identifierOf(identity)).slice(0, 16)}`;
}

/**
 * Names earlier versions gave the same contact, so a ContactSet can pass them as aliases and
 * the engine moves the resource instead of deleting it: the key before channels were spelled
 * out and before identifiers were encoded injectively, in both personal-data modes, and the
 * keys made from a phone number's digits before numbers were normalized to E.164 (for those,
 * pass the identifier as the seed file wrote it).
 */
export function legacySeedKeys(identity: ContactIdentity): string[] {
  const identifier = identifierOf(identity);
  // Versions before E.164 only stripped a number's formatting: "+44 07911 123456" was named
  // whatsapp-4407911123456, now whatsapp-447911123456. This is the only use of that old rule.
  const stripped = (phoneSources as readonly string[]).includes(identity.source) ? strippedPhoneDigits(String(identity.identifier)) : identifier;
  const beforeE164 = stripped === identifier ? [] : [`${prefix(identity)}-${identifierPart(stripped)}`, `${prefix(identity)}-${sha256(stripped).slice(0, 16)}`];
  // Channels by title came after the lossy schemes: no lossy name stands for such an entry.
  if (identity.channelUuid === undefined && typeof identity.channel === "string") return beforeE164;
  const channel = identity.channelUuid === undefined ? undefined : String(identity.channelUuid).slice(0, 8);
  const lossy = (digits: string) => {
    const slug = digits
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-|-$/g, "");
    return [[identity.source, channel, slug].filter(Boolean).join("-"), `${identity.source}-${sha256(digits).slice(0, 16)}`];
  };
  return [...new Set([...lossy(identifier), ...beforeE164, ...(stripped === identifier ? [] : lossy(stripped))])];
}
