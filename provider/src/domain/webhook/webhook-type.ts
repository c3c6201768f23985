// The account's webhook as the doors serve it (resource-type.ts): its token, schema, core, computed outputs and the
// owner it takes from the URN.
import { webhookToken } from "../../tokens";
import { type ResourceType, ownerInput } from "../resource-type";
import { makeWebhookCore } from "./lifecycle";
import { webhookComputedNames, webhookComputedSpecs, webhookHoldingSpecs, webhookInputSpecs } from "./shape";

/** callbell:index:Webhook. */
export const webhookResource: ResourceType = {
  token: webhookToken,
  schema: {
    description:
      "The account's one webhook: where Callbell POSTs events. Callbell documents no read of it, so a create needs adopt (it replaces " +
      "whatever is set), refresh cannot see changes made elsewhere, and destroy removes it only with unsubscribeOnDelete (docs/webhook.md).",
    inputProperties: webhookInputSpecs,
    requiredInputs: ["url", "subscriptions"],
    properties: { ...webhookInputSpecs, ...webhookComputedSpecs, ...webhookHoldingSpecs },
    required: ["url", "subscriptions"],
  },
  core: makeWebhookCore,
  computedOutputs: webhookComputedNames,
  hiddenInputs: [ownerInput],
  coreInputs: (values, owner) => ({ ...values, [ownerInput]: owner }),
  secretNames: () => [],
};
