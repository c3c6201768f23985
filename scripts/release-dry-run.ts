// `npm run release:dry-run`: builds every release artifact into dist/ as the release workflow
// (.github/workflows/release.yml, job `build`) does, uploads nothing, and proves each one by installing it into a fresh
// folder outside the repository (under the OS temp dir) and running a program with the plain `pulumi` CLI against a
// Callbell simulator started here on 127.0.0.1:
//
//   npm run release:dry-run                       # = npm run build && ts-node --transpile-only scripts/release-dry-run.ts
//   PULUMI_CALLBELL_KEEP_TEMP=1 npm run release:dry-run   # keeps the scratch folder (it is kept anyway on a failure)
//
// dist/ afterwards (release.yml relies on this layout exactly):
//   pulumi-callbell-<version>.tgz                                     npm pack --workspace provider
//   pulumi-resource-callbell-v<version>-<os>-<arch>.tar.gz, SHA256SUMS bash scripts/plugin-pack.sh
//   python/pulumi_callbell-<version>.tar.gz and -py3-none-any.whl     the Python SDK generated from the plugin's schema
// The Go SDK is the committed sdk/ (its tag is the release's only Go artifact).
//
// Then the checks, each printing `ok <what>` or `FAIL <what>: <why>` (the full output of a failed command is in a log
// file the line names): versions and checksums; npm publish --dry-run and twine check; the npm tarball in a TypeScript
// project; the linux-amd64 plugin archive through `pulumi plugin install --file` with a YAML program; the engine's
// download through the schema's pluginDownloadURL from a local HTTP server serving dist/; the wheel in a fresh Python
// virtualenv; the Go SDK in a Go program. Last, a table of dist/'s artifacts (size, sha256) and of each step's time.
// Exits 0 only when every check passed.
//
// Tools: scripts/ensure-pulumi.sh (the pinned CLI, its language hosts and pulumi-gen-sdk), scripts/ensure-node.sh (a
// Node >= 22 for the programs and the plugin), python3, go, npm, tar; PyPA `build` and `twine` are installed once into
// <cache>/release-venv ($PULUMI_CALLBELL_CACHE, default ~/.cache/pulumi-callbell). Needs the npm registry, PyPI and the
// Go module proxy (or their caches).
import { spawn, spawnSync } from "child_process";
import { createHash } from "crypto";
import * as fs from "fs";
import * as http from "http";
import type { AddressInfo } from "net";
import * as os from "os";
import * as path from "path";
import { startSimulator, type StartedSimulator } from "callbell-simulator";
import { packageInfoOf } from "../provider/src/doors/plugin/package-info";
import { cleanEnv, userShellEnv } from "./lib/user-shell";

/** The repository's root folder. */
export const REPO_ROOT = path.resolve(__dirname, "..");
/** Where the release artifacts go, as release.yml expects them. */
export const DIST = path.join(REPO_ROOT, "dist");
/** The pluginDownloadURL the plugin's schema (and so every SDK) names, from provider/package.json's repository. */
export const PLUGIN_DOWNLOAD_URL = packageInfoOf(fs.readFileSync(path.join(REPO_ROOT, "provider", "package.json"), "utf8")).pluginDownloadURL;
/** The PyPA tools of the release venv, pinned (the stamp records them, so a change remakes the venv). */
export const RELEASE_VENV_REQUIREMENTS = ["build==1.6.1", "twine==7.0.0"];
/** Every OS and architecture a plugin archive is made for. */
export const PLATFORMS = ["linux", "darwin", "windows"].flatMap((o) => ["amd64", "arm64"].map((a) => `${o}-${a}`));

const PASSPHRASE = "release-dry-run";
const COMMAND_TIMEOUT_MS = 15 * 60_000;

/** A failure that is reported as one line, without a stack trace. */
export class Failure extends Error {}

/** What one command did. */
interface Ran {
  code: number | null;
  stdout: string;
  output: string;
}

/** The run's settings, found once in main(). */
interface Context {
  version: string;
  pulumiDir: string;
  nodeBin: string;
  cache: string;
  work: string;
  logs: string;
  /** Values never printed or logged (the simulators' tokens). */
  secrets: string[];
}

let logCount = 0;

/** The text with every secret replaced by [redacted]. */
function redact(ctx: Context, text: string): string {
  return ctx.secrets.filter(Boolean).reduce((t, s) => t.split(s).join("[redacted]"), text);
}

/** The last non-empty line of a command's output that reads like an error, else its last line. */
function gist(output: string): string {
  const lines = output
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean);
  const error = [...lines].reverse().find((l) => /error|fail|cannot|not found|denied|refused|invalid/i.test(l));
  return (error ?? lines[lines.length - 1] ?? "no output").slice(0, 400);
}

/** Writes a command's output (secrets redacted) to a log file of the run; returns its path. */
function writeLog(ctx: Context, program: string, args: string[], cwd: string, output: string): string {
  const file = path.join(ctx.logs, `${String(++logCount).padStart(2, "0")}-${path.basename(program)}-${args[0] ?? ""}.log`.replace(/[^\w.-]/g, "_"));
  fs.writeFileSync(file, redact(ctx, `$ ${[program, ...args].join(" ")}\n# in ${cwd}\n${output}`));
  return file;
}

