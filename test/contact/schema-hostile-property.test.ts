// validateInputs under generated hostile text: control characters, invisible-only text, lone
// surrogates, misplaced '+', over-long identifiers, blank field names, inherited property names
// and many copies of one tag. It never throws, names exactly the properties made bad, and
// reports each distinct problem once.
import { strict as assert } from "assert";
import fc from "fast-check";
import { validateInputs } from "../../provider/src/domain/contact/schema";

type Field = { value?: unknown; bad: boolean };
const ok = (value: unknown): Field => ({ value, bad: false });
const bad = (value: unknown): Field => ({ value, bad: true });
const absent: Field = { bad: false };

const visible = fc.string({ minLength: 1, maxLength: 20 }).filter((s) => s.trim().length > 0); // printable ASCII
const control = fc.oneof(fc.integer({ min: 0, max: 0x1f }), fc.constant(0x7f), fc.integer({ min: 0x80, max: 0x9f })).map((c) => String.fromCharCode(c));
const invisible = fc.constantFrom("\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad", "\u180e", "\u3164", "\ufe0f");
const loneSurrogate = fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c));
/** `text` with `piece` inserted at a generated position. */
const withInside = (text: fc.Arbitrary<string>, piece: fc.Arbitrary<string>) =>
  fc.tuple(text, piece, fc.nat()).map(([t, p, at]) => t.slice(0, at % (t.length + 1)) + p + t.slice(at % (t.length + 1)));
const onlyInvisible = fc
  .array(fc.oneof(invisible, fc.constant(" ")), { minLength: 1, maxLength: 6 })
  .map((a) => a.join(""))
  .filter((s) => s.trim() !== "");
/** Text a person would read, broken in one of the ways the check refuses. */
const hostileText = fc.oneof(withInside(visible, control), withInside(visible, loneSurrogate), onlyInvisible, fc.constantFrom("", "   "));

const phones = ["393331234567", "+39 333 123 4567", "12025550143", "4915112345678"];
const misplacedPlus = fc.oneof(
  fc.tuple(fc.constantFrom(...phones.filter((p) => !p.startsWith("+"))), fc.integer({ min: 1, max: 10 })).map(([p, at]) => `${p.slice(0, at)}+${p.slice(at)}`),
  fc.tuple(fc.constantFrom(...phones), fc.integer({ min: 2, max: 4 })).map(([p, n]) => "+".repeat(n) + p.replace(/^\+/, "")),
);

const sourceAndIdentifier = fc.oneof(
  fc.record({
    source: fc.constantFrom("whatsapp", "telegram").map(ok),
    identifier: fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...phones).map(ok) }, { weight: 1, arbitrary: misplacedPlus.map(bad) }),
  }),
  fc.record({
    source: fc.constantFrom("instagram", "facebook").map(ok),
    identifier: fc.oneof(
      {
        weight: 3,
        arbitrary: fc
          .string({ minLength: 1, maxLength: 255 })
          .filter((s) => s.trim().length > 0)
          .map(ok),
      },
      {
        weight: 1,
        arbitrary: fc
          .string({ minLength: 256, maxLength: 300 })
          .filter((s) => s.trim().length > 255)
          .map(bad),
      },
      { weight: 1, arbitrary: hostileText.map(bad) },
    ),
  }),
);

const tagName = fc.stringMatching(/^[a-z]{1,8}$/);
const tags = fc.oneof(
  { weight: 3, arbitrary: fc.constant(absent) },
  { weight: 3, arbitrary: fc.uniqueArray(tagName, { maxLength: 4 }).map(ok) },
  { weight: 1, arbitrary: fc.tuple(fc.uniqueArray(tagName, { maxLength: 3 }), hostileText).map(([list, t]) => bad([...list, t])) },
  // Many copies of one tag: one problem, however many copies.
  { weight: 1, arbitrary: fc.tuple(tagName, fc.integer({ min: 2, max: 500 })).map(([t, n]) => bad(Array(n).fill(t))) },
);
const customFields = fc.oneof(
  { weight: 3, arbitrary: fc.constant(absent) },
  { weight: 2, arbitrary: fc.dictionary(fc.stringMatching(/^[a-z_]{1,10}$/), fc.string({ maxLength: 10 }), { maxKeys: 3 }).map(ok) },
  { weight: 1, arbitrary: fc.oneof(fc.constantFrom("", " ", "   "), onlyInvisible).map((k) => bad({ [k]: "x" })) },
);
const inherited = fc.oneof(
  { weight: 4, arbitrary: fc.constant(undefined) },
  { weight: 1, arbitrary: fc.constantFrom("constructor", "toString", "valueOf", "hasOwnProperty", "isPrototypeOf", "propertyIsEnumerable", "toLocaleString") },
);

const generated = fc.record({
  ids: sourceAndIdentifier,
  name: fc.oneof({ weight: 3, arbitrary: visible.map(ok) }, { weight: 1, arbitrary: hostileText.map(bad) }),
  tags,
  customFields,
  inherited,
});

describe("validateInputs property: hostile text", function () {
  this.timeout(120_000);

  it("never throws, names exactly the properties made bad, and lists each problem once", () => {
    let valid = 0;
    fc.assert(
      fc.property(generated, (g) => {
        const input: Record<string, unknown> = {};
        const expected = new Set<string>();
        const fields: [string, Field][] = [
          ["source", g.ids.source],
          ["identifier", g.ids.identifier],
          ["name", g.name],
          ["tags", g.tags],
          ["customFields", g.customFields],
        ];
        for (const [property, field] of fields) {
          if ("value" in field) input[property] = field.value;
          if (field.bad) expected.add(property);
        }
        if (g.inherited) {
          input[g.inherited] = 1;
          expected.add(g.inherited);
        }
        const result = validateInputs(input);
        const problems = result.ok ? [] : result.problems;
        const named = new Set(problems.map((p) => p.property.split(".")[0]));
        assert.deepEqual([...named].sort(), [...expected].sort(), `input ${JSON.stringify(input)} problems ${JSON.stringify(problems)}`);
        const keys = problems.map((p) => `${p.property}|${p.reason}`);
        assert.equal(new Set(keys).size, keys.length, `a problem listed twice: ${JSON.stringify(problems)}`);
        // One problem per bad property here: each generator breaks a property in one way.
        assert.equal(problems.length, expected.size, `one problem per bad property: ${JSON.stringify(problems)}`);
        for (const p of problems) assert.ok(p.reason.length > 10 && p.reason.length < 400, p.reason);
        if (expected.size === 0) valid++;
      }),
      { numRuns: 3_000, seed: 20261126 },
    );
    assert.ok(valid > 200 && valid < 2800, `a mix of valid (${valid}) and invalid inputs`);
  });
});
