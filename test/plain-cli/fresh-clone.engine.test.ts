// A newcomer's clone: the repository's tracked files copied to a folder of their own, `npm ci` there (from npm's
// cache, --offline: tests reach no registry), then `npx pulumi-callbell`. It checks what the README promises: npm ci
// prints no warning the project can avoid, and the CLI works right after it (npm links the bin before anything is
// built, so the bin is a committed file and the root's `prepare` builds dist/). Slow (a whole install), so it runs
// with the engine suites.
import { strict as assert } from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { REPO_ROOT } from "../harness";
import { run, scratchDir } from "./support";

// @pulumi/pulumi asks for Node >= 22 while the demo, the simulator and the tests run on Node 20: npm says so once.
const nodeMajor = Number(process.versions.node.split(".")[0]);

describe("a fresh clone: npm ci, then npx pulumi-callbell", function () {
  this.timeout(10 * 60_000);
  let clone: string;
  let env: NodeJS.ProcessEnv;

  before(() => {
    clone = path.join(scratchDir("fresh-clone"), "pulumi-callbell");
    const tracked = execFileSync("git", ["ls-files", "-z"], { cwd: REPO_ROOT, encoding: "utf8" }).split("\0").filter(Boolean);
    for (const rel of tracked) {
      const from = path.join(REPO_ROOT, rel);
      if (!fs.existsSync(from)) continue; // deleted in the working tree, not yet committed
      fs.mkdirSync(path.dirname(path.join(clone, rel)), { recursive: true });
      fs.copyFileSync(from, path.join(clone, rel));
      fs.chmodSync(path.join(clone, rel), fs.statSync(from).mode);
    }
    env = {};
    for (const [k, v] of Object.entries(process.env)) if (!k.toLowerCase().startsWith("npm_")) env[k] = v;
  });

  it("npm ci prints no avoidable warning: on Node < 22 only the engine notice of @pulumi/pulumi", async () => {
    const ci = await run(clone, env, ["ci", "--offline", "--no-audit", "--no-fund"], "npm");
    assert.equal(ci.code, 0, ci.stdout + ci.stderr);
    const warnings = (ci.stdout + ci.stderr).split("\n").filter((l) => /^npm warn/i.test(l));
    assert.deepEqual(
      warnings.filter((l) => !l.startsWith("npm warn EBADENGINE")),
      [],
      "npm ci printed warnings the project can avoid",
    );
    const tooNew = warnings.flatMap((l) => /^npm warn EBADENGINE\s+package: '([^']+)'/.exec(l)?.[1] ?? []);
    assert.deepEqual(
      tooNew.map((p) => p.replace(/@[^@]+$/, "")),
      nodeMajor < 22 ? ["@pulumi/pulumi"] : [],
    );
  });

  it("npx pulumi-callbell works right after npm ci", async () => {
    const help = await run(clone, env, ["--no-install", "pulumi-callbell", "--help"], "npx");
    assert.equal(help.code, 0, help.stdout + help.stderr);
    assert.match(help.stdout, /^Usage: pulumi-callbell <command>/);
    assert.match(help.stdout, /export {4}write an account's contacts to a seed file/);
  });
});
