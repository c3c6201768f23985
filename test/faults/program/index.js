// The contacts of the stack config `test:contacts` (logical name → ContactArgs), as a plain JavaScript program that
// the Node.js language host runs in a process of its own, as a user's `pulumi up` does: a kill of the CLI ends it too,
// and nothing of a killed run is left in the test's process for the next run to trip over.
"use strict";
const pulumi = require("@pulumi/pulumi");
const callbell = require("pulumi-callbell");

const declared = new pulumi.Config("test").requireObject("contacts");
const contacts = {};
for (const [name, args] of Object.entries(declared)) {
  const contact = new callbell.Contact(name, args);
  contacts[name] = { uuid: contact.uuid, href: contact.href, createdAt: contact.createdAt };
}
exports.contacts = contacts;
