// Turns the benchmark's results into RESULTS.md (tables, ratios, targets met or missed) and
// time-vs-n.svg (vega-lite: time against N per phase, engine and physical floors dashed).
import * as fs from "fs";
import * as path from "path";
import { REPEATED_PHASES } from "./results";
import { accountMarkdown, growthChartSpec } from "./account-report";
import type { AccountKind, AccountResults, BenchResults, Kind, NResult, PhaseResult, RateLimitResult } from "./results";

const PHASE_ORDER = ["preview (new)", "up (create)", "up (no-op)", "preview (unchanged)", "up (update all)", "refresh", "destroy"];
/** Requests a phase cannot do without, per contact: what the physical floor divides by the limit. */
const NEEDED_PER_CONTACT: Record<string, number> = { "up (create)": 1, "up (update all)": 1, refresh: 1, destroy: 1 };

/** Targets of issue 14 (reported, never asserted). */
export const TARGETS = {
  /** The N at which every phase is held to the engine floor. */
  atN: [500, 1000],
  /** Phases that must be ≤ this × the engine floor. */
  phasesVsEngineFloor: { phases: ["preview (new)", "up (create)", "up (no-op)", "preview (unchanged)", "up (update all)", "destroy"], max: 1.0 },
  refreshVsEngineFloor: 1.3,
  /** One Contact resource in the state, compact JSON. */
  stateMaxBytesPerContact: 2 * 1024,
  /** Fast mode's up (create) at this N must beat the sequential script. */
  fastModeN: 500,
  /** Provider host peak RSS ≤ the floor's host + this. */
  hostRssOverFloorMb: 20,
  /** Issue 22: at this N the provider plugin's state per contact and these phases must be ≤ the dynamic path's. */
  plugin: { n: 500, phases: ["up (create)", "up (no-op)", "preview (new)", "preview (unchanged)", "destroy"] },
};

const fmt = (x: number | undefined, digits = 2) => (x === undefined || !Number.isFinite(x) ? "—" : x.toFixed(digits));
const ratio = (a: number | undefined, b: number | undefined) => (a === undefined || !b ? undefined : a / b);
/** Seconds, with the range of the repetitions when the phase was repeated. */
const secs = (p: PhaseResult | undefined) =>
  !p ? "—" : p.samples && p.samples.length > 1 ? `${fmt(p.seconds)} (${fmt(Math.min(...p.samples))}–${fmt(Math.max(...p.samples))})` : fmt(p.seconds);
const calls = (p: PhaseResult) =>
  Object.keys(p.calls).length === 0
    ? "0"
    : Object.entries(p.calls)
        .sort()
        .map(([m, c]) => `${m} ${c}`)
        .join(", ");

/** Seconds the phase needs at the API limit for the requests it cannot avoid (0 when none). */
export function physicalFloor(phase: string, n: number, limitPerSecond: number): number {
  return ((NEEDED_PER_CONTACT[phase] ?? 0) * n) / limitPerSecond;
}

function floorOf(r: NResult, phase: string): PhaseResult | undefined {
  return r.trivial.find((p) => p.phase === phase);
}

/** One line of the targets section. */
interface TargetLine {
  target: string;
  measured: string;
  met: boolean | undefined;
  detail: string;
}

