// Refresh reads from the run's page snapshot (contact/page-snapshot.ts) against the simulator, over real HTTP: how
// many requests a refresh-like sequence of reads makes below and above the threshold, that every state equals what
// single reads give, where the pages cannot answer (instagram, a contact not listed, one this run wrote, a page that
// fails), and that create and delete still decide on a fresh read of their own.
import { strict as assert } from "assert";
import { ApiContact, ContactsClient } from "../../provider/src/client/contacts";
import { defaultRetryPolicy } from "../../provider/src/client/retry";
import { ProviderSettings, requireToken, resolveSettings } from "../../provider/src/config";
import { ContactProvider, makeContactProvider } from "../../provider/src/doors/dynamic/dynamic-provider";
import { listedAnswersFor } from "../../provider/src/domain/contact/page-fit";
import { ContactInputs, ContactOutputs } from "../../provider/src/domain/contact/shape";
import { RequestLogEntry, StartedSimulator, startSimulator } from "callbell-simulator";

const fastRetries = { ...defaultRetryPolicy, baseDelayMs: 1, maxDelayMs: 5 };
const OWNER_FIELD = "pulumi_owner";
const STACK = "acme/dev";

/** One run of the provider (a provider process), wired to the simulator. */
function runOf(sim: StartedSimulator, overrides: Partial<ProviderSettings> = {}): ContactProvider {
  const settings: ProviderSettings = { apiUrl: sim.url, apiToken: sim.token, backend: "0a1b2c3d", ...overrides };
  let client: ContactsClient | undefined;
  return makeContactProvider({
    settings: () => settings,
    client: () => (client ??= new ContactsClient({ baseUrl: settings.apiUrl, token: requireToken(settings), retryPolicy: fastRetries })),
    warn: () => undefined,
  });
}

/** A held contact: its id and its state, as the stack's last up left them. */
interface Held {
  id: string;
  state: ContactOutputs;
}

async function declare(run: ContactProvider, raw: Record<string, unknown>): Promise<Held> {
  const checked = await run.check!({} as ContactInputs, raw as unknown as ContactInputs);
  assert.deepEqual(checked.failures ?? [], []);
  const created = await run.create!(checked.inputs as ContactInputs);
  return { id: created.id, state: created.outs as ContactOutputs };
}

const phone = (i: number) => `+39 333 ${String(1_000_000 + i)}`;

/** `count` whatsapp contacts declared by one up of the stack, in order. */
async function upOf(sim: StartedSimulator, count: number, first = 0, overrides: Partial<ProviderSettings> = {}): Promise<Held[]> {
  const run = runOf(sim, overrides);
  const held: Held[] = [];
  for (let i = first; i < first + count; i++) {
    held.push(await declare(run, { identifier: phone(i), source: "whatsapp", name: `Seed ${i}`, tags: ["seed"], __owner: `${STACK}/seed-${i}` }));
  }
  return held;
}

