// The root project's program (examples/seed-contacts) and the single-contact example through
// the real engine: seed-file edits give exactly the expected creates/updates/deletes,
// reordering gives none, a bad file fails before any API call, and fencing refuses a
// token of the wrong account.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { Stack } from "@pulumi/pulumi/automation";
import { REPO_ROOT, countChangesOfType, exportText, openStack, recordOutput } from "../harness";
import { RequestLogEntry, StartedSimulator, startSimulator } from "callbell-simulator";

const CONTACT = "pulumi-nodejs:dynamic/callbell:Contact";
const EXAMPLES = path.join(REPO_ROOT, "examples");
const writes = (log: RequestLogEntry[]) =>
  log
    .filter((e) => e.method !== "GET")
    .map((e) => e.method)
    .sort();

/** A copy of an example folder inside the repo (so it resolves pulumi-callbell), as a user's checkout. */
function copyExample(name: string): string {
  const parent = path.join(REPO_ROOT, ".pulumi-local");
  fs.mkdirSync(parent, { recursive: true });
  const dir = fs.mkdtempSync(path.join(parent, `${name}-`));
  for (const file of fs.readdirSync(path.join(EXAMPLES, name))) {
    const from = path.join(EXAMPLES, name, file);
    // Files only: each example has its own node_modules/ (see test/plain-cli/projects.test.ts).
    if (!file.startsWith("Pulumi.") && fs.statSync(from).isFile()) fs.copyFileSync(from, path.join(dir, file));
  }
  return dir;
}

function programOf(dir: string) {
  return async () => {
    const entry = require.resolve(path.join(dir, "index.ts"));
    delete require.cache[entry]; // a fresh run of the program, as the CLI would do
    return (require(entry) as () => Promise<Record<string, unknown>>)();
  };
}

async function open(sim: StartedSimulator, dir: string, stackName: string, project: string, expectedAccount = "owner@acme-dev.example"): Promise<Stack> {
  return openStack({
    projectName: project,
    stackName,
    program: programOf(dir),
    config: {
      "callbell:apiUrl": { value: sim.url },
      "callbell:apiToken": { value: sim.token, secret: true },
      "callbell:expectedAccount": { value: expectedAccount },
    },
  });
}

