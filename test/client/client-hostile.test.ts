// The client against a hostile or broken server: answers cut off mid-body, bodies that drip,
// gzip bombs, huge error texts, and error bodies that echo the token in every form. Tiny
// node:http servers on 127.0.0.1 play the server; each test asserts the message a user sees
// and the requests the server received. No test asserts elapsed time (shared, slow machine).
import { strict as assert } from "assert";
import * as http from "http";
import { AddressInfo } from "net";
import * as zlib from "zlib";
import { ContactsClient } from "../../provider/src/client/contacts";
import {
  CallbellError,
  CallbellNetworkError,
  CallbellResponseError,
  CallbellUnknownOutcomeError,
  CallbellValidationError,
  redact,
} from "../../provider/src/client/errors";
import { HttpSettings } from "../../provider/src/client/http";
import { defaultRetryPolicy } from "../../provider/src/client/retry";

// A token with characters that URL-encoding and base64 change.
const TOKEN = "tok/Hostile+Input=9f3a7c21e5d4b8a6";
const uuid = "0123456789abcdef0123456789abcdef";
const contact = { uuid, name: "A", createdAt: "2026-11-25T01:00:00Z", href: `https://dash.callbell.eu/contacts/${uuid}`, tags: [], customFields: {} };
const fast = { ...defaultRetryPolicy, baseDelayMs: 1, maxDelayMs: 5 };

type Handler = (req: http.IncomingMessage, res: http.ServerResponse, n: number) => void;