function targets(all: BenchResults): TargetLine[] {
  const lines: TargetLine[] = [];
  // Only the N that have both the provider's and the floor's numbers (a run split with --kinds may lack one).
  const results = { ...all, ns: all.ns.filter((r) => r.callbell.length > 0 && r.trivial.length > 0) };
  if (results.ns.length === 0) return lines;
  const byN = new Map(results.ns.map((r) => [r.n, r]));
  const t = TARGETS;
  const vsFloor = (r: NResult, phase: string, max: number): TargetLine => {
    const p = r.callbell.find((q) => q.phase === phase);
    const f = floorOf(r, phase);
    if (!p || !f) return { target: `${phase}, N=${r.n} ≤ ${fmt(max, 1)} × engine floor`, measured: "not run (--phases)", met: undefined, detail: "" };
    const x = p.seconds / f.seconds;
    const ok = p.failedResources === 0 && !p.engineError;
    return {
      target: `${phase}, N=${r.n} ≤ ${fmt(max, 1)} × engine floor`,
      measured: `${secs(p)} s vs ${secs(f)} s = ${fmt(x)} ×; load ${fmt(p.loadAverage)}`,
      met: ok && x <= max,
      detail: !ok
        ? `${p.failedResources} failed${p.engineError ? ", engine error" : ""}`
        : x <= max
          ? `${fmt((1 - x / max) * 100, 0)} % under`
          : `missed by ${fmt(p.seconds - max * f.seconds)} s (${fmt((x / max - 1) * 100, 0)} % over)`,
    };
  };
  for (const n of t.atN) {
    const r = byN.get(n);
    if (!r) {
      lines.push({
        target: `every phase at N=${n} ≤ ${fmt(t.phasesVsEngineFloor.max, 1)} × engine floor, refresh ≤ ${t.refreshVsEngineFloor} ×`,
        measured: `N=${n} not run`,
        met: undefined,
        detail: n === 1000 ? "run with --full (or --n 1000)" : `run with --n including ${n}`,
      });
      continue;
    }
    for (const phase of t.phasesVsEngineFloor.phases) lines.push(vsFloor(r, phase, t.phasesVsEngineFloor.max));
    lines.push(vsFloor(r, "refresh", t.refreshVsEngineFloor));
  }

  {
    const rows = results.ns.flatMap((r) => r.callbell.filter((q) => q.phase === "refresh").map((p) => ({ n: r.n, p })));
    // From a run's 17th read, refresh answers from pages of GET /contacts (docs/performance.md): at most N reads, only GETs.
    const met = rows.every((r) => (r.p.calls.GET ?? 0) === r.p.totalCalls && r.p.totalCalls <= r.n);
    lines.push({
      target: "refresh: at most N reads, GETs only",
      measured: rows.map((r) => `N=${r.n}: ${calls(r.p)}`).join("; "),
      met,
      detail: met
        ? "single reads, then pages of the account"
        : rows
            .filter((r) => r.p.totalCalls > r.n || (r.p.calls.GET ?? 0) !== r.p.totalCalls)
            .map((r) => `N=${r.n}: ${r.p.totalCalls} calls`)
            .join(", "),
    });
  }

  {
    const sizes = results.ns.map((r) => ({ n: r.n, s: r.state.callbell, f: r.state.trivial })).filter((x) => x.s);
    const worst = Math.max(...sizes.map((x) => x.s!.oneResourceBytes));
    const max = t.stateMaxBytesPerContact;
    lines.push({
      target: `state ≤ ${max / 1024} KB (${max} B) per contact (one Contact resource, compact JSON)`,
      measured:
        sizes.map((x) => `N=${x.n}: ${x.s!.oneResourceBytes} B (floor's ${x.f?.oneResourceBytes ?? "—"} B; export ÷ N ${x.s!.perResourceBytes} B)`).join("; ") +
        `; \`__provider\` ${Math.max(...sizes.map((x) => x.s!.providerBytes))} B, ${Math.max(...sizes.map((x) => x.s!.distinctProviders))} distinct value`,
      met: worst <= max,
      detail: worst <= max ? `${max - worst} B under` : `missed by ${worst - max} B per contact`,
    });
  }

  {
    const r = byN.get(t.fastModeN);
    const fast = r?.fast?.find((p) => p.phase === "up (create)");
    const seq = r?.scripts.sequential;
    lines.push(
      fast && seq
        ? {
            target: `fast mode (PULUMI_SKIP_CHECKPOINTS=true): up (create), N=${t.fastModeN} faster than the sequential axios script`,
            measured: `${fmt(fast.seconds)} s vs ${fmt(seq.seconds)} s = ${fmt(fast.seconds / seq.seconds)} ×; ${fast.failedResources} failed`,
            met: fast.seconds < seq.seconds && fast.failedResources === 0 && !fast.engineError,
            detail: fast.seconds < seq.seconds ? `${fmt(seq.seconds - fast.seconds)} s faster` : `missed by ${fmt(fast.seconds - seq.seconds)} s`,
          }
        : {
            target: `fast mode: up (create), N=${t.fastModeN} faster than the sequential axios script`,
            measured: `not run (needs N=${t.fastModeN} with the fast and trivial stacks)`,
            met: undefined,
            detail: "",
          },
    );
  }

  {
    const peaks = results.ns.map((r) => {
      const mb = Math.max(...r.callbell.map((p) => p.rss.peakMb));
      const floor = Math.max(...r.trivial.map((p) => p.rss.peakMb));
      return { n: r.n, mb, floor, over: mb - floor };
    });
    const worst = peaks.reduce((a, b) => (b.over > a.over ? b : a), peaks[0]);
    const max = t.hostRssOverFloorMb;
    lines.push({
      target: `provider host peak RSS ≤ the floor's host + ${max} MB (every N)`,
      measured: peaks.map((p) => `N=${p.n}: ${fmt(p.mb, 1)} vs ${fmt(p.floor, 1)} MB (+${fmt(p.over, 1)})`).join(", "),
      met: worst.over <= max,
      detail: worst.over <= max ? `worst +${fmt(worst.over, 1)} MB at N=${worst.n}` : `missed by ${fmt(worst.over - max, 1)} MB at N=${worst.n}`,
    });
  }
  lines.push(...pluginTargets(results));
  return lines;
}

