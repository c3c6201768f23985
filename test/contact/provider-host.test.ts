// What Contact relies on in Pulumi's dynamic-provider host (node_modules/@pulumi/pulumi/cmd/dynamic-provider), pinned by
// running that host as the engine does and calling it over gRPC: it loads a resource's `__provider` text with
// `requireFromString(text).handler()`, keeps one provider per distinct text (configured once), and our one-line
// `__provider` and the old 2.2 KB stub both give the real Contact provider. If an SDK upgrade changes any of it,
// this fails before a user's state does.
import { strict as assert } from "assert";
import { ChildProcess, spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import * as grpc from "@grpc/grpc-js";
import * as structproto from "google-protobuf/google/protobuf/struct_pb";
import { contactProviderSource, contactType } from "pulumi-callbell/dist/doors/typescript/resource";

const provrpc = require("@pulumi/pulumi/proto/provider_grpc_pb");

const provproto = require("@pulumi/pulumi/proto/provider_pb");

const REPO_ROOT = path.resolve(__dirname, "..", "..");
const OLD_STUB = fs.readFileSync(path.join(__dirname, "..", "harness", "fixtures", "contact-provider-v0.1-stub.js"), "utf8");

// A provider text that reports how often the host called handler() and configure(), per text.
const countingProvider = (tag: string) => `
const counts = globalThis.__counts ??= {};
exports.handler = () => {
  const mine = counts[${JSON.stringify(tag)}] ??= { handler: 0, configure: 0 };
  mine.handler++;
  return {
    configure: async () => { mine.configure++; },
    check: async (olds, news) => ({ inputs: { ...news, tag: ${JSON.stringify(tag)}, handler: mine.handler, configure: mine.configure } }),
  };
};`;

type Struct = Record<string, unknown>;

describe("the dynamic-provider host, as Contact relies on it", function () {
  this.timeout(60_000);
  let host: ChildProcess;
  type Call = (...args: never[]) => unknown;
  let client: { check: Call; configure: Call; close(): void };

  const call = <T>(method: string, request: unknown): Promise<T> =>
    new Promise((resolve, reject) =>
      (client as unknown as Record<string, (request: unknown, done: (err: Error | null, res: T) => void) => void>)[method](
        request,
        (err: Error | null, res: T) => (err ? reject(err) : resolve(res)),
      ),
    );

  const check = async (news: Struct): Promise<Struct> => {
    const request = new provproto.CheckRequest();
    request.setUrn(`urn:pulumi:s::p::${contactType}::c`);
    request.setOlds(structproto.Struct.fromJavaScript({}));
    request.setNews(structproto.Struct.fromJavaScript(news as Record<string, structproto.JavaScriptValue>));
    const response = await call<{ getInputs(): structproto.Struct; getFailuresList(): unknown[] }>("check", request);
    return response.getInputs().toJavaScript() as Struct;
  };

  before(async () => {
    // The host's own entry point, from the project folder, as pulumi-resource-pulumi-nodejs starts it.
    const entry = require.resolve("@pulumi/pulumi/cmd/dynamic-provider", { paths: [REPO_ROOT] });
    host = spawn(process.execPath, [entry, "127.0.0.1:1"], { cwd: REPO_ROOT, stdio: ["ignore", "pipe", "inherit"] });
    const port = await new Promise<string>((resolve, reject) => {
      host.stdout!.once("data", (d: Buffer) => resolve(d.toString().trim()));
      host.once("exit", (code) => reject(new Error(`host exited with ${code}`)));
    });
    client = new provrpc.ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
    const configure = new provproto.ConfigureRequest();
    configure.setArgs(structproto.Struct.fromJavaScript({ "callbell:apiUrl": "http://127.0.0.1:9/v1" }));
    await call("configure", configure);
  });
  after(() => {
    client?.close();
    host?.kill();
  });

  it("calls handler() of the text once per distinct text, and configure once per provider", async () => {
    const a = countingProvider("a");
    const b = countingProvider("b");
    const first = await check({ __provider: a });
    const again = await check({ __provider: a });
    const other = await check({ __provider: b });
    const back = await check({ __provider: a });
    assert.deepEqual(
      [first, again, back].map((r) => [r.tag, r.handler, r.configure]),
      [
        ["a", 1, 1],
        ["a", 1, 1],
        ["a", 1, 1],
      ],
    );
    assert.deepEqual([other.tag, other.handler, other.configure], ["b", 1, 1]);
    assert.equal(back.__provider, a, "the host puts the resource's own __provider back into the checked inputs");
  });

  it("gets the real Contact provider from the one-line __provider and from the old 2.2 KB stub", async () => {
    assert.ok(Buffer.byteLength(OLD_STUB) === 2195, "the stored copy of the old stub");
    for (const text of [contactProviderSource, OLD_STUB]) {
      const inputs = await check({ __provider: text, identifier: "+39 333 123 4567", source: "whatsapp", name: "Host Alice", __owner: "p/s/c" });
      // Only the Contact provider's check normalises the number and keeps the owner.
      assert.deepEqual(inputs, { __provider: text, identifier: "393331234567", source: "whatsapp", name: "Host Alice", __owner: "p/s/c" });
    }
  });
});
