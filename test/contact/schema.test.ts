import { strict as assert } from "assert";
import { toCreateBody } from "../../provider/src/domain/contact/mapping";
import { validateInputs } from "../../provider/src/domain/contact/schema";
import { unknownValue } from "../../provider/src/normalize";
import { phoneDigits } from "../../provider/src/domain/contact/phone";

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
      ...valid,
      tags: ["qa", "vip"],
      customFields: { plan: "pro", interests: ["api"] },
      assignedUser: "agent@acme.example",
      teamUuid: "a".repeat(32),
      channelUuid: "b".repeat(32),
      botStatus: "bot_end",
      note: "seeded",
      adopt: true,
    });
    assert.ok(result.ok);
    assert.deepEqual(toCreateBody(result.inputs), {
      identifier: "393331234567",
      source: "whatsapp",
      name: "QA Alice",
      tags: ["qa", "vip"],
      custom_fields: { plan: "pro", interests: ["api"] },
      assigned_user: "agent@acme.example",
      team_uuid: "a".repeat(32),
      channel_uuid: "b".repeat(32),
      bot_status: "bot_end",
      note: "seeded",
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

  describe("hostile input", () => {
    const validNames = "identifier, source, name, tags, customFields, assignedUser, team, teamUuid, channel, channelUuid, botStatus, note, adopt";
    for (const key of ["constructor", "toString", "valueOf", "hasOwnProperty"]) {
      it(`refuses an inherited name used as a property ('${key}') instead of passing with empty inputs`, () => {
        assert.deepEqual(problemsOf({ ...valid, [key]: 1 }), [{ property: key, reason: `unknown property '${key}'; valid ones are ${validNames}` }]);
      });
    }

    it("names each unknown property on its own", () => {
      assert.deepEqual(
        problemsOf({ ...valid, constructor: 1, phone: "1" }).map((p) => p.property),
        ["constructor", "phone"],
      );
    });

    const exact: [string, Record<string, unknown>, string, string][] = [
      [
        "a name of zero-width characters and a BOM",
        { ...valid, name: "\u200b\u200d\ufeff" },
        "name",
        "name has only invisible characters (zero-width spaces, joiners, BOM); write visible text",
      ],
      [
        "a name with a NUL",
        { ...valid, name: "QA\u0000Alice" },
        "name",
        "name contains the control character U+0000; remove it (control characters, tabs and line breaks included, are not allowed)",
      ],
      [
        "a name with a lone surrogate",
        { ...valid, name: "QA \ud800" },
        "name",
        "name contains a lone surrogate (broken UTF-16 text); type it again as plain text",
      ],
      [
        "a tag of invisible characters",
        { ...valid, tags: ["qa", "\u2060\u00ad"] },
        "tags.1",
        "a tag name has only invisible characters (zero-width spaces, joiners, BOM); write visible text",
      ],
      [
        "a tag with a line break",
        { ...valid, tags: ["q\na"] },
        "tags.0",
        "a tag name contains the control character U+000A; remove it (control characters, tabs and line breaks included, are not allowed)",
      ],
      ["a blank custom field name", { ...valid, customFields: { " ": "x" } }, "customFields. ", "a custom field name must not be blank (only spaces)"],
      [
        "an instagram identifier of 256 characters",
        { identifier: "i".repeat(256), source: "instagram", name: "A" },
        "identifier",
        "identifier is 256 characters long; identifiers of source instagram have at most 255",
      ],
      [
        "a facebook identifier with a control character",
        { identifier: "alice\u0007", source: "facebook", name: "A" },
        "identifier",
        "identifier contains the control character U+0007; remove it (control characters, tabs and line breaks included, are not allowed)",
      ],
      ["an empty facebook identifier", { identifier: "", source: "facebook", name: "A" }, "identifier", "identifier must not be empty"],
      [
        "a '+' inside a phone number",
        { ...valid, identifier: "39333+1234567" },
        "identifier",
        "identifier \"39333+1234567\" is not a phone number in international format (a '+' may only start the number, once), which source whatsapp needs; " +
          'write the country code and the number, e.g. "393331234567" or "+39 333 123 4567"',
      ],
      [
        "several '+' before a phone number",
        { ...valid, identifier: "+++393331234567" },
        "identifier",
        "identifier \"+++393331234567\" is not a phone number in international format (a '+' may only start the number, once), which source whatsapp needs; " +
          'write the country code and the number, e.g. "393331234567" or "+39 333 123 4567"',
      ],
    ];
    for (const [title, input, property, reason] of exact) {
      it(`refuses ${title}`, () => assert.deepEqual(problemsOf(input), [{ property, reason }]));
    }

    it("reports 10,000 copies of one tag as one problem", () => {
      assert.deepEqual(problemsOf({ ...valid, tags: Array(10_000).fill("qa") }), [
        { property: "tags", reason: 'tag "qa" is listed 10000 times (tags are case-insensitive); list it once' },
      ]);
    });

    it("reports 10,000 empty tags as one problem", () => {
      assert.deepEqual(problemsOf({ ...valid, tags: Array(10_000).fill("") }), [
        { property: "tags.0", reason: "a tag name must not be empty (at tags.0 and 9999 more places)" },
      ]);
    });

    it("accepts invisible characters inside visible text, and one leading '+' however the number is written", () => {
      const result = validateInputs({ ...valid, identifier: "(+39) 333-123 4567", name: "Zoë\u200d Q", tags: ["qa\u200b"] });
      assert.ok(result.ok, JSON.stringify(result));
      assert.equal(result.inputs.identifier, "393331234567");
      assert.equal(phoneDigits("+39 333 123 4567"), "393331234567");
      assert.equal(phoneDigits("0039 333 123 4567"), "393331234567");
      assert.equal(phoneDigits("39333+1234567"), "39333+1234567");
    });
  });
});
