// The custom status as the doors serve it (resource-type.ts): its token, schema, core, computed outputs and the owner
// it takes from the URN. Nothing of it is personal data.
import { customStatusToken } from "../../tokens";
import { type ResourceType, ownerInput } from "../resource-type";
import { makeCustomStatusCore } from "./lifecycle";
import { customStatusComputedNames, customStatusComputedSpecs, customStatusHoldingSpecs, customStatusInputSpecs } from "./shape";

/** callbell:index:CustomStatus. */
export const customStatusResource: ResourceType = {
  token: customStatusToken,
  schema: {
    description:
      'A custom status agents pick in Callbell ("Lunch 🍙"). One per name: a create refuses a name the account has unless adopt is set. ' +
      "A delete is irreversible; adopted and imported statuses are never deleted.",
    inputProperties: customStatusInputSpecs,
    requiredInputs: ["name"],
    properties: { ...customStatusInputSpecs, ...customStatusComputedSpecs, ...customStatusHoldingSpecs },
    required: ["name"],
  },
  core: makeCustomStatusCore,
  computedOutputs: customStatusComputedNames,
  hiddenInputs: [ownerInput],
  coreInputs: (values, owner) => ({ ...values, [ownerInput]: owner }),
  secretNames: () => [],
};
