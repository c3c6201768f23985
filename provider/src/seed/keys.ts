// Resource names of seed contacts. A name is made from the contact's identity alone (source,
// channel, identifier as the schema normalizes it), never from whether the entry's other fields
// are valid, and two different identities never share a name: a shared or shifting name makes
// the engine delete one contact and create another, and a Callbell delete cannot be undone.
import { createHash } from "crypto";
import { phoneSources } from "../client/contacts";
import { phoneDigits } from "../normalize";

/** What makes a contact the same contact: where it lives and its identifier. */
export interface ContactIdentity {
  source: string;
  identifier: string;
  channelUuid?: string;
  /** A channel by title or { main: true } (used when channelUuid is not set). */
  channel?: unknown;
}

// An identifier made only of these is its own name part; any other is written as a slug plus
// a hash, and only that form contains "~", so the two forms can never meet.
const readableIdentifier = /^[a-z0-9](?:[a-z0-9._-]{0,98}[a-z0-9])?$/;
const channelPattern = /^[0-9a-f]{32}$/;

const sha256 = (text: string) => createHash("sha256").update(text, "utf8").digest("hex");

/** The identifier as check stores it: digits for phone sources, trimmed text otherwise. */
export function normalizedIdentifier(identity: ContactIdentity): string {
  const text = String(identity.identifier).trim();
  return (phoneSources as readonly string[]).includes(identity.source) ? phoneDigits(text) : text;
}

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
  return `${identity.source}.${channelPattern.test(channel) ? channel : `~${sha256(channel).slice(0, 12)}`}`;
}

/** The readable resource name: "whatsapp-393331234567", "instagram-alice.smith", "instagram-alice~3f2a…". */
export function seedKey(identity: ContactIdentity): string {
  return `${prefix(identity)}-${identifierPart(normalizedIdentifier(identity))}`;
}

/** The resource name with personalData "secret": a hash stands for the identifier. */
export function hashedSeedKey(identity: ContactIdentity): string {
  return `${prefix(identity)}-${sha256(normalizedIdentifier(identity)).slice(0, 16)}`;
}

/**
 * Names earlier versions gave the same contact, so a ContactSet can pass them as aliases and
 * the engine moves the resource instead of deleting it: the key before channels were spelled
 * out and before identifiers were encoded injectively, in both personal-data modes.
 */
export function legacySeedKeys(identity: ContactIdentity): string[] {
  // Channels by title came after those schemes: no earlier name stands for such an entry.
  if (identity.channelUuid === undefined && typeof identity.channel === "string") return [];
  const identifier = normalizedIdentifier(identity);
  const channel = identity.channelUuid === undefined ? undefined : String(identity.channelUuid).slice(0, 8);
  const slug = identifier
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "");
  const plain = [identity.source, channel, slug].filter(Boolean).join("-");
  const hashed = `${identity.source}-${sha256(identifier).slice(0, 16)}`;
  return [plain, hashed];
}
