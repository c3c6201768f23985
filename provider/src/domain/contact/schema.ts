// The input schema (zod) and the rules across fields: validation and normalization of a contact's inputs, whose type
// is ContactInputs (shape.ts). The validators and their messages are here; which one a field must pass is its row's
// `input` in shape.ts's field table. Pure: no I/O, no Pulumi runtime.
import { z } from "zod";
import { ContactSource, canLookUpByPhone } from "../../client/contacts";
import { containsUnknown, tagKey } from "../../normalize";
import { invalidPhoneReading, isPhoneNumber, normalizedIdentifier, phoneSources, strippedPhoneDigits } from "./phone";
import { ContactInputs, FieldName, InputRules, SameShape, contactFields, fieldRules, inputNames } from "./shape";
import { uuidPattern } from "../../client/uuid";

/** One problem with one input, in the words a user needs to fix it. */
export interface InputProblem {
  property: string;
  reason: string;
}

/** The result of validating inputs: normalized inputs, or the problems found. */
export type InputValidation = { ok: true; inputs: ContactInputs } | { ok: false; problems: InputProblem[] };

/** Longest identifier Callbell stores for sources that are not phone-based (instagram, facebook). */
const maxPlatformIdentifierChars = 255;

// Characters that print as nothing: zero-width space and joiners, BOM, soft hyphen, variation
// selectors, Hangul fillers... A name made only of them looks empty in the dashboard.
const invisibleChars = /[\p{Default_Ignorable_Code_Point}]/gu;
const controlChar = /\p{Cc}/u;
// With the u flag a valid surrogate pair is one code point, so only a lone half matches.
const loneSurrogate = /\p{Cs}/u;

