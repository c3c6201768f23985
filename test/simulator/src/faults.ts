// Fault injection (random, scripted, forced 429) and the per-token rate limiter, all driven by one seeded PRNG.
import type { FaultConfig, ScriptedFault, ScriptedFaultAction, WriteMethod } from "./types";

/** Status codes errorRate answers with when FaultConfig.errorStatuses is not given. */
export const DEFAULT_ERROR_STATUSES = [500, 502, 503];
const WRITE_METHODS: readonly WriteMethod[] = ["POST", "PATCH", "PUT", "DELETE"];
const SCRIPTED_ACTIONS = new Set<ScriptedFaultAction>(["500", "502", "503", "429", "reset", "commit-then-500", "commit-then-reset", "delay"]);
const DEFAULT_SCRIPTED_DELAY_MS = 1000;

/** mulberry32: a tiny seeded PRNG answering floats in [0, 1). */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** What to do instead of the work: answer an error status, or drop the connection. */
export type PreemptiveFault = { kind: "status"; status: number; outcome: "fault" | "rate-limited"; retryAfterSeconds?: number } | { kind: "reset" };

/** How to fail after a successful write: answer 500, or drop the connection. */
export type CommitFailure = "500" | "reset";

/** The faults decided for one request before it is processed. */
export interface FaultPlan {
  preempt?: PreemptiveFault;
  commitFailure?: CommitFailure;
  delayMs: number;
}

/** Throws a descriptive Error when a FaultConfig is out of range. */
export function checkFaultConfig(faults: FaultConfig): void {
  const rates = { spikeRate: faults.spikeRate, errorRate: faults.errorRate, resetRate: faults.resetRate, "commitThenFail.rate": faults.commitThenFail?.rate };
  for (const [name, rate] of Object.entries(rates)) {
    if (rate !== undefined && !(typeof rate === "number" && rate >= 0 && rate <= 1)) throw new Error(`faults.${name} must be a number in [0, 1]`);
  }
  for (const name of ["latencyMs", "jitterMs", "spikeMs"] as const) {
    const value = faults[name];
    if (value !== undefined && !(typeof value === "number" && value >= 0)) throw new Error(`faults.${name} must be a number >= 0`);
  }
  if (faults.errorStatuses !== undefined) {
    const valid =
      Array.isArray(faults.errorStatuses) &&
      faults.errorStatuses.length > 0 &&
      faults.errorStatuses.every((status) => Number.isInteger(status) && status >= 400 && status <= 599);
    if (!valid) throw new Error("faults.errorStatuses must be a non-empty array of 4xx/5xx status codes");
  }
  if (faults.methods !== undefined && !(Array.isArray(faults.methods) && faults.methods.every((m) => typeof m === "string"))) {
    throw new Error("faults.methods must be an array of HTTP methods");
  }
  const commit = faults.commitThenFail;
  if (commit !== undefined) {
    if (commit.mode !== undefined && commit.mode !== "500" && commit.mode !== "reset") throw new Error('faults.commitThenFail.mode must be "500" or "reset"');
    if (commit.methods !== undefined && !(Array.isArray(commit.methods) && commit.methods.every((m) => WRITE_METHODS.includes(m)))) {
      throw new Error(`faults.commitThenFail.methods must be a subset of ${WRITE_METHODS.join(", ")}`);
    }
  }
}

/** Throws a descriptive Error when a scripted fault is malformed. */
export function checkScriptedFault(fault: ScriptedFault): void {
  if (!fault || !SCRIPTED_ACTIONS.has(fault.action)) throw new Error(`scripted fault action must be one of ${[...SCRIPTED_ACTIONS].join(", ")}`);
  if (fault.times !== undefined && !(Number.isInteger(fault.times) && fault.times >= 1)) throw new Error("scripted fault times must be an integer >= 1");
  for (const name of ["delayMs", "retryAfterSeconds"] as const) {
    const value = fault[name];
    if (value !== undefined && !(typeof value === "number" && value >= 0)) throw new Error(`scripted fault ${name} must be a number >= 0`);
  }
  if (fault.method !== undefined && typeof fault.method !== "string") throw new Error("scripted fault method must be a string");
  if (fault.path !== undefined && typeof fault.path !== "string") throw new Error("scripted fault path must be a string");
  const query = fault.query;
  if (query !== undefined && !(query && typeof query === "object" && !Array.isArray(query) && Object.values(query).every((v) => typeof v === "string"))) {
    throw new Error("scripted fault query must be an object of strings");
  }
}

/** Decides, per request, which faults apply: scripted queue first, then the forced-429 window, then random faults. */
export class FaultInjector {
  private faults: FaultConfig = {};
  private scripted: Array<ScriptedFault & { remaining: number }> = [];
  private forced429Until = 0;
  private forced429RetryAfter: number | undefined;
  private random: () => number;

  constructor(
    private readonly seed: number,
    faults: FaultConfig = {},
    private readonly clock: () => number = () => performance.now(),
  ) {
    this.random = mulberry32(seed);
    this.setFaults(faults);
  }

  /** Replaces the random fault configuration. */
  setFaults(faults: FaultConfig): void {
    checkFaultConfig(faults);
    this.faults = { ...faults, methods: faults.methods?.map((method) => method.toUpperCase()) };
  }

