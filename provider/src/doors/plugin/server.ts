// The provider plugin's gRPC front door: pulumirpc.ResourceProvider mapped onto the cores of the resource types in
// domain/resource-types.ts, the same cores the dynamic resource uses. It turns requests into a core's calls and the
// answers back into responses: the owner from the URN, secrets kept, previews that write nothing, and the core's
// detailed diff. It names no resource type, and no rule of one lives here.
import * as grpc from "@grpc/grpc-js";
import { Any } from "google-protobuf/google/protobuf/any_pb";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import * as engineRpc from "@pulumi/pulumi/proto/engine_grpc_pb";
import * as engineProto from "@pulumi/pulumi/proto/engine_pb";
import * as pluginProto from "@pulumi/pulumi/proto/plugin_pb";
import * as providerRpc from "@pulumi/pulumi/proto/provider_grpc_pb";
import * as proto from "@pulumi/pulumi/proto/provider_pb";
import * as statusProto from "@pulumi/pulumi/proto/status_pb";
import { CallbellConfigError, configKeys, resolveSettings } from "../../config";
import { sameEmail } from "../../normalize";
import { ownerFromUrn } from "../../run/owner";
import { retainOnDeleteOption } from "../../domain/contact/hints";
import { PartialFailure, PropertyValues, ResourceCore, ResourceType } from "../../domain/resource-type";
import { lookups, resourceTypes } from "../../domain/resource-types";
import { unknownValue } from "../../normalize";
import { PackageInfo } from "./package-info";
import { packageSchema, secretSettings } from "./schema";
import { unwrap, wrap } from "./values";
import { configuredConnection, contactsClientFor } from "../../connection";

type Props = Record<string, unknown>;
type Unary<Req, Res> = grpc.handleUnaryCall<Req, Res>;

/** The provider's state for one plugin process (the engine starts one per provider, default or explicit). */
export class CallbellPluginServer {
  private readonly context = configuredConnection();
  // One core per resource type, made on its first request: each holds that type's run.
  private readonly cores = new Map<ResourceType, ResourceCore>();
  private engine?: engineRpc.EngineClient;

  constructor(
    private readonly info: PackageInfo,
    private engineAddress?: string,
    private readonly types: readonly ResourceType[] = resourceTypes,
  ) {
    if (engineAddress) this.engine = new engineRpc.EngineClient(engineAddress, grpc.credentials.createInsecure());
  }

  // The resource type a URN names, with its core; any other type is refused, naming those served.
  private served(urn: string): { type: ResourceType; core: ResourceCore; owner: string | undefined } {
    const token = urn.split("::")[2]?.split("$").pop();
    const type = this.types.find((t) => t.token === token);
    if (!type) throw new Error(`unknown resource type ${token} (this provider serves ${this.types.map((t) => t.token).join(", ")})`);
    let core = this.cores.get(type);
    if (!core) {
      core = type.core({
        settings: () => this.context.settings(),
        client: () => this.context.client(),
        warn: (m) => this.warn(m),
        // Any language may be on the other side: hints give the form for each (domain/contact/hints.ts).
        door: "plugin",
      });
      this.cores.set(type, core);
    }
    return { type, core, owner: ownerFromUrn(urn) };
  }

  // Warnings go to the engine's diagnostics, where the CLI shows them; stderr without an engine.
  private warn(message: string): void {
    if (!this.engine) return void process.stderr.write(`warning: ${message}\n`);
    const req = new engineProto.LogRequest().setSeverity(engineProto.LogSeverity.WARNING).setMessage(message);
    this.engine.log(req, () => undefined);
  }

