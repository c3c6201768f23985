// The provider plugin's gRPC front door: pulumirpc.ResourceProvider mapped onto the same contact core as the dynamic
// resource (contact/provider.ts). It turns requests into the core's calls and the answers back into responses:
// the owner from the URN, secrets kept, previews that write nothing, and the core's detailed diff. No rule
// of the contact lives here.
import * as grpc from "@grpc/grpc-js";
import { Any } from "google-protobuf/google/protobuf/any_pb";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import * as engineRpc from "@pulumi/pulumi/proto/engine_grpc_pb";
import * as engineProto from "@pulumi/pulumi/proto/engine_pb";
import * as pluginProto from "@pulumi/pulumi/proto/plugin_pb";
import * as providerRpc from "@pulumi/pulumi/proto/provider_grpc_pb";
import * as proto from "@pulumi/pulumi/proto/provider_pb";
import * as statusProto from "@pulumi/pulumi/proto/status_pb";
import { CallbellConfigError, configKeys, resolveSettings } from "../../config";
import { sameEmail } from "../../normalize";
import { hostContext } from "../dynamic/host";
import { ownerFromUrn } from "../../run/owner";
import { retainOnDeleteOption } from "../../domain/contact/hints";
import { ContactCore, makeContactCore } from "../../domain/contact/lifecycle";
import { computedNames, ownerInput, personalInputNames, personalOutputNames } from "../../domain/contact/shape";
import { getChannel, getContact, getTeam } from "../../domain/lookups";
import { unknownValue } from "../../normalize";
import { maskInput } from "../../domain/contact/personal-data";
import { PackageInfo } from "./package-info";
import { packageSchema, secretSettings } from "./schema";
import { contactToken, functionTokens } from "../../tokens";
import { unwrap, wrap } from "./values";
import { contactsClientFor } from "../../connection";

type Props = Record<string, unknown>;
type Unary<Req, Res> = grpc.handleUnaryCall<Req, Res>;

/** The provider's state for one plugin process (the engine starts one per provider, default or explicit). */
export class CallbellPluginServer {
  private readonly context = hostContext();
  private readonly core: ContactCore;
  private engine?: engineRpc.EngineClient;

