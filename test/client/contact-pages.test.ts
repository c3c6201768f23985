// The one reader of GET /contacts?page (ContactsClient.listPage) and its two callers: the account's list, which fails
// on an item that is not a contact (an export must hold every one), and the run's page snapshot, which leaves such an
// item to a single read. A raw HTTP server plays Callbell.
import { strict as assert } from "assert";
import * as http from "http";
import { AddressInfo } from "net";
import { AccountClient } from "../../provider/src/client/account";
import { ContactsClient } from "../../provider/src/client/contacts";
import { CallbellResponseError } from "../../provider/src/client/errors";

const TOKEN = "tok_contact_pages_7a2e41";
const contact = (i: number) => ({
  uuid: String(i).padStart(32, "0"),
  name: `C${i}`,
  createdAt: "2026-11-25T01:00:00Z",
  href: `https://dash.callbell.eu/contacts/${i}`,
});

async function withServer(body: unknown, run: (url: string, seen: string[]) => Promise<void>): Promise<void> {
  const seen: string[] = [];
  const server = http.createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`);
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify(body));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  try {
    await run(`http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`, seen);
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
}

describe("client: one reader of GET /contacts?page", () => {
  const page = { contacts: [contact(1), { uuid: "not-a-uuid", name: "X" }, contact(3), { name: "no uuid" }] };

  it("listPage keeps the contacts, counts every item, and names the first item that is not a contact", async () => {
    await withServer(page, async (url, seen) => {
      const read = await new ContactsClient({ baseUrl: url, token: TOKEN }).listPage(2);
      assert.deepEqual(
        read.contacts.map((c) => c.name),
        ["C1", "C3"],
      );
      assert.equal(read.listed, 4, "a short page is told by every item, contacts or not");
      assert.ok(read.notAContact instanceof CallbellResponseError);
      assert.match(read.notAContact.message, /GET \/contacts answered 200 — contacts\[1\]\.uuid: uuid must be 32 lowercase hex characters$/);
      assert.deepEqual(seen, ["GET /v1/contacts?page=2"]);
    });
  });

  it("the account's list asks with its filters through the same reader, and fails on that item", async () => {
    await withServer(page, async (url, seen) => {
      const account = new AccountClient({ baseUrl: url, token: TOKEN });
      await assert.rejects(account.listContacts(1, { source: "whatsapp", tags: ["vip", "qa"], teamUuid: "t".repeat(32) }, true), (error: Error) => {
        assert.ok(error instanceof CallbellResponseError);
        assert.match(error.message, /contacts\[1\]\.uuid: uuid must be 32 lowercase hex characters$/);
        return true;
      });
      assert.deepEqual(seen, [`GET /v1/contacts?page=1&source=whatsapp&tags=vip%2Cqa&team_uuid=${"t".repeat(32)}&include_field_types=true`]);
    });
  });

  it("a page of contacts only: both callers get the same contacts, and listPage names nothing", async () => {
    await withServer({ contacts: [contact(1), contact(2)] }, async (url) => {
      const read = await new ContactsClient({ baseUrl: url, token: TOKEN }).listPage(1);
      assert.equal(read.notAContact, undefined);
      assert.deepEqual(await new AccountClient({ baseUrl: url, token: TOKEN }).listContacts(1), read.contacts);
    });
  });
});
