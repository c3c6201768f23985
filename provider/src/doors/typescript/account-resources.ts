// The account's other resources for TypeScript programs: CustomStatus and Webhook, dynamic resources served by the
// same host as Contact (doors/dynamic/host.ts), each with a constant `__provider` line naming the package and its type.
import * as pulumi from "@pulumi/pulumi";
import { customStatusToken, customStatusType, webhookToken, webhookType } from "../../tokens";
import { ownerName } from "../../run/owner";
import { ownerInput } from "../../domain/resource-type";
import type { CustomStatusComputed, CustomStatusInputs } from "../../domain/custom-status/shape";
import { customStatusComputedNames } from "../../domain/custom-status/shape";
import type { WebhookComputed, WebhookInputs } from "../../domain/webhook/shape";
import { webhookComputedNames } from "../../domain/webhook/shape";

type Inputs<T> = { [K in keyof T]: pulumi.Input<T[K] extends readonly (infer E)[] ? pulumi.Input<E>[] : T[K]> };
type Outputs<T> = { readonly [K in keyof T]-?: pulumi.Output<T[K]> };

/** The `__provider` of a resource type: the host runs `requireFromString(text).handler()`. */
const providerSource = (token: string) => `module.exports=require("pulumi-callbell/dist/doors/dynamic/host").hostOf(${JSON.stringify(token)})`;

/** The inputs of a CustomStatus. */
export type CustomStatusArgs = Inputs<CustomStatusInputs>;

/** The inputs of a Webhook. */
export type WebhookArgs = Inputs<WebhookInputs>;

// Every output name goes in, undefined unless declared: the SDK makes an Output on the instance only for the keys given.
const slots = (names: readonly string[]) => Object.fromEntries(names.map((n) => [n, undefined]));

// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export interface CustomStatus extends Outputs<Omit<CustomStatusInputs, "adopt">>, Outputs<CustomStatusComputed> {}

/** A custom status agents pick ("Lunch 🍙"): one per name; a delete is irreversible, and adopted ones are never deleted. */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export class CustomStatus extends pulumi.CustomResource {
  /** Declares a custom status. */
  constructor(name: string, args: CustomStatusArgs, opts?: pulumi.CustomResourceOptions) {
    const owner = ownerName(pulumi.getProject(), pulumi.getStack(), name);
    const props = { ...slots(["name", "emoji", ...customStatusComputedNames]), ...args, [ownerInput]: owner, __provider: providerSource(customStatusToken) };
    super(customStatusType, name, props, opts);
  }
}

// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export interface Webhook extends Outputs<Pick<WebhookInputs, "url" | "subscriptions">>, Outputs<WebhookComputed> {}

/**
 * The account's one webhook (docs/webhook.md): Callbell documents no read of it, so a create needs `adopt` (it replaces
 * whatever is set), and a destroy removes it only with `unsubscribeOnDelete`.
 */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export class Webhook extends pulumi.CustomResource {
  /** Declares the account's webhook. */
  constructor(name: string, args: WebhookArgs, opts?: pulumi.CustomResourceOptions) {
    const owner = ownerName(pulumi.getProject(), pulumi.getStack(), name);
    const props = { ...slots(["url", "subscriptions", ...webhookComputedNames]), ...args, [ownerInput]: owner, __provider: providerSource(webhookToken) };
    super(webhookType, name, props, opts);
  }
}