  constructor(
    private readonly info: PackageInfo,
    private engineAddress?: string,
  ) {
    if (engineAddress) this.engine = new engineRpc.EngineClient(engineAddress, grpc.credentials.createInsecure());
    this.core = makeContactCore({
      settings: () => this.context.settings(),
      client: () => this.context.client(),
      warn: (m) => this.warn(m),
      // Any language may be on the other side: hints give the form for each (contact/hints.ts).
      door: "plugin",
    });
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
        this.ensureContact(req.getUrn());
        await this.core.delete(req.getId(), unwrap(req.getProperties()).props);
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

  private ensureContact(urn: string): void {
    const type = urn.split("::")[2]?.split("$").pop();
    if (type !== contactToken) throw new Error(`unknown resource type ${type} (this provider serves ${contactToken})`);
  }

  // The inputs as the core sees them: the owner from the URN, and the mask when personal data arrived secret.
  private coreInputs(urn: string, props: Props, secrets: Set<string>): Props {
    const masked = props[maskInput] === true || personalInputNames.some((n) => secrets.has(n)) || undefined;
    return { ...props, [ownerInput]: ownerFromUrn(urn), [maskInput]: masked };
  }

  // What goes back secret: whatever came in secret, and all personal data of a masked contact.
  private secretsOf(props: Props, secrets: Set<string>, personal: readonly string[]): Set<string> {
    return new Set([...secrets, ...(props[maskInput] === true ? personal : [])]);
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
    this.ensureContact(req.getUrn());
    const olds = unwrap(req.getOlds());
    const news = unwrap(req.getNews());
    const inputs = this.coreInputs(req.getUrn(), news.props, news.secrets);
    const result = await this.core.check(olds.props, inputs);
    const res = new proto.CheckResponse();
    const checked = { ...result.inputs, [ownerInput]: undefined };
    res.setInputs(wrap(checked, this.secretsOf(checked, news.secrets, personalInputNames)));
    return res.setFailuresList(result.failures.map((f) => new proto.CheckFailure().setProperty(f.property).setReason(f.reason)));
  }

  private async diff(req: proto.DiffRequest): Promise<proto.DiffResponse> {
    this.ensureContact(req.getUrn());
    const olds = unwrap(req.getOlds()).props;
    const news = this.coreInputs(req.getUrn(), unwrap(req.getNews()).props, new Set());
    const decision = await this.core.diff(req.getId(), olds, news);
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
    this.ensureContact(req.getUrn());
    const news = unwrap(req.getProperties());
    const inputs = this.coreInputs(req.getUrn(), news.props, news.secrets);
    if (req.getPreview()) {
      // Nothing is written in a preview: what Callbell will compute is unknown.
      const outs: Props = { ...news.props, ...Object.fromEntries(computedNames.map((n) => [n, unknownValue])) };
      return new proto.CreateResponse().setId("").setProperties(wrap(outs, this.secretsOf(news.props, news.secrets, personalOutputNames)));
    }
    const { id, state } = await this.core.create(inputs);
    const outs = { ...state };
    return new proto.CreateResponse().setId(id).setProperties(wrap(outs, this.secretsOf(outs, news.secrets, personalOutputNames)));
  }

  private async read(req: proto.ReadRequest): Promise<proto.ReadResponse> {
    this.ensureContact(req.getUrn());
    const state = unwrap(req.getProperties());
    const importing = Object.keys(state.props).length === 0;
    const props = importing ? { [ownerInput]: ownerFromUrn(req.getUrn()) } : state.props;
    const found = await this.core.read(req.getId(), props);
    const res = new proto.ReadResponse().setId(found?.id ?? "");
    if (!found) return res;
    const outs = { ...found.state };
    const inputs = { ...found.inputs, [ownerInput]: undefined };
    res.setProperties(wrap(outs, this.secretsOf(outs, state.secrets, personalOutputNames)));
    return res.setInputs(wrap(inputs, this.secretsOf(inputs, unwrap(req.getInputs()).secrets, personalInputNames)));
  }

  private async update(req: proto.UpdateRequest): Promise<proto.UpdateResponse> {
    this.ensureContact(req.getUrn());
    const olds = unwrap(req.getOlds());
    const news = unwrap(req.getNews());
    if (req.getPreview()) {
      const outs = { ...olds.props, ...news.props };
      return new proto.UpdateResponse().setProperties(wrap(outs, this.secretsOf(outs, new Set([...olds.secrets, ...news.secrets]), personalOutputNames)));
    }
    const inputs = this.coreInputs(req.getUrn(), news.props, news.secrets);
    const { state } = await this.core.update(req.getId(), olds.props, inputs);
    const outs = { ...state };
    return new proto.UpdateResponse().setProperties(wrap(outs, this.secretsOf(outs, new Set([...olds.secrets, ...news.secrets]), personalOutputNames)));
  }

  private async invoke(req: proto.InvokeRequest): Promise<proto.InvokeResponse> {
    const args = unwrap(req.getArgs()).props;
    const settings = this.context.settings();
    const lookups: Record<string, () => Promise<unknown>> = {
      [functionTokens.getTeam]: () => getTeam(args as never, settings),
      [functionTokens.getChannel]: () => getChannel(args as never, settings),
      [functionTokens.getContact]: () => getContact(args as never, settings),
    };
    const lookup = lookups[req.getTok()];
    if (!lookup) throw new Error(`unknown function ${req.getTok()} (this provider serves ${Object.values(functionTokens).join(", ")})`);
    return new proto.InvokeResponse().setReturn(Struct.fromJavaScript((await lookup()) as never));
  }
}

// An error as a gRPC status; one that carries the contact's id and state (a write that changed Callbell before it
// failed) goes back as ErrorResourceInitFailed, so the engine records what was changed.
function toServiceError(error: unknown): Partial<grpc.ServiceError> {
  const message = error instanceof Error ? error.message : String(error);
  const failed = error as { id?: string; properties?: Props; reasons?: string[] };
  const metadata = new grpc.Metadata();
  if (failed?.id) {
    const detail = new proto.ErrorResourceInitFailed()
      .setId(failed.id)
      .setProperties(wrap(failed.properties ?? {}, failed.properties?.[maskInput] === true ? personalOutputNames : []))
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
