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

/** One phase of one run. */
export interface PhaseResult {
  phase: string;
  kind: Kind;
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
  /** The code measured: commit, and whether provider/ had uncommitted changes. */
  source: { commit: string; providerDirty: boolean };
}
