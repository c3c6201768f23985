// Phone numbers are identified by their E.164 digits (issue 20, case 3): a number written with its national trunk 0
// is the same number as without it, so it must get the same identifier, the same seed name, and never a replacement.
import { strict as assert } from "assert";
import { createHash } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { normalizedIdentifier, phoneDigits } from "../../provider/src/domain/contact/phone";
import { diffContact } from "../../provider/src/domain/contact/diff";
import { makeContactProvider } from "../../provider/src/doors/dynamic/dynamic-provider";
import { maskInput } from "../../provider/src/domain/contact/personal-data";
import { patchFor } from "../../provider/src/domain/contact/mapping";
import { validateInputs } from "../../provider/src/domain/contact/schema";
import { ContactInputs, ContactOutputs } from "../../provider/src/domain/contact/shape";
import { hashedSeedKey, legacySeedKeys, seedKey } from "../../provider/src/domain/contact/identity";
import { loadSeedFiles } from "../../provider/src/doors/seed/seed-file";

const sha16 = (text: string) => createHash("sha256").update(text, "utf8").digest("hex").slice(0, 16);

// Written with the trunk 0, the E.164 digits, and the strip-only digits earlier versions stored.
const trunkZero = [
  ["+44 07911 123456", "447911123456", "4407911123456"],
  ["+49 0151 23456789", "4915123456789", "49015123456789"],
  ["+33 06 12 34 56 78", "33612345678", "330612345678"],
  ["+31 06 12345678", "31612345678", "310612345678"],
  ["+61 0412 345 678", "61412345678", "610412345678"],
] as const;

// Numbers with no trunk prefix to drop: Italy keeps its leading 0 in E.164.
const noTrunk = [
  ["393331234567", "393331234567"],
  ["+39 333 123 4567", "393331234567"],
  ["+39 06 1234 5678", "390612345678"],
  ["+1 650 253 0000", "16502530000"],
  ["+1 (201) 555-0123", "12015550123"],
] as const;

describe("phone numbers: E.164 identifiers", () => {
  it("drop the national trunk 0, written with it or as the digits earlier versions stored", () => {
    for (const [written, e164, stripped] of trunkZero) {
      assert.equal(phoneDigits(written), e164, written);
      assert.equal(phoneDigits(stripped), e164, stripped);
      assert.equal(phoneDigits(e164), e164, `${e164} is already E.164`);
    }
  });

  it("are the same answers asked again, and after 60,000 other numbers have been normalized (each is parsed once, and remembered)", () => {
    const asked = [...trunkZero.map(([written]) => written), "+1 555", "12 34", "+39 333 12+34"];
    const first = asked.map(phoneDigits);
    assert.deepEqual(first, ["447911123456", "4915123456789", "33612345678", "31612345678", "61412345678", "1555", "1234", "3933312+34"]);
    assert.deepEqual(asked.map(phoneDigits), first);
    for (let i = 0; i < 60_000; i++) phoneDigits(`39333${String(1_000_000 + i)}`);
    assert.deepEqual(asked.map(phoneDigits), first);
  });

  it("keep numbers that have no trunk prefix, Italy's leading 0 included", () => {
    for (const [written, e164] of noTrunk) assert.equal(phoneDigits(written), e164, written);
  });

  it("are what the schema stores for phone sources only, and what it refuses stays refused", () => {
    for (const [written, e164] of [...trunkZero, ...noTrunk]) {
      for (const source of ["whatsapp", "telegram"]) {
        const result = validateInputs({ identifier: written, source, name: "N" });
        assert.ok(result.ok, JSON.stringify(result));
        assert.equal(result.inputs.identifier, e164, `${source} ${written}`);
        assert.equal(normalizedIdentifier(source, written), e164);
      }
    }
    assert.equal(normalizedIdentifier("instagram", " 4407911123456 "), "4407911123456", "an instagram identifier is not a number");
    const refused = validateInputs({ identifier: "+44 0000 000000", source: "whatsapp", name: "N" });
    assert.ok(!refused.ok);
    assert.match(refused.problems[0].reason, /^identifier "\+44 0000 000000" is not a valid United Kingdom \(\+44\) number/);
  });

  it("a number in international form that libphonenumber finds invalid is refused as invalid for its country, not as unformatted", () => {
    const reason = (identifier: string) => {
      const result = validateInputs({ identifier, source: "whatsapp", name: "N" });
      assert.ok(!result.ok, identifier);
      return result.problems.map((p) => `${p.property}: ${p.reason}`).join("\n");
    };
    // The UK range Ofcom keeps for drama: international format, no valid number.
    assert.equal(
      reason("447700900123"),
      'identifier: identifier "447700900123" is not a valid United Kingdom (+44) number (libphonenumber, reading it as +44 7700 900123); check the digits',
    );
    assert.equal(
      reason("+44 7700 900123"),
      'identifier: identifier "+44 7700 900123" is not a valid United Kingdom (+44) number (libphonenumber, reading it as +44 7700 900123); check the digits',
    );
    // A US number written without its 1 is read with Morocco's 212: the message says how it was read.
    assert.equal(
      reason("2125550100"),
      'identifier: identifier "2125550100" is not a valid Morocco (+212) number (libphonenumber, reading it as +212 5550100); check the digits',
    );
    // Too short, or no country calling code libphonenumber knows: not a number in international format.
    const unformatted = ', which source whatsapp needs; write the country code and the number, e.g. "393331234567" or "+39 333 123 4567"';
    assert.equal(reason("12"), `identifier: identifier "12" is not a phone number in international format${unformatted}`);
    assert.equal(reason("999123456789"), `identifier: identifier "999123456789" is not a phone number in international format${unformatted}`);
    assert.equal(reason("3933312"), `identifier: identifier "3933312" is not a phone number in international format${unformatted}`);
  });

  it("a number invalid for its country is masked with personalData secret, as the value and as libphonenumber reads it", async () => {
    const provider = makeContactProvider({
      settings: () => ({ apiUrl: "http://127.0.0.1:9/v1" }),
      client: () => {
        throw new Error("no API in check");
      },
    });
    const raw = { identifier: "+44 7700 900123", source: "whatsapp", name: "N", [maskInput]: true };
    const result = await provider.check({} as ContactInputs, raw as unknown as ContactInputs);
    assert.deepEqual(result.failures, [
      {
        property: "identifier",
        reason: 'identifier "…123" is not a valid United Kingdom (+44) number (libphonenumber, reading it as …123); check the digits',
      },
    ]);
  });

  it("give one seed name however the number is written, and the name of earlier versions as a legacy key", () => {
    for (const [written, e164, stripped] of trunkZero) {
      assert.equal(seedKey({ source: "whatsapp", identifier: written }), `whatsapp-${e164}`);
      assert.equal(seedKey({ source: "whatsapp", identifier: stripped }), `whatsapp-${e164}`);
      assert.equal(hashedSeedKey({ source: "whatsapp", identifier: written }), `whatsapp-${sha16(e164)}`);
      const legacy = legacySeedKeys({ source: "whatsapp", identifier: written });
      assert.ok(legacy.includes(`whatsapp-${stripped}`), `${written}: ${legacy.join(", ")}`);
      assert.ok(legacy.includes(`whatsapp-${sha16(stripped)}`), `${written}: the personal-data "secret" name`);
    }
    const channel = "c4a00000000000000000000000000002";
    assert.ok(legacySeedKeys({ source: "telegram", identifier: "+44 07911 123456", channelUuid: channel }).includes(`telegram.${channel}-4407911123456`));
    const titled = legacySeedKeys({ source: "whatsapp", identifier: "+44 07911 123456", channel: "Sales" });
    assert.deepEqual(titled, [
      seedKey({ source: "whatsapp", identifier: "4407911123456", channel: "Sales" }).replace("447911123456", "4407911123456"),
      hashedSeedKey({ source: "whatsapp", identifier: "x", channel: "Sales" }).replace(/[0-9a-f]{16}$/, sha16("4407911123456")),
    ]);
  });

  it("add no legacy key for a number earlier versions already named as now", () => {
    for (const [written, e164] of noTrunk) {
      const legacy = legacySeedKeys({ source: "whatsapp", identifier: written });
      assert.deepEqual(legacy, [`whatsapp-${e164}`, `whatsapp-${sha16(e164)}`], written);
    }
    assert.deepEqual(legacySeedKeys({ source: "whatsapp", identifier: "393331234567", channel: "Sales" }), []);
  });
});

