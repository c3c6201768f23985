// The README is a short front page, and every reference topic is a page of docs/ that the front page links to.
// Every relative link and #anchor in README.md and docs/*.md resolves: to a file or folder of the repository, and
// to a heading of the Markdown file it names (GitHub's heading ids).
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";

const ROOT = path.join(__dirname, "../..");
const DOCS = path.join(ROOT, "docs");
const MAX_README_LINES = 200;

function docsPages(): string[] {
  return fs.existsSync(DOCS)
    ? fs
        .readdirSync(DOCS)
        .filter((f) => f.endsWith(".md"))
        .sort()
    : [];
}

/** The Markdown files checked: README.md and docs/*.md, as paths relative to the repository root. */
function markdownFiles(): string[] {
  return ["README.md", ...docsPages().map((f) => `docs/${f}`)];
}

/** The lines outside fenced code blocks (``` or ~~~), so a `# comment` in a code block is no heading. */
function proseLines(text: string): string[] {
  const out: string[] = [];
  let fence: string | undefined;
  for (const line of text.split("\n")) {
    const m = /^\s*(`{3,}|~{3,})/.exec(line);
    if (m) {
      if (!fence) fence = m[1];
      else if (m[1].startsWith(fence[0]) && m[1].length >= fence.length) fence = undefined;
      continue;
    }
    if (!fence) out.push(line);
  }
  return out;
}

/** GitHub's id for a heading: lower case, punctuation dropped (not - or _), spaces to hyphens; repeats get -1, -2. */
export function headingIds(text: string): Set<string> {
  const ids = new Set<string>();
  const seen = new Map<string, number>();
  for (const line of proseLines(text)) {
    const m = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (!m) continue;
    const plain = m[1].replace(/\[([^\]]*)\]\([^)]*\)/g, "$1").replace(/<[^>]+>/g, "");
    const base = plain
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, "")
      .replace(/\s/g, "-");
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    ids.add(n === 0 ? base : `${base}-${n}`);
  }
  return ids;
}

/** The targets of the inline links and images in a Markdown text, outside code blocks and code spans. */
export function linkTargets(text: string): string[] {
  const targets: string[] = [];
  for (const line of proseLines(text)) {
    const noCode = line.replace(/(`+)[\s\S]*?\1/g, "code");
    for (const m of noCode.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) targets.push(m[1]);
  }
  return targets;
}

/** What is wrong with each relative link of the file `rel` (relative to the repository root); [] when all resolve. */
function brokenLinks(rel: string): string[] {
  const file = path.join(ROOT, rel);
  const text = fs.readFileSync(file, "utf8");
  const problems: string[] = [];
  for (const target of linkTargets(text)) {
    if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // https:, mailto: ...
    const [p, anchor] = target.split("#", 2) as [string, string | undefined];
    const dest = p === "" ? file : path.resolve(path.dirname(file), decodeURIComponent(p));
    if (!dest.startsWith(ROOT + path.sep) && dest !== ROOT) {
      problems.push(`${rel}: ${target} points outside the repository`);
      continue;
    }
    if (!fs.existsSync(dest)) {
      problems.push(`${rel}: ${target}: no such file`);
      continue;
    }
    if (anchor !== undefined) {
      if (!dest.endsWith(".md")) problems.push(`${rel}: ${target}: an anchor into a file that is not Markdown`);
      else if (!headingIds(fs.readFileSync(dest, "utf8")).has(anchor)) problems.push(`${rel}: ${target}: no heading #${anchor} there`);
    }
  }
  return problems;
}

describe("docs: the README front page and the docs/ pages", () => {
  it(`README.md is a front page of fewer than ${MAX_README_LINES} lines`, () => {
    const lines = fs.readFileSync(path.join(ROOT, "README.md"), "utf8").replace(/\n$/, "").split("\n").length;
    assert.ok(lines < MAX_README_LINES, `README.md has ${lines} lines; move reference text to a page of docs/`);
  });

  it("every docs/*.md page is linked from README.md", () => {
    const pages = docsPages();
    assert.ok(pages.length > 0, "docs/ has no pages");
    const linked = new Set(
      linkTargets(fs.readFileSync(path.join(ROOT, "README.md"), "utf8"))
        .filter((t) => !/^[a-z][a-z0-9+.-]*:/i.test(t))
        .map((t) => path.normalize(t.split("#")[0])),
    );
    assert.deepEqual(
      pages.filter((f) => !linked.has(path.join("docs", f))),
      [],
      "pages of docs/ that README.md does not link to",
    );
  });

  it("every docs/*.md page starts with a title and a link back to the README", () => {
    for (const f of docsPages()) {
      const lines = fs.readFileSync(path.join(DOCS, f), "utf8").split("\n");
      assert.match(lines[0], /^# \S/, `docs/${f}: the first line is its title`);
      const back = lines.slice(1, 4).find((l) => l.trim() !== "");
      assert.ok(back && linkTargets(back).includes("../README.md"), `docs/${f}: a link back to ../README.md follows the title`);
    }
  });

  it("every relative link and #anchor in README.md and docs/*.md resolves", () => {
    assert.deepEqual(markdownFiles().flatMap(brokenLinks), []);
  });

  it("the link check itself: GitHub heading ids, links outside code", () => {
    const ids = headingIds("# Reference: `callbell.Contact`\n## From Python, Go, C# or YAML\n```yaml\n# not a heading\n```\n## Tests\n## Tests\n");
    assert.deepEqual([...ids], ["reference-callbellcontact", "from-python-go-c-or-yaml", "tests", "tests-1"]);
    assert.deepEqual(linkTargets("see [a](a.md#x) and `[b](b.md)`\n```\n[c](c.md)\n```\n![img](d.png)"), ["a.md#x", "d.png"]);
  });
});
