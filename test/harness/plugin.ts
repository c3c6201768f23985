// The provider plugin as a user outside the repository runs it: an example program copied to a project folder under
// the OS temp dir, its Pulumi.yaml naming the plugin folder (plugins: providers: path, the way docs/plugin.md shows), the plain
// `pulumi` CLI with the YAML and Python hosts and the Python venv that scripts/ensure-pulumi.sh builds, and a
// simulator in this process. Helpers to read what a step did: the writes in the request log, the stack's state.
// Shared by the plugin door's own suites (test/plugin/) and the concern suites that run the plugin too (ownership, seed
// files, settings, the contact's secrets, the fuzzer, the docs walkthrough, and harness/doors.ts).
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import type { RequestLogEntry, StartedSimulator } from "callbell-simulator";
import { REPO_ROOT } from "./index";
import { CliResult, cliEnv, ok, plainCliTools, scratchDir } from "../plain-cli/support";

/** The plugin's folder: the wrapper pulumi-resource-callbell and the compiled dist/ beside it. */
export const PLUGIN_DIR = path.join(REPO_ROOT, "provider");
/** The Contact resource's type token in the plugin's schema. */
export const CONTACT_TYPE = "callbell:index:Contact";
const PASSPHRASE = "plugin-tests";

/** The Python venv (pulumi 3.259.0 from PyPI) that ensure-pulumi.sh links beside the CLI. */
export function pythonVenvBin(): string {
  const bin = path.join(plainCliTools().pulumiDir, "python-venv", "bin");
  if (!fs.existsSync(path.join(bin, "python"))) throw new Error(`no Python venv at ${bin}: scripts/ensure-pulumi.sh makes it`);
  return bin;
}

/** A copy of examples/<name> in a fresh folder under the OS temp dir, its plugin path made absolute. */
export function projectFrom(example: string): string {
  const dir = path.join(scratchDir(`plugin-${example}`), example);
  fs.cpSync(path.join(REPO_ROOT, "examples", example), dir, { recursive: true });
  const file = path.join(dir, "Pulumi.yaml");
  const text = fs.readFileSync(file, "utf8");
  if (!text.includes("path: ../../provider")) throw new Error(`examples/${example}/Pulumi.yaml no longer names the plugin by path: ../../provider`);
  fs.writeFileSync(file, text.replace("path: ../../provider", `path: ${PLUGIN_DIR}`));
  return dir;
}

/** A user's shell for a project: a file backend of its own, the venv's bin first on PATH, the simulator's URL and token. */
export function pluginEnv(project: string, sim: StartedSimulator | undefined, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const backend = path.join(path.dirname(project), "backend");
  fs.mkdirSync(backend, { recursive: true });
  const env = cliEnv(backend, PASSPHRASE, sim ? { CALLBELL_API_URL: sim.url, CALLBELL_API_TOKEN: sim.token, ...extra } : extra);
  return { ...env, PATH: [pythonVenvBin(), env.PATH].join(path.delimiter) };
}

let sdkFolder: string | undefined;
/**
 * Generates the Python SDK from the plugin's schema (as docs/plugin.md says) and installs it, once per process, into a
 * folder of this process's own that `env` puts on PYTHONPATH: the shared venv in the cache is never changed under
 * another suite. The install is offline (no index, no build isolation): what the SDK declares is in the venv already
 * (ensure-pulumi.sh reads it from the SDK's pyproject.toml), and `pip check` says in one line what is missing if not.
 */
export async function installPythonSdk(env: NodeJS.ProcessEnv): Promise<void> {
  if (!sdkFolder) {
    const work = scratchDir("python-sdk");
    const schema = await ok(work, env, ["package", "get-schema", path.join(PLUGIN_DIR, "pulumi-resource-callbell")]);
    fs.writeFileSync(path.join(work, "schema.json"), schema.stdout);
    await ok(work, env, ["python", path.join(work, "schema.json"), path.join(work, "sdk")], "pulumi-gen-sdk");
    const site = path.join(work, "site-packages");
    const pip = (args: string[], extra: NodeJS.ProcessEnv = {}) =>
      spawnSync(path.join(pythonVenvBin(), "pip"), ["--disable-pip-version-check", ...args], { encoding: "utf8", env: { ...process.env, ...extra } });
    const install = pip(["install", "--quiet", "--no-deps", "--no-index", "--no-build-isolation", "--target", site, path.join(work, "sdk")]);
    if (install.status !== 0) throw new Error(`pip could not install the generated Python SDK offline:\n${install.stdout}${install.stderr}`);
    sdkFolder = site;
    const check = pip(["check"], { PYTHONPATH: site });
    if (check.status !== 0) {
      const missing = check.stdout.trim().split("\n").join("; ");
      throw new Error(`the Python venv at ${path.dirname(pythonVenvBin())} lacks what the SDK declares (${missing}): run bash scripts/ensure-pulumi.sh`);
    }
  }
  env.PYTHONPATH = [sdkFolder, env.PYTHONPATH].filter(Boolean).join(path.delimiter);
}

/** The non-GET requests of a log, as "METHOD /path" with uuids as :uuid. */
export function writes(log: RequestLogEntry[]): string[] {
  return log.filter((e) => e.method !== "GET").map((e) => `${e.method} ${e.path.replace(/^\/v1/, "").replace(/[0-9a-f]{32}/g, ":uuid")}`);
}

/** One resource of `pulumi stack export`. */
export interface StateResource {
  urn: string;
  type: string;
  id?: string;
  inputs?: Record<string, unknown>;
  outputs?: Record<string, unknown>;
  protect?: boolean;
  /** The provider reference: the provider's URN::id. */
  provider?: string;
}

/** The stack's resources of a type, from `pulumi stack export` (secrets stay encrypted, as a user sees them). */
export async function stateOf(project: string, env: NodeJS.ProcessEnv, type = CONTACT_TYPE): Promise<StateResource[]> {
  const r = await ok(project, env, ["stack", "export"]);
  const resources = (JSON.parse(r.stdout).deployment.resources ?? []) as StateResource[];
  return resources.filter((res) => res.type === type);
}

/** One step of `pulumi preview --json`. */
export interface PreviewStep {
  op: string;
  urn: string;
  diffReasons?: string[];
  replaceReasons?: string[];
  detailedDiff?: Record<string, { kind: string; inputDiff?: boolean }>;
}

/** The steps of `pulumi preview --json` on Contacts. */
export async function previewSteps(project: string, env: NodeJS.ProcessEnv): Promise<PreviewStep[]> {
  const r = await ok(project, env, ["preview", "--json"]);
  return ((JSON.parse(r.stdout).steps ?? []) as PreviewStep[]).filter((s) => s.urn.includes(`::${CONTACT_TYPE}::`));
}

/** The code `pulumi import` prints for the user to paste: what follows its "Please copy" paragraph(s). */
export function printedCode(r: CliResult): string {
  const text = r.stdout;
  const start = text.indexOf("Please copy the following code");
  if (start < 0) throw new Error(`pulumi import printed no code:\n${text}`);
  const after = text.slice(start).split("\n");
  // The paragraphs end with the one about `protect`; the code starts at the first line after it that is not prose.
  const notes = after.findIndex((line) => line.includes("the destroy will take effect"));
  return after
    .slice(notes + 1)
    .join("\n")
    .trim();
}
