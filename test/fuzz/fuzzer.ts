// A sequence fuzzer (issue 20): fast-check draws sequences of program edits, real `pulumi` commands (the plain CLI on
// test/fuzz/program, run by the Node.js language host), dashboard edits and SIGKILLs against a simulator that allows
// duplicates, and after every step checks the project's first rule by looking only at the simulator, its request log
// and `pulumi stack export`: nothing the state claims is missing, no DELETE hits a contact that a program still
// declares or another stack claims, no number is held twice, and a failing command says why. fast-check shrinks a
// failing sequence (dropping steps, simplifying the rest); the report prints it as the commands a person would type.
import { ChildProcess, execFileSync, spawn } from "child_process";
import * as fc from "fast-check";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { StartedSimulator } from "callbell-simulator";
import { REPO_ROOT } from "../harness";
import { CONTACT, OWNER_FIELD } from "../faults/support";
import { CONTACT_TYPE as PLUGIN_CONTACT, PLUGIN_DIR } from "../harness/plugin";
import { cliEnv, plainCliTools, redact } from "../plain-cli/support";
import { childrenOf } from "../faults/kill";

/** The people the programs declare: the number as Callbell stores it (digits) and ways a person may write it. */
export const PERSONS: readonly { number: string; formats: readonly string[] }[] = [
  { number: "393331234567", formats: ["393331234567", "+39 333 123 4567", "0039 333 1234567"] },
  { number: "393331234568", formats: ["393331234568", "+39 333 123 4568", "0039 333 1234568"] },
  { number: "447911123456", formats: ["447911123456", "+44 7911 123456", "+44 07911 123456"] },
  { number: "4915123456789", formats: ["4915123456789", "+49 1512 3456789", "0049 1512 3456789"] },
];

/** Inputs that reach a bug known on main when this was written; `exclude` leaves them out to hunt for others. */
export type KnownBugInput = "trunk0" | "twice" | "backend" | "replace-owner";

/** The project every stack belongs to. */
const PROJECT = "callbell-fuzz";
const PASSPHRASE = "pulumi-callbell-fuzz-passphrase";

/** What a sequence is drawn with besides its steps. */
export interface SequenceConfig {
  ownerField: boolean;
  /** Renames carry the old name as an alias. */
  aliases: boolean;
  /** The second stack: none, another stack name in the same backend, or the same stack name in another backend. */
  second: "none" | "stack" | "backend";
  /** Persons each stack declares at the start. */
  initialA: number[];
  initialB: number[];
}

/** One step of a sequence; `stack` 1 is the second stack (the first when the sequence has none), `pick` chooses a target. */
export type StepSpec =
  | { kind: "add"; stack: number; person: number; format: number; tags: number }
  | { kind: "twice"; stack: number; pick: number; format: number }
  | { kind: "remove"; stack: number; pick: number }
  | { kind: "rename"; stack: number; pick: number }
  | { kind: "reformat"; stack: number; pick: number; format: number }
  | { kind: "edit"; stack: number; pick: number; tags: boolean }
  | { kind: "switch"; stack: number; pick: number }
  | { kind: "renumber"; stack: number; pick: number; person: number }
  | { kind: "adopt" | "channel" | "explicit"; stack: number; pick: number }
  | { kind: "rotate"; stack: number }
  | { kind: "import"; stack: number; pick: number }
  | { kind: "up" | "refresh" | "destroy" | "recover-up"; stack: number }
  | { kind: "replace" | "state-delete"; stack: number; pick: number }
  | { kind: "dash-edit"; pick: number; tags: boolean }
  | { kind: "dash-delete"; pick: number }
  | { kind: "kill"; stack: number; delayMs: number };

/** The invariant broke: the step's violations, one sentence each. */
export class Violation extends Error {
  constructor(readonly violations: string[]) {
    super(violations.join("\n"));
  }
}

interface Decl {
  person: number;
  format: number;
  name: string;
  tags: string[];
  /** Declared as the plugin's callbell:index:Contact (PluginContact) instead of the dynamic Contact. */
  plugin?: boolean;
  /** Declared with adopt: true. */
  adopt?: boolean;
  /** Declared with the main WhatsApp channel's uuid (the same contact as without one). */
  channel?: boolean;
  /** A PluginContact served by the explicit provider `acct2` (the same account, so a plugin process of its own). */
  explicit?: boolean;
}

/** The simulator's main WhatsApp channel. */
const MAIN_CHANNEL = "c4a00000000000000000000000000001";
interface Claim {
  urn: string;
  name: string;
  id: string;
}
interface StackHandle {
  label: "A" | "B";
  folder: "a" | "b";
  stackName: string;
  backendDir: string;
  dir: string;
  env: NodeJS.ProcessEnv;
  declared: Record<string, Decl>;
  aliases: Record<string, string[]>;
  /** Names switched between the two types with an alias from the other type (SequenceConfig.aliases). */
  moved: Set<string>;
  claims: Claim[];
  /** Contacts deleted in the dashboard since this stack's last refresh: its state may still claim them. */
  adminDeleted: Set<string>;
  /** The explicit provider acct2 uses the account's second token (a rotation), else the first. */
  secondToken: boolean;
}
/** One step as it ran: what a person would type, what the commands printed (token redacted), what broke. */
export interface StepRecord {
  title: string;
  shell: string[];
  output: string;
  violations: string[];
}
interface RunResult {
  code: number | null;
  output: string;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const digits = (phone: string | null) => String(phone ?? "").replace(/\D/g, "");
const shq = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** SIGKILLs a process and everything it started (collected first, so reparented children are not missed). */
function killTree(pid: number): number {
  const tree: number[] = [];
  const walk = (p: number) => {
    tree.push(p);
    childrenOf(p).forEach(walk);
  };
  walk(pid);
  for (const p of tree) {
    try {
      process.kill(p, "SIGKILL");
    } catch {
      /* already gone */
    }
  }
  return tree.length;
}

/** One sequence's world: the simulator, the stacks, their folders and backends, and the transcript. */
export class World {
  readonly stacks: StackHandle[] = [];
  readonly transcript: StepRecord[] = [];
  private serial = 0;

