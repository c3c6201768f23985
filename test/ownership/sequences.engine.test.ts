// The command sequences that once lost or doubled a contact with no error (issue 20), each through the real engine
// against the simulator (duplicates allowed, as the riskiest Callbell would behave): `up --replace`, one number
// declared twice, a stack of the same name in another backend, the owner field declared as a custom field, a second
// `up` beside a cancelled one, settings swapped between variables, and what a replace says before it deletes. After
// every step the test checks Callbell's contacts, the request log and the state (every id in it exists in Callbell).
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { Stack } from "@pulumi/pulumi/automation";
import type { ContactArgs } from "pulumi-callbell";
import { ensureEngine, exportState, heldContacts, mustFail, openStack, recordOutput, resourcesOfType } from "../harness";
import { RequestLogEntry, StartedSimulator, startSimulator } from "callbell-simulator";
import { plainCliTools } from "../plain-cli/support";

const CONTACT = "pulumi-nodejs:dynamic/callbell:Contact";
const OWNER_FIELD = "pulumi_owner";
const PROJECT = "callbell-sequences";
// The same program as a folder the Node.js language host runs in a process of its own, as a user's `pulumi` does.
const programDir = path.join(__dirname, "..", "faults", "program");
type Declared = Record<string, ContactArgs>;

const alice: ContactArgs = { identifier: "393331239999", source: "whatsapp", name: "QA Alice" };
const bob: ContactArgs = { identifier: "393331234568", source: "whatsapp", name: "QA Bob" };

/** The writes Callbell received, as "METHOD /path" lines. */
const writes = (log: RequestLogEntry[]) => log.filter((e) => e.method !== "GET").map((e) => `${e.method} ${e.path.split("?")[0]}`);
const urnOf = (stack: Stack, name: string) => `urn:pulumi:${stack.name}::${PROJECT}::${CONTACT}::${name}`;

