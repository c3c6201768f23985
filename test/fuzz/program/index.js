// The fuzzer's program: the contacts of the stack config `test:contacts` (logical name → ContactArgs), each with the
// former names of `test:aliases` (logical name → old names) as aliases. The Node.js language host runs it in a process of
// its own, so a SIGKILL of the CLI ends it too.
"use strict";
const pulumi = require("@pulumi/pulumi");
const callbell = require("pulumi-callbell");

const config = new pulumi.Config("test");
const declared = config.requireObject("contacts");
const aliases = config.getObject("aliases") || {};
const contacts = {};
for (const [name, args] of Object.entries(declared)) {
  const contact = new callbell.Contact(name, args, { aliases: (aliases[name] || []).map((old) => ({ name: old })) });
  contacts[name] = contact.uuid;
}
exports.contacts = contacts;
