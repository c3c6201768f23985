// A phone number is one number however it is written (issue 20, case 3): "+44 07911 123456" with its national trunk 0
// is +44 7911 123456, identifier 447911123456. Rewriting a number that way, and stacks whose state holds the digits
// earlier versions stored (4407911123456, resource name whatsapp-4407911123456), must keep the contact: no replace, no
// write to Callbell (a Callbell delete loses the conversation history). Through the real engine against the simulator
// (duplicates allowed, so a wrong POST would show as a second contact); after every step the test checks Callbell's
// contacts, the request log and the state.
import { strict as assert } from "assert";
import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { Stack } from "@pulumi/pulumi/automation";
import type { ContactArgs } from "pulumi-callbell";
import { countChangesOfType, exportState, openStack, programNamed, recordOutput, REPO_ROOT, resourcesOfType, StateResource } from "../harness";
import { RequestLogEntry, StartedSimulator, startSimulator } from "callbell-simulator";

const CONTACT = "pulumi-nodejs:dynamic/callbell:Contact";
const E164 = "447911123456";
const OLD_DIGITS = "4407911123456"; // what versions before E.164 stored for "+44 07911 123456"
const WRITTEN = "+44 07911 123456";
const contactsProgram = programNamed("contacts");
const seedProgram = programNamed("seed-set");
const writes = (log: RequestLogEntry[]) => log.filter((e) => e.method !== "GET").map((e) => `${e.method} ${e.path.split("?")[0]}`);
const sha16 = (text: string) => createHash("sha256").update(text, "utf8").digest("hex").slice(0, 16);
const nameOf = (r: StateResource) => r.urn.split("::").pop()!;
// A secret in `stack export --show-secrets` is { <sig>: ..., plaintext: "<JSON>" }.
const reveal = (value: unknown): unknown =>
  value && typeof value === "object" && "plaintext" in value ? JSON.parse(String((value as { plaintext: string }).plaintext)) : value;

