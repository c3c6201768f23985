// Which `pulumi` run a provider process serves, told the same way on every OS and for every door. The engine starts
// each provider process (the dynamic-provider host and each plugin process, default or explicit) with the address of
// its own gRPC endpoint as the first argument: within one run every process gets the same address, and it stops
// answering when the engine ends. So the address names the run, and a connection to it says whether the run is alive.
// No /proc, no process names, no parent chains: those work on Linux only, and only for a binary called `pulumi`.
//
// The run's shared files (its record of kept and declared contacts, its create claims) live in a folder per run under a
// folder of this user's own (0700, checked), never in a shared, predictable place that another local user could
// prepare. They hold hashes, never a phone number or a name.
import * as fs from "fs";
import * as net from "net";
import * as os from "os";
import * as path from "path";
import { ownerFingerprint } from "./owner";
import { CallbellProblem } from "../problem";

/** A refusal of the run's coordination: the folder is unsafe, or the run's engine is gone. */
export class RunCoordinationError extends CallbellProblem {}

/** The engine address among a provider process's arguments: the first one of the form host:port. */
export function engineAddressFrom(argv: readonly string[]): string | undefined {
  return argv.find((arg) => /^(\[[0-9a-fA-F:]+\]|[\w.-]+):\d{1,5}$/.test(arg));
}

/** The folder of this user's run files: <temp>/pulumi-callbell-<user>, made 0700 and refused when anyone else could write it. */
export function userRunFolder(base = os.tmpdir()): string {
  const user = typeof process.getuid === "function" ? String(process.getuid()) : os.userInfo().username.replace(/[^\w.-]/g, "_");
  const folder = path.join(base, `pulumi-callbell-${user}`);
  try {
    fs.mkdirSync(folder, { mode: 0o700 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
  }
  const stat = fs.lstatSync(folder);
  const unsafe = !stat.isDirectory()
    ? "it is not a folder (a link?)"
    : typeof process.getuid === "function" && stat.uid !== process.getuid()
      ? `it belongs to user ${stat.uid}, not to you`
      : process.platform !== "win32" && (stat.mode & 0o077) !== 0
        ? `others can open it (mode ${(stat.mode & 0o777).toString(8)})`
        : undefined;
  if (unsafe) {
    throw new RunCoordinationError(
      `Refusing to write: the provider keeps its run files in ${folder}, and ${unsafe}, so another user could change them. ` +
        `Remove it (rm -rf ${folder}) and run again; the provider makes it anew, readable by you only. Nothing was written.`,
    );
  }
  return folder;
}

/** A short, one-way name for a text: the run files name contacts and resources by this, never in clear. */
export const fingerprint = ownerFingerprint;

/** What a stack lock held by the run at `address` says (write-lock.ts); the run's last process removes its locks. */
export const runLockText = (address: string): string => `run ${address}`;

/** How an engine answered a knock: it is there, it refused (the run has ended), or no answer came in time. */
export type EngineAnswer = "alive" | "gone" | "silent";

/** Knocks at an engine address: a TCP connection, closed at once. */
export function knock(address: string, timeoutMs = 2_000): Promise<EngineAnswer> {
  const colon = address.lastIndexOf(":");
  const host = address.slice(0, colon).replace(/^\[|\]$/g, "");
  const port = Number(address.slice(colon + 1));
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (answer: EngineAnswer) => {
      socket.destroy();
      resolve(answer);
    };
    socket.setTimeout(timeoutMs, () => done("silent"));
    socket.once("connect", () => done("alive"));
    socket.once("error", (error: NodeJS.ErrnoException) => done(error.code === "ECONNREFUSED" ? "gone" : "silent"));
  });
}

/** One engine run, as its provider processes see it: its name, its folder of shared files, and whether it is alive. */
export class EngineRun {
  /** The run's short name, the same in every provider process of the run. */
  readonly id: string;
  /** The folder of the run's shared files. */
  readonly folder: string;
  private lastAlive = Date.now();
  private watching?: NodeJS.Timeout;

  /**
   * The run of the engine at `address`, with its files under `base` (this user's run folder). With `register`, this
   * process registers in the run first; a folder of the same address in which no registered process is alive is an
   * earlier run's (the port was used again) and is set aside, so its records never pass for this run's.
   */
  constructor(
    readonly address: string,
    base = userRunFolder(),
    register = false,
  ) {
    this.id = fingerprint(address);
    this.folder = path.join(base, `run-${this.id}`);
    fs.mkdirSync(this.folder, { recursive: true, mode: 0o700 });
    if (register) {
      const entries = fs.readdirSync(this.folder);
      if (entries.length > 0 && !(registeredProcesses(this.folder) ?? []).some(pidAlive)) {
        const aside = path.join(base, `stale-${this.id}-${process.pid}-${Date.now()}`);
        fs.renameSync(this.folder, aside);
        fs.rmSync(aside, { recursive: true, force: true });
        fs.mkdirSync(this.folder, { recursive: true, mode: 0o700 });
      }
      fs.writeFileSync(path.join(this.folder, `process-${process.pid}`), "", { mode: 0o600 });
    }
    fs.writeFileSync(path.join(this.folder, "engine"), address, { mode: 0o600 });
  }

