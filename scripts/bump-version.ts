// `npm run version:bump -- X.Y.Z`: the one version of the package, the plugin, its schema and the SDKs generated from
// it is provider/package.json's; this sets it, and every place that has to spell it out follows: the lockfile's entry,
// the commands of the README and docs/ that name the tarball or the plugin, and the examples' dependency ranges. The
// CHANGELOG's [Unreleased] section becomes [X.Y.Z] with today's date, under a new empty [Unreleased].
//
// `--root DIR` works on another checkout (the tests use a copy). Prints each file it changed.
import * as fs from "fs";
import * as path from "path";

/** Where each spelled-out copy of the version lives, as a pattern around it: the version is the second group. */
export const versionSpellings: { files: RegExp; pattern: (v: string) => RegExp }[] = [
  { files: /^(README\.md|docs\/.*\.md)$/, pattern: (v) => new RegExp(`(pulumi-callbell-)(${escape(v)})(\\.tgz)`, "g") },
  { files: /^(README\.md|docs\/.*\.md)$/, pattern: (v) => new RegExp(`(pulumi-resource-callbell-v)(${escape(v)})(-)`, "g") },
  { files: /^(README\.md|docs\/.*\.md)$/, pattern: (v) => new RegExp(`(resource callbell )(${escape(v)})( --(?:file|server))`, "g") },
  { files: /^(README\.md|docs\/.*\.md)$/, pattern: (v) => new RegExp(`(pulumi-callbell/sdk(?:/go/callbell)?@v)(${escape(v)})(\\b)`, "g") },
  { files: /^(examples\/[^/]+\/package\.json|package-lock\.json)$/, pattern: (v) => new RegExp(`("pulumi-callbell": "\\^)(${escape(v)})(")`, "g") },
  // The Go SDK names the plugin version it asks the engine for (test/plugin/go.engine.test.ts checks that sdk/go is what the generator writes).
  { files: /^sdk\/go\/callbell\/pulumi-plugin\.json$/, pattern: (v) => new RegExp(`("version": ")(${escape(v)})(")`, "g") },
  { files: /^sdk\/go\/callbell\/internal\/pulumiUtilities\.go$/, pattern: (v) => new RegExp(`(semver\\.MustParse\\(")(${escape(v)})("\\))`, "g") },
];

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** The files under root that may spell the version, relative to root. */
function candidates(root: string): string[] {
  const docs = fs.existsSync(path.join(root, "docs")) ? fs.readdirSync(path.join(root, "docs")).filter((f) => f.endsWith(".md")) : [];
  const examples = fs.existsSync(path.join(root, "examples")) ? fs.readdirSync(path.join(root, "examples")) : [];
  const goSdk = ["sdk/go/callbell/pulumi-plugin.json", "sdk/go/callbell/internal/pulumiUtilities.go"];
  return [
    "README.md",
    ...docs.map((f) => `docs/${f}`),
    ...[...examples.map((e) => `examples/${e}/package.json`), ...goSdk].filter((f) => fs.existsSync(path.join(root, f))),
  ];
}

/** A semver "X.Y.Z" as numbers, or undefined. */
function parse(version: string): [number, number, number] | undefined {
  const m = /^(\d+)\.(\d+)\.(\d+)$/.exec(version);
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : undefined;
}

/** Sets the version to `next` under root; returns the files changed. Throws a one-line message on bad input. */
export function bumpVersion(root: string, next: string, today = new Date().toISOString().slice(0, 10)): string[] {
  const pkgFile = path.join(root, "provider", "package.json");
  const pkg = JSON.parse(fs.readFileSync(pkgFile, "utf8")) as { version: string };
  const current = pkg.version;
  const [from, to] = [parse(current), parse(next)];
  if (!to) throw new Error(`version "${next}" is not X.Y.Z (e.g. 0.2.0)`);
  const differs = from ? to.findIndex((n, i) => n !== from[i]) : -1;
  if (!from || differs < 0 || to[differs] < from[differs]) throw new Error(`version ${next} is not after the current ${current}`);
  const changed: string[] = [];
  const rewrite = (rel: string, edit: (text: string) => string) => {
    const file = path.join(root, rel);
    const before = fs.readFileSync(file, "utf8");
    const after = edit(before);
    if (after !== before) {
      fs.writeFileSync(file, after);
      changed.push(rel);
    }
  };
  rewrite("provider/package.json", (t) => t.replace(`"version": "${current}"`, `"version": "${next}"`));
  rewrite("package-lock.json", (t) =>
    t.replace(new RegExp(`("provider": \\{\\n\\s+"name": "pulumi-callbell",\\n\\s+"version": ")${escape(current)}"`), `$1${next}"`),
  );
  for (const rel of [...candidates(root), "package-lock.json"]) {
    const spellings = versionSpellings.filter((s) => s.files.test(rel));
    if (spellings.length) rewrite(rel, (t) => spellings.reduce((text, s) => text.replace(s.pattern(current), `$1${next}$3`), t));
  }
  rewrite("CHANGELOG.md", (t) => {
    if (!t.includes("\n## [Unreleased]\n")) throw new Error("CHANGELOG.md has no '## [Unreleased]' section to stamp");
    return t.replace("\n## [Unreleased]\n", `\n## [Unreleased]\n\n## [${next}] - ${today}\n`);
  });
  return changed;
}

if (require.main === module) {
  const args = process.argv.slice(2);
  const rootAt = args.indexOf("--root");
  const root = rootAt >= 0 ? path.resolve(args.splice(rootAt, 2)[1] ?? "") : path.join(__dirname, "..");
  if (args.length !== 1) {
    console.error("usage: npm run version:bump -- X.Y.Z [--root DIR]");
    process.exit(2);
  }
  try {
    for (const file of bumpVersion(root, args[0])) console.log(`changed ${file}`);
  } catch (error) {
    console.error(`version:bump: ${(error as Error).message}`);
    process.exit(1);
  }
}
