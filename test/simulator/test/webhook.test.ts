// Conformance of the Webhooks API: subscribe (create or replace the account's one webhook), unsubscribe, each
// validation 422 naming its field, the loopbackWebhooks and webhookRead variants, auth and the request log, the admin
// calls over the webhook, its secret and its delivery settings, and the dashboard's view of it.
import * as assert from "node:assert/strict";
import { AdminError, DEFAULT_DELIVERY_SETTINGS, DEFAULT_VARIANTS, WEBHOOK_EVENTS } from "../src";
import { parseArguments } from "../src/cli";
import { call, expectError, useSimulator } from "./support";

const URL_A = "https://hooks.example/callbell";
const URL_B = "https://other.example/in?source=callbell";
const CALLBELL_TIME = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} \+0000$/;

function isAdminError(status: number, pattern?: RegExp): (error: unknown) => boolean {
  return (error: unknown) => {
    assert.ok(error instanceof AdminError, String(error));
    assert.equal(error.status, status);
    if (pattern) assert.match(error.message, pattern);
    return true;
  };
}

describe("simulator: the webhook", () => {
  const START = Date.parse("2026-12-07T10:00:00Z");
  let now = START;
  const context = useSimulator({ wallClock: () => now });
  beforeEach(() => {
    now = START;
  });

  const subscribe = (body: unknown) => call(context.sim, "POST", "/webhooks/subscribe", { body });

  it("POST /webhooks/subscribe creates the account's webhook: 200 {webhook: {url, subscriptions, createdAt, enabled}}", async () => {
    const answer = await subscribe({ url: URL_A, subscriptions: ["contact_created", "message_created"] });
    assert.equal(answer.status, 200);
    assert.deepEqual(answer.body, {
      webhook: { url: URL_A, subscriptions: ["contact_created", "message_created"], createdAt: "2026-12-07 10:00:00 +0000", enabled: true },
    });
    assert.match(answer.body.webhook.createdAt, CALLBELL_TIME);
  });

  it("a second subscribe replaces url and subscriptions, keeps createdAt, and enables a disabled webhook again", async () => {
    const first = (await subscribe({ url: URL_A, subscriptions: ["contact_created"] })).body.webhook;
    await context.sim.admin.setWebhook({ enabled: false });
    now += 3_600_000;
    const second = await subscribe({ url: URL_B, subscriptions: ["contact_deleted", "contact_updated"] });
    assert.deepEqual(second.body, {
      webhook: { url: URL_B, subscriptions: ["contact_deleted", "contact_updated"], createdAt: first.createdAt, enabled: true },
    });
    assert.deepEqual(await context.sim.admin.webhook(), { ...second.body.webhook, secretSet: false, consecutiveFailures: 0 });
  });

  it('DELETE /webhooks/unsubscribe answers {"status":"webhook was destroyed"}, then 404; a new subscribe is a new webhook', async () => {
    expectError(await call(context.sim, "DELETE", "/webhooks/unsubscribe"), 404, "not_found");
    await subscribe({ url: URL_A, subscriptions: ["contact_created"] });
    const answer = await call(context.sim, "DELETE", "/webhooks/unsubscribe");
    assert.equal(answer.status, 200);
    assert.deepEqual(answer.body, { status: "webhook was destroyed" });
    assert.equal(await context.sim.admin.webhook(), null);
    expectError(await call(context.sim, "DELETE", "/webhooks/unsubscribe"), 404, "not_found");
    now += 60_000;
    const again = await subscribe({ url: URL_A, subscriptions: ["contact_created"] });
    assert.equal(again.body.webhook.createdAt, "2026-12-07 10:01:00 +0000");
  });

  it("accepts every event the reference lists", async () => {
    const answer = await subscribe({ url: URL_A, subscriptions: [...WEBHOOK_EVENTS] });
    assert.equal(answer.status, 200);
    assert.deepEqual(answer.body.webhook.subscriptions, [...WEBHOOK_EVENTS]);
    assert.equal(WEBHOOK_EVENTS.length, 10);
  });

  describe("validation", () => {
    const valid = { url: URL_A, subscriptions: ["contact_created"] };
    const refused: Array<[string, Record<string, unknown>, string, unknown]> = [
      ["no url", { subscriptions: ["contact_created"] }, "url", undefined],
      ["a url that is not a string", { ...valid, url: 42 }, "url", 42],
      ["a url without http:// or https://", { ...valid, url: "www.example.com/hook" }, "url", "www.example.com/hook"],
      ["another scheme", { ...valid, url: "ftp://hooks.example/x" }, "url", "ftp://hooks.example/x"],
      ["a url without a host", { ...valid, url: "https://" }, "url", "https://"],
      ["a url over 2048 characters", { ...valid, url: `https://hooks.example/${"x".repeat(2048)}` }, "url", `https://hooks.example/${"x".repeat(2048)}`],
      ["no subscriptions", { url: URL_A }, "subscriptions", undefined],
      ["subscriptions as a comma-separated string", { ...valid, subscriptions: "contact_created" }, "subscriptions", "contact_created"],
      ["no event", { ...valid, subscriptions: [] }, "subscriptions", []],
      ["an unknown event", { ...valid, subscriptions: ["contact_created", "contact_merged"] }, "subscriptions", "contact_merged"],
      ["an event that is not a string", { ...valid, subscriptions: [7] }, "subscriptions", 7],
      ["an event listed twice", { ...valid, subscriptions: ["contact_created", "contact_created"] }, "subscriptions", "contact_created"],
      ["an unknown key", { ...valid, enabled: true }, "enabled", true],
    ];
    for (const [what, body, field, value] of refused) {
      it(`subscribe refuses ${what} with 422 naming ${field}, and changes nothing`, async () => {
        expectError(await subscribe(body), 422, "validation_failed", field, value);
        assert.equal(await context.sim.admin.webhook(), null);
      });
    }

    it("a body that is not a JSON object is 400", async () => {
      expectError(await subscribe([URL_A]), 400, "bad_request");
    });
  });

  it("every route needs the token, is logged with its write body, and takes faults like any /v1 route", async () => {
    const routes: Array<[string, string]> = [
      ["POST", "/webhooks/subscribe"],
      ["DELETE", "/webhooks/unsubscribe"],
      ["GET", "/webhooks/events"],
    ];
    for (const [method, route] of routes) {
      expectError(
        await call(context.sim, method, route, { token: null, body: method === "POST" ? { url: URL_A, subscriptions: ["contact_created"] } : undefined }),
        401,
        "unauthorized",
      );
    }
    await context.sim.admin.clearRequests();
    await context.sim.admin.script([{ path: "/v1/webhooks/subscribe", action: "502" }]);
    const body = { url: URL_A, subscriptions: ["contact_created"] };
    expectError(await subscribe(body), 502, "injected_fault");
    assert.equal(await context.sim.admin.webhook(), null, "a faulted subscribe does nothing");
    await subscribe(body);
    await call(context.sim, "GET", "/webhooks/events?status=failed");
    await call(context.sim, "DELETE", "/webhooks/unsubscribe");
    assert.deepEqual(
      (await context.sim.admin.requests()).map((entry) => [entry.method, entry.path, entry.status, entry.outcome, entry.committed, entry.body]),
      [
        ["POST", "/v1/webhooks/subscribe", 502, "fault", false, body],
        ["POST", "/v1/webhooks/subscribe", 200, "ok", true, body],
        ["GET", "/v1/webhooks/events?status=failed", 200, "ok", false, undefined],
        ["DELETE", "/v1/webhooks/unsubscribe", 200, "ok", true, undefined],
      ],
    );
    const wrongMethod = await call(context.sim, "GET", "/webhooks/subscribe");
    expectError(wrongMethod, 405, "method_not_allowed");
    assert.equal(wrongMethod.headers.get("allow"), "POST");
  });

  describe("GET /webhooks/events", () => {
    it("is 404 when the account has no webhook, and an empty page before any delivery", async () => {
      expectError(await call(context.sim, "GET", "/webhooks/events"), 404, "not_found");
      await subscribe({ url: URL_A, subscriptions: ["contact_created"] });
      assert.deepEqual((await call(context.sim, "GET", "/webhooks/events")).body, { webhook_events: [], meta: { page: 1, pages: 1 } });
    });

    it("refuses a bad status, items, page or event name with 422 naming it", async () => {
      await subscribe({ url: URL_A, subscriptions: ["contact_created"] });
      expectError(await call(context.sim, "GET", "/webhooks/events?status=ok"), 422, "validation_failed", "status", "ok");
      expectError(await call(context.sim, "GET", "/webhooks/events?items=0"), 422, "validation_failed", "items", "0");
      expectError(await call(context.sim, "GET", "/webhooks/events?page=-1"), 422, "validation_failed", "page", "-1");
      expectError(await call(context.sim, "GET", "/webhooks/events?subscriptions=contact_created,nope"), 422, "validation_failed", "subscriptions", "nope");
    });
  });

  describe("admin API", () => {
    it("webhook() reads the webhook whatever its state, says whether a secret is set, and never shows the secret", async () => {
      assert.equal(await context.sim.admin.webhook(), null);
      await subscribe({ url: URL_A, subscriptions: ["contact_created"] });
      await context.sim.admin.setSigningSecret("whsec_never_shown_anywhere");
      const seen = await context.sim.admin.webhook();
      assert.deepEqual(seen, {
        url: URL_A,
        subscriptions: ["contact_created"],
        createdAt: "2026-12-07 10:00:00 +0000",
        enabled: true,
        secretSet: true,
        consecutiveFailures: 0,
      });
      assert.doesNotMatch(JSON.stringify(seen), /never_shown/);
      await context.sim.admin.clearSigningSecret();
      assert.equal((await context.sim.admin.webhook())?.secretSet, false);
    });

    it("setWebhook sets it behind the provider's back (create needs url and subscriptions; an edit keeps createdAt); deleteWebhook removes it", async () => {
      await assert.rejects(context.sim.admin.setWebhook({ enabled: false }), isAdminError(400, /url/));
      const created = await context.sim.admin.setWebhook({ url: URL_A, subscriptions: ["contact_updated"] });
      assert.equal(created.enabled, true);
      now += 1000;
      const edited = await context.sim.admin.setWebhook({ subscriptions: ["contact_deleted"], enabled: false });
      assert.deepEqual(edited, { ...created, subscriptions: ["contact_deleted"], enabled: false });
      assert.deepEqual((await subscribe({ url: URL_B, subscriptions: ["contact_created"] })).body.webhook.createdAt, created.createdAt);
      await assert.rejects(context.sim.admin.setWebhook({ subscriptions: ["nope"] } as never), isAdminError(400, /subscriptions/));
      await assert.rejects(context.sim.admin.setWebhook({ enabled: "no" } as never), isAdminError(400, /enabled/));
      await assert.rejects(context.sim.admin.setWebhook({ secret: "whsec_x" } as never), isAdminError(400, /'secret' cannot be set/));
      await context.sim.admin.deleteWebhook();
      assert.equal(await context.sim.admin.webhook(), null);
      await assert.rejects(context.sim.admin.deleteWebhook(), isAdminError(404));
      assert.deepEqual(
        (await context.sim.admin.requests()).map((entry) => entry.path),
        ["/v1/webhooks/subscribe"],
        "admin calls are not logged",
      );
    });

    it("refuses a signing secret without the whsec_ prefix", async () => {
      for (const secret of ["secret", "whsec_", "whsec_ spaced", "WHSEC_abc"]) {
        await assert.rejects(context.sim.admin.setSigningSecret(secret), isAdminError(400, /whsec_/), secret);
      }
      await assert.rejects(context.sim.admin.setSigningSecret(42 as never), isAdminError(400));
    });

    it("setDeliverySettings changes the retry schedule, disable threshold and timeout, refuses bad values, and reset restores them", async () => {
      assert.deepEqual(await context.sim.admin.deliverySettings(), DEFAULT_DELIVERY_SETTINGS);
      assert.deepEqual(DEFAULT_DELIVERY_SETTINGS, { retryDelaysMs: [1000, 5000, 30_000], disableAfterFailures: 5, timeoutMs: 5000 });
      const changed = await context.sim.admin.setDeliverySettings({ retryDelaysMs: [10, 20], disableAfterFailures: 2 });
      assert.deepEqual(changed, { retryDelaysMs: [10, 20], disableAfterFailures: 2, timeoutMs: 5000 });
      for (const bad of [{ retryDelaysMs: [-1] }, { retryDelaysMs: "1000" }, { disableAfterFailures: 0 }, { timeoutMs: 0 }, { retries: 3 }]) {
        await assert.rejects(context.sim.admin.setDeliverySettings(bad as never), isAdminError(400), JSON.stringify(bad));
      }
      assert.deepEqual(await context.sim.admin.deliverySettings(), changed);
      await context.sim.admin.reset();
      assert.deepEqual(await context.sim.admin.deliverySettings(), DEFAULT_DELIVERY_SETTINGS);
    });

    it("reset forgets the webhook and its secret", async () => {
      await subscribe({ url: URL_A, subscriptions: ["contact_created"] });
      await context.sim.admin.setSigningSecret("whsec_reset_me");
      await context.sim.admin.reset();
      assert.equal(await context.sim.admin.webhook(), null);
      await context.sim.admin.setWebhook({ url: URL_A, subscriptions: ["contact_created"] });
      assert.equal((await context.sim.admin.webhook())?.secretSet, false);
    });
  });

  it("the dashboard's settings page shows url, events, enabled, createdAt and whether a secret is set, never the secret", async () => {
    let html = await (await fetch(`${context.sim.origin}/settings`)).text();
    assert.match(html, /<p class="empty" id="webhook">No webhook\./);
    await subscribe({ url: `${URL_A}?a=1&b=<2>`, subscriptions: ["contact_created", "contact_deleted"] });
    await context.sim.admin.setSigningSecret("whsec_dashboard_must_not_show");
    html = await (await fetch(`${context.sim.origin}/settings`)).text();
    assert.match(html, /<dd class="url"><code>https:\/\/hooks\.example\/callbell\?a=1&#38;b=&#60;2&#62;<\/code><\/dd>/);
    assert.match(html, /<dd class="subscriptions"><span class="tag">contact_created<\/span> <span class="tag">contact_deleted<\/span><\/dd>/);
    assert.match(html, /<dd class="enabled">yes<\/dd>/);
    assert.match(html, /<dd class="created">2026-12-07 10:00:00 \+0000<\/dd>/);
    assert.match(html, /<dd class="secret">set /);
    assert.doesNotMatch(html, /whsec_/);
    assert.match(html, /No deliveries yet\./);
    assert.match(html, /<a href="\/settings">Settings<\/a>/);
  });
});

describe("simulator variant loopbackWebhooks", () => {
  const loopbacks = ["http://localhost:8080/hook", "http://127.0.0.1:9/hook", "http://127.3.2.1/hook", "http://[::1]:9/hook", "https://api.localhost/hook"];

  describe('"accepted" (default)', () => {
    const context = useSimulator();
    it("accepts a receiver on this machine, so local tests work", async () => {
      for (const url of loopbacks) {
        const answer = await call(context.sim, "POST", "/webhooks/subscribe", { body: { url, subscriptions: ["contact_created"] } });
        assert.equal(answer.status, 200, url);
        assert.equal(answer.body.webhook.url, url);
      }
    });
  });

  describe('"refused"', () => {
    const context = useSimulator({ loopbackWebhooks: "refused" });
    it("refuses localhost, 127.x and [::1] with 422 naming url, as Callbell does, and accepts a public host", async () => {
      for (const url of loopbacks) {
        const answer = await call(context.sim, "POST", "/webhooks/subscribe", { body: { url, subscriptions: ["contact_created"] } });
        expectError(answer, 422, "validation_failed", "url", url);
        assert.match(answer.body.error.message, /localhost/);
      }
      const publicHost = await call(context.sim, "POST", "/webhooks/subscribe", { body: { url: URL_A, subscriptions: ["contact_created"] } });
      assert.equal(publicHost.status, 200);
    });
  });
});

describe("simulator variant webhookRead", () => {
  describe('"none" (default)', () => {
    const context = useSimulator();
    it("has no GET /webhooks: 404 route_not_found, as for any unknown route, even with a webhook", async () => {
      await call(context.sim, "POST", "/webhooks/subscribe", { body: { url: URL_A, subscriptions: ["contact_created"] } });
      expectError(await call(context.sim, "GET", "/webhooks"), 404, "route_not_found");
    });
  });

  describe('"get"', () => {
    const context = useSimulator({ webhookRead: "get" });
    it("GET /webhooks answers {webhook}, disabled or not, and 404 not_found when there is none", async () => {
      expectError(await call(context.sim, "GET", "/webhooks"), 404, "not_found");
      const subscribed = (await call(context.sim, "POST", "/webhooks/subscribe", { body: { url: URL_A, subscriptions: ["contact_created"] } })).body;
      assert.deepEqual((await call(context.sim, "GET", "/webhooks")).body, subscribed);
      await context.sim.admin.setWebhook({ enabled: false });
      assert.equal((await call(context.sim, "GET", "/webhooks")).body.webhook.enabled, false);
      expectError(await call(context.sim, "GET", "/webhooks", { token: null }), 401, "unauthorized");
    });
  });
});

describe("simulator: the new variants on the command line", () => {
  it("--status-names, --loopback-webhooks and --webhook-read set them; the defaults are the riskiest for a provider", () => {
    assert.deepEqual(parseArguments(["--status-names", "unique", "--loopback-webhooks", "refused", "--webhook-read", "get"], {}), {
      statusNames: "unique",
      loopbackWebhooks: "refused",
      webhookRead: "get",
    });
    assert.throws(() => parseArguments(["--webhook-read", "post"], {}), /--webhook-read must be none or get, got 'post'/);
    assert.deepEqual([DEFAULT_VARIANTS.statusNames, DEFAULT_VARIANTS.loopbackWebhooks, DEFAULT_VARIANTS.webhookRead], ["duplicates", "accepted", "none"]);
  });
});
