// Nothing is lost, through the real engine against the simulator (duplicates allowed, as the riskiest Callbell would
// behave), through both doors: the dynamic resource (a TypeScript program, the Automation API) and the provider plugin
// (a YAML program, the plain `pulumi` CLI), on the same core (test/harness/doors.ts). The cases that must hold through
// both are written once with the door as a parameter: renames with and without aliases, two stacks on one account, and
// a takeover whose PATCH fails. Then the dynamic door's own: a second resource taking a contact over, and a number
// changed to one made by hand. (The plugin's own, `pulumi import` and --continue-on-error among them, are in
// plugin-ownership.engine.test.ts.) After every step the test checks Callbell's contacts, the request log (no DELETE
// where none may be sent) and the state (every id in it exists in Callbell).
import { strict as assert } from "assert";
import { Stack } from "@pulumi/pulumi/automation";
import type { ContactArgs } from "pulumi-callbell";
import { ensureEngine, heldContacts, openStack, programNamed, recordOutput } from "../harness";
import { DoorPlace, doors, writesOf } from "../harness/doors";
import { StartedSimulator, startSimulator } from "callbell-simulator";

const OWNER_FIELD = "pulumi_owner";
type Declared = Record<string, ContactArgs>;

const alice: ContactArgs = { identifier: "393331234567", source: "whatsapp", name: "QA Alice", tags: ["qa"] };
const bob: ContactArgs = { identifier: "393331234568", source: "whatsapp", name: "QA Bob" };

/** The writes Callbell received, as "METHOD /path" lines. */
const writes = writesOf;

