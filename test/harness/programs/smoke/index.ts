// Smoke program for the real engine: three trivial dynamic resources, no network.
// Run inline through test/engine/harness.ts (openStack({ program: smoke })).
import * as pulumi from "@pulumi/pulumi";

/** Type token of the resources below: pulumi-nodejs:dynamic/smoke:Thing. */
export const SMOKE_TYPE = "pulumi-nodejs:dynamic/smoke:Thing";

/** Names of the resources the program declares. */
export const SMOKE_NAMES = ["alpha", "beta", "gamma"];

interface ThingInputs {
  name: string;
  note: string;
}

// Serialized into each resource's state by the engine, so it captures nothing but itself.
// `hostCwd` records where the dynamic-provider host runs (see harness.ts).
const thingProvider: pulumi.dynamic.ResourceProvider<ThingInputs> = {
  async create(inputs: ThingInputs) {
    return { id: inputs.name, outs: { ...inputs, hostCwd: process.cwd() } };
  },
};

class Thing extends pulumi.dynamic.Resource {
  declare readonly note: pulumi.Output<string>;
  declare readonly hostCwd: pulumi.Output<string>;

  constructor(name: string, args: { note: pulumi.Input<string> }, opts?: pulumi.CustomResourceOptions) {
    super(thingProvider, name, { name, note: args.note, hostCwd: undefined }, opts, "smoke", "Thing");
  }
}

/** Declares the three resources and exports their ids and the provider host's cwd. */
export default async function smoke(): Promise<Record<string, unknown>> {
  const things = SMOKE_NAMES.map((n) => new Thing(n, { note: `smoke ${n}` }));
  return {
    ids: things.map((t) => t.id),
    hostCwd: things[0].hostCwd,
  };
}
