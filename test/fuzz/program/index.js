// The fuzzer's program: the contacts of the stack config `test:contacts` (logical name → ContactArgs), each with the
// former names of `test:aliases` (logical name → old names) as aliases; those named in `test:plugin` as the plugin's
// PluginContact (those in `test:explicit` on the explicit provider acct2), and those in `test:moved` also with aliases
// from the other type (docs/plugin.md). The Node.js language host runs it in a process of
// its own, so a SIGKILL of the CLI ends it too.
"use strict";
const pulumi = require("@pulumi/pulumi");
const callbell = require("pulumi-callbell");

const config = new pulumi.Config("test");
const declared = config.requireObject("contacts");
const aliases = config.getObject("aliases") || {};
const plugin = new Set(config.getObject("plugin") || []);
const moved = new Set(config.getObject("moved") || []);
const explicit = new Set(config.getObject("explicit") || []);
const ownerField = new pulumi.Config("callbell").get("ownerField");
// The explicit provider acct2: the same account (URL and token from the environment, or the account's second token
// after a rotation), so a plugin process of its own.
let acct2;
const providerOf = (name) => {
  if (!plugin.has(name) || !explicit.has(name)) return undefined;
  const token = config.getObject("secondToken") ? pulumi.secret(process.env.FUZZ_SECOND_TOKEN) : undefined;
  acct2 = acct2 || new pulumi.ProviderResource("callbell", "acct2", { ...(ownerField ? { ownerField } : {}), ...(token ? { apiToken: token } : {}) });
  return acct2;
};
const contacts = {};
for (const [name, args] of Object.entries(declared)) {
  const Type = plugin.has(name) ? callbell.PluginContact : callbell.Contact;
  const other = plugin.has(name) ? callbell.contactType : callbell.contactToken;
  const names = aliases[name] || [];
  const typeAliases = moved.has(name) ? [{ type: other }, ...names.map((old) => ({ name: old, type: other }))] : [];
  const contact = new Type(name, args, { aliases: [...names.map((old) => ({ name: old })), ...typeAliases], provider: providerOf(name) });
  contacts[name] = contact.uuid;
}
exports.contacts = contacts;
