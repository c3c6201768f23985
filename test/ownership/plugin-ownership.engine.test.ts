// The data-safety cases only the provider plugin has, on the same core as the dynamic resource: a rename without
// aliases run with --continue-on-error, `pulumi import` of a contact another stack holds and of one made elsewhere, and
// a POST that commits and then times out. (The cases that must hold through both doors, renames with and without
// aliases, two stacks on one account and the takeover whose PATCH fails, run for each door in ownership.engine.test.ts.)
// YAML programs written per step, the plain `pulumi` CLI, a simulator allowing duplicates (the riskiest Callbell). After
// every step: the simulator's contacts, its request log (no DELETE where none may be sent) and the state (every id in it
// exists in Callbell).
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { StartedSimulator, startSimulator } from "callbell-simulator";
import { CliResult, ok, run, scratchDir } from "../plain-cli/support";
import { CONTACT_TYPE, PLUGIN_DIR, pluginEnv, stateOf, writes } from "../harness/plugin";

const PROJECT = "callbell-owners-yaml";
const OWNER_FIELD = "pulumi_owner";
const alice = { identifier: "393331234567", source: "whatsapp", name: "QA Alice", tags: ["qa"] };
const bob = { identifier: "393331234568", source: "whatsapp", name: "QA Bob" };

interface Declared {
  [name: string]: { properties: Record<string, unknown>; aliases?: string[] };
}

