// `npm run demo`: the root Pulumi project (examples/seed-contacts) deployed for real to the
// `dev` stack, against a local Callbell simulator, on a local file:// backend under .demo/.
//   npm run demo                 up, then up again (which must change nothing), list the contacts
//   npm run demo -- preview      pulumi preview --diff of the dev stack
//   npm run demo -- refresh      pulumi refresh (shows what was changed in the "dashboard")
//   npm run demo -- drift        edit a contact in the simulator's dashboard, then refresh, preview --diff and up
//   npm run demo -- dashboard    serve the simulator's dashboard of the demo's contacts until Ctrl-C
//   npm run demo -- destroy      delete the demo contacts
// The simulator keeps its contacts in .demo/callbell-contacts.json, so runs build on each other.
// While a run lasts, its dashboard is at http://127.0.0.1:4010/.
import * as fs from "fs";
import * as path from "path";
import { EngineEvent, Stack } from "@pulumi/pulumi/automation";
import { REPO_ROOT, countChangesOfType, ensureEngine, openStack } from "./lib/engine";
import { startSimulator, type StartedSimulator } from "callbell-simulator";
import { contactType } from "pulumi-callbell";

const DEMO_DIR = path.join(REPO_ROOT, ".demo");
const PORT = 4010; // the port examples/seed-contacts/Pulumi.dev.yaml points at
const TOKEN = "sim_demo_token"; // a simulator token, encrypted in Pulumi.dev.yaml
const PASSPHRASE = "callbell-demo"; // the dev stack's demo passphrase (see Pulumi.dev.yaml)
const OPERATIONS = ["up", "preview", "refresh", "drift", "dashboard", "destroy"];

const DASHBOARD = `http://127.0.0.1:${PORT}/`;

type Summary = Record<string, { name: string; uuid: string; href: string; createdAt: string }>;
type Stream = { onOutput: (text: string) => void; onError: (text: string) => void };

async function main(): Promise<void> {
  const op = process.argv[2] ?? "up";
  if (!OPERATIONS.includes(op)) throw new Error(`unknown operation '${op}': use ${OPERATIONS.join(", ")}`);
  fs.mkdirSync(DEMO_DIR, { recursive: true });
  const engine = op === "dashboard" ? undefined : ensureEngine();
  const sim = await startSimulator({ port: PORT, tokens: [TOKEN], dataFile: path.join(DEMO_DIR, "callbell-contacts.json") }).catch(
    (error: NodeJS.ErrnoException) => {
      throw new Error(error.code === "EADDRINUSE" ? `port ${PORT} is busy: stop what listens there (another demo or simulator?) and run again` : error.message);
    },
  );
  if (!engine) return serveDashboard(sim);
  console.log(`demo: pulumi v${engine.pulumiVersion}, state in .demo/backend, Callbell simulator on 127.0.0.1:${PORT}`);
  console.log(`Callbell's dashboard (the simulator's), while this runs: ${sim.origin}/`);
  try {
    const stack = await openStack({
      projectName: "callbell-seed",
      stackName: "dev",
      workDir: REPO_ROOT,
      backendDir: path.join(DEMO_DIR, "backend"),
      env: { PULUMI_CONFIG_PASSPHRASE: PASSPHRASE },
      program: async () => (require(path.join(REPO_ROOT, "examples", "seed-contacts")) as () => Promise<Record<string, unknown>>)(),
    });
    const stream = { onOutput: (text: string) => process.stdout.write(text), onError: (text: string) => process.stderr.write(text) };
    if (op === "preview") await stack.preview({ ...stream, diff: true });
    if (op === "refresh") await stack.refresh(stream);
    if (op === "destroy") await stack.destroy(stream);
    if (op === "up") await upTwice(stack, stream);
    if (op === "drift") await drift(stack, stream, sim);
    console.log(`\nThe simulator saw ${(await sim.admin.requests()).length} API requests in this run.`);
  } finally {
    await sim.close();
  }
}

