// callbell.Contact through the real Pulumi engine against the simulator: every scenario a
// user lives through, asserting engine results, the requests Callbell received and the state.
import { strict as assert } from "assert";
import { Stack } from "@pulumi/pulumi/automation";
import type { ContactArgs } from "pulumi-callbell";
import { countChangesOfType, exportState, exportText, openStack, programNamed, rawStateText, recordOutput, resourcesOfType } from "../harness";
import { RequestLogEntry, StartedSimulator, startSimulator } from "callbell-simulator";

const CONTACT = "pulumi-nodejs:dynamic/callbell:Contact";
const program = programNamed("contacts");
const writes = (log: RequestLogEntry[]) => log.filter((e) => e.method !== "GET");
type Declared = Record<string, ContactArgs & Record<string, unknown>>;

async function openContactsStack(sim: StartedSimulator, stackName: string, declared: Declared, token = sim.token): Promise<Stack> {
  return openStack({
    projectName: "callbell-e2e",
    stackName,
    program,
    config: {
      "callbell:apiUrl": { value: sim.url },
      "callbell:apiToken": { value: token, secret: true },
      "test:contacts": { value: JSON.stringify(declared) },
    },
  });
}

async function declare(stack: Stack, declared: Declared): Promise<void> {
  await stack.setConfig("test:contacts", { value: JSON.stringify(declared) });
}

