import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { SeedFileError, loadSeedFiles } from "../../provider/src/doors/seed/seed-file";
import { pageBlocks } from "../harness/doc-blocks";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "seed-"));
const write = (name: string, text: string) => {
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
};

describe("seed files", () => {
  // Messages name files relative to the working directory, as a Pulumi program run in its folder sees them.
  const cwd = process.cwd();
  before(() => process.chdir(dir));
  after(() => {
    process.chdir(cwd);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("reads the example seed files of every environment", () => {
    const examples = path.resolve(__dirname, "../../examples/seed-contacts");
    for (const stack of ["dev", "staging", "prod"]) {
      const contacts = loadSeedFiles([path.join(examples, "contacts.common.yaml"), path.join(examples, `contacts.${stack}.yaml`)]);
      assert.ok(contacts.length >= 3, stack);
      assert.ok(
        contacts.every((c) => c.inputs.tags?.includes("seed")),
        "defaults apply",
      );
    }
  });

  it("merges defaults, normalizes identifiers, and keys contacts by source and identifier", () => {
    const file = write(
      "a.yaml",
      `defaults:\n  source: whatsapp\n  tags: [seed]\ncontacts:\n  - identifier: "+39 333 123 4567"\n    name: Alice\n    tags: [qa, SEED]\n`,
    );
    const [alice] = loadSeedFiles([file]);
    assert.equal(alice.key, "whatsapp-393331234567");
    assert.deepEqual(alice.inputs.tags, ["SEED", "qa"], "default tags merge case-insensitively");
    assert.equal(alice.inputs.identifier, "393331234567");
    assert.equal(alice.origin, "a.yaml:5");
  });

  it("merges an entry's tag with a default that differs only in case and surrounding spaces (one rule: trim, then lowercase)", () => {
    for (const tag of ['" VIP"', "VIP", '"vip "']) {
      const file = write("spaces.yaml", `defaults:\n  tags: [vip]\ncontacts:\n  - { identifier: "393331234567", source: whatsapp, name: A, tags: [${tag}] }\n`);
      const [contact] = loadSeedFiles([file]);
      assert.deepEqual(contact.inputs.tags, [JSON.parse(tag.startsWith('"') ? tag : `"${tag}"`).trim()], `defaults [vip] + entry [${tag}]`);
    }
  });

  it("gives the same keys whatever the order of the entries", () => {
    const a = write(
      "order1.yaml",
      `contacts:\n  - { identifier: "393331234567", source: whatsapp, name: A }\n  - { identifier: "393331234568", source: whatsapp, name: B }\n`,
    );
    const b = write(
      "order2.yaml",
      `contacts:\n  - { identifier: "393331234568", source: whatsapp, name: B }\n  - { identifier: "393331234567", source: whatsapp, name: A }\n`,
    );
    const strip = (file: string) => loadSeedFiles([file]).map(({ key, inputs }) => ({ key, inputs }));
    assert.deepEqual(strip(a), strip(b));
    assert.deepEqual(
      strip(a).map((c) => c.key),
      ["whatsapp-393331234567", "whatsapp-393331234568"],
    );
  });

  it("overlays a later file on an earlier one, and removes with remove: true", () => {
    const base = write(
      "base.yaml",
      `contacts:\n  - { identifier: "393331234567", source: whatsapp, name: A, note: base }\n  - { identifier: "393331234568", source: whatsapp, name: B }\n`,
    );
    const overlay = write(
      "overlay.yaml",
      `contacts:\n  - { identifier: "393331234567", source: whatsapp, name: A2 }\n  - { identifier: "393331234568", source: whatsapp, remove: true }\n`,
    );
    const contacts = loadSeedFiles([base, overlay]);
    assert.equal(contacts.length, 1);
    assert.equal(contacts[0].inputs.name, "A2");
    assert.equal(contacts[0].inputs.note, "base");
  });

  describe("an overlay entry that matches an earlier file's entry changes only the fields it writes itself", () => {
    const common = () =>
      write(
        "contacts.common.yaml",
        [
          "defaults:",
          "  source: whatsapp",
          "  tags: [seed]",
          "contacts:",
          '  - identifier: "393331234501"',
          "    name: Support Test Line",
          "    tags: [support]",
          "    note: Used by support.",
          "",
        ].join("\n"),
      );
    // The overlay's defaults differ from common's in every field they may set, so any leak shows.
    const overlay = (...entry: string[]) =>
      write(
        "contacts.dev.yaml",
        [
          "defaults:",
          "  source: whatsapp",
          "  tags: [seed]",
          "  team: Support",
          "  adopt: true",
          "  customFields: { plan: pro }",
          "contacts:",
          ...entry,
          "",
        ].join("\n"),
      );
    const byKey = (files: string[]) => new Map(loadSeedFiles(files).map((c) => [c.key, c.inputs]));

    it("a rename-only entry changes the name alone: the overlay's defaults neither replace nor add to the earlier tags", () => {
      const alone = byKey([common()]).get("whatsapp-393331234501");
      const renamed = byKey([common(), overlay('  - identifier: "393331234501"', "    name: Support Test Line (dev)")]).get("whatsapp-393331234501");
      assert.deepEqual(alone?.tags, ["seed", "support"]);
      assert.deepEqual(renamed, { ...alone, name: "Support Test Line (dev)" });
    });

    it("an entry that writes tags replaces the earlier tags (so a tag can be removed), without the overlay's default tags", () => {
      const contact = byKey([common(), overlay('  - identifier: "393331234501"', "    tags: [qa]")]).get("whatsapp-393331234501");
      assert.deepEqual(contact?.tags, ["qa"]);
      assert.equal(contact?.name, "Support Test Line");
      assert.equal(contact?.team, undefined);
    });

    it("the overlay's defaults still give the source that finds the earlier entry: the entry need not repeat it", () => {
      const contacts = loadSeedFiles([common(), overlay('  - identifier: "+39 333 123 4501"', "    note: Overlaid by dev.")]);
      assert.deepEqual(
        contacts.map((c) => [c.key, c.inputs.note, c.inputs.tags]),
        [["whatsapp-393331234501", "Overlaid by dev.", ["seed", "support"]]],
      );
    });

    it("a new entry of the overlay file gets that file's defaults, tags merged defaults first", () => {
      const contact = byKey([common(), overlay('  - identifier: "393331234567"', "    name: QA Alice", "    tags: [qa, SEED]")]).get("whatsapp-393331234567");
      assert.deepEqual(contact, {
        identifier: "393331234567",
        source: "whatsapp",
        name: "QA Alice",
        tags: ["SEED", "qa"],
        team: "Support",
        adopt: true,
        customFields: { plan: "pro" },
      });
    });

    it("docs/seed-files.md's rename-only overlay, over the example's contacts.common.yaml, changes the name alone, as the page says", () => {
      const page = fs.readFileSync(path.resolve(__dirname, "../../docs/seed-files.md"), "utf8");
      const blocks = pageBlocks("docs/seed-files.md")
        .filter((b) => b.marker?.kind === "checked-by" && b.marker.test === "test/seed-files/seed-file.test.ts")
        .map((b) => b.text);
      assert.equal(blocks.length, 1, "one such block");
      const stated = /`pulumi preview --diff` shows `~ name: "([^"]+)" => "([^"]+)"`\s+and no tag/.exec(page);
      assert.ok(stated, "the page states the preview line");
      const commonFile = path.resolve(__dirname, "../../examples/seed-contacts/contacts.common.yaml");
      const before = new Map(loadSeedFiles([commonFile]).map((c) => [c.key, c.inputs]));
      const after = new Map(loadSeedFiles([commonFile, write("contacts.dev.yaml", blocks[0])]).map((c) => [c.key, c.inputs]));
      const old = before.get("whatsapp-393331234501");
      assert.deepEqual(old?.tags, ["seed", "support"], "tagged as the page says");
      assert.equal(old?.name, stated[1]);
      assert.deepEqual(after.get("whatsapp-393331234501"), { ...old, name: stated[2] });
      assert.deepEqual([...after.keys()], [...before.keys()]);
    });

    it("docs/contact.md's seed entries with a team by name and a channel by title load as the page says", () => {
      const [block] = pageBlocks("docs/contact.md").filter((b) => b.marker?.kind === "checked-by" && b.marker.test === "test/seed-files/seed-file.test.ts");
      assert.ok(block, "docs/contact.md has the block");
      const loaded = loadSeedFiles([write("contacts.names.yaml", block.text)]);
      const alice = loaded.find((c) => c.inputs.identifier === "393331234567");
      const bob = loaded.find((c) => c.inputs.identifier === "393331234568");
      assert.equal(loaded.length, 2);
      assert.deepEqual([alice?.inputs.name, alice?.inputs.team, alice?.inputs.channel], ["QA Alice", "Support", "WhatsApp Sales Line"], "the default team");
      assert.match(alice!.key, /^whatsapp\.~[0-9a-f]{12}-393331234567$/, "a channel by title names the resource by the title's hash");
      assert.deepEqual([bob?.key, bob?.inputs.team, bob?.inputs.channel], ["whatsapp-393331234568", "Sales", { main: true }], "its own team");
    });

    it("remove: true still drops the earlier entry", () => {
      assert.deepEqual(loadSeedFiles([common(), overlay('  - identifier: "393331234501"', "    remove: true")]), []);
    });
  });

  it("lists every problem with file, line, entry and field, and nothing else happens", () => {
    const bad = write(
      "contacts.bad.yaml",
      [
        "defaults:",
        "  source: whatsapp",
        "contacts:",
        '  - identifier: "393331234567"',
        "    name: Alice",
        "    assignedUser: alice-at-acme",
        '  - identifier: "12"',
        "    name: Short",
        '  - identifier: "393331234567"',
        "    name: Twice",
        "",
      ].join("\n"),
    );
    assert.throws(
      () => loadSeedFiles([bad]),
      (e: SeedFileError) => {
        assert.ok(e instanceof SeedFileError);
        assert.equal(e.stack, e.message, "no stack trace as the headline");
        assert.match(e.message, /nothing was written/);
        assert.ok(
          e.problems.some((p) =>
            /^contacts\.bad\.yaml:9 \(entry 3, identifier 393331234567\): the same contact is already listed at contacts\.bad\.yaml:4/.test(p),
          ),
          e.problems.join("\n"),
        );
        assert.ok(
          e.problems.some((p) => /^contacts\.bad\.yaml:4 \(identifier 393331234567\): assignedUser "alice-at-acme" is not an email/.test(p)),
          e.problems.join("\n"),
        );
        assert.ok(
          e.problems.some((p) => /^contacts\.bad\.yaml:7 \(identifier 12\): identifier "12" is not a phone number/.test(p)),
          e.problems.join("\n"),
        );
        return true;
      },
    );
  });

  it("refuses malformed YAML, a missing contacts list and unknown keys, with line numbers", () => {
    assert.throws(() => loadSeedFiles([write("broken.yaml", "contacts:\n  - name: [unclosed\n")]), /broken\.yaml:\d+: not valid YAML/);
    assert.throws(() => loadSeedFiles([write("empty.yaml", "people: []\n")]), /needs a top-level 'contacts:' list/);
    assert.throws(() => loadSeedFiles([write("keys.yaml", "contacts: []\nextra: 1\n")]), /keys\.yaml:2: unknown top-level key 'extra'/);
    assert.throws(() => loadSeedFiles([write("defaults.yaml", "defaults:\n  name: X\ncontacts: []\n")]), /'defaults\.name' cannot be a default/);
    assert.throws(() => loadSeedFiles([path.join(dir, "missing.yaml")]), /missing\.yaml: cannot be read \(ENOENT\)/);
  });
});
