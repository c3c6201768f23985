// YAML anchors and aliases in seed files: each entry's aliases resolve to what yaml resolves against the whole document
// (the anchor last defined before the alias, wherever it is), the alias limit still counts per entry, and an alias
// whose anchor comes later is refused with the same message.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { Node as YamlNode, isSeq, parseDocument } from "yaml";
import { SeedFileError, loadSeedFiles } from "../../provider/src/doors/seed/seed-file";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "seed-aliases-"));
after(() => fs.rmSync(dir, { recursive: true, force: true }));
const write = (name: string, lines: string[]) => {
  const file = path.join(dir, name);
  fs.writeFileSync(file, lines.join("\n") + "\n");
  return file;
};
const phone = (i: number) => `39333${String(4_000_000 + i)}`;

// What yaml itself makes of each entry, converted against the whole document (one entry at a time, as seed files are).
function entriesAsYamlReadsThem(file: string): unknown[] {
  const doc = parseDocument(fs.readFileSync(file, "utf8"));
  const seq = doc.get("contacts", true);
  assert.ok(isSeq(seq));
  return seq.items.map((item) => (item as YamlNode).toJS(doc, { maxAliasCount: 100 }));
}

const problemsOf = (files: string[]): string[] => {
  try {
    loadSeedFiles(files);
  } catch (error) {
    assert.ok(error instanceof SeedFileError, String(error));
    return error.problems;
  }
  assert.fail("expected a SeedFileError");
};

describe("seed files: anchors and aliases", () => {
  it("resolve each alias to the anchor defined last before it: in defaults, an earlier entry, nested in an anchored node, redefined", () => {
    const file = write("anchors.yaml", [
      "defaults:",
      "  source: whatsapp",
      "  customFields: &fields { plan: pro }",
      "contacts:",
      `  - &first { identifier: "${phone(0)}", name: &name First, tags: &tags [qa, demo] }`,
      `  - { identifier: "${phone(1)}", name: *name, tags: *tags, customFields: *fields }`,
      `  - identifier: "${phone(2)}"`,
      "    name: &name Second",
      "    customFields: &fields { plan: enterprise, company: &company Acme }",
      `  - { identifier: "${phone(3)}", name: *name, customFields: *fields, note: *company }`,
      `  - { identifier: "${phone(4)}", name: Fourth, tags: *tags, note: *name }`,
    ]);
    const expected = entriesAsYamlReadsThem(file) as Array<Record<string, unknown>>;
    assert.deepEqual(
      expected.map((e) => [e.name, e.customFields, e.note]),
      [
        ["First", undefined, undefined],
        ["First", { plan: "pro" }, undefined],
        ["Second", { plan: "enterprise", company: "Acme" }, undefined],
        ["Second", { plan: "enterprise", company: "Acme" }, "Acme"],
        ["Fourth", undefined, "Second"],
      ],
      "what yaml resolves",
    );
    const byPhone = new Map(loadSeedFiles([file]).map((c) => [c.inputs.identifier, c.inputs]));
    expected.forEach((entry, i) => {
      const inputs = byPhone.get(phone(i))!;
      assert.equal(inputs.name, entry.name, `entry ${i + 1}`);
      assert.deepEqual(inputs.tags, entry.tags, `entry ${i + 1}`);
      assert.deepEqual(inputs.note, entry.note, `entry ${i + 1}`);
      assert.deepEqual(inputs.customFields, entry.customFields ?? { plan: "pro" }, `entry ${i + 1} (the default where it sets none)`);
    });
  });

  it("count the alias limit per entry: 300 entries may each use the same anchor, one entry may not expand it 101 times", () => {
    const many = write("many.yaml", [
      "defaults:",
      "  source: whatsapp",
      "contacts:",
      `  - { identifier: "${phone(0)}", name: A, customFields: &f { plan: pro } }`,
      ...Array.from({ length: 299 }, (_, i) => `  - { identifier: "${phone(i + 1)}", name: B, customFields: *f }`),
    ]);
    const contacts = loadSeedFiles([many]);
    assert.equal(contacts.length, 300);
    assert.ok(contacts.every((c) => c.inputs.customFields?.plan === "pro"));

    const bomb = write("bomb.yaml", [
      "defaults:",
      "  source: whatsapp",
      "contacts:",
      `  - { identifier: "${phone(0)}", name: A, tags: &t [qa] }`,
      `  - { identifier: "${phone(1)}", name: B, tags: *t }`,
      "  - &a [x, x, x, x, x, x, x, x, x, x]",
      "  - &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]",
      "  - &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]",
      `  - { identifier: "${phone(2)}", name: C, note: *c }`,
    ]);
    const problems = problemsOf([path.relative(process.cwd(), bomb)]);
    assert.ok(
      problems.some((p) => /bomb\.yaml:9 \(entry 6\): uses YAML aliases that expand too much \(more than 100 times\); write the values out$/.test(p)),
      problems.join("\n"),
    );
  });

  it("refuse an alias whose anchor comes later in the file, in that entry only, as yaml does", () => {
    const file = write("late.yaml", [
      "contacts:",
      `  - { identifier: "${phone(0)}", source: whatsapp, name: *later }`,
      `  - { identifier: "${phone(1)}", source: whatsapp, name: &later Later }`,
    ]);
    assert.throws(() => entriesAsYamlReadsThem(file), /Unresolved alias \(the anchor must be set before the alias\): later/);
    const problems = problemsOf([file]);
    assert.equal(problems.length, 1, problems.join("\n"));
    assert.match(problems[0], /late\.yaml:2 \(entry 1\): /);
  });
});
