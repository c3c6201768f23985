// Delivery of signed webhook events to a real receiver on 127.0.0.1: contact_created, contact_updated and
// contact_deleted for API, admin and dashboard changes, the signature checked here with the documented algorithm,
// retries with a fresh t, disabling after failures in a row, no event that is not subscribed, GET /webhooks/events,
// and nothing left running after close. Tests wait with settleDeliveries(), never with sleeps.
import * as assert from "node:assert/strict";
import { createHmac, timingSafeEqual } from "node:crypto";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { startSimulator, type StartedSimulator, type WebhookDelivery } from "../src";
import { call, createContact, startReceiver, useSimulator, type ReceivedRequest, type Receiver, type ReceiverAnswer } from "./support";

const CONTACT_EVENTS = ["contact_created", "contact_updated", "contact_deleted"];
const SECRET = "whsec_test_0123456789abcdef";

/** Checks X-Callbell-Signature as a receiver must: t=<unix s>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>, in constant time. */
function verifySignature(header: string | string[] | undefined, body: string, secret: string): number {
  assert.equal(typeof header, "string", "the attempt carries X-Callbell-Signature");
  const match = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header as string);
  assert.ok(match, `malformed signature header ${String(header)}`);
  const t = Number(match[1]);
  const expected = createHmac("sha256", secret).update(`${t}.${body}`).digest();
  const given = Buffer.from(match[2], "hex");
  assert.ok(given.length === expected.length && timingSafeEqual(given, expected), "the signature matches the body and t");
  return t;
}

/** The {event, payload} bodies a receiver got, parsed. */
function events(receiver: Receiver): Array<{ event: string; payload: Record<string, unknown> }> {
  return receiver.received.map((request) => JSON.parse(request.body));
}