describe("engine end to end: no command sequence loses a contact (provider plugin only, YAML programs)", function () {
  this.timeout(5 * 60_000);
  let sim: StartedSimulator;

  /** A project folder outside the repository (its backend beside it) whose YAML program declares these contacts (JSON is YAML). */
  function project(declared: Declared, folder = path.join(scratchDir("plugin-owners"), PROJECT)): string {
    const resources = Object.fromEntries(
      Object.entries(declared).map(([name, { properties, aliases }]) => [
        name,
        { type: CONTACT_TYPE, properties, ...(aliases ? { options: { aliases } } : {}) },
      ]),
    );
    const program = { name: PROJECT, runtime: "yaml", plugins: { providers: [{ name: "callbell", path: PLUGIN_DIR }] }, resources };
    fs.mkdirSync(folder, { recursive: true });
    fs.writeFileSync(path.join(folder, "Pulumi.yaml"), JSON.stringify(program, null, 2));
    return folder;
  }
  const pulumi = (dir: string, env: NodeJS.ProcessEnv, ...args: string[]) => ok(dir, env, args, "pulumi", [sim.token]);
  const shown = (r: CliResult) => `${r.command}\n${r.stdout}${r.stderr}`.split(sim.token).join("[token]");
  /** The stack's contacts as name → id, after checking that every id in it exists in Callbell. */
  async function held(dir: string, env: NodeJS.ProcessEnv): Promise<Record<string, string>> {
    const inCallbell = new Set((await sim.admin.contacts()).map((c) => c.uuid));
    const resources = await stateOf(dir, env);
    for (const r of resources) assert.ok(inCallbell.has(String(r.id)), `${r.urn} holds ${r.id}, which Callbell no longer has`);
    return Object.fromEntries(resources.map((r) => [r.urn.split("::").pop()!, String(r.id)]));
  }
  const uuids = async () => (await sim.admin.contacts()).map((c) => c.uuid).sort();
  const logged = async () => writes(await sim.admin.requests());

  before(async () => {
    sim = await startSimulator({ duplicates: "allow", rateLimitPerSecond: 0 });
  });
  beforeEach(async () => sim.admin.reset());
  after(async () => sim?.close());

  it("a rename without aliases (no owner field) with --continue-on-error: the refused create keeps the old resource's delete off the contact", async () => {
    const dir = project({ "qa-alice": { properties: alice } });
    const env = pluginEnv(dir, sim);
    await pulumi(dir, env, "stack", "init", "dev");
    await pulumi(dir, env, "up", "--yes");
    const before = await held(dir, env);
    await sim.admin.clearRequests();
    project({ alice: { properties: alice } }, dir);
    const r = await run(dir, env, ["up", "--yes", "--continue-on-error"]);
    assert.notEqual(r.code, 0, shown(r));
    assert.match(r.stdout + r.stderr, /Callbell already has a contact with this identifier/, shown(r));
    assert.deepEqual(await logged(), [], "no POST, and no DELETE of the contact the program still declares");
    assert.deepEqual(await uuids(), [before["qa-alice"]]);
  });

  it("pulumi import of a contact another stack's mark holds is refused, naming that stack; the holder's destroy then deletes it as its own", async () => {
    const dir = project({ shared: { properties: alice } });
    const env = pluginEnv(dir, sim, { CALLBELL_OWNER_FIELD: OWNER_FIELD });
    await pulumi(dir, env, "stack", "init", "prod");
    await pulumi(dir, env, "up", "--yes");
    const { shared: uuid } = await held(dir, env);
    await pulumi(dir, env, "stack", "init", "dev");
    project({}, dir);
    await sim.admin.clearRequests();
    const r = await run(dir, env, ["import", CONTACT_TYPE, "shared", uuid, "--yes"]);
    assert.notEqual(r.code, 0, shown(r));
    assert.match(
      r.stdout + r.stderr,
      new RegExp(
        `Could not import contact ${uuid}: its owner field says it is managed by ${PROJECT}/prod/shared; ` +
          "a contact has one owner, so declare it in that stack only",
      ),
      shown(r),
    );
    assert.deepEqual(await logged(), [], "the import wrote nothing");
    assert.deepEqual(await held(dir, env), {}, "dev holds nothing");
    assert.match(String((await sim.admin.contact(uuid)).customFields?.[OWNER_FIELD]), new RegExp(`^${PROJECT}/prod/shared @`), "prod's mark is untouched");
  });

  it("pulumi import without an owner field says in one line what the provider cannot know, and writes nothing", async () => {
    const made = await sim.admin.createContact({ identifier: bob.identifier, source: "whatsapp", name: "Made elsewhere" });
    const dir = project({});
    const env = pluginEnv(dir, sim);
    await pulumi(dir, env, "stack", "init", "dev");
    await sim.admin.clearRequests();
    const r = await pulumi(dir, env, "import", CONTACT_TYPE, "bob", made.uuid, "--yes", "--protect=false");
    assert.match(
      r.stdout + r.stderr,
      new RegExp(
        `contact ${made.uuid} imported as adopted \\(never deleted by this stack\\); ` +
          "without callbell:ownerField the provider cannot tell whether another stack also manages it",
      ),
      shown(r),
    );
    assert.deepEqual(await logged(), []);
    assert.deepEqual(await held(dir, env), { bob: made.uuid });
    await pulumi(dir, env, "destroy", "--yes");
    assert.deepEqual(await logged(), [], "an imported contact is never deleted");
    assert.deepEqual(await uuids(), [made.uuid]);
  });

  it("a POST that commits and then times out (no answer within the client's 30 s): one POST, one contact, held in the state", async function () {
    this.timeout(3 * 60_000);
    const dir = project({ alice: { properties: alice } });
    const env = pluginEnv(dir, sim);
    await pulumi(dir, env, "stack", "init", "dev");
    await sim.admin.script([{ method: "POST", path: "/v1/contacts", action: "delay", delayMs: 35_000 }]);
    await pulumi(dir, env, "up", "--yes");
    // The simulator logs the delayed POST when it finally answers (to nobody), 35 s after it came.
    for (let i = 0; i < 100 && !(await logged()).includes("POST /contacts"); i++) await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual(
      (await logged()).filter((w) => w.startsWith("POST")),
      ["POST /contacts"],
      "the POST whose answer never came is not sent again",
    );
    const [contact] = await sim.admin.contacts();
    assert.equal((await sim.admin.contacts()).length, 1);
    assert.deepEqual(await held(dir, env), { alice: contact.uuid });
    await sim.admin.clearRequests();
    const again = await pulumi(dir, env, "preview", "--expect-no-changes");
    assert.deepEqual(await logged(), [], shown(again));
  });
});
