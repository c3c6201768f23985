// The one way tests, the demo and the benchmark drive the REAL Pulumi engine: find or build
// it, open stacks of inline programs on a local backend, count what an operation changed, and
// read a stack's state. It lives under scripts/ because the demo and the benchmark run it and
// scripts import nothing from test/; the test-only helpers (raw state text, output recording)
// are in test/harness/index.ts, which re-exports this module.
//
// How it works here: the `pulumi` CLI comes from scripts/ensure-pulumi.sh (a user's own
// pulumi >= 3.200 on PATH, else the pinned v3.259.0 built from scripts/pulumi-engine and
// cached). Programs are Automation API *inline* programs: the Node SDK serves the language
// runtime in this process over gRPC and runs `pulumi <op> --client=<addr>`, so these runs
// need no `pulumi-language-nodejs`; the plain-CLI tests (test/plain-cli) and the suites that
// kill a run (test/faults) use the one that ensure-pulumi.sh builds next to the pinned CLI
// (from sdk/v3 v3.68.0), with a program folder instead of an inline program.
// Dynamic resources are run by `pulumi-resource-pulumi-nodejs`, a 4-line shell script that
// starts node_modules/@pulumi/pulumi/cmd/dynamic-provider; the engine takes it from next to
// the `pulumi` binary (where ensure-pulumi.sh puts a copy) or else from PATH.
//
// Where the dynamic-provider host runs (measured with v3.259.0, see test/harness/smoke.engine.test.ts): the
// engine starts `pulumi-resource-pulumi-nodejs` with its cwd set to the project folder,
// i.e. the workspace's workDir (where Pulumi.yaml is), NOT this process's cwd. The host
// script itself does `node -e "require.resolve('@pulumi/pulumi/cmd/dynamic-provider')"`
// from that cwd, and a serialized provider's `require("pulumi-callbell/...")` resolves from
// there too, so the workDir MUST be a folder that sees this repo's node_modules. That is
// why the default workDir is a fresh folder under <repo>/.pulumi-local/ (git-ignored), not
// one under os.tmpdir(): from /tmp the host cannot even start.
//
// Nothing here skips: if the engine cannot be had, ensureEngine() throws and says why.

