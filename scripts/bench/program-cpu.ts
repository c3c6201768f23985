// Where a Pulumi program's CPU goes when it declares many contacts: a ContactSet of N seed entries (one file), run
// inline in this process by the Automation API against the simulator in fast mode (PULUMI_SKIP_CHECKPOINTS=true).
// Creates the contacts, then runs an `up` that changes nothing with this process's CPU profiled (node:inspector) and
// prints the CPU time of that up and the functions with the most self time, ours (provider/src) marked.
// Usage: npx ts-node --transpile-only scripts/bench/program-cpu.ts [--n 2000] [--profile FILE.cpuprofile]
import * as fs from "fs";
import * as inspector from "inspector";
import * as os from "os";
import * as path from "path";
import * as callbell from "pulumi-callbell";
import { openStack } from "../lib/engine";
import { spawnSimulator } from "./sim-process";

interface Settings {
  n: number;
  profile?: string;
}

function parseSettings(args: string[]): Settings {
  const settings: Settings = { n: 2_000 };
  for (let i = 0; i < args.length; i += 2) {
    if (args[i] === "--n" && Number.isInteger(Number(args[i + 1])) && Number(args[i + 1]) > 0) settings.n = Number(args[i + 1]);
    else if (args[i] === "--profile" && args[i + 1]) settings.profile = path.resolve(args[i + 1]);
    else throw new Error(`unknown option ${args[i]}; use --n N --profile FILE`);
  }
  return settings;
}

function writeSeedFile(file: string, n: number): void {
  const lines = ["defaults:", "  source: whatsapp", "  tags: [seed]", "contacts:"];
  for (let i = 0; i < n; i++) lines.push(`  - identifier: "39333${String(1_000_000 + i)}"`, `    name: "Program Contact ${i}"`);
  fs.writeFileSync(file, lines.join("\n") + "\n");
}

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

function post<T>(session: inspector.Session, method: string): Promise<T> {
  return new Promise((resolve, reject) => session.post(method, (error, result) => (error ? reject(error) : resolve(result as T))));
}

// Self time by function and by where the code lives: ours (provider/src), @pulumi/pulumi, other packages, node.
function summarize(profile: Profile): void {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const self = new Map<string, number>();
  const byOwner = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const frame = byId.get(id)!.callFrame;
    const micros = profile.timeDeltas[i] ?? 0;
    const where = frame.url.replace(/^.*node_modules\//, "").replace(/^.*?provider\/(src|dist)\//, "provider/$1/");
    const owner = /^provider\/(src|dist)\//.test(where)
      ? "ours (provider/)"
      : where.startsWith("@pulumi/pulumi")
        ? "@pulumi/pulumi"
        : frame.url.includes("node_modules")
          ? where
              .split("/")
              .slice(0, where.startsWith("@") ? 2 : 1)
              .join("/")
          : frame.url
            ? "node"
            : `(${frame.functionName})`;
    const key = `${frame.functionName || "(anonymous)"}  ${where}:${frame.lineNumber + 1}`;
    self.set(key, (self.get(key) ?? 0) + micros);
    byOwner.set(owner, (byOwner.get(owner) ?? 0) + micros);
    total += micros;
  });
  const line = (ms: number, label: string) => `${ms.toFixed(0).padStart(7)} ms ${((100 * ms) / (total / 1000)).toFixed(1).padStart(5)} %  ${label}`;
  console.log(`profiled ${(total / 1e6).toFixed(1)} s; top self time:`);
  for (const [key, micros] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 25)) console.log(line(micros / 1000, key));
  console.log("by owner:");
  for (const [owner, micros] of [...byOwner].sort((a, b) => b[1] - a[1]).slice(0, 12)) console.log(line(micros / 1000, owner));
}

async function main(): Promise<void> {
  const { n, profile } = parseSettings(process.argv.slice(2));
  const sim = await spawnSimulator({ rateLimitPerSecond: 0, seed: 6 });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "callbell-program-cpu-"));
  const seedFile = path.join(dir, "contacts.yaml");
  writeSeedFile(seedFile, n);
  const program = async () => {
    new callbell.ContactSet("seed", { files: [seedFile] });
    return {};
  };
  try {
    const stack = await openStack({
      projectName: "callbell-program-cpu",
      stackName: `cpu-${Date.now().toString(36)}`,
      program,
      config: { "callbell:apiUrl": { value: sim.url }, "callbell:apiToken": { value: sim.token, secret: true } },
      env: { PULUMI_SKIP_CHECKPOINTS: "true" },
    });
    try {
      let started = Date.now();
      await stack.up();
      console.log(`up (create ${n}) took ${((Date.now() - started) / 1000).toFixed(1)} s`);
      const session = new inspector.Session();
      session.connect();
      await post(session, "Profiler.enable");
      await post(session, "Profiler.start");
      const cpu = process.cpuUsage();
      started = Date.now();
      const result = await stack.up();
      const used = process.cpuUsage(cpu);
      const { profile: taken } = await post<{ profile: Profile }>(session, "Profiler.stop");
      session.disconnect();
      console.log(
        `up (no change) took ${((Date.now() - started) / 1000).toFixed(1)} s, this process ${((used.user + used.system) / 1e6).toFixed(1)} s of CPU ` +
          `(profiler on); changes ${JSON.stringify(result.summary.resourceChanges)}; load average ${os.loadavg()[0].toFixed(2)}`,
      );
      if (profile) fs.writeFileSync(profile, JSON.stringify(taken));
      summarize(taken);
    } finally {
      await stack.destroy().catch(() => undefined);
      await stack.workspace.removeStack(stack.name, { force: true }).catch(() => undefined);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
    await sim.close();
  }
}

main().catch((error: Error) => {
  console.error(`program-cpu failed: ${error.message}`);
  process.exit(1);
});
