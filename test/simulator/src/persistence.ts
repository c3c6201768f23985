// Optional JSON persistence of the account's state (contacts, custom statuses, the webhook and its signing secret): loaded
// at start, written atomically (tmp + rename), writes coalesced off the request path.
import { promises as fs } from "node:fs";
import type { StoredContact } from "./store";
import type { CustomStatus, Webhook } from "./types";

// Version 1 files hold only contacts; the other keys were added beside them, so an older file still loads.
const FORMAT_VERSION = 1;
// Coalescing window: a burst of writes costs one file write, not one per request.
const WRITE_DELAY_MS = 25;

/** What the data file keeps. */
export interface PersistedState {
  contacts: StoredContact[];
  customStatuses: CustomStatus[];
  webhook: Webhook | null;
  signingSecret: string | null;
}

interface DataFileContents extends Partial<PersistedState> {
  version: number;
  contacts: StoredContact[];
}

/** The data file of a simulator: one pending write at most, flushed on close. */
export class DataFile {
  private dirty = false;
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> | undefined;

  constructor(
    private readonly file: string,
    private readonly snapshot: () => PersistedState,
  ) {}

  /** The stored state (nothing when the file does not exist yet). */
  async load(): Promise<PersistedState> {
    let text: string;
    try {
      text = await fs.readFile(this.file, "utf8");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return { contacts: [], customStatuses: [], webhook: null, signingSecret: null };
      throw error;
    }
    let contents: DataFileContents;
    try {
      contents = JSON.parse(text) as DataFileContents;
    } catch (error) {
      throw new Error(`simulator data file ${this.file} is not valid JSON: ${(error as Error).message}`, { cause: error });
    }
    if (contents?.version !== FORMAT_VERSION || !Array.isArray(contents.contacts)) {
      throw new Error(`simulator data file ${this.file} is not a version ${FORMAT_VERSION} contacts file`);
    }
    if (contents.customStatuses !== undefined && !Array.isArray(contents.customStatuses)) {
      throw new Error(`simulator data file ${this.file}: customStatuses is not a list`);
    }
    return {
      contacts: contents.contacts,
      customStatuses: contents.customStatuses ?? [],
      webhook: contents.webhook ?? null,
      signingSecret: contents.signingSecret ?? null,
    };
  }

  /** Notes that the state changed; the write happens shortly after, off the request path. */
  markDirty(): void {
    this.dirty = true;
    if (!this.timer && !this.writing) this.timer = setTimeout(() => void this.writeNow(), WRITE_DELAY_MS);
  }

  /** Writes pending changes now and waits until the file is up to date. */
  async flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    while (this.writing || this.dirty) {
      if (this.writing) await this.writing;
      else await this.writeNow();
    }
  }

  private writeNow(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.dirty = false;
    const contents: DataFileContents = { version: FORMAT_VERSION, ...this.snapshot() };
    const temporary = `${this.file}.${process.pid}.tmp`;
    this.writing = fs
      .writeFile(temporary, JSON.stringify(contents, null, 2) + "\n")
      .then(() => fs.rename(temporary, this.file))
      .catch((error: Error) => {
        process.stderr.write(`callbell simulator: cannot write ${this.file}: ${error.message}\n`);
      })
      .finally(() => {
        this.writing = undefined;
        if (this.dirty && !this.timer) this.timer = setTimeout(() => void this.writeNow(), WRITE_DELAY_MS);
      });
    return this.writing;
  }
}
