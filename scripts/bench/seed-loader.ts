// How reading seed files grows with their size: a common file of N whatsapp entries and an overlay that edits ~10 %
// of them and removes ~1 % (every tenth entry uses a YAML alias), read by loadSeedFiles, then ContactSet's former names (aliases) computed, at several N.
// Each run uses numbers no earlier run used, so no run profits from what an earlier one parsed.
// Usage: npx ts-node --transpile-only scripts/bench/seed-loader.ts [--n 10000] [--repeat 3] [--json FILE]   (without --n: 1,000,
// 5,000, 10,000). --json writes the largest N's figures (entries, overlays, seconds) where the account bench's report reads them.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { formerNames } from "../../provider/src/doors/typescript/contact-set";
import { loadSeedFiles } from "../../provider/src/doors/seed/seed-file";

interface Settings {
  sizes: number[];
  repeat: number;
  json?: string;
}

function parseSettings(args: string[]): Settings {
  const settings: Settings = { sizes: [1_000, 5_000, 10_000], repeat: 3 };
  for (let i = 0; i < args.length; i += 2) {
    if (args[i] === "--json") {
      settings.json = args[i + 1];
      continue;
    }
    const value = Number(args[i + 1]);
    if (!Number.isInteger(value) || value < 1) throw new Error(`${args[i]} needs a positive integer`);
    if (args[i] === "--n") settings.sizes = [value];
    else if (args[i] === "--repeat") settings.repeat = value;
    else throw new Error(`unknown option ${args[i]}; use --n N --repeat R --json FILE`);
  }
  return settings;
}

// An Italian mobile number, written three ways as people do (the formatted ones also have legacy names).
function number(k: number): string {
  const digits = `39333${String(k).padStart(7, "0")}`;
  return k % 3 === 0 ? `+39 333 ${digits.slice(5, 8)} ${digits.slice(8)}` : k % 3 === 1 ? digits : `+${digits}`;
}

const quote = (text: string) => JSON.stringify(text);

// The common file and its overlay, for numbers first .. first + n - 1.
function writeFiles(dir: string, first: number, n: number): [string, string] {
  const common = ["defaults:", "  source: whatsapp", "  tags: [seed]", "contacts:"];
  for (let i = 0; i < n; i++) {
    common.push(`  - identifier: ${quote(number(first + i))}`, `    name: ${quote(`Seed Contact ${i}`)}`);
    if (i % 2) common.push("    tags: [qa]");
    // Every tenth entry repeats the first one's custom fields through a YAML alias, as files written by hand do.
    if (i === 0) common.push("    customFields: &acme { plan: pro, company: Acme }");
    else if (i % 10 === 0) common.push("    customFields: *acme");
    else if (i % 5 === 0) common.push(`    customFields: { plan: pro, company: ${quote(`Acme ${i}`)} }`);
    if (i % 7 === 0) common.push(`    note: ${quote(`note ${i}`)}`);
    if (i % 11 === 0) common.push("    assignedUser: alice@acme-dev.example");
  }
  const overlay = ["defaults:", "  source: whatsapp", "contacts:"];
  for (let i = 0; i < n; i++) {
    if (i % 100 === 50) overlay.push(`  - identifier: ${quote(number(first + i))}`, "    remove: true");
    else if (i % 10 === 3) overlay.push(`  - identifier: ${quote(number(first + i))}`, `    name: ${quote(`Seed Contact ${i}, edited`)}`, "    tags: [vip]");
  }
  const files: [string, string] = [path.join(dir, `common-${first}.yaml`), path.join(dir, `overlay-${first}.yaml`)];
  fs.writeFileSync(files[0], common.join("\n") + "\n");
  fs.writeFileSync(files[1], overlay.join("\n") + "\n");
  return files;
}

// CPU time of this process (the work is synchronous): on a shared, loaded machine it moves far less than the wall clock.
const cpuNow = () => process.cpuUsage();
const ms = (since: NodeJS.CpuUsage) => {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1000;
};
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

function main(): void {
  const { sizes, repeat, json } = parseSettings(process.argv.slice(2));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "callbell-seed-bench-"));
  // Warm-up on numbers no measured run uses: module loading and JIT are not what grows with N.
  loadSeedFiles(writeFiles(dir, 9_000_000, 200));
  let first = 0;
  const perEntry: Array<[number, number]> = [];
  try {
    for (const n of sizes) {
      const load: number[] = [];
      const aliases: number[] = [];
      let contacts = 0;
      let aliased = 0;
      for (let run = 0; run < repeat; run++) {
        const files = writeFiles(dir, first, n);
        first += n;
        let started = cpuNow();
        const seeds = loadSeedFiles(files);
        load.push(ms(started));
        started = cpuNow();
        const names = formerNames(seeds, (seed) => seed.key);
        aliases.push(ms(started));
        contacts = seeds.length;
        aliased = [...names.values()].reduce((sum, list) => sum + list.length, 0);
      }
      const total = median(load) + median(aliases);
      perEntry.push([n, (total * 1000) / n]);
      if (json) fs.writeFileSync(json, JSON.stringify({ entries: n, overlays: 1, seconds: total / 1000, cpu: true, loadAverage: os.loadavg()[0] }, null, 2));
      console.log(
        `N = ${n}, CPU time: loadSeedFiles ${median(load).toFixed(0)} ms (${load.map((t) => t.toFixed(0)).join(", ")}), former names ` +
          `${median(aliases).toFixed(0)} ms (${aliases.map((t) => t.toFixed(0)).join(", ")}); ${contacts} contacts, ${aliased} aliases; ` +
          `${((total * 1000) / n).toFixed(0)} µs per entry`,
      );
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  if (perEntry.length > 1) {
    const [small, large] = [perEntry[0], perEntry[perEntry.length - 1]];
    const growth = large[1] / small[1];
    console.log(
      `per entry at N = ${large[0]} is ${growth.toFixed(2)} × that at N = ${small[0]}: ${growth <= 1.5 ? "linear" : "superlinear"}; ` +
        `load average ${os.loadavg()[0].toFixed(2)}`,
    );
  }
}

main();
