// Nothing is lost, through the real engine against the simulator (duplicates allowed, as the
// riskiest Callbell would behave): renames with and without aliases, a second resource taking
// a contact over, two stacks on one account, and a takeover whose PATCH fails. After every step
// the test checks Callbell's contacts, the request log (no DELETE where none may be sent) and
// the state (every id in it exists in Callbell).
import { strict as assert } from "assert";
import { Stack } from "@pulumi/pulumi/automation";
import type { ContactArgs } from "pulumi-callbell";
import { backendFingerprint } from "../../provider/src/backend";
import { ensureEngine, heldContacts, openStack, programNamed, recordOutput } from "../harness";
import { RequestLogEntry, StartedSimulator, startSimulator } from "callbell-simulator";

const OWNER_FIELD = "pulumi_owner";
// The fingerprint of this process's file:// backend, which every owner mark of these stacks carries (backend.ts).
const backend = () => backendFingerprint(ensureEngine().env.PULUMI_BACKEND_URL);
const program = programNamed("contacts");
type Declared = Record<string, ContactArgs>;

const alice: ContactArgs = { identifier: "393331234567", source: "whatsapp", name: "QA Alice", tags: ["qa"] };
const bob: ContactArgs = { identifier: "393331234568", source: "whatsapp", name: "QA Bob" };

/** The writes Callbell received, as "METHOD /path" lines. */
const writes = (log: RequestLogEntry[]) => log.filter((e) => e.method !== "GET").map((e) => `${e.method} ${e.path.split("?")[0]}`);

