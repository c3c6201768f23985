// Whose contact is it? Pure decisions, no I/O. A Callbell delete cannot be undone, so the
// provider takes over or deletes a contact only when it can show that the contact is this
// resource's, and otherwise refuses (create) or leaves the contact in Callbell (delete).
//
// Proof comes from two places:
// - the owner mark: with `callbell:ownerField` set, every contact this provider creates or takes
//   over carries "<project>/<stack>/<resource name> @<backend>" in that text custom field (written
//   by the POST itself, so even a create whose run was killed is marked). <backend> fingerprints
//   the Pulumi backend that holds the stack's state (backend.ts): a stack of the same name in
//   another backend (a laptop's file:// next to the pipeline's) is another stack, and a mark it
//   cannot match is not its own;
// - the run: the dynamic-provider host serves every Contact of a `pulumi` run in one process,
//   and the engine runs the deletes of removed or replaced resources after the program's creates
//   and diffs, so the provider knows which contacts a live resource keeps before any delete comes.
//   A resource replaced with the same URN (`up --replace`) keeps its contact through its
//   replacement: Callbell holds one contact per number, so the replacement takes the same one.

import { Keeper, Origin, Owner, keeperIs, ownerParts, stackOfOwner } from "../../run/owner";
import { Door, adoptHint, aliasHint, retainOnDeleteOption } from "./hints";

/**
 * An owner mark: whose contact it is, the fingerprint of the backend of that owner's stack (none in marks of earlier
 * versions), and whether the owner adopted it. The mark says "adopted" because `up --replace` gives the replacement no
 * old state: the mark is then the only record that the contact, which is never deleted, was adopted.
 */
export interface OwnerMark {
  owner: Owner;
  backend?: string;
  adopted?: boolean;
}

const markPattern = /^(.*) @([0-9a-f]{8})( adopted)?$/s;

/** The text of an owner mark: "<project>/<stack>/<resource> @<backend>[ adopted]". */
export function writeMark(mark: OwnerMark): string {
  return `${mark.owner}${mark.backend ? ` @${mark.backend}` : ""}${mark.backend && mark.adopted ? " adopted" : ""}`;
}

/** Parses an owner field's text; a mark without a backend is one an earlier version wrote. */
export function readMark(text: string): OwnerMark {
  const match = markPattern.exec(text.trim());
  return match ? { owner: match[1], backend: match[2], adopted: match[3] !== undefined } : { owner: text.trim() };
}

/**
 * Whether a text has the shape of a mark written by this version: "<project>/<stack>/<resource> @<backend>[ adopted]".
 * Without an owner field nothing is a mark; this only lets `export` and an adopting create say that a custom field
 * looks like another stack's owner field. A mark of an earlier version (no "@<backend>") is not recognised.
 */
export function looksLikeMark(text: string): boolean {
  return markPattern.test(text.trim()) && markHolder(text) !== undefined;
}

/**
 * The "<project>/<stack>" a mark names, or undefined when the text is not "<project>/<stack>/<resource>…". Output names a
 * mark's holder by this only: the resource name may be made of the phone number (ContactSet's `whatsapp-<digits>`).
 */
export function markHolder(text: string): string | undefined {
  const parts = ownerParts(readMark(text).owner);
  const part = /^[A-Za-z0-9._-]+$/;
  return parts && part.test(parts.project) && part.test(parts.stack) ? `${parts.project}/${parts.stack}` : undefined;
}

/**
 * Custom fields other than `ownerField` that hold a mark of another stack than `owner`'s (looksLikeMark), field → the
 * "<project>/<stack>" it names: an adopt that cannot read marks (no owner field, or another field than those stacks use)
 * says so, as the contact may be another stack's, whose destroy would delete it. A mark of this stack's name written
 * from another backend (`backend`, when known) is another stack's: two backends may each hold a stack of one name.
 */
