// Seed files written by mistake or in bad faith: aliases, inherited property names, wrong
// types, bad `remove`, wrong defaults, same-named files in different folders, bytes that are
// not UTF-8, and files over the size and entry caps. Each is a SeedFileError naming file and
// line (never a TypeError), and the exact message a user sees is asserted.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { SeedFileError, loadSeedFiles, maxSeedEntries, maxSeedFileBytes } from "../../provider/src/doors/seed/seed-file";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "seed-hostile-"));
const write = (name: string, text: string | Buffer) => {
  const file = path.join(dir, name);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
  return name; // relative to the working directory, which the suite sets to `dir`
};
const VALID = "393331234567";

/** The problems a load reports; fails when it does not throw a SeedFileError. */
function problemsOf(files: string[]): string[] {
  try {
    loadSeedFiles(files);
  } catch (error) {
    assert.ok(error instanceof SeedFileError, `${(error as Error).constructor.name}: ${(error as Error).message}`);
    assert.equal(error.stack, error.message, "no stack trace");
    return error.problems;
  }
  assert.fail("expected a SeedFileError");
}

describe("seed files: hostile and malformed input", () => {
  const cwd = process.cwd();
  before(() => process.chdir(dir));
  after(() => {
    process.chdir(cwd);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("resolves YAML aliases with their document", () => {
    const file = write(
      "alias.yaml",
      [
        "defaults:",
        "  source: whatsapp",
        "  customFields: &cf { plan: pro }",
        "contacts:",
        `  - { identifier: "${VALID}", name: &n QA Alice, customFields: *cf, tags: &t [qa] }`,
        `  - { identifier: "393331234568", name: *n, customFields: *cf, tags: *t }`,
        "",
      ].join("\n"),
    );
    const contacts = loadSeedFiles([file]);
    assert.deepEqual(
      contacts.map((c) => [c.inputs.name, c.inputs.customFields, c.inputs.tags]),
      [
        ["QA Alice", { plan: "pro" }, ["qa"]],
        ["QA Alice", { plan: "pro" }, ["qa"]],
      ],
    );
  });

  it("refuses an alias bomb with file, line and entry", () => {
    const file = write(
      "bomb.yaml",
      [
        "defaults:",
        "  source: whatsapp",
        "contacts:",
        "  - &a [x, x, x, x, x, x, x, x, x, x]",
        "  - &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]",
        "  - &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]",
        '  - { identifier: "393331234567", name: A, note: *c }',
        "",
      ].join("\n"),
    );
    const problems = problemsOf([file]);
    const expected = "bomb.yaml:7 (entry 4): uses YAML aliases that expand too much (more than 100 times); write the values out";
    assert.ok(problems.includes(expected), problems.join("\n"));
  });

  it("refuses inherited property names (constructor, toString, __proto__) instead of throwing", () => {
    const file = write(
      "proto.yaml",
      [
        "contacts:",
        `  - identifier: "${VALID}"`,
        "    source: whatsapp",
        "    name: A",
        "    constructor: 1",
        "    toString: x",
        `  - identifier: "393331234568"`,
        "    source: whatsapp",
        "    name: B",
        "    __proto__: { name: C }",
        "",
      ].join("\n"),
    );
    const valid = "identifier, source, name, tags, customFields, assignedUser, team, teamUuid, channel, channelUuid, botStatus, note, adopt";
    assert.deepEqual(problemsOf([file]), [
      `proto.yaml:10 (entry 2, identifier 393331234568): unknown property '__proto__'; valid ones are ${valid}, remove`,
      `proto.yaml:2 (identifier ${VALID}): unknown property 'constructor'; valid ones are ${valid}`,
      `proto.yaml:2 (identifier ${VALID}): unknown property 'toString'; valid ones are ${valid}`,
    ]);
  });

  const typeCases: [string, string, string][] = [
    [
      "an unquoted all-digit channelUuid",
      "channelUuid: 1234",
      `types.yaml:5 (entry 1, identifier ${VALID}): channelUuid must be a string, not number 1234; quote it: channelUuid: "1234"`,
    ],
    [
      "a float-like channelUuid",
      "channelUuid: 1e5",
      `types.yaml:5 (entry 1, identifier ${VALID}): channelUuid must be a string, not number 100000; quote it: channelUuid: "1e5"`,
    ],
    ["a list as channelUuid", "channelUuid: [a]", `types.yaml:5 (entry 1, identifier ${VALID}): channelUuid must be a string, not a list`],
    ["a number as name", "name: 5", `types.yaml:2 (identifier ${VALID}): name must be a string, not number 5`],
    ["a mapping as tags", "tags: { qa: 1 }", `types.yaml:2 (identifier ${VALID}): tags must be a list of tag names`],
    ["a number as note", "note: 12", `types.yaml:2 (identifier ${VALID}): note must be a string`],
  ];
  for (const [title, line, message] of typeCases) {
    it(`reports ${title} as a seed file problem with file and line`, () => {
      const base = `contacts:\n  - identifier: "${VALID}"\n    source: whatsapp\n`;
      const withName = line.startsWith("name:") ? `${base}    ${line}\n` : `${base}    name: A\n    ${line}\n`;
      assert.deepEqual(problemsOf([write("types.yaml", withName)]), [message]);
    });
  }

  it("reports an unquoted source or identifier of the wrong type", () => {
    const file = write("types2.yaml", "contacts:\n  - identifier: 393331234567\n    source: 7\n    name: A\n");
    assert.deepEqual(problemsOf([file]), [
      'types2.yaml:2 (entry 1, identifier 393331234567): identifier must be a string, not number 393331234567; quote it: identifier: "393331234567"',
    ]);
  });

  for (const value of ["yes", '"true"', "1", "false"]) {
    it(`refuses remove: ${value}, naming file and line`, () => {
      const base = write("base.yaml", `contacts:\n  - { identifier: "${VALID}", source: whatsapp, name: A }\n`);
      const overlay = write("overlay.yaml", `contacts:\n  - identifier: "${VALID}"\n    source: whatsapp\n    remove: ${value}\n`);
      const shown = value === "1" ? "number 1" : value === "false" ? "boolean false" : `the string "${value.replace(/"/g, "")}"`;
      assert.deepEqual(problemsOf([base, overlay]), [
        `overlay.yaml:4 (entry 1, identifier ${VALID}): remove must be true, not ${shown}; ` +
          "write 'remove: true' to drop a contact an earlier file declares, or delete the line",
      ]);
    });
  }

  it("refuses a remove: true that matches nothing declared by an earlier file", () => {
    const base = write("base.yaml", `contacts:\n  - { identifier: "${VALID}", source: whatsapp, name: A }\n`);
    const overlay = write("overlay.yaml", `contacts:\n  - { identifier: "393331234568", source: whatsapp, remove: true }\n`);
    assert.deepEqual(problemsOf([base, overlay]), [
      "overlay.yaml:2 (entry 1, identifier 393331234568): remove: true matches no contact declared by an earlier file; " +
        "check its identifier, source and channelUuid, or delete the entry",
    ]);
  });

  it("refuses defaults of the wrong type", () => {
    const file = write(
      "defaults.yaml",
      [
        "defaults:",
        "  source: whatsapp",
        "  tags: seed",
        "  customFields: [plan]",
        '  adopt: "yes"',
        "contacts:",
        `  - { identifier: "${VALID}", name: A, tags: [qa], customFields: { plan: pro } }`,
        "",
      ].join("\n"),
    );
    assert.deepEqual(problemsOf([file]), [
      "defaults.yaml:3: 'defaults.tags' must be a list, not the string \"seed\"; e.g. tags: [seed]",
      "defaults.yaml:4: 'defaults.customFields' must be a mapping, not a list; e.g. customFields: { plan: pro }",
      "defaults.yaml:5: 'defaults.adopt' must be a boolean, not the string \"yes\"; e.g. adopt: true",
    ]);
  });

  it("tells files of the same name in different folders apart, and names them by relative path", () => {
    const common = write("common/contacts.yaml", `defaults:\n  source: whatsapp\ncontacts:\n  - { identifier: "${VALID}", name: A, note: common }\n`);
    const dev = write(
      "dev/contacts.yaml",
      `defaults:\n  source: whatsapp\ncontacts:\n  - { identifier: "${VALID}", name: A dev }\n  - { identifier: "12", name: B }\n`,
    );
    assert.deepEqual(problemsOf([common, dev]), [
      'dev/contacts.yaml:5 (identifier 12): identifier "12" is not a phone number in international format, which source whatsapp needs; ' +
        'write the country code and the number, e.g. "393331234567" or "+39 333 123 4567"',
    ]);
    const fixed = write("dev/contacts.yaml", `defaults:\n  source: whatsapp\ncontacts:\n  - { identifier: "${VALID}", name: A dev }\n`);
    const [contact] = loadSeedFiles([common, path.join(dir, fixed)]);
    assert.deepEqual([contact.inputs.name, contact.inputs.note, contact.origin], ["A dev", "common", "dev/contacts.yaml:4"]);
  });

  it("refuses a file listed twice", () => {
    const file = write("once.yaml", `contacts:\n  - { identifier: "${VALID}", source: whatsapp, name: A }\n`);
    assert.deepEqual(problemsOf([file, `./${file}`]), ["once.yaml: listed twice in files (also as once.yaml); list each file once"]);
  });

  it("refuses bytes that are not UTF-8, naming the file", () => {
    const latin1 = [Buffer.from(`contacts:\n  - { identifier: "${VALID}", source: whatsapp, name: "Zo`), Buffer.from([0xeb]), Buffer.from('" }\n')];
    const file = write("latin1.yaml", Buffer.concat(latin1));
    assert.deepEqual(problemsOf([file]), ["latin1.yaml: is not valid UTF-8 text; save it with the UTF-8 encoding"]);
  });

  it("refuses a file over the size cap without parsing it", () => {
    const file = write("big.yaml", `contacts: []\n# ${"x".repeat(maxSeedFileBytes)}\n`);
    assert.deepEqual(problemsOf([file]), [
      `big.yaml: is ${fs.statSync(file).size} bytes; a seed file may have at most 5242880 bytes (5 MiB): split it into several files`,
    ]);
  });

  it("refuses a file over the entry cap", () => {
    const file = write("many.yaml", `defaults: { source: whatsapp }\ncontacts:\n${'  - { identifier: "1", name: A }\n'.repeat(maxSeedEntries + 1)}`);
    assert.deepEqual(problemsOf([file]), ["many.yaml:3: lists 10001 contacts; a seed file may list at most 10000: split it into several files"]);
  });

  it("shows control and bidirectional characters from a file escaped", () => {
    const file = write("ctl.yaml", `contacts:\n  - { identifier: "alice\\u202E\\u0007", source: instagram, name: A }\n`);
    const [problem] = problemsOf([file]);
    assert.equal(
      problem,
      "ctl.yaml:2 (identifier alice\\u{202E}\\u{7}): identifier contains the control character U+0007; " +
        "remove it (control characters, tabs and line breaks included, are not allowed)",
    );
  });

  it("lists at most 100 problems one by one and counts the rest", () => {
    const entries = Array.from({ length: 150 }, (_, i) => `  - { identifier: "${i + 1}", source: whatsapp, name: A }\n`).join("");
    const file = write("bad-many.yaml", `contacts:\n${entries}`);
    assert.throws(
      () => loadSeedFiles([file]),
      (e: SeedFileError) => {
        assert.equal(e.problems.length, 150);
        assert.equal(e.message.split("\n  - ").length, 101, "100 problems listed");
        assert.match(e.message, /\n {2}… and 50 more problems$/);
        return true;
      },
    );
  });
});
