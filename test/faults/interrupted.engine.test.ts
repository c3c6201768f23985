// A pipeline cancelled halfway: the engine (pulumi CLI and its provider host) is killed with
// SIGKILL during an up of 100 contacts. The documented recovery (docs/recovery.md, "Recovering an
// interrupted run") must converge with 0 duplicates and 0 orphans: cancel (the lock), repair
// the checkpoint's metadata if the kill emptied it, refresh clearing the pending creates, then
// up — which finds the contacts the killed run created by their owner mark, or, without an
// owner field, by their name with callbell:recoverCreates for that one run.
import { strict as assert } from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { ensureEngine, exportState, resourcesOfType } from "../harness";
import { StartedSimulator, startSimulator } from "callbell-simulator";
import { CONTACT, assertConverged, contactsStack, declaredContacts, reconcile } from "./support";
import { killEngine, killEngineAlone } from "./kill";
import type { Stack } from "@pulumi/pulumi/automation";

const N = 100;

/**
 * The repair in docs/recovery.md for "failed to load checkpoint: EOF", run as written: a file:// backend
 * keeps each state file's metadata in a `.attrs` file beside it, which Go's blob library
 * rewrites in place (truncate, then write) before it renames the new state into place; a kill
 * between the two leaves it empty, and the CLI cannot read the stack. The metadata is optional.
 * Returns the files it removed.
 */
function repairEmptyMetadata(backendDir: string): string[] {
  const found = execFileSync("sh", ["-c", `find "$1/.pulumi" -name '*.attrs' -size 0 -print -delete`, "sh", backendDir], { encoding: "utf8" });
  return found.split("\n").filter(Boolean);
}

/** SIGKILLs an up of N contacts once a third of them exist, and says what was left behind. */
async function killMidway(sim: StartedSimulator, stack: Stack): Promise<void> {
  const running = stack.up().then(
    () => "finished",
    (e: Error) => `failed: ${e.message.split("\n")[0]}`,
  );
  for (let i = 0; i < 600 && (await sim.admin.contacts()).length < N / 3; i++) await new Promise((r) => setTimeout(r, 50));
  const killed = killEngine();
  const outcome = await running;
  assert.match(outcome, /^failed/, "the up was interrupted");
  await new Promise((r) => setTimeout(r, 500)); // requests already sent may still land
  const repaired = repairEmptyMetadata(ensureEngine().backendDir);
  const inCallbell = (await sim.admin.contacts()).length;
  const state = await exportState(stack);
  const recorded = resourcesOfType(state, CONTACT).length;
  const pending = ((state as { pending_operations?: unknown[] }).pending_operations ?? []).length;
  console.log(
    `      killed ${killed} processes; Callbell held ${inCallbell} contacts, the state ${recorded}, with ${pending} pending operations; ` +
      `${repaired.length} empty metadata file(s) repaired`,
  );
  assert.ok(inCallbell > 0 && inCallbell < N, "killed in the middle");
}

