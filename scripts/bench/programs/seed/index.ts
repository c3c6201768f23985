// The benchmark's Pulumi program: N seed contacts, declared the way a team seeds an environment.
// Stack config (namespace `bench`):
//   bench:kind   "callbell" (callbell.Contact, talks to the API), "plugin" (the same contacts as
//                callbell:index:Contact resources of the provider plugin), "trivial" (a dynamic resource
//                with the same inputs whose provider makes no call: the engine floor) or "padded"
//                (trivial, its `__provider` padded with bench:padding characters)
//   bench:n      how many contacts
//   bench:round  goes into every contact's note; bumping it is the "update all" edit
import * as pulumi from "@pulumi/pulumi";
import * as callbell from "pulumi-callbell";

/** Type tokens of the kinds of resources. */
export const CONTACT_TYPE = callbell.contactType;
export const PLUGIN_CONTACT_TYPE = "callbell:index:Contact";
export const TRIVIAL_TYPE = "pulumi-nodejs:dynamic/bench:Trivial";

/** The i-th seed contact (an Italian mobile number, valid for libphonenumber and the simulator). */
export function seedContact(i: number, round: number): callbell.ContactArgs & { identifier: string; name: string } {
  return {
    identifier: `39333${String(1_000_000 + i).padStart(7, "0")}`,
    source: "whatsapp",
    name: `Bench Contact ${i}`,
    tags: ["seed", "qa"],
    customFields: { plan: "pro" },
    note: `bench seed round ${round}`,
  };
}

// The engine floor's provider: create returns {id, outs: inputs}, update returns the new inputs,
// no diff (the engine diffs inputs), no read (refresh keeps the state). It captures nothing.
const trivialProvider: pulumi.dynamic.ResourceProvider = {
  async create(inputs: Record<string, unknown>) {
    return { id: String(inputs.identifier), outs: inputs };
  },
  async update(_id: string, _olds: Record<string, unknown>, news: Record<string, unknown>) {
    return { outs: news };
  },
};

// The same, carrying a string of `chars` characters so that its serialized form (`__provider`) is
// as long as the Contact's: separates what the engine pays for the state's size from the provider's
// work. One provider object per length, as the SDK caches serializations per provider object.
const paddedProviders = new Map<number, pulumi.dynamic.ResourceProvider>();
function paddedProvider(chars: number): pulumi.dynamic.ResourceProvider {
  let provider = paddedProviders.get(chars);
  if (!provider) {
    const padding = "p".repeat(chars);
    provider = {
      async create(inputs: Record<string, unknown>) {
        return { id: String(inputs.identifier) + padding.slice(0, 0), outs: inputs };
      },
      async update(_id: string, _olds: Record<string, unknown>, news: Record<string, unknown>) {
        return { outs: news };
      },
    };
    paddedProviders.set(chars, provider);
  }
  return provider;
}

class Trivial extends pulumi.dynamic.Resource {
  constructor(name: string, args: Record<string, unknown>, paddingChars?: number) {
    super(paddingChars === undefined ? trivialProvider : paddedProvider(paddingChars), name, args, undefined, "bench", "Trivial");
  }
}

// A contact of the provider plugin, registered as callbell.Contact registers (CustomResource is abstract in TypeScript).
// Like callbell.Contact it registers with Error.stackTraceLimit at 0: the SDK's debug stacks, source-mapped under
// ts-node, cost seconds of the program's CPU at N = 500 (docs/performance.md), and the plugin is what is measured.
class PluginContact extends pulumi.CustomResource {
  constructor(name: string, args: Record<string, unknown>) {
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    try {
      super(PLUGIN_CONTACT_TYPE, name, args);
    } finally {
      Error.stackTraceLimit = limit;
    }
  }
}

/** Declares the contacts; exports only their count (outputs would inflate the state). */
export default async function seedBench(): Promise<Record<string, unknown>> {
  const config = new pulumi.Config("bench");
  const kind = config.require("kind");
  const n = config.requireNumber("n");
  const round = config.getNumber("round") ?? 1;
  if (kind !== "callbell" && kind !== "plugin" && kind !== "trivial" && kind !== "padded") {
    throw new Error(`bench:kind must be callbell, plugin, trivial or padded, not ${kind}`);
  }
  for (let i = 0; i < n; i++) {
    const args = seedContact(i, round);
    if (kind === "callbell") new callbell.Contact(`contact-${i}`, args);
    else if (kind === "plugin") new PluginContact(`contact-${i}`, { ...args });
    else new Trivial(`contact-${i}`, { ...args }, kind === "padded" ? (config.getNumber("padding") ?? 0) : undefined);
  }
  return { count: n };
}
