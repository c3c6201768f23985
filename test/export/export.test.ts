// `pulumi-callbell export` against the simulator: the seed file it writes (order, fields,
// comments, what it leaves out), paging, filters, read-only traffic, counts-only output,
// usage errors (exit 2), API failures (exit 1), and the real bin in a child process.
import { strict as assert } from "assert";
import { execFile } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse } from "yaml";
import { runExport } from "../../provider/src/doors/cli/export";
import { buildSeedFile, holderOf, noIdentifierReason, unreadableHolder } from "../../provider/src/doors/cli/export-file";
import { loadSeedFiles } from "../../provider/src/doors/seed/seed-file";
import type { ListedContact } from "../../provider/src/client/account";
import { REPO_ROOT } from "../harness";
import { seedAccount, seededContactBody, seededPhone, withoutIdentifier } from "./support";
import { CHANNELS, RequestLogEntry, StartedSimulator, TEAMS, startSimulator } from "callbell-simulator";

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "callbell-export-"));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));
let fileCounter = 0;
const freshFile = () => path.join(tmp, `contacts-${++fileCounter}.yaml`);

async function exportWith(sim: StartedSimulator, args: string[], env: Record<string, string | undefined> = {}): Promise<Run> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runExport(
    args,
    { CALLBELL_API_URL: sim.url, CALLBELL_API_TOKEN: sim.token, ...env },
    {
      out: (line) => out.push(line),
      err: (line) => err.push(line),
    },
  );
  return { code, stdout: out.join("\n"), stderr: err.join("\n") };
}

const requestLines = (log: RequestLogEntry[]) => log.map((e) => `${e.method} ${e.path}`);
const onlyGets = (log: RequestLogEntry[]) =>
  assert.deepEqual(
    log.filter((e) => e.method !== "GET"),
    [],
    "export sent a write",
  );

