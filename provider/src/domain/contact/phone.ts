// Phone numbers, the one home of their rules: which sources are keyed by one, how a number people write becomes the
// E.164 digits Callbell keys a contact by, and when it is a valid number. Used by the schema, the diff, the seed keys,
// the mapping, the page snapshot, the lookups, the export and doctor. The client imports nothing from here: it sends the
// digits it is given.
import { CountryCode, getCountries, getCountryCallingCode, parsePhoneNumberFromString } from "libphonenumber-js";
import type { ContactSource } from "../../client/contacts";

/** Sources whose identifier is a phone number, so it is normalized to E.164 digits and a contact can be looked up by it. */
export const phoneSources: readonly ContactSource[] = ["whatsapp", "telegram"];

/** The identifier as Callbell keys a contact: E.164 digits for phone sources (phoneDigits), trimmed text otherwise. */
export function normalizedIdentifier(source: string, identifier: string): string {
  const text = String(identifier).trim();
  return (phoneSources as readonly string[]).includes(source) ? phoneDigits(text) : text;
}

/**
 * A phone number as the E.164 digits Callbell keys it by, without the "+": "+39 333-123 4567" → "393331234567",
 * "+44 07911 123456" → "447911123456" (the national trunk 0 is not part of the number; Italy's leading 0 is).
 * A number libphonenumber does not find valid is only stripped of its formatting (strippedPhoneDigits), so the
 * schema refuses it as before.
 */
export function phoneDigits(identifier: string): string {
  return readingOf(identifier).e164;
}

/** True when the number is one libphonenumber finds valid, of 8 to 15 E.164 digits: what a phone source's identifier must be. */
export function isPhoneNumber(identifier: string): boolean {
  const { e164, valid } = readingOf(identifier);
  return valid && /^[1-9]\d{7,14}$/.test(e164);
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

/**
 * Strips the formatting people write phone numbers with: "+39 333-123 4567" → "393331234567".
 * One leading "+" (or "00") is the international prefix; a "+" anywhere else is kept, so the
 * result is not digits and the number is refused. Not a normal form (a trunk 0 stays): phoneDigits is.
 */
export function strippedPhoneDigits(identifier: string): string {
  const compact = identifier.trim().replace(/[\s\-().]/g, "");
  return compact.startsWith("+") ? compact.slice(1) : compact.replace(/^00/, "");
}

// How libphonenumber read a number: its E.164 digits (the stripped digits when it is not valid), and whether it is valid.
interface Reading {
  e164: string;
  valid: boolean;
}

// libphonenumber's parse is the costliest step of a contact's checks (~0.1 ms), and one number is read several times
// (the schema's normal form and validity, the seed key, the alias keys, an export's entry): each digit string is parsed
// once. Cleared when full, so a long-lived provider host holds at most this many.
const readings = new Map<string, Reading>();
const readingCacheLimit = 50_000;

function readingOf(identifier: string): Reading {
  const digits = strippedPhoneDigits(identifier);
  let reading = readings.get(digits);
  if (reading === undefined) {
    const parsed = /^\d{1,17}$/.test(digits) ? parsePhoneNumberFromString(`+${digits}`) : undefined;
    reading = parsed?.isValid() ? { e164: parsed.number.slice(1), valid: true } : { e164: digits, valid: false };
    if (readings.size >= readingCacheLimit) readings.clear();
    readings.set(digits, reading);
  }
  return reading;
}
