// Every fenced block of README.md and docs/*.md says how a test checks it (test/harness/doc-blocks.ts): run or
// written by the docs walkthrough (walkthrough.engine.test.ts), an excerpt of a file a test runs (checked here, line
// by line), a block another test reads and runs, or not runnable here, with the reason. One test per block, named by
// page and line, so `npm test` lists each block and what was done with it.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { REPO_ROOT } from "../harness";
import { WALKTHROUGH, allDocBlocks, blockPlace, missingExcerptLines, pageBlocks, parseMarker, walkthroughSteps } from "../harness/doc-blocks";

const blocks = allDocBlocks();
const testFiles = (dir: string): string[] =>
  fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    if (e.name === "node_modules") return [];
    const p = path.join(dir, e.name);
    return e.isDirectory() ? testFiles(p) : e.name.endsWith(".ts") ? [p] : [];
  });

describe("docs: every block of README.md and docs/*.md is run, compared or marked not runnable", () => {
  it("reads the marker forms, and refuses one it cannot read", () => {
    assert.deepEqual(parseMarker("<!-- docs-test: run stranger 15 in my-contacts -->")?.marker, {
      kind: "run",
      walkthrough: "stranger",
      step: 15,
      folder: "my-contacts",
    });
    assert.deepEqual(parseMarker("<!-- docs-test: not runnable here: needs PyPI -->")?.marker, { kind: "not-runnable", why: "needs PyPI" });
    assert.match(parseMarker("<!-- docs-test: rnu stranger 1 -->")?.problem ?? "", /cannot read the marker "rnu stranger 1"/);
    assert.equal(parseMarker("<!-- a comment -->"), undefined);
    assert.deepEqual(missingExcerptLines("a: 1\n…\n  c: 3\n", "a: 1\nb: 2\n  c: 3\n"), []);
    assert.deepEqual(missingExcerptLines("a: 1\n  c: 3\n", "a: 1\nb: 2\n  c: 3\n"), ["a: 1", "  c: 3"], "one run unless … says so");
    assert.deepEqual(missingExcerptLines("a: 1\nc: 3\n", "a: 1\n  c: 3\n"), ["a: 1", "c: 3"], "indentation counts");
    assert.deepEqual(missingExcerptLines("c: 3\n…\na: 1\n", "a: 1\nc: 3\n"), ["a: 1"], "in order");
  });

  it("the pages have blocks, and the walkthrough's steps are distinct", () => {
    assert.ok(blocks.length >= 20, `${blocks.length} blocks`);
    const seen = new Map<string, string>();
    for (const b of walkthroughSteps(blocks, "stranger")) {
      const m = b.marker!;
      const key = `${m.kind === "run" ? "run" : "file"} ${"step" in m ? m.step : ""} ${"file" in m ? m.file : ""}`;
      assert.ok(!seen.has(key), `${blockPlace(b)} and ${seen.get(key)} are the same step (${key})`);
      seen.set(key, blockPlace(b));
    }
  });

  for (const block of blocks) {
    const m = block.marker;
    const what = !m
      ? "no marker"
      : m.kind === "not-runnable"
        ? `not runnable here: ${m.why}`
        : m.kind === "excerpt"
          ? `an excerpt of ${m.of}`
          : m.kind === "checked-by"
            ? `checked by ${m.test}`
            : `${m.kind}, walkthrough ${m.walkthrough} step ${m.step}`;
    it(`${blockPlace(block)} (${block.lang || "text"}): ${what}`, () => {
      assert.equal(block.markerProblem, undefined, `${blockPlace(block)}: ${block.markerProblem}`);
      assert.ok(m, `${blockPlace(block)} has no <!-- docs-test: ... --> line above its fence: say how a test checks it (test/harness/doc-blocks.ts)`);
      switch (m.kind) {
        case "run":
          assert.ok(["sh", "bash"].includes(block.lang), `${blockPlace(block)}: a run block is sh or bash, not ${block.lang || "unlabelled"}`);
          assert.equal(m.walkthrough, WALKTHROUGH, `${blockPlace(block)}: the walkthrough is ${WALKTHROUGH}; another name is never run`);
          break;
        case "file":
        case "append":
          assert.equal(m.walkthrough, WALKTHROUGH, `${blockPlace(block)}: the walkthrough is ${WALKTHROUGH}; another name is never run`);
          assert.ok(!path.isAbsolute(m.file) && !m.file.split("/").includes(".."), `${blockPlace(block)}: ${m.file} stays inside the walkthrough's folder`);
          break;
        case "excerpt": {
          const file = path.join(REPO_ROOT, m.of);
          assert.ok(fs.existsSync(file), `${blockPlace(block)}: ${m.of} does not exist`);
          assert.deepEqual(missingExcerptLines(block.text, fs.readFileSync(file, "utf8")), [], `${blockPlace(block)}: lines that ${m.of} lacks`);
          const runBy = testFiles(path.join(REPO_ROOT, "test")).filter((t) =>
            fs.readFileSync(t, "utf8").includes(path.dirname(m.of) === "." ? m.of : path.dirname(m.of)),
          );
          assert.ok(runBy.length > 0, `${blockPlace(block)}: no test under test/ names ${m.of} or its folder`);
          break;
        }
        case "checked-by": {
          const test = path.join(REPO_ROOT, m.test);
          assert.ok(fs.existsSync(test), `${blockPlace(block)}: ${m.test} does not exist`);
          const source = fs.readFileSync(test, "utf8");
          const reads = block.page === "docs/doctor.md" ? /doctor-example/.test(source) : source.includes(`pageBlocks("${block.page}")`);
          assert.ok(reads, `${blockPlace(block)}: ${m.test} does not read the block (pageBlocks("${block.page}"))`);
          break;
        }
        case "not-runnable":
          assert.ok(m.why.length >= 10, `${blockPlace(block)}: say why it cannot run here`);
      }
    });
  }

  it("the walkthrough's project pins the versions this repository tests, and the tarball of this version", () => {
    const devDeps = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")).devDependencies;
    const version = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "provider", "package.json"), "utf8")).version;
    const pkg = blocks.find((b) => b.marker?.kind === "file" && b.marker.file === "my-contacts/package.json");
    assert.ok(pkg, "docs/from-source.md shows the project's package.json");
    const deps = JSON.parse(pkg.text).dependencies;
    for (const name of ["@pulumi/pulumi", "typescript", "ts-node"]) assert.equal(deps[name], devDeps[name], `${name} in ${blockPlace(pkg)}`);
    assert.equal(deps["pulumi-callbell"], `file:../pulumi-callbell/pulumi-callbell-${version}.tgz`, `pulumi-callbell in ${blockPlace(pkg)}`);
  });

  it("the README's YAML program is docs/plugin.md's, which the walkthrough runs with the plugin built from source", () => {
    const readme = pageBlocks("README.md").filter((b) => b.lang === "yaml" && b.marker?.kind === "checked-by");
    const walked = pageBlocks("docs/plugin.md").find((b) => b.marker?.kind === "file" && b.marker.file === "my-yaml/Pulumi.yaml");
    assert.equal(readme.length, 1, "README.md has one YAML program checked here");
    assert.ok(walked, "docs/plugin.md writes my-yaml/Pulumi.yaml in the walkthrough");
    assert.equal(readme[0].text, walked.text, `${blockPlace(readme[0])} differs from ${blockPlace(walked)}`);
  });

  it("the Python path pins the pulumi package to the CLI's version (scripts/ensure-pulumi.sh)", () => {
    const pinned = /^PINNED_VERSION="([^"]+)"/m.exec(fs.readFileSync(path.join(REPO_ROOT, "scripts", "ensure-pulumi.sh"), "utf8"))?.[1];
    const pins = blocks.flatMap((b) => [...b.text.matchAll(/pip install pulumi==(\S+)/g)].map((m) => [blockPlace(b), m[1]]));
    assert.ok(pins.length > 0, "a page installs pulumi with pip");
    for (const [place, version] of pins) assert.equal(version, pinned, place);
  });
});
