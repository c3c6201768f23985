// Whose contact is it: the provider's takeover and delete decisions against the simulator, over
// real HTTP, asserting the exact requests Callbell receives. A delete cannot be undone, so every
// case where the provider cannot show a contact is its own must end with no DELETE and no POST.
import { strict as assert } from "assert";
import { ContactsClient } from "../../provider/src/client/contacts";
import { defaultRetryPolicy } from "../../provider/src/client/retry";
import { ProviderSettings, requireToken } from "../../provider/src/config";
import { ContactProvider, makeContactProvider } from "../../provider/src/doors/dynamic/dynamic-provider";
import { ContactInputs, ContactOutputs, ownerInput } from "../../provider/src/domain/contact/shape";
import { RequestLogEntry, SimulatorOptions, StartedSimulator, startSimulator } from "callbell-simulator";

const fastRetries = { ...defaultRetryPolicy, baseDelayMs: 5, maxDelayMs: 40 };
const OWNER_FIELD = "pulumi_owner";
// The fingerprint of the backend of these runs (backend.ts), and the mark a resource of it writes.
const BACKEND = "0123abcd";
const markOf = (owner: string) => `${owner} @${BACKEND}`;
const lines = (log: RequestLogEntry[]) => log.map((e) => `${e.method} ${e.path.split("?")[0]} ${e.status}`);

