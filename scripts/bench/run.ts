// `npm run bench [-- --n 10,100,500 | --quick | --full] [--parallel P] [--repeat R] [--padded] [--kinds callbell,plugin,trivial]
//   [--no-rate-limit] [--out DIR] [--publish] [--phases update,refresh]`
// `npm run bench -- --account [--n 100,1000,2000,5000,10000] [--kinds fast,floor-fast,callbell] [--repeat R] [--parallel P] [--out DIR] [--publish]`
//
// --account: a whole account under code instead of the phases below (scripts/bench/account.ts): per N, the export of a
// simulator account of N contacts, then the exported file adopted through preview, up, no-op up, unchanged preview,
// refresh and destroy, in fast mode beside the engine floor in fast mode, and in the default mode until a phase passes
// 5 minutes; time and peak memory of program, provider host and engine against N (growth-vs-n.svg).
//
// callbell.Contact through the REAL Pulumi engine against the Callbell simulator (40 ms ± 10
// latency, 300 requests/s), for each N: preview of a new stack, up, no-op up, preview of the
// unchanged stack, update of every contact, refresh, destroy. In the same run, the baselines every
// result is divided by: the engine floor (the same program shape with trivial dynamic resources
// that make no API call, through the same phases), with --kinds plugin the same contacts as
// callbell:index:Contact resources of the provider plugin (provider/, named in the project's
// plugins: providers:), each against a simulator of its own, the physical floor (requests the phase needs /
// 300 per s) and the scripts a team would write instead (axios POST loops). Then the rate-limit
// run: a simulator limited to 50/s, N = 300, the provider at 50/s and at its default 250/s.
// Writes RESULTS.md, results.json and time-vs-n.svg to .pulumi-local/bench/ (gitignored; --out DIR
// elsewhere) and prints the table. --publish also copies them to scripts/bench/results/, the
// committed run docs/performance.md points to.
// Nothing fails on timing: the targets are reported, met or missed by how much.
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { EngineEvent, Stack } from "@pulumi/pulumi/automation";
import { REPO_ROOT, countChangesOfType, ensureEngine, exportState, exportText, openStack, resourcesOfType } from "../lib/engine";
import seedBench, { CONTACT_TYPE, PLUGIN_CONTACT_TYPE, TRIVIAL_TYPE, seedContact } from "./programs/seed";
import { sampleProviderHostRss } from "./rss";
import { type OpOptions, runAccount } from "./account";
import { postAll } from "./scripts";
import { type RequestLogEntry, type SimulatorOptions, SimulatorProcess, spawnSimulator } from "./sim-process";
import { reportFiles, writeReport } from "./report";
import {
  ACCOUNT_KINDS,
  ACCOUNT_NS,
  API_LIMIT_PER_SECOND,
  AccountKind,
  BenchResults,
  Kind,
  LATENCY,
  LOAD_SAMPLE_SECONDS,
  NResult,
  PHASES,
  Phase,
  PhaseResult,
  ProviderAloneResult,
  RATE_LIMIT_RUN,
  REPEATED_PHASES,
  RateLimitResult,
  SCRIPT_CONCURRENCY,
  StateSize,
  usesApi,
} from "./results";

interface Args {
  ns: number[];
  /** Repetitions of the phases that change nothing (REPEATED_PHASES). */
  repeat: number;
  /** Which stacks to run per N: callbell, fast, plugin, trivial (the engine floor, and the scripts), padded. */
  kinds: Kind[];
  parallel?: number;
  rateLimit: boolean;
  outDir: string;
  /** Copy the report to PUBLISHED_DIR (committed) as well. */
  publish: boolean;
  /** The phases run (--phases; default all): up (create) always runs, as the others need the contacts. */
  phases: Phase[];
  /** --account: the account run (export, then adopt) instead of the phases, with these stacks. */
  account?: { kinds: AccountKind[] };
}

