// The account run (`npm run bench -- --account`): a whole account under code. For each N, a simulator seeded with N
// contacts that no stack manages; `pulumi-callbell export` of it, timed with its requests; then the exported file as one
// ContactSet (every entry adopt: true) through preview, up, no-op up, unchanged preview, refresh and destroy, in fast
// mode beside the engine floor in fast mode, and in the default mode until one of its phases passes the cutoff. The
// programs run in a process of their own (the Node.js language host), as a team's `pulumi up` does, so that the
// program's memory is measured apart from this process's.
import { spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { EngineEvent, Stack } from "@pulumi/pulumi/automation";
import { REPO_ROOT, ensureEngine, openStack } from "../lib/engine";
import { plainCliTools } from "../lib/plain-cli";
import { seededContactBody } from "../lib/seeded-account";
import {
  ACCOUNT_DEFAULT_MODE_CUTOFF_SECONDS,
  ACCOUNT_PHASES,
  API_LIMIT_PER_SECOND,
  AccountKind,
  AccountNResult,
  AccountPhase,
  AccountResults,
  ExportResult,
  PhaseResult,
  StateSize,
} from "./results";
import type { RequestLogEntry, SimulatorProcess } from "./sim-process";

/** What an operation is given to report its events and output. */
export type OpOptions = { onEvent: (e: EngineEvent) => void; onOutput: (s: string) => void; parallel?: number };

/** What the account run borrows from run.ts: its measuring, its stacks' bookkeeping, its simulators and its log. */
export interface AccountRunTools {
  measure(phase: string, kind: AccountKind, n: number, sim: SimulatorProcess | undefined, op: (opts: OpOptions) => Promise<unknown>): Promise<PhaseResult>;
  stateSize(stack: Stack, kind: AccountKind, n: number): Promise<StateSize>;
  track(stack: Stack): void;
  removeStack(stack: Stack): Promise<void>;
  withSimulator<T>(limitPerSecond: number, body: (sim: SimulatorProcess) => Promise<T>): Promise<T>;
  log(message: string): void;
}

/** Options of the account run. */
export interface AccountRunOptions {
  ns: number[];
  kinds: AccountKind[];
  /** Repetitions of the phases that change nothing. */
  repeat: number;
  outDir: string;
  runId: string;
}

const PROGRAM_DIR = path.join(__dirname, "programs", "account");
/** Phases repeated (median kept) when --repeat is above 1: they change nothing. */
const REPEATABLE: readonly AccountPhase[] = ["preview (adopt)", "up (no-op)", "preview (unchanged)"];
const SEED_CONCURRENCY = 16;

/** Creates n contacts through the admin API (no latency, limit or log): the export tests' account, all WhatsApp or Telegram, so every one is exportable. */
export async function seedAccountContacts(sim: SimulatorProcess, n: number): Promise<void> {
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < n; i = next++) await sim.admin.createContact(seededContactBody(i, { phonesOnly: true }));
  };
  await Promise.all(Array.from({ length: SEED_CONCURRENCY }, worker));
}

/** Most intervals [at, at + durationMs] open at once. */
function mostInFlight(entries: RequestLogEntry[]): number {
  const edges = entries.flatMap((e) => {
    const start = Date.parse(e.at);
    return [
      { t: start, d: 1 },
      { t: start + e.durationMs, d: -1 },
    ];
  });
  edges.sort((a, b) => a.t - b.t || a.d - b.d);
  let open = 0;
  let most = 0;
  for (const e of edges) most = Math.max(most, (open += e.d));
  return most;
}