for (const door of doors) {
  describe(`engine end to end: no command sequence loses a contact (${door.name})`, function () {
    this.timeout(5 * 60_000);
    let sim: StartedSimulator;
    let place: DoorPlace;
    const uuidsInCallbell = async () => (await sim.admin.contacts()).map((c) => c.uuid).sort();
    const logged = async () => writes(await sim.admin.requests());

    before(async function () {
      this.timeout(30 * 60_000); // a cold engine build
      if (door.kind === "dynamic") ensureEngine();
      sim = await startSimulator({ duplicates: "allow", rateLimitPerSecond: 0 });
    });
    beforeEach(async () => {
      await sim.admin.reset();
      place = door.place(sim);
    });
    afterEach(async () => place?.close());
    after(async () => sim?.close());

    it("a rename with aliases moves the resource: no POST, no DELETE, the same contact; destroy then deletes it", async () => {
      const stack = await place.open("dev", { "qa-alice": alice });
      await stack.up();
      const before = await stack.held();
      await sim.admin.clearRequests();
      await stack.declare({ alice }, { alice: ["qa-alice"] });
      await stack.up();
      assert.deepEqual(await logged(), [], "no write at all");
      assert.deepEqual(await stack.held(), { alice: before["qa-alice"] });
      assert.deepEqual(await uuidsInCallbell(), [before["qa-alice"]]);
      assert.equal((await stack.outputsOf("alice")).owner, `${stack.project}/${stack.stack}/alice`, "the state names the resource that holds it now");
      await stack.destroy();
      assert.deepEqual(await uuidsInCallbell(), [], "the moved resource still deletes its own contact");
    });

    it("a rename without aliases (no owner field): up refuses naming the fix, nothing is written or deleted, and adding the alias converges", async () => {
      const stack = await place.open("dev", { "qa-alice": alice, "qa-bob": bob });
      await stack.up();
      const before = await stack.held();
      await sim.admin.clearRequests();
      await stack.declare({ alice, "qa-bob": bob });
      const r = await stack.upFails();
      assert.match(r.text, /Could not create contact \\?"QA Alice\\?" \(393331234567\): Callbell already has a contact with this identifier/, r.shown);
      assert.match(
        r.text,
        /Callbell already has a contact with this identifier .* nothing shows that this stack made it\. If you renamed this resource, add a/,
        r.shown,
      );
      if (door.kind === "dynamic") {
        assert.match(r.text, /If you renamed this resource, add aliases/, r.shown);
      } else {
        assert.match(
          r.text,
          /Callbell already has a contact with this identifier .* nothing shows that this stack made it\. If you renamed this resource, add an alias from its old name/,
          r.shown,
        );
        // The plugin cannot know the program's language: the fix in YAML (the old URN, which is what Pulumi YAML takes), Python and TypeScript.
        const said = r.text.replace(/\s*\n\s*/g, " ");
        const oldUrn = `urn:pulumi:${stack.stack}::${stack.project}::${door.contactType}::<old name>`;
        assert.ok(said.includes(`(YAML: options: { aliases: [ "${oldUrn}" ] }; `), r.shown);
        assert.ok(
          said.includes('Python: opts=pulumi.ResourceOptions(aliases=[pulumi.Alias(name="<old name>")]); TypeScript: aliases: [{ name: "<old name>" }])'),
          r.shown,
        );
        assert.ok(
          said.includes("to manage an existing contact, set its adopt property to true (YAML and TypeScript: adopt: true; Python: adopt=True)"),
          r.shown,
        );
      }
      assert.deepEqual(await logged(), [], "no POST, no DELETE");
      assert.deepEqual(await stack.held(), before, "qa-alice is still in the state, with its contact");
      assert.deepEqual(await uuidsInCallbell(), Object.values(before).sort());

      await stack.declare({ alice, "qa-bob": bob }, { alice: ["qa-alice"] });
      await stack.up();
      assert.deepEqual(await logged(), []);
      assert.deepEqual(await stack.held(), { alice: before["qa-alice"], "qa-bob": before["qa-bob"] });
      await stack.destroy();
    });

    it("a rename without aliases (owner field): the new name takes the contact over and the old one's delete is skipped, with a warning", async () => {
      const stack = await place.open("dev", { "qa-alice": alice }, { ownerField: OWNER_FIELD });
      await stack.up();
      const before = await stack.held();
      const markBefore = String((await sim.admin.contact(before["qa-alice"])).customFields?.[OWNER_FIELD]);
      assert.equal(markBefore, stack.ownerMark("qa-alice"));
      assert.match(markBefore, new RegExp(`^${stack.project}/${stack.stack}/qa-alice @[0-9a-f]{8}$`));
      await sim.admin.clearRequests();
      await stack.declare({ alice });
      const r = await stack.up();
      assert.deepEqual(await logged(), [`PATCH /v1/contacts/${before["qa-alice"]}`], "a re-mark, no POST, no DELETE");
      assert.match(
        r.text,
        new RegExp(`uuid ${before["qa-alice"]}\\) was left in Callbell, not deleted: another resource of this program now manages it`),
        r.shown,
      );
      assert.deepEqual(await stack.held(), { alice: before["qa-alice"] });
      assert.equal((await sim.admin.contact(before["qa-alice"])).customFields?.[OWNER_FIELD], stack.ownerMark("alice"));
      await stack.destroy();
      assert.deepEqual(await uuidsInCallbell(), [], "the contact is alice's now, and goes with it");
    });

    for (const ownerField of [false, true]) {
      const title = `two stacks on one account with an overlapping entry (${ownerField ? "with" : "without"} an owner field)`;
      it(`${title}: dev refuses prod's contact and writes nothing; neither deletes the other's contact`, async () => {
        const options = ownerField ? { ownerField: OWNER_FIELD } : {};
        const prod = await place.open("prod", { shared: alice, "prod-only": bob }, options);
        await prod.up();
        const prodState = await prod.held();
        await sim.admin.clearRequests();

        const dev = await place.open("dev", { shared: alice }, options);
        const refused = await dev.upFails();
        assert.match(
          refused.text,
          ownerField ? new RegExp(`its owner field says it is managed by ${prod.project}/prod/shared`) : /nothing shows that this stack made it/,
          refused.shown,
        );
        assert.deepEqual(await logged(), [], "dev wrote nothing");
        assert.deepEqual(await dev.held(), {});

        // Told to adopt it, dev may manage it only without marks, and then never deletes it.
        await dev.declare({ shared: { ...alice, adopt: true } });
        if (ownerField) {
          const r = await dev.upFails();
          assert.match(r.text, new RegExp(`its owner field says it is managed by ${prod.project}/prod/shared; a contact has one owner`), r.shown);
          assert.deepEqual(await logged(), [], "dev wrote nothing");
          assert.deepEqual(await dev.held(), {});
        } else {
          await dev.up();
          assert.deepEqual(await dev.held(), { shared: prodState.shared });
        }
        await sim.admin.clearRequests();
        await dev.destroy();
        assert.deepEqual(await logged(), [], "destroying dev sends no DELETE");
        assert.deepEqual(await uuidsInCallbell(), Object.values(prodState).sort());
        assert.deepEqual(await prod.held(), prodState);

        await prod.destroy();
        assert.deepEqual(await uuidsInCallbell(), []);
      });
    }

    for (const ownerField of [false, true]) {
      const title = `a takeover whose PATCH fails (${ownerField ? "with" : "without"} an owner field)`;
      it(`${title} keeps the contact in the state (a partial failure), and the next up completes it; destroy leaves it`, async () => {
        const existing = await sim.admin.createContact({ identifier: alice.identifier, source: "whatsapp", name: "Made by hand" });
        // 7 failures: the first attempt and its 6 retries, so exactly one up fails.
        await sim.admin.script([{ method: "PATCH", path: `/v1/contacts/${existing.uuid}`, action: "500", times: 7 }]);
        const stack = await place.open("dev", { alice: { ...alice, adopt: true } }, ownerField ? { ownerField: OWNER_FIELD } : {});
        const r = await stack.upFails();
        assert.match(r.text, /Could not update the adopted contact \\?"QA Alice\\?" \(393331234567\)/, r.shown);
        assert.deepEqual(await stack.held(), { alice: existing.uuid }, "kept in the state with its id");
        assert.deepEqual(
          (await logged()).filter((w) => !w.startsWith("PATCH")),
          [],
          "no POST, no DELETE",
        );
        await sim.admin.clearRequests();
        await stack.up();
        assert.deepEqual(await logged(), [`PATCH /v1/contacts/${existing.uuid}`]);
        assert.equal((await sim.admin.contact(existing.uuid)).name, "QA Alice");
        assert.deepEqual(await stack.held(), { alice: existing.uuid });
        assert.equal((await sim.admin.contacts()).length, 1);
        await sim.admin.clearRequests();
        await stack.destroy();
        assert.deepEqual(await logged(), [], "adopted: destroy leaves it");
        assert.deepEqual(await uuidsInCallbell(), [existing.uuid]);
      });
    }
  });
}

