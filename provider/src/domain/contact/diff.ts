// Pure decisions about a contact: what changed between the state and the code, and whether that
// needs a replacement (mapping.ts turns the changes into a PATCH body). No I/O.
import { normalizedIdentifier } from "./phone";
import { containsUnknown, sameEmail, sameTags } from "../../normalize";
import { ChangeRule, ContactInputs, ContactOutputs, FieldName, computedNames, contactFields, fieldsWhere } from "./shape";

/** Inputs whose change needs a new contact: Callbell cannot change them in place. */
const replaceProperties = fieldsWhere((rule) => rule.change === "replace");
/** Outputs that an in-place update never changes: what Callbell computed, what forces a replacement, and the origin. */
const stableOutputs: readonly (keyof ContactOutputs)[] = [...computedNames, ...replaceProperties, "origin"];

/** The decision diff makes. */
export interface ContactDiff {
  changed: string[];
  replaces: string[];
  stables: string[];
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

// Each in-place rule (shape.ts ChangeRule), as a comparison of the state's value with the code's.
type Compare = (olds: unknown, news: unknown) => boolean;
const changedBy: Record<Exclude<ChangeRule, "replace" | "local">, Compare> = {
  always: (o, n) => o !== n,
  tags: (o, n) => managedChanged(o as string[], n as string[], sameTags, noItems),
  customFields: (o, n) => managedChanged(o as Record<string, string | string[]>, n as Record<string, string | string[]>, sameCustomFields, noItems),
  email: (o, n) => managedChanged(o as string, n as string, sameEmail, noText),
  clearable: (o, n) => managedChanged(o as string, n as string, sameText, noText),
  // A team Callbell cannot unset, a bot status it does not return: only a declared value is compared.
  declaredOnly: (o, n) => n !== undefined && o !== n,
};

/** The fields an update changes in place, in the table's order (read by mapping.ts for the PATCH body). */
export const managedFields = fieldsWhere((rule) => rule.change !== "replace" && rule.change !== "local");

/** Whether the code changes this managed field (read by mapping.ts for the PATCH body). */
export function fieldChanged(field: FieldName, olds: ContactOutputs, news: ContactInputs): boolean {
  return changedBy[contactFields[field].change as keyof typeof changedBy](olds[field], news[field]);
}

/** Compares the state with the code: which properties change and which force a replacement. */
export function diffContact(olds: ContactOutputs, news: ContactInputs): ContactDiff {
  const replaces = replaceProperties.filter((p) => {
    const next = news[p];
    if (p === "channelUuid" && next === undefined) return false; // "the default channel": keep the current one
    if (p === "identifier" && !containsUnknown(next)) return !sameIdentifier(olds, news) && olds.identifier !== next;
    return containsUnknown(next) || olds[p] !== next;
  });
  // A state written before identifiers were normalized as they are now holds the same number in its old form: an
  // update of the state alone (no request), never a replacement, which would delete the contact and its history.
  const renormalized = replaces.length === 0 && olds.identifier !== news.identifier;
  const changed: string[] = [...replaces, ...(renormalized ? ["identifier"] : [])];
  for (const field of managedFields) if (containsUnknown(news[field]) || fieldChanged(field, olds, news)) changed.push(field);
  const stables = replaces.length ? [] : stableOutputs.filter((p) => !(renormalized && p === "identifier"));
  return { changed, replaces, stables };
}

// The state's identifier read with today's rule (normalizedIdentifier) is the code's.
function sameIdentifier(olds: ContactOutputs, news: ContactInputs): boolean {
  const today = (source: string, identifier: unknown) => normalizedIdentifier(source, String(identifier));
  return olds.source === news.source && today(olds.source, olds.identifier) === today(news.source, news.identifier);
}
