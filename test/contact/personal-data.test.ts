// personalData "secret": no number, name, note, assignee or custom field value in any message
// this project writes, only the last 3 digits of a number.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ContactInputs } from "../../provider/src/domain/contact/shape";
import { makeContactProvider } from "../../provider/src/doors/dynamic/dynamic-provider";
import { maskInput, maskPersonalData, maskValue } from "../../provider/src/domain/contact/personal-data";
import { loadSeedFiles } from "../../provider/src/doors/seed/seed-file";

describe("personal data in secret mode", () => {
  it("masks numbers to their last 3 digits and other values entirely, and leaves uuids and line numbers alone", () => {
    assert.equal(maskValue("+39 333 123 4567"), "…567");
    assert.equal(maskValue("Alice Rossi"), "[hidden]");
    const text = 'contacts.yaml:12 (identifier +39 333 123 4567): name "Alice Rossi" … team 7ea70000000000000000000000000003, 4915112345678';
    assert.equal(maskPersonalData(text, ["Alice Rossi"]), 'contacts.yaml:12 (identifier …567): name "[hidden]" … team 7ea70000000000000000000000000003, …678');
  });

  it("a secret-mode seed file's errors name file, line and field, but no number, name, note or assignee", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "secret-seed-"));
    const file = path.join(dir, "contacts.yaml");
    fs.writeFileSync(
      file,
      [
        "contacts:",
        '  - { identifier: "393331234567", source: whatsapp, name: Alice Rossi, assignedUser: alice.rossi, note: lives in Turin }',
        '  - { identifier: "39333", source: whatsapp, name: Bruno Bianchi }',
        "",
      ].join("\n"),
    );
    const read = (maskPersonalData: boolean) => {
      try {
        loadSeedFiles([file], { maskPersonalData });
      } catch (error) {
        return (error as Error).message;
      }
      throw new Error("expected a SeedFileError");
    };
    const plain = read(false);
    assert.match(plain, /393331234567/);
    const masked = read(true);
    for (const secret of ["393331234567", "Alice Rossi", "alice.rossi", "Bruno Bianchi", "lives in Turin", '39333"']) {
      assert.ok(!masked.includes(secret), `${secret} in: ${masked}`);
    }
    assert.match(masked, /contacts\.yaml:2 \(identifier …567\): assignedUser "\[hidden\]" is not an email address/);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("check failures of a masked contact do not echo its values", async () => {
    const provider = makeContactProvider({
      settings: () => ({ apiUrl: "http://127.0.0.1:9/v1" }),
      client: () => {
        throw new Error("no API in check");
      },
    });
    const raw = { identifier: "39333123", source: "whatsapp", name: "Alice Rossi", assignedUser: "alice.rossi", [maskInput]: true };
    const result = await provider.check({} as ContactInputs, raw as unknown as ContactInputs);
    const text = JSON.stringify(result.failures);
    assert.ok((result.failures ?? []).length >= 2, text);
    for (const secret of ["39333123", "alice.rossi"]) assert.ok(!text.includes(secret), `${secret} in ${text}`);
  });
});