/** Issue 22's targets, only when the plugin ran: at TARGETS.plugin.n, its state per contact and its phases ≤ the dynamic path's. */
function pluginTargets(results: BenchResults): TargetLine[] {
  const r = results.ns.find((x) => x.n === TARGETS.plugin.n && x.plugin?.length);
  if (!results.ns.some((x) => x.plugin?.length)) return [];
  const n = TARGETS.plugin.n;
  if (!r) return [{ target: `provider plugin at N=${n} ≤ the dynamic path`, measured: `N=${n} not run with the plugin`, met: undefined, detail: "" }];
  const lines: TargetLine[] = [];
  const s = r.state.plugin;
  const c = r.state.callbell;
  if (s && c) {
    const met = s.perResourceBytes <= c.perResourceBytes && s.oneResourceBytes <= c.oneResourceBytes;
    lines.push({
      target: `provider plugin: state per contact, N=${n} ≤ the dynamic path`,
      measured: `export ÷ N ${s.perResourceBytes} B vs ${c.perResourceBytes} B; one Contact resource ${s.oneResourceBytes} B vs ${c.oneResourceBytes} B`,
      met,
      detail: `${fmt((1 - s.perResourceBytes / c.perResourceBytes) * 100, 0)} % smaller per contact`,
    });
  }
  for (const phase of TARGETS.plugin.phases) {
    const p = r.plugin!.find((q) => q.phase === phase);
    const d = r.callbell.find((q) => q.phase === phase);
    if (!p || !d) {
      lines.push({ target: `provider plugin: ${phase}, N=${n} ≤ the dynamic path`, measured: "not run (--phases or --kinds)", met: undefined, detail: "" });
      continue;
    }
    const ok = p.failedResources === 0 && !p.engineError;
    lines.push({
      target: `provider plugin: ${phase}, N=${n} ≤ the dynamic path`,
      measured: `${secs(p)} s vs ${secs(d)} s = ${fmt(p.seconds / d.seconds)} ×; load ${fmt(p.loadAverage)}`,
      met: ok && p.seconds <= d.seconds,
      detail: !ok
        ? `${p.failedResources} failed${p.engineError ? ", engine error" : ""}`
        : p.seconds <= d.seconds
          ? `${fmt(d.seconds - p.seconds)} s faster`
          : `missed by ${fmt(p.seconds - d.seconds)} s`,
    });
  }
  return lines;
}

