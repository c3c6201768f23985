// The plugin's Invoke (getTeam, getChannel, getContact, getCustomStatus through the list in domain/resource-types.ts) and a request for
// a resource type it does not serve, driven through the gRPC service the engine calls, against the simulator.
import { strict as assert } from "assert";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import * as proto from "@pulumi/pulumi/proto/provider_pb";
import { StartedSimulator, TEAMS, startSimulator } from "callbell-simulator";
import { CallbellPluginServer } from "../../provider/src/doors/plugin/server";

type Handler<Req, Res> = (call: { request: Req }, callback: (error: { message?: string } | null, res?: Res) => void) => void;

// Calls one handler of the service as grpc-js would, and answers its response or rejects with its error's message.
function call<Req, Res>(handler: unknown, request: Req): Promise<Res> {
  return new Promise((resolve, reject) =>
    (handler as Handler<Req, Res>)({ request }, (error, res) => (error ? reject(new Error(error.message)) : resolve(res as Res))),
  );
}

describe("provider plugin: Invoke and the resource types it serves", () => {
  let sim: StartedSimulator;
  let service: ReturnType<CallbellPluginServer["service"]>;

  before(async () => {
    sim = await startSimulator({ rateLimitPerSecond: 0 });
    service = new CallbellPluginServer({ version: "0.0.0-test", repository: "", pluginDownloadURL: "", goImportBasePath: "" }).service();
    const args = Struct.fromJavaScript({ apiUrl: sim.url, apiToken: sim.token });
    await call(service.configure, new proto.ConfigureRequest().setArgs(args));
  });
  after(async () => sim?.close());
  beforeEach(() => sim.admin.clearRequests());

  it("getTeam answers the team by name, with GETs only", async () => {
    const req = new proto.InvokeRequest().setTok("callbell:index:getTeam").setArgs(Struct.fromJavaScript({ name: "SUPPORT" }));
    const res = await call<proto.InvokeRequest, proto.InvokeResponse>(service.invoke, req);
    const answer = res.getReturn()!.toJavaScript();
    assert.equal(answer.uuid, TEAMS.support);
    assert.match(String(answer.name), /^support$/i);
    assert.deepEqual([...new Set((await sim.admin.requests()).map((e) => e.method))], ["GET"]);
  });

  it("getCustomStatus answers the status by name without case, and names the account's statuses when there is none", async () => {
    const lunch = await sim.admin.createCustomStatus({ name: "Lunch", emoji: "🍙" });
    await sim.admin.clearRequests();
    const req = new proto.InvokeRequest().setTok("callbell:index:getCustomStatus").setArgs(Struct.fromJavaScript({ name: " lunch " }));
    const res = await call<proto.InvokeRequest, proto.InvokeResponse>(service.invoke, req);
    assert.deepEqual(res.getReturn()!.toJavaScript(), { id: lunch.id, name: "Lunch", emoji: "🍙" });
    assert.deepEqual([...new Set((await sim.admin.requests()).map((e) => e.method))], ["GET"]);
    const missing = new proto.InvokeRequest().setTok("callbell:index:getCustomStatus").setArgs(Struct.fromJavaScript({ name: "Gym" }));
    await assert.rejects(
      call(service.invoke, missing),
      /^Error: getCustomStatus\(\{ name: "Gym" \}\): the account has no custom status of that name; it has "Lunch"$/,
    );
  });

  it("a lookup's bad argument is its one-line message; an unknown function names those served", async () => {
    const bad = new proto.InvokeRequest().setTok("callbell:index:getTeam").setArgs(Struct.fromJavaScript({ name: "" }));
    await assert.rejects(call(service.invoke, bad), /^Error: getTeam\(\{ name: "" \}\): name must be a team's name, e\.g\. "Support"$/);
    const unknown = new proto.InvokeRequest().setTok("callbell:index:getWebhook").setArgs(Struct.fromJavaScript({}));
    await assert.rejects(
      call(service.invoke, unknown),
      /unknown function callbell:index:getWebhook \(this provider serves callbell:index:getTeam, callbell:index:getChannel, callbell:index:getContact, callbell:index:getCustomStatus\)/,
    );
  });

  it("a resource type it does not serve is refused, naming the types it serves, and nothing is sent", async () => {
    const req = new proto.CheckRequest().setUrn("urn:pulumi:dev::p::callbell:index:Team::support").setNews(Struct.fromJavaScript({ name: "Support" }));
    await assert.rejects(
      call(service.check, req),
      /unknown resource type callbell:index:Team \(this provider serves callbell:index:Contact, callbell:index:CustomStatus, callbell:index:Webhook\)/,
    );
    assert.deepEqual(await sim.admin.requests(), []);
  });
});
