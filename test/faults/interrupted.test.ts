// A pipeline cancelled halfway: the engine (pulumi CLI and its provider host) is killed with
// SIGKILL during an up of 100 contacts. The documented recovery — cancel (the lock), refresh
// clearing the pending creates, then up — must converge with 0 duplicates and 0 orphans.
import { strict as assert } from "assert";
import * as fs from "fs";
import { exportState, resourcesOfType } from "../engine/harness";
import { StartedSimulator, startSimulator } from "../simulator";
import { CONTACT, assertConverged, contactsStack, declaredContacts, reconcile } from "./support";

const N = 100;

/** Children of a process, from /proc (Linux). */
function childrenOf(pid: number): number[] {
  const kids: number[] = [];
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (ppid === pid) kids.push(Number(entry));
    } catch {
      // the process ended while we looked
    }
  }
  return kids;
}

function commandOf(pid: number): string {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").replace(/\0/g, " ");
  } catch {
    return "";
  }
}

/** SIGKILLs the `pulumi up` this process started, and everything it started. */
function killEngine(): number {
  const cli = childrenOf(process.pid).filter((pid) => / up /.test(commandOf(pid)) && /pulumi/.test(commandOf(pid)));
  assert.equal(cli.length, 1, "exactly one pulumi up running");
  const tree: number[] = [];
  const walk = (pid: number) => { tree.push(pid); childrenOf(pid).forEach(walk); };
  walk(cli[0]);
  for (const pid of tree) {
    try { process.kill(pid, "SIGKILL"); } catch { /* already gone */ }
  }
  return tree.length;
}

describe(`interrupted run: SIGKILL in the middle of an up of ${N} contacts`, function () {
  this.timeout(10 * 60_000);
  let sim: StartedSimulator;
  after(async () => sim?.close());

  it("recovers with refresh (clearing pending creates) and up: 0 duplicates, 0 orphans", async () => {
    sim = await startSimulator({ duplicates: "allow", faults: { latencyMs: 60, jitterMs: 20 }, seed: 99 });
    const declared = declaredContacts(N);
    const stack = await contactsStack(sim, "interrupted", declared);
    try {
      const running = stack.up().then(() => "finished", (e: Error) => `failed: ${e.message.split("\n")[0]}`);
      // Wait until a third of the contacts exist, then kill the engine without warning.
      for (let i = 0; i < 600 && (await sim.admin.contacts()).length < N / 3; i++) await new Promise((r) => setTimeout(r, 50));
      const killed = killEngine();
      const outcome = await running;
      assert.match(outcome, /^failed/, "the up was interrupted");
      await new Promise((r) => setTimeout(r, 500)); // requests already sent may still land

      const inCallbell = (await sim.admin.contacts()).length;
      const state = await exportState(stack);
      const recorded = resourcesOfType(state, CONTACT).length;
      const pending = ((state as { pending_operations?: unknown[] }).pending_operations ?? []).length;
      console.log(`      killed ${killed} processes; Callbell held ${inCallbell} contacts, the state ${recorded}, with ${pending} pending operations`);
      assert.ok(inCallbell > 0 && inCallbell < N, "killed in the middle");

      // The documented recovery: remove the lock the killed run left, drop its pending
      // creates from the state, and up (which takes over the contacts those creates made).
      await stack.cancel();
      await stack.refresh({ clearPendingCreates: true });
      await stack.up();

      assertConverged(await reconcile(sim, stack, declared), "after recovery");
      assert.equal((await sim.admin.contacts()).length, N);
      await stack.destroy();
    } finally {
      await stack.workspace.removeStack(stack.name, { force: true }).catch(() => undefined);
    }
  });
});
