// The two doors a Contact comes through, as one parameter of a test: the dynamic resource (`callbell.Contact` in a
// TypeScript program, driven through the Automation API) and the provider plugin (`callbell:index:Contact` in a YAML
// program, through the plain `pulumi` CLI in a project outside the repository). A case that must hold through both is
// written once, `for (const door of doors) describe(\`... (${door.name})\`, ...)`, over what a door can do: declare
// contacts (with aliases from former names), up, destroy, and read the state back.
//
// Each door's stacks of one test share a backend of their own (a `DoorPlace`), so two stacks of one project see each
// other's owner marks, and the stack names of one test never meet another test's.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import type { Stack } from "@pulumi/pulumi/automation";
import { contactType as DYNAMIC_CONTACT, type ContactArgs } from "pulumi-callbell";
import type { RequestLogEntry, StartedSimulator } from "callbell-simulator";
import { backendFingerprint } from "../../provider/src/backend";
import { REPO_ROOT, exportState, heldContacts, openStack, programNamed, recordOutput, resourcesOfType } from "./index";
import { run, scratchDir } from "../plain-cli/support";
import { CONTACT_TYPE as PLUGIN_CONTACT, PLUGIN_DIR, pluginEnv, stateOf } from "./plugin";

/** A contact's inputs as a program declares them (ContactArgs, or the plugin's properties: the same fields). */
export type DeclaredContact = ContactArgs;
/** The contacts a program declares, by resource name. */
export type Declared = Record<string, DeclaredContact>;
/** For a resource name, the resource names it had before (its aliases). */
export type Aliases = Record<string, string[]>;

/** What one command did. */
export interface Outcome {
  /** Everything it printed (for the dynamic door also the engine's events, as JSON), the token never in it. */
  text: string;
  /** The command and its output, for assertion messages. */
  shown: string;
}

/** One stack of a door's project. */
export interface DoorStack {
  readonly project: string;
  readonly stack: string;
  /** The program now declares these contacts, with aliases from their former names. */
  declare(contacts: Declared, aliases?: Aliases): Promise<void>;
  /** `up`, which must succeed. */
  up(): Promise<Outcome>;
  /** `up`, which must fail. */
  upFails(): Promise<Outcome>;
  /** `destroy`, which must succeed. */
  destroy(): Promise<Outcome>;
  /** The stack's contacts as resource name → uuid, after asserting that every uuid in its state exists in Callbell. */
  held(): Promise<Record<string, string>>;
  /** The outputs the state holds for the contact of that resource name (secrets in clear). */
  outputsOf(name: string): Promise<Record<string, unknown>>;
  /** The owner mark this stack writes for a resource name: "<project>/<stack>/<name> @<backend fingerprint>". */
  ownerMark(name: string): string;
}

/** Where a test's stacks of one door live: one project name, one backend. */
export interface DoorPlace {
  /** A new stack of the project declaring these contacts; ownerField sets callbell:ownerField (CALLBELL_OWNER_FIELD). */
  open(stack: string, contacts: Declared, options?: { ownerField?: string }): Promise<DoorStack>;
  /** Removes what the place made (the dynamic door's stacks). */
  close(): Promise<void>;
}

/** A front door of the provider. */
export interface Door {
  /** "dynamic resource" or "provider plugin", for test titles. */
  readonly name: string;
  readonly kind: "dynamic" | "plugin";
  /** The Contact's type token in the state. */
  readonly contactType: string;
  /** The project name its stacks are made under. */
  readonly project: string;
  place(sim: StartedSimulator): DoorPlace;
}

/** The writes Callbell received, as "METHOD /path" lines (the path as sent: /v1 and real uuids, no query). */
export const writesOf = (log: RequestLogEntry[]): string[] => log.filter((e) => e.method !== "GET").map((e) => `${e.method} ${e.path.split("?")[0]}`);

const markOf = (project: string, stack: string, name: string, backendUrl: string) => `${project}/${stack}/${name} @${backendFingerprint(backendUrl)}`;