describe("engine end to end: no command sequence loses a contact", function () {
  this.timeout(300_000);
  let sim: StartedSimulator;
  const stacks: Stack[] = [];

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

  it("a rename with aliases moves the resource: no POST, no DELETE, the same contact", async () => {
    const stack = await open("rename-aliases", { "qa-alice": alice });
    await stack.up();
    const before = await stateOf(stack);
    await sim.admin.clearRequests();
    await declare(stack, { alice }, { alice: ["qa-alice"] });
    await stack.up();
    assert.deepEqual(writes(await sim.admin.requests()), []);
    assert.deepEqual(await stateOf(stack), { alice: before["qa-alice"] });
    assert.deepEqual(await uuidsInCallbell(), [before["qa-alice"]]);
    await stack.destroy();
    assert.deepEqual(await uuidsInCallbell(), [], "the moved resource still deletes its own contact");
  });

  it("a rename without aliases (no owner field): up refuses, nothing is deleted, and adding the alias converges", async () => {
    const stack = await open("rename-plain", { "qa-alice": alice, "qa-bob": bob });
    await stack.up();
    const before = await stateOf(stack);
    await sim.admin.clearRequests();
    await declare(stack, { alice, "qa-bob": bob });
    const rec = recordOutput();
    await assert.rejects(stack.up(rec.opts));
    assert.match(
      rec.text(),
      new RegExp(`Could not create contact \\\\?"QA Alice\\\\?" \\(393331234567\\): Callbell already has a contact with this identifier`),
    );
    assert.match(rec.text(), /If you renamed this resource, add aliases/);
    assert.deepEqual(writes(await sim.admin.requests()), [], "no POST, no DELETE");
    assert.deepEqual(await stateOf(stack), before, "qa-alice is still in the state, with its contact");
    assert.deepEqual(await uuidsInCallbell(), Object.values(before).sort());

    await declare(stack, { alice, "qa-bob": bob }, { alice: ["qa-alice"] });
    await stack.up();
    assert.deepEqual(writes(await sim.admin.requests()), []);
    assert.deepEqual(await stateOf(stack), { alice: before["qa-alice"], "qa-bob": before["qa-bob"] });
    await stack.destroy();
  });

  it("a rename without aliases (owner field): the new name takes the contact over and the old one's delete is skipped, with a warning", async () => {
    const stack = await open("rename-marked", { "qa-alice": alice }, { ownerField: true });
    await stack.up();
    const before = await stateOf(stack);
    assert.equal((await sim.admin.contact(before["qa-alice"])).customFields?.[OWNER_FIELD], `callbell-owners/rename-marked/qa-alice @${backend()}`);
    await sim.admin.clearRequests();
    await declare(stack, { alice });
    const rec = recordOutput();
    await stack.up(rec.opts);
    assert.deepEqual(writes(await sim.admin.requests()), [`PATCH /v1/contacts/${before["qa-alice"]}`], "a re-mark, no DELETE");
    assert.match(rec.text(), new RegExp(`uuid ${before["qa-alice"]}\\) was left in Callbell, not deleted: another resource of this program now manages it`));
    assert.deepEqual(await stateOf(stack), { alice: before["qa-alice"] });
    assert.equal((await sim.admin.contact(before["qa-alice"])).customFields?.[OWNER_FIELD], `callbell-owners/rename-marked/alice @${backend()}`);
    await stack.destroy();
    assert.deepEqual(await uuidsInCallbell(), [], "the contact is alice's now, and goes with it");
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
    const title = `two stacks on one account with an overlapping entry (${ownerField ? "with" : "without"} an owner field)`;
    it(`${title}: neither deletes the other's contact`, async () => {
      const prod = await open(`prod-${ownerField}`, { shared: alice, "prod-only": bob }, { ownerField });
      await prod.up();
      const prodState = await stateOf(prod);
      await sim.admin.clearRequests();

      const dev = await open(`dev-${ownerField}`, { shared: alice }, { ownerField });
      const rec = recordOutput();
      await assert.rejects(dev.up(rec.opts));
      assert.match(
        rec.text(),
        ownerField ? new RegExp(`its owner field says it is managed by callbell-owners/prod-${ownerField}/shared`) : /nothing shows that this stack made it/,
      );
      assert.deepEqual(writes(await sim.admin.requests()), [], "dev wrote nothing");
      assert.deepEqual(await stateOf(dev), {});

      // Told to adopt it, dev may manage it only without marks, and then never deletes it.
      await declare(dev, { shared: { ...alice, adopt: true } });
      if (ownerField) {
        await assert.rejects(dev.up());
        assert.deepEqual(await stateOf(dev), {});
      } else {
        await dev.up();
        assert.deepEqual(await stateOf(dev), { shared: prodState.shared });
      }
      await sim.admin.clearRequests();
      await dev.destroy();
      assert.deepEqual(writes(await sim.admin.requests()), [], "destroying dev sends no DELETE");
      assert.deepEqual(await uuidsInCallbell(), Object.values(prodState).sort());
      assert.deepEqual(await stateOf(prod), prodState);

      await prod.destroy();
      assert.deepEqual(await uuidsInCallbell(), []);
    });
  }

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

  it("a takeover whose PATCH fails keeps the contact in the state, and the next up completes it", async () => {
    const existing = await sim.admin.createContact({ identifier: "393331234567", source: "whatsapp", name: "Made by hand" });
    // 7 failures: the first attempt and its 6 retries, so exactly one up fails.
    await sim.admin.script([{ method: "PATCH", path: `/v1/contacts/${existing.uuid}`, action: "500", times: 7 }]);
    const stack = await open("takeover-fails", { alice: { ...alice, adopt: true } }, { ownerField: true });
    const rec = recordOutput();
    await assert.rejects(stack.up(rec.opts));
    assert.match(rec.text(), /Could not update the adopted contact \\?"QA Alice\\?" \(393331234567\)/);
    assert.deepEqual(await stateOf(stack), { alice: existing.uuid }, "kept in the state with its id");
    assert.deepEqual(
      writes(await sim.admin.requests()).filter((w) => !w.startsWith("PATCH")),
      [],
      "no POST, no DELETE",
    );
    await sim.admin.clearRequests();
    await stack.up();
    assert.deepEqual(writes(await sim.admin.requests()), [`PATCH /v1/contacts/${existing.uuid}`]);
    assert.equal((await sim.admin.contact(existing.uuid)).name, "QA Alice");
    assert.deepEqual(await stateOf(stack), { alice: existing.uuid });
    assert.equal((await sim.admin.contacts()).length, 1);
  });
});
