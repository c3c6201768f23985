// The package as npm installs it: `npm pack` of provider/, checked for what it carries, then
// installed into a fresh project OUTSIDE this repository (so nothing resolves from the repo's
// node_modules) with @pulumi/pulumi, typescript and ts-node from the registry, running the
// README's "Use it for real" program, taken from the README's own text, with the plain CLI.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { REPO_ROOT } from "../harness";
import { RequestLogEntry, StartedSimulator, startSimulator } from "callbell-simulator";
import { CliResult, cliEnv, ok, plainCliTools, run, scratchDir, summary } from "./support";

const shown = (r: CliResult) => `${r.command}\n${r.stdout}${r.stderr}`;
const writes = (log: RequestLogEntry[]) =>
  log.filter((e) => e.method !== "GET").map((e) => `${e.method} ${e.path.replace(/^\/v1/, "").replace(/[0-9a-f]{32}/g, ":uuid")}`);

/** The first ```ts block under the README's "## Use it for real" heading. */
export function readmeProgram(readme: string): string {
  const section = readme.split(/^## /m).find((s) => s.startsWith("Use it for real"));
  const block = section?.match(/^```ts\n([\s\S]*?)^```/m)?.[1];
  if (!block) throw new Error('README.md has no ```ts block under "## Use it for real"');
  return block;
}

/** Every file provider/src compiles to: dist/<path>.js and .d.ts. */
function expectedDist(): string[] {
  const files: string[] = [];
  const walk = (dir: string, rel: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      if (e.isDirectory()) walk(path.join(dir, e.name), `${rel}${e.name}/`);
      else if (e.name.endsWith(".ts")) files.push(`dist/${rel}${e.name.replace(/\.ts$/, ".js")}`, `dist/${rel}${e.name.replace(/\.ts$/, ".d.ts")}`);
    }
  };
  walk(path.join(REPO_ROOT, "provider", "src"), "");
  return files;
}

