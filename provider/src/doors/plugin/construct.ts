// Construct for callbell:index:ContactSet: the same ContactSet class the TypeScript package exports
// (doors/typescript/contact-set.ts), so that a YAML, Python, Go or any other program gets the same files, validation,
// resource names, aliases and summary. Its contacts are callbell:index:Contact resources, which the engine then sends
// back to this plugin like any others.
//
// Pulumi's Node.js SDK runs a component with the engine's settings only behind its own provider server (`main` of
// @pulumi/pulumi/provider), which owns a gRPC server, the process's stdout and its error handlers, while this plugin's
// server answers every other call itself. So the ContactSet runs in a host process of its own, this file run as a
// program, on that public API alone: no SDK internals, which move between the SDK versions the package allows. The
// plugin checks the inputs, starts the host on its first ContactSet (loading Pulumi's runtime costs half a second,
// which other runs do not pay) and forwards the Construct to it.
import { ChildProcessWithoutNullStreams, spawn } from "child_process";
import * as grpc from "@grpc/grpc-js";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import * as pluginProto from "@pulumi/pulumi/proto/plugin_pb";
import * as providerRpc from "@pulumi/pulumi/proto/provider_grpc_pb";
import * as proto from "@pulumi/pulumi/proto/provider_pb";
import type { ContactSetArgs } from "../typescript/contact-set";
import { contactSetToken } from "../../tokens";
import { unknownValue } from "../../normalize";
import { CallbellProblem } from "../../problem";
import { unwrap } from "./values";

/** A ContactSet input the plugin cannot use, named with its field and the fix. */
export class ContactSetInputError extends CallbellProblem {}

/** Runs one Construct of a ContactSet (in the host process) and answers its URN and outputs (summary, count). */
export async function construct(req: proto.ConstructRequest, engineAddress: string | undefined): Promise<proto.ConstructResponse> {
  if (req.getType() !== contactSetToken) throw new Error(`unknown component ${req.getType()} (this provider constructs ${contactSetToken})`);
  if (!engineAddress) throw new Error("the engine's address is unknown: the plugin was started without it");
  // Checked here, where an unknown input is still the engine's marker. The host gets the checked values, plain and
  // without dependencies: the set reads files with them and passes none of them on to a resource.
  const args = contactSetArgs(unwrap(req.getInputs()).props);
  const forwarded = req.cloneMessage().setInputs(Struct.fromJavaScript(JSON.parse(JSON.stringify(args))));
  forwarded.getInputdependenciesMap().clear();
  const { client } = await hostFor(engineAddress);
  return new Promise((resolve, reject) => client.construct(forwarded, (error, res) => (error ? reject(hostError(error)) : resolve(res))));
}

// The host's error as the plugin's own: the set's (a seed file's, say) as it was thrown, without gRPC's code in front.
function hostError(error: grpc.ServiceError): Error {
  if (error.code === grpc.status.UNAVAILABLE) return new Error(`the ContactSet host process is gone: ${error.details}`);
  return new Error(error.details || error.message);
}

interface Host {
  client: providerRpc.ResourceProviderClient;
  engine: string;
}
let host: Promise<Host> | undefined;

// The running host, started once per plugin process (again after it stops), and told where the engine moved to.
async function hostFor(engineAddress: string): Promise<Host> {
  host ??= startHost(engineAddress);
  const started = await host;
  if (started.engine !== engineAddress) {
    const attach = new pluginProto.PluginAttach().setAddress(engineAddress);
    await new Promise<void>((resolve, reject) => started.client.attach(attach, (error) => (error ? reject(hostError(error)) : resolve())));
    started.engine = engineAddress;
  }
  return started;
}

// The host speaks the plugin protocol, as the engine would run it: the engine's address as argument, the port on stdout.
function startHost(engineAddress: string): Promise<Host> {
  const child: ChildProcessWithoutNullStreams = spawn(process.execPath, [__filename, engineAddress], { stdio: "pipe" });
  // The host's pipes, not the engine's, so the engine never waits on a host that outlives the plugin.
  child.stderr.on("data", (chunk: Buffer) => process.stderr.write(chunk));
  const stop = () => child.kill();
  process.once("exit", stop);
  const started = new Promise<Host>((resolve, reject) => {
    let out = "";
    const readPort = (chunk: Buffer) => {
      out += chunk.toString();
      const end = out.indexOf("\n");
      if (end < 0) return;
      child.stdout.off("data", readPort).on("data", (more: Buffer) => process.stdout.write(more));
      if (out.length > end + 1) process.stdout.write(out.slice(end + 1));
      const port = Number(out.slice(0, end).trim());
      if (!Number.isInteger(port) || port <= 0)
        return reject(new Error(`the ContactSet host process printed ${JSON.stringify(out.slice(0, end))}, not its port`));
      const options = { "grpc.max_receive_message_length": 400 * 1024 * 1024 };
      resolve({ client: new providerRpc.ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure(), options), engine: engineAddress });
    };
    child.stdout.on("data", readPort);
    child.once("error", reject);
    child.once("exit", (code, signal) => reject(new Error(`the ContactSet host process stopped (${signal ?? `exit code ${code}`}) before it served`)));
  });
  started.catch(stop);
  child.once("exit", () => {
    process.off("exit", stop);
    host = undefined;
    started.then(
      ({ client }) => client.close(),
      () => undefined,
    );
  });
  return started;
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

// The host: Pulumi's provider server with a Construct of ContactSet, on the engine's address the plugin passed.
async function serveContactSets(args: string[]): Promise<void> {
  // The plugin holds the host's stdin: when the plugin ends, however it ends (a kill skips its exit handlers), so does the host.
  process.stdin.on("end", () => process.exit(0)).resume();
  const pulumi = await import("@pulumi/pulumi");
  const { main } = await import("@pulumi/pulumi/provider");
  const { ContactSet } = await import("../typescript/contact-set");
  await main(
    {
      construct: async (name, type, inputs, options) => {
        if (type !== contactSetToken) throw new Error(`unknown component ${type} (this provider constructs ${contactSetToken})`);
        const set = new ContactSet(name, contactSetArgs(inputs), options);
        // One Output for the whole summary, secret when a name in it is (personalData "secret"): a secret nested in a
        // map reaches a YAML program as an empty object ({}), while a secret summary shows as [secret] and stays
        // readable with `pulumi stack output --show-secrets`.
        return { urn: set.urn, state: { summary: pulumi.output(set.summary), count: Object.keys(set.contacts).length } };
      },
    },
    args,
  );
}

if (require.main === module) void serveContactSets(process.argv.slice(2));