/** Where the committed run lives (docs/performance.md points to its RESULTS.md). */
export const PUBLISHED_DIR = path.join(__dirname, "results");
/** Where a run writes by default: outside the source tree, gitignored. */
export const DEFAULT_OUT_DIR = path.join(REPO_ROOT, ".pulumi-local", "bench");
/** Where the committed account run lives, and where an account run writes by default. */
export const PUBLISHED_ACCOUNT_DIR = path.join(PUBLISHED_DIR, "account");
export const DEFAULT_ACCOUNT_OUT_DIR = path.join(REPO_ROOT, ".pulumi-local", "bench-account");
const USAGE =
  "usage: npm run bench -- [--n 10,100,500 | --quick | --full] [--parallel P] [--repeat R] [--padded] [--kinds callbell,plugin,trivial]\n" +
  "  [--no-rate-limit] [--out DIR] [--publish] [--phases update,refresh]\n" +
  "       npm run bench -- --account [--n 100,1000,2000,5000,10000] [--kinds fast,floor-fast,callbell] [--repeat R] [--parallel P] [--out DIR] [--publish]";

function parseArgs(argv: string[]): Args {
  const args: Args = {
    ns: [10, 100, 500],
    repeat: 3,
    kinds: ["callbell", "fast", "trivial"],
    rateLimit: true,
    outDir: DEFAULT_OUT_DIR,
    publish: false,
    phases: [...PHASES],
  };
  let full = false;
  let account = false;
  let ns: number[] | undefined;
  let repeat: number | undefined;
  let kinds: string[] | undefined;
  let outDir: string | undefined;
  const regularOnly: string[] = []; // flags of the regular run, refused with --account
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    if (["--quick", "--full", "--padded", "--phases", "--no-rate-limit"].includes(flag)) regularOnly.push(flag);
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${flag} needs a value`);
      return v;
    };
    if (flag === "--n")
      ns = value()
        .split(",")
        .map((s) => positiveInteger(flag, s));
    else if (flag === "--account") account = true;
    else if (flag === "--quick") args.ns = [10, 100];
    else if (flag === "--full") full = true;
    else if (flag === "--parallel") args.parallel = positiveInteger(flag, value());
    else if (flag === "--repeat") repeat = positiveInteger(flag, value());
    else if (flag === "--padded") args.kinds = [...new Set<Kind>([...args.kinds, "padded"])];
    else if (flag === "--kinds") kinds = value().split(",");
    else if (flag === "--no-rate-limit") args.rateLimit = false;
    else if (flag === "--out") outDir = path.resolve(value());
    else if (flag === "--publish") args.publish = true;
    else if (flag === "--phases") {
      // Each word picks the phases whose name contains it ("update", "refresh", "preview", "no-op", "destroy").
      const words = value().split(",");
      args.phases = PHASES.filter((p) => p === "up (create)" || words.some((w) => p.includes(w)));
    } else throw new Error(`unknown option ${flag}\n${USAGE}`);
  }
  if (account) {
    if (regularOnly.length) throw new Error(`--account runs its own phases and no rate-limit run: drop ${regularOnly.join(", ")}\n${USAGE}`);
    args.outDir = outDir ?? DEFAULT_ACCOUNT_OUT_DIR;
    // The account run's phases are long: once each unless --repeat says otherwise.
    args.ns = ns ?? [...ACCOUNT_NS];
    args.repeat = repeat ?? 1;
    args.rateLimit = false;
    args.account = {
      kinds: (kinds ?? [...ACCOUNT_KINDS]).map((k) => {
        if (!(ACCOUNT_KINDS as readonly string[]).includes(k)) throw new Error(`--account --kinds takes ${ACCOUNT_KINDS.join(", ")}, not '${k}'`);
        return k as AccountKind;
      }),
    };
    return args;
  }
  if (outDir) args.outDir = outDir;
  if (ns) args.ns = ns;
  if (repeat) args.repeat = repeat;
  if (kinds)
    args.kinds = kinds.map((k) => {
      if (k !== "callbell" && k !== "fast" && k !== "plugin" && k !== "trivial" && k !== "padded") {
        throw new Error(`--kinds takes callbell, fast, plugin, trivial and padded, not '${k}'`);
      }
      return k;
    });
  if (full && !args.ns.includes(1000)) args.ns.push(1000);
  return args;
}

function positiveInteger(flag: string, text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${flag} needs positive integers, got '${text}'`);
  return n;
}

