// The plain `pulumi` CLI on this repository's program folders, the commands a user and the
// workflows run: the root project's dev stack exactly as committed (Pulumi.dev.yaml points at
// a simulator on 127.0.0.1:4010 with the demo token and passphrase, as the block in docs/dev-stack.md
// runs it), and every example under examples/ with `pulumi install`. Each step asserts the
// exit code, the CLI's output and the simulator's request log.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { REPO_ROOT } from "../harness";
import { pageBlocks } from "../harness/doc-blocks";
import { RequestLogEntry, StartedSimulator, startSimulator } from "callbell-simulator";
import { CliResult, cliEnv, ok, plainCliTools, run, scratchDir, snapshot, summary } from "./support";

const DEV_PORT = 4010; // examples/seed-contacts/Pulumi.dev.yaml: callbell:apiUrl
const DEV_TOKEN = "sim_demo_token"; // the simulator token Pulumi.dev.yaml holds, encrypted with:
const DEV_PASSPHRASE = "callbell-demo";
const CONTACT = "pulumi-nodejs:dynamic/callbell:Contact";
const calls = (log: RequestLogEntry[]) =>
  log.map(
    (e) =>
      `${e.method} ${e.path
        .replace(/^\/v1/, "")
        .replace(/[0-9a-f]{32}/g, ":uuid")
        .replace(/\?.*$/, "")}`,
  );
const writes = (log: RequestLogEntry[]) =>
  calls(log)
    .filter((c) => !c.startsWith("GET"))
    .sort();
// What a preview of new contacts reads to check assignees, teams and channels (callbell:checkAccount, on by default):
// each list once, and each team's members, whatever the number of contacts.
const accountChecks = (log: RequestLogEntry[]) => [...new Set(calls(log))].sort();

/** Text of a command's output for assertion messages. */
const shown = (r: CliResult) => `${r.command}\n${r.stdout}${r.stderr}`;

/** Restores a file's original bytes after the test edits it in place. */
function editInPlace(file: string): { original: string; restore(): void } {
  const original = fs.readFileSync(file, "utf8");
  return { original, restore: () => fs.writeFileSync(file, original) };
}

