// Seed files: one YAML file per environment listing the contacts it needs. Parsing and
// validation are pure (no Pulumi, no HTTP), so a bad file fails before any resource exists.
import * as fs from "fs";
import * as path from "path";
import { Document, LineCounter, parseDocument, isMap, isScalar, isSeq, visit, YAMLMap, YAMLSeq, Node as YamlNode } from "yaml";
import { isMainChannel, validateInputs } from "../../domain/contact/schema";
import { ContactInputs, FieldRule, contactFields, fieldsWhere, inputNames } from "../../domain/contact/shape";
import { mergeTags } from "../../normalize";
import { CallbellProblem } from "../../problem";
import { seedKey } from "../../domain/contact/identity";
import { maskPersonalData, personalValues } from "../../domain/contact/personal-data";

/** How seed files are read. */
export interface SeedFileOptions {
  /** personalData "secret": no number, name, note, assignee or field value appears in a message. */
  maskPersonalData?: boolean;
}

/** One contact of a seed file, validated and merged with the file's defaults. */
export interface SeedContact {
  /** Stable key derived from source, channel and identifier alone (domain/contact/identity.ts): the resource's logical name. */
  key: string;
  inputs: ContactInputs;
  /** Where it was declared, e.g. "contacts.dev.yaml:12". */
  origin: string;
  /** The identifier as each merged entry wrote it ("+44 07911 123456"): earlier versions named the contact after it (legacySeedKeys). */
  identifiersAsWritten?: string[];
}

/** Every problem of one or more seed files, listed with file, line, entry and field (the first 100 in the message). */
export class SeedFileError extends CallbellProblem {
  constructor(readonly problems: string[]) {
    const listed = problems.slice(0, maxListedProblems);
    const more = problems.length > listed.length ? `\n  … and ${problems.length - listed.length} more problems` : "";
    super(`Invalid seed file${problems.length > 1 ? "s" : ""} — nothing was written to Callbell:\n  - ${listed.join("\n  - ")}${more}`);
  }
}

/** Fields a file's `defaults:` block may set for all its contacts. */
const defaultableFields = fieldsWhere((rule) => rule.seedDefault !== undefined);

/** Largest seed file read, in bytes: far above any real list of contacts, far below what would hurt a CI runner. */
export const maxSeedFileBytes = 5 * 1024 * 1024;

/** Most entries one seed file may list. */
export const maxSeedEntries = 10_000;

/** Most alias expansions one entry may need: YAML's "billion laughs" protection (yaml's maxAliasCount). */
const maxAliasCount = 100;

/** Most problems a SeedFileError lists one by one; the rest are counted. */
const maxListedProblems = 100;

/**
 * Reads seed files in order and merges them: a later file's entry with the same key overrides
 * the earlier one field by field with the fields it writes itself (an overlay; its file's defaults
 * only fill in the contacts that file introduces), and `remove: true` drops it. Files are named by
 * their path relative to the working directory. Throws a SeedFileError listing every problem
 * when anything is wrong.
 */
