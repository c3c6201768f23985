// Turns contacts read from Callbell into a seed file that ContactSet reads: one entry per
// contact, adopt: true, only the fields the contact has, sorted by source then identifier.
// Pure: no I/O. An entry that the provider's own schema would refuse is left out and counted,
// so the file it writes always loads, and an `up` of it takes contacts over without writing.
import { Document, isMap, isScalar, isSeq, YAMLMap } from "yaml";
import type { ListedContact, ApiChannel, ApiTeam } from "../../client/account";
import { ContactSource, contactSources } from "../../client/contacts";
import { textProblem, validateInputs } from "../../domain/contact/schema";
import { ChannelRef, ContactInputs, FieldsWith, fieldRules } from "../../domain/contact/shape";
import { findChannel, findTeam } from "../../client/names";
import { phoneDigits, phoneSources } from "../../domain/contact/phone";
import { seedKey } from "../../domain/contact/identity";
import { looksLikeMark, markHolder } from "../../domain/contact/ownership";

/** What the file is made from, besides the contacts. */
export interface ExportContext {
  teams: readonly ApiTeam[];
  channels: readonly ApiChannel[];
  /**
   * The owner-mark custom field (callbell:ownerField): the provider writes it, so it is not exported, and a contact that
   * carries a mark in it is another stack's: `up` would refuse to adopt it, so it is left out (counted in `managed`).
   */
  ownerField?: string;
  /** "<project>/<stack>" the file is for: contacts whose mark names this stack are its own, and are exported. */
  stack?: string;
  /** Lines for the file's header comment (e.g. the filters used). */
  header?: string[];
}

/** The file's text and what went into it, as counts only. */
export interface ExportResult {
  text: string;
  written: number;
  bySource: Partial<Record<ContactSource, number>>;
  /** Reason → number of contacts left out for it. */
  skipped: Record<string, number>;
  /** Contacts whose name has surrounding spaces: the schema trims them, so up sends one PATCH each. */
  namesToTrim: number;
  /** Contacts left out because their owner field holds a mark: "<project>/<stack>" of the mark → number of contacts. */
  managed: Record<string, number>;
  /**
   * Without an owner field: custom fields whose value on some contacts has the shape of an owner mark
   * ("<project>/<stack>/<resource> @<backend>"), field name → number of contacts. Such a field is likely the owner field
   * of other stacks; the contacts are exported, with the mark among their customFields.
   */
  markLikeFields: Record<string, number>;
}

/** The reason given for instagram/facebook contacts when Callbell returns no identifier for them. */
export const noIdentifierReason = "Callbell returns no identifier for instagram and facebook contacts (only phone numbers, for whatsapp and telegram)";

/** How export names the holder of a mark it leaves out when the mark is not "<project>/<stack>/<resource>…". */
export const unreadableHolder = "a value that is not an owner mark";

/** Who holds a contact whose owner field has this text: "<project>/<stack>" of the mark (ownership.ts markHolder). */
export const holderOf = (text: string): string => markHolder(text) ?? unreadableHolder;

