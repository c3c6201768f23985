// Seed keys are resource names: two different contacts must never share one, and one contact's
// must not change with anything but its identity. Properties over generated identifiers and seed
// files, plus the cases that collided before (instagram "alice.smith" and "alice_smith").
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import fc from "fast-check";
import { normalizedIdentifier } from "../../provider/src/domain/contact/phone";
import { hashedSeedKey, legacySeedKeys, seedKey } from "../../provider/src/domain/contact/identity";
import { loadSeedFiles } from "../../provider/src/doors/seed/seed-file";

const sources = ["whatsapp", "telegram", "instagram", "facebook"] as const;
const channels = [undefined, "c4a00000000000000000000000000001", "c4a00000000000000000000000000002", "c4a00000999999999999999999999999"];

/** Identifiers as people write them: phone numbers in several formats, handles, ids, odd text. */
const identifier = fc.oneof(
  fc.stringMatching(/^[1-9]\d{9,13}$/),
  fc.stringMatching(/^\+?[1-9]\d{1,3}[ -]?\d{3}[ -]?\d{3}[ -]?\d{3,4}$/),
  fc.stringMatching(/^[A-Za-z0-9._]{1,30}$/),
  fc.string({ minLength: 1, maxLength: 20, unit: "grapheme" }),
);
const identity = fc.record({ source: fc.constantFrom(...sources), identifier, channelUuid: fc.constantFrom(...channels) });
const sameContact = (a: { source: string; identifier: string; channelUuid?: string }, b: typeof a) =>
  a.source === b.source && a.channelUuid === b.channelUuid && normalizedIdentifier(a.source, a.identifier) === normalizedIdentifier(b.source, b.identifier);