/** Builds the markdown report. */
export function markdown(results: BenchResults): string {
  const out: string[] = [];
  const L = results.simulator.limitPerSecond;
  out.push("# pulumi-callbell benchmark results", "");
  if (results.parts && results.parts.length > 1) {
    out.push(`Merged from ${results.parts.length} runs (each under 30 minutes), ${fmt(results.durationSeconds / 60, 1)} min in all:`, "");
    for (const part of results.parts) {
      out.push(
        `- \`${part.command}\` on ${part.startedAt.slice(0, 16).replace("T", " ")} UTC: N = ${part.ns.join(", ")}, ` +
          `stacks ${part.kinds.join(" + ")}; **${fmt(part.durationSeconds / 60, 1)} min** (${fmt(part.durationSeconds, 0)} s); ` +
          `commit ${part.source?.commit ?? "?"}${part.source?.providerDirty ? " (provider/ modified)" : ""}; ` +
          `load average at start ${part.loadAverageAtStart.join(" / ")}.`,
      );
    }
    out.push("");
  } else {
    out.push(
      `Generated by \`${results.command}\` on ${results.startedAt.slice(0, 16).replace("T", " ")} UTC; the whole run took ` +
        `**${fmt(results.durationSeconds / 60, 1)} min** (${fmt(results.durationSeconds, 0)} s).`,
      "",
    );
  }
  out.push(
    `- Code: commit ${results.source?.commit ?? "?"}${results.source?.providerDirty ? " with uncommitted changes in provider/" : ""} (the ` +
      `provider as built by \`npm run build\`).`,
  );
  out.push(
    `- Engine: pulumi v${results.pulumiVersion} (real CLI, Automation API inline program, file:// backend). ` +
      `Parallelism: **${results.parallel.effective}** — ${results.parallel.note}.`,
  );
  out.push(
    `- Machine: ${results.machine.cpus} CPUs (${results.machine.cpuModel}), ${results.machine.memoryGb} GB, Node ${results.machine.node}; load ` +
      `average at start ${results.machine.loadAverageAtStart.join(" / ")}` +
      (results.machine.loadAverageAtEnd ? `, at the end ${results.machine.loadAverageAtEnd.join(" / ")}` : "") +
      (results.load
        ? `; the 1-minute load average, sampled every 20 s through the run (${results.load.samples} samples), ` +
          `ran from ${fmt(results.load.min)} to ${fmt(results.load.max)}, mean **${fmt(results.load.mean)}**, on ${results.machine.cpus} CPUs ` +
          "shared with other work. Compare ratios to the engine floor, which ran interleaved under the same load."
        : "."),
  );
  out.push(
    `- Simulator: its own process, one per run, ${results.simulator.latencyMs} ms ± ${results.simulator.jitterMs} latency per request, rate ` +
      `limit ${L} requests/s per token (token bucket, burst ${L}). Provider at its default 250 requests/s unless said.`,
  );
  out.push(
    `- Engine floor: the same program with N trivial dynamic resources (same inputs; create returns {id, outs: inputs}; no API call), same ` +
      `phases, fresh stack. Physical floor: the requests a phase cannot avoid (1 per contact for create, update, refresh, delete) / ${L} per s.`,
  );
  out.push(
    `- Scripts: POST every contact with axios, sequentially, and with ${results.scriptConcurrency} workers (waits Retry-After on 429); not ` +
      `idempotent, no read-back.`,
  );
  out.push(
    `- Times are wall-clock seconds of the whole operation (CLI start, program, provider host start included). API calls come from the ` +
      `simulator's request log; "429s (retried)" counts answers 429 and those the provider sent again; "failed" counts resources the engine ` +
      `reported failed. Host RSS is the peak VmHWM of the dynamic-provider host process (sampled from /proc every 100 ms).`,
  );
  const split = (results.parts ?? []).filter((part) => part.kinds.length < 2).flatMap((part) => part.ns);
  const splitRepeats = [
    ...new Set((results.parts ?? []).filter((part) => part.kinds.length < 2).map((part) => part.command.match(/--repeat (\d+)/)?.[1] ?? "3")),
  ];
  const splitNote = split.length
    ? ` Except N = ${[...new Set(split)].join(", ")}: run in separate runs per stack (to keep each run under 30 minutes), ` +
      `so not interleaved, and with ${splitRepeats.join("/")} repetition(s).`
    : "";
  out.push(
    "- Each phase runs on the callbell stack, the fast-mode stack (if run) and the floor stack back to back (order rotating), " +
      `so background load hits them alike. ` +
      (results.repeat > 1
        ? `The phases that change nothing (${REPEATED_PHASES.join(", ")}) run ${results.repeat} times: median shown, (min–max) after it.`
        : "") +
      splitNote,
    "",
  );

  const hasPadded = results.ns.some((r) => r.padded?.length);
  const hasFast = results.ns.some((r) => r.fast?.length);
  const hasPlugin = results.ns.some((r) => r.plugin?.length);
  out.push("## Time, API calls and memory per phase", "");
  if (hasPlugin) {
    out.push(
      '"plugin": the same contacts as `callbell:index:Contact` resources of the provider plugin (the project names provider/ in `plugins: ' +
        "providers:`), against its own simulator; its API calls and 429s are in results.json. Target (issue 22): ≤ pulumi-callbell.",
      "",
    );
  }
  if (hasFast) {
    out.push(
      '"fast mode": the same callbell stack run with PULUMI_SKIP_CHECKPOINTS=true (the engine saves the state once, at the end; ' +
        'see docs/recovery.md, "Fast mode"), against its own simulator; ' +
        "API calls and 429s are the checkpointing stack's (the fast stack's are in results.json).",
      "",
    );
  }
  if (hasPadded)
    out.push(
      'With --padded: "padded floor" is the engine floor whose `__provider` is as long as the Contact\'s, which separates what the engine pays ' +
        "for the state's size from the provider's own work.",
      "",
    );
  out.push(
    `| N | phase | pulumi-callbell (s) |${hasPlugin ? " plugin (s) | plugin ÷ callbell |" : ""} engine floor (s) | × engine floor ` +
      `|${hasFast ? " fast mode (s) | fast × engine floor |" : ""}${hasPadded ? " padded floor (s) | × padded floor |" : ""} physical floor (s) ` +
      `| × physical floor | API calls | 429s (retried) | failed | host peak RSS MB (callbell / floor) | load |`,
  );
  out.push(
    `|---:|---|---:|${hasPlugin ? "---:|---:|" : ""}---:|---:|${hasFast ? "---:|---:|" : ""}${hasPadded ? "---:|---:|" : ""}---:|---:|---|---:|---:|---:|---:|`,
  );
  for (const r of results.ns) {
    for (const phase of PHASE_ORDER) {
      const p = r.callbell.find((q) => q.phase === phase);
      const f = floorOf(r, phase);
      const pf = r.padded?.find((q) => q.phase === phase);
      if (!p) continue;
      const phys = physicalFloor(phase, r.n, L);
      const failed = `${p.failedResources}${p.engineError ? " + engine error" : ""}`;
      const paddedCols = hasPadded ? ` ${secs(pf)} | ${fmt(ratio(p.seconds, pf?.seconds))} |` : "";
      const q = r.fast?.find((x) => x.phase === phase);
      const fastFailed = q && (q.failedResources || q.engineError) ? ` (${q.failedResources} failed${q.engineError ? ", engine error" : ""})` : "";
      const fastCols = hasFast ? ` ${secs(q)}${fastFailed} | ${fmt(ratio(q?.seconds, f?.seconds))} |` : "";
      const g = r.plugin?.find((x) => x.phase === phase);
      const pluginFailed = g && (g.failedResources || g.engineError) ? ` (${g.failedResources} failed${g.engineError ? ", engine error" : ""})` : "";
      const pluginCols = hasPlugin ? ` ${secs(g)}${pluginFailed} | ${fmt(ratio(g?.seconds, p.seconds))} |` : "";
      out.push(
        `| ${r.n} | ${phase} | ${secs(p)} |${pluginCols} ${secs(f)} | ${fmt(ratio(p.seconds, f?.seconds))} |${fastCols}${paddedCols} ` +
          `${phys ? fmt(phys) : "—"} | ${phys ? fmt(p.seconds / phys, 1) : "—"} | ${calls(p)} | ${p.rateLimited} (${p.retried}) | ${failed} | ` +
          `${fmt(p.rss.peakMb, 1)} / ${fmt(f?.rss.peakMb, 1)} | ${fmt(p.loadAverage)} |`,
      );
    }
  }
  out.push("");

  const largest = results.ns[results.ns.length - 1];
  if (largest && largest.callbell[0]?.rss.cpu) {
    const cpu = (p: PhaseResult | undefined) => (p?.rss.cpu ? `${fmt(p.rss.cpu.host, 1)} / ${fmt(p.rss.cpu.engine, 1)} / ${fmt(p.rss.cpu.program, 1)}` : "—");
    out.push(`## Where the time goes (N = ${largest.n})`, "");
    out.push(
      `CPU seconds during each phase of the provider host / the pulumi CLI (engine) / the benchmark process (inline program and Automation API), ` +
        `against wall time, on ${results.machine.cpus} CPUs.`,
      "",
    );
    out.push(
      `| phase | pulumi-callbell (s) | CPU host / engine / program (s) |${hasPlugin ? " plugin (s) | CPU host / engine / program (s) |" : ""} ` +
        `engine floor (s) | CPU host / engine / program (s) |${hasFast ? " fast mode (s) | CPU host / engine / program (s) |" : ""}` +
        `${hasPadded ? " padded floor (s) | CPU host / engine / program (s) |" : ""}`,
    );
    out.push(`|---|---:|---:|${hasPlugin ? "---:|---:|" : ""}---:|---:|${hasFast ? "---:|---:|" : ""}${hasPadded ? "---:|---:|" : ""}`);
    for (const phase of PHASE_ORDER) {
      const p = largest.callbell.find((q) => q.phase === phase);
      const f = floorOf(largest, phase);
      const pf = largest.padded?.find((q) => q.phase === phase);
      const q = largest.fast?.find((x) => x.phase === phase);
      const g = largest.plugin?.find((x) => x.phase === phase);
      out.push(
        `| ${phase} | ${fmt(p?.seconds)} | ${cpu(p)} |${hasPlugin ? ` ${fmt(g?.seconds)} | ${cpu(g)} |` : ""} ${fmt(f?.seconds)} | ${cpu(f)} ` +
          `|${hasFast ? ` ${fmt(q?.seconds)} | ${cpu(q)} |` : ""}${hasPadded ? ` ${fmt(pf?.seconds)} | ${cpu(pf)} |` : ""}`,
      );
    }
    out.push("");
  }

  out.push("## Against the scripts a team would write instead (create all N)", "");
  out.push(
    `| N | pulumi up (create) (s) | sequential script (s) | up ÷ sequential | parallel script, ${results.scriptConcurrency} workers (s) | up ÷ ` +
      `parallel | script 429s (seq / par) | script failures (seq / par) |`,
  );
  out.push("|---:|---:|---:|---:|---:|---:|---:|---:|");
  for (const r of results.ns) {
    const up = r.callbell.find((p) => p.phase === "up (create)");
    const s = r.scripts.sequential;
    const q = r.scripts.parallel;
    out.push(
      `| ${r.n} | ${fmt(up?.seconds)} | ${fmt(s?.seconds)} | ${fmt(ratio(up?.seconds, s?.seconds))} | ${fmt(q?.seconds)} | ` +
        `${fmt(ratio(up?.seconds, q?.seconds))} | ${s?.rateLimited ?? "—"} / ${q?.rateLimited ?? "—"} | ${s?.failures ?? "—"} / ` +
        `${q?.failures ?? "—"} |`,
    );
  }
  out.push("");

  out.push("## State size (after up)", "");
  out.push("Bytes per contact: the whole `pulumi stack export` (secrets encrypted, as stored) divided by N.", "");
  out.push(
    `| N | exported state (bytes) | bytes per contact | one Contact resource (bytes, compact JSON) | \`__provider\` (bytes) | distinct ` +
      `\`__provider\` values | floor: bytes per resource | floor: one resource (bytes) | floor: \`__provider\` (bytes) ` +
      `|${hasPadded ? " padded floor: bytes per resource (`__provider` bytes) |" : ""}` +
      `${hasPlugin ? " plugin: bytes per contact | plugin: one Contact resource (bytes) |" : ""}`,
  );
  out.push(`|---:|---:|---:|---:|---:|---:|---:|---:|---:|${hasPadded ? "---:|" : ""}${hasPlugin ? "---:|---:|" : ""}`);
  for (const r of results.ns) {
    const c = r.state.callbell;
    const f = r.state.trivial;
    out.push(
      `| ${r.n} | ${c?.exportBytes ?? "—"} | ${c?.perResourceBytes ?? "—"} | ${c?.oneResourceBytes ?? "—"} | ${c?.providerBytes ?? "—"} | ` +
        `${c?.distinctProviders ?? "—"} | ${f?.perResourceBytes ?? "—"} | ${f?.oneResourceBytes ?? "—"} | ${f?.providerBytes ?? "—"} ` +
        `|${hasPadded ? ` ${r.state.padded?.perResourceBytes ?? "—"} (${r.state.padded?.providerBytes ?? "—"}) |` : ""}` +
        `${hasPlugin ? ` ${r.state.plugin?.perResourceBytes ?? "—"} | ${r.state.plugin?.oneResourceBytes ?? "—"} |` : ""}`,
    );
  }
  out.push("");

  if (results.rateLimit.length) {
    const first = results.rateLimit[0];
    const lim = first.limitPerSecond;
    const floor = results.rateLimitFloor;
    out.push(`## Rate-limit run: simulator limited to ${lim} requests/s, N = ${first.n}`, "");
    out.push(
      `Through the engine (fresh simulator and stack per setting). Engine floor for the same N (trivial resources): up ${fmt(floor?.up.seconds)} ` +
        `s, destroy ${fmt(floor?.destroy.seconds)} s.`,
      "",
    );
    out.push(
      `| provider setting | up (s) | writes / ${lim} per s (s) | up ÷ (writes / ${lim}) | up ÷ engine floor | API calls (up) | 429s (retried) | ` +
        `failed | destroy (s) | destroy ÷ engine floor | destroy 429s (retried) | destroy failed |`,
    );
    out.push("|---|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|");
    for (const r of results.rateLimit as RateLimitResult[]) {
      const phys = r.n / r.limitPerSecond;
      out.push(
        `| ${r.variant} | ${fmt(r.up.seconds)} | ${fmt(phys)} | ${fmt(r.up.seconds / phys)} | ${fmt(ratio(r.up.seconds, floor?.up.seconds))} | ` +
          `${calls(r.up)} | ${r.up.rateLimited} (${r.up.retried}) | ${r.up.failedResources}${r.up.engineError ? " + engine error" : ""} | ` +
          `${fmt(r.destroy.seconds)} | ${fmt(ratio(r.destroy.seconds, floor?.destroy.seconds))} | ${r.destroy.rateLimited} ` +
          `(${r.destroy.retried}) | ${r.destroy.failedResources}${r.destroy.engineError ? " + engine error" : ""} |`,
      );
    }
    out.push("");
    out.push(
      `The provider alone (no engine; its create and delete called for all ${first.n} contacts at once, as with an unbounded --parallel), to see ` +
        `its own pace under the limit:`,
      "",
    );
    out.push(
      `| provider setting | create all (s) | requests (create) | requests/s sent (create) | all requests / ${lim} per s (s) | 429s (create) | ` +
        `delete all (s) | requests (delete) | 429s (delete) | failures |`,
    );
    out.push("|---|---:|---|---:|---:|---:|---:|---|---:|---:|");
    for (const r of results.rateLimit as RateLimitResult[]) {
      const a = r.providerAlone;
      if (!a) continue;
      const total = Object.values(a.createCalls).reduce((x, y) => x + y, 0);
      const accepted = total - a.createRateLimited;
      const callText = (c: Record<string, number>) =>
        Object.entries(c)
          .sort()
          .map(([m, k]) => `${m} ${k}`)
          .join(", ") || "0";
      out.push(
        `| ${r.variant} | ${fmt(a.createSeconds)} | ${callText(a.createCalls)} | ${fmt(total / a.createSeconds, 0)} | ${fmt(accepted / lim)} | ` +
          `${a.createRateLimited} | ${fmt(a.deleteSeconds)} | ${callText(a.deleteCalls)} | ${a.deleteRateLimited} | ` +
          `${a.failures}${a.firstFailure ? ` (${a.firstFailure.slice(0, 120)})` : ""} |`,
      );
    }
    out.push(
      "",
      `Each create is two requests: the provider looks the identifier up (GET /contacts/phone/…) before it POSTs, so ${first.n} creates need ` +
        `${2 * first.n} requests, at least ${fmt((2 * first.n) / lim)} s at ${lim}/s.`,
      "",
    );
  }

  out.push("## Targets", "");
  out.push("| target | measured | result |");
  out.push("|---|---|---|");
  for (const t of targets(results)) {
    out.push(`| ${t.target} | ${t.measured} | ${t.met === undefined ? "not measured" : t.met ? "**met**" : "**missed**"}: ${t.detail} |`);
  }
  out.push("");

  const errors = [
    ...results.ns.flatMap((r) => [...r.callbell, ...(r.fast ?? []), ...(r.plugin ?? []), ...r.trivial]),
    ...results.rateLimit.flatMap((r) => [r.up, r.destroy]),
  ].filter((p) => p.engineError);
  if (errors.length) {
    out.push("## Engine errors", "");
    for (const p of errors) out.push(`- ${p.kind} N=${p.n} ${p.phase}: ${p.engineError}`);
    out.push("");
  }
  out.push("Chart: [time-vs-n.svg](time-vs-n.svg). Raw numbers: [results.json](results.json).", "");
  return out.join("\n");
}

