// ContactSet's overrides follow the seed files' rules: tags merge case-insensitively, and a team given in one form
// (name or uuid) replaces the entry's team given in the other.
import { strict as assert } from "assert";
import { withOverrides } from "../../provider/src/doors/typescript/contact-set";
import type { ContactInputs } from "../../provider/src/domain/contact/shape";

const seed = (inputs: Partial<ContactInputs>) => ({
  key: "whatsapp-393331234567",
  origin: "contacts.yaml:2",
  inputs: { identifier: "393331234567", source: "whatsapp", name: "QA Alice", ...inputs } as ContactInputs,
});
const SALES = "7ea70000000000000000000000000003";

describe("ContactSet overrides", () => {
  it("without overrides, the entry as it is", () => {
    const entry = seed({ teamUuid: SALES });
    assert.equal(withOverrides(entry, undefined), entry.inputs);
  });

  it("a team by name replaces the entry's team uuid, and a team uuid replaces its team name", () => {
    assert.deepEqual(withOverrides(seed({ teamUuid: SALES, note: "n" }), { team: "Support" }), {
      identifier: "393331234567",
      source: "whatsapp",
      name: "QA Alice",
      note: "n",
      team: "Support",
    });
    const byUuid = withOverrides(seed({ team: "Sales" }), { teamUuid: SALES });
    assert.equal(byUuid.teamUuid, SALES);
    assert.equal("team" in byUuid, false);
  });

  it("an override without a team keeps the entry's team; tags merge case-insensitively, the override's spelling kept", () => {
    const merged = withOverrides(seed({ team: "Sales", tags: ["VIP"] }), { tags: [" vip", "qa"], adopt: true });
    assert.equal(merged.team, "Sales");
    assert.equal(merged.adopt, true);
    assert.deepEqual(merged.tags, [" vip", "qa"]);
  });

  it("an override whose team is undefined changes no team", () => {
    assert.equal(withOverrides(seed({ teamUuid: SALES }), { team: undefined, adopt: true }).teamUuid, SALES);
  });
});
