// The provider plugin from a YAML program (examples/yaml) through the plain `pulumi` CLI, in a project outside the
// repository: preview, up, the detailed diff of a replace and of a tag change, `pulumi import` of a contact made
// behind Pulumi's back, refresh, destroy. After each step: the simulator's contacts, its request log, the state.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { StartedSimulator, startSimulator } from "callbell-simulator";
import { CliResult, ok, run, summary } from "../plain-cli/support";
import { packageInfoOf } from "../../provider/src/doors/plugin/package-info";
import { CONTACT_TYPE, PLUGIN_DIR, pluginEnv, previewSteps, printedCode, projectFrom, stateOf, writes } from "../harness/plugin";

const shown = (r: CliResult) => `${r.command}\n${r.stdout}${r.stderr}`;

describe("provider plugin: a YAML program (examples/yaml) through the plain CLI", function () {
  this.timeout(5 * 60_000);
  let sim: StartedSimulator;
  let project: string;
  let env: NodeJS.ProcessEnv;
  let program: string;
  const pulumi = (...args: string[]) => ok(project, env, args, "pulumi", [sim.token]);
  const edit = (from: string, to: string) => {
    const text = fs.readFileSync(program, "utf8");
    assert.ok(text.includes(from), `${from} not in the program`);
    fs.writeFileSync(program, text.replace(from, to));
  };
  const logAfter = async <T>(step: () => Promise<T>): Promise<{ result: T; writes: string[] }> => {
    await sim.admin.clearRequests();
    const result = await step();
    return { result, writes: writes(await sim.admin.requests()) };
  };

  before(async () => {
    sim = await startSimulator({ rateLimitPerSecond: 0 });
    project = projectFrom("yaml");
    program = path.join(project, "Pulumi.yaml");
    env = pluginEnv(project, sim);
    await pulumi("stack", "init", "dev");
  });
  after(async () => sim?.close());

  it("preview shows one contact to create and writes nothing", async () => {
    const { result, writes: w } = await logAfter(() => pulumi("preview"));
    assert.deepEqual(summary(result.stdout), { create: 2 }, shown(result));
    assert.deepEqual(w, []);
    assert.deepEqual(await sim.admin.contacts(), []);
  });

  it("up creates the contact with one POST; the state holds it as created, with no token", async () => {
    const { result, writes: w } = await logAfter(() => pulumi("up", "--yes"));
    assert.deepEqual(summary(result.stdout), { create: 2 }, shown(result));
    assert.deepEqual(w, ["POST /contacts"]);
    const [contact] = await sim.admin.contacts();
    assert.equal(contact.name, "QA Alice");
    assert.deepEqual(contact.tags, ["qa"]);
    const [state] = await stateOf(project, env);
    assert.equal(state.id, contact.uuid);
    assert.equal(state.outputs?.origin, "created");
    assert.equal(state.outputs?.owner, "callbell-yaml/dev/alice");
    assert.ok(!JSON.stringify(await pulumi("stack", "export")).includes(sim.token), "the token is not in the state");
  });

  it("an identifier change previews as a replace marked on identifier, and writes nothing", async () => {
    edit('identifier: "393332000001"', 'identifier: "393332000002"');
    const { result: steps, writes: w } = await logAfter(() => previewSteps(project, env));
    const replace = steps.find((s) => s.op === "replace");
    assert.ok(replace, JSON.stringify(steps));
    assert.deepEqual(replace.replaceReasons, ["identifier"]);
    assert.deepEqual(replace.detailedDiff, { identifier: { kind: "update-replace", inputDiff: true } });
    const text = await pulumi("preview", "--diff");
    assert.match(text.stdout, /~ identifier: "393332000001" => "393332000002"/, shown(text));
    assert.deepEqual(w, []);
    edit('identifier: "393332000002"', 'identifier: "393332000001"');
  });

  it("a tag change previews as an update of tags only, and up sends one PATCH of the tags", async () => {
    edit("tags: [qa]", "tags: [qa, vip]");
    const steps = await previewSteps(project, env);
    assert.deepEqual(
      steps.filter((s) => s.op !== "same").map((s) => [s.op, s.detailedDiff]),
      [["update", { tags: { kind: "update", inputDiff: true } }]],
    );
    const { writes: w } = await logAfter(() => pulumi("up", "--yes"));
    assert.deepEqual(w, ["PATCH /contacts/:uuid"]);
    const [contact] = await sim.admin.contacts();
    assert.deepEqual([...contact.tags].sort(), ["qa", "vip"]);
    const [state] = await stateOf(project, env);
    assert.deepEqual(state.outputs?.tags, ["qa", "vip"]);
  });

  it("pulumi import of a contact made by hand writes nothing; the printed code pasted in previews with no change", async () => {
    const made = await sim.admin.createContact({ identifier: "393339876543", source: "whatsapp", name: "Hand Made", tags: ["vip"] });
    const { result, writes: w } = await logAfter(() => pulumi("import", CONTACT_TYPE, "bob", made.uuid, "--yes"));
    assert.deepEqual(w, [], shown(result));
    const code = printedCode(result);
    assert.match(code, /^resources:\n {2}bob:\n {4}type: callbell:(index:)?Contact\n/, code);
    assert.match(code, /identifier: '393339876543'/);
    // Pasted under the program's resources, before its outputs.
    const pasted = code.split("\n").slice(1).join("\n");
    edit("outputs:", `${pasted}\noutputs:`);
    const preview = await logAfter(() => pulumi("preview", "--diff"));
    assert.deepEqual(summary(preview.result.stdout), { unchanged: 3 }, shown(preview.result));
    assert.deepEqual(preview.writes, []);
    const bob = (await stateOf(project, env)).find((s) => s.urn.endsWith("::bob"));
    assert.equal(bob?.id, made.uuid);
    assert.equal(bob?.outputs?.origin, "adopted");
    assert.equal(bob?.protect, true);
  });

  it("refresh shows the drift by property and writes nothing; up puts the name back with one PATCH", async () => {
    const alice = (await stateOf(project, env)).find((s) => s.urn.endsWith("::alice"))!;
    await sim.admin.editContact(alice.id!, { name: "Edited in the dashboard" });
    const refresh = await logAfter(() => pulumi("refresh", "--yes", "--diff"));
    assert.match(refresh.result.stdout, /~ name: "QA Alice" => "Edited in the dashboard"/, shown(refresh.result));
    assert.deepEqual(refresh.writes, []);
    const steps = await previewSteps(project, env);
    assert.deepEqual(
      steps.filter((s) => s.op !== "same").map((s) => [s.op, Object.keys(s.detailedDiff ?? {})]),
      [["update", ["name"]]],
    );
    const up = await logAfter(() => pulumi("up", "--yes"));
    assert.deepEqual(up.writes, ["PATCH /contacts/:uuid"]);
    assert.equal((await sim.admin.contact(alice.id!)).name, "QA Alice");
  });

  // The released SDKs name a pluginDownloadURL, which is part of the default provider's name: a stack made before moves
  // its contacts to a new provider on the first run with them. The engine asks the plugin's DiffConfig whether that is
  // a replace; it must not be, or every contact would be deleted and created again.
  it("naming the pluginDownloadURL (as a released SDK does) moves the contact to the new default provider with no write", async () => {
    const providerOf = async () => Object.fromEntries((await stateOf(project, env)).map((s) => [s.urn.split("::").pop(), s.provider]));
    const before = await providerOf();
    const contactsBefore = await sim.admin.contacts();
    const { version, pluginDownloadURL } = packageInfoOf(fs.readFileSync(path.join(PLUGIN_DIR, "package.json"), "utf8"));
    const options = `\n    options:\n      version: ${version}\n      pluginDownloadURL: ${pluginDownloadURL}\n`;
    edit(
      '    type: callbell:index:Contact\n    properties:\n      identifier: "393332000001"',
      "    type: callbell:index:Contact" + options + '    properties:\n      identifier: "393332000001"',
    );
    const steps = await previewSteps(project, env);
    assert.deepEqual(
      steps.filter((s) => s.urn.endsWith("::alice")).map((s) => s.op),
      [], // only "same", which preview --json leaves out
    );
    const up = await logAfter(() => pulumi("up", "--yes"));
    assert.deepEqual(up.writes, [], shown(up.result));
    const after = await providerOf();
    assert.notEqual(after.alice, before.alice);
    // The default provider's name: default_<version with _>_<the URL with : and / as _ , as the engine spells it>.
    const name = `default_${version.replace(/\./g, "_")}_${pluginDownloadURL.replace("://", "_/")}`;
    assert.ok(after.alice?.includes(`::pulumi:providers:callbell::${name}::`), `${after.alice} is not the provider ${name}`);
    assert.deepEqual(await sim.admin.contacts(), contactsBefore);
  });

  it("destroy deletes the created contact and leaves the imported one in Callbell, saying so", async () => {
    const before = await stateOf(project, env);
    const ids = Object.fromEntries(before.map((s) => [s.urn.split("::").pop(), s.id]));
    await pulumi("state", "unprotect", "--all", "--yes");
    const { result, writes: w } = await logAfter(() => pulumi("destroy", "--yes"));
    assert.deepEqual(w, [`DELETE /contacts/:uuid`], shown(result));
    assert.match(result.stdout + result.stderr, /was left in Callbell, not deleted/, shown(result));
    const left = (await sim.admin.contacts()).map((c) => c.uuid);
    assert.deepEqual(left, [ids.bob]);
    assert.deepEqual(await stateOf(project, env), []);
  });

  it("bad input from YAML: an unknown property is one line naming it, and nothing is written", async () => {
    edit("tags: [qa, vip]", "tags: [qa, vip]\n      nickname: Al");
    const { result, writes: w } = await logAfter(() => run(project, env, ["preview"]));
    assert.notEqual(result.code, 0);
    assert.match(result.stdout + result.stderr, /nickname/, shown(result));
    assert.deepEqual(w, []);
  });
});