  /**
   * Throws when the run's shared files were removed while this process ran (another run's sweep, or two machines that
   * share a temp folder): without them a delete could not know what the run's other processes keep, so it refuses.
   */
  assertIntact(): void {
    if (!fs.existsSync(path.join(this.folder, "engine"))) {
      throw new RunCoordinationError(
        `Refusing to write: the files this pulumi run shares between its provider processes (${this.folder}) were removed while it ran, ` +
          "so the provider cannot tell what the run's other processes keep. Nothing more was written; run up again.",
      );
    }
  }

  /** The run this process serves, from its arguments; undefined outside a pulumi run (a test in one process). */
  static ofThisProcess(): EngineRun | undefined {
    if (thisProcessRun === undefined) {
      const address = engineAddressFrom(process.argv.slice(2));
      thisProcessRun = address ? new EngineRun(address, userRunFolder(), true) : null;
      if (thisProcessRun) {
        sweepEndedRuns(path.dirname(thisProcessRun.folder), thisProcessRun.folder);
        thisProcessRun.stopWhenGone();
        thisProcessRun.endWithEngine();
      }
    }
    return thisProcessRun ?? undefined;
  }

  /** Throws unless the engine still answers: a process whose run has ended must not write. */
  async assertAlive(): Promise<void> {
    this.assertIntact();
    if (Date.now() - this.lastAlive < 500) return;
    const answer = await knock(this.address, 4_000);
    if (answer === "gone") {
      throw new RunCoordinationError(
        "Refusing to write: the pulumi run this provider served has ended (its engine no longer answers), so nothing more is written. Run up again.",
      );
    }
    this.lastAlive = Date.now();
  }

  /**
   * Ends this process once its engine is gone (a killed `pulumi`): an orphaned provider would otherwise go on sending
   * the writes queued for a run that no longer exists. Only a refused connection counts (Windows takes about 2 s to
   * refuse one), twice in a row; the run's files are left to the next run's sweep, since another process of the run
   * may still be finishing. Checks every half second; the timer keeps nothing alive.
   */
  stopWhenGone(onGone: () => void = () => process.exit(1)): void {
    if (this.watching) return;
    let misses = 0;
    let knocking = false;
    this.watching = setInterval(() => {
      if (knocking) return;
      knocking = true;
      void knock(this.address, 4_000).then((answer) => {
        knocking = false;
        if (answer === "alive") {
          misses = 0;
          this.lastAlive = Date.now();
        } else if (answer === "gone" && ++misses >= 2) {
          clearInterval(this.watching);
          onGone();
        }
      });
    }, 500);
    this.watching.unref();
  }

  /**
   * When the engine closes this process (SIGINT to the plugin's process group, at the end of the run or when its
   * provider is no longer needed), the run's files go with the last of its processes: each process registers itself,
   * and the one that finds no other registered process alive removes the folder.
   */
  endWithEngine(): void {
    const me = path.join(this.folder, `process-${process.pid}`);
    process.once("SIGINT", () => {
      fs.rmSync(me, { force: true });
      // An empty answer when another process of the run already removed the folder.
      if (!(registeredProcesses(this.folder) ?? []).some(pidAlive)) {
        this.releaseLocks();
        this.end();
      }
      process.exit(130);
    });
  }

  /** Removes the stack locks this run holds: it has ended, and a later run must not wait for it. */
  releaseLocks(): void {
    const base = path.dirname(this.folder);
    for (const name of fs.readdirSync(base).filter((n) => n.startsWith("stack-") && n.endsWith(".lock"))) {
      const file = path.join(base, name);
      try {
        if (fs.readFileSync(file, "utf8").trim() === runLockText(this.address)) fs.rmSync(file, { force: true });
      } catch {
        // taken or removed meanwhile
      }
    }
  }

  /** Removes the run's files (the engine is gone, so no process of the run needs them). */
  end(): void {
    fs.rmSync(this.folder, { recursive: true, force: true });
  }
}

let thisProcessRun: EngineRun | null | undefined;

// The folders of runs whose engine refuses connections are removed, so the folder does not grow run after run. Only
// a refusal counts, and only for a folder untouched for a few seconds: a slow engine is never taken for an ended one.
function sweepEndedRuns(base: string, keep: string): void {
  for (const name of fs.readdirSync(base)) {
    const folder = path.join(base, name);
    if (!name.startsWith("run-") || folder === keep) continue;
    let address: string;
    try {
      if (Date.now() - fs.statSync(folder).mtimeMs < 10_000) continue;
      address = fs.readFileSync(path.join(folder, "engine"), "utf8");
    } catch {
      continue;
    }
    void knock(address, 4_000).then((answer) => {
      if (answer === "gone") fs.rmSync(folder, { recursive: true, force: true });
    });
  }
}

/** The pids of the provider processes registered in a run's folder; undefined when the folder is gone. */
export function registeredProcesses(folder: string): number[] | undefined {
  try {
    return fs
      .readdirSync(folder)
      .filter((name) => name.startsWith("process-"))
      .map((name) => Number(name.slice("process-".length)));
  } catch {
    return undefined;
  }
}

/** Whether a process runs (one of another user counts). */
export function pidAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
