// The pages as a stranger follows them: every block of README.md and docs/*.md marked `run`, `file` or `append`
// (test/harness/doc-blocks.ts) is run or written as written, in step order, in one fresh folder outside the
// repository, with the plain `pulumi` CLI, against a simulator this test starts. After the steps that change
// something, the simulator's contacts, its request log and the stack's state are checked.
//
// What the test gives in place of a person and of the real Callbell, and nothing else:
// - the placeholders in angle brackets: <this repository's URL> is this checkout (git clones its committed HEAD: run
//   by hand, the walkthrough tests the last commit's code with the working tree's pages), <token> the simulator's
//   token, <your account's email> the simulator's account (docs/simulator.md), <backend folder> the backend's;
// - CALLBELL_API_URL, pointing the provider at the simulator instead of api.callbell.eu;
// - PULUMI_BACKEND_URL for the reader's `pulumi login --local` (whose ~ is the user's home from the OS, not $HOME),
//   PULUMI_CONFIG_PASSPHRASE for the passphrase prompt, PULUMI_SKIP_CONFIRMATIONS for the "yes" of `up`;
// - HOME, PULUMI_HOME and the temp folder in the scratch folder (so `pulumi plugin install` changes nothing of this
//   machine), with npm's cache, npm's user config and this repository's engine cache (PULUMI_CALLBELL_CACHE, which the
//   demo uses) where they are.
// A line `# prints <text>` (or `# prints \`<text>\`, then more words`) in a shell block is checked: the block's output
// must contain that text.
import { strict as assert } from "assert";
import { execFileSync, spawn } from "child_process";
import { createHash } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { StartedSimulator, startSimulator } from "callbell-simulator";
import { REPO_ROOT } from "../harness";
import { DocBlock, WALKTHROUGH, allDocBlocks, blockPlace, walkthroughSteps } from "../harness/doc-blocks";
import { cliEnv, ok, redact, scratchDir } from "../plain-cli/support";
import { writes } from "../harness/plugin";

const ACCOUNT = "owner@acme-dev.example";
const PASSPHRASE = "docs-walkthrough-passphrase";

/** The block with each known placeholder replaced; in a shell block, a placeholder the test does not know throws. */
function substitute(block: DocBlock, values: Record<string, string>): string {
  return block.text.replace(/<([a-zA-Z][a-zA-Z' ]*[a-zA-Z])>/g, (whole, name: string) => {
    if (name in values) return values[name];
    if (block.marker?.kind !== "run") return whole; // a program's own angle brackets, e.g. Array<string>
    throw new Error(`${blockPlace(block)}: the placeholder ${whole} is not one the docs test knows (${Object.keys(values).join(", ")})`);
  });
}

/** Runs a shell block with bash -euo pipefail in the folder; resolves with its exit code and output. */
function runShell(script: string, cwd: string, env: NodeJS.ProcessEnv): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn("bash", ["-euo", "pipefail", "-c", script], { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    const out: Buffer[] = [];
    child.stdout.on("data", (b: Buffer) => out.push(b));
    child.stderr.on("data", (b: Buffer) => out.push(b));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, output: Buffer.concat(out).toString() }));
  });
}

