// The examples can be run one after another against one simulator (`npm run simulator` keeps its contacts): no phone
// number is declared by two example projects, else the second walkthrough fails with "Callbell already has a contact".
// A project is a folder of examples/; the seed files of examples/seed-contacts (contacts.common.yaml overlaid with
// contacts.<stack>.yaml) are one project, and examples/seed-contacts-yaml and -python declare those same files.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";

const ROOT = path.join(__dirname, "../..");
const EXAMPLES = path.join(ROOT, "examples");
const SOURCES = /\.(ts|js|py|ya?ml|go|cs|java)$/;

/** One number an example declares: its digits, and where (a path relative to the repository root, and a line). */
export interface Declared {
  digits: string;
  file: string;
  line: number;
}

/**
 * The numbers a program or seed file gives as an `identifier` (TypeScript and YAML `identifier: "…"`, Python
 * `identifier="…"`, flow-style YAML entries, a Go `Identifier: pulumi.String("…")`), as their digits: "+39 333 123 4567"
 * and "393331234567" are one number.
 */
export function declaredNumbers(text: string, file: string): Declared[] {
  const found: Declared[] = [];
  text.split("\n").forEach((line, i) => {
    for (const m of line.matchAll(/\bidentifier\b[^"'\n\d]{0,40}["']?(\+?\d[\d ().-]{6,}\d)/gi)) {
      found.push({ digits: m[1].replace(/\D/g, ""), file, line: i + 1 });
    }
  });
  return found;
}

/** The program and seed files of one example folder (not its node_modules), relative to the repository root. */
function sourceFiles(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((e) => !e.name.startsWith(".") && e.name !== "node_modules")
    .flatMap((e) => (e.isDirectory() ? sourceFiles(path.join(dir, e.name)) : SOURCES.test(e.name) ? [path.relative(ROOT, path.join(dir, e.name))] : []))
    .sort();
}

/** Each number two projects both declare, as one message naming both files; [] when none is shared. */
export function collisions(projects: Map<string, Declared[]>): string[] {
  const first = new Map<string, { project: string; at: Declared }>();
  const problems: string[] = [];
  for (const [project, numbers] of projects) {
    for (const at of numbers) {
      const earlier = first.get(at.digits);
      if (!earlier) first.set(at.digits, { project, at });
      else if (earlier.project !== project) {
        problems.push(
          `${at.digits} is declared by ${earlier.at.file}:${earlier.at.line} (${earlier.project}) and by ${at.file}:${at.line} (${project}): ` +
            'run one after the other against one simulator, the second would fail with "Callbell already has a contact"; give each example its own numbers',
        );
      }
    }
  }
  return problems;
}

/** Every folder of examples/ and the numbers its files declare. */
function exampleProjects(): Map<string, Declared[]> {
  const projects = new Map<string, Declared[]>();
  for (const name of fs.readdirSync(EXAMPLES).sort()) {
    const dir = path.join(EXAMPLES, name);
    if (!fs.statSync(dir).isDirectory()) continue;
    projects.set(
      `examples/${name}`,
      sourceFiles(dir).flatMap((file) => declaredNumbers(fs.readFileSync(path.join(ROOT, file), "utf8"), file)),
    );
  }
  return projects;
}

describe("examples: each example project has phone numbers of its own", () => {
  it("no number is declared by two example projects (seed-contacts' common and overlay files are one project)", () => {
    assert.deepEqual(collisions(exampleProjects()), []);
  });

  it("every example declares numbers the check sees, or declares the seed files of examples/seed-contacts", () => {
    for (const [project, numbers] of exampleProjects()) {
      if (numbers.length > 0) continue;
      const programs = sourceFiles(path.join(ROOT, project)).map((f) => fs.readFileSync(path.join(ROOT, f), "utf8"));
      assert.ok(
        programs.some((text) => text.includes("../seed-contacts/contacts.")),
        `${project}: no identifier found in its files; if it declares contacts, declaredNumbers() must learn its syntax`,
      );
    }
    const seed = exampleProjects().get("examples/seed-contacts") ?? [];
    assert.ok(new Set(seed.map((d) => path.basename(d.file))).has("contacts.common.yaml"), "the seed files' numbers are read");
  });

  it("the check itself: identifiers in each language, one number however written, a message naming both files", () => {
    const ts = declaredNumbers('new Contact("a", {\n  identifier: "393331234567", // replaces on change\n});\n', "a/index.ts");
    assert.deepEqual(ts, [{ digits: "393331234567", file: "a/index.ts", line: 2 }]);
    assert.deepEqual(
      declaredNumbers('alice = callbell.Contact("alice", identifier="+39 333 123 4567")', "b/__main__.py").map((d) => d.digits),
      ["393331234567"],
    );
    assert.deepEqual(
      declaredNumbers("contacts:\n  - { identifier: '393331234568', name: B }\n  - identifier: 393331234569\n", "c/contacts.yaml").map((d) => [
        d.digits,
        d.line,
      ]),
      [
        ["393331234568", 2],
        ["393331234569", 3],
      ],
    );
    assert.deepEqual(
      declaredNumbers('Identifier: pulumi.String("12025550143"),', "d/main.go").map((d) => d.digits),
      ["12025550143"],
    );
    assert.deepEqual(declaredNumbers("getContact({ identifier: number, source: 'whatsapp' })", "e/index.ts"), []);

    const projects = new Map<string, Declared[]>([
      ["examples/a", ts],
      // Common and overlay files of one project may name the same number (an overlay edits a common contact).
      [
        "examples/seed",
        [
          { digits: "393330000001", file: "examples/seed/contacts.common.yaml", line: 3 },
          { digits: "393330000001", file: "examples/seed/contacts.dev.yaml", line: 5 },
        ],
      ],
      ["examples/b", declaredNumbers('identifier="+39 333 123 4567"', "examples/b/__main__.py")],
    ]);
    const problems = collisions(projects);
    assert.equal(problems.length, 1, problems.join("\n"));
    assert.match(problems[0], /^393331234567 is declared by a\/index\.ts:2 \(examples\/a\) and by examples\/b\/__main__\.py:1 \(examples\/b\)/);
  });
});