describe("simulator: webhook deliveries", () => {
  const START = Date.parse("2026-12-07T10:00:00Z");
  let now = START;
  let answer: (request: ReceivedRequest, index: number) => ReceiverAnswer = () => ({ status: 200 });
  let receiver: Receiver;
  const context = useSimulator({ wallClock: () => now, webhookDelivery: { retryDelaysMs: [20, 20], timeoutMs: 2000 } });

  before(async () => {
    receiver = await startReceiver((request, index) => answer(request, index));
  });
  after(() => receiver.close());
  beforeEach(() => {
    now = START;
    answer = () => ({ status: 200 });
    receiver.received.length = 0;
  });
  afterEach(() => receiver.release());

  const subscribe = async (subscriptions: string[] = CONTACT_EVENTS, url = receiver.url): Promise<void> => {
    const answered = await call(context.sim, "POST", "/webhooks/subscribe", { body: { url, subscriptions } });
    assert.equal(answered.status, 200, JSON.stringify(answered.body));
  };

  it("POSTs contact_created, contact_updated and contact_deleted as JSON {event, payload} for API changes, in order", async () => {
    await subscribe();
    const created = await createContact(context.sim, { name: "Hooked", tags: ["qa"] });
    const patched = (await call(context.sim, "PATCH", `/contacts/${created.uuid}`, { body: { name: "Hooked again" } })).body.contact[0];
    await call(context.sim, "DELETE", `/contacts/${created.uuid}`);
    const deliveries = await context.sim.admin.settleDeliveries();

    assert.deepEqual(events(receiver), [
      { event: "contact_created", payload: created },
      { event: "contact_updated", payload: patched },
      { event: "contact_deleted", payload: patched },
    ]);
    for (const request of receiver.received) {
      assert.equal(request.method, "POST");
      assert.equal(request.path, "/hooks/callbell");
      assert.equal(request.headers["content-type"], "application/json");
      assert.equal(request.headers["x-callbell-signature"], undefined, "no secret, no signature");
    }
    assert.deepEqual(
      deliveries.map((d) => [d.event, d.url, d.state, d.success, d.attempts.length, d.attempts[0].status, d.attempts[0].signature]),
      CONTACT_EVENTS.map((event) => [event, receiver.url, "delivered", true, 1, 200, null]),
    );
    assert.equal(deliveries[0].body, receiver.received[0].body, "the record keeps the exact bytes sent");
    assert.deepEqual(
      (await context.sim.admin.requests()).map((entry) => entry.path.split("/")[2]),
      ["webhooks", "contacts", "contacts", "contacts"],
      "deliveries are outbound: they are not in the request log",
    );
  });

  it("sends the same events for admin changes and the dashboard's form", async () => {
    await subscribe();
    const created = await context.sim.admin.createContact({ identifier: "393339990001", source: "whatsapp", name: "Admin made" });
    const edited = await context.sim.admin.editContact(created.uuid, { name: "Admin edited" });
    const form = await fetch(`${context.sim.origin}/contacts/${created.uuid}`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ name: "Dashboard edited" }).toString(),
      redirect: "manual",
    });
    assert.equal(form.status, 303);
    const formEdited = await context.sim.admin.contact(created.uuid);
    await context.sim.admin.deleteContact(created.uuid);
    await context.sim.admin.settleDeliveries();
    assert.deepEqual(events(receiver), [
      { event: "contact_created", payload: created },
      { event: "contact_updated", payload: edited },
      { event: "contact_updated", payload: formEdited },
      { event: "contact_deleted", payload: formEdited },
    ]);
    assert.equal(events(receiver)[2].payload.name, "Dashboard edited");
  });

  it("signs every attempt with the secret set now: X-Callbell-Signature verifies with the documented HMAC; a rotation applies at once", async () => {
    await subscribe();
    await context.sim.admin.setSigningSecret(SECRET);
    await createContact(context.sim, { name: "Signed" });
    await context.sim.admin.settleDeliveries();
    await context.sim.admin.setSigningSecret("whsec_rotated");
    now += 10_000;
    await createContact(context.sim, { name: "Rotated" });
    const deliveries = await context.sim.admin.settleDeliveries();

    const [first, second] = receiver.received;
    assert.equal(verifySignature(first.headers["x-callbell-signature"], first.body, SECRET), START / 1000);
    assert.equal(verifySignature(second.headers["x-callbell-signature"], second.body, "whsec_rotated"), START / 1000 + 10);
    assert.throws(() => verifySignature(second.headers["x-callbell-signature"], second.body, SECRET), /signature matches/, "the old secret no longer verifies");
    assert.deepEqual(
      deliveries.map((d) => [d.attempts[0].t, d.attempts[0].signature]),
      receiver.received.map((r) => [Number(/^t=(\d+)/.exec(r.headers["x-callbell-signature"] as string)![1]), r.headers["x-callbell-signature"]]),
    );
    await context.sim.admin.clearSigningSecret();
    await createContact(context.sim, { name: "Unsigned again" });
    await context.sim.admin.settleDeliveries();
    assert.equal(receiver.received[2].headers["x-callbell-signature"], undefined);
  });

  it("retries a delivery answered 500, signed again with a new t, and records every attempt", async () => {
    await subscribe();
    await context.sim.admin.setSigningSecret(SECRET);
    answer = (_request, index) => {
      if (index > 0) return { status: 200 };
      now += 2000; // the receiver takes two seconds, then fails: the retry is signed at a later second
      return { status: 500, body: "database down", headers: { "x-trace": "abc" } };
    };
    await createContact(context.sim, { name: "Retried" });
    const [delivery] = await context.sim.admin.settleDeliveries();

    assert.equal(receiver.received.length, 2);
    assert.equal(receiver.received[1].body, receiver.received[0].body, "a retry sends the same body");
    const [t1, t2] = receiver.received.map((request) => verifySignature(request.headers["x-callbell-signature"], request.body, SECRET));
    assert.ok(t2 > t1, `the retry is signed with a new t (${t1} then ${t2})`);
    assert.deepEqual(
      delivery.attempts.map((a) => [a.t, a.status, a.response.code, a.response.body]),
      [
        [t1, 500, 500, "database down"],
        [t2, 200, 200, '{"status":"ok"}'],
      ],
    );
    assert.equal(delivery.attempts[0].response.headers["x-trace"], "abc");
    assert.deepEqual([delivery.state, delivery.success], ["delivered", true]);
  });

  it("fails a delivery after the last retry; a connection error and a timeout are failed attempts with status 0", async () => {
    await subscribe();
    answer = () => ({ status: 503, body: "x".repeat(10_000) });
    await createContact(context.sim, { name: "Failing" });
    let [delivery] = await context.sim.admin.settleDeliveries();
    assert.deepEqual([delivery.state, delivery.success, delivery.attempts.length], ["failed", false, 3], "one attempt and two retries");
    assert.equal(delivery.attempts[2].response.body.length, 4096, "the answer's body is cut at 4096 bytes");

    // Nobody listens on the receiver's port once it is closed for this part: a connection error.
    const closed = await startReceiver();
    await closed.close();
    await context.sim.admin.reset();
    await subscribe(CONTACT_EVENTS, closed.url);
    await createContact(context.sim);
    [delivery] = await context.sim.admin.settleDeliveries();
    assert.deepEqual(
      delivery.attempts.map((a) => [a.status, a.error, a.response.code]),
      Array.from({ length: 3 }, () => [0, "ECONNREFUSED", 0]),
    );

    await context.sim.admin.reset();
    await context.sim.admin.setDeliverySettings({ retryDelaysMs: [], timeoutMs: 100 });
    await subscribe();
    answer = () => ({ status: 200, hold: true });
    await createContact(context.sim);
    [delivery] = await context.sim.admin.settleDeliveries();
    assert.deepEqual([delivery.state, delivery.attempts[0].status, delivery.attempts[0].error], ["failed", 0, "timeout after 100 ms"]);
  });

  it("disables the webhook after N failed deliveries in a row, delivers nothing more, and a subscribe enables it again", async () => {
    await context.sim.admin.setDeliverySettings({ retryDelaysMs: [5], disableAfterFailures: 2 });
    await subscribe();
    answer = () => ({ status: 500 });
    await createContact(context.sim, { name: "F1" });
    await createContact(context.sim, { name: "F2" });
    await context.sim.admin.settleDeliveries();
    const disabled = await context.sim.admin.webhook();
    assert.deepEqual([disabled?.enabled, disabled?.consecutiveFailures], [false, 2]);
    assert.equal(receiver.received.length, 4, "two deliveries, two attempts each");

    answer = () => ({ status: 200 });
    await createContact(context.sim, { name: "While disabled" });
    assert.equal((await context.sim.admin.settleDeliveries()).length, 2, "no delivery is queued while disabled");
    assert.equal(receiver.received.length, 4);

    await subscribe();
    assert.deepEqual([(await context.sim.admin.webhook())?.enabled, (await context.sim.admin.webhook())?.consecutiveFailures], [true, 0]);
    await createContact(context.sim, { name: "After re-enable" });
    await context.sim.admin.settleDeliveries();
    assert.deepEqual(
      events(receiver).map((e) => e.payload.name),
      ["F1", "F1", "F2", "F2", "After re-enable"],
    );
  });

  it("a success resets the count: failures must be in a row to disable", async () => {
    await context.sim.admin.setDeliverySettings({ retryDelaysMs: [], disableAfterFailures: 2 });
    await subscribe();
    answer = (request) => ({ status: JSON.parse(request.body).payload.name === "ok" ? 200 : 500 });
    for (const name of ["bad", "ok", "bad"]) await createContact(context.sim, { name });
    await context.sim.admin.settleDeliveries();
    assert.deepEqual([(await context.sim.admin.webhook())?.enabled, (await context.sim.admin.webhook())?.consecutiveFailures], [true, 1]);
  });

  it("sends only the events the webhook subscribes to, and nothing once unsubscribed", async () => {
    await subscribe(["contact_deleted", "message_created"]);
    const contact = await createContact(context.sim, { name: "Only deletes" });
    await call(context.sim, "PATCH", `/contacts/${contact.uuid}`, { body: { name: "Still only deletes" } });
    await call(context.sim, "DELETE", `/contacts/${contact.uuid}`);
    await context.sim.admin.settleDeliveries();
    assert.deepEqual(
      events(receiver).map((e) => [e.event, e.payload.name]),
      [["contact_deleted", "Still only deletes"]],
    );
    await call(context.sim, "DELETE", "/webhooks/unsubscribe");
    await createContact(context.sim);
    assert.equal((await context.sim.admin.settleDeliveries()).length, 1);
    assert.equal(receiver.received.length, 1);
  });

  it("answers the API call without waiting for the receiver; events go out one at a time, in order", async () => {
    await subscribe();
    answer = () => ({ status: 200, hold: true });
    const contact = await createContact(context.sim, { name: "Held" });
    assert.equal(contact.name, "Held", "the API answered while the receiver holds its answer");
    for (let i = 1; i <= 4; i++) await createContact(context.sim, { name: `Queued ${i}` });
    const pending = await context.sim.admin.deliveries();
    assert.deepEqual(
      pending.map((d) => d.state),
      ["pending", "pending", "pending", "pending", "pending"],
    );
    assert.equal(
      pending.slice(1).every((d) => d.attempts.length === 0),
      true,
      "the next waits for the one before",
    );
    answer = () => ({ status: 200 });
    receiver.release();
    const done = await context.sim.admin.settleDeliveries();
    assert.deepEqual(
      done.map((d) => d.state),
      ["delivered", "delivered", "delivered", "delivered", "delivered"],
    );
    assert.deepEqual(
      events(receiver).map((e) => e.payload.name),
      ["Held", "Queued 1", "Queued 2", "Queued 3", "Queued 4"],
    );
  });

  it("removing the webhook cancels its pending deliveries", async () => {
    await subscribe();
    answer = () => ({ status: 200, hold: true });
    await createContact(context.sim, { name: "In flight" });
    await createContact(context.sim, { name: "Waiting" });
    await context.sim.admin.deleteWebhook();
    const deliveries = await context.sim.admin.settleDeliveries();
    assert.deepEqual(
      deliveries.map((d) => d.state),
      ["cancelled", "cancelled"],
    );
  });

  it("GET /webhooks/events lists finished deliveries newest first with the last attempt's response; filters by status and event; pages by items", async () => {
    await subscribe();
    answer = (request) => (JSON.parse(request.body).event === "contact_updated" ? { status: 500, body: "nope" } : { status: 200, body: '{"status":"ok"}' });
    await context.sim.admin.setDeliverySettings({ retryDelaysMs: [] });
    const contact = await createContact(context.sim, { name: "Listed" });
    now += 1000;
    const updated = (await call(context.sim, "PATCH", `/contacts/${contact.uuid}`, { body: { note: "x" } })).body.contact[0];
    now += 1000;
    await call(context.sim, "DELETE", `/contacts/${contact.uuid}`);
    await context.sim.admin.settleDeliveries();

    const all = await call(context.sim, "GET", "/webhooks/events");
    assert.equal(all.status, 200);
    assert.deepEqual(Object.keys(all.body), ["webhook_events", "meta"]);
    assert.deepEqual(all.body.meta, { page: 1, pages: 1 });
    const [deleted, failed, created] = all.body.webhook_events;
    assert.deepEqual(Object.keys(failed).sort(), ["createdAt", "event", "payload", "response", "success"]);
    assert.deepEqual(
      all.body.webhook_events.map((e: { event: string; success: boolean; createdAt: string }) => [e.event, e.success, e.createdAt]),
      [
        ["contact_deleted", true, "2026-12-07T10:00:02Z"],
        ["contact_updated", false, "2026-12-07T10:00:01Z"],
        ["contact_created", true, "2026-12-07T10:00:00Z"],
      ],
    );
    assert.deepEqual(failed.payload, updated);
    assert.deepEqual([failed.response.code, failed.response.body, failed.response.headers["content-type"]], [500, "nope", "application/json"]);
    assert.equal(created.payload.uuid, contact.uuid);
    assert.equal(deleted.response.code, 200);

    const names = async (query: string) =>
      (await call(context.sim, "GET", `/webhooks/events?${query}`)).body.webhook_events.map((e: { event: string }) => e.event);
    assert.deepEqual(await names("status=failed"), ["contact_updated"]);
    assert.deepEqual(await names("status=success"), ["contact_deleted", "contact_created"]);
    assert.deepEqual(await names("subscriptions=contact_created,contact_deleted"), ["contact_deleted", "contact_created"]);
    assert.deepEqual(await names("status=success&subscriptions=contact_created"), ["contact_created"]);
    const paged = await call(context.sim, "GET", "/webhooks/events?items=2&page=2");
    assert.deepEqual(paged.body.meta, { page: 2, pages: 2 });
    assert.deepEqual(
      paged.body.webhook_events.map((e: { event: string }) => e.event),
      ["contact_created"],
    );

    await call(context.sim, "DELETE", "/webhooks/unsubscribe");
    await subscribe();
    assert.deepEqual(await names(""), [], "a new webhook starts with no events");
    assert.equal((await context.sim.admin.deliveries()).length, 3, "the admin API keeps them until reset");
    await context.sim.admin.reset();
    assert.deepEqual(await context.sim.admin.deliveries(), []);
  });

  it("the dashboard's settings page lists recent deliveries, newest first", async () => {
    await subscribe();
    answer = (_request, index) => ({ status: index === 0 ? 200 : 410 });
    await context.sim.admin.setDeliverySettings({ retryDelaysMs: [] });
    await createContact(context.sim, { name: "Shown" });
    await createContact(context.sim, { name: "Shown too" });
    const [first, second] = await context.sim.admin.settleDeliveries();
    const html = await (await fetch(`${context.sim.origin}/settings`)).text();
    const rows = [
      ...html.matchAll(
        /<tr data-id="(\d+)">\n<td class="event">([^<]*)<\/td>[\s\S]*?<td class="state">(\w+)<\/td>\n<td class="attempts">(\d+)<\/td>\n<td class="status">(\d+)/g,
      ),
    ];
    assert.deepEqual(
      rows.map((row) => row.slice(1)),
      [
        [String(second.id), "contact_created", "failed", "1", "410"],
        [String(first.id), "contact_created", "delivered", "1", "200"],
      ],
    );
  });
});

