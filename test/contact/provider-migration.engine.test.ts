// A stack written by pulumi-callbell 0.1, whose Contacts hold the 2,195-byte serialized provider stub (registered
// exactly as pulumi.dynamic.Resource registered it: same type, same props, that stub as `__provider`), then run with
// the current Contact and its one-line `__provider`. Nothing a user sees may change: no update or replace in the
// preview, no request to Callbell, and later updates and deletes work, through the old stub where the state still
// holds it. After each step: the engine's steps, the simulator's requests and contacts, and the state.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { EngineEvent, Stack } from "@pulumi/pulumi/automation";
import * as callbell from "pulumi-callbell";
import { contactProviderSource } from "pulumi-callbell/dist/doors/typescript/resource";
import { countChangesOfType, exportState, exportText, openStack, recordOutput, resourcesOfType } from "../harness";
import { StartedSimulator, startSimulator } from "callbell-simulator";

const CONTACT = "pulumi-nodejs:dynamic/callbell:Contact";
const OLD_STUB = fs.readFileSync(path.join(__dirname, "..", "harness", "fixtures", "contact-provider-v0.1-stub.js"), "utf8");

const declared: Record<string, callbell.ContactArgs> = {
  "qa-alice": { identifier: "393331234567", source: "whatsapp", name: "QA Alice", tags: ["qa"], customFields: { plan: "pro" } },
  "qa-bob": { identifier: "393331234568", source: "whatsapp", name: "QA Bob", note: "beta tester" },
  "demo-us": { identifier: "+1 202 555 0143", source: "whatsapp", name: "Demo US", tags: ["demo"] },
};

// What 0.1's `new Contact(name, args)` registered through pulumi.dynamic.Resource.
class OldContact extends pulumi.CustomResource {
  declare public readonly uuid: pulumi.Output<string>;
  constructor(name: string, args: callbell.ContactArgs) {
    const outputs = { uuid: undefined, href: undefined, conversationHref: undefined, createdAt: undefined, phoneNumber: undefined, avatarUrl: undefined };
    const owner = `${pulumi.getProject()}/${pulumi.getStack()}/${name}`;
    super(CONTACT, name, { ...outputs, ...args, __owner: owner, __provider: OLD_STUB });
  }
}

let version: "0.1" | "current" = "0.1";
let names = { ...declared };
const program = async () => {
  const uuids: Record<string, pulumi.Output<string> | undefined> = {};
  for (const [name, args] of Object.entries(names)) {
    uuids[name] = version === "0.1" ? new OldContact(name, args).uuid : new callbell.Contact(name, args).uuid;
  }
  return { uuids };
};

const providersIn = async (stack: Stack) => {
  const contacts = resourcesOfType(await exportState(stack), CONTACT);
  return { inputs: contacts.map((c) => c.inputs?.__provider), outputs: contacts.map((c) => c.outputs?.__provider), contacts };
};
const bytesPerContact = async (stack: Stack) => {
  const exported = JSON.parse(await exportText(stack)) as { deployment: { resources: Array<{ type: string }> } };
  const sizes = exported.deployment.resources.filter((r) => r.type === CONTACT).map((r) => Buffer.byteLength(JSON.stringify(r)));
  return Math.round(sizes.reduce((a, b) => a + b, 0) / sizes.length);
};
const propertyDiffs = (events: EngineEvent[]) =>
  events.flatMap((e) => {
    const m = e.resourcePreEvent?.metadata;
    return m?.type === CONTACT ? [...(m.diffs ?? []), ...Object.keys(m.detailedDiff ?? {})] : [];
  });

