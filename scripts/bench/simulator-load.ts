// Load benchmark of the Callbell simulator: `npm run bench:simulator [-- --duration 10 --connections 20]`.
// The simulator runs in a child process (as the demo and other benches run it); autocannon drives it from this one.
// Fails (exit 1) below 3,000 req/s or at a p99 of 20 ms or more.
import autocannon from "autocannon";
import { spawn, type ChildProcess } from "node:child_process";
import * as path from "node:path";

const MIN_REQUESTS_PER_SECOND = 3000;
const MAX_P99_MS = 20;
const PRECREATED_CONTACTS = 1000;

/** Benchmark settings from the command line. */
interface BenchSettings {
  durationSeconds: number;
  connections: number;
}

function parseSettings(args: string[]): BenchSettings {
  const settings: BenchSettings = { durationSeconds: 10, connections: 20 };
  for (let i = 0; i < args.length; i += 2) {
    const value = Number(args[i + 1]);
    if (!Number.isInteger(value) || value < 1) throw new Error(`${args[i]} needs a positive integer`);
    if (args[i] === "--duration") settings.durationSeconds = value;
    else if (args[i] === "--connections") settings.connections = value;
    else throw new Error(`unknown option ${args[i]}; use --duration N --connections N`);
  }
  return settings;
}

/** Starts the simulator CLI in a child process and resolves with its base URL and token once it prints them. */
function startSimulatorProcess(): Promise<{ child: ChildProcess; url: string; token: string }> {
  const repositoryRoot = path.resolve(__dirname, "..", "..");
  const cli = require.resolve("callbell-simulator/src/cli.ts");
  const child = spawn(process.execPath, ["-r", "ts-node/register/transpile-only", cli, "--port", "0", "--rate", "0"], {
    cwd: repositoryRoot,
    stdio: ["ignore", "pipe", "inherit"],
  });
  return new Promise((resolve, reject) => {
    let output = "";
    child.stdout!.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      const url = /^export CALLBELL_API_URL=(\S+)$/m.exec(output)?.[1];
      const token = /^export CALLBELL_API_TOKEN=(\S+)$/m.exec(output)?.[1];
      if (url && token) resolve({ child, url, token });
    });
    child.on("exit", (code) => reject(new Error(`simulator exited early with code ${code}: ${output}`)));
  });
}

/** A valid Italian mobile number, unique per n (n < 10,000,000). */
function phoneNumber(n: number): string {
  return `39333${String(n).padStart(7, "0")}`;
}

async function precreateContacts(url: string, headers: Record<string, string>): Promise<string[]> {
  const uuids: string[] = [];
  const batchSize = 50;
  for (let start = 0; start < PRECREATED_CONTACTS; start += batchSize) {
    const batch = Array.from({ length: batchSize }, async (_, offset) => {
      const response = await fetch(`${url}/contacts`, {
        method: "POST",
        headers,
        body: JSON.stringify({ identifier: phoneNumber(start + offset), source: "whatsapp", name: `Seed ${start + offset}`, tags: ["seed"] }),
      });
      if (response.status !== 200) throw new Error(`pre-creating contacts failed: ${response.status} ${await response.text()}`);
      return ((await response.json()) as { contact: Array<{ uuid: string }> }).contact[0].uuid;
    });
    uuids.push(...(await Promise.all(batch)));
  }
  return uuids;
}

async function main(): Promise<void> {
  const settings = parseSettings(process.argv.slice(2));
  const { child, url, token } = await startSimulatorProcess();
  try {
    const headers = { authorization: `Bearer ${token}`, "content-type": "application/json", accept: "application/json" };
    const uuids = await precreateContacts(url, headers);
    const basePath = new URL(url).pathname;
    const randomUuid = (): string => uuids[Math.floor(Math.random() * uuids.length)];
    let nextPhone = PRECREATED_CONTACTS;
    let patches = 0;

    // Each connection cycles GET, GET, POST, PATCH: 50% reads by uuid, 25% creates with unique numbers, 25% updates.
    const requests: autocannon.Request[] = [
      { method: "GET", setupRequest: (request) => ({ ...request, path: `${basePath}/contacts/${randomUuid()}` }) },
      { method: "GET", setupRequest: (request) => ({ ...request, path: `${basePath}/contacts/${randomUuid()}?include_field_types=true` }) },
      {
        method: "POST",
        path: `${basePath}/contacts`,
        setupRequest: (request) => ({
          ...request,
          body: JSON.stringify({
            identifier: phoneNumber(nextPhone++),
            source: "whatsapp",
            name: "Bench Contact",
            tags: ["qa", "demo"],
            custom_fields: { plan: "pro", seats: "5", interests: ["api"] },
          }),
        }),
      },
      {
        method: "PATCH",
        setupRequest: (request) => ({
          ...request,
          path: `${basePath}/contacts/${randomUuid()}`,
          body: JSON.stringify({ name: `Bench ${patches++}`, tags: patches % 2 ? ["vip"] : ["qa", "beta"], custom_fields: { company: "Acme" } }),
        }),
      },
    ];

    console.log(`simulator at ${url}: ${uuids.length} contacts pre-created; ${settings.connections} connections for ${settings.durationSeconds} s`);
    const result = await autocannon({
      url: new URL(url).origin,
      connections: settings.connections,
      duration: settings.durationSeconds,
      headers,
      requests,
    });

    const requestsPerSecond = result.requests.total / (result.duration || settings.durationSeconds);
    const failures = result.non2xx + result.errors + result.timeouts;
    console.log(
      [
        `requests:     ${result.requests.total} in ${result.duration.toFixed(1)} s = ${requestsPerSecond.toFixed(0)} req/s ` +
          `(mean of per-second samples ${result.requests.average.toFixed(0)})`,
        `latency (ms): p50 ${result.latency.p50}  p90 ${result.latency.p90}  p99 ${result.latency.p99}  max ${result.latency.max}`,
        `non-2xx:      ${result.non2xx}   socket errors: ${result.errors}   timeouts: ${result.timeouts}`,
      ].join("\n"),
    );
    const problems: string[] = [];
    if (requestsPerSecond < MIN_REQUESTS_PER_SECOND) problems.push(`throughput ${requestsPerSecond.toFixed(0)} req/s < ${MIN_REQUESTS_PER_SECOND}`);
    if (result.latency.p99 >= MAX_P99_MS) problems.push(`p99 ${result.latency.p99} ms >= ${MAX_P99_MS} ms`);
    if (failures > 0) problems.push(`${failures} failed requests`);
    if (problems.length > 0) {
      console.error(`FAIL: ${problems.join("; ")}`);
      process.exitCode = 1;
    } else {
      console.log(`PASS: >= ${MIN_REQUESTS_PER_SECOND} req/s with p99 < ${MAX_P99_MS} ms and no failures`);
    }
  } finally {
    child.kill("SIGTERM");
  }
}

main().catch((error: Error) => {
  console.error(error.message);
  process.exit(1);
});
