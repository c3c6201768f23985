// `export` reads GET /contacts a few pages ahead: how many pages it asks for (the simulator's request log), that
// contacts keep their listing order, and that a failing page fails the export as it did when pages were read one by one.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse } from "yaml";
import { runExport } from "../../provider/src/doors/cli/export";
import { AccountClient, pageLookAhead } from "../../provider/src/client/account";
import { seedAccount, seededPhone } from "./support";
import { RequestLogEntry, StartedSimulator, startSimulator } from "callbell-simulator";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "callbell-export-paging-"));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));
let fileCounter = 0;
const freshFile = () => path.join(tmp, `contacts-${++fileCounter}.yaml`);

interface Run {
  code: number;
  stdout: string;
  stderr: string[];
}

async function exportTo(sim: StartedSimulator, file: string): Promise<Run> {
  const out: string[] = [];
  const err: string[] = [];
  const io = { out: (line: string) => out.push(line), err: (line: string) => err.push(line) };
  const code = await runExport(["--out", file], { CALLBELL_API_URL: sim.url, CALLBELL_API_TOKEN: sim.token }, io);
  return { code, stdout: out.join("\n"), stderr: err };
}

// Page numbers of the GET /contacts requests, in the order they were sent (the log lists them as they finished).
const contactPages = (log: RequestLogEntry[]) =>
  log
    .filter((e) => e.method === "GET" && e.path.startsWith("/v1/contacts?"))
    .sort((a, b) => a.seq - b.seq)
    .map((e) => Number(new URL(e.path, "http://sim").searchParams.get("page")));
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);
// The progress lines of pages read one by one before the look-ahead: page p with the count so far.
const progress = (contacts: number, pageSize: number) =>
  range(1, Math.ceil(contacts / pageSize)).map((p) => `read page ${p} (${Math.min(p * pageSize, contacts)} contacts)`);

describe("export: GET /contacts pages read ahead, at most pageLookAhead - 1 past the end", function () {
  this.timeout(60_000);
  // contacts, pages read one by one (until an empty or short page), pages requested with the look-ahead.
  const cases: Array<[number, number, number]> = [
    [0, 1, 1],
    [30, 2, 3],
    [50, 2, 3],
    [250, 6, 9],
    [237, 5, 8],
  ];
  for (const [contacts, pagesRead, pagesRequested] of cases) {
    it(`${contacts} contacts in pages of 50: pages 1 to ${pagesRequested} requested once each, ${pagesRead} read`, async () => {
      const sim = await startSimulator({ rateLimitPerSecond: 0 });
      try {
        await seedAccount(sim, contacts);
        const run = await exportTo(sim, freshFile());
        assert.equal(run.code, 0, run.stderr.join("\n"));
        assert.deepEqual(run.stderr, progress(contacts, 50));
        assert.match(run.stdout, new RegExp(`read ${contacts} from Callbell\\.$`, "m"));
        const pages = contactPages(await sim.admin.requests());
        assert.deepEqual(
          [...pages].sort((a, b) => a - b),
          range(1, pagesRequested),
          "each page once",
        );
        assert.equal(pages[0], 1, "page 1 first, alone");
        assert.ok(pages.length <= pagesRead + pageLookAhead, `${pages.length} requests for ${pagesRead} pages`);
      } finally {
        await sim.close();
      }
    });
  }
});

describe("export: pages read ahead keep the listing order", function () {
  this.timeout(60_000);
  let sim: StartedSimulator;
  before(async () => {
    // Callbell may hold a contact twice; the export keeps the one listed first, so the order of pages matters.
    sim = await startSimulator({ rateLimitPerSecond: 0, duplicates: "allow", pageSize: 10 });
    await sim.admin.createContact({ identifier: seededPhone(900), source: "whatsapp", name: "Listed first" });
    await seedAccount(sim, 95);
    await sim.admin.createContact({ identifier: seededPhone(900), source: "whatsapp", name: "Listed later" });
  });
  after(() => sim?.close());

  it("lists every contact in Callbell's order, as reading the pages one by one does", async () => {
    const client = new AccountClient({ baseUrl: sim.url, token: sim.token });
    const oneByOne = [];
    for (let page = 1; ; page++) {
      const contacts = await client.listContacts(page, {}, true);
      if (contacts.length === 0) break;
      oneByOne.push(...contacts);
    }
    const progress: Array<[number, number]> = [];
    const all = await client.listAllContacts({}, true, (page, total) => progress.push([page, total]));
    assert.deepEqual(all, oneByOne);
    assert.deepEqual(
      all.map((c) => c.uuid),
      (await sim.admin.contacts()).map((c) => c.uuid),
    );
    assert.deepEqual(progress, [...range(1, 9).map((p) => [p, p * 10]), [10, 97]]);
  });

  it("writes the contact listed first, on page 1, and skips its twin listed on page 10", async () => {
    const file = freshFile();
    const run = await exportTo(sim, file);
    assert.equal(run.code, 0, run.stderr.join("\n"));
    assert.match(run.stdout, /^ {2}1: Callbell holds another contact with the same identifier on the same channel \(the first one listed is exported\)$/m);
    const entries = (parse(fs.readFileSync(file, "utf8")) as { contacts: Array<Record<string, unknown>> }).contacts;
    assert.deepEqual(
      entries.filter((e) => e.identifier === seededPhone(900)).map((e) => e.name),
      ["Listed first"],
    );
  });
});

describe("export: a page that keeps failing", function () {
  this.timeout(60_000);
  let sim: StartedSimulator;
  before(async () => {
    sim = await startSimulator({ rateLimitPerSecond: 0 });
    await seedAccount(sim, 237);
  });
  after(() => sim?.close());
  beforeEach(() => sim.admin.clearRequests());

  it("fails at that page with the transport's error after its retries, exit 1, no file, pages read before it reported", async () => {
    // Page 3 answers 503 to every attempt: the first one and the client's 6 retries.
    await sim.admin.script([{ path: "/v1/contacts", query: { page: "3" }, action: "503", times: 7 }]);
    const file = freshFile();
    const run = await exportTo(sim, file);
    assert.equal(run.code, 1);
    assert.deepEqual(run.stderr, [
      "read page 1 (50 contacts)",
      "read page 2 (100 contacts)",
      "error: Callbell server error: GET /contacts?page=3&include_field_types=true answered 503 — simulated server error 503; " +
        `the request was not processed. Nothing was written to ${file}.`,
    ]);
    assert.equal(fs.existsSync(file), false);
    const pages = contactPages(await sim.admin.requests());
    assert.equal(pages.filter((p) => p === 3).length, 7, "page 3: the first attempt and 6 retries");
    assert.deepEqual([...new Set(pages)].sort(), range(1, 6), "nothing past the window of the page that failed");
  });

  it("a page past the end that fails does not fail the export: it was never read", async () => {
    await sim.admin.script([{ path: "/v1/contacts", query: { page: "7" }, action: "503", times: 7 }]);
    const run = await exportTo(sim, freshFile());
    assert.equal(run.code, 0, run.stderr.join("\n"));
    assert.deepEqual(run.stderr, progress(237, 50));
    const pages = contactPages(await sim.admin.requests());
    assert.equal(pages.filter((p) => p === 7).length, 7, "page 7 was requested ahead, and failed every attempt");
    assert.deepEqual([...new Set(pages)].sort(), range(1, 8));
  });
});