  /** The service implementation handed to grpc.Server.addService. */
  service(): Partial<providerRpc.IResourceProviderServer> {
    return {
      getPluginInfo: this.unary(async () => new pluginProto.PluginInfo().setVersion(this.info.version)),
      getSchema: this.unary(async (req: proto.GetSchemaRequest) => {
        if (req.getVersion() > 0 && req.getSubpackageName()) throw new Error(`no subpackage ${req.getSubpackageName()}`);
        return new proto.GetSchemaResponse().setSchema(packageSchema(this.info));
      }),
      checkConfig: this.unary(async (req: proto.CheckRequest) => this.checkConfig(req)),
      diffConfig: this.unary(async (req: proto.DiffRequest) => this.diffConfig(req)),
      configure: this.unary(async (req: proto.ConfigureRequest) => this.configure(req)),
      check: this.unary(async (req: proto.CheckRequest) => this.check(req)),
      diff: this.unary(async (req: proto.DiffRequest) => this.diff(req)),
      create: this.unary(async (req: proto.CreateRequest) => this.create(req)),
      read: this.unary(async (req: proto.ReadRequest) => this.read(req)),
      update: this.unary(async (req: proto.UpdateRequest) => this.update(req)),
      delete: this.unary(async (req: proto.DeleteRequest) => {
        await this.served(req.getUrn()).core.delete(req.getId(), unwrap(req.getProperties()).props);
        return new Empty();
      }),
      invoke: this.unary(async (req: proto.InvokeRequest) => this.invoke(req)),
      // Loaded on the first ContactSet only (construct.ts): Pulumi's Node.js runtime is half a second to load.
      construct: this.unary(async (req: proto.ConstructRequest) => (await import("./construct")).construct(req, this.engineAddress)),
      cancel: this.unary(async () => new Empty()),
      attach: this.unary(async (req: pluginProto.PluginAttach) => {
        this.engineAddress = req.getAddress();
        this.engine = new engineRpc.EngineClient(req.getAddress(), grpc.credentials.createInsecure());
        return new Empty();
      }),
    };
  }

  // One handler: the answer, or the error as the engine expects it (a partial failure carries the id and state).
  private unary<Req, Res>(handle: (req: Req) => Promise<Res>): Unary<Req, Res> {
    return (call, callback) => {
      handle(call.request).then(
        (res) => callback(null, res),
        (error: unknown) => callback(toServiceError(error)),
      );
    };
  }

  // What goes back secret: whatever came in secret, and what the type keeps secret for these values.
  private secretsOf(type: ResourceType, values: PropertyValues, secrets: ReadonlySet<string>, kind: "inputs" | "outputs"): Set<string> {
    return new Set([...secrets, ...type.secretNames(values, kind)]);
  }

  // The inputs a door stores: the core's, without the ones it adds for itself.
  private storedInputs(type: ResourceType, inputs: PropertyValues): Props {
    return { ...inputs, ...Object.fromEntries(type.hiddenInputs.map((n) => [n, undefined])) };
  }

  private settingsFrom(props: Props) {
    return resolveSettings((key) => {
      const name = key.replace(/^callbell:/, "");
      const value = props[name];
      return value === undefined || value === null ? undefined : String(value);
    });
  }

  private async checkConfig(req: proto.CheckRequest): Promise<proto.CheckResponse> {
    const news = unwrap(req.getNews());
    const res = new proto.CheckResponse();
    const known = Object.keys(configKeys);
    const failures: proto.CheckFailure[] = [];
    for (const key of Object.keys(news.props)) {
      if (key !== "version" && !known.includes(key)) {
        failures.push(new proto.CheckFailure().setProperty(key).setReason(`unknown setting ${key}: the settings are ${known.join(", ")}`));
      }
    }
    try {
      this.settingsFrom(news.props);
    } catch (error) {
      if (!(error instanceof CallbellConfigError)) throw error;
      const property = known.find((k) => error.message.includes(configKeys[k as keyof typeof configKeys])) ?? "";
      // No property: the engine would print the setting's value beside it ("property apiUrl value {…}"), and a value
      // in the wrong setting may be the token. The reason names the setting.
      failures.push(new proto.CheckFailure().setReason(property ? `${error.message} (provider setting ${property})` : error.message));
    }
    return res.setInputs(wrap(news.props, [...news.secrets, ...secretSettings])).setFailuresList(failures);
  }

  private async diffConfig(req: proto.DiffRequest): Promise<proto.DiffResponse> {
    const olds = unwrap(req.getOlds()).props;
    const news = unwrap(req.getNews()).props;
    const changed = [...new Set([...Object.keys(olds), ...Object.keys(news)])].filter((k) => JSON.stringify(olds[k]) !== JSON.stringify(news[k]));
    const res = new proto.DiffResponse().setChanges(changed.length ? proto.DiffResponse.DiffChanges.DIFF_SOME : proto.DiffResponse.DiffChanges.DIFF_NONE);
    if (changed.includes("apiUrl") || changed.includes("apiToken")) await this.warnAccountChange(req.getUrn(), olds, news);
    return res.setDiffsList(changed);
  }

