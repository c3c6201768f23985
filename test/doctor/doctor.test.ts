// `pulumi-callbell doctor` against the simulator in each variant: the table names the variant, a read-only run sends
// only GETs, the probe touches only its own number, and neither the token nor the number leaks where it must not.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { runDoctor } from "../../provider/src/doors/cli/doctor";
import { ApiVariants, RequestLogEntry, SimulatorOptions, StartedSimulator, startSimulator } from "callbell-simulator";

const NUMBER = "+39 333 999 0001";
const DIGITS = "393339990001";
const PROBE = ["--probe", NUMBER, "--tags", "qa,vip", "--field", "company"];

/** Runs doctor with the simulator's settings; answers the exit code and every line it printed. */
async function doctor(sim: StartedSimulator, args: string[], env: Record<string, string> = {}): Promise<{ code: number; out: string[] }> {
  const out: string[] = [];
  const io = { out: (line: string) => out.push(line), err: (line: string) => out.push(line) };
  const code = await runDoctor(args, { CALLBELL_API_URL: sim.url, CALLBELL_API_TOKEN: sim.token, CALLBELL_OWNER_FIELD: "pulumi_owner", ...env }, io);
  return { code, out };
}

/** The result column of a check's row. */
function resultOf(out: string[], check: string): string {
  const row = out.find((line) => line.startsWith(`${check}  `));
  assert.ok(row, `no row '${check}' in:\n${out.join("\n")}`);
  return row.slice(check.length).trim();
}

/** A row's result and meaning, as shown (the columns' padding aside). */
const cellsOf = (out: string[], check: string): string[] => resultOf(out, check).split(/ {2,}/);

const writes = (log: RequestLogEntry[]) => log.filter((e) => e.method !== "GET");

