// A stack moved from the dynamic Contact (pulumi-nodejs:dynamic/callbell:Contact) to the plugin's
// (callbell:index:Contact) and back: one Contact with aliases, then a ContactSet of 20 by its resourceType. Through the
// real engine, with the plugin named in the project; after each step the simulator's request log (no POST, PATCH or
// DELETE), its contacts, the state (every id still in Callbell, now under the other type) and the preview (no
// replace, no create, no delete). Then the collisions of a stack that holds both kinds: one contact declared by each,
// and a move without aliases, with and without an owner field, where the ownership rules decide and nothing is deleted.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { Stack } from "@pulumi/pulumi/automation";
import * as callbell from "pulumi-callbell";
import { StartedSimulator, startSimulator } from "callbell-simulator";
import { REPO_ROOT, countChangesOfType, exportState, openStack, recordOutput, resourcesOfType } from "../harness";
import { CONTACT_TYPE as PLUGIN_TYPE, PLUGIN_DIR, writes } from "../harness/plugin";

const DYNAMIC_TYPE = callbell.contactType;
const alice: callbell.ContactArgs = { identifier: "393331234567", source: "whatsapp", name: "QA Alice", tags: ["qa"] };

describe("engine end to end: moving contacts between the dynamic and the plugin resource writes nothing", function () {
  this.timeout(10 * 60_000);
  let sim: StartedSimulator;
  let dir: string;
  let declare: () => void = () => undefined;
  const stacks: Stack[] = [];
  const program = async () => {
    declare();
  };

  async function open(stackName: string, config: Record<string, string> = {}): Promise<Stack> {
    const stack = await openStack({
      projectName: "callbell-move",
      stackName,
      program,
      plugins: [{ name: "callbell", path: PLUGIN_DIR }],
      config: {
        "callbell:apiUrl": { value: sim.url },
        "callbell:apiToken": { value: sim.token, secret: true },
        ...Object.fromEntries(Object.entries(config).map(([k, value]) => [k, { value }])),
      },
    });
    stacks.push(stack);
    return stack;
  }
  /** The stack's contacts of one type as name → id, after checking that every id in the state exists in Callbell. */
  async function held(stack: Stack, type: string): Promise<Record<string, string>> {
    const state = await exportState(stack);
    const inCallbell = new Set((await sim.admin.contacts()).map((c) => c.uuid));
    for (const r of [...resourcesOfType(state, DYNAMIC_TYPE), ...resourcesOfType(state, PLUGIN_TYPE)]) {
      assert.ok(inCallbell.has(String(r.id)), `${r.urn} holds ${r.id}, which Callbell no longer has`);
    }
    return Object.fromEntries(resourcesOfType(state, type).map((r) => [r.urn.split("::").pop()!, String(r.id)]));
  }
  /** Runs a step, returning what it wrote to Callbell and its steps per type. */
  async function step(run: (onEvent: ReturnType<typeof recordOutput>["opts"]["onEvent"]) => Promise<unknown>) {
    await sim.admin.clearRequests();
    const rec = recordOutput();
    await run(rec.opts.onEvent);
    return {
      writes: writes(await sim.admin.requests()),
      dynamic: countChangesOfType(rec.events, DYNAMIC_TYPE),
      plugin: countChangesOfType(rec.events, PLUGIN_TYPE),
    };
  }
  const preview = (stack: Stack) => step((onEvent) => stack.preview({ onEvent, diff: true }));
  const up = (stack: Stack) => step((onEvent) => stack.up({ onEvent }));
  const moved = (counts: { create: number; delete: number; replace: number; raw: Record<string, number> }) =>
    counts.create === 0 && counts.delete === 0 && counts.replace === 0 && !counts.raw["create-replacement"] && !counts.raw["delete-replaced"];

  before(async () => {
    sim = await startSimulator({ duplicates: "allow", rateLimitPerSecond: 0 });
    fs.mkdirSync(path.join(REPO_ROOT, ".pulumi-local"), { recursive: true });
    dir = fs.mkdtempSync(path.join(REPO_ROOT, ".pulumi-local", "move-"));
  });
  beforeEach(async () => sim.admin.reset());
  after(async () => {
    for (const stack of stacks) await stack.workspace.removeStack(stack.name, { force: true }).catch(() => undefined);
    await sim?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("one Contact: to PluginContact with aliases: [{ type }] and back, no replace and no write either way; still managed after", async () => {
    const stack = await open("one");
    declare = () => new callbell.Contact("alice", alice);
    assert.deepEqual((await up(stack)).writes, ["POST /contacts"]);
    const { alice: uuid } = await held(stack, DYNAMIC_TYPE);

    declare = () => new callbell.PluginContact("alice", alice, { aliases: [{ type: callbell.contactType }] });
    const toPlugin = await preview(stack);
    assert.ok(moved(toPlugin.plugin) && moved(toPlugin.dynamic), JSON.stringify(toPlugin));
    assert.deepEqual(toPlugin.writes, []);
    const upToPlugin = await up(stack);
    assert.deepEqual(upToPlugin.writes, [], "the move sends no POST, PATCH or DELETE");
    assert.ok(moved(upToPlugin.plugin), JSON.stringify(upToPlugin.plugin.raw));
    assert.deepEqual(await held(stack, PLUGIN_TYPE), { alice: uuid });
    assert.deepEqual(await held(stack, DYNAMIC_TYPE), {});
    assert.equal((await sim.admin.contacts()).length, 1);

    declare = () => new callbell.Contact("alice", alice, { aliases: [{ type: callbell.contactToken }] });
    const back = await preview(stack);
    assert.ok(moved(back.plugin) && moved(back.dynamic), JSON.stringify(back));
    const upBack = await up(stack);
    assert.deepEqual(upBack.writes, [], "the way back sends no POST, PATCH or DELETE");
    assert.deepEqual(await held(stack, DYNAMIC_TYPE), { alice: uuid });
    const [state] = resourcesOfType(await exportState(stack), DYNAMIC_TYPE);
    assert.equal(state.outputs?.owner, "callbell-move/one/alice");
    assert.ok(String(state.outputs?.__provider).includes("pulumi-callbell"), "the dynamic host finds its provider for later reads and deletes");

    await sim.admin.clearRequests();
    await stack.refresh();
    assert.deepEqual(writes(await sim.admin.requests()), []);
    await stack.destroy();
    assert.deepEqual(writes(await sim.admin.requests()), ["DELETE /contacts/:uuid"], "still managed: destroy deletes the contact it created");
    assert.deepEqual(await sim.admin.contacts(), []);
  });

  it("a contact the plugin created moves to the dynamic type with one update that writes nothing; later deletes work", async () => {
    const stack = await open("from-plugin");
    declare = () => new callbell.PluginContact("bob", { ...alice, name: "QA Bob" });
    assert.deepEqual((await up(stack)).writes, ["POST /contacts"]);
    const { bob: uuid } = await held(stack, PLUGIN_TYPE);

    declare = () => new callbell.Contact("bob", { ...alice, name: "QA Bob" }, { aliases: [{ type: PLUGIN_TYPE }] });
    const back = await up(stack);
    assert.deepEqual(back.writes, [], "no POST, PATCH or DELETE");
    assert.ok(moved(back.dynamic), JSON.stringify(back.dynamic.raw));
    assert.equal(back.dynamic.update, 1, "the update that stores the dynamic host's __provider");
    assert.deepEqual(await held(stack, DYNAMIC_TYPE), { bob: uuid });
    const [state] = resourcesOfType(await exportState(stack), DYNAMIC_TYPE);
    assert.ok(String(state.outputs?.__provider).includes("pulumi-callbell"));
    assert.deepEqual((await up(stack)).writes, []);

    declare = () => undefined;
    await sim.admin.clearRequests();
    await stack.up();
    assert.deepEqual(writes(await sim.admin.requests()), ["DELETE /contacts/:uuid"], "removed from the code, the contact it created is deleted");
  });

  it("a ContactSet of 20: resourceType plugin and back moves every contact with no POST, PATCH or DELETE and no replace", async () => {
    const file = path.join(dir, "twenty.yaml");
    const entries = Array.from({ length: 20 }, (_, i) => `  - { identifier: "3933312345${String(i).padStart(2, "0")}", name: "Seed ${i}" }`);
    fs.writeFileSync(file, ["defaults: { source: whatsapp, tags: [seed] }", "contacts:", ...entries, ""].join("\n"));
    const stack = await open("twenty");
    const set = (resourceType: "dynamic" | "plugin") => () => new callbell.ContactSet("seed", { files: [file], resourceType });
    declare = set("dynamic");
    assert.equal((await up(stack)).writes.filter((w) => w.startsWith("POST")).length, 20);
    const created = await held(stack, DYNAMIC_TYPE);
    assert.equal(Object.keys(created).length, 20);

    declare = set("plugin");
    const toPlugin = await preview(stack);
    assert.ok(moved(toPlugin.plugin) && moved(toPlugin.dynamic), JSON.stringify(toPlugin));
    const upToPlugin = await up(stack);
    assert.deepEqual(upToPlugin.writes, []);
    assert.deepEqual(await held(stack, PLUGIN_TYPE), created, "the same 20 contacts, under the plugin's type");
    assert.deepEqual(await held(stack, DYNAMIC_TYPE), {});

    declare = set("dynamic");
    const back = await preview(stack);
    assert.ok(moved(back.plugin) && moved(back.dynamic), JSON.stringify(back));
    assert.deepEqual((await up(stack)).writes, []);
    assert.deepEqual(await held(stack, DYNAMIC_TYPE), created);
    assert.equal((await sim.admin.contacts()).length, 20);
    const again = await up(stack);
    assert.deepEqual(again.writes, []);
    assert.equal(again.dynamic.update, 0, "after the way back, an up changes nothing");
  });

  it("one contact declared by both types in one program: the preview fails naming both, writing nothing; up fails alike, deleting nothing", async () => {
    const stack = await open("both");
    declare = () => {
      new callbell.Contact("alice", alice);
      new callbell.PluginContact("alice-plugin", { ...alice, identifier: "+39 333 123 4567" });
    };
    await sim.admin.clearRequests();
    await assert.rejects(stack.preview(), (error: Error) => {
      assert.match(
        error.message,
        /Resources "alice" \(pulumi-nodejs:dynamic\/callbell:Contact\) and "alice-plugin" \(callbell:index:Contact\) declare the same Callbell contact/,
      );
      return true;
    });
    assert.deepEqual(writes(await sim.admin.requests()), [], "a preview writes nothing");
    // The engine creates a resource as soon as the program registers it: the one declared first may be created before
    // the program fails on the second. It is declared, so that is no loss and no duplicate, and nothing is deleted.
    await assert.rejects(stack.up(), /declare the same Callbell contact/);
    const log = writes(await sim.admin.requests());
    assert.ok(log.every((w) => w === "POST /contacts") && log.length <= 1, log.join(", "));
    assert.ok((await sim.admin.contacts()).length <= 1);
  });

  for (const ownerField of [undefined, "pulumi_owner"]) {
    it(`a move without aliases${ownerField ? ", with an owner field" : ""}: the ownership rules decide, and the contact is not deleted`, async () => {
      const stack = await open(`no-alias-${ownerField ? "marked" : "plain"}`, ownerField ? { "callbell:ownerField": ownerField } : {});
      declare = () => new callbell.Contact("alice", alice);
      await up(stack);
      const { alice: uuid } = await held(stack, DYNAMIC_TYPE);

      declare = () => new callbell.PluginContact("alice", alice);
      await sim.admin.clearRequests();
      if (ownerField) {
        // The mark names this stack's "alice": the plugin's resource takes the contact over, and the dynamic one's delete
        // sees, through the run's keeper log, that a live resource keeps it.
        await stack.up();
        assert.deepEqual(
          writes(await sim.admin.requests()).filter((w) => !w.startsWith("PATCH")),
          [],
          "no POST, no DELETE",
        );
        assert.deepEqual(await held(stack, PLUGIN_TYPE), { alice: uuid });
        assert.deepEqual(await held(stack, DYNAMIC_TYPE), {});
      } else {
        // Nothing shows that this stack made it: the create refuses, and the engine deletes nothing.
        await assert.rejects(stack.up(), /Callbell already has a contact with this identifier/);
        assert.deepEqual(writes(await sim.admin.requests()), []);
        assert.deepEqual(await held(stack, DYNAMIC_TYPE), { alice: uuid });
      }
      assert.deepEqual(
        (await sim.admin.contacts()).map((c) => c.uuid),
        [uuid],
      );

      declare = () => new callbell.PluginContact("alice", { ...alice, adopt: true });
      await sim.admin.clearRequests();
      await stack.up();
      assert.ok(!writes(await sim.admin.requests()).some((w) => w.startsWith("DELETE") || w.startsWith("POST")), "no POST, no DELETE");
      assert.deepEqual(await held(stack, PLUGIN_TYPE), { alice: uuid });
      assert.deepEqual(await held(stack, DYNAMIC_TYPE), {});
      assert.deepEqual(
        (await sim.admin.contacts()).map((c) => c.uuid),
        [uuid],
      );
    });
  }
});