describe("export: a paged account to a seed file", function () {
  this.timeout(60_000);
  let sim: StartedSimulator;
  before(async () => {
    sim = await startSimulator({ pageSize: 7, rateLimitPerSecond: 0 });
    await seedAccount(sim, 40);
  });
  after(() => sim?.close());
  beforeEach(() => sim.admin.clearRequests());

  it("writes every phone contact once, sorted by source then identifier, adopt: true, with the fields Callbell has; only GETs", async () => {
    const file = freshFile();
    const run = await exportWith(sim, ["--out", file]);
    assert.equal(run.code, 0, run.stderr);
    const log = await sim.admin.requests();
    onlyGets(log);
    // teams, channels, then 40 contacts in pages of 7: 6 pages read, the last one short, and 3 read ahead past it
    // (the log lists answers as they finish, so the pages read at once are compared as a set).
    const lines = requestLines(log);
    assert.deepEqual(lines.slice(0, 2), ["GET /v1/teams?page=1", "GET /v1/channels?page=1"]);
    assert.deepEqual(lines.slice(2).sort(), [1, 2, 3, 4, 5, 6, 7, 8, 9].map((p) => `GET /v1/contacts?page=${p}&include_field_types=true`).sort());

    const seeds = loadSeedFiles([file]);
    const stored = (await sim.admin.contacts()).filter((c) => c.source === "whatsapp" || c.source === "telegram");
    assert.equal(seeds.length, stored.length);
    assert.equal(seeds.length, 40 - withoutIdentifier(40));
    const entries = (parse(fs.readFileSync(file, "utf8")) as { contacts: Record<string, unknown>[] }).contacts;
    const order = entries.map((e) => `${e.source} ${e.identifier}`);
    assert.deepEqual(order, [...order].sort(), "sorted by source, then identifier");
    for (const entry of entries) assert.equal(entry.adopt, true);

    for (const contact of stored) {
      const digits = contact.phoneNumber!.replace(/\D/g, "");
      const entry = entries.find((e) => e.identifier === digits && e.source === contact.source);
      assert.ok(entry, `no entry for a ${contact.source} contact`);
      assert.equal(entry.name, contact.name);
      assert.deepEqual(entry.tags, contact.tags.length ? contact.tags : undefined);
      assert.equal(entry.assignedUser, contact.assignedUser ?? undefined);
      assert.equal(entry.note, contact.note ?? undefined);
      // Team and channel names are unique in this account, so they are written by name.
      assert.equal(entry.team, contact.team.name);
      assert.equal(entry.teamUuid, undefined);
      // The main WhatsApp channel is the default and left out; telegram keeps its channel (the main one) for adopt's lookup.
      const channel = contact.channel.main ? (contact.source === "whatsapp" ? undefined : { main: true }) : contact.channel.title;
      assert.deepEqual(entry.channel, channel);
      assert.equal(entry.channelUuid, undefined);
      const seed = seeds.find((s) => s.inputs.identifier === digits && s.inputs.source === contact.source)!;
      assert.deepEqual([seed.inputs.team, seed.inputs.channel], [entry.team, entry.channel], "the file loads with the names");
      const fields = Object.fromEntries(Object.entries(contact.customFields).map(([k, v]) => [k, k === "interests" ? JSON.parse(v) : v]));
      assert.deepEqual(entry.customFields, Object.keys(fields).length ? fields : undefined);
    }
  });

  it("names teams and channels, and exporting again gives the same bytes", async () => {
    const first = freshFile();
    const second = freshFile();
    assert.equal((await exportWith(sim, ["--out", first])).code, 0);
    assert.equal((await exportWith(sim, ["--out", second])).code, 0);
    const text = fs.readFileSync(first, "utf8");
    assert.equal(text, fs.readFileSync(second, "utf8"));
    assert.match(text, /\n {4}team: Support\n/);
    assert.match(text, /\n {4}team: General\n/);
    assert.match(text, /\n {4}channel: WhatsApp Sales Line\n/);
    assert.match(text, /\n {4}channel: \{ main: true \}\n/);
    assert.doesNotMatch(text, /teamUuid|channelUuid/);
    assert.match(text, /^# Exported from Callbell by `pulumi-callbell export`\./m);
  });

  it("prints counts and progress only: no phone number, name or note on stdout or stderr", async () => {
    const run = await exportWith(sim, ["--out", freshFile()]);
    assert.equal(run.code, 0);
    assert.match(run.stdout, /^Wrote 32 contacts to .*contacts-\d+\.yaml \(telegram 4, whatsapp 28\); read 40 from Callbell\.$/m);
    assert.match(run.stdout, new RegExp(`^Skipped 8:\\n  8: ${noIdentifierReason.replace(/[()]/g, "\\$&")}$`, "m"));
    assert.deepEqual(run.stderr.split("\n"), [
      "read page 1 (7 contacts)",
      "read page 2 (14 contacts)",
      "read page 3 (21 contacts)",
      "read page 4 (28 contacts)",
      "read page 5 (35 contacts)",
      "read page 6 (40 contacts)",
    ]);
    const output = run.stdout + run.stderr;
    for (const contact of await sim.admin.contacts()) {
      assert.ok(!output.includes(contact.name), "a name was printed");
      if (contact.phoneNumber) assert.ok(!output.includes(contact.phoneNumber.replace(/\D/g, "")), "a phone number was printed");
      if (contact.note) assert.ok(!output.includes(contact.note.split("\n")[0]), "a note was printed");
    }
  });

  it("--source, --tags (comma-separated, any case) and --team (uuid or name) are sent as Callbell's filters", async () => {
    const cases: Array<[string[], string, (e: Record<string, unknown>) => boolean]> = [
      [["--source", "telegram"], "source=telegram", (e) => e.source === "telegram"],
      [
        ["--tags", "QA,vip"],
        `tags=${encodeURIComponent("QA,vip")}`,
        (e) => ["qa", "vip"].every((t) => (e.tags as string[]).map((x) => x.toLowerCase()).includes(t)),
      ],
      [["--team", "sales"], `team_uuid=${TEAMS.sales}`, (e) => e.team === "Sales"],
      [["--team", TEAMS.support], `team_uuid=${TEAMS.support}`, (e) => e.team === "Support"],
    ];
    for (const [flags, query, holds] of cases) {
      await sim.admin.clearRequests();
      const file = freshFile();
      const run = await exportWith(sim, ["--out", file, ...flags]);
      assert.equal(run.code, 0, run.stderr);
      const contactRequests = (await sim.admin.requests()).filter((e) => e.path.startsWith("/v1/contacts"));
      assert.ok(
        contactRequests.length > 0 && contactRequests.every((e) => e.path.includes(`&${query}&`)),
        `${flags.join(" ")}: ` + `${requestLines(contactRequests)}`,
      );
      const entries = (parse(fs.readFileSync(file, "utf8")) as { contacts: Record<string, unknown>[] }).contacts;
      assert.ok(entries.length > 0 && entries.every(holds), flags.join(" "));
      assert.match(fs.readFileSync(file, "utf8"), /only contacts with (source|tags|team) /);
    }
  });

  it("an unknown --team fails with exit 2, listing the account's teams, before any contact is read", async () => {
    const file = freshFile();
    const run = await exportWith(sim, ["--out", file, "--team", "Suport"]);
    assert.equal(run.code, 2);
    assert.match(
      run.stderr,
      /^error: --team "Suport" is not a team of this account; known teams: General \(7ea7\w+\), Support \(7ea7\w+\), Sales \(7ea7\w+\)$/m,
    );
    assert.equal(fs.existsSync(file), false);
    assert.deepEqual(requestLines(await sim.admin.requests()), ["GET /v1/teams?page=1", "GET /v1/channels?page=1"]);
  });

  it("refuses to overwrite an existing file without --force (exit 2, no request), and overwrites it with --force", async () => {
    const file = freshFile();
    fs.writeFileSync(file, "keep me\n");
    const refused = await exportWith(sim, ["--out", file]);
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /^error: --out: .* already exists; choose another file, or add --force to overwrite it$/m);
    assert.equal(fs.readFileSync(file, "utf8"), "keep me\n");
    assert.deepEqual(await sim.admin.requests(), []);
    const forced = await exportWith(sim, ["--out", file, "--force"]);
    assert.equal(forced.code, 0);
    assert.match(fs.readFileSync(file, "utf8"), /^contacts:$/m);
  });

  it("a 503 on a page is retried by the client's transport and the export completes", async () => {
    await sim.admin.script([{ method: "GET", path: "/v1/contacts", action: "503" }]);
    const run = await exportWith(sim, ["--out", freshFile()]);
    assert.equal(run.code, 0, run.stderr);
    const statuses = (await sim.admin.requests()).filter((e) => e.path.startsWith("/v1/contacts?page=1&")).map((e) => e.status);
    assert.deepEqual(statuses, [503, 200]);
  });
});