const log = (message: string) => process.stdout.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);

// Config of the padded floor's stacks (bench:padding), set by the warm-up.
let padding: Record<string, string> = {};

// Every stack this run opened, removed at the end whatever happens.
const openStacks: Stack[] = [];
const runId = Date.now().toString(36);

async function benchStack(kind: Kind, n: number, name: string, sim?: SimulatorProcess, extraConfig: Record<string, string> = {}): Promise<Stack> {
  const config: Record<string, { value: string; secret?: boolean }> = {
    "bench:kind": { value: kind === "fast" ? "callbell" : kind },
    "bench:n": { value: String(n) },
    "bench:round": { value: "1" },
  };
  if (sim) {
    config["callbell:apiUrl"] = { value: sim.url };
    config["callbell:apiToken"] = { value: sim.token, secret: true };
  }
  for (const [k, v] of Object.entries(extraConfig)) config[k] = { value: v };
  const env = kind === "fast" ? { PULUMI_SKIP_CHECKPOINTS: "true" } : undefined;
  const plugins = kind === "plugin" ? [{ name: "callbell", path: path.join(REPO_ROOT, "provider") }] : undefined;
  const stack = await openStack({ projectName: "callbell-bench", stackName: `${name}-${runId}`, program: seedBench, config, env, plugins });
  openStacks.push(stack);
  return stack;
}

/** Runs one operation, timed, with the request log, failures and the host's peak RSS. */
async function measure(
  phase: string,
  kind: Kind | AccountKind,
  n: number,
  sim: SimulatorProcess | undefined,
  op: (opts: OpOptions) => Promise<unknown>,
  parallel?: number,
): Promise<PhaseResult> {
  await sim?.admin.clearRequests();
  const events: EngineEvent[] = [];
  const output: string[] = [];
  const rss = sampleProviderHostRss(100);
  let engineError: string | undefined;
  const started = performance.now();
  try {
    await op({ onEvent: (e) => events.push(e), onOutput: (s) => output.push(s), ...(parallel ? { parallel } : {}) });
  } catch (error) {
    engineError = summarizeError(error);
  }
  const seconds = (performance.now() - started) / 1000;
  const peak = rss.stop();
  const requests: RequestLogEntry[] = sim ? await sim.admin.requests() : [];
  const type = typeOf(kind);
  const failed = new Map<string, string>();
  for (const e of events) {
    const f = e.resOpFailedEvent;
    if (f && f.metadata.type === type) failed.set(f.metadata.urn, failed.get(f.metadata.urn) ?? "");
    const d = e.diagnosticEvent;
    if (d && d.severity === "error" && d.urn?.includes(`::${type}::`)) failed.set(d.urn, d.message);
  }
  const calls: Record<string, number> = {};
  for (const r of requests) calls[r.method] = (calls[r.method] ?? 0) + 1;
  const rateLimited = requests.filter((r) => r.status === 429).length;
  const failedOn429 = [...failed.values()].filter((m) => /rate limit|429/i.test(m)).length;
  const result: PhaseResult = {
    phase,
    kind,
    n,
    seconds: round(seconds, 2),
    calls,
    totalCalls: requests.length,
    writes: requests.filter((r) => r.method !== "GET").length,
    rateLimited,
    retried: Math.max(0, rateLimited - failedOn429),
    failedResources: failed.size,
    engineError,
    steps: countChangesOfType(events, type).raw,
    rss: peak,
    loadAverage: round(os.loadavg()[0], 2),
  };
  log(
    `${kind.padEnd(8)} N=${String(n).padEnd(4)} ${phase.padEnd(19)} ${seconds.toFixed(2).padStart(7)} s  ` +
      `calls ${JSON.stringify(calls)}  429s ${rateLimited}  failed ${failed.size}${engineError ? "  ERROR " + engineError.slice(0, 200) : ""}  ` +
      `host ${peak.peakMb} MB${peak.peakMbBy?.program ? `  program ${peak.peakMbBy.program} MB` : ""}  engine ${peak.peakMbBy?.engine ?? "?"} MB  ` +
      `cpu host/engine/program ${peak.cpu.host}/${peak.cpu.engine}/${peak.cpu.program} s  steps ${JSON.stringify(result.steps)}`,
  );
  return result;
}

