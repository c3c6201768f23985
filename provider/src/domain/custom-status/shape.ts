// A custom status as the provider holds it: its inputs, the outputs Callbell computes, what the state keeps for the
// lifecycle, and its properties as the plugin's schema declares them. The one list of a status's fields.
import type { PropertySpec } from "../resource-type";
import type { Origin, Owner } from "../../run/owner";

/** What a program declares. */
export interface CustomStatusInputs {
  /** The name agents pick, e.g. "Lunch"; unique in the account (compared without case). */
  name: string;
  /** One emoji shown beside the name, e.g. "🍙". */
  emoji?: string;
  /** Take over the status of this name that the account already has; an adopted status is never deleted by this stack. */
  adopt?: boolean;
}

/** What Callbell computes. */
export interface CustomStatusComputed {
  createdAt?: string;
  updatedAt?: string;
}

/** What the state keeps besides: how the resource came to hold the status, and which resource it is. */
export interface CustomStatusHolding {
  origin?: Origin;
  owner?: Owner;
}

/** The state of a CustomStatus. */
export interface CustomStatusState extends CustomStatusInputs, CustomStatusComputed, CustomStatusHolding {}

/** The inputs, as the plugin's schema declares them. */
export const customStatusInputSpecs: Record<keyof CustomStatusInputs, PropertySpec> = {
  name: { type: "string", description: 'The status name agents pick, e.g. "Lunch". Unique in the account, compared without case.' },
  emoji: { type: "string", description: 'One emoji shown beside the name, e.g. "🍙".' },
  adopt: {
    type: "boolean",
    description: "Take over the status of this name that the account already has (it is then never deleted by this stack). Without it, a create refuses.",
  },
};

/** The outputs Callbell computes, as the schema declares them. */
export const customStatusComputedSpecs: Record<keyof CustomStatusComputed, PropertySpec> = {
  createdAt: { type: "string", description: "When Callbell created the status." },
  updatedAt: { type: "string", description: "When the status last changed in Callbell." },
};

/** What the state keeps for the lifecycle, as the schema declares it. */
export const customStatusHoldingSpecs: Record<keyof CustomStatusHolding, PropertySpec> = {
  origin: { type: "string", description: '"created" (deleted with the resource) or "adopted" (never deleted by this stack).' },
  owner: { type: "string", description: "The resource that holds the status: <project>/<stack>/<resource name>." },
};

/** The input names. */
export const customStatusInputNames = Object.keys(customStatusInputSpecs) as (keyof CustomStatusInputs)[];

/** The names Callbell computes: a preview's create shows them as unknown. */
export const customStatusComputedNames = Object.keys(customStatusComputedSpecs) as (keyof CustomStatusComputed)[];

/** Which statuses are one: a name compared without case or surrounding and repeated spaces. */
export const statusNameKey = (name: string): string => name.trim().replace(/\s+/g, " ").toLowerCase();
