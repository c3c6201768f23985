// The account benchmark's program, plain JavaScript that the Node.js language host runs in a process of its own (as a
// team's `pulumi up` does), so that its memory is measured apart from the benchmark's. Stack config (namespace `bench`):
//   bench:kind   "adopt" (one ContactSet of the exported seed file bench:file, every entry adopt: true) or "floor"
//                (N trivial dynamic resources with a contact's inputs, whose provider makes no call: the engine floor)
//   bench:file   the exported seed file (absolute path), for "adopt"
//   bench:n      how many resources, for "floor"
// Exports only the count: outputs of every contact would inflate the state.
"use strict";
const pulumi = require("@pulumi/pulumi");
const callbell = require("pulumi-callbell");

const config = new pulumi.Config("bench");
const kind = config.require("kind");

// The engine floor's provider: create returns {id, outs: inputs}, update returns the new inputs; it captures nothing.
const trivialProvider = {
  async create(inputs) {
    return { id: String(inputs.identifier), outs: inputs };
  },
  async update(_id, _olds, news) {
    return { outs: news };
  },
};

class Trivial extends pulumi.dynamic.Resource {
  constructor(name, args) {
    super(trivialProvider, name, args, undefined, "bench", "Trivial");
  }
}

if (kind === "adopt") {
  const account = new callbell.ContactSet("account", { files: [config.require("file")] });
  exports.count = Object.keys(account.contacts).length;
} else if (kind === "floor") {
  const n = config.requireNumber("n");
  for (let i = 0; i < n; i++) {
    new Trivial(`contact-${i}`, {
      identifier: `39333${String(2_000_000 + i)}`,
      source: "whatsapp",
      name: `Contact ${i}`,
      tags: ["seed", "qa"],
      customFields: { plan: "pro" },
      adopt: true,
    });
  }
  exports.count = n;
} else {
  throw new Error(`bench:kind must be adopt or floor, not ${kind}`);
}