  private constructor(
    readonly sim: StartedSimulator,
    readonly config: SequenceConfig,
    readonly root: string,
    readonly exclude: ReadonlySet<KnownBugInput>,
    readonly secondToken?: string,
  ) {}

  /** A fresh simulator state, backend folders and stacks for one sequence. */
  static async open(sim: StartedSimulator, config: SequenceConfig, exclude: ReadonlySet<KnownBugInput> = new Set(), secondToken?: string): Promise<World> {
    await sim.admin.reset();
    // Slow enough, with jitter, that the engine's concurrent creates overlap and a kill lands mid-run.
    await sim.admin.setFaults({ latencyMs: 40, jitterMs: 40 });
    const parent = path.join(REPO_ROOT, ".pulumi-local");
    fs.mkdirSync(parent, { recursive: true });
    const world = new World(sim, config, fs.mkdtempSync(path.join(parent, "fuzz-")), exclude, secondToken);
    const setup: string[] = [];
    const make = async (label: "A" | "B", stackName: string, backend: string, persons: number[]) => {
      const folder = label === "A" ? "a" : "b";
      const dir = path.join(world.root, folder);
      const backendDir = path.join(world.root, backend);
      fs.mkdirSync(dir, { recursive: true });
      fs.mkdirSync(backendDir, { recursive: true });
      fs.copyFileSync(path.join(__dirname, "program", "index.js"), path.join(dir, "index.js"));
      fs.writeFileSync(
        path.join(dir, "Pulumi.yaml"),
        [
          `name: ${PROJECT}`,
          "runtime:",
          "  name: nodejs",
          "  options:",
          "    typescript: false",
          "plugins:",
          "  providers:",
          "    - name: callbell",
          `      path: ${PLUGIN_DIR}`,
          "",
        ].join("\n"),
      );
      const env = cliEnv(backendDir, PASSPHRASE, {
        CALLBELL_API_URL: sim.url,
        CALLBELL_API_TOKEN: sim.token,
        ...(secondToken ? { FUZZ_SECOND_TOKEN: secondToken } : {}),
      });
      const s: StackHandle = {
        label,
        folder,
        stackName,
        backendDir,
        dir,
        env,
        declared: {},
        aliases: {},
        moved: new Set(),
        claims: [],
        adminDeleted: new Set(),
        secondToken: false,
      };
      for (const person of persons) s.declared[`p${person}`] = { person, format: 0, name: `Person ${person}`, tags: ["qa"] };
      world.stacks.push(s);
      const init = await world.pulumi(s, ["stack", "init", stackName, "--non-interactive"]);
      if (init.code !== 0) throw new Error(`pulumi stack init failed: ${init.output}`);
      world.writeConfig(s);
      setup.push(
        `# ${folder}/: a copy of test/fuzz/program with Pulumi.yaml (name: ${PROJECT}, runtime nodejs, the plugin at provider/); PULUMI_BACKEND_URL=file://$PWD/${backend}`,
        `${folder}$ pulumi stack init ${stackName}`,
        ...(config.ownerField ? [`${folder}$ pulumi config set callbell:ownerField ${OWNER_FIELD}`] : []),
        ...world.configLines(s),
      );
    };
    await make("A", "dev", "backend-1", config.initialA);
    if (config.second === "stack") await make("B", "staging", "backend-1", config.initialB);
    if (config.second === "backend") await make("B", "dev", "backend-2", config.initialB);
    world.transcript.push({
      title: "setup",
      shell: [
        "$ npm run simulator -- --port 4010 --duplicates allow   # the fuzzer's also answers with 40 ms latency and 40 ms jitter",
        "$ SIM=http://127.0.0.1:4010; export CALLBELL_API_URL=$SIM/v1 CALLBELL_API_TOKEN=<the token it prints> PULUMI_CONFIG_PASSPHRASE=any",
        ...setup,
      ],
      output: "",
      violations: [],
    });
    return world;
  }

  /** Removes the sequence's folders (backends included). */
  close(): void {
    if (process.env.PULUMI_CALLBELL_KEEP_TEMP !== "1") fs.rmSync(this.root, { recursive: true, force: true });
  }

  private stackOf(index: number): StackHandle {
    return this.stacks[Math.min(index, this.stacks.length - 1)];
  }

  private contactsArgs(s: StackHandle): Record<string, unknown> {
    return Object.fromEntries(
      Object.entries(s.declared).map(([name, d]) => [
        name,
        {
          identifier: PERSONS[d.person].formats[d.format],
          source: "whatsapp",
          name: d.name,
          tags: d.tags,
          ...(d.adopt ? { adopt: true } : {}),
          ...(d.channel ? { channelUuid: MAIN_CHANNEL } : {}),
        },
      ]),
    );
  }

