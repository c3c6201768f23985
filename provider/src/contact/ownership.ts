// Whose contact is it? Pure decisions, no I/O. A Callbell delete cannot be undone, so the
// provider takes over or deletes a contact only when it can show that the contact is this
// resource's, and otherwise refuses (create) or leaves the contact in Callbell (delete).
//
// Proof comes from two places:
// - the owner mark: with `callbell:ownerField` set, every contact this provider creates or takes
//   over carries "<project>/<stack>/<resource name>" in that text custom field (written by the
//   POST itself, so even a create whose run was killed is marked);
// - the run: the dynamic-provider host serves every Contact of a `pulumi` run in one process,
//   and the engine runs the deletes of removed resources after the program's creates and
//   diffs, so the provider knows which contacts a live resource keeps before any delete comes.

/** Who a resource is: "<project>/<stack>/<resource name>", passed by Contact as the `__owner` input. */
export type Owner = string;

/** How a resource came to hold its contact; kept in state, so delete knows. */
export type Origin = "created" | "adopted";

/** What create may do with a contact that already has the declared identifier. */
export type TakeoverDecision = { takeOver: true; origin: Origin; why: string } | { takeOver: false; refusal: string };

/** The facts create decides on. */
export interface TakeoverFacts {
  /** This resource. */
  owner?: Owner;
  /** The value of the owner field on the existing contact; undefined without `callbell:ownerField`. */
  mark?: string;
  /** True when `callbell:ownerField` is set. */
  marking: boolean;
  adopt: boolean;
  /** `callbell:recoverCreates`: a contact with the declared name is this stack's own earlier create. */
  recoverCreates: boolean;
  sameName: boolean;
  /** Another resource of this run already keeps the contact. */
  keptByAnother: boolean;
}

/** The stack part of an owner: "<project>/<stack>/". */
function stackOf(owner: Owner): string {
  const parts = owner.split("/");
  return parts.length >= 3 ? `${parts[0]}/${parts[1]}/` : owner;
}

/** Decides whether create may take over an existing contact, or why not. */
export function decideTakeover(f: TakeoverFacts): TakeoverDecision {
  if (f.keptByAnother) {
    return { takeOver: false, refusal: "another resource of this program already manages it; declare each contact once" };
  }
  const mark = f.mark?.trim();
  if (f.marking && mark) {
    if (f.owner && mark === f.owner) return { takeOver: true, origin: "created", why: "its owner mark names this resource (an earlier, interrupted create)" };
    if (f.owner && stackOf(mark) === stackOf(f.owner)) {
      return { takeOver: true, origin: "created", why: `its owner mark names ${mark}, a resource of this stack (a rename)` };
    }
    return {
      takeOver: false,
      refusal:
        `its owner field says it is managed by ${mark}; a contact has one owner, so declare it in that stack only ` +
        "(or, to move it here, remove it from that stack with retainOnDelete and clear the field in the dashboard)",
    };
  }
  if (f.adopt) return { takeOver: true, origin: "adopted", why: "adopt: true" };
  if (f.recoverCreates && f.sameName) return { takeOver: true, origin: "created", why: "callbell:recoverCreates and the same name" };
  const unmarked = f.marking ? "it carries no owner mark" : "nothing shows that this stack made it";
  return {
    takeOver: false,
    refusal:
      `${unmarked}. If you renamed this resource, add aliases: [{ name: "<its old name>" }]; ` +
      "if a killed run of this stack created it, run the next up with callbell:recoverCreates=true (or CALLBELL_RECOVER_CREATES=true); " +
      "to manage an existing contact, set adopt: true",
  };
}

/** What delete may do. */
export type DeleteDecision = { delete: true } | { delete: false; reason: string };

/** The facts delete decides on. */
export interface DeleteFacts {
  /** The owner mark the resource being deleted wrote, if any. */
  ownMark?: string;
  origin?: Origin;
  /** State written before origins were recorded: adopt was set, so the contact may not be ours. */
  legacyAdopt: boolean;
  /** Another resource of this run keeps the contact. */
  keptByAnother: boolean;
  marking: boolean;
  /** The owner field on the contact as Callbell has it now (marking only). */
  mark?: string;
}

/** Decides whether delete may send DELETE, or why the contact is left in Callbell. */
export function decideDelete(f: DeleteFacts): DeleteDecision {
  if (f.keptByAnother) return { delete: false, reason: "another resource of this program now manages it (a rename?)" };
  if (f.origin === "adopted" || (f.origin === undefined && f.legacyAdopt)) {
    return { delete: false, reason: "it was adopted, not created, by this stack, and adopted contacts are never deleted" };
  }
  const mark = f.mark?.trim();
  if (f.marking && mark && mark !== f.ownMark) return { delete: false, reason: `its owner field says it is managed by ${mark}` };
  return { delete: true };
}
