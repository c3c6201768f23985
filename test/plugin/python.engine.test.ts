// The provider plugin from a Python program (examples/python) with the SDK generated from the plugin's schema, through
// the plain `pulumi` CLI in a project outside the repository. The same steps as the YAML program; after each: the
// simulator's contacts, its request log, the stack's state.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { StartedSimulator, startSimulator } from "callbell-simulator";
import { CliResult, ok, run, summary } from "../plain-cli/support";
import { CONTACT_TYPE, installPythonSdk, pluginEnv, previewSteps, printedCode, projectFrom, stateOf, writes } from "../harness/plugin";

const shown = (r: CliResult) => `${r.command}\n${r.stdout}${r.stderr}`;

describe("provider plugin: a Python program (examples/python) through the plain CLI", function () {
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

  before(async function () {
    this.timeout(5 * 60_000);
    sim = await startSimulator({ rateLimitPerSecond: 0 });
    project = projectFrom("python");
    program = path.join(project, "__main__.py");
    env = pluginEnv(project, sim);
    await installPythonSdk(env);
    await pulumi("stack", "init", "dev");
  });
  after(async () => sim?.close());

  it("preview shows one contact to create and writes nothing; up creates it with one POST", async () => {
    const preview = await logAfter(() => pulumi("preview"));
    assert.deepEqual(summary(preview.result.stdout), { create: 2 }, shown(preview.result));
    assert.deepEqual(preview.writes, []);
    const up = await logAfter(() => pulumi("up", "--yes"));
    assert.deepEqual(up.writes, ["POST /contacts"], shown(up.result));
    const [contact] = await sim.admin.contacts();
    assert.equal(contact.name, "QA Alice");
    const [state] = await stateOf(project, env);
    assert.equal(state.id, contact.uuid);
    assert.equal(state.outputs?.owner, "callbell-python/dev/alice");
  });

  it("an identifier change previews as a replace marked on identifier; a tag change as an update of tags only", async () => {
    edit('identifier="393333000001"', 'identifier="393333000002"');
    const replace = await logAfter(() => previewSteps(project, env));
    assert.deepEqual(
      replace.result.map((s) => [s.op, s.replaceReasons, s.detailedDiff]),
      [["replace", ["identifier"], { identifier: { kind: "update-replace", inputDiff: true } }]],
    );
    assert.deepEqual(replace.writes, []);
    edit('identifier="393333000002"', 'identifier="393333000001"');
    edit('tags=["qa"]', 'tags=["qa", "vip"]');
    const update = await previewSteps(project, env);
    assert.deepEqual(
      update.map((s) => [s.op, s.detailedDiff]),
      [["update", { tags: { kind: "update", inputDiff: true } }]],
    );
    const up = await logAfter(() => pulumi("up", "--yes"));
    assert.deepEqual(up.writes, ["PATCH /contacts/:uuid"]);
    assert.deepEqual([...(await sim.admin.contacts())[0].tags].sort(), ["qa", "vip"]);
  });

  it("pulumi import of a contact made by hand writes nothing; the printed code pasted in previews with no change", async () => {
    const made = await sim.admin.createContact({ identifier: "393339876543", source: "whatsapp", name: "Hand Made", tags: ["vip"] });
    const imported = await logAfter(() => pulumi("import", CONTACT_TYPE, "bob", made.uuid, "--yes"));
    assert.deepEqual(imported.writes, [], shown(imported.result));
    const code = printedCode(imported.result);
    assert.match(code, /^import pulumi\nimport pulumi_callbell as callbell\n\nbob = callbell\.Contact\("bob",\n/, code);
    assert.match(code, /identifier="393339876543"/, code);
    assert.match(code, /opts = pulumi\.ResourceOptions\(protect=True\)\)$/, code);
    // Pasted below the program, without its two imports, which the program already has.
    fs.appendFileSync(program, "\n" + code.split("\n").slice(3).join("\n") + "\n");
    const preview = await logAfter(() => pulumi("preview", "--diff"));
    assert.deepEqual(summary(preview.result.stdout), { unchanged: 3 }, shown(preview.result));
    assert.deepEqual(preview.writes, []);
    const bob = (await stateOf(project, env)).find((s) => s.urn.endsWith("::bob"))!;
    assert.equal(bob.id, made.uuid);
    assert.equal(bob.outputs?.origin, "adopted");
    assert.equal(bob.protect, true);
  });

  it("refresh shows the drift by property and writes nothing", async () => {
    const alice = (await stateOf(project, env)).find((s) => s.urn.endsWith("::alice"))!;
    await sim.admin.editContact(alice.id!, { name: "Edited in the dashboard" });
    const refresh = await logAfter(() => pulumi("refresh", "--yes", "--diff"));
    assert.match(refresh.result.stdout, /~ name: "QA Alice" => "Edited in the dashboard"/, shown(refresh.result));
    assert.deepEqual(refresh.writes, []);
    assert.deepEqual(
      (await previewSteps(project, env)).filter((s) => s.op !== "same").map((s) => [s.op, Object.keys(s.detailedDiff ?? {})]),
      [["update", ["name"]]],
    );
  });

  it("bad input from Python: a wrong type is one line naming the property, and nothing is written", async () => {
    edit('tags=["qa", "vip"]', 'tags="qa"');
    const { result, writes: w } = await logAfter(() => run(project, env, ["preview"]));
    assert.notEqual(result.code, 0);
    assert.match(result.stdout, /property tags value .* tags must be a list of tag names/, shown(result));
    assert.deepEqual(w, []);
    edit('tags="qa"', 'tags=["qa", "vip"]');
  });

  it("destroy deletes the created contact and leaves the imported one in Callbell", async () => {
    const ids = Object.fromEntries((await stateOf(project, env)).map((s) => [s.urn.split("::").pop(), s.id]));
    await pulumi("state", "unprotect", "--all", "--yes");
    const { result, writes: w } = await logAfter(() => pulumi("destroy", "--yes"));
    assert.deepEqual(w, ["DELETE /contacts/:uuid"], shown(result));
    assert.deepEqual(
      (await sim.admin.contacts()).map((c) => c.uuid),
      [ids.bob],
    );
    assert.deepEqual(await stateOf(project, env), []);
  });
});
