// Which contacts the live resources of this run keep, shared by the provider processes of one engine run. A stack in
// the middle of a move holds Contacts of both kinds, served by two processes; without this record, the dynamic host
// deleting a removed resource could not know that a plugin resource of the same run has just taken its contact over
// (a move without aliases), and would delete a contact the program still declares. One append-only file per run,
// named after the engine; each process appends what it keeps and reads what the others appended since it last looked.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type { Keeper } from "./ownership";
import { enginePid, processAlive, processIdentity } from "./engine-process";

/** One line of the log: a contact kept by a resource (owner, origin), or let go (no owner and no origin). */
interface Entry {
  uuid: string;
  owner?: string;
  origin?: Keeper["origin"];
  released?: true;
}

/** The run's shared record of kept contacts: one file per engine run, in the folder of the stack locks. */
export class KeeperLog {
  private fd?: number;
  private readOffset = 0;
  private readonly known = new Map<string, Keeper>();

  /** The log of one run; `file` is where it lives. */
  constructor(readonly file: string) {}

  /** The log of this process's engine run; undefined when the engine cannot be told (then each process keeps its own memory). */
  static forThisRun(folder = path.join(os.tmpdir(), "pulumi-callbell-locks")): KeeperLog | undefined {
    const engine = enginePid();
    if (engine === undefined) return undefined;
    fs.mkdirSync(folder, { recursive: true });
    removeEndedRuns(folder);
    return new KeeperLog(path.join(folder, `${processIdentity(engine).replace(" ", "-")}.kept`));
  }

  /** Appends that a live resource keeps this contact, or with no keeper, that it let it go. */
  record(uuid: string, keeper: Keeper | undefined): void {
    const entry: Entry = keeper ? { uuid, owner: keeper.owner, origin: keeper.origin } : { uuid, released: true };
    this.fd ??= fs.openSync(this.file, "a");
    fs.writeSync(this.fd, `${JSON.stringify(entry)}\n`);
  }

  /** The keeper the log names last for this contact, reading only what was appended since the last look. */
  find(uuid: string): Keeper | undefined {
    this.readNew();
    return this.known.get(uuid);
  }

  private readNew(): void {
    let size: number;
    try {
      size = fs.statSync(this.file).size;
    } catch {
      return; // nothing recorded yet
    }
    if (size <= this.readOffset) return;
    const buffer = Buffer.alloc(size - this.readOffset);
    const fd = fs.openSync(this.file, "r");
    try {
      fs.readSync(fd, buffer, 0, buffer.length, this.readOffset);
    } finally {
      fs.closeSync(fd);
    }
    // Only whole lines: a line another process is still writing is read next time.
    const text = buffer.toString("utf8");
    const end = text.lastIndexOf("\n") + 1;
    this.readOffset += Buffer.byteLength(text.slice(0, end));
    for (const line of text.slice(0, end).split("\n")) {
      if (!line) continue;
      const entry = JSON.parse(line) as Entry;
      if (entry.released) this.known.delete(entry.uuid);
      else this.known.set(entry.uuid, { owner: entry.owner, origin: entry.origin });
    }
  }
}

// Logs of runs whose engine has ended are removed, so the folder does not grow run after run.
function removeEndedRuns(folder: string): void {
  for (const name of fs.readdirSync(folder)) {
    const match = /^(\d+)-(\d+)\.kept$/.exec(name);
    if (!match) continue;
    const pid = Number(match[1]);
    if (!processAlive(pid) || processIdentity(pid) !== `${match[1]} ${match[2]}`) fs.rmSync(path.join(folder, name), { force: true });
  }
}
