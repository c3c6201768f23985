// Conformance of the Custom Status API: shapes, paging, PUT and DELETE, each validation 422 naming its field, the
// statusNames variant, auth, faults and the request log, the admin calls, persistence and the dashboard's list.
import * as assert from "node:assert/strict";
import { promises as fs } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { AdminError, startSimulator } from "../src";
import { call, expectError, useSimulator } from "./support";

const DASHED_UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const CALLBELL_TIME = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} \+0000$/;
const MISSING_ID = "8dbd6f6c-ec09-4b87-a04e-bef1c2ca41db";

function isAdminError(status: number, pattern?: RegExp): (error: unknown) => boolean {
  return (error: unknown) => {
    assert.ok(error instanceof AdminError, String(error));
    assert.equal(error.status, status);
    if (pattern) assert.match(error.message, pattern);
    return true;
  };
}

describe("simulator: custom statuses", () => {
  // A wall clock the tests move: dates are exact, and a PUT a second later shows in updatedAt.
  const START = Date.parse("2026-12-07T10:00:00Z");
  let now = START;
  const context = useSimulator({ pageSize: 2, wallClock: () => now });
  beforeEach(() => {
    now = START;
  });

  async function createStatus(body: Record<string, unknown>) {
    const answer = await call(context.sim, "POST", "/custom_statuses", { body });
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    return answer.body.customStatus;
  }

  it("POST /custom_statuses answers 200 {customStatus} with a dashed uuid v4 id and Callbell's date format", async () => {
    const answer = await call(context.sim, "POST", "/custom_statuses", { body: { name: "On vacation", emoji: "🏖️" } });
    assert.equal(answer.status, 200);
    assert.deepEqual(Object.keys(answer.body), ["customStatus"]);
    const status = answer.body.customStatus;
    assert.deepEqual(Object.keys(status).sort(), ["createdAt", "emoji", "id", "name", "updatedAt"]);
    assert.match(status.id, DASHED_UUID_V4);
    assert.equal(status.name, "On vacation");
    assert.equal(status.emoji, "🏖️");
    assert.equal(status.createdAt, "2026-12-07 10:00:00 +0000");
    assert.equal(status.updatedAt, status.createdAt);
    assert.match(status.createdAt, CALLBELL_TIME);
    const plain = await createStatus({ name: "Lunch" });
    assert.equal(plain.emoji, null, "an absent emoji is null");
    assert.equal((await createStatus({ name: "Meeting", emoji: null })).emoji, null);
    assert.equal((await createStatus({ name: "Busy", emoji: "" })).emoji, null, '"" is no emoji');
    assert.notEqual(plain.id, status.id);
  });

  it("GET /custom_statuses/:id answers {customStatus}; an unknown id is 404 not_found naming id", async () => {
    const created = await createStatus({ name: "Training", emoji: "📚" });
    const answer = await call(context.sim, "GET", `/custom_statuses/${created.id}`);
    assert.equal(answer.status, 200);
    assert.deepEqual(answer.body, { customStatus: created });
    expectError(await call(context.sim, "GET", `/custom_statuses/${MISSING_ID}`), 404, "not_found", "id", MISSING_ID);
    expectError(await call(context.sim, "GET", "/custom_statuses/not-a-uuid"), 404, "not_found", "id");
  });

  it("GET /custom_statuses lists oldest first with meta {page, pages}, pages by the page size, and answers an empty page past the end", async () => {
    const names = ["A", "B", "C", "D", "E"];
    for (const name of names) await createStatus({ name });
    const pages = [];
    for (const page of [1, 2, 3, 4]) pages.push((await call(context.sim, "GET", `/custom_statuses?page=${page}`)).body);
    assert.deepEqual(
      pages.map((body) => body.customStatuses.map((s: { name: string }) => s.name)),
      [["A", "B"], ["C", "D"], ["E"], []],
    );
    assert.deepEqual(
      pages.map((body) => body.meta),
      [1, 2, 3, 4].map((page) => ({ page, pages: 3 })),
    );
    assert.deepEqual((await call(context.sim, "GET", "/custom_statuses")).body.meta, { page: 1, pages: 3 });
    // As on GET /contacts, `items` is not a parameter of this list: the page size stays the run's.
    assert.equal((await call(context.sim, "GET", "/custom_statuses?items=1")).body.customStatuses.length, 2);
    expectError(await call(context.sim, "GET", "/custom_statuses?page=0"), 422, "validation_failed", "page", "0");
    await context.sim.admin.reset();
    assert.deepEqual((await call(context.sim, "GET", "/custom_statuses")).body, { customStatuses: [], meta: { page: 1, pages: 1 } });
  });

  it("PUT /custom_statuses/:id sets name and emoji, keeps id and createdAt, and bumps updatedAt", async () => {
    const created = await createStatus({ name: "Away", emoji: "🌙" });
    now += 61_000;
    const answer = await call(context.sim, "PUT", `/custom_statuses/${created.id}`, { body: { name: "Away for lunch", emoji: "🍝" } });
    assert.equal(answer.status, 200);
    assert.deepEqual(answer.body, {
      customStatus: { id: created.id, name: "Away for lunch", emoji: "🍝", createdAt: created.createdAt, updatedAt: "2026-12-07 10:01:01 +0000" },
    });
    assert.deepEqual((await call(context.sim, "GET", `/custom_statuses/${created.id}`)).body, answer.body);
    const kept = await call(context.sim, "PUT", `/custom_statuses/${created.id}`, { body: { name: "Renamed only" } });
    assert.equal(kept.body.customStatus.emoji, "🍝", "an absent emoji is left as it is");
    const cleared = await call(context.sim, "PUT", `/custom_statuses/${created.id}`, { body: { name: "Renamed only", emoji: null } });
    assert.equal(cleared.body.customStatus.emoji, null, "emoji null removes it");
    expectError(await call(context.sim, "PUT", `/custom_statuses/${MISSING_ID}`, { body: { name: "x" } }), 404, "not_found", "id", MISSING_ID);
  });

  it('DELETE /custom_statuses/:id answers {"status":"custom status was destroyed"}; then GET, PUT and DELETE are 404', async () => {
    const created = await createStatus({ name: "Gone soon" });
    const answer = await call(context.sim, "DELETE", `/custom_statuses/${created.id}`);
    assert.equal(answer.status, 200);
    assert.deepEqual(answer.body, { status: "custom status was destroyed" });
    expectError(await call(context.sim, "GET", `/custom_statuses/${created.id}`), 404, "not_found", "id");
    expectError(await call(context.sim, "PUT", `/custom_statuses/${created.id}`, { body: { name: "x" } }), 404, "not_found", "id");
    expectError(await call(context.sim, "DELETE", `/custom_statuses/${created.id}`), 404, "not_found", "id");
  });

  describe("validation", () => {
    const refused: Array<[string, Record<string, unknown>, string, unknown]> = [
      ["no name", { emoji: "🙂" }, "name", undefined],
      ["a name that is not a string", { name: 5 }, "name", 5],
      ["a null name", { name: null }, "name", null],
      ["a blank name", { name: "   " }, "name", "   "],
      ["a name over 50 characters", { name: "x".repeat(51) }, "name", "x".repeat(51)],
      ["an emoji that is not a string", { name: "Busy", emoji: 1 }, "emoji", 1],
      ["an emoji over 16 characters", { name: "Busy", emoji: "🙂".repeat(17) }, "emoji", "🙂".repeat(17)],
      ["an unknown key", { name: "Busy", color: "red" }, "color", "red"],
      ["the id in the body", { id: MISSING_ID, name: "Busy" }, "id", MISSING_ID],
    ];
    for (const [what, body, field, value] of refused) {
      it(`POST and PUT refuse ${what} with 422 naming ${field}`, async () => {
        expectError(await call(context.sim, "POST", "/custom_statuses", { body }), 422, "validation_failed", field, value);
        const created = await createStatus({ name: "Valid" });
        expectError(await call(context.sim, "PUT", `/custom_statuses/${created.id}`, { body }), 422, "validation_failed", field, value);
        assert.deepEqual(await context.sim.admin.customStatuses(), [created], "nothing was created or changed");
      });
    }

    it("accepts a name of exactly 50 characters (code points) and a 16-character emoji", async () => {
      const status = await createStatus({ name: "é".repeat(50), emoji: "🙂".repeat(16) });
      assert.equal(Array.from(status.name).length, 50);
    });

    it("a body that is not a JSON object is 400, a bad JSON body 400, and a PUT without Content-Type: application/json 415", async () => {
      expectError(await call(context.sim, "POST", "/custom_statuses", { body: ["Busy"] }), 400, "bad_request");
      const created = await createStatus({ name: "Valid" });
      const json = { "content-type": "application/json" };
      expectError(await call(context.sim, "PUT", `/custom_statuses/${created.id}`, { rawBody: '{"name":', headers: json }), 400, "bad_json");
      expectError(await call(context.sim, "PUT", `/custom_statuses/${created.id}`, { rawBody: '{"name":"x"}' }), 415, "unsupported_media_type");
    });
  });

  it("every route needs the token, is logged with its write body, and takes scripted faults like any /v1 route", async () => {
    const created = await createStatus({ name: "Logged" });
    for (const [method, route] of [
      ["GET", "/custom_statuses"],
      ["POST", "/custom_statuses"],
      ["GET", `/custom_statuses/${created.id}`],
      ["PUT", `/custom_statuses/${created.id}`],
      ["DELETE", `/custom_statuses/${created.id}`],
    ]) {
      expectError(
        await call(context.sim, method, route, { token: null, body: method === "POST" || method === "PUT" ? { name: "x" } : undefined }),
        401,
        "unauthorized",
      );
    }
    await context.sim.admin.clearRequests();
    await context.sim.admin.script([
      { method: "PUT", path: "/v1/custom_statuses", action: "503" },
      { method: "PUT", path: "/v1/custom_statuses", action: "commit-then-500" },
    ]);
    expectError(await call(context.sim, "PUT", `/custom_statuses/${created.id}`, { body: { name: "Not applied" } }), 503, "injected_fault");
    assert.equal((await context.sim.admin.customStatus(created.id)).name, "Logged");
    expectError(await call(context.sim, "PUT", `/custom_statuses/${created.id}`, { body: { name: "Applied" } }), 500, "internal_error");
    assert.equal((await context.sim.admin.customStatus(created.id)).name, "Applied", "commit-then-500 did the work");
    await call(context.sim, "DELETE", `/custom_statuses/${created.id}`);
    const log = await context.sim.admin.requests();
    assert.deepEqual(
      log.map((entry) => [entry.method, entry.path.replace(created.id, ":id"), entry.status, entry.outcome, entry.committed, entry.body]),
      [
        ["PUT", "/v1/custom_statuses/:id", 503, "fault", false, { name: "Not applied" }],
        ["PUT", "/v1/custom_statuses/:id", 500, "commit-then-fail", true, { name: "Applied" }],
        ["DELETE", "/v1/custom_statuses/:id", 200, "ok", true, undefined],
      ],
    );
  });

  it("a known path with the wrong method is 405 naming the allowed ones", async () => {
    const answer = await call(context.sim, "PATCH", `/custom_statuses/${MISSING_ID}`, { body: { name: "x" } });
    expectError(answer, 405, "method_not_allowed");
    assert.equal(answer.headers.get("allow"), "GET, PUT, DELETE");
  });

  describe("admin API", () => {
    it("lists, reads, creates, edits and deletes statuses behind the provider's back, seen by the API and not logged", async () => {
      const created = await context.sim.admin.createCustomStatus({ name: "Dashboard made", emoji: "🛠️" });
      assert.match(created.id, DASHED_UUID_V4);
      assert.deepEqual((await call(context.sim, "GET", `/custom_statuses/${created.id}`)).body.customStatus, created);
      now += 5000;
      const edited = await context.sim.admin.editCustomStatus(created.id, { name: "Edited by hand" });
      assert.deepEqual(edited, { ...created, name: "Edited by hand", updatedAt: "2026-12-07 10:00:05 +0000" });
      assert.deepEqual(await context.sim.admin.customStatuses(), [edited]);
      assert.deepEqual(await context.sim.admin.customStatus(created.id), edited);
      assert.equal((await context.sim.admin.editCustomStatus(created.id, { emoji: null })).emoji, null);
      await context.sim.admin.deleteCustomStatus(created.id);
      expectError(await call(context.sim, "GET", `/custom_statuses/${created.id}`), 404, "not_found");
      assert.deepEqual(
        (await context.sim.admin.requests()).map((entry) => entry.method),
        ["GET", "GET"],
      );
    });

    it("refuses a bad create (422 as the API), a bad edit (400), and a missing id (404)", async () => {
      await assert.rejects(context.sim.admin.createCustomStatus({ name: "" }), isAdminError(422));
      const created = await context.sim.admin.createCustomStatus({ name: "Valid" });
      await assert.rejects(context.sim.admin.editCustomStatus(created.id, { color: "red" } as never), isAdminError(400, /'color' cannot be edited/));
      await assert.rejects(context.sim.admin.editCustomStatus(created.id, { name: "  " }), isAdminError(400));
      await assert.rejects(context.sim.admin.editCustomStatus(created.id, { emoji: 3 } as never), isAdminError(400));
      await assert.rejects(context.sim.admin.editCustomStatus(MISSING_ID, { name: "x" }), isAdminError(404));
      await assert.rejects(context.sim.admin.deleteCustomStatus(MISSING_ID), isAdminError(404));
      await assert.rejects(context.sim.admin.customStatus(MISSING_ID), isAdminError(404));
    });
  });

  it("the dashboard's settings page lists the statuses, names escaped", async () => {
    await createStatus({ name: "<b>Bold</b> & co", emoji: "🔥" });
    const second = await createStatus({ name: "Plain" });
    const response = await fetch(`${context.sim.origin}/settings`);
    assert.equal(response.status, 200);
    const html = await response.text();
    assert.match(html, /<h2>Custom statuses <small>2<\/small><\/h2>/);
    assert.match(html, /<td class="emoji">🔥<\/td>\n<td class="name">&#60;b&#62;Bold&#60;\/b&#62; &#38; co<\/td>/);
    assert.match(html, new RegExp(`<tr data-id="${second.id}">`));
    assert.doesNotMatch(html, /<b>Bold/);
  });
});

describe("simulator variant statusNames", () => {
  describe('"duplicates" (default)', () => {
    const context = useSimulator();
    it("a second POST of one name makes a second status", async () => {
      const first = await call(context.sim, "POST", "/custom_statuses", { body: { name: "Busy" } });
      const second = await call(context.sim, "POST", "/custom_statuses", { body: { name: "Busy" } });
      assert.equal(second.status, 200);
      assert.notEqual(second.body.customStatus.id, first.body.customStatus.id);
      assert.deepEqual(
        (await context.sim.admin.customStatuses()).map((s) => s.name),
        ["Busy", "Busy"],
      );
    });
  });

  describe('"unique"', () => {
    const context = useSimulator({ statusNames: "unique" });
    it("refuses a name another status has (ignoring case and surrounding spaces) with 422 naming name, on POST, PUT and admin create", async () => {
      const busy = (await call(context.sim, "POST", "/custom_statuses", { body: { name: "Busy" } })).body.customStatus;
      const answer = await call(context.sim, "POST", "/custom_statuses", { body: { name: " busy " } });
      expectError(answer, 422, "validation_failed", "name", " busy ");
      assert.match(answer.body.error.message, new RegExp(busy.id));
      const lunch = (await call(context.sim, "POST", "/custom_statuses", { body: { name: "Lunch" } })).body.customStatus;
      expectError(await call(context.sim, "PUT", `/custom_statuses/${lunch.id}`, { body: { name: "BUSY" } }), 422, "validation_failed", "name");
      const same = await call(context.sim, "PUT", `/custom_statuses/${busy.id}`, { body: { name: "Busy", emoji: "⛔" } });
      assert.equal(same.status, 200, "a status keeps its own name");
      await assert.rejects(context.sim.admin.createCustomStatus({ name: "Lunch" }), isAdminError(422));
      const handEdited = await context.sim.admin.editCustomStatus(lunch.id, { name: "Busy" });
      assert.equal(handEdited.name, "Busy", "a hand edit is not held to the API's rule");
    });
  });
});

describe("simulator: custom statuses and the webhook persist with dataFile", () => {
  let directory: string;
  beforeEach(async () => {
    directory = await fs.mkdtemp(path.join(os.tmpdir(), "callbell-sim-statuses-"));
  });
  afterEach(() => fs.rm(directory, { recursive: true, force: true }));

  it("keeps statuses, the webhook and its signing secret across a restart, in the version 1 file beside contacts", async () => {
    const dataFile = path.join(directory, "state.json");
    const first = await startSimulator({ dataFile, rateLimitPerSecond: 0 });
    const status = (await call(first, "POST", "/custom_statuses", { body: { name: "Persisted", emoji: "💾" } })).body.customStatus;
    const webhook = (await call(first, "POST", "/webhooks/subscribe", { body: { url: "https://hooks.example/callbell", subscriptions: ["contact_created"] } }))
      .body.webhook;
    await first.admin.setSigningSecret("whsec_persisted");
    await first.close();

    const contents = JSON.parse(await fs.readFile(dataFile, "utf8"));
    assert.equal(contents.version, 1);
    assert.deepEqual(contents.customStatuses, [status]);
    assert.deepEqual(contents.webhook, webhook);

    const second = await startSimulator({ dataFile, rateLimitPerSecond: 0 });
    try {
      assert.deepEqual((await call(second, "GET", `/custom_statuses/${status.id}`)).body.customStatus, status);
      assert.deepEqual(await second.admin.webhook(), { ...webhook, secretSet: true, consecutiveFailures: 0 });
    } finally {
      await second.close();
    }
  });

  it("loads a file written before statuses existed (contacts only)", async () => {
    const dataFile = path.join(directory, "old.json");
    await fs.writeFile(dataFile, JSON.stringify({ version: 1, contacts: [] }));
    const sim = await startSimulator({ dataFile, rateLimitPerSecond: 0 });
    try {
      assert.deepEqual(await sim.admin.customStatuses(), []);
      assert.equal(await sim.admin.webhook(), null);
    } finally {
      await sim.close();
    }
  });
});