function summarizeError(error: unknown): string {
  const text = String((error as Error)?.message ?? error);
  const lines = text
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean);
  const interesting = lines.filter((l) => /error|failed/i.test(l) && !/^stderr:|^stdout:|^code:/.test(l));
  return (interesting.slice(0, 3).join(" | ") || lines.slice(0, 3).join(" | ")).slice(0, 600);
}

function typeOf(kind: Kind | AccountKind): string {
  return kind === "plugin" ? PLUGIN_CONTACT_TYPE : kind === "floor-fast" || !usesApi(kind) ? TRIVIAL_TYPE : CONTACT_TYPE;
}

async function stateSize(stack: Stack, kind: Kind | AccountKind, n: number): Promise<StateSize> {
  const text = await exportText(stack);
  const state = await exportState(stack);
  const resources = resourcesOfType(state, typeOf(kind));
  // The exported state with --show-secrets holds no secret in a Contact; measure from the text export for size.
  const exported = JSON.parse(text) as { deployment?: { resources?: Array<Record<string, unknown>> } };
  const one = (exported.deployment?.resources ?? []).find((r) => r.type === typeOf(kind));
  const providers = new Set(resources.map((r) => String(r.inputs?.__provider ?? "")));
  return {
    exportBytes: Buffer.byteLength(text),
    perResourceBytes: Math.round(Buffer.byteLength(text) / n),
    oneResourceBytes: one ? Buffer.byteLength(JSON.stringify(one)) : 0,
    providerBytes: Math.max(...[...providers].map((p) => Buffer.byteLength(p))),
    distinctProviders: providers.size,
  };
}

/**
 * The seven phases, on a fresh callbell stack and fresh floor stacks, interleaved: each phase
 * runs on every stack back to back (who goes first rotating), so load from elsewhere on the
 * machine hits the result and its floors alike.
 */
async function runPhases(
  n: number,
  sims: Partial<Record<Kind, SimulatorProcess>>,
  parallel: number | undefined,
  repeat: number,
  kinds: Kind[],
  phases: readonly Phase[] = PHASES,
): Promise<Pick<NResult, Kind | "state">> {
  const padded = kinds.includes("padded");
  const stacks = {} as Record<Kind, Stack>;
  for (const kind of kinds) stacks[kind] = await benchStack(kind, n, `${kind}-${n}`, sims[kind], kind === "padded" ? padding : {});
  const out: Pick<NResult, Kind | "state"> = {
    callbell: [],
    trivial: [],
    ...(kinds.includes("fast") ? { fast: [] } : {}),
    ...(kinds.includes("plugin") ? { plugin: [] } : {}),
    ...(padded ? { padded: [] } : {}),
    state: {},
  };
  const ops: Record<Phase, (stack: Stack, o: OpOptions) => Promise<unknown>> = {
    "preview (new)": (s, o) => s.preview(o),
    "up (create)": (s, o) => s.up(o),
    "up (no-op)": (s, o) => s.up(o),
    "preview (unchanged)": (s, o) => s.preview(o),
    "up (update all)": (s, o) => s.up(o),
    refresh: (s, o) => s.refresh(o),
    destroy: (s, o) => s.destroy(o),
  };
  try {
    for (const [i, phase] of PHASES.entries()) {
      if (!phases.includes(phase)) continue;
      const times = REPEATED_PHASES.includes(phase) ? repeat : 1;
      const samples = Object.fromEntries(kinds.map((k) => [k, [] as PhaseResult[]])) as Record<Kind, PhaseResult[]>;
      for (let r = 0; r < times; r++) {
        const shift = (i + r) % kinds.length; // rotate who goes first
        for (const kind of [...kinds.slice(shift), ...kinds.slice(0, shift)]) {
          const stack = stacks[kind];
          if (phase === "up (update all)") await stack.setConfig("bench:round", { value: "2" });
          samples[kind].push(await measure(phase, kind, n, sims[kind], (o) => ops[phase](stack, o), parallel));
          if (phase === "up (create)") out.state[kind] = await stateSize(stack, kind, n);
        }
      }
      for (const kind of kinds) out[kind]!.push(median(samples[kind]));
    }
  } finally {
    for (const kind of kinds) await removeStack(stacks[kind]);
  }
  return out;
}