  /** Writes the stack's config file as `pulumi config set` would (its encryptionsalt kept), without a CLI run per key. */
  private writeConfig(s: StackHandle): void {
    const file = path.join(s.dir, `Pulumi.${s.stackName}.yaml`);
    const salt = fs.existsSync(file)
      ? fs
          .readFileSync(file, "utf8")
          .split("\n")
          .filter((l) => l.startsWith("encryptionsalt:"))
      : [];
    const config: Record<string, string> = {
      ...(this.config.ownerField ? { "callbell:ownerField": OWNER_FIELD } : {}),
      "test:aliases": JSON.stringify(s.aliases),
      "test:contacts": JSON.stringify(this.contactsArgs(s)),
      "test:plugin": JSON.stringify(this.pluginNames(s)),
      "test:moved": JSON.stringify([...s.moved]),
      "test:explicit": JSON.stringify(this.explicitNames(s)),
      "test:secondToken": JSON.stringify(s.secondToken),
    };
    fs.writeFileSync(file, [...salt, "config:", ...Object.entries(config).map(([k, v]) => `  ${k}: ${JSON.stringify(v)}`), ""].join("\n"));
  }

  private configLines(s: StackHandle): string[] {
    return [
      `${s.folder}$ pulumi config set test:contacts ${shq(JSON.stringify(this.contactsArgs(s)))}`,
      ...(Object.keys(s.aliases).length > 0 ? [`${s.folder}$ pulumi config set test:aliases ${shq(JSON.stringify(s.aliases))}`] : []),
      ...(this.pluginNames(s).length > 0 ? [`${s.folder}$ pulumi config set test:plugin ${shq(JSON.stringify(this.pluginNames(s)))}`] : []),
      ...(s.moved.size > 0 ? [`${s.folder}$ pulumi config set test:moved ${shq(JSON.stringify([...s.moved]))}`] : []),
      ...(this.explicitNames(s).length > 0 ? [`${s.folder}$ pulumi config set test:explicit ${shq(JSON.stringify(this.explicitNames(s)))}`] : []),
      ...(s.secondToken ? [`${s.folder}$ pulumi config set test:secondToken true   # acct2 uses the account's second token`] : []),
    ];
  }

  private explicitNames(s: StackHandle): string[] {
    return Object.entries(s.declared)
      .filter(([, d]) => d.plugin && d.explicit)
      .map(([name]) => name);
  }

  private pluginNames(s: StackHandle): string[] {
    return Object.entries(s.declared)
      .filter(([, d]) => d.plugin)
      .map(([name]) => name);
  }