import { execFile, execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { promisify } from "util";
import { EngineEvent, LocalWorkspace, LocalWorkspaceOptions, OpMap, PulumiCommand, Stack } from "@pulumi/pulumi/automation";

const execFileAsync = promisify(execFile);

/** The repository root (this file is <root>/scripts/lib/engine.ts). */
export const REPO_ROOT = path.resolve(__dirname, "..", "..");

/** Passphrase of the throwaway stacks' secrets provider (the demo passes its own). */
const DEFAULT_PASSPHRASE = "pulumi-callbell-test-passphrase";

/** What ensureEngine() found and set up, shared by every stack of this process. */
export interface EngineEnv {
  /** Absolute folder holding the `pulumi` binary. */
  pulumiDir: string;
  /** `pulumi version` without the leading "v", e.g. "3.259.0". */
  pulumiVersion: string;
  /** The `pulumi-resource-pulumi-nodejs` the engine will run for dynamic resources. */
  providerHost: string;
  /** True when that host sits next to `pulumi`; false: taken from PATH, with a warning per run. */
  hostBundled: boolean;
  /** Folder of the file:// backend (state lives under <backendDir>/.pulumi). */
  backendDir: string;
  /** PULUMI_HOME of this process's engine runs (empty: no ~/.pulumi leaks in). */
  pulumiHome: string;
  /** Environment additions every engine run gets (on top of process.env). */
  env: Record<string, string>;
}

let cached: EngineEnv | undefined;
let cachedCommand: Promise<PulumiCommand> | undefined;
const tempDirs: string[] = [];
let cleanupRegistered = false;

/** A new folder under `parent`, removed when the process exits (unless PULUMI_CALLBELL_KEEP_TEMP=1). */
export function tempDir(parent: string, prefix: string): string {
  fs.mkdirSync(parent, { recursive: true });
  const dir = fs.mkdtempSync(path.join(parent, prefix));
  tempDirs.push(dir);
  if (!cleanupRegistered) {
    cleanupRegistered = true;
    process.once("exit", () => {
      if (process.env.PULUMI_CALLBELL_KEEP_TEMP === "1") return;
      for (const d of tempDirs) fs.rmSync(d, { recursive: true, force: true });
    });
  }
  return dir;
}

/** Folder of node_modules/@pulumi/pulumi, which holds `pulumi-resource-pulumi-nodejs`. */
function dynamicProviderHostDir(): string {
  const pkg = require.resolve("@pulumi/pulumi/package.json", { paths: [REPO_ROOT] });
  const dir = path.dirname(pkg);
  const host = path.join(dir, "pulumi-resource-pulumi-nodejs");
  if (!fs.existsSync(host)) {
    throw new Error(`Pulumi engine unavailable: ${host} is missing; run \`npm ci\` at ${REPO_ROOT}.`);
  }
  return dir;
}

/**
 * Makes the real engine available (once per process): runs scripts/ensure-pulumi.sh,
 * creates a temporary file:// backend and PULUMI_HOME, and returns the environment every
 * engine run needs. Throws an Error saying why when there is no engine. The temporary
 * folders (backend, PULUMI_HOME, default workDirs) are removed when the process exits,
 * unless PULUMI_CALLBELL_KEEP_TEMP=1.
 */
export function ensureEngine(): EngineEnv {
  if (cached) return cached;

  const script = path.join(REPO_ROOT, "scripts", "ensure-pulumi.sh");
  let pulumiDir: string;
  try {
    // stderr goes to ours: the script says what it uses, and a cold build shows progress.
    pulumiDir = execFileSync("bash", [script], {
      cwd: REPO_ROOT,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "inherit"],
    }).trim();
  } catch (err) {
    throw new Error(
      `Pulumi engine unavailable: \`bash ${script}\` failed (${(err as Error).message.split("\n")[0]}). ` +
        "It needs a pulumi >= 3.200 on PATH or Go with access to the Go module proxy; see its stderr above.",
      { cause: err },
    );
  }
  const pulumiBin = path.join(pulumiDir, "pulumi");
  if (!path.isAbsolute(pulumiDir) || !fs.existsSync(pulumiBin)) {
    throw new Error(`Pulumi engine unavailable: ensure-pulumi.sh printed '${pulumiDir}', which holds no pulumi binary.`);
  }
  const scratch = path.join(os.tmpdir(), "pulumi-callbell-engine");
  const backendDir = tempDir(scratch, "backend-");
  const pulumiHome = tempDir(scratch, "home-");
  const pulumiVersion = execFileSync(pulumiBin, ["version"], {
    encoding: "utf8",
    env: { ...process.env, PULUMI_HOME: pulumiHome, PULUMI_SKIP_UPDATE_CHECK: "true" },
  })
    .trim()
    .replace(/^v/, "");

  // The engine takes `pulumi-resource-pulumi-nodejs` from next to `pulumi` (ensure-pulumi.sh
  // puts it there, the official distribution ships it there); only a CLI without it needs
  // node_modules/@pulumi/pulumi on PATH, at the cost of a "using ... from $PATH" warning
  // in every operation's output.
  // "Next to" means next to the binary with symlinks resolved, as the engine looks.
  const bundledHost = path.join(path.dirname(fs.realpathSync(pulumiBin)), "pulumi-resource-pulumi-nodejs");
  const hostBundled = fs.existsSync(bundledHost);
  const hostDirs = hostBundled ? [] : [dynamicProviderHostDir()];
  const providerHost = hostBundled ? bundledHost : path.join(hostDirs[0], "pulumi-resource-pulumi-nodejs");
  const env: Record<string, string> = {
    PATH: [pulumiDir, ...hostDirs, process.env.PATH ?? ""].join(path.delimiter),
    PULUMI_HOME: pulumiHome,
    PULUMI_BACKEND_URL: fileUrl(backendDir),
    PULUMI_CONFIG_PASSPHRASE: DEFAULT_PASSPHRASE,
    PULUMI_SKIP_UPDATE_CHECK: "true",
    PULUMI_SKIP_CONFIRMATIONS: "true",
    // Never try to download a plugin: everything the engine needs is local.
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
    PULUMI_DIY_BACKEND_NO_LEGACY_WARNING: "true",
    // Plain text output, so text assertions are not split by colour codes.
    NO_COLOR: "1",
  };

  cached = { pulumiDir, pulumiVersion, providerHost, hostBundled, backendDir, pulumiHome, env };
  return cached;
}

function fileUrl(dir: string): string {
  return `file://${dir}`;
}

/**
 * The Automation API's handle on OUR CLI. PulumiCommand.get({root}) runs <root>/bin/pulumi, so the harness writes a
 * `bin/pulumi` that execs whatever ensure-pulumi.sh chose (the cache keeps the binary at engine/v<version>/pulumi,
 * without a bin/ folder) through a link named `pulumi-cli`: the engine process then goes by another name than
 * `pulumi`, as a CLI installed under another name or a wrapper does, so no test can pass because of a process name.
 */
