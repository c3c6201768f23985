// The Contact resource. It is what pulumi.dynamic.Resource would register (same type token, default provider
// pulumi-nodejs, a `__provider` input the host loads), but declared as a plain CustomResource: dynamic.Resource
// serializes a provider object into `__provider` (2,195 bytes for the old stub, stored in inputs AND outputs of
// every contact, and the file backend rewrites the whole state after every step), while the host only needs a
// module text whose `handler()` returns the provider. So `__provider` is one constant line that requires the
// implementation by package name. Stacks written with the old stub keep working: its text requires the same
// module, and the provider's diff ignores `__provider`, so moving to the constant shows no change.
import * as pulumi from "@pulumi/pulumi";
import { contactToken, contactType } from "../../tokens";
import { seedKey } from "../../domain/contact/identity";
import { ownerName } from "../../run/owner";
import { ContactInputs, ContactPublicOutputs, contactOutputNames, ownerInput } from "../../domain/contact/shape";

// A resolved type as a Contact takes it: the value, or a Promise or Output of it, and so for each list item and
// each object value inside. Lists and objects are matched whole ([T]), so a union such as boolean is not split.
type InputOf<T> = pulumi.Input<[T] extends [readonly (infer E)[]] ? InputOf<E>[] : [T] extends [object] ? { [K in keyof T]: InputOf<T[K]> } : T>;

/** The inputs of a Contact: ContactInputs (shape.ts, with its docs), each a plain value or an Output of another resource. */
export type ContactArgs = { [K in keyof ContactInputs]: InputOf<NonNullable<ContactInputs[K]>> };

/** The outputs of a Contact: each field of ContactPublicOutputs (shape.ts) as an Output. */
type ContactOutputProperties = { readonly [K in keyof ContactPublicOutputs]-?: pulumi.Output<ContactPublicOutputs[K]> };

/** The type token of Contact; callbell:index:Contact (PluginContact) is the plugin's. */
export { contactType };

/**
 * The `__provider` of every Contact: the dynamic-provider host runs `requireFromString(text).handler()` and keeps one
 * provider per distinct text. It names the package, never a path, so it is the same bytes on every machine and install.
 */
export const contactProviderSource = 'module.exports=require("pulumi-callbell/dist/contact/host")';

/** Options of a Contact: the usual resource options. `protect` or `retainOnDelete` guard against irreversible deletes. */
export type ContactOptions = pulumi.CustomResourceOptions;

// The outputs are declared by this interface, merged into the class below, so that they follow shape.ts: a class
// cannot take its properties from a mapped type, and an interface merged with it adds types only, no fields that
// would hide the Outputs the SDK sets. The constructor passes every name in contactOutputNames, so each is one.
// eslint-disable-next-line @typescript-eslint/no-empty-object-type, @typescript-eslint/no-unsafe-declaration-merging
export interface Contact extends ContactOutputProperties {}

/** A Callbell contact, created with POST /contacts and kept as declared; its type token is contactType. */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export class Contact extends pulumi.CustomResource {
  /** Declares a contact. */
  constructor(name: string, args: ContactArgs, opts?: ContactOptions) {
    claimContact(contactType, name, args);
    // Which resource this is, so the provider can tell its own contacts from others' (ownership.ts).
    const owner = ownerName(pulumi.getProject(), pulumi.getStack(), name);
    const props = { ...outputSlots(), ...args, [ownerInput]: owner, __provider: contactProviderSource };
    const limit = stackTracesOff();
    try {
      super(contactType, name, props, opts);
    } finally {
      Error.stackTraceLimit = limit;
    }
  }
}

// The outputs of PluginContact, declared like Contact's.
// eslint-disable-next-line @typescript-eslint/no-empty-object-type, @typescript-eslint/no-unsafe-declaration-merging
export interface PluginContact extends ContactOutputProperties {}

/**
 * The same contact served by the provider plugin (`callbell:index:Contact`, the resource YAML and Python programs
 * declare), from TypeScript: the plugin gives `pulumi import` and the provider's own detailed diff. The project names
 * the plugin (Pulumi.yaml `plugins: providers:`, or `pulumi plugin install`). docs/plugin.md shows the move between
 * the two kinds, which writes nothing.
 */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export class PluginContact extends pulumi.CustomResource {
  /** Declares a contact; the plugin takes its owner from the URN. */
  constructor(name: string, args: ContactArgs, opts?: ContactOptions) {
    claimContact(contactToken, name, args);
    const limit = stackTracesOff();
    try {
      super(contactToken, name, { ...outputSlots(), ...args }, opts);
    } finally {
      Error.stackTraceLimit = limit;
    }
  }
}

// The SDK makes an Output on the instance only for the keys it is given: every output name goes in, undefined unless
// declared (an undefined value is not sent to the engine).
const outputSlots = () => Object.fromEntries(contactOutputNames.map((key) => [key, undefined]));

// The SDK stores `new Error().stack` on 4 promises per property (dozens for a Contact), each one source-mapped under
// ts-node, and reads them only to report a leaked promise. Measured for 500 contacts under ts-node: 5.9 s of CPU
// without, 1.8 s with the limit at 0. The resource's source position is not affected: Resource.callsites() sets its
// own limit. The caller restores the returned limit even if the SDK throws, so later errors keep their stacks.
function stackTracesOff(): number {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  return limit;
}

// Which resource of each type declares each contact, per run of the program (the engine's monitor is one per run).
const claimsByRun = new WeakMap<object, Map<string, { type: string; name: string }>>();
const runWithoutMonitor = {};

/**
 * Refuses one contact declared by a Contact and by a PluginContact in one program. Two providers serve the two types,
 * each in its own process, so neither's check sees the other's declaration; and two resources holding one contact
 * could not say, when one of them is later removed, whether deleting it takes a contact the other still declares.
 * Only plain identifiers are compared here (an Output one is left to the providers' checks and ownership rules);
 * ContactSet claims its secret seeds itself, before it wraps them.
 */
export function claimContact(type: string, name: string, identity: Partial<Record<"source" | "identifier" | "channelUuid" | "channel", unknown>>): void {
  const { source, identifier, channelUuid, channel } = identity;
  if (typeof source !== "string" || typeof identifier !== "string") return;
  if (![channelUuid, channel].every((v) => v === undefined || typeof v === "string" || (typeof v === "object" && !pulumi.Output.isInstance(v)))) return;
  const key = seedKey({ source, identifier, channelUuid: channelUuid as string | undefined, channel });
  const monitor = (pulumi.runtime.getMonitor() as object | undefined) ?? runWithoutMonitor;
  const claims = claimsByRun.get(monitor) ?? new Map<string, { type: string; name: string }>();
  claimsByRun.set(monitor, claims);
  const other = claims.get(key);
  if (other && other.type !== type) {
    throw new pulumi.RunError(
      `Resources "${other.name}" (${other.type}) and "${name}" (${type}) declare the same Callbell contact: declare each contact once. ` +
        `To move a contact from one type to the other, declare it with the new type only, with aliases: [{ type: "${other.type}" }] ` +
        "(docs/plugin.md). Nothing was written.",
    );
  }
  if (!other) claims.set(key, { type, name });
}