describe("export: usage errors (exit 2) and API failures (exit 1)", () => {
  let sim: StartedSimulator;
  before(async () => {
    sim = await startSimulator({ rateLimitPerSecond: 0 });
  });
  after(() => sim?.close());
  beforeEach(() => sim.admin.clearRequests());

  it("usage errors name the flag and the fix, exit 2, and send no request", async () => {
    const cases: Array<[string[], RegExp]> = [
      [[], /^error: --out FILE is required: the seed file to write, e.g. --out contacts.yaml$/m],
      [["--out"], /^error: --out needs a value$/m],
      [["--out", "x.yaml", "--source", "sms"], /^error: --source "sms" is not a Callbell source; use one of whatsapp, facebook, instagram, telegram$/m],
      [["--out", "x.yaml", "--tags", ","], /^error: --tags needs at least one tag name, e.g. --tags vip,qa$/m],
      [
        ["--out", "x.yaml", "--token", "abc"],
        /^error: --token: the token is not taken as a flag, so it does not land in shell history; set CALLBELL_API_TOKEN instead$/m,
      ],
      [["--out", "x.yaml", "--verbose"], /^error: unknown argument '--verbose'$/m],
      [["--out", "x.yaml", "--api-url", "ftp://x"], /^error: callbell:apiUrl "ftp:\/\/x" is not an http\(s\) URL/m],
    ];
    for (const [args, message] of cases) {
      const run = await exportWith(sim, args);
      assert.equal(run.code, 2, args.join(" "));
      assert.match(run.stderr, message);
      assert.doesNotMatch(run.stderr, /\n\s+at /, "no stack trace");
    }
    assert.deepEqual(await sim.admin.requests(), []);
  });

  it("without CALLBELL_API_TOKEN it says how to set it, exits 2 and sends nothing", async () => {
    const run = await exportWith(sim, ["--out", freshFile()], { CALLBELL_API_TOKEN: "" });
    assert.equal(run.code, 2);
    assert.match(run.stderr, /^error: No Callbell API token: set the CALLBELL_API_TOKEN environment variable/m);
    assert.deepEqual(await sim.admin.requests(), []);
  });

  it("a rejected token exits 1 with the status and where to fix it, never printing the token, and writes no file", async () => {
    const file = freshFile();
    const token = "sim_wrong_token_0123456789abcdef";
    const run = await exportWith(sim, ["--out", file], { CALLBELL_API_TOKEN: token });
    assert.equal(run.code, 1);
    assert.match(run.stderr, /^error: Callbell rejected the API token \(check callbell:apiToken or CALLBELL_API_TOKEN\): GET \/teams\?page=1 answered 401/m);
    assert.ok(!(run.stdout + run.stderr).includes(token));
    assert.equal(fs.existsSync(file), false);
  });

  it("--api-url overrides CALLBELL_API_URL", async () => {
    const run = await exportWith(sim, ["--out", freshFile(), `--api-url=${sim.url}`], { CALLBELL_API_URL: "http://127.0.0.1:9/v1" });
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^Wrote 0 contacts to /m);
  });

  it("the package's bin `pulumi-callbell export` runs in its own process: exit 0 and the file; an unknown command is exit 2", async () => {
    await seedAccount(sim, 3);
    // The file package.json names as the bin (node_modules/.bin links it only when dist/ exists at install time).
    const manifest = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "provider", "package.json"), "utf8")) as { bin: Record<string, string> };
    const bin = path.join(REPO_ROOT, "provider", manifest.bin["pulumi-callbell"]);
    const run = (args: string[]) =>
      new Promise<Run>((resolve) => {
        execFile(
          process.execPath,
          [bin, ...args],
          { env: { ...process.env, CALLBELL_API_URL: sim.url, CALLBELL_API_TOKEN: sim.token } },
          (error, stdout, stderr) => resolve({ code: error ? Number((error as { code?: number }).code) : 0, stdout, stderr }),
        );
      });
    const file = freshFile();
    const done = await run(["export", "--out", file]);
    assert.equal(done.code, 0, done.stderr);
    assert.match(done.stdout, /^Wrote 3 contacts to /m);
    assert.equal(loadSeedFiles([file]).length, 3);
    assert.ok(fs.readFileSync(file, "utf8").includes(seededPhone(0)));
    const unknown = await run(["import"]);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /^error: unknown command 'import'; the commands are: export/m);
  });
});