describe("engine end to end: no command sequence loses a contact (dynamic resource only)", function () {
  this.timeout(300_000);
  let sim: StartedSimulator;
  const stacks: Stack[] = [];
  const program = programNamed("contacts");

  async function open(stackName: string, declared: Declared, options: { ownerField?: boolean; aliases?: Record<string, string[]> } = {}): Promise<Stack> {
    const stack = await openStack({
      projectName: "callbell-owners",
      stackName,
      program,
      config: {
        "callbell:apiUrl": { value: sim.url },
        "callbell:apiToken": { value: sim.token, secret: true },
        ...(options.ownerField ? { "callbell:ownerField": { value: OWNER_FIELD } } : {}),
        "test:contacts": { value: JSON.stringify(declared) },
        "test:aliases": { value: JSON.stringify(options.aliases ?? {}) },
      },
    });
    stacks.push(stack);
    return stack;
  }
  async function declare(stack: Stack, declared: Declared, aliases: Record<string, string[]> = {}): Promise<void> {
    await stack.setConfig("test:contacts", { value: JSON.stringify(declared) });
    await stack.setConfig("test:aliases", { value: JSON.stringify(aliases) });
  }
  /** The stack's contacts as name → id, after checking that every id in it exists in Callbell (heldContacts). */
  const stateOf = (stack: Stack) => heldContacts(stack, sim);
  const uuidsInCallbell = async () => (await sim.admin.contacts()).map((c) => c.uuid).sort();

  before(async function () {
    this.timeout(30 * 60_000); // a cold engine build
    sim = await startSimulator({ duplicates: "allow" });
  });
  beforeEach(async () => {
    await sim.admin.reset();
  });
  after(async () => {
    for (const stack of stacks) await stack.workspace.removeStack(stack.name, { force: true }).catch(() => undefined);
    await sim?.close();
  });

  it("a contact another resource took over (adopt) survives the delete of the resource that held it", async () => {
    const stack = await open("taken-over", { "qa-alice": alice });
    await stack.up();
    const before = await stateOf(stack);
    await sim.admin.clearRequests();
    await declare(stack, { alice: { ...alice, adopt: true } });
    const rec = recordOutput();
    await stack.up(rec.opts);
    assert.deepEqual(writes(await sim.admin.requests()), [], "taken over as it is; no DELETE");
    assert.match(rec.text(), /was left in Callbell, not deleted: another resource of this program now manages it/);
    assert.deepEqual(await stateOf(stack), { alice: before["qa-alice"] });
    // alice adopted it, so removing alice leaves it in Callbell too, with a warning.
    await sim.admin.clearRequests();
    const gone = recordOutput();
    await declare(stack, {});
    await stack.up(gone.opts);
    assert.deepEqual(writes(await sim.admin.requests()), []);
    assert.match(gone.text(), /it was adopted, not created, by this stack, and adopted contacts are never deleted/);
    assert.deepEqual(await stateOf(stack), {});
    assert.deepEqual(await uuidsInCallbell(), [before["qa-alice"]]);
  });

  for (const ownerField of [false, true]) {
    it(`a number changed to one someone made by hand${ownerField ? " (owner field)" : ""}: the replace's create is refused before any DELETE`, async () => {
      // The replacement is created before the old contact is deleted (never deleteBeforeReplace): a refused create
      // leaves the old contact, its history and the state as they were.
      const stack = await open(`replace-onto-hand-made-${ownerField}`, { alice }, { ownerField });
      await stack.up();
      const before = await stateOf(stack);
      const byHand = await sim.admin.createContact({ identifier: "393331234599", source: "whatsapp", name: "Made by hand" });
      await declare(stack, { alice: { ...alice, identifier: "393331234599" } });
      await sim.admin.clearRequests();
      await assert.rejects(stack.up(), /Callbell already has a contact with this identifier/);
      assert.deepEqual(writes(await sim.admin.requests()), [], "no POST, no DELETE");
      assert.deepEqual(await uuidsInCallbell(), [before.alice, byHand.uuid].sort(), "both contacts are still there");
      assert.deepEqual(await stateOf(stack), before, "the state still holds the old contact");
    });
  }
});