  /** Starts `pulumi ...args` in the stack's folder; the output is redacted. */
  private start(s: StackHandle, args: string[], env: Record<string, string> = {}): { child: ChildProcess; done: Promise<RunResult> } {
    const child = spawn("pulumi", args, { cwd: s.dir, env: { ...s.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    const chunks: Buffer[] = [];
    child.stdout!.on("data", (b: Buffer) => chunks.push(b));
    child.stderr!.on("data", (b: Buffer) => chunks.push(b));
    const done = new Promise<RunResult>((resolve, reject) => {
      child.on("error", reject);
      child.on("close", (code) => resolve({ code, output: Buffer.concat(chunks).toString() }));
    });
    return { child, done };
  }

  private async pulumi(s: StackHandle, args: string[], env: Record<string, string> = {}): Promise<RunResult> {
    return this.start(s, args, env).done;
  }

  /** Runs one step, then checks the invariant; throws a Violation when it broke. */
  async apply(spec: StepSpec): Promise<void> {
    const record: StepRecord = { title: "", shell: [], output: "", violations: [] };
    this.transcript.push(record);
    this.serial++;
    const contactsBefore = new Map((await this.sim.admin.contacts()).map((c) => [c.uuid, c]));
    const claimsBefore = new Map(this.stacks.map((s) => [s.label, new Set(s.claims.map((c) => c.id))]));
    await this.sim.admin.clearRequests();
    const ran = await this.run(spec, record, contactsBefore);
    if (ran === "edit") return;
    record.violations.push(...(await this.check(record, ran === "dashboard" ? undefined : ran, contactsBefore, claimsBefore)));
    if (record.violations.length > 0) throw new Violation(record.violations.map((v) => `step ${this.transcript.length - 1} (${record.title}): ${v}`));
  }

  /** A pulumi command of the step: recorded, its output kept (redacted), a failure checked for a clear message. */
  private async command(
    record: StepRecord,
    s: StackHandle,
    args: string[],
    { env = {}, shown, expectFailure = false }: { env?: Record<string, string>; shown?: string; expectFailure?: boolean } = {},
  ): Promise<RunResult> {
    const r = await this.pulumi(s, args, env);
    this.keep(record, s, shown ?? `pulumi ${args.join(" ")}`, r);
    if (r.code !== 0 && !expectFailure) {
      const why = unclear(r.output);
      if (why) record.violations.push(`\`pulumi ${args[0]}\` on ${s.label} failed with ${why}`);
    }
    return r;
  }

  private keep(record: StepRecord, s: StackHandle, shown: string, r: RunResult): void {
    record.shell.push(`${s.folder}$ ${shown}${r.code === 0 ? "" : `   # exit ${r.code}`}`);
    const tokens = [this.sim.token, this.secondToken ?? ""].filter(Boolean);
    if (tokens.some((t) => r.output.includes(t))) record.violations.push(`\`${shown}\` printed an API token`);
    record.output += `--- ${s.folder}$ ${shown} (exit ${r.code})\n${redact(r.output, tokens)}\n`;
  }

  /** The format drawn, or the international one when it is a trunk-0 format ("+44 07911 ...") and trunk0 is excluded. */
  private format(person: number, format: number): number {
    return this.exclude.has("trunk0") && /\s0\d/.test(PERSONS[person].formats[format]) ? 1 : format;
  }

  private pick<T>(items: T[], n: number): T | undefined {
    return items.length === 0 ? undefined : items[n % items.length];
  }

  private urnOf(s: StackHandle, name: string): string {
    return `urn:pulumi:${s.stackName}::${PROJECT}::${s.declared[name]?.plugin ? PLUGIN_CONTACT : CONTACT}::${name}`;
  }

  /** Does the step; returns the stack a pulumi command ran on, "dashboard", or "edit" (nothing ran). */
  private async run(spec: StepSpec, record: StepRecord, contactsBefore: Map<string, { uuid: string; name: string; phoneNumber: string | null }>) {
    const up = ["up", "--yes", "--skip-preview"];
    if (spec.kind === "dash-edit" || spec.kind === "dash-delete") {
      const target = this.pick([...contactsBefore.values()], spec.pick);
      const origin = "$SIM/__admin/contacts";
      if (!target) {
        record.title = `dashboard: nothing to ${spec.kind === "dash-edit" ? "edit" : "delete"} (no contact)`;
        return "edit";
      }
      const who = `"${target.name}" (${target.phoneNumber})`;
      if (spec.kind === "dash-delete") {
        record.title = `dashboard: delete ${who}`;
        await this.sim.admin.deleteContact(target.uuid);
        for (const s of this.stacks) s.adminDeleted.add(target.uuid);
        record.shell.push(`$ curl -X DELETE ${origin}/${target.uuid}   # the dashboard's delete of ${who}`);
      } else {
        const patch = spec.tags ? { tags: ["vip"] } : { name: `${target.name} (dashboard)` };
        record.title = `dashboard: edit ${who} ${JSON.stringify(patch)}`;
        await this.sim.admin.editContact(target.uuid, patch);
        record.shell.push(`$ curl -X PATCH -H 'content-type: application/json' -d ${shq(JSON.stringify(patch))} ${origin}/${target.uuid}   # dashboard edit`);
      }
      return "dashboard";
    }
    const s = this.stackOf(spec.stack);
    const names = Object.keys(s.declared);
    const edit = (title: string, changed = true) => {
      record.title = `${s.label}: ${title}${changed ? "" : " (a no-op)"}`;
      if (changed) this.writeConfig(s);
      if (changed) record.shell.push(...this.configLines(s));
      return "edit" as const;
    };
    switch (spec.kind) {
      case "add": {
        const free = PERSONS.map((_, i) => (spec.person + i) % PERSONS.length).find((p) => !names.some((n) => s.declared[n].person === p));
        if (free === undefined) return edit("nothing to add (every person is declared)", false);
        const name = s.declared[`p${free}`] ? `p${free}-${this.serial}` : `p${free}`;
        const tags = [["qa"], ["qa", "vip"], []][spec.tags % 3];
        s.declared[name] = { person: free, format: this.format(free, spec.format), name: `Person ${free}`, tags };
        return edit(`add ${name} = ${PERSONS[free].formats[s.declared[name].format]}`);
      }
      case "twice": {
        const of = this.pick(names, spec.pick);
        if (!of) return edit("nothing to declare twice", false);
        const name = `p${s.declared[of].person}-twice${this.serial}`;
        s.declared[name] = { ...s.declared[of], format: this.format(s.declared[of].person, spec.format) };
        return edit(`declare ${of}'s number again as ${name} = ${PERSONS[s.declared[of].person].formats[s.declared[name].format]}`);
      }
      case "remove": {
        const name = this.pick(names, spec.pick);
        if (!name) return edit("nothing to remove", false);
        delete s.declared[name];
        delete s.aliases[name];
        s.moved.delete(name);
        return edit(`remove ${name}`);
      }
      case "rename": {
        const old = this.pick(names, spec.pick);
        if (!old) return edit("nothing to rename", false);
        const name = `p${s.declared[old].person}-r${this.serial}`;
        s.declared[name] = s.declared[old];
        delete s.declared[old];
        if (this.config.aliases) s.aliases[name] = [old, ...(s.aliases[old] ?? [])];
        if (this.config.aliases && s.moved.has(old)) s.moved.add(name);
        delete s.aliases[old];
        s.moved.delete(old);
        return edit(`rename ${old} to ${name} ${this.config.aliases ? "with an alias" : "without an alias"}`);
      }
      case "reformat": {
        const name = this.pick(names, spec.pick);
        if (!name) return edit("nothing to reformat", false);
        const d = s.declared[name];
        d.format = this.format(d.person, spec.format === d.format ? (d.format + 1) % PERSONS[d.person].formats.length : spec.format);
        return edit(`write ${name}'s number as ${PERSONS[d.person].formats[d.format]}`);
      }
      case "edit": {
        const name = this.pick(names, spec.pick);
        if (!name) return edit("nothing to edit", false);
        const d = s.declared[name];
        if (spec.tags) d.tags = d.tags.includes("vip") ? ["qa"] : ["qa", "vip"];
        else d.name = `Person ${d.person} v${this.serial}`;
        return edit(`${name}: ${spec.tags ? `tags ${JSON.stringify(d.tags)}` : `name "${d.name}"`}`);
      }
      case "switch": {
        // Between the dynamic Contact and the plugin's PluginContact (docs/plugin.md), with an alias from the other type
        // when the sequence uses aliases, else without one: then the ownership rules decide.
        const name = this.pick(names, spec.pick);
        if (!name) return edit("nothing to switch", false);
        const d = s.declared[name];
        d.plugin = !d.plugin;
        if (this.config.aliases) s.moved.add(name);
        return edit(
          `declare ${name} as callbell.${d.plugin ? "PluginContact" : "Contact"} ${this.config.aliases ? "with" : "without"} an alias from the other type`,
        );
      }
      case "renumber": {
        // The number itself changes: a replace, whose create finds nothing (a free person) or someone's contact.
        const name = this.pick(names, spec.pick);
        const free = PERSONS.map((_, i) => (spec.person + i) % PERSONS.length).find((p) => !names.some((n) => s.declared[n].person === p));
        if (!name || free === undefined) return edit("nothing to renumber", false);
        const d = s.declared[name];
        d.person = free;
        d.format = this.format(free, 1);
        return edit(`${name}'s number becomes ${PERSONS[free].formats[d.format]}`);
      }
      case "adopt":
      case "channel":
      case "explicit": {
        const name = this.pick(names, spec.pick);
        if (!name) return edit(`nothing to ${spec.kind}`, false);
        const d = s.declared[name];
        if (spec.kind === "adopt") d.adopt = !d.adopt;
        if (spec.kind === "channel") d.channel = !d.channel;
        if (spec.kind === "explicit") {
          d.explicit = !d.explicit;
          // A dynamic Contact becomes a PluginContact to take an explicit provider: a switch of type, as "switch" makes it.
          if (d.explicit && !d.plugin && this.config.aliases) s.moved.add(name);
          if (d.explicit) d.plugin = true;
        }
        const said = {
          adopt: `adopt: ${d.adopt ? "true" : "removed"}`,
          channel: d.channel ? "channelUuid: the main channel's uuid" : "no channelUuid",
          explicit: d.explicit ? "a PluginContact on the explicit provider acct2" : "back on the default provider",
        }[spec.kind];
        return edit(`${name}: ${said}`);
      }
      case "rotate": {
        if (!this.secondToken) return edit("no second token to rotate to", false);
        s.secondToken = !s.secondToken;
        return edit(`the explicit provider acct2 rotates to the account's ${s.secondToken ? "second" : "first"} token`);
      }
      case "import": {
        // `pulumi import` of a contact Callbell has and this program does not declare, then declared as imported. Without an
        // owner field, a contact another stack holds is not drawn: the provider cannot tell, and says so (docs/plugin.md).
        const declared = new Set(Object.values(s.declared).map((d) => PERSONS[d.person].number));
        const heldElsewhere = new Set(this.stacks.filter((o) => o !== s).flatMap((o) => o.claims.map((c) => c.id)));
        const candidates = (await this.sim.admin.contacts()).filter(
          (c) =>
            PERSONS.some((p) => p.number === digits(c.phoneNumber)) &&
            !declared.has(digits(c.phoneNumber)) &&
            (this.config.ownerField || !heldElsewhere.has(c.uuid)),
        );
        const target = this.pick(candidates, spec.pick);
        if (!target) return edit("nothing to import", false);
        const name = `imp${this.serial}`;
        record.title = `${s.label}: pulumi import ${name} ${target.uuid}`;
        const r = await this.command(record, s, ["import", PLUGIN_CONTACT, name, target.uuid, "--yes", "--protect=false"], { expectFailure: true });
        if (r.code === 0) {
          const person = PERSONS.findIndex((p) => p.number === digits(target.phoneNumber));
          s.declared[name] = { person, format: 0, name: target.name, tags: target.tags ?? [], plugin: true };
          this.writeConfig(s);
          record.shell.push(...this.configLines(s));
        } else if (!/Could not import contact|error:/.test(r.output)) {
          record.violations.push(`\`pulumi import\` on ${s.label} failed with ${unclear(r.output) ?? "an unclear message"}`);
        }
        return s;
      }
      case "up":
        record.title = `${s.label}: pulumi up`;
        await this.command(record, s, up);
        return s;
      case "recover-up": {
        const recover = !this.config.ownerField && this.stacks.length === 1;
        record.title = `${s.label}: pulumi up${recover ? " with CALLBELL_RECOVER_CREATES=true" : ""}`;
        await this.command(
          record,
          s,
          up,
          recover ? { env: { CALLBELL_RECOVER_CREATES: "true" }, shown: `CALLBELL_RECOVER_CREATES=true pulumi ${up.join(" ")}` } : {},
        );
        return s;
      }
      case "replace": {
        const claim = this.pick(s.claims, spec.pick);
        const name = claim?.name ?? this.pick(names, spec.pick);
        if (!name) return edit("nothing to replace", false);
        if (this.config.ownerField && this.exclude.has("replace-owner")) {
          record.title = `${s.label}: pulumi up (not --replace: excluded with an owner field)`;
          await this.command(record, s, up);
          return s;
        }
        record.title = `${s.label}: pulumi up --replace ${name}`;
        await this.command(record, s, [...up, "--replace", claim?.urn ?? this.urnOf(s, name)]);
        return s;
      }
      case "refresh": {
        record.title = `${s.label}: pulumi refresh`;
        const r = await this.command(record, s, ["refresh", "--yes", "--skip-preview"]);
        if (r.code === 0) s.adminDeleted.clear();
        return s;
      }
      case "state-delete": {
        const claim = this.pick(s.claims, spec.pick);
        if (!claim) return edit("nothing in the state to delete", false);
        record.title = `${s.label}: pulumi state delete ${claim.name}`;
        await this.command(record, s, ["state", "delete", claim.urn, "--yes"]);
        return s;
      }
      case "destroy":
        record.title = `${s.label}: pulumi destroy`;
        await this.command(record, s, ["destroy", "--yes", "--skip-preview"]);
        return s;
      case "kill":
        await this.killedUp(record, s, up, spec.delayMs);
        return s;
    }
  }

  /** An up SIGKILLed (CLI and everything it started) after its first write request, then the recovery of docs/recovery.md. */
  private async killedUp(record: StepRecord, s: StackHandle, up: string[], delayMs: number): Promise<void> {
    const { child, done } = this.start(s, up);
    let finished = false;
    void done.then(() => (finished = true));
    let wrote = false;
    while (!finished && !wrote) {
      await sleep(20);
      wrote = (await this.sim.admin.requests()).some((e) => e.method !== "GET");
    }
    if (wrote && delayMs > 0) await sleep(delayMs);
    const killed = !finished && child.pid !== undefined ? killTree(child.pid) : 0;
    const r = await done;
    record.title = `${s.label}: pulumi up, ${killed > 0 ? `SIGKILLed ${delayMs} ms after its first write` : "which ended before the kill"}`;
    this.keep(
      record,
      s,
      `pulumi ${up.join(" ")}${killed > 0 ? `   # SIGKILL to it and its ${killed - 1} children, ${delayMs} ms after its first write` : ""}`,
      r,
    );
    if (killed === 0) {
      if (r.code !== 0 && unclear(r.output)) record.violations.push(`\`pulumi up\` on ${s.label} failed with ${unclear(r.output)}`);
      return;
    }
    await sleep(500); // requests already sent may still land
    await this.command(record, s, ["cancel", "--yes"], { expectFailure: true });
    const repaired = execFileSync("sh", ["-c", `find "$1/.pulumi" -name '*.attrs' -size 0 -print -delete`, "sh", s.backendDir], { encoding: "utf8" });
    record.shell.push(`${s.folder}$ find <backend folder>/.pulumi -name '*.attrs' -size 0 -print -delete${repaired.trim() ? "   # removed one" : ""}`);
    const r2 = await this.command(record, s, ["refresh", "--yes", "--skip-preview", "--clear-pending-creates"]);
    if (r2.code === 0) s.adminDeleted.clear();
  }

  /** The invariant after a step; `ran` is the stack a pulumi command ran on. */
  private async check(
    record: StepRecord,
    ran: StackHandle | undefined,
    contactsBefore: Map<string, { uuid: string; name: string; phoneNumber: string | null }>,
    claimsBefore: Map<string, Set<string>>,
  ): Promise<string[]> {
    const violations: string[] = [];
    if (ran) {
      const r = await this.pulumi(ran, ["stack", "export"]);
      if (r.code !== 0) {
        this.keep(record, ran, "pulumi stack export", r);
        return [...violations, `\`pulumi stack export\` of ${ran.label} failed: ${redact(r.output, [this.sim.token]).trim().split("\n").pop()}`];
      }
      const deployment = (JSON.parse(r.output) as { deployment?: { resources?: { urn: string; type: string; id?: string }[] } }).deployment;
      ran.claims = (deployment?.resources ?? [])
        .filter((res) => res.type === CONTACT || res.type === PLUGIN_CONTACT)
        .map((res) => ({ urn: res.urn, name: res.urn.split("::").pop()!, id: String(res.id) }));
    }
    const contacts = await this.sim.admin.contacts();
    const present = new Set(contacts.map((c) => c.uuid));
    const declaredBy = (s: StackHandle) => new Set(Object.values(s.declared).map((d) => PERSONS[d.person].number));

    // 1. Every contact a state claims exists, but for one deleted in the dashboard since that stack's last refresh.
    for (const s of this.stacks) {
      for (const c of s.claims) {
        if (!present.has(c.id) && !s.adminDeleted.has(c.id)) violations.push(`${s.label}'s state claims ${c.name} = ${c.id}, which Callbell does not have`);
      }
    }
    // 2. No DELETE of a contact a program declares or another stack claims.
    const log = await this.sim.admin.requests();
    for (const e of log) {
      const m = /^\/v1\/contacts\/([^/?]+)$/.exec(e.path.split("?")[0]);
      if (e.method !== "DELETE" || !m || !(e.status < 300 || e.committed)) continue;
      const uuid = decodeURIComponent(m[1]);
      const before = contactsBefore.get(uuid);
      if (!before || !ran) continue; // created and deleted within the step: no history to lose
      const number = digits(before.phoneNumber);
      const what = `DELETE of ${uuid} ("${before.name}", ${before.phoneNumber}) by ${ran.label}'s ${record.title.replace(/^[AB]: /, "")}`;
      for (const other of this.stacks.filter((o) => o !== ran)) {
        if (claimsBefore.get(other.label)!.has(uuid)) violations.push(`${what}: stack ${other.label} claims it`);
        // A stack that held the contact cannot know another stack's program declares its number too (docs/ownership.md:
        // declare a shared contact in one stack only); a contact it did not hold, it has no business deleting.
        else if (declaredBy(other).has(number) && !claimsBefore.get(ran.label)!.has(uuid)) {
          violations.push(`${what}: stack ${other.label}'s program declares ${number}, and ${ran.label}'s state did not claim the contact`);
        }
      }
      if (!/destroy/.test(record.title) && declaredBy(ran).has(number)) {
        const names = Object.entries(ran.declared).filter(([, d]) => PERSONS[d.person].number === number);
        violations.push(`${what}: ${ran.label}'s program still declares it (${names.map(([n]) => n).join(", ")})`);
      }
    }
    // 3. No number held twice.
    const byNumber = new Map<string, string[]>();
    for (const c of contacts) if (c.phoneNumber) byNumber.set(digits(c.phoneNumber), [...(byNumber.get(digits(c.phoneNumber)) ?? []), c.uuid]);
    for (const [number, uuids] of byNumber) if (uuids.length > 1) violations.push(`Callbell holds ${number} ${uuids.length} times (${uuids.join(", ")})`);
    return violations;
  }
}

/** Why a failed command's output is not a clear failure, or undefined when it is one. */
export function unclear(output: string): string | undefined {
  if (/panic:|goroutine \d+ \[|TypeError|ReferenceError|SyntaxError|Cannot read properties|Unhandled exception/.test(output)) return "a crash";
  if (!/error:/i.test(output)) return "no error message";
  return undefined;
}

/** The draw of a sequence's configuration. */
export function configArbitrary(exclude: ReadonlySet<KnownBugInput>): fc.Arbitrary<SequenceConfig> {
  const persons = fc.uniqueArray(fc.nat(PERSONS.length - 1), { minLength: 1, maxLength: 2 });
  return fc.record({
    ownerField: fc.boolean(),
    aliases: fc.boolean(),
    second: fc.constantFrom<SequenceConfig["second"]>("none", "stack", "backend").map((k) => (k === "backend" && exclude.has("backend") ? "stack" : k)),
    initialA: persons,
    initialB: persons,
  });
}

/** The draw of one step (weights: pulumi commands more often than the rest). */
export function stepArbitrary(exclude: ReadonlySet<KnownBugInput>): fc.Arbitrary<StepSpec> {
  const stack = fc.nat(1);
  const pick = fc.nat(7);
  const format = fc.nat(2);
  const w = (weight: number, arbitrary: fc.Arbitrary<StepSpec>) => ({ weight, arbitrary });
  return fc.oneof(
    w(3, fc.record({ kind: fc.constant("add" as const), stack, person: fc.nat(PERSONS.length - 1), format, tags: fc.nat(2) })),
    w(exclude.has("twice") ? 0 : 1, fc.record({ kind: fc.constant("twice" as const), stack, pick, format })),
    w(2, fc.record({ kind: fc.constant("remove" as const), stack, pick })),
    w(2, fc.record({ kind: fc.constant("rename" as const), stack, pick })),
    w(2, fc.record({ kind: fc.constant("reformat" as const), stack, pick, format })),
    w(2, fc.record({ kind: fc.constant("edit" as const), stack, pick, tags: fc.boolean() })),
    w(2, fc.record({ kind: fc.constant("switch" as const), stack, pick })),
    w(1, fc.record({ kind: fc.constant("renumber" as const), stack, pick, person: fc.nat(PERSONS.length - 1) })),
    w(1, fc.record({ kind: fc.constant("adopt" as const), stack, pick })),
    w(1, fc.record({ kind: fc.constant("channel" as const), stack, pick })),
    w(1, fc.record({ kind: fc.constant("explicit" as const), stack, pick })),
    w(1, fc.record({ kind: fc.constant("import" as const), stack, pick })),
    w(1, fc.record({ kind: fc.constant("rotate" as const), stack })),
    w(7, fc.record({ kind: fc.constant("up" as const), stack })),
    w(2, fc.record({ kind: fc.constant("replace" as const), stack, pick })),
    w(2, fc.record({ kind: fc.constant("refresh" as const), stack })),
    w(1, fc.record({ kind: fc.constant("state-delete" as const), stack, pick })),
    w(1, fc.record({ kind: fc.constant("destroy" as const), stack })),
    w(1, fc.record({ kind: fc.constant("recover-up" as const), stack })),
    w(1, fc.record({ kind: fc.constant("dash-edit" as const), pick, tags: fc.boolean() })),
    w(1, fc.record({ kind: fc.constant("dash-delete" as const), pick })),
    w(2, fc.record({ kind: fc.constant("kill" as const), stack, delayMs: fc.constantFrom(0, 50, 150) })),
  );
}

/** Options of fuzz(). */
export interface FuzzOptions {
  sim: StartedSimulator;
  seed: number;
  /** Sequences to draw (fewer when the deadline comes first). */
  numRuns: number;
  maxSteps: number;
  /** Sequences run while shrinking a failure, at most; shrinking stops there. */
  shrinkRuns: number;
  /** Epoch milliseconds after which no new sequence starts (the one running finishes; the rest pass without running). */
  deadline?: number;
  /** Replays one counterexample: fast-check's path (with the same seed). */
  path?: string;
  exclude?: ReadonlySet<KnownBugInput>;
  /** A second token of the simulator's account, for token rotations of the explicit provider (none: no rotation). */
  secondToken?: string;
  /** Progress lines (one per sequence); nothing when absent. */
  progress?: (line: string) => void;
}

/** What a fuzz run did and, when a sequence broke the invariant, its shrunk reproduction. */
export interface FuzzResult {
  seed: number;
  sequences: number;
  shrinkSequences: number;
  steps: number;
  failure?: {
    violations: string[];
    config: SequenceConfig;
    path: string;
    /** The shrunk sequence as the commands a person would type. */
    reproduction: string;
    /** The failing step's command output (token redacted). */
    output: string;
    /** Every step of the shrunk sequence with its output. */
    reportFile: string;
  };
}

/** Draws sequences and runs them against the real CLI until one breaks the invariant or the runs are done. */
export async function fuzz(options: FuzzOptions): Promise<FuzzResult> {
  plainCliTools(); // fails early, saying why, when the CLI or its language host is missing
  const exclude = options.exclude ?? new Set<KnownBugInput>();
  const result: FuzzResult = { seed: options.seed, sequences: 0, shrinkSequences: 0, steps: 0 };
  let lastFailure: { world: World; violations: string[] } | undefined;
  const property = fc.asyncProperty(
    configArbitrary(exclude),
    // A plain array of steps rather than fc.commands: its lengths spread over 1..maxSteps from the first run (fc.commands
    // draws mostly one or two commands in a short run), and fast-check shrinks it the same way, by dropping steps.
    fc.array(stepArbitrary(exclude), { minLength: 1, maxLength: options.maxSteps }),
    async (config, steps) => {
      if (!lastFailure && options.deadline !== undefined && Date.now() > options.deadline) return;
      if (lastFailure) {
        if (result.shrinkSequences >= options.shrinkRuns) return; // out of shrink budget: stop descending
        result.shrinkSequences++;
      } else {
        result.sequences++;
      }
      const shrinkRun = lastFailure !== undefined;
      const world = await World.open(options.sim, config, exclude, options.secondToken);
      const started = Date.now();
      try {
        for (const step of steps) await world.apply(step);
      } catch (error) {
        if (error instanceof Violation) lastFailure = { world, violations: error.violations };
        throw error;
      } finally {
        result.steps += world.transcript.length - 1;
        const verdict = lastFailure?.world === world ? "FAIL" : "ok  ";
        const shrinking = shrinkRun ? "shrinking: " : "";
        const seconds = ((Date.now() - started) / 1000).toFixed(0);
        options.progress?.(`${verdict} ${shrinking}sequence of ${world.transcript.length - 1} steps (${describeConfig(config)}) in ${seconds} s`);
        world.close();
      }
    },
  );
  const replaying = options.path !== undefined;
  const details = await fc.check(property, {
    seed: options.seed,
    numRuns: replaying ? 1 : options.numRuns,
    path: options.path,
    endOnFailure: replaying,
    // Unbiased: a biased first run draws one-step sequences and the smallest targets, and a run here is a few sequences.
    plugins: [fc.unbiased()],
  });
  if (details.failed && lastFailure && details.counterexample) {
    const { world, violations } = lastFailure;
    const excluded = exclude.size > 0 ? ` --exclude ${[...exclude].join(",")}` : "";
    const replay = `npm run soak -- --seed ${options.seed} --steps ${options.maxSteps}${excluded} --path ${details.counterexamplePath}`;
    const shellText = world.transcript.flatMap((step, i) => [`# ${i === 0 ? "" : `step ${i}: `}${step.title}`, ...step.shell]).join("\n");
    const reproduction = [
      `# seed ${options.seed}, fast-check path ${details.counterexamplePath}`,
      `# replay: ${replay}`,
      `# ${describeConfig(world.config)}`,
      shellText,
    ].join("\n");
    const reportFile = path.join(os.tmpdir(), `pulumi-callbell-fuzz-${options.seed}-${process.pid}.txt`);
    const full = world.transcript.map((step, i) => `=== step ${i}: ${step.title}\n${step.shell.join("\n")}\n${step.output}${step.violations.join("\n")}\n`);
    fs.writeFileSync(reportFile, `${reproduction}\n\n${violations.join("\n")}\n\n${full.join("\n")}`);
    result.failure = {
      violations,
      config: world.config,
      path: details.counterexamplePath ?? "",
      reproduction,
      output: world.transcript[world.transcript.length - 1].output,
      reportFile,
    };
  } else if (details.failed) {
    // Not a Violation: the fuzzer itself failed (e.g. the engine could not start); say so rather than hide it.
    throw details.errorInstance ?? new Error("fast-check failed without a violation");
  }
  return result;
}

/** The sequence's configuration in words. */
export function describeConfig(c: SequenceConfig): string {
  const second = { none: "one stack", stack: "B = stack staging, same backend", backend: "B = stack dev in another backend" }[c.second];
  return `${c.ownerField ? "callbell:ownerField set" : "no owner field"}, renames ${c.aliases ? "with" : "without"} aliases, ${second}`;
}

/** The failure as text for a person: violations, the reproduction, the failing step's output and where the rest is. */
export function formatFailure(result: FuzzResult): string {
  const f = result.failure;
  if (!f) return "no violation";
  return [
    `${f.violations.length} violation(s):`,
    ...f.violations.map((v) => `  - ${v}`),
    "",
    "Shrunk reproduction:",
    f.reproduction,
    "",
    "Output of the failing step (token redacted):",
    f.output.trimEnd(),
    "",
    `Every step with its output: ${f.reportFile}`,
  ].join("\n");
}
