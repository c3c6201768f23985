// The sequence fuzzer (test/fuzz/fuzzer.ts) with a fixed seed: a handful of drawn sequences of program edits, real
// `pulumi` commands, dashboard edits and kills, each checked after every step. It asserts no violation at all, known
// bugs included; a failure prints the shrunk reproduction as shell commands (and the seed and path to replay it with
// `npm run soak`). `npm run soak` runs the same fuzzer longer with a random seed.
import { strict as assert } from "assert";
import { StartedSimulator, startSimulator } from "callbell-simulator";
import { formatFailure, fuzz } from "./fuzzer";

/** The fixed seed and size of the run in `npm test` (about 3 to 4 minutes on a 2-core machine when nothing fails). */
const SEED = 20;
const SEQUENCES = 8;
const STEPS = 12;

describe("sequence fuzzer: no command sequence loses or doubles a contact", function () {
  this.timeout(60 * 60_000); // a cold engine build, then shrinking a failure through the real CLI
  let sim: StartedSimulator | undefined;
  after(async () => sim?.close());

  it(`${SEQUENCES} sequences of up to ${STEPS} steps (seed ${SEED}): the invariant holds after every step`, async () => {
    sim = await startSimulator({ duplicates: "allow", seed: SEED });
    const result = await fuzz({ sim, seed: SEED, numRuns: SEQUENCES, maxSteps: STEPS, shrinkRuns: 25 });
    console.log(`      ${result.sequences} sequences, ${result.steps} steps (shrinking: ${result.shrinkSequences} sequences)`);
    assert.ok(!result.failure, formatFailure(result));
  });
});