/** What is wrong with a text a person reads (a name, a tag, an identifier), or undefined when nothing is. */
export function textProblem(field: string, value: string): string | undefined {
  if (loneSurrogate.test(value)) return `${field} contains a lone surrogate (broken UTF-16 text); type it again as plain text`;
  const control = controlChar.exec(value);
  if (control) {
    const code = control[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0");
    return `${field} contains the control character U+${code}; remove it (control characters, tabs and line breaks included, are not allowed)`;
  }
  if (value.replace(invisibleChars, "").trim() === "") {
    if (value === "") return `${field} must not be empty`;
    if (value.trim() === "") return `${field} must not be blank (only spaces)`;
    return `${field} has only invisible characters (zero-width spaces, joiners, BOM); write visible text`;
  }
  return undefined;
}

// Built on first use and kept: building a zod schema costs about 1 ms and 40 KB, and check
// runs once per contact. This module is only ever required at run time, never captured by
// Pulumi's closure serialization (which cannot serialize a schema's bound methods).
let cachedSchema: ReturnType<typeof buildSchema> | undefined;

// The build fails here when the schema and ContactInputs (shape.ts) disagree on a field's name, presence or type.
const schemaMatchesInputs: SameShape<z.output<ReturnType<typeof buildSchema>>, ContactInputs> = true;
void schemaMatchesInputs;

function inputSchema(): ReturnType<typeof buildSchema> {
  cachedSchema ??= buildSchema();
  return cachedSchema;
}

// Each field's validator, as its row in the table picks it (shape.ts contactFields `input`).
type InputShape = { [K in FieldName]: ReturnType<(typeof contactFields)[K]["input"]> };
const inputShape = (is: InputRules): InputShape => Object.fromEntries(fieldRules.map(([name, rule]) => [name, rule.input(is)])) as InputShape;

function buildSchema() {
  const visible = (field: string) => (value: string, ctx: z.RefinementCtx) => {
    const problem = textProblem(field, value);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  };
  const text = (field: string) =>
    z
      .string({ error: (i) => (i.input === undefined ? `${field} is required` : `${field} must be a string, not ${describe(i.input)}`) })
      .superRefine(visible(field))
      .trim();
  const customValue = z.union([z.string(), z.array(z.string())], {
    error: (i) =>
      `${describe(i.input)} is not a valid custom field value; ` +
      'write a string (numbers as "42", dates as "2026-03-03") or, for checkbox fields, a list of strings',
  });
  const rules: InputRules = {
    text,
    freeText: (field, max) =>
      z.string({ error: `${field} must be a string` }).max(max, `${field} is longer than ${max} characters, the most Callbell stores; shorten it`),
    userEmail: (field) => z.email({ error: (i) => `${field} ${describe(i.input)} is not an email address; write the email of a user of the Callbell account` }),
    uuid: (field, where) =>
      z
        .string({ error: `${field} must be a string` })
        .regex(uuidPattern, `${field} is not a Callbell uuid (32 lowercase hex characters); copy it from ${where}`),
    oneOf: (field, values, fix) =>
      z.enum(values, { error: (i) => `${field} ${describe(i.input)} ${fix ? `is not valid; ${fix}` : `is not one of ${values.join(", ")}`}` }),
    flag: (field) => z.boolean({ error: `${field} must be true or false` }),
    tagNames: (field) =>
      z.array(
        z
          .string({ error: (i) => `a tag name must be a string, not ${describe(i.input)}` })
          .superRefine(visible("a tag name"))
          .trim(),
        { error: `${field} must be a list of tag names` },
      ),
    customValues: (field) =>
      z.record(z.string().superRefine(visible("a custom field name")), customValue, { error: `${field} must map field names to values` }),
    channelRef: (field) =>
      z.unknown().transform((value, ctx) => {
        if (isMainChannel(value)) return { main: true as const };
        const problem = typeof value === "string" ? textProblem(field, value) : channelShape(field, value);
        if (problem) ctx.addIssue({ code: "custom", message: problem });
        return problem ? z.NEVER : (value as string).trim();
      }),
  };
  return z.strictObject(inputShape(rules), {
    error: (i) =>
      i.code === "unrecognized_keys"
        ? `unknown propert${i.keys.length > 1 ? "ies" : "y"} ${i.keys.map((k) => `'${k}'`).join(", ")}; valid ones are ${inputNames.join(", ")}`
        : "a contact must be an object",
  });
}

/** True for { main: true }: the main channel of the contact's source. */
export function isMainChannel(value: unknown): value is { main: true } {
  return !!value && typeof value === "object" && !Array.isArray(value) && Object.keys(value).length === 1 && (value as { main?: unknown }).main === true;
}

function channelShape(field: string, value: unknown): string {
  return `${field} must be a channel's title, e.g. "WhatsApp Sales Line", or { main: true } for the source's main channel, not ${describe(value)}`;
}

// Where a calling code dials, as a number's refusal names it: "United Kingdom (+44)", the country libphonenumber names
// for the number, else the first of those that share the code, alphabetically (an invalid number is valid in none).
function placeOf(callingCode: string, countries: readonly string[]): string {
  return countries.length ? `${regionName(countries[0])} (+${callingCode})` : `+${callingCode}`;
}

let regionNames: Intl.DisplayNames | undefined;
function regionName(code: string): string {
  try {
    regionNames ??= new Intl.DisplayNames(["en"], { type: "region" });
    return regionNames.of(code) ?? code;
  } catch {
    return code; // a Node built without ICU data names no region
  }
}

function describe(value: unknown): string {
  if (value === undefined) return "nothing";
  if (value === null) return "null";
  if (typeof value === "string") return JSON.stringify(value.length > 40 ? value.slice(0, 40) + "…" : value);
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "an object";
  return `${typeof value} ${String(value)}`;
}

/**
 * Validates and normalizes raw inputs. Values not known yet (previews) are passed through
 * unchecked; null means "not set" (seed files write it that way).
 */
export function validateInputs(raw: unknown): InputValidation {
  if (!raw || typeof raw !== "object" || Array.isArray(raw)) {
    return { ok: false, problems: [{ property: "", reason: "a contact must be an object with identifier, source and name" }] };
  }
  // Own properties only, everywhere: `"constructor" in {}` is true, and would hide a problem.
  const pending: Record<string, unknown> = Object.create(null);
  const known: Record<string, unknown> = Object.create(null);
  for (const [key, value] of Object.entries(raw)) {
    if (key.startsWith("__") || value === null || value === undefined) continue;
    if (containsUnknown(value)) pending[key] = value;
    else known[key] = value;
  }
  // An unknown required field still satisfies "required": give zod a placeholder for it.
  const placeholders: Record<string, string> = { identifier: "0", source: "whatsapp", name: "pending" };
  const probe = { ...known };
  for (const key of Object.keys(pending)) if (Object.hasOwn(placeholders, key)) probe[key] = placeholders[key];

  const parsed = inputSchema().safeParse(probe);
  const problems: InputProblem[] = [];
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      if (issue.code === "unrecognized_keys") {
        for (const key of issue.keys) {
          if (!Object.hasOwn(pending, key)) problems.push({ property: key, reason: `unknown property '${key}'; valid ones are ${inputNames.join(", ")}` });
        }
        continue;
      }
      const property = issue.path.map(String).join(".");
      if (Object.hasOwn(pending, property.split(".")[0])) continue;
      const reason = issue.code === "invalid_key" ? (issue.issues[0]?.message ?? issue.message) : issue.message;
      problems.push({ property, reason });
    }
  }
  problems.push(...crossFieldProblems(known, problems));
  if (problems.length) return { ok: false, problems: distinctProblems(problems) };
  const inputs = { ...(parsed.success ? parsed.data : {}), ...pending } as ContactInputs;
  if (!Object.hasOwn(pending, "identifier") && phoneSources.includes(inputs.source)) inputs.identifier = normalizedIdentifier(inputs.source, inputs.identifier);
  return { ok: true, inputs };
}

