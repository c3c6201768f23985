// The README's install: scripts/plugin-pack.sh packs the plugin as a tarball, `pulumi plugin install resource callbell
// <version> --file <tarball>` puts it in a fresh PULUMI_HOME, and the YAML example without its plugins: block (so the
// CLI finds the plugin in its cache, not in this repository) creates and destroys its contact.
import { strict as assert } from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { StartedSimulator, startSimulator } from "callbell-simulator";
import { REPO_ROOT } from "../harness";
import { ok, summary } from "../plain-cli/support";
import { pluginEnv, projectFrom, stateOf, writes } from "./support";

describe("provider plugin: installed from the packed tarball (README)", function () {
  this.timeout(10 * 60_000);
  let sim: StartedSimulator;
  before(async () => {
    sim = await startSimulator({ rateLimitPerSecond: 0 });
  });
  after(async () => sim?.close());

  it("pulumi plugin install --file the tarball, then a YAML program that names no path creates and destroys its contact", async () => {
    const version = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "provider", "package.json"), "utf8")).version as string;
    const tarball = execFileSync("bash", [path.join(REPO_ROOT, "scripts", "plugin-pack.sh")], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
      // Under `npm test`, npm's own npm_* settings would reach the npm install inside the script.
      env: Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.toLowerCase().startsWith("npm_"))),
    }).trim();
    assert.equal(path.basename(tarball), `pulumi-resource-callbell-v${version}-linux-x64.tar.gz`);
    const project = projectFrom("yaml");
    const file = path.join(project, "Pulumi.yaml");
    fs.writeFileSync(file, fs.readFileSync(file, "utf8").replace(/^plugins:\n(?: {2}.*\n)+/m, ""));
    assert.ok(!fs.readFileSync(file, "utf8").includes("plugins:"));
    const env = pluginEnv(project, sim);
    const pulumi = (...args: string[]) => ok(project, env, args, "pulumi", [sim.token]);
    await pulumi("plugin", "install", "resource", "callbell", version, "--file", tarball);
    await pulumi("stack", "init", "dev");
    const up = await pulumi("up", "--yes");
    assert.deepEqual(summary(up.stdout), { create: 2 });
    assert.deepEqual(writes(await sim.admin.requests()), ["POST /contacts"]);
    assert.equal((await stateOf(project, env))[0].outputs?.origin, "created");
    await pulumi("destroy", "--yes");
    assert.deepEqual(await sim.admin.contacts(), []);
  });
});
