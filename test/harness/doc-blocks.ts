// The fenced code blocks of README.md and docs/*.md, each with the marker that says how a test checks it.
//
// A marker is an HTML comment on the line right above the fence (GitHub does not show it):
//   <!-- docs-test: run <walkthrough> <step> [in <folder>] -->     a shell block the docs walkthrough runs
//   <!-- docs-test: file <walkthrough> <step> <path> -->           a file the walkthrough writes before that step
//   <!-- docs-test: append <walkthrough> <step> <path> -->         text the walkthrough adds to the end of a file
//   <!-- docs-test: excerpt <repository file> -->                  lines of a file that a test runs, in order
//   <!-- docs-test: checked-by <test file> -->                     a test that reads this very block and runs or compares it
//   <!-- docs-test: not runnable here: <why> -->                   listed by the docs test with its reason
// `<!-- doctor-example: <test file> -->` (doctor's own marker) counts as checked-by.
import * as fs from "fs";
import * as path from "path";
import { REPO_ROOT } from "./index";

/** The one walkthrough test/docs/walkthrough.engine.test.ts runs: a stranger following the pages in order. */
export const WALKTHROUGH = "stranger";

/** How a test checks one block. */
export type BlockMarker =
  | { kind: "run"; walkthrough: string; step: number; folder: string }
  | { kind: "file" | "append"; walkthrough: string; step: number; file: string }
  | { kind: "excerpt"; of: string }
  | { kind: "checked-by"; test: string }
  | { kind: "not-runnable"; why: string };

/** One fenced block of a page. */
export interface DocBlock {
  /** The page, relative to the repository root ("README.md", "docs/plugin.md"). */
  page: string;
  /** 1-based line of the opening fence. */
  line: number;
  /** The fence's info string ("sh", "ts", "" ...). */
  lang: string;
  /** The block's lines, without the fence's indentation, ending in a newline. */
  text: string;
  /** The marker above the fence; undefined when there is none. */
  marker?: BlockMarker;
  /** What is wrong with the marker, when there is one that cannot be read. */
  markerProblem?: string;
}

/** README.md and docs/*.md, relative to the repository root. */
export function documentedPages(): string[] {
  const docs = fs
    .readdirSync(path.join(REPO_ROOT, "docs"))
    .filter((f) => f.endsWith(".md"))
    .sort();
  return ["README.md", ...docs.map((f) => `docs/${f}`)];
}

/** The marker that a comment line states, or a problem; undefined when the line is no marker. */
export function parseMarker(line: string): { marker?: BlockMarker; problem?: string } | undefined {
  const doctor = /^<!--\s*doctor-example:\s*(\S+)\s*-->$/.exec(line.trim());
  if (doctor) return { marker: { kind: "checked-by", test: doctor[1] } };
  const m = /^<!--\s*docs-test:\s*(.*?)\s*-->$/.exec(line.trim());
  if (!m) return undefined;
  const words = m[1].split(/\s+/);
  const step = Number(words[2]);
  switch (words[0]) {
    case "run":
      if (words.length === 3 && Number.isInteger(step)) return { marker: { kind: "run", walkthrough: words[1], step, folder: "." } };
      if (words.length === 5 && Number.isInteger(step) && words[3] === "in") {
        return { marker: { kind: "run", walkthrough: words[1], step, folder: words[4] } };
      }
      break;
    case "file":
    case "append":
      if (words.length === 4 && Number.isInteger(step)) return { marker: { kind: words[0], walkthrough: words[1], step, file: words[3] } };
      break;
    case "excerpt":
      if (words.length === 2) return { marker: { kind: "excerpt", of: words[1] } };
      break;
    case "checked-by":
      if (words.length === 2) return { marker: { kind: "checked-by", test: words[1] } };
      break;
    case "not": {
      const why = /^not runnable here:\s*(\S.*)$/.exec(m[1]);
      if (why) return { marker: { kind: "not-runnable", why: why[1] } };
      break;
    }
  }
  return { problem: `cannot read the marker "${m[1]}"; see test/harness/doc-blocks.ts for the forms` };
}

/** The fenced blocks of one page, with their markers. */
export function pageBlocks(page: string): DocBlock[] {
  const lines = fs.readFileSync(path.join(REPO_ROOT, page), "utf8").split("\n");
  const blocks: DocBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)(`{3,}|~{3,})\s*([\w+-]*)/.exec(lines[i]);
    if (!open) continue;
    const [, indent, fence, lang] = open;
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length; j++) {
      const close = /^\s*(`{3,}|~{3,})\s*$/.exec(lines[j]);
      if (close && close[1][0] === fence[0] && close[1].length >= fence.length) break;
      body.push(lines[j].startsWith(indent) ? lines[j].slice(indent.length) : lines[j].trimStart());
    }
    const above = i > 0 ? parseMarker(lines[i - 1]) : undefined;
    blocks.push({ page, line: i + 1, lang, text: body.map((l) => `${l}\n`).join(""), marker: above?.marker, markerProblem: above?.problem });
    i = j;
  }
  return blocks;
}

/** Every block of README.md and docs/*.md. */
export function allDocBlocks(): DocBlock[] {
  return documentedPages().flatMap(pageBlocks);
}

/** Where a block is, for messages and test names: "docs/plugin.md:12". */
export function blockPlace(block: DocBlock): string {
  return `${block.page}:${block.line}`;
}

/**
 * The parts of an excerpt that its file lacks; [] when it is one. An excerpt is runs of the file's lines, each line as
 * it is there (indentation included, trailing spaces aside), one after the other; a line "…" (or "...") between two
 * runs skips any number of the file's lines.
 */
export function missingExcerptLines(excerpt: string, file: string): string[] {
  const have = file.split("\n").map((l) => l.trimEnd());
  const runs: string[][] = [[]];
  for (const line of excerpt.replace(/\n+$/, "").split("\n")) {
    if (line.trim() === "…" || line.trim() === "...") runs.push([]);
    else runs[runs.length - 1].push(line.trimEnd());
  }
  let at = 0;
  for (const run of runs.filter((r) => r.length > 0)) {
    let found = -1;
    for (let i = at; i + run.length <= have.length && found < 0; i++) {
      if (run.every((line, j) => have[i + j] === line)) found = i;
    }
    if (found < 0) return run;
    at = found + run.length;
  }
  return [];
}

/** The blocks of one walkthrough, in step order (a step's files before its shell block). */
export function walkthroughSteps(blocks: DocBlock[], walkthrough: string): DocBlock[] {
  const order = (b: DocBlock) => (b.marker && "step" in b.marker ? b.marker.step : Infinity);
  return blocks
    .filter((b) => b.marker && "walkthrough" in b.marker && b.marker.walkthrough === walkthrough)
    .sort((a, b) => order(a) - order(b) || Number(a.marker!.kind === "run") - Number(b.marker!.kind === "run"));
}
