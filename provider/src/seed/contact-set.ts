// ContactSet: the contacts of one environment, declared from seed files.
import * as pulumi from "@pulumi/pulumi";
import { Contact, ContactOptions } from "../contact/resource";
import { ContactInputs } from "../contact/schema";
import { SeedContact, loadSeedFiles } from "./seed-file";

/** Arguments of a ContactSet. */
export interface ContactSetArgs {
  /** Seed files, merged in order: later files overlay earlier ones (see loadSeedFiles). */
  files: string[];
  /** Applied to every contact after the files' own defaults, e.g. a tag per environment. */
  overrides?: Partial<Pick<ContactInputs, "tags" | "teamUuid" | "assignedUser" | "adopt">>;
}

/** What a ContactSet exports per contact, keyed like its resources. */
export interface ContactSummary {
  name: pulumi.Output<string>;
  uuid: pulumi.Output<string>;
  href: pulumi.Output<string>;
  createdAt: pulumi.Output<string>;
}

/** A component that turns seed files into Contact resources named after their identifiers. */
export class ContactSet extends pulumi.ComponentResource {
  /** The Contact resources, keyed by their stable seed key (source-identifier). */
  public readonly contacts: Record<string, Contact>;
  /** uuid, href, createdAt and name of each contact, for stack outputs. */
  public readonly summary: Record<string, ContactSummary>;

  /** Reads and validates the files (throwing SeedFileError before anything is declared), then declares the contacts. */
  constructor(name: string, args: ContactSetArgs, opts?: pulumi.ComponentResourceOptions) {
    super("callbell:index:ContactSet", name, {}, opts);
    const seeds = loadSeedFiles(args.files);
    this.contacts = {};
    this.summary = {};
    for (const seed of seeds) {
      const contact = new Contact(seed.key, withOverrides(seed, args.overrides), { parent: this } satisfies ContactOptions);
      this.contacts[seed.key] = contact;
      this.summary[seed.key] = { name: contact.name, uuid: contact.uuid, href: contact.href, createdAt: contact.createdAt };
    }
    this.registerOutputs({ count: seeds.length });
  }
}

function withOverrides(seed: SeedContact, overrides: ContactSetArgs["overrides"]): ContactInputs {
  if (!overrides) return seed.inputs;
  const tags = overrides.tags ? [...new Map([...(seed.inputs.tags ?? []), ...overrides.tags].map((t) => [t.toLowerCase(), t])).values()] : seed.inputs.tags;
  return { ...seed.inputs, ...overrides, tags };
}
