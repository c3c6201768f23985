// `npm run soak`: the sequence fuzzer for longer, with a random seed (or --seed N to replay), until --minutes have
// passed. Each round draws up to 25 sequences from seed + round; after a failure (shrunk) the soak goes on with the
// next round, so one soak can report several violations.
//   npm run soak -- [--minutes 30] [--seed N] [--steps 12] [--shrink-runs 40] [--exclude trunk0,twice,backend,replace-owner]
//   npm run soak -- --seed N --path P      replays one shrunk counterexample (printed with every failure)
import { randomToken, startSimulator } from "callbell-simulator";
import { KnownBugInput, formatFailure, fuzz } from "./fuzzer";

const USAGE = "usage: npm run soak -- [--minutes M] [--seed N] [--steps S] [--shrink-runs K] [--exclude trunk0,twice,backend,replace-owner] [--path P]";

function options(argv: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const m = /^--([a-z-]+)$/.exec(argv[i]);
    if (!m || argv[i + 1] === undefined || m[1] === "help") throw new Error(USAGE);
    out[m[1]] = argv[++i];
  }
  for (const key of Object.keys(out)) if (!["minutes", "seed", "steps", "shrink-runs", "exclude", "path"].includes(key)) throw new Error(USAGE);
  return out;
}

async function main(): Promise<number> {
  const o = options(process.argv.slice(2));
  const minutes = Number(o.minutes ?? 10);
  const seed = o.seed !== undefined ? Number(o.seed) : Math.floor(Math.random() * 2 ** 31);
  const exclude = new Set((o.exclude ?? "").split(",").filter(Boolean) as KnownBugInput[]);
  for (const e of exclude) if (!["trunk0", "twice", "backend", "replace-owner"].includes(e)) throw new Error(`unknown --exclude ${e}; ${USAGE}`);
  const end = Date.now() + minutes * 60_000;
  console.log(`soak: seed ${seed}, ${o.path ? `replaying path ${o.path}` : `${minutes} min`}${exclude.size ? `, excluding ${[...exclude].join(",")}` : ""}`);
  const secondToken = randomToken();
  const sim = await startSimulator({ duplicates: "allow", seed, tokens: [randomToken(), secondToken] });
  let sequences = 0;
  let steps = 0;
  let failures = 0;
  try {
    for (let round = 0; Date.now() < end || (round === 0 && o.path); round++) {
      const result = await fuzz({
        sim,
        seed: seed + round,
        numRuns: 25,
        maxSteps: Number(o.steps ?? 12),
        shrinkRuns: Number(o["shrink-runs"] ?? 40),
        deadline: o.path ? undefined : end,
        path: o.path,
        exclude,
        secondToken,
        progress: (line) => console.log(`  [seed ${seed + round}] ${line}`),
      });
      sequences += result.sequences + result.shrinkSequences;
      steps += result.steps;
      if (result.failure) {
        failures++;
        console.log(`\nVIOLATION ${failures} (seed ${seed + round}):\n${formatFailure(result)}\n`);
      }
      if (o.path) break;
    }
  } finally {
    await sim.close();
  }
  console.log(`soak: seed ${seed}, ${sequences} sequences (shrinking included), ${steps} steps, ${failures} violating sequence(s)`);
  return failures > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: Error) => {
    console.error(error.message);
    process.exit(2);
  },
);
