// One writer per stack on this machine. `pulumi cancel` releases the backend's lock while the cancelled run goes on
// writing until it ends; a second `up` started in that window finds nothing for the contacts the first is still
// creating and creates them again (seen: 4 duplicate pairs). So before its first write, a provider process takes a lock
// file for its stack (fingerprinted by project, stack and backend) in this user's run folder, held by its engine run:
// every provider process of the run shares it. A lock whose run has ended (its engine refuses connections) is taken
// over; a live one is waited for a little, then refused. The same files, per number, keep creates one at a time across
// the provider processes of one run.
//
// Every file here is created whole (written aside, then linked into place, which fails if the name exists), so no
// process ever reads a half-written holder; and a stale file is replaced only under a take-over file of its own, so two
// processes that both find it stale cannot both take it.
import * as fs from "fs";
import * as path from "path";
import { EngineRun, RunCoordinationError, fingerprint, knock, pidAlive, registeredProcesses, runLockText, userRunFolder } from "./engine-run";
import { stackOfOwner } from "./owner";

/** How long a second run waits for the first one to end before it refuses. */
const patienceMs = 15_000;
/** How long a create waits for another process of the run creating the same number. */
const claimPatienceMs = 5 * 60_000;
/** A take-over file older than this was left by a process that died while taking over. */
const takeoverStaleMs = 10_000;

/** Who holds a lock: an engine run (by its address), or a process (with a tag of the one taking, so two takers in one process differ). */
type Holder = { kind: "run"; address: string } | { kind: "process"; pid: number; tag?: string };

const holderText = (h: Holder) => (h.kind === "run" ? runLockText(h.address) : `process ${h.pid}${h.tag ? ` ${h.tag}` : ""}`);
function readHolder(text: string): Holder | undefined {
  const [kind, value, tag] = text.trim().split(" ");
  if (kind === "run" && value) return { kind, address: value };
  if (kind === "process" && Number.isInteger(Number(value))) return { kind, pid: Number(value), tag };
  return undefined;
}

/**
 * Whether a holder may still write. A run writes through its provider processes, which register in the run's folder:
 * it is live while one of them runs (whatever now listens at its old address). Without a folder (swept), while its
 * engine does not refuse connections (Windows takes about 2 s to). A process holder, while it runs.
 */
async function holderLive(h: Holder, base: string): Promise<boolean> {
  if (h.kind === "process") return pidAlive(h.pid);
  const registered = registeredProcesses(path.join(base, `run-${fingerprint(h.address)}`));
  if (registered !== undefined) return registered.some(pidAlive);
  return (await knock(h.address, 4_000)) !== "gone";
}

/** Creates `file` holding `text`, whole, or answers false when it exists. */
function createWhole(file: string, text: string): boolean {
  const aside = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.new`;
  fs.writeFileSync(aside, text, { mode: 0o600 });
  try {
    fs.linkSync(aside, file);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    return false;
  } finally {
    fs.rmSync(aside, { force: true });
  }
}

/**
 * Takes `file` for `mine`: created when free; when it names a holder that is gone, replaced, but only by the one
 * process that holds its take-over file. Answers what the file names when another live holder has it.
 */
async function take(file: string, mine: string): Promise<{ taken: true } | { taken: false; holder: Holder | undefined }> {
  const base = path.dirname(file);
  for (;;) {
    if (createWhole(file, mine)) return { taken: true };
    const written = readOr(file, undefined);
    if (written === undefined) continue; // removed in between: try again
    if (written === mine) return { taken: true };
    const holder = readHolder(written);
    if (holder && (await holderLive(holder, base))) return { taken: false, holder };
    // Gone (or unreadable): replace it under the take-over file, after checking it still says the same.
    const takeover = `${file}.takeover`;
    if (!createWhole(takeover, mine)) {
      const age = Date.now() - (statOr(takeover)?.mtimeMs ?? Date.now());
      if (age > takeoverStaleMs) fs.rmSync(takeover, { force: true });
      await new Promise((resolve) => setTimeout(resolve, 50));
      continue;
    }
    try {
      if (readOr(file, undefined) === written) {
        const aside = `${file}.${process.pid}.replace`;
        fs.writeFileSync(aside, mine, { mode: 0o600 });
        fs.renameSync(aside, file);
        return { taken: true };
      }
    } finally {
      fs.rmSync(takeover, { force: true });
    }
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
    const stack = stackOfOwner(owner) ?? owner;
    this.taking ??= this.takeFor(stack, backend).catch((error: unknown) => {
      this.taking = undefined;
      throw error;
    });
    return this.taking;
  }

  private async takeFor(stack: string, backend: string | undefined): Promise<void> {
    const file = path.join(this.folder ?? userRunFolder(), `stack-${fingerprint(`${stack}\u0000${backend ?? ""}`)}.lock`);
    const mine = holderText(this.holder);
    const deadline = Date.now() + this.patience;
    for (;;) {
      const outcome = await take(file, mine);
      if (outcome.taken) {
        this.held = true;
        if (this.holder.kind === "process") releasedAtExit.set(file, mine);
        return;
      }
      if (Date.now() >= deadline) {
        const h = outcome.holder;
        const who = h?.kind === "run" ? `the run whose engine listens at ${h.address}` : `process ${h?.pid}`;
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
process.once("exit", () => releasedAtExit.forEach((mine, file) => readOr(file, undefined) === mine && fs.rmSync(file, { force: true })));

/**
 * One create of an identity at a time across the processes of a run (two explicit providers on one account are two
 * processes): a claim file per identity in the run's folder, removed after the create. A claim whose process has died
 * is taken over; one held longer than a create can take is refused rather than waited for forever.
 */
export async function withCreateClaim<T>(run: EngineRun | undefined, identity: string, work: () => Promise<T>): Promise<T> {
  if (!run) return work();
  const file = path.join(run.folder, `create-${fingerprint(identity)}.claim`);
  const mine = holderText({ kind: "process", pid: process.pid, tag: Math.random().toString(36).slice(2) });
  const deadline = Date.now() + claimPatienceMs;
  for (;;) {
    run.assertIntact();
    const outcome = await take(file, mine);
    if (outcome.taken) break;
    if (Date.now() >= deadline) {
      throw new RunCoordinationError(
        `Refusing to create: another provider process of this run (${holderText(outcome.holder ?? { kind: "process", pid: 0 })}) has been creating ` +
          "the same contact for 5 minutes. Nothing was written; run up again once it has ended.",
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  try {
    return await work();
  } finally {
    if (readOr(file, undefined) === mine) fs.rmSync(file, { force: true });
  }
}

function readOr<T>(file: string, fallback: T): string | T {
  try {
    return fs.readFileSync(file, "utf8").trim();
  } catch {
    return fallback;
  }
}

function statOr(file: string): fs.Stats | undefined {
  try {
    return fs.statSync(file);
  } catch {
    return undefined;
  }
}
