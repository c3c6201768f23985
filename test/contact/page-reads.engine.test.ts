// `pulumi refresh` of 60 contacts through the real engine: the run reads 16 contacts alone and then the account in
// pages (contact/page-snapshot.ts), and the state it leaves, drift and a contact deleted in the dashboard included, is
// exactly the state a refresh of single reads leaves from the same starting state.
import { strict as assert } from "assert";
import { Stack } from "@pulumi/pulumi/automation";
import type { ContactArgs } from "pulumi-callbell";
import { countChangesOfType, exportState, openStack, programNamed, recordOutput, resourcesOfType } from "../harness";
import { RequestLogEntry, StartedSimulator, startSimulator } from "callbell-simulator";

const CONTACT = "pulumi-nodejs:dynamic/callbell:Contact";
const COUNT = 60;

const singleReads = (log: RequestLogEntry[]) => log.filter((e) => e.method === "GET" && /^\/v1\/contacts\/[0-9a-f]{32}$/.test(e.path));
const pageReads = (log: RequestLogEntry[]) => log.filter((e) => e.method === "GET" && e.path.split("?")[0] === "/v1/contacts");

describe("engine end to end: refresh of 60 contacts reads the account in pages", function () {
  this.timeout(300_000);
  let sim: StartedSimulator;
  let stack: Stack;

  const declared: Record<string, ContactArgs> = {};
  for (let i = 0; i < COUNT; i++) {
    declared[`seed-${i}`] = { identifier: `+39 333 ${2_000_000 + i}`, source: "whatsapp", name: `Seed ${i}`, tags: ["seed"], note: `note ${i}` };
  }

  before(async function () {
    this.timeout(30 * 60_000); // a cold engine build
    sim = await startSimulator({ seed: 26 });
    stack = await openStack({
      projectName: "callbell-pages",
      stackName: "pages",
      program: programNamed("contacts"),
      config: {
        "callbell:apiUrl": { value: sim.url },
        "callbell:apiToken": { value: sim.token, secret: true },
        "test:contacts": { value: JSON.stringify(declared) },
      },
    });
  });
  after(async () => {
    await stack?.workspace.removeStack(stack.name, { force: true }).catch(() => undefined);
    await sim?.close();
  });

  it("refresh: 16 single reads (17 with the deleted one) and 2 pages instead of 60 GET /contacts/:uuid, and the state single reads give", async () => {
    const up = recordOutput();
    await stack.up(up.opts);
    assert.deepEqual(countChangesOfType(up.events, CONTACT).raw, { create: COUNT });
    const ids = Object.fromEntries(resourcesOfType(await exportState(stack), CONTACT).map((r) => [r.urn.split("::").pop()!, r.id!]));

    // Drift made in the dashboard on a few, one contact deleted there, and a contact of the account no stack holds.
    await sim.admin.editContact(ids["seed-2"], { name: "Edited 2" });
    await sim.admin.editContact(ids["seed-30"], { tags: ["seed", "vip"], note: "" });
    await sim.admin.editContact(ids["seed-57"], { customFields: { plan: "pro" }, assignedUser: "alice@acme-dev.example" });
    await sim.admin.deleteContact(ids["seed-44"]);
    await sim.admin.createContact({ identifier: "393349999999", source: "whatsapp", name: "Walk-in customer" });
    const before = await stack.exportStack();

    await sim.admin.clearRequests();
    const paged = recordOutput();
    await stack.refresh(paged.opts);
    const log = await sim.admin.requests();
    // The engine refreshes in parallel, so the deleted contact is either among the first 16 reads, or, when it is not,
    // read alone after the pages, which do not list it. Either way it is read once, and its 404 drops it.
    const reads = singleReads(log);
    const deletedAt = reads.findIndex((e) => e.path === `/v1/contacts/${ids["seed-44"]}`);
    assert.deepEqual(
      reads.filter((e) => e.path === `/v1/contacts/${ids["seed-44"]}`).map((e) => e.status),
      [404],
      "the deleted contact is read alone, once: its 404 drops it",
    );
    assert.deepEqual(
      reads.map((e) => e.status),
      deletedAt === 16 ? [...Array(16).fill(200), 404] : [...Array(16).fill(200)].map((s, i) => (i === deletedAt ? 404 : s)),
      "the first 16 reads go alone; after the pages, only a contact they do not list",
    );
    const pagesAt = log.findIndex((e) => e.path.startsWith("/v1/contacts?page="));
    const deletedInLog = log.findIndex((e) => e.path === `/v1/contacts/${ids["seed-44"]}`);
    assert.ok(deletedAt < 16 || deletedInLog > pagesAt, "a read alone after the 16th comes after the pages");
    assert.deepEqual(
      pageReads(log).map((e) => e.path),
      ["/v1/contacts?page=1", "/v1/contacts?page=2"],
      "60 contacts in the account: a page of 50, then a short one",
    );
    const expected = reads.length + 2;
    assert.equal(log.length, expected, `${expected} requests instead of ${COUNT}: ${log.map((e) => `${e.method} ${e.path} ${e.status}`).join(", ")}`);
    assert.ok(expected === 18 || expected === 19);
    const afterPages = resourcesOfType(await exportState(stack), CONTACT);

    // The same refresh from the same state, each contact read alone.
    await stack.importStack(before);
    // A refresh configures the provider from the config its state recorded at the last up, so the setting goes in
    // through the environment.
    stack.workspace.envVars.CALLBELL_PAGE_READS = "false";
    await sim.admin.clearRequests();
    await stack.refresh(recordOutput().opts);
    const single = await sim.admin.requests();
    assert.equal(singleReads(single).length, COUNT, "CALLBELL_PAGE_READS=false: one GET /contacts/:uuid per contact");
    assert.equal(pageReads(single).length, 0);
    const afterSingles = resourcesOfType(await exportState(stack), CONTACT);

    const byUrn = (resources: typeof afterPages) => Object.fromEntries(resources.map((r) => [r.urn, { id: r.id, inputs: r.inputs, outputs: r.outputs }]));
    assert.deepEqual(byUrn(afterPages), byUrn(afterSingles));
    assert.equal(afterPages.length, COUNT - 1, "the contact deleted in the dashboard left the state");
    const state = byUrn(afterPages);
    const of = (name: string) => Object.values(state).find((r) => r.id === ids[name])!.outputs!;
    assert.equal(of("seed-2").name, "Edited 2");
    assert.deepEqual(of("seed-30").tags, ["seed", "vip"]);
    assert.equal(of("seed-30").note, "");
    assert.equal(of("seed-0").note, "note 0");
  });
});
