// The provider plugin from a Go program (examples/go) with the Go SDK kept in sdk/go/callbell, through the plain
// `pulumi` CLI and the Go language host in a project outside the repository: the SDK is what the generator writes from
// the plugin's schema; preview, up, an update, import (with the Go code it prints pasted in), refresh, a ContactSet
// through Construct, destroy. After each step: the simulator's contacts, its request log, the stack's state.
import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { StartedSimulator, startSimulator } from "callbell-simulator";
import { packageInfoOf } from "../../provider/src/doors/plugin/package-info";
import { REPO_ROOT } from "../harness";
import { CliResult, ok, scratchDir, summary } from "../plain-cli/support";
import { CONTACT_TYPE, pluginEnv, previewSteps, printedCode, projectFrom, stateOf, writes } from "../harness/plugin";

const shown = (r: CliResult) => `${r.command}\n${r.stdout}${r.stderr}`;
/** The release facts the schema and the SDK are made from (provider/package.json). */
const info = packageInfoOf(fs.readFileSync(path.join(REPO_ROOT, "provider", "package.json"), "utf8"));

/** Every file under dir, relative to it, with its text. */
function filesOf(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const file = path.join(entry.parentPath, entry.name);
    out[path.relative(dir, file)] = fs.readFileSync(file, "utf8");
  }
  return out;
}

describe("Go SDK: sdk/go/callbell", function () {
  this.timeout(5 * 60_000);
  it("is what Pulumi's Go generator writes from the plugin's schema today (else: npm run build && bash scripts/gen-go-sdk.sh)", () => {
    const out = scratchDir("go-sdk");
    const gen = spawnSync("bash", [path.join(REPO_ROOT, "scripts", "gen-go-sdk.sh"), out], { cwd: REPO_ROOT, encoding: "utf8" });
    assert.equal(gen.status, 0, gen.stderr);
    const generated = filesOf(path.join(out, "callbell"));
    const kept = filesOf(path.join(REPO_ROOT, "sdk", "go", "callbell"));
    assert.deepEqual(Object.keys(kept).sort(), Object.keys(generated).sort());
    for (const [file, text] of Object.entries(generated)) assert.equal(kept[file], text, `sdk/go/callbell/${file} differs from the generator's`);
    const plugin = JSON.parse(generated["pulumi-plugin.json"]);
    assert.deepEqual(plugin, { resource: true, name: "callbell", version: info.version, server: info.pluginDownloadURL });
  });
});

