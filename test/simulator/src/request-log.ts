// Bounded log of /v1 requests: a ring buffer, so a long benchmark cannot grow memory without bound.
import type { RequestLogEntry } from "./types";

/** Entries kept before the oldest are overwritten. */
export const REQUEST_LOG_CAPACITY = 200_000;

/** Ring buffer of request log entries. */
export class RequestLog {
  private entries: RequestLogEntry[] = [];
  private next = 0;

  constructor(private readonly capacity = REQUEST_LOG_CAPACITY) {}

  /** Records one answered request. */
  push(entry: RequestLogEntry): void {
    if (this.entries.length < this.capacity) this.entries.push(entry);
    else this.entries[this.next] = entry;
    this.next = (this.next + 1) % this.capacity;
  }

  /** The kept entries in arrival order (by seq: a slow request is recorded when it is answered). */
  list(): RequestLogEntry[] {
    return [...this.entries].sort((a, b) => a.seq - b.seq);
  }

  /** Forgets every entry. */
  clear(): void {
    this.entries = [];
    this.next = 0;
  }
}
