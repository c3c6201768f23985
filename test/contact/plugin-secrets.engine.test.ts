// Secrets stay secret through the provider plugin: a YAML program whose contact identifier and name are `fn::secret`,
// the API token in stack config as a secret, the plain `pulumi` CLI in a project outside the repository, a simulator in
// this process. `pulumi stack export` (as a user runs it, without --show-secrets) must hold neither the number nor the
// name in clear, in inputs or outputs, after up and after refresh; the token is in no output and no state.
import { strict as assert } from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { StartedSimulator, startSimulator } from "callbell-simulator";
import { CliResult, ok, scratchDir } from "../plain-cli/support";
import { CONTACT_TYPE, PLUGIN_DIR, StateResource, pluginEnv } from "../harness/plugin";

const PROJECT = "callbell-secrets-yaml";
const NUMBER = "393331234567";
const NAME = "Secret Sophia";
// The number as it could be written back anywhere: in full, without the country code, grouped.
const NUMBER_FORMS = [NUMBER, "3331234567", "333 123 4567"];
// A secret value in the state: Pulumi's signature key and the secret signature.
const SECRET_SIG = { key: "4dabf18193072939515e22adb298388d", value: "1b47061264138c4ac30d75fd1eb44270" };

const isSecret = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && (value as Record<string, unknown>)[SECRET_SIG.key] === SECRET_SIG.value;
// A value of `pulumi stack export --show-secrets`: a secret there carries its value as JSON text in `plaintext`.
const plain = (value: unknown) => (isSecret(value) && typeof value.plaintext === "string" ? JSON.parse(value.plaintext) : value);

describe("provider plugin: secret inputs stay secret (a YAML program)", function () {
  this.timeout(5 * 60_000);
  let sim: StartedSimulator;
  let project: string;
  let env: NodeJS.ProcessEnv;
  // Everything the CLI printed but the state exports (checked on their own), for the checks at the end.
  const printed: string[] = [];
  const pulumi = async (...args: string[]) => {
    const r = await ok(project, env, args, "pulumi", [sim.token]);
    if (!(args[0] === "stack" && args[1] === "export")) printed.push(r.stdout, r.stderr);
    return r;
  };
  const shown = (r: CliResult) => `${r.command}\n${r.stdout}${r.stderr}`.split(sim.token).join("[token]");
  const exported = async () => (await pulumi("stack", "export")).stdout;
  const contactIn = (text: string) => (JSON.parse(text).deployment.resources as StateResource[]).find((r) => r.type === CONTACT_TYPE);

  /** Asserts the exported state holds the contact, its identifier and name secret, and none of the secrets in clear. */
  function assertNoClearSecrets(text: string): void {
    const contact = contactIn(text);
    assert.ok(contact, "the contact is in the state");
    for (const where of ["inputs", "outputs"] as const) {
      for (const key of ["identifier", "name"]) {
        assert.ok(isSecret(contact[where]?.[key]), `${where}.${key} is a secret in the state: ${JSON.stringify(contact[where]?.[key])}`);
      }
    }
    for (const form of NUMBER_FORMS) assert.ok(!text.includes(form), `the number (${form}) is in the exported state in clear`);
    assert.ok(!text.toLowerCase().includes(NAME.toLowerCase()), "the name is in the exported state in clear");
    assert.ok(!text.includes(sim.token), "the token is in the exported state");
  }

  before(async () => {
    sim = await startSimulator({ rateLimitPerSecond: 0 });
    project = path.join(scratchDir("plugin-secrets"), "project");
    fs.mkdirSync(project, { recursive: true });
    const program = {
      name: PROJECT,
      runtime: "yaml",
      plugins: { providers: [{ name: "callbell", path: PLUGIN_DIR }] },
      resources: {
        sophia: {
          type: CONTACT_TYPE,
          properties: { identifier: { "fn::secret": NUMBER }, source: "whatsapp", name: { "fn::secret": NAME }, tags: ["qa"] },
        },
      },
      outputs: { uuid: "${sophia.uuid}", name: "${sophia.name}", identifier: "${sophia.identifier}" },
    };
    fs.writeFileSync(path.join(project, "Pulumi.yaml"), JSON.stringify(program, null, 2));
    // No CALLBELL_* variables: the plugin takes the URL and the token from the stack's config, the token set secret.
    env = pluginEnv(project, undefined);
    await pulumi("stack", "init", "dev");
    await pulumi("config", "set", "callbell:apiUrl", sim.url);
    // The token goes in on stdin, never as an argument.
    execFileSync("pulumi", ["config", "set", "--secret", "callbell:apiToken"], { cwd: project, env, input: sim.token, stdio: ["pipe", "ignore", "pipe"] });
  });
  after(async () => sim?.close());

  it("up creates the contact as declared; the state holds the identifier and name only encrypted, in inputs and outputs", async () => {
    const up = await pulumi("up", "--yes", "--diff");
    const [contact] = await sim.admin.contacts();
    assert.ok(contact, shown(up));
    assert.equal(contact.name, NAME, "the plugin sent the secret name in clear to Callbell");
    assert.equal(String(contact.phoneNumber).replace(/\D/g, ""), NUMBER, "the plugin sent the secret number to Callbell");
    assertNoClearSecrets(await exported());
    // They are there, encrypted: a user with the passphrase sees them.
    const shownState = contactIn((await pulumi("stack", "export", "--show-secrets")).stdout)!;
    assert.equal(plain(shownState.inputs?.name), NAME);
    assert.equal(plain(shownState.outputs?.name), NAME);
    assert.equal(plain(shownState.inputs?.identifier), NUMBER);
  });

  it("the stack outputs derived from them are secret: `pulumi stack output` shows [secret]", async () => {
    const r = await pulumi("stack", "output", "--json");
    const outputs = JSON.parse(r.stdout) as Record<string, unknown>;
    assert.equal(outputs.name, "[secret]", shown(r));
    assert.equal(outputs.identifier, "[secret]", shown(r));
    assert.match(String(outputs.uuid), /^[0-9a-f]{32}$/, "the uuid is not personal data and stays readable");
  });

  it("refresh reads the contact back (the name edited in Callbell) and keeps both secret", async () => {
    const [contact] = await sim.admin.contacts();
    await sim.admin.editContact(contact.uuid, { name: `${NAME} Edited` });
    await pulumi("refresh", "--yes", "--diff");
    const text = await exported();
    assertNoClearSecrets(text);
    const shownState = contactIn((await pulumi("stack", "export", "--show-secrets")).stdout)!;
    assert.equal(plain(shownState.outputs?.name), `${NAME} Edited`, "refresh read the edited name");
    await pulumi("up", "--yes", "--diff");
    assert.equal((await sim.admin.contact(contact.uuid)).name, NAME);
    assertNoClearSecrets(await exported());
  });

  it("nothing the CLI printed holds the token, the number or the name; destroy deletes the contact", async () => {
    await pulumi("preview", "--diff");
    await pulumi("destroy", "--yes");
    assert.deepEqual(await sim.admin.contacts(), []);
    const all = printed.join("\n");
    assert.ok(printed.length >= 10, "every step's output was kept");
    assert.ok(!all.includes(sim.token), "the token was printed");
    for (const form of NUMBER_FORMS) assert.ok(!all.includes(form), `the number (${form}) was printed`);
    assert.ok(!all.toLowerCase().includes(NAME.toLowerCase()), "the name was printed");
  });
});
