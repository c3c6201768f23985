// What a reviewer and an operator see, through the real engine: the drifted property in a
// preview after a refresh, a bad seed file as one block, each error said once, the way forward
// in every error a user can cause, and the token in none of the engine's output or log files.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { Stack } from "@pulumi/pulumi/automation";
import type { ContactArgs } from "pulumi-callbell";
import { exportState, openStack, programNamed, recordOutput, REPO_ROOT, resourcesOfType } from "../harness";
import { StartedSimulator, startSimulator } from "callbell-simulator";

const CONTACT = "pulumi-nodejs:dynamic/callbell:Contact";
const contactsProgram = programNamed("contacts");
const seedProgram = programNamed("seed-set");
const alice: ContactArgs = { identifier: "393331234567", source: "whatsapp", name: "QA Alice", tags: ["seed", "qa"], note: "first" };
const occurrences = (text: string, part: string) => text.split(part).length - 1;

describe("engine end to end: what a reviewer and an operator see", function () {
  this.timeout(300_000);
  let sim: StartedSimulator;
  const stacks: Stack[] = [];

  async function open(
    stackName: string,
    program: () => Promise<Record<string, unknown>>,
    config: Record<string, string>,
    env: Record<string, string> = {},
  ): Promise<Stack> {
    const stack = await openStack({
      projectName: "callbell-review",
      stackName,
      program,
      env,
      config: {
        "callbell:apiUrl": { value: sim.url },
        ...(env.CALLBELL_API_TOKEN ? {} : { "callbell:apiToken": { value: sim.token, secret: true } }),
        ...Object.fromEntries(Object.entries(config).map(([k, v]) => [k, { value: v }])),
      },
    });
    stacks.push(stack);
    return stack;
  }

  before(async function () {
    this.timeout(30 * 60_000);
    sim = await startSimulator({ duplicates: "allow" });
  });
  beforeEach(async () => sim.admin.reset());
  after(async () => {
    for (const stack of stacks) await stack.workspace.removeStack(stack.name, { force: true }).catch(() => undefined);
    await sim?.close();
  });

  it("after a refresh, preview --diff shows each drifted field, and tags as a set (no reorder)", async () => {
    const stack = await open("drift", contactsProgram, { "test:contacts": JSON.stringify({ "qa-alice": alice }) });
    await stack.up();
    const [resource] = resourcesOfType(await exportState(stack), CONTACT);
    await sim.admin.editContact(String(resource.id), { name: "Edited by hand", tags: ["qa", "seed", "vip"] });
    await sim.admin.clearRequests();
    await stack.refresh();
    assert.deepEqual(
      (await sim.admin.requests()).map((e) => e.method),
      ["GET"],
      "refresh --skip-preview reads each contact once",
    );
    const preview = await stack.preview({ diff: true });
    assert.match(preview.stdout, /~ name\s*: "Edited by hand" => "QA Alice"/);
    assert.match(preview.stdout, /- \[\d\]: "vip"/, "the tag added in the dashboard shows as removed");
    assert.doesNotMatch(preview.stdout, /\[\d\]: "(seed|qa)" => "(seed|qa)"/, "no reorder noise");
    await sim.admin.clearRequests();
    await stack.up();
    const patch = (await sim.admin.requests()).find((e) => e.method === "PATCH");
    assert.deepEqual(patch?.body, { name: "QA Alice", tags: ["qa", "seed"] });
    assert.equal((await stack.preview({ diff: true })).changeSummary.same, 2, "converged");
  });

  it("a bad seed file fails the preview as one block: file, line, entry, field; no stack, no ANSI, said once; nothing sent", async () => {
    const dir = fs.mkdtempSync(path.join(REPO_ROOT, ".pulumi-local", "review-"));
    const file = path.join(dir, "contacts.yaml");
    fs.writeFileSync(file, 'contacts:\n  - { identifier: "393331234567", source: whatsapp, name: QA Alice, assignedUser: bob }\n');
    const stack = await open("bad-seed", seedProgram, { "test:files": JSON.stringify([file]) });
    let stdout = "";
    await assert.rejects(stack.preview({ onOutput: (out) => (stdout += out) }), (e: Error) => {
      const text = e.message + stdout;
      assert.match(stdout, /contacts\.yaml:2 \(identifier 393331234567\): assignedUser "bob" is not an email address/);
      assert.doesNotMatch(text, /unhandled exception/);
      assert.ok(!text.includes("\u001b["), "no ANSI colour codes");
      assert.doesNotMatch(text, /at (Object|new|Module)\.|problems:|\bname: 'SeedFileError'/, "no stack trace, no inspect dump");
      // Said once through the language host (test/plain-cli); an inline Automation API program
      // gets a second copy from the Automation API itself (its response error and its log).
      return true;
    });
    assert.deepEqual(await sim.admin.requests(), []);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("a failed read (refresh) is said once, with no second copy from the provider host", async () => {
    const stack = await open("read-error", contactsProgram, { "test:contacts": JSON.stringify({ "qa-alice": alice }) });
    await stack.up();
    const [resource] = resourcesOfType(await exportState(stack), CONTACT);
    await sim.admin.script([{ method: "GET", path: `/v1/contacts/${resource.id}`, action: "500", times: 7 }]);
    let stdout = "";
    await assert.rejects(stack.refresh({ onOutput: (out) => (stdout += out) }), (e: Error) => {
      assert.match(stdout, /Could not read contact "QA Alice" \(393331234567\): Callbell server error: GET \/contacts\/\w+ answered 500/);
      const diagnostics = stdout.slice(stdout.indexOf("Diagnostics:"), stdout.indexOf("Resources:"));
      assert.equal(occurrences(diagnostics, "Could not read contact"), 1, "said once among the diagnostics");
      assert.doesNotMatch(stdout + e.message, /ContactError:/, "no second copy from the provider host");
      return true;
    });
  });

  it("a PATCH answered 404 (deleted in the dashboard, then changed in code) says to refresh", async () => {
    const stack = await open("patch-404", contactsProgram, { "test:contacts": JSON.stringify({ "qa-alice": alice }) });
    await stack.up();
    const [resource] = resourcesOfType(await exportState(stack), CONTACT);
    await sim.admin.deleteContact(String(resource.id));
    await stack.setConfig("test:contacts", { value: JSON.stringify({ "qa-alice": { ...alice, name: "QA Alice 2" } }) });
    const rec = recordOutput();
    await assert.rejects(stack.up(rec.opts), (e: Error) => {
      assert.match(
        e.message + rec.text(),
        new RegExp(`Callbell has no contact ${resource.id} any more \\(deleted in the dashboard\\?\\); run 'pulumi refresh' to drop it from the state`),
      );
      return true;
    });
    await stack.refresh();
    await stack.up();
    assert.equal((await sim.admin.contacts()).length, 1);
  });

  it("an apiUrl without /v1 fails before any request, saying what to set", async () => {
    const stack = await open("no-v1", contactsProgram, {
      "test:contacts": JSON.stringify({ "qa-alice": alice }),
      "callbell:apiUrl": sim.url.replace(/\/v1\/?$/, ""),
    });
    const rec = recordOutput();
    await assert.rejects(stack.up(rec.opts), (e: Error) => {
      assert.match(e.message + rec.text(), /callbell:apiUrl \\?"http:\/\/127\.0\.0\.1:\d+\\?" does not end with \/v1, the API version this provider speaks/);
      return true;
    });
    assert.deepEqual(await sim.admin.requests(), []);
  });

  it("personalData secret: a failing run (bad seed file, then a write Callbell refuses) prints no number and no name", async () => {
    const dir = fs.mkdtempSync(path.join(REPO_ROOT, ".pulumi-local", "review-"));
    const file = path.join(dir, "contacts.yaml");
    fs.writeFileSync(file, 'contacts:\n  - { identifier: "393331234567", source: whatsapp, name: Alice Rossi, assignedUser: alice.rossi }\n');
    const stack = await open("secret-failures", seedProgram, { "test:files": JSON.stringify([file]), "test:personalData": "secret" });
    const seen: string[] = [];
    const rec = recordOutput();
    const collect = { ...rec.opts, onError: (err: string) => seen.push(err) };
    await assert.rejects(stack.preview(collect), (e: Error) => (seen.push(e.message), true));
    fs.writeFileSync(file, 'contacts:\n  - { identifier: "393331234567", source: whatsapp, name: Alice Rossi, tags: [no-such-tag] }\n');
    await assert.rejects(stack.up(collect), (e: Error) => (seen.push(e.message), true));
    const everything = seen.join("\n") + rec.text();
    assert.match(everything, /assignedUser \\?"\[hidden\]\\?" is not an email address/);
    assert.match(everything, /Could not create contact \\?"\[hidden\]\\?" \(…567\)/);
    for (const secret of ["393331234567", "Alice Rossi", "alice.rossi", "+39 333 123 4567"]) assert.ok(!everything.includes(secret), `${secret} in the output`);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  for (const where of ["CALLBELL_API_TOKEN", "stack config"] as const) {
    it(`the token at -v=9 --debug --logtostderr (${where}): where its bytes appear`, async () => {
      const logs = fs.mkdtempSync(path.join(os.tmpdir(), "pulumi-logs-"));
      const env: Record<string, string> = { TMPDIR: logs };
      if (where === "CALLBELL_API_TOKEN") env.CALLBELL_API_TOKEN = sim.token;
      const stack = await open(
        `token-${where === "stack config" ? "config" : "env"}`,
        contactsProgram,
        { "test:contacts": JSON.stringify({ "qa-alice": alice }) },
        env,
      );
      const rec = recordOutput();
      const opts = { ...rec.opts, logVerbosity: 9, logToStdErr: true, debug: true } as Parameters<Stack["up"]>[0];
      await stack.up(opts);
      const verbose = { ...rec.opts, logVerbosity: 9, debug: true } as Parameters<Stack["preview"]>[0];
      await stack.preview(verbose); // without --logtostderr: the engine writes its log files under TMPDIR
      // The engine's log files (pulumi.<host>.<user>.log.*); the provider's lock folder lives in the same TMPDIR.
      const files = fs.readdirSync(logs).filter((f) => f.startsWith("pulumi") && fs.statSync(path.join(logs, f)).isFile());
      assert.ok(files.length > 0, "the engine wrote log files");
      const logText = files.map((f) => fs.readFileSync(path.join(logs, f), "utf8")).join("\n");
      assert.ok(
        (await sim.admin.requests()).every((e) => e.status !== 401),
        "the token was used",
      );
      if (where === "CALLBELL_API_TOKEN") {
        assert.ok(!rec.text().includes(sim.token), "token in the engine's stdout, stderr or events");
        assert.ok(!logText.includes(sim.token), "token in the engine's log files");
      } else {
        // Pulumi itself logs provider config in clear at -v=9 (docs/secrets.md, "Secrets and personal data").
        // Pulumi itself logs provider config in clear at -v=9, to its log file and, with
        // --logtostderr, to stderr: what docs/secrets.md says, and why it recommends the variable.
        assert.ok(logText.includes(sim.token), "Pulumi's log file holds the stack-config token at -v=9");
        assert.ok(rec.text().includes(sim.token), "Pulumi's stderr holds it with --logtostderr");
      }
      fs.rmSync(logs, { recursive: true, force: true });
    });
  }
});