describe("engine end to end: seed contacts per environment (examples/seed-contacts)", function () {
  this.timeout(180_000);
  let sim: StartedSimulator;
  let dir: string;
  let stack: Stack;
  const devFile = () => path.join(dir, "contacts.dev.yaml");

  before(async function () {
    this.timeout(30 * 60_000);
    sim = await startSimulator();
    dir = copyExample("seed-contacts");
    stack = await open(sim, dir, "dev", "callbell-seed");
  });
  after(async () => {
    await stack?.destroy().catch(() => undefined);
    await stack?.workspace.removeStack(stack.name, { force: true }).catch(() => undefined);
    await sim?.close();
  });

  it("up creates the common and dev contacts and exports name, uuid, href, createdAt for each", async () => {
    const rec = recordOutput();
    const result = await stack.up(rec.opts);
    assert.deepEqual(countChangesOfType(rec.events, CONTACT).raw, { create: 6 });
    const stored = await sim.admin.contacts();
    assert.equal(stored.length, 6);
    const contacts = result.outputs.contacts.value as Record<string, { name: string; uuid: string; href: string; createdAt: string }>;
    assert.deepEqual(Object.keys(contacts).sort(), [
      "whatsapp-12025550143",
      "whatsapp-393331234501",
      "whatsapp-393331234502",
      "whatsapp-393331234567",
      "whatsapp-393331234568",
      "whatsapp-4915112345678",
    ]);
    assert.equal(contacts["whatsapp-393331234567"].name, "QA Alice");
    assert.ok(
      stored.every((c) => c.tags?.includes("seed")),
      "file defaults applied",
    );
    assert.deepEqual(writes(await sim.admin.requests()), Array(6).fill("POST"));
  });

  it("reordering the seed file changes nothing", async () => {
    const text = fs.readFileSync(devFile(), "utf8");
    const [head, ...entries] = text.split(/\n(?= {2}- identifier)/);
    fs.writeFileSync(devFile(), [head, ...entries.reverse().map((e) => e.replace(/\n*$/, ""))].join("\n") + "\n");
    await sim.admin.clearRequests();
    const rec = recordOutput();
    await stack.preview(rec.opts);
    assert.deepEqual(countChangesOfType(rec.events, CONTACT).raw, { same: 6 });
    assert.deepEqual(await sim.admin.requests(), []);
  });

  it("an edit yields exactly one update, one create and one delete", async () => {
    let text = fs.readFileSync(devFile(), "utf8");
    text = text.replace("name: QA Bob", "name: QA Robert");
    text = text.replace(/\n {2}- identifier: "4915112345678"[\s\S]*?(?=\n {2}- |\n*$)/, "");
    text += `  - identifier: "393331234569"\n    name: QA Carol\n    tags: [qa]\n`;
    fs.writeFileSync(devFile(), text);
    const preview = recordOutput();
    await stack.preview(preview.opts);
    assert.deepEqual(countChangesOfType(preview.events, CONTACT).raw, { create: 1, update: 1, delete: 1, same: 4 });
    await sim.admin.clearRequests();
    await stack.up();
    assert.deepEqual(writes(await sim.admin.requests()), ["DELETE", "PATCH", "POST"]);
    const names = (await sim.admin.contacts()).map((c) => c.name).sort();
    assert.ok(names.includes("QA Robert") && names.includes("QA Carol") && !names.includes("VIP Seed Customer"));
  });

  it("an overlay entry that only renames a common contact changes its name alone: the overlay's default tags leave its tags be", async () => {
    fs.appendFileSync(devFile(), `  - identifier: "393331234501"\n    name: Support Test Line (dev)\n`);
    const preview = recordOutput();
    await stack.preview({ ...preview.opts, diff: true });
    // The inputs the step changes, as the preview shows them (`~ name: ...`).
    const updates = preview.events.flatMap((e) => {
      const m = e.resourcePreEvent?.metadata;
      if (m?.type !== CONTACT || m.op !== "update") return [];
      const [olds, news] = [m.old?.inputs ?? {}, m.new?.inputs ?? {}];
      const changed = [...new Set([...Object.keys(olds), ...Object.keys(news)])].filter((k) => JSON.stringify(olds[k]) !== JSON.stringify(news[k]));
      return [[m.urn.split("::").pop(), changed.sort()]];
    });
    assert.deepEqual(updates, [["whatsapp-393331234501", ["name"]]]);
    assert.match(preview.output(), /~ name\s*: "Support Test Line" => "Support Test Line \(dev\)"/);
    assert.doesNotMatch(preview.output(), /^\s*[-+~] (tags|\[\d+\]):/m, "no tag added, removed or changed");
    await sim.admin.clearRequests();
    await stack.up();
    assert.deepEqual(writes(await sim.admin.requests()), ["PATCH"]);
    const renamed = (await sim.admin.contacts()).find((c) => c.name === "Support Test Line (dev)");
    assert.deepEqual([...(renamed?.tags ?? [])].sort(), ["seed", "support"]);
  });

  it("a bad seed file fails the preview with file, line, entry and field, and makes no API call", async () => {
    fs.appendFileSync(devFile(), `  - identifier: "393331234570"\n    name: Bad Agent\n    assignedUser: not-an-email\n`);
    await sim.admin.clearRequests();
    const rec = recordOutput();
    await assert.rejects(stack.preview(rec.opts), (e: Error) => {
      const text = e.message + rec.text();
      assert.match(text, /Invalid seed file — nothing was written to Callbell/);
      assert.match(text, /contacts\.dev\.yaml:\d+ \(identifier 393331234570\): assignedUser "not-an-email" is not an email address/);
      return true;
    });
    assert.deepEqual(await sim.admin.requests(), []);
  });
});