describe("Contact provider: ownership of contacts (takeover and delete)", function () {
  let sim: StartedSimulator;
  const warnings: string[] = [];
  afterEach(async () => sim?.close());

  /** One provider process (one `pulumi` run): its settings, and what it warned. */
  function run(overrides: Partial<ProviderSettings> = {}): ContactProvider {
    const settings: ProviderSettings = { apiUrl: sim.url, apiToken: sim.token, backend: BACKEND, ...overrides };
    let client: ContactsClient | undefined;
    return makeContactProvider({
      settings: () => settings,
      client: () => (client ??= new ContactsClient({ baseUrl: settings.apiUrl, token: requireToken(settings), retryPolicy: fastRetries })),
      warn: (message) => warnings.push(message),
    });
  }
  const start = async (options: SimulatorOptions = {}) => {
    warnings.length = 0;
    sim = await startSimulator({ seed: 11, duplicates: "allow", ...options });
  };
  async function checked(provider: ContactProvider, raw: Record<string, unknown>, owner?: string): Promise<ContactInputs> {
    const result = await provider.check!({} as ContactInputs, { ...raw, ...(owner ? { [ownerInput]: owner } : {}) } as unknown as ContactInputs);
    assert.deepEqual(result.failures ?? [], []);
    return result.inputs as ContactInputs;
  }
  const alice = { identifier: "393331234567", source: "whatsapp", name: "QA Alice", tags: ["qa"] };

  describe("without an owner field (the default)", () => {
    it("refuses to take over a contact with the same identifier and name, and writes nothing", async () => {
      await start();
      const leftover = await sim.admin.createContact({ identifier: "393331234567", source: "whatsapp", name: "QA Alice" });
      const provider = run();
      await assert.rejects(provider.create!(await checked(provider, alice, "proj/dev/qa-alice")), (e: Error) => {
        assert.equal(
          e.message,
          `Could not create contact "QA Alice" (393331234567): Callbell already has a contact with this identifier ("QA Alice", uuid ${leftover.uuid}), ` +
            'and nothing shows that this stack made it. If you renamed this resource, add aliases: [{ name: "<its old name>" }]; ' +
            "if a killed run of this stack created it, run the next up with callbell:recoverCreates=true (or CALLBELL_RECOVER_CREATES=true); " +
            "if this is 'pulumi up --replace' of this resource, Callbell holds one contact per number, so the replacement can only keep it: " +
            "run that up with callbell:recoverCreates=true too (with callbell:ownerField set, --replace needs nothing); " +
            "to manage an existing contact, set adopt: true. Nothing was written.",
        );
        return true;
      });
      assert.deepEqual(lines(await sim.admin.requests()), ["GET /v1/contacts/phone/393331234567 200"]);
      assert.equal((await sim.admin.contacts()).length, 1);
    });

    it("with callbell:recoverCreates, takes over a contact with the declared name (a killed run's create), and it stays deletable", async () => {
      await start();
      const leftover = await sim.admin.createContact({ identifier: "393331234567", source: "whatsapp", name: "QA Alice" });
      const provider = run({ recoverCreates: true });
      const created = await provider.create!(await checked(provider, alice, "proj/dev/qa-alice"));
      assert.equal(created.id, leftover.uuid);
      assert.equal((created.outs as ContactOutputs).origin, "created");
      assert.deepEqual(lines(await sim.admin.requests()), ["GET /v1/contacts/phone/393331234567 200", `PATCH /v1/contacts/${created.id} 200`]);
      const later = run({ recoverCreates: true });
      await assert.rejects(
        later.create!(await checked(later, { ...alice, name: "Someone Else" }, "proj/dev/other")),
        /nothing shows that this stack made it/,
        "another name is still refused",
      );
      await run().delete!(created.id, created.outs as ContactOutputs);
      assert.deepEqual(await sim.admin.contacts(), [], "recovered as created, so deleted like any created contact");
    });

    it("adopts only with adopt: true, and never deletes an adopted contact: it warns and leaves it", async () => {
      await start();
      const existing = await sim.admin.createContact({ identifier: "393331234567", source: "whatsapp", name: "Made by hand" });
      const provider = run();
      const adopted = await provider.create!(await checked(provider, { ...alice, adopt: true }, "proj/dev/qa-alice"));
      assert.equal(adopted.id, existing.uuid);
      assert.equal((adopted.outs as ContactOutputs).origin, "adopted");
      await sim.admin.clearRequests();
      await run().delete!(adopted.id, adopted.outs as ContactOutputs);
      assert.deepEqual(lines(await sim.admin.requests()), [], "no DELETE");
      assert.equal((await sim.admin.contacts()).length, 1);
      assert.equal(warnings.length, 1);
      // Without an owner field nothing shows whether another stack manages it: deleting it by hand is advised only if none does.
      assert.equal(
        warnings[0],
        `contact "QA Alice" (393331234567) (uuid ${existing.uuid}) was left in Callbell, not deleted: it was adopted, not created, by this stack, ` +
          "and adopted contacts are never deleted. Pulumi no longer tracks it through this resource; it was in Callbell before this stack adopted it, " +
          "and another stack may still manage it (without callbell:ownerField the provider cannot tell): " +
          "delete it in the Callbell dashboard only if no other stack manages it and no one needs it.",
      );
    });

    it("adopting a contact whose custom field holds another stack's owner mark warns, naming that stack only", async () => {
      await start();
      const theirs = await sim.admin.createContact({
        identifier: "393331234567",
        source: "whatsapp",
        name: "Made by hand",
        custom_fields: { [OWNER_FIELD]: "acme/prod/whatsapp-393331234567 @9f8e7d6c adopted" },
      });
      await sim.admin.createContact({
        identifier: "393331234568",
        source: "whatsapp",
        name: "Our own",
        custom_fields: { [OWNER_FIELD]: markOf("proj/dev/old-name") },
      });
      const provider = run();
      const adopted = await provider.create!(await checked(provider, { ...alice, adopt: true }, "proj/dev/qa-alice"));
      assert.equal(adopted.id, theirs.uuid, "without an owner field, adopt: true still takes it over");
      assert.deepEqual(warnings, [
        `contact "QA Alice" (393331234567) (uuid ${theirs.uuid}) adopted, but its custom field pulumi_owner holds an owner mark of acme/prod: ` +
          "that stack may manage it, and its destroy would delete the contact. If so, declare it there only; set callbell:ownerField " +
          "(or CALLBELL_OWNER_FIELD) to pulumi_owner, so that such an adopt is refused",
      ]);
      // A mark of this very stack (it once had an owner field) is no other stack's: nothing to say.
      warnings.length = 0;
      await provider.create!(await checked(provider, { ...alice, identifier: "393331234568", adopt: true }, "proj/dev/qa-other"));
      assert.equal(warnings.length, 0, warnings.join("\n"));
      // With another owner field than the one that holds the mark, it says which field this stack uses.
      warnings.length = 0;
      const elsewhere = run({ ownerField: "company" });
      await elsewhere.create!(await checked(elsewhere, { ...alice, adopt: true }, "proj/staging/qa-alice"));
      assert.equal(warnings.length, 1);
      assert.match(
        warnings[0],
        /holds an owner mark of acme\/prod: .*this stack's owner field is company: if the stacks of this account mark contacts in pulumi_owner, use that one/,
      );
      assert.ok(!warnings[0].includes("whatsapp-393331234567"), "the mark's resource name is not shown");
    });

    it("state written before origins were recorded: adopt: true means maybe not ours, so no DELETE", async () => {
      await start();
      const existing = await sim.admin.createContact({ identifier: "393331234567", source: "whatsapp", name: "QA Alice" });
      const legacy = { ...alice, adopt: true, uuid: existing.uuid, href: existing.href, createdAt: existing.createdAt } as unknown as ContactOutputs;
      await run().delete!(existing.uuid, legacy);
      assert.deepEqual(lines(await sim.admin.requests()), []);
      const created = { ...legacy, adopt: undefined };
      await run().delete!(existing.uuid, created);
      assert.deepEqual(lines(await sim.admin.requests()), [`DELETE /v1/contacts/${existing.uuid} 200`], "a created contact is deleted as before");
    });

    it("a rename in one run: the contact another resource took over is not deleted for the old one", async () => {
      await start();
      const first = run();
      const created = await first.create!(await checked(first, alice, "proj/dev/qa-alice"));
      // Next run: "alice" is declared (adopt: true, the contact exists), "qa-alice" is gone from the code.
      const next = run();
      const renamed = await next.create!(await checked(next, { ...alice, adopt: true }, "proj/dev/alice"));
      assert.equal(renamed.id, created.id);
      await sim.admin.clearRequests();
      await next.delete!(created.id, created.outs as ContactOutputs);
      assert.deepEqual(lines(await sim.admin.requests()), [], "no DELETE of the contact 'alice' holds");
      assert.equal((await sim.admin.contacts()).length, 1);
      assert.match(warnings[0], /another resource of this program now manages it/);
    });

    it("a replacement still deletes the old contact after creating the new one", async () => {
      await start();
      const first = run();
      const created = await first.create!(await checked(first, alice, "proj/dev/qa-alice"));
      const next = run();
      const news = await checked(next, { ...alice, identifier: "393331234568" }, "proj/dev/qa-alice");
      const diff = await next.diff!(created.id, created.outs as ContactOutputs, news);
      assert.deepEqual(diff.replaces, ["identifier"]);
      assert.deepEqual(
        warnings,
        [`replacing deletes contact "QA Alice" (393331234567) (uuid ${created.id}) and its conversation history (identifier changed)`],
        "the preview's diff says what the replacement deletes",
      );
      const replacement = await next.create!(news);
      await next.delete!(created.id, created.outs as ContactOutputs);
      assert.deepEqual(
        (await sim.admin.contacts()).map((c) => c.uuid),
        [replacement.id],
      );
      assert.equal(warnings.length, 1, "the delete itself warns nothing more");
    });

    it("refuses a second resource of the same program that declares a contact another one keeps", async () => {
      await start();
      const first = run();
      const created = await first.create!(await checked(first, alice, "proj/dev/qa-alice"));
      const next = run();
      await next.diff!(created.id, created.outs as ContactOutputs, await checked(next, alice, "proj/dev/qa-alice"));
      // check refuses the second declaration, in the number's other spelling too: the preview fails.
      const twin = await next.check!({} as ContactInputs, { ...alice, identifier: "+39 333 123 4567", adopt: true, [ownerInput]: "proj/dev/twin" } as never);
      assert.deepEqual(twin.failures, [
        {
          property: "identifier",
          reason:
            '393331234567 is also declared by resource "qa-alice": both would be the same Callbell contact; ' +
            "declare each contact once (remove one of the two, or merge them)",
        },
      ]);
      // create refuses too, for a declaration check could not see (an identifier not known at preview).
      const unchecked = await checked(run(), { ...alice, adopt: true }, "proj/dev/twin");
      await assert.rejects(next.create!(unchecked), /another resource of this program already manages it; declare each contact once/);
      assert.deepEqual(
        (await sim.admin.contacts()).map((c) => c.uuid),
        [created.id],
      );
    });
  });

  describe("with callbell:ownerField", () => {
    it("marks a new contact in its POST, and takes over its own marked contact after a killed run", async () => {
      await start();
      const provider = run({ ownerField: OWNER_FIELD });
      const created = await provider.create!(await checked(provider, alice, "proj/dev/qa-alice"));
      const log = await sim.admin.requests();
      assert.deepEqual((log[1].body as { custom_fields: Record<string, string> }).custom_fields, { [OWNER_FIELD]: markOf("proj/dev/qa-alice") });
      assert.equal((await sim.admin.contact(created.id)).customFields?.[OWNER_FIELD], markOf("proj/dev/qa-alice"));
      assert.equal((created.outs as ContactOutputs).customFields, undefined, "the mark is no declared field: no diff");
      // The state lost it (killed run): the next create finds it and knows it by its mark.
      await sim.admin.clearRequests();
      const again = run({ ownerField: OWNER_FIELD });
      const recovered = await again.create!(await checked(again, alice, "proj/dev/qa-alice"));
      assert.equal(recovered.id, created.id);
      assert.deepEqual(lines(await sim.admin.requests()), ["GET /v1/contacts/phone/393331234567 200"], "nothing to change, nothing written");
    });

    it("refuses a contact another stack marked, even with adopt: true, and writes nothing", async () => {
      await start();
      const prod = run({ ownerField: OWNER_FIELD });
      const created = await prod.create!(await checked(prod, alice, "proj/prod/qa-alice"));
      await sim.admin.clearRequests();
      const dev = run({ ownerField: OWNER_FIELD });
      await assert.rejects(dev.create!(await checked(dev, { ...alice, adopt: true }, "proj/dev/qa-alice")), (e: Error) => {
        assert.match(e.message, new RegExp(`uuid ${created.id}\\), and its owner field says it is managed by proj/prod/qa-alice; a contact has one owner`));
        assert.match(e.message, /Nothing was written\.$/);
        return true;
      });
      assert.deepEqual(lines(await sim.admin.requests()), ["GET /v1/contacts/phone/393331234567 200"]);
    });

    it("does not delete a contact whose mark names another resource; deletes its own", async () => {
      await start();
      const prod = run({ ownerField: OWNER_FIELD });
      const created = await prod.create!(await checked(prod, alice, "proj/prod/qa-alice"));
      const outs = created.outs as ContactOutputs;
      // dev holds the same uuid in its state (e.g. written by an older version): its delete must not touch it.
      const devState = { ...outs, owner: "proj/dev/qa-alice", ownerMark: "proj/dev/qa-alice" };
      await sim.admin.clearRequests();
      await run({ ownerField: OWNER_FIELD }).delete!(created.id, devState);
      assert.deepEqual(lines(await sim.admin.requests()), [`GET /v1/contacts/${created.id} 200`]);
      assert.match(warnings[0], /its owner field says it is managed by proj\/prod\/qa-alice/);
      assert.ok(
        warnings[0].endsWith(
          "Pulumi no longer tracks it through this resource; its owner field names another owner than this stack (in this backend): " +
            "leave it to that owner.",
        ),
        `no advice to delete another stack's contact: ${warnings[0]}`,
      );
      await run({ ownerField: OWNER_FIELD }).delete!(created.id, outs);
      assert.deepEqual(await sim.admin.contacts(), []);
    });

    it("an adopted contact this stack marked is left on destroy, advising to delete it by hand if no one needs it", async () => {
      await start();
      const existing = await sim.admin.createContact({ identifier: "393331234567", source: "whatsapp", name: "Made by hand" });
      const dev = run({ ownerField: OWNER_FIELD });
      const adopted = await dev.create!(await checked(dev, { ...alice, adopt: true }, "proj/dev/qa-alice"));
      await run({ ownerField: OWNER_FIELD }).delete!(adopted.id, adopted.outs as ContactOutputs);
      assert.equal((await sim.admin.contacts()).length, 1, "not deleted");
      assert.equal(
        warnings.at(-1),
        `contact "QA Alice" (393331234567) (uuid ${existing.uuid}) was left in Callbell, not deleted: it was adopted, not created, by this stack, ` +
          "and adopted contacts are never deleted. Pulumi no longer tracks it through this resource; it was in Callbell before this stack adopted it, " +
          "and this stack marked it as its own (callbell:ownerField): delete it in the Callbell dashboard if no one needs it any more, " +
          "or clear that field on it for another stack to adopt it.",
      );
    });

    it("a rename without aliases: the new resource takes over its stack's contact, re-marks it, and the old delete is skipped", async () => {
      await start();
      const first = run({ ownerField: OWNER_FIELD });
      const created = await first.create!(await checked(first, alice, "proj/dev/qa-alice"));
      const next = run({ ownerField: OWNER_FIELD });
      const renamed = await next.create!(await checked(next, alice, "proj/dev/alice"));
      assert.equal(renamed.id, created.id);
      assert.equal((await sim.admin.contact(created.id)).customFields?.[OWNER_FIELD], markOf("proj/dev/alice"));
      await next.delete!(created.id, created.outs as ContactOutputs);
      // And in a later run (e.g. `pulumi destroy --target` of the old name), the mark alone keeps it.
      await run({ ownerField: OWNER_FIELD }).delete!(created.id, created.outs as ContactOutputs);
      assert.equal((await sim.admin.contacts()).length, 1);
      assert.equal(warnings.length, 2);
    });

    it("an existing stack that sets the owner field: one GET (whose mark is there now?) and one PATCH per contact write the mark, then no diff", async () => {
      await start();
      const before = run();
      const created = await before.create!(await checked(before, alice, "proj/dev/qa-alice"));
      const provider = run({ ownerField: OWNER_FIELD });
      const news = await checked(provider, alice, "proj/dev/qa-alice");
      assert.equal((await provider.diff!(created.id, created.outs as ContactOutputs, news)).changes, true);
      await sim.admin.clearRequests();
      const updated = await provider.update!(created.id, created.outs as ContactOutputs, news);
      const log = await sim.admin.requests();
      assert.deepEqual(lines(log), [`GET /v1/contacts/${created.id} 200`, `PATCH /v1/contacts/${created.id} 200`]);
      assert.deepEqual(log[1].body, { custom_fields: { [OWNER_FIELD]: markOf("proj/dev/qa-alice") } });
      assert.equal((await provider.diff!(created.id, updated.outs as ContactOutputs, news)).changes, false);
    });

    it("an update never writes its mark over another stack's: refused, naming that stack, with no PATCH", async () => {
      await start();
      const before = run();
      const created = await before.create!(await checked(before, alice, "proj/dev/qa-alice"));
      await sim.admin.editContact(created.id, { customFields: { [OWNER_FIELD]: markOf("proj/prod/qa-alice") } });
      const provider = run({ ownerField: OWNER_FIELD });
      const news = await checked(provider, alice, "proj/dev/qa-alice");
      await sim.admin.clearRequests();
      await assert.rejects(
        provider.update!(created.id, created.outs as ContactOutputs, news),
        /its owner field says it is managed by proj\/prod\/qa-alice.*Nothing was written/s,
      );
      assert.deepEqual(lines(await sim.admin.requests()), [`GET /v1/contacts/${created.id} 200`]);
      assert.equal((await sim.admin.contact(created.id)).customFields?.[OWNER_FIELD], markOf("proj/prod/qa-alice"));
    });

    it("a takeover whose PATCH fails keeps the contact in the state (the error carries its id)", async () => {
      await start();
      const existing = await sim.admin.createContact({ identifier: "393331234567", source: "whatsapp", name: "Made by hand" });
      await sim.admin.script([{ method: "PATCH", path: `/v1/contacts/${existing.uuid}`, action: "500", times: 10 }]);
      const provider = run({ ownerField: OWNER_FIELD });
      await assert.rejects(
        provider.create!(await checked(provider, { ...alice, adopt: true }, "proj/dev/qa-alice")),
        (e: Error & { id?: string; properties?: ContactOutputs }) => {
          assert.equal(e.id, existing.uuid);
          assert.equal(e.properties?.origin, "adopted");
          assert.match(e.message, /Could not update the adopted contact "QA Alice" \(393331234567\)/);
          return true;
        },
      );
      assert.equal((await sim.admin.contacts()).length, 1);
    });
  });
});