/** The vega-lite spec of time against N, one panel per phase. */
export function chartSpec(results: BenchResults): Record<string, unknown> {
  const L = results.simulator.limitPerSecond;
  const rows: Array<{ phase: string; N: number; series: string; seconds: number; style: "measured" | "floor" }> = [];
  const SERIES = {
    callbell: "pulumi-callbell",
    floor: "engine floor (trivial dynamic resources)",
    physical: `physical floor (requests / ${L} per s)`,
    padded: "engine floor, Contact-sized __provider",
    fast: "pulumi-callbell, fast mode (PULUMI_SKIP_CHECKPOINTS)",
    seq: "sequential axios script",
    par: `parallel axios script (${results.scriptConcurrency})`,
  };
  for (const r of results.ns) {
    for (const phase of PHASE_ORDER) {
      const p = r.callbell.find((q) => q.phase === phase);
      const f = floorOf(r, phase);
      if (p) rows.push({ phase, N: r.n, series: SERIES.callbell, seconds: p.seconds, style: "measured" });
      if (f) rows.push({ phase, N: r.n, series: SERIES.floor, seconds: f.seconds, style: "floor" });
      const pf = r.padded?.find((q) => q.phase === phase);
      if (pf) rows.push({ phase, N: r.n, series: SERIES.padded, seconds: pf.seconds, style: "floor" });
      const fast = r.fast?.find((q) => q.phase === phase);
      if (fast) rows.push({ phase, N: r.n, series: SERIES.fast, seconds: fast.seconds, style: "measured" });
      rows.push({ phase, N: r.n, series: SERIES.physical, seconds: physicalFloor(phase, r.n, L), style: "floor" });
    }
    const upPhase = "up (create)";
    if (r.scripts.sequential) rows.push({ phase: upPhase, N: r.n, series: SERIES.seq, seconds: r.scripts.sequential.seconds, style: "measured" });
    if (r.scripts.parallel) rows.push({ phase: upPhase, N: r.n, series: SERIES.par, seconds: r.scripts.parallel.seconds, style: "measured" });
  }
  const x = { field: "N", type: "quantitative", scale: { type: "log" }, axis: { values: results.ns.map((r) => r.n), format: "d" }, title: "N (contacts)" };
  const y = { field: "seconds", type: "quantitative", title: "wall time (s)" };
  const color = {
    field: "series",
    type: "nominal",
    title: null,
    scale: {
      domain: Object.values(SERIES).filter((name) => rows.some((row) => row.series === name)),
      range: ["#1f77b4", "#7f7f7f", "#d62728", "#9467bd", "#ff7f0e", "#2ca02c"].filter((_, i) => rows.some((row) => row.series === Object.values(SERIES)[i])),
    },
    legend: { orient: "bottom", columns: 3, labelLimit: 400, symbolStrokeWidth: 2 },
  };
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: {
      text:
        `pulumi-callbell: time against N per phase (pulumi v${results.pulumiVersion}, simulator ` +
        `${results.simulator.latencyMs}±${results.simulator.jitterMs} ms, ${L} req/s)`,
      anchor: "start",
    },
    background: "white",
    data: { values: rows },
    facet: { field: "phase", type: "nominal", sort: PHASE_ORDER, title: null },
    columns: 4,
    spec: {
      width: 210,
      height: 150,
      layer: [
        {
          transform: [{ filter: "datum.style === 'measured'" }],
          mark: { type: "line", point: true, strokeWidth: 2 },
          encoding: { x, y, color, tooltip: [{ field: "series" }, { field: "N" }, { field: "seconds" }] },
        },
        // The floors: dashed, each with its own dash pattern.
        ...(
          [
            [SERIES.floor, [6, 4]],
            [SERIES.physical, [2, 3]],
            [SERIES.padded, [8, 3, 2, 3]],
          ] as const
        )
          .filter(([series]) => rows.some((row) => row.series === series))
          .map(([series, dash]) => ({
            transform: [{ filter: { field: "series", equal: series } }],
            mark: { type: "line", strokeWidth: 1.5, strokeDash: dash },
            encoding: { x, y, color },
          })),
      ],
    },
    resolve: { scale: { y: "independent" } },
  };
}

