// Test helpers over the engine driver (scripts/lib/engine.ts, shared with the demo and the
// benchmark): the raw stored state, for "the token appears nowhere" assertions, and a
// recorder of all an operation prints. The driver is re-exported, so a test imports one module.
import * as fs from "fs";
import * as path from "path";
import { EngineEvent, Stack } from "@pulumi/pulumi/automation";
import { strict as assert } from "assert";
import type { StartedSimulator } from "callbell-simulator";
import { ensureEngine, exportState, resourcesOfType } from "../../scripts/lib/engine";

export * from "../../scripts/lib/engine";

/** The Pulumi programs the engine suites run, by folder name under test/harness/programs (contacts, seed-set, smoke). */
export const programsDir = path.join(__dirname, "programs");

/**
 * An inline program for openStack: the program folder's module, required when the engine runs it (not at load time),
 * so that each stack gets it fresh.
 */
export const programNamed = (name: string) => async (): Promise<Record<string, unknown>> =>
  (require(path.join(programsDir, name)) as () => Promise<Record<string, unknown>>)();

/**
 * Every file the backend keeps for the stack (current state, backups, history), exactly
 * as stored (secrets encrypted), concatenated: for "the token appears nowhere in state"
 * assertions. The backend is the stack's own PULUMI_BACKEND_URL (a file:// one).
 */
export async function rawStateText(stack: Stack): Promise<string> {
  const url = stack.workspace.envVars.PULUMI_BACKEND_URL ?? ensureEngine().env.PULUMI_BACKEND_URL;
  if (!url.startsWith("file://")) throw new Error(`rawStateText needs a file:// backend, not ${url}`);
  const root = path.join(url.slice("file://".length), ".pulumi");
  const project = (await stack.workspace.projectSettings()).name;
  const files: string[] = [];
  const stacksDir = path.join(root, "stacks", project);
  if (fs.existsSync(stacksDir)) {
    for (const f of fs.readdirSync(stacksDir)) {
      if (f.startsWith(`${stack.name}.json`)) files.push(path.join(stacksDir, f));
    }
  }
  for (const kind of ["backups", "history"]) {
    const dir = path.join(root, kind, project, stack.name);
    if (fs.existsSync(dir)) for (const f of fs.readdirSync(dir)) files.push(path.join(dir, f));
  }
  if (files.length === 0) throw new Error(`no state files of ${project}/${stack.name} under ${root}`);
  return files.map((f) => fs.readFileSync(f, "utf8")).join("\n");
}

/** Callbacks for an operation's options plus the text they collected. */
export interface OutputRecorder {
  /** Spread into preview/up/refresh/destroy options. */
  opts: {
    onOutput: (out: string) => void;
    onError: (err: string) => void;
    onEvent: (event: EngineEvent) => void;
  };
  /** Everything seen so far: CLI stdout, CLI stderr and every engine event as JSON. */
  text(): string;
  /** What the CLI printed so far (stdout and stderr), as a user's terminal shows it. */
  output(): string;
  /** Engine events seen so far. */
  events: EngineEvent[];
}

/**
 * Records all an operation prints and emits, e.g. to assert that a token appears nowhere:
 *   const rec = recordOutput(); await stack.up({ ...rec.opts }); assert(!rec.text().includes(token));
 * The operation's diagnostics (including the provider host's stderr) arrive as events.
 */
export function recordOutput(): OutputRecorder {
  const chunks: string[] = [];
  const printed: string[] = [];
  const events: EngineEvent[] = [];
  return {
    opts: {
      onOutput: (out) => chunks.push(out) && printed.push(out),
      onError: (err) => chunks.push(err) && printed.push(err),
      onEvent: (event) => {
        events.push(event);
        chunks.push(JSON.stringify(event));
      },
    },
    text: () => chunks.join(""),
    output: () => printed.join(""),
    events,
  };
}

/**
 * Awaits an operation that must fail; when it succeeds, the assertion shows what it printed, so a run that passed for
 * the wrong reason (no resource registered, or a contact taken over) can be told from the output.
 */
export async function mustFail(operation: Promise<unknown>, rec: OutputRecorder, what = "the operation"): Promise<void> {
  try {
    await operation;
  } catch {
    return;
  }
  assert.fail(`${what} succeeded, and should have failed. It printed:\n${rec.output()}`);
}

/**
 * The Contacts a stack holds, as resource name → uuid, after asserting that every uuid in its state exists in the
 * simulator: the check the data-safety suites make after every step.
 */
export async function heldContacts(stack: Stack, sim: StartedSimulator, type = "pulumi-nodejs:dynamic/callbell:Contact"): Promise<Record<string, string>> {
  const resources = resourcesOfType(await exportState(stack), type);
  const inCallbell = new Set((await sim.admin.contacts()).map((c) => c.uuid));
  for (const r of resources) assert.ok(inCallbell.has(String(r.id)), `${r.urn} holds ${r.id}, which Callbell no longer has`);
  return Object.fromEntries(resources.map((r) => [r.urn.split("::").pop()!, String(r.id)]));
}