describe("export: what the seed file leaves out, and why", () => {
  const base = { createdAt: "2026-01-01T00:00:00Z", href: "https://dash.callbell.eu/contacts/x", tags: [], customFields: {} };
  const contact = (i: number, fields: Partial<ListedContact>): ListedContact =>
    ({ ...base, uuid: String(i).padStart(32, "0"), name: `N${i}`, ...fields }) as ListedContact;
  const wa = { source: "whatsapp", channel: { uuid: CHANNELS.whatsappMain } };

  it("skips duplicates, entries the schema refuses (by property, without the value), and non-adoptable identifiers", () => {
    const result = buildSeedFile(
      [
        contact(1, { ...wa, phoneNumber: "+39 333 123 4567" }),
        contact(2, { ...wa, phoneNumber: "393331234567" }),
        contact(3, { ...wa, phoneNumber: "+1 555" }),
        contact(4, { ...wa, phoneNumber: "+39 333 123 4568", tags: ["qa", "QA"] }),
        contact(5, { source: "instagram", channel: { uuid: CHANNELS.instagram } } as Partial<ListedContact>),
        contact(6, { source: "instagram", identifier: "ada.l", channel: { uuid: CHANNELS.instagram } } as Partial<ListedContact>),
        contact(7, { ...wa, phoneNumber: null }),
        contact(8, { ...wa, phoneNumber: "+39 333 123 4569", name: " Spaced " }),
      ],
      { teams: [], channels: [{ uuid: CHANNELS.whatsappMain, title: "Main", type: "whatsapp", main: true }] },
    );
    assert.equal(result.written, 2);
    assert.deepEqual(result.skipped, {
      "Callbell holds another contact with the same identifier on the same channel (the first one listed is exported)": 1,
      "the provider's schema refuses its identifier": 1,
      "the provider's schema refuses its tags": 1,
      [noIdentifierReason]: 1,
      "the provider's schema refuses its adopt": 1,
      "whatsapp contact without a phone number": 1,
    });
    assert.equal(result.namesToTrim, 1);
    assert.ok(!JSON.stringify(result.skipped).includes("1 555"));
    assert.match(result.text, /name: N1\n/);
  });

  it("checkbox values become lists, numbers strings, empty values and the owner-mark field are left out", () => {
    const result = buildSeedFile(
      [
        contact(1, {
          ...wa,
          phoneNumber: "+39 333 123 4567",
          customFields: { interests: '["api","whatsapp"]', seats: 42, company: "", pulumi_owner: " ", motto: "[not a list" },
          customFieldsMetadata: { interests: { type: "checkbox" }, seats: { type: "number" }, pulumi_owner: { type: "text" }, motto: { type: "text" } },
        }),
      ],
      { teams: [], channels: [], ownerField: "pulumi_owner" },
    );
    const entry = (parse(result.text) as { contacts: Record<string, unknown>[] }).contacts[0];
    assert.deepEqual(entry.customFields, { interests: ["api", "whatsapp"], motto: "[not a list", seats: "42" });
  });

  it("a contact with anything in the owner field is left out, counted by the <project>/<stack> of its mark, never by resource name", () => {
    const marked = (i: number, mark: unknown) => contact(i, { ...wa, phoneNumber: `+39 333 123 45${60 + i}`, customFields: { pulumi_owner: mark } });
    const context = { teams: [], channels: [], ownerField: "pulumi_owner", header: ["Exported."] };
    const result = buildSeedFile(
      [
        marked(1, "acme/prod/whatsapp-393331234561 @1a2b3c4d"),
        marked(2, "acme/dev/qa-bob @1a2b3c4d adopted"),
        marked(3, "acme/dev/x"),
        marked(4, "Call after 5"),
        marked(5, ""),
      ],
      context,
    );
    assert.equal(result.written, 1, "only the contact with an empty owner field");
    assert.deepEqual(result.managed, { "acme/prod": 1, "acme/dev": 2, [unreadableHolder]: 1 });
    assert.deepEqual(result.skipped, {});
    assert.match(
      result.text,
      /^# Left out: 4 contacts already managed by Pulumi stacks \(owner mark in pulumi_owner\): acme\/dev: 2, acme\/prod: 1, a value that is not an owner mark: 1\.$/m,
    );
    assert.doesNotMatch(result.text, /whatsapp-39|qa-bob|Call after/);
    assert.deepEqual(["p/s/r @0123abcd", "p/s/a/b", "p/s", "p s/t/r", "", "acme/dev/ @1a2b3c4d"].map(holderOf), [
      "p/s",
      "p/s",
      unreadableHolder,
      unreadableHolder,
      unreadableHolder,
      unreadableHolder,
    ]);
  });
});

