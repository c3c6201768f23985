// Teams and channels by name through the real engine: a seed file with names resolves them to
// the uuids the state keeps and survives a team rename in the dashboard without a change; an
// unknown team, channel or assignee fails the preview with the message and writes nothing; and
// a preview reads each list a fixed number of times, however many contacts it checks.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { Stack } from "@pulumi/pulumi/automation";
import { countChangesOfType, exportState, openStack, programNamed, recordOutput, REPO_ROOT, resourcesOfType } from "../harness";
import { CHANNELS, RequestLogEntry, StartedSimulator, TEAMS, startSimulator } from "callbell-simulator";

const CONTACT = "pulumi-nodejs:dynamic/callbell:Contact";
const program = programNamed("seed-set");
const writes = (log: RequestLogEntry[]) => log.filter((e) => e.method !== "GET").map((e) => `${e.method} ${e.path}`);
/** Requests by kind: list reads with their uuid and page left out. */
const kinds = (log: RequestLogEntry[]) =>
  log.reduce<Record<string, number>>((acc, e) => {
    const key = `${e.method} ${e.path.replace(/\?.*$/, "").replace(/\/teams\/\w+\/members/, "/teams/:uuid/members")}`;
    acc[key] = (acc[key] ?? 0) + 1;
    return acc;
  }, {});

