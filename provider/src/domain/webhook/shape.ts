// The account's webhook as the provider holds it: its inputs, what Callbell answers, what the state keeps, and its
// properties as the plugin's schema declares them. The one list of a webhook's fields.
import { webhookEvents } from "../../client/webhooks";
import type { PropertySpec } from "../resource-type";
import type { Origin, Owner } from "../../run/owner";

/** What a program declares. */
export interface WebhookInputs {
  /** Where Callbell POSTs the events: an http(s) URL. */
  url: string;
  /** The events delivered there. */
  subscriptions: string[];
  /** Remove the webhook on destroy (unless Callbell shows it changed since); without it a destroy leaves it. */
  unsubscribeOnDelete?: boolean;
  /** Make this stack's webhook the account's, replacing whatever is set; without it a create refuses. */
  adopt?: boolean;
}

/** What Callbell answers. */
export interface WebhookComputed {
  createdAt?: string;
  enabled?: boolean;
}

/** What the state keeps besides. */
export interface WebhookHolding {
  origin?: Origin;
  owner?: Owner;
}

/** The state of a Webhook. */
export interface WebhookState extends WebhookInputs, WebhookComputed, WebhookHolding {}

/** The id of the account's one webhook in a stack's state. */
export const webhookId = "webhook";

/** The inputs, as the plugin's schema declares them. */
export const webhookInputSpecs: Record<keyof WebhookInputs, PropertySpec> = {
  url: { type: "string", description: "Where Callbell POSTs the events: an http(s) URL with its protocol. Callbell refuses localhost." },
  subscriptions: { type: "array", items: { type: "string" }, description: `The events delivered: any of ${webhookEvents.join(", ")}.` },
  unsubscribeOnDelete: {
    type: "boolean",
    description: "Remove the webhook on destroy (unless Callbell shows it changed since). Without it, a destroy leaves it, and says so.",
  },
  adopt: {
    type: "boolean",
    description:
      "Make this stack's webhook the account's, replacing whatever is set: Callbell keeps one webhook per account and documents no read of it, " +
      "so without adopt a create refuses and writes nothing.",
  },
};

/** The outputs Callbell answers, as the schema declares them. */
export const webhookComputedSpecs: Record<keyof WebhookComputed, PropertySpec> = {
  createdAt: { type: "string", description: "When the account's webhook was first set." },
  enabled: { type: "boolean", description: "False once Callbell disabled it after repeated failed deliveries; the next subscribe enables it again." },
};

/** What the state keeps for the lifecycle, as the schema declares it. */
export const webhookHoldingSpecs: Record<keyof WebhookHolding, PropertySpec> = {
  origin: { type: "string", description: '"adopted": the stack took the account\'s one webhook over with adopt.' },
  owner: { type: "string", description: "The resource that holds the webhook: <project>/<stack>/<resource name>." },
};

/** The input names. */
export const webhookInputNames = Object.keys(webhookInputSpecs) as (keyof WebhookInputs)[];

/** The names Callbell answers: a preview's create shows them as unknown. */
export const webhookComputedNames = Object.keys(webhookComputedSpecs) as (keyof WebhookComputed)[];

/** The same subscriptions in any order and spelling of repeats: sorted, each once. */
export const subscriptionSet = (list: readonly string[]): string[] => [...new Set(list)].sort();
