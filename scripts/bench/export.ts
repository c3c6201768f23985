// How long `pulumi-callbell export` takes on a large account, next to its floors: the simulator in
// its own process at the benchmark's latency (40 ± 10 ms) and 300 requests/s, N whatsapp contacts
// created through its admin API, then `runExport` timed in this process (median of --repeat runs).
// Usage: npx ts-node --transpile-only scripts/bench/export.ts [--n 10000] [--repeat 3]
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { runExport } from "../../provider/src/doors/cli/export";
import { pageLookAhead } from "../../provider/src/client/account";
import { LATENCY } from "./results";
import { SimulatorProcess, spawnSimulator } from "./sim-process";

const API_LIMIT_PER_SECOND = 300;
const SIMULATOR_PAGE_SIZE = 50;

interface Settings {
  n: number;
  repeat: number;
}

function parseSettings(args: string[]): Settings {
  const settings: Settings = { n: 10_000, repeat: 3 };
  for (let i = 0; i < args.length; i += 2) {
    const value = Number(args[i + 1]);
    if (!Number.isInteger(value) || value < 1) throw new Error(`${args[i]} needs a positive integer`);
    if (args[i] === "--n") settings.n = value;
    else if (args[i] === "--repeat") settings.repeat = value;
    else throw new Error(`unknown option ${args[i]}; use --n N --repeat R`);
  }
  return settings;
}

// Concurrent admin calls (the admin API has no latency, rate limit or log), 100 at a time.
async function createContacts(sim: SimulatorProcess, n: number): Promise<void> {
  for (let start = 0; start < n; start += 100) {
    const batch = Array.from({ length: Math.min(100, n - start) }, (_, k) => start + k);
    await Promise.all(
      batch.map((i) =>
        sim.admin.createContact({
          identifier: `39333${String(1_000_000 + i).padStart(7, "0")}`,
          source: "whatsapp",
          name: `Export Contact ${i}`,
          tags: i % 2 ? ["seed", "qa"] : [],
          custom_fields: i % 5 ? {} : { plan: "pro", company: `Acme ${i}` },
          note: i % 7 ? undefined : `note ${i}`,
        }),
      ),
    );
  }
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function main(): Promise<void> {
  const { n, repeat } = parseSettings(process.argv.slice(2));
  const sim = await spawnSimulator({ rateLimitPerSecond: API_LIMIT_PER_SECOND, faults: { ...LATENCY }, seed: 6, pageSize: SIMULATOR_PAGE_SIZE });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "callbell-export-bench-"));
  try {
    const created = Date.now();
    await createContacts(sim, n);
    console.log(`created ${n} contacts in ${((Date.now() - created) / 1000).toFixed(1)} s`);
    const seconds: number[] = [];
    const cpuSeconds: number[] = [];
    let requests = 0;
    let pageRequests = 0;
    for (let run = 0; run < repeat; run++) {
      await sim.admin.clearRequests();
      const file = path.join(dir, `export-${run}.yaml`);
      const errors: string[] = [];
      const started = process.hrtime.bigint();
      const cpu = process.cpuUsage();
      const code = await runExport(
        ["--out", file],
        { CALLBELL_API_URL: sim.url, CALLBELL_API_TOKEN: sim.token },
        { out: () => undefined, err: (l) => errors.push(l) },
      );
      seconds.push(Number(process.hrtime.bigint() - started) / 1e9);
      const used = process.cpuUsage(cpu);
      cpuSeconds.push((used.user + used.system) / 1e6);
      if (code !== 0) throw new Error(`export failed: ${errors.slice(-1)[0]}`);
      const log = await sim.admin.requests();
      requests = log.length;
      pageRequests = log.filter((e) => e.path.startsWith("/v1/contacts?")).length;
      console.log(
        `run ${run + 1}: ${seconds[run].toFixed(2)} s (${cpuSeconds[run].toFixed(2)} s of CPU), ${requests} requests ` +
          `(${pageRequests} GET /contacts pages), ${fs.statSync(file).size} bytes`,
      );
    }
    const floor = requests / API_LIMIT_PER_SECOND;
    const pages = Math.ceil(n / SIMULATOR_PAGE_SIZE);
    const roundTrips = Math.ceil(pages / pageLookAhead);
    const target = 2 * floor + (roundTrips * LATENCY.latencyMs) / 1000;
    const took = median(seconds);
    console.log(
      `export of ${n}: median ${took.toFixed(2)} s of ${repeat} (CPU ${median(cpuSeconds).toFixed(2)} s); ` +
        `physical floor ${floor.toFixed(2)} s (${requests} requests at ` +
        `${API_LIMIT_PER_SECOND}/s); target 2 × floor + ${roundTrips} round trips of ${LATENCY.latencyMs} ms = ${target.toFixed(2)} s: ` +
        `${took <= target ? "met" : "missed"} (${(took / target).toFixed(2)} × the target); load average ${os.loadavg()[0].toFixed(2)}`,
    );
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
    await sim.close();
  }
}

main().catch((error: Error) => {
  console.error(`export bench failed: ${error.message}`);
  process.exit(1);
});