/** Builds the seed file for these contacts. */
export function buildSeedFile(contacts: readonly ListedContact[], context: ExportContext): ExportResult {
  const teamNames = new Map(context.teams.map((t) => [t.uuid, t.name]));
  const channels = new Map(context.channels.map((c) => [c.uuid, c]));
  const skipped: Record<string, number> = {};
  const skip = (reason: string) => {
    skipped[reason] = (skipped[reason] ?? 0) + 1;
  };
  const entries: { key: string; inputs: ContactInputs }[] = [];
  let namesToTrim = 0;
  const managed: Record<string, number> = {};
  const markLikeFields: Record<string, number> = {};

  for (const contact of contacts) {
    // Another stack's contact: the provider refuses to adopt a contact whose owner field holds a mark that is not its
    // own stack's (ownership.ts decideTakeover), so an entry for it would only make `up` fail. Checked first, as the
    // reason that matters most; any text in the field counts, as it does for the provider.
    const mark = context.ownerField ? contact.customFields?.[context.ownerField] : undefined;
    if (typeof mark === "string" && mark.trim() !== "") {
      const holder = holderOf(mark);
      if (holder !== context.stack) {
        managed[holder] = (managed[holder] ?? 0) + 1;
        continue;
      }
    }
    if (!context.ownerField) {
      for (const [name, value] of Object.entries(contact.customFields ?? {})) {
        if (typeof value === "string" && looksLikeMark(value)) markLikeFields[name] = (markLikeFields[name] ?? 0) + 1;
      }
    }
    const source = contact.source as ContactSource;
    if (!contactSources.includes(source)) {
      skip(`source ${JSON.stringify(contact.source ?? null)} is not one of ${contactSources.join(", ")}`);
      continue;
    }
    const identifier = identifierOf(contact, source);
    if (identifier === undefined) {
      skip(phoneSources.includes(source) ? `${source} contact without a phone number` : noIdentifierReason);
      continue;
    }
    const channel = contact.channel?.uuid ? channels.get(contact.channel.uuid) : undefined;
    // The main channel is the default, so it is left out; a telegram contact keeps it, because
    // adopt can look a telegram number up only on a named channel.
    const channelUuid = contact.channel?.uuid && (source === "telegram" || !channel?.main) ? contact.channel.uuid : undefined;
    const channelName = channelUuid ? channelNameOf(channelUuid, source, context.channels) : undefined;
    const teamName = contact.team?.uuid ? teamNameOf(contact.team.uuid, context.teams) : undefined;
    // The fields the table says the export fills by a rule of its own (exported as "ownRule"); the compiler holds this
    // list to the table. The others are written as Callbell answers them.
    const own: { [K in FieldsWith<{ exported: { as: "ownRule" } }>]: ContactInputs[K] | undefined } = {
      identifier,
      source,
      customFields: customFieldsOf(contact, context.ownerField),
      team: teamName,
      teamUuid: teamName === undefined ? contact.team?.uuid || undefined : undefined,
      channel: channelName,
      channelUuid: channelName === undefined ? channelUuid : undefined,
      adopt: true,
    };
    const raw: Record<string, unknown> = { ...answeredFields(contact), ...own };
    const validation = validateInputs(raw);
    if (!validation.ok) {
      // The property only: a reason may quote the value, and values never leave the file.
      skip(`the provider's schema refuses its ${[...new Set(validation.problems.map((p) => p.property.split(".")[0] || "entry"))].join(", ")}`);
      continue;
    }
    if (contact.name !== contact.name.trim()) namesToTrim++;
    entries.push({ key: seedKey(validation.inputs), inputs: { ...validation.inputs, name: contact.name } });
  }

  const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  // Stable sort: among contacts Callbell holds twice, the one it listed first stays.
  entries.sort((a, b) => cmp(a.inputs.source, b.inputs.source) || cmp(a.inputs.identifier, b.inputs.identifier) || cmp(a.key, b.key));
  const seen = new Set<string>();
  const unique = entries.filter((e) => {
    if (!seen.has(e.key)) return (seen.add(e.key), true);
    skip("Callbell holds another contact with the same identifier on the same channel (the first one listed is exported)");
    return false;
  });

  const bySource: ExportResult["bySource"] = {};
  for (const e of unique) bySource[e.inputs.source] = (bySource[e.inputs.source] ?? 0) + 1;
  const doc = new Document({ contacts: unique.map((e) => ordered(e.inputs)) });
  decorate(doc, teamNames, channels);
  const header = [...(context.header ?? [])];
  const managedCount = Object.values(managed).reduce((a, b) => a + b, 0);
  if (managedCount) header.push(`Left out: ${describeManaged(managed, context.ownerField!)}.`);
  doc.commentBefore = header.map((line) => ` ${line}`).join("\n") || null;
  return { text: doc.toString({ lineWidth: 0 }), written: unique.length, bySource, skipped, namesToTrim, managed, markLikeFields };
}

/** "3 contacts already managed by Pulumi stacks (owner mark in pulumi_owner): acme/dev: 2, acme/prod: 1", holders sorted. */
export function describeManaged(managed: Record<string, number>, ownerField: string): string {
  const total = Object.values(managed).reduce((a, b) => a + b, 0);
  const holders = Object.keys(managed)
    .sort((a, b) => (a === unreadableHolder ? 1 : b === unreadableHolder ? -1 : a < b ? -1 : a > b ? 1 : 0))
    .map((h) => `${h}: ${managed[h]}`)
    .join(", ");
  const whose = total === 1 ? "contact already managed by a Pulumi stack" : "contacts already managed by Pulumi stacks";
  return `${total} ${whose} (owner mark in ${ownerField}): ${holders}`;
}

// A team by name when exactly one team has it (so it resolves back to this uuid), else by uuid.
function teamNameOf(uuid: string, teams: readonly ApiTeam[]): string | undefined {
  const team = teams.find((t) => t.uuid === uuid);
  if (!team || textProblem("team", team.name) || findTeam(teams, team.name).found?.uuid !== uuid) return undefined;
  return team.name.trim();
}

