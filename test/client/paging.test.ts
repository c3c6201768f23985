// The one end-of-list rule (client/paging.ts) that the account's lists, the export and the run's page snapshot share.
import { strict as assert } from "assert";
import { ListEnd, PageRead, maxPages } from "../../provider/src/client/paging";

// The page the rule calls last, given the pages in order; undefined when none of them ends the list.
function lastOf(reads: PageRead[]): number | undefined {
  const end = new ListEnd();
  const index = reads.findIndex((read, i) => end.isLast(i + 1, read));
  return index < 0 ? undefined : index + 1;
}

describe("paging: where a list ends", () => {
  it("without meta.pages, at the first empty page or one shorter than the first", () => {
    assert.equal(lastOf([{ size: 0 }]), 1, "an empty first page");
    assert.equal(lastOf([{ size: 50 }, { size: 50 }, { size: 0 }]), 3);
    assert.equal(lastOf([{ size: 50 }, { size: 12 }]), 2);
    assert.equal(lastOf([{ size: 20 }, { size: 0 }]), 2, "a short first page sets the size: only the next, empty, page ends it");
    assert.equal(lastOf([{ size: 50 }, { size: 50 }, { size: 50 }]), undefined);
  });

  it("at meta.pages when the answer has it, whatever the sizes", () => {
    assert.equal(
      lastOf([
        { size: 10, lastPage: 3 },
        { size: 3, lastPage: 3 },
        { size: 10, lastPage: 3 },
      ]),
      3,
      "a short page before meta.pages",
    );
    assert.equal(lastOf([{ size: 0, lastPage: 1 }]), 1);
    assert.equal(lastOf([{ size: 10, lastPage: 1 }]), 1, "a full page that meta.pages calls the last");
  });

  it("never past maxPages, for a server that never answers a short page", () => {
    const end = new ListEnd();
    for (let page = 1; page < maxPages; page++) assert.equal(end.isLast(page, { size: 50 }), false);
    assert.equal(end.isLast(maxPages, { size: 50 }), true);
    assert.equal(new ListEnd().isLast(maxPages, { size: 50, lastPage: maxPages + 5 }), true, "meta.pages past the bound");
  });
});