/** Runs `pulumi-callbell export --out file` against the simulator as a user would (its own node process), timed. */
export async function timeExport(sim: SimulatorProcess, file: string): Promise<ExportResult> {
  await sim.admin.clearRequests();
  const env: NodeJS.ProcessEnv = { ...process.env, CALLBELL_API_URL: sim.url, CALLBELL_API_TOKEN: sim.token };
  delete env.CALLBELL_OWNER_FIELD;
  const started = performance.now();
  const child = spawn(process.execPath, [path.join(REPO_ROOT, "provider", "dist", "cli", "main.js"), "export", "--out", file, "--force"], {
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const out: string[] = [];
  child.stdout.on("data", (b: Buffer) => out.push(b.toString()));
  child.stderr.on("data", () => undefined); // one progress line per page
  const exitCode = await new Promise<number>((resolve) => child.once("exit", (code) => resolve(code ?? -1)));
  const seconds = (performance.now() - started) / 1000;
  const requests = await sim.admin.requests();
  const pageReads = requests.filter((r) => r.method === "GET" && r.path.startsWith("/v1/contacts?"));
  const durations = pageReads.map((r) => r.durationMs).sort((a, b) => a - b);
  const calls: Record<string, number> = {};
  for (const r of requests) calls[r.method] = (calls[r.method] ?? 0) + 1;
  const lines = out.join("").split("\n").filter(Boolean);
  const written = Number(/Wrote (\d+) contact/.exec(lines.join("\n"))?.[1] ?? 0);
  return {
    seconds: Math.round(seconds * 100) / 100,
    exitCode,
    written,
    fileBytes: fs.existsSync(file) ? fs.statSync(file).size : 0,
    calls,
    totalCalls: requests.length,
    pages: pageReads.length,
    pagesInFlight: mostInFlight(pageReads),
    roundTripMs: durations.length ? durations[Math.floor((durations.length - 1) / 2)] : 0,
    output: lines.slice(-4),
  };
}

/** The physical floor of an export: its requests at the API's limit. */
export const exportPhysicalFloor = (e: ExportResult) => e.totalCalls / API_LIMIT_PER_SECOND;

/** The export's target: 2 × its physical floor, plus one round trip per look-ahead window of pages. */
export const exportTargetSeconds = (e: ExportResult) => 2 * exportPhysicalFloor(e) + Math.ceil(e.pages / Math.max(1, e.pagesInFlight)) * (e.roundTripMs / 1000);

async function accountStack(
  tools: AccountRunTools,
  kind: AccountKind,
  n: number,
  runId: string,
  sim: SimulatorProcess | undefined,
  file: string,
): Promise<Stack> {
  const plain = plainCliTools();
  const config: Record<string, { value: string; secret?: boolean }> =
    kind === "floor-fast"
      ? { "bench:kind": { value: "floor" }, "bench:n": { value: String(n) } }
      : { "bench:kind": { value: "adopt" }, "bench:file": { value: file } };
  if (sim) {
    config["callbell:apiUrl"] = { value: sim.url };
    config["callbell:apiToken"] = { value: sim.token, secret: true };
  }
  const stack = await openStack({
    projectName: "callbell-account-bench",
    stackName: `account-${kind}-${n}-${runId}`,
    programDir: PROGRAM_DIR,
    config,
    env: {
      PATH: [plain.nodeBin, plain.pulumiDir, ensureEngine().env.PATH].join(path.delimiter),
      CALLBELL_OWNER_FIELD: "",
      ...(kind === "callbell" ? {} : { PULUMI_SKIP_CHECKPOINTS: "true" }),
    },
  });
  tools.track(stack);
  return stack;
}

/** One N: seed, export, then every phase on every kind's stack, interleaved (who goes first rotating). */
async function runAccountN(tools: AccountRunTools, options: AccountRunOptions, n: number, kinds: AccountKind[]): Promise<AccountNResult> {
  const result: AccountNResult = { n, seedSeconds: 0, phases: {}, state: {} };
  const scratch = fs.mkdtempSync(path.join(REPO_ROOT, ".pulumi-local", `account-${n}-`));
  const file = path.join(scratch, "contacts.yaml");
  const apiKinds = kinds.filter((k) => k !== "floor-fast");
  const sims: Partial<Record<AccountKind, SimulatorProcess>> = {};
  const measureAll = async (): Promise<void> => {
    const exportSim = sims.fast ?? sims.callbell;
    let declared = n;
    if (exportSim) {
      result.export = await timeExport(exportSim, file);
      const e = result.export;
      declared = e.written;
      tools.log(
        `export   N=${String(n).padEnd(5)} ${e.seconds.toFixed(2).padStart(7)} s  exit ${e.exitCode}  wrote ${e.written}  calls ${JSON.stringify(e.calls)}  ` +
          `pages ${e.pages} (${e.pagesInFlight} in flight at most, round trip ${e.roundTripMs} ms)  physical floor ${exportPhysicalFloor(e).toFixed(2)} s`,
      );
      if (e.exitCode !== 0) throw new Error(`export of N=${n} failed (exit ${e.exitCode}): ${e.output.join(" | ")}`);
    }
    await runAccountPhases(tools, options, n, declared, kinds, sims, file, result);
  };
  // Each adopting stack gets a simulator of its own, seeded alike; the floor needs none.
  const withSims = async (i: number): Promise<void> =>
    i === apiKinds.length
      ? measureAll()
      : tools.withSimulator(API_LIMIT_PER_SECOND, async (sim) => {
          const started = performance.now();
          await seedAccountContacts(sim, n);
          result.seedSeconds = Math.max(result.seedSeconds, Math.round((performance.now() - started) / 10) / 100);
          sims[apiKinds[i]] = sim;
          return withSims(i + 1);
        });
  try {
    await withSims(0);
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
  return result;
}

async function runAccountPhases(
  tools: AccountRunTools,
  options: AccountRunOptions,
  n: number,
  declared: number,
  kinds: AccountKind[],
  sims: Partial<Record<AccountKind, SimulatorProcess>>,
  file: string,
  result: AccountNResult,
): Promise<void> {
  const stacks = {} as Record<AccountKind, Stack>;
  for (const kind of kinds) stacks[kind] = await accountStack(tools, kind, declared, options.runId, sims[kind], file);
  const ops: Record<AccountPhase, (s: Stack, o: OpOptions) => Promise<unknown>> = {
    "preview (adopt)": (s, o) => s.preview(o),
    "up (adopt)": (s, o) => s.up(o),
    "up (no-op)": (s, o) => s.up(o),
    "preview (unchanged)": (s, o) => s.preview(o),
    refresh: (s, o) => s.refresh(o),
    destroy: (s, o) => s.destroy(o),
  };
  try {
    for (const [i, phase] of ACCOUNT_PHASES.entries()) {
      const times = REPEATABLE.includes(phase) ? options.repeat : 1;
      const samples = Object.fromEntries(kinds.map((k) => [k, [] as PhaseResult[]])) as Record<AccountKind, PhaseResult[]>;
      for (let r = 0; r < times; r++) {
        const shift = (i + r) % kinds.length;
        for (const kind of [...kinds.slice(shift), ...kinds.slice(0, shift)]) {
          samples[kind].push(await tools.measure(phase, kind, declared, sims[kind], (o) => ops[phase](stacks[kind], o)));
          if (phase === "up (adopt)") result.state[kind] = await tools.stateSize(stacks[kind], kind, declared);
        }
      }
      for (const kind of kinds) (result.phases[kind] ??= []).push(medianOf(samples[kind]));
    }
  } finally {
    for (const kind of kinds) await tools.removeStack(stacks[kind]);
  }
}

function medianOf(results: PhaseResult[]): PhaseResult {
  if (results.length === 1) return results[0];
  const sorted = [...results].sort((a, b) => a.seconds - b.seconds);
  return { ...sorted[Math.floor((sorted.length - 1) / 2)], samples: results.map((r) => r.seconds) };
}

/** The account run over every N, smallest first; the default mode is left out of the larger N once a phase passed the cutoff. */
export async function runAccount(tools: AccountRunTools, options: AccountRunOptions, save: (account: AccountResults) => void): Promise<AccountResults> {
  fs.mkdirSync(path.join(REPO_ROOT, ".pulumi-local"), { recursive: true });
  const account: AccountResults = { kinds: options.kinds, ns: [], cutoffs: [] };
  const loader = path.join(options.outDir, "seed-loader.json");
  if (fs.existsSync(loader)) account.seedLoader = JSON.parse(fs.readFileSync(loader, "utf8")) as AccountResults["seedLoader"];
  for (const n of [...options.ns].sort((a, b) => a - b)) {
    const kinds = options.kinds.filter((k) => !account.cutoffs.some((c) => c.kind === k));
    if (kinds.length === 0) break;
    const r = await runAccountN(tools, options, n, kinds);
    account.ns.push(r);
    for (const kind of kinds.filter((k) => k === "callbell")) {
      const slow = (r.phases[kind] ?? []).find((p) => p.seconds > ACCOUNT_DEFAULT_MODE_CUTOFF_SECONDS);
      if (slow) {
        account.cutoffs.push({ kind, n, phase: slow.phase, seconds: slow.seconds });
        tools.log(`${kind} leaves the larger N: ${slow.phase} took ${slow.seconds} s at N=${n} (> ${ACCOUNT_DEFAULT_MODE_CUTOFF_SECONDS} s)`);
      }
    }
    save(account);
  }
  return account;
}
