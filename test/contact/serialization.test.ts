// The provider text every Contact stores (`__provider`): declared for real under pulumi.runtime.setMocks, then
// loaded the way the provider host loads it. It is one constant line (resource.ts says why), the same bytes in
// every install layout: the workspace symlink, a copied node_modules, and the npm tarball.
import { strict as assert } from "assert";
import { execFileSync, spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { StartedSimulator, startSimulator } from "callbell-simulator";

const REPO_ROOT = path.resolve(__dirname, "..", "..");
const TOKEN_MARKER = "sim_serialization_marker_token_4f2a";

// Runs in a child process, so mocks and module state never touch the mocha process. It
// declares three contacts with pulumi-callbell resolved from `cwd` and prints each __provider.
const declareScript = `
const pulumi = require("@pulumi/pulumi");
const seen = [];
pulumi.runtime.setMocks({
  newResource: (args) => { seen.push(args.inputs.__provider); return { id: args.name, state: args.inputs }; },
  call: (args) => args.inputs,
}, "project", "stack", false);
const callbell = require("pulumi-callbell");
const contacts = ["393331234567", "393331234568", "12025550143"].map((identifier, i) =>
  new callbell.Contact("c" + i, { identifier, source: "whatsapp", name: "Contact " + i, tags: ["qa"] }));
Promise.all(contacts.map((c) => new Promise((resolve) => c.urn.apply(resolve)))).then(() =>
  setTimeout(() => process.stdout.write(JSON.stringify(seen)), 200));
`;

function serializedProviders(cwd: string): string[] {
  const out = execFileSync(process.execPath, ["-e", declareScript], {
    cwd,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, CALLBELL_API_TOKEN: TOKEN_MARKER },
  });
  return JSON.parse(out) as string[];
}

/** A second checkout of the package at another absolute path, sharing its dependencies. */
function copyCheckout(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "callbell-checkout-"));
  const pkg = path.join(dir, "node_modules", "pulumi-callbell");
  fs.mkdirSync(pkg, { recursive: true });
  fs.cpSync(path.join(REPO_ROOT, "provider", "dist"), path.join(pkg, "dist"), { recursive: true });
  fs.copyFileSync(path.join(REPO_ROOT, "provider", "package.json"), path.join(pkg, "package.json"));
  for (const dep of fs.readdirSync(path.join(REPO_ROOT, "node_modules"))) {
    if (dep !== "pulumi-callbell" && !dep.startsWith(".")) fs.symlinkSync(path.join(REPO_ROOT, "node_modules", dep), path.join(dir, "node_modules", dep));
  }
  return dir;
}

