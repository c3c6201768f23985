// The client against answers Callbell's reference does not promise: not JSON, HTML error
// pages, empty bodies, wrong shapes. Each must be a clear error naming method, path and
// status — never a crash, never a silent success. A scripted raw HTTP server plays Callbell.
import { strict as assert } from "assert";
import * as http from "http";
import { AddressInfo } from "net";
import { ContactsClient } from "../../provider/src/client/contacts";
import { CallbellError, CallbellResponseError, CallbellServerError } from "../../provider/src/client/errors";
import { defaultRetryPolicy } from "../../provider/src/client/retry";

const TOKEN = "tok_client_responses_5c1d9e";
type Reply = { status: number; body: string; type?: string };

async function withServer(replies: Reply[], run: (client: ContactsClient, seen: string[]) => Promise<void>): Promise<void> {
  const seen: string[] = [];
  const server = http.createServer((req, res) => {
    seen.push(`${req.method} ${req.url} ${req.headers.authorization === `Bearer ${TOKEN}` ? "auth" : "no-auth"}`);
    const reply = replies.shift() ?? { status: 500, body: "script exhausted" };
    res.writeHead(reply.status, { "content-type": reply.type ?? "application/json" });
    res.end(reply.body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const client = new ContactsClient({
    baseUrl: `http://127.0.0.1:${port}/v1`,
    token: TOKEN,
    retryPolicy: { ...defaultRetryPolicy, baseDelayMs: 1, maxDelayMs: 5 },
  });
  try {
    await run(client, seen);
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
}

const uuid = "0123456789abcdef0123456789abcdef";
const contact = { uuid, name: "A", createdAt: "2026-11-25T01:00:00Z", href: `https://dash.callbell.eu/contacts/${uuid}`, tags: [], customFields: {} };

describe("client against malformed answers", () => {
  it("accepts both documented shapes: contact as a one-element array and as an object", async () => {
    await withServer(
      [
        { status: 200, body: JSON.stringify({ contact: [contact] }) },
        { status: 200, body: JSON.stringify({ contact }) },
      ],
      async (client, seen) => {
        assert.equal((await client.get(uuid))?.uuid, uuid);
        assert.equal((await client.findByPhone("+39 333 123 4567"))?.uuid, uuid);
        assert.deepEqual(seen, [`GET /v1/contacts/${uuid} auth`, "GET /v1/contacts/phone/393331234567 auth"]);
      },
    );
  });

  const cases: [string, Reply, RegExp][] = [
    [
      "a 200 that is not JSON",
      { status: 200, body: "OK", type: "text/plain" },
      /Unexpected answer from Callbell: GET \/contacts\/\w+ answered 200 — not JSON: "OK"/,
    ],
    ["an empty 200", { status: 200, body: "" }, /GET \/contacts\/\w+ answered 200 — empty body/],
    ["a 200 of the wrong shape", { status: 200, body: JSON.stringify({ contacts: [] }) }, /GET \/contacts\/\w+ answered 200 — not a contact: contact/],
    ["a contact without a uuid", { status: 200, body: JSON.stringify({ contact: [{ ...contact, uuid: undefined }] }) }, /not a contact: contact.*uuid/],
    [
      "an HTML 400 page",
      { status: 400, body: "<html><body><h1>Bad Request</h1></body></html>", type: "text/html" },
      /GET \/contacts\/\w+ answered 400 — not JSON: an HTML page \("Bad Request"\)/,
    ],
    [
      "a JSON error body",
      { status: 422, body: JSON.stringify({ error: { message: "tag 'x' does not exist", field: "tags" } }) },
      /refused the value of 'tags': GET \/contacts\/\w+ answered 422 — tag 'x' does not exist/,
    ],
  ];
  for (const [title, reply, message] of cases) {
    it(`turns ${title} into a clear error`, async () => {
      await withServer([reply], async (client) => {
        await assert.rejects(client.get(uuid), (e: Error) => {
          assert.ok(e instanceof CallbellError, e.constructor.name);
          assert.match(e.message, message);
          assert.ok(!e.message.includes(TOKEN));
          return true;
        });
      });
    });
  }

  it("retries an HTML 502 gateway page on a GET, then reports it with method, path and status", async () => {
    const page = { status: 502, body: "<html><title>502 Bad Gateway</title></html>", type: "text/html" };
    await withServer(Array(10).fill(page), async (client, seen) => {
      await assert.rejects(
        client.get(uuid),
        (e: Error) => e instanceof CallbellServerError && /GET \/contacts\/\w+ answered 502 — not JSON: an HTML page \("502 Bad Gateway"\)/.test(e.message),
      );
      assert.equal(seen.length, defaultRetryPolicy.maxRetries + 1);
    });
  });

  it("redacts the token when an error body echoes it", async () => {
    await withServer([{ status: 401, body: JSON.stringify({ error: `invalid token ${TOKEN}` }) }], async (client) => {
      await assert.rejects(
        client.me(),
        (e: Error) => /invalid token \[REDACTED\]/.test(e.message) && !e.message.includes(TOKEN) && !JSON.stringify(e).includes(TOKEN),
      );
    });
  });

  it("never returns the api_key that GET /auth/me answers with", async () => {
    await withServer([{ status: 200, body: JSON.stringify({ status: "ok", user_email: "o@x.example", user_name: "O", api_key: TOKEN }) }], async (client) => {
      const me = await client.me();
      assert.deepEqual(me, { email: "o@x.example", name: "O" });
    });
  });

  it("reports a lost POST for a source that cannot be looked up, instead of risking a duplicate", async () => {
    await withServer([{ status: 500, body: "{}" }], async (client, seen) => {
      await assert.rejects(
        client.create({ identifier: "alice.ig", source: "instagram", name: "A" }),
        (e: Error) =>
          e instanceof CallbellResponseError &&
          /may have created the contact/.test(e.message) &&
          /delete it in the dashboard before the next 'pulumi up'/.test(e.message),
      );
      assert.deepEqual(seen, ["POST /v1/contacts auth"]);
    });
  });
});
