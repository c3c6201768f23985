// The plain-CLI tests' helpers: each command is a child process whose exit code, stdout and stderr the tests assert
// on, with no Automation API. The tools (scripts/lib/plain-cli.ts, re-exported so a test imports one module) and the
// user's shell they run in (scripts/lib/user-shell.ts) are shared with the benchmark and the release dry run.
import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { REPO_ROOT } from "../harness";
import { plainCliTools } from "../../scripts/lib/plain-cli";
import { userShellEnv } from "../../scripts/lib/user-shell";

export { plainCliTools, type PlainCliTools } from "../../scripts/lib/plain-cli";

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

/** The environment of a user's shell with a local login: file:// backend, passphrase, own PULUMI_HOME beside the backend, no colour. */
export function cliEnv(backendDir: string, passphrase: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const t = plainCliTools();
  const home = path.join(backendDir, "..", `${path.basename(backendDir)}-home`);
  fs.mkdirSync(home, { recursive: true });
  return { ...userShellEnv({ nodeBin: t.nodeBin, pulumiDir: t.pulumiDir, backendDir, pulumiHome: home, passphrase }), ...extra };
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