describe("engine end to end: teams and channels by name, and the preview checks", function () {
  this.timeout(600_000);
  let sim: StartedSimulator;
  let dir: string;
  const file = () => path.join(dir, "contacts.yaml");
  const open = (stackName: string, checkAccount: boolean) =>
    openStack({
      projectName: "callbell-names",
      stackName,
      program,
      config: {
        "callbell:apiUrl": { value: sim.url },
        "callbell:apiToken": { value: sim.token, secret: true },
        "callbell:checkAccount": { value: String(checkAccount) },
        "test:files": { value: JSON.stringify([file()]) },
      },
      env: { CALLBELL_OWNER_FIELD: "", CALLBELL_CHECK_ACCOUNT: "" },
    });
  const stacks: Stack[] = [];

  before(async function () {
    this.timeout(30 * 60_000);
    sim = await startSimulator();
    fs.mkdirSync(path.join(REPO_ROOT, ".pulumi-local"), { recursive: true });
    dir = fs.mkdtempSync(path.join(REPO_ROOT, ".pulumi-local", "names-"));
  });
  after(async () => {
    for (const stack of stacks) await stack.workspace.removeStack(stack.name, { force: true }).catch(() => undefined);
    await sim?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  describe("a seed file with names, then a team rename in the dashboard", () => {
    let stack: Stack;
    const seed = (supportName: string) =>
      [
        `defaults: { source: whatsapp, team: ${supportName} }`,
        "contacts:",
        '  - { identifier: "393331234567", name: QA Alice, channel: whatsapp sales line, assignedUser: alice@acme-dev.example }',
        '  - { identifier: "393331234568", name: QA Bob, channel: { main: true } }',
        '  - { identifier: "393331234569", name: QA Carol, team: sales }',
        "",
      ].join("\n");
    const stateOf = async () =>
      Object.fromEntries(
        resourcesOfType(await exportState(stack), CONTACT).map((r) => [
          r.inputs?.identifier as string,
          { team: r.inputs?.team, teamUuid: r.inputs?.teamUuid, channelUuid: r.inputs?.channelUuid, outTeam: r.outputs?.teamUuid, id: r.id },
        ]),
      );
    let created: Awaited<ReturnType<typeof stateOf>>;

    before(async () => {
      fs.writeFileSync(file(), seed("Support"));
      stack = await open("rename", false);
      stacks.push(stack);
    });

    it("up resolves the names: Callbell gets the uuids, the state records them beside the names", async () => {
      await sim.admin.clearRequests();
      const rec = recordOutput();
      await stack.up(rec.opts);
      assert.deepEqual(countChangesOfType(rec.events, CONTACT).raw, { create: 3 });
      const log = await sim.admin.requests();
      assert.deepEqual(kinds(log), {
        "GET /v1/teams": 1,
        "GET /v1/channels": 1,
        "GET /v1/contacts/phone/393331234567": 1,
        "GET /v1/contacts/phone/393331234568": 1,
        "GET /v1/contacts/phone/393331234569": 1,
        "POST /v1/contacts": 3,
      });
      const bodies = log.filter((e) => e.method === "POST").map((e) => e.body as Record<string, unknown>);
      const sent = Object.fromEntries(bodies.map((b) => [b.identifier, [b.team_uuid, b.channel_uuid]]));
      assert.deepEqual(sent, {
        "393331234567": [TEAMS.support, CHANNELS.whatsappSales],
        "393331234568": [TEAMS.support, CHANNELS.whatsappMain],
        "393331234569": [TEAMS.sales, undefined],
      });
      const contacts = await sim.admin.contacts();
      assert.deepEqual(contacts.map((c) => [c.name, c.team.uuid, c.channel.uuid]).sort(), [
        ["QA Alice", TEAMS.support, CHANNELS.whatsappSales],
        ["QA Bob", TEAMS.support, CHANNELS.whatsappMain],
        ["QA Carol", TEAMS.sales, CHANNELS.whatsappMain],
      ]);
      created = await stateOf();
      assert.deepEqual(Object.fromEntries(Object.entries(created).map(([k, v]) => [k, [v.team, v.teamUuid, v.channelUuid, v.outTeam]])), {
        "393331234567": ["Support", TEAMS.support, CHANNELS.whatsappSales, TEAMS.support],
        "393331234568": ["Support", TEAMS.support, CHANNELS.whatsappMain, TEAMS.support],
        "393331234569": ["sales", TEAMS.sales, undefined, TEAMS.sales],
      });
    });

    it("after the team is renamed in the dashboard, preview and up change nothing and send no request", async () => {
      await sim.admin.renameTeam(TEAMS.support, "Customer Care");
      const before = await sim.admin.contacts();
      await sim.admin.clearRequests();
      const preview = recordOutput();
      await stack.preview(preview.opts);
      assert.deepEqual(countChangesOfType(preview.events, CONTACT).raw, { same: 3 });
      const up = recordOutput();
      await stack.up(up.opts);
      assert.deepEqual(countChangesOfType(up.events, CONTACT).raw, { same: 3 });
      assert.deepEqual(await sim.admin.requests(), [], "no list read, no PATCH");
      assert.deepEqual(await sim.admin.contacts(), before);
      assert.deepEqual(await stateOf(), created);
    });

    it("writing the new name in the file is a no-op too: one team list read, the same uuids, no write", async () => {
      fs.writeFileSync(file(), seed("Customer Care"));
      const before = await sim.admin.contacts();
      await sim.admin.clearRequests();
      const preview = recordOutput();
      await stack.preview(preview.opts);
      assert.deepEqual(countChangesOfType(preview.events, CONTACT).raw, { same: 3 });
      assert.deepEqual(kinds(await sim.admin.requests()), { "GET /v1/teams": 1 });
      await sim.admin.clearRequests();
      const up = recordOutput();
      await stack.up(up.opts);
      assert.deepEqual(countChangesOfType(up.events, CONTACT).raw, { same: 3 });
      assert.deepEqual(writes(await sim.admin.requests()), []);
      assert.deepEqual(await sim.admin.contacts(), before);
      const state = await stateOf();
      assert.equal(state["393331234567"].team, "Customer Care");
      for (const [identifier, entry] of Object.entries(state)) {
        const { team: _now, ...uuids } = entry;
        const { team: _then, ...was } = created[identifier];
        assert.deepEqual(uuids, was, identifier);
      }
    });
  });

  describe("an unknown team, channel or assignee fails the preview and writes nothing", () => {
    let stack: Stack;
    const entry = (fields: string) => `contacts:\n  - { identifier: "393331234570", source: whatsapp, name: QA Dan, ${fields} }\n`;
    before(async () => {
      await sim.admin.reset(); // the team names of the fixture, no contact
      stack = await open("checks", true);
      stacks.push(stack);
    });

    const cases: Array<[string, string, RegExp]> = [
      [
        "an unknown team",
        "team: Suport",
        /team \\?"Suport\\?": no team of this Callbell account is named so; known teams: \\?"General\\?", \\?"Support\\?", \\?"Sales\\?"/,
      ],
      [
        "an unknown channel",
        "channel: Sales",
        /channel \\?"Sales\\?": no whatsapp channel has this title; known whatsapp channels: \\?"WhatsApp Main\\?", \\?"WhatsApp Sales Line\\?"/,
      ],
      [
        "an assignee who is in no team",
        "assignedUser: nobody@acme-dev.example",
        new RegExp(
          "assignedUser nobody@acme-dev\\.example is no member of any team of this Callbell account, so Callbell would refuse the assignment; " +
            "check the email, or add the user to a team in the Callbell dashboard",
        ),
      ],
      [
        "a team uuid the account does not have",
        "teamUuid: 7ea70000000000000000000000000009",
        /teamUuid 7ea70000000000000000000000000009 is not a team of this Callbell account; known teams: \\?"General\\?" \(7ea70000000000000000000000000001\)/,
      ],
    ];
    for (const [what, fields, message] of cases) {
      it(`${what}: the preview fails with the message, and nothing is written`, async () => {
        fs.writeFileSync(file(), entry(fields));
        await sim.admin.clearRequests();
        const rec = recordOutput();
        await assert.rejects(stack.preview(rec.opts), (e: Error) => {
          assert.match(e.message + rec.text(), message);
          return true;
        });
        const log = await sim.admin.requests();
        assert.deepEqual(writes(log), []);
        assert.ok(log.length <= 5 && log.every((e) => e.method === "GET" && !e.path.startsWith("/v1/contacts")), JSON.stringify(kinds(log)));
      });
    }

    it("up of the assignee in no team fails the same way, before any write", async () => {
      fs.writeFileSync(file(), entry("assignedUser: nobody@acme-dev.example"));
      await sim.admin.clearRequests();
      const rec = recordOutput();
      await assert.rejects(stack.up(rec.opts), (e: Error) => {
        assert.match(e.message + rec.text(), /assignedUser nobody@acme-dev\.example is no member of any team/);
        return true;
      });
      assert.deepEqual(writes(await sim.admin.requests()), []);
      assert.deepEqual(await sim.admin.contacts(), []);
    });
  });

  describe("list reads of a preview do not grow with the number of contacts", () => {
    let stack: Stack;
    const users = ["alice@acme-dev.example", "bob@acme-dev.example", "carol@acme-dev.example"];
    const teams = ["General", "Support", "Sales"];
    const channels = ["whatsapp sales line", "{ main: true }", "WhatsApp Main"];
    const seed = (n: number) =>
      "contacts:\n" +
      Array.from(
        { length: n },
        (_, i) =>
          `  - { identifier: "3933312346${String(i).padStart(2, "0")}", source: whatsapp, name: Contact ${i}, ` +
          `team: ${teams[i % 3]}, channel: ${channels[i % 3]}, assignedUser: ${users[i % 3]} }`,
      ).join("\n") +
      "\n";
    const previewReads = async (n: number) => {
      fs.writeFileSync(file(), seed(n));
      await sim.admin.clearRequests();
      const rec = recordOutput();
      await stack.preview(rec.opts);
      assert.deepEqual(countChangesOfType(rec.events, CONTACT).raw, { create: n });
      return kinds(await sim.admin.requests());
    };
    before(async () => {
      await sim.admin.reset();
      stack = await open("counts", true);
      stacks.push(stack);
    });

    it("a preview of 20 contacts with names and assignees: GET /teams 1, GET /channels 1, GET /teams/:uuid/members 3, as for 1 contact", async () => {
      const fixed = { "GET /v1/teams": 1, "GET /v1/channels": 1, "GET /v1/teams/:uuid/members": 3 };
      assert.deepEqual(await previewReads(20), fixed);
      assert.deepEqual(await previewReads(1), fixed);
    });
  });
});