describe("engine end to end: callbell.Contact with the real pulumi CLI and the simulator", function () {
  this.timeout(180_000);
  let sim: StartedSimulator;
  let stack: Stack;
  const everything: string[] = []; // all engine output, for the token check
  const record = () => {
    const rec = recordOutput();
    return {
      rec,
      opts: {
        ...rec.opts,
        onOutput: (o: string) => {
          everything.push(o);
          rec.opts.onOutput(o);
        },
        onEvent: (e: Parameters<typeof rec.opts.onEvent>[0]) => {
          everything.push(JSON.stringify(e));
          rec.opts.onEvent(e);
        },
      },
    };
  };

  const declared: Declared = {
    "qa-alice": {
      identifier: "393331234567",
      source: "whatsapp",
      name: "QA Alice",
      tags: ["qa"],
      assignedUser: "alice@acme-dev.example",
      customFields: { plan: "pro", interests: ["api"] },
    },
    "qa-bob": { identifier: "393331234568", source: "whatsapp", name: "QA Bob", tags: ["qa", "beta"] },
    "demo-us": { identifier: "+1 202 555 0143", source: "whatsapp", name: "Demo US", tags: ["demo"], note: "demo account" },
    "vip-de": { identifier: "4915112345678", source: "whatsapp", name: "VIP DE", tags: ["vip"] },
  };
  const uuids = async (): Promise<Record<string, string>> => {
    const outputs = await stack.outputs();
    const contacts = outputs.contacts.value as Record<string, { uuid: string }>;
    return Object.fromEntries(Object.entries(contacts).map(([k, v]) => [k, v.uuid]));
  };

  before(async function () {
    this.timeout(30 * 60_000); // a cold engine build
    sim = await startSimulator({ duplicates: "allow" });
    stack = await openContactsStack(sim, "e2e", declared);
  });
  after(async () => {
    await stack?.workspace.removeStack(stack.name, { force: true }).catch(() => undefined);
    await sim?.close();
  });

  it("1. preview of a new stack shows 4 creates, writes nothing, and reads only the teams that vouch for the assignee", async () => {
    const { rec, opts } = record();
    await stack.preview(opts);
    assert.deepEqual(countChangesOfType(rec.events, CONTACT).raw, { create: 4 });
    // The account check (callbell:checkAccount, on by default): one list of teams and each team's members, once per run.
    const seen = (await sim.admin.requests()).map((e) => `${e.method} ${e.path.replace(/[0-9a-f]{32}/, ":uuid")}`);
    assert.deepEqual(seen, ["GET /v1/teams?page=1", ...Array(3).fill("GET /v1/teams/:uuid/members?page=1")]);
  });

  it("2. up creates the 4 contacts with the declared fields and sets uuid, href, createdAt", async () => {
    const { rec, opts } = record();
    const result = await stack.up(opts);
    assert.deepEqual(countChangesOfType(rec.events, CONTACT).raw, { create: 4 });
    assert.deepEqual(
      writes(await sim.admin.requests()).map((e) => e.method),
      ["POST", "POST", "POST", "POST"],
    );
    const stored = await sim.admin.contacts();
    assert.equal(stored.length, 4);
    const alice = stored.find((c) => c.name === "QA Alice")!;
    assert.deepEqual(alice.tags, ["qa"]);
    assert.equal(alice.assignedUser, "alice@acme-dev.example");
    assert.equal(alice.customFields?.plan, "pro");
    assert.equal(stored.find((c) => c.name === "Demo US")!.phoneNumber, "+1 202 555 0143", "identifier normalized, number formatted by Callbell");
    const contacts = result.outputs.contacts.value as Record<string, { uuid: string; href: string; createdAt: string }>;
    for (const [name, out] of Object.entries(contacts)) {
      assert.match(out.uuid, /^[0-9a-f]{32}$/, name);
      assert.equal(out.href, `${sim.origin}/contacts/${out.uuid}`, "the simulator's contacts link to its own dashboard");
      assert.match(out.createdAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    }
    assert.deepEqual(new Set(Object.values(contacts).map((c) => c.uuid)), new Set(stored.map((c) => c.uuid)));
  });

  it("3. up again with no change: 0 changes, 0 requests", async () => {
    await sim.admin.clearRequests();
    const { rec, opts } = record();
    await stack.up(opts);
    assert.deepEqual(countChangesOfType(rec.events, CONTACT).raw, { same: 4 });
    assert.deepEqual(await sim.admin.requests(), []);
  });

  it("4. editing a name and a tag updates exactly those contacts with PATCHes", async () => {
    const next = { ...declared, "qa-alice": { ...declared["qa-alice"], name: "QA Alice Renamed" }, "qa-bob": { ...declared["qa-bob"], tags: ["qa"] } };
    await declare(stack, next);
    const preview = record();
    await stack.preview({ ...preview.opts, diff: true });
    assert.deepEqual(countChangesOfType(preview.rec.events, CONTACT).raw, { update: 2, same: 2 });
    const updated = preview.rec.events
      .filter((e) => e.resourcePreEvent?.metadata.op === "update" && e.resourcePreEvent.metadata.type === CONTACT)
      .map((e) => e.resourcePreEvent!.metadata.urn.split("::").pop());
    assert.deepEqual(updated.sort(), ["qa-alice", "qa-bob"]);
    await sim.admin.clearRequests();
    const up = record();
    await stack.up(up.opts);
    const ids = await uuids();
    assert.deepEqual(
      writes(await sim.admin.requests())
        .map((e) => `${e.method} ${e.path}`)
        .sort(),
      [`PATCH /v1/contacts/${ids["qa-alice"]}`, `PATCH /v1/contacts/${ids["qa-bob"]}`].sort(),
    );
    assert.equal((await sim.admin.contact(ids["qa-alice"])).name, "QA Alice Renamed");
    assert.deepEqual((await sim.admin.contact(ids["qa-bob"])).tags, ["qa"]);
    Object.assign(declared, next);
  });

  it("5. changing an identifier replaces the contact (create before delete), leaving no duplicate", async () => {
    const before = await uuids();
    declared["vip-de"] = { ...declared["vip-de"], identifier: "4915112345679" };
    await declare(stack, declared);
    await sim.admin.clearRequests();
    const { rec, opts } = record();
    await stack.up(opts);
    assert.deepEqual(countChangesOfType(rec.events, CONTACT).raw, { "create-replacement": 1, replace: 1, "delete-replaced": 1, same: 3 });
    assert.deepEqual(
      writes(await sim.admin.requests()).map((e) => `${e.method} ${e.path}`),
      ["POST /v1/contacts", `DELETE /v1/contacts/${before["vip-de"]}`],
    );
    const stored = await sim.admin.contacts();
    assert.equal(stored.length, 4);
    assert.equal(stored.filter((c) => c.name === "VIP DE").length, 1);
    assert.notEqual((await uuids())["vip-de"], before["vip-de"]);
  });

  it("6. drift made in the dashboard: refresh shows it, up puts the code back", async () => {
    const ids = await uuids();
    await sim.admin.editContact(ids["qa-alice"], { name: "Edited by hand", tags: ["vip"] });
    const refresh = record();
    await stack.refresh(refresh.opts);
    const state = await exportState(stack);
    const alice = resourcesOfType(state, CONTACT).find((r) => r.id === ids["qa-alice"])!;
    assert.equal(alice.outputs!.name, "Edited by hand");
    await sim.admin.clearRequests();
    const { rec, opts } = record();
    await stack.up(opts);
    assert.deepEqual(countChangesOfType(rec.events, CONTACT).raw, { update: 1, same: 3 });
    const log = writes(await sim.admin.requests());
    assert.deepEqual(
      log.map((e) => `${e.method} ${e.path}`),
      [`PATCH /v1/contacts/${ids["qa-alice"]}`],
    );
    assert.deepEqual(log[0].body, { name: "QA Alice Renamed", tags: ["qa"] });
    const restored = await sim.admin.contact(ids["qa-alice"]);
    assert.equal(restored.name, "QA Alice Renamed");
  });

  it("7. a contact deleted behind Pulumi's back: refresh drops it, up creates it again", async () => {
    const ids = await uuids();
    await sim.admin.deleteContact(ids["qa-bob"]);
    const refresh = record();
    await stack.refresh(refresh.opts);
    assert.equal(
      resourcesOfType(await exportState(stack), CONTACT).some((r) => r.id === ids["qa-bob"]),
      false,
    );
    await sim.admin.clearRequests();
    const { rec, opts } = record();
    await stack.up(opts);
    assert.deepEqual(countChangesOfType(rec.events, CONTACT).raw, { create: 1, same: 3 });
    assert.deepEqual(
      writes(await sim.admin.requests()).map((e) => e.method),
      ["POST"],
    );
    assert.equal((await sim.admin.contacts()).filter((c) => c.name === "QA Bob").length, 1);
  });

  it("8. invalid input fails the preview with the check messages and sends nothing", async () => {
    const bad = await openContactsStack(sim, "e2e-invalid", {
      broken: { identifier: "393331234599", source: "whatsapp", name: "Broken", assignedUser: "not-an-email", note: "x".repeat(1001) },
    });
    await sim.admin.clearRequests();
    const { rec, opts } = record();
    await assert.rejects(bad.preview(opts), (e: Error) => {
      const text = e.message + rec.text();
      assert.match(text, /assignedUser "not-an-email" is not an email address/);
      assert.match(text, /note is longer than 1000 characters/);
      return true;
    });
    assert.deepEqual(await sim.admin.requests(), []);
    await bad.workspace.removeStack(bad.name, { force: true });
  });

  it("9. the secret token is used but its bytes appear nowhere: stack export, state files, engine output, verbose logs", async () => {
    const { opts } = record();
    await stack.up({ ...opts, logVerbosity: 9, logToStdErr: true, debug: true } as Parameters<Stack["up"]>[0]);
    assert.ok(!(await exportText(stack)).includes(sim.token), "token in `pulumi stack export`");
    assert.ok(!(await rawStateText(stack)).includes(sim.token), "token in the backend's state files");
    assert.ok(!everything.join("").includes(sim.token), "token in the engine's output");
    // Pulumi keeps every provider's config in state, secrets encrypted: the token is in the
    // default pulumi-nodejs provider's inputs as a secret, and nowhere else, even decrypted.
    const decrypted = await exportState(stack);
    for (const r of decrypted.resources ?? []) {
      if (r.type === "pulumi:providers:pulumi-nodejs") {
        assert.ok(JSON.stringify(r.inputs!["callbell:apiToken"]).includes("4dabf18193072939515e22adb298388d"), "kept as a secret");
        delete r.inputs!["callbell:apiToken"];
        delete r.outputs?.["callbell:apiToken"];
      }
    }
    assert.ok(!JSON.stringify(decrypted).includes(sim.token), "token outside the provider's secret config");
    const providers = resourcesOfType(decrypted, CONTACT).map((r) => String(r.inputs!.__provider));
    assert.ok(providers.every((p) => p === providers[0] && !p.includes(sim.token)));
    // And it was really used: the simulator rejects any other token.
    assert.ok((await sim.admin.requests()).every((e) => e.status !== 401));
  });

  it("10. adopt: an existing contact is taken over, not duplicated", async () => {
    const existing = await sim.admin.createContact({ identifier: "393331234590", source: "whatsapp", name: "Made in the dashboard" });
    const adopting = await openContactsStack(sim, "e2e-adopt", {
      "vip-it": { identifier: "393331234590", source: "whatsapp", name: "Adopted VIP", tags: ["vip"], adopt: true },
    });
    await sim.admin.clearRequests();
    await adopting.up();
    const log = await sim.admin.requests();
    assert.deepEqual(
      log.map((e) => `${e.method} ${e.path}`),
      ["GET /v1/contacts/phone/393331234590", `PATCH /v1/contacts/${existing.uuid}`],
    );
    const matches = (await sim.admin.contacts()).filter((c) => c.phoneNumber === existing.phoneNumber);
    assert.equal(matches.length, 1);
    assert.equal(matches[0].name, "Adopted VIP");
    assert.equal(resourcesOfType(await exportState(adopting), CONTACT)[0].id, existing.uuid);
    await adopting.destroy();
    await adopting.workspace.removeStack(adopting.name, { force: true });
  });

  it("11. destroy leaves no contact of the stack in Callbell", async () => {
    const ids = Object.values(await uuids());
    await sim.admin.clearRequests();
    const { rec, opts } = record();
    await stack.destroy(opts);
    assert.deepEqual(countChangesOfType(rec.events, CONTACT).raw, { delete: 4 });
    const left = (await sim.admin.contacts()).map((c) => c.uuid);
    assert.deepEqual(
      ids.filter((id) => left.includes(id)),
      [],
    );
    assert.equal(resourcesOfType(await exportState(stack), CONTACT).length, 0);
  });
});