describe("pulumi-callbell doctor", function () {
  let sim: StartedSimulator;
  let bystander: string;
  const start = async (options: SimulatorOptions = {}) => {
    sim = await startSimulator({ rateLimitPerSecond: 0, ...options });
    // A contact of the account that doctor must never touch; it carries the owner field, so its type can be seen.
    bystander = (await sim.admin.createContact({ identifier: "393331110000", source: "whatsapp", name: "Someone", custom_fields: { pulumi_owner: "x/y/z" } }))
      .uuid;
    await sim.admin.clearRequests();
  };
  afterEach(async () => sim?.close());

  it("read-only: checks the account with GET requests only and exits 0", async () => {
    await start();
    const { code, out } = await doctor(sim, []);
    assert.equal(code, 0, out.join("\n"));
    assert.match(resultOf(out, "token"), /^ok: valid: account owner@acme-dev\.example/);
    assert.match(resultOf(out, "owner field"), /^ok: 'pulumi_owner' seen on 1 contact\(s\), type text/);
    // A count of page 1, not a page size (Callbell documents none), and named so.
    assert.deepEqual(cellsOf(out, "contacts"), [
      "ok: readable (1 on page 1)",
      "export and lookups page until a page comes back short or empty, whatever the page size (Callbell documents none)",
    ]);
    assert.ok(!out.some((line) => line.startsWith("contacts page size")));
    for (const check of ["teams", "channels", "team members", "rate-limit headers"]) assert.match(resultOf(out, check), /^ok: /);
    const log = await sim.admin.requests();
    assert.ok(log.length >= 5);
    assert.deepEqual(writes(log), [], "a read-only run sends only GETs");
    assert.ok(!out.join("\n").includes(sim.token), "the token never appears in the output");
  });

  it("an owner field on no contact of page 1: a read-only run says to run --probe, a probe run says its own rows tell", async () => {
    await start();
    const readOnly = await doctor(sim, [], { CALLBELL_OWNER_FIELD: "company" });
    assert.deepEqual(cellsOf(readOnly.out, "owner field"), [
      "note: 'company' on no contact of page 1",
      "its type cannot be seen until a contact has it: run doctor --probe to check a POST stores it",
    ]);
    const probe = await doctor(sim, ["--probe", NUMBER], { CALLBELL_OWNER_FIELD: "company" });
    assert.equal(probe.code, 0, probe.out.join("\n"));
    assert.deepEqual(cellsOf(probe.out, "owner field"), [
      "note: 'company' on no contact of page 1",
      "its type cannot be seen until a contact has it: the probe's rows below say whether a create stores it",
    ]);
    assert.ok(!probe.out.join("\n").includes("run doctor --probe"), "a probe run is not told to run a probe");
    assert.match(resultOf(probe.out, "custom field in POST"), /^ok: stored/);
  });

  it("fails (exit 1) on a wrong expectedAccount and on a token Callbell refuses, and exit 2 on a usage error", async () => {
    await start();
    const wrong = await doctor(sim, [], { CALLBELL_EXPECTED_ACCOUNT: "someone@else.example" });
    assert.equal(wrong.code, 1);
    assert.match(resultOf(wrong.out, "expectedAccount"), /^FAIL: is someone@else\.example/);
    const refused = await doctor(sim, [], { CALLBELL_API_TOKEN: "sim_00000000000000000000000000000000" });
    assert.equal(refused.code, 1);
    assert.match(resultOf(refused.out, "token"), /^FAIL: refused \(401\)/);
    assert.ok(!refused.out.join("\n").includes("sim_00000000000000000000000000000000"));
    assert.equal((await doctor(sim, ["--token", sim.token])).code, 2);
    assert.equal((await doctor(sim, ["--probe", "12"])).code, 2);
    assert.equal((await doctor(sim, ["--tags", "qa,vip"])).code, 2);
  });

  it("--probe refuses, writing nothing, when the number is already a contact", async () => {
    await start();
    const { code, out } = await doctor(sim, ["--probe", "+39 333 111 0000"]);
    assert.equal(code, 1);
    assert.match(resultOf(out, "probe number"), /^FAIL: \+39 333 111 0000 is already a contact/);
    assert.deepEqual(writes(await sim.admin.requests()), []);
  });

  it("--probe after a probe that was killed removes what that one left (its name and mark), then runs and leaves nothing", async () => {
    await start({ duplicates: "allow" });
    // What a killed probe leaves: two contacts on its number with its name and mark, and nothing else touched.
    const left = [];
    for (let i = 0; i < 2; i++) {
      left.push(
        (
          await sim.admin.createContact({
            identifier: DIGITS,
            source: "whatsapp",
            name: "pulumi-callbell doctor probe",
            custom_fields: { pulumi_owner: "pulumi-callbell/doctor/probe" },
          })
        ).uuid,
      );
    }
    await sim.admin.clearRequests();
    const { code, out } = await doctor(sim, PROBE);
    assert.equal(code, 0, out.join("\n"));
    assert.match(resultOf(out, "earlier probe"), /^ok: removed 2 contact\(s\) an earlier, stopped probe left on \+39 333 999 0001/);
    assert.match(resultOf(out, "left behind"), /^ok: nothing/);
    const deleted = writes(await sim.admin.requests())
      .filter((e) => e.method === "DELETE")
      .map((e) => e.path.split("/").pop());
    for (const uuid of left) assert.ok(deleted.includes(uuid), `the leftover ${uuid} is deleted`);
    assert.deepEqual(
      (await sim.admin.contacts()).map((c) => c.uuid),
      [bystander],
    );
  });

  it("--probe never removes a real contact on its number, even one that has the probe's name but not its mark", async () => {
    await start();
    await sim.admin.createContact({ identifier: DIGITS, source: "whatsapp", name: "pulumi-callbell doctor probe", custom_fields: { pulumi_owner: "x/y/z" } });
    await sim.admin.clearRequests();
    const { code, out } = await doctor(sim, PROBE);
    assert.equal(code, 1);
    assert.match(resultOf(out, "probe number"), /^FAIL: \+39 333 999 0001 is already a contact/);
    assert.deepEqual(writes(await sim.admin.requests()), []);
  });

  // Each variant, and what the table must say about it.
  const cases: { variants: Partial<ApiVariants>; rows: Record<string, RegExp> }[] = [
    {
      variants: {},
      rows: {
        duplicates: /^ok: refused \(409\)/,
        '"" on PATCH': /^ok: clears/,
        "PATCH tags": /^ok: replace/,
        "error body": /^ok: 422 \{"error": \{"message", "field"\}\}, names 'tags'/,
        "DELETE of a missing contact": /^ok: 404/,
        "contact in answers": /^ok: POST: array/,
        "lookup by phone": /^ok: finds it \(contact as an object\)/,
      },
    },
    { variants: { duplicates: "allow" }, rows: { duplicates: /^note: allowed \(a second contact\)/ } },
    { variants: { emptyFieldOnPatch: "ignored" }, rows: { '"" on PATCH': /^note: ignored/ } },
    { variants: { patchTags: "merge" }, rows: { "PATCH tags": /^note: merge/ } },
    { variants: { errorBody: "flat" }, rows: { "error body": /^ok: 422 \{"error": "message"\}, names no field/ } },
    { variants: { errorBody: "list" }, rows: { "error body": /^ok: 422 \{"errors": \[\{"field", "message"\}\]\}, names 'tags'/ } },
    { variants: { deleteMissing: "200" }, rows: { "DELETE of a missing contact": /^ok: 200 \(as if deleted\)/ } },
    { variants: { contactShape: "object" }, rows: { "contact in answers": /^ok: POST: object/, "GET by uuid": /^ok: contact as an object/ } },
    { variants: { contactShape: "array" }, rows: { "lookup by phone": /^ok: finds it \(contact as an array\)/ } },
  ];
  for (const { variants, rows } of cases) {
    const name =
      Object.entries(variants)
        .map(([k, v]) => `${k} ${v}`)
        .join(", ") || "the defaults";
    it(`--probe names the variant (${name}), touches only its own number and leaves nothing`, async () => {
      await start(variants);
      const before = await sim.admin.contacts();
      const { code, out } = await doctor(sim, PROBE);
      assert.equal(code, 0, out.join("\n"));
      for (const [check, expected] of Object.entries(rows)) assert.match(resultOf(out, check), expected);
      assert.match(resultOf(out, "left behind"), /^ok: nothing/);
      assert.deepEqual(await sim.admin.contacts(), before, "the account is as it was");
      const log = await sim.admin.requests();
      // Every write is a POST of the probe's number or goes to a contact created by one: never the bystander.
      const own = new Set<string>();
      const contactWrites = log.filter((e) => e.path.includes("/contacts"));
      for (const entry of contactWrites) {
        if (entry.method === "POST") assert.equal((entry.body as { identifier: string }).identifier, DIGITS);
        if (entry.method !== "GET" && entry.method !== "POST") {
          const uuid = entry.path.split("/").pop()!;
          assert.notEqual(uuid, bystander);
          own.add(uuid);
        }
      }
      assert.ok(own.size >= 1);
      assert.ok(!log.some((e) => e.path.includes(bystander)), "the bystander is never even read by uuid");
      // The status probe: its own status and a second of its name, both deleted; the account's statuses as they were.
      const statusWrites = log.filter((e) => e.path.includes("/custom_statuses") && e.method !== "GET");
      assert.deepEqual(
        statusWrites.map((e) => e.method),
        ["POST", "POST", "DELETE", "DELETE"],
      );
      assert.ok(statusWrites.every((e) => e.method !== "POST" || String((e.body as { name: string }).name).startsWith("pulumi-callbell doctor probe ")));
      assert.deepEqual(await sim.admin.customStatuses(), []);
      assert.match(resultOf(out, "custom status name twice"), /^ok: Callbell makes a second status of one name /);
      const printed = out.join("\n");
      assert.ok(!printed.includes(sim.token));
      assert.match(printed, /Requests sent \(\d+\): GET \/auth\/me 200, /);
    });
  }

  it("--probe that loses a POST's answer still cleans up, reports it, and says where to look", async () => {
    await start();
    await sim.admin.script([{ method: "POST", path: "/v1/contacts", action: "commit-then-reset" }]);
    const { code, out } = await doctor(sim, PROBE);
    assert.equal(code, 1);
    assert.match(resultOf(out, "probe"), /^FAIL: stopped: /);
    assert.match(out.join("\n"), /search \+393339990001 in the Callbell dashboard/);
    assert.match(resultOf(out, "left behind"), /^ok: nothing/, "the lost create is found on the number by its name and deleted");
    assert.deepEqual(
      (await sim.admin.contacts()).map((c) => c.uuid),
      [bystander],
    );
  });

  it("--probe without --tags and --field runs the field rows on the owner field, and says which flag runs the tag rows", async () => {
    await start({ emptyFieldOnPatch: "ignored" });
    const { code, out } = await doctor(sim, ["--probe", NUMBER]);
    assert.equal(code, 0, out.join("\n"));
    assert.match(resultOf(out, "custom field in POST"), /^ok: stored/);
    assert.match(resultOf(out, '"" on PATCH'), /^note: ignored/, "tried on the owner field");
    assert.match(resultOf(out, "PATCH tags"), /^-: no tags to try +pass --tags A,B \(two tags the account has\)/);
    assert.ok(!out.some((line) => line.startsWith("tag in another case")));
    assert.match(resultOf(out, "left behind"), /^ok: nothing/);
    assert.deepEqual(await sim.admin.contacts().then((all) => all.map((c) => c.uuid)), [bystander]);
  });

  it("--probe without an owner field, --tags or --field skips the field and tag rows, naming the flag for each", async () => {
    await start();
    const { code, out } = await doctor(sim, ["--probe", NUMBER], { CALLBELL_OWNER_FIELD: "" });
    assert.equal(code, 0, out.join("\n"));
    for (const check of ["custom field in POST", '"" on PATCH']) assert.match(resultOf(out, check), /^-: no field to try +pass --field NAME/);
    assert.match(resultOf(out, "PATCH tags"), /^-: no tags to try +pass --tags A,B/);
    const posts = (await sim.admin.requests()).filter((e) => e.method === "POST");
    assert.ok(
      posts.every((e) => (e.body as Record<string, unknown>).custom_fields === undefined),
      "no custom field is written",
    );
  });

  it("--tags naming a tag the account lacks fails the tag row, naming the flag, and still cleans up", async () => {
    await start({ errorBody: "list" });
    const { code, out } = await doctor(sim, ["--probe", NUMBER, "--tags", "qa,no-such-tag", "--field", "company"]);
    assert.equal(code, 1);
    assert.match(resultOf(out, "PATCH tags"), /^FAIL: --tags qa,no-such-tag refused \(422, names 'tags'\) +pass --tags A,B with two tags the account has/);
    assert.match(resultOf(out, "custom field in POST"), /^ok: stored/, "the field rows are not blamed");
    assert.match(resultOf(out, '"" on PATCH'), /^ok: clears/);
    assert.match(resultOf(out, "left behind"), /^ok: nothing/);
    assert.deepEqual(await sim.admin.contacts().then((all) => all.map((c) => c.uuid)), [bystander]);
  });

  it("--field naming a field the account lacks says so, instead of blaming custom fields in POST, and still cleans up", async () => {
    await start();
    const { code, out } = await doctor(sim, ["--probe", NUMBER, "--tags", "qa,vip", "--field", "no_such_field"]);
    assert.equal(code, 1);
    assert.match(
      resultOf(out, "custom field"),
      /^FAIL: 'no_such_field' refused by POST and PATCH \(422, names 'custom_fields\.no_such_field'\) +pass --field NAME of an existing text custom field \(--field no_such_field is not\)/,
    );
    assert.ok(!out.some((line) => line.startsWith("custom field in POST")), "the create is not blamed");
    assert.match(resultOf(out, '"" on PATCH'), /^-: no field to try/);
    assert.match(resultOf(out, "PATCH tags"), /^ok: replace/, "the tag rows still run");
    assert.match(resultOf(out, "left behind"), /^ok: nothing/);
    assert.deepEqual(await sim.admin.contacts().then((all) => all.map((c) => c.uuid)), [bystander]);
  });

  it("--json writes the findings with the token and the number redacted", async () => {
    await start();
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "doctor-")), "findings.json");
    const { code } = await doctor(sim, [...PROBE, "--json", file]);
    assert.equal(code, 0);
    const text = fs.readFileSync(file, "utf8");
    const report = JSON.parse(text) as { findings: { check: string }[]; requests: unknown[] };
    assert.ok(report.findings.some((f) => f.check === "duplicates"));
    assert.ok(report.requests.length > 10);
    assert.ok(!text.includes(sim.token));
    assert.ok(!text.includes(DIGITS) && !text.includes("333 999 0001"), "no phone number in the file");
    assert.match(text, /<number>/);
  });
});

