// The sequence fuzzer (test/fuzz/fuzzer.ts) with a fixed seed: a handful of drawn sequences of program edits, real
// `pulumi` commands, dashboard edits and kills, each checked after every step. It asserts no violation at all, known
// bugs included; a failure prints the shrunk reproduction as shell commands (and the seed and path to replay it with
// `npm run soak`). `npm run soak` runs the same fuzzer longer with a random seed.
import { strict as assert } from "assert";
import { StartedSimulator, randomToken, startSimulator } from "callbell-simulator";
import { StepSpec, World, formatFailure, fuzz } from "./fuzzer";

/** The fixed seed and size of the run in `npm test` (about 3 to 4 minutes on a 2-core machine when nothing fails). */
const SEED = 20;
const SEQUENCES = 8;
const STEPS = 12;

describe("sequence fuzzer: no command sequence loses or doubles a contact", function () {
  this.timeout(60 * 60_000); // a cold engine build, then shrinking a failure through the real CLI
  let sim: StartedSimulator | undefined;
  after(async () => sim?.close());

  for (const ownerField of [true, false]) {
    const title = `a fixed walk through every door${ownerField ? " (owner field)" : ""}`;
    it(`${title}: explicit provider, token rotation, import, renumber, adopt, channel`, async () => {
      const secondToken = randomToken();
      const walkSim = await startSimulator({ duplicates: "allow", seed: 3, tokens: [randomToken(), secondToken] });
      const world = await World.open(walkSim, { ownerField, aliases: true, second: "stack", initialA: [0, 1], initialB: [2] }, new Set(), secondToken);
      const steps: StepSpec[] = [
        { kind: "up", stack: 0 },
        { kind: "up", stack: 1 },
        { kind: "explicit", stack: 0, pick: 0 },
        { kind: "up", stack: 0 },
        { kind: "rotate", stack: 0 },
        { kind: "up", stack: 0 },
        { kind: "import", stack: 0, pick: 0 },
        { kind: "up", stack: 0 },
        { kind: "renumber", stack: 0, pick: 1, person: 3 },
        { kind: "up", stack: 0 },
        { kind: "adopt", stack: 0, pick: 0 },
        { kind: "channel", stack: 0, pick: 1 },
        { kind: "up", stack: 0 },
        { kind: "explicit", stack: 0, pick: 0 },
        { kind: "up", stack: 0 },
        { kind: "destroy", stack: 0 },
        { kind: "destroy", stack: 1 },
      ];
      try {
        for (const step of steps) await world.apply(step);
        const failed = world.transcript.filter((t) => /# exit [1-9]/.test(t.shell.join("\n"))).map((t) => t.title);
        // With an owner field the only contact to import is B's, whose mark refuses it; without one, B's is not drawn.
        assert.deepEqual(failed, ownerField ? [world.transcript[7].title] : [], world.transcript.map((t) => `${t.title}\n${t.output}`).join("\n"));
        assert.match(world.transcript[7].title, ownerField ? /pulumi import/ : /nothing to import/);
        assert.deepEqual(await walkSim.admin.contacts(), [], "both destroys leave nothing: every contact was created by these stacks");
      } finally {
        world.close();
        await walkSim.close();
      }
    });
  }

  it(`${SEQUENCES} sequences of up to ${STEPS} steps (seed ${SEED}): the invariant holds after every step`, async () => {
    const secondToken = randomToken();
    sim = await startSimulator({ duplicates: "allow", seed: SEED, tokens: [randomToken(), secondToken] });
    const result = await fuzz({ sim, seed: SEED, numRuns: SEQUENCES, maxSteps: STEPS, shrinkRuns: 25, secondToken });
    console.log(`      ${result.sequences} sequences, ${result.steps} steps (shrinking: ${result.shrinkSequences} sequences)`);
    assert.ok(!result.failure, formatFailure(result));
  });
});