describe("engine end to end: a number written with its national trunk 0 is the same contact", function () {
  this.timeout(300_000);
  let sim: StartedSimulator;
  let dir: string;
  const stacks: Stack[] = [];

  async function track(stack: Promise<Stack>): Promise<Stack> {
    stacks.push(await stack);
    return stack;
  }
  const simulatorConfig = () => ({ "callbell:apiUrl": { value: sim.url }, "callbell:apiToken": { value: sim.token, secret: true } });
  const openContacts = (stackName: string, declared: Record<string, ContactArgs>) =>
    track(
      openStack({
        projectName: "callbell-phone-numbers",
        stackName,
        program: contactsProgram,
        config: { ...simulatorConfig(), "test:contacts": { value: JSON.stringify(declared) } },
      }),
    );
  const openSeed = (stackName: string, file: string, personalData: string) =>
    track(
      openStack({
        projectName: "callbell-phone-numbers",
        stackName,
        program: seedProgram,
        config: { ...simulatorConfig(), "test:files": { value: JSON.stringify([file]) }, "test:personalData": { value: personalData } },
      }),
    );

  /** The one Contact of the stack, after checking that Callbell holds exactly one contact, the one it names. */
  async function onlyContact(stack: Stack): Promise<{ name: string; uuid: string; identifier: unknown; inputIdentifier: unknown }> {
    const resources = resourcesOfType(await exportState(stack), CONTACT);
    assert.equal(resources.length, 1, resources.map((r) => r.urn).join());
    const [r] = resources;
    const inCallbell = await sim.admin.contacts();
    assert.deepEqual(
      inCallbell.map((c) => [c.uuid, c.phoneNumber]),
      [[r.id, "+44 7911 123456"]],
      "Callbell holds one contact, the state's",
    );
    return { name: nameOf(r), uuid: String(r.id), identifier: reveal(r.outputs?.identifier), inputIdentifier: reveal(r.inputs?.identifier) };
  }

  /** Rewrites the stack's Contact resources as a version before E.164 stored them: the old digits, and the old names. */
  async function writeAsOldVersion(stack: Stack, names: Record<string, string> = {}): Promise<void> {
    const exported = await stack.exportStack();
    const deployment = exported.deployment as { resources: StateResource[] };
    deployment.resources = deployment.resources.map((r) => {
      if (r.type !== CONTACT) return r;
      let text = JSON.stringify(r).split(E164).join(OLD_DIGITS);
      for (const [now, before] of Object.entries(names)) text = text.split(now).join(before);
      return JSON.parse(text) as StateResource;
    });
    await stack.importStack(exported);
  }

  /** A preview and an up that change no contact in Callbell: no replace, create or delete, and no request but GETs. */
  async function upWithoutWrites(stack: Stack): Promise<void> {
    await sim.admin.clearRequests();
    const preview = recordOutput();
    await stack.preview({ ...preview.opts, diff: true });
    const planned = countChangesOfType(preview.events, CONTACT);
    assert.deepEqual([planned.replace, planned.create, planned.delete], [0, 0, 0], JSON.stringify(planned.raw));
    assert.deepEqual(writes(await sim.admin.requests()), [], "the preview wrote nothing");
    const up = recordOutput();
    await stack.up({ ...up.opts });
    const done = countChangesOfType(up.events, CONTACT);
    assert.deepEqual([done.replace, done.create, done.delete], [0, 0, 0], JSON.stringify(done.raw));
    assert.deepEqual(writes(await sim.admin.requests()), [], "the up wrote nothing");
  }

  /** A second up changes nothing at all. */
  async function noOp(stack: Stack): Promise<void> {
    await sim.admin.clearRequests();
    const rec = recordOutput();
    await stack.up({ ...rec.opts });
    const counts = countChangesOfType(rec.events, CONTACT);
    assert.deepEqual(Object.keys(counts.raw), ["same"], JSON.stringify(counts.raw));
    assert.deepEqual(writes(await sim.admin.requests()), []);
  }

  before(async function () {
    this.timeout(30 * 60_000); // a cold engine build
    sim = await startSimulator({ duplicates: "allow" });
    fs.mkdirSync(path.join(REPO_ROOT, ".pulumi-local"), { recursive: true });
    dir = fs.mkdtempSync(path.join(REPO_ROOT, ".pulumi-local", "phone-numbers-"));
  });
  beforeEach(async () => sim.admin.reset());
  after(async () => {
    for (const stack of stacks) await stack.workspace.removeStack(stack.name, { force: true }).catch(() => undefined);
    await sim?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("rewriting 447911123456 as '+44 07911 123456' changes nothing: no replace, no write, the same contact", async () => {
    const stack = await openContacts("rewrite", { uk: { identifier: E164, source: "whatsapp", name: "UK" } });
    await stack.up();
    const created = await onlyContact(stack);
    assert.equal(created.identifier, E164);

    await stack.setConfig("test:contacts", { value: JSON.stringify({ uk: { identifier: WRITTEN, source: "whatsapp", name: "UK" } }) });
    await upWithoutWrites(stack);
    assert.deepEqual(await onlyContact(stack), created);
    await noOp(stack);
    assert.deepEqual(await onlyContact(stack), created);
  });

  it("a Contact whose state holds the old digits 4407911123456 keeps its contact: the state alone takes 447911123456", async () => {
    const stack = await openContacts("old-state", { uk: { identifier: WRITTEN, source: "whatsapp", name: "UK" } });
    await stack.up();
    const created = await onlyContact(stack);
    assert.equal(created.identifier, E164);

    await writeAsOldVersion(stack);
    const old = await onlyContact(stack);
    assert.deepEqual([old.uuid, old.identifier, old.inputIdentifier], [created.uuid, OLD_DIGITS, OLD_DIGITS], "the state as the old version wrote it");

    await upWithoutWrites(stack);
    assert.deepEqual(await onlyContact(stack), created, "the same contact, with the E.164 identifier in inputs and outputs");
    await noOp(stack);
    assert.deepEqual(await onlyContact(stack), created);
  });

  for (const personalData of ["plain", "secret"]) {
    it(`a seed contact named whatsapp-4407911123456 by an old version moves to its new name by alias (personalData ${personalData})`, async () => {
      const file = path.join(dir, `uk-${personalData}.yaml`);
      fs.writeFileSync(file, `contacts:\n  - { identifier: "${WRITTEN}", source: whatsapp, name: UK }\n`);
      const stack = await openSeed(`seed-${personalData}`, file, personalData);
      await stack.up();
      const created = await onlyContact(stack);
      const [now, before] =
        personalData === "plain" ? [`whatsapp-${E164}`, `whatsapp-${OLD_DIGITS}`] : [`whatsapp-${sha16(E164)}`, `whatsapp-${sha16(OLD_DIGITS)}`];
      assert.deepEqual([created.name, created.identifier], [now, E164]);

      await writeAsOldVersion(stack, { [now]: before });
      const old = await onlyContact(stack);
      assert.deepEqual([old.name, old.uuid, old.identifier], [before, created.uuid, OLD_DIGITS], "the state as the old version wrote it");

      await upWithoutWrites(stack);
      assert.deepEqual(await onlyContact(stack), created, "moved by the legacy alias: the same contact, the new name and identifier");
      await noOp(stack);
      assert.deepEqual(await onlyContact(stack), created);
    });
  }
});
