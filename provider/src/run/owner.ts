// Who holds a contact: a resource, named "<project>/<stack>/<resource name>". The one home of owner strings: how they
// are built (from a program's names or a URN), read back (their stack, their resource name) and fingerprinted for the
// run's shared files.
import { createHash } from "crypto";

/** Who a resource is: "<project>/<stack>/<resource name>", passed by Contact as the `__owner` input. */
export type Owner = string;

/** How a resource came to hold its contact; kept in state, so delete knows. */
export type Origin = "created" | "adopted";

/** The owner of resource `name` of a stack: what Contact passes as `__owner`. */
export const ownerName = (project: string, stack: string, name: string): Owner => `${project}/${stack}/${name}`;

/** The owner named by a resource URN, "urn:pulumi:<stack>::<project>::<type>::<name>" (the provider plugin's view). */
export function ownerFromUrn(urn: string): Owner | undefined {
  const [head, project, , ...name] = urn.split("::");
  const stack = head?.startsWith("urn:pulumi:") ? head.slice("urn:pulumi:".length) : undefined;
  return stack && project && name.length ? ownerName(project, stack, name.join("::")) : undefined;
}

/** An owner's parts; the resource name may itself hold "/" (a child's name), so everything after the stack is it. */
export function ownerParts(owner: Owner): { project: string; stack: string; resource: string } | undefined {
  const [project, stack, ...resource] = owner.split("/");
  return project && stack !== undefined && resource.join("/") !== "" ? { project, stack, resource: resource.join("/") } : undefined;
}

/** The stack an owner belongs to, "<project>/<stack>"; undefined for text that is no owner (two stacks never share it). */
export const stackOfOwner = (owner: Owner): string | undefined => {
  const parts = ownerParts(owner);
  return parts ? `${parts.project}/${parts.stack}` : undefined;
};

/** The resource name in an owner; the owner itself when it has no such parts. */
export const resourceOfOwner = (owner: Owner): string => ownerParts(owner)?.resource || owner;

/**
 * A live resource of this run that keeps a contact: created or taken over here, or diffed without a replacement. Its
 * owner in clear when this process knows it, else (told by another provider process of the run) its fingerprint.
 */
export interface Keeper {
  owner?: Owner;
  ownerFingerprint?: string;
  origin?: Origin;
}

/** A one-way name for a resource, the same in every process: the run's shared files name owners by it, never in clear. */
export const ownerFingerprint = (owner: Owner): string => createHash("sha256").update(owner).digest("hex").slice(0, 24);

/** Whether the keeper is this very resource (its replacement, or the same resource served by another process). */
export function keeperIs(keeper: Keeper, owner: Owner | undefined): boolean {
  if (owner === undefined) return false;
  return keeper.owner !== undefined ? keeper.owner === owner : keeper.ownerFingerprint === ownerFingerprint(owner);
}