// vega and vega-lite are ESM-only with top-level await: a real dynamic import, not one ts-node turns into require().
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const importEsm = new Function("m", "return import(m)") as (m: string) => Promise<Record<string, any>>;

/** Renders the chart to SVG with vega's headless renderer (no native code). */
export async function renderChart(spec: Record<string, unknown>): Promise<string> {
  const [vega, vl] = await Promise.all([importEsm("vega"), importEsm("vega-lite")]);
  const view = new vega.View(vega.parse(vl.compile(spec).spec), { renderer: "none" });
  const svg: string = await view.toSVG();
  view.finalize();
  return svg;
}

/** The files a report of these results consists of, results.json included. */
export const reportFiles = (results: BenchResults) => ["RESULTS.md", "results.json", results.account ? "growth-vs-n.svg" : "time-vs-n.svg"];

/** Writes RESULTS.md and time-vs-n.svg (an account run: growth-vs-n.svg) next to results.json; returns the markdown. */
export async function writeReport(results: BenchResults, outDir: string): Promise<string> {
  if (results.account) {
    const md = accountMarkdown(results);
    fs.writeFileSync(path.join(outDir, "RESULTS.md"), md);
    fs.writeFileSync(path.join(outDir, "growth-vs-n.svg"), await renderChart(growthChartSpec(results)));
    return md;
  }
  const md = markdown(results);
  fs.writeFileSync(path.join(outDir, "RESULTS.md"), md);
  fs.writeFileSync(path.join(outDir, "time-vs-n.svg"), await renderChart(chartSpec(results)));
  return md;
}