// The main channel as { main: true }, another by its title, when that resolves back to this uuid.
function channelNameOf(uuid: string, source: ContactSource, channels: readonly ApiChannel[]): ChannelRef | undefined {
  const channel = channels.find((c) => c.uuid === uuid);
  if (!channel || channel.discardedAt) return undefined;
  if (channel.main && findChannel(channels, source).found?.uuid === uuid) return { main: true };
  if (textProblem("channel", channel.title) || findChannel(channels, source, channel.title).found?.uuid !== uuid) return undefined;
  return channel.title.trim();
}

function identifierOf(contact: ListedContact, source: ContactSource): string | undefined {
  if (phoneSources.includes(source)) {
    const digits = phoneDigits(contact.phoneNumber ?? "");
    return digits === "" ? undefined : digits;
  }
  // Not in Callbell's documented Contact object; used if an account's answers carry it.
  const given = (contact as Record<string, unknown>).identifier;
  return typeof given === "string" && given.trim() !== "" ? given : undefined;
}

function customFieldsOf(contact: ListedContact, ownerField: string | undefined): Record<string, string | string[]> | undefined {
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(contact.customFields ?? {})) {
    if (name === ownerField || value === null || value === undefined || value === "") continue;
    const checkbox = contact.customFieldsMetadata?.[name]?.type === "checkbox";
    if (Array.isArray(value)) out[name] = value.map(String);
    else if (checkbox && typeof value === "string") out[name] = parseList(value);
    else out[name] = typeof value === "object" ? JSON.stringify(value) : String(value);
    if (Array.isArray(out[name]) && (out[name] as string[]).length === 0) delete out[name];
  }
  return Object.keys(out).length ? out : undefined;
}

// Callbell may return a checkbox value as JSON text; a value that is not a JSON list is one option.
function parseList(text: string): string[] {
  try {
    const parsed: unknown = JSON.parse(text);
    if (Array.isArray(parsed)) return parsed.map(String);
  } catch {
    // plain text
  }
  return [text];
}

// The fields an exported entry has, in the table's export order (shape.ts contactFields `exported`).
const fieldOrder = fieldRules.flatMap(([name, rule]) => (rule.exported ? [[name, rule.exported.at] as const] : [])).sort(([, a], [, b]) => a - b);

// The fields the export writes as Callbell answers them, an empty text or list left out.
function answeredFields(contact: ListedContact): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  for (const [name, rule] of fieldRules) {
    if (!rule.exported || rule.exported.as !== "answered") continue;
    const value = rule.answer?.read(contact);
    fields[name] = value === "" || (Array.isArray(value) && value.length === 0) ? undefined : value;
  }
  return fields;
}

function ordered(inputs: ContactInputs): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key] of fieldOrder) if (inputs[key] !== undefined) out[key] = inputs[key];
  if (out.customFields) {
    const fields = out.customFields as Record<string, string | string[]>;
    out.customFields = Object.fromEntries(
      Object.keys(fields)
        .sort()
        .map((k) => [k, fields[k]]),
    );
  }
  return out;
}

// Team and channel names as comments (they are not inputs), and lists on one line.
function decorate(doc: Document, teamNames: Map<string, string>, channels: Map<string, ApiChannel>): void {
  const list = doc.get("contacts", true);
  if (!isSeq(list)) return;
  for (const item of list.items) {
    if (!isMap(item)) continue;
    const entry = item as YAMLMap;
    comment(entry, "teamUuid", (uuid) => teamNames.get(uuid));
    comment(entry, "channelUuid", (uuid) => channels.get(uuid)?.title);
    const tags = entry.get("tags", true);
    if (isSeq(tags)) tags.flow = true;
    const channel = entry.get("channel", true);
    if (isMap(channel)) channel.flow = true;
    const fields = entry.get("customFields", true);
    if (isMap(fields)) for (const pair of fields.items) if (isSeq(pair.value)) pair.value.flow = true;
  }
}

function comment(entry: YAMLMap, key: string, name: (uuid: string) => string | undefined): void {
  const node = entry.get(key, true);
  if (!isScalar(node)) return;
  const found = name(String(node.value));
  // A name is one line of text in a comment; newlines would end the comment.
  if (found) node.comment = ` ${found.replace(/[\r\n]+/g, " ")}`;
}