describe("the package as npm installs it: npm pack of provider/, used from a fresh project outside the repo", function () {
  this.timeout(15 * 60_000);
  let work: string;
  let tarball: string;
  let project: string;
  let sim: StartedSimulator;
  let env: NodeJS.ProcessEnv;
  const repoPkg = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "package.json"), "utf8"));
  const providerPkg = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "provider", "package.json"), "utf8"));
  const pulumi = (...args: string[]) => ok(project, env, [...args, "--stack", "dev"], "pulumi", [sim.token]);

  before(async function () {
    this.timeout(30 * 60_000);
    plainCliTools();
    work = scratchDir("package");
    assert.ok(!path.relative(REPO_ROOT, work).match(/^[^.]/), `${work} must be outside ${REPO_ROOT}`);
    sim = await startSimulator({ rateLimitPerSecond: 0 });
    fs.mkdirSync(path.join(work, "backend"));
    env = cliEnv(path.join(work, "backend"), "package-test-passphrase");
  });
  after(async () => {
    await sim?.close();
    if (process.env.PULUMI_CALLBELL_KEEP_TEMP !== "1" && work) fs.rmSync(work, { recursive: true, force: true });
  });

  it("npm pack runs prepack (a fresh build) and packs README, LICENSE, CHANGELOG, package.json, the plugin wrapper and the .js/.d.ts files only", async () => {
    const r = await ok(REPO_ROOT, env, ["pack", "--workspace", "provider", "--pack-destination", work, "--json"], "npm");
    const [info] = JSON.parse(r.stdout.slice(r.stdout.indexOf("[")));
    assert.match(r.stdout + r.stderr, /> node \.\.\/scripts\/provider-pack\.js prepack/, "prepack ran");
    tarball = path.join(work, info.filename);
    assert.equal(info.name, "pulumi-callbell");
    const files = (info.files as { path: string }[]).map((f) => f.path).sort();
    // pulumi-resource-callbell: the provider plugin's executable wrapper, beside dist/ (README "From Python, Go, C# or YAML").
    assert.deepEqual(
      files,
      ["CHANGELOG.md", "LICENSE", "README.md", "bin/pulumi-callbell.js", "package.json", "pulumi-resource-callbell", ...expectedDist()].sort(),
    );
    for (const f of ["README.md", "LICENSE", "CHANGELOG.md"]) {
      assert.ok(!fs.existsSync(path.join(REPO_ROOT, "provider", f)), `postpack removed provider/${f}`);
    }
    const tar = await ok(work, env, ["-xzOf", tarball, "package/README.md"], "tar");
    assert.equal(tar.stdout, fs.readFileSync(path.join(REPO_ROOT, "README.md"), "utf8"), "the packed README is the repository's");
    assert.equal(providerPkg.license, "Apache-2.0");
    assert.match(fs.readFileSync(path.join(REPO_ROOT, "LICENSE"), "utf8"), /Apache License\s+Version 2\.0, January 2004/);
    // Its own code (the CLI, the provider) runs and is tested on Node 20; a Pulumi program needs what @pulumi/pulumi asks.
    assert.deepEqual(providerPkg.engines, { node: ">=20" });
  });

  it("npm publish --dry-run is clean: it would publish pulumi-callbell, with no warning but the missing login", async () => {
    const r = await run(REPO_ROOT, env, ["publish", "--workspace", "provider", "--dry-run"], "npm");
    assert.equal(r.code, 0, shown(r));
    assert.match(r.stdout, new RegExp(`\\+ pulumi-callbell@${providerPkg.version.replace(/\./g, "\\.")}`));
    const warnings = (r.stdout + r.stderr).split("\n").filter((l) => /^npm (warn|WARN|error|ERR)/.test(l));
    const notLoggedIn = /requires you to be logged in .*\(dry-run\)/;
    assert.deepEqual(
      warnings.filter((l) => !notLoggedIn.test(l)),
      [],
    );
  });

  it("a fresh project installs the tarball with @pulumi/pulumi, typescript and ts-node from the registry", async () => {
    project = path.join(work, "my-contacts");
    fs.mkdirSync(project);
    fs.writeFileSync(path.join(project, "Pulumi.yaml"), "name: my-contacts\nruntime:\n  name: nodejs\n  options:\n    typescript: true\n");
    fs.writeFileSync(path.join(project, "package.json"), JSON.stringify({ name: "my-contacts", private: true, main: "index.ts" }, null, 2));
    fs.writeFileSync(path.join(project, "index.ts"), readmeProgram(fs.readFileSync(path.join(REPO_ROOT, "README.md"), "utf8")));
    const deps = ["@pulumi/pulumi", "typescript", "ts-node"].map((d) => `${d}@${repoPkg.devDependencies[d]}`);
    const r = await ok(project, env, ["install", "--no-audit", "--no-fund", tarball, ...deps], "npm");
    const installed = JSON.parse(fs.readFileSync(path.join(project, "node_modules", "pulumi-callbell", "package.json"), "utf8"));
    assert.equal(installed.version, providerPkg.version, shown(r));
    assert.ok(!fs.lstatSync(path.join(project, "node_modules", "pulumi-callbell")).isSymbolicLink(), "a real install, not a link into the repo");
    assert.ok(fs.existsSync(path.join(project, "node_modules", "pulumi-callbell", "dist", "index.d.ts")));
    const help = await ok(project, env, ["--no-install", "pulumi-callbell", "--help"], "npx");
    assert.match(help.stdout, /^Usage: pulumi-callbell <command>/, shown(help));
  });

  it("the README's program: preview --diff, up --yes, an update in place, destroy --yes", async () => {
    await ok(project, env, ["stack", "init", "dev"]);
    await pulumi("config", "set", "callbell:apiUrl", sim.url);
    await pulumi("config", "set", "--secret", "callbell:apiToken", sim.token);
    await pulumi("config", "set", "callbell:expectedAccount", "owner@acme-dev.example");

    const preview = await pulumi("preview", "--diff");
    assert.deepEqual(summary(preview.stdout), { create: 2 }, shown(preview));
    assert.deepEqual(await sim.admin.requests(), []);

    const up = await pulumi("up", "--yes");
    assert.deepEqual(summary(up.stdout), { create: 2 }, shown(up));
    assert.deepEqual(writes(await sim.admin.requests()), ["POST /contacts"]);
    const [alice] = await sim.admin.contacts();
    assert.equal(alice.name, "QA Alice");
    assert.deepEqual(alice.tags, ["qa"]);
    assert.equal(JSON.parse((await pulumi("stack", "output", "aliceUrl", "--json")).stdout), alice.href);

    const file = path.join(project, "index.ts");
    fs.writeFileSync(file, fs.readFileSync(file, "utf8").replace('name: "QA Alice"', 'name: "QA Alice Renamed"'));
    await sim.admin.clearRequests();
    const diff = await pulumi("preview", "--diff");
    assert.deepEqual(summary(diff.stdout), { update: 1, unchanged: 1 }, shown(diff));
    const update = await pulumi("up", "--yes");
    assert.deepEqual(summary(update.stdout), { update: 1, unchanged: 1 }, shown(update));
    assert.deepEqual(writes(await sim.admin.requests()), ["PATCH /contacts/:uuid"]);
    assert.equal((await sim.admin.contact(alice.uuid)).name, "QA Alice Renamed", "same contact, renamed");

    await sim.admin.clearRequests();
    const destroy = await pulumi("destroy", "--yes");
    assert.deepEqual(summary(destroy.stdout), { delete: 2 }, shown(destroy));
    assert.deepEqual(writes(await sim.admin.requests()), ["DELETE /contacts/:uuid"]);
    assert.deepEqual(await sim.admin.contacts(), []);
    for (const r of [preview, up, diff, update, destroy]) assert.ok(!(r.stdout + r.stderr).includes(sim.token), "no token in the output");
  });
});
