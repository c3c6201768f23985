// The user's own path: the plain `pulumi` binary run on a program folder, as a terminal or a
// workflow runs it. No Automation API here: each command is a child process whose exit code,
// stdout and stderr the tests assert on.
//
// Why the PATH starts with a Node from scripts/ensure-node.sh: @pulumi/pulumi 3.259 supports
// Node >= 22, and the Node.js language host and the dynamic-provider host both run the first
// `node` on PATH, so the programs run on that LTS while mocha runs on whatever started it.
// Why npm_* variables are dropped: under `npm test` they would leak npm's own settings into
// `pulumi install`'s npm, which a user's shell does not have.
import { execFileSync, spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { REPO_ROOT, ensureEngine } from "../harness";

/** The tools of the plain-CLI tests: the CLI folder and the Node LTS folder. */
export interface PlainCliTools {
  /** Folder of `pulumi`, with `pulumi-language-nodejs` and `pulumi-resource-pulumi-nodejs` beside it. */
  pulumiDir: string;
  /** Folder of the `node` (>= 22) that programs run on. */
  nodeBin: string;
  /** `node --version` of that node, e.g. "v24.21.0". */
  nodeVersion: string;
}

let tools: PlainCliTools | undefined;

/** Finds (building when needed) the CLI and its language host, and the Node LTS; throws saying why when one is missing. */
export function plainCliTools(): PlainCliTools {
  if (tools) return tools;
  const { pulumiDir } = ensureEngine();
  const host = path.join(path.dirname(fs.realpathSync(path.join(pulumiDir, "pulumi"))), "pulumi-language-nodejs");
  if (!fs.existsSync(host)) {
    throw new Error(`no Node.js language host next to ${pulumiDir}/pulumi (${host}): scripts/ensure-pulumi.sh builds it beside the pinned CLI`);
  }
  const nodeBin = execFileSync("bash", [path.join(REPO_ROOT, "scripts", "ensure-node.sh")], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
  }).trim();
  const nodeVersion = execFileSync(path.join(nodeBin, "node"), ["--version"], { encoding: "utf8" }).trim();
  tools = { pulumiDir, nodeBin, nodeVersion };
  return tools;
}

const scratch: string[] = [];

/** A fresh scratch folder under the OS temp dir, removed when the process exits (kept with PULUMI_CALLBELL_KEEP_TEMP=1). */
export function scratchDir(prefix: string): string {
  const parent = path.join(os.tmpdir(), "pulumi-callbell-plain-cli");
  fs.mkdirSync(parent, { recursive: true });
  const dir = fs.mkdtempSync(path.join(parent, `${prefix}-`));
  if (scratch.push(dir) === 1) {
    process.once("exit", () => {
      if (process.env.PULUMI_CALLBELL_KEEP_TEMP !== "1") for (const d of scratch) fs.rmSync(d, { recursive: true, force: true });
    });
  }
  return dir;
}

/** The environment of a user's shell with a local login: file:// backend, passphrase, own PULUMI_HOME, no colour. */
export function cliEnv(backendDir: string, passphrase: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const t = plainCliTools();
  const base: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!k.toLowerCase().startsWith("npm_") && !k.startsWith("PULUMI_") && !k.startsWith("CALLBELL_")) base[k] = v;
  }
  const home = path.join(backendDir, "..", `${path.basename(backendDir)}-home`);
  fs.mkdirSync(home, { recursive: true });
  return {
    ...base,
    PATH: [t.nodeBin, t.pulumiDir, process.env.PATH ?? ""].join(path.delimiter),
    PULUMI_BACKEND_URL: `file://${backendDir}`,
    PULUMI_CONFIG_PASSPHRASE: passphrase,
    PULUMI_HOME: home,
    PULUMI_SKIP_UPDATE_CHECK: "true",
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
    PULUMI_DIY_BACKEND_NO_LEGACY_WARNING: "true",
    NO_COLOR: "1",
    ...extra,
  };
}

/** What one command did. */
export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
  /** The command as run, for assertion messages (never holds a token: tests pass none as arguments). */
  command: string;
}

/** Runs `pulumi ...args` (or another program of the PATH) in cwd, asynchronously so in-process simulators keep answering. */
export function run(cwd: string, env: NodeJS.ProcessEnv, args: string[], program = "pulumi"): Promise<CliResult> {
  const command = `${program} ${args.join(" ")}`;
  return new Promise((resolve, reject) => {
    const child = spawn(program, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (b: Buffer) => out.push(b));
    child.stderr.on("data", (b: Buffer) => err.push(b));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString(), command }));
  });
}

/** Runs a command and asserts it exited 0, showing its output (tokens redacted) if not. */
export async function ok(cwd: string, env: NodeJS.ProcessEnv, args: string[], program = "pulumi", secrets: string[] = []): Promise<CliResult> {
  const r = await run(cwd, env, args, program);
  if (r.code !== 0) throw new Error(`\`${r.command}\` in ${cwd} exited ${r.code}\n${redact(r.stdout + r.stderr, secrets)}`);
  return r;
}

/** The text with every given secret replaced by [redacted]. */
export function redact(text: string, secrets: string[]): string {
  return secrets.filter(Boolean).reduce((t, s) => t.split(s).join("[redacted]"), text);
}

/** The "Resources:" summary lines of an up/preview/destroy, e.g. { create: 6 } from "+ 6 to create". */
export function summary(output: string): Record<string, number> {
  const counts: Record<string, number> = {};
  const block = output.slice(output.lastIndexOf("Resources:"));
  for (const m of block.matchAll(/^\s+(?:[-+~]+|\+-)?\s*(\d+) (to create|created|to update|updated|to replace|replaced|to delete|deleted|unchanged)\b/gm)) {
    const verb = m[2].replace(/^to /, "");
    const key = { created: "create", updated: "update", replaced: "replace", deleted: "delete" }[verb] ?? verb;
    counts[key] = Number(m[1]);
  }
  return counts;
}

/** Contents of the repo's files under the given paths (node_modules left out), to assert a run changed none. */
export function snapshot(...paths: string[]): Record<string, string> {
  const files: Record<string, string> = {};
  const visit = (rel: string) => {
    const abs = path.join(REPO_ROOT, rel);
    if (!fs.existsSync(abs)) return;
    if (fs.statSync(abs).isDirectory()) {
      for (const name of fs.readdirSync(abs)) if (name !== "node_modules") visit(path.join(rel, name));
    } else {
      files[rel] = fs.readFileSync(abs, "utf8");
    }
  };
  paths.forEach(visit);
  return files;
}