describe("engine end to end: the sequences that once lost or doubled a contact", function () {
  this.timeout(300_000);
  let sim: StartedSimulator;
  const stacks: Stack[] = [];

  interface Options {
    ownerField?: boolean;
    recoverCreates?: boolean;
    backendDir?: string;
    env?: Record<string, string>;
  }
  async function open(stackName: string, declared: Declared, options: Options = {}): Promise<Stack> {
    // Every stack runs its program in a process of its own, as a user's `pulumi` does. An inline program runs in this
    // process, and a failed inline run leaves its program's calls in flight: in full CI runs, a later inline run that
    // had to fail here passed twice (a preview, then an up), as if it registered nothing. These sequences guard the
    // first rule, so none of their runs shares a process with another.
    const tools = plainCliTools();
    const stack = await openStack({
      projectName: PROJECT,
      stackName,
      programDir,
      backendDir: options.backendDir,
      env: { ...options.env, PATH: [tools.nodeBin, tools.pulumiDir, ensureEngine().env.PATH].join(path.delimiter) },
      config: {
        "callbell:apiUrl": { value: sim.url },
        "callbell:apiToken": { value: sim.token, secret: true },
        ...(options.ownerField ? { "callbell:ownerField": { value: OWNER_FIELD } } : {}),
        ...(options.recoverCreates ? { "callbell:recoverCreates": { value: "true" } } : {}),
        "test:contacts": { value: JSON.stringify(declared) },
        "test:aliases": { value: "{}" },
      },
    });
    stacks.push(stack);
    return stack;
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
    await sim.admin.setFaults({});
  });
  after(async () => {
    for (const stack of stacks) await stack.workspace.removeStack(stack.name, { force: true }).catch(() => undefined);
    await sim?.close();
  });

  for (const setting of ["ownerField", "recoverCreates"] as const) {
    it(`up --replace keeps the contact (${setting}): the replacement takes the same one, and the old one's delete is skipped`, async () => {
      const options = { ownerField: setting === "ownerField", recoverCreates: setting === "recoverCreates" };
      const stack = await open(`replace-${setting}`, { alice }, options);
      await stack.up();
      const before = await stateOf(stack);
      await sim.admin.clearRequests();

      const rec = recordOutput();
      await stack.up({ ...rec.opts, replace: [urnOf(stack, "alice")] });
      assert.deepEqual(
        writes(await sim.admin.requests()).filter((w) => !w.startsWith("PATCH")),
        [],
        "no POST, no DELETE",
      );
      assert.deepEqual(await uuidsInCallbell(), [before.alice], "Callbell still has the contact");
      assert.deepEqual(await stateOf(stack), before, "the state holds the same uuid");
      assert.match(rec.text(), new RegExp(`uuid ${before.alice}\\) was left in Callbell, not deleted: the resource that replaces it keeps the same contact`));
      assert.doesNotMatch(rec.text(), /no longer tracks it/);

      await sim.admin.clearRequests();
      await stack.up({ expectNoChanges: true });
      assert.deepEqual(writes(await sim.admin.requests()), []);
      await stack.destroy();
      assert.deepEqual(await uuidsInCallbell(), [], "still this stack's own contact: destroy deletes it");
    });
  }

  it("up --replace with neither setting is refused, saying why and what to do, and nothing is written or lost", async () => {
    const stack = await open("replace-plain", { alice });
    await stack.up();
    const before = await stateOf(stack);
    await sim.admin.clearRequests();
    const rec = recordOutput();
    await mustFail(stack.up({ ...rec.opts, replace: [urnOf(stack, "alice")] }), rec, "up --replace");
    assert.match(rec.text(), /if this is 'pulumi up --replace' of this resource, Callbell holds one contact per number, so the replacement can only keep it/);
    assert.deepEqual(writes(await sim.admin.requests()), []);
    assert.deepEqual(await stateOf(stack), before);
    assert.deepEqual(await uuidsInCallbell(), [before.alice]);
  });

  for (const ownerField of [false, true]) {
    const title = `up --replace of an adopted contact keeps it adopted (${ownerField ? "with" : "without"} an owner field)`;
    it(`${title}, and says the replacement holds it`, async () => {
      const existing = await sim.admin.createContact({ identifier: alice.identifier, source: "whatsapp", name: "Made by hand" });
      const stack = await open(`replace-adopted-${ownerField}`, { alice: { ...alice, adopt: true } }, { ownerField });
      await stack.up();
      await sim.admin.clearRequests();
      const rec = recordOutput();
      await stack.up({ ...rec.opts, replace: [urnOf(stack, "alice")] });
      assert.deepEqual(writes(await sim.admin.requests()), []);
      assert.match(rec.text(), /the resource that replaces it keeps the same contact\. It stays under Pulumi/);
      assert.doesNotMatch(rec.text(), /no longer tracks it/);
      assert.deepEqual(await stateOf(stack), { alice: existing.uuid });
      assert.equal(resourcesOfType(await exportState(stack), CONTACT)[0].outputs?.origin, "adopted");
      await sim.admin.clearRequests();
      await stack.destroy();
      assert.deepEqual(writes(await sim.admin.requests()), [], "adopted, so destroy leaves it");
      assert.deepEqual(await uuidsInCallbell(), [existing.uuid]);
    });
  }

  it("one number declared twice, in two spellings, fails the preview and the up with both names, and nothing is written", async () => {
    await sim.admin.setFaults({ latencyMs: 300, jitterMs: 200 });
    const declared = { "alice-a": alice, "alice-b": { ...alice, identifier: "+39 333 123 9999", name: "QA Alice again" } };
    const stack = await open("twice", declared, { ownerField: true });
    const preview = recordOutput();
    await mustFail(stack.preview(preview.opts), preview, "preview");
    assert.match(
      preview.text(),
      /393331239999 is also declared by resource \\?"alice-[ab]\\?": both would be the same Callbell contact; declare each contact once/,
    );
    assert.deepEqual(writes(await sim.admin.requests()), []);
    // At up, the engine creates the declaration whose check passed before the other's check fails: one contact, not two.
    const up = recordOutput();
    await mustFail(stack.up(up.opts), up, "up");
    assert.match(up.text(), /is also declared by resource/);
    assert.deepEqual(writes(await sim.admin.requests()), ["POST /v1/contacts"], "one POST, no second contact");
    const held = await stateOf(stack);
    assert.equal(Object.keys(held).length, 1);
    assert.deepEqual(await uuidsInCallbell(), Object.values(held));
    // Declared once, it converges with no write.
    await sim.admin.clearRequests();
    await stack.setConfig("test:contacts", { value: JSON.stringify({ [Object.keys(held)[0]]: declared[Object.keys(held)[0] as keyof typeof declared] }) });
    await stack.up();
    assert.deepEqual(writes(await sim.admin.requests()), []);
    assert.deepEqual(await stateOf(stack), held);
  });

  it("a stack of the same name in another backend refuses the first one's contacts, and its destroy deletes none", async () => {
    const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "callbell-backends-"));
    try {
      const pipeline = await open("dev", { alice, bob }, { ownerField: true, backendDir: path.join(scratch, "pipeline") });
      await pipeline.up();
      const held = await stateOf(pipeline);
      await sim.admin.clearRequests();

      const laptop = await open("dev", { alice, bob }, { ownerField: true, backendDir: path.join(scratch, "laptop") });
      const rec = recordOutput();
      await mustFail(laptop.up(rec.opts), rec, "the laptop's up");
      assert.match(rec.text(), new RegExp(`managed by ${PROJECT}/dev/alice in another Pulumi backend \\(backend [0-9a-f]{8}; this run's is [0-9a-f]{8}\\)`));
      assert.deepEqual(writes(await sim.admin.requests()), [], "the laptop wrote nothing");
      assert.deepEqual(await stateOf(laptop), {});
      await laptop.destroy();
      assert.deepEqual(writes(await sim.admin.requests()), [], "its destroy deletes nothing");
      assert.deepEqual(await uuidsInCallbell(), Object.values(held).sort());

      await pipeline.up({ expectNoChanges: true });
      assert.deepEqual(await stateOf(pipeline), held);
      await pipeline.destroy();
      assert.deepEqual(await uuidsInCallbell(), []);
    } finally {
      fs.rmSync(scratch, { recursive: true, force: true });
    }
  });

  it("the owner field declared in customFields fails the preview, naming the field, and nothing is written", async () => {
    const stack = await open("owner-declared", { alice: { ...alice, customFields: { [OWNER_FIELD]: "Acme" } } }, { ownerField: true });
    const rec = recordOutput();
    await mustFail(stack.preview(rec.opts), rec, "preview");
    assert.match(
      rec.text(),
      /customFields\.pulumi_owner is the owner field \(callbell:ownerField\), where the provider writes which stack manages the contact/,
    );
    await assert.rejects(stack.up());
    assert.deepEqual(writes(await sim.admin.requests()), []);
    assert.deepEqual(await uuidsInCallbell(), []);
  });

  it("a replacement that deletes a contact says so in the preview", async () => {
    const stack = await open("replace-warns", { alice });
    await stack.up();
    const before = await stateOf(stack);
    await sim.admin.clearRequests();
    const rec = recordOutput();
    await stack.setConfig("test:contacts", { value: JSON.stringify({ alice: { ...alice, identifier: "393331230000" } }) });
    await stack.preview({ ...rec.opts, diff: true });
    assert.match(
      rec.text(),
      new RegExp(
        `replacing deletes contact \\\\?"QA Alice\\\\?" \\(393331239999\\) \\(uuid ${before.alice}\\) and its conversation history \\(identifier changed\\)`,
      ),
    );
    assert.deepEqual(writes(await sim.admin.requests()), []);
  });

  it("settings swapped between the two variables: one line, and neither the token nor the URL's path in any output", async () => {
    const stack = await open("swapped", { alice }, { env: { CALLBELL_API_URL: sim.token, CALLBELL_API_TOKEN: sim.url } });
    await stack.removeConfig("callbell:apiUrl");
    await stack.removeConfig("callbell:apiToken");
    const rec = recordOutput();
    await mustFail(stack.preview(rec.opts), rec, "preview");
    const text = rec.text();
    assert.ok(!text.includes(sim.token), "the token appears nowhere");
    assert.doesNotMatch(text, /CallbellConfigError/, text.slice(text.indexOf("CallbellConfigError") - 3000, text.indexOf("CallbellConfigError") + 500));
    const diagnostics = rec.output().slice(rec.output().indexOf("Diagnostics:"));
    assert.equal((diagnostics.match(/is not an http\(s\) URL/g) ?? []).length, 1, diagnostics);
    assert.match(diagnostics, /callbell:apiUrl \(or CALLBELL_API_URL\) is not an http\(s\) URL \(its value is not shown, in case it is a token\)/);
    assert.deepEqual(writes(await sim.admin.requests()), []);
  });
});
