// The benchmark's shapes and fixed settings: what a run measures (results.json) and the phases and kinds it runs.
// Types and constants only, shared by run.ts (which measures) and report.ts (which writes the report).
import type { OpMap } from "@pulumi/pulumi/automation";
import type { RssPeak } from "./rss";
import type { ScriptResult } from "./scripts";

/** The simulator's realistic settings: Callbell's documented limit and a typical EU round trip. */
export const API_LIMIT_PER_SECOND = 300;
export const LATENCY = { latencyMs: 40, jitterMs: 10 };
export const RATE_LIMIT_RUN = { n: 300, limitPerSecond: 50 };
export const SCRIPT_CONCURRENCY = 16;
/** How often the run samples the 1-minute load average. */
export const LOAD_SAMPLE_SECONDS = 20;

/** Phases run for every N, in this order. */
export const PHASES = ["preview (new)", "up (create)", "up (no-op)", "preview (unchanged)", "up (update all)", "refresh", "destroy"] as const;
export type Phase = (typeof PHASES)[number];
/** Phases that change nothing, so they can be repeated and their median reported (they are short and noise-prone). */
export const REPEATED_PHASES: readonly Phase[] = ["preview (new)", "up (no-op)", "preview (unchanged)"];
/**
 * callbell.Contact; the same in fast mode (PULUMI_SKIP_CHECKPOINTS=true); callbell:index:Contact through the provider plugin;
 * the engine floor; the floor with a Contact-sized `__provider` (--padded).
 */
export type Kind = "callbell" | "fast" | "plugin" | "trivial" | "padded";

/** Kinds whose stacks declare contacts that talk to the simulator. */
export const usesApi = (kind: Kind) => kind === "callbell" || kind === "fast" || kind === "plugin";

/** Sizes of the account run (--account), the growth figure's N. */
export const ACCOUNT_NS = [100, 1000, 2000, 5000, 10000];
/** The account run's engine phases, in this order, after the export; "preview (adopt)" and "up (adopt)" are the floor's preview (new) and create. */
export const ACCOUNT_PHASES = ["preview (adopt)", "up (adopt)", "up (no-op)", "preview (unchanged)", "refresh", "destroy"] as const;
export type AccountPhase = (typeof ACCOUNT_PHASES)[number];
/**
 * The account run's stacks: the exported file adopted in fast mode (PULUMI_SKIP_CHECKPOINTS=true), the engine floor in
 * fast mode (N trivial resources), and the file adopted in the default, checkpointing mode (until a phase passes
 * ACCOUNT_DEFAULT_MODE_CUTOFF_SECONDS).
 */
export type AccountKind = "fast" | "floor-fast" | "callbell";
export const ACCOUNT_KINDS: readonly AccountKind[] = ["fast", "floor-fast", "callbell"];
/** Once a phase of a kind took longer than this, the larger N are not run for that kind. */
export const ACCOUNT_DEFAULT_MODE_CUTOFF_SECONDS = 300;

/** One phase of one run. */
export interface PhaseResult {
  phase: string;
  kind: Kind | AccountKind;
  n: number;
  seconds: number;
  /** API requests the simulator logged, by method. */
  calls: Record<string, number>;
  totalCalls: number;
  writes: number;
  /** Requests answered 429. */
  rateLimited: number;
  /** 429s that the provider sent again (all of them, unless a resource failed on a 429). */
  retried: number;
  failedResources: number;
  engineError?: string;
  /** Resource steps of the benchmarked type, as the engine reported them. */
  steps: OpMap;
  rss: RssPeak;
  /** Seconds of every repetition when the phase was repeated (the result is the median one). */
  samples?: number[];
  /** The 1-minute load average when the phase ended. */
  loadAverage?: number;
}

/** State sizes of a stack after `up (create)`. */
export interface StateSize {
  exportBytes: number;
  perResourceBytes: number;
  /** One resource of the benchmarked type as compact JSON. */
  oneResourceBytes: number;
  providerBytes: number;
  distinctProviders: number;
}

