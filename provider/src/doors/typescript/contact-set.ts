// ContactSet: the contacts of one environment, declared from seed files.
import * as pulumi from "@pulumi/pulumi";
import { Contact, ContactArgs, ContactOptions, PluginContact, claimContact } from "./resource";
import { contactSetToken, contactToken, contactType } from "../../tokens";
import { ContactInputs, personalInputNames, personalOutputNames } from "../../domain/contact/shape";
import { dropUndefined, mergeTags } from "../../normalize";
import { SeedContact, SeedFileError, loadSeedFiles, oneForm } from "../seed/seed-file";
import { hashedSeedKey, legacySeedKeys, seedKey } from "../../domain/contact/identity";
import { maskInput } from "../../domain/contact/personal-data";

/** Arguments of a ContactSet. */
export interface ContactSetArgs {
  /** Seed files, merged in order: later files overlay earlier ones (see loadSeedFiles). */
  files: string[];
  /** Applied to every contact after the files' own defaults, e.g. a tag per environment. */
  overrides?: Partial<Pick<ContactInputs, "tags" | "team" | "teamUuid" | "assignedUser" | "adopt">>;
  /**
   * "plain" (default): phone numbers and names show in previews, state and resource names,
   * as they do in the seed files. "secret": they are Pulumi secrets (encrypted in state, hidden
   * in previews) and resource names use a hash of the identifier instead of the number.
   */
  personalData?: "plain" | "secret";
  /**
   * "dynamic" (default): each contact is a Contact (pulumi-nodejs:dynamic/callbell:Contact). "plugin": a PluginContact
   * (callbell:index:Contact), served by the provider plugin, which the project must name. Each contact carries an
   * alias from the other type, so switching moves the stack's contacts without a request to Callbell, either way.
   */
  resourceType?: "dynamic" | "plugin";
  /**
   * Put before each contact's resource name, e.g. "prod-" gives "prod-whatsapp-393331234567". Two sets in one program
   * (one per account, say) that read a shared file need it: their contacts would otherwise have the same URN. Setting
   * it on a set already deployed renames its contacts (see docs/seed-files.md).
   */
  namePrefix?: string;
}

/** What a ContactSet exports per contact, keyed like its resources. */
export interface ContactSummary {
  // The same four for both resource types: Contact and PluginContact have the same outputs.
  name: pulumi.Output<string>;
  uuid: pulumi.Output<string>;
  href: pulumi.Output<string>;
  createdAt: pulumi.Output<string>;
}

/** A component that turns seed files into Contact resources named after their identifiers. */
export class ContactSet extends pulumi.ComponentResource {
  /** The Contact (or PluginContact) resources, keyed by their stable seed key (source-identifier). */
  public readonly contacts: Record<string, Contact | PluginContact>;
  /** uuid, href, createdAt and name of each contact, for stack outputs. */
  public readonly summary: Record<string, ContactSummary>;

  /** Reads and validates the files (throwing SeedFileError before anything is declared), then declares the contacts. */
  constructor(name: string, args: ContactSetArgs, opts?: pulumi.ComponentResourceOptions) {
    super(contactSetToken, name, {}, opts);
    const seeds = readSeeds(args.files, args.personalData === "secret");
    this.contacts = {};
    this.summary = {};
    const secret = args.personalData === "secret";
    const plugin = args.resourceType === "plugin";
    const [type, otherType] = plugin ? [contactToken, contactType] : [contactType, contactToken];
    const prefix = args.namePrefix ?? "";
    if (!/^[\w.-]*$/.test(prefix)) {
      throw new pulumi.RunError(`ContactSet "${name}": namePrefix is ${JSON.stringify(prefix)}: use letters, digits, '.', '_' or '-', e.g. "prod-"`);
    }
    const keyOf = (seed: SeedContact) => prefix + (secret ? hashedSeedKey(seed.inputs) : seed.key);
    const aliases = formerNames(seeds, keyOf, prefix);
    for (const seed of seeds) {
      const key = keyOf(seed);
      claimChildName(type, key, name);
      const inputs = withOverrides(seed, args.overrides);
      // The former names, each also under the other type, and this name under the other type (a move between types).
      const names = aliases.get(key) ?? [];
      const opts: ContactOptions = {
        parent: this,
        additionalSecretOutputs: secret ? [...personalOutputNames] : undefined,
        aliases: [...names.map((name) => ({ name })), { type: otherType }, ...names.map((name) => ({ name, type: otherType }))],
      };
      // Secret inputs reach the resource as Outputs, which it cannot compare: the set claims them while they are plain.
      if (secret) claimContact(type, key, inputs);
      const declared = secret ? ({ ...secretPersonalData(inputs), [maskInput]: true } as ContactArgs) : inputs;
      const contact = plugin ? new PluginContact(key, declared, opts) : new Contact(key, declared, opts);
      this.contacts[key] = contact;
      this.summary[key] = { name: contact.name, uuid: contact.uuid, href: contact.href, createdAt: contact.createdAt };
    }
    this.registerOutputs({ count: seeds.length });
  }
}