/** The repetition with the median time, carrying every repetition's time; a single one as is. */
function median(results: PhaseResult[]): PhaseResult {
  if (results.length === 1) return results[0];
  const sorted = [...results].sort((a, b) => a.seconds - b.seconds);
  const mid = sorted[Math.floor((sorted.length - 1) / 2)];
  // Counts must hold for every repetition: keep the worst of calls, 429s and failures visible.
  const worst = results.reduce((a, b) => (b.totalCalls + b.failedResources > a.totalCalls + a.failedResources ? b : a));
  return {
    ...mid,
    calls: worst.calls,
    totalCalls: worst.totalCalls,
    writes: Math.max(...results.map((r) => r.writes)),
    failedResources: Math.max(...results.map((r) => r.failedResources)),
    engineError: results.find((r) => r.engineError)?.engineError ?? mid.engineError,
    rss: { ...mid.rss, peakMb: Math.max(...results.map((r) => r.rss.peakMb)) },
    samples: results.map((r) => r.seconds),
  };
}

/**
 * One unmeasured up and destroy of each kind, so no measured operation pays for first-use costs.
 * With --padded, also measures the `__provider` of a Contact and of an unpadded padded resource:
 * returns the padding that makes the latter as long as the former.
 */
async function warmUp(kinds: Kind[]): Promise<number | undefined> {
  const providerBytes: Partial<Record<Kind, number>> = {};
  const padded = kinds.includes("padded");
  await withSimulator(API_LIMIT_PER_SECOND, async (sim) => {
    for (const kind of [...new Set<Kind>(["callbell", ...kinds])]) {
      const stack = await benchStack(kind, 2, `warmup-${kind}`, usesApi(kind) ? sim : undefined, kind === "padded" ? { "bench:padding": "0" } : {});
      try {
        await stack.up();
        const one = resourcesOfType(await exportState(stack), typeOf(kind))[0];
        providerBytes[kind] = Buffer.byteLength(String(one?.inputs?.__provider ?? ""));
        await stack.destroy();
      } finally {
        await removeStack(stack);
      }
    }
  });
  if (!padded) return undefined;
  const chars = Math.max(0, providerBytes.callbell! - providerBytes.padded!);
  log(`padded floor: Contact __provider ${providerBytes.callbell} bytes, unpadded ${providerBytes.padded} bytes: padding ${chars} characters`);
  return chars;
}

async function removeStack(stack: Stack): Promise<void> {
  await stack.workspace.removeStack(stack.name, { force: true }).catch((e: Error) => log(`could not remove stack ${stack.name}: ${e.message}`));
  const index = openStacks.indexOf(stack);
  if (index >= 0) openStacks.splice(index, 1);
}

function simulatorOptions(limitPerSecond: number): SimulatorOptions {
  return { rateLimitPerSecond: limitPerSecond, faults: { ...LATENCY }, seed: 6 };
}

