// Conformance of the simulator's endpoints: shapes, CRUD, lookups, listing, teams/channels, auth, duplicates, admin.
import * as assert from "node:assert/strict";
import { AdminError, CHANNELS, TEAMS } from "../src";
import { call, createContact, expectError, newContactBody, uniquePhone, useSimulator } from "./support";

const CONTACT_KEYS = [
  "uuid",
  "name",
  "phoneNumber",
  "avatarUrl",
  "createdAt",
  "source",
  "href",
  "conversationHref",
  "tags",
  "assignedUser",
  "customFields",
  "team",
  "channel",
  "blockedAt",
  "closedAt",
  "funnelId",
  "note",
].sort();

describe("simulator: contacts CRUD and response shapes", () => {
  const context = useSimulator();

  it("POST /contacts answers {contact: [Contact]} with every documented field", async () => {
    const answer = await call(context.sim, "POST", "/contacts", {
      body: {
        identifier: "393331234567",
        source: "whatsapp",
        name: "Ada",
        tags: ["VIP", "qa"],
        assigned_user: "ALICE@acme-dev.example",
        custom_fields: {
          company: "Acme",
          seats: "42",
          interests: ["api", "whatsapp"],
          plan: "pro",
          renewal_date: "2026-03-03",
          billing_email: "b@acme.example",
        },
        note: "first",
        bot_status: "bot_start",
      },
    });
    assert.equal(answer.status, 200);
    assert.ok(Array.isArray(answer.body.contact) && answer.body.contact.length === 1);
    const contact = answer.body.contact[0];
    assert.deepEqual(Object.keys(contact).sort(), CONTACT_KEYS);
    assert.match(contact.uuid, /^[0-9a-f]{32}$/);
    assert.equal(contact.phoneNumber, "+39 333 123 4567");
    assert.match(contact.createdAt, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    assert.equal(contact.href, `${context.sim.origin}/contacts/${contact.uuid}`, "the simulator's own dashboard");
    assert.equal(contact.conversationHref, `${context.sim.origin}/chat/${contact.uuid}`);
    assert.deepEqual(contact.tags, ["vip", "qa"], "tags come back in the fixture's case");
    assert.equal(contact.assignedUser, "alice@acme-dev.example");
    assert.deepEqual(contact.customFields, {
      company: "Acme",
      seats: "42",
      interests: '["api","whatsapp"]',
      plan: "pro",
      renewal_date: "2026-03-03",
      billing_email: "b@acme.example",
    });
    assert.deepEqual(contact.team, { uuid: TEAMS.general, name: "General", createdAt: "2025-06-01T10:00:00Z", default: true, members: 4 });
    assert.deepEqual(contact.channel, { uuid: CHANNELS.whatsappMain, title: "WhatsApp Main", type: "whatsapp", main: true, discardedAt: null });
    assert.equal(contact.source, "whatsapp");
    assert.equal(contact.avatarUrl, null);
    assert.equal(contact.blockedAt, null);
    assert.equal(contact.closedAt, null);
    assert.equal(contact.note, "first");
    assert.equal("botStatus" in contact, false, "bot_status is write-only");
    assert.equal("bsuid" in contact, false);
  });

  it("non-phone sources get phoneNumber null and their main channel; channel_uuid picks another channel", async () => {
    const instagram = await createContact(context.sim, { source: "instagram", identifier: "ig_user_1" });
    assert.equal(instagram.phoneNumber, null);
    assert.equal(instagram.channel.uuid, CHANNELS.instagram);
    const sales = await createContact(context.sim, { channel_uuid: CHANNELS.whatsappSales, team_uuid: TEAMS.sales });
    assert.equal(sales.channel.uuid, CHANNELS.whatsappSales);
    assert.equal(sales.team.name, "Sales");
    const telegram = await createContact(context.sim, { source: "telegram", identifier: "4915112345678" });
    assert.equal(telegram.phoneNumber, "+49 1511 2345678");
  });

  it("GET /contacts/:uuid answers the array shape; include_field_types=true adds customFieldsMetadata", async () => {
    const created = await createContact(context.sim, { custom_fields: { plan: "free", interests: ["api"], seats: "3" } });
    const plain = await call(context.sim, "GET", `/contacts/${created.uuid}`);
    assert.equal(plain.status, 200);
    assert.deepEqual(plain.body, { contact: [created] });
    const typed = await call(context.sim, "GET", `/contacts/${created.uuid}?include_field_types=true`);
    assert.deepEqual(typed.body.contact[0].customFieldsMetadata, {
      plan: { value: "free", type: "dropdown", options: ["free", "pro", "enterprise"] },
      interests: { value: '["api"]', type: "checkbox", options: ["whatsapp", "instagram", "messenger", "api"] },
      seats: { value: "3", type: "number" },
    });
    expectError(await call(context.sim, "GET", `/contacts/${created.uuid}?include_field_types=yes`), 422, "validation_failed", "include_field_types", "yes");
  });

  it("GET, PATCH and DELETE of an unknown uuid answer 404 not_found", async () => {
    const missing = "0".repeat(32);
    expectError(await call(context.sim, "GET", `/contacts/${missing}`), 404, "not_found", "uuid", missing);
    expectError(await call(context.sim, "PATCH", `/contacts/${missing}`, { body: { name: "x" } }), 404, "not_found");
    expectError(await call(context.sim, "DELETE", `/contacts/${missing}`), 404, "not_found");
  });

  it("PATCH replaces name and tags, merges custom fields, and answers the array shape", async () => {
    const created = await createContact(context.sim, { tags: ["qa"], custom_fields: { company: "Acme", seats: "1" } });
    const answer = await call(context.sim, "PATCH", `/contacts/${created.uuid}`, {
      body: { name: "Renamed", tags: ["beta", "PROD"], custom_fields: { seats: "2" }, team_uuid: TEAMS.support },
    });
    assert.equal(answer.status, 200);
    const [contact] = answer.body.contact;
    assert.equal(contact.name, "Renamed");
    assert.deepEqual(contact.tags, ["beta", "prod"]);
    assert.deepEqual(contact.customFields, { company: "Acme", seats: "2" });
    assert.equal(contact.team.uuid, TEAMS.support);
    assert.equal(contact.uuid, created.uuid);
    assert.equal(contact.createdAt, created.createdAt);
  });

  it('PATCH custom field "" (or [] for checkbox) removes it; omitted keys stay', async () => {
    const created = await createContact(context.sim, { custom_fields: { company: "Acme", interests: ["api"], plan: "pro" } });
    const answer = await call(context.sim, "PATCH", `/contacts/${created.uuid}`, { body: { custom_fields: { company: "", interests: [] } } });
    assert.deepEqual(answer.body.contact[0].customFields, { plan: "pro" });
  });

  it("PATCH unassign_user: true removes the assigned user; false leaves it", async () => {
    const created = await createContact(context.sim, { assigned_user: "bob@acme-dev.example" });
    const kept = await call(context.sim, "PATCH", `/contacts/${created.uuid}`, { body: { unassign_user: false } });
    assert.equal(kept.body.contact[0].assignedUser, "bob@acme-dev.example");
    const removed = await call(context.sim, "PATCH", `/contacts/${created.uuid}`, { body: { unassign_user: true } });
    assert.equal(removed.body.contact[0].assignedUser, null);
  });

  it('PATCH note "" clears the note (null); an omitted note is unchanged', async () => {
    const created = await createContact(context.sim, { note: "keep me" });
    const renamed = await call(context.sim, "PATCH", `/contacts/${created.uuid}`, { body: { name: "Other" } });
    assert.equal(renamed.body.contact[0].note, "keep me");
    const cleared = await call(context.sim, "PATCH", `/contacts/${created.uuid}`, { body: { note: "" } });
    assert.equal(cleared.body.contact[0].note, null);
  });

  it("PATCH {} is a no-op that answers the contact", async () => {
    const created = await createContact(context.sim, { tags: ["seed"] });
    const answer = await call(context.sim, "PATCH", `/contacts/${created.uuid}`, { body: {} });
    assert.deepEqual(answer.body, { contact: [created] });
  });

  it('DELETE answers {"status":"contact was destroyed"} and the contact is gone', async () => {
    const created = await createContact(context.sim);
    const answer = await call(context.sim, "DELETE", `/contacts/${created.uuid}`);
    assert.equal(answer.status, 200);
    assert.deepEqual(answer.body, { status: "contact was destroyed" });
    assert.equal((await call(context.sim, "GET", `/contacts/${created.uuid}`)).status, 404);
    assert.equal((await call(context.sim, "DELETE", `/contacts/${created.uuid}`)).status, 404);
  });
});

describe("simulator: lookups by phone and bsuid", () => {
  const context = useSimulator({ duplicates: "allow" });

  it("GET /contacts/phone/:number matches on digits, answers the plain-object shape", async () => {
    const created = await createContact(context.sim, { identifier: "393331234567" });
    for (const number of ["393331234567", encodeURIComponent("+39 333 123 4567"), "+39-333-1234567"]) {
      const answer = await call(context.sim, "GET", `/contacts/phone/${number}`);
      assert.equal(answer.status, 200, number);
      assert.deepEqual(answer.body, { contact: created }, number);
    }
  });

  it("a number with its national trunk 0 is the same number: lookups find it written either way", async () => {
    const created = await createContact(context.sim, { identifier: "4407911123456" });
    assert.equal(created.phoneNumber, "+44 7911 123456");
    for (const number of ["447911123456", "4407911123456", encodeURIComponent("+44 07911 123456")]) {
      const answer = await call(context.sim, "GET", `/contacts/phone/${number}`);
      assert.equal(answer.status, 200, number);
      assert.equal(answer.body.contact.uuid, created.uuid, number);
    }
  });

  it("without channel_uuid it looks on the main WhatsApp channel; with it, on that channel", async () => {
    const onSales = await createContact(context.sim, { identifier: "393337654321", channel_uuid: CHANNELS.whatsappSales });
    expectError(await call(context.sim, "GET", "/contacts/phone/393337654321"), 404, "not_found", "number", "393337654321");
    const found = await call(context.sim, "GET", `/contacts/phone/393337654321?channel_uuid=${CHANNELS.whatsappSales}`);
    assert.equal(found.body.contact.uuid, onSales.uuid);
    expectError(await call(context.sim, "GET", `/contacts/phone/393337654321?channel_uuid=${"f".repeat(32)}`), 422, "validation_failed", "channel_uuid");
    expectError(await call(context.sim, "GET", "/contacts/phone/no-digits"), 404, "not_found");
  });

  it("with duplicates present, the lookup answers the oldest contact", async () => {
    const oldest = await createContact(context.sim, { identifier: "393330000777", name: "Oldest" });
    const newer = await createContact(context.sim, { identifier: "393330000777", name: "Newer" });
    assert.notEqual(newer.uuid, oldest.uuid);
    const answer = await call(context.sim, "GET", "/contacts/phone/393330000777");
    assert.equal(answer.body.contact.uuid, oldest.uuid);
  });

  it("GET /contacts/bsuid/:bsuid is 404 until a contact has that bsuid (set through the admin API)", async () => {
    const created = await createContact(context.sim);
    expectError(await call(context.sim, "GET", "/contacts/bsuid/IT.123"), 404, "not_found", "bsuid", "IT.123");
    await context.sim.admin.editContact(created.uuid, { bsuid: "IT.123" });
    const answer = await call(context.sim, "GET", "/contacts/bsuid/IT.123");
    assert.equal(answer.status, 200);
    assert.equal(answer.body.contact.uuid, created.uuid);
    assert.equal(answer.body.contact.bsuid, "IT.123");
  });
});

describe("simulator: GET /contacts listing", () => {
  const context = useSimulator({ pageSize: 2 });

  it("answers {contacts: [...]} oldest first, paginated by the configured page size", async () => {
    const created = [];
    for (let i = 0; i < 5; i++) created.push(await createContact(context.sim, { name: `C${i}` }));
    const pages = [];
    for (const page of [1, 2, 3, 4]) pages.push((await call(context.sim, "GET", `/contacts?page=${page}`)).body);
    assert.deepEqual(Object.keys(pages[0]), ["contacts"]);
    assert.deepEqual(
      pages.map((body) => body.contacts.map((c: { name: string }) => c.name)),
      [["C0", "C1"], ["C2", "C3"], ["C4"], []],
    );
    assert.deepEqual((await call(context.sim, "GET", "/contacts")).body.contacts[0], created[0]);
  });

  it("filters by source, team_uuid, and tags (contacts having every listed tag, case-insensitive)", async () => {
    await createContact(context.sim, { name: "both", tags: ["qa", "vip"] });
    await createContact(context.sim, { name: "qa only", tags: ["qa"], team_uuid: TEAMS.support });
    await createContact(context.sim, { name: "insta", source: "instagram", identifier: "ig1", tags: ["vip"] });
    const names = async (query: string): Promise<string[]> =>
      (await call(context.sim, "GET", `/contacts?${query}`)).body.contacts.map((c: { name: string }) => c.name);
    assert.deepEqual(await names("tags=QA,Vip"), ["both"]);
    assert.deepEqual(await names("tags=qa"), ["both", "qa only"]);
    assert.deepEqual(await names("source=instagram"), ["insta"]);
    assert.deepEqual(await names(`team_uuid=${TEAMS.support}`), ["qa only"]);
    assert.deepEqual(await names("tags=no-such-tag"), []);
  });

  it("include_field_types=true adds customFieldsMetadata to every listed contact", async () => {
    await createContact(context.sim, { custom_fields: { company: "Acme" } });
    const answer = await call(context.sim, "GET", "/contacts?include_field_types=true");
    assert.deepEqual(answer.body.contacts[0].customFieldsMetadata, { company: { value: "Acme", type: "text" } });
  });

  it("refuses a malformed page or source with 422", async () => {
    expectError(await call(context.sim, "GET", "/contacts?page=0"), 422, "validation_failed", "page", "0");
    expectError(await call(context.sim, "GET", "/contacts?page=abc"), 422, "validation_failed", "page", "abc");
    expectError(await call(context.sim, "GET", "/contacts?source=sms"), 422, "validation_failed", "source", "sms");
  });
});

describe("simulator: auth, teams, channels", () => {
  const second = "sim_second_token";
  const context = useSimulator({ tokens: ["sim_first_token", second] });

  it("GET /auth/me answers the owner and the api_key that was used", async () => {
    const answer = await call(context.sim, "GET", "/auth/me", { token: second });
    assert.equal(answer.status, 200);
    assert.deepEqual(answer.body, { status: "ok", user_email: "owner@acme-dev.example", user_name: "Olivia Owner", api_key: second });
    assert.equal(context.sim.token, "sim_first_token");
  });

  it("GET /teams and /channels answer the fixture with meta {page, pages}", async () => {
    const teams = await call(context.sim, "GET", "/teams");
    assert.deepEqual(teams.body.meta, { page: 1, pages: 1 });
    assert.deepEqual(
      teams.body.teams.map((t: { name: string }) => t.name),
      ["General", "Support", "Sales"],
    );
    assert.deepEqual(teams.body.teams[1], { uuid: TEAMS.support, name: "Support", createdAt: "2025-06-02T10:00:00Z", default: false, members: 2 });
    const channels = await call(context.sim, "GET", "/channels");
    assert.deepEqual(channels.body.meta, { page: 1, pages: 1 });
    assert.deepEqual(
      channels.body.channels.map((c: { uuid: string }) => c.uuid),
      Object.values(CHANNELS),
    );
    assert.deepEqual(channels.body.channels[1], {
      uuid: CHANNELS.whatsappSales,
      title: "WhatsApp Sales Line",
      type: "whatsapp",
      main: false,
      discardedAt: null,
    });
  });

  it("GET /teams/:uuid/members answers {users, meta}; an unknown team is 404", async () => {
    const answer = await call(context.sim, "GET", `/teams/${TEAMS.support}/members`);
    assert.deepEqual(answer.body, {
      users: [
        { email: "alice@acme-dev.example", name: "Alice Agent", available: true, lastUpdatedAt: "2026-01-05T09:00:00Z", userCustomStatus: "On shift" },
        { email: "bob@acme-dev.example", name: "Bob Builder", available: false, lastUpdatedAt: "2026-01-04T18:30:00Z" },
      ],
      meta: { page: 1, pages: 1 },
    });
    expectError(await call(context.sim, "GET", `/teams/${"a".repeat(32)}/members`), 404, "not_found");
  });

  it("every /v1 route answers 401 unauthorized without a token, with a wrong token, or with another scheme", async () => {
    const routes: Array<[string, string]> = [
      ["POST", "/contacts"],
      ["GET", "/contacts"],
      ["GET", `/contacts/${"a".repeat(32)}`],
      ["PATCH", `/contacts/${"a".repeat(32)}`],
      ["DELETE", `/contacts/${"a".repeat(32)}`],
      ["GET", "/contacts/phone/393331234567"],
      ["GET", "/contacts/bsuid/x"],
      ["GET", "/auth/me"],
      ["GET", "/teams"],
      ["GET", `/teams/${TEAMS.general}/members`],
      ["GET", "/channels"],
    ];
    for (const [method, path] of routes) {
      const body = method === "POST" || method === "PATCH" ? newContactBody() : undefined;
      expectError(await call(context.sim, method, path, { token: null, body }), 401, "unauthorized");
      expectError(await call(context.sim, method, path, { token: "sim_wrong", body }), 401, "unauthorized");
      const basic = await call(context.sim, method, path, { token: null, body, headers: { authorization: "Basic c2ltOnNpbQ==" } });
      expectError(basic, 401, "unauthorized");
    }
    assert.deepEqual(await context.sim.admin.contacts(), []);
  });
});

describe("simulator: duplicates", () => {
  describe("reject (default)", () => {
    const context = useSimulator();

    it("a second contact with the same identifier on the same channel is 409 naming identifier and existing uuid", async () => {
      const identifier = uniquePhone();
      const first = await createContact(context.sim, { identifier });
      const answer = await call(context.sim, "POST", "/contacts", { body: newContactBody({ identifier }) });
      expectError(answer, 409, "duplicate_contact", "identifier", identifier);
      assert.match(answer.body.error.message, new RegExp(`${identifier}.*${first.uuid}`));
      assert.equal((await context.sim.admin.contacts()).length, 1);
    });

    it("a number written with its national trunk 0 is the same identifier: 4407911123456 after 447911123456 is 409", async () => {
      const first = await createContact(context.sim, { identifier: "447911123456" });
      const answer = await call(context.sim, "POST", "/contacts", { body: newContactBody({ identifier: "4407911123456" }) });
      expectError(answer, 409, "duplicate_contact", "identifier", "4407911123456");
      assert.match(answer.body.error.message, new RegExp(first.uuid));
    });

    it("the same identifier on another channel is a different contact", async () => {
      const identifier = uniquePhone();
      await createContact(context.sim, { identifier });
      await createContact(context.sim, { identifier, channel_uuid: CHANNELS.whatsappSales });
      assert.equal((await context.sim.admin.contacts()).length, 2);
    });
  });

  describe("allow", () => {
    const context = useSimulator({ duplicates: "allow" });

    it("silently creates a second contact with a new uuid", async () => {
      const identifier = uniquePhone();
      const first = await createContact(context.sim, { identifier });
      const second = await createContact(context.sim, { identifier });
      assert.notEqual(first.uuid, second.uuid);
      assert.equal((await context.sim.admin.contacts()).length, 2);
    });
  });
});

describe("simulator: admin API", () => {
  const context = useSimulator();

  it("is outside the request log, needs no token, and lists contacts oldest first", async () => {
    const first = await context.sim.admin.createContact(newContactBody({ name: "A" }));
    const second = await createContact(context.sim, { name: "B" });
    assert.deepEqual(
      (await context.sim.admin.contacts()).map((c) => c.uuid),
      [first.uuid, second.uuid],
    );
    assert.deepEqual(await context.sim.admin.contact(first.uuid), first);
    const log = await context.sim.admin.requests();
    assert.deepEqual(
      log.map((entry) => `${entry.method} ${entry.path} ${entry.status}`),
      ["POST /v1/contacts 200"],
    );
  });

  it("createContact validates like POST /v1/contacts", async () => {
    await assert.rejects(context.sim.admin.createContact(newContactBody({ tags: ["nope"] })), (error: unknown) => {
      assert.ok(error instanceof AdminError);
      assert.equal(error.status, 422);
      assert.deepEqual((error.body as { error: { field: string } }).error.field, "tags");
      return true;
    });
  });

  it("editContact changes API-shape fields behind the API's back; customFields is replaced as a whole", async () => {
    const created = await createContact(context.sim, { custom_fields: { company: "Acme", seats: "2" } });
    const edited = await context.sim.admin.editContact(created.uuid, {
      name: "Drifted",
      tags: ["not-in-fixture"],
      note: "dashboard note",
      assignedUser: "carol@acme-dev.example",
      customFields: { seats: "9", interests: ["api"] },
      teamUuid: TEAMS.sales,
    });
    assert.equal(edited.name, "Drifted");
    assert.deepEqual(edited.tags, ["not-in-fixture"]);
    assert.deepEqual(edited.customFields, { seats: "9", interests: '["api"]' });
    assert.equal(edited.team.uuid, TEAMS.sales);
    assert.deepEqual((await call(context.sim, "GET", `/contacts/${created.uuid}`)).body.contact[0], edited);
    await assert.rejects(context.sim.admin.editContact(created.uuid, { uuid: "x" } as never), /cannot be edited/);
  });

  it("deleteContact removes a contact; contact() of a missing uuid throws AdminError 404", async () => {
    const created = await createContact(context.sim);
    await context.sim.admin.deleteContact(created.uuid);
    await assert.rejects(context.sim.admin.contact(created.uuid), (error: unknown) => error instanceof AdminError && error.status === 404);
    await assert.rejects(context.sim.admin.deleteContact(created.uuid), (error: unknown) => error instanceof AdminError && error.status === 404);
  });

  it("clearRequests and reset empty the log (and reset the contacts)", async () => {
    await createContact(context.sim);
    await context.sim.admin.clearRequests();
    assert.deepEqual(await context.sim.admin.requests(), []);
    await call(context.sim, "GET", "/contacts");
    await context.sim.admin.reset();
    assert.deepEqual(await context.sim.admin.requests(), []);
    assert.deepEqual(await context.sim.admin.contacts(), []);
  });
});
