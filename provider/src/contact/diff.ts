// Pure decisions about a contact: what changed between the state and the code, whether that
// needs a replacement, and the PATCH body that applies it. No I/O.
import { UpdateContactBody } from "../client/contacts";
import { ContactInputs, dropUndefined, unknownValue } from "./schema";
import type { Origin } from "./ownership";

/** What Pulumi keeps in state for a contact: the managed inputs plus what Callbell computed. */
export interface ContactOutputs extends ContactInputs {
  /** Callbell's id for the contact (also the resource id). */
  uuid: string;
  /** Dashboard link to the contact. */
  href: string;
  /** Dashboard link to the conversation. */
  conversationHref?: string;
  /** When Callbell created it, ISO 8601 UTC. */
  createdAt: string;
  /** The phone number as Callbell formats it (never compared with identifier). */
  phoneNumber?: string;
  avatarUrl?: string;
  /** Whether this resource created its contact or adopted it (adopted contacts are never deleted). */
  origin?: Origin;
  /** The resource that holds the contact, "<project>/<stack>/<name>", as of its last create or update. */
  owner?: string;
  /** The owner mark this resource wrote in the `callbell:ownerField` custom field, if any. */
  ownerMark?: string;
}

/** Inputs whose change needs a new contact: Callbell cannot change them in place. */
export const replaceProperties = ["identifier", "source", "channelUuid"] as const;
/** Outputs that an in-place update never changes. */
export const stableOutputs = [
  "uuid",
  "href",
  "conversationHref",
  "createdAt",
  "phoneNumber",
  "avatarUrl",
  "identifier",
  "source",
  "channelUuid",
  "origin",
] as const;

/** The decision diff makes. */
export interface ContactDiff {
  changed: string[];
  replaces: string[];
  stables: string[];
}

type Managed = "name" | "tags" | "customFields" | "assignedUser" | "teamUuid" | "botStatus" | "note";

const isUnknown = (v: unknown) => v === unknownValue || (Array.isArray(v) && v.includes(unknownValue));

/** Tags compare as case-insensitive sets. */
export function sameTags(a: readonly string[] | undefined, b: readonly string[] | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  const key = (tags: readonly string[]) => [...new Set(tags.map((t) => t.toLowerCase()))].sort().join("\u0000");
  return key(a) === key(b);
}

/** Tags in one order (case-insensitive, then as written), so previews show set changes, never reorders. */
export function canonicalTags(tags: readonly string[] | undefined): string[] | undefined {
  if (tags === undefined) return undefined;
  return [...tags].sort((a, b) => {
    const [x, y] = [a.toLowerCase(), b.toLowerCase()];
    return x < y ? -1 : x > y ? 1 : a < b ? -1 : a > b ? 1 : 0;
  });
}

/** Custom field values compare as strings, or as sets for checkbox lists. */
export function sameCustomValue(a: string | string[] | undefined, b: string | string[] | undefined): boolean {
  if (Array.isArray(a) && Array.isArray(b)) return [...a].sort().join("\u0000") === [...b].sort().join("\u0000");
  return a === b;
}

function sameCustomFields(olds: Record<string, string | string[]>, news: Record<string, string | string[]>): boolean {
  const keys = new Set([...Object.keys(olds), ...Object.keys(news)]);
  return [...keys].every((k) => sameCustomValue(olds[k], news[k]));
}

// A field absent from the code is not managed: Callbell keeps whatever it has. Removing a
// field from the code clears it once (olds hold only the fields that were managed), and
// declaring one that was not managed writes it once.
function managedChanged<T>(olds: T | undefined, news: T | undefined, same: (a: T, b: T) => boolean, isEmpty: (v: T) => boolean): boolean {
  if (news === undefined) return olds !== undefined && !isEmpty(olds);
  if (olds === undefined) return true;
  return !same(olds, news);
}

const sameText = (a: string, b: string) => a === b;
const noText = (v: string) => v === "";
const noItems = (v: readonly unknown[] | Record<string, unknown>) => Object.keys(v).length === 0;

const fieldChanged: Record<Managed, (olds: ContactOutputs, news: ContactInputs) => boolean> = {
  name: (o, n) => o.name !== n.name,
  tags: (o, n) => managedChanged(o.tags, n.tags, sameTags, noItems),
  customFields: (o, n) => managedChanged(o.customFields, n.customFields, sameCustomFields, noItems),
  assignedUser: (o, n) => managedChanged(o.assignedUser, n.assignedUser, (a, b) => a.toLowerCase() === b.toLowerCase(), noText),
  // Every contact has a team and Callbell cannot unset it: only a declared team is compared.
  teamUuid: (o, n) => n.teamUuid !== undefined && o.teamUuid !== n.teamUuid,
  // Write-only: Callbell does not return it, so only a new declared value is a change.
  botStatus: (o, n) => n.botStatus !== undefined && o.botStatus !== n.botStatus,
  note: (o, n) => managedChanged(o.note, n.note, sameText, noText),
};

/** Compares the state with the code: which properties change and which force a replacement. */
export function diffContact(olds: ContactOutputs, news: ContactInputs): ContactDiff {
  const replaces = replaceProperties.filter((p) => {
    const next = news[p];
    if (p === "channelUuid" && next === undefined) return false; // "the default channel": keep the current one
    return isUnknown(next) || olds[p] !== next;
  });
  const changed: string[] = [...replaces];
  for (const field of Object.keys(fieldChanged) as Managed[]) {
    if (isUnknown(news[field]) || fieldChanged[field](olds, news)) changed.push(field);
  }
  return { changed, replaces, stables: replaces.length ? [] : [...stableOutputs] };
}

/** The PATCH body that takes Callbell from `olds` to `news`: only what changed. */
export function patchFor(olds: ContactOutputs, news: ContactInputs): UpdateContactBody {
  const body: UpdateContactBody = {};
  if (fieldChanged.name(olds, news)) body.name = news.name;
  if (fieldChanged.tags(olds, news)) body.tags = news.tags ?? [];
  if (fieldChanged.customFields(olds, news)) {
    const fields: Record<string, string | string[]> = {};
    for (const [k, v] of Object.entries(news.customFields ?? {})) {
      if (!sameCustomValue(olds.customFields?.[k], v)) fields[k] = v;
    }
    // A removed field is cleared with an empty value (Callbell has no documented way to remove one).
    for (const [k, v] of Object.entries(olds.customFields ?? {})) {
      if (!(k in (news.customFields ?? {}))) fields[k] = Array.isArray(v) ? [] : "";
    }
    body.custom_fields = fields;
  }
  if (fieldChanged.assignedUser(olds, news)) {
    if (news.assignedUser) body.assigned_user = news.assignedUser;
    else body.unassign_user = true;
  }
  if (fieldChanged.teamUuid(olds, news)) body.team_uuid = news.teamUuid;
  if (fieldChanged.botStatus(olds, news)) body.bot_status = news.botStatus;
  if (fieldChanged.note(olds, news)) body.note = news.note ?? "";
  return dropUndefined(body);
}
