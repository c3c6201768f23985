// The command sequences that could lose a custom status or make a second one, through the plain `pulumi` CLI (a YAML
// program, the plugin): `up --replace` with and without deleteBeforeReplace (Pulumi starts a replacement without asking
// the provider for a diff), and a rename without aliases, also with --continue-on-error, which runs the old resource's
// delete after the new one's refused create. After each step: the simulator's statuses, its request log, the state.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { RequestLogEntry, StartedSimulator, startSimulator } from "callbell-simulator";
import { CliResult, ok, run, scratchDir } from "../plain-cli/support";
import { PLUGIN_DIR, pluginEnv, stateOf } from "../harness/plugin";

const STATUS = "callbell:index:CustomStatus";
const shown = (r: CliResult) => `${r.command}\n${r.stdout}${r.stderr}`;
const writes = (log: RequestLogEntry[]) => log.filter((e) => e.method !== "GET").map((e) => `${e.method} ${e.path.replace(/^\/v1/, "").split("?")[0]}`);

describe("CustomStatus: replace and rename sequences through the plain CLI keep the one status", function () {
  this.timeout(6 * 60_000);
  let sim: StartedSimulator;
  let project: string;
  let env: NodeJS.ProcessEnv;
  let lunchId: string;
  const pulumi = (...args: string[]) => ok(project, env, args, "pulumi", [sim.token]);
  /** The program declares one status "Lunch" under this resource name, with these extra properties and resource lines. */
  const declare = (name: string, extra: string[] = [], properties: string[] = []) =>
    fs.writeFileSync(
      path.join(project, "Pulumi.yaml"),
      [
        "name: status-sequences",
        "runtime: yaml",
        "plugins:",
        "  providers:",
        "    - name: callbell",
        `      path: ${PLUGIN_DIR}`,
        "resources:",
        `  ${name}:`,
        `    type: ${STATUS}`,
        "    properties:",
        "      name: Lunch",
        '      emoji: "🍙"',
        ...properties.map((line) => `      ${line}`),
        ...extra.map((line) => `    ${line}`),
        "",
      ].join("\n"),
    );
  const urn = (name: string) => `urn:pulumi:dev::status-sequences::${STATUS}::${name}`;
  const step = async (args: string[], mustFail = false) => {
    await sim.admin.clearRequests();
    const result = await run(project, env, args);
    if (mustFail) assert.notEqual(result.code, 0, shown(result));
    else assert.equal(result.code, 0, shown(result));
    return { text: result.stdout + result.stderr, writes: writes(await sim.admin.requests()), shown: shown(result) };
  };
  const held = async () => Object.fromEntries((await stateOf(project, env, STATUS)).map((r) => [r.urn.split("::").pop(), r]));
  const ids = async () => (await sim.admin.customStatuses()).map((s) => s.id);

  before(async () => {
    sim = await startSimulator({ rateLimitPerSecond: 0 });
    project = path.join(scratchDir("status-sequences"), "project");
    fs.mkdirSync(project, { recursive: true });
    declare("lunch");
    env = pluginEnv(project, sim);
    await pulumi("stack", "init", "dev");
    const up = await step(["up", "--yes", "--skip-preview"]);
    assert.deepEqual(up.writes, ["POST /custom_statuses"]);
    lunchId = (await ids())[0];
  });
  after(async () => sim?.close());

  it("up --replace is refused, naming deleteBeforeReplace: Pulumi starts the replacement before the delete and without a diff", async () => {
    const up = await step(["up", "--yes", "--skip-preview", "--replace", urn("lunch")], true);
    assert.match(up.text, /to replace this resource \(up --replace\), give it deleteBeforeReplace/, up.shown);
    assert.deepEqual(up.writes, []);
    assert.deepEqual(await ids(), [lunchId]);
    assert.equal((await held()).lunch.id, lunchId, "the resource still holds it");
  });

  it("with deleteBeforeReplace, the delete leaves the status the code declares, and the replacement takes it as it was held", async () => {
    declare("lunch", ["options:", "  deleteBeforeReplace: true"]);
    const up = await step(["up", "--yes", "--skip-preview", "--replace", urn("lunch")]);
    assert.deepEqual(up.writes, [], up.shown);
    assert.match(up.text, /custom status "Lunch" \([0-9a-f-]{36}\) was left in Callbell, not deleted: the code still declares it/);
    assert.deepEqual(await ids(), [lunchId]);
    const state = await held();
    assert.equal(state.lunch.id, lunchId);
    assert.equal(state.lunch.outputs?.origin, "created", "still this stack's own, deleted by its destroy");
  });

  it("a rename without aliases is refused, naming adopt and aliases, and nothing is written or deleted", async () => {
    declare("lunch2");
    const up = await step(["up", "--yes", "--skip-preview"], true);
    assert.match(up.text, /Could not create custom status "Lunch": the account already has a status of that name/, up.shown);
    assert.match(up.text, /if this resource was renamed, add an alias from its old name/);
    assert.deepEqual(up.writes, []);
    assert.deepEqual(await ids(), [lunchId]);
    assert.equal((await held()).lunch.id, lunchId, "the old resource still holds it");
  });

  it("with --continue-on-error, the old resource's delete after the refused create leaves the status", async () => {
    const up = await step(["up", "--yes", "--skip-preview", "--continue-on-error"], true);
    assert.deepEqual(up.writes, [], up.shown);
    assert.deepEqual(await ids(), [lunchId]);
    // The old resource's delete ran (it left the state) and left the status, which the refused create still declares.
    assert.match(up.text, /custom status "Lunch" \([0-9a-f-]{36}\) was left in Callbell, not deleted: another resource of this run now holds it/, up.shown);
    assert.equal((await held()).lunch, undefined);
  });

  it("adopt then takes it over with no write, and the adopted status outlives destroy", async () => {
    declare("lunch2", [], ["adopt: true"]);
    const up = await step(["up", "--yes", "--skip-preview"]);
    assert.ok(!up.writes.some((w) => w === "POST /custom_statuses" || w.startsWith("DELETE")), up.shown);
    assert.equal((await held()).lunch2.id, lunchId);
    const destroy = await step(["destroy", "--yes", "--skip-preview"]);
    assert.deepEqual(destroy.writes, []);
    assert.deepEqual(await ids(), [lunchId]);
  });
});