export function loadSeedFiles(files: readonly string[], options: SeedFileOptions = {}): SeedContact[] {
  const problems: string[] = [];
  const personal: string[] = [];
  const merged = new Map<string, { raw: Record<string, unknown>; origin: string; file: string; written: string[] }>();
  const seenFiles = new Map<string, string>();
  for (const file of files) {
    const absolute = path.resolve(file);
    const shown = displayPath(file);
    if (seenFiles.has(absolute)) {
      problems.push(`${shown}: listed twice in files (also as ${seenFiles.get(absolute)}); list each file once`);
      continue;
    }
    seenFiles.set(absolute, shown);
    for (const entry of readEntries(file, problems)) {
      if (options.maskPersonalData) personal.push(...personalValues(entry.raw));
      // The key function needs strings: anything else is the user's to fix, with its line.
      const wrongType = keyFieldProblem(entry);
      if (wrongType) {
        problems.push(wrongType);
        continue;
      }
      const key =
        typeof entry.raw.identifier === "string" && typeof entry.raw.source === "string"
          ? seedKey({
              identifier: entry.raw.identifier as string,
              source: entry.raw.source as string,
              channelUuid: entry.raw.channelUuid as string | undefined,
              channel: entry.raw.channel,
            })
          : undefined;
      if (!key) {
        const validation = validateInputs(entry.raw);
        const reasons = validation.ok ? ["identifier and source are required"] : validation.problems.map((p) => p.reason);
        problems.push(`${entry.origin} (${entry.label}): ${reasons.join("; ")}`);
        continue;
      }
      const earlier = merged.get(key);
      if (earlier && earlier.file === absolute) {
        problems.push(`${entry.origin} (${entry.label}): the same contact is already listed at ${earlier.origin}; list it once`);
        continue;
      }
      // An entry that overrides an earlier file's changes only the fields it writes itself: its file's defaults served
      // only to find the contact (source, channel), and fill in the contacts that file introduces.
      const { remove, ...fields } = earlier ? entry.own : entry.raw;
      if (Object.hasOwn(entry.raw, "remove")) {
        if (remove !== true) {
          problems.push(
            `${entry.at("remove")} (${entry.label}): remove must be true, not ${describeValue(remove)}; ` +
              "write 'remove: true' to drop a contact an earlier file declares, or delete the line",
          );
        } else if (!earlier) {
          problems.push(
            `${entry.at("remove")} (${entry.label}): remove: true matches no contact declared by an earlier file; ` +
              "check its identifier, source and channelUuid, or delete the entry",
          );
        } else {
          merged.delete(key);
        }
        continue;
      }
      const written = [...new Set([...(earlier?.written ?? []), String(entry.raw.identifier)])];
      merged.set(key, { raw: oneForm({ ...(earlier?.raw ?? {}), ...fields }, fields), origin: entry.origin, file: absolute, written });
    }
  }
  const contacts: SeedContact[] = [];
  for (const [key, { raw, origin, written }] of merged) {
    const validation = validateInputs(raw);
    if (validation.ok) contacts.push({ key, inputs: validation.inputs, origin, identifiersAsWritten: written });
    else {
      for (const p of validation.problems) {
        // Most reasons name their property; prefix the others (e.g. "customFields.seats").
        const top = p.property.split(".")[0];
        const named = !p.property || p.reason.startsWith(top) || p.reason.includes(`'${p.property}'`);
        problems.push(`${origin} (identifier ${shownText(raw.identifier)}): ${named ? "" : `${p.property}: `}${p.reason}`);
      }
    }
  }
  if (problems.length) throw new SeedFileError(options.maskPersonalData ? problems.map((p) => maskPersonalData(p, personal)) : problems);
  // Code-unit order, the same on every machine (localeCompare depends on the locale).
  return contacts.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/** How a file is named in messages: its path relative to the working directory. */
function displayPath(file: string): string {
  return path.relative(process.cwd(), path.resolve(file)) || file;
}

// identifier, source and channelUuid make the key, so they must be strings (or absent) first.
function keyFieldProblem(entry: RawEntry): string | undefined {
  for (const field of ["identifier", "source", "channelUuid"] as const) {
    if (!Object.hasOwn(entry.raw, field)) continue;
    const value = entry.raw[field];
    if (value === null || value === undefined || typeof value === "string") continue;
    const source = entry.sources.get(field);
    const hint = source !== undefined ? `; quote it: ${field}: "${source}"` : "";
    return `${entry.at(field)} (${entry.label}): ${field} must be a string, not ${describeValue(value)}${hint}`;
  }
  const channel = entry.raw.channel;
  if (channel !== null && channel !== undefined && typeof channel !== "string" && !isMainChannel(channel)) {
    return `${entry.at("channel")} (${entry.label}): channel must be a channel's title or { main: true }, not ${describeValue(channel)}`;
  }
  return undefined;
}

interface RawEntry {
  /** The entry merged with its file's defaults. */
  raw: Record<string, unknown>;
  /** The entry as written, without the defaults. */
  own: Record<string, unknown>;
  origin: string;
  label: string;
  /** "file:line" of one of the entry's fields (the entry's own line when it has no such field). */
  at(field: string): string;
  /** The text a scalar field was written as, e.g. 1234 for `channelUuid: 1234`. */
  sources: Map<string, string>;
}

function readText(file: string, shown: string, problems: string[]): string | undefined {
  try {
    const size = fs.statSync(file).size;
    if (size > maxSeedFileBytes) {
      problems.push(`${shown}: is ${size} bytes; a seed file may have at most ${maxSeedFileBytes} bytes (5 MiB): split it into several files`);
      return undefined;
    }
    const bytes = fs.readFileSync(file);
    try {
      return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
    } catch {
      problems.push(`${shown}: is not valid UTF-8 text; save it with the UTF-8 encoding`);
      return undefined;
    }
  } catch (error) {
    problems.push(`${shown}: cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
    return undefined;
  }
}

function readEntries(file: string, problems: string[]): RawEntry[] {
  const name = displayPath(file);
  const text = readText(file, name, problems);
  if (text === undefined) return [];
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const lineOf = (node: YamlNode | null | undefined) => (node?.range ? lines.linePos(node.range[0]).line : 1);
  const at = (node: YamlNode | null | undefined) => `${name}:${lineOf(node)}`;
  if (doc.errors.length) {
    for (const e of doc.errors) problems.push(`${name}:${lines.linePos(e.pos[0]).line}: not valid YAML: ${e.message.split("\n")[0]}`);
    return [];
  }
  // Aliases are resolved against the document, per entry, with yaml's alias-bomb limit.
  const anchorsView = anchorsBefore(doc);
  const toJS = (node: YamlNode): { value?: unknown; problem?: string } => {
    try {
      return { value: node.toJS(anchorsView(node), { maxAliasCount }) };
    } catch (error) {
      const bomb = error instanceof ReferenceError && /alias/i.test(error.message);
      if (bomb) return { problem: `uses YAML aliases that expand too much (more than ${maxAliasCount} times); write the values out` };
      return { problem: `cannot be read: ${shownText(String(error))}` };
    }
  };
  const root = doc.contents;
  if (!isMap(root) || !isSeq(root.get("contacts", true))) {
    problems.push(`${at(root)}: a seed file needs a top-level 'contacts:' list (and optionally 'defaults:')`);
    return [];
  }
  for (const pair of root.items) {
    const k = String((pair.key as { value?: unknown })?.value ?? pair.key);
    if (k === "contacts" || k === "defaults") continue;
    problems.push(`${at(pair.key as YamlNode)}: unknown top-level key '${shownText(k)}'; use 'contacts' and 'defaults'`);
  }
  const defaults = readDefaults(root, at, toJS, problems);
  const seq = root.get("contacts", true);
  if (!isSeq(seq)) return [];
  if (seq.items.length > maxSeedEntries) {
    problems.push(`${at(seq)}: lists ${seq.items.length} contacts; a seed file may list at most ${maxSeedEntries}: split it into several files`);
    return [];
  }
  const entries: RawEntry[] = [];
  seq.items.forEach((item, index) => {
    const node = item as YamlNode;
    const converted = toJS(node);
    const value = converted.value;
    const identifier = isRecord(value) && Object.hasOwn(value, "identifier") ? value.identifier : undefined;
    const label = `entry ${index + 1}${identifier !== undefined && identifier !== null ? `, identifier ${shownText(identifier)}` : ""}`;
    if (converted.problem) {
      problems.push(`${at(node)} (${label}): ${converted.problem}`);
      return;
    }
    if (!isMap(node) || !isRecord(value)) {
      problems.push(`${at(node)} (${label}): each contact must be a mapping of fields (identifier, source, name, ...)`);
      return;
    }
    // Maps, not objects: a key named __proto__ or constructor is data here.
    const fieldLines = new Map<string, number>();
    const sources = new Map<string, string>();
    for (const pair of node.items) {
      const keyNode = pair.key as YamlNode & { value?: unknown };
      const k = String(keyNode?.value ?? keyNode);
      const valueNode = pair.value as (YamlNode & { source?: unknown }) | null;
      fieldLines.set(k, lineOf(valueNode ?? keyNode));
      if (valueNode && isScalar(valueNode) && typeof valueNode.source === "string") sources.set(k, valueNode.source);
    }
    const raw = value;
    for (const key of Object.keys(raw)) {
      // validateInputs skips "__" names (Pulumi's own); a seed file has no business with them.
      if (!key.startsWith("__")) continue;
      const line = fieldLines.get(key) ?? lineOf(node);
      problems.push(`${name}:${line} (${label}): unknown property '${shownText(key)}'; valid ones are ${inputNames.join(", ")}, remove`);
    }
    const merged = oneForm({ ...defaults, ...raw }, raw);
    if (Array.isArray(defaults.tags) && Object.hasOwn(raw, "tags") && Array.isArray(raw.tags)) {
      merged.tags = mergeTags(defaults.tags as unknown[], raw.tags as unknown[]);
    }
    if (isRecord(defaults.customFields) && Object.hasOwn(raw, "customFields") && isRecord(raw.customFields)) {
      merged.customFields = { ...defaults.customFields, ...raw.customFields };
    }
    entries.push({
      raw: merged,
      own: raw,
      origin: at(node),
      label,
      sources,
      at: (field) => `${name}:${fieldLines.get(field) ?? lineOf(node)}`,
    });
  });
  return entries;
}

/**
 * For a node of `doc`, the document to resolve its aliases against: `doc` itself when the node has no alias, else a view
 * of `doc` holding the outermost anchored nodes that start before it, in document order, then the node.
 *
 * Why: yaml resolves an alias by walking the whole document given to toJS up to the alias, and every toJS call walks
 * afresh (each entry is converted on its own, so the alias limit counts per entry). With an alias in each entry, a
 * file's reading grew with the square of its entries: 1,000 entries took 5.8 s, 2,000 took 23 s. Every anchor that
 * precedes the node is in the view (in an outermost anchored node or as one), in the same order, so each alias finds
 * the anchor it found in the whole document; nodes are the document's own, so yaml's own identity checks hold.
 */
function anchorsBefore(doc: Document): (node: YamlNode) => Document {
  const anchored: YamlNode[] = [];
  visit(doc, {
    Node: (_key, node) => {
      if (!(node as { anchor?: string }).anchor) return undefined;
      anchored.push(node);
      return visit.SKIP;
    },
  });
  const startOf = (node: YamlNode) => node.range?.[0] ?? 0;
  return (node) => {
    let hasAlias = false;
    visit(node, {
      Alias: () => {
        hasAlias = true;
        return visit.BREAK;
      },
    });
    if (!hasAlias) return doc;
    const view = Object.create(doc) as Document;
    const contents = new YAMLSeq(doc.schema);
    contents.items = [...anchored.filter((a) => startOf(a) < startOf(node)), node];
    view.contents = contents;
    return view;
  };
}

function readDefaults(
  root: YAMLMap,
  at: (n: YamlNode | null | undefined) => string,
  toJS: (node: YamlNode) => { value?: unknown; problem?: string },
  problems: string[],
): Record<string, unknown> {
  const node = root.get("defaults", true) as YamlNode | undefined;
  if (node === undefined) return {};
  const converted = toJS(node);
  if (converted.problem) {
    problems.push(`${at(node)}: 'defaults' ${converted.problem}`);
    return {};
  }
  const value = converted.value;
  if (!isRecord(value) || !isMap(node)) {
    problems.push(`${at(node)}: 'defaults' must be a mapping, e.g. { tags: [seed], teamUuid: ... }`);
    return {};
  }
  const kept: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    const fieldNode = (node.get(key, true) as YamlNode | undefined) ?? node;
    if (!(defaultableFields as readonly string[]).includes(key)) {
      problems.push(`${at(fieldNode)}: 'defaults.${shownText(key)}' cannot be a default; defaults may set ${defaultableFields.join(", ")}`);
      continue;
    }
    const [type, example] = (contactFields[key as keyof typeof contactFields] as FieldRule).seedDefault!;
    const item = value[key];
    const fits =
      item === null ||
      (type === "list"
        ? Array.isArray(item)
        : type === "mapping"
          ? isRecord(item)
          : type === "title or { main: true }"
            ? typeof item === "string" || isMainChannel(item)
            : typeof item === type);
    if (!fits) {
      problems.push(`${at(fieldNode)}: 'defaults.${key}' must be a ${type}, not ${describeValue(item)}; e.g. ${example}`);
      continue;
    }
    kept[key] = item;
  }
  return kept;
}

/**
 * Drops from `merged` (in place, and returns it) the team or channel in the form `own` does not write: `own` writing
 * it by name drops the uuid that came from elsewhere (a default, an earlier file, the entry under an override), and
 * the other way round; both written in `own` stay, to be refused later.
 */
export function oneForm<T extends object>(merged: T, own: object): T {
  const fields = merged as Record<string, unknown>;
  for (const [byName, byUuid] of [
    ["team", "teamUuid"],
    ["channel", "channelUuid"],
  ]) {
    if (Object.hasOwn(own, byName) && !Object.hasOwn(own, byUuid)) delete fields[byUuid];
    if (Object.hasOwn(own, byUuid) && !Object.hasOwn(own, byName)) delete fields[byName];
  }
  return merged;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return !!value && typeof value === "object" && !Array.isArray(value);
}

// A value as a message shows it: type and a short, escaped text.
function describeValue(value: unknown): string {
  if (value === null || value === undefined) return "nothing";
  if (typeof value === "string") return `the string "${shownText(value)}"`;
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a mapping";
  return `${typeof value} ${String(value)}`;
}

// Text from a file, safe to print in a terminal or CI log: cut to 60 characters, and control,
// invisible and bidirectional characters (all of Unicode's category C) written as \u{...}.
function shownText(value: unknown): string {
  const text = typeof value === "string" ? value : ((typeof value === "object" && value !== null ? JSON.stringify(value) : undefined) ?? String(value));
  const chars = [...text];
  const cut = chars.length > 60 ? chars.slice(0, 60).join("") + "…" : text;
  return cut.replace(/\p{C}/gu, (c) => `\\u{${c.codePointAt(0)!.toString(16).toUpperCase()}}`);
}