describe("export: contacts that a stack already manages (issue 36)", function () {
  this.timeout(60_000);
  let sim: StartedSimulator;
  // Marks as the provider writes them (ownership.ts): "<project>/<stack>/<resource> @<backend>[ adopted]". The resource
  // names are made of the numbers, as ContactSet's are: none of it may be printed.
  const marks: Record<number, string> = {
    1: `acme/dev/whatsapp-${seededPhone(1)} @1a2b3c4d`,
    2: `acme/dev/whatsapp-${seededPhone(2)} @1a2b3c4d adopted`,
    3: `acme/prod/whatsapp-${seededPhone(3)} @9f8e7d6c`,
  };
  before(async () => {
    sim = await startSimulator({ rateLimitPerSecond: 0 });
    for (let i = 0; i < 8; i++) {
      const body = seededContactBody(i, { phonesOnly: true });
      if (marks[i]) body.custom_fields = { ...(body.custom_fields as object), pulumi_owner: marks[i] };
      await sim.admin.createContact(body);
    }
  });
  after(() => sim?.close());

  const noPersonalData = async (run: Run) => {
    const output = run.stdout + run.stderr;
    for (const contact of await sim.admin.contacts()) {
      assert.ok(!output.includes(contact.name), "a name was printed");
      assert.ok(!output.includes(contact.phoneNumber!.replace(/\D/g, "")), "a phone number was printed");
    }
    assert.doesNotMatch(output, /whatsapp-\d|@1a2b3c4d|@9f8e7d6c/, "a mark's resource name or backend was printed");
  };

  it("with CALLBELL_OWNER_FIELD, leaves out every marked contact, counts them by project/stack, and exports the same bytes twice", async () => {
    const [first, second] = [freshFile(), freshFile()];
    const run = await exportWith(sim, ["--out", first], { CALLBELL_OWNER_FIELD: "pulumi_owner" });
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^Wrote 5 contacts to .*; read 8 from Callbell\.$/m);
    assert.match(
      run.stdout,
      /^Left out 3 contacts already managed by Pulumi stacks \(owner mark in pulumi_owner\): acme\/dev: 2, acme\/prod: 1; `pulumi up` would refuse to adopt them: each stays with its stack\.$/m,
    );
    assert.doesNotMatch(run.stdout, /No owner field set/);
    await noPersonalData(run);
    const text = fs.readFileSync(first, "utf8");
    const identifiers = (parse(text) as { contacts: { identifier: string }[] }).contacts.map((e) => e.identifier);
    assert.deepEqual(identifiers, [7, 0, 4, 5, 6].map(seededPhone), "telegram, then whatsapp, without 1, 2 and 3");
    assert.doesNotMatch(text, /pulumi_owner:|acme\/dev\/|acme\/prod\//, "no mark in the file");
    assert.match(text, /^# Left out: 3 contacts already managed by Pulumi stacks \(owner mark in pulumi_owner\): acme\/dev: 2, acme\/prod: 1\.$/m);
    assert.equal(loadSeedFiles([first]).length, 5, "the file loads");

    assert.match(run.stdout, /^ {2}If this file is one of those stacks' seed file, export with --stack <project>\/<stack> to keep its contacts/m);
    // --owner-field says the same as the environment, and the file is the same bytes.
    const flagged = await exportWith(sim, ["--out", second, "--owner-field", "pulumi_owner"]);
    assert.equal(flagged.code, 0, flagged.stderr);
    assert.equal(flagged.stdout.replaceAll(path.basename(second), path.basename(first)), run.stdout);
    assert.equal(fs.readFileSync(second, "utf8"), text);
  });

  it("--stack <project>/<stack> writes that stack's own marked contacts (a re-export of its file keeps them), and leaves out the others", async () => {
    const file = freshFile();
    const run = await exportWith(sim, ["--out", file, "--owner-field", "pulumi_owner", "--stack", "acme/dev"]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^Wrote 7 contacts to .*; read 8 from Callbell\.$/m);
    assert.match(run.stdout, /^Left out 1 contact already managed by a Pulumi stack \(owner mark in pulumi_owner\): acme\/prod: 1; /m);
    assert.doesNotMatch(run.stdout, /export with --stack/, "no hint when --stack is given");
    await noPersonalData(run);
    const text = fs.readFileSync(file, "utf8");
    const identifiers = (parse(text) as { contacts: { identifier: string }[] }).contacts.map((e) => e.identifier);
    assert.deepEqual(identifiers, [7, 0, 1, 2, 4, 5, 6].map(seededPhone), "acme/dev's 1 and 2 are written; acme/prod's 3 is not");
    assert.doesNotMatch(text, /pulumi_owner:|acme\/dev\/|acme\/prod\//, "no mark in the file");
    assert.match(text, /^# For the stack acme\/dev: the contacts its owner marks name are its own, and are written\.$/m);
  });

  it("--stack is refused without an owner field, or when it is not <project>/<stack>; nothing is read or written", async () => {
    await sim.admin.clearRequests();
    for (const [args, message] of [
      [["--stack", "acme/dev"], /^error: --stack needs the owner field \(CALLBELL_OWNER_FIELD or --owner-field\)/m],
      [["--owner-field", "pulumi_owner", "--stack", "acme"], /^error: --stack: "acme" is not <project>\/<stack>, e.g\. acme\/dev/m],
    ] as const) {
      const file = freshFile();
      const run = await exportWith(sim, ["--out", file, ...args]);
      assert.equal(run.code, 2, run.stdout + run.stderr);
      assert.match(run.stderr, message);
      assert.ok(!fs.existsSync(file));
    }
    assert.deepEqual(await sim.admin.requests(), []);
  });

  it("without an owner field, says in one line that managed contacts cannot be told apart, and names the field that looks like one", async () => {
    const file = freshFile();
    const run = await exportWith(sim, ["--out", file]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^Wrote 8 contacts to /m);
    const notice = run.stdout.split("\n").filter((l) => /owner/i.test(l));
    assert.deepEqual(notice, [
      "No owner field set (CALLBELL_OWNER_FIELD or --owner-field): contacts that other stacks manage cannot be told apart and are included; " +
        "see docs/ownership.md.",
      "  Custom field pulumi_owner holds an owner mark (<project>/<stack>/<resource> @<backend>) on 3 contacts: if stacks manage this account " +
        "with it, export again with CALLBELL_OWNER_FIELD=pulumi_owner (or --owner-field pulumi_owner) to leave those contacts out.",
    ]);
    await noPersonalData(run);
  });

  it("without marks in the account, the notice is the one line", async () => {
    const bare = await startSimulator({ rateLimitPerSecond: 0 });
    try {
      await bare.admin.createContact(seededContactBody(0));
      const run = await exportWith(bare, ["--out", freshFile()]);
      assert.equal(run.code, 0, run.stderr);
      assert.deepEqual(
        run.stdout.split("\n").filter((l) => /owner/i.test(l)),
        [
          "No owner field set (CALLBELL_OWNER_FIELD or --owner-field): contacts that other stacks manage cannot be told apart and are included; " +
            "see docs/ownership.md.",
        ],
      );
    } finally {
      await bare.close();
    }
  });
});

describe("export --statuses: the account's custom statuses as a pulumi import file", function () {
  this.timeout(60_000);
  let sim: StartedSimulator;
  before(async () => {
    sim = await startSimulator({ pageSize: 2, rateLimitPerSecond: 0 });
    for (const [name, emoji] of [
      ["Lunch", "🍙"],
      ["In meeting", "💬"],
      ["lunch", null],
      ["¡Fuera!", null],
    ] as const) {
      await sim.admin.createCustomStatus({ name, emoji });
    }
  });
  after(() => sim?.close());

  it("writes every status over all pages, each under a unique resource name, owner-only, with GET requests only", async () => {
    const statuses = path.join(tmp, "statuses.json");
    const run = await exportWith(sim, ["--out", freshFile(), "--statuses", statuses]);
    assert.equal(run.code, 0, run.stderr);
    const ids = Object.fromEntries((await sim.admin.customStatuses()).map((s) => [s.name, s.id]));
    assert.deepEqual(JSON.parse(fs.readFileSync(statuses, "utf8")), {
      resources: [
        { type: "callbell:index:CustomStatus", name: "lunch", id: ids.Lunch },
        { type: "callbell:index:CustomStatus", name: "in-meeting", id: ids["In meeting"] },
        { type: "callbell:index:CustomStatus", name: "lunch-2", id: ids.lunch },
        { type: "callbell:index:CustomStatus", name: "fuera", id: ids["¡Fuera!"] },
      ],
    });
    assert.equal(fs.statSync(statuses).mode & 0o777, 0o600);
    assert.match(run.stdout, /Wrote 4 custom statuses to .*statuses\.json: `pulumi import --file statuses\.json` adds them to the stack as adopted/);
    onlyGets(await sim.admin.requests());
    assert.deepEqual(
      requestLines(await sim.admin.requests()).filter((l) => l.includes("custom_statuses")),
      ["GET /v1/custom_statuses?page=1", "GET /v1/custom_statuses?page=2"],
    );
  });

  it("keeps an existing statuses file unless --force, and writes nothing", async () => {
    const statuses = path.join(tmp, "kept.json");
    fs.writeFileSync(statuses, "mine");
    const run = await exportWith(sim, ["--out", freshFile(), "--statuses", statuses]);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /^error: --statuses: .*kept\.json already exists; choose another file, or add --force to overwrite it/);
    assert.equal(fs.readFileSync(statuses, "utf8"), "mine");
  });
});