// A RunError is shown as its message alone: no "unhandled exception", stack or inspect dump.
function readSeeds(files: string[], maskPersonalData: boolean): SeedContact[] {
  try {
    return loadSeedFiles(files, { maskPersonalData });
  } catch (error) {
    if (error instanceof SeedFileError) throw new pulumi.RunError(error.message);
    throw error;
  }
}

/** A seed contact with ContactSet's overrides laid over it: tags merged, a team in one form replacing the other. */
export function withOverrides(seed: SeedContact, overrides: ContactSetArgs["overrides"]): ContactInputs {
  if (!overrides) return seed.inputs;
  const tags = overrides.tags ? mergeTags(seed.inputs.tags ?? [], overrides.tags) : seed.inputs.tags;
  // A team override in one form (name or uuid) replaces the entry's team in the other, as in seed files.
  const set = dropUndefined({ ...overrides });
  return dropUndefined(oneForm({ ...seed.inputs, ...set, tags }, set));
}

/**
 * The names each contact may have had before: its name in the other personal-data mode, and the
 * names of earlier key schemes. Passed as aliases, they make the engine move a resource whose
 * name changed instead of deleting its contact and creating a new one. A former name that two
 * contacts share, or that is another contact's current name, is left out: it cannot say which
 * contact it was.
 */
export function formerNames(seeds: readonly SeedContact[], keyOf: (seed: SeedContact) => string, prefix = ""): Map<string, string[]> {
  const current = new Set(seeds.map(keyOf));
  const claims = new Map<string, string[]>();
  for (const seed of seeds) {
    const key = keyOf(seed);
    const legacy = (seed.identifiersAsWritten ?? []).flatMap((identifier) => legacySeedKeys({ ...seed.inputs, identifier }));
    const names = new Set([seedKey(seed.inputs), hashedSeedKey(seed.inputs), ...legacySeedKeys(seed.inputs), ...legacy].map((n) => prefix + n));
    names.delete(key);
    for (const name of names) claims.set(name, [...(claims.get(name) ?? []), key]);
  }
  const aliases = new Map<string, string[]>();
  for (const [name, keys] of claims) {
    if (keys.length !== 1 || current.has(name)) continue;
    aliases.set(keys[0], [...(aliases.get(keys[0]) ?? []), name]);
  }
  return aliases;
}

function secretPersonalData(inputs: ContactInputs): ContactArgs {
  const secrets = personalInputNames.filter((name) => inputs[name] !== undefined).map((name) => [name, pulumi.secret(inputs[name])]);
  return { ...inputs, ...Object.fromEntries(secrets) };
}

// The contact resource names each ContactSet of a program run uses, per type (the engine's monitor is one per run).
const childNamesByRun = new WeakMap<object, Map<string, string>>();
const runWithoutMonitor = {};

// Two sets that declare a resource of one type and name would make one URN twice, which the engine refuses with
// "Duplicate resource URN" and a closed connection: said here instead, naming both sets and the way out.
function claimChildName(type: string, name: string, set: string): void {
  const monitor = (pulumi.runtime.getMonitor() as object | undefined) ?? runWithoutMonitor;
  const names = childNamesByRun.get(monitor) ?? new Map<string, string>();
  childNamesByRun.set(monitor, names);
  const other = names.get(`${type}\u0000${name}`);
  if (other !== undefined && other !== set) {
    throw new pulumi.RunError(
      `ContactSets "${other}" and "${set}" both declare a contact named ${name}, and two resources cannot share a name. ` +
        `If the two sets reach different accounts, give one of them a namePrefix (e.g. namePrefix: "${set}-"); if they reach one account, ` +
        "declare the contact in one set only (remove: true in the other's overlay). Nothing was written.",
    );
  }
  names.set(`${type}\u0000${name}`, set);
}