async function withSimulator<T>(limitPerSecond: number, body: (sim: SimulatorProcess) => Promise<T>): Promise<T> {
  const sim = await spawnSimulator(simulatorOptions(limitPerSecond));
  try {
    return await body(sim);
  } finally {
    await sim.close();
  }
}

async function runN(n: number, parallel: number | undefined, repeat: number, kinds: Kind[], phases: readonly Phase[] = PHASES): Promise<NResult> {
  const result: NResult = { n, callbell: [], trivial: [], state: {}, scripts: {} };
  // The fast-mode and plugin stacks get a simulator each: they declare the same contacts as the callbell stack.
  const own = kinds.filter(usesApi);
  const sims: Partial<Record<Kind, SimulatorProcess>> = {};
  const withSims = async (i: number): Promise<unknown> =>
    i === own.length
      ? Object.assign(result, await runPhases(n, sims, parallel, repeat, kinds, phases))
      : withSimulator(API_LIMIT_PER_SECOND, async (sim) => {
          sims[own[i]] = sim;
          return withSims(i + 1);
        });
  await withSims(0);
  // The scripts are baselines: they run with the engine floor (a run split with --kinds runs them once).
  for (const [name, concurrency] of kinds.includes("trivial") && phases.length === PHASES.length
    ? ([
        ["sequential", 1],
        ["parallel", SCRIPT_CONCURRENCY],
      ] as const)
    : []) {
    result.scripts[name] = await withSimulator(API_LIMIT_PER_SECOND, async (sim) => postAll(sim.url, sim.token, n, concurrency));
    const s = result.scripts[name]!;
    log(
      `script   N=${String(n).padEnd(4)} ${`${name} (${concurrency})`.padEnd(19)} ${s.seconds.toFixed(2).padStart(7)} s  posts ${s.posts}  429s ` +
        `${s.rateLimited}  failed ${s.failures}`,
    );
  }
  return result;
}

async function runRateLimit(parallel: number | undefined): Promise<Pick<BenchResults, "rateLimit" | "rateLimitFloor">> {
  const { n, limitPerSecond } = RATE_LIMIT_RUN;
  const out: RateLimitResult[] = [];
  for (const providerRate of [limitPerSecond, undefined]) {
    const variant = providerRate ? `provider at ${providerRate}/s` : "provider at its default 250/s";
    const extra: Record<string, string> = providerRate ? { "callbell:requestsPerSecond": String(providerRate) } : {};
    await withSimulator(limitPerSecond, async (sim) => {
      const stack = await benchStack("callbell", n, `ratelimit-${providerRate ?? "default"}`, sim, extra);
      try {
        const up = await measure(`rate-limit up (${variant})`, "callbell", n, sim, (o) => stack.up(o), parallel);
        const destroy = await measure(`rate-limit destroy (${variant})`, "callbell", n, sim, (o) => stack.destroy(o), parallel);
        out.push({ variant, providerRequestsPerSecond: providerRate, n, limitPerSecond, up, destroy });
      } finally {
        await removeStack(stack);
      }
    });
    out[out.length - 1].providerAlone = await withSimulator(limitPerSecond, (sim) => providerAlone(sim, n, extra));
  }
  // The engine's own pace for the same N: what the run could be at best with this engine and backend.
  const stack = await benchStack("trivial", n, "ratelimit-floor");
  try {
    const up = await measure("rate-limit up (engine floor)", "trivial", n, undefined, (o) => stack.up(o), parallel);
    const destroy = await measure("rate-limit destroy (engine floor)", "trivial", n, undefined, (o) => stack.destroy(o), parallel);
    return { rateLimit: out, rateLimitFloor: { up, destroy } };
  } finally {
    await removeStack(stack);
  }
}

/**
 * The Contact provider driven directly, as the host would run it with unbounded --parallel: all N
 * creates at once, then all N deletes. What it takes is the provider's own pace (its limiter,
 * its requests per contact, its retries), with no engine in the way.
 */
