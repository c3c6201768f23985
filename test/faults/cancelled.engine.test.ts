// `pulumi cancel` during an up, and a second up in that window. Cancel only removes the backend's lock: the
// cancelled run goes on creating until it ends. A second up of the same stack that starts meanwhile once found
// nothing for the contacts still in flight and created them again (4 duplicate pairs at 6 s latency, both runs exit
// 0). Now the second run's provider waits for the first one's host to end (write-lock.ts), and then takes over what
// it made by its owner mark, or refuses if it keeps running. Either way: 0 duplicates, and the next up converges.
import { strict as assert } from "assert";
import * as fs from "fs";
import { RequestLogEntry, StartedSimulator, startSimulator } from "callbell-simulator";
import { assertConverged, contactsStack, declaredContacts, reconcile } from "./support";

const N = 4;

/** The dynamic-provider hosts running on this machine (the first run's, here). */
function providerHosts(): number[] {
  return fs
    .readdirSync("/proc")
    .filter((entry) => /^\d+$/.test(entry))
    .filter((pid) => {
      try {
        return fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").includes("cmd/dynamic-provider");
      } catch {
        return false; // ended while we looked
      }
    })
    .map(Number);
}
const posts = (log: RequestLogEntry[]) => log.filter((e) => e.method === "POST").length;

describe("pulumi cancel during an up, then a second up of the same stack", function () {
  this.timeout(10 * 60_000);
  let sim: StartedSimulator | undefined;
  afterEach(async () => sim?.close());

  it("creates no duplicate: the second run waits for the first run's writes, or refuses, and the next up converges", async () => {
    sim = await startSimulator({ duplicates: "allow", seed: 7 });
    const declared = declaredContacts(N);
    const stack = await contactsStack(sim, "cancelled", declared, { ownProcess: true });
    try {
      // The first run's phone lookups are answered "not found" 20 s late: until its POSTs land, a second run finds
      // nothing either. (The simulator answers from its store as the request arrives, then waits.)
      await sim.admin.script([{ method: "GET", path: "/v1/contacts/phone/", action: "delay", delayMs: 20_000, times: N }]);
      const first = stack.up().then(
        () => "ok",
        (error: Error) => `failed: ${error.message.slice(0, 300)}`,
      );
      const started = Date.now();
      while (providerHosts().length === 0) {
        assert.ok(Date.now() - started < 240_000, "the first up never started its provider host");
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      await new Promise((resolve) => setTimeout(resolve, 2000)); // its lookups are sent
      await stack.cancel();
      const second = await stack.up().then(
        () => "ok",
        (error: Error) => `failed: ${error.message}`,
      );
      const firstOutcome = await first;
      console.log(`      first up: ${firstOutcome.split("\n")[0]}; second up: ${second.split("\n")[0].slice(0, 200)}`);
      if (second !== "ok") assert.match(second, /Refusing to write: another pulumi run of stack callbell-faults\/cancelled on this machine/);
      await new Promise((resolve) => setTimeout(resolve, 500)); // requests already sent may still land
      const log = await sim.admin.requests();
      assert.equal(posts(log), N, `one POST per contact, over both runs (${log.map((e) => `${e.method} ${e.path}`).join(", ")})`);
      assert.equal((await sim.admin.contacts()).length, N, "no duplicate");

      await sim.admin.setFaults({});
      await stack.refresh({ clearPendingCreates: true });
      await stack.up();
      assertConverged(await reconcile(sim, stack, declared), "after the next up");
      assert.equal(posts(await sim.admin.requests()), N, "the next up created nothing more");
      await stack.destroy();
      assert.deepEqual(await sim.admin.contacts(), []);
    } finally {
      await stack.workspace.removeStack(stack.name, { force: true }).catch(() => undefined);
    }
  });
});