describe("engine: a stack written with the 0.1 provider stub moves to the one-line __provider", function () {
  this.timeout(300_000);
  let sim: StartedSimulator;
  let stack: Stack;
  let uuids: string[];

  before(async function () {
    this.timeout(30 * 60_000); // a cold engine build
    sim = await startSimulator();
    stack = await openStack({
      projectName: "callbell-migration",
      stackName: "migration",
      program,
      config: { "callbell:apiUrl": { value: sim.url }, "callbell:apiToken": { value: sim.token, secret: true } },
    });
  });
  after(async () => {
    await stack?.workspace.removeStack(stack.name, { force: true }).catch(() => undefined);
    await sim?.close();
  });

  it("0.1: up creates the 3 contacts, each state holding the 2,195-byte stub in inputs and outputs", async () => {
    const rec = recordOutput();
    await stack.up(rec.opts);
    assert.deepEqual(countChangesOfType(rec.events, CONTACT).raw, { create: 3 });
    const stored = await sim.admin.contacts();
    assert.deepEqual(stored.map((c) => c.name).sort(), ["Demo US", "QA Alice", "QA Bob"]);
    const state = await providersIn(stack);
    assert.deepEqual(state.inputs, [OLD_STUB, OLD_STUB, OLD_STUB]);
    assert.deepEqual(state.outputs, [OLD_STUB, OLD_STUB, OLD_STUB]);
    uuids = state.contacts.map((c) => c.id!).sort();
    assert.deepEqual(uuids, stored.map((c) => c.uuid).sort());
    console.log(`      0.1 state: ${await bytesPerContact(stack)} bytes per Contact resource`);
  });

  it("current: preview shows no change of any Contact and sends nothing to Callbell", async () => {
    version = "current";
    await sim.admin.clearRequests();
    const rec = recordOutput();
    const preview = await stack.preview({ ...rec.opts, diff: true });
    assert.deepEqual(countChangesOfType(rec.events, CONTACT).raw, { same: 3 });
    assert.deepEqual(propertyDiffs(rec.events), [], "no property diff shown, __provider included");
    assert.doesNotMatch(preview.stdout, /__provider/);
    assert.deepEqual(await sim.admin.requests(), []);
  });

  it("current: up sends 0 requests, keeps every contact, and stores the one-line __provider as input", async () => {
    const rec = recordOutput();
    await stack.up(rec.opts);
    assert.deepEqual(countChangesOfType(rec.events, CONTACT).raw, { same: 3 });
    assert.deepEqual(await sim.admin.requests(), []);
    assert.deepEqual((await sim.admin.contacts()).map((c) => c.uuid).sort(), uuids);
    const state = await providersIn(stack);
    assert.deepEqual(state.contacts.map((c) => c.id).sort(), uuids);
    assert.deepEqual(state.inputs, [contactProviderSource, contactProviderSource, contactProviderSource]);
    // An unchanged resource keeps its outputs as they were: the old stub stays there until the contact is updated.
    assert.deepEqual(state.outputs, [OLD_STUB, OLD_STUB, OLD_STUB]);
    console.log(`      after a no-change up: ${await bytesPerContact(stack)} bytes per Contact resource`);
    const again = recordOutput();
    await stack.up(again.opts);
    assert.deepEqual(countChangesOfType(again.events, CONTACT).raw, { same: 3 });
    assert.deepEqual(await sim.admin.requests(), []);
  });

  it("current: an update sends one PATCH and moves that contact's outputs to the one-line __provider", async () => {
    names = { ...declared, "qa-bob": { ...declared["qa-bob"], name: "QA Bob Jr" } };
    const rec = recordOutput();
    await stack.up(rec.opts);
    assert.deepEqual(countChangesOfType(rec.events, CONTACT).raw, { update: 1, same: 2 });
    assert.deepEqual(
      (await sim.admin.requests()).map((r) => r.method),
      ["PATCH"],
    );
    assert.deepEqual((await sim.admin.contacts()).map((c) => c.name).sort(), ["Demo US", "QA Alice", "QA Bob Jr"]);
    const state = await providersIn(stack);
    const bob = state.contacts.find((c) => c.urn.endsWith("::qa-bob"))!;
    assert.equal(bob.outputs?.__provider, contactProviderSource);
    assert.equal(bob.outputs?.name, "QA Bob Jr");
    assert.equal(state.contacts.filter((c) => c.outputs?.__provider === OLD_STUB).length, 2);
  });

  it("current: removing a contact still holding the old stub deletes it, and destroy deletes the rest", async () => {
    names = { "qa-bob": { ...declared["qa-bob"], name: "QA Bob Jr" }, "demo-us": declared["demo-us"] };
    await sim.admin.clearRequests();
    const rec = recordOutput();
    await stack.up(rec.opts);
    assert.deepEqual(countChangesOfType(rec.events, CONTACT).raw, { delete: 1, same: 2 });
    assert.deepEqual(
      (await sim.admin.requests()).map((r) => r.method),
      ["DELETE"],
    );
    assert.deepEqual((await sim.admin.contacts()).map((c) => c.name).sort(), ["Demo US", "QA Bob Jr"]);
    assert.equal((await providersIn(stack)).contacts.length, 2);
    await stack.destroy();
    assert.deepEqual(await sim.admin.contacts(), []);
    assert.equal((await providersIn(stack)).contacts.length, 0);
  });
});
