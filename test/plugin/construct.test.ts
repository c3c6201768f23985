// The plugin's Construct of a ContactSet without an engine: the inputs it refuses before a file is read or a process
// started, and the host process the set runs in (construct.ts run as a program: Pulumi's public provider server). The
// host prints its port as a plugin does, serves on it, and ends when the plugin holding its stdin ends, so no host
// outlives a run. The Construct through the engine: seed-files.engine.test.ts (YAML, Python) and go.engine.test.ts.
import { strict as assert } from "assert";
import { spawn } from "child_process";
import * as path from "path";
import { Readable } from "stream";
import * as grpc from "@grpc/grpc-js";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import * as providerRpc from "@pulumi/pulumi/proto/provider_grpc_pb";
import * as proto from "@pulumi/pulumi/proto/provider_pb";
import { ContactSetInputError, construct } from "../../provider/src/doors/plugin/construct";
import { unknownValue } from "../../provider/src/normalize";
import { contactSetToken } from "../../provider/src/tokens";
import { REPO_ROOT } from "../harness";

const request = (inputs: Record<string, unknown>, type = contactSetToken) =>
  new proto.ConstructRequest()
    .setType(type)
    .setName("seed")
    .setDryrun(true)
    .setInputs(Struct.fromJavaScript(inputs as never));

/** What a promise answers, or "no answer" after ms: a host that hangs fails the test instead of outliving it. */
function within<T>(ms: number, promise: Promise<T>): Promise<T | "no answer"> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<"no answer">((resolve) => (timer = setTimeout(() => resolve("no answer"), ms)));
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

/** The first line a stream prints. */
function firstLine(stream: Readable): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = "";
    stream.on("data", (chunk: Buffer) => {
      text += chunk.toString();
      if (text.includes("\n")) resolve(text.slice(0, text.indexOf("\n")));
    });
    stream.once("end", () => reject(new Error(`no line before the end: ${JSON.stringify(text)}`)));
  });
}

describe("the plugin's Construct of a ContactSet", () => {
  const refused = async (inputs: Record<string, unknown>, message: RegExp) =>
    assert.rejects(construct(request(inputs), "127.0.0.1:1"), (e: Error) => e instanceof ContactSetInputError && message.test(e.message));

  it("refuses inputs it cannot use in one sentence naming the field and the fix, before any host process starts", async () => {
    await refused({}, /^ContactSet files must be a list of seed file paths, e\.g\. \["contacts\.common\.yaml", "contacts\.dev\.yaml"\]$/);
    await refused({ files: ["a.yaml", ""] }, /^ContactSet files must be a list/);
    await refused({ files: ["a.yaml"], personalData: "maybe" }, /^ContactSet personalData is "maybe": use "plain" \(the default\) or "secret"$/);
    await refused({ files: ["a.yaml"], overrides: ["seed"] }, /^ContactSet overrides must be an object/);
    await refused({ files: ["a.yaml"], namePrefix: "prod/" }, /^ContactSet namePrefix is "prod\/": use letters/);
    await refused({ files: [unknownValue] }, /^ContactSet files is not known at preview \(it comes from another resource's output\)/);
  });

  it("refuses a component other than ContactSet", async () => {
    await assert.rejects(construct(request({ files: ["a.yaml"] }, "callbell:index:Other"), "127.0.0.1:1"), /unknown component callbell:index:Other/);
  });

  it("its host process prints its port on stdout as a plugin does, serves gRPC on it, and ends when its stdin closes", async function () {
    this.timeout(30_000);
    const script = path.join(REPO_ROOT, "provider", "dist", "doors", "plugin", "construct.js"); // npm run build makes it
    const host = spawn(process.execPath, [script, "127.0.0.1:1"], { stdio: "pipe" });
    let stderr = "";
    host.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    try {
      const port = await within(10_000, firstLine(host.stdout));
      assert.match(port, /^\d+$/, stderr);
      const client = new providerRpc.ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
      await new Promise<void>((resolve, reject) => client.waitForReady(Date.now() + 10_000, (e) => (e ? reject(e) : resolve())));
      client.close();
      const exited = new Promise<number | null>((resolve) => host.once("exit", resolve));
      host.stdin.end(); // what the plugin's end, however it ends, does to the host
      assert.equal(await within(10_000, exited), 0, `the host's exit code once its stdin closed\n${stderr}`);
    } finally {
      host.kill();
    }
  });
});
