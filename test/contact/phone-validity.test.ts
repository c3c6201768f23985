// Phone validity has one home (domain/contact/phone.ts): what the schema accepts as a phone source's identifier, read
// with the same parse as its E.164 digits, and the phone sources the client's lookup by number agrees with.
import { strict as assert } from "assert";
import { canLookUpByPhone, contactSources } from "../../provider/src/client/contacts";
import { isPhoneNumber, phoneDigits, phoneSources } from "../../provider/src/domain/contact/phone";
import { validateInputs } from "../../provider/src/domain/contact/schema";

describe("phone numbers: validity", () => {
  it("a number libphonenumber finds valid is one, written with formatting, a trunk 0 or 00", () => {
    for (const written of ["393331234567", "+39 333 123 4567", " +44 07911 123456 ", "0044 7911 123456", "+1 (201) 555-0123"]) {
      assert.equal(isPhoneNumber(written), true, written);
    }
  });

  it("is not one when libphonenumber finds it invalid, when it is not digits, or shorter than 8 E.164 digits", () => {
    for (const written of ["+44 0000 000000", "12 34", "+1 555", "+39 333 12+34", "abc", "", "+683 4002"]) {
      assert.equal(isPhoneNumber(written), false, written);
    }
    assert.equal(phoneDigits("+683 4002"), "6834002", "Niue's 4-digit numbers are valid to libphonenumber, but too short for Callbell");
  });

  it("is what the schema decides for a phone source's identifier", () => {
    for (const written of ["+39 333 123 4567", "+44 0000 000000", "+683 4002", "12 34"]) {
      for (const source of phoneSources) {
        assert.equal(validateInputs({ identifier: written, source, name: "N" }).ok, isPhoneNumber(written), `${source} ${written}`);
      }
    }
  });

  it("the phone sources are the sources the client can look a contact up by number in, given the channel", () => {
    for (const source of contactSources) assert.equal(canLookUpByPhone(source, "0".repeat(32)), phoneSources.includes(source), source);
    assert.deepEqual(
      contactSources.filter((source) => canLookUpByPhone(source, undefined)),
      ["whatsapp"],
      "without a channel, the main WhatsApp channel only",
    );
  });
});
