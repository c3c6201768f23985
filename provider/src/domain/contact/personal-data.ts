// Masking of personal data in what this project prints, for contacts declared with
// personalData "secret": their numbers, names, notes, assignees and custom field values are
// Pulumi secrets, so no error or warning of ours may print them either. Pure, no I/O.
import { personalInputNames } from "./shape";

/** The hidden input a Contact carries when its personal data is secret, so the provider masks it. */
export const maskInput = "__maskPersonalData";

// A phone number as people write it: a digit run of 6 or more, with the usual separators, not
// part of a longer word or hex id (uuids hold long digit runs too).
const phoneLike = /(?<![0-9A-Za-z])\+?\d[\d\s().-]{4,}\d(?![0-9A-Za-z])/g;

/** How a masked value reads: the last 3 digits of a number, nothing of other text. */
export function maskValue(value: string): string {
  const digits = value.replace(/\D/g, "");
  return digits.length >= 6 && digits.length >= value.replace(/[\s().+-]/g, "").length ? `…${digits.slice(-3)}` : "[hidden]";
}

/** The personal strings of a contact's inputs (and any more given), flattened. */
export function personalValues(inputs: Record<string, unknown> | undefined, more: readonly unknown[] = []): string[] {
  const values: string[] = [];
  const add = (value: unknown): void => {
    if (typeof value === "string") values.push(value);
    else if (Array.isArray(value)) value.forEach(add);
    else if (value && typeof value === "object") Object.values(value).forEach(add);
  };
  for (const name of personalInputNames) add(inputs?.[name]);
  more.forEach(add);
  return values;
}

/** Replaces each given value, and anything shaped like a phone number, with its mask. */
export function maskPersonalData(text: string, values: readonly string[]): string {
  let out = text;
  const distinct = [...new Set(values.map((v) => v.trim()).filter((v) => v.length >= 3))].sort((a, b) => b.length - a.length);
  for (const value of distinct) out = out.split(value).join(maskValue(value));
  return out.replace(phoneLike, (match) => maskValue(match));
}
