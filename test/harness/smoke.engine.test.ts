// The real Pulumi engine runs here: preview, up, a no-op up, export, destroy of three
// trivial dynamic resources. If the engine cannot be had, the suite fails (never skips).
import { strict as assert } from "assert";
import * as path from "path";
import { Stack } from "@pulumi/pulumi/automation";
import { REPO_ROOT, countChanges, countChangesOfType, ensureEngine, exportState, openStack, rawStateText, recordOutput, resourcesOfType } from ".";
import smoke, { SMOKE_NAMES, SMOKE_TYPE } from "./programs/smoke";

describe("engine smoke: the real pulumi CLI drives three dynamic resources", function () {
  // Engine start-up is seconds per operation; a cold CLI build (no cache) is minutes.
  this.timeout(120_000);

  let stack: Stack;
  const timings: Record<string, number> = {};

  async function timed<T>(label: string, fn: () => Promise<T>): Promise<T> {
    const start = Date.now();
    try {
      return await fn();
    } finally {
      timings[label] = Date.now() - start;
    }
  }

  before(async function () {
    this.timeout(30 * 60_000);
    const engine = ensureEngine();
    assert.match(engine.pulumiVersion, /^3\.\d+\.\d+/);
    stack = await timed("open", () => openStack({ projectName: "smoke", stackName: "smoke", program: smoke }));
  });

  after(async function () {
    if (stack) {
      await stack.workspace.removeStack(stack.name, { force: true }).catch(() => undefined);
    }
    const line = Object.entries(timings)
      .map(([k, v]) => `${k} ${v} ms`)
      .join(", ");
    console.log(`      engine timings (3 resources): ${line}`);
  });

  it("preview shows 3 creates", async () => {
    const rec = recordOutput();
    const result = await timed("preview", () => stack.preview({ ...rec.opts }));
    assert.deepEqual(countChangesOfType(rec.events, SMOKE_TYPE).raw, { create: 3 });
    // The summary also counts the pulumi:pulumi:Stack resource.
    assert.equal(countChanges(result).create, 4);
  });

  it("up creates 3", async () => {
    const rec = recordOutput();
    const result = await timed("up", () => stack.up({ ...rec.opts }));
    assert.equal(result.summary.result, "succeeded");
    assert.deepEqual(countChangesOfType(rec.events, SMOKE_TYPE).raw, { create: 3 });
    assert.deepEqual(result.outputs.ids.value, SMOKE_NAMES);
    // No warning at all when the provider host sits next to the CLI (ensure-pulumi.sh's
    // cache, official installs); else the engine warns that it took the host from $PATH.
    const warnings = rec.events
      .map((e) => e.diagnosticEvent)
      .filter((d) => d && d.severity === "warning")
      .map((d) => d!.message)
      .filter((m) => ensureEngine().hostBundled || !/^using pulumi-resource-pulumi-nodejs from \$PATH/.test(m));
    assert.deepEqual(warnings, []);
  });

  it("the provider host runs with the project folder (workDir) as its cwd", async () => {
    const outputs = await stack.outputs();
    assert.equal(outputs.hostCwd.value, stack.workspace.workDir);
    assert.ok(!path.relative(REPO_ROOT, stack.workspace.workDir).startsWith(".."), "the default workDir is inside the repo, so node_modules resolve");
  });

  it("a second up changes nothing", async () => {
    const rec = recordOutput();
    const result = await timed("up (no-op)", () => stack.up({ ...rec.opts }));
    const counts = countChanges(result);
    assert.deepEqual(counts.raw, { same: 4 });
    assert.deepEqual(countChangesOfType(rec.events, SMOKE_TYPE).raw, { same: 3 });
  });

  it("the exported state holds 3 resources of the dynamic type", async () => {
    const state = await timed("export", () => exportState(stack));
    const things = resourcesOfType(state, SMOKE_TYPE);
    assert.equal(things.length, 3);
    assert.deepEqual(things.map((r) => r.id).sort(), [...SMOKE_NAMES].sort());
    for (const r of things) {
      assert.ok(r.type.startsWith("pulumi-nodejs:dynamic/"));
      assert.equal(typeof r.inputs?.__provider, "string", "the provider is serialized into state");
    }
    const raw = await rawStateText(stack);
    for (const n of SMOKE_NAMES) assert.ok(raw.includes(`smoke:Thing::${n}`), `${n} is in the stored state`);
  });

  it("destroy leaves 0 resources", async () => {
    const result = await timed("destroy", () => stack.destroy({}));
    assert.equal(countChanges(result).delete, 4);
    const state = await exportState(stack);
    assert.equal((state.resources ?? []).length, 0);
  });
});
