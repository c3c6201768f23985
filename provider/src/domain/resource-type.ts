// What a door needs of one resource type, and nothing of its rules: its token, its core over a run (the six operations
// in the core's own types) and how its values travel (computed outputs, hidden inputs, names that go back secret). A
// door serves the list in resource-types.ts; adding a type adds an entry there, not code to a door.
import type { Owner } from "../run/owner";
import type { ProviderContext } from "./account-run";

/** Property values as the engine carries them, by name: what a door hands a core and takes back. */
export type PropertyValues = Readonly<Record<string, unknown>>;

/** The hidden input a door adds to say which resource it is: "<project>/<stack>/<resource name>". */
export const ownerInput = "__owner";

/** The owner a door passed in the hidden `__owner` input, if any. */
export const ownerOf = (props: unknown): Owner | undefined => {
  const value = (props as Record<string, unknown> | undefined)?.[ownerInput];
  return typeof value === "string" && value !== "" ? value : undefined;
};

/** True for a value a door adds for itself (`__owner`, the dynamic host's `__provider`), which is no input of a type. */
export const isDoorValue = (name: string): boolean => name.startsWith("__");

/** A property as the plugin's schema declares it. */
export interface PropertySpec {
  type?: "string" | "boolean" | "number" | "integer" | "array" | "object";
  items?: PropertySpec;
  additionalProperties?: PropertySpec;
  oneOf?: PropertySpec[];
  $ref?: string;
  description?: string;
}

/** A resource as the plugin's schema declares it. */
export interface ResourceSchema {
  description: string;
  inputProperties: Record<string, PropertySpec>;
  requiredInputs: readonly string[];
  properties: Record<string, PropertySpec>;
  required: readonly string[];
}

/** A property check refused, and why, in a sentence that names the fix. */
export interface CheckFailure {
  property: string;
  reason: string;
}

/** What check answers: the inputs to store (checked and normalised, or as given when refused), and what it refused. */
export interface CheckAnswer {
  inputs: PropertyValues;
  failures: CheckFailure[];
}

/** How one property changes: in place, or by replacing the resource. */
export type PropertyChange = "update" | "replace";

/** What diff answers: whether anything changes, what forces a replacement, the outputs an update keeps, and each changed property. */
export interface DiffAnswer {
  changes: boolean;
  replaces: string[];
  stables: string[];
  /** The detailed diff: each property the code changes, and how. */
  properties: Record<string, PropertyChange>;
}

/** The resource's id and state after a create or an update. */
export interface WriteAnswer<State extends object = object> {
  id: string;
  state: State;
}

/** What read answers: the state and the inputs it stands for; undefined when the resource is gone. */
export type ReadAnswer<State extends object = object> = { id: string; state: State; inputs: PropertyValues } | undefined;

/** A resource type's six operations over one run, in the core's own types: every door translates to and from these. */
export interface ResourceCore<State extends object = object> {
  check(olds: PropertyValues, news: PropertyValues): Promise<CheckAnswer>;
  diff(id: string, olds: PropertyValues, news: PropertyValues): Promise<DiffAnswer>;
  create(news: PropertyValues): Promise<WriteAnswer<State>>;
  read(id: string, olds: PropertyValues): Promise<ReadAnswer<State>>;
  update(id: string, olds: PropertyValues, news: PropertyValues): Promise<WriteAnswer<State>>;
  delete(id: string, olds: PropertyValues): Promise<void>;
}

/** One resource type as a door serves it. */
export interface ResourceType {
  /** The plugin's type token, e.g. "callbell:index:Contact". */
  readonly token: string;
  /** The resource as the plugin's schema declares it. */
  readonly schema: ResourceSchema;
  /** The core of one provider process (one run). */
  core(context: ProviderContext): ResourceCore;
  /** Outputs only the API's answer fills: a preview's create shows them as unknown. */
  readonly computedOutputs: readonly string[];
  /** Inputs the core adds for itself (the owner), left out of the inputs a door stores. */
  readonly hiddenInputs: readonly string[];
  /** The inputs as the core takes them: the door's values with the owner the URN names and the names that arrived secret. */
  coreInputs(values: PropertyValues, owner: Owner | undefined, secret: ReadonlySet<string>): PropertyValues;
  /** Names whose values go back secret besides those that arrived secret (e.g. a masked contact's personal data). */
  secretNames(values: PropertyValues, kind: "inputs" | "outputs"): readonly string[];
}

/** A failure after the API changed something: the id and state the engine must record, and the names that stay secret. */
export interface PartialFailure {
  id: string;
  properties: PropertyValues;
  reasons: string[];
  secretNames: readonly string[];
}
