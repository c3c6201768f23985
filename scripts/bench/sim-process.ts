// A Callbell simulator in its own process for the benchmark, so that serving the API does not
// share an event loop (or a core's time slice) with the Pulumi program and the measurements.
// Usage: node -r ts-node/register/transpile-only scripts/bench/sim-process.ts '<SimulatorOptions JSON>'
// Prints one JSON line {url, origin, token} once listening; stops on SIGTERM or when stdin closes.
import { ChildProcess, spawn } from "child_process";
import * as path from "path";
import * as readline from "readline";
// The only import of the simulator in the benchmark (with its types re-exported for run.ts).
import { AdminClient, startSimulator, type SimulatorOptions } from "callbell-simulator";
export type { RequestLogEntry, SimulatorOptions } from "callbell-simulator";

/** A simulator running in a child process. */
export interface SimulatorProcess {
  url: string;
  origin: string;
  token: string;
  admin: AdminClient;
  pid: number;
  close(): Promise<void>;
}

/** Starts scripts/bench/sim-process.ts with these options and resolves once it listens. */
export function spawnSimulator(options: SimulatorOptions): Promise<SimulatorProcess> {
  const child: ChildProcess = spawn(process.execPath, ["-r", "ts-node/register/transpile-only", __filename, JSON.stringify(options)], {
    cwd: path.resolve(__dirname, "..", ".."),
    stdio: ["pipe", "pipe", "inherit"],
  });
  return new Promise((resolve, reject) => {
    const lines = readline.createInterface({ input: child.stdout! });
    child.once("exit", (code) => reject(new Error(`simulator process exited early (code ${code})`)));
    lines.once("line", (line) => {
      const info = JSON.parse(line) as { url: string; origin: string; token: string };
      resolve({
        ...info,
        admin: new AdminClient(info.origin),
        pid: child.pid!,
        close: () =>
          new Promise<void>((done) => {
            if (child.exitCode !== null) return done();
            child.removeAllListeners("exit");
            child.once("exit", () => done());
            child.kill("SIGTERM");
          }),
      });
    });
  });
}

if (require.main === module) {
  (async () => {
    const options = JSON.parse(process.argv[2] ?? "{}") as SimulatorOptions;
    const sim = await startSimulator(options);
    process.stdout.write(JSON.stringify({ url: sim.url, origin: sim.origin, token: sim.token }) + "\n");
    const stop = () => {
      sim.close().finally(() => process.exit(0));
    };
    process.on("SIGTERM", stop);
    process.on("SIGINT", stop);
    process.stdin.on("end", stop); // the benchmark died: do not linger
    process.stdin.resume();
  })().catch((error: Error) => {
    process.stderr.write(`bench simulator failed: ${error.message}\n`);
    process.exit(1);
  });
}