/** Runs program with args (no shell), asynchronously so the simulator and the HTTP server in this process keep answering. */
function runAsync(ctx: Context, program: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const child = spawn(program, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    const out: Buffer[] = [];
    const all: Buffer[] = [];
    child.stdout.on("data", (b: Buffer) => (out.push(b), all.push(b)));
    child.stderr.on("data", (b: Buffer) => all.push(b));
    const timer = setTimeout(() => child.kill("SIGTERM"), COMMAND_TIMEOUT_MS);
    child.on("error", (e) => (clearTimeout(timer), reject(new Failure(`cannot run ${program}: ${e.message}`))));
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout: Buffer.concat(out).toString(), output: Buffer.concat(all).toString() });
    });
  });
}

/** Runs a command and fails with one line (its gist and the log's path) unless it exits 0. */
async function must(ctx: Context, program: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<Ran> {
  const r = await runAsync(ctx, program, args, cwd, env);
  const log = writeLog(ctx, program, args, cwd, r.output);
  if (r.code !== 0) {
    throw new Failure(`\`${path.basename(program)} ${args.join(" ")}\` exited ${r.code}: ${redact(ctx, gist(r.output))} (full output: ${log})`);
  }
  return r;
}

/** spawnSync of a tool that needs no server of this process; stdout, or a one-line Failure. */
function runSync(program: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; stderr?: "inherit" | "pipe" } = {}): string {
  const r = spawnSync(program, args, {
    cwd: options.cwd ?? REPO_ROOT,
    env: options.env ?? process.env,
    encoding: "utf8",
    maxBuffer: 256 << 20,
    stdio: ["ignore", "pipe", options.stderr ?? "pipe"],
  });
  if (r.error) throw new Failure(`cannot run ${program}: ${r.error.message}`);
  if (r.status !== 0) throw new Failure(`\`${path.basename(program)} ${args.join(" ")}\` exited ${r.status}: ${gist(`${r.stdout}\n${r.stderr ?? ""}`)}`);
  return r.stdout;
}

/**
 * A user's shell for a project folder: the pinned Node and CLI first on PATH, a file backend and PULUMI_HOME of the
 * project's own (beside it), a passphrase, the simulator's URL and token, no plugin download unless `extra` says so.
 */
function userEnv(ctx: Context, project: string, sim: StartedSimulator | undefined, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const backend = path.join(path.dirname(project), "backend");
  const home = path.join(path.dirname(project), "pulumi-home");
  fs.mkdirSync(backend, { recursive: true });
  fs.mkdirSync(home, { recursive: true });
  return {
    ...userShellEnv({ nodeBin: ctx.nodeBin, pulumiDir: ctx.pulumiDir, backendDir: backend, pulumiHome: home, passphrase: PASSPHRASE }),
    npm_config_audit: "false",
    npm_config_fund: "false",
    npm_config_update_notifier: "false",
    ...(sim ? { CALLBELL_API_URL: sim.url, CALLBELL_API_TOKEN: sim.token } : {}),
    ...extra,
  };
}

/** A fresh folder for one check under the run's scratch folder, with the project folder `name` in it. */
function projectDir(ctx: Context, check: string, name = "project"): string {
  const dir = path.join(ctx.work, check, name);
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

/** Starts a simulator whose token is kept out of every printed line and log. */
async function simulator(ctx: Context): Promise<StartedSimulator> {
  const sim = await startSimulator({ rateLimitPerSecond: 0 });
  ctx.secrets.push(sim.token);
  return sim;
}

/**
 * `pulumi stack init`, `up --yes` (the simulator must then hold one contact with this identifier and name),
 * `destroy --yes` (and then none); returns the `up`'s output.
 */
async function upAndDestroy(ctx: Context, project: string, env: NodeJS.ProcessEnv, sim: StartedSimulator, identifier: string, name: string): Promise<Ran> {
  const pulumi = path.join(ctx.pulumiDir, "pulumi");
  await must(ctx, pulumi, ["stack", "init", "release"], project, env);
  const up = await must(ctx, pulumi, ["up", "--yes", "--skip-preview"], project, env);
  const made = (await sim.admin.contacts()).filter((c) => c.phoneNumber?.replace(/\D/g, "") === identifier);
  if (made.length !== 1 || made[0].name !== name) {
    throw new Failure(
      `after \`pulumi up\` the simulator holds ${made.length} contact(s) with identifier ${identifier} ` +
        `(named ${made.map((c) => c.name).join(", ") || "-"}), not one named ${name}`,
    );
  }
  await must(ctx, pulumi, ["destroy", "--yes", "--skip-preview"], project, env);
  const left = (await sim.admin.contacts()).filter((c) => c.uuid === made[0].uuid);
  if (left.length !== 0) throw new Failure(`after \`pulumi destroy\` the simulator still holds the contact ${made[0].uuid}`);
  return up;
}

/** The Python (PEP 440) spelling of a semver version: 1.2.3-rc.1 is 1.2.3rc1, 1.2.3-alpha.2 is 1.2.3a2. */
export function pep440(version: string): string {
  const m = /^(\d+\.\d+\.\d+)(?:-(alpha|beta|rc)\.?(\d+))?$/.exec(version);
  if (!m) throw new Failure(`version ${version} has no Python spelling this script knows (X.Y.Z or X.Y.Z-alpha|beta|rc.N)`);
  return m[2] ? `${m[1]}${{ alpha: "a", beta: "b", rc: "rc" }[m[2]]}${m[3]}` : m[1];
}

/** The file names release.yml expects in dist/ for a version. */
export function artifactNames(version: string): { tarball: string; archives: string[]; sdist: string; wheel: string } {
  const py = pep440(version);
  return {
    tarball: `pulumi-callbell-${version}.tgz`,
    archives: PLATFORMS.map((p) => `pulumi-resource-callbell-v${version}-${p}.tar.gz`),
    sdist: `python/pulumi_callbell-${py}.tar.gz`,
    wheel: `python/pulumi_callbell-${py}-py3-none-any.whl`,
  };
}

/** The sha256 of a file, hex. */
function sha256(file: string): string {
  return createHash("sha256").update(fs.readFileSync(file)).digest("hex");
}

/** The cache root the ensure-*.sh scripts use. */
function cacheRoot(): string {
  return process.env.PULUMI_CALLBELL_CACHE ?? path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), ".cache"), "pulumi-callbell");
}

