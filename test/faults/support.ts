// Shared by the fault suites: a stack of N contacts on a simulator, and the check that
// Callbell holds exactly what the code declares — no duplicate, no orphan, nothing missing.
import { strict as assert } from "assert";
import * as path from "path";
import { Stack } from "@pulumi/pulumi/automation";
import type { ContactArgs } from "pulumi-callbell";
import { ensureEngine, exportState, openStack, programNamed, resourcesOfType } from "../harness";
import { plainCliTools } from "../plain-cli/support";
import { StartedSimulator } from "callbell-simulator";

/** The Contact type token. */
export const CONTACT = "pulumi-nodejs:dynamic/callbell:Contact";

/** N contacts with distinct Italian mobile numbers; `version` changes every name (an update-all). */
export function declaredContacts(n: number, version = 1): Record<string, ContactArgs> {
  const contacts: Record<string, ContactArgs> = {};
  for (let i = 0; i < n; i++) {
    contacts[`contact-${i}`] = {
      identifier: `39333${String(1_000_000 + i)}`,
      source: "whatsapp",
      name: `Fault Test ${i} v${version}`,
      tags: ["qa"],
      note: `seed ${i}`,
    };
  }
  return contacts;
}

/** The simulator account's text custom field that the fault stacks use as callbell:ownerField. */
export const OWNER_FIELD = "pulumi_owner";

/** How a fault stack runs. */
export interface ContactsStackOptions {
  /** Set callbell:ownerField (the setup the README recommends); default true. */
  ownerField?: boolean;
  /**
   * Run test/faults/program in a process of its own, with the Node.js language host, as a user's `pulumi up` does,
   * instead of inline in this process. Suites that kill a run need it: a killed inline program stays in this process
   * with calls to the dead engine that never settle, and Pulumi's inline runtime counts their failures as errors of
   * the next run. Default false (inline is faster).
   */
  ownProcess?: boolean;
  projectName?: string;
  /** Extra environment for the CLI and everything it starts (e.g. PULUMI_SKIP_CHECKPOINTS). */
  env?: Record<string, string>;
}

/** A stack declaring these contacts (test:contacts), against the simulator. */
export async function contactsStack(
  sim: StartedSimulator,
  stackName: string,
  contacts: Record<string, ContactArgs>,
  { ownerField = true, ownProcess = false, projectName = "callbell-faults", env = {} }: ContactsStackOptions = {},
): Promise<Stack> {
  const inline = programNamed("contacts");
  const tools = ownProcess ? plainCliTools() : undefined;
  return openStack({
    projectName,
    stackName,
    ...(tools
      ? {
          programDir: path.join(__dirname, "program"),
          env: { ...env, PATH: [tools.nodeBin, tools.pulumiDir, ensureEngine().env.PATH].join(path.delimiter) },
        }
      : { program: inline, env }),
    config: {
      "callbell:apiUrl": { value: sim.url },
      "callbell:apiToken": { value: sim.token, secret: true },
      ...(ownerField ? { "callbell:ownerField": { value: OWNER_FIELD } } : {}),
      "test:contacts": { value: JSON.stringify(contacts) },
    },
  });
}

/** How Callbell compares with the declaration and the state. */
export interface Reconciliation {
  duplicates: number;
  orphans: number;
  missing: number;
  wrong: number;
}

/** Compares the simulator's contacts one by one with the declaration and the stack's state. */
export async function reconcile(sim: StartedSimulator, stack: Stack, declared: Record<string, ContactArgs>): Promise<Reconciliation> {
  const stored = await sim.admin.contacts();
  const byNumber = new Map<string, typeof stored>();
  for (const c of stored) {
    const digits = String(c.phoneNumber).replace(/\D/g, "");
    byNumber.set(digits, [...(byNumber.get(digits) ?? []), c]);
  }
  const inState = new Set(resourcesOfType(await exportState(stack), CONTACT).map((r) => r.id));
  let missing = 0;
  let wrong = 0;
  for (const args of Object.values(declared)) {
    const found = byNumber.get(String(args.identifier)) ?? [];
    if (found.length === 0) missing++;
    else if (found.some((c) => c.name !== args.name || JSON.stringify(c.tags) !== JSON.stringify(args.tags))) wrong++;
  }
  return {
    duplicates: [...byNumber.values()].filter((group) => group.length > 1).length,
    orphans: stored.filter((c) => !inState.has(c.uuid)).length,
    missing,
    wrong,
  };
}

/** Asserts a clean reconciliation. */
export function assertConverged(r: Reconciliation, what: string): void {
  assert.deepEqual(r, { duplicates: 0, orphans: 0, missing: 0, wrong: 0 }, what);
}
