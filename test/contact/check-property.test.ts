// check() under 10,000 generated inputs, valid and invalid: no exception escapes, valid
// inputs pass, and every invalid property is named by a CheckFailure (no more, no less).
import { strict as assert } from "assert";
import fc from "fast-check";
import { makeContactProvider } from "../../provider/src/doors/dynamic/dynamic-provider";
import { ContactInputs } from "../../provider/src/domain/contact/shape";
import { unknownValue } from "../../provider/src/normalize";

type Field = { value?: unknown; invalid: boolean };
const ok = (value: unknown): Field => ({ value, invalid: false });
const bad = (value: unknown): Field => ({ value, invalid: true });
const absent: Field = { invalid: false };
const hex32 = fc.stringMatching(/^[0-9a-f]{32}$/);
const nonBlank = fc.string({ minLength: 1, maxLength: 30 }).filter((s) => s.trim().length > 0);
const notAString = fc.oneof(fc.integer(), fc.boolean(), fc.constant([]), fc.constant({}));

const validPhones = ["393331234567", "+39 333 123 4567", "12025550143", "+1 (202) 555-0143", "4915112345678", "33612345678", "5511987654321"];
const invalidPhones = fc.oneof(
  fc.constantFrom("12345678", "0000000000", "+", "999999999999", "alice"),
  fc.string({ minLength: 1, maxLength: 12 }).filter((s) => /[a-z]/i.test(s)),
);

const sources = fc.oneof(
  { weight: 9, arbitrary: fc.constantFrom("whatsapp", "telegram", "instagram", "facebook").map(ok) },
  { weight: 1, arbitrary: fc.oneof(fc.constantFrom("sms", "WhatsApp", ""), notAString).map(bad) },
);

function identifierFor(source: Field): fc.Arbitrary<Field> {
  const phoneBased = !source.invalid && (source.value === "whatsapp" || source.value === "telegram");
  const valid = phoneBased ? fc.constantFrom(...validPhones) : nonBlank;
  const invalid = phoneBased ? invalidPhones : fc.oneof(fc.constantFrom("", "   "), notAString);
  // An invalid source skips the phone rule: only type errors are then certain.
  const invalidWhenSourceBad = fc.oneof(fc.constantFrom("", "   "), notAString);
  return fc.oneof(
    { weight: 8, arbitrary: valid.map(ok) },
    { weight: 2, arbitrary: (source.invalid ? invalidWhenSourceBad : invalid).map(bad) },
    { weight: 1, arbitrary: fc.constant(bad(undefined)) },
  );
}

const optional = (valid: fc.Arbitrary<unknown>, invalid: fc.Arbitrary<unknown>) =>
  fc.oneof(
    { weight: 4, arbitrary: fc.constant(absent) },
    { weight: 4, arbitrary: valid.map(ok) },
    { weight: 1, arbitrary: invalid.map(bad) },
    { weight: 1, arbitrary: fc.constant(ok(unknownValue)) },
  );

const fields = {
  name: fc.oneof({ weight: 8, arbitrary: nonBlank.map(ok) }, { weight: 2, arbitrary: fc.oneof(fc.constantFrom("", "  ", undefined), notAString).map(bad) }),
  tags: optional(
    fc.uniqueArray(fc.stringMatching(/^[a-z]{1,8}$/), { maxLength: 4, selector: (t) => t.toLowerCase() }),
    fc.oneof(fc.constant(["qa", "QA"]), fc.constant([""]), fc.constant("qa"), fc.constant([1])),
  ),
  customFields: optional(
    fc.dictionary(fc.stringMatching(/^[a-z_]{1,10}$/), fc.oneof(fc.string({ maxLength: 20 }), fc.array(fc.string({ maxLength: 8 }), { maxLength: 3 })), {
      maxKeys: 4,
    }),
    fc.oneof(fc.constant({ seats: 42 }), fc.constant({ "": "x" }), fc.constant({ flag: true }), fc.constant("plan=pro"), fc.constant({ nested: { a: "b" } })),
  ),
  assignedUser: optional(
    fc.constantFrom("alice@acme.example", "Bob.Smith+qa@acme-dev.example"),
    fc.oneof(fc.constantFrom("bob", "a@", "@acme.example", ""), notAString),
  ),
  teamUuid: optional(hex32, fc.oneof(fc.constantFrom("team-1", "A".repeat(32), ""), fc.string({ maxLength: 31 }), notAString)),
  channelUuid: optional(hex32, fc.oneof(fc.constantFrom("c".repeat(33), "XYZ"), notAString)),
  botStatus: optional(fc.constantFrom("bot_start", "bot_end"), fc.oneof(fc.constantFrom("start", "BOT_END", ""), notAString)),
  note: optional(fc.string({ maxLength: 1000 }), fc.oneof(fc.string({ minLength: 1001, maxLength: 1100 }), notAString)),
};

const generated = sources.chain((source) =>
  fc.record({
    source: fc.constant(source),
    identifier: identifierFor(source),
    extra: fc.oneof({ weight: 9, arbitrary: fc.constant(absent) }, { weight: 1, arbitrary: fc.constant(bad("x")) }),
    adopt: fc.oneof(
      fc.constant(absent),
      fc.constant(absent),
      fc.constant(ok(false)),
      fc.constant(bad("yes")),
      fc.constant(source.value === "whatsapp" ? ok(true) : source.invalid ? absent : source.value === "telegram" ? absent : bad(true)),
    ),
    ...fields,
  }),
);

describe("check() property: 10,000 generated inputs", function () {
  this.timeout(180_000); // about 10 s alone; much more on a loaded 2-core machine
  const provider = makeContactProvider({
    settings: () => ({ apiUrl: "http://127.0.0.1:9/v1" }),
    client: () => {
      throw new Error("check must not call the API");
    },
  });

  it("never throws, accepts every valid input and names exactly the invalid properties", async () => {
    let valid = 0;
    await fc.assert(
      fc.asyncProperty(generated, async (g) => {
        const input: Record<string, unknown> = {};
        const expected = new Set<string>();
        for (const [key, field] of Object.entries(g)) {
          const property = key === "extra" ? "phoneNumber" : key;
          if ("value" in field) input[property] = field.value;
          if (field.invalid) expected.add(property);
          if (field.invalid && field.value === undefined) delete input[property];
        }
        const result = await provider.check!({} as ContactInputs, input as unknown as ContactInputs);
        const named = new Set((result.failures ?? []).map((f) => f.property.split(".")[0]));
        assert.deepEqual([...named].sort(), [...expected].sort(), `input ${JSON.stringify(input)} failures ${JSON.stringify(result.failures)}`);
        for (const failure of result.failures ?? []) assert.ok(failure.reason.length > 10, "a reason a user can act on");
        if (expected.size === 0) valid++;
      }),
      { numRuns: 10_000, seed: 20261125 },
    );
    console.log(`      ${valid} valid and ${10_000 - valid} invalid inputs`);
    assert.ok(valid > 1000 && valid < 9000, `a mix of valid (${valid}) and invalid inputs`);
  });
});
