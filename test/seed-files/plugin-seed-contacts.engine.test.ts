// Seed files from YAML and Python: examples/seed-contacts-yaml and examples/seed-contacts-python declare
// callbell:index:ContactSet over the very files of the TypeScript example (examples/seed-contacts), through the plain
// `pulumi` CLI in projects outside the repository. The checks of the TypeScript seed project, for each language: a bad
// file fails the preview listing every problem with file and line and writes nothing; up, then an up with no change;
// an overlay edit is an update of exactly that contact; `remove: true` deletes only its own contact; the personal-data
// switch writes nothing and leaves no number in `pulumi stack export`. After each step: the simulator's contacts, its
// request log, the state.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { StartedSimulator, startSimulator } from "callbell-simulator";
import { REPO_ROOT } from "../harness";
import { CliResult, ok, run, scratchDir, summary } from "../plain-cli/support";
import { CONTACT_TYPE, PLUGIN_DIR, PreviewStep, installPythonSdk, pluginEnv, stateOf, writes } from "../harness/plugin";

const shown = (r: CliResult) => `${r.command}\n${r.stdout}${r.stderr}`;
const dev = [
  "whatsapp-12025550143",
  "whatsapp-393331234501",
  "whatsapp-393331234502",
  "whatsapp-393331234567",
  "whatsapp-393331234568",
  "whatsapp-4915112345678",
];

/** The steps of `pulumi preview --json` on the set's contacts, other than "same". */
async function changes(project: string, env: NodeJS.ProcessEnv): Promise<PreviewStep[]> {
  const r = await ok(project, env, ["preview", "--json"]);
  return ((JSON.parse(r.stdout).steps ?? []) as PreviewStep[]).filter((s) => s.urn.includes(`$${CONTACT_TYPE}::`) && s.op !== "same");
}

/** A user's checkout: the TypeScript example's seed files in seed-contacts/, the example beside them naming the plugin by its absolute path. */
function seedProject(example: string): { project: string; seeds: string } {
  const root = scratchDir(`plugin-${example}`);
  const seeds = path.join(root, "seed-contacts");
  fs.mkdirSync(seeds);
  for (const file of fs.readdirSync(path.join(REPO_ROOT, "examples", "seed-contacts")).filter((f) => /^contacts\..*\.yaml$/.test(f))) {
    fs.copyFileSync(path.join(REPO_ROOT, "examples", "seed-contacts", file), path.join(seeds, file));
  }
  const project = path.join(root, example);
  fs.cpSync(path.join(REPO_ROOT, "examples", example), project, { recursive: true });
  const settings = path.join(project, "Pulumi.yaml");
  fs.writeFileSync(settings, fs.readFileSync(settings, "utf8").replace("path: ../../provider", `path: ${PLUGIN_DIR}`));
  return { project, seeds };
}

