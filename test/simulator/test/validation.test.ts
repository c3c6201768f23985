// Conformance of the simulator's strict POST/PATCH validation: every refusal is a 422 naming the field and the value.
import * as assert from "node:assert/strict";
import { CHANNELS, TEAMS, startSimulator, type AccountFixture } from "../src";
import { loadFixture } from "../src/account";
import { call, createContact, expectError, newContactBody, useSimulator } from "./support";

/** A body that must be refused, the field and value the error must name (value omitted when the key is missing). */
interface RefusalCase {
  title: string;
  body: Record<string, unknown>;
  field: string;
  value?: unknown;
}

const NOTE_1001 = "n".repeat(1001);

// Refused identically by POST (merged into a valid body) and by PATCH.
const SHARED_REFUSALS: RefusalCase[] = [
  { title: "name that is not a string", body: { name: 42 }, field: "name", value: 42 },
  { title: "empty name", body: { name: "  " }, field: "name", value: "  " },
  { title: "tags that is not an array", body: { tags: "vip" }, field: "tags", value: "vip" },
  { title: "a tag that is not a string", body: { tags: ["qa", 7] }, field: "tags", value: 7 },
  { title: "a tag the account does not have", body: { tags: ["qa", "gold"] }, field: "tags", value: "gold" },
  { title: "custom_fields that is an array", body: { custom_fields: ["company"] }, field: "custom_fields", value: ["company"] },
  { title: "an unknown custom field", body: { custom_fields: { colour: "red" } }, field: "custom_fields.colour", value: "red" },
  { title: "a text field given a number", body: { custom_fields: { company: 5 } }, field: "custom_fields.company", value: 5 },
  { title: "an invalid email field", body: { custom_fields: { billing_email: "not-an-email" } }, field: "custom_fields.billing_email", value: "not-an-email" },
  { title: "a non-numeric number field", body: { custom_fields: { seats: "4x" } }, field: "custom_fields.seats", value: "4x" },
  { title: "a number field given a JSON number", body: { custom_fields: { seats: 42 } }, field: "custom_fields.seats", value: 42 },
  { title: "a date that does not exist", body: { custom_fields: { renewal_date: "2026-02-30" } }, field: "custom_fields.renewal_date", value: "2026-02-30" },
  { title: "a date in another format", body: { custom_fields: { renewal_date: "03/03/2026" } }, field: "custom_fields.renewal_date", value: "03/03/2026" },
  { title: "a dropdown value outside the options", body: { custom_fields: { plan: "gold" } }, field: "custom_fields.plan", value: "gold" },
  { title: "a dropdown option in another case", body: { custom_fields: { plan: "Pro" } }, field: "custom_fields.plan", value: "Pro" },
  { title: "a checkbox given a string", body: { custom_fields: { interests: "api" } }, field: "custom_fields.interests", value: "api" },
  { title: "a checkbox item outside the options", body: { custom_fields: { interests: ["api", "fax"] } }, field: "custom_fields.interests", value: "fax" },
  { title: "a checkbox item that is not a string", body: { custom_fields: { interests: [1] } }, field: "custom_fields.interests", value: [1] },
  {
    title: "an assigned_user who is not a user",
    body: { assigned_user: "mallory@acme-dev.example" },
    field: "assigned_user",
    value: "mallory@acme-dev.example",
  },
  { title: "an assigned_user that is not a string", body: { assigned_user: 5 }, field: "assigned_user", value: 5 },
  { title: "an unknown team_uuid", body: { team_uuid: "b".repeat(32) }, field: "team_uuid", value: "b".repeat(32) },
  { title: "a bot_status outside bot_start/bot_end", body: { bot_status: "paused" }, field: "bot_status", value: "paused" },
  { title: "a note over 1000 characters", body: { note: NOTE_1001 }, field: "note", value: NOTE_1001 },
  { title: "a note that is not a string", body: { note: 5 }, field: "note", value: 5 },
  { title: "a null note", body: { note: null }, field: "note", value: null },
];

const CREATE_REFUSALS: RefusalCase[] = [
  { title: "missing identifier", body: { identifier: undefined }, field: "identifier" },
  { title: "missing source", body: { source: undefined }, field: "source" },
  { title: "missing name", body: { name: undefined }, field: "name" },
  { title: "an unknown source", body: { source: "sms" }, field: "source", value: "sms" },
  { title: "an identifier with a +", body: { identifier: "+393331234567" }, field: "identifier", value: "+393331234567" },
  { title: "an identifier with spaces", body: { identifier: "39 333 123 4567" }, field: "identifier", value: "39 333 123 4567" },
  { title: "an identifier under 8 digits", body: { identifier: "3933312" }, field: "identifier", value: "3933312" },
  { title: "an identifier over 15 digits", body: { identifier: "3933312345678901" }, field: "identifier", value: "3933312345678901" },
  { title: "an identifier that is not a real number", body: { identifier: "15555550100" }, field: "identifier", value: "15555550100" },
  { title: "an identifier given as a JSON number", body: { identifier: 393331234567 }, field: "identifier", value: 393331234567 },
  { title: "a telegram identifier that is not a phone number", body: { source: "telegram", identifier: "tg_user" }, field: "identifier", value: "tg_user" },
  { title: "an empty identifier", body: { identifier: "" }, field: "identifier", value: "" },
  { title: "an unknown channel_uuid", body: { channel_uuid: "d".repeat(32) }, field: "channel_uuid", value: "d".repeat(32) },
  { title: "a channel_uuid of another type than source", body: { channel_uuid: CHANNELS.instagram }, field: "channel_uuid", value: CHANNELS.instagram },
  { title: "an unknown key", body: { email: "a@b.example" }, field: "email", value: "a@b.example" },
  { title: "unassign_user (PATCH only)", body: { unassign_user: true }, field: "unassign_user", value: true },
];