describe("seed keys", () => {
  it("are injective: two identities share a key only when they are the same contact (plain and hashed)", () => {
    fc.assert(
      fc.property(identity, identity, (a, b) => {
        if (sameContact(a, b)) return seedKey(a) === seedKey(b) && hashedSeedKey(a) === hashedSeedKey(b);
        return seedKey(a) !== seedKey(b) && hashedSeedKey(a) !== hashedSeedKey(b);
      }),
      { numRuns: 20_000 },
    );
  });

  it("keep readable identifiers readable, and encode the rest with a hash", () => {
    assert.equal(seedKey({ source: "whatsapp", identifier: "+39 333 123 4567" }), "whatsapp-393331234567");
    assert.equal(
      seedKey({ source: "whatsapp", identifier: "393331234567", channelUuid: "c4a00000000000000000000000000002" }),
      "whatsapp.c4a00000000000000000000000000002-393331234567",
    );
    assert.equal(seedKey({ source: "instagram", identifier: "alice.smith" }), "instagram-alice.smith");
    assert.equal(seedKey({ source: "instagram", identifier: "alice_smith" }), "instagram-alice_smith");
    assert.match(seedKey({ source: "instagram", identifier: "Alice.Smith" }), /^instagram-alice-smith~[0-9a-f]{12}$/);
    assert.notEqual(seedKey({ source: "facebook", identifier: "!!!" }), seedKey({ source: "facebook", identifier: "مرحبا" }));
    assert.match(seedKey({ source: "facebook", identifier: "!!!" }), /^facebook-x~[0-9a-f]{12}$/);
  });

  it("key a channel by title with a hash of the title (any case, trimmed), and { main: true } like no channel; uuid keys do not change", () => {
    const id = { source: "whatsapp", identifier: "393331234567" };
    const titled = seedKey({ ...id, channel: "WhatsApp Sales Line" });
    assert.match(titled, /^whatsapp\.~[0-9a-f]{12}-393331234567$/);
    assert.equal(seedKey({ ...id, channel: "  whatsapp sales LINE " }), titled, "titles match case-insensitively, so they key alike");
    assert.notEqual(seedKey({ ...id, channel: "WhatsApp Main" }), titled);
    assert.match(hashedSeedKey({ ...id, channel: "WhatsApp Sales Line" }), /^whatsapp\.~[0-9a-f]{12}-[0-9a-f]{16}$/);
    assert.equal(seedKey({ ...id, channel: { main: true } }), "whatsapp-393331234567", "the main channel is the default channel");
    assert.equal(seedKey({ ...id, channelUuid: "c4a00000000000000000000000000002", channel: "x" }), "whatsapp.c4a00000000000000000000000000002-393331234567");
    assert.deepEqual(legacySeedKeys({ ...id, channel: "WhatsApp Sales Line" }), [], "no earlier scheme had titles: no alias could be right");
  });

  it("name the earlier scheme's keys, for aliases", () => {
    assert.deepEqual(
      legacySeedKeys({ source: "whatsapp", identifier: "393331234567", channelUuid: "c4a00000000000000000000000000002" })[0],
      "whatsapp-c4a00000-393331234567",
    );
    assert.deepEqual(legacySeedKeys({ source: "instagram", identifier: "alice.smith" })[0], "instagram-alice-smith");
  });

  describe("in seed files", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "seed-keys-"));
    after(() => fs.rmSync(dir, { recursive: true, force: true }));
    let n = 0;
    const write = (text: string) => {
      const file = path.join(dir, `f${n++}.yaml`);
      fs.writeFileSync(file, text);
      return file;
    };

    it("an overlay or a remove for alice_smith touches only alice_smith, never alice.smith", () => {
      const base = write(
        "contacts:\n  - { identifier: alice.smith, source: instagram, name: Dot }\n  - { identifier: alice_smith, source: instagram, name: Underscore }\n",
      );
      const overlay = write("contacts:\n  - { identifier: alice_smith, source: instagram, note: only mine }\n");
      const merged = loadSeedFiles([base, overlay]);
      assert.deepEqual(
        merged.map((c) => [c.inputs.identifier, c.inputs.note]),
        [
          ["alice.smith", undefined],
          ["alice_smith", "only mine"],
        ],
      );
      const remove = write("contacts:\n  - { identifier: alice_smith, source: instagram, remove: true }\n");
      assert.deepEqual(
        loadSeedFiles([base, remove]).map((c) => c.inputs.identifier),
        ["alice.smith"],
      );
    });

    it("team and channel by name: an entry's own form wins over the defaults' other form; both in one entry is refused", () => {
      const file = write(
        [
          "defaults: { source: whatsapp, team: Support, channelUuid: c4a00000000000000000000000000002 }",
          "contacts:",
          "  - { identifier: '393331234567', name: A }",
          "  - { identifier: '393331234568', name: B, teamUuid: 7ea70000000000000000000000000003, channel: WhatsApp Sales Line }",
          "  - { identifier: '393331234569', name: C, channel: { main: true } }",
          "",
        ].join("\n"),
      );
      assert.deepEqual(
        loadSeedFiles([file]).map((c) => [c.key, c.inputs.team, c.inputs.teamUuid, c.inputs.channel, c.inputs.channelUuid]),
        [
          ["whatsapp-393331234569", "Support", undefined, { main: true }, undefined],
          ["whatsapp.c4a00000000000000000000000000002-393331234567", "Support", undefined, undefined, "c4a00000000000000000000000000002"],
          [
            seedKey({ source: "whatsapp", identifier: "393331234568", channel: "WhatsApp Sales Line" }),
            undefined,
            "7ea70000000000000000000000000003",
            "WhatsApp Sales Line",
            undefined,
          ],
        ],
      );
      const both = write(
        "contacts:\n  - { identifier: '393331234567', source: whatsapp, name: A, team: Support, teamUuid: 7ea70000000000000000000000000002 }\n",
      );
      assert.throws(() => loadSeedFiles([both]), /team and teamUuid are both set; keep one: team \(by name\) or teamUuid \(by uuid\)/);
      const wrong = write("defaults: { channel: [a] }\ncontacts:\n  - { identifier: '393331234567', source: whatsapp, name: A, channel: 42 }\n");
      assert.throws(
        () => loadSeedFiles([wrong]),
        (e: Error) => {
          assert.match(e.message, /'defaults\.channel' must be a title or \{ main: true \}, not a list; e\.g\. channel: WhatsApp Sales Line/);
          assert.match(e.message, /channel must be a channel's title or \{ main: true \}, not number 42/);
          return true;
        },
      );
    });

    it("the key of an entry does not depend on its other fields being valid", () => {
      const valid = write('contacts:\n  - { identifier: "+39 333 123 4567", source: whatsapp, name: A, assignedUser: a@b.example }\n');
      const overlayBad = write('contacts:\n  - { identifier: "393331234567", source: whatsapp, assignedUser: not-an-email }\n');
      assert.throws(
        () => loadSeedFiles([valid, overlayBad]),
        (e: Error) => {
          assert.match(e.message, /assignedUser "not-an-email" is not an email address/);
          assert.doesNotMatch(e.message, /name is required/, "the overlay merged into the same entry");
          return true;
        },
      );
    });

    it("property: overlays and removes hit exactly their own contact, for generated files", () => {
      // Distinct whatsapp numbers and instagram handles that a lossy key would have merged.
      const entry = fc.oneof(
        fc.stringMatching(/^39333\d{7}$/).map((id) => ({ source: "whatsapp", identifier: id })),
        fc.stringMatching(/^[a-c][._]?[a-c][._]?[a-c]$/).map((id) => ({ source: "instagram", identifier: id })),
      );
      fc.assert(
        fc.property(
          fc.uniqueArray(entry, { minLength: 1, maxLength: 12, selector: (e) => `${e.source}|${e.identifier}` }),
          fc.array(fc.nat()),
          fc.array(fc.nat()),
          (entries, overlayPicks, removePicks) => {
            const line = (e: { source: string; identifier: string }, extra: string) => `  - { identifier: "${e.identifier}", source: ${e.source}${extra} }`;
            const base = write(["contacts:", ...entries.map((e, i) => line(e, `, name: "C${i}"`))].join("\n") + "\n");
            const overlaid = new Set(overlayPicks.map((p) => p % entries.length));
            const removed = new Set(removePicks.map((p) => p % entries.length));
            for (const i of removed) overlaid.delete(i);
            const overlay = write(
              [
                "contacts:" + (overlaid.size + removed.size ? "" : " []"),
                ...[...overlaid].map((i) => line(entries[i], `, note: "overlay ${i}"`)),
                ...[...removed].map((i) => line(entries[i], ", remove: true")),
              ].join("\n") + "\n",
            );
            const result = loadSeedFiles([base, overlay]);
            const expected = entries.map((e, i) => ({ e, i })).filter(({ i }) => !removed.has(i));
            assert.equal(result.length, expected.length);
            for (const { e, i } of expected) {
              const found = result.filter((c) => c.inputs.identifier === e.identifier && c.inputs.source === e.source);
              assert.equal(found.length, 1, e.identifier);
              assert.equal(found[0].inputs.name, `C${i}`);
              assert.equal(found[0].inputs.note, overlaid.has(i) ? `overlay ${i}` : undefined);
            }
            assert.equal(new Set(result.map((c) => c.key)).size, result.length, "one key per contact");
          },
        ),
        { numRuns: 300 },
      );
    });
  });
});
