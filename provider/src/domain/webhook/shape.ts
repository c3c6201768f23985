// The account's webhook as the provider holds it: its inputs, what Callbell answers, what the state keeps, and its
// properties as the plugin's schema declares them. The one list of a webhook's fields.
import { webhookEvents } from "../../client/webhooks";
import type { PropertySpec } from "../contact/shape";
import type { Origin, Owner } from "../../run/owner";

/** What a program declares. */
export interface WebhookInputs {
  /** Where Callbell POSTs the events: an http(s) URL. */
  url: string;
  /** The events delivered there. */
  subscriptions: string[];
  /** Remove the webhook on destroy even when Callbell cannot show it is still this stack's (it documents no read). */
  unsubscribeOnDelete?: boolean;
  /** Take over the webhook the account already has when it can be read and is another; without it a create refuses. */
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
    description:
      "Remove the webhook on destroy although Callbell cannot show it is still this stack's (the API has no read of it). " +
      "Without it, a destroy leaves the webhook, and says so, unless a read shows it unchanged.",
  },
  adopt: { type: "boolean", description: "Replace a webhook the account already has, when Callbell shows one set to another URL." },
};

/** The outputs Callbell answers, as the schema declares them. */
export const webhookComputedSpecs: Record<keyof WebhookComputed, PropertySpec> = {
  createdAt: { type: "string", description: "When the account's webhook was first set." },
  enabled: { type: "boolean", description: "False once Callbell disabled it after repeated failed deliveries; the next subscribe enables it again." },
};

/** What the state keeps for the lifecycle, as the schema declares it. */
export const webhookHoldingSpecs: Record<keyof WebhookHolding, PropertySpec> = {
  origin: { type: "string", description: '"created", or "adopted" when it replaced a webhook the account had.' },
  owner: { type: "string", description: "The resource that holds the webhook: <project>/<stack>/<resource name>." },
};

/** The input names. */
export const webhookInputNames = Object.keys(webhookInputSpecs) as (keyof WebhookInputs)[];

/** The names Callbell answers: a preview's create shows them as unknown. */
export const webhookComputedNames = Object.keys(webhookComputedSpecs) as (keyof WebhookComputed)[];

/** The same subscriptions in any order and spelling of repeats: sorted, each once. */
export const subscriptionSet = (list: readonly string[]): string[] => [...new Set(list)].sort();
