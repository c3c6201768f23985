import { strict as assert } from "assert";
import { toCreateBody, unknownValue, validateInputs } from "../../provider/src/contact/schema";

const valid = { identifier: "393331234567", source: "whatsapp", name: "QA Alice" };

function problemsOf(input: Record<string, unknown>) {
  const result = validateInputs(input);
  assert.equal(result.ok, false, `expected a failure for ${JSON.stringify(input)}`);
  return result.ok ? [] : result.problems;
}

describe("contact input schema", () => {
  it("accepts a minimal contact and normalizes a formatted phone number to digits", () => {
    const result = validateInputs({ ...valid, identifier: "+39 333-123 4567" });
    assert.ok(result.ok);
    assert.equal(result.inputs.identifier, "393331234567");
  });

  it("accepts every input at once and maps it to the API's snake_case body", () => {
    const result = validateInputs({
      ...valid, tags: ["qa", "vip"], customFields: { plan: "pro", interests: ["api"] }, assignedUser: "agent@acme.example",
      teamUuid: "a".repeat(32), channelUuid: "b".repeat(32), botStatus: "bot_end", note: "seeded", adopt: true,
    });
    assert.ok(result.ok);
    assert.deepEqual(toCreateBody(result.inputs), {
      identifier: "393331234567", source: "whatsapp", name: "QA Alice", tags: ["qa", "vip"],
      custom_fields: { plan: "pro", interests: ["api"] }, assigned_user: "agent@acme.example",
      team_uuid: "a".repeat(32), channel_uuid: "b".repeat(32), bot_status: "bot_end", note: "seeded",
    });
  });

  const cases: [string, Record<string, unknown>, string, RegExp][] = [
    ["a missing name", { identifier: valid.identifier, source: "whatsapp" }, "name", /name is required/],
    ["a non-phone identifier for whatsapp", { ...valid, identifier: "alice" }, "identifier", /not a phone number.*country code/],
    ["a too-short phone number", { ...valid, identifier: "12345" }, "identifier", /not a phone number/],
    ["an unknown source", { ...valid, source: "sms" }, "source", /"sms" is not one of whatsapp/],
    ["an assignedUser that is not an email", { ...valid, assignedUser: "bob" }, "assignedUser", /"bob" is not an email address/],
    ["a note over 1000 characters", { ...valid, note: "x".repeat(1001) }, "note", /longer than 1000 characters/],
    ["a bad bot status", { ...valid, botStatus: "start" }, "botStatus", /use "bot_start" or "bot_end"/],
    ["a team uuid in the wrong format", { ...valid, teamUuid: "team-1" }, "teamUuid", /not a Callbell uuid.*GET \/teams/],
    ["a channel uuid in upper case", { ...valid, channelUuid: "A".repeat(32) }, "channelUuid", /not a Callbell uuid/],
    ["a numeric custom field value", { ...valid, customFields: { seats: 42 } }, "customFields.seats", /number 42 is not a valid custom field value.*"42"/],
    ["a tag listed twice in different case", { ...valid, tags: ["qa", "QA"] }, "tags", /listed twice/],
    ["an empty tag", { ...valid, tags: [""] }, "tags.0", /must not be empty/],
    ["an unknown property", { ...valid, phone: "1" }, "phone", /unknown property 'phone'/],
    ["adopt for a source without lookup", { identifier: "alice.ig", source: "instagram", name: "A", adopt: true }, "adopt", /looked up by phone number/],
    ["adopt that is not a boolean", { ...valid, adopt: "yes" }, "adopt", /true or false/],
  ];
  for (const [title, input, property, reason] of cases) {
    it(`refuses ${title}, naming ${property}`, () => {
      const problems = problemsOf(input);
      const match = problems.find((p) => p.property === property);
      assert.ok(match, `no problem for ${property} in ${JSON.stringify(problems)}`);
      assert.match(match.reason, reason);
    });
  }

  it("lets values unknown during a preview through, even required ones", () => {
    const result = validateInputs({ identifier: unknownValue, source: "whatsapp", name: unknownValue, teamUuid: unknownValue, tags: ["qa", unknownValue] });
    assert.ok(result.ok, JSON.stringify(result));
    assert.equal(result.inputs.teamUuid, unknownValue);
  });

  it("treats null as not set, as seed files write it", () => {
    const result = validateInputs({ ...valid, note: null, tags: null });
    assert.ok(result.ok);
    assert.equal("note" in result.inputs, false);
  });

  it("accepts non-phone identifiers for instagram and facebook", () => {
    assert.ok(validateInputs({ identifier: "alice.ig", source: "instagram", name: "A" }).ok);
  });
});
