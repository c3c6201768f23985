// ContactSet: the contacts of one environment, declared from seed files.
import { createHash } from "crypto";
import * as pulumi from "@pulumi/pulumi";
import { Contact, ContactArgs, ContactOptions } from "../contact/resource";
import { ContactInputs } from "../contact/schema";
import { SeedContact, loadSeedFiles } from "./seed-file";

/** Arguments of a ContactSet. */
export interface ContactSetArgs {
  /** Seed files, merged in order: later files overlay earlier ones (see loadSeedFiles). */
  files: string[];
  /** Applied to every contact after the files' own defaults, e.g. a tag per environment. */
  overrides?: Partial<Pick<ContactInputs, "tags" | "teamUuid" | "assignedUser" | "adopt">>;
  /**
   * "plain" (default): phone numbers and names show in previews, state and resource names,
   * as they do in the seed files. "secret": they are Pulumi secrets (encrypted in state, hidden
   * in previews) and resource names use a hash of the identifier instead of the number.
   */
  personalData?: "plain" | "secret";
}

/** Outputs that carry personal data, made secret with personalData: "secret". */
export const personalOutputs = ["identifier", "name", "phoneNumber", "note", "customFields", "assignedUser"];

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
    const secret = args.personalData === "secret";
    for (const seed of seeds) {
      const key = secret ? hashedKey(seed) : seed.key;
      const inputs = withOverrides(seed, args.overrides);
      const opts: ContactOptions = { parent: this, additionalSecretOutputs: secret ? personalOutputs : undefined };
      const contact = new Contact(key, secret ? secretPersonalData(inputs) : inputs, opts);
      this.contacts[key] = contact;
      this.summary[key] = { name: contact.name, uuid: contact.uuid, href: contact.href, createdAt: contact.createdAt };
    }
    this.registerOutputs({ count: seeds.length });
  }
}

function withOverrides(seed: SeedContact, overrides: ContactSetArgs["overrides"]): ContactInputs {
  if (!overrides) return seed.inputs;
  const tags = overrides.tags ? [...new Map([...(seed.inputs.tags ?? []), ...overrides.tags].map((t) => [t.toLowerCase(), t])).values()] : seed.inputs.tags;
  return { ...seed.inputs, ...overrides, tags };
}

function hashedKey(seed: SeedContact): string {
  const digest = createHash("sha256").update(seed.inputs.identifier).digest("hex").slice(0, 16);
  return `${seed.inputs.source}-${digest}`;
}

function secretPersonalData(inputs: ContactInputs): ContactArgs {
  const secret = <T>(value: T | undefined) => (value === undefined ? undefined : pulumi.secret(value));
  return {
    ...inputs,
    identifier: pulumi.secret(inputs.identifier),
    name: pulumi.secret(inputs.name),
    note: secret(inputs.note),
    customFields: secret(inputs.customFields),
    assignedUser: secret(inputs.assignedUser),
  };
}