/** doctor's output as docs/doctor.md shows it: the simulator's port and the contacts' uuids made stable. */
export function pageExample(out: string[]): string {
  return out
    .map((line) =>
      line
        .replace(/127\.0\.0\.1:\d+/g, "127.0.0.1:4010")
        .replace(/\b[0-9a-f]{32}\b/g, "<uuid>")
        .replace(/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/g, "<id>"),
    )
    .join("\n");
}

describe("docs/doctor.md: Check your account first", () => {
  it("shows the output of doctor --probe against the simulator, verbatim", async () => {
    const sim = await startSimulator({ rateLimitPerSecond: 0 });
    try {
      await sim.admin.createContact({ identifier: "393331110000", source: "whatsapp", name: "Someone", custom_fields: { pulumi_owner: "x/y/z" } });
      const { code, out } = await doctor(sim, PROBE, { CALLBELL_EXPECTED_ACCOUNT: "owner@acme-dev.example" });
      assert.equal(code, 0);
      const page = fs.readFileSync(path.join(__dirname, "../../docs/doctor.md"), "utf8");
      const block = /<!-- doctor-example: test\/doctor\/doctor\.test\.ts -->\n```\n\$ [^\n]*\n([\s\S]*?)\n```/.exec(page);
      if (process.env.WRITE_README_EXAMPLE) fs.writeFileSync("/tmp/doctor-example.txt", pageExample(out));
      assert.ok(block, "docs/doctor.md has the doctor example block");
      assert.equal(block[1], pageExample(out));
    } finally {
      await sim.close();
    }
  });
});