  /** Appends one-shot faults to the scripted queue. */
  script(faults: ScriptedFault[]): void {
    faults.forEach(checkScriptedFault);
    for (const fault of faults) this.scripted.push({ ...fault, remaining: fault.times ?? 1 });
  }

  /** Answers 429 to every request for the next durationMs milliseconds. */
  force429(durationMs: number, retryAfterSeconds?: number, now = this.clock()): void {
    this.forced429Until = now + durationMs;
    this.forced429RetryAfter = retryAfterSeconds;
  }

  /** Forgets faults, scripts and the forced-429 window, and restarts the PRNG from the seed. */
  reset(): void {
    this.faults = {};
    this.scripted = [];
    this.forced429Until = 0;
    this.random = mulberry32(this.seed);
  }

  /** The faults for one /v1 request (path without query string, and its query). */
  plan(method: string, path: string, now = this.clock(), query: URLSearchParams = new URLSearchParams()): FaultPlan {
    const plan: FaultPlan = { delayMs: 0 };
    const scripted = this.takeScripted(method, path, query);
    if (scripted) applyScripted(scripted, plan);
    if (!plan.preempt && now < this.forced429Until) {
      const retryAfterSeconds = this.forced429RetryAfter ?? (this.forced429Until - now) / 1000;
      plan.preempt = { kind: "status", status: 429, outcome: "rate-limited", retryAfterSeconds };
    }
    const faults = this.faults;
    const targeted = faults.methods === undefined || faults.methods.includes(method);
    if (!plan.preempt && targeted && this.chance(faults.errorRate)) {
      const statuses = faults.errorStatuses ?? DEFAULT_ERROR_STATUSES;
      plan.preempt = { kind: "status", status: statuses[Math.floor(this.random() * statuses.length)], outcome: "fault" };
    }
    if (!plan.preempt && targeted && this.chance(faults.resetRate)) plan.preempt = { kind: "reset" };
    plan.delayMs += this.randomDelay(targeted);
    return plan;
  }

  /** After a successful request: whether the random commitThenFail fault hits it. */
  commitFailure(method: string): CommitFailure | undefined {
    const commit = this.faults.commitThenFail;
    if (!commit || !(commit.methods ?? WRITE_METHODS).includes(method as WriteMethod)) return undefined;
    return this.chance(commit.rate) ? (commit.mode ?? "500") : undefined;
  }

  // PRNG draws happen only for configured rates, so a given configuration replays identically from a seed.
  private chance(rate: number | undefined): boolean {
    return rate !== undefined && rate > 0 && this.random() < rate;
  }

  private randomDelay(targeted: boolean): number {
    const { latencyMs = 0, jitterMs = 0, spikeMs = 0 } = this.faults;
    const jitter = jitterMs > 0 ? (this.random() * 2 - 1) * jitterMs : 0;
    const spike = targeted && this.chance(this.faults.spikeRate) ? spikeMs : 0;
    return Math.max(0, latencyMs + jitter) + spike;
  }

  private takeScripted(method: string, path: string, query: URLSearchParams): ScriptedFault | undefined {
    const index = this.scripted.findIndex(
      (fault) =>
        (fault.method === undefined || fault.method.toUpperCase() === method) &&
        (fault.path === undefined || path.startsWith(fault.path)) &&
        Object.entries(fault.query ?? {}).every(([name, value]) => query.get(name) === value),
    );
    if (index < 0) return undefined;
    const fault = this.scripted[index];
    fault.remaining -= 1;
    if (fault.remaining === 0) this.scripted.splice(index, 1);
    return fault;
  }
}

function applyScripted(fault: ScriptedFault, plan: FaultPlan): void {
  switch (fault.action) {
    case "500":
    case "502":
    case "503":
      plan.preempt = { kind: "status", status: Number(fault.action), outcome: "fault" };
      break;
    case "429":
      plan.preempt = { kind: "status", status: 429, outcome: "fault", retryAfterSeconds: fault.retryAfterSeconds ?? 1 };
      break;
    case "reset":
      plan.preempt = { kind: "reset" };
      break;
    case "commit-then-500":
      plan.commitFailure = "500";
      break;
    case "commit-then-reset":
      plan.commitFailure = "reset";
      break;
    case "delay":
      plan.delayMs += fault.delayMs ?? DEFAULT_SCRIPTED_DELAY_MS;
      break;
  }
}

/** Token bucket per API token: capacity = rate, continuous refill; rate 0 disables it. */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; refilledAt: number }>();

  constructor(
    private readonly ratePerSecond: number,
    private readonly clock: () => number = () => performance.now(),
  ) {}

  /** Takes one token; answers 0 when allowed, else the seconds until one is available. */
  take(token: string, nowMs = this.clock()): number {
    if (this.ratePerSecond <= 0) return 0;
    let bucket = this.buckets.get(token);
    if (!bucket) {
      bucket = { tokens: this.ratePerSecond, refilledAt: nowMs };
      this.buckets.set(token, bucket);
    }
    const refill = ((nowMs - bucket.refilledAt) / 1000) * this.ratePerSecond;
    bucket.tokens = Math.min(this.ratePerSecond, bucket.tokens + refill);
    bucket.refilledAt = nowMs;
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return (1 - bucket.tokens) / this.ratePerSecond;
  }

  /** Refills every bucket. */
  reset(): void {
    this.buckets.clear();
  }
}