// Timers created with one of these delays (the run's retry delay and attempt timeout, used by nothing else) are watched:
// once the simulator is closed, each must have run or been cleared. Unref'd timers hide from getActiveResourcesInfo().
function watchTimers(delays: number[]): { live: Set<unknown>; restore(): void } {
  const realSet = globalThis.setTimeout;
  const realClear = globalThis.clearTimeout;
  const live = new Set<unknown>();
  const watchedSet = (callback: (...args: unknown[]) => void, ms?: number, ...args: unknown[]) => {
    const handle = realSet(
      (...callArgs: unknown[]) => {
        live.delete(handle);
        callback(...callArgs);
      },
      ms,
      ...args,
    );
    if (ms !== undefined && delays.includes(ms)) live.add(handle);
    return handle;
  };
  globalThis.setTimeout = watchedSet as unknown as typeof setTimeout;
  globalThis.clearTimeout = ((handle: NodeJS.Timeout | undefined) => {
    live.delete(handle);
    realClear(handle);
  }) as typeof clearTimeout;
  return {
    live,
    restore: () => {
      globalThis.setTimeout = realSet;
      globalThis.clearTimeout = realClear;
    },
  };
}

describe("simulator: deliveries stop with the simulator", () => {
  const RETRY_MS = 61_000;
  const TIMEOUT_MS = 59_000;

  async function pollDeliveries(sim: StartedSimulator, done: (deliveries: WebhookDelivery[]) => boolean): Promise<WebhookDelivery[]> {
    // Polls (no fixed sleep) until the state the test needs is there.
    for (;;) {
      const deliveries = await sim.admin.deliveries();
      if (done(deliveries)) return deliveries;
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  it("close() cancels a retry that waits, and leaves none of its timers behind", async () => {
    const receiver = await startReceiver(() => ({ status: 500 }));
    const timers = watchTimers([RETRY_MS, TIMEOUT_MS]);
    try {
      const sim = await startSimulator({ rateLimitPerSecond: 0, webhookDelivery: { retryDelaysMs: [RETRY_MS], timeoutMs: TIMEOUT_MS } });
      try {
        await call(sim, "POST", "/webhooks/subscribe", { body: { url: receiver.url, subscriptions: ["contact_created"] } });
        await createContact(sim);
        await createContact(sim);
        const deliveries = await pollDeliveries(sim, (list) => list[0]?.attempts[0]?.status === 500);
        assert.deepEqual(
          deliveries.map((d) => d.state),
          ["pending", "pending"],
        );
        assert.equal(timers.live.size, 1, "the retry waits on its timer");
      } finally {
        await sim.close();
      }
      assert.equal(timers.live.size, 0, "close() cleared the retry timer");
      assert.equal(receiver.received.length, 1, "the retry never went out");
    } finally {
      timers.restore();
      await receiver.close();
    }
  });

  it("close() aborts an attempt in flight: the receiver sees the connection close, and its timeout timer is cleared", async () => {
    let connectionClosed!: () => void;
    const closed = new Promise<void>((resolve) => (connectionClosed = resolve));
    const server = http.createServer((request) => request.socket.on("close", () => connectionClosed()));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/never-answers`;
    const timers = watchTimers([RETRY_MS, TIMEOUT_MS]);
    try {
      const sim = await startSimulator({ rateLimitPerSecond: 0, webhookDelivery: { retryDelaysMs: [RETRY_MS], timeoutMs: TIMEOUT_MS } });
      try {
        await call(sim, "POST", "/webhooks/subscribe", { body: { url, subscriptions: ["contact_created"] } });
        await createContact(sim);
        await pollDeliveries(sim, (list) => list[0]?.attempts.length === 1);
        assert.equal(timers.live.size, 1, "the attempt's timeout runs");
      } finally {
        await sim.close();
      }
      await closed;
      assert.equal(timers.live.size, 0, "close() cleared the attempt's timeout");
    } finally {
      timers.restore();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
