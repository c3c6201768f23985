// The fault matrix: 50 contacts created and then all updated through the real engine while
// the simulator injects one kind of fault; `up` is re-run until it succeeds (at most 3
// times), then Callbell must hold exactly the declaration: 0 duplicates, 0 orphans.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { Stack } from "@pulumi/pulumi/automation";
import { countChangesOfType, recordOutput } from "../harness";
import { FaultConfig, StartedSimulator, startSimulator } from "callbell-simulator";
import { CONTACT, Reconciliation, assertConverged, contactsStack, declaredContacts, reconcile } from "./support";

const N = 50;
const MAX_RUNS = 3;
/** Where the results table goes: outside the source tree, replaced by every run. */
const REPORT = path.join(os.tmpdir(), "pulumi-callbell", "fault-matrix.md");

interface FaultCase {
  name: string;
  faults?: FaultConfig;
  /** A forced-429 window opened at the start of every run, in ms. */
  window429Ms?: number;
}

const cases: FaultCase[] = [
  { name: "20% of requests answer 500/502/503", faults: { errorRate: 0.2 } },
  { name: "10% of connections reset", faults: { resetRate: 0.1 } },
  { name: "latency spikes of 2 s (10%)", faults: { latencyMs: 20, jitterMs: 10, spikeRate: 0.1, spikeMs: 2000 } },
  { name: "3-second window of forced 429s", window429Ms: 3000 },
  { name: "commit then fail on POST (30%, answer lost)", faults: { commitThenFail: { rate: 0.3, methods: ["POST"], mode: "reset" } } },
  { name: "commit then fail on PATCH (30%, 500)", faults: { commitThenFail: { rate: 0.3, methods: ["PATCH"], mode: "500" } } },
];

/** One row of the results table. */
interface Row {
  fault: string;
  n: number;
  runs: number;
  injected: number;
  outcome: string;
  seconds: number;
  result: Reconciliation;
}
const rows: Row[] = [];

/** Runs `up` until it succeeds; failed runs must explain themselves without stack traces. */
async function upUntilConverged(stack: Stack, sim: StartedSimulator, c: FaultCase): Promise<{ runs: number; failures: string[] }> {
  const failures: string[] = [];
  for (let run = 1; run <= MAX_RUNS; run++) {
    const rec = recordOutput();
    try {
      const up = stack.up(rec.opts);
      if (c.window429Ms) await open429Window(sim, c.window429Ms, up);
      await up;
      return { runs: run, failures };
    } catch (error) {
      const text = (error as Error).message;
      assert.ok(/Could not (create|update|read|delete) contact/.test(text), `a failed run names the contact and the operation:\n${text.slice(0, 2000)}`);
      assert.ok(!/\n\s+at .+:\d+:\d+\)?\n/.test(text), `no stack trace in:\n${text.slice(0, 2000)}`);
      failures.push(text.split("\n").find((l) => l.includes("Could not")) ?? text.slice(0, 200));
    }
  }
  assert.fail(`up did not succeed in ${MAX_RUNS} runs: ${failures.join(" | ")}`);
}

/**
 * Opens the 429 window as soon as the run's first request reaches Callbell, so it lands in
 * the middle of the run however long the engine takes to start on a loaded machine.
 */
async function open429Window(sim: StartedSimulator, windowMs: number, run: Promise<unknown>): Promise<void> {
  let done = false;
  run.then(
    () => (done = true),
    () => (done = true),
  );
  const before = (await sim.admin.requests()).length;
  while (!done && (await sim.admin.requests()).length === before) await new Promise((r) => setTimeout(r, 20));
  if (!done) await sim.admin.force429(windowMs, 1);
}

describe(`fault matrix: ${N} contacts through the real engine`, function () {
  this.timeout(15 * 60_000);

  after(() => {
    const table = [
      "| fault | N | faults injected | up runs (create + update) | outcome | duplicates | orphans | missing | wrong | time |",
      "|---|---|---|---|---|---|---|---|---|---|",
      ...rows.map(
        (r) =>
          `| ${r.fault} | ${r.n} | ${r.injected} | ${r.runs} | ${r.outcome} | ` +
          `${r.result.duplicates} | ${r.result.orphans} | ${r.result.missing} | ${r.result.wrong} | ${r.seconds.toFixed(1)} s |`,
      ),
    ].join("\n");
    fs.mkdirSync(path.dirname(REPORT), { recursive: true });
    fs.writeFileSync(REPORT, table + "\n");
    console.log(`\n${table}\n\n(also in ${REPORT})\n`);
  });

  for (const [index, c] of cases.entries()) {
    it(`${c.name}: converges with 0 duplicates and 0 orphans`, async () => {
      const began = Date.now();
      const sim = await startSimulator({ duplicates: "allow", seed: 1000 + index, faults: c.faults });
      const stack = await contactsStack(sim, `faults-${index}`, declaredContacts(N, 1));
      try {
        const create = await upUntilConverged(stack, sim, c);
        await stack.setConfig("test:contacts", { value: JSON.stringify(declaredContacts(N, 2)) });
        const update = await upUntilConverged(stack, sim, c);

        await sim.admin.setFaults({});
        // Every fault kind shows in the log: a non-ok outcome, or (spikes) an answer that took 2 s.
        const injected = (await sim.admin.requests()).filter((e) => (e.outcome !== "ok" && e.outcome !== "error") || e.durationMs >= 1900).length;
        assert.ok(injected > 0, "the fault really happened");
        const result = await reconcile(sim, stack, declaredContacts(N, 2));
        const rec = recordOutput();
        await stack.up(rec.opts);
        assert.deepEqual(countChangesOfType(rec.events, CONTACT).raw, { same: N }, "a final up changes nothing");
        const failures = [...create.failures, ...update.failures];
        rows.push({
          fault: c.name,
          n: N,
          injected,
          runs: create.runs + update.runs,
          seconds: (Date.now() - began) / 1000,
          result,
          outcome: failures.length ? `converged after ${failures.length} failed run(s)` : "every up succeeded",
        });
        assertConverged(result, c.name);
        await stack.destroy();
        assert.deepEqual(await sim.admin.contacts(), [], "destroy removes every contact");
      } finally {
        await stack.workspace.removeStack(stack.name, { force: true }).catch(() => undefined);
        await sim.close();
      }
    });
  }
});