describe("docs walkthrough: the pages' blocks as a stranger runs them, outside the repository, against the simulator", function () {
  this.timeout(20 * 60_000);
  const steps = walkthroughSteps(allDocBlocks(), WALKTHROUGH);
  let root: string;
  let sim: StartedSimulator;
  let env: NodeJS.ProcessEnv;
  let values: Record<string, string>;
  let failed: string | undefined;
  const setUp = new Set<number>();
  /** Brings about the situation a step starts from, once per step. */
  const setUpFor = async (step: number) => {
    if (!setUp.has(step)) await setups[step]?.();
    setUp.add(step);
  };

  /** `pulumi` in a folder of the walkthrough, with the walkthrough's environment (async: the simulator runs here). */
  const pulumi = async (folder: string, ...args: string[]) => (await ok(path.join(root, folder), env, args, "pulumi", [sim.token])).stdout;
  /** The resources of a stack's state: type, name and outputs. */
  const stateResources = async (folder: string): Promise<{ type: string; name: string; outputs: Record<string, unknown> }[]> =>
    (JSON.parse(await pulumi(folder, "stack", "export")).deployment.resources ?? []).map(
      (r: { type: string; urn: string; outputs?: Record<string, unknown> }) => ({
        type: r.type,
        name: r.urn.split("::").pop()!,
        outputs: r.outputs ?? {},
      }),
    );

  /** What is done before a step, by step number: the situation a page starts from, which is not the page's doing. */
  const setups: Record<number, () => Promise<void>> = {
    // Onboarding assumes an account with contacts made by hand and none that a stack manages: the README's stack
    // lets go of its contact, and the dashboard has made three.
    20: async () => {
      await pulumi("my-contacts", "destroy", "--yes");
      assert.deepEqual(await sim.admin.contacts(), []);
      for (const [identifier, name] of [
        ["393335550011", "Hand Made One"],
        ["393335550012", "Hand Made Two"],
        ["393335550013", "Hand Made Three"],
      ]) {
        await sim.admin.createContact({ identifier, source: "whatsapp", name, tags: ["vip"] });
      }
      await sim.admin.clearRequests();
    },
    // recovery.md starts from a killed pipeline. Whether the kill also empties a state file's metadata (the page's
    // "failed to load checkpoint: EOF") is chance, so its repair (step 50, which does nothing when there is nothing to
    // repair) runs before the three commands (step 51) instead of after a failure.
    // The pipeline: 15 more contacts in the overlay, callbell:ownerField set (the page's
    // recommended setting, under which the last step needs nothing more), an up SIGKILLed with its providers after 5 creates.
    50: async () => {
      await pulumi("my-contacts", "config", "set", "callbell:ownerField", "pulumi_owner");
      await pulumi("my-contacts", "up", "--yes", "--skip-preview");
      const entries = pipelineNumbers.map((n, i) => `  - identifier: "${n}"\n    name: Pipeline ${i}\n`).join("");
      fs.appendFileSync(path.join(root, "my-contacts", "contacts.dev.yaml"), entries);
      await sim.admin.clearRequests();
      await upKilledAfter("my-contacts", 5);
    },
  };

  let contactsBeforeStep = 0; // how many contacts the simulator had when the running step began
  /** Numbers a pipeline adds to contacts.dev.yaml before the recovery page's step, and the run it kills halfway. */
  const pipelineNumbers = Array.from({ length: 15 }, (_, i) => `3933355501${String(i).padStart(2, "0")}`);
  /** The project's declared numbers after the seed-files page: its overlay's contacts and the common one it keeps. */
  const seedNumbers = ["393335550021", "393335550023"];

  /** Starts `pulumi up` in a process group of its own and SIGKILLs the group once Callbell has answered n POSTs. */
  const upKilledAfter = async (folder: string, posts: number): Promise<void> => {
    const child = spawn("pulumi", ["up", "--yes", "--skip-preview"], { cwd: path.join(root, folder), env, detached: true, stdio: "ignore" });
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    for (;;) {
      const created = (await sim.admin.requests()).filter((e) => e.method === "POST" && e.status === 200).length;
      if (created >= posts) break;
      const done = await Promise.race([exited, new Promise((r) => setTimeout(r, 100, "running"))]);
      assert.equal(done, "running", `the up ended (exit ${done}) before ${posts} creates: nothing to recover from`);
    }
    process.kill(-child.pid!, "SIGKILL");
    await exited;
  };

  /** What is checked after a step, by step number. */
  const checks: Record<number, (output: string) => Promise<void>> = {
    10: async (output) => {
      assert.match(output, /Contacts managed by the dev stack \(6\):/, "the demo printed the contacts it made");
      assert.ok(fs.existsSync(path.join(root, "pulumi-callbell", ".demo", "backend")), "the demo keeps its state in .demo/backend");
    },
    16: async () => {
      const contacts = await sim.admin.contacts();
      assert.deepEqual(
        contacts.map((c) => [c.name, c.tags]),
        [["QA Alice", ["qa"]]],
      );
      assert.deepEqual(writes(await sim.admin.requests()), ["POST /contacts"], "the preview wrote nothing, the up one POST");
      const alice = (await stateResources("my-contacts")).find((r) => r.name === "qa-alice");
      assert.equal(alice?.outputs.uuid, contacts[0].uuid, "the state holds the contact Callbell has");
      assert.equal(JSON.parse(await pulumi("my-contacts", "stack", "output", "aliceUrl", "--json")), contacts[0].href);
      assert.ok(!(await pulumi("my-contacts", "stack", "export")).includes(sim.token), "no token in the state");
    },
    21: async (output) => {
      assert.match(output, /^\+ {2}- identifier: "393335550011"$/m, "the review step shows the new file");
      const file = fs.readFileSync(path.join(root, "my-contacts", "contacts.yaml"), "utf8");
      assert.equal(file.match(/^\s+adopt: true$/gm)?.length, 3, file);
      assert.deepEqual(writes(await sim.admin.requests()), [], "export and the adopting up wrote nothing");
      const contacts = await sim.admin.contacts();
      assert.equal(contacts.length, 3);
      const held = (await stateResources("my-contacts"))
        .filter((r) => r.type.endsWith("callbell:Contact"))
        .map((r) => r.outputs.uuid as string)
        .sort();
      assert.deepEqual(held, contacts.map((c) => c.uuid).sort(), "the state holds the three contacts Callbell has");
    },
    43: async () => {
      assert.deepEqual(
        writes(await sim.admin.requests()),
        ["POST /contacts", "POST /contacts"],
        "two creates; the adopted contacts dropped from the program are not deleted",
      );
      const contacts = await sim.admin.contacts();
      const seeded = (digits: string) => contacts.find((c) => c.phoneNumber?.replace(/\D/g, "") === digits);
      assert.deepEqual(seeded("393335550021")?.name, "Support Line (dev)");
      assert.deepEqual(seeded("393335550021")?.tags, ["seed", "support"], "the overlay changed the name alone");
      assert.deepEqual([seeded("393335550023")?.name, seeded("393335550023")?.tags], ["QA Alice", ["qa"]]);
      assert.equal(seeded("393335550022"), undefined, "remove: true");
      assert.equal(contacts.filter((c) => c.name.startsWith("Hand Made")).length, 3, "onboarding's adopted contacts are still there");
    },
    51: async () => {
      const contacts = await sim.admin.contacts();
      const digits = (c: { phoneNumber: string | null }) => c.phoneNumber?.replace(/\D/g, "") ?? "";
      const declared = [...seedNumbers, ...pipelineNumbers];
      for (const n of declared) assert.equal(contacts.filter((c) => digits(c) === n).length, 1, `${n}: one contact, no duplicate`);
      const state = (await stateResources("my-contacts")).filter((r) => r.type.endsWith("callbell:Contact"));
      const byUuid = new Map(contacts.map((c) => [c.uuid, digits(c)]));
      assert.deepEqual(
        state.map((r) => byUuid.get(r.outputs.uuid as string)).sort(),
        [...declared].sort(),
        "the state holds each declared contact, and nothing else",
      );
      const log = writes(await sim.admin.requests());
      assert.deepEqual(
        log.filter((w) => w !== "POST /contacts"),
        [],
        "the recovery only creates",
      );
      assert.equal(log.length, contacts.length - contactsBeforeStep, "one POST per contact the killed run had not made");
      const exported = JSON.parse(await pulumi("my-contacts", "stack", "export")).deployment;
      assert.deepEqual(exported.pending_operations ?? [], [], "no pending operation left");
    },
    30: async () => {
      const version = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "provider", "package.json"), "utf8")).version as string;
      const plugins = fs.readdirSync(path.join(env.PULUMI_HOME!, "plugins"));
      assert.ok(plugins.includes(`resource-callbell-v${version}`), `installed into PULUMI_HOME, not this machine's: ${plugins}`);
      // Every archive the page names, with the checksum SHA256SUMS gives, the launcher of its OS, and no link.
      const dist = path.join(root, "pulumi-callbell", "dist");
      const sums = fs.readFileSync(path.join(dist, "SHA256SUMS"), "utf8").trim().split("\n");
      const archives = ["darwin", "linux", "windows"].flatMap((os) =>
        ["amd64", "arm64"].map((arch) => `pulumi-resource-callbell-v${version}-${os}-${arch}.tar.gz`),
      );
      assert.deepEqual(sums.map((l) => l.split(/\s+/)[1]).sort(), archives.sort());
      for (const line of sums) {
        const [sum, name] = line.split(/\s+/);
        assert.equal(
          createHash("sha256")
            .update(fs.readFileSync(path.join(dist, name)))
            .digest("hex"),
          sum,
          name,
        );
        const listing = execFileSync("tar", ["-tvzf", path.join(dist, name)], { encoding: "utf8", maxBuffer: 64 << 20 }).split("\n");
        const top = listing.map((l) => l.split(/\s+/).pop()!).filter((f) => f && !f.startsWith("node_modules/"));
        assert.deepEqual(top.sort(), ["package.json", name.includes("-windows-") ? "pulumi-resource-callbell.cmd" : "pulumi-resource-callbell"], name);
        assert.equal(listing.filter((l) => l.startsWith("l")).length, 0, `${name}: no links (Windows cannot unpack them)`);
      }
      const cmd = execFileSync(
        "tar",
        [
          "-xzOf",
          path.join(
            dist,
            archives.find((a) => a.includes("-windows-amd64"))!,
          ),
          "pulumi-resource-callbell.cmd",
        ],
        { encoding: "utf8" },
      );
      assert.match(cmd, /^@echo off\r\n/);
      assert.match(cmd, /\r\nnode "%~dp0node_modules\\pulumi-callbell\\dist\\doors\\plugin\\main\.js" %\*\r\n$/);
      // The program both launchers run is in the archive: a moved entry point must move in both.
      const program = /node "%~dp0(.+)" %\*/.exec(cmd)![1].replace(/\\/g, "/");
      const windowsArchive = path.join(
        dist,
        archives.find((a) => a.includes("-windows-amd64"))!,
      );
      const packed = execFileSync("tar", ["-tzf", windowsArchive], { encoding: "utf8", maxBuffer: 64 << 20 });
      assert.ok(packed.split("\n").includes(program), `the Windows launcher runs ${program}, which the archive holds`);
      assert.match(cmd, /where node >nul 2>nul\r\nif errorlevel 1 \(\r\n {2}echo pulumi-resource-callbell: no node on PATH; install Node\.js 22 or newer/);
    },
    32: async () => {
      const bob = (await sim.admin.contacts()).find((c) => c.name === "QA Bob");
      assert.ok(bob, "the YAML program created QA Bob");
      assert.deepEqual(writes(await sim.admin.requests()), ["POST /contacts"]);
      const state = (await stateResources("my-yaml")).find((r) => r.type === "callbell:index:Contact");
      assert.equal(state?.outputs.uuid, bob.uuid);
      assert.equal(state?.outputs.origin, "created");
      // The installed plugin deletes what it created, too (the walkthrough's own step: the page shows no destroy).
      await sim.admin.clearRequests();
      await pulumi("my-yaml", "destroy", "--yes");
      assert.deepEqual(writes(await sim.admin.requests()), ["DELETE /contacts/:uuid"]);
      assert.equal(
        (await sim.admin.contacts()).find((c) => c.uuid === bob.uuid),
        undefined,
      );
    },
  };

  before(async function () {
    this.timeout(5 * 60_000);
    root = scratchDir("docs-walkthrough");
    assert.ok(path.relative(REPO_ROOT, root).startsWith(".."), `${root} must be outside ${REPO_ROOT}`);
    sim = await startSimulator({ rateLimitPerSecond: 0 });
    for (const d of ["home", "tmp", "backend"]) fs.mkdirSync(path.join(root, d));
    const npm = (key: string) => execFileSync("npm", ["config", "get", key], { encoding: "utf8" }).trim();
    env = cliEnv(path.join(root, "backend"), PASSPHRASE, {
      HOME: path.join(root, "home"),
      TMPDIR: path.join(root, "tmp"),
      npm_config_cache: npm("cache"),
      npm_config_userconfig: npm("userconfig"),
      npm_config_registry: npm("registry"),
      npm_config_prefer_offline: "true",
      npm_config_audit: "false",
      npm_config_fund: "false",
      PULUMI_CALLBELL_CACHE: process.env.PULUMI_CALLBELL_CACHE ?? path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), ".cache"), "pulumi-callbell"),
      PULUMI_SKIP_CONFIRMATIONS: "true",
      CALLBELL_API_URL: sim.url,
    });
    values = {
      "this repository's URL": REPO_ROOT,
      token: sim.token,
      "your account's email": ACCOUNT,
      "backend folder": path.join(root, "backend"),
    };
  });
  after(async () => {
    await sim?.close();
  });

  it("has steps: the README's Use it for real at least", () => {
    assert.ok(steps.length >= 6, `the walkthrough has ${steps.length} steps`);
  });

  for (const block of steps) {
    const m = block.marker!;
    if (m.kind === "run") {
      it(`${blockPlace(block)}: runs (step ${m.step}, in ${m.folder})`, async function () {
        if (failed) this.skip(); // a later step of a walkthrough that broke says nothing new
        failed = blockPlace(block);
        await setUpFor(m.step);
        await sim.admin.clearRequests();
        contactsBeforeStep = (await sim.admin.contacts()).length;
        const script = substitute(block, values);
        const r = await runShell(script, path.join(root, m.folder), env);
        const shown = redact(r.output, [sim.token]);
        assert.equal(r.code, 0, `${blockPlace(block)} failed (exit ${r.code}):\n${shown}`);
        for (const line of script.split("\n")) {
          const promised = (/#\s*prints\s+`([^`]+)`/.exec(line) ?? /#\s*prints\s+(.+?)\s*$/.exec(line))?.[1];
          if (promised) assert.ok(r.output.includes(promised), `${blockPlace(block)} promises it prints ${promised}:\n${shown}`);
        }
        assert.ok(!r.output.includes(sim.token), `${blockPlace(block)}: the token appears in the output`);
        await checks[m.step]?.(r.output);
        failed = undefined;
      });
    } else if (m.kind === "file" || m.kind === "append") {
      it(`${blockPlace(block)}: ${m.kind === "file" ? "writes" : "adds to"} ${m.file} (step ${m.step})`, async function () {
        if (failed) this.skip();
        failed = blockPlace(block);
        await setUpFor(m.step);
        const file = path.join(root, m.file);
        fs.mkdirSync(path.dirname(file), { recursive: true });
        if (m.kind === "append") assert.ok(fs.existsSync(file), `${blockPlace(block)}: ${m.file} does not exist yet`);
        fs[m.kind === "file" ? "writeFileSync" : "appendFileSync"](file, substitute(block, values));
        failed = undefined;
      });
    }
  }
});