describe("plain pulumi CLI: the root project's dev stack (Pulumi.yaml, examples/seed-contacts)", function () {
  this.timeout(10 * 60_000);
  let sim: StartedSimulator;
  let env: NodeJS.ProcessEnv;
  const devFile = path.join(REPO_ROOT, "examples", "seed-contacts", "contacts.dev.yaml");
  const devSeed = editInPlace(devFile);
  const ran: string[] = []; // each command as a reader types it: without the "--stack dev" that these runs add
  const pulumi = (...args: string[]) => {
    ran.push(args.join(" ").replace(/ --stack dev\b/, ""));
    return ok(REPO_ROOT, env, args);
  };
  const committed = snapshot("Pulumi.yaml", "package.json", "package-lock.json", "examples");

  before(async function () {
    this.timeout(30 * 60_000);
    plainCliTools();
    env = cliEnv(path.join(scratchDir("root"), "backend"), DEV_PASSPHRASE);
    fs.mkdirSync(env.PULUMI_BACKEND_URL!.slice("file://".length), { recursive: true });
    sim = await startSimulator({ port: DEV_PORT, tokens: [DEV_TOKEN], rateLimitPerSecond: 0 }).catch((e: NodeJS.ErrnoException) => {
      throw new Error(e.code === "EADDRINUSE" ? `port ${DEV_PORT} is busy (a demo or simulator running?); the dev stack's config points there` : e.message);
    });
  });
  after(async () => {
    devSeed.restore();
    await sim?.close();
  });

  it("pulumi install in the repository root installs through the npm workspace and changes no committed file", async () => {
    const r = await pulumi("install");
    assert.match(r.stdout + r.stderr, /Finished installing dependencies/, shown(r));
    assert.deepEqual(snapshot("Pulumi.yaml", "package.json", "package-lock.json", "examples"), committed);
  });

  it("runs on the supported Node: `pulumi about` reports the node the language host runs", async () => {
    await pulumi("stack", "select", "dev", "--create");
    const about = await pulumi("about", "--stack", "dev");
    const t = plainCliTools();
    assert.ok(about.stdout.includes(`executable='${path.join(t.nodeBin, "node")}' version='${t.nodeVersion}'`), shown(about));
    assert.match(about.stdout, /^language\s+nodejs\s/m);
    assert.deepEqual(snapshot("Pulumi.yaml", "package.json", "package-lock.json", "examples"), committed, "stack init left Pulumi.dev.yaml as it was");
  });

  it("preview --diff shows the seed contacts to create, writes nothing, and reads only the account's teams", async () => {
    const r = await pulumi("preview", "--diff", "--stack", "dev");
    assert.deepEqual(summary(r.stdout), { create: 8 }, shown(r)); // the stack, the ContactSet and 6 contacts
    assert.match(r.stdout, new RegExp(`\\+ ${CONTACT.replace(/[/:]/g, "\\$&")}: \\(create\\)`));
    assert.match(r.stdout, /name\s*: "QA Alice"/);
    const log = await sim.admin.requests();
    assert.deepEqual(accountChecks(log), ["GET /teams", "GET /teams/:uuid/members"], shown(r));
    assert.equal(log.length, 4, "the list of teams and the members of each of the 3, once for 6 contacts");
  });

  it("up --yes creates them; the outputs name each contact", async () => {
    const r = await pulumi("up", "--yes", "--stack", "dev");
    assert.deepEqual(summary(r.stdout), { create: 8 }, shown(r));
    assert.deepEqual(writes(await sim.admin.requests()), Array(6).fill("POST /contacts"));
    assert.equal((await sim.admin.contacts()).length, 6);
    const out = JSON.parse((await pulumi("stack", "output", "contacts", "--json", "--stack", "dev")).stdout);
    assert.equal(out["whatsapp-393331234567"].name, "QA Alice");
  });

  it("up again changes nothing and calls no API (--expect-no-changes)", async () => {
    await sim.admin.clearRequests();
    const r = await pulumi("up", "--yes", "--expect-no-changes", "--stack", "dev");
    assert.deepEqual(summary(r.stdout), { unchanged: 8 }, shown(r));
    assert.deepEqual(await sim.admin.requests(), []);
  });

  it("an edit of contacts.dev.yaml: preview --diff shows the one update, up applies it with one PATCH", async () => {
    fs.writeFileSync(devFile, devSeed.original.replace("name: QA Bob", "name: QA Robert"));
    await sim.admin.clearRequests();
    const preview = await pulumi("preview", "--diff", "--stack", "dev");
    assert.deepEqual(summary(preview.stdout), { update: 1, unchanged: 7 }, shown(preview));
    assert.match(preview.stdout, /~ name\s*: "QA Bob" => "QA Robert"/, shown(preview));
    assert.deepEqual(await sim.admin.requests(), []);
    const up = await pulumi("up", "--yes", "--stack", "dev");
    assert.deepEqual(summary(up.stdout), { update: 1, unchanged: 7 }, shown(up));
    const log = await sim.admin.requests();
    assert.deepEqual(writes(log), ["PATCH /contacts/:uuid"]);
    assert.deepEqual(log.find((e) => e.method === "PATCH")?.body, { name: "QA Robert" });
  });

  it("refresh --yes --skip-preview reads every contact and takes in a dashboard edit; the next up puts the code back", async () => {
    const robert = (await sim.admin.contacts()).find((c) => c.name === "QA Robert")!;
    await sim.admin.editContact(robert.uuid, { name: "Bob (edited in the dashboard)" });
    await sim.admin.clearRequests();
    const r = await pulumi("refresh", "--yes", "--skip-preview", "--stack", "dev");
    assert.deepEqual(summary(r.stdout), { update: 1, unchanged: 7 }, shown(r));
    assert.deepEqual(calls(await sim.admin.requests()), Array(6).fill("GET /contacts/:uuid"));
    const preview = await pulumi("preview", "--diff", "--stack", "dev");
    assert.deepEqual(summary(preview.stdout), { update: 1, unchanged: 7 }, shown(preview));
    assert.match(
      preview.stdout,
      /~ pulumi-nodejs:dynamic\/callbell:Contact: \(update\)\n\s+\[id=[0-9a-f]{32}\]\n\s+\[urn=\S+::whatsapp-393331234568\]/,
      shown(preview),
    );
    // read returns inputs, so the reviewer sees what up will put back, field by field.
    assert.match(preview.stdout, /~ name\s*: "Bob \(edited in the dashboard\)" => "QA Robert"/, shown(preview));
    await sim.admin.clearRequests();
    const up = await pulumi("up", "--yes", "--stack", "dev");
    assert.deepEqual(summary(up.stdout), { update: 1, unchanged: 7 }, shown(up));
    assert.deepEqual(
      (await sim.admin.requests()).filter((e) => e.method === "PATCH").map((e) => e.body),
      [{ name: "QA Robert" }],
    );
    devSeed.restore();
  });

  it("destroy --yes deletes every contact; the committed files are as they were", async () => {
    await sim.admin.clearRequests();
    const r = await pulumi("destroy", "--yes", "--stack", "dev");
    assert.deepEqual(summary(r.stdout), { delete: 8 }, shown(r));
    assert.deepEqual(writes(await sim.admin.requests()), Array(6).fill("DELETE /contacts/:uuid"));
    assert.deepEqual(await sim.admin.contacts(), []);
    assert.deepEqual(snapshot("Pulumi.yaml", "package.json", "package-lock.json", "examples"), committed);
  });

  it("ran every pulumi command of docs/dev-stack.md's block (its checked-by test)", () => {
    const [block] = pageBlocks("docs/dev-stack.md").filter((b) => b.marker?.kind === "checked-by");
    const documented = block.text
      .split("\n")
      .map((l) => l.replace(/#.*$/, "").trim())
      .filter((l) => l.startsWith("pulumi "))
      .map((l) => l.slice("pulumi ".length));
    assert.ok(documented.length >= 4, block.text);
    assert.deepEqual(
      documented.filter((c) => !ran.includes(c)),
      [],
      `commands of docs/dev-stack.md this suite does not run (it ran: ${ran.join("; ")})`,
    );
  });
});

describe("plain pulumi CLI: examples/single-contact in place, after `pulumi install`", function () {
  this.timeout(10 * 60_000);
  const dir = path.join(REPO_ROOT, "examples", "single-contact");
  const program = editInPlace(path.join(dir, "index.ts"));
  const stackName = `plain-cli-${process.pid}`;
  let sim: StartedSimulator;
  let env: NodeJS.ProcessEnv;
  const pulumi = (...args: string[]) => ok(dir, env, [...args, "--stack", stackName], "pulumi", [sim.token]);
  const committed = snapshot("package.json", "package-lock.json", "examples");

  before(async function () {
    this.timeout(30 * 60_000);
    plainCliTools();
    sim = await startSimulator({ rateLimitPerSecond: 0 });
    const backend = path.join(scratchDir("single"), "backend");
    fs.mkdirSync(backend, { recursive: true });
    // The example reads its API from the environment, as its header comment says.
    env = cliEnv(backend, "plain-cli-test", { CALLBELL_API_URL: sim.url, CALLBELL_API_TOKEN: sim.token });
  });
  after(async () => {
    program.restore();
    fs.rmSync(path.join(dir, `Pulumi.${stackName}.yaml`), { force: true });
    await sim?.close();
  });

  it("pulumi install installs the example's dependencies through the repo's npm workspace", async () => {
    // The language host built here (sdk v3.68.0) requires <program folder>/node_modules after
    // `npm install`; each example's own devDependency @types/node ^22 (the root pins 20) is
    // installed there, so the folder exists although everything else is hoisted.
    assert.ok(fs.existsSync(path.join(dir, "node_modules")), "examples/single-contact/node_modules is missing: see the comment above");
    const r = await ok(dir, env, ["install"]);
    assert.match(r.stdout + r.stderr, /Finished installing dependencies/, shown(r));
    assert.deepEqual(snapshot("package.json", "package-lock.json", "examples"), committed, "install changed no file");
    assert.equal(fs.realpathSync(path.join(REPO_ROOT, "node_modules", "pulumi-callbell")), path.join(REPO_ROOT, "provider"));
  });

  it("preview --diff, up --yes, up again: one contact with every input, then no change and no API call", async () => {
    await ok(dir, env, ["stack", "init", stackName]);
    const preview = await pulumi("preview", "--diff");
    assert.deepEqual(summary(preview.stdout), { create: 2 }, shown(preview));
    // The preview writes nothing; it reads what vouches for the assignee, the team and the channel.
    assert.deepEqual(accountChecks(await sim.admin.requests()), ["GET /channels", "GET /teams", "GET /teams/:uuid/members"], shown(preview));

    const up = await pulumi("up", "--yes");
    assert.deepEqual(summary(up.stdout), { create: 2 }, shown(up));
    assert.deepEqual(writes(await sim.admin.requests()), ["POST /contacts"]);
    const [alice] = await sim.admin.contacts();
    assert.equal(alice.name, "QA Alice");
    assert.equal(JSON.parse((await pulumi("stack", "output", "uuid", "--json")).stdout), alice.uuid);

    await sim.admin.clearRequests();
    const again = await pulumi("up", "--yes", "--expect-no-changes");
    assert.deepEqual(summary(again.stdout), { unchanged: 2 }, shown(again));
    assert.deepEqual(await sim.admin.requests(), []);
  });

  it("an edit of index.ts is an update in place: preview --diff shows it, up sends one PATCH", async () => {
    fs.writeFileSync(path.join(dir, "index.ts"), program.original.replace('note: "Seeded by pulumi-callbell."', 'note: "Edited through the plain CLI."'));
    await sim.admin.clearRequests();
    const preview = await pulumi("preview", "--diff");
    assert.deepEqual(summary(preview.stdout), { update: 1, unchanged: 1 }, shown(preview));
    assert.match(preview.stdout, /~ note\s*: "Seeded by pulumi-callbell\." => "Edited through the plain CLI\."/, shown(preview));
    const up = await pulumi("up", "--yes");
    assert.deepEqual(summary(up.stdout), { update: 1, unchanged: 1 }, shown(up));
    const log = await sim.admin.requests();
    assert.deepEqual(writes(log), ["PATCH /contacts/:uuid"]);
    assert.deepEqual(log.find((e) => e.method === "PATCH")?.body, { note: "Edited through the plain CLI." });
    program.restore();
  });

  it("refresh --yes --skip-preview sees a dashboard edit; destroy --yes deletes the contact", async () => {
    const [alice] = await sim.admin.contacts();
    await sim.admin.editContact(alice.uuid, { name: "Alice (edited in the dashboard)" });
    await sim.admin.clearRequests();
    const refresh = await pulumi("refresh", "--yes", "--skip-preview");
    assert.deepEqual(summary(refresh.stdout), { update: 1, unchanged: 1 }, shown(refresh));
    assert.deepEqual(calls(await sim.admin.requests()), ["GET /contacts/:uuid"]);

    await sim.admin.clearRequests();
    const destroy = await pulumi("destroy", "--yes");
    assert.deepEqual(summary(destroy.stdout), { delete: 2 }, shown(destroy));
    assert.deepEqual(writes(await sim.admin.requests()), ["DELETE /contacts/:uuid"]);
    assert.deepEqual(await sim.admin.contacts(), []);
  });
});

describe("plain pulumi CLI: examples/lookups in place, after `pulumi install`", function () {
  this.timeout(10 * 60_000);
  const dir = path.join(REPO_ROOT, "examples", "lookups");
  const stackName = `plain-cli-${process.pid}`;
  let sim: StartedSimulator;
  let env: NodeJS.ProcessEnv;
  const pulumi = (...args: string[]) => ok(dir, env, [...args, "--stack", stackName], "pulumi", [sim.token]);

  before(async function () {
    this.timeout(30 * 60_000);
    plainCliTools();
    sim = await startSimulator({ rateLimitPerSecond: 0 });
    const backend = path.join(scratchDir("lookups"), "backend");
    fs.mkdirSync(backend, { recursive: true });
    env = cliEnv(backend, "plain-cli-test", { CALLBELL_API_URL: sim.url, CALLBELL_API_TOKEN: sim.token });
  });
  after(async () => {
    fs.rmSync(path.join(dir, `Pulumi.${stackName}.yaml`), { force: true });
    await sim?.close();
  });

  it("install, preview (lookups read only), up (one POST on the named channel and team), destroy", async () => {
    await ok(dir, env, ["install"]);
    await ok(dir, env, ["stack", "init", stackName]);
    const preview = await pulumi("preview", "--diff");
    assert.deepEqual(summary(preview.stdout), { create: 2 }, shown(preview));
    assert.deepEqual(writes(await sim.admin.requests()), [], "lookups only read");
    const up = await pulumi("up", "--yes");
    assert.deepEqual(summary(up.stdout), { create: 2 }, shown(up));
    assert.deepEqual(writes(await sim.admin.requests()), ["POST /contacts"]);
    const outputs = JSON.parse((await pulumi("stack", "output", "--json")).stdout) as Record<string, string>;
    assert.equal(outputs.salesLine, "c4a00000000000000000000000000002");
    assert.equal(outputs.supportTeam, "7ea70000000000000000000000000002");
    const [line] = await sim.admin.contacts();
    assert.equal(line.team?.uuid, outputs.supportTeam);
    await pulumi("destroy", "--yes");
    assert.deepEqual(await sim.admin.contacts(), []);
  });
});

describe("plain pulumi CLI: a bad seed file, as a user sees it", function () {
  this.timeout(10 * 60_000);

  it("fails the preview with one block naming file, line, entry and field: said once, no stack trace, no ANSI, nothing sent", async () => {
    plainCliTools();
    const sim = await startSimulator({ rateLimitPerSecond: 0 });
    // Inside the repository, so the program resolves pulumi-callbell through the workspace.
    fs.mkdirSync(path.join(REPO_ROOT, ".pulumi-local"), { recursive: true });
    const dir = fs.mkdtempSync(path.join(REPO_ROOT, ".pulumi-local", "plain-bad-seed-"));
    try {
      fs.writeFileSync(path.join(dir, "Pulumi.yaml"), "name: bad-seed\nruntime:\n  name: nodejs\n  options:\n    typescript: true\n");
      fs.writeFileSync(
        path.join(dir, "index.ts"),
        'import * as callbell from "pulumi-callbell";\nnew callbell.ContactSet("seed", { files: [__dirname + "/contacts.yaml"] });\n',
      );
      fs.writeFileSync(path.join(dir, "contacts.yaml"), 'contacts:\n  - { identifier: "393331234567", source: whatsapp, name: QA Alice, assignedUser: bob }\n');
      const backend = path.join(scratchDir("bad-seed"), "backend");
      fs.mkdirSync(backend, { recursive: true });
      const env = cliEnv(backend, "plain-cli-test", { CALLBELL_API_URL: sim.url, CALLBELL_API_TOKEN: sim.token });
      await ok(dir, env, ["stack", "init", "dev"]);
      const r = await run(dir, env, ["preview", "--stack", "dev"]);
      const text = r.stdout + r.stderr;
      assert.notEqual(r.code, 0);
      const diagnostics = r.stdout.slice(r.stdout.indexOf("Diagnostics:"), r.stdout.indexOf("Resources:"));
      assert.match(
        diagnostics,
        /error: Invalid seed file — nothing was written to Callbell:\n\s+- contacts\.yaml:2 \(identifier 393331234567\): assignedUser "bob" is not an email address; write the email of a user of the Callbell account/,
      );
      assert.equal(diagnostics.split("is not an email address").length - 1, 1, `said once:\n${diagnostics}`);
      assert.ok(!text.includes("\u001b["), text);
      assert.doesNotMatch(text, /unhandled exception|at (Object|new|Module)\.|problems:|SeedFileError/);
      assert.deepEqual(await sim.admin.requests(), []);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
      await sim.close();
    }
  });
});

describe("plain pulumi CLI: every example is covered", () => {
  it("each folder under examples/ is either the root project's program, a project run above, or a plugin example test/plugin runs", () => {
    const rootMain = fs
      .readFileSync(path.join(REPO_ROOT, "Pulumi.yaml"), "utf8")
      .match(/^main:\s*(\S+)/m)?.[1]
      ?.replace(/\/$/, "");
    // examples/yaml, examples/python and examples/go are run through the provider plugin by test/plugin (yaml, python and
    // go suites), and
    // examples/seed-contacts-yaml and -python by test/seed-files/plugin-seed-contacts.engine.test.ts, and
    // examples/account-typescript, -yaml and -python by test/account/account.engine.test.ts.
    const covered = new Set([
      rootMain,
      "examples/single-contact",
      "examples/lookups",
      "examples/yaml",
      "examples/python",
      "examples/go",
      "examples/seed-contacts-yaml",
      "examples/seed-contacts-python",
      "examples/account-typescript",
      "examples/account-yaml",
      "examples/account-python",
    ]);
    const account = fs.readFileSync(path.join(__dirname, "..", "account", "account.engine.test.ts"), "utf8");
    for (const used of ['"examples", "account-typescript"', 'projectFrom("account-yaml")', 'projectFrom("account-python")']) {
      assert.ok(account.includes(used), `test/account/account.engine.test.ts no longer runs ${used}`);
    }
    for (const plugin of ["yaml", "python", "go"]) {
      assert.ok(fs.readFileSync(path.join(__dirname, "..", "plugin", `${plugin}.engine.test.ts`), "utf8").includes(`projectFrom("${plugin}")`));
    }
    for (const name of fs.readdirSync(path.join(REPO_ROOT, "examples"))) {
      assert.ok(covered.has(`examples/${name}`), `examples/${name} is run by no plain-CLI or plugin test`);
    }
  });
});