  // A provider pointed at another account keeps its resources, whose contacts stay in the old account: refresh would
  // drop each from the state as gone, and up would create it again in the new one, leaving the old one untracked. A
  // token rotated within one account is harmless, so the two accounts are compared when both tokens can read them.
  private async warnAccountChange(urn: string, olds: Props, news: Props): Promise<void> {
    const name = urn.split("::").pop();
    let accounts: [string, string] | undefined;
    try {
      const [before, after] = await Promise.all(
        [olds, news].map((props) => {
          const s = this.settingsFrom(props);
          return contactsClientFor(s).me();
        }),
      );
      if (sameEmail(before.email, after.email) && this.settingsFrom(olds).apiUrl === this.settingsFrom(news).apiUrl) return;
      accounts = [before.email, after.email];
    } catch {
      // a token or URL that cannot be read (unknown in preview, or not set here): warn without the accounts
    }
    this.warn(
      `provider ${name}: its Callbell account changes${accounts ? ` (${accounts[0]} → ${accounts[1]})` : " (apiUrl or apiToken changed)"}. ` +
        "The contacts its resources hold stay in the old account: a refresh would drop them from the state as gone, and the next up would create " +
        "them again in the new account, leaving the old ones untracked. To keep managing the old contacts, keep the old settings; to move, " +
        `remove the resources from this stack first (${retainOnDeleteOption("plugin")}, or pulumi state delete), then declare them again.`,
    );
  }

  private async configure(req: proto.ConfigureRequest): Promise<proto.ConfigureResponse> {
    const args = req.getArgs();
    let props: Props;
    if (args) props = unwrap(args).props;
    else {
      // Older engines send only the variables map, "callbell:config:<name>".
      props = {};
      req.getVariablesMap().forEach((value, key) => (props[String(key).replace(/^callbell:(config:)?/, "")] = value));
    }
    this.settingsFrom(props); // a bad setting fails here, with the message that names it
    this.context.configure((key) => {
      const value = props[key.replace(/^callbell:/, "")];
      return value === undefined || value === null || value === unknownValue ? undefined : String(value);
    });
    return new proto.ConfigureResponse().setAcceptsecrets(true).setSupportspreview(true).setAcceptresources(false);
  }

  private async check(req: proto.CheckRequest): Promise<proto.CheckResponse> {
    const { type, core, owner } = this.served(req.getUrn());
    const olds = unwrap(req.getOlds());
    const news = unwrap(req.getNews());
    const result = await core.check(olds.props, type.coreInputs(news.props, owner, news.secrets));
    const res = new proto.CheckResponse();
    const checked = this.storedInputs(type, result.inputs);
    res.setInputs(wrap(checked, this.secretsOf(type, checked, news.secrets, "inputs")));
    return res.setFailuresList(result.failures.map((f) => new proto.CheckFailure().setProperty(f.property).setReason(f.reason)));
  }

  private async diff(req: proto.DiffRequest): Promise<proto.DiffResponse> {
    const { type, core, owner } = this.served(req.getUrn());
    const olds = unwrap(req.getOlds()).props;
    const news = type.coreInputs(unwrap(req.getNews()).props, owner, new Set());
    const decision = await core.diff(req.getId(), olds, news);
    const changed = Object.keys(decision.properties);
    const res = new proto.DiffResponse()
      .setChanges(decision.changes ? proto.DiffResponse.DiffChanges.DIFF_SOME : proto.DiffResponse.DiffChanges.DIFF_NONE)
      .setReplacesList(decision.replaces)
      .setStablesList(decision.stables)
      .setDeletebeforereplace(false)
      .setDiffsList(changed);
    const detailed = res.getDetaileddiffMap();
    for (const [property, change] of Object.entries(decision.properties)) {
      const kind = change === "replace" ? proto.PropertyDiff.Kind.UPDATE_REPLACE : proto.PropertyDiff.Kind.UPDATE;
      detailed.set(property, new proto.PropertyDiff().setKind(kind).setInputdiff(true));
    }
    // A change of the owner or its mark alone (a rename with aliases) has no property to show: the engine then
    // compares the inputs itself rather than taking an empty detailed diff for "no change".
    return res.setHasdetaileddiff(changed.length > 0 || !decision.changes);
  }