for (const language of ["yaml", "python"] as const) {
  describe(`provider plugin: seed files from ${language === "yaml" ? "YAML" : "Python"} (examples/seed-contacts-${language})`, function () {
    this.timeout(5 * 60_000);
    let sim: StartedSimulator;
    let project: string;
    let devFile: string;
    let env: NodeJS.ProcessEnv;
    const pulumi = (...args: string[]) => ok(project, env, args, "pulumi", [sim.token]);
    const logAfter = async <T>(step: () => Promise<T>): Promise<{ result: T; writes: string[] }> => {
      await sim.admin.clearRequests();
      const result = await step();
      return { result, writes: writes(await sim.admin.requests()) };
    };
    const uuidOf = async (name: string) => (await stateOf(project, env)).find((r) => r.urn.endsWith(`::${name}`))?.id;

    before(async function () {
      this.timeout(5 * 60_000);
      sim = await startSimulator({ rateLimitPerSecond: 0 });
      const made = seedProject(`seed-contacts-${language}`);
      project = made.project;
      devFile = path.join(made.seeds, "contacts.dev.yaml");
      env = pluginEnv(project, sim);
      if (language === "python") await installPythonSdk(env);
      await pulumi("stack", "init", "dev");
    });
    after(async () => sim?.close());

    it("a bad seed file fails the preview, listing every problem with file and line, and nothing is sent to Callbell", async () => {
      const good = fs.readFileSync(devFile, "utf8");
      fs.appendFileSync(devFile, '  - identifier: "393331234570"\n    name: Bad Agent\n    assignedUser: not-an-email\n  - identifier: "393331234571"\n');
      await sim.admin.clearRequests();
      const r = await run(project, env, ["preview"]);
      fs.writeFileSync(devFile, good);
      assert.notEqual(r.code, 0, shown(r));
      const text = r.stdout + r.stderr;
      assert.match(text, /Invalid seed files? — nothing was written to Callbell/);
      assert.match(text, /contacts\.dev\.yaml:\d+ \(identifier 393331234570\): assignedUser "not-an-email" is not an email address/);
      assert.match(text, /contacts\.dev\.yaml:\d+ \(identifier 393331234571\): .*name/);
      // The CLI shows an error's first line on the resource's row, then the whole message once, under Diagnostics.
      assert.equal(text.split("contacts.dev.yaml:28 (identifier 393331234570)").length - 1, 1, `each problem said once:\n${text}`);
      assert.doesNotMatch(text, /^\s+at .+:\d+:\d+\)?$/m, "no JavaScript stack trace");
      // The engine ends the program once a component's Construct fails. YAML just stops; Python's SDK may then print a
      // traceback of its own RegisterResource call ("resource monitor shut down", or cut short as the engine exits):
      // Pulumi's, never a frame of our SDK.
      if (language === "python") assert.doesNotMatch(text, /pulumi_callbell[\\/][^"\n]*\.py", line/);
      else assert.doesNotMatch(text, /Traceback/);
      assert.deepEqual(await sim.admin.requests(), []);
    });

    it("up creates the common and dev contacts with one POST each and outputs their summary; a second up changes nothing", async () => {
      const up = await logAfter(() => pulumi("up", "--yes"));
      assert.deepEqual(up.writes, Array(6).fill("POST /contacts"), shown(up.result));
      const outputs = JSON.parse((await pulumi("stack", "output", "--json")).stdout) as { contacts: Record<string, { uuid: string; name: string }> };
      assert.deepEqual(Object.keys(outputs.contacts).sort(), dev);
      assert.equal(outputs.contacts["whatsapp-393331234567"].name, "QA Alice");
      const state = await stateOf(project, env);
      assert.deepEqual(state.map((r) => r.urn.split("::").pop()).sort(), dev);
      assert.ok(
        state.every((r) => r.urn.includes(`callbell:index:ContactSet$${CONTACT_TYPE}`)),
        "each contact is a child of the ContactSet",
      );
      const again = await logAfter(() => pulumi("up", "--yes"));
      assert.deepEqual(again.writes, []);
      assert.match(again.result.stdout, /8 unchanged/, shown(again.result));
    });

    it("an overlay edit of a common contact previews as an update of exactly that contact, and up sends one PATCH", async () => {
      // Only the note: the overlay file's defaults (tags: [seed]) do not reach an entry that overrides a common one.
      fs.appendFileSync(devFile, '  - identifier: "393331234501"\n    note: Overlaid by dev.\n');
      const steps = await changes(project, env);
      assert.deepEqual(
        steps.map((s) => [s.op, s.urn.split("::").pop(), Object.keys(s.detailedDiff ?? {})]),
        [["update", "whatsapp-393331234501", ["note"]]],
      );
      const uuid = await uuidOf("whatsapp-393331234501");
      const up = await logAfter(() => pulumi("up", "--yes"));
      assert.deepEqual(up.writes, [`PATCH /contacts/:uuid`], shown(up.result));
      const overlaid = await sim.admin.contact(String(uuid));
      assert.equal(overlaid.note, "Overlaid by dev.");
      assert.deepEqual([...(overlaid.tags ?? [])].sort(), ["seed", "support"], "the common contact's tags, untouched");
    });

    it("remove: true in the overlay deletes only its own contact", async () => {
      fs.appendFileSync(devFile, '  - identifier: "393331234502"\n    remove: true\n');
      const steps = await changes(project, env);
      assert.deepEqual(
        steps.map((s) => [s.op, s.urn.split("::").pop()]),
        [["delete", "whatsapp-393331234502"]],
      );
      const uuid = await uuidOf("whatsapp-393331234502");
      await sim.admin.clearRequests();
      await pulumi("up", "--yes");
      const log = (await sim.admin.requests()).filter((e) => e.method !== "GET").map((e) => `${e.method} ${e.path}`);
      assert.deepEqual(log, [`DELETE /v1/contacts/${uuid}`]);
      assert.equal((await sim.admin.contacts()).length, 5);
    });

    it("personalData secret moves every contact with no write, and leaves no number or name in `pulumi stack export`", async () => {
      const before = (await stateOf(project, env)).map((r) => r.id).sort();
      await pulumi("config", "set", "personalData", "secret");
      const up = await logAfter(() => pulumi("up", "--yes"));
      assert.deepEqual(up.writes, [], shown(up.result));
      const state = await stateOf(project, env);
      assert.deepEqual(state.map((r) => r.id).sort(), before, "the same contacts, renamed with aliases");
      assert.ok(
        state.every((r) => /-[0-9a-f]{16}$/.test(r.urn)),
        "resource names are hashes",
      );
      const exported = (await pulumi("stack", "export")).stdout;
      for (const secret of ["393331234567", "12025550143", "4915112345678", "QA Alice", "VIP Seed Customer"]) {
        assert.ok(!exported.includes(secret), `${secret} is not in the state`);
      }
      const outputs = JSON.parse((await pulumi("stack", "output", "--json")).stdout) as Record<string, unknown>;
      assert.equal(outputs.contacts, "[secret]", "the summary holds names: secret as a whole");
      const shownSecrets = JSON.parse((await pulumi("stack", "output", "--json", "--show-secrets")).stdout) as { contacts: Record<string, { name: string }> };
      assert.ok(
        Object.values(shownSecrets.contacts).some((c) => c.name === "QA Alice"),
        "readable with --show-secrets",
      );
      const preview = await logAfter(() => pulumi("preview", "--diff"));
      assert.ok(!preview.result.stdout.includes("393331234567"), "nor in a preview");
      assert.deepEqual(summary(preview.result.stdout), { unchanged: 7 }, shown(preview.result));
    });
  });
}
