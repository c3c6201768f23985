// Seed files: one YAML file per environment listing the contacts it needs. Parsing and
// validation are pure (no Pulumi, no HTTP), so a bad file fails before any resource exists.
import * as fs from "fs";
import * as path from "path";
import { LineCounter, parseDocument, isMap, isSeq, YAMLMap, Node as YamlNode } from "yaml";
import { ContactInputs, validateInputs } from "../contact/schema";
import { seedKey } from "./keys";

/** One contact of a seed file, validated and merged with the file's defaults. */
export interface SeedContact {
  /** Stable key derived from source, channel and identifier alone (keys.ts): the resource's logical name. */
  key: string;
  inputs: ContactInputs;
  /** Where it was declared, e.g. "contacts.dev.yaml:12". */
  origin: string;
}

/** Every problem of one or more seed files, listed with file, line, entry and field. */
export class SeedFileError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid seed file${problems.length > 1 ? "s" : ""} — nothing was written to Callbell:\n  - ${problems.join("\n  - ")}`);
    this.name = "SeedFileError";
    this.stack = this.message; // shown to users as is
  }
}

/** Fields a file's `defaults:` block may set for all its contacts. */
const defaultableFields = ["source", "tags", "customFields", "assignedUser", "teamUuid", "channelUuid", "botStatus", "adopt"] as const;

/**
 * Reads seed files in order and merges them: a later file's entry with the same key overrides
 * the earlier one field by field (an overlay), and `remove: true` drops it. Throws a
 * SeedFileError listing every problem when anything is wrong.
 */
export function loadSeedFiles(files: readonly string[]): SeedContact[] {
  const problems: string[] = [];
  const merged = new Map<string, { raw: Record<string, unknown>; origin: string }>();
  for (const file of files) {
    for (const entry of readEntries(file, problems)) {
      const key = typeof entry.raw.identifier === "string" && typeof entry.raw.source === "string"
        ? seedKey({ identifier: entry.raw.identifier as string, source: entry.raw.source as string, channelUuid: entry.raw.channelUuid as string | undefined })
        : undefined;
      if (!key) {
        const validation = validateInputs(entry.raw);
        const reasons = validation.ok ? ["identifier and source are required"] : validation.problems.map((p) => p.reason);
        problems.push(`${entry.origin} (${entry.label}): ${reasons.join("; ")}`);
        continue;
      }
      const earlier = merged.get(key);
      if (earlier && earlier.origin.split(":")[0] === entry.origin.split(":")[0]) {
        problems.push(`${entry.origin} (${entry.label}): the same contact is already listed at ${earlier.origin}; list it once`);
        continue;
      }
      const { remove, ...fields } = entry.raw;
      if (remove === true) {
        merged.delete(key);
        continue;
      }
      merged.set(key, { raw: { ...(earlier?.raw ?? {}), ...fields }, origin: entry.origin });
    }
  }
  const contacts: SeedContact[] = [];
  for (const [key, { raw, origin }] of merged) {
    const validation = validateInputs(raw);
    if (validation.ok) contacts.push({ key, inputs: validation.inputs, origin });
    else {
      for (const p of validation.problems) {
        // Most reasons start with the property's name; prefix the others (e.g. "customFields.seats").
        const named = !p.property || p.reason.startsWith(p.property.split(".")[0]);
        problems.push(`${origin} (identifier ${String(raw.identifier)}): ${named ? "" : `${p.property}: `}${p.reason}`);
      }
    }
  }
  if (problems.length) throw new SeedFileError(problems);
  // Code-unit order, the same on every machine (localeCompare depends on the locale).
  return contacts.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

interface RawEntry {
  raw: Record<string, unknown>;
  origin: string;
  label: string;
}

function readEntries(file: string, problems: string[]): RawEntry[] {
  const name = path.basename(file);
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (error) {
    problems.push(`${file}: cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
    return [];
  }
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const at = (node: YamlNode | null | undefined) => `${name}:${node?.range ? lines.linePos(node.range[0]).line : 1}`;
  if (doc.errors.length) {
    for (const e of doc.errors) problems.push(`${name}:${lines.linePos(e.pos[0]).line}: not valid YAML: ${e.message.split("\n")[0]}`);
    return [];
  }
  const root = doc.contents;
  if (!isMap(root) || !isSeq(root.get("contacts", true))) {
    problems.push(`${at(root)}: a seed file needs a top-level 'contacts:' list (and optionally 'defaults:')`);
    return [];
  }
  for (const pair of root.items) {
    const k = String((pair.key as { value?: unknown })?.value ?? pair.key);
    if (k !== "contacts" && k !== "defaults") problems.push(`${at(pair.key as YamlNode)}: unknown top-level key '${k}'; use 'contacts' and 'defaults'`);
  }
  const defaults = readDefaults(root, at, problems);
  const seq = root.get("contacts", true);
  if (!isSeq(seq)) return [];
  const entries: RawEntry[] = [];
  seq.items.forEach((item, index) => {
    const node = item as YamlNode;
    const value: unknown = (node as { toJSON(): unknown }).toJSON();
    const identifier = isMap(node) ? node.get("identifier") : undefined;
    const label = `entry ${index + 1}${identifier !== undefined ? `, identifier ${String(identifier)}` : ""}`;
    if (!isMap(node) || !value || typeof value !== "object") {
      problems.push(`${at(node)} (${label}): each contact must be a mapping of fields (identifier, source, name, ...)`);
      return;
    }
    const raw = value as Record<string, unknown>;
    const merged: Record<string, unknown> = { ...defaults, ...raw };
    if (Array.isArray(defaults.tags) && Array.isArray(raw.tags)) {
      merged.tags = [...new Map([...defaults.tags, ...raw.tags].map((t) => [String(t).toLowerCase(), t])).values()];
    }
    if (isRecord(defaults.customFields) && isRecord(raw.customFields)) {
      merged.customFields = { ...defaults.customFields, ...raw.customFields };
    }
    entries.push({ raw: merged, origin: at(node), label });
  });
  return entries;
}

function readDefaults(root: YAMLMap, at: (n: YamlNode | null | undefined) => string, problems: string[]): Record<string, unknown> {
  const node = root.get("defaults", true) as YamlNode | undefined;
  if (node === undefined) return {};
  const value: unknown = (node as { toJSON(): unknown }).toJSON();
  if (!isRecord(value)) {
    problems.push(`${at(node)}: 'defaults' must be a mapping, e.g. { tags: [seed], teamUuid: ... }`);
    return {};
  }
  for (const key of Object.keys(value)) {
    if (!(defaultableFields as readonly string[]).includes(key)) {
      problems.push(`${at(node)}: 'defaults.${key}' cannot be a default; defaults may set ${defaultableFields.join(", ")}`);
    }
  }
  return value;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return !!value && typeof value === "object" && !Array.isArray(value);
}