async function upTwice(stack: Stack, stream: Stream): Promise<void> {
  console.log("\n=== pulumi up (dev) ===");
  const first = await stack.up(stream);
  printContacts(first.outputs.contacts?.value as Summary | undefined);

  console.log("\n=== pulumi up again: nothing should change ===");
  const events: EngineEvent[] = [];
  await stack.up({ onEvent: (e) => events.push(e) });
  const counts = countChangesOfType(events, contactType).raw;
  const changed = Object.entries(counts).filter(([op]) => op !== "same");
  console.log(changed.length === 0 ? `No changes: ${counts.same ?? 0} contacts unchanged.` : `Unexpected changes: ${JSON.stringify(counts)}`);
  if (changed.length) process.exitCode = 1;

  console.log(`
Try next:
  1. Edit examples/seed-contacts/contacts.dev.yaml (rename a contact, add a tag, add a contact).
  2. npm run demo -- preview     # pulumi preview --diff: what would change, nothing is written
  3. npm run demo                # pulumi up: apply it
  4. npm run demo -- drift       # someone edits a contact in the dashboard; refresh, preview --diff, up
  5. npm run demo -- dashboard   # look at the contacts in the simulator's dashboard: ${DASHBOARD}
With the plain pulumi CLI on the same state: docs/dev-stack.md, "The dev stack with your own pulumi CLI".`);
}

// The reconcile loop: a hand edit in the dashboard, seen by refresh, shown by preview --diff, undone by up.
async function drift(stack: Stack, stream: Stream, sim: StartedSimulator): Promise<void> {
  const contacts = Object.values(((await stack.outputs()).contacts?.value ?? {}) as Summary).sort((a, b) => a.name.localeCompare(b.name));
  const target = contacts.length ? await sim.admin.contact(contacts[0].uuid).catch(() => undefined) : undefined;
  if (!target) throw new Error("the dev stack has no contact in the simulator yet: run `npm run demo` first");
  const edit = { name: `${target.name} (edited by hand)`, tags: [...target.tags.filter((tag) => tag !== "vip"), "vip"].join(", ") };
  const page = `${sim.origin}/contacts/${target.uuid}`;
  console.log(`\n=== Someone edits ${target.name} in Callbell's dashboard: ${page} ===`);
  console.log(`  POST ${page}  name=${JSON.stringify(edit.name)} tags=${JSON.stringify(edit.tags)}   (the page's own form)`);
  const answer = await fetch(page, { method: "POST", body: new URLSearchParams(edit), redirect: "manual" });
  if (answer.status !== 303) throw new Error(`the dashboard refused the edit: ${answer.status} ${await answer.text()}`);
  const edited = await sim.admin.contact(target.uuid);
  console.log(`  now: name ${JSON.stringify(edited.name)}, tags [${edited.tags.join(", ")}]`);

  console.log("\n=== pulumi refresh: the state learns what Callbell has now ===");
  await stack.refresh(stream);
  console.log("\n=== pulumi preview --diff: what up would change back ===");
  await stack.preview({ ...stream, diff: true });
  console.log(
    "  (A `- channelUuid` or `- teamUuid` line above clears nothing: refresh read the contact's channel and team back as\n" +
      "   inputs the code does not declare; up sends nothing for them and keeps them. See docs/limitations.md.)",
  );
  console.log("\n=== pulumi up: the code wins ===");
  await stack.up(stream);
  const restored = await sim.admin.contact(target.uuid);
  const back = restored.name === target.name && restored.tags.join() === target.tags.join();
  console.log(
    `\n${back ? "Back as declared" : "NOT back as declared"}: name ${JSON.stringify(restored.name)}, tags [${restored.tags.join(", ")}]. See ${page}`,
  );
  if (!back) process.exitCode = 1;
}

// The demo's simulator with its saved contacts, for a person to look at; no engine involved.
async function serveDashboard(sim: StartedSimulator): Promise<void> {
  console.log(`The simulator's dashboard of the demo's contacts: ${sim.origin}/  (Ctrl-C stops it)`);
  await new Promise<void>((resolve) => process.once("SIGINT", () => resolve()));
  await sim.close();
}

function printContacts(contacts: Summary | undefined): void {
  const rows = Object.values(contacts ?? {}).sort((a, b) => a.name.localeCompare(b.name));
  console.log(`\nContacts managed by the dev stack (${rows.length}):`);
  const width = Math.max(4, ...rows.map((r) => r.name.length));
  console.log(`  ${"name".padEnd(width)}  ${"uuid".padEnd(32)}  ${"createdAt".padEnd(20)}  href`);
  for (const r of rows) console.log(`  ${r.name.padEnd(width)}  ${r.uuid}  ${r.createdAt.padEnd(20)}  ${r.href}`);
}

main().catch((error: Error) => {
  // The engine's own output, printed above, already says what went wrong.
  const engineFailed = /Command failed with exit code/.test(error.message);
  console.error(`\ndemo failed: ${engineFailed ? "pulumi reported the errors above" : error.message}`);
  process.exit(1);
});