/** The dynamic resource: the inline program test/harness/programs/contacts (config test:contacts, test:aliases), the Automation API. */
export const dynamicDoor: Door = {
  name: "dynamic resource",
  kind: "dynamic",
  contactType: DYNAMIC_CONTACT,
  project: "callbell-owners",
  place(sim) {
    const project = dynamicDoor.project;
    const backendDir = fs.mkdtempSync(path.join(REPO_ROOT, ".pulumi-local", "door-backend-"));
    const stacks: Stack[] = [];
    return {
      async open(stackName, contacts, options = {}) {
        const stack = await openStack({
          projectName: project,
          stackName,
          program: programNamed("contacts"),
          backendDir,
          config: {
            "callbell:apiUrl": { value: sim.url },
            "callbell:apiToken": { value: sim.token, secret: true },
            ...(options.ownerField ? { "callbell:ownerField": { value: options.ownerField } } : {}),
            "test:contacts": { value: JSON.stringify(contacts) },
            "test:aliases": { value: "{}" },
          },
        });
        stacks.push(stack);
        const backendUrl = stack.workspace.envVars.PULUMI_BACKEND_URL;
        const redacted = (text: string) => text.split(sim.token).join("[token]");
        const operation = async (name: "up" | "destroy", mustFail: boolean): Promise<Outcome> => {
          const rec = recordOutput();
          let failure: unknown;
          try {
            await stack[name](rec.opts);
          } catch (error) {
            failure = error;
          }
          const outcome = { text: redacted(rec.text()), shown: redacted(`${name}\n${rec.output()}\n${failure ? String(failure) : ""}`) };
          if (mustFail) assert.ok(failure, `${name} succeeded, and should have failed:\n${outcome.shown}`);
          else if (failure) throw failure;
          return outcome;
        };
        return {
          project,
          stack: stackName,
          async declare(declared, aliases = {}) {
            await stack.setConfig("test:contacts", { value: JSON.stringify(declared) });
            await stack.setConfig("test:aliases", { value: JSON.stringify(aliases) });
          },
          up: () => operation("up", false),
          upFails: () => operation("up", true),
          destroy: () => operation("destroy", false),
          held: () => heldContacts(stack, sim, DYNAMIC_CONTACT),
          async outputsOf(name) {
            const found = resourcesOfType(await exportState(stack), DYNAMIC_CONTACT).find((r) => r.urn.endsWith(`::${name}`));
            assert.ok(found, `no contact ${name} in the state of ${stackName}`);
            return found.outputs ?? {};
          },
          ownerMark: (name) => markOf(project, stackName, name, backendUrl),
        };
      },
      async close() {
        for (const stack of stacks) await stack.workspace.removeStack(stack.name, { force: true }).catch(() => undefined);
      },
    };
  },
};

/** The provider plugin: a YAML program per stack, written for each step, in a folder outside the repository; the plain CLI. */
export const pluginDoor: Door = {
  name: "provider plugin",
  kind: "plugin",
  contactType: PLUGIN_CONTACT,
  project: "callbell-owners-yaml",
  place(sim) {
    const project = pluginDoor.project;
    // Each stack's folder is root/<stack>; pluginEnv puts the backend beside them (root/backend), so they share it.
    const root = scratchDir("plugin-owners");
    return {
      async open(stackName, contacts, options = {}) {
        const dir = path.join(root, stackName);
        const urn = (name: string) => `urn:pulumi:${stackName}::${project}::${PLUGIN_CONTACT}::${name}`;
        /** The project's Pulumi.yaml declaring these contacts (JSON is YAML); Pulumi YAML takes aliases as URNs. */
        const write = (declared: Declared, aliases: Aliases) => {
          const resources = Object.fromEntries(
            Object.entries(declared).map(([name, properties]) => [
              name,
              { type: PLUGIN_CONTACT, properties, ...(aliases[name] ? { options: { aliases: aliases[name].map(urn) } } : {}) },
            ]),
          );
          const program = { name: project, runtime: "yaml", plugins: { providers: [{ name: "callbell", path: PLUGIN_DIR }] }, resources };
          fs.mkdirSync(dir, { recursive: true });
          fs.writeFileSync(path.join(dir, "Pulumi.yaml"), JSON.stringify(program, null, 2));
        };
        write(contacts, {});
        const env = pluginEnv(dir, sim, options.ownerField ? { CALLBELL_OWNER_FIELD: options.ownerField } : {});
        const redacted = (text: string) => text.split(sim.token).join("[token]");
        const pulumi = async (args: string[], expect: "ok" | "fails"): Promise<Outcome> => {
          const r = await run(dir, env, [...args, "--stack", stackName]);
          const outcome = { text: redacted(r.stdout + r.stderr), shown: redacted(`${r.command}\n${r.stdout}${r.stderr}`) };
          if (expect === "ok") assert.equal(r.code, 0, `\`${r.command}\` in ${dir} exited ${r.code}\n${outcome.shown}`);
          else assert.notEqual(r.code, 0, `\`${r.command}\` succeeded, and should have failed:\n${outcome.shown}`);
          return outcome;
        };
        // Each folder holds one stack, which `stack init` selects: the state reads (pulumi stack export) need no --stack.
        await pulumi(["stack", "init"], "ok");
        return {
          project,
          stack: stackName,
          async declare(declared, aliases = {}) {
            write(declared, aliases);
          },
          up: () => pulumi(["up", "--yes"], "ok"),
          upFails: () => pulumi(["up", "--yes"], "fails"),
          destroy: () => pulumi(["destroy", "--yes"], "ok"),
          async held() {
            const inCallbell = new Set((await sim.admin.contacts()).map((c) => c.uuid));
            const resources = await stateOf(dir, env);
            for (const r of resources) assert.ok(inCallbell.has(String(r.id)), `${r.urn} holds ${r.id}, which Callbell no longer has`);
            return Object.fromEntries(resources.map((r) => [r.urn.split("::").pop()!, String(r.id)]));
          },
          async outputsOf(name) {
            const found = (await stateOf(dir, env)).find((r) => r.urn.endsWith(`::${name}`));
            assert.ok(found, `no contact ${name} in the state of ${stackName}`);
            return found.outputs ?? {};
          },
          ownerMark: (name) => markOf(project, stackName, name, String(env.PULUMI_BACKEND_URL)),
        };
      },
      async close() {},
    };
  },
};

/** Both doors, the dynamic resource first. */
export const doors: Door[] = [dynamicDoor, pluginDoor];
