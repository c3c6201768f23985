// One writer per stack on this machine. `pulumi cancel` releases the backend's lock while the cancelled run goes on
// writing until it ends; a second `up` started in that window finds nothing for the contacts the first is still
// creating and creates them again (seen: 4 duplicate pairs). So before its first write, a provider host takes a lock
// file for its stack (fingerprinted by project, stack and backend) and holds it until it exits. A lock whose holder is
// gone (a killed run) is taken over; a live one is waited for a little (a run's host that is just ending), then refused.
import { createHash } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type { Owner } from "./ownership";
import { ContactError } from "./error";
import { enginePid, processAlive, processIdentity } from "./engine-process";

/** How long a second run waits for the first one's host to end before it refuses. */
const patienceMs = 15_000;

/** The lock of this process on its stack: taken on the first write, released when the process exits. */
export class StackWriteLock {
  private held?: string;
  private taking?: Promise<void>;

  /**
   * Folder of the lock files (one machine shares it, so runs of different homes see each other), how long to wait, and
   * the process whose life holds the lock: the engine of this run, whose every provider process (the dynamic host, one
   * plugin process per provider) belongs to the same run; this process where the engine cannot be told.
   */
  constructor(
    private readonly folder = path.join(os.tmpdir(), "pulumi-callbell-locks"),
    private readonly patience = patienceMs,
    private readonly holderPid = enginePid() ?? process.pid,
  ) {}

  /** Takes the lock of the owner's stack, or throws a ContactError naming the process that holds it; nothing without an owner. */
  acquire(owner: Owner | undefined, backend: string | undefined): Promise<void> {
    if (owner === undefined || this.held !== undefined) return this.taking ?? Promise.resolve();
    const stack = owner.split("/").slice(0, 2).join("/");
    this.taking ??= this.take(stack, backend).catch((error: unknown) => {
      this.taking = undefined;
      throw error;
    });
    return this.taking;
  }

  private async take(stack: string, backend: string | undefined): Promise<void> {
    fs.mkdirSync(this.folder, { recursive: true });
    const file = path.join(
      this.folder,
      `${createHash("sha256")
        .update(`${stack}\u0000${backend ?? ""}`)
        .digest("hex")
        .slice(0, 24)}.lock`,
    );
    const deadline = Date.now() + this.patience;
    for (;;) {
      try {
        fs.writeFileSync(file, processIdentity(this.holderPid), { flag: "wx" });
        this.held = file;
        // A lock held for the engine lasts as long as the run; a later run takes it over once the engine is gone.
        if (this.holderPid === process.pid) releasedAtExit.add(this);
        return;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      }
      const written = readOr(file, "");
      const holder = Number(written.split(" ")[0]);
      if (holder === this.holderPid || !processAlive(holder) || processIdentity(holder) !== written) {
        fs.rmSync(file, { force: true });
        continue;
      }
      if (Date.now() >= deadline) {
        throw new ContactError(
          `Refusing to write: another pulumi run of stack ${stack} on this machine (process ${holder}) is still writing to Callbell, ` +
            "for example a run stopped with 'pulumi cancel', which goes on until it ends. Two runs at once would create the same contacts " +
            `twice. Wait for it to end, or end it (kill ${holder}), then run up again. Nothing was written.`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }

  /** Removes the lock file if this process holds it. */
  release(): void {
    releasedAtExit.delete(this);
    if (this.held && readOr(this.held, "") === processIdentity(this.holderPid)) fs.rmSync(this.held, { force: true });
    this.held = undefined;
    this.taking = undefined;
  }
}

// The locks this process holds, released when it exits: one exit listener for all of them, however many runs a
// process (a test) makes.
const releasedAtExit = new Set<StackWriteLock>();
process.once("exit", () => releasedAtExit.forEach((lock) => lock.release()));

function readOr(file: string, fallback: string): string {
  try {
    return fs.readFileSync(file, "utf8").trim();
  } catch {
    return fallback;
  }
}