/** <cache>/release-venv with RELEASE_VENV_REQUIREMENTS, made once (its .complete stamp, written last, lists them). */
function ensureReleaseVenv(ctx: Context): string {
  const venv = path.join(ctx.cache, "release-venv");
  const stamp = path.join(venv, ".complete");
  const want = RELEASE_VENV_REQUIREMENTS.join("\n") + "\n";
  // A venv restored from a cache may point at a Python the machine no longer has: then it is made again.
  const runs = () => spawnSync(path.join(venv, "bin", "python"), ["-c", "import build, twine"], { stdio: "ignore" }).status === 0;
  if (fs.existsSync(stamp) && fs.readFileSync(stamp, "utf8") === want && runs()) return venv;
  process.stderr.write(`release-dry-run: making ${venv} with ${RELEASE_VENV_REQUIREMENTS.join(", ")} from PyPI\n`);
  fs.rmSync(venv, { recursive: true, force: true });
  runSync("python3", ["-m", "venv", venv]);
  runSync(path.join(venv, "bin", "pip"), ["install", "--disable-pip-version-check", "--quiet", ...RELEASE_VENV_REQUIREMENTS]);
  fs.writeFileSync(stamp, want);
  return venv;
}

/** A shell for the repository's own build steps: the pinned Node and CLI first on PATH, a scratch PULUMI_HOME. */
function buildEnv(ctx: Context): NodeJS.ProcessEnv {
  const home = path.join(ctx.work, "build-pulumi-home");
  fs.mkdirSync(home, { recursive: true });
  return {
    ...cleanEnv(),
    PATH: [ctx.nodeBin, ctx.pulumiDir, process.env.PATH ?? ""].join(path.delimiter),
    PULUMI_HOME: home,
    PULUMI_SKIP_UPDATE_CHECK: "true",
    npm_config_update_notifier: "false",
  };
}

/** Removes what an earlier run left in dist/ (any version), so that nothing stale is listed, checked or uploaded. */
export function cleanDist(): void {
  for (const f of fs.readdirSync(DIST)) {
    if (/^pulumi-callbell-.*\.tgz$|^pulumi-resource-callbell-v.*\.tar\.gz$|^SHA256SUMS$|^python$/.test(f))
      fs.rmSync(path.join(DIST, f), { recursive: true, force: true });
  }
}

/** dist/pulumi-callbell-<version>.tgz: `npm pack --workspace provider` (its prepack builds provider/dist afresh). */
async function buildNpmTarball(ctx: Context): Promise<string> {
  await must(ctx, "npm", ["pack", "--workspace", "provider", "--pack-destination", DIST], REPO_ROOT, buildEnv(ctx));
  return `npm tarball ${artifactNames(ctx.version).tarball}`;
}

/** The six plugin archives and SHA256SUMS: `bash scripts/plugin-pack.sh`. */
async function buildPluginArchives(ctx: Context): Promise<string> {
  await must(ctx, "bash", [path.join(REPO_ROOT, "scripts", "plugin-pack.sh")], REPO_ROOT, buildEnv(ctx));
  return `plugin archives for ${PLATFORMS.join(", ")} and SHA256SUMS`;
}

/** dist/python/: the Python SDK generated from the plugin's schema, built as sdist and wheel by PyPA build. */
async function buildPythonSdk(ctx: Context): Promise<string> {
  const env = buildEnv(ctx);
  const work = path.join(ctx.work, "python-sdk");
  fs.mkdirSync(work, { recursive: true });
  // `./` makes the CLI take the argument as a plugin's path, not a package name.
  const schema = await must(ctx, path.join(ctx.pulumiDir, "pulumi"), ["package", "get-schema", "./provider/pulumi-resource-callbell"], REPO_ROOT, env);
  fs.writeFileSync(path.join(work, "schema.json"), schema.stdout);
  const sdk = path.join(work, "sdk");
  await must(ctx, path.join(ctx.pulumiDir, "pulumi-gen-sdk"), ["python", path.join(work, "schema.json"), sdk], work, env);
  // pyproject.toml names README.md beside it as the long description (PyPI's page); the generator writes it into the package.
  fs.copyFileSync(path.join(sdk, "pulumi_callbell", "README.md"), path.join(sdk, "README.md"));
  const venv = ensureReleaseVenv(ctx);
  const out = path.join(DIST, "python");
  fs.rmSync(out, { recursive: true, force: true });
  await must(ctx, path.join(venv, "bin", "python"), ["-m", "build", "--sdist", "--wheel", "--outdir", out, sdk], work, env);
  const names = artifactNames(ctx.version);
  return `Python SDK ${path.basename(names.sdist)} and ${path.basename(names.wheel)}`;
}

