// Peak memory during an operation of the dynamic-provider host (node .../@pulumi/pulumi/cmd/dynamic-provider) or the
// provider plugin, of the engine (the `pulumi` CLI) and of a program the Node.js language host runs in a process of its
// own (node .../@pulumi/pulumi/cmd/run): /proc is scanned every ~100 ms for descendants of this process (so processes
// of other people's test runs on the same machine are never counted), and their VmRSS and VmHWM (the kernel's own
// high-water mark) are recorded. An inline program runs in this process, whose memory is not counted as the program's.
import * as fs from "fs";

/** CPU seconds used during the operation, by process (≈: a process's last 100 ms may be missed). */
export interface CpuSeconds {
  /** The dynamic-provider host. */
  host: number;
  /** The pulumi CLI (the engine). */
  engine: number;
  /** The program's own process when there is one; else this process (the inline program, the event reading, the sampler). */
  program: number;
}

/** Peak VmHWM by process, MB (0: no such process seen). */
export interface PeakMbByProcess {
  host: number;
  engine: number;
  /** A program run by the language host in its own process; 0 for an inline program. */
  program: number;
}

/** What a sampler saw. */
export interface RssPeak {
  /** Highest VmHWM of any provider host process, MB (the true peak, even between samples). */
  peakMb: number;
  /** Highest VmHWM of each kind of process; absent in results written before it was measured. */
  peakMbBy?: PeakMbByProcess;
  /** Highest VmRSS sampled, MB. */
  maxSampledRssMb: number;
  /** Distinct host processes seen. */
  hosts: number;
  samples: number;
  cpu: CpuSeconds;
}

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

/** Fields of /proc/<pid>/stat after the command name: [0] state, [1] ppid, ..., [11] utime, [12] stime. */
function statFields(pid: string | number): string[] | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name (field 2) may hold spaces and parentheses: fields start after the last ')'.
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  } catch {
    return undefined;
  }
}

function readParent(pid: string): number | undefined {
  const fields = statFields(pid);
  return fields ? Number(fields[1]) : undefined;
}

function cpuTicks(pid: number): number | undefined {
  const fields = statFields(pid);
  return fields ? Number(fields[11]) + Number(fields[12]) : undefined;
}

type ProcessClass = "host" | "engine" | "program" | "other";

function classify(pid: number): ProcessClass {
  try {
    const argv = fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").filter(Boolean);
    // `node <path>/cmd/dynamic-provider ...`; not the wrapper script's `node -e "require.resolve(...)"`.
    if (argv.length >= 2 && /(^|\/)node$/.test(argv[0]) && argv[1].includes("dynamic-provider") && !argv.includes("-e")) return "host";
    // The provider plugin's host: pulumi-resource-callbell execs `node <repo>/provider/dist/doors/plugin/main.js`.
    if (argv.length >= 2 && /(^|\/)node$/.test(argv[0]) && argv[1].endsWith("/dist/doors/plugin/main.js")) return "host";
    if (argv.length >= 1 && /(^|\/)pulumi$/.test(argv[0])) return "engine";
    // The language host's child: `node [flags] <...>/@pulumi/pulumi/cmd/run <args>`.
    if (argv.length >= 2 && /(^|\/)node$/.test(argv[0]) && argv.some((a) => /@pulumi\/pulumi\/cmd\/run(\/index\.js)?$/.test(a))) return "program";
    return "other";
  } catch {
    return "other";
  }
}

function memoryKb(pid: number): { rss: number; hwm: number } | undefined {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
    const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? 0);
    return { rss: kb("VmRSS"), hwm: kb("VmHWM") };
  } catch {
    return undefined;
  }
}

/** The pids of every descendant of `root`. */
function descendants(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const parent = readParent(entry);
    if (parent === undefined) continue;
    const list = children.get(parent) ?? [];
    list.push(Number(entry));
    children.set(parent, list);
  }
  const out: number[] = [];
  const queue = [root];
  while (queue.length) {
    for (const child of children.get(queue.shift()!) ?? []) {
      out.push(child);
      queue.push(child);
    }
  }
  return out;
}

/** Starts sampling; stop() returns the peaks (and the CPU time of the host, the engine and the program). */
export function sampleProviderHostRss(intervalMs = 100): { stop(): RssPeak } {
  let peakKb = 0;
  let maxRssKb = 0;
  const peakKbBy: PeakMbByProcess = { host: 0, engine: 0, program: 0 };
  let samples = 0;
  const hosts = new Set<number>();
  // Classified once per pid, from its first command line seen (a just-forked child still shows its parent's;
  // such a pid is looked at again until it is a host or the engine).
  const classes = new Map<number, ProcessClass>();
  const lastTicks = new Map<number, number>();
  const startTicks = new Map<number, number>(); // processes already running when sampling began
  const selfStart = process.cpuUsage();
  const sample = () => {
    samples++;
    for (const pid of descendants(process.pid)) {
      let kind = classes.get(pid);
      if (kind === undefined || kind === "other") {
        kind = classify(pid);
        classes.set(pid, kind);
      }
      if (kind === "other") continue;
      const ticks = cpuTicks(pid);
      if (ticks !== undefined) {
        if (!lastTicks.has(pid) && samples === 1) startTicks.set(pid, ticks);
        lastTicks.set(pid, ticks);
      }
      const mem = memoryKb(pid);
      if (!mem) continue;
      peakKbBy[kind] = Math.max(peakKbBy[kind], mem.hwm);
      if (kind !== "host") continue;
      hosts.add(pid);
      peakKb = Math.max(peakKb, mem.hwm);
      maxRssKb = Math.max(maxRssKb, mem.rss);
    }
  };
  sample(); // what runs already (pid and CPU baseline), before the operation starts anything
  const timer = setInterval(sample, intervalMs);
  return {
    stop() {
      clearInterval(timer);
      sample();
      const cpu: CpuSeconds = { host: 0, engine: 0, program: 0 };
      for (const [pid, ticks] of lastTicks) {
        const kind = classes.get(pid) as "host" | "engine" | "program";
        cpu[kind] += (ticks - (startTicks.get(pid) ?? 0)) / TICKS_PER_SECOND;
      }
      if (peakKbBy.program === 0) {
        const self = process.cpuUsage(selfStart);
        cpu.program = (self.user + self.system) / 1e6;
      }
      for (const key of Object.keys(cpu) as (keyof CpuSeconds)[]) cpu[key] = round1(cpu[key]);
      const peakMbBy: PeakMbByProcess = {
        host: round1(peakKbBy.host / 1024),
        engine: round1(peakKbBy.engine / 1024),
        program: round1(peakKbBy.program / 1024),
      };
      return { peakMb: round1(peakKb / 1024), peakMbBy, maxSampledRssMb: round1(maxRssKb / 1024), hosts: hosts.size, samples, cpu };
    },
  };
}

function round1(x: number): number {
  return Math.round(x * 10) / 10;
}