export function foreignMarks(
  customFields: Record<string, unknown> | undefined,
  ownerField: string | undefined,
  owner: Owner | undefined,
  backend?: string,
): Record<string, string> {
  const found: Record<string, string> = {};
  for (const [field, value] of Object.entries(customFields ?? {})) {
    if (field === ownerField || typeof value !== "string" || !looksLikeMark(value)) continue;
    const holder = markHolder(value);
    const sameStack = owner !== undefined && holder !== undefined && holder === stackOfOwner(owner);
    const written = readMark(value).backend;
    const sameBackend = backend === undefined || written === undefined || written === backend;
    if (holder && !(sameStack && sameBackend)) found[field] = backend && sameStack ? `${holder} (in another backend)` : holder;
  }
  return found;
}

/** What create may do with a contact that already has the declared identifier. */
export type TakeoverDecision = { takeOver: true; origin: Origin; why: string } | { takeOver: false; refusal: string };

/** The facts create decides on. */
export interface TakeoverFacts {
  /** This resource. */
  owner?: Owner;
  /** The fingerprint of this run's backend, when it is known. */
  backend?: string;
  /** The value of the owner field on the existing contact; undefined without `callbell:ownerField`. */
  mark?: string;
  /** True when `callbell:ownerField` is set. */
  marking: boolean;
  adopt: boolean;
  /** `callbell:recoverCreates`: a contact with the declared name, or marked for this stack, is this stack's own earlier create. */
  recoverCreates: boolean;
  sameName: boolean;
  /** The live resource of this run that keeps the contact, if any. */
  keeper?: Keeper;
  /** The front door the run serves, for the syntax of the hints (hints.ts); the dynamic resource's when not given. */
  door?: Door;
}

/** Where a mark's stack lives, said to a user whose run is in `backend`. */
function elsewhere(mark: OwnerMark, backend: string | undefined): string {
  if (!mark.backend) return " (a mark written before marks named their Pulumi backend, so its backend cannot be told)";
  return mark.backend === backend ? "" : ` in another Pulumi backend (backend ${mark.backend}; this run's is ${backend ?? "unknown"})`;
}

/** Decides whether create may take over an existing contact, or why not. */
export function decideTakeover(f: TakeoverFacts): TakeoverDecision {
  const door = f.door ?? "dynamic";
  if (f.keeper) {
    if (keeperIs(f.keeper, f.owner)) {
      // The state of this very resource holds the contact: it is being replaced (`up --replace`, or replaced
      // before its delete), and Callbell holds one contact per number, so the replacement keeps it as it was held.
      return { takeOver: true, origin: f.keeper.origin ?? "created", why: "this resource already holds it (a replacement keeps its contact)" };
    }
    return { takeOver: false, refusal: "another resource of this program already manages it; declare each contact once" };
  }
  const text = f.mark?.trim();
  if (f.marking && text) {
    const mark = readMark(text);
    // Text that is no "<project>/<stack>/<name>" owner names no stack, so it is never this stack's.
    const markStack = stackOfOwner(mark.owner);
    const ours = f.owner !== undefined && (mark.owner === f.owner || (markStack !== undefined && markStack === stackOfOwner(f.owner)));
    // Held as the mark says: a contact adopted once stays adopted (never deleted) through a rename or a replacement.
    const origin: Origin = mark.adopted || f.adopt ? "adopted" : "created";
    if (ours && mark.backend !== undefined && mark.backend === f.backend) {
      const why =
        mark.owner === f.owner
          ? "its owner mark names this resource (an interrupted create, or this resource's replacement)"
          : `its owner mark names ${mark.owner}, a resource of this stack (a rename)`;
      return { takeOver: true, origin, why };
    }
    if (ours && f.recoverCreates) return { takeOver: true, origin, why: `callbell:recoverCreates and its owner mark names ${mark.owner}` };
    if (ours) {
      return {
        takeOver: false,
        refusal:
          `its owner field says it is managed by ${mark.owner}${elsewhere(mark, f.backend)}; a stack of the same name in another backend is ` +
          "another stack, so declare the contact in that one only. If it really is this stack's (a killed run of this stack, or a stack " +
          "moved here without its state), run the next up with callbell:recoverCreates=true (or CALLBELL_RECOVER_CREATES=true)",
      };
    }
    return {
      takeOver: false,
      refusal:
        `its owner field says it is managed by ${mark.owner}${elsewhere(mark, f.backend)}; a contact has one owner, so declare it in that stack only ` +
        `(or, to move it here, remove it from that stack with ${retainOnDeleteOption(door)} and clear the field in the dashboard)`,
    };
  }
  if (f.adopt) return { takeOver: true, origin: "adopted", why: "adopt: true" };
  if (f.recoverCreates && f.sameName) return { takeOver: true, origin: "created", why: "callbell:recoverCreates and the same name" };
  const unmarked = f.marking ? "it carries no owner mark" : "nothing shows that this stack made it";
  return {
    takeOver: false,
    refusal:
      `${unmarked}. If you renamed this resource, ${aliasHint(door, f.owner)}; ` +
      "if a killed run of this stack created it, run the next up with callbell:recoverCreates=true (or CALLBELL_RECOVER_CREATES=true); " +
      "if this is 'pulumi up --replace' of this resource, Callbell holds one contact per number, so the replacement can only keep it: " +
      "run that up with callbell:recoverCreates=true too (with callbell:ownerField set, --replace needs nothing); " +
      `to manage an existing contact, ${adoptHint(door)}`,
  };
}

