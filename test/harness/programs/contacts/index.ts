// A Pulumi program declaring the contacts listed in the stack config `test:contacts`
// (logical name → ContactArgs), with `test:aliases` (logical name → former names) as aliases.
// Tests change that config between steps, as a user edits code.
import * as pulumi from "@pulumi/pulumi";
import * as callbell from "pulumi-callbell";

export = async () => {
  const config = new pulumi.Config("test");
  const declared = config.requireObject<Record<string, callbell.ContactArgs>>("contacts");
  const aliases = config.getObject<Record<string, string[]>>("aliases") ?? {};
  const contacts: Record<string, { uuid: pulumi.Output<string>; href: pulumi.Output<string>; createdAt: pulumi.Output<string> }> = {};
  for (const [name, args] of Object.entries(declared)) {
    const contact = new callbell.Contact(name, args, { aliases: aliases[name]?.map((old) => ({ name: old })) });
    contacts[name] = { uuid: contact.uuid, href: contact.href, createdAt: contact.createdAt };
  }
  return { contacts };
};