  private async create(req: proto.CreateRequest): Promise<proto.CreateResponse> {
    const { type, core, owner } = this.served(req.getUrn());
    const news = unwrap(req.getProperties());
    if (req.getPreview()) {
      // Nothing is written in a preview: what Callbell will compute is unknown.
      const outs: Props = { ...news.props, ...Object.fromEntries(type.computedOutputs.map((n) => [n, unknownValue])) };
      return new proto.CreateResponse().setId("").setProperties(wrap(outs, this.secretsOf(type, news.props, news.secrets, "outputs")));
    }
    const { id, state } = await core.create(type.coreInputs(news.props, owner, news.secrets));
    const outs = { ...state };
    return new proto.CreateResponse().setId(id).setProperties(wrap(outs, this.secretsOf(type, outs, news.secrets, "outputs")));
  }

  private async read(req: proto.ReadRequest): Promise<proto.ReadResponse> {
    const { type, core, owner } = this.served(req.getUrn());
    const state = unwrap(req.getProperties());
    // `pulumi import` reads with no state: the core then knows the resource by its id and owner alone.
    const importing = Object.keys(state.props).length === 0;
    const found = await core.read(req.getId(), importing ? type.coreInputs({}, owner, new Set()) : state.props);
    const res = new proto.ReadResponse().setId(found?.id ?? "");
    if (!found) return res;
    const outs = { ...found.state };
    const inputs = this.storedInputs(type, found.inputs);
    res.setProperties(wrap(outs, this.secretsOf(type, outs, state.secrets, "outputs")));
    return res.setInputs(wrap(inputs, this.secretsOf(type, inputs, unwrap(req.getInputs()).secrets, "inputs")));
  }

  private async update(req: proto.UpdateRequest): Promise<proto.UpdateResponse> {
    const { type, core, owner } = this.served(req.getUrn());
    const olds = unwrap(req.getOlds());
    const news = unwrap(req.getNews());
    const secrets = new Set([...olds.secrets, ...news.secrets]);
    if (req.getPreview()) {
      const outs = { ...olds.props, ...news.props };
      return new proto.UpdateResponse().setProperties(wrap(outs, this.secretsOf(type, outs, secrets, "outputs")));
    }
    const { state } = await core.update(req.getId(), olds.props, type.coreInputs(news.props, owner, news.secrets));
    const outs = { ...state };
    return new proto.UpdateResponse().setProperties(wrap(outs, this.secretsOf(type, outs, secrets, "outputs")));
  }

  private async invoke(req: proto.InvokeRequest): Promise<proto.InvokeResponse> {
    const lookup = lookups[req.getTok()];
    if (!lookup) throw new Error(`unknown function ${req.getTok()} (this provider serves ${Object.keys(lookups).join(", ")})`);
    const answer = await lookup(unwrap(req.getArgs()).props, this.context.settings());
    return new proto.InvokeResponse().setReturn(wrap(answer));
  }
}

// An error as a gRPC status; one that carries the contact's id and state (a write that changed Callbell before it
// failed) goes back as ErrorResourceInitFailed, so the engine records what was changed.
function toServiceError(error: unknown): Partial<grpc.ServiceError> {
  const message = error instanceof Error ? error.message : String(error);
  const failed = error as Partial<PartialFailure> | undefined;
  const metadata = new grpc.Metadata();
  if (failed?.id) {
    const detail = new proto.ErrorResourceInitFailed()
      .setId(failed.id)
      .setProperties(wrap({ ...failed.properties }, failed.secretNames ?? []))
      .setReasonsList(failed.reasons ?? [message]);
    const any = new Any();
    any.pack(detail.serializeBinary(), "pulumirpc.ErrorResourceInitFailed");
    const status = new statusProto.Status().setCode(grpc.status.UNKNOWN).setMessage(message);
    status.addDetails(any);
    metadata.add("grpc-status-details-bin", Buffer.from(status.serializeBinary()));
  }
  return { code: grpc.status.UNKNOWN, details: message, message, metadata };
}

/** Serves the plugin on a free port of 127.0.0.1 and prints the port on stdout, as the engine expects. */
export async function serve(info: PackageInfo, engineAddress?: string): Promise<grpc.Server> {
  const server = new grpc.Server({ "grpc.max_receive_message_length": 400 * 1024 * 1024 });
  server.addService(providerRpc.ResourceProviderService, new CallbellPluginServer(info, engineAddress).service() as grpc.UntypedServiceImplementation);
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
  );
  process.stdout.write(`${port}\n`);
  return server;
}