/** Reads every held contact as the engine's refresh does: 8 at a time, in state order. */
async function refresh(run: ContactProvider, held: Held[]): Promise<Awaited<ReturnType<ContactProvider["read"]>>[]> {
  const results: Awaited<ReturnType<ContactProvider["read"]>>[] = new Array(held.length);
  let next = 0;
  const worker = async () => {
    while (next < held.length) {
      const index = next++;
      results[index] = await run.read!(held[index].id, held[index].state);
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  return results;
}

const singleReads = (log: RequestLogEntry[]) => log.filter((e) => e.method === "GET" && /^\/v1\/contacts\/[0-9a-f]{32}$/.test(e.path.split("?")[0]));
const pageReads = (log: RequestLogEntry[]) => log.filter((e) => e.method === "GET" && e.path.split("?")[0] === "/v1/contacts");
const readOf = (log: RequestLogEntry[], id: string) => log.filter((e) => e.method === "GET" && e.path === `/v1/contacts/${id}`);

describe("refresh reads from the run's page snapshot", function () {
  let sim: StartedSimulator;
  beforeEach(async () => {
    sim = await startSimulator({ seed: 26 });
  });
  afterEach(async () => sim?.close());

  it("a refresh of 16 contacts reads each alone, as before: 16 GET /contacts/:uuid, no page", async () => {
    const held = await upOf(sim, 16);
    await sim.admin.clearRequests();
    await refresh(runOf(sim), held);
    const log = await sim.admin.requests();
    assert.equal(singleReads(log).length, 16);
    assert.equal(pageReads(log).length, 0);
    assert.equal(log.length, 16);
  });

  it("a refresh of 60 reads 16 alone, then 2 pages answer the other 44, with the states single reads give", async () => {
    const held = await upOf(sim, 60);
    // Drift on a few, made in the dashboard: a refresh must show it, from the pages as from single reads.
    await sim.admin.editContact(held[3].id, { name: "Edited 3" });
    await sim.admin.editContact(held[40].id, { tags: ["seed", "vip"] });
    await sim.admin.editContact(held[59].id, { name: "Edited 59", note: "called back" });
    await sim.admin.clearRequests();
    const paged = await refresh(runOf(sim), held);
    const log = await sim.admin.requests();
    assert.equal(singleReads(log).length, 16, "the first 16 reads go alone");
    assert.deepEqual(
      pageReads(log).map((e) => e.path),
      ["/v1/contacts?page=1", "/v1/contacts?page=2"],
      "50 + 10 contacts: the short page ends the list",
    );
    assert.equal(log.length, 18, "18 requests instead of 60");

    const single = await refresh(runOf(sim, { pageReads: false }), held);
    assert.deepEqual(paged, single);
    assert.equal((paged[40].props as ContactOutputs).tags?.join(","), "seed,vip");
    assert.equal((paged[59].props as ContactOutputs).name, "Edited 59");
    assert.equal(singleReads((await sim.admin.requests()).slice(18)).length, 60, "callbell:pageReads false reads each contact alone");
  });

  it("a stack that holds a few contacts of a large account pays two pages on top, then reads alone", async () => {
    // 600 contacts of the account no stack holds, listed before the stack's 40.
    for (let i = 0; i < 600; i++) await sim.admin.createContact({ identifier: `39334${String(1_000_000 + i)}`, source: "whatsapp", name: `Customer ${i}` });
    const held = await upOf(sim, 40, 600);
    await sim.admin.clearRequests();
    const paged = await refresh(runOf(sim), held);
    const log = await sim.admin.requests();
    assert.deepEqual(
      pageReads(log).map((e) => e.path),
      ["/v1/contacts?page=1", "/v1/contacts?page=2"],
      "two pages that answered no read: no third",
    );
    assert.equal(singleReads(log).length, 40, "each of the 40 is read alone");
    assert.deepEqual(paged, await refresh(runOf(sim, { pageReads: false }), held));
  });

  it("an instagram contact, a contact missing from the pages and one gone are read alone; only a single read says gone", async () => {
    const held = await upOf(sim, 30);
    const setup = runOf(sim);
    const insta = await declare(setup, { identifier: "ig_4242", source: "instagram", name: "Insta", __owner: `${STACK}/insta` });
    const gone = held[20];
    await sim.admin.deleteContact(gone.id);
    await sim.admin.clearRequests();

    const run = runOf(sim);
    const first = await refresh(run, held.slice(0, 20));
    assert.equal(pageReads(await sim.admin.requests()).length, 1, "read 17 read the first page (30 contacts), and the rest came from it");
    // Made in the dashboard after the pages were read: not in the snapshot, so read alone.
    const late = await declare(runOf(sim), { identifier: phone(99), source: "whatsapp", name: "Late", __owner: `${STACK}/late` });
    await sim.admin.clearRequests();
    const rest = await refresh(run, [gone, ...held.slice(21), insta, late]);
    const log = await sim.admin.requests();

    assert.deepEqual(rest[0], { id: "" }, "gone: dropped from the state, on the word of GET /contacts/:uuid");
    assert.deepEqual(
      readOf(log, gone.id).map((e) => e.status),
      [404],
    );
    assert.equal(readOf(log, insta.id).length, 1, "an instagram contact is read alone");
    assert.equal((rest.at(-2)!.props as ContactOutputs).identifier, "ig_4242");
    assert.equal(readOf(log, late.id).length, 1, "a contact the pages did not list is read alone");
    assert.equal((rest.at(-1)!.props as ContactOutputs).name, "Late");
    assert.equal(singleReads(log).length, 3, "the other 9 came from the page");
    assert.deepEqual(
      pageReads(log).map((e) => e.path),
      ["/v1/contacts?page=2"],
      "the first read the first page could not answer read the next one, empty: the end of the list, never read again",
    );
    assert.deepEqual([...first, ...rest], await refresh(runOf(sim, { pageReads: false }), [...held.slice(0, 20), gone, ...held.slice(21), insta, late]));
  });

  it("a contact this run updated or created is read alone, after the write, never as the pages had it", async () => {
    const held = await upOf(sim, 40);
    const run = runOf(sim);
    await refresh(run, held.slice(0, 20));
    const updated = await run.update!(held[30].id, held[30].state, { ...held[30].state, name: "Renamed 30" } as ContactInputs);
    const created = await declare(run, { identifier: phone(77), source: "whatsapp", name: "New 77", __owner: `${STACK}/new-77` });
    await sim.admin.clearRequests();
    const reads = await refresh(run, [{ id: held[30].id, state: updated.outs as ContactOutputs }, created, held[31]]);
    const log = await sim.admin.requests();
    assert.equal((reads[0].props as ContactOutputs).name, "Renamed 30", "not the page's stale name");
    assert.equal(readOf(log, held[30].id).length, 1);
    assert.equal(readOf(log, created.id).length, 1);
    assert.equal(readOf(log, held[31].id).length, 0, "a contact the run did not write still comes from the page");
  });

  it("a contact read twice in a run is answered from the pages once: the copy is let go, the second read goes alone", async () => {
    const held = await upOf(sim, 20);
    const run = runOf(sim);
    await refresh(run, held);
    await sim.admin.clearRequests();
    const again = await run.read!(held[18].id, held[18].state);
    assert.deepEqual(
      (await sim.admin.requests()).map((e) => `${e.method} ${e.path}`),
      ["GET /v1/contacts?page=2", `GET /v1/contacts/${held[18].id}`],
      "the first miss reads the next page (empty: the end of a list whose first page held 20), then the contact alone",
    );
    assert.equal((again.props as ContactOutputs).name, "Seed 18");
  });

  it("a page that cannot be read ends the pages: every read after it is a single read, and right", async () => {
    const held = await upOf(sim, 30);
    await sim.admin.clearRequests();
    const run = runOf(sim);
    await refresh(run, held.slice(0, 16));
    await sim.admin.script([{ method: "GET", path: "/v1/contacts", action: "503", times: defaultRetryPolicy.maxRetries + 1 }]);
    const rest = [];
    for (const contact of held.slice(16)) rest.push(await run.read!(contact.id, contact.state));
    const log = await sim.admin.requests();
    assert.equal(pageReads(log).length, defaultRetryPolicy.maxRetries + 1, "page 1, with its retries, then no more pages");
    assert.equal(singleReads(log).filter((e) => e.status === 200).length, 30);
    assert.deepEqual(rest, await refresh(runOf(sim, { pageReads: false }), held.slice(16)));
  });

  it("delete and create decide on a fresh read of their own, even for a contact the pages hold", async () => {
    const marked = { ownerField: OWNER_FIELD };
    const held = await upOf(sim, 30, 0, marked);
    const run = runOf(sim, marked);
    await refresh(run, held);
    // After the pages were read, another stack took contact 25 over: its mark is no longer ours.
    await sim.admin.editContact(held[25].id, { customFields: { [OWNER_FIELD]: "acme/prod/seed-25 @0a1b2c3d" } });
    await sim.admin.clearRequests();
    await run.delete!(held[25].id, held[25].state);
    let log = await sim.admin.requests();
    assert.deepEqual(
      log.map((e) => `${e.method} ${e.path}`),
      [`GET /v1/contacts/${held[25].id}`],
      "delete read the contact afresh, saw the other stack's mark, and sent no DELETE",
    );
    assert.equal((await sim.admin.contact(held[25].id)).uuid, held[25].id);

    // A create of a number the pages hold still looks it up, and refuses: the contact carries another stack's mark.
    await sim.admin.clearRequests();
    const checked = await run.check!(
      {} as ContactInputs,
      {
        identifier: phone(26),
        source: "whatsapp",
        name: "Someone else",
        __owner: "acme/prod/other",
      } as unknown as ContactInputs,
    );
    await assert.rejects(run.create!(checked.inputs as ContactInputs), /already has a contact with this identifier/);
    log = await sim.admin.requests();
    assert.deepEqual(
      log.map((e) => `${e.method} ${e.path.split("?")[0]} ${e.status}`),
      [`GET /v1/contacts/phone/393331000026 200`],
    );
  });

  it("a list item stands for a single read only when it has every field the state is made from", () => {
    const listed: ApiContact = {
      uuid: "0".repeat(32),
      name: "A",
      phoneNumber: "+39 333 100 0001",
      avatarUrl: null,
      createdAt: "2026-01-01T00:00:00Z",
      source: "whatsapp",
      href: "h",
      conversationHref: "c",
      tags: [],
      assignedUser: null,
      customFields: {},
      team: null,
      channel: null,
      note: null,
    };
    const held = { identifier: "393331000001", source: "whatsapp", name: "A", uuid: listed.uuid } as ContactOutputs;
    assert.equal(listedAnswersFor(listed, held), true);
    for (const field of ["note", "customFields", "tags", "assignedUser", "team", "channel", "phoneNumber", "conversationHref"] as const) {
      const { [field]: _left, ...lacking } = listed;
      assert.equal(listedAnswersFor(lacking as ApiContact, held), false, `an item without ${field}`);
    }
    assert.equal(listedAnswersFor(listed, { ...held, bsuid: "b-1" }), false, "a state with a bsuid, an item without one");
    assert.equal(listedAnswersFor({ ...listed, bsuid: "b-1" }, { ...held, bsuid: "b-1" }), true);
    assert.equal(listedAnswersFor({ ...listed, source: "telegram" }, held), false, "another source");
  });

  it("callbell:pageReads is read from config or CALLBELL_PAGE_READS, on unless turned off", () => {
    assert.equal(resolveSettings(() => undefined, {}).pageReads, true);
    assert.equal(resolveSettings(() => undefined, { CALLBELL_PAGE_READS: "false" }).pageReads, false);
    assert.equal(resolveSettings((k) => (k === "callbell:pageReads" ? "0" : undefined), { CALLBELL_PAGE_READS: "true" }).pageReads, false);
    assert.throws(() => resolveSettings(() => undefined, { CALLBELL_PAGE_READS: "yes" }), /callbell:pageReads "yes" must be true or false/);
  });
});