// One problem per distinct reason and property (list positions aside): 10,000 empty tags are
// one problem "at tags.0 and 9,999 more places", not 10,000 lines.
function distinctProblems(problems: InputProblem[]): InputProblem[] {
  const groups = new Map<string, { first: InputProblem; count: number }>();
  for (const p of problems) {
    const key = `${p.property.replace(/\.\d+(?=\.|$)/g, ".#")}\u0000${p.reason}`;
    const group = groups.get(key);
    if (group) group.count++;
    else groups.set(key, { first: p, count: 1 });
  }
  return [...groups.values()].map(({ first, count }) =>
    count === 1 ? first : { property: first.property, reason: `${first.reason} (at ${first.property} and ${count - 1} more place${count > 2 ? "s" : ""})` },
  );
}

// Rules across fields, applied to the known values that passed their own rules, so every
// problem of an input is reported at once.
function crossFieldProblems(known: Record<string, unknown>, found: InputProblem[]): InputProblem[] {
  const fine = (property: string) => Object.hasOwn(known, property) && !found.some((p) => p.property.split(".")[0] === property);
  const source = fine("source") ? (known.source as ContactSource) : undefined;
  const problems: InputProblem[] = [];
  if (source && phoneSources.includes(source) && fine("identifier") && !isPhoneNumber(String(known.identifier))) {
    const shown = String(known.identifier).trim();
    const plus = /^\+*[^+]+\+/.test(shown) || /^\+{2,}/.test(shown) ? " (a '+' may only start the number, once)" : "";
    // Written in international form, with a country calling code libphonenumber knows, but no valid number there:
    // saying "not in international format" would send the user to fix what is right.
    const reading = plus ? undefined : invalidPhoneReading(strippedPhoneDigits(shown));
    problems.push({
      property: "identifier",
      reason: reading
        ? `identifier ${describe(shown)} is not a valid ${placeOf(reading.callingCode, reading.countries)} number ` +
          `(libphonenumber, reading it as ${reading.international}); check the digits`
        : `identifier ${describe(shown)} is not a phone number in international format${plus}, which source ${source} needs; ` +
          `write the country code and the number, e.g. "393331234567" or "+39 333 123 4567"`,
    });
  }
  if (source && !phoneSources.includes(source) && fine("identifier")) {
    const identifier = String(known.identifier).trim();
    const length = [...identifier].length;
    if (length > maxPlatformIdentifierChars) {
      const reason = `identifier is ${length} characters long; identifiers of source ${source} have at most ${maxPlatformIdentifierChars}`;
      problems.push({ property: "identifier", reason });
    }
  }
  if (fine("tags")) {
    const seen = new Map<string, { tag: string; count: number }>();
    for (const tag of known.tags as string[]) {
      const key = tagKey(tag);
      const entry = seen.get(key);
      if (entry) entry.count++;
      else seen.set(key, { tag, count: 1 });
    }
    for (const { tag, count } of seen.values()) {
      const times = count === 2 ? "twice" : `${count} times`;
      if (count > 1) problems.push({ property: "tags", reason: `tag ${describe(tag.trim())} is listed ${times} (tags are case-insensitive); list it once` });
    }
  }
  for (const [byName, byUuid] of [
    ["team", "teamUuid"],
    ["channel", "channelUuid"],
  ] as const) {
    if (Object.hasOwn(known, byName) && Object.hasOwn(known, byUuid)) {
      problems.push({ property: byName, reason: `${byName} and ${byUuid} are both set; keep one: ${byName} (by name) or ${byUuid} (by uuid)` });
    }
  }
  // A channel by name resolves to a uuid in check, so it names a channel as channelUuid does.
  const channelGiven = (known.channelUuid ?? (known.channel !== undefined ? "by name" : undefined)) as string | undefined;
  if (known.adopt === true && source && !canLookUpByPhone(source, channelGiven)) {
    problems.push({
      property: "adopt",
      reason:
        "adopt needs a contact that can be looked up by phone number: source whatsapp, or telegram with channelUuid (or channel); " +
        `Callbell has no lookup for ${source} identifiers`,
    });
  }
  return problems;
}
