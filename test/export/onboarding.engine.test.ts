// Onboarding an existing account through the real engine: `pulumi-callbell export` of a
// 250-contact account, then a ContactSet of the exported file. The preview plans only creates
// and calls nothing; `up` takes every contact over with one lookup each and writes nothing;
// a second `up` changes nothing and sends no request.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { Stack } from "@pulumi/pulumi/automation";
import { runExport } from "../../provider/src/doors/cli/export";
import { countChangesOfType, exportState, openStack, programNamed, recordOutput, REPO_ROOT, resourcesOfType } from "../harness";
import { seedAccount, withoutIdentifier } from "./support";
import { StartedSimulator, startSimulator } from "callbell-simulator";

const CONTACT = "pulumi-nodejs:dynamic/callbell:Contact";
const program = programNamed("seed-set");
const ACCOUNT_SIZE = 250;

describe("engine end to end: onboarding an existing account (export, then up of the file)", function () {
  this.timeout(600_000);
  let sim: StartedSimulator;
  let dir: string;
  let file: string;
  let stack: Stack;
  const exported = ACCOUNT_SIZE - withoutIdentifier(ACCOUNT_SIZE);

  before(async function () {
    this.timeout(30 * 60_000);
    sim = await startSimulator();
    await seedAccount(sim, ACCOUNT_SIZE);
    fs.mkdirSync(path.join(REPO_ROOT, ".pulumi-local"), { recursive: true });
    dir = fs.mkdtempSync(path.join(REPO_ROOT, ".pulumi-local", "onboarding-"));
    file = path.join(dir, "contacts.yaml");
  });
  after(async () => {
    await stack?.workspace.removeStack(stack.name, { force: true }).catch(() => undefined);
    await sim?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it(`export reads the ${ACCOUNT_SIZE} contacts with GETs only (teams, channels, 6 pages of 50 and 3 read ahead) and writes the adoptable ones`, async () => {
    await sim.admin.clearRequests();
    const out: string[] = [];
    const env = { CALLBELL_API_URL: sim.url, CALLBELL_API_TOKEN: sim.token };
    const code = await runExport(["--out", file], env, { out: (l) => out.push(l), err: (l) => out.push(l) });
    assert.equal(code, 0, out.join("\n"));
    // The log lists answers as they finish, and pages are read a few at once: the contact pages compare as a set.
    const lines = (await sim.admin.requests()).map((e) => `${e.method} ${e.path}`);
    assert.deepEqual(lines.slice(0, 2), ["GET /v1/teams?page=1", "GET /v1/channels?page=1"]);
    assert.deepEqual(lines.slice(2).sort(), [1, 2, 3, 4, 5, 6, 7, 8, 9].map((p) => `GET /v1/contacts?page=${p}&include_field_types=true`).sort());
    assert.ok(out.includes(`Wrote ${exported} contacts to ${file} (telegram 25, whatsapp 175); read ${ACCOUNT_SIZE} from Callbell.`), out.join("\n"));
    assert.ok(
      out.includes(
        `  ${withoutIdentifier(ACCOUNT_SIZE)}: Callbell returns no identifier for instagram and facebook contacts (only phone ` +
          `numbers, for whatsapp and telegram)`,
      ),
    );
  });

  it("the preview of a ContactSet of the exported file plans only creates and reads only the team and channel lists, once", async () => {
    stack = await openStack({
      projectName: "callbell-onboarding",
      stackName: "dev",
      program,
      config: {
        "callbell:apiUrl": { value: sim.url },
        "callbell:apiToken": { value: sim.token, secret: true },
        "test:files": { value: JSON.stringify([file]) },
      },
      env: { CALLBELL_OWNER_FIELD: "" },
    });
    await sim.admin.clearRequests();
    const rec = recordOutput();
    await stack.preview(rec.opts);
    assert.deepEqual(countChangesOfType(rec.events, CONTACT).raw, { create: exported });
    // The file names teams and channels: check resolves them with one read of each list; the assignees are checked
    // against each team's members (callbell:checkAccount, on by default), once per run.
    assert.deepEqual(
      (await sim.admin.requests()).map((e) => `${e.method} ${e.path}`).sort(),
      [
        "GET /v1/channels?page=1",
        "GET /v1/teams?page=1",
        ...["1", "2", "3"].map((n) => `GET /v1/teams/7ea7000000000000000000000000000${n}/members?page=1`),
      ].sort(),
    );
  });

  it("up takes every contact over with one lookup each: no POST, no PATCH, no DELETE, and Callbell unchanged", async () => {
    const before = await sim.admin.contacts();
    await sim.admin.clearRequests();
    const rec = recordOutput();
    await stack.up(rec.opts);
    assert.deepEqual(countChangesOfType(rec.events, CONTACT).raw, { create: exported });
    const log = await sim.admin.requests();
    const kinds = log.reduce<Record<string, number>>((acc, e) => {
      const key = `${e.method} ${e.path.replace(/\/\d+(\?.*)?$/, "/:number$1").replace(/channel_uuid=\w+/, "channel_uuid=…")}`;
      acc[key] = (acc[key] ?? 0) + 1;
      return acc;
    }, {});
    // 175 WhatsApp contacts, 25 of them on the Sales Line; 25 Telegram contacts on their channel.
    // The names are resolved once, with one read of each list, and the assignees checked once against the members.
    assert.deepEqual(kinds, {
      "GET /v1/teams?page=1": 1,
      "GET /v1/channels?page=1": 1,
      "GET /v1/teams/7ea70000000000000000000000000001/members?page=1": 1,
      "GET /v1/teams/7ea70000000000000000000000000002/members?page=1": 1,
      "GET /v1/teams/7ea70000000000000000000000000003/members?page=1": 1,
      "GET /v1/contacts/phone/:number": 150,
      "GET /v1/contacts/phone/:number?channel_uuid=…": 50,
    });
    assert.ok(log.every((e) => e.status === 200));
    assert.deepEqual(await sim.admin.contacts(), before, "no contact changed");
    const resources = resourcesOfType(await exportState(stack), CONTACT);
    assert.equal(resources.length, exported);
    assert.ok(
      resources.every((r) => r.outputs?.origin === "adopted"),
      "every contact is adopted, so destroy never deletes it",
    );
    assert.deepEqual(new Set(resources.map((r) => r.id)).size, exported);
  });

  it("a second up changes nothing and sends no request", async () => {
    await sim.admin.clearRequests();
    const rec = recordOutput();
    await stack.up(rec.opts);
    assert.deepEqual(countChangesOfType(rec.events, CONTACT).raw, { same: exported });
    assert.deepEqual(await sim.admin.requests(), []);
  });
});

describe("engine end to end: the lookups example (examples/lookups)", function () {
  this.timeout(300_000);
  let sim: StartedSimulator;
  let dir: string;
  before(async () => {
    sim = await startSimulator();
    fs.mkdirSync(path.join(REPO_ROOT, ".pulumi-local"), { recursive: true });
    dir = fs.mkdtempSync(path.join(REPO_ROOT, ".pulumi-local", "lookups-"));
    for (const f of ["index.ts", "package.json"]) fs.copyFileSync(path.join(REPO_ROOT, "examples", "lookups", f), path.join(dir, f));
  });
  after(async () => {
    await sim?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("finds the team, channels and an existing contact from stack config, and creates the contact with their uuids", async () => {
    const existing = await sim.admin.createContact({ identifier: "393331234591", source: "whatsapp", name: "Made in the dashboard" });
    const stack = await openStack({
      projectName: "callbell-lookups",
      stackName: "dev",
      program: async () => {
        const entry = require.resolve(path.join(dir, "index.ts"));
        delete require.cache[entry];
        return (require(entry) as () => Promise<Record<string, unknown>>)();
      },
      workDir: dir,
      config: {
        "callbell:apiUrl": { value: sim.url },
        "callbell:apiToken": { value: sim.token, secret: true },
        "callbell-lookups:existingNumber": { value: "+39 333 123 4591" },
      },
      env: { CALLBELL_API_URL: "", CALLBELL_API_TOKEN: "" },
    });
    try {
      await sim.admin.clearRequests();
      const result = await stack.up();
      const out = (k: string) => result.outputs[k]?.value;
      assert.equal(out("supportTeam"), "7ea70000000000000000000000000002");
      assert.deepEqual(out("supportMembers"), ["alice@acme-dev.example", "bob@acme-dev.example"]);
      assert.equal(out("salesLine"), "c4a00000000000000000000000000002");
      assert.equal(out("mainWhatsapp"), "c4a00000000000000000000000000001");
      assert.equal(out("existingUuid"), existing.uuid);
      const created = (await sim.admin.contacts()).find((c) => c.uuid === out("lineUuid"));
      assert.equal(created?.team.uuid, "7ea70000000000000000000000000002");
      assert.equal(created?.channel.uuid, "c4a00000000000000000000000000002");
      assert.equal(created?.assignedUser, "alice@acme-dev.example");
      const log = (await sim.admin.requests()).map((e) => `${e.method} ${e.path}`);
      // The program's lookups (one list each, members, the contact by number), the provider's checks of the team, the
      // channel and the assignee (one list each, every team's members), and its lookup and create; the program's last
      // lookup may run while the engine creates, so the order is not asserted.
      assert.deepEqual(
        log.sort(),
        [
          "GET /v1/teams?page=1",
          "GET /v1/teams/7ea70000000000000000000000000002/members?page=1",
          "GET /v1/channels?page=1",
          "GET /v1/teams?page=1",
          "GET /v1/channels?page=1",
          ...["1", "2", "3"].map((n) => `GET /v1/teams/7ea7000000000000000000000000000${n}/members?page=1`),
          "GET /v1/contacts/phone/393331234591",
          "GET /v1/contacts/phone/393334000001?channel_uuid=c4a00000000000000000000000000002",
          "POST /v1/contacts",
        ].sort(),
      );
      await stack.destroy();
    } finally {
      await stack.workspace.removeStack(stack.name, { force: true }).catch(() => undefined);
    }
  });
});
