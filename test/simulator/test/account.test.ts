// Conformance of the simulator's read-only account endpoints that lookups and `export` use:
// one team, one channel, channel and member filters, paging to the end.
import * as assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { CHANNELS, DEFAULT_FIXTURE_PATH, TEAMS, type AccountFixture } from "../src";
import { call, createContact, expectError, useSimulator } from "./support";

const fixture = JSON.parse(readFileSync(DEFAULT_FIXTURE_PATH, "utf8")) as AccountFixture;
const DISCARDED = "c4a00000000000000000000000000009";
const withDiscarded: AccountFixture = {
  ...fixture,
  channels: [...fixture.channels, { uuid: DISCARDED, title: "Old WhatsApp", type: "whatsapp", discardedAt: "2026-02-01T00:00:00Z" }],
};

describe("simulator: one team, one channel, channel and member filters", () => {
  const context = useSimulator({ fixture: withDiscarded, pageSize: 2 });

  it("GET /teams/:uuid answers {team: Team}; an unknown uuid is 404 not_found", async () => {
    const answer = await call(context.sim, "GET", `/teams/${TEAMS.sales}`);
    assert.equal(answer.status, 200);
    assert.deepEqual(answer.body, { team: { uuid: TEAMS.sales, name: "Sales", createdAt: "2025-06-03T10:00:00Z", default: false, members: 2 } });
    expectError(await call(context.sim, "GET", `/teams/${"b".repeat(32)}`), 404, "not_found", "uuid");
  });

  it("GET /channels/:uuid answers {channel: Channel}, discardedAt included; an unknown uuid is 404", async () => {
    assert.deepEqual((await call(context.sim, "GET", `/channels/${CHANNELS.telegram}`)).body, {
      channel: { uuid: CHANNELS.telegram, title: "Telegram Bot", type: "telegram", main: true, discardedAt: null },
    });
    assert.equal((await call(context.sim, "GET", `/channels/${DISCARDED}`)).body.channel.discardedAt, "2026-02-01T00:00:00Z");
    expectError(await call(context.sim, "GET", `/channels/${"b".repeat(32)}`), 404, "not_found", "uuid");
  });

  it("GET /channels?type= and ?active= filter, page with the page size, and refuse a bad value with 422", async () => {
    const uuids = async (query: string) => (await call(context.sim, "GET", `/channels?${query}`)).body.channels.map((c: { uuid: string }) => c.uuid);
    assert.deepEqual(await uuids("type=whatsapp"), [CHANNELS.whatsappMain, CHANNELS.whatsappSales]);
    assert.deepEqual(await uuids("type=whatsapp&page=2"), [DISCARDED]);
    assert.deepEqual((await call(context.sim, "GET", "/channels?type=whatsapp")).body.meta, { page: 1, pages: 2 });
    assert.deepEqual(await uuids("active=false"), [DISCARDED]);
    assert.deepEqual(await uuids("type=whatsapp&active=true"), [CHANNELS.whatsappMain, CHANNELS.whatsappSales]);
    expectError(await call(context.sim, "GET", "/channels?type=sms"), 422, "validation_failed", "type", "sms");
    expectError(await call(context.sim, "GET", "/channels?active=yes"), 422, "validation_failed", "active", "yes");
  });

  it("GET /teams/:uuid/members?status=available|unavailable filters by availability; another status is 422", async () => {
    const emails = async (status: string) =>
      (await call(context.sim, "GET", `/teams/${TEAMS.support}/members?status=${status}`)).body.users.map((u: { email: string }) => u.email);
    assert.deepEqual(await emails("available"), ["alice@acme-dev.example"]);
    assert.deepEqual(await emails("unavailable"), ["bob@acme-dev.example"]);
    expectError(await call(context.sim, "GET", `/teams/${TEAMS.support}/members?status=away`), 422, "validation_failed", "status", "away");
  });

  it("GET /contacts past a full last page answers an empty list, so a client paging to a short page stops", async () => {
    for (let i = 0; i < 4; i++) await createContact(context.sim, { name: `P${i}` });
    const sizes = [];
    for (const page of [1, 2, 3]) sizes.push((await call(context.sim, "GET", `/contacts?page=${page}`)).body.contacts.length);
    assert.deepEqual(sizes, [2, 2, 0]);
  });

  it("GET /contacts?tags= ignores spaces around the comma-separated names and combines with source and team_uuid", async () => {
    await createContact(context.sim, { name: "match", tags: ["vip", "qa"], team_uuid: TEAMS.support });
    await createContact(context.sim, { name: "other team", tags: ["vip", "qa"] });
    await createContact(context.sim, { name: "telegram", source: "telegram", tags: ["vip", "qa"], team_uuid: TEAMS.support });
    const answer = await call(context.sim, "GET", `/contacts?tags=${encodeURIComponent(" VIP , qa ")}&source=whatsapp&team_uuid=${TEAMS.support}`);
    assert.deepEqual(
      answer.body.contacts.map((c: { name: string }) => c.name),
      ["match"],
    );
  });
});