/**
 * Merges runs split to stay short (e.g. `--n 1000 --kinds callbell` and `--n 1000 --kinds trivial`):
 * per N, each kind's phases, state and scripts come from the first run that has them.
 */
export function mergeResults(runs: BenchResults[]): BenchResults {
  const merged = structuredClone(runs[0]);
  const kinds: Kind[] = ["callbell", "fast", "plugin", "trivial", "padded"];
  merged.parts = runs.flatMap(
    (run) =>
      run.parts ?? [
        {
          command: run.command,
          startedAt: run.startedAt,
          durationSeconds: run.durationSeconds,
          source: run.source,
          kinds: run.kinds ?? ["callbell", "trivial"],
          ns: (run.account?.ns ?? run.ns).map((r) => r.n),
          loadAverageAtStart: run.machine.loadAverageAtStart,
        },
      ],
  );
  for (const run of runs.slice(1)) {
    for (const r of run.ns) {
      const into = merged.ns.find((m) => m.n === r.n);
      if (!into) {
        merged.ns.push(structuredClone(r));
        continue;
      }
      for (const kind of kinds) {
        if (r[kind]?.length && !into[kind]?.length) into[kind] = r[kind];
        if (r.state[kind] && !into.state[kind]) into.state[kind] = r.state[kind];
      }
      if (r.scripts.sequential && !into.scripts.sequential) into.scripts = r.scripts;
    }
    if (run.rateLimit.length && !merged.rateLimit.length) {
      merged.rateLimit = run.rateLimit;
      merged.rateLimitFloor = run.rateLimitFloor;
    }
  }
  merged.ns.sort((a, b) => a.n - b.n);
  for (const run of runs.slice(1)) if (run.account) mergeAccount((merged.account ??= { kinds: [], ns: [], cutoffs: [] }), run.account);
  merged.durationSeconds = runs.reduce((sum, run) => sum + run.durationSeconds, 0);
  merged.command = merged.parts.map((part) => part.command).join(" + ");
  merged.kinds = kinds.filter((k) => runs.some((run) => (run.kinds ?? ["callbell", "trivial"]).includes(k)));
  return merged;
}

