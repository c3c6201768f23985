// What the provider processes of one engine run tell each other. A stack in the middle of a move holds Contacts of
// both kinds, served by two processes, and two explicit providers on one account are two plugin processes: without a
// shared record, the dynamic host deleting a removed resource could not know that a plugin resource of the same run
// has just taken its contact over, and two processes could each create the same number once. One append-only file per
// run (in the run's folder, engine-run.ts); each process appends what it keeps or declares and reads what the others
// appended since it last looked. Lines hold fingerprints, never a number, a name or a resource name in clear.
import * as fs from "fs";
import * as path from "path";
import { fingerprint } from "./engine-run";

/** How a live resource of the run holds a contact, as the run log tells it: its owner's fingerprint, and its origin. */
export interface LoggedKeeper {
  ownerFingerprint: string;
  origin?: "created" | "adopted";
}

/** One line: a contact kept (owner, origin), let go (released), or an identity declared by an owner. */
interface Entry {
  uuid?: string;
  owner?: string;
  origin?: LoggedKeeper["origin"];
  released?: true;
  declared?: string;
}

/** The run's shared record of kept contacts and declared identities: one file per engine run. */
export class RunLog {
  private fd?: number;
  private readOffset = 0;
  private readonly known = new Map<string, LoggedKeeper>();
  private readonly declarers = new Map<string, Set<string>>();

  /** The log of one run; `file` is where it lives (0600). */
  constructor(readonly file: string) {}

  /** The log in a run's folder. */
  static inFolder(folder: string): RunLog {
    return new RunLog(path.join(folder, "run.log"));
  }

  /** Appends that a live resource keeps this contact. */
  record(uuid: string, keeper: { owner?: string; origin?: LoggedKeeper["origin"] }): void {
    this.append({ uuid, owner: fingerprint(keeper.owner ?? ""), origin: keeper.origin });
  }

  /** Appends that `owner` let this contact go; a later keep by another resource, in any process, stands. */
  release(uuid: string, owner: string): void {
    this.append({ uuid, owner: fingerprint(owner), released: true });
  }

  /** The keeper the log names last for this contact, reading only what was appended since the last look. */
  find(uuid: string): LoggedKeeper | undefined {
    this.readNew();
    return this.known.get(uuid);
  }

  /** True when `owner` declared this identity in this run, in any process. */
  declaredBy(identity: string, owner: string): boolean {
    this.readNew();
    return this.declarers.get(fingerprint(identity))?.has(fingerprint(owner)) ?? false;
  }

  /** Records that `owner` declares this identity; true when another owner of the run, in any process, declared it first. */
  declare(identity: string, owner: string): boolean {
    const key = fingerprint(identity);
    const me = fingerprint(owner);
    this.readNew();
    if ([...(this.declarers.get(key) ?? [])].some((other) => other !== me)) return true;
    this.append({ declared: key, owner: me });
    this.readNew();
    // Two processes may append at once: the first line in the file wins, for both.
    const first = [...(this.declarers.get(key) ?? [])][0];
    return first !== undefined && first !== me;
  }

  private append(entry: Entry): void {
    this.fd ??= fs.openSync(this.file, "a", 0o600);
    fs.writeSync(this.fd, `${JSON.stringify(entry)}\n`);
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
      if (entry.declared !== undefined && entry.owner !== undefined) {
        const owners = this.declarers.get(entry.declared) ?? new Set<string>();
        owners.add(entry.owner);
        this.declarers.set(entry.declared, owners);
      } else if (entry.uuid === undefined) continue;
      else if (entry.released) {
        if (this.known.get(entry.uuid)?.ownerFingerprint === entry.owner) this.known.delete(entry.uuid);
      } else this.known.set(entry.uuid, { ownerFingerprint: entry.owner ?? "", origin: entry.origin });
    }
  }
}