async function providerAlone(sim: SimulatorProcess, n: number, extraConfig: Record<string, string>): Promise<ProviderAloneResult> {
  const { contactProvider } = require("pulumi-callbell/dist/contact/host") as typeof import("pulumi-callbell/dist/contact/host");
  const config: Record<string, string> = { "callbell:apiUrl": sim.url, "callbell:apiToken": sim.token, ...extraConfig };
  await contactProvider.configure({ config: { get: (key: string) => config[key] } } as never);
  let failures = 0;
  let firstFailure: string | undefined;
  const failed = (error: unknown) => {
    failures++;
    firstFailure ??= String((error as Error)?.message ?? error).slice(0, 300);
    return undefined;
  };
  const checked = await Promise.all(Array.from({ length: n }, (_, i) => contactProvider.check({} as never, seedContact(i, 1) as never)));
  const tally = async () => {
    const requests = await sim.admin.requests();
    await sim.admin.clearRequests();
    const calls: Record<string, number> = {};
    for (const r of requests) calls[r.method] = (calls[r.method] ?? 0) + 1;
    return { calls, rateLimited: requests.filter((r) => r.status === 429).length };
  };
  await sim.admin.clearRequests();
  let started = performance.now();
  const created = await Promise.all(checked.map((c: { inputs?: unknown }) => contactProvider.create(c.inputs).catch(failed)));
  const createSeconds = (performance.now() - started) / 1000;
  const createTally = await tally();
  started = performance.now();
  await Promise.all(created.map((c?: { id: string; outs?: unknown }) => (c ? contactProvider.delete(c.id, c.outs).catch(failed) : undefined)));
  const deleteSeconds = (performance.now() - started) / 1000;
  const deleteTally = await tally();
  const result: ProviderAloneResult = {
    createSeconds: round(createSeconds, 2),
    deleteSeconds: round(deleteSeconds, 2),
    createCalls: createTally.calls,
    deleteCalls: deleteTally.calls,
    createRateLimited: createTally.rateLimited,
    deleteRateLimited: deleteTally.rateLimited,
    failures,
    firstFailure,
  };
  log(
    `provider alone N=${n} (${extraConfig["callbell:requestsPerSecond"] ?? "default"}/s vs ${RATE_LIMIT_RUN.limitPerSecond}/s): create ` +
      `${result.createSeconds} s ${JSON.stringify(result.createCalls)} 429s ${result.createRateLimited}, delete ${result.deleteSeconds} s ` +
      `${JSON.stringify(result.deleteCalls)} 429s ${result.deleteRateLimited}, failed ${failures}`,
  );
  return result;
}

