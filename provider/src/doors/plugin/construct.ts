// Construct for callbell:index:ContactSet: the same ContactSet class the TypeScript package exports (seed/contact-set.ts),
// run inside the plugin with Pulumi's Node.js runtime pointed at the engine's resource monitor, so that a YAML, Python or
// any other program gets the same files, validation, resource names, aliases and summary. Its contacts are
// callbell:index:Contact resources, which the engine then sends back to this plugin like any others. Loaded only when a
// program constructs a ContactSet: the runtime costs half a second to load, which other runs do not pay.
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import * as pulumi from "@pulumi/pulumi";
import * as proto from "@pulumi/pulumi/proto/provider_pb";
import { ContactSet, ContactSetArgs } from "../typescript/contact-set";
import { contactSetToken } from "../../tokens";
import { unknownValue } from "../../normalize";
import { CallbellProblem } from "../../problem";
import { unwrap } from "./values";

// What the runtime keeps per program run, set here as the SDK's own provider server sets it for a Construct. These
// functions are internal to @pulumi/pulumi (no .d.ts); the plugin runs on the version in its own dependencies.
interface RuntimeSettings {
  resetOptions(project: string, stack: string, parallel: number, engine: string, monitor: string, preview: boolean, organization: string): void;
  awaitFeatureSupport(): Promise<void>;
  waitForRPCs(): Promise<void>;
}
interface RuntimeState {
  withLocalStorage<T>(run: () => Promise<T>): Promise<T>;
}
interface RuntimeConfig {
  setAllConfig(config: Record<string, string>, secretKeys?: string[]): void;
}

/** A ContactSet input the plugin cannot use, named with its field and the fix. */
export class ContactSetInputError extends CallbellProblem {}

/** Runs one Construct of a ContactSet and answers its URN and outputs (summary, count). */
export async function construct(req: proto.ConstructRequest, engineAddress: string | undefined): Promise<proto.ConstructResponse> {
  if (req.getType() !== contactSetToken) throw new Error(`unknown component ${req.getType()} (this provider constructs ${contactSetToken})`);
  if (!engineAddress) throw new Error("the engine's address is unknown: the plugin was started without it");
  /* eslint-disable @typescript-eslint/no-require-imports */
  const settings = require("@pulumi/pulumi/runtime/settings") as RuntimeSettings;
  const state = require("@pulumi/pulumi/runtime/state") as RuntimeState;
  const config = require("@pulumi/pulumi/runtime/config") as RuntimeConfig;
  /* eslint-enable @typescript-eslint/no-require-imports */
  const rpc = pulumi.runtime;
  return state.withLocalStorage(async () => {
    settings.resetOptions(req.getProject(), req.getStack(), req.getParallel(), engineAddress, req.getMonitorendpoint(), req.getDryrun(), req.getOrganization());
    await settings.awaitFeatureSupport();
    config.setAllConfig(Object.fromEntries(req.getConfigMap().entries()), req.getConfigsecretkeysList());
    const set = new ContactSet(req.getName(), contactSetArgs(unwrap(req.getInputs()).props), componentOptions(req));
    // One Output for the whole summary, secret when a name in it is (personalData "secret"): a secret nested in a map
    // reaches a YAML program as an empty object ({}), while a secret summary shows as [secret] and stays readable with
    // `pulumi stack output --show-secrets`.
    const outputs = { summary: pulumi.output(set.summary), count: Object.keys(set.contacts).length };
    const [serialized, dependencies] = await rpc.serializeResourceProperties(`construct(${contactSetToken}, ${req.getName()})`, outputs);
    const res = new proto.ConstructResponse().setUrn(await urnOf(set));
    res.setState(Struct.fromJavaScript(serialized));
    for (const [key, resources] of dependencies) {
      const urns = await Promise.all([...resources].map(urnOf));
      res.getStatedependenciesMap().set(key, new proto.ConstructResponse.PropertyDependencies().setUrnsList(urns));
    }
    await settings.waitForRPCs();
    return res;
  });
}

// A resource's URN, always known (even in a preview): the SDK's provider server reads it the same way.
const urnOf = (resource: pulumi.Resource): Promise<string> => (resource.urn as unknown as { promise(): Promise<string> }).promise();

// The component's options as the program gave them: parent, dependencies, explicit providers, aliases, protect.
function componentOptions(req: proto.ConstructRequest): pulumi.ComponentResourceOptions {
  const providers: Record<string, pulumi.ProviderResource> = {};
  req.getProvidersMap().forEach((ref, pkg) => (providers[String(pkg)] = new pulumi.DependencyProviderResource(ref)));
  const aliases: pulumi.Input<pulumi.URN | pulumi.Alias>[] = req.getAliasesList().map((alias) => {
    if (alias.hasUrn()) return alias.getUrn();
    const spec = alias.getSpec()!;
    const parent = spec.hasParenturn() ? spec.getParenturn() : spec.getNoparent() ? pulumi.rootStackResource : undefined;
    return { name: spec.getName() || undefined, project: spec.getProject() || undefined, stack: spec.getStack() || undefined, parent };
  });
  return {
    parent: req.getParent() ? new pulumi.DependencyResource(req.getParent()) : undefined,
    dependsOn: req.getDependenciesList().map((urn) => new pulumi.DependencyResource(urn)),
    providers,
    aliases,
    protect: req.getProtect(),
    retainOnDelete: req.getRetainondelete(),
  };
}

// The inputs of a ContactSet from YAML, Python or another language, checked before any file is read.
function contactSetArgs(props: Record<string, unknown>): ContactSetArgs {
  const known = (field: string, value: unknown) => {
    if (value === unknownValue || JSON.stringify(value ?? null).includes(unknownValue)) {
      throw new ContactSetInputError(
        `ContactSet ${field} is not known at preview (it comes from another resource's output): give the seed files and options as plain values`,
      );
    }
    return value;
  };
  const files = known("files", props.files);
  if (!Array.isArray(files) || files.length === 0 || !files.every((f) => typeof f === "string" && f.trim() !== "")) {
    throw new ContactSetInputError('ContactSet files must be a list of seed file paths, e.g. ["contacts.common.yaml", "contacts.dev.yaml"]');
  }
  const personalData = known("personalData", props.personalData);
  if (personalData !== undefined && personalData !== "plain" && personalData !== "secret") {
    throw new ContactSetInputError(`ContactSet personalData is "${String(personalData)}": use "plain" (the default) or "secret"`);
  }
  const overrides = known("overrides", props.overrides);
  if (overrides !== undefined && (typeof overrides !== "object" || overrides === null || Array.isArray(overrides))) {
    throw new ContactSetInputError("ContactSet overrides must be an object of tags, team, teamUuid, assignedUser or adopt");
  }
  const namePrefix = known("namePrefix", props.namePrefix);
  if (namePrefix !== undefined && (typeof namePrefix !== "string" || !/^[\w.-]*$/.test(namePrefix))) {
    throw new ContactSetInputError(`ContactSet namePrefix is ${JSON.stringify(namePrefix)}: use letters, digits, '.', '_' or '-', e.g. "prod-"`);
  }
  return { files: files as string[], personalData, overrides: overrides as ContactSetArgs["overrides"], resourceType: "plugin", namePrefix };
}