describe("engine end to end: environment fencing and the single-contact example", function () {
  this.timeout(180_000);
  let sim: StartedSimulator;
  before(async () => {
    sim = await startSimulator();
  });
  after(async () => sim?.close());

  it("refuses to seed an account other than the stack's expected one, naming both", async () => {
    const stack = await open(sim, copyExample("seed-contacts"), "prod", "callbell-seed-fenced", "ops@acme-prod.example");
    const rec = recordOutput();
    await assert.rejects(stack.up(rec.opts), (e: Error) => {
      const text = e.message + rec.text();
      assert.match(text, /expects the Callbell account ops@acme-prod\.example .* but the API token belongs to owner@acme-dev\.example/);
      return true;
    });
    assert.deepEqual(await sim.admin.contacts(), []);
    assert.deepEqual([...new Set((await sim.admin.requests()).map((e) => `${e.method} ${e.path}`))], ["GET /v1/auth/me"]);
    await stack.workspace.removeStack(stack.name, { force: true });
  });

  it("without a token, up fails with how to set one, no stack trace, and nothing written", async () => {
    const stack = await openStack({
      projectName: "callbell-no-token",
      stackName: "dev",
      program: programOf(copyExample("seed-contacts")),
      config: { "callbell:apiUrl": { value: sim.url } },
      env: { CALLBELL_API_TOKEN: "" },
    });
    await sim.admin.clearRequests();
    const rec = recordOutput();
    await assert.rejects(stack.up(rec.opts), (e: Error) => {
      const text = e.message + rec.text();
      assert.match(
        text,
        /Could not create contact "[^"]+" \(\d+\): No Callbell API token: run 'pulumi config set --secret callbell:apiToken <token>' or set the CALLBELL_API_TOKEN environment variable/,
      );
      assert.ok(!/\n\s+at .+:\d+:\d+\)?\n/.test(e.message), "no stack trace");
      return true;
    });
    assert.deepEqual(await sim.admin.requests(), []);
    await stack.workspace.removeStack(stack.name, { force: true });
  });

  it("creates the single contact with every input, then destroys it", async () => {
    const stack = await open(sim, copyExample("single-contact"), "dev", "callbell-single-contact");
    const result = await stack.up();
    const [contact] = await sim.admin.contacts();
    assert.equal(result.outputs.uuid.value, contact.uuid);
    assert.equal(result.outputs.phoneNumber.value, "+39 333 100 0001");
    assert.deepEqual(contact.tags, ["qa", "vip"]);
    assert.equal(contact.team?.uuid, "7ea70000000000000000000000000002");
    assert.equal(contact.channel?.uuid, "c4a00000000000000000000000000001");
    assert.equal(contact.customFields?.renewal_date, "2027-01-31");
    assert.equal(contact.note, "Seeded by pulumi-callbell.");
    const post = (await sim.admin.requests()).find((e) => e.method === "POST");
    assert.equal((post?.body as Record<string, unknown>).bot_status, "bot_end");
    await stack.destroy();
    assert.deepEqual(await sim.admin.contacts(), []);
    await stack.workspace.removeStack(stack.name, { force: true });
  });
});

describe('engine end to end: personal data as secrets (ContactSet personalData: "secret")', function () {
  this.timeout(180_000);
  it("keeps phone numbers and names out of state, previews and resource names, and still seeds them", async () => {
    const sim = await startSimulator();
    const dir = copyExample("seed-contacts");
    fs.writeFileSync(
      path.join(dir, "index.ts"),
      fs
        .readFileSync(path.join(dir, "index.ts"), "utf8")
        .replace('new callbell.ContactSet("seed", {', 'new callbell.ContactSet("seed", { personalData: "secret",'),
    );
    const stack = await open(sim, dir, "dev", "callbell-seed-secret");
    try {
      const rec = recordOutput();
      const output: string[] = [];
      await stack.up({ ...rec.opts, onOutput: (text) => output.push(text) });
      const stored = await sim.admin.contacts();
      assert.equal(stored.length, 6);
      assert.ok(stored.some((c) => c.name === "QA Alice" && c.phoneNumber === "+39 333 123 4567"));
      const exported = await exportText(stack);
      // What a user sees: the CLI's output and every event but the SDK's own debug-level
      // diagnostics (with --debug, @pulumi/pulumi logs raw RegisterResource answers).
      const shown = [
        rec.events
          .filter((e) => (e.diagnosticEvent?.severity as string | undefined) !== "debug")
          .map((e) => JSON.stringify(e))
          .join("\n"),
        output.join(""),
      ].join("\n");
      for (const personal of ["393331234567", "333 123 4567", "QA Alice", "alice@acme-dev.example", "Acme Demo Inc."]) {
        assert.ok(!exported.includes(personal), `${personal} in the state`);
        assert.ok(!String(shown).includes(personal), `${personal} in the engine output`);
      }
      await stack.destroy();
    } finally {
      await stack.workspace.removeStack(stack.name, { force: true }).catch(() => undefined);
      await sim.close();
    }
  });
});