/** Check 1: every artifact names provider/package.json's version; SHA256SUMS holds; each archive has its OS's launcher. */
async function checkVersions(ctx: Context): Promise<string> {
  const { version } = ctx;
  const names = artifactNames(version);
  const pkg = JSON.parse(runSync("tar", ["-xzOf", path.join(DIST, names.tarball), "package/package.json"]));
  if (pkg.name !== "pulumi-callbell" || pkg.version !== version)
    throw new Failure(`${names.tarball} holds ${pkg.name}@${pkg.version}, not pulumi-callbell@${version}`);
  const archives = fs.readdirSync(DIST).filter((f) => f.startsWith("pulumi-resource-callbell-"));
  const expected = [...names.archives].sort();
  if (JSON.stringify(archives.sort()) !== JSON.stringify(expected))
    throw new Failure(`dist/ holds the plugin archives ${archives.join(", ")}, not ${expected.join(", ")}`);
  const sums = new Map<string, string>();
  for (const line of fs.readFileSync(path.join(DIST, "SHA256SUMS"), "utf8").split("\n").filter(Boolean)) {
    const m = /^([0-9a-f]{64}) [ *](\S+)$/.exec(line);
    if (!m) throw new Failure(`SHA256SUMS has a line that is not "<sha256>  <file>": ${line}`);
    sums.set(m[2], m[1]);
  }
  if (JSON.stringify([...sums.keys()].sort()) !== JSON.stringify(expected))
    throw new Failure(`SHA256SUMS lists ${[...sums.keys()].join(", ")}, not the six archives`);
  for (const [file, sum] of sums) if (sha256(path.join(DIST, file)) !== sum) throw new Failure(`${file}: sha256 differs from SHA256SUMS`);
  for (const file of expected) {
    const top = runSync("tar", ["-tzf", path.join(DIST, file)])
      .split("\n")
      .filter((f) => f && !f.startsWith("node_modules/"));
    const launcher = file.includes("-windows-") ? "pulumi-resource-callbell.cmd" : "pulumi-resource-callbell";
    if (JSON.stringify(top.sort()) !== JSON.stringify(["package.json", launcher]))
      throw new Failure(`${file} holds ${top.join(", ")} beside node_modules, not package.json and ${launcher}`);
  }
  const python = fs.readdirSync(path.join(DIST, "python")).sort();
  const wantPython = [names.sdist, names.wheel].map((f) => path.basename(f)).sort();
  if (JSON.stringify(python) !== JSON.stringify(wantPython)) throw new Failure(`dist/python holds ${python.join(", ")}, not ${wantPython.join(", ")}`);
  const readWheel = "import json, sys, zipfile; print(zipfile.ZipFile(sys.argv[1]).read('pulumi_callbell/pulumi-plugin.json').decode())";
  const wheelPlugin = JSON.parse(runSync(path.join(ctx.cache, "release-venv", "bin", "python"), ["-c", readWheel, path.join(DIST, names.wheel)]));
  if (wheelPlugin.version !== version || wheelPlugin.server !== PLUGIN_DOWNLOAD_URL) {
    throw new Failure(
      `the wheel's pulumi-plugin.json names version ${wheelPlugin.version} and server ${wheelPlugin.server}, not ${version} and ${PLUGIN_DOWNLOAD_URL}`,
    );
  }
  const goPlugin = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "sdk", "go", "callbell", "pulumi-plugin.json"), "utf8"));
  if (goPlugin.version !== version || goPlugin.server !== PLUGIN_DOWNLOAD_URL) {
    throw new Failure(
      `sdk/go/callbell/pulumi-plugin.json names version ${goPlugin.version} and server ${goPlugin.server}, ` +
        `not ${version} and ${PLUGIN_DOWNLOAD_URL} (run bash scripts/gen-go-sdk.sh)`,
    );
  }
  return `versions: ${version} in the npm tarball, the 6 plugin archives (SHA256SUMS verified, each with its OS's launcher), the wheel, the sdist, the Go SDK`;
}

