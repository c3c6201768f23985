// The Contact provider's whole lifecycle against the simulator, over real HTTP, asserting the
// exact requests Callbell receives and the contacts it ends up holding.
import { strict as assert } from "assert";
import { ContactsClient } from "../../provider/src/client/contacts";
import { defaultRetryPolicy } from "../../provider/src/client/retry";
import { ProviderSettings, requireToken } from "../../provider/src/config";
import { ContactProvider, makeContactProvider } from "../../provider/src/doors/dynamic/dynamic-provider";
import { ContactInputs, ContactOutputs } from "../../provider/src/domain/contact/shape";
import { CHANNELS, RequestLogEntry, SimulatorOptions, StartedSimulator, startSimulator } from "callbell-simulator";

const fastRetries = { ...defaultRetryPolicy, baseDelayMs: 5, maxDelayMs: 40 };
const ALICE = "alice@acme-dev.example";
const SUPPORT_TEAM = "7ea70000000000000000000000000002";

/** A provider wired to a simulator, as the provider host wires it to Callbell. */
function providerFor(sim: StartedSimulator, overrides: Partial<ProviderSettings> = {}): ContactProvider {
  const settings: ProviderSettings = { apiUrl: sim.url, apiToken: sim.token, ...overrides };
  let client: ContactsClient | undefined;
  return makeContactProvider({
    settings: () => settings,
    client: () => (client ??= new ContactsClient({ baseUrl: settings.apiUrl, token: requireToken(settings), retryPolicy: fastRetries })),
  });
}

const lines = (log: RequestLogEntry[]) => log.map((e) => `${e.method} ${e.path.split("?")[0]} ${e.status}`);

async function checked(provider: ContactProvider, raw: Record<string, unknown>): Promise<ContactInputs> {
  const result = await provider.check!({} as ContactInputs, raw as unknown as ContactInputs);
  assert.deepEqual(result.failures ?? [], []);
  return result.inputs as ContactInputs;
}

