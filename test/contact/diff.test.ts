import { strict as assert } from "assert";
import { diffContact } from "../../provider/src/domain/contact/diff";
import { patchFor } from "../../provider/src/domain/contact/mapping";
import { ContactInputs, ContactOutputs } from "../../provider/src/domain/contact/shape";
import { unknownValue } from "../../provider/src/normalize";

const state: ContactOutputs = {
  identifier: "393331234567",
  source: "whatsapp",
  name: "QA Alice",
  channelUuid: "c".repeat(32),
  teamUuid: "t".repeat(32),
  tags: ["QA", "VIP"],
  customFields: { plan: "pro", interests: ["api", "whatsapp"] },
  assignedUser: "Agent@Acme.example",
  note: "hello",
  uuid: "u".repeat(32),
  href: "https://dash.callbell.eu/contacts/uuu",
  createdAt: "2026-11-25T01:02:03Z",
  phoneNumber: "+39 333 123 4567",
};
const code: ContactInputs = {
  identifier: "393331234567",
  source: "whatsapp",
  name: "QA Alice",
  tags: ["vip", "qa"],
  customFields: { plan: "pro", interests: ["whatsapp", "api"] },
  assignedUser: "agent@acme.example",
  note: "hello",
};

describe("contact diff", () => {
  it("reports no change when the code matches what Callbell returned (case, order, formatted phone, default team and channel)", () => {
    const d = diffContact(state, code);
    assert.deepEqual(d.changed, []);
    assert.deepEqual(d.replaces, []);
    assert.ok(d.stables.includes("uuid") && d.stables.includes("createdAt"));
    assert.deepEqual(patchFor(state, code), {});
  });

  it("updates in place a changed name and tag, sending only those", () => {
    const next = { ...code, name: "QA Alice B", tags: ["qa"] };
    const d = diffContact(state, next);
    assert.deepEqual(d.changed, ["name", "tags"]);
    assert.deepEqual(d.replaces, []);
    assert.deepEqual(patchFor(state, next), { name: "QA Alice B", tags: ["qa"] });
  });

  for (const field of ["identifier", "source", "channelUuid"] as const) {
    it(`replaces the contact when ${field} changes`, () => {
      const value = field === "identifier" ? "393331234999" : field === "source" ? "telegram" : "d".repeat(32);
      const d = diffContact(state, { ...code, [field]: value });
      assert.deepEqual(d.replaces, [field]);
      assert.deepEqual(d.stables, []);
    });
  }

  it("keeps the current channel and team when the code does not declare them", () => {
    assert.deepEqual(diffContact(state, { ...code, channelUuid: undefined, teamUuid: undefined }).changed, []);
  });

  it("clears what the code stops declaring: unassign, empty note, empty tag list, empty custom field", () => {
    const next: ContactInputs = { identifier: code.identifier, source: "whatsapp", name: "QA Alice", customFields: { plan: "pro" } };
    assert.deepEqual(diffContact(state, next).changed, ["tags", "customFields", "assignedUser", "note"]);
    assert.deepEqual(patchFor(state, next), { tags: [], custom_fields: { interests: [] }, unassign_user: true, note: "" });
  });

  it("leaves alone fields that were never managed", () => {
    const unmanaged: ContactOutputs = { ...state, tags: undefined, customFields: undefined, assignedUser: undefined, note: undefined };
    const next: ContactInputs = { identifier: code.identifier, source: "whatsapp", name: "QA Alice" };
    assert.deepEqual(diffContact(unmanaged, next).changed, []);
  });

  it("sees drift made in the dashboard as a change back to the code", () => {
    const drifted = { ...state, name: "Renamed by hand", assignedUser: "", customFields: { plan: "free", interests: ["api", "whatsapp"] } };
    assert.deepEqual(patchFor(drifted, code), { name: "QA Alice", custom_fields: { plan: "pro" }, assigned_user: "agent@acme.example" });
  });

  it("treats values unknown during a preview as changes, and an unknown identifier as a replacement", () => {
    const d = diffContact(state, { ...code, identifier: unknownValue, name: unknownValue });
    assert.deepEqual(d.replaces, ["identifier"]);
    assert.ok(d.changed.includes("name"));
  });

  it("sends a new bot status, but never diffs the write-only field otherwise", () => {
    assert.deepEqual(patchFor({ ...state, botStatus: "bot_start" }, { ...code, botStatus: "bot_end" }), { bot_status: "bot_end" });
    assert.deepEqual(diffContact({ ...state, botStatus: "bot_start" }, code).changed, []);
  });
});