/** What delete may do; when it leaves the contact, whether Pulumi still holds it through another resource. */
export type DeleteDecision = { delete: true } | { delete: false; reason: string; stillHeld: boolean };

/** The facts delete decides on. */
export interface DeleteFacts {
  /** The resource being deleted. */
  owner?: Owner;
  /** The owner mark the resource being deleted wrote, if any. */
  ownMark?: string;
  origin?: Origin;
  /** State written before origins were recorded: adopt was set, so the contact may not be ours. */
  legacyAdopt: boolean;
  /** The live resource of this run that keeps the contact, if any. */
  keeper?: Keeper;
  marking: boolean;
  /** The owner field on the contact as Callbell has it now (marking only). */
  mark?: string;
  /** The fingerprint of this run's backend, when it is known. */
  backend?: string;
}

/**
 * What the user may do about a contact delete left in Callbell, said after decideDelete's reason. Deleting it by hand
 * is advised only where nothing else can still need it: an adopted contact was in Callbell before this stack, and
 * another stack (or a person) may still manage it; a contact another stack's mark names is that stack's.
 */
export function leftContactAdvice(f: DeleteFacts, decision: { stillHeld: boolean }): string {
  if (decision.stillHeld) return "It stays under Pulumi, held by the resource that keeps it.";
  const untracked = "Pulumi no longer tracks it through this resource";
  if (f.origin === "adopted" || (f.origin === undefined && f.legacyAdopt)) {
    if (f.marking && f.ownMark?.trim()) {
      return (
        `${untracked}; it was in Callbell before this stack adopted it, and this stack marked it as its own (callbell:ownerField): ` +
        "delete it in the Callbell dashboard if no one needs it any more, or clear that field on it for another stack to adopt it."
      );
    }
    return (
      `${untracked}; it was in Callbell before this stack adopted it, and another stack may still manage it ` +
      `(${f.marking ? "it carries no owner mark of this stack" : "without callbell:ownerField the provider cannot tell"}): ` +
      "delete it in the Callbell dashboard only if no other stack manages it and no one needs it."
    );
  }
  return `${untracked}; its owner field names another owner than this stack (in this backend): leave it to that owner.`;
}

/** Decides whether delete may send DELETE, or why the contact is left in Callbell. */
export function decideDelete(f: DeleteFacts): DeleteDecision {
  if (f.keeper) {
    const replaced = keeperIs(f.keeper, f.owner);
    const reason = replaced ? "the resource that replaces it keeps the same contact" : "another resource of this program now manages it (a rename?)";
    return { delete: false, reason, stillHeld: true };
  }
  if (f.origin === "adopted" || (f.origin === undefined && f.legacyAdopt)) {
    return { delete: false, reason: "it was adopted, not created, by this stack, and adopted contacts are never deleted", stillHeld: false };
  }
  const mark = f.mark?.trim();
  if (f.marking && mark && mark !== f.ownMark?.trim()) {
    const theirs = readMark(mark);
    return { delete: false, reason: `its owner field says it is managed by ${theirs.owner}${elsewhere(theirs, f.backend)}`, stillHeld: false };
  }
  return { delete: true };
}
