// The rules that say when two values people write are the same value: emails, tag names, and values Pulumi does not
// know yet (phone numbers have their own home, domain/contact/phone.ts). Each rule is written once, here, and used by
// the schema, the diff, the seed files, ContactSet, the lookups and the client. A leaf: it imports no module, so the
// client may use it without reaching into the domain.

/** What makes two emails the same account user: Callbell compares them case-insensitively. */
export function emailKey(email: string): string {
  return email.trim().toLowerCase();
}

/** True when two emails name the same user. */
export const sameEmail = (a: string | undefined, b: string | undefined): boolean => a !== undefined && b !== undefined && emailKey(a) === emailKey(b);

/** What makes two tag names the same tag: Callbell's tags are case-insensitive, and surrounding spaces are not part of a name. */
export function tagKey(tag: string): string {
  return tag.trim().toLowerCase();
}

/**
 * Tag lists merged as sets: one tag per key, at its first position, written as its last spelling (so an overlay's
 * spelling wins). Items that are not strings (a seed file's `tags: [42]`) are kept as they are, for the schema to refuse.
 */
export function mergeTags<T>(...lists: readonly (readonly T[])[]): T[] {
  return [...new Map(lists.flat().map((tag) => [typeof tag === "string" ? tagKey(tag) : tag, tag])).values()];
}

/** Tags compare as sets of tag keys. */
export function sameTags(a: readonly string[] | undefined, b: readonly string[] | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  const key = (tags: readonly string[]) => [...new Set(tags.map(tagKey))].sort().join("\u0000");
  return key(a) === key(b);
}

/** Tags in one order (by tag key, then as written), so previews show set changes, never reorders. */
export function canonicalTags(tags: readonly string[] | undefined): string[] | undefined {
  if (tags === undefined) return undefined;
  return [...tags].sort((a, b) => {
    const [x, y] = [tagKey(a), tagKey(b)];
    return x < y ? -1 : x > y ? 1 : a < b ? -1 : a > b ? 1 : 0;
  });
}

/** The value Pulumi puts in place of an output that is not known yet (during previews). */
export const unknownValue = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** True when a value, or anything inside it (list items, object values, at any depth), is not known yet. */
export function containsUnknown(value: unknown): boolean {
  if (value === unknownValue) return true;
  if (Array.isArray(value)) return value.some(containsUnknown);
  if (value && typeof value === "object") return Object.values(value).some(containsUnknown);
  return false;
}

/** Removes keys whose value is undefined (the API treats an absent key as "leave unchanged", and state keeps no undefined). */
export function dropUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/** One spelling per API URL: the host in lower case, no trailing slash (what makes two providers one account's). */
export function normalApiUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host.toLowerCase()}${parsed.pathname.replace(/\/+$/, "")}`;
  } catch {
    return url;
  }
}