describe("the serialized provider (__provider)", function () {
  this.timeout(60_000);
  let providers: string[];

  before(() => {
    providers = serializedProviders(REPO_ROOT);
  });

  it("is the one-line text that requires the provider by package name, identical for every contact", () => {
    assert.equal(providers.length, 3);
    assert.ok(
      providers.every((p) => p === providers[0]),
      "identical across resources",
    );
    assert.equal(providers[0], 'module.exports=require("pulumi-callbell/dist/contact/host")');
    const bytes = Buffer.byteLength(providers[0]);
    assert.equal(bytes, 59, "was 2,195 bytes as a serialized pulumi.dynamic.Resource stub");
    console.log(`      __provider: ${bytes} bytes`);
  });

  it("leaves Error.stackTraceLimit as it found it, also when the SDK throws during the registration", () => {
    const script = `
      const pulumi = require("@pulumi/pulumi");
      pulumi.runtime.setMocks({ newResource: (a) => ({ id: a.name, state: a.inputs }), call: (a) => a.inputs }, "p", "s", false);
      const { Contact } = require("pulumi-callbell");
      Error.stackTraceLimit = 17;
      new Contact("a", { identifier: "393331234567", source: "whatsapp", name: "A" });
      const after = Error.stackTraceLimit;
      let thrown = "";
      try { new Contact("b", { identifier: "393331234568", source: "whatsapp", name: "B" }, { parent: {} }); } catch (e) { thrown = e.message; }
      process.stdout.write(JSON.stringify([after, Error.stackTraceLimit, thrown !== ""]));`;
    const out = execFileSync(process.execPath, ["-e", script], { cwd: REPO_ROOT, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
    assert.deepEqual(JSON.parse(out), [17, 17, true]);
  });

  it("holds no token, no absolute path and no schema", () => {
    const text = providers[0];
    assert.ok(!text.includes(TOKEN_MARKER), "token captured");
    for (const local of [REPO_ROOT, os.homedir(), os.tmpdir(), "/work/"]) assert.ok(!text.includes(local), `captures ${local}`);
    assert.ok(!/safeParse|ZodObject/.test(text), "captures zod");
  });

  it("is the same bytes from another checkout path", () => {
    const other = copyCheckout();
    try {
      assert.equal(serializedProviders(other)[0], providers[0]);
    } finally {
      fs.rmSync(other, { recursive: true, force: true });
    }
  });

  it("is the same bytes, and loads that install's provider, from the npm tarball installed in node_modules", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "callbell-tarball-"));
    try {
      // --ignore-scripts: pack the dist/ this suite runs against. prepack's clean rebuild is the subject of
      // test/plain-cli/package.test.ts; here it would only cost a second compile of the package.
      const tgz = execFileSync("npm", ["pack", "--ignore-scripts", "--silent", "--pack-destination", dir], {
        cwd: path.join(REPO_ROOT, "provider"),
        encoding: "utf8",
      }).trim();
      const pkg = path.join(dir, "node_modules", "pulumi-callbell");
      fs.mkdirSync(pkg, { recursive: true });
      execFileSync("tar", ["-xzf", path.join(dir, tgz), "-C", pkg, "--strip-components=1"]);
      for (const dep of fs.readdirSync(path.join(REPO_ROOT, "node_modules"))) {
        if (dep !== "pulumi-callbell" && !dep.startsWith(".")) fs.symlinkSync(path.join(REPO_ROOT, "node_modules", dep), path.join(dir, "node_modules", dep));
      }
      assert.equal(serializedProviders(dir)[0], providers[0]);
      const loaded = execFileSync(
        process.execPath,
        [
          "-e",
          `const p = require("require-from-string")(${JSON.stringify(providers[0])}).handler();
         process.stdout.write(JSON.stringify([typeof p.create, require.resolve("pulumi-callbell/dist/contact/provider")]))`,
        ],
        { cwd: dir, encoding: "utf8" },
      );
      assert.deepEqual(JSON.parse(loaded), ["function", path.join(fs.realpathSync(pkg), "dist", "contact", "provider.js")]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  describe("loaded like the provider host loads it (plain Node, require-from-string)", () => {
    let sim: StartedSimulator;
    before(async () => {
      sim = await startSimulator();
    });
    after(async () => sim.close());

    it("checks, creates and reads a contact on the simulator with the token from configure", async () => {
      const hostScript = `
        const provider = require("require-from-string")(process.env.PROVIDER).handler();
        const config = { "callbell:apiToken": process.env.SIM_TOKEN, "callbell:apiUrl": process.env.SIM_URL };
        (async () => {
          await provider.configure({ config: { get: (key) => config[key] } });
          const checked = await provider.check({}, { identifier: "+39 333 123 4567", source: "whatsapp", name: "Host Alice" });
          const created = await provider.create(checked.inputs);
          const read = await provider.read(created.id, created.outs);
          process.stdout.write(JSON.stringify({ checked, created, read }));
        })().catch((e) => { process.stderr.write(String(e.message)); process.exit(1); });`;
      const child = spawn(process.execPath, ["-e", hostScript], {
        cwd: REPO_ROOT,
        env: { PATH: process.env.PATH, PROVIDER: providers[0], SIM_TOKEN: sim.token, SIM_URL: sim.url },
      });
      let out = "";
      let err = "";
      child.stdout.on("data", (d) => (out += d));
      child.stderr.on("data", (d) => (err += d));
      const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
      assert.equal(code, 0, err);
      const result = JSON.parse(out);
      assert.equal(result.checked.inputs.identifier, "393331234567");
      assert.equal(result.read.id, result.created.id);
      assert.equal(result.read.props.name, "Host Alice");
      const stored = await sim.admin.contacts();
      assert.deepEqual(
        stored.map((c) => c.uuid),
        [result.created.id],
      );
      assert.ok(!out.includes(sim.token) && !err.includes(sim.token));
    });
  });
});
