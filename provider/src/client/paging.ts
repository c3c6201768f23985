// Where a paged Callbell list ends: one rule for every reader of pages (the account's lists and the export's contacts
// in account.ts, the run's page snapshot in run/page-snapshot.ts), so no two readers can disagree on the last page.

/** The most pages a list reads: it bounds a misbehaving server that never answers a short or empty page. */
export const maxPages = 10_000;

/** What one page tells the rule: how many items it held, and the last page when the answer says (meta.pages). */
export interface PageRead {
  size: number;
  lastPage?: number;
}

/**
 * The end of one list, told its pages in page order from 1. The last page is meta.pages when the answer has it; else,
 * as Callbell documents neither a page count nor a page size for every list, the first empty page or one shorter than
 * the first; never past maxPages.
 */
export class ListEnd {
  private firstSize?: number;

  /** True when this page, the next one in page order, is the list's last. */
  isLast(page: number, read: PageRead): boolean {
    this.firstSize ??= read.size;
    if (page >= maxPages) return true;
    return read.lastPage !== undefined ? page >= read.lastPage : read.size === 0 || read.size < this.firstSize;
  }
}
