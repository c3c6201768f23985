// The pages as a stranger follows them: every block of README.md and docs/*.md marked `run`, `file` or `append`
// (test/harness/doc-blocks.ts) is run or written as written, in step order, in one fresh folder outside the
// repository, with the plain `pulumi` CLI, against a simulator this test starts. After the steps that change
// something, the simulator's contacts, its request log and the stack's state are checked.
//
// What the test gives in place of a person and of the real Callbell, and nothing else:
// - the placeholders in angle brackets: <this repository's URL> is this checkout (git clones its committed HEAD),
//   <token> the simulator's token, <your account's email> the simulator's account (docs/simulator.md);
// - CALLBELL_API_URL, pointing the provider at the simulator instead of api.callbell.eu;
// - PULUMI_BACKEND_URL for the reader's `pulumi login --local` (whose ~ is the user's home from the OS, not $HOME),
//   PULUMI_CONFIG_PASSPHRASE for the passphrase prompt, PULUMI_SKIP_CONFIRMATIONS for the "yes" of `up`;
// - HOME, PULUMI_HOME and the temp folder in the scratch folder (so `pulumi login --local` and `pulumi plugin
//   install` change nothing of this machine), with npm's cache where it is.
// A line `# prints <text>` in a shell block is checked: the block's output must contain that text.
import { strict as assert } from "assert";
import { execFileSync, spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { RequestLogEntry, StartedSimulator, startSimulator } from "callbell-simulator";
import { REPO_ROOT } from "../harness";
import { DocBlock, allDocBlocks, blockPlace, walkthroughSteps } from "../harness/doc-blocks";
import { ok, plainCliTools, redact, scratchDir } from "../plain-cli/support";

const ACCOUNT = "owner@acme-dev.example";
const PASSPHRASE = "docs-walkthrough-passphrase";

const writes = (log: RequestLogEntry[]) =>
  log.filter((e) => e.method !== "GET").map((e) => `${e.method} ${e.path.replace(/^\/v1/, "").replace(/[0-9a-f]{32}/g, ":uuid")}`);

/** The block with each known placeholder replaced; throws naming a placeholder the test does not know. */
function substitute(block: DocBlock, values: Record<string, string>): string {
  const text = block.text.replace(/<([a-zA-Z][a-zA-Z' ]*[a-zA-Z])>/g, (whole, name: string) => {
    if (!(name in values)) throw new Error(`${blockPlace(block)}: the placeholder ${whole} is not one the docs test knows (${Object.keys(values).join(", ")})`);
    return values[name];
  });
  return text;
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
  const steps = walkthroughSteps(allDocBlocks(), "stranger");
  let root: string;
  let sim: StartedSimulator;
  let env: NodeJS.ProcessEnv;
  let values: Record<string, string>;
  let failed: string | undefined;

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

  /** What is done before a step, by step number: the account a page assumes. */
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
  };

  /** What is checked after a step, by step number. */
  const checks: Record<number, () => Promise<void>> = {
    15: async () => {
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
    21: async () => {
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
    30: async () => {
      const plugins = fs.readdirSync(path.join(root, "pulumi-home", "plugins"));
      assert.ok(plugins.includes("resource-callbell-v0.1.0"), `installed into PULUMI_HOME, not this machine's: ${plugins}`);
    },
    32: async () => {
      const bob = (await sim.admin.contacts()).find((c) => c.name === "QA Bob");
      assert.ok(bob, "the YAML program created QA Bob");
      assert.deepEqual(writes(await sim.admin.requests()), ["POST /contacts"]);
      const state = (await stateResources("my-yaml")).find((r) => r.type === "callbell:index:Contact");
      assert.equal(state?.outputs.uuid, bob.uuid);
    },
  };

  before(async function () {
    this.timeout(5 * 60_000);
    const tools = plainCliTools();
    root = scratchDir("docs-walkthrough");
    assert.ok(path.relative(REPO_ROOT, root).startsWith(".."), `${root} must be outside ${REPO_ROOT}`);
    sim = await startSimulator({ rateLimitPerSecond: 0 });
    for (const d of ["home", "pulumi-home", "tmp", "backend"]) fs.mkdirSync(path.join(root, d));
    const npmCache = execFileSync("npm", ["config", "get", "cache"], { encoding: "utf8" }).trim();
    const base: NodeJS.ProcessEnv = {};
    for (const [k, v] of Object.entries(process.env)) {
      if (!k.toLowerCase().startsWith("npm_") && !k.startsWith("PULUMI_") && !k.startsWith("CALLBELL_")) base[k] = v;
    }
    env = {
      ...base,
      PATH: [tools.nodeBin, tools.pulumiDir, process.env.PATH ?? ""].join(path.delimiter),
      HOME: path.join(root, "home"),
      TMPDIR: path.join(root, "tmp"),
      npm_config_cache: npmCache,
      npm_config_prefer_offline: "true",
      npm_config_audit: "false",
      npm_config_fund: "false",
      PULUMI_HOME: path.join(root, "pulumi-home"),
      PULUMI_BACKEND_URL: `file://${path.join(root, "backend")}`,
      PULUMI_CONFIG_PASSPHRASE: PASSPHRASE,
      PULUMI_SKIP_CONFIRMATIONS: "true",
      PULUMI_SKIP_UPDATE_CHECK: "true",
      PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
      PULUMI_DIY_BACKEND_NO_LEGACY_WARNING: "true",
      NO_COLOR: "1",
      CALLBELL_API_URL: sim.url,
    };
    values = { "this repository's URL": REPO_ROOT, token: sim.token, "your account's email": ACCOUNT };
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
        await setups[m.step]?.();
        await sim.admin.clearRequests();
        const script = substitute(block, values);
        const r = await runShell(script, path.join(root, m.folder), env);
        const shown = redact(r.output, [sim.token]);
        assert.equal(r.code, 0, `${blockPlace(block)} failed (exit ${r.code}):\n${shown}`);
        for (const line of script.split("\n")) {
          const promised = /#\s*prints\s+`?([^`]+?)`?\s*$/.exec(line)?.[1];
          if (promised) assert.ok(r.output.includes(promised), `${blockPlace(block)} promises it prints ${promised}:\n${shown}`);
        }
        assert.ok(!r.output.includes(sim.token), `${blockPlace(block)}: the token appears in the output`);
        await checks[m.step]?.();
        failed = undefined;
      });
    } else if (m.kind === "file" || m.kind === "append") {
      it(`${blockPlace(block)}: ${m.kind === "file" ? "writes" : "adds to"} ${m.file} (step ${m.step})`, async function () {
        if (failed) this.skip();
        await setups[m.step]?.();
        const file = path.join(root, m.file);
        fs.mkdirSync(path.dirname(file), { recursive: true });
        if (m.kind === "append") assert.ok(fs.existsSync(file), `${blockPlace(block)}: ${m.file} does not exist yet`);
        fs[m.kind === "file" ? "writeFileSync" : "appendFileSync"](file, substitute(block, values));
      });
    }
  }
});