describe(`interrupted run: SIGKILL in the middle of an up of ${N} contacts`, function () {
  this.timeout(10 * 60_000);
  let sim: StartedSimulator | undefined;
  afterEach(async () => sim?.close());

  for (const mode of ["owner field", "recoverCreates"] as const) {
    it(`recovers (${mode}) with cancel, refresh clearing pending creates, and up: 0 duplicates, 0 orphans`, async () => {
      sim = await startSimulator({ duplicates: "allow", faults: { latencyMs: 60, jitterMs: 20 }, seed: 99 });
      const declared = declaredContacts(N);
      const stack = await contactsStack(sim, `interrupted-${mode === "owner field" ? "marked" : "recover"}`, declared, {
        ownerField: mode === "owner field",
        ownProcess: true,
      });
      try {
        await killMidway(sim, stack);
        // The documented recovery.
        await stack.cancel();
        await stack.refresh({ clearPendingCreates: true });
        if (mode === "recoverCreates") {
          // Without the setting, the contacts the killed run created are refused, not duplicated.
          await assert.rejects(stack.up(), /nothing shows that this stack made it/);
          await stack.setConfig("callbell:recoverCreates", { value: "true" });
        }
        await stack.up();
        if (mode === "recoverCreates") await stack.removeConfig("callbell:recoverCreates");

        assertConverged(await reconcile(sim, stack, declared), "after recovery");
        assert.equal((await sim.admin.contacts()).length, N);
        await stack.destroy();
        assert.deepEqual(await sim.admin.contacts(), []);
      } finally {
        await stack.workspace.removeStack(stack.name, { force: true }).catch(() => undefined);
      }
    });
  }

  it("the engine alone killed: its orphaned provider processes stop within seconds, write nothing more, and leave no lock behind", async () => {
    sim = await startSimulator({ duplicates: "allow", faults: { latencyMs: 60, jitterMs: 20 }, seed: 7 });
    const declared = declaredContacts(N);
    const stack = await contactsStack(sim, "orphans", declared, { ownProcess: true });
    try {
      const running = stack.up().then(
        () => "finished",
        (e: Error) => `failed: ${e.message.split("\n")[0]}`,
      );
      for (let i = 0; i < 600 && (await sim.admin.contacts()).length < N / 3; i++) await new Promise((r) => setTimeout(r, 50));
      const providers = killEngineAlone();
      assert.match(await running, /^failed/, "the up was interrupted");
      assert.ok(providers.length > 0, "the run had provider processes");
      const alive = () => providers.filter((pid) => fs.existsSync(`/proc/${pid}`) && !/State:\s+Z/.test(fs.readFileSync(`/proc/${pid}/status`, "utf8")));
      for (let i = 0; i < 100 && alive().length > 0; i++) await new Promise((r) => setTimeout(r, 100));
      assert.deepEqual(alive(), [], "every provider process of the killed run has ended");
      const writesAtStop = (await sim.admin.requests()).filter((e) => e.method !== "GET").length;
      await new Promise((r) => setTimeout(r, 3000));
      assert.equal((await sim.admin.requests()).filter((e) => e.method !== "GET").length, writesAtStop, "nothing is written once they stopped");
      console.log(`      ${providers.length} orphaned provider process(es) ended; ${(await sim.admin.contacts()).length} of ${N} contacts were made`);
      // The next run is not refused by a lock of the dead run: the documented recovery converges.
      await stack.cancel();
      await stack.refresh({ clearPendingCreates: true });
      await stack.up();
      assertConverged(await reconcile(sim, stack, declared), "after recovery");
      await stack.destroy();
      assert.deepEqual(await sim.admin.contacts(), []);
    } finally {
      await stack.workspace.removeStack(stack.name, { force: true }).catch(() => undefined);
    }
  });

  it("a checkpoint whose metadata a kill left empty: the CLI fails with EOF, and the documented repair restores it", async () => {
    sim = await startSimulator({ duplicates: "allow" });
    const declared = declaredContacts(3);
    const stack = await contactsStack(sim, "empty-metadata", declared);
    try {
      await stack.up();
      const backend = ensureEngine().backendDir;
      const metadata = path.join(backend, ".pulumi", "stacks", "callbell-faults", "empty-metadata.json.attrs");
      assert.ok(fs.existsSync(metadata), "the file backend keeps a .attrs file beside the state");
      fs.truncateSync(metadata, 0); // the state a kill between its truncation and its write leaves
      await assert.rejects(stack.exportStack(), /failed to load checkpoint: EOF/);
      assert.deepEqual(
        repairEmptyMetadata(backend).map((f) => path.basename(f)),
        ["empty-metadata.json.attrs"],
      );
      assert.equal(resourcesOfType(await exportState(stack), CONTACT).length, 3);
      await stack.up();
      assertConverged(await reconcile(sim, stack, declared), "after the repair");
      await stack.destroy();
    } finally {
      await stack.workspace.removeStack(stack.name, { force: true }).catch(() => undefined);
    }
  });
});