const PATCH_REFUSALS: RefusalCase[] = [
  { title: "identifier (immutable)", body: { identifier: "393331234568" }, field: "identifier", value: "393331234568" },
  { title: "source (immutable)", body: { source: "whatsapp" }, field: "source", value: "whatsapp" },
  { title: "channel_uuid (immutable, even unchanged)", body: { channel_uuid: CHANNELS.whatsappMain }, field: "channel_uuid", value: CHANNELS.whatsappMain },
  { title: "an unknown key", body: { phoneNumber: "+39 333" }, field: "phoneNumber", value: "+39 333" },
  { title: "unassign_user that is not a boolean", body: { unassign_user: "yes" }, field: "unassign_user", value: "yes" },
  {
    title: "assigned_user together with unassign_user",
    body: { assigned_user: "bob@acme-dev.example", unassign_user: true },
    field: "unassign_user",
    value: true,
  },
];

describe("simulator: validation of POST /contacts", () => {
  const context = useSimulator();

  for (const refusal of [...SHARED_REFUSALS, ...CREATE_REFUSALS]) {
    it(`refuses ${refusal.title} with 422 naming ${refusal.field}`, async () => {
      const answer = await call(context.sim, "POST", "/contacts", { body: newContactBody(refusal.body) });
      expectError(answer, 422, "validation_failed", refusal.field, refusal.value);
      if (refusal.value === undefined) assert.equal("value" in answer.body.error, false);
      assert.deepEqual(await context.sim.admin.contacts(), [], "nothing is created");
    });
  }

  it("names the missing tag in the message, as the dashboard would have to fix it", async () => {
    const answer = await call(context.sim, "POST", "/contacts", { body: newContactBody({ tags: ["gold"] }) });
    assert.deepEqual(answer.body, {
      error: {
        status: 422,
        code: "validation_failed",
        field: "tags",
        value: "gold",
        message: "tag 'gold' does not exist in this account; create it in the Callbell dashboard first",
      },
    });
  });

  it("accepts every field type at its edges (negative and decimal numbers, leap day, a note of exactly 1000 characters)", async () => {
    const contact = await createContact(context.sim, {
      tags: ["QA", "qa", "Vip"],
      assigned_user: "Carol@Acme-Dev.example",
      team_uuid: TEAMS.support,
      bot_status: "bot_end",
      note: "x".repeat(1000),
      custom_fields: { seats: "-1.5", renewal_date: "2028-02-29", interests: ["api", "api", "instagram"], company: "", billing_email: "a.b+c@d.example" },
    });
    assert.deepEqual(contact.tags, ["qa", "vip"], "tags are a set, in the fixture's case");
    assert.equal(contact.assignedUser, "carol@acme-dev.example");
    assert.deepEqual(
      contact.customFields,
      {
        seats: "-1.5",
        renewal_date: "2028-02-29",
        interests: '["api","instagram"]',
        billing_email: "a.b+c@d.example",
      },
      "an empty value on create is left out",
    );
    assert.equal(contact.note.length, 1000);
  });

  it("an empty note on create is stored as null", async () => {
    assert.equal((await createContact(context.sim, { note: "" })).note, null);
  });

  it("refuses a body that is not a JSON object with 400 bad_request", async () => {
    for (const rawBody of ["[]", "null", '"contact"', "42"]) {
      const answer = await call(context.sim, "POST", "/contacts", { rawBody, headers: { "content-type": "application/json" } });
      expectError(answer, 400, "bad_request");
    }
  });
});

describe("simulator: validation of PATCH /contacts/:uuid", () => {
  const context = useSimulator();

  for (const refusal of [...SHARED_REFUSALS, ...PATCH_REFUSALS]) {
    it(`refuses ${refusal.title} with 422 naming ${refusal.field}`, async () => {
      const created = await createContact(context.sim, { name: "Unchanged" });
      const answer = await call(context.sim, "PATCH", `/contacts/${created.uuid}`, { body: refusal.body });
      expectError(answer, 422, "validation_failed", refusal.field, refusal.value);
      assert.deepEqual(await context.sim.admin.contact(created.uuid), created, "nothing is changed");
    });
  }
});

describe("simulator: validation that depends on the account fixture", () => {
  const fixture: AccountFixture = {
    ...loadFixture(undefined),
    botEnabled: false,
    channels: loadFixture(undefined).channels.filter((channel) => channel.type !== "telegram"),
  };
  const context = useSimulator({ fixture });

  it("refuses bot_status when the account has no bot", async () => {
    const answer = await call(context.sim, "POST", "/contacts", { body: newContactBody({ bot_status: "bot_start" }) });
    expectError(answer, 422, "validation_failed", "bot_status", "bot_start");
  });

  it("refuses a source whose channel type the account lacks", async () => {
    const answer = await call(context.sim, "POST", "/contacts", { body: newContactBody({ source: "telegram" }) });
    expectError(answer, 422, "validation_failed", "source", "telegram");
  });

  it("refuses to start on an inconsistent fixture", async () => {
    await assert.rejects(startSimulator({ fixture: { ...fixture, teams: [] } }), /exactly one team must be default/);
    await assert.rejects(startSimulator({ fixture: "/nonexistent/fixture.json" }), /cannot read simulator fixture/);
  });
});
