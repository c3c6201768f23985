// The account run's report (--account): RESULTS.md's tables and targets, and growth-vs-n.svg (vega-lite: time per phase
// and peak memory of program, provider host and engine against N).
import { ACCOUNT_DEFAULT_MODE_CUTOFF_SECONDS, ACCOUNT_PHASES, AccountKind, AccountNResult, BenchResults, ExportResult, PhaseResult } from "./results";
import { exportPhysicalFloor, exportTargetSeconds } from "./account";

/** Targets of issue 26 (reported, never asserted). */
export const ACCOUNT_TARGETS = {
  /** The N every target is held at. */
  n: 10000,
  /** Phases in fast mode ≤ this × the engine floor in fast mode. */
  vsFloor: { phases: ["up (adopt)", "up (no-op)", "preview (unchanged)", "refresh"], max: 1.0 },
  unchangedPreviewSeconds: 60,
  /** Peak RSS of the host and the program at `n` ≤ this × their peak at `rssBaseN`. */
  rssGrowth: { max: 10, baseN: 1000 },
  /** Bytes per contact in the state may differ from the smallest N's by this fraction ("unchanged"). */
  stateTolerance: 0.02,
  seedLoaderSeconds: 2,
};

/** How the kinds are named in tables and the chart. */
export const ACCOUNT_KIND_LABELS: Record<AccountKind, string> = {
  fast: "adopt, fast mode",
  "floor-fast": "engine floor, fast mode",
  callbell: "adopt, default mode",
};

const fmt = (x: number | undefined, digits = 2) => (x === undefined || !Number.isFinite(x) ? "—" : x.toFixed(digits));
const phaseOf = (r: AccountNResult, kind: AccountKind, phase: string): PhaseResult | undefined => r.phases[kind]?.find((p) => p.phase === phase);
const callText = (c: Record<string, number>) =>
  Object.entries(c)
    .sort()
    .map(([m, k]) => `${m} ${k}`)
    .join(", ") || "0";
/** The highest peak of one process kind over a kind's phases at one N, MB. */
const peakOf = (r: AccountNResult, kind: AccountKind, process: "host" | "engine" | "program") =>
  Math.max(0, ...(r.phases[kind] ?? []).map((p) => p.rss.peakMbBy?.[process] ?? 0)) || undefined;
const failedText = (p: PhaseResult | undefined) =>
  p && (p.failedResources || p.engineError) ? ` (${p.failedResources} failed${p.engineError ? ", engine error" : ""})` : "";

interface TargetLine {
  target: string;
  measured: string;
  met: boolean | undefined;
  detail: string;
}

function exportLine(e: ExportResult): string {
  return (
    `${fmt(e.seconds)} s for ${e.totalCalls} requests (${callText(e.calls)}), ${e.pages} pages with at most ${e.pagesInFlight} in flight, ` +
    `round trip ${fmt(e.roundTripMs, 0)} ms: physical floor ${fmt(exportPhysicalFloor(e))} s, target ${fmt(exportTargetSeconds(e))} s`
  );
}