function sourceInfo(): BenchResults["source"] {
  const git = (...a: string[]) => execFileSync("git", a, { cwd: REPO_ROOT, encoding: "utf8" }).trim();
  try {
    return { commit: git("rev-parse", "--short", "HEAD"), providerDirty: git("status", "--porcelain", "--", "provider") !== "" };
  } catch {
    return { commit: "unknown", providerDirty: false };
  }
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const started = performance.now();
  const engine = ensureEngine();
  const envParallel = Number(process.env.PULUMI_PARALLEL ?? 0);
  const defaultParallel = envParallel > 0 ? envParallel : os.availableParallelism() * 4;
  const results: BenchResults = {
    startedAt: new Date().toISOString(),
    durationSeconds: 0,
    command: ["npm run bench", ...(process.argv.length > 2 ? ["--", ...process.argv.slice(2)] : [])].join(" "),
    machine: {
      cpus: os.availableParallelism(),
      cpuModel: os.cpus()[0]?.model ?? "?",
      memoryGb: round(os.totalmem() / 2 ** 30, 1),
      node: process.version,
      loadAverageAtStart: os.loadavg().map((x) => round(x, 2)),
    },
    pulumiVersion: engine.pulumiVersion,
    parallel: args.parallel
      ? { passed: args.parallel, effective: args.parallel, note: `--parallel ${args.parallel} passed to every operation` }
      : {
          effective: defaultParallel,
          note:
            envParallel > 0
              ? `engine default from PULUMI_PARALLEL=${envParallel}`
              : `engine default (GOMAXPROCS × 4 = ${os.availableParallelism()} × 4); not passed`,
        },
    simulator: { limitPerSecond: API_LIMIT_PER_SECOND, ...LATENCY },
    scriptConcurrency: SCRIPT_CONCURRENCY,
    repeat: args.repeat,
    kinds: args.kinds,
    ns: [],
    rateLimit: [],
    source: sourceInfo(),
  };
  log(
    `pulumi v${engine.pulumiVersion}, N = ${args.ns.join(", ")}, parallel: ${results.parallel.note}, load average ` +
      `${results.machine.loadAverageAtStart.join(" ")}`,
  );
  fs.mkdirSync(args.outDir, { recursive: true });
  const loads: number[] = [os.loadavg()[0]];
  const loadTimer = setInterval(() => loads.push(os.loadavg()[0]), LOAD_SAMPLE_SECONDS * 1000);
  const save = () => {
    results.durationSeconds = round((performance.now() - started) / 1000, 1);
    results.machine.loadAverageAtEnd = os.loadavg().map((x) => round(x, 2));
    results.load = {
      min: round(Math.min(...loads), 2),
      max: round(Math.max(...loads), 2),
      mean: round(loads.reduce((a, b) => a + b, 0) / loads.length, 2),
      samples: loads.length,
    };
    fs.writeFileSync(path.join(args.outDir, "results.json"), JSON.stringify(results, null, 2) + "\n");
  };
  try {
    if (args.account) {
      const tools = {
        measure: (phase: string, kind: AccountKind, n: number, sim: SimulatorProcess | undefined, op: (o: OpOptions) => Promise<unknown>) =>
          measure(phase, kind, n, sim, op, args.parallel),
        stateSize,
        track: (stack: Stack) => openStacks.push(stack),
        removeStack,
        withSimulator,
        log,
      };
      log("warm-up (not measured): the account run at N = 10, fast mode and its floor");
      await runAccount(tools, { ns: [10], kinds: ["fast", "floor-fast"], repeat: 1, outDir: args.outDir, runId: `${runId}w` }, () => undefined);
      results.account = await runAccount(tools, { ...args.account, ns: args.ns, repeat: args.repeat, outDir: args.outDir, runId }, (account) => {
        results.account = account;
        save();
      });
    } else {
      log("warm-up (not measured): up and destroy of 2 resources of each kind");
      const paddingChars = await warmUp(args.kinds);
      padding = paddingChars === undefined ? {} : { "bench:padding": String(paddingChars) };
      for (const n of args.ns) {
        results.ns.push(await runN(n, args.parallel, args.repeat, args.kinds, args.phases));
        save();
      }
    }
    if (args.rateLimit) {
      Object.assign(results, await runRateLimit(args.parallel));
      save();
    }
  } finally {
    clearInterval(loadTimer);
    for (const stack of [...openStacks]) await removeStack(stack);
  }
  save();
  const markdown = await writeReport(results, args.outDir);
  process.stdout.write("\n" + markdown + "\n");
  const files = reportFiles(results);
  log(`wrote ${path.relative(REPO_ROOT, args.outDir)}/${files.join(", ")}; total ${results.durationSeconds} s`);
  const published = args.account ? PUBLISHED_ACCOUNT_DIR : PUBLISHED_DIR;
  if (args.publish && path.resolve(args.outDir) !== published) {
    fs.mkdirSync(published, { recursive: true });
    for (const file of files) fs.copyFileSync(path.join(args.outDir, file), path.join(published, file));
    log(`published to ${path.relative(REPO_ROOT, published)}/`);
  }
}

main().catch((error: Error) => {
  process.stderr.write(`bench failed: ${error.stack ?? error.message}\n`);
  process.exit(1);
});