/** Everything measured for one N. */
export interface NResult {
  n: number;
  callbell: PhaseResult[];
  trivial: PhaseResult[];
  /** callbell.Contact with PULUMI_SKIP_CHECKPOINTS=true (the state saved once, at the end); unless --kinds leaves it out. */
  fast?: PhaseResult[];
  /** callbell:index:Contact through the provider plugin; only when --kinds names plugin. */
  plugin?: PhaseResult[];
  /** Only with --padded. */
  padded?: PhaseResult[];
  state: { callbell?: StateSize; fast?: StateSize; plugin?: StateSize; trivial?: StateSize; padded?: StateSize };
  scripts: { sequential?: ScriptResult; parallel?: ScriptResult };
}

/** `pulumi-callbell export` of an account of N contacts, run as a user runs it (its own process). */
export interface ExportResult {
  seconds: number;
  exitCode: number;
  /** Entries written to the seed file, and its size. */
  written: number;
  fileBytes: number;
  calls: Record<string, number>;
  totalCalls: number;
  /** The GET /contacts pages read. */
  pages: number;
  /** Most page reads in flight at once, from the simulator's log: the export's look-ahead window, as measured. */
  pagesInFlight: number;
  /** Median server-side duration of a page read, ms: one round trip. */
  roundTripMs: number;
  /** The last lines the command printed (counts only: the export never prints a number or a name). */
  output: string[];
}

/** Everything the account run measured for one N. */
export interface AccountNResult {
  n: number;
  /** Seconds to seed the simulator with N contacts (admin API; not measured against anything). */
  seedSeconds: number;
  export?: ExportResult;
  /** Phases by kind; a kind past the cutoff at a smaller N is absent. */
  phases: Partial<Record<AccountKind, PhaseResult[]>>;
  /** State sizes after up (adopt). */
  state: Partial<Record<AccountKind, StateSize>>;
}

/** The account run (--account): export, then adopt of the exported file, at growing N. */
export interface AccountResults {
  kinds: AccountKind[];
  ns: AccountNResult[];
  /** Kinds left out of larger N, with the N and phase that passed the cutoff. */
  cutoffs: Array<{ kind: AccountKind; n: number; phase: string; seconds: number }>;
  /** scripts/bench/seed-loader.ts's result, when a run of it left seed-loader.json in the output folder. */
  seedLoader?: { entries?: number; overlays?: number; seconds: number; [key: string]: unknown };
}

/** One variant of the rate-limit run. */
export interface RateLimitResult {
  variant: string;
  providerRequestsPerSecond?: number;
  n: number;
  limitPerSecond: number;
  up: PhaseResult;
  destroy: PhaseResult;
  /** The provider without the engine: N creates then N deletes, all issued at once. */
  providerAlone?: ProviderAloneResult;
}

/** The provider's own pace under the limit, measured without the engine. */
export interface ProviderAloneResult {
  createSeconds: number;
  deleteSeconds: number;
  /** Requests by method during the creates, and during the deletes. */
  createCalls: Record<string, number>;
  deleteCalls: Record<string, number>;
  createRateLimited: number;
  deleteRateLimited: number;
  failures: number;
  firstFailure?: string;
}

/** The whole run, as results.json holds it. */
export interface BenchResults {
  startedAt: string;
  durationSeconds: number;
  command: string;
  machine: { cpus: number; cpuModel: string; memoryGb: number; node: string; loadAverageAtStart: number[]; loadAverageAtEnd?: number[] };
  /** The 1-minute load average, sampled every LOAD_SAMPLE_SECONDS through the run. */
  load?: { min: number; max: number; mean: number; samples: number };
  pulumiVersion: string;
  parallel: { passed?: number; effective: number; note: string };
  simulator: { limitPerSecond: number; latencyMs: number; jitterMs: number };
  scriptConcurrency: number;
  /** Repetitions of REPEATED_PHASES (median reported). */
  repeat: number;
  /** The stacks run per N (--kinds, --padded). */
  kinds: Kind[];
  /** When several runs were merged (report.ts --merge): each run's command, start, duration and code. */
  parts?: Array<Pick<BenchResults, "command" | "startedAt" | "durationSeconds" | "source" | "kinds"> & { ns: number[]; loadAverageAtStart: number[] }>;
  ns: NResult[];
  rateLimit: RateLimitResult[];
  /** The engine floor of the rate-limit run: N trivial resources, up and destroy. */
  rateLimitFloor?: { up: PhaseResult; destroy: PhaseResult };
  /** Only with --account. */
  account?: AccountResults;
  /** The code measured: commit, and whether provider/ had uncommitted changes. */
  source: { commit: string; providerDirty: boolean };
}
