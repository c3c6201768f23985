// The plugin's configuration through the plain CLI from YAML programs outside the repository: two explicit providers
// pointing at two simulators (two accounts) in one program, and bad settings that stop the run before any write.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { StartedSimulator, startSimulator } from "callbell-simulator";
import { CliResult, ok, run, scratchDir } from "../plain-cli/support";
import { PLUGIN_DIR, pluginEnv, stateOf, writes } from "./support";

const shown = (r: CliResult) => `${r.command}\n${r.stdout}${r.stderr}`;

/** A YAML project under the OS temp dir naming the plugin by path, with the given config and resources blocks. */
function yamlProject(name: string, body: string): string {
  const dir = path.join(scratchDir(`plugin-${name}`), name);
  fs.mkdirSync(dir, { recursive: true });
  const plugins = `plugins:\n  providers:\n    - name: callbell\n      path: ${PLUGIN_DIR}\n`;
  fs.writeFileSync(path.join(dir, "Pulumi.yaml"), `name: ${name}\nruntime: yaml\n${plugins}${body}`);
  return dir;
}

const contact = (name: string, identifier: string, provider?: string) =>
  `  ${name}:\n    type: callbell:index:Contact\n    properties:\n      identifier: "${identifier}"\n      source: whatsapp\n      name: ${name}\n` +
  (provider ? `    options:\n      provider: \${${provider}}\n` : "");

describe("provider plugin: explicit providers and bad settings (YAML, plain CLI)", function () {
  this.timeout(5 * 60_000);
  let dev: StartedSimulator;
  let prod: StartedSimulator;
  before(async () => {
    [dev, prod] = await Promise.all([startSimulator({ rateLimitPerSecond: 0 }), startSimulator({ rateLimitPerSecond: 0 })]);
  });
  after(async () => Promise.all([dev?.close(), prod?.close()]));

  it("two explicit providers in one program reach two accounts: each contact lands in its own, the tokens stay secret", async () => {
    const project = yamlProject(
      "two-accounts",
      "config:\n  devUrl: { type: string }\n  prodUrl: { type: string }\n" +
        "  devToken: { type: string, secret: true }\n  prodToken: { type: string, secret: true }\n" +
        "resources:\n" +
        "  dev:\n    type: pulumi:providers:callbell\n    properties:\n      apiUrl: ${devUrl}\n      apiToken: ${devToken}\n" +
        "  prod:\n    type: pulumi:providers:callbell\n    properties:\n      apiUrl: ${prodUrl}\n      apiToken: ${prodToken}\n" +
        contact("devAlice", "393331110001", "dev") +
        contact("prodBob", "393331110002", "prod"),
    );
    // No CALLBELL_* variables: each provider's settings come from its own properties.
    const env = pluginEnv(project, undefined);
    const pulumi = (...args: string[]) => ok(project, env, args, "pulumi", [dev.token, prod.token]);
    await pulumi("stack", "init", "dev");
    await pulumi("config", "set", "devUrl", dev.url);
    await pulumi("config", "set", "prodUrl", prod.url);
    await pulumi("config", "set", "--secret", "devToken", dev.token);
    await pulumi("config", "set", "--secret", "prodToken", prod.token);
    const up = await pulumi("up", "--yes");
    assert.deepEqual(writes(await dev.admin.requests()), ["POST /contacts"], shown(up));
    assert.deepEqual(writes(await prod.admin.requests()), ["POST /contacts"]);
    assert.deepEqual(
      (await dev.admin.contacts()).map((c) => c.name),
      ["devAlice"],
    );
    assert.deepEqual(
      (await prod.admin.contacts()).map((c) => c.name),
      ["prodBob"],
    );
    const exported = (await pulumi("stack", "export")).stdout;
    assert.ok(!exported.includes(dev.token) && !exported.includes(prod.token), "no token in the state");
    assert.equal((await stateOf(project, env)).length, 2);
    assert.ok(!fs.readFileSync(path.join(project, "Pulumi.dev.yaml"), "utf8").includes(dev.token), "the token is encrypted in the stack config");
    await pulumi("destroy", "--yes");
    assert.deepEqual(await dev.admin.contacts(), []);
    assert.deepEqual(await prod.admin.contacts(), []);
  });

  describe("bad settings stop the run with one line naming the setting and the fix, and nothing is written", () => {
    const attempt = async (name: string, extra: Record<string, string>, config: Record<string, string> = {}) => {
      const project = yamlProject(name, "resources:\n" + contact("alice", "393331110003"));
      const env = pluginEnv(project, undefined, extra);
      await ok(project, env, ["stack", "init", "dev"]);
      for (const [key, value] of Object.entries(config)) await ok(project, env, ["config", "set", key, value]);
      await dev.admin.clearRequests();
      const r = await run(project, env, ["up", "--yes"]);
      assert.notEqual(r.code, 0, shown(r));
      assert.deepEqual(writes(await dev.admin.requests()), [], shown(r));
      assert.deepEqual(await dev.admin.contacts(), []);
      return r;
    };

    it("no token: names callbell:apiToken and CALLBELL_API_TOKEN", async () => {
      const r = await attempt("no-token", { CALLBELL_API_URL: dev.url });
      assert.match(
        r.stdout + r.stderr,
        /No Callbell API token: run 'pulumi config set --secret callbell:apiToken <token>' or set the CALLBELL_API_TOKEN/,
        shown(r),
      );
    });

    it("an apiUrl without /v1 in the stack config: names callbell:apiUrl and the fix", async () => {
      const url = dev.url.replace(/\/v1$/, "");
      const r = await attempt("no-v1", { CALLBELL_API_TOKEN: dev.token }, { "callbell:apiUrl": url });
      assert.match(
        r.stdout + r.stderr,
        /callbell:apiUrl \\?"http:\/\/127\.0\.0\.1:\d+\\?" does not end with \/v1.*set it to the base URL including \/v1/,
        shown(r),
      );
    });
  });
});
