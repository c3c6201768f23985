// The run's copy of the account's contacts, read page by page (GET /contacts), so that a refresh of many contacts
// makes a page read per 50 contacts instead of a GET /contacts/:uuid each. It only ever answers "here it is, as the
// pages listed it": a contact it does not hold, one this run wrote, or one whose list item lacks a field the state
// needs is read alone by the caller. Nothing here decides a write: create and delete keep their own fresh reads.
import type { ApiContact, ContactsPage } from "../client/contacts";
import { ListEnd } from "../client/paging";

/** When the pages start, and how many they may be. */
export interface PageReadLimits {
  /** Reads made one by one before the first page: a refresh of a few contacts reads each alone, as before. */
  readsBeforePages: number;
  /**
   * What a page must be worth in reads: the pages read never outnumber the reads made divided by this, and after the
   * first two pages another is read only while the pages so far answered this many reads each.
   */
  readsPerPage: number;
}

/** Defaults: pages from the 17th read on, at most one page per 4 reads made. */
export const defaultPageReadLimits: PageReadLimits = { readsBeforePages: 16, readsPerPage: 4 };

/**
 * The account's contacts as its pages list them, read once per run, one page at a time, as the reads need them. It
 * starts after `readsBeforePages` reads. It pauses whenever the pages read reach the reads made ÷ `readsPerPage`, and
 * stops for good once two pages or more answered fewer than `readsPerPage` reads each: a stack that holds a few
 * contacts of a large account, or contacts the first pages do not list, then pays two pages and two page waits, and
 * every later read goes alone at once.
 */
export class PageSnapshot {
  private readonly byUuid = new Map<string, ApiContact>();
  private readonly written = new Set<string>();
  private reads = 0;
  private answered = 0;
  private pagesStarted = 0;
  private readonly end = new ListEnd();
  private pageInFlight?: Promise<void>;
  private ended = false;

  constructor(
    private readonly readPage: (page: number) => Promise<Pick<ContactsPage, "contacts" | "listed">>,
    private readonly limits: PageReadLimits = defaultPageReadLimits,
  ) {}

  /** Counts a read; after the first few, the contact as the pages list it, or undefined: then the caller reads it alone. */
  async find(uuid: string): Promise<ApiContact | undefined> {
    this.reads++;
    if (this.reads <= this.limits.readsBeforePages) return undefined;
    for (;;) {
      if (this.written.has(uuid)) return undefined;
      const contact = this.byUuid.get(uuid);
      if (contact) {
        // A refresh reads each contact once: the copy is let go, and a second read of it in this run goes alone.
        this.byUuid.delete(uuid);
        this.answered++;
        return contact;
      }
      const page = this.nextPage();
      if (!page) return undefined;
      await page;
    }
  }

  /** Says this run writes the contact: from now on it is never answered from the pages, which may predate the write. */
  forget(uuid: string): void {
    this.written.add(uuid);
    this.byUuid.delete(uuid);
  }

  /** How many pages were asked for. */
  get pagesRead(): number {
    return this.pagesStarted;
  }

  // The page being read, or the next one when the budget allows; undefined once the list has ended or is paused.
  private nextPage(): Promise<void> | undefined {
    if (this.pageInFlight) return this.pageInFlight;
    if (this.ended || this.pagesStarted >= Math.ceil(this.reads / this.limits.readsPerPage)) return undefined;
    if (this.pagesStarted >= 2 && this.answered < this.pagesStarted * this.limits.readsPerPage) {
      this.ended = true;
      return undefined;
    }
    const number = ++this.pagesStarted;
    const page = this.readPage(number).then(
      ({ contacts, listed }) => {
        for (const contact of contacts) if (!this.written.has(contact.uuid)) this.byUuid.set(contact.uuid, contact);
        // Every item counts, contacts or not: an item left out does not make a short page.
        if (this.end.isLast(number, { size: listed })) this.ended = true;
      },
      // A page that cannot be read ends the pages; every read still waiting is read alone.
      () => {
        this.ended = true;
      },
    );
    this.pageInFlight = page.finally(() => {
      this.pageInFlight = undefined;
    });
    return this.pageInFlight;
  }
}