function accountTargets(results: BenchResults): TargetLine[] {
  const account = results.account!;
  const t = ACCOUNT_TARGETS;
  const at = account.ns.find((r) => r.n === t.n);
  const largest = account.ns[account.ns.length - 1];
  const notRun = (target: string, show?: string): TargetLine => ({
    target,
    measured: `N=${t.n} not run${show ? `; at N=${largest.n}: ${show}` : ""}`,
    met: undefined,
    detail: "",
  });
  const lines: TargetLine[] = [];
  {
    const target = `export, N=${t.n} ≤ 2 × physical floor + one round trip per look-ahead window`;
    const e = at?.export;
    if (!e) lines.push(notRun(target, largest?.export ? exportLine(largest.export) : undefined));
    else {
      const max = exportTargetSeconds(e);
      lines.push({
        target,
        measured: exportLine(e),
        met: e.exitCode === 0 && e.seconds <= max,
        detail: e.seconds <= max ? `${fmt(max - e.seconds)} s under` : `missed by ${fmt(e.seconds - max)} s (${fmt((e.seconds / max - 1) * 100, 0)} % over)`,
      });
    }
  }
  for (const phase of t.vsFloor.phases) {
    const target = `${phase}, fast mode, N=${t.n} ≤ ${fmt(t.vsFloor.max, 1)} × engine floor in fast mode`;
    const show = (r: AccountNResult) => {
      const p = phaseOf(r, "fast", phase);
      const f = phaseOf(r, "floor-fast", phase);
      return p && f ? `${fmt(p.seconds)} s vs ${fmt(f.seconds)} s = ${fmt(p.seconds / f.seconds)} ×; load ${fmt(p.loadAverage)}` : undefined;
    };
    const p = at && phaseOf(at, "fast", phase);
    const f = at && phaseOf(at, "floor-fast", phase);
    if (!p || !f) {
      lines.push(notRun(target, largest ? show(largest) : undefined));
      continue;
    }
    const x = p.seconds / f.seconds;
    const ok = !p.failedResources && !p.engineError;
    lines.push({
      target,
      measured: show(at)!,
      met: ok && x <= t.vsFloor.max,
      detail: !ok
        ? `failed${failedText(p)}`
        : x <= t.vsFloor.max
          ? `${fmt((1 - x / t.vsFloor.max) * 100, 0)} % under`
          : `missed by ${fmt(p.seconds - f.seconds)} s`,
    });
  }
  {
    const target = `preview (unchanged), fast mode, N=${t.n} under ${t.unchangedPreviewSeconds} s`;
    const p = at && phaseOf(at, "fast", "preview (unchanged)");
    const largestP = largest && phaseOf(largest, "fast", "preview (unchanged)");
    lines.push(
      p
        ? {
            target,
            measured: `${fmt(p.seconds)} s; load ${fmt(p.loadAverage)}`,
            met: p.seconds < t.unchangedPreviewSeconds && !p.engineError,
            detail:
              p.seconds < t.unchangedPreviewSeconds
                ? `${fmt(t.unchangedPreviewSeconds - p.seconds)} s to spare`
                : `missed by ${fmt(p.seconds - t.unchangedPreviewSeconds)} s`,
          }
        : notRun(target, largestP ? `${fmt(largestP.seconds)} s` : undefined),
    );
  }
  const base = account.ns.find((r) => r.n === t.rssGrowth.baseN);
  for (const process of ["host", "program"] as const) {
    const name = process === "host" ? "provider host" : "program";
    const target = `peak RSS of the ${name}, fast mode, N=${t.n} ≤ ${t.rssGrowth.max} × its peak at N=${t.rssGrowth.baseN}`;
    const now = at && peakOf(at, "fast", process);
    const then = base && peakOf(base, "fast", process);
    if (!now || !then) {
      lines.push(
        notRun(target, then && largest ? `${fmt(peakOf(largest, "fast", process), 1)} MB vs ${fmt(then, 1)} MB at N=${t.rssGrowth.baseN}` : undefined),
      );
      continue;
    }
    lines.push({
      target,
      measured: `${fmt(now, 1)} MB vs ${fmt(then, 1)} MB = ${fmt(now / then)} ×`,
      met: now <= t.rssGrowth.max * then,
      detail: now <= t.rssGrowth.max * then ? `${fmt(t.rssGrowth.max * then - now, 1)} MB under` : `missed by ${fmt(now - t.rssGrowth.max * then, 1)} MB`,
    });
  }
  {
    const sizes = account.ns.filter((r) => r.state.fast).map((r) => ({ n: r.n, s: r.state.fast! }));
    if (sizes.length) {
      const first = sizes[0];
      const worst = sizes.reduce((a, b) =>
        Math.abs(b.s.perResourceBytes / first.s.perResourceBytes - 1) > Math.abs(a.s.perResourceBytes / first.s.perResourceBytes - 1) ? b : a,
      );
      const change = worst.s.perResourceBytes / first.s.perResourceBytes - 1;
      lines.push({
        target: `state bytes per contact unchanged with N (within ${fmt(t.stateTolerance * 100, 0)} % of N=${first.n}'s)`,
        measured: sizes.map((x) => `N=${x.n}: ${x.s.perResourceBytes} B (one Contact ${x.s.oneResourceBytes} B)`).join("; "),
        met: Math.abs(change) <= t.stateTolerance,
        detail: `largest change ${change >= 0 ? "+" : ""}${fmt(change * 100, 1)} % at N=${worst.n}`,
      });
    }
  }
  {
    const loader = account.seedLoader;
    lines.push(
      loader
        ? {
            target: `seed loader, ${t.n} entries with one overlay, under ${t.seedLoaderSeconds} s`,
            measured:
              `${fmt(loader.seconds)} s${loader.entries ? ` for ${loader.entries} entries` : ""}` +
              `${loader.overlays !== undefined ? `, ${loader.overlays} overlay(s)` : ""} (scripts/bench/seed-loader.ts)`,
            met: loader.seconds < t.seedLoaderSeconds,
            detail:
              loader.seconds < t.seedLoaderSeconds
                ? `${fmt(t.seedLoaderSeconds - loader.seconds)} s to spare`
                : `missed by ${fmt(loader.seconds - t.seedLoaderSeconds)} s`,
          }
        : {
            target: `seed loader, ${t.n} entries with one overlay, under ${t.seedLoaderSeconds} s`,
            measured: "no seed-loader.json in the output folder (scripts/bench/seed-loader.ts writes it)",
            met: undefined,
            detail: "",
          },
    );
  }
  return lines;
}

