// Seed contacts keep their resource names, so the engine never deletes one contact to create
// another: the personal-data switch in both directions, a formatted number in one file and
// digits in an overlay while an unrelated field is broken and then fixed, and stacks whose
// names came from the earlier key scheme. After every step: Callbell's contacts, the request
// log (no POST, no DELETE) and the state (every id in it exists in Callbell).
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { Stack } from "@pulumi/pulumi/automation";
import { exportText, heldContacts, openStack, programNamed, recordOutput, REPO_ROOT } from "../harness";
import { RequestLogEntry, StartedSimulator, startSimulator } from "callbell-simulator";

const program = programNamed("seed-set");
const writes = (log: RequestLogEntry[]) => log.filter((e) => e.method !== "GET").map((e) => `${e.method} ${e.path.split("?")[0]}`);

describe("engine end to end: seed contacts keep their names (no delete-and-create)", function () {
  this.timeout(300_000);
  let sim: StartedSimulator;
  let dir: string;
  const stacks: Stack[] = [];

  const write = (name: string, text: string) => {
    fs.writeFileSync(path.join(dir, name), text);
    return path.join(dir, name);
  };
  async function open(stackName: string, files: string[], personalData = "plain"): Promise<Stack> {
    const stack = await openStack({
      projectName: "callbell-seed-identity",
      stackName,
      program,
      config: {
        "callbell:apiUrl": { value: sim.url },
        "callbell:apiToken": { value: sim.token, secret: true },
        "test:files": { value: JSON.stringify(files) },
        "test:personalData": { value: personalData },
      },
    });
    stacks.push(stack);
    return stack;
  }
  /** The stack's contacts as name → id, after checking that every id in it exists in Callbell (heldContacts). */
  const stateOf = (stack: Stack) => heldContacts(stack, sim);

  before(async function () {
    this.timeout(30 * 60_000);
    sim = await startSimulator({ duplicates: "allow" });
    fs.mkdirSync(path.join(REPO_ROOT, ".pulumi-local"), { recursive: true });
    dir = fs.mkdtempSync(path.join(REPO_ROOT, ".pulumi-local", "seed-identity-"));
  });
  beforeEach(async () => sim.admin.reset());
  after(async () => {
    for (const stack of stacks) await stack.workspace.removeStack(stack.name, { force: true }).catch(() => undefined);
    await sim?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("switching personalData plain → secret → plain moves every resource: same contacts, no POST, no DELETE, no number in the secret state", async () => {
    const file = write(
      "pd.yaml",
      [
        "defaults: { source: whatsapp }",
        "contacts:",
        '  - { identifier: "+39 333 123 4567", name: QA Alice }',
        '  - { identifier: "393331234568", name: QA Bob }',
        '  - { identifier: "393331234569", name: QA Carol, channelUuid: c4a00000000000000000000000000002 }',
        "",
      ].join("\n"),
    );
    const stack = await open("personal-data", [file]);
    await stack.up();
    const plain = await stateOf(stack);
    assert.deepEqual(Object.keys(plain).sort(), ["whatsapp-393331234567", "whatsapp-393331234568", "whatsapp.c4a00000000000000000000000000002-393331234569"]);

    await sim.admin.clearRequests();
    await stack.setConfig("test:personalData", { value: "secret" });
    await stack.up();
    assert.deepEqual(writes(await sim.admin.requests()), []);
    const secret = await stateOf(stack);
    assert.deepEqual(Object.values(secret).sort(), Object.values(plain).sort(), "the same three contacts");
    assert.ok(
      Object.keys(secret).every((name) => /^whatsapp(\.[0-9a-f]{32})?-[0-9a-f]{16}$/.test(name)),
      Object.keys(secret).join(),
    );
    // `pulumi stack export` as a user runs it: secrets encrypted, resource names in clear.
    const exported = await exportText(stack);
    for (const number of ["393331234567", "393331234568", "393331234569"]) {
      const at = exported.indexOf(number);
      assert.ok(at < 0, `${number} in the secret state: ${exported.slice(Math.max(0, at - 300), at + 100)}`);
    }

    await sim.admin.clearRequests();
    await stack.setConfig("test:personalData", { value: "plain" });
    await stack.up();
    assert.deepEqual(writes(await sim.admin.requests()), []);
    assert.deepEqual(await stateOf(stack), plain);
    assert.equal((await sim.admin.contacts()).length, 3);
  });

  it("a formatted number in one file and digits in an overlay stay one resource while an unrelated field is broken, then fixed", async () => {
    const base = write(
      "base.yaml",
      'contacts:\n  - { identifier: "+39 333 123 4567", source: whatsapp, name: QA Alice, assignedUser: alice@acme-dev.example }\n',
    );
    const overlay = write("overlay.yaml", 'contacts:\n  - { identifier: "393331234567", source: whatsapp, note: from the overlay }\n');
    const stack = await open("overlay-key", [base, overlay]);
    await stack.up();
    const first = await stateOf(stack);
    assert.deepEqual(Object.keys(first), ["whatsapp-393331234567"]);
    assert.equal((await sim.admin.contact(first["whatsapp-393331234567"])).note, "from the overlay");

    // A typo in an unrelated field: the preview fails naming it, for the one merged entry.
    write("base.yaml", 'contacts:\n  - { identifier: "+39 333 123 4567", source: whatsapp, name: QA Alice, assignedUser: bob }\n');
    await sim.admin.clearRequests();
    const rec = recordOutput();
    await assert.rejects(stack.preview(rec.opts));
    assert.match(rec.text(), /assignedUser \\?"bob\\?" is not an email address/);
    assert.doesNotMatch(rec.text(), /name is required/, "the overlay merged into the same entry");
    assert.deepEqual(await sim.admin.requests(), []);

    write("base.yaml", 'contacts:\n  - { identifier: "+39 333 123 4567", source: whatsapp, name: QA Alice, assignedUser: bob@acme-dev.example }\n');
    await stack.up();
    assert.deepEqual(writes(await sim.admin.requests()), [`PATCH /v1/contacts/${first["whatsapp-393331234567"]}`]);
    assert.deepEqual(await stateOf(stack), first);
  });

  it("stacks named by the earlier key scheme (channel prefix, lossy slugs) move to the new names through aliases", async () => {
    const file = write(
      "legacy.yaml",
      [
        "contacts:",
        '  - { identifier: "393331234567", source: whatsapp, name: On A Line, channelUuid: c4a00000000000000000000000000002 }',
        "  - { identifier: Alice.Smith, source: instagram, name: Insta Alice }",
        "",
      ].join("\n"),
    );
    // The earlier scheme's names, declared as a program from before this change would have.
    const legacyProgram = async () => {
      const pulumi = require("@pulumi/pulumi") as typeof import("@pulumi/pulumi");
      const callbell = require("pulumi-callbell") as typeof import("pulumi-callbell");
      const parent = new pulumi.ComponentResource("callbell:index:ContactSet", "seed", {});
      const a = new callbell.Contact(
        "whatsapp-c4a00000-393331234567",
        { identifier: "393331234567", source: "whatsapp", name: "On A Line", channelUuid: "c4a00000000000000000000000000002" },
        { parent },
      );
      const b = new callbell.Contact("instagram-alice-smith", { identifier: "Alice.Smith", source: "instagram", name: "Insta Alice" }, { parent });
      return { a: a.uuid, b: b.uuid };
    };
    const stack = await openStack({
      projectName: "callbell-seed-identity",
      stackName: "legacy",
      program: legacyProgram,
      config: { "callbell:apiUrl": { value: sim.url }, "callbell:apiToken": { value: sim.token, secret: true } },
    });
    stacks.push(stack);
    await stack.up();
    const before = await stateOf(stack);

    // The same stack, now running the ContactSet of this version: new names, the same contacts.
    const moved = await open("legacy", [file]);
    await sim.admin.clearRequests();
    await moved.up();
    assert.deepEqual(writes(await sim.admin.requests()), []);
    const after = await stateOf(moved);
    assert.deepEqual(Object.values(after).sort(), Object.values(before).sort());
    assert.deepEqual(
      Object.keys(after)
        .map((k) => k.replace(/~[0-9a-f]{12}$/, "~HASH"))
        .sort(),
      ["instagram-alice-smith~HASH", "whatsapp.c4a00000000000000000000000000002-393331234567"],
    );
  });
});
