// How a message tells the user what to write in their program. The dynamic resource (host.ts, resource.ts) is always
// declared in TypeScript or JavaScript; the provider plugin (plugin/) serves YAML, Python, TypeScript and any other
// language, and cannot know which: its hints say what to do in words, then the form in each language. The front
// door says which it is through the run's context (contact-run.ts: ProviderContext.door).
import { contactToken } from "../../tokens";
import { Owner, ownerParts } from "../../run/owner";
import type { Door } from "../account-run";

/** The front door a run serves (account-run.ts). */
export type { Door };

/**
 * How to add an alias from a resource's old name. Pulumi YAML (pulumi-yaml v1.25) takes aliases only as URN strings,
 * so its form is the old URN, built from the owner (project and stack) when it is known. A resource with a parent has
 * the parent's type in its URN too; `pulumi stack --show-urns` shows the old one.
 */
export function aliasHint(door: Door, owner?: Owner): string {
  if (door === "dynamic") return 'add aliases: [{ name: "<its old name>" }]';
  const { project, stack } = (owner && ownerParts(owner)) || {};
  const urn = project && stack ? `urn:pulumi:${stack}::${project}::${contactToken}::<old name>` : "<its old URN, from pulumi stack --show-urns>";
  return (
    `add an alias from its old name (YAML: options: { aliases: [ "${urn}" ] }; ` +
    'Python: opts=pulumi.ResourceOptions(aliases=[pulumi.Alias(name="<old name>")]); TypeScript: aliases: [{ name: "<old name>" }])'
  );
}

/** How to make a Contact take over the contact Callbell already has. */
export function adoptHint(door: Door): string {
  return door === "dynamic" ? "set adopt: true" : "set its adopt property to true (YAML and TypeScript: adopt: true; Python: adopt=True)";
}

/** The resource option that removes a resource from a stack without deleting what it manages, by its name in the user's language. */
export function retainOnDeleteOption(door: Door): string {
  return door === "dynamic" ? "retainOnDelete" : "the retainOnDelete resource option (Python: retain_on_delete)";
}