/** A registry on 127.0.0.1 that has no package: what npm publish --dry-run sees before a version's first publish. */
async function emptyRegistry(): Promise<{ url: string; close: () => Promise<void> }> {
  const server = http.createServer((_req, res) => res.writeHead(404, { "content-type": "application/json" }).end('{"error":"Not found"}'));
  await new Promise<void>((resolve, reject) => server.once("error", reject).listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/** Check 2: `npm publish --dry-run` of the tarball and `twine check --strict` of the sdist and wheel. */
async function checkPublishable(ctx: Context): Promise<string> {
  const folder = projectDir(ctx, "publish");
  const userconfig = path.join(folder, "npmrc"); // no login: --dry-run needs none, and no user's token is read
  fs.writeFileSync(userconfig, "");
  // npm 11 asks the registry whether the version is out already, even in a dry run: after a release the real registry
  // would fail every run until the next bump, so the dry run asks an empty one (release.yml's npm job asks the real one).
  const registry = await emptyRegistry();
  const env = { ...userEnv(ctx, folder, undefined), npm_config_userconfig: userconfig, npm_config_registry: registry.url };
  const names = artifactNames(ctx.version);
  const r = await must(ctx, "npm", ["publish", "--dry-run", path.join(DIST, names.tarball)], folder, env).finally(() => registry.close());
  if (!r.output.includes(`+ pulumi-callbell@${ctx.version}`))
    throw new Failure(`npm publish --dry-run did not say it would publish pulumi-callbell@${ctx.version}`);
  const twine = path.join(ctx.cache, "release-venv", "bin", "twine");
  await must(ctx, twine, ["check", "--strict", path.join(DIST, names.sdist), path.join(DIST, names.wheel)], folder, env);
  return `npm publish --dry-run ${names.tarball}; twine check --strict of the sdist and wheel`;
}

/** Check 3: the npm tarball in a fresh TypeScript project, one callbell.Contact up and destroyed. */
async function checkNpmTarball(ctx: Context): Promise<string> {
  const project = projectDir(ctx, "npm");
  const sim = await simulator(ctx);
  try {
    const env = userEnv(ctx, project, sim);
    const dev = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")).devDependencies as Record<string, string>;
    const tarball = path.join(DIST, artifactNames(ctx.version).tarball);
    fs.writeFileSync(path.join(project, "Pulumi.yaml"), "name: release-npm\nruntime:\n  name: nodejs\n  options:\n    typescript: true\n");
    const pkg = {
      name: "release-npm",
      private: true,
      main: "index.ts",
      dependencies: { "pulumi-callbell": `file:${tarball}`, "@pulumi/pulumi": dev["@pulumi/pulumi"], "ts-node": dev["ts-node"], typescript: dev.typescript },
      allowScripts: { protobufjs: false },
    };
    fs.writeFileSync(path.join(project, "package.json"), JSON.stringify(pkg, null, 2) + "\n");
    fs.writeFileSync(
      path.join(project, "index.ts"),
      [
        'import * as callbell from "pulumi-callbell";',
        "",
        'const contact = new callbell.Contact("release-npm", { identifier: "393336100001", source: "whatsapp", name: "Release npm", tags: ["qa"] });',
        "export const uuid = contact.uuid;",
        "",
      ].join("\n"),
    );
    await must(ctx, "npm", ["install"], project, env);
    const installed = JSON.parse(fs.readFileSync(path.join(project, "node_modules", "pulumi-callbell", "package.json"), "utf8"));
    if (installed.version !== ctx.version) throw new Failure(`npm installed pulumi-callbell ${installed.version}, not ${ctx.version}`);
    if (fs.lstatSync(path.join(project, "node_modules", "pulumi-callbell")).isSymbolicLink())
      throw new Failure("npm linked pulumi-callbell instead of unpacking the tarball");
    await upAndDestroy(ctx, project, env, sim, "393336100001", "Release npm");
    return `the npm tarball in a fresh TypeScript project: npm install, pulumi up created the contact, destroy deleted it`;
  } finally {
    await sim.close();
  }
}

/** The Pulumi.yaml of a YAML program with one Contact; `options` is YAML text for the resource's options, if any. */
function yamlProgram(name: string, identifier: string, contactName: string, options?: string): string {
  return [
    `name: ${name}`,
    "runtime: yaml",
    "resources:",
    "  contact:",
    "    type: callbell:index:Contact",
    ...(options ? [`    options: ${options}`] : []),
    "    properties:",
    `      identifier: "${identifier}"`,
    "      source: whatsapp",
    `      name: ${contactName}`,
    "      tags: [qa]",
    "outputs:",
    "  uuid: ${contact.uuid}",
    "",
  ].join("\n");
}

/** `pulumi plugin install resource callbell <version> --file <linux-amd64 archive>` into the env's PULUMI_HOME. */
async function installPlugin(ctx: Context, project: string, env: NodeJS.ProcessEnv): Promise<void> {
  const archive = path.join(DIST, `pulumi-resource-callbell-v${ctx.version}-linux-amd64.tar.gz`);
  await must(ctx, path.join(ctx.pulumiDir, "pulumi"), ["plugin", "install", "resource", "callbell", ctx.version, "--file", archive], project, env);
  const installed = path.join(env.PULUMI_HOME!, "plugins", `resource-callbell-v${ctx.version}`, "pulumi-resource-callbell");
  if (!fs.existsSync(installed)) throw new Failure(`pulumi plugin install left no ${installed}`);
}

/** Check 4: the linux-amd64 archive installed by `pulumi plugin install --file`, then a YAML program up and destroyed. */
async function checkPluginInstall(ctx: Context): Promise<string> {
  if (process.platform !== "linux" || process.arch !== "x64")
    throw new Failure(`the plugin checks run the linux-amd64 archive; this is ${process.platform}-${process.arch}`);
  const project = projectDir(ctx, "plugin-install");
  const sim = await simulator(ctx);
  try {
    const env = userEnv(ctx, project, sim);
    await installPlugin(ctx, project, env);
    fs.writeFileSync(path.join(project, "Pulumi.yaml"), yamlProgram("release-yaml", "393336200001", "Release YAML"));
    await upAndDestroy(ctx, project, env, sim, "393336200001", "Release YAML");
    const archive = `dist/pulumi-resource-callbell-v${ctx.version}-linux-amd64.tar.gz`;
    return `pulumi plugin install --file ${archive} into a fresh PULUMI_HOME; a YAML program's up and destroy`;
  } finally {
    await sim.close();
  }
}

/** A local HTTP server of dist/'s plugin archives, standing in for the GitHub release; records each request. */
interface ReleaseServer {
  url: string;
  requests: string[];
  close(): Promise<void>;
}

/** Serves dist/'s files by name on 127.0.0.1 (a random port). */
async function releaseServer(): Promise<ReleaseServer> {
  const requests: string[] = [];
  const server = http.createServer((req, res) => {
    const name = decodeURIComponent((req.url ?? "/").split("?")[0].replace(/^\/+/, ""));
    requests.push(`${req.method} /${name}`);
    const file = path.join(DIST, name);
    if (!/^[\w.-]+$/.test(name) || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
      res.writeHead(404).end("not found\n");
      return;
    }
    res.writeHead(200, { "content-type": "application/gzip", "content-length": fs.statSync(file).size });
    if (req.method === "HEAD") res.end();
    else fs.createReadStream(file).pipe(res);
  });
  await new Promise<void>((resolve, reject) => server.once("error", reject).listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, requests, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/** The environment of a program whose plugin the engine must download: a fresh PULUMI_HOME, the URL overridden to `server`. */
function downloadEnv(ctx: Context, project: string, sim: StartedSimulator, server: ReleaseServer): NodeJS.ProcessEnv {
  const env = userEnv(ctx, project, sim, { PULUMI_PLUGIN_DOWNLOAD_URL_OVERRIDES: `^${PLUGIN_DOWNLOAD_URL}=${server.url}` });
  delete env.PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION;
  if (fs.readdirSync(env.PULUMI_HOME!).length !== 0) throw new Failure(`${env.PULUMI_HOME} is not empty`);
  return env;
}

/** Fails unless the server saw the GET of the linux-amd64 archive and the engine installed it. */
function assertDownloaded(ctx: Context, server: ReleaseServer, env: NodeJS.ProcessEnv): void {
  const want = `GET /pulumi-resource-callbell-v${ctx.version}-linux-amd64.tar.gz`;
  if (!server.requests.includes(want))
    throw new Failure(`the engine did not download the plugin from ${server.url}: it asked for ${server.requests.join(", ") || "nothing"}`);
  const installed = path.join(env.PULUMI_HOME!, "plugins", `resource-callbell-v${ctx.version}`, "pulumi-resource-callbell");
  if (!fs.existsSync(installed)) throw new Failure(`the engine downloaded the plugin but left no ${installed}`);
}

/** Check 5: a YAML program naming pluginDownloadURL: the engine downloads the archive from a local server of dist/. */
async function checkPluginDownload(ctx: Context): Promise<string> {
  const project = projectDir(ctx, "plugin-download");
  const sim = await simulator(ctx);
  const server = await releaseServer();
  try {
    const env = downloadEnv(ctx, project, sim, server);
    const options = `{ pluginDownloadURL: "${PLUGIN_DOWNLOAD_URL}", version: "${ctx.version}" }`;
    fs.writeFileSync(path.join(project, "Pulumi.yaml"), yamlProgram("release-download", "393336300001", "Release download", options));
    await upAndDestroy(ctx, project, env, sim, "393336300001", "Release download");
    assertDownloaded(ctx, server, env);
    return `pluginDownloadURL ${PLUGIN_DOWNLOAD_URL} (overridden to ${server.url}): the engine downloaded the linux-amd64 archive; up and destroy`;
  } finally {
    await server.close();
    await sim.close();
  }
}

/** Check 6: the wheel in a fresh virtualenv, a Python program up and destroyed; its plugin downloaded as the wheel names it. */
async function checkPythonWheel(ctx: Context): Promise<string> {
  const project = projectDir(ctx, "python");
  const sim = await simulator(ctx);
  const server = await releaseServer();
  try {
    const env = downloadEnv(ctx, project, sim, server);
    const venv = path.join(project, "venv");
    await must(ctx, "python3", ["-m", "venv", venv], project, env);
    const wheel = path.join(DIST, artifactNames(ctx.version).wheel);
    // pulumi at the CLI's release, as docs/plugin.md says: the wheel's range alone would take the newest 3.x.
    const cli = (await must(ctx, path.join(ctx.pulumiDir, "pulumi"), ["version"], project, env)).stdout.trim().replace(/^v/, "");
    await must(ctx, path.join(venv, "bin", "pip"), ["install", "--disable-pip-version-check", `pulumi==${cli}`, wheel], project, env);
    // The venv's bin first on PATH: the Python host built here runs the first python3 (its virtualenv option did not find the SDK).
    env.PATH = [path.join(venv, "bin"), env.PATH].join(path.delimiter);
    fs.writeFileSync(path.join(project, "Pulumi.yaml"), "name: release-python\nruntime: python\n");
    fs.writeFileSync(
      path.join(project, "__main__.py"),
      [
        "import pulumi",
        "import pulumi_callbell as callbell",
        "",
        'contact = callbell.Contact("release-python", identifier="393336400001", source="whatsapp", name="Release Python", tags=["qa"])',
        'pulumi.export("uuid", contact.uuid)',
        "",
      ].join("\n"),
    );
    await upAndDestroy(ctx, project, env, sim, "393336400001", "Release Python");
    assertDownloaded(ctx, server, env);
    return `the wheel in a fresh virtualenv (pip install, pulumi==${cli}): a Python program's up and destroy, its plugin downloaded as the wheel names it`;
  } finally {
    await server.close();
    await sim.close();
  }
}

/** Check 7: a Go program against a copy of sdk/ (replace), built once and run as `runtime: go` with options.binary; the engine downloads its plugin. */
async function checkGoSdk(ctx: Context): Promise<string> {
  const project = projectDir(ctx, "go");
  const sim = await simulator(ctx);
  const server = await releaseServer();
  try {
    // No plugin installed: the SDK names the download URL and the version, so the engine fetches the archive.
    const env = { ...downloadEnv(ctx, project, sim, server), GOFLAGS: "-mod=mod" };
    const sdkCopy = path.join(path.dirname(project), "sdk");
    fs.cpSync(path.join(REPO_ROOT, "sdk"), sdkCopy, { recursive: true });
    const sdkMod = fs.readFileSync(path.join(sdkCopy, "go.mod"), "utf8");
    const module = /^module\s+(\S+)/m.exec(sdkMod)?.[1];
    const goLine = /^go\s+(\S+)/m.exec(sdkMod)?.[1];
    const pulumiSdk = /^\s*github\.com\/pulumi\/pulumi\/sdk\/v3\s+(v\S+)/m.exec(sdkMod)?.[1];
    if (!module || !goLine || !pulumiSdk) throw new Failure("sdk/go.mod names no module, go version or github.com/pulumi/pulumi/sdk/v3 version");
    fs.writeFileSync(
      path.join(project, "go.mod"),
      [
        "module release-dry-run/go",
        "",
        `go ${goLine}`,
        "",
        `require (\n\t${module} v${ctx.version}\n\tgithub.com/pulumi/pulumi/sdk/v3 ${pulumiSdk}\n)`,
        "",
        `replace ${module} => ../sdk`,
        "",
      ].join("\n"),
    );
    fs.writeFileSync(
      path.join(project, "main.go"),
      [
        "package main",
        "",
        "import (",
        `\t"${module}/go/callbell"`,
        '\t"github.com/pulumi/pulumi/sdk/v3/go/pulumi"',
        ")",
        "",
        "func main() {",
        "\tpulumi.Run(func(ctx *pulumi.Context) error {",
        '\t\tcontact, err := callbell.NewContact(ctx, "release-go", &callbell.ContactArgs{',
        '\t\t\tIdentifier: pulumi.String("393336500001"),',
        '\t\t\tSource:     pulumi.String("whatsapp"),',
        '\t\t\tName:       pulumi.String("Release Go"),',
        '\t\t\tTags:       pulumi.StringArray{pulumi.String("qa")},',
        "\t\t})",
        "\t\tif err != nil {",
        "\t\t\treturn err",
        "\t\t}",
        '\t\tctx.Export("uuid", contact.Uuid)',
        "\t\treturn nil",
        "\t})",
        "}",
        "",
      ].join("\n"),
    );
    await must(ctx, "go", ["mod", "tidy"], project, env);
    await must(ctx, "go", ["build", "-o", "program", "."], project, env);
    fs.writeFileSync(path.join(project, "Pulumi.yaml"), "name: release-go\nruntime:\n  name: go\n  options:\n    binary: ./program\n");
    await upAndDestroy(ctx, project, env, sim, "393336500001", "Release Go");
    assertDownloaded(ctx, server, env);
    return `the Go SDK (a copy of sdk/, replace ${module}) in a Go program built once, its plugin downloaded as the SDK names it: up and destroy`;
  } finally {
    await server.close();
    await sim.close();
  }
}

/** One step's outcome for the table. */
interface Outcome {
  name: string;
  ok: boolean;
  seconds: number;
}

/** Runs one step, prints its `ok ...` or `FAIL ...` line, and records its time. */
async function step(ctx: Context, outcomes: Outcome[], name: string, body: (ctx: Context) => Promise<string>): Promise<boolean> {
  const start = Date.now();
  process.stderr.write(`release-dry-run: ${name}...\n`);
  let ok = true;
  try {
    console.log(`ok ${await body(ctx)}`);
  } catch (e) {
    ok = false;
    console.log(`FAIL ${name}: ${redact(ctx, e instanceof Error ? e.message : String(e)).split("\n")[0]}`);
  }
  outcomes.push({ name, ok, seconds: (Date.now() - start) / 1000 });
  return ok;
}

/** A size as KiB/MiB. */
function humanSize(bytes: number): string {
  return bytes >= 1 << 20 ? `${(bytes / (1 << 20)).toFixed(1)} MiB` : `${(bytes / 1024).toFixed(1)} KiB`;
}

/** The table of dist/'s artifacts (size, sha256) and of each step's time. */
function printTable(outcomes: Outcome[], totalSeconds: number): void {
  const files: string[] = [];
  const walk = (rel: string) => {
    for (const e of fs.readdirSync(path.join(DIST, rel), { withFileTypes: true })) {
      if (e.isDirectory()) walk(path.join(rel, e.name));
      else files.push(path.join(rel, e.name));
    }
  };
  if (fs.existsSync(DIST)) walk("");
  files.sort();
  const width = Math.max(8, ...files.map((f) => f.length + 5));
  console.log("");
  console.log(`${"artifact".padEnd(width)}  ${"size".padStart(10)}  sha256`);
  for (const f of files) {
    const abs = path.join(DIST, f);
    console.log(`${`dist/${f}`.padEnd(width)}  ${humanSize(fs.statSync(abs).size).padStart(10)}  ${sha256(abs)}`);
  }
  const stepWidth = Math.max(...outcomes.map((o) => o.name.length), 5);
  console.log("");
  console.log(`${"step".padEnd(stepWidth)}  result  ${"time".padStart(8)}`);
  for (const o of outcomes) console.log(`${o.name.padEnd(stepWidth)}  ${(o.ok ? "ok" : "FAIL").padEnd(6)}  ${`${o.seconds.toFixed(1)} s`.padStart(8)}`);
  console.log(`${"total".padEnd(stepWidth)}  ${"".padEnd(6)}  ${`${totalSeconds.toFixed(1)} s`.padStart(8)}`);
}

/** Finds the tools, builds dist/, runs every check, prints the table; resolves with the exit code. */
export async function main(): Promise<number> {
  const started = Date.now();
  const version = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "provider", "package.json"), "utf8")).version as string;
  pep440(version); // fails early on a version with no Python spelling
  // The pinned CLI even where a pulumi is on PATH: that one has no pulumi-gen-sdk beside it.
  const pulumiDir = runSync("bash", [path.join(REPO_ROOT, "scripts", "ensure-pulumi.sh")], {
    stderr: "inherit",
    env: { ...process.env, PULUMI_CALLBELL_NO_PATH: "1" },
  }).trim();
  for (const tool of ["pulumi", "pulumi-gen-sdk", "pulumi-language-yaml", "pulumi-language-python", "pulumi-language-go", "pulumi-language-nodejs"]) {
    if (!fs.existsSync(path.join(pulumiDir, tool))) throw new Failure(`no ${tool} in ${pulumiDir}: scripts/ensure-pulumi.sh should have put it there`);
  }
  const nodeBin = runSync("bash", [path.join(REPO_ROOT, "scripts", "ensure-node.sh")], { stderr: "inherit" }).trim();
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "pulumi-callbell-release-"));
  if (!path.relative(REPO_ROOT, fs.realpathSync(work)).startsWith("..")) throw new Failure(`the scratch folder ${work} is inside ${REPO_ROOT}`);
  const ctx: Context = { version, pulumiDir, nodeBin, cache: cacheRoot(), work, logs: path.join(work, "logs"), secrets: [] };
  fs.mkdirSync(ctx.logs);
  fs.mkdirSync(DIST, { recursive: true });
  cleanDist();
  process.stderr.write(`release-dry-run: version ${version}; scratch folder ${work}\n`);

  const outcomes: Outcome[] = [];
  const built =
    (await step(ctx, outcomes, "build: npm tarball", buildNpmTarball)) &&
    (await step(ctx, outcomes, "build: plugin archives", buildPluginArchives)) &&
    (await step(ctx, outcomes, "build: Python SDK", buildPythonSdk));
  if (built) {
    await step(ctx, outcomes, "1 versions", checkVersions);
    await step(ctx, outcomes, "2 publish dry runs", checkPublishable);
    await step(ctx, outcomes, "3 npm tarball", checkNpmTarball);
    await step(ctx, outcomes, "4 plugin install --file", checkPluginInstall);
    await step(ctx, outcomes, "5 pluginDownloadURL", checkPluginDownload);
    await step(ctx, outcomes, "6 Python wheel", checkPythonWheel);
    await step(ctx, outcomes, "7 Go SDK", checkGoSdk);
  }
  printTable(outcomes, (Date.now() - started) / 1000);
  const passed = built && outcomes.every((o) => o.ok);
  if (passed && process.env.PULUMI_CALLBELL_KEEP_TEMP !== "1") fs.rmSync(work, { recursive: true, force: true });
  else console.log(`\nthe scratch folder (projects and logs) is kept: ${work}`);
  console.log(passed ? "release dry run passed" : "release dry run FAILED");
  return passed ? 0 : 1;
}

if (require.main === module) {
  main().then(
    (code) => process.exit(code),
    (e: unknown) => {
      console.log(`FAIL release-dry-run: ${e instanceof Error ? e.message : String(e)}`);
      process.exit(1);
    },
  );
}