describe("provider plugin: a Go program (examples/go) through the plain CLI", function () {
  this.timeout(6 * 60_000);
  let sim: StartedSimulator;
  let project: string;
  let seeds: string;
  let env: NodeJS.ProcessEnv;
  let program: string;
  const pulumi = (...args: string[]) => ok(project, env, args, "pulumi", [sim.token]);
  const logAfter = async <T>(step: () => Promise<T>): Promise<{ result: T; writes: string[] }> => {
    await sim.admin.clearRequests();
    const result = await step();
    return { result, writes: writes(await sim.admin.requests()) };
  };
  /** Builds the program once into the project, and has the Go host run that binary instead of building it each run. */
  const buildBinary = () => {
    const build = spawnSync("go", ["build", "-o", "callbell-go-program", "."], { cwd: project, env, encoding: "utf8" });
    assert.equal(build.status, 0, build.stderr);
    const settings = path.join(project, "Pulumi.yaml");
    fs.writeFileSync(
      settings,
      fs.readFileSync(settings, "utf8").replace(/^runtime: go$/m, "runtime:\n  name: go\n  options:\n    binary: ./callbell-go-program"),
    );
  };

  before(async function () {
    this.timeout(15 * 60_000);
    sim = await startSimulator({ rateLimitPerSecond: 0 });
    project = projectFrom("go");
    program = path.join(project, "main.go");
    // The repository's SDK by its absolute path, as the example's relative replace points outside the copy.
    const goMod = path.join(project, "go.mod");
    const text = fs.readFileSync(goMod, "utf8");
    assert.ok(text.includes("=> ../../sdk"), "examples/go/go.mod no longer replaces the SDK with ../../sdk");
    fs.writeFileSync(goMod, text.replace("=> ../../sdk", `=> ${path.join(REPO_ROOT, "sdk")}`));
    // The seed files of the TypeScript example, in a folder of the user's.
    seeds = path.join(path.dirname(project), "seed-contacts");
    fs.mkdirSync(seeds);
    for (const file of ["contacts.common.yaml", "contacts.dev.yaml"]) {
      fs.copyFileSync(path.join(REPO_ROOT, "examples", "seed-contacts", file), path.join(seeds, file));
    }
    env = { ...pluginEnv(project, sim), GOFLAGS: "-mod=mod" };
    // Go's module download and the first compile of sdk/v3 take minutes with cold caches (a new machine): done here,
    // with a budget of their own, the Go host's build in the first preview is then a cache hit.
    const warm = spawnSync("go", ["build", "-o", os.devNull, "."], { cwd: project, env, encoding: "utf8" });
    assert.equal(warm.status, 0, warm.stderr);
    await pulumi("stack", "init", "dev");
  });
  after(async () => sim?.close());

  it("preview (the Go host builds the program) shows one contact to create and writes nothing; up creates it with one POST", async () => {
    const preview = await logAfter(() => pulumi("preview"));
    assert.deepEqual(summary(preview.result.stdout), { create: 2 }, shown(preview.result));
    assert.deepEqual(preview.writes, []);
    buildBinary();
    const up = await logAfter(() => pulumi("up", "--yes"));
    assert.deepEqual(up.writes, ["POST /contacts"], shown(up.result));
    const [contact] = await sim.admin.contacts();
    assert.equal(contact.name, "QA Alice");
    const [state] = await stateOf(project, env);
    assert.equal(state.id, contact.uuid);
    assert.equal(state.outputs?.owner, "callbell-go/dev/alice");
    assert.equal((await pulumi("stack", "output", "uuid")).stdout.trim(), contact.uuid);
  });

  it("a name change previews as an update of name only; up sends one PATCH", async () => {
    await pulumi("config", "set", "aliceName", "QA Alice Renamed");
    const update = await logAfter(() => previewSteps(project, env));
    assert.deepEqual(
      update.result.map((s) => [s.op, s.detailedDiff]),
      [["update", { name: { kind: "update", inputDiff: true } }]],
    );
    assert.deepEqual(update.writes, []);
    const up = await logAfter(() => pulumi("up", "--yes"));
    assert.deepEqual(up.writes, ["PATCH /contacts/:uuid"], shown(up.result));
    assert.equal((await sim.admin.contacts())[0].name, "QA Alice Renamed");
  });

  it("pulumi import of a contact made by hand writes nothing and prints Go; pasted into the program, it previews with no change", async () => {
    const made = await sim.admin.createContact({ identifier: "393339876543", source: "whatsapp", name: "Hand Made", tags: ["vip"] });
    const imported = await logAfter(() => pulumi("import", CONTACT_TYPE, "bob", made.uuid, "--yes"));
    assert.deepEqual(imported.writes, [], shown(imported.result));
    const code = printedCode(imported.result);
    assert.ok(code.includes(`"${info.goImportBasePath}"`), code);
    assert.match(code, /callbell\.NewContact\(ctx, "bob", &callbell\.ContactArgs\{/, code);
    assert.match(code, /Identifier: +pulumi\.String\("393339876543"\)/, code);
    assert.match(code, /pulumi\.Protect\(true\)/, code);
    // The statements inside the printed program's pulumi.Run, pasted before the program's last `return nil`.
    const body = /pulumi\.Run\(func\(ctx \*pulumi\.Context\) error \{\n([\s\S]*?)\n\t\treturn nil\n\t\}\)/.exec(code);
    assert.ok(body, `no pulumi.Run body in the printed code:\n${code}`);
    const text = fs.readFileSync(program, "utf8");
    const at = text.lastIndexOf("\t\treturn nil\n");
    // In a block of its own: the printed `_, err :=` declares err, which the program already has in this scope.
    fs.writeFileSync(program, text.slice(0, at) + "\t\t{\n" + body[1] + "\n\t\t}\n" + text.slice(at));
    buildBinary();
    const preview = await logAfter(() => pulumi("preview", "--diff"));
    assert.deepEqual(summary(preview.result.stdout), { unchanged: 3 }, shown(preview.result));
    assert.deepEqual(preview.writes, []);
    const bob = (await stateOf(project, env)).find((s) => s.urn.endsWith("::bob"))!;
    assert.equal(bob.id, made.uuid);
    assert.equal(bob.outputs?.origin, "adopted");
    assert.equal(bob.protect, true);
  });

  it("refresh shows the drift by property and writes nothing", async () => {
    const alice = (await stateOf(project, env)).find((s) => s.urn.endsWith("::alice"))!;
    await sim.admin.editContact(alice.id!, { name: "Edited in the dashboard" });
    const refresh = await logAfter(() => pulumi("refresh", "--yes", "--diff"));
    assert.match(refresh.result.stdout, /~ name: "QA Alice Renamed" => "Edited in the dashboard"/, shown(refresh.result));
    assert.deepEqual(refresh.writes, []);
    assert.deepEqual(
      (await previewSteps(project, env)).filter((s) => s.op !== "same").map((s) => [s.op, Object.keys(s.detailedDiff ?? {})]),
      [["update", ["name"]]],
    );
    const up = await logAfter(() => pulumi("up", "--yes"));
    assert.deepEqual(up.writes, ["PATCH /contacts/:uuid"], shown(up.result));
  });

  it("a ContactSet of the seed files through Construct: one POST per contact, each a child of the set", async () => {
    await pulumi("config", "set", "seedDir", seeds);
    const before = (await sim.admin.contacts()).length;
    const up = await logAfter(() => pulumi("up", "--yes"));
    const members = (await stateOf(project, env)).filter((s) => s.urn.includes("callbell:index:ContactSet$"));
    assert.ok(members.length > 0, shown(up.result));
    assert.deepEqual(
      up.writes,
      members.map(() => "POST /contacts"),
      shown(up.result),
    );
    assert.equal((await sim.admin.contacts()).length, before + members.length);
    const summaryOut = JSON.parse((await pulumi("stack", "output", "contacts", "--json")).stdout) as Record<string, { uuid: string }>;
    assert.deepEqual(
      Object.values(summaryOut)
        .map((c) => c.uuid)
        .sort(),
      members.map((m) => m.id).sort(),
    );
    const again = await logAfter(() => pulumi("up", "--yes"));
    assert.deepEqual(again.writes, [], shown(again.result));
  });

  it("destroy deletes the created contacts and leaves the imported one in Callbell", async () => {
    const state = await stateOf(project, env);
    const bob = state.find((s) => s.urn.endsWith("::bob"))!;
    await pulumi("state", "unprotect", "--all", "--yes");
    const { result, writes: w } = await logAfter(() => pulumi("destroy", "--yes"));
    assert.deepEqual(
      w,
      state.filter((s) => s !== bob).map(() => "DELETE /contacts/:uuid"),
      shown(result),
    );
    assert.deepEqual(
      (await sim.admin.contacts()).map((c) => c.uuid),
      [bob.id],
    );
    assert.deepEqual(await stateOf(project, env), []);
  });
});
