// `npm run release:dry-run` (scripts/release-dry-run.ts) without running it (that takes minutes and the registries):
// the names it builds are the ones release.yml's `build` job looks for, the root package.json runs it as the workflow
// does, and docs/pipelines.md's Releasing blocks name the commands that exist.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { REPO_ROOT } from "../harness";
import { pageBlocks } from "../harness/doc-blocks";
import { PLATFORMS, artifactNames, pep440 } from "../../scripts/release-dry-run";

const read = (rel: string) => fs.readFileSync(path.join(REPO_ROOT, rel), "utf8");

describe("release: npm run release:dry-run builds what release.yml publishes", () => {
  it("builds the npm tarball, one plugin archive per OS and architecture release.yml loops over, one sdist and one wheel", () => {
    const workflow = read(".github/workflows/release.yml");
    assert.ok(workflow.includes('"dist/pulumi-callbell-$version.tgz"'), "release.yml checks dist/pulumi-callbell-$version.tgz");
    assert.ok(workflow.includes('"dist/pulumi-resource-callbell-v$version-$os-$arch.tar.gz"'));
    const oses = /for os in ([\w ]+); do/.exec(workflow)?.[1].split(" ");
    const arches = /for arch in ([\w ]+); do/.exec(workflow)?.[1].split(" ");
    assert.ok(oses && arches, "release.yml loops over os and arch");
    assert.deepEqual([...PLATFORMS].sort(), oses.flatMap((o) => arches.map((a) => `${o}-${a}`)).sort());
    assert.ok(workflow.includes("npm run release:dry-run"), "the build job runs the dry run");
    const names = artifactNames("1.2.3");
    assert.equal(names.tarball, "pulumi-callbell-1.2.3.tgz");
    assert.deepEqual(names.archives.slice(0, 2), ["pulumi-resource-callbell-v1.2.3-linux-amd64.tar.gz", "pulumi-resource-callbell-v1.2.3-linux-arm64.tar.gz"]);
    assert.equal(names.sdist, "python/pulumi_callbell-1.2.3.tar.gz");
    assert.equal(names.wheel, "python/pulumi_callbell-1.2.3-py3-none-any.whl");
    for (const glob of ["dist/python/pulumi_callbell-*.tar.gz", "dist/python/pulumi_callbell-*-py3-none-any.whl"]) assert.ok(workflow.includes(glob), glob);
  });

  it("spells a pre-release the Python way (PEP 440), and refuses what it cannot spell", () => {
    assert.equal(pep440("1.2.3"), "1.2.3");
    assert.equal(pep440("1.2.3-rc.1"), "1.2.3rc1");
    assert.equal(pep440("1.2.3-alpha.2"), "1.2.3a2");
    assert.equal(pep440("1.2.3-beta.10"), "1.2.3b10");
    assert.throws(() => pep440("1.2.3-dev"), /no Python spelling/);
  });

  it("is the root package.json's script, and docs/pipelines.md's Releasing blocks name commands that exist", () => {
    const scripts = JSON.parse(read("package.json")).scripts as Record<string, string>;
    assert.equal(scripts["release:dry-run"], "npm run build && ts-node --transpile-only scripts/release-dry-run.ts");
    assert.ok(scripts["version:bump"], "npm run version:bump exists");
    const blocks = pageBlocks("docs/pipelines.md");
    const dryRun = blocks.find((b) => b.marker?.kind === "checked-by" && b.marker.test === "test/release/release-dry-run.test.ts");
    assert.equal(dryRun?.text, "npm run release:dry-run\n");
    const tag = blocks.find((b) => b.text.includes("git tag"));
    assert.ok(tag, "docs/pipelines.md shows the tag push");
    assert.match(tag.text, /^npm run version:bump -- X\.Y\.Z\b/m);
    assert.match(tag.text, /^git tag vX\.Y\.Z$/m);
  });
});