describe("Contact provider lifecycle against the simulator", function () {
  let sim: StartedSimulator;
  let provider: ContactProvider;
  const start = async (options: SimulatorOptions = {}) => {
    sim = await startSimulator({ seed: 7, ...options });
    provider = providerFor(sim);
  };
  afterEach(async () => sim?.close());

  it("one number declared without a channel and with the main channel's uuid is one identity: check refuses the second", async () => {
    await start();
    await checked(provider, { identifier: "393331234567", source: "whatsapp", name: "A", __owner: "p/dev/a" });
    const second = await provider.check!(
      {} as ContactInputs,
      {
        identifier: "+39 333 123 4567",
        source: "whatsapp",
        name: "B",
        channelUuid: CHANNELS.whatsappMain,
        __owner: "p/dev/b",
      } as unknown as ContactInputs,
    );
    assert.match(String(second.failures?.[0]?.reason), /393331234567 is also declared by resource "a"/);
  });

  it("two creates of one number at once (one with the main channel's uuid) make one contact; the second takes nothing over", async () => {
    await start({ duplicates: "allow", faults: { latencyMs: 150 } });
    const plain = { identifier: "393331234567", source: "whatsapp", name: "A" } as ContactInputs;
    const onChannel = { ...plain, channelUuid: CHANNELS.whatsappMain } as ContactInputs;
    const outcomes = await Promise.allSettled([provider.create!(plain), provider.create!(onChannel)]);
    assert.equal((await sim.admin.contacts()).length, 1, "Callbell holds the number once");
    assert.equal(lines(await sim.admin.requests()).filter((l) => l.startsWith("POST")).length, 1, "one POST");
    assert.equal(outcomes.filter((o) => o.status === "fulfilled").length, 1, JSON.stringify(outcomes.map((o) => o.status)));
  });

  it("a lookup that fails with an error carrying the token: the create's error names the contact, never the token", async () => {
    await start();
    const settings: ProviderSettings = { apiUrl: sim.url, apiToken: sim.token };
    const client = new ContactsClient({ baseUrl: settings.apiUrl, token: sim.token, retryPolicy: fastRetries });
    client.findByPhone = async () => {
      throw new Error(`socket hang up while sending Authorization: Bearer ${sim.token}`);
    };
    const leaky = makeContactProvider({ settings: () => settings, client: () => client });
    const inputs = await checked(leaky, { identifier: "393331234567", source: "whatsapp", name: "QA Alice" });
    await assert.rejects(leaky.create!(inputs), (error: Error) => {
      assert.match(error.message, /^Could not create contact "QA Alice" \(393331234567\): socket hang up/);
      assert.ok(!error.message.includes(sim.token) && !String(error.stack).includes(sim.token), error.message);
      return true;
    });
    assert.deepEqual(await sim.admin.contacts(), [], "nothing was written");
  });

  it("creates, reads, updates every field kind, and deletes a contact", async () => {
    await start();
    const inputs = await checked(provider, {
      identifier: "+39 333 123 4567",
      source: "whatsapp",
      name: "QA Alice",
      tags: ["qa"],
      customFields: { plan: "pro", interests: ["api"] },
      assignedUser: ALICE,
      note: "first",
    });
    const created = await provider.create!(inputs);
    assert.match(created.id, /^[0-9a-f]{32}$/);
    const outs = created.outs as ContactOutputs;
    assert.equal(outs.phoneNumber, "+39 333 123 4567");
    assert.equal(outs.identifier, "393331234567");
    assert.equal(outs.href, `${sim.origin}/contacts/${created.id}`, "the simulator's contacts link to its own dashboard");
    assert.equal(outs.conversationHref, `${sim.origin}/chat/${created.id}`);
    assert.match(outs.createdAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.deepEqual(outs.customFields, { plan: "pro", interests: ["api"] }, "checkbox values come back as JSON text and are parsed");

    let log = await sim.admin.requests();
    assert.deepEqual(lines(log), ["GET /v1/contacts/phone/393331234567 404", "POST /v1/contacts 200"]);
    assert.deepEqual(log[1].body, {
      identifier: "393331234567",
      source: "whatsapp",
      name: "QA Alice",
      tags: ["qa"],
      custom_fields: { plan: "pro", interests: ["api"] },
      assigned_user: ALICE,
      note: "first",
    });

    // No change: diff says so and nothing is sent.
    const same = await provider.diff!(created.id, outs, inputs);
    assert.equal(same.changes, false);

    // Update each kind of field at once; only what changed is sent.
    await sim.admin.clearRequests();
    const next = await checked(provider, {
      identifier: "393331234567",
      source: "whatsapp",
      name: "QA Alice 2",
      tags: ["qa", "vip"],
      customFields: { plan: "enterprise", interests: ["api", "whatsapp"], seats: "12", renewal_date: "2027-01-31" },
      assignedUser: "bob@acme-dev.example",
      teamUuid: SUPPORT_TEAM,
      botStatus: "bot_end",
      note: "second",
    });
    const diff = await provider.diff!(created.id, outs, next);
    assert.deepEqual(diff.replaces, []);
    assert.equal(diff.changes, true);
    const updated = await provider.update!(created.id, outs, next);
    log = await sim.admin.requests();
    assert.deepEqual(lines(log), [`PATCH /v1/contacts/${created.id} 200`]);
    assert.deepEqual(log[0].body, {
      name: "QA Alice 2",
      tags: ["qa", "vip"],
      custom_fields: { plan: "enterprise", interests: ["api", "whatsapp"], seats: "12", renewal_date: "2027-01-31" },
      assigned_user: "bob@acme-dev.example",
      team_uuid: SUPPORT_TEAM,
      bot_status: "bot_end",
      note: "second",
    });
    const afterUpdate = updated.outs as ContactOutputs;
    assert.equal((await provider.diff!(created.id, afterUpdate, next)).changes, false, "no spurious diff after an update");

    // Remove assignedUser, note, one custom field and the tags: unassign, clear, empty, [].
    await sim.admin.clearRequests();
    const trimmed = await checked(provider, {
      identifier: "393331234567",
      source: "whatsapp",
      name: "QA Alice 2",
      teamUuid: SUPPORT_TEAM,
      customFields: { plan: "enterprise", interests: ["api", "whatsapp"], renewal_date: "2027-01-31" },
    });
    const cleared = await provider.update!(created.id, afterUpdate, trimmed);
    log = await sim.admin.requests();
    assert.deepEqual(log[0].body, { tags: [], custom_fields: { seats: "" }, unassign_user: true, note: "" });
    const stored = await sim.admin.contact(created.id);
    assert.equal(stored.assignedUser, null);
    assert.equal(stored.note, null);
    assert.deepEqual(stored.tags, []);
    assert.equal("seats" in (stored.customFields ?? {}), false, "a removed custom field is cleared");
    assert.equal((await provider.diff!(created.id, cleared.outs as ContactOutputs, trimmed)).changes, false);

    // Delete, then delete again: the 404 counts as already deleted.
    await sim.admin.clearRequests();
    // (A later run: in this one the contact is kept by the resource just updated, and is never deleted.)
    const nextRun = providerFor(sim);
    await nextRun.delete!(created.id, cleared.outs as ContactOutputs);
    await nextRun.delete!(created.id, cleared.outs as ContactOutputs);
    assert.deepEqual(lines(await sim.admin.requests()), [`DELETE /v1/contacts/${created.id} 200`, `DELETE /v1/contacts/${created.id} 404`]);
    assert.deepEqual(await sim.admin.contacts(), []);
  });

  it("reads drift made behind its back, and reports a deleted contact as gone", async () => {
    await start();
    const inputs = await checked(provider, { identifier: "393331234567", source: "whatsapp", name: "QA Alice", tags: ["qa"], note: "n" });
    const { id, outs } = await provider.create!(inputs);
    await sim.admin.editContact(id, { name: "Renamed in the dashboard", tags: ["VIP"], note: "edited" });
    const read = await provider.read!(id, outs as ContactOutputs);
    assert.equal(read.id, id);
    assert.equal(read.props!.name, "Renamed in the dashboard");
    assert.deepEqual(read.props!.tags, ["VIP"]);
    const diff = await provider.diff!(id, read.props as ContactOutputs, inputs);
    assert.deepEqual(diff.replaces, []);
    assert.equal(diff.changes, true);

    await sim.admin.deleteContact(id);
    const gone = await provider.read!(id, outs as ContactOutputs);
    assert.equal(gone.id, "");
  });

  it("keeps href and conversationHref exactly as Callbell gives them, on create and on read", async () => {
    await start({ dashboardUrl: "https://dash.callbell.eu" }); // the links of real Callbell
    const inputs = await checked(provider, { identifier: "393331234567", source: "whatsapp", name: "QA Alice" });
    const { id, outs } = await provider.create!(inputs);
    const expected = { href: `https://dash.callbell.eu/contacts/${id}`, conversationHref: `https://dash.callbell.eu/chat/${id}` };
    const created = outs as ContactOutputs;
    assert.deepEqual({ href: created.href, conversationHref: created.conversationHref }, expected);
    const read = (await provider.read!(id, created)).props as ContactOutputs;
    assert.deepEqual({ href: read.href, conversationHref: read.conversationHref }, expected);
  });

  it("keeps the bsuid Callbell gives some WhatsApp contacts, and none for the others", async () => {
    await start();
    const inputs = await checked(provider, { identifier: "393331234567", source: "whatsapp", name: "QA Alice" });
    const { id, outs } = await provider.create!(inputs);
    assert.equal((outs as ContactOutputs).bsuid, undefined);
    assert.ok(!("bsuid" in (outs as ContactOutputs)), "no bsuid key in the state when Callbell gives none");
    await sim.admin.editContact(id, { bsuid: "IT.1234567890123456" });
    const read = await provider.read!(id, outs as ContactOutputs);
    assert.equal(read.props!.bsuid, "IT.1234567890123456");
    const diff = await provider.diff!(id, read.props as ContactOutputs, inputs);
    assert.equal(diff.changes, false, "an output alone is never a change");
  });

  it("adopts an existing contact instead of creating a duplicate", async () => {
    await start({ duplicates: "allow" });
    const existing = await sim.admin.createContact({ identifier: "393331234567", source: "whatsapp", name: "Made by hand", tags: ["vip"] });
    const inputs = await checked(provider, { identifier: "393331234567", source: "whatsapp", name: "QA Alice", tags: ["qa"], adopt: true });
    const { id } = await provider.create!(inputs);
    assert.equal(id, existing.uuid);
    assert.deepEqual(lines(await sim.admin.requests()), ["GET /v1/contacts/phone/393331234567 200", `PATCH /v1/contacts/${id} 200`]);
    const all = await sim.admin.contacts();
    assert.equal(all.length, 1);
    assert.equal(all[0].name, "QA Alice");
    assert.deepEqual(all[0].tags, ["qa"]);
  });

  it("with adopt and nothing to adopt, creates the contact", async () => {
    await start();
    const inputs = await checked(provider, { identifier: "393331234567", source: "whatsapp", name: "QA Alice", adopt: true });
    await provider.create!(inputs);
    assert.deepEqual(lines(await sim.admin.requests()), ["GET /v1/contacts/phone/393331234567 404", "POST /v1/contacts 200"]);
  });

  it("never creates a second contact for an identifier somebody else's contact has, and points to adopt", async () => {
    await start({ duplicates: "allow" });
    const existing = await sim.admin.createContact({ identifier: "393331234567", source: "whatsapp", name: "Made by hand" });
    const inputs = await checked(provider, { identifier: "393331234567", source: "whatsapp", name: "QA Alice" });
    await assert.rejects(
      provider.create!(inputs),
      (e: Error) =>
        /already has a contact with this identifier \("Made by hand", uuid \w{32}\)/.test(e.message) &&
        /adopt: true/.test(e.message) &&
        /QA Alice/.test(e.message),
    );
    assert.deepEqual(lines(await sim.admin.requests()), ["GET /v1/contacts/phone/393331234567 200"]);
    assert.deepEqual(
      (await sim.admin.contacts()).map((c) => c.uuid),
      [existing.uuid],
    );
  });

  it("with callbell:recoverCreates, takes over a contact left by its own interrupted create (same identifier and name) instead of duplicating it", async () => {
    await start({ duplicates: "allow" });
    provider = providerFor(sim, { recoverCreates: true });
    const leftover = await sim.admin.createContact({ identifier: "393331234567", source: "whatsapp", name: "QA Alice" });
    const inputs = await checked(provider, { identifier: "393331234567", source: "whatsapp", name: "QA Alice", tags: ["qa"] });
    const { id } = await provider.create!(inputs);
    assert.equal(id, leftover.uuid);
    assert.deepEqual(lines(await sim.admin.requests()), ["GET /v1/contacts/phone/393331234567 200", `PATCH /v1/contacts/${id} 200`]);
    assert.equal((await sim.admin.contacts()).length, 1);
  });

  it("explains a duplicate refused by Callbell (409, a source it cannot look up) and points to adopt", async () => {
    await start({ duplicates: "reject" });
    const inputs = await checked(provider, { identifier: "393331234567", source: "telegram", name: "QA Alice" });
    await sim.admin.createContact({ identifier: "393331234567", source: "telegram", name: "Made by hand" });
    await assert.rejects(provider.create!(inputs), (e: Error) => /409/.test(e.message) && /adopt: true/.test(e.message) && /QA Alice/.test(e.message));
  });

  for (const action of ["commit-then-reset", "commit-then-500"] as const) {
    it(`never duplicates a contact when a POST is committed but its answer is lost (${action})`, async () => {
      await start({ duplicates: "allow" });
      await sim.admin.script([{ method: "POST", path: "/v1/contacts", action }]);
      const inputs = await checked(provider, { identifier: "393331234567", source: "whatsapp", name: "QA Alice", tags: ["qa"] });
      const { id } = await provider.create!(inputs);
      const log = await sim.admin.requests();
      assert.deepEqual(lines(log), [
        "GET /v1/contacts/phone/393331234567 404",
        `POST /v1/contacts ${action === "commit-then-500" ? 500 : 0}`,
        "GET /v1/contacts/phone/393331234567 200",
      ]);
      assert.equal(log[1].committed, true);
      const all = await sim.admin.contacts();
      assert.equal(all.length, 1, "exactly one contact");
      assert.equal(all[0].uuid, id);
    });
  }

  it("never re-sends an instagram POST whose answer was lost, and says what to check (one contact, one POST)", async () => {
    await start({ duplicates: "allow" });
    await sim.admin.script([{ method: "POST", path: "/v1/contacts", action: "commit-then-reset" }]);
    const inputs = await checked(provider, { identifier: "alice.ig", source: "instagram", name: "QA Alice" });
    await assert.rejects(provider.create!(inputs), (e: Error) => {
      // The socket's own words (read ECONNRESET, socket hang up) depend on timing.
      assert.equal(
        e.message.replace(/ \((read ECONNRESET|socket hang up)\);/, " (…);"),
        'Could not create contact "QA Alice" (alice.ig): Callbell may have created the contact: POST /contacts — ' +
          "the connection was lost before an answer came (…); look for instagram contact 'alice.ig' in the Callbell dashboard (Contacts): " +
          "if it is there, delete it in the dashboard before the next 'pulumi up', or that up creates a second one " +
          "(Callbell cannot look up instagram contacts by identifier, so they cannot be adopted)",
      );
      return true;
    });
    const log = await sim.admin.requests();
    assert.deepEqual(lines(log), ["POST /v1/contacts 0"]);
    assert.equal(log[0].committed, true);
    assert.equal((await sim.admin.contacts()).length, 1);
  });

  it("refuses hostile inputs at check, and nothing reaches Callbell", async () => {
    await start();
    const valid = { identifier: "393331234567", source: "whatsapp", name: "QA Alice" };
    const hostile: [Record<string, unknown>, string][] = [
      [{ ...valid, constructor: 1 }, "constructor"],
      [{ ...valid, name: "\u200b\ufeff" }, "name"],
      [{ ...valid, tags: ["qa", "q\u0000a"] }, "tags.1"],
      [{ ...valid, identifier: "39333+1234567" }, "identifier"],
      [{ ...valid, customFields: { " ": "x" } }, "customFields. "],
    ];
    for (const [raw, property] of hostile) {
      const result = await provider.check!({} as ContactInputs, raw as unknown as ContactInputs);
      assert.deepEqual(
        (result.failures ?? []).map((f) => f.property),
        [property],
        JSON.stringify(result.failures),
      );
    }
    assert.deepEqual(await sim.admin.requests(), []);
  });

  it("re-sends a POST that was not committed, after checking that it did not land", async () => {
    await start({ duplicates: "allow" });
    await sim.admin.script([{ method: "POST", path: "/v1/contacts", action: "503" }]);
    const inputs = await checked(provider, { identifier: "393331234567", source: "whatsapp", name: "QA Alice" });
    await provider.create!(inputs);
    assert.deepEqual(lines(await sim.admin.requests()), [
      "GET /v1/contacts/phone/393331234567 404",
      "POST /v1/contacts 503",
      "GET /v1/contacts/phone/393331234567 404",
      "POST /v1/contacts 200",
    ]);
    assert.equal((await sim.admin.contacts()).length, 1);
  });

  it("retries reads and updates through 5xx and resets, and honours Retry-After on 429", async () => {
    await start();
    const inputs = await checked(provider, { identifier: "393331234567", source: "whatsapp", name: "QA Alice" });
    const { id, outs } = await provider.create!(inputs);
    await sim.admin.clearRequests();
    await sim.admin.script([
      { method: "GET", action: "503" },
      { method: "GET", action: "reset" },
      { method: "GET", action: "429", retryAfterSeconds: 1 },
      { method: "PATCH", action: "502" },
      { method: "PATCH", action: "reset" },
    ]);
    const began = Date.now();
    const read = await provider.read!(id, outs as ContactOutputs);
    assert.ok(Date.now() - began >= 1000, "waited for Retry-After");
    assert.equal(read.id, id);
    await provider.update!(id, outs as ContactOutputs, { ...inputs, name: "QA Alice 2" });
    const path = `/v1/contacts/${id}`;
    assert.deepEqual(lines(await sim.admin.requests()), [
      `GET ${path} 503`,
      `GET ${path} 0`,
      `GET ${path} 429`,
      `GET ${path} 200`,
      `PATCH ${path} 502`,
      `PATCH ${path} 0`,
      `PATCH ${path} 200`,
    ]);
    assert.equal((await sim.admin.contact(id)).name, "QA Alice 2");
  });

  it("refuses to write into another account than the stack expects, after one GET /auth/me", async () => {
    await start();
    provider = providerFor(sim, { expectedAccount: "ops@acme-prod.example" });
    const inputs = await checked(provider, { identifier: "393331234567", source: "whatsapp", name: "QA Alice" });
    await assert.rejects(provider.create!(inputs), (e: Error) => /ops@acme-prod\.example/.test(e.message) && /owner@acme-dev\.example/.test(e.message));
    assert.deepEqual(lines(await sim.admin.requests()), ["GET /v1/auth/me 200"]);
    assert.deepEqual(await sim.admin.contacts(), []);
  });

  it("never shows the token in an error, and says how to set a missing one", async () => {
    await start();
    const wrong = "sim_wrong_token_0123456789abcdef";
    provider = providerFor(sim, { apiToken: wrong });
    const inputs = await checked(provider, { identifier: "393331234567", source: "whatsapp", name: "QA Alice" });
    await assert.rejects(provider.create!(inputs), (e: Error) => {
      assert.match(e.message, /401/);
      assert.match(e.message, /callbell:apiToken/);
      assert.ok(!e.message.includes(wrong) && !String(e.stack).includes(wrong) && !JSON.stringify(e).includes(wrong));
      return true;
    });
    provider = providerFor(sim, { apiToken: undefined });
    await assert.rejects(provider.create!(inputs), /pulumi config set --secret callbell:apiToken.*CALLBELL_API_TOKEN/);
  });
});