/** Serves `handler` (n counts requests from 0) and gives the test a client and the request log. */
async function withServer(handler: Handler, run: (client: ContactsClient, seen: string[]) => Promise<void>, settings: Partial<HttpSettings> = {}) {
  const seen: string[] = [];
  const server = http.createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`);
    req.resume();
    req.on("end", () => handler(req, res, seen.length - 1));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const client = new ContactsClient({ baseUrl: `http://127.0.0.1:${port}/v1`, token: TOKEN, retryPolicy: fast, ...settings });
  try {
    await run(client, seen);
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}

/** Answers `status` with a Content-Length for the whole JSON body, sends its first 30 bytes and drops the connection. */
function cutOff(res: http.ServerResponse, status = 200, body = JSON.stringify({ contact: [contact] })): void {
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
  res.write(body.slice(0, 30), () => res.socket?.destroy());
}

function json(res: http.ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}

describe("client against hostile answers: outcomes", () => {
  it("looks up a whatsapp contact whose POST answer was cut off, and uses it instead of posting again", async () => {
    await withServer(
      (req, res, n) => (n === 0 ? cutOff(res) : json(res, 200, { contact })),
      async (client, seen) => {
        const outcome = await client.create({ identifier: "393331234567", source: "whatsapp", name: "A" });
        assert.deepEqual(outcome, { contact: outcome.contact, recoveredAfterLostAnswer: true });
        assert.equal(outcome.contact.uuid, uuid);
        assert.deepEqual(seen, ["POST /v1/contacts", "GET /v1/contacts/phone/393331234567"]);
      },
    );
  });

  it("looks up a POST answered 200 without a valid contact", async () => {
    await withServer(
      (req, res, n) => (n === 0 ? json(res, 200, { ok: true }) : json(res, 200, { contact })),
      async (client, seen) => {
        const outcome = await client.create({ identifier: "393331234567", source: "whatsapp", name: "A" });
        assert.equal(outcome.recoveredAfterLostAnswer, true);
        assert.deepEqual(seen, ["POST /v1/contacts", "GET /v1/contacts/phone/393331234567"]);
      },
    );
  });

  it("never posts an instagram contact twice when its answer was cut off, and says how to check", async () => {
    await withServer(
      (req, res) => cutOff(res),
      async (client, seen) => {
        await assert.rejects(client.create({ identifier: "alice.ig", source: "instagram", name: "A" }), (e: Error) => {
          assert.ok(e instanceof CallbellUnknownOutcomeError, e.constructor.name);
          assert.equal(
            e.message,
            "Callbell may have created the contact: POST /contacts answered 200 — the answer was cut off before its end " +
              "(stream has been aborted); the connection closed or the body could not be decompressed; " +
              "look for instagram contact 'alice.ig' in the Callbell dashboard (Contacts): if it is there, delete it in the dashboard before the next " +
              "'pulumi up', or that up creates a second one (Callbell cannot look up instagram contacts by identifier, so they cannot be adopted)",
          );
          return true;
        });
        assert.deepEqual(seen, ["POST /v1/contacts"], "nothing sent after the cut-off POST");
      },
    );
  });

  it("tells how to adopt a telegram contact without a channel whose POST answer was lost", async () => {
    await withServer(
      (req) => req.socket.destroy(),
      async (client, seen) => {
        await assert.rejects(client.create({ identifier: "393331234567", source: "telegram", name: "A" }), (e: Error) => {
          assert.ok(e instanceof CallbellUnknownOutcomeError, e.constructor.name);
          assert.match(e.message, /^Callbell may have created the contact: POST \/contacts — the connection was lost before an answer came /);
          assert.match(e.message, / \((socket hang up|read ECONNRESET)\); look for telegram contact '393331234567' in the Callbell dashboard \(Contacts\): /);
          assert.match(e.message, /set channelUuid to the Telegram channel's uuid \(GET \/channels\) and adopt: true before the next 'pulumi up'/);
          return true;
        });
        assert.deepEqual(seen, ["POST /v1/contacts"]);
      },
    );
  });

  it("retries a GET whose body was cut off", async () => {
    await withServer(
      (req, res, n) => (n === 0 ? cutOff(res) : json(res, 200, { contact: [contact] })),
      async (client, seen) => {
        assert.equal((await client.get(uuid))?.uuid, uuid);
        assert.deepEqual(seen, [`GET /v1/contacts/${uuid}`, `GET /v1/contacts/${uuid}`]);
      },
    );
  });

  it("reports a GET cut off on every attempt as a cut-off answer, not an empty body", async () => {
    await withServer(
      (req, res) => cutOff(res),
      async (client, seen) => {
        await assert.rejects(client.get(uuid), (e: Error) => {
          assert.ok(e instanceof CallbellResponseError, e.constructor.name);
          assert.equal(
            e.message,
            `Unexpected answer from Callbell: GET /contacts/${uuid} answered 200 — the answer was cut off before its end ` +
              "(stream has been aborted); the connection closed or the body could not be decompressed",
          );
          return true;
        });
        assert.equal(seen.length, defaultRetryPolicy.maxRetries + 1);
      },
    );
  });
});

describe("client against hostile answers: time and size limits", () => {
  it("aborts an attempt at its total deadline while the body is still dripping", async () => {
    let closedEarly = 0;
    let finished = 0;
    const drip: Handler = (req, res) => {
      res.writeHead(200, { "content-type": "application/json", "content-length": 200 });
      let sent = 0;
      // One byte every 20 ms keeps axios's idle time-out from ever firing.
      const timer = setInterval(() => {
        if (sent === 200) {
          clearInterval(timer);
          finished++;
          res.end();
          return;
        }
        res.write(" ");
        sent++;
      }, 20);
      res.on("close", () => {
        clearInterval(timer);
        if (sent < 200) closedEarly++;
      });
    };
    await withServer(
      drip,
      async (client, seen) => {
        await assert.rejects(client.get(uuid), (e: Error) => {
          assert.ok(e instanceof CallbellNetworkError, e.constructor.name);
          assert.equal(
            e.message,
            `No answer from Callbell (ETIMEDOUT): GET /contacts/${uuid} — no complete answer within 300 ms, the time one attempt may take`,
          );
          return true;
        });
        // The server sees each abort a moment later: wait for both (a loaded machine is slow), but
        // not for the 4 s a drip takes to run to its end.
        for (const began = Date.now(); closedEarly < 2 && Date.now() - began < 3000;) await new Promise((resolve) => setTimeout(resolve, 10));
        assert.equal(seen.length, 2, "the attempt and its one retry");
        assert.equal(closedEarly, 2, "each attempt was aborted mid-drip");
        assert.equal(finished, 0, "no drip ran to its end");
      },
      { timeoutMs: 300, retryPolicy: { ...fast, maxRetries: 1 } },
    );
  });

  it("stops reading a gzip bomb at the size cap, counted after decompression, and does not retry it", async () => {
    const bomb = zlib.gzipSync(Buffer.alloc(64 * 1024 * 1024, 0x20)); // 64 MiB of spaces in about 64 KB
    await withServer(
      (req, res) => {
        res.writeHead(200, { "content-type": "application/json", "content-encoding": "gzip", "content-length": bomb.length });
        res.end(bomb);
      },
      async (client, seen) => {
        await assert.rejects(client.get(uuid), (e: Error) => {
          assert.ok(e instanceof CallbellResponseError, e.constructor.name);
          assert.equal(
            e.message,
            `Unexpected answer from Callbell: GET /contacts/${uuid} — the answer is larger than 1048576 bytes once decompressed, ` +
              "the most the client reads; Callbell's answers are a few KB, so check that callbell:apiUrl points at the Callbell API",
          );
          return true;
        });
        assert.deepEqual(seen, [`GET /v1/contacts/${uuid}`], "a body over the cap is not fetched again");
      },
    );
  });

  it("turns a 10 MB error message into a short error", async () => {
    await withServer(
      (req, res) => json(res, 422, { error: { message: "x".repeat(10 * 1024 * 1024) } }),
      async (client) => {
        await assert.rejects(client.get(uuid), (e: Error) => {
          assert.ok(e.message.length < 400, `${e.message.length} characters`);
          assert.match(e.message, /larger than 1048576 bytes once decompressed/);
          return true;
        });
      },
    );
  });

  it("cuts an error message under the size cap to 300 characters", async () => {
    await withServer(
      (req, res) => json(res, 422, { error: { message: "y".repeat(900_000), field: "tags" } }),
      async (client) => {
        await assert.rejects(client.get(uuid), (e: Error) => {
          assert.ok(e instanceof CallbellValidationError);
          assert.equal(e.message, `Callbell refused the value of 'tags': GET /contacts/${uuid} answered 422 — ${"y".repeat(300)}… (899700 more characters)`);
          return true;
        });
      },
    );
  });
});

// Every run of 8 characters of the token, in every form it can be written in.
function leaks(text: string): string[] {
  const forms = [TOKEN, encodeURIComponent(TOKEN), Buffer.from(TOKEN).toString("base64")];
  const found: string[] = [];
  for (const form of forms) {
    for (let i = 0; i + 8 <= form.length; i++) if (text.includes(form.slice(i, i + 8))) found.push(form.slice(i, i + 8));
  }
  return found;
}

describe("client against hostile answers: the token never leaks", () => {
  const b64 = (prefix: string) => Buffer.from(`${prefix}${TOKEN}:x`).toString("base64");
  // Places a body may hold the token: whole, cut by the 120/300-character excerpt, a prefix,
  // URL-encoded, base64 at each alignment, and a run from its middle.
  const mentions = (at: number) => [
    `${"a".repeat(at)}${TOKEN}`,
    `prefix ${TOKEN.slice(0, 12)} middle ${TOKEN.slice(9, 21)} url ${encodeURIComponent(TOKEN)}`,
    `basic ${b64("")} ${b64("u")} ${b64("us")} bearer ${Buffer.from(TOKEN).toString("base64")}`,
  ];
  const bodies: [string, (text: string) => { type: string; body: string }][] = [
    ["JSON", (t) => ({ type: "application/json", body: JSON.stringify({ error: { message: t } }) })],
    ["JSON without a message", (t) => ({ type: "application/json", body: JSON.stringify({ detail: t }) })],
    ["HTML", (t) => ({ type: "text/html", body: `<html><body><h1>Error</h1><p>${t}</p></body></html>` })],
    ["text", (t) => ({ type: "text/plain", body: t })],
    ["empty", () => ({ type: "text/plain", body: "" })],
    ["huge", (t) => ({ type: "text/plain", body: `${t} ${"z".repeat(600_000)} ${t}` })],
    ["over the cap", (t) => ({ type: "text/plain", body: `${t} ${"z".repeat(2_000_000)}` })],
  ];
  for (const [kind, make] of bodies) {
    for (const status of [200, 400, 500]) {
      it(`in a ${kind} body answered ${status}`, async () => {
        const texts = [...mentions(110), ...mentions(290), ...mentions(0)];
        await withServer(
          (req, res, n) => {
            const { type, body } = make(texts[n % texts.length]);
            res.writeHead(status, { "content-type": type });
            res.end(body);
          },
          async (client) => {
            for (let i = 0; i < texts.length; i++) {
              await assert.rejects(client.get(uuid), (e: Error) => {
                assert.ok(e instanceof CallbellError, e.constructor.name);
                const shown = `${e.message}\n${String(e.stack)}\n${JSON.stringify(e)}`;
                assert.deepEqual(leaks(shown), [], shown.slice(0, 600));
                return true;
              });
            }
          },
          { retryPolicy: { ...fast, maxRetries: 0 } },
        );
      });
    }
  }

  it("redacts any run of 8+ characters of the token, its URL-encoded and base64 forms, and keeps other text", () => {
    assert.equal(redact(`a ${TOKEN.slice(3, 11)} b ${TOKEN.slice(0, 7)} c`, [TOKEN]), `a [REDACTED] b ${TOKEN.slice(0, 7)} c`);
    assert.equal(redact(`u=${encodeURIComponent(TOKEN)}&v=1`, [TOKEN]), "u=[REDACTED]&v=1");
    for (const prefix of ["", "u", "us", "usr"]) {
      const text = Buffer.from(`${prefix}${TOKEN}`).toString("base64");
      assert.deepEqual(leaks(redact(text, [TOKEN])), [], text);
      assert.match(redact(text, [TOKEN]), /\[REDACTED\]/);
    }
    assert.equal(redact("nothing secret here", [TOKEN]), "nothing secret here");
  });
});
