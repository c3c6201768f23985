// One writer per stack on this machine. `pulumi cancel` releases the backend's lock while the cancelled run goes on
// writing until it ends; a second `up` started in that window finds nothing for the contacts the first is still
// creating and creates them again (seen: 4 duplicate pairs). So before its first write, a provider process takes a lock
// file for its stack (fingerprinted by project, stack and backend) in this user's run folder, held by its engine run:
// every provider process of the run shares it. A lock whose run has ended (its engine refuses connections) is taken
// over; a live one is waited for a little, then refused.
import * as fs from "fs";
import * as path from "path";
import { EngineRun, RunCoordinationError, fingerprint, knock, userRunFolder } from "./engine-run";

/** How long a second run waits for the first one to end before it refuses. */
const patienceMs = 15_000;

/** Who holds a lock: an engine run (by its address), or, outside a pulumi run, this process. */
type Holder = { kind: "run"; address: string } | { kind: "process"; pid: number };

const holderText = (h: Holder) => (h.kind === "run" ? `run ${h.address}` : `process ${h.pid}`);
function readHolder(text: string): Holder | undefined {
  const [kind, value] = text.trim().split(" ");
  if (kind === "run" && value) return { kind, address: value };
  if (kind === "process" && Number.isInteger(Number(value))) return { kind, pid: Number(value) };
  return undefined;
}

/** Whether a holder's run may still write: its engine answers (or cannot be told gone), or its process runs. */
async function holderLive(h: Holder): Promise<boolean> {
  if (h.kind === "run") return (await knock(h.address, 1_000)) !== "gone";
  try {
    process.kill(h.pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** The lock of this run on its stack: taken on the first write. */
export class StackWriteLock {
  private held = false;
  private taking?: Promise<void>;
  private readonly holder: Holder;

  /** Folder of the lock files (this user's run folder), how long to wait, and the run whose life holds the lock (this process outside one). */
  constructor(
    private readonly folder?: string,
    private readonly patience = patienceMs,
    run: EngineRun | undefined = EngineRun.ofThisProcess(),
  ) {
    this.holder = run ? { kind: "run", address: run.address } : { kind: "process", pid: process.pid };
  }

  /** Takes the lock of the owner's stack, or throws naming the run that holds it; nothing without an owner. */
  acquire(owner: string | undefined, backend: string | undefined): Promise<void> {
    if (owner === undefined || this.held) return this.taking ?? Promise.resolve();
    const stack = owner.split("/").slice(0, 2).join("/");
    this.taking ??= this.take(stack, backend).catch((error: unknown) => {
      this.taking = undefined;
      throw error;
    });
    return this.taking;
  }

  private async take(stack: string, backend: string | undefined): Promise<void> {
    const file = path.join(this.folder ?? userRunFolder(), `stack-${fingerprint(`${stack}\u0000${backend ?? ""}`)}.lock`);
    const mine = holderText(this.holder);
    const deadline = Date.now() + this.patience;
    for (;;) {
      try {
        fs.writeFileSync(file, mine, { flag: "wx", mode: 0o600 });
        this.held = true;
        if (this.holder.kind === "process") releasedAtExit.set(file, mine);
        return;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      }
      const written = readOr(file, "");
      const holder = readHolder(written);
      if (written === mine) {
        this.held = true; // another process of this run took it
        return;
      }
      if (!holder || !(await holderLive(holder))) {
        if (readOr(file, "") === written) fs.rmSync(file, { force: true });
        continue;
      }
      if (Date.now() >= deadline) {
        const who = holder.kind === "run" ? `the run whose engine listens at ${holder.address}` : `process ${holder.pid}`;
        throw new RunCoordinationError(
          `Refusing to write: another pulumi run of stack ${stack} on this machine (${who}) is still writing to Callbell, ` +
            "for example a run stopped with 'pulumi cancel', which goes on until it ends. Two runs at once would create the same contacts " +
            `twice. Wait for it to end, or end it, then run up again (if no pulumi runs, remove ${file}). Nothing was written.`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}

// Locks held by this process outside an engine run, removed when it exits.
const releasedAtExit = new Map<string, string>();
process.once("exit", () => releasedAtExit.forEach((mine, file) => readOr(file, "") === mine && fs.rmSync(file, { force: true })));

/**
 * One create of an identity at a time across the processes of a run (two explicit providers on one account are two
 * processes): a claim file per identity in the run's folder, taken with O_EXCL and removed after the create. A claim
 * whose process has died is taken over.
 */
export async function withCreateClaim<T>(run: EngineRun | undefined, identity: string, work: () => Promise<T>): Promise<T> {
  if (!run) return work();
  const file = path.join(run.folder, `create-${fingerprint(identity)}.claim`);
  const mine = holderText({ kind: "process", pid: process.pid });
  for (;;) {
    try {
      fs.writeFileSync(file, mine, { flag: "wx", mode: 0o600 });
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    const written = readOr(file, "");
    const holder = readHolder(written);
    if (!holder || !(await holderLive(holder))) {
      if (readOr(file, "") === written) fs.rmSync(file, { force: true });
      continue;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  try {
    return await work();
  } finally {
    if (readOr(file, "") === mine) fs.rmSync(file, { force: true });
  }
}

function readOr(file: string, fallback: string): string {
  try {
    return fs.readFileSync(file, "utf8").trim();
  } catch {
    return fallback;
  }
}
