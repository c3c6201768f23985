// The rules that say when two values people write are the same value: phone numbers, tag names, and values Pulumi
// does not know yet. Each rule is written once, here, and used by the schema, the diff, the seed files, ContactSet,
// the lookups and the client. A leaf: it imports no module of this project (only libphonenumber-js), so the client may
// use it without reaching into contact/.
import { CountryCode, getCountries, getCountryCallingCode, parsePhoneNumberFromString } from "libphonenumber-js";

/**
 * A phone number as the E.164 digits Callbell keys it by, without the "+": "+39 333-123 4567" → "393331234567",
 * "+44 07911 123456" → "447911123456" (the national trunk 0 is not part of the number; Italy's leading 0 is).
 * A number libphonenumber does not find valid is only stripped of its formatting (strippedPhoneDigits), so the
 * schema refuses it as before.
 */
export function phoneDigits(identifier: string): string {
  const digits = strippedPhoneDigits(identifier);
  let e164 = e164ByDigits.get(digits);
  if (e164 === undefined) {
    const parsed = /^\d{1,17}$/.test(digits) ? parsePhoneNumberFromString(`+${digits}`) : undefined;
    e164 = parsed?.isValid() ? parsed.number.slice(1) : digits;
    if (e164ByDigits.size >= e164CacheLimit) e164ByDigits.clear();
    e164ByDigits.set(digits, e164);
  }
  return e164;
}

/**
 * How libphonenumber reads digits written in international form (8 to 15 digits, the first not 0) that it does not find
 * a valid number: the country calling code, the countries and territories that share it (the one libphonenumber names
 * for this number, else all of them, alphabetically) and the number in international format, "+44 7700 900123".
 * Undefined when the digits have no country calling code it knows, or are not of that shape.
 */
export function invalidPhoneReading(digits: string): { callingCode: string; countries: CountryCode[]; international: string } | undefined {
  if (!/^[1-9]\d{7,14}$/.test(digits)) return undefined;
  const parsed = parsePhoneNumberFromString(`+${digits}`);
  if (!parsed || parsed.isValid()) return undefined;
  const callingCode = parsed.countryCallingCode;
  return { callingCode, countries: parsed.country ? [parsed.country] : countriesOf(callingCode), international: parsed.formatInternational() };
}

// The countries and territories that share a calling code, alphabetically ("44": GB, GG, IM, JE).
function countriesOf(callingCode: string): CountryCode[] {
  return getCountries().filter((country) => getCountryCallingCode(country) === callingCode);
}

// libphonenumber's parse is the costliest step of a contact's checks (~0.1 ms), and one number is normalized several
// times (the schema, the seed key, the alias keys, an export's entry): each digit string is parsed once. Cleared when
// full, so a long-lived provider host holds at most this many.
const e164ByDigits = new Map<string, string>();
const e164CacheLimit = 50_000;

/**
 * Strips the formatting people write phone numbers with: "+39 333-123 4567" → "393331234567".
 * One leading "+" (or "00") is the international prefix; a "+" anywhere else is kept, so the
 * result is not digits and the number is refused. Not a normal form (a trunk 0 stays): phoneDigits is.
 */
export function strippedPhoneDigits(identifier: string): string {
  const compact = identifier.trim().replace(/[\s\-().]/g, "");
  return compact.startsWith("+") ? compact.slice(1) : compact.replace(/^00/, "");
}

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