/** Adds an account run's N and kinds to another's (e.g. `--kinds fast,floor-fast` and `--kinds callbell`): per N, each kind from the first run that has it. */
function mergeAccount(into: AccountResults, run: AccountResults): void {
  into.kinds = [...new Set([...into.kinds, ...run.kinds])];
  into.cutoffs.push(...run.cutoffs);
  into.seedLoader ??= run.seedLoader;
  for (const r of run.ns) {
    const same = into.ns.find((m) => m.n === r.n);
    if (!same) {
      into.ns.push(structuredClone(r));
      continue;
    }
    same.export ??= r.export;
    for (const kind of Object.keys(r.phases) as AccountKind[]) {
      if (!same.phases[kind]?.length) same.phases[kind] = r.phases[kind];
      if (!same.state[kind] && r.state[kind]) same.state[kind] = r.state[kind];
    }
  }
  into.ns.sort((a, b) => a.n - b.n);
}

// `ts-node scripts/bench/report.ts [DIR] [--merge RUN.json ...]`: re-render DIR's report from its
// results.json, or from the given runs merged into DIR/results.json.
if (require.main === module) {
  const args = process.argv.slice(2);
  const mergeAt = args.indexOf("--merge");
  const dir = path.resolve(args[0] && args[0] !== "--merge" ? args[0] : path.join(__dirname, "..", "..", ".pulumi-local", "bench"));
  const read = (file: string) => JSON.parse(fs.readFileSync(file, "utf8")) as BenchResults;
  let results: BenchResults;
  if (mergeAt >= 0) {
    results = mergeResults(args.slice(mergeAt + 1).map((f) => read(path.resolve(f))));
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, "results.json"), JSON.stringify(results, null, 2) + "\n");
  } else {
    results = read(path.join(dir, "results.json"));
  }
  writeReport(results, dir).then(
    (md) => process.stdout.write(md + "\n"),
    (error: Error) => {
      process.stderr.write(`${error.stack}\n`);
      process.exit(1);
    },
  );
}