function pulumiCommand(engine: EngineEnv): Promise<PulumiCommand> {
  if (!cachedCommand) {
    const root = path.join(engine.pulumiHome, "cli");
    fs.mkdirSync(path.join(root, "bin"), { recursive: true });
    const renamed = path.join(root, "pulumi-cli");
    fs.rmSync(renamed, { force: true });
    fs.symlinkSync(path.join(engine.pulumiDir, "pulumi"), renamed);
    const launcher = path.join(root, "bin", "pulumi");
    fs.rmSync(launcher, { force: true });
    fs.writeFileSync(launcher, `#!/bin/sh\nexec '${renamed}' "$@"\n`, { mode: 0o755 });
    cachedCommand = PulumiCommand.get({ root });
  }
  return cachedCommand;
}

/** Options of openStack(). */
export interface OpenStackOptions {
  projectName: string;
  stackName: string;
  /**
   * The inline program; it runs in this process. Without one, the CLI runs the workDir's own program (see programDir)
   * with the Node.js language host in a process of its own, and env must put that host on PATH.
   */
  program?: () => Promise<Record<string, unknown> | void>;
  /** A folder holding a JavaScript program (index.js), copied into the workDir and run as the project's program. */
  programDir?: string;
  /**
   * Project folder: cwd of the CLI and of the dynamic-provider host. Must see this repo's
   * node_modules. Default: a fresh folder under <repo>/.pulumi-local/. If it holds a
   * Pulumi.yaml that one is used, else one is written for `projectName`.
   */
  workDir?: string;
  /** Stack config, e.g. { "callbell:apiToken": { value: "...", secret: true } }. */
  config?: Record<string, { value: string; secret?: boolean }>;
  /** Extra environment for the CLI and so for the provider host (e.g. CALLBELL_API_URL). */
  env?: Record<string, string>;
  /** Another file:// backend folder than the process-wide one (e.g. to share state). */
  backendDir?: string;
  /** Provider plugins the written Pulumi.yaml names by folder (`plugins: providers:`), e.g. the callbell plugin at <repo>/provider. */
  plugins?: Array<{ name: string; path: string }>;
}

/** Creates (or selects) a stack of an inline program (or of the workDir's own) on the local backend, config set. */
export async function openStack(opts: OpenStackOptions): Promise<Stack> {
  const engine = ensureEngine();
  const workDir = opts.workDir ?? tempDir(path.join(REPO_ROOT, ".pulumi-local"), `${opts.projectName}-`);
  const envVars: Record<string, string> = { ...engine.env, ...(opts.env ?? {}) };
  if (opts.backendDir) {
    fs.mkdirSync(opts.backendDir, { recursive: true });
    envVars.PULUMI_BACKEND_URL = fileUrl(path.resolve(opts.backendDir));
  }
  if (opts.programDir) fs.cpSync(opts.programDir, workDir, { recursive: true });
  const hasProjectFile = ["Pulumi.yaml", "Pulumi.yml", "Pulumi.json"].some((f) => fs.existsSync(path.join(workDir, f)));
  // An inline program needs no language host binary, and `main` is irrelevant to it; a program folder is plain
  // JavaScript, so the language host is told not to load ts-node.
  const runtime = opts.programDir ? { name: "nodejs", options: { typescript: false } } : "nodejs";
  const wsOpts: LocalWorkspaceOptions = {
    workDir,
    envVars,
    pulumiHome: engine.pulumiHome,
    pulumiCommand: await pulumiCommand(engine),
    // ProjectSettings has no `plugins` field, but the workspace writes the object to Pulumi.yaml as it is.
    ...(hasProjectFile ? {} : { projectSettings: { name: opts.projectName, runtime, ...(opts.plugins ? { plugins: { providers: opts.plugins } } : {}) } }),
  };
  const stack = opts.program
    ? await LocalWorkspace.createOrSelectStack({ projectName: opts.projectName, stackName: opts.stackName, program: opts.program }, wsOpts)
    : await LocalWorkspace.createOrSelectStack({ stackName: opts.stackName, workDir }, wsOpts);
  if (opts.config && Object.keys(opts.config).length > 0) {
    await stack.setAllConfig(opts.config);
  }
  return retryingStrayRejections(stack);
}

const strayRejection = /14 UNAVAILABLE: No connection established/;

/**
 * Inline programs run in this process, and an earlier run that ended while its program still had calls in flight (a
 * failed or killed run) leaves them failing against its dead engine. Pulumi's inline runtime reports those stray
 * `14 UNAVAILABLE: No connection established` rejections as errors of the *next* run, which then fails at its stack
 * resource before it registers anything (seen on a loaded machine). A user's `pulumi` is a new process with no such
 * leftovers, so that failure, and only it, is run again once, after the leftovers had time to fail.
 */