/** RESULTS.md of an account run. */
export function accountMarkdown(results: BenchResults): string {
  const account = results.account!;
  const L = results.simulator.limitPerSecond;
  const out: string[] = [];
  out.push("# pulumi-callbell benchmark: a whole account under code", "");
  out.push(
    `Generated by \`${results.command}\` on ${results.startedAt.slice(0, 16).replace("T", " ")} UTC; the whole run took ` +
      `**${fmt(results.durationSeconds / 60, 1)} min** (${fmt(results.durationSeconds, 0)} s).`,
    "",
  );
  for (const part of results.parts && results.parts.length > 1 ? results.parts : []) {
    out.push(
      `- Part: \`${part.command}\` on ${part.startedAt.slice(0, 16).replace("T", " ")} UTC, N = ${part.ns.join(", ")}, ` +
        `${fmt(part.durationSeconds / 60, 1)} min, commit ${part.source?.commit ?? "?"}, load average at start ${part.loadAverageAtStart.join(" / ")}.`,
    );
  }
  out.push(
    `- Code: commit ${results.source?.commit ?? "?"}${results.source?.providerDirty ? " with uncommitted changes in provider/" : ""}. Engine: ` +
      `pulumi v${results.pulumiVersion}, file:// backend, parallelism ${results.parallel.effective} (${results.parallel.note}).`,
  );
  out.push(
    `- Machine: ${results.machine.cpus} CPUs (${results.machine.cpuModel}), ${results.machine.memoryGb} GB, Node ${results.machine.node}; load average ` +
      `at start ${results.machine.loadAverageAtStart.join(" / ")}` +
      (results.machine.loadAverageAtEnd ? `, at the end ${results.machine.loadAverageAtEnd.join(" / ")}` : "") +
      (results.load
        ? `; the 1-minute load average, sampled every 20 s (${results.load.samples} samples), ran from ${fmt(results.load.min)} to ` +
          `${fmt(results.load.max)}, mean **${fmt(results.load.mean)}**${results.parts && results.parts.length > 1 ? " (the first part's)" : ""}.`
        : "."),
  );
  out.push(
    `- Simulator: its own process per stack, ${results.simulator.latencyMs} ± ${results.simulator.jitterMs} ms per request, ${L} requests/s, ` +
      "seeded through its admin API with N contacts no stack manages (WhatsApp, 1 in 10 on a second line, 1 in 10 Telegram; teams, assignees, " +
      "tags, notes, custom fields), all exportable.",
  );
  out.push(
    "- Export: `pulumi-callbell export --out FILE` in its own node process, timed from start to exit; requests from the simulator's log. " +
      `Physical floor: its requests / ${L} per s. Look-ahead window: the most page reads in flight at once, from the log; round trip: the ` +
      "median page read.",
  );
  out.push(
    "- Then the exported file as one `ContactSet` (every entry `adopt: true`), a JavaScript program the Node.js language host runs in a " +
      "process of its own. Stacks: " +
      account.kinds.map((k) => `**${ACCOUNT_KIND_LABELS[k]}**`).join(", ") +
      ". Fast mode is PULUMI_SKIP_CHECKPOINTS=true; the engine floor is N trivial dynamic resources that make no call. Each phase runs on " +
      "every stack back to back (order rotating). The default mode leaves the larger N once one of its phases took over " +
      `${ACCOUNT_DEFAULT_MODE_CUTOFF_SECONDS} s.` +
      (results.repeat > 1 ? ` The phases that change nothing ran ${results.repeat} times: median shown.` : ""),
  );
  out.push(
    "- Peak memory: VmHWM of the program's process, of the provider host (node …/cmd/dynamic-provider) and of the engine (the `pulumi` CLI), " +
      "sampled from /proc every 100 ms; per N, the highest over the phases.",
    "",
  );
  if (account.cutoffs.length) {
    for (const c of account.cutoffs) out.push(`- ${ACCOUNT_KIND_LABELS[c.kind]}: not run above N = ${c.n}, where ${c.phase} took ${fmt(c.seconds)} s.`);
    out.push("");
  }

  out.push("## Export", "");
  out.push(
    "| N | seconds | entries written | file (bytes) | requests | pages | most in flight | round trip (ms) | physical floor (s) | target (s) | " +
      "÷ target | seeding (s) |",
  );
  out.push("|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|");
  for (const r of account.ns) {
    const e = r.export;
    if (!e) continue;
    out.push(
      `| ${r.n} | ${fmt(e.seconds)} | ${e.written} | ${e.fileBytes} | ${callText(e.calls)} | ${e.pages} | ${e.pagesInFlight} | ${fmt(e.roundTripMs, 0)} | ` +
        `${fmt(exportPhysicalFloor(e))} | ${fmt(exportTargetSeconds(e))} | ${fmt(e.seconds / exportTargetSeconds(e))} | ${fmt(r.seedSeconds)} |`,
    );
  }
  out.push("");

  const has = (k: AccountKind) => account.ns.some((r) => r.phases[k]?.length);
  out.push("## Adopting the exported file: time per phase", "");
  out.push(
    `| N | phase | ${ACCOUNT_KIND_LABELS.fast} (s) | ${ACCOUNT_KIND_LABELS["floor-fast"]} (s) | × floor |` +
      `${has("callbell") ? ` ${ACCOUNT_KIND_LABELS.callbell} (s) |` : ""} ` +
      "API calls (fast mode) | physical floor (s) | load |",
  );
  out.push(`|---:|---|---:|---:|---:|${has("callbell") ? "---:|" : ""}---|---:|---:|`);
  for (const r of account.ns) {
    for (const phase of ACCOUNT_PHASES) {
      const p = phaseOf(r, "fast", phase);
      const f = phaseOf(r, "floor-fast", phase);
      const c = phaseOf(r, "callbell", phase);
      const fmtP = (x: PhaseResult | undefined) => (x ? `${fmt(x.seconds)}${failedText(x)}` : "—");
      out.push(
        `| ${r.n} | ${phase} | ${fmtP(p)} | ${fmtP(f)} | ${p && f ? fmt(p.seconds / f.seconds) : "—"} |${has("callbell") ? ` ${fmtP(c)} |` : ""} ` +
          `${p ? callText(p.calls) : "—"} | ${p && p.totalCalls ? fmt(p.totalCalls / L) : "—"} | ${fmt(p?.loadAverage ?? f?.loadAverage)} |`,
      );
    }
  }
  out.push("");
  const deletes = account.ns.map((r) => ({ n: r.n, p: phaseOf(r, "fast", "destroy") })).filter((x) => x.p);
  if (deletes.length) {
    out.push(
      "Destroy of adopted contacts leaves Callbell alone (the contacts leave the state only): DELETE requests in the fast-mode destroy, " +
        deletes.map((x) => `N=${x.n}: ${x.p!.calls.DELETE ?? 0}`).join(", ") +
        ".",
      "",
    );
  }

  out.push("## Growth: time and peak memory against N", "");
  out.push("Fast mode, and the engine floor in fast mode. Peak RSS in MB: the highest over the phases of that N. See [growth-vs-n.svg](growth-vs-n.svg).", "");
  out.push(
    "| N | export (s) | up (adopt) (s) | up (no-op) (s) | preview (unchanged) (s) | refresh (s) | destroy (s) | program MB | provider host MB | engine MB | " +
      "floor: program MB | floor: host MB | floor: engine MB | state bytes per contact |",
  );
  out.push("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
  for (const r of account.ns) {
    const s = (phase: string) => fmt(phaseOf(r, "fast", phase)?.seconds);
    out.push(
      `| ${r.n} | ${fmt(r.export?.seconds)} | ${s("up (adopt)")} | ${s("up (no-op)")} | ${s("preview (unchanged)")} | ${s("refresh")} | ${s("destroy")} | ` +
        `${fmt(peakOf(r, "fast", "program"), 1)} | ${fmt(peakOf(r, "fast", "host"), 1)} | ${fmt(peakOf(r, "fast", "engine"), 1)} | ` +
        `${fmt(peakOf(r, "floor-fast", "program"), 1)} | ${fmt(peakOf(r, "floor-fast", "host"), 1)} | ${fmt(peakOf(r, "floor-fast", "engine"), 1)} | ` +
        `${r.state.fast?.perResourceBytes ?? "—"} |`,
    );
  }
  out.push("");

  out.push("## Targets (issue 26)", "");
  out.push("| target | measured | result |");
  out.push("|---|---|---|");
  for (const t of accountTargets(results)) {
    out.push(`| ${t.target} | ${t.measured} | ${t.met === undefined ? "not measured" : t.met ? "**met**" : "**missed**"}${t.detail ? `: ${t.detail}` : ""} |`);
  }
  out.push("");
  const errors = account.ns.flatMap((r) => Object.values(r.phases).flatMap((ps) => ps ?? [])).filter((p) => p.engineError);
  if (errors.length) {
    out.push("## Engine errors", "");
    for (const p of errors) out.push(`- ${p.kind} N=${p.n} ${p.phase}: ${p.engineError}`);
    out.push("");
  }
  out.push("Raw numbers: [results.json](results.json).", "");
  return out.join("\n");
}

/** The vega-lite spec of growth-vs-n.svg: one panel per phase (time) and per process (peak RSS), against N. */
export function growthChartSpec(results: BenchResults): Record<string, unknown> {
  const account = results.account!;
  const L = results.simulator.limitPerSecond;
  const rows: Array<{ panel: string; N: number; series: string; value: number; style: "measured" | "floor" }> = [];
  const physical = `physical floor (requests / ${L} per s)`;
  const exported = "pulumi-callbell export";
  const panels: string[] = [
    "time: export (s)",
    ...ACCOUNT_PHASES.map((p) => `time: ${p} (s)`),
    "peak RSS: program (MB)",
    "peak RSS: provider host (MB)",
    "peak RSS: engine (MB)",
  ];
  for (const r of account.ns) {
    if (r.export) {
      rows.push({ panel: panels[0], N: r.n, series: exported, value: r.export.seconds, style: "measured" });
      rows.push({ panel: panels[0], N: r.n, series: physical, value: exportPhysicalFloor(r.export), style: "floor" });
    }
    for (const kind of account.kinds) {
      for (const phase of ACCOUNT_PHASES) {
        const p = phaseOf(r, kind, phase);
        if (p)
          rows.push({
            panel: `time: ${phase} (s)`,
            N: r.n,
            series: ACCOUNT_KIND_LABELS[kind],
            value: p.seconds,
            style: kind === "floor-fast" ? "floor" : "measured",
          });
      }
      for (const [process, panel] of [
        ["program", panels[7]],
        ["host", panels[8]],
        ["engine", panels[9]],
      ] as const) {
        const mb = peakOf(r, kind, process);
        if (mb) rows.push({ panel, N: r.n, series: ACCOUNT_KIND_LABELS[kind], value: mb, style: kind === "floor-fast" ? "floor" : "measured" });
      }
    }
    for (const phase of ACCOUNT_PHASES) {
      const p = phaseOf(r, "fast", phase);
      if (p?.totalCalls) rows.push({ panel: `time: ${phase} (s)`, N: r.n, series: physical, value: p.totalCalls / L, style: "floor" });
    }
  }
  const x = { field: "N", type: "quantitative", scale: { type: "log" }, axis: { values: account.ns.map((r) => r.n), format: "d" }, title: "N (contacts)" };
  const y = { field: "value", type: "quantitative", title: null };
  const series = [exported, ACCOUNT_KIND_LABELS.fast, ACCOUNT_KIND_LABELS.callbell, ACCOUNT_KIND_LABELS["floor-fast"], physical];
  const color = {
    field: "series",
    type: "nominal",
    title: null,
    scale: { domain: series, range: ["#2ca02c", "#ff7f0e", "#1f77b4", "#7f7f7f", "#d62728"] },
    legend: { orient: "bottom", columns: 3, labelLimit: 400, symbolStrokeWidth: 2 },
  };
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: {
      text:
        `pulumi-callbell, a whole account: time and peak memory against N (pulumi v${results.pulumiVersion}, simulator ` +
        `${results.simulator.latencyMs}±${results.simulator.jitterMs} ms, ${L} req/s)`,
      anchor: "start",
    },
    background: "white",
    data: { values: rows },
    facet: { field: "panel", type: "nominal", sort: panels, title: null },
    columns: 4,
    spec: {
      width: 210,
      height: 150,
      layer: [
        {
          transform: [{ filter: "datum.style === 'measured'" }],
          mark: { type: "line", point: true, strokeWidth: 2 },
          encoding: { x, y, color, tooltip: [{ field: "series" }, { field: "N" }, { field: "value" }] },
        },
        ...(
          [
            [ACCOUNT_KIND_LABELS["floor-fast"], [6, 4]],
            [physical, [2, 3]],
          ] as const
        ).map(([name, dash]) => ({
          transform: [{ filter: { field: "series", equal: name } }],
          mark: { type: "line", point: true, strokeWidth: 1.5, strokeDash: dash },
          encoding: { x, y, color },
        })),
      ],
    },
    resolve: { scale: { y: "independent" } },
  };
}