describe("phone numbers: in seed files", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "phone-numbers-"));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const write = (name: string, text: string) => {
    fs.writeFileSync(path.join(dir, name), text);
    return path.join(dir, name);
  };

  it("one number written with and without its trunk 0 in one file is listed twice", () => {
    const file = write(
      "twice.yaml",
      'contacts:\n  - { identifier: "+44 07911 123456", source: whatsapp, name: A }\n  - { identifier: "447911123456", source: whatsapp, name: B }\n',
    );
    assert.throws(() => loadSeedFiles([file]), /the same contact is already listed at .*twice\.yaml:2; list it once/);
  });

  it("an overlay written without the trunk 0 overlays the entry written with it, which keeps every spelling for legacy names", () => {
    const base = write("base.yaml", 'contacts:\n  - { identifier: "+44 07911 123456", source: whatsapp, name: A }\n');
    const overlay = write("overlay.yaml", 'contacts:\n  - { identifier: "447911123456", source: whatsapp, note: overlaid }\n');
    const [only, ...rest] = loadSeedFiles([base, overlay]);
    assert.deepEqual(rest, []);
    assert.deepEqual([only.key, only.inputs.identifier, only.inputs.note], ["whatsapp-447911123456", "447911123456", "overlaid"]);
    assert.deepEqual(only.identifiersAsWritten, ["+44 07911 123456", "447911123456"]);
  });
});

describe("phone numbers: a state holding the old digits", () => {
  const state: ContactOutputs = {
    identifier: "4407911123456",
    source: "whatsapp",
    name: "UK",
    channelUuid: "c".repeat(32),
    teamUuid: "t".repeat(32),
    uuid: "u".repeat(32),
    href: "https://dash.callbell.eu/contacts/uuu",
    createdAt: "2026-11-25T01:02:03Z",
    phoneNumber: "+44 7911 123456",
  };
  const code: ContactInputs = { identifier: "447911123456", source: "whatsapp", name: "UK" };

  it("is an in-place update of the identifier alone: no replacement, no PATCH", () => {
    const d = diffContact(state, code);
    assert.deepEqual(d.replaces, []);
    assert.deepEqual(d.changed, ["identifier"]);
    assert.ok(!d.stables.includes("identifier"), "the identifier changes in the state");
    assert.ok(d.stables.includes("uuid"));
    assert.deepEqual(patchFor(state, code), {});
  });

  it("is still a replacement when the number really changes, or the source does", () => {
    assert.deepEqual(diffContact(state, { ...code, identifier: "447911123457" }).replaces, ["identifier"]);
    assert.deepEqual(diffContact(state, { ...code, source: "telegram" }).replaces, ["identifier", "source"]);
    assert.deepEqual(diffContact({ ...state, source: "instagram" }, { ...code, source: "instagram" }).replaces, ["identifier"], "not a number");
  });
});
