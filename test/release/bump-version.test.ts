// One version, set in one place: provider/package.json. `npm run version:bump` (scripts/bump-version.ts) sets it in a
// copy of this checkout, and afterwards the old version is spelled nowhere among the files that name it; the CHANGELOG
// gets the dated section. And no tracked file spells the current version where the bump would not find it.
import { strict as assert } from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { REPO_ROOT } from "../harness";
import { bumpVersion, versionSpellings } from "../../scripts/bump-version";

const current = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "provider", "package.json"), "utf8")).version as string;
const tracked = execFileSync("git", ["ls-files"], { cwd: REPO_ROOT, encoding: "utf8" }).split("\n").filter(Boolean);

/** A copy of the tracked files the bump reads or writes, in a fresh folder. */
function copyOfCheckout(): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "bump-version-"));
  for (const rel of tracked.filter((f) =>
    /^(README\.md|CHANGELOG\.md|package-lock\.json|provider\/package\.json|docs\/.*\.md|examples\/[^/]+\/package\.json|sdk\/go\/callbell\/.*)$/.test(f),
  )) {
    fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    fs.copyFileSync(path.join(REPO_ROOT, rel), path.join(root, rel));
  }
  return root;
}

describe("release: one version, and the command that bumps it", () => {
  it("sets provider/package.json, the lockfile, the docs' commands and the examples' ranges, and stamps the CHANGELOG", () => {
    const root = copyOfCheckout();
    try {
      const changed = bumpVersion(root, "9.8.7", "2027-01-02");
      assert.ok(changed.includes("provider/package.json") && changed.includes("package-lock.json") && changed.includes("CHANGELOG.md"), changed.join());
      assert.equal(JSON.parse(fs.readFileSync(path.join(root, "provider", "package.json"), "utf8")).version, "9.8.7");
      const lock = JSON.parse(fs.readFileSync(path.join(root, "package-lock.json"), "utf8"));
      assert.equal(lock.packages.provider.version, "9.8.7");
      for (const rel of changed.filter((f) => !["CHANGELOG.md"].includes(f))) {
        const text = fs.readFileSync(path.join(root, rel), "utf8");
        for (const s of versionSpellings.filter((s) => s.files.test(rel))) assert.doesNotMatch(text, s.pattern(current), `${rel} still names ${current}`);
      }
      assert.match(fs.readFileSync(path.join(root, "README.md"), "utf8"), /pulumi-callbell-9\.8\.7\.tgz/);
      assert.match(
        fs.readFileSync(path.join(root, "docs", "plugin.md"), "utf8"),
        /pulumi plugin install resource callbell 9\.8\.7 --file dist\/pulumi-resource-callbell-v9\.8\.7-linux-amd64\.tar\.gz/,
      );
      assert.match(fs.readFileSync(path.join(root, "CHANGELOG.md"), "utf8"), /\n## \[Unreleased\]\n\n## \[9\.8\.7\] - 2027-01-02\n/);
      assert.match(fs.readFileSync(path.join(root, "sdk/go/callbell/pulumi-plugin.json"), "utf8"), /"version": "9\.8\.7"/);
      assert.equal(fs.readFileSync(path.join(root, "sdk/go/callbell/internal/pulumiUtilities.go"), "utf8").match(/semver\.MustParse\("9\.8\.7"\)/g)?.length, 2);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  it("refuses a version that is not X.Y.Z or not after the current one, and changes nothing", () => {
    const root = copyOfCheckout();
    try {
      const before = fs.readFileSync(path.join(root, "provider", "package.json"), "utf8");
      assert.throws(() => bumpVersion(root, "1.2"), /^Error: version "1\.2" is not X\.Y\.Z \(e\.g\. 0\.2\.0\)$/);
      assert.throws(() => bumpVersion(root, current), new RegExp(`is not after the current ${current.replace(/\./g, "\\.")}`));
      assert.throws(() => bumpVersion(root, "0.0.1"), /is not after the current/);
      assert.equal(fs.readFileSync(path.join(root, "provider", "package.json"), "utf8"), before);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  it(`no tracked file spells the version ${current} where the bump would not find it`, () => {
    const allowed = (rel: string, line: string) =>
      rel === "CHANGELOG.md" ||
      rel === "package-lock.json" ||
      rel === "provider/package.json" ||
      versionSpellings.some((s) => s.files.test(rel) && s.pattern(current).test(line)) ||
      /^test\/simulator\/package\.json$/.test(rel); // the simulator's own version, not the package's
    const stray: string[] = [];
    for (const rel of tracked) {
      if (!/\.(ts|js|json|md|sh|yaml|yml|py|go)$/.test(rel) || rel.startsWith("scripts/bench/results/")) continue;
      fs.readFileSync(path.join(REPO_ROOT, rel), "utf8")
        .split("\n")
        .forEach((line, i) => {
          if (line.includes(current) && !allowed(rel, line)) stray.push(`${rel}:${i + 1}: ${line.trim()}`);
        });
    }
    assert.deepEqual(stray, [], "read the version from provider/package.json instead, or add the spelling to versionSpellings");
  });
});