function retryingStrayRejections(stack: Stack): Stack {
  for (const name of ["up", "preview", "refresh", "destroy"] as const) {
    const run = stack[name].bind(stack) as (...args: unknown[]) => Promise<unknown>;
    (stack as unknown as Record<string, unknown>)[name] = async (...args: unknown[]) => {
      try {
        return await run(...args);
      } catch (error) {
        if (!strayRejection.test(String((error as Error)?.message))) throw error;
        await new Promise((resolve) => setTimeout(resolve, 3000));
        return run(...args);
      }
    };
  }
  return stack;
}

/** One resource of an exported deployment (the fields tests look at). */
export interface StateResource {
  urn: string;
  type: string;
  custom?: boolean;
  id?: string;
  provider?: string;
  inputs?: Record<string, unknown>;
  outputs?: Record<string, unknown>;
  [key: string]: unknown;
}

/** The `deployment` part of `pulumi stack export`. */
export interface DeploymentState {
  manifest?: Record<string, unknown>;
  secrets_providers?: Record<string, unknown>;
  resources?: StateResource[];
  [key: string]: unknown;
}

/**
 * `pulumi stack export --show-secrets` of the stack: its deployment, secrets IN CLEAR.
 * Note the default provider resource (pulumi:providers:pulumi-nodejs::default) carries the
 * whole stack config as its inputs/outputs, secret config (e.g. callbell:apiToken) included:
 * encrypted in the stored state (see rawStateText), decrypted here.
 */
export async function exportState(stack: Stack): Promise<DeploymentState> {
  const exported = await stack.exportStack();
  return (exported.deployment ?? {}) as DeploymentState;
}

/** The resources of a given type token, e.g. "pulumi-nodejs:dynamic/callbell:Contact". */
export function resourcesOfType(state: DeploymentState, type: string): StateResource[] {
  return (state.resources ?? []).filter((r) => r.type === type);
}

/** Resource operation counts of an operation, the kinds the tests assert on. */
export interface ChangeCounts {
  create: number;
  update: number;
  replace: number;
  delete: number;
  same: number;
  /** Every op kind the engine reported, as it reported it. */
  raw: OpMap;
}

/**
 * Counts of an operation: pass an UpResult/DestroyResult/RefreshResult (their
 * summary.resourceChanges), a PreviewResult (its changeSummary) or an OpMap itself.
 * The engine counts the pulumi:pulumi:Stack resource like any other, and the default
 * pulumi-nodejs provider resource once it has state: it shows as an `update` whenever any
 * stack config changed. A replacement shows as `replace` here; the events of a
 * replacement (countChangesOfType) also hold its create-replacement and delete-replaced steps.
 */
export function countChanges(result: { summary: { resourceChanges?: OpMap } } | { changeSummary: OpMap } | OpMap): ChangeCounts {
  let raw: OpMap;
  if ("summary" in result && typeof result.summary === "object") {
    raw = (result as { summary: { resourceChanges?: OpMap } }).summary.resourceChanges ?? {};
  } else if ("changeSummary" in result && typeof result.changeSummary === "object") {
    raw = (result as { changeSummary: OpMap }).changeSummary;
  } else {
    raw = result as OpMap;
  }
  return {
    create: raw.create ?? 0,
    update: raw.update ?? 0,
    replace: raw.replace ?? 0,
    delete: raw.delete ?? 0,
    same: raw.same ?? 0,
    raw,
  };
}

/**
 * Counts of one resource type from an operation's engine events (e.g. test/harness's recordOutput().events),
 * e.g. countChangesOfType(rec.events, "pulumi-nodejs:dynamic/callbell:Contact"). Unlike
 * countChanges() this leaves out the pulumi:pulumi:Stack and provider resources.
 */
export function countChangesOfType(events: EngineEvent[], type: string): ChangeCounts {
  const raw: OpMap = {};
  const seen = new Set<string>();
  for (const e of events) {
    const m = e.resourcePreEvent?.metadata;
    if (!m || m.type !== type) continue;
    const key = `${m.op} ${m.urn}`;
    if (seen.has(key)) continue; // one step per URN and op, even if reported twice
    seen.add(key);
    raw[m.op] = (raw[m.op] ?? 0) + 1;
  }
  return countChanges(raw);
}

/** `pulumi stack export` exactly as a user runs it, without --show-secrets (secrets stay ciphertext). */
export async function exportText(stack: Stack): Promise<string> {
  const ws = stack.workspace;
  // The Automation API only exports with --show-secrets, so run our CLI the way it would.
  const { stdout } = await execFileAsync(path.join(ensureEngine().pulumiDir, "pulumi"), ["stack", "export", "--stack", stack.name, "--non-interactive"], {
    cwd: ws.workDir,
    env: { ...process.env, ...ws.envVars },
    maxBuffer: 256 * 1024 * 1024,
  });
  return stdout;
}
